/* v6_tcp_opts.c - IPPROTO_IPV6 options on AF_INET6 stream sockets: their
 * values on a fresh socket, on a connected client and on an accepted
 * child whose listener set them first (tcp_v6_syn_recv_sock copies the
 * listener's ipv6_pinfo: hop limit, traffic class, the receive options,
 * IPV6_MTU...), IPV6_MTU once connected (the path MTU), and what
 * IPV6_MINHOPCOUNT does to segments arriving with fewer hops left. */
#include "conf.h"
#include "v6_tcp.h"

#ifndef IPV6_FLOWINFO
#define IPV6_FLOWINFO 11
#endif
#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33
#endif
#ifndef IPV6_AUTOFLOWLABEL
#define IPV6_AUTOFLOWLABEL 70
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif

struct opt {
    const char *name;
    int opt, val; /* what the listener sets (0: not set) */
};

#define O(x, v)                                                                                    \
    {                                                                                              \
#x, x, v                                                                                   \
    }
static const struct opt opts[] = {
    O(IPV6_UNICAST_HOPS, 9),   O(IPV6_TCLASS, 0x29),    O(IPV6_RECVPKTINFO, 1),
    O(IPV6_RECVHOPLIMIT, 1),   O(IPV6_RECVTCLASS, 1),   O(IPV6_FLOWINFO, 1),
    O(IPV6_FLOWINFO_SEND, 1),  O(IPV6_MTU_DISCOVER, 3), O(IPV6_MTU, 1400),
    O(IPV6_RECVERR, 1),        O(IPV6_DONTFRAG, 1),     O(IPV6_V6ONLY, 0),
    O(IPV6_FREEBIND, 1),       O(IPV6_RECVPATHMTU, 1),  O(IPV6_AUTOFLOWLABEL, 0),
    O(IPV6_MULTICAST_LOOP, 0), O(IPV6_MINHOPCOUNT, 0),  O(IPV6_2292PKTINFO, 0),
    O(IPV6_2292HOPLIMIT, 0),
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void get_all(const char *who, int fd)
{
    conf_printf("-- %s\n", who);
    for (size_t i = 0; i < NOPTS; i++) {
        char l[96];
        snprintf(l, sizeof l, "IPPROTO_IPV6, %s", opts[i].name);
        conf_getint(l, fd, IPPROTO_IPV6, opts[i].opt);
    }
}

int main(void)
{
    int l, c, s;
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    get_all("fresh", l);
    for (size_t i = 0; i < NOPTS; i++)
        if (opts[i].val) {
            char lb[96];
            snprintf(lb, sizeof lb, "IPPROTO_IPV6, %s", opts[i].name);
            conf_setint(lb, l, IPPROTO_IPV6, opts[i].opt, opts[i].val);
        }
    struct sockaddr_in6 a = v6_sin6("::1", 6770);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 4));
    get_all("listener, after setting", l);
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    CHECKL("connect([::1]:6770)", connect(c, SA(&a), sizeof a));
    MUST(s = accept(l, NULL, NULL));
    get_all("connected client", c);
    get_all("accepted child", s);
    CHECKL("send(child)", send(s, "x", 1, 0));
    char b[4];
    CHECKL("recv(client)", recv(c, b, sizeof b, 0));
    close(s);
    close(c);
    close(l);

    /* IPV6_MINHOPCOUNT (RFC 5082): its range, then a listener that wants
     * 255 hops left: a SYN sent with 64 is dropped (no RST: the connect
     * stays in progress), one with 255 connects; the child inherits it
     * and drops data sent with 64 until the client sends with 255 (the
     * retransmission gets through). */
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    SETINT(l, IPPROTO_IPV6, IPV6_MINHOPCOUNT, -1);
    SETINT(l, IPPROTO_IPV6, IPV6_MINHOPCOUNT, 256);
    int v = 255;
    CHECKL("setsockopt(IPV6_MINHOPCOUNT, len 3)",
           setsockopt(l, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &v, 3));
    SETINT(l, IPPROTO_IPV6, IPV6_MINHOPCOUNT, 255);
    GETINT(l, IPPROTO_IPV6, IPV6_MINHOPCOUNT);
    a = v6_sin6("::1", 6771);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 4));
    MUST(c = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECKL("connect, 64 hops", connect(c, SA(&a), sizeof a));
    CHECKL("  poll", conf_wait(c, POLLOUT, 200));
    v6_name("  client", c, 1, CONF_PORT_EXACT);
    close(c);
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    SETINT(c, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
    CHECKL("connect, 255 hops", connect(c, SA(&a), sizeof a));
    MUST(s = accept(l, NULL, NULL));
    GETINT(s, IPPROTO_IPV6, IPV6_MINHOPCOUNT);
    SETINT(c, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 64);
    CHECKL("send, 64 hops", send(c, "ab", 2, 0));
    CHECKL("  poll(child)", conf_wait(s, POLLIN, 100));
    SETINT(c, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
    CHECKL("  poll(child) once sent with 255 hops", conf_wait(s, POLLIN, 3000));
    CHECKL("  recv(child)", recv(s, b, sizeof b, MSG_DONTWAIT));
    close(s);
    close(c);
    close(l);
    return 0;
}
