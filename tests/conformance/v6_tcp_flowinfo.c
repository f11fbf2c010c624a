/* v6_tcp_flowinfo.c - flow information on AF_INET6 stream sockets, as far
 * as the socket API shows it (the labels on the wire are
 * test_tcp_ipv6.raw_flow_labels): IPV6_AUTOFLOWLABEL's default and
 * setting on a TCP socket and its listener's children, and connect()'s
 * sin6_flowinfo (tcp_v6_connect): ignored without IPV6_FLOWINFO_SEND;
 * with it, the flow information less the version and ECN bits is the socket's
 * np->flow_label, which getpeername reports (a label needs no lease:
 * fl6_sock_lookup only looks while exclusive leases exist), v4-mapped
 * peers included; the accepted child's is its listener's (0). */
#include "conf.h"
#include "v6_tcp.h"

#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33
#endif
#ifndef IPV6_AUTOFLOWLABEL
#define IPV6_AUTOFLOWLABEL 70
#endif

static struct sockaddr_in6 flow(const char *ip, int port, uint32_t fi)
{
    struct sockaddr_in6 a = v6_sin6(ip, port);
    a.sin6_flowinfo = htonl(fi);
    return a;
}

/* connect c to to, then accept it from l and print both peers' names */
static void try_connect(const char *label, int c, int l, struct sockaddr_in6 to)
{
    CHECKL(label, connect(c, SA(&to), sizeof to));
    v6_name("  client", c, 0, CONF_PORT_EPH);
    v6_name("  client", c, 1, CONF_PORT_EXACT);
    if (conf_wait(l, POLLIN, 200) & POLLIN) {
        int s = v6_accept("  child", l, CONF_PORT_EPH);
        v6_name("  child", s, 0, CONF_PORT_EXACT);
        v6_name("  child", s, 1, CONF_PORT_EPH);
        GETINT(s, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL);
        GETINT(s, IPPROTO_IPV6, IPV6_FLOWINFO_SEND);
        close(s);
    }
}

int main(void)
{
    int c, l = v6_listener("::1", 6750, -1);
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    GETINT(c, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL);
    GETINT(c, IPPROTO_IPV6, IPV6_FLOWINFO_SEND);
    SETINT(c, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, 0);
    GETINT(c, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL);
    try_connect("connect flowinfo 0x12345, no FLOWINFO_SEND, no auto label", c, l,
                flow("::1", 6750, 0x12345));
    GETINT(c, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL);
    close(c);

    static const struct {
        const char *label, *ip;
        uint32_t fi;
    } cases[] = {
        {"connect flowinfo 0x12345 (a label, no lease)", "::1", 0x12345},
        {"connect flowinfo 0xf0000001 (version bits)", "::1", 0xf0000001},
        {"connect flowinfo 0x0ab00000 (traffic class bits)", "::1", 0x0ab00000},
        {"connect [ff02::1] flowinfo 0x12345", "ff02::1", 0x12345},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
        SETINT(c, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1);
        try_connect(cases[i].label, c, l, flow(cases[i].ip, 6750, cases[i].fi));
        close(c);
    }

    /* a listener with FLOWINFO_SEND and no auto labels: the child inherits
     * both; a v4-mapped peer keeps the traffic class bits too */
    close(l);
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    SETINT(l, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1);
    SETINT(l, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, 0);
    struct sockaddr_in6 any = v6_sin6("::", 6751);
    MUST(bind(l, SA(&any), sizeof any));
    MUST(listen(l, 8));
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    SETINT(c, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1);
    try_connect("connect [::ffff:127.0.0.1] flowinfo 0x00c00000", c, l,
                flow("::ffff:127.0.0.1", 6751, 0xc00000));
    CHECKL("connect(AF_UNSPEC)",
           connect(c, SA(&(struct sockaddr){.sa_family = AF_UNSPEC}), sizeof(struct sockaddr)));
    v6_name("  disconnected", c, 1, CONF_PORT_EXACT);
    try_connect("connect [::1] flowinfo 0", c, l, flow("::1", 6751, 0));
    close(c);
    close(l);
    return 0;
}
