/* poll(): POLLNVAL for closed and non-open fds, EINVAL for nfds above
 * RLIMIT_NOFILE, and a non-socket fd beside sockets. */
#include "conf.h"
#include <sys/resource.h>

int main(void)
{
    int s, dead, p[2];
    MUST(pipe(p));
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(dead = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(close(dead));
    conf_printf("fds: pipe %d %d, socket %d, closed %d\n", p[0], p[1], s, dead);
    struct pollfd f[4] = {{dead, POLLIN, 0}, {s, POLLOUT, 0}, {999, POLLIN, 0}, {p[1], POLLOUT, 0}};
    CHECK(poll(f, 4, 0));
    for (int i = 0; i < 4; i++)
        conf_printf("  [%d] revents=%s\n", i, conf_pollbits(f[i].revents));

    struct rlimit rl;
    MUST(getrlimit(RLIMIT_NOFILE, &rl));
    struct pollfd one = {s, POLLIN, 0};
    volatile nfds_t above = (nfds_t)rl.rlim_cur + 1, huge = (nfds_t)-1;
    CHECKL("poll(nfds RLIMIT_NOFILE+1)", poll(&one, above, 0));
    CHECKL("poll(nfds -1)", poll(&one, huge, 0));
    return 0;
}
