/* SO_INQ on AF_UNIX (Linux 6.18, unix_setsockopt / unix_getsockopt): a
 * SOCK_STREAM socket takes it (any int, read back as 0 or 1); other types
 * say ENOPROTOOPT. While it is on, every recvmsg() with a control buffer
 * gets an SCM_INQ message (SOL_SOCKET): the bytes still queued after the
 * read, as SIOCINQ reports them. */
#include "conf.h"
#include <sys/un.h>

#ifndef SO_INQ
#define SO_INQ 84
#endif
#define SCM_INQ_ SO_INQ

static void show_cmsgs(struct msghdr *m)
{
    int n = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        int v = -1;
        if (c->cmsg_len >= CMSG_LEN(sizeof(int)))
            memcpy(&v, CMSG_DATA(c), sizeof v);
        conf_printf("  cmsg level=%d type=%d len=%u int=%d\n", c->cmsg_level, c->cmsg_type,
                    (unsigned)c->cmsg_len, v);
        n++;
    }
    conf_printf("  %d cmsg, flags%s%s\n", n, (m->msg_flags & MSG_CTRUNC) ? " CTRUNC" : "",
                (m->msg_flags & MSG_TRUNC) ? " TRUNC" : "");
}

static void rd(const char *label, int fd, size_t n, int flags, size_t ctl)
{
    char buf[256], cbuf[64];
    struct iovec iov = {buf, n};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (ctl) {
        m.msg_control = cbuf;
        m.msg_controllen = ctl;
    }
    memset(cbuf, 0, sizeof cbuf);
    errno = 0;
    ssize_t r = recvmsg(fd, &m, flags | MSG_DONTWAIT);
    conf_report(label, (long)r, errno);
    if (r >= 0)
        show_cmsgs(&m);
    int q = -1;
    CHECKL("  ioctl(SIOCINQ)", ioctl(fd, FIONREAD, &q));
    conf_printf("  inq %d\n", q);
}

int main(void)
{
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    static const char *names[] = {"stream", "dgram", "seqpacket"};
    for (int t = 0; t < 3; t++) {
        int sv[2];
        MUST(socketpair(AF_UNIX, types[t], 0, sv));
        conf_printf("%s\n", names[t]);
        GETINT(sv[1], SOL_SOCKET, SO_INQ);
        SETINT(sv[1], SOL_SOCKET, SO_INQ, 1);
        GETINT(sv[1], SOL_SOCKET, SO_INQ);
        SETINT(sv[1], SOL_SOCKET, SO_INQ, 7);
        GETINT(sv[1], SOL_SOCKET, SO_INQ);
        MUST(send(sv[0], "abcdefgh", 8, 0));
        MUST(send(sv[0], "ijkl", 4, 0));
        rd("recvmsg 3", sv[1], 3, 0, 64);
        rd("recvmsg 2 peek", sv[1], 2, MSG_PEEK, 64);
        rd("recvmsg 2 no control", sv[1], 2, 0, 0);
        rd("recvmsg 2 short control", sv[1], 2, 0, sizeof(struct cmsghdr));
        rd("recvmsg 20", sv[1], 20, 0, 64);
        rd("recvmsg empty", sv[1], 20, 0, 64);
        SETINT(sv[1], SOL_SOCKET, SO_INQ, 0);
        GETINT(sv[1], SOL_SOCKET, SO_INQ);
        MUST(send(sv[0], "mn", 2, 0));
        rd("recvmsg off", sv[1], 20, 0, 64);
        close(sv[0]);
        close(sv[1]);
    }
    int u;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    conf_printf("udp\n");
    GETINT(u, SOL_SOCKET, SO_INQ);
    SETINT(u, SOL_SOCKET, SO_INQ, 1);
    close(u);
    MUST(u = socket(AF_INET, SOCK_STREAM, 0));
    conf_printf("tcp\n");
    GETINT(u, SOL_SOCKET, SO_INQ);
    SETINT(u, SOL_SOCKET, SO_INQ, 1);
    close(u);
    return 0;
}
