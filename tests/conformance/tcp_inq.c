/* TCP_INQ (Linux 4.18): the option's value rules, and the TCP_CM_INQ
 * control message recvmsg attaches when it is on (bytes still queued after
 * the read). Also net.ipv4.tcp_early_retrans (the tail-loss-probe switch):
 * its default and the values its proc handler accepts. */
#include "confx.h"

#ifndef TCP_INQ
#define TCP_INQ 36
#endif
#ifndef TCP_CM_INQ
#define TCP_CM_INQ TCP_INQ
#endif

static void show_inq(const char *label, int s, size_t len)
{
    char buf[64], cbuf[64];
    struct iovec iov = {buf, len};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    ssize_t r = recvmsg(s, &m, MSG_DONTWAIT);
    conf_report(label, r, errno);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        int v;
        memcpy(&v, CMSG_DATA(c), sizeof v);
        conf_printf("  cmsg level=%d type=%d len=%u value=%d\n", c->cmsg_level, c->cmsg_type,
                    (unsigned)c->cmsg_len, v);
    }
}

int main(void)
{
    char v[32];
    if (conf_sysctl_get("net.ipv4.tcp_early_retrans", v, sizeof v) == 0)
        conf_printf("tcp_early_retrans default = %s\n", v);
    SYSCTL("net.ipv4.tcp_early_retrans", "5");
    SYSCTL("net.ipv4.tcp_early_retrans", "-1");
    SYSCTL("net.ipv4.tcp_early_retrans", "0");
    SYSCTL("net.ipv4.tcp_early_retrans", "4");
    SYSCTL("net.ipv4.tcp_early_retrans", "3");

    int l, c, s;
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", 6300);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 4));
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    GETINT(c, IPPROTO_TCP, TCP_INQ);
    SETINT(c, IPPROTO_TCP, TCP_INQ, 2);
    SETINT(c, IPPROTO_TCP, TCP_INQ, -1);
    SETINT(c, IPPROTO_TCP, TCP_INQ, 1);
    GETINT(c, IPPROTO_TCP, TCP_INQ);
    MUST(connect(c, SA(&a), sizeof a));
    MUST(s = accept(l, NULL, NULL));
    GETINT(s, IPPROTO_TCP, TCP_INQ); /* not inherited from the listener: it never set it */
    MUST(send(s, "0123456789", 10, 0));
    conf_wait(c, POLLIN, 1000);
    show_inq("recvmsg 4 of 10, TCP_INQ on", c, 4);
    show_inq("recvmsg the rest", c, 64);
    SETINT(c, IPPROTO_TCP, TCP_INQ, 0);
    MUST(send(s, "abc", 3, 0));
    conf_wait(c, POLLIN, 1000);
    show_inq("recvmsg, TCP_INQ off", c, 64);
    close(c);
    close(s);
    close(l);
    return 0;
}
