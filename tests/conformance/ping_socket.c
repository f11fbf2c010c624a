/* ICMP ping sockets (Linux's net/ipv4/ping.c, net/ipv6/ping.c):
 * net.ipv4.ping_group_range (EACCES by default, its parsing), bind and the
 * echo identifier as the port, echo requests to 127.0.0.1 and ::1 and the
 * replies read back (type, code, sequence, payload; the identifier
 * compared with getsockname's port, the checksum not printed), the send
 * checks (EINVAL for anything but an echo request, EMSGSIZE, EDESTADDRREQ,
 * ENETUNREACH), connect, MSG_TRUNC, poll. */
#include "confx.h"

static void show(const char *name)
{
    char buf[128];
    if (conf_sysctl_get(name, buf, sizeof buf) < 0) {
        conf_printf("  %s: %s\n", name, conf_errname(errno));
        return;
    }
    for (char *p = buf; *p; p++)
        if (*p == '\t')
            *p = ' ';
        else if (*p == '\n')
            *p = 0;
    conf_printf("  %s reads \"%s\"\n", name, buf);
}

/* addr:port of either family (conf_fmt_sa prints no IPv6 address) */
static const char *fmt(const void *sa, socklen_t len)
{
    static char out[96];
    char a[INET6_ADDRSTRLEN] = "?";
    const struct sockaddr_in6 *s6 = sa;
    if (len >= sizeof *s6 && s6->sin6_family == AF_INET6) {
        inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
        snprintf(out, sizeof out, "[%s]:%u flow %u scope %u len %u", a, ntohs(s6->sin6_port),
                 (unsigned)ntohl(s6->sin6_flowinfo), (unsigned)s6->sin6_scope_id, (unsigned)len);
        return out;
    }
    return conf_fmt_sa(sa, len, CONF_PORT_EXACT);
}

static void sockname6(const char *label, int s)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    CHECKL(label, getsockname(s, SA(&ss), &l));
    conf_printf("  %s\n", fmt(&ss, l));
}

static unsigned port_of(int s)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    if (getsockname(s, SA(&ss), &l) < 0)
        return 99999;
    return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                         : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* An echo request: type, code, the id (stack rewrites it), seq, payload. */
static size_t echo(unsigned char *b, int type, int code, int seq, const char *payload)
{
    size_t n = strlen(payload);
    b[0] = (unsigned char)type;
    b[1] = (unsigned char)code;
    b[2] = b[3] = 0xaa; /* checksum: the stack computes it */
    b[4] = b[5] = 0x55; /* identifier: the stack puts the socket's */
    b[6] = (unsigned char)(seq >> 8);
    b[7] = (unsigned char)seq;
    memcpy(b + 8, payload, n);
    return 8 + n;
}

static void show_reply(const char *label, int s, size_t bufsz, int flags)
{
    unsigned char b[70000];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    memset(&from, 0xee, sizeof from);
    struct iovec iov = {b, bufsz};
    struct msghdr m = {.msg_name = &from, .msg_namelen = fl, .msg_iov = &iov, .msg_iovlen = 1};
    if (conf_wait(s, POLLIN, 1000) <= 0) {
        conf_printf("%s: no reply\n", label);
        return;
    }
    errno = 0;
    ssize_t n = recvmsg(s, &m, flags);
    if (n < 0) {
        conf_printf("%s: recvmsg -1 %s\n", label, conf_errname(errno));
        return;
    }
    unsigned id = n >= 6 ? (unsigned)(b[4] << 8 | b[5]) : 0;
    conf_printf("%s: %zd bytes flags%s type %u code %u id %s seq %u payload \"%.*s\" from %s\n",
                label, n, (m.msg_flags & MSG_TRUNC) ? " TRUNC" : "", b[0], b[1],
                id == port_of(s) ? "=ident" : "other", n >= 8 ? (unsigned)(b[6] << 8 | b[7]) : 0,
                n > 8 && n < 64 ? (int)(n - 8) : 0, b + 8, fmt(&from, m.msg_namelen));
}

static void send_to(const char *label, int s, const void *buf, size_t len, int flags,
                    const void *to, socklen_t tolen)
{
    CHECKL(label, sendto(s, buf, len, flags, to, tolen));
}

