/* unix_oob: MSG_OOB on AF_UNIX streams (Linux's CONFIG_AF_UNIX_OOB): the
 * last byte of a MSG_OOB send is urgent; readers stop at the mark
 * (SIOCATMARK), recv(MSG_OOB) takes it (EINVAL without one or with
 * SO_OOBINLINE), reading on without taking it drops it, a newer urgent
 * byte turns the older one into data, POLLPRI while one waits, SIOCINQ
 * counts it, MSG_PEEK stops at the mark too; other types are EOPNOTSUPP. */
#include "unix_fs.h"
#include <signal.h>
#include <linux/sockios.h>

static void state(const char *label, int fd)
{
    int mark = -1, inq = -1;
    ioctl(fd, SIOCATMARK, &mark);
    ioctl(fd, SIOCINQ, &inq);
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLPRI};
    poll(&p, 1, 0);
    conf_printf("  %s: atmark %d inq %d poll%s%s\n", label, mark, inq,
                (p.revents & POLLIN) ? " IN" : "", (p.revents & POLLPRI) ? " PRI" : "");
}

/* A new pair for each scenario (SIOCINQ of one must not depend on the
 * scenarios before it). */
static void fresh(int p[2])
{
    if (p[0] >= 0) {
        close(p[0]);
        close(p[1]);
    }
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
}

static void rd(const char *label, int fd, size_t n, int flags)
{
    char b[16];
    struct iovec iov = {b, n};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    errno = 0;
    ssize_t r = recvmsg(fd, &mh, flags | MSG_DONTWAIT);
    if (r < 0)
        conf_printf("%s = -1 %s\n", label, conf_errname(errno));
    else
        conf_printf("%s = %zd \"%.*s\"%s\n", label, r, (int)r, b,
                    (mh.msg_flags & MSG_OOB) ? " OOB" : "");
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int p[2] = {-1, -1};
    fresh(p);
    rd("recv OOB, none", p[1], 1, MSG_OOB);
    CHECK(send(p[0], "ab", 2, MSG_OOB));
    state("after \"ab\" OOB", p[1]);
    rd("peek", p[1], 8, MSG_PEEK);
    rd("recv", p[1], 8, 0);
    state("at the mark", p[1]);
    rd("recv OOB|PEEK", p[1], 8, MSG_OOB | MSG_PEEK);
    rd("recv OOB", p[1], 8, MSG_OOB);
    state("urgent byte read", p[1]);
    rd("recv", p[1], 8, 0);
    rd("recv OOB again", p[1], 8, MSG_OOB);
    state("empty", p[1]);

    fresh(p);
    CHECK(send(p[0], "cd", 2, MSG_OOB));
    CHECK(send(p[0], "ef", 2, 0));
    rd("recv", p[1], 8, 0);
    rd("recv past the mark", p[1], 8, 0);
    {
        int mark = -1, inq = -1;
        ioctl(p[1], SIOCATMARK, &mark);
        ioctl(p[1], SIOCINQ, &inq);
        conf_printf("  urgent byte dropped: atmark %d\n", mark);
        conf_printf("  inq after a dropped urgent byte: %d\n", inq);
    }
    rd("recv OOB", p[1], 8, MSG_OOB);

    fresh(p);
    CHECK(send(p[0], "g", 1, MSG_OOB));
    CHECK(send(p[0], "h", 1, MSG_OOB));
    state("two urgent sends", p[1]);
    rd("recv", p[1], 8, 0);
    rd("recv OOB", p[1], 8, MSG_OOB);
    rd("recv", p[1], 8, 0);

    fresh(p);
    CHECK(send(p[0], "jk", 2, MSG_OOB));
    CHECK(send(p[0], "lm", 2, 0));
    rd("recv OOB first", p[1], 8, MSG_OOB);
    state("urgent byte read ahead", p[1]);
    rd("recv", p[1], 8, 0);
    rd("recv", p[1], 8, 0);
    state("all read", p[1]);

    fresh(p);
    CHECK(send(p[0], "", 0, MSG_OOB));
    CHECK(send(p[0], "n", 1, MSG_OOB));
    rd("recv OOB into 3", p[1], 3, MSG_OOB);

    fresh(p);
    int one = 1;
    CHECK(setsockopt(p[1], SOL_SOCKET, SO_OOBINLINE, &one, sizeof one));
    CHECK(send(p[0], "op", 2, MSG_OOB));
    CHECK(send(p[0], "q", 1, 0));
    state("inline", p[1]);
    rd("recv OOB inline", p[1], 8, MSG_OOB);
    rd("recv", p[1], 8, 0);
    state("inline at the mark", p[1]);
    rd("recv", p[1], 8, 0);
    state("inline read", p[1]);
    close(p[1]);
    CHECK(send(p[0], "x", 1, MSG_OOB | MSG_NOSIGNAL));
    close(p[0]);

    int types[] = {SOCK_DGRAM, SOCK_SEQPACKET};
    for (int t = 0; t < 2; t++) {
        MUST(socketpair(AF_UNIX, types[t], 0, p));
        CHECK(send(p[0], "x", 1, MSG_OOB));
        CHECK(send(p[0], "x", 1, 0));
        rd("recv OOB", p[1], 8, MSG_OOB);
        close(p[0]);
        close(p[1]);
    }
    return 0;
}
