/* The number of sockets a process may hold follows RLIMIT_NOFILE, as the
 * kernel's descriptor table does (alloc_fd / get_unused_fd_flags: EMFILE at
 * the soft limit), not a fixed table size: with the soft limit at 20000 a
 * program gets 20000 minus the descriptors it already holds; lowering the
 * limit below the open count refuses new ones at once, and closing one
 * frees exactly one. accept() is refused the same way. */
#include <sys/resource.h>

#include "conf.h"

#define LIMIT 20000

static int fds[LIMIT];

/* Open sockets of `type` until the first failure; returns how many. */
static int fill(int type, int *err)
{
    int n = 0;
    for (;;) {
        int s = socket(AF_INET, type, 0);
        if (s < 0) {
            *err = errno;
            return n;
        }
        fds[n++] = s;
    }
}

static void drain(int n)
{
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

int main(void)
{
    struct rlimit rl;
    MUST(getrlimit(RLIMIT_NOFILE, &rl));
    int base = 0; /* descriptors already open (stdio and whatever the runner left) */
    for (int fd = 0; fd < 64; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            base++;
    rl.rlim_cur = LIMIT;
    if (rl.rlim_max < LIMIT)
        rl.rlim_max = LIMIT;
    MUST(setrlimit(RLIMIT_NOFILE, &rl));

    int e = 0, n = fill(SOCK_DGRAM, &e);
    conf_printf("udp sockets with the limit at %d: limit - open + %d, then %s\n", LIMIT,
                n - (LIMIT - base), conf_errname(e));
    close(fds[--n]);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    conf_printf("after closing one, a tcp socket: %s\n", s >= 0 ? "ok" : conf_errname(errno));
    if (s >= 0)
        fds[n++] = s;
    s = socket(AF_INET, SOCK_STREAM, 0);
    conf_printf("and the next: %s\n", s >= 0 ? "ok" : conf_errname(errno));
    if (s >= 0)
        close(s);
    drain(n);

    /* a listener with a queued connection; accept at the limit */
    int l, c;
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", 7300);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 8));
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, SA(&a), sizeof a));
    n = fill(SOCK_DGRAM, &e);
    conf_printf("filled: %s\n", conf_errname(e));
    CHECK(accept(l, NULL, NULL));
    close(fds[--n]);
    int r = accept(l, NULL, NULL);
    conf_printf("accept after one close: %s\n", r >= 0 ? "ok" : conf_errname(errno));
    if (r >= 0)
        close(r);
    drain(n);

    rl.rlim_cur = 100;
    MUST(setrlimit(RLIMIT_NOFILE, &rl));
    n = fill(SOCK_DGRAM, &e);
    conf_printf("limit 100: limit - open + %d, then %s\n", n - (100 - base - 2), conf_errname(e));
    drain(n);
    close(c);
    close(l);
    return 0;
}
