/* v6_connect_scope.c - IPv6 destinations Linux rejects before routing, and a
 * UDP6 socket connected to a v4-mapped port 0 (issue 12).
 *
 * tcp_v6_connect: multicast is ENETUNREACH, link-local without a scope id or
 * bound device EINVAL. __ip6_datagram_connect: link-local and link-scope
 * multicast need an interface (EINVAL). udpv6_sendmsg: a native destination
 * with port 0 is EINVAL; AF_UNSPEC on a connected socket takes the IPv6 path
 * (ENETUNREACH for a v4-mapped peer) and EDESTADDRREQ otherwise; a
 * v4-mapped peer goes to udp_sendmsg as an explicit address, so a peer port
 * of 0 is EINVAL. None of these needs an IPv6 route. */
#include "conf.h"

static struct sockaddr_in6 a6(const char *ip, int port)
{
    struct sockaddr_in6 s = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    inet_pton(AF_INET6, ip, &s.sin6_addr);
    return s;
}

int main(void)
{
    struct sockaddr_in6 ll = a6("fe80::1", 7341), mc = a6("ff02::1", 7341), lo0 = a6("::1", 0);
    struct sockaddr_in6 m0 = a6("::ffff:127.0.0.1", 0), m = a6("::ffff:127.0.0.1", 7341);
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};

    int t = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECKL("tcp connect [fe80::1]", connect(t, SA(&ll), sizeof ll));
    CHECKL("tcp connect [ff02::1]", connect(t, SA(&mc), sizeof mc));
    close(t);

    int u = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECKL("udp connect [fe80::1]", connect(u, SA(&ll), sizeof ll));
    CHECKL("udp connect [ff02::1]", connect(u, SA(&mc), sizeof mc));
    CHECKL("udp sendto [::1]:0", sendto(u, "x", 1, 0, SA(&lo0), sizeof lo0));
    CHECKL("udp sendto AF_UNSPEC, unconnected", sendto(u, "x", 1, 0, SA(&unspec), sizeof unspec));
    CHECKL("udp connect [::ffff:127.0.0.1]:0", connect(u, SA(&m0), sizeof m0));
    CHECKL("  send", send(u, "x", 1, 0));
    CHECKL("  sendto [::ffff:127.0.0.1]:7341", sendto(u, "x", 1, 0, SA(&m), sizeof m));
    CHECKL("udp connect [::ffff:127.0.0.1]:7341", connect(u, SA(&m), sizeof m));
    CHECKL("  sendto AF_UNSPEC", sendto(u, "x", 1, 0, SA(&unspec), sizeof unspec));
    CHECKL("  shutdown(SHUT_WR)", shutdown(u, SHUT_WR));
    CHECKL("  sendto AF_UNSPEC after SHUT_WR",
           sendto(u, "x", 1, MSG_NOSIGNAL, SA(&unspec), sizeof unspec));
    close(u);
    return 0;
}