static void v4(void)
{
    unsigned char b[70000];
    struct sockaddr_in lo = conf_sin("127.0.0.1", 0), un = conf_sin("192.0.2.1", 0);
    int s, t, one = 1;
    conf_printf("-- AF_INET\n");
    MUST(s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    GETINT(s, SOL_SOCKET, SO_PROTOCOL);
    GETINT(s, SOL_SOCKET, SO_TYPE);
    conf_printf("unbound port %u\n", port_of(s));
    struct sockaddr_in a = conf_sin("127.0.0.1", 4242);
    CHECK(bind(s, SA(&a), sizeof a));
    SOCKNAME("bound", s, CONF_PORT_EXACT);
    CHECK(bind(s, SA(&a), sizeof a));
    MUST(t = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    struct sockaddr_in w = conf_sin("0.0.0.0", 4242);
    CHECKL("second bind 0.0.0.0:4242", bind(t, SA(&w), sizeof w));
    int t6;
    MUST(t6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6));
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(4242)};
    a6.sin6_addr = in6addr_loopback;
    CHECKL("AF_INET6 bind [::1]:4242", bind(t6, SA(&a6), sizeof a6));
    struct sockaddr_in mc = conf_sin("224.0.0.1", 0), nl = conf_sin("192.0.2.7", 0);
    CHECKL("bind 224.0.0.1", bind(t, SA(&mc), sizeof mc));
    CHECKL("bind 192.0.2.7 (not local)", bind(t, SA(&nl), sizeof nl));
    CHECKL("bind short", bind(t, SA(&a), sizeof a - 1));
    close(t);
    close(t6);

    /* SO_REUSEADDR (on by default) on both: they share the ident */
    int r1, r2;
    MUST(r1 = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    MUST(r2 = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    int zero = 0;
    GETINT(r1, SOL_SOCKET, SO_REUSEADDR);
    MUST(setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero));
    struct sockaddr_in r = conf_sin("0.0.0.0", 777);
    CHECKL("reuse: first bind :777", bind(r1, SA(&r), sizeof r));
    CHECKL("reuse: second bind :777 without SO_REUSEADDR", bind(r2, SA(&r), sizeof r));
    MUST(setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    CHECKL("reuse: second bind :777 with SO_REUSEADDR", bind(r2, SA(&r), sizeof r));
    int r3;
    MUST(r3 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6));
    MUST(setsockopt(r3, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero));
    struct sockaddr_in6 r6 = {.sin6_family = AF_INET6, .sin6_port = htons(777)};
    CHECKL("reuse: AF_INET6 bind [::]:777 without SO_REUSEADDR", bind(r3, SA(&r6), sizeof r6));
    r6.sin6_port = htons(778);
    CHECKL("reuse: AF_INET6 bind [::]:778", bind(r3, SA(&r6), sizeof r6));
    close(r3);
    close(r1);
    close(r2);

    size_t n = echo(b, 8, 0, 7, "hello");
    send_to("sendto 127.0.0.1 seq 7", s, b, n, 0, &lo, sizeof lo);
    show_reply("reply", s, sizeof b, 0);
    CHECK(poll(&(struct pollfd){s, POLLIN, 0}, 1, 0));
    n = echo(b, 8, 0, 8, "truncated");
    send_to("sendto seq 8", s, b, n, 0, &lo, sizeof lo);
    show_reply("reply into 10 bytes", s, 10, 0);
    n = echo(b, 8, 0, 9, "peek");
    send_to("sendto seq 9", s, b, n, 0, &lo, sizeof lo);
    show_reply("peek", s, sizeof b, MSG_PEEK);
    show_reply("read", s, sizeof b, 0);
    CHECK(recv(s, b, sizeof b, MSG_DONTWAIT));
    /* IP_RECVTTL, as iputils ping reads the TTL */
    SETINT(s, IPPROTO_IP, IP_RECVTTL, 1);
    n = echo(b, 8, 0, 10, "ttl");
    send_to("sendto seq 10", s, b, n, 0, &lo, sizeof lo);
    {
        union {
            char buf[CMSG_SPACE(sizeof(int)) * 4];
            struct cmsghdr align;
        } cb;
        struct iovec iov = {b, sizeof b};
        struct msghdr m = {.msg_iov = &iov,
                           .msg_iovlen = 1,
                           .msg_control = cb.buf,
                           .msg_controllen = sizeof cb.buf};
        conf_wait(s, POLLIN, 1000);
        CHECKL("recvmsg with IP_RECVTTL", recvmsg(s, &m, 0));
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            int ttl = -1;
            if (c->cmsg_len >= CMSG_LEN(sizeof(int)))
                memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
            conf_printf("  cmsg level %d type %d len %zu value %d\n", c->cmsg_level, c->cmsg_type,
                        (size_t)c->cmsg_len, ttl);
        }
    }
    SETINT(s, IPPROTO_IP, IP_RECVTTL, 0);
    /* iputils ping asks for returned options too */
    SETINT(s, IPPROTO_IP, IP_RECVRETOPTS, 1);
    GETINT(s, IPPROTO_IP, IP_RECVRETOPTS);
    SETINT(s, IPPROTO_IP, IP_RECVOPTS, 1);
    GETINT(s, IPPROTO_IP, IP_RECVOPTS);
    int v = -1;
    CHECKL("ioctl FIONREAD", ioctl(s, FIONREAD, &v));

    /* what may not be sent */
    n = echo(b, 0, 0, 1, "x");
    send_to("type 0 (echo reply)", s, b, n, 0, &lo, sizeof lo);
    n = echo(b, 13, 0, 1, "x");
    send_to("type 13 (timestamp)", s, b, n, 0, &lo, sizeof lo);
    n = echo(b, 8, 1, 1, "x");
    send_to("type 8 code 1", s, b, n, 0, &lo, sizeof lo);
    n = echo(b, 8, 0, 1, "x");
    send_to("7 bytes", s, b, 7, 0, &lo, sizeof lo);
    send_to("0 bytes", s, b, 0, 0, &lo, sizeof lo);
    send_to("65536 bytes", s, b, 65536, 0, &lo, sizeof lo);
    send_to("65516 bytes", s, b, 65516, 0, &lo, sizeof lo);
    send_to("MSG_OOB", s, b, n, MSG_OOB, &lo, sizeof lo);
    send_to("no address", s, b, n, 0, NULL, 0);
    send_to("short address", s, b, n, 0, &lo, sizeof lo - 1);
    struct sockaddr_in uns = lo;
    uns.sin_family = AF_UNSPEC;
    send_to("AF_UNSPEC address", s, b, n, 0, &uns, sizeof uns);
    send_to("192.0.2.1 (no route)", s, b, n, 0, &un, sizeof un);
    send_to("65515 bytes", s, b, 65515, 0, &lo, sizeof lo);
    show_reply("reply to 65515", s, sizeof b, 0);
    close(s);

    /* an unbound socket gets an ident at its first send */
    MUST(s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    n = echo(b, 8, 0, 300, "auto");
    send_to("unbound sendto", s, b, n, 0, &lo, sizeof lo);
    conf_printf("ident after send: %s\n", port_of(s) ? "nonzero" : "0");
    show_reply("reply", s, sizeof b, 0);
    close(s);

    /* connect */
    MUST(s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    struct sockaddr_in c = conf_sin("127.0.0.1", 0);
    CHECK(connect(s, SA(&c), sizeof c));
    conf_printf("ident after connect: %s\n", port_of(s) ? "nonzero" : "0");
    PEERNAME("peer", s, CONF_PORT_EXACT);
    n = echo(b, 8, 0, 11, "conn");
    CHECK(send(s, b, n, 0));
    show_reply("reply", s, sizeof b, 0);
    CHECK(connect(s, SA(&un), sizeof un));
    close(s);
}

static void v6(void)
{
    unsigned char b[70000];
    struct sockaddr_in6 lo = {.sin6_family = AF_INET6}, un = lo, mapped = lo;
    lo.sin6_addr = in6addr_loopback;
    inet_pton(AF_INET6, "2001:db8::5", &un.sin6_addr);
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
    int s;
    conf_printf("-- AF_INET6\n");
    MUST(s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6));
    GETINT(s, SOL_SOCKET, SO_PROTOCOL);
    GETINT(s, IPPROTO_IPV6, IPV6_V6ONLY);
    CHECKL("bind ::ffff:127.0.0.1", bind(s, SA(&mapped), sizeof mapped));
    struct sockaddr_in6 mc = lo;
    inet_pton(AF_INET6, "ff02::1", &mc.sin6_addr);
    CHECKL("bind ff02::1", bind(s, SA(&mc), sizeof mc));
    CHECKL("bind 2001:db8::5 (not local)", bind(s, SA(&un), sizeof un));
    CHECKL("bind [::1] short", bind(s, SA(&lo), 24));
    struct sockaddr_in a4 = conf_sin("127.0.0.1", 0);
    CHECKL("bind AF_INET", bind(s, SA(&a4), sizeof(struct sockaddr_in6)));
    struct sockaddr_in6 a = lo;
    a.sin6_port = htons(4343);
    sockname6("unbound", s);
    CHECKL("bind [::1]:4343", bind(s, SA(&a), sizeof a));
    sockname6("bound", s);
    size_t n = echo(b, 128, 0, 21, "hello6");
    send_to("sendto ::1 seq 21", s, b, n, 0, &lo, sizeof lo);
    show_reply("reply", s, sizeof b, 0);
    n = echo(b, 8, 0, 1, "x");
    send_to("type 8 (ICMPv4 echo)", s, b, n, 0, &lo, sizeof lo);
    n = echo(b, 129, 0, 1, "x");
    send_to("type 129", s, b, n, 0, &lo, sizeof lo);
    n = echo(b, 128, 0, 1, "x");
    send_to("7 bytes", s, b, 7, 0, &lo, sizeof lo);
    send_to("65536 bytes", s, b, 65536, 0, &lo, sizeof lo);
    send_to("v4-mapped", s, b, n, 0, &mapped, sizeof mapped);
    send_to("short address", s, b, n, 0, &lo, sizeof lo - 1);
    send_to("AF_INET address", s, b, n, 0, &a4, sizeof lo);
    send_to("2001:db8::5 (no route)", s, b, n, 0, &un, sizeof un);
    send_to("no address", s, b, n, 0, NULL, 0);
    send_to("65535 bytes", s, b, 65535, 0, &lo, sizeof lo);
    show_reply("reply to 65535", s, sizeof b, 0);
    close(s);

    MUST(s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6));
    CHECKL("connect v4-mapped", connect(s, SA(&mapped), sizeof mapped));
    CHECKL("connect AF_INET", connect(s, SA(&a4), sizeof a4));
    CHECKL("connect ::1", connect(s, SA(&lo), sizeof lo));
    conf_printf("ident after connect: %s\n", port_of(s) ? "nonzero" : "0");
    struct sockaddr_in6 pn;
    socklen_t pl = sizeof pn;
    CHECKL("getpeername", getpeername(s, SA(&pn), &pl));
    n = echo(b, 128, 0, 22, "conn6");
    CHECK(send(s, b, n, 0));
    show_reply("reply", s, sizeof b, 0);
    close(s);
}

int main(void)
{
    int s;
    show("net.ipv4.ping_group_range");
    CHECKL("socket AF_INET ICMP", s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    CHECKL("socket AF_INET6 ICMPV6", s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6));
    CHECKL("socket AF_INET ICMPV6", s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMPV6));
    CHECKL("socket AF_INET6 ICMP", s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMP));
    static const char *vals[] = {"0 2147483647", "5 3",          "7",      "-1 2", "-0 2",
                                 "0 4294967295", "0 4294967294", "3\t9\n", "1 x",  "x",
                                 "0x10 0x20"};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        SYSCTL("net.ipv4.ping_group_range", vals[i]);
        show("net.ipv4.ping_group_range");
    }
    /* egid 0 (root's) outside, then inside */
    SYSCTL_MUST("net.ipv4.ping_group_range", "1 5");
    CHECKL("socket, gid 0 outside 1..5", s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    SYSCTL_MUST("net.ipv4.ping_group_range", "0 0");
    CHECKL("socket, gid 0 in 0..0", s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) >= 0);
    SYSCTL_MUST("net.ipv4.ping_group_range", "0 2147483647");
    v4();
    v6();
    return 0;
}
