/* UDP corking (Linux's udp_sendmsg / ip_append_data / udp_push_pending_frames):
 * MSG_MORE and the UDP_CORK option gather sends into one datagram, sent by
 * the first send without MSG_MORE or by clearing UDP_CORK. The destination,
 * TTL and source of the datagram are those of the first corked send. */
#include <linux/sockios.h>
#include <netinet/udp.h>

#include "conf.h"

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_CORK
#define UDP_CORK 1
#endif

static char buf[70000];

/* Receives every datagram waiting on fd without blocking and prints its
 * length, source port and (short) content. */
static void drain(const char *label, int fd)
{
    int n = 0;
    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t r = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, SA(&from), &fl);
        if (r < 0) {
            conf_printf("%s: %d datagram(s), then %s\n", label, n, conf_errname(errno));
            return;
        }
        n++;
        if (r <= 16)
            conf_printf("%s: len=%zd from %s \"%.*s\"\n", label, r,
                        conf_fmt_sa(&from, fl, CONF_PORT_EPH), (int)r, buf);
        else
            conf_printf("%s: len=%zd from %s cksum=%08x\n", label, r,
                        conf_fmt_sa(&from, fl, CONF_PORT_EPH), conf_cksum(buf, (size_t)r));
    }
}

static int outq_nonzero(int fd)
{
    int v = -1;
    if (ioctl(fd, SIOCOUTQ, &v) < 0)
        return -1;
    return v > 0;
}

