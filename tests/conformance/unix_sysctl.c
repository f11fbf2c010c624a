/* unix_sysctl: net.unix.max_dgram_qlen — its default, and that a datagram
 * receiver takes the value current when it was created: more than that
 * many queued messages make it full (EAGAIN), 0 still takes one, and a
 * negative value is no limit (the sender's SO_SNDBUF is). */
#include "unix_fs.h"

/* Messages a fresh connected sender queues on r before EAGAIN. */
static int count_until_full(int r)
{
    struct sockaddr_un a;
    socklen_t al = sizeof a;
    MUST(getsockname(r, SA(&a), &al));
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    MUST(connect(s, SA(&a), al));
    int n = 0;
    while (n < 100000 && send(s, "q", 1, MSG_DONTWAIT) == 1)
        n++;
    int e = errno;
    char b[4];
    while (recv(r, b, sizeof b, MSG_DONTWAIT) > 0)
        ;
    close(s);
    errno = e;
    return n;
}

static int bound(const char *name)
{
    socklen_t l;
    struct sockaddr_un a = unix_abstract(name, &l);
    int r = socket(AF_UNIX, SOCK_DGRAM, 0);
    MUST(bind(r, SA(&a), l));
    return r;
}

int main(void)
{
    char v[64];
    CHECK(conf_sysctl_get("net.unix.max_dgram_qlen", v, sizeof v));
    conf_printf("  default %s\n", v);
    int before = bound("conf-qlen-before");
    SYSCTL("net.unix.max_dgram_qlen", "3");
    int r3 = bound("conf-qlen-3");
    int n = count_until_full(r3);
    conf_printf("qlen 3: %d queued, then %s\n", n, conf_errname(errno));
    n = count_until_full(before);
    conf_printf("made before (10): %d queued, then %s\n", n, conf_errname(errno));
    SYSCTL("net.unix.max_dgram_qlen", "0");
    int r0 = bound("conf-qlen-0");
    n = count_until_full(r0);
    conf_printf("qlen 0: %d queued, then %s\n", n, conf_errname(errno));
    SYSCTL("net.unix.max_dgram_qlen", "-1");
    int rn = bound("conf-qlen-neg");
    n = count_until_full(rn);
    conf_printf("qlen -1: more than 100 queued %d, then %s\n", n > 100, conf_errname(errno));
    SYSCTL("net.unix.max_dgram_qlen", "abc");
    SYSCTL("net.unix.max_dgram_qlen", "2147483648");
    CHECK(conf_sysctl_get("net.unix.max_dgram_qlen", v, sizeof v));
    conf_printf("  now %s\n", v);
    close(before);
    close(r3);
    close(r0);
    close(rn);
    return 0;
}
