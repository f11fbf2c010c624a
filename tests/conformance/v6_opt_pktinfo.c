/* v6_opt_pktinfo.c - the sticky IPV6_PKTINFO option on an AF_INET6 UDP
 * socket (do_ipv6_setsockopt): lengths, a bound device that disagrees
 * (EINVAL), no check that the interface exists, what later sends do with
 * the interface (udpv6_sendmsg: the interface of sends that name none),
 * and that getsockopt does not read it back (ENOPROTOOPT). */
#include "v6_udp.h"

#include <net/if.h>

static void set_pi(int fd, const char *label, const char *addr, unsigned ifindex, socklen_t len)
{
    struct in6_pktinfo pi;
    memset(&pi, 0, sizeof pi);
    inet_pton(AF_INET6, addr, &pi.ipi6_addr);
    pi.ipi6_ifindex = ifindex;
    CHECKL(label, setsockopt(fd, IPPROTO_IPV6, IPV6_PKTINFO, &pi, len));
}

int main(void)
{
    struct sockaddr_in6 lo = v6_addr("::1", 7391);
    int r = socket(AF_INET6, SOCK_DGRAM, 0);
    MUST(bind(r, SA(&lo), sizeof lo));
    unsigned lo_if = if_nametoindex("lo");
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    set_pi(s, "IPV6_PKTINFO, len 0", "::", 0, 0);
    set_pi(s, "IPV6_PKTINFO, len 19", "::", 0, sizeof(struct in6_pktinfo) - 1);
    CHECKL("IPV6_PKTINFO, NULL", setsockopt(s, IPPROTO_IPV6, IPV6_PKTINFO, NULL, 20));
    set_pi(s, "IPV6_PKTINFO lo", "::", lo_if, sizeof(struct in6_pktinfo));
    CHECKL("  sendto [::1]", sendto(s, "lo", 2, 0, SA(&lo), sizeof lo));
    v6_recv("  recvmsg", r, CONF_PORT_EPH);
    set_pi(s, "IPV6_PKTINFO ifindex 99 (no such interface)", "::", 99, sizeof(struct in6_pktinfo));
    CHECKL("  sendto [::1]", sendto(s, "99", 2, 0, SA(&lo), sizeof lo));
    CHECKL("  connect [::1]", connect(s, SA(&lo), sizeof lo));
    set_pi(s, "IPV6_PKTINFO 2001:db8::1 (not local), ifindex 0", "2001:db8::1", 0,
           sizeof(struct in6_pktinfo));
    CHECKL("  sendto [::1]", sendto(s, "any", 3, 0, SA(&lo), sizeof lo));
    v6_recv("  recvmsg", r, CONF_PORT_EPH);
    struct in6_pktinfo got;
    socklen_t gl = sizeof got;
    CHECKL("getsockopt IPV6_PKTINFO", getsockopt(s, IPPROTO_IPV6, IPV6_PKTINFO, &got, &gl));
    close(s);
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("SO_BINDTODEVICE lo", setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3));
    set_pi(s, "IPV6_PKTINFO ifindex 99 on a socket bound to lo", "::", 99,
           sizeof(struct in6_pktinfo));
    set_pi(s, "IPV6_PKTINFO lo on a socket bound to lo", "::", lo_if, sizeof(struct in6_pktinfo));
    set_pi(s, "IPV6_PKTINFO ifindex 0 on a socket bound to lo", "::", 0,
           sizeof(struct in6_pktinfo));
    close(s);
    /* setsockopt with a NULL value reads 0 */
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("IPV6_V6ONLY, NULL value", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, NULL, 4));
    GETINT(s, IPPROTO_IPV6, IPV6_V6ONLY);
    CHECKL("IPV6_UNICAST_HOPS, NULL value",
           setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, NULL, 4));
    GETINT(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
    close(s);
    close(r);
    return 0;
}