int main(void)
{
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    static char big[70000];
    memcpy(big, buf, sizeof big);
    int a = conf_udp_bound("127.0.0.1", 5100);
    int b = conf_udp_bound("127.0.0.1", 5101);
    struct sockaddr_in to_a = conf_sin("127.0.0.1", 5100);
    struct sockaddr_in to_b = conf_sin("127.0.0.1", 5101);
    int s;

    conf_printf("-- MSG_MORE gathers sends into one datagram\n");
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendto(s, "ab", 2, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, "cd", 2, MSG_MORE, SA(&to_a), sizeof to_a));
    conf_printf("outq while corked > 0: %d\n", outq_nonzero(s));
    conf_printf("poll while corked: %s\n", conf_pollbits(conf_wait(s, POLLIN | POLLOUT, 0)));
    drain("a before the last send", a);
    CHECK(sendto(s, "ef", 2, 0, SA(&to_a), sizeof to_a));
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    conf_printf("outq after the push: %d\n", outq_nonzero(s));

    conf_printf("-- the first corked send fixes the destination\n");
    CHECK(sendto(s, "to-a", 4, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, "+b", 2, MSG_MORE, SA(&to_b), sizeof to_b));
    CHECK(sendto(s, "+4", 2, MSG_MORE, SA(&to_b), 4)); /* the address is not even read */
    {
        struct sockaddr_in6 six = {.sin6_family = AF_INET6};
        CHECK(sendto(s, "+6", 2, MSG_MORE, SA(&six), sizeof six));
    }
    CHECK(send(s, "+none", 5, 0)); /* unconnected: appended, no EDESTADDRREQ */
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    drain("b", b);
    CHECK(send(s, "x", 1, 0));
    CHECK(send(s, "x", 1, MSG_MORE));
    CHECK(sendto(s, "x", 1, MSG_MORE, SA(&to_a), 4));
    CHECK(sendto(s, "y", 1, 0, SA(&to_a), sizeof to_a));
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    close(s);

    conf_printf("-- zero-length pieces\n");
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendto(s, "", 0, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, "abc", 3, 0, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, "", 0, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, "", 0, 0, SA(&to_b), sizeof to_b));
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    drain("b", b);
    close(s);

    conf_printf("-- UDP_CORK\n");
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    GETINT(s, SOL_UDP, UDP_CORK);
    SETINT(s, SOL_UDP, UDP_CORK, 5);
    GETINT(s, SOL_UDP, UDP_CORK);
    {
        short sh = 1;
        CHECK(setsockopt(s, SOL_UDP, UDP_CORK, &sh, sizeof sh));
        char c[8] = {0};
        socklen_t cl = 1;
        CHECK(getsockopt(s, SOL_UDP, UDP_CORK, c, &cl));
        conf_printf("  1-byte read: val=%d len=%u\n", c[0], (unsigned)cl);
        int v = 0;
        socklen_t vl = 0;
        CHECK(getsockopt(s, SOL_UDP, UDP_CORK, &v, &vl));
        conf_printf("  0-byte read: len=%u\n", (unsigned)vl);
        CHECK(setsockopt(s, SOL_UDP, 12345, &v, sizeof v));
        CHECK(getsockopt(s, SOL_UDP, 12345, &v, &vl));
    }
    CHECK(sendto(s, "one", 3, 0, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, "two", 3, 0, SA(&to_b), sizeof to_b));
    drain("a while corked", a);
    SETINT(s, SOL_UDP, UDP_CORK, 1); /* setting it again sends nothing */
    drain("a still corked", a);
    SETINT(s, SOL_UDP, UDP_CORK, 0);
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    drain("b", b);
    SETINT(s, SOL_UDP, UDP_CORK, 0); /* nothing pending: nothing sent */
    drain("a", a);
    CHECK(sendto(s, "more", 4, MSG_MORE, SA(&to_a), sizeof to_a));
    SETINT(s, SOL_UDP, UDP_CORK, 0); /* clearing it pushes MSG_MORE data too */
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    SETINT(s, SOL_UDP, UDP_CORK, 1);
    CHECK(sendto(s, "x", 1, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, "y", 1, 0, SA(&to_a), sizeof to_a)); /* corked: still held */
    drain("a corked", a);
    SETINT(s, SOL_UDP, UDP_CORK, 0);
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    close(s);

    conf_printf("-- size limit\n");
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendto(s, big, 60000, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, big + 60000, 5507, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, big, 0, 0, SA(&to_a), sizeof to_a));
    conf_wait(a, POLLIN, 1000);
    drain("a (65507)", a);
    CHECK(sendto(s, big, 60000, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, big, 5508, MSG_MORE, SA(&to_a), sizeof to_a)); /* discards it all */
    CHECK(sendto(s, "z", 1, 0, SA(&to_a), sizeof to_a));
    conf_wait(a, POLLIN, 1000);
    drain("a after EMSGSIZE", a);
    CHECK(sendto(s, big, 65508, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, big, 70000, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, big, 100, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(sendto(s, big, 70000, 0, SA(&to_a), sizeof to_a)); /* > 0xffff: pending kept */
    CHECK(sendto(s, "!", 1, 0, SA(&to_a), sizeof to_a));
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    CHECK(sendto(s, "oob", 3, MSG_MORE | MSG_OOB, SA(&to_a), sizeof to_a));
    close(s);

    conf_printf("-- connected socket, connect and disconnect while corked\n");
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(connect(s, SA(&to_a), sizeof to_a));
    CHECK(send(s, "c1", 2, MSG_MORE));
    CHECK(write(s, "c2", 2));
    conf_wait(a, POLLIN, 1000);
    drain("a", a);
    CHECK(send(s, "d1", 2, MSG_MORE));
    {
        struct sockaddr un = {.sa_family = AF_UNSPEC};
        CHECK(connect(s, &un, sizeof un));
    }
    CHECK(send(s, "d2", 2, 0));
    conf_wait(a, POLLIN, 1000);
    drain("a after AF_UNSPEC", a);
    CHECK(sendto(s, "e1", 2, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(connect(s, SA(&to_b), sizeof to_b));
    CHECK(send(s, "e2", 2, 0));
    conf_wait(b, POLLIN, 1000);
    drain("a after connect(b)", a);
    drain("b after connect(b)", b);
    close(s);

    conf_printf("-- close and shutdown while corked\n");
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendto(s, "lost", 4, MSG_MORE, SA(&to_a), sizeof to_a));
    CHECK(close(s));
    conf_wait(a, POLLIN, 50);
    drain("a after close", a);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(connect(s, SA(&to_a), sizeof to_a));
    CHECK(send(s, "s1", 2, MSG_MORE));
    CHECK(shutdown(s, SHUT_WR));
    CHECK(send(s, "s2", 2, MSG_NOSIGNAL));
    conf_wait(a, POLLIN, 200);
    drain("a after shutdown", a);
    close(s);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(connect(s, SA(&to_a), sizeof to_a));
    SETINT(s, SOL_UDP, UDP_CORK, 1);
    CHECK(send(s, "t1", 2, 0));
    CHECK(shutdown(s, SHUT_RDWR));
    SETINT(s, SOL_UDP, UDP_CORK, 0);
    conf_wait(a, POLLIN, 200);
    drain("a after shutdown + uncork", a);
    close(s);

    conf_printf("-- TTL of the first corked send\n");
    {
        int on = 1;
        MUST(setsockopt(a, IPPROTO_IP, IP_RECVTTL, &on, sizeof on));
        MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
        SETINT(s, IPPROTO_IP, IP_TTL, 5);
        CHECK(sendto(s, "t", 1, MSG_MORE, SA(&to_a), sizeof to_a));
        SETINT(s, IPPROTO_IP, IP_TTL, 9);
        CHECK(sendto(s, "u", 1, 0, SA(&to_a), sizeof to_a));
        conf_wait(a, POLLIN, 1000);
        char data[16], cbuf[256];
        struct iovec iov = {data, sizeof data};
        struct msghdr m = {0};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = cbuf;
        m.msg_controllen = sizeof cbuf;
        CHECK(recvmsg(a, &m, MSG_DONTWAIT));
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
                int ttl;
                memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
                conf_printf("  ttl=%d\n", ttl);
            }
        close(s);
        on = 0;
        MUST(setsockopt(a, IPPROTO_IP, IP_RECVTTL, &on, sizeof on));
        on = 1;
        MUST(setsockopt(a, IPPROTO_IP, IP_RECVTOS, &on, sizeof on));
        MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
        SETINT(s, IPPROTO_IP, IP_TOS, 0x20);
        CHECK(sendto(s, "t", 1, MSG_MORE, SA(&to_a), sizeof to_a));
        SETINT(s, IPPROTO_IP, IP_TOS, 0x40);
        CHECK(sendto(s, "u", 1, 0, SA(&to_a), sizeof to_a));
        conf_wait(a, POLLIN, 1000);
        m.msg_controllen = sizeof cbuf;
        CHECK(recvmsg(a, &m, MSG_DONTWAIT));
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS)
                conf_printf("  tos=0x%x\n", *(unsigned char *)CMSG_DATA(c));
        close(s);
        on = 0;
        MUST(setsockopt(a, IPPROTO_IP, IP_RECVTOS, &on, sizeof on));
    }

    conf_printf("-- AF_INET6 socket, v4-mapped destination\n");
    {
        struct sockaddr_in6 m6;
        memset(&m6, 0, sizeof m6);
        m6.sin6_family = AF_INET6;
        m6.sin6_port = htons(5100);
        inet_pton(AF_INET6, "::ffff:127.0.0.1", &m6.sin6_addr);
        struct sockaddr_in6 l6 = m6;
        l6.sin6_addr = in6addr_loopback;
        MUST(s = socket(AF_INET6, SOCK_DGRAM, 0));
        GETINT(s, SOL_UDP, UDP_CORK);
        CHECK(sendto(s, "m1", 2, MSG_MORE, SA(&m6), sizeof m6));
        CHECK(sendto(s, "m2", 2, MSG_MORE, SA(&to_b), sizeof to_b));
        CHECK(sendto(s, "m3", 2, MSG_MORE, SA(&l6), sizeof l6)); /* native: appended */
        CHECK(sendto(s, "m4", 2, 0, SA(&m6), 8));
        CHECK(sendto(s, "m5", 2, 0, SA(&m6), sizeof m6));
        conf_wait(a, POLLIN, 1000);
        drain("a", a);
        drain("b", b);
        SETINT(s, SOL_UDP, UDP_CORK, 1);
        CHECK(sendto(s, "n1", 2, 0, SA(&m6), sizeof m6));
        SETINT(s, SOL_UDP, UDP_CORK, 0);
        conf_wait(a, POLLIN, 1000);
        drain("a", a);
        struct sockaddr_in6 mb = m6;
        mb.sin6_port = htons(5101);
        CHECK(sendto(s, "p1", 2, MSG_MORE, SA(&m6), sizeof m6));
        CHECK(connect(s, SA(&mb), sizeof mb));
        CHECK(send(s, "p2", 2, 0));
        conf_wait(b, POLLIN, 1000);
        drain("a", a);
        drain("b", b);
        close(s);
    }
    return 0;
}
