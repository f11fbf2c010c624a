/* ip_proto.c — the protocol table IPv4 delivers through (ip_proto.h). A
 * short constant list: three entries at most, so a linear search costs
 * less than a 256-slot array would in a firmware image. */
#include "ip/ip_proto.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "ping/ping.h"
#include "udp/udp.h"
#if BERTH_WITH_TCP
#include "tcp/tcp_ip.h"
#endif

static void icmp4_rcv(struct berth_stack *st, struct pkt *p, bool multi)
{
    (void)multi; /* icmp4_input looks at p->dst itself */
    icmp4_input(st, p);
}

#if BERTH_WITH_TCP
static void tcp4_rcv(struct berth_stack *st, struct pkt *p, bool multi)
{
    (void)multi; /* tcp_input drops broadcast and multicast itself */
    tcp_input(st, p);
}
#endif

static const struct ip_protocol ip4_protocols[] = {
    {IPPROTO_ICMP, icmp4_rcv, ping_err}, /* errors about our echo requests (icmp_err) */
    {IPPROTO_UDP, udp_input, udp_err},
#if BERTH_WITH_TCP
    {IPPROTO_TCP, tcp4_rcv, tcp_err},
#endif
};

#if BERTH_WITH_IPV6
static const struct ip_protocol ip6_protocols[] = {
    {IPPROTO_ICMPV6, icmp6_input, ping_err}, /* icmpv6_err */
    {IPPROTO_UDP, udp_input, udp_err},
#if BERTH_WITH_TCP
    {IPPROTO_TCP, tcp4_rcv, tcp_err},
#endif
};

const struct ip_protocol *ip6_protocol(uint8_t proto)
{
    for (size_t i = 0; i < sizeof(ip6_protocols) / sizeof(ip6_protocols[0]); i++)
        if (ip6_protocols[i].proto == proto)
            return &ip6_protocols[i];
    return NULL;
}
#endif

const struct ip_protocol *ip4_protocol(uint8_t proto)
{
    for (size_t i = 0; i < sizeof(ip4_protocols) / sizeof(ip4_protocols[0]); i++)
        if (ip4_protocols[i].proto == proto)
            return &ip4_protocols[i];
    return NULL;
}
