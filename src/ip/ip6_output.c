/* ip6_output.c — IPv6 send (RFC 8200): route, source, the fixed header,
 * fragmentation above the path MTU, the driver (Linux's ip6_xmit and
 * ip6_finish_output). berth sends no extension headers of its own. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/inet_addr.h"
#include "ip/ip6.h"
#include "netif/netif_impl.h"

void ip6_flow_key(const struct in6_addr *src, const struct in6_addr *dst, uint16_t sport,
                  uint16_t dport, uint32_t key[2])
{
    /* the folded addresses and the ports */
    union inet_addr sa = inet_addr_from6(src), da = inet_addr_from6(dst);
    key[0] = inet_addr_fold(&sa) ^ (inet_addr_fold(&da) * 0x9e3779b1u);
    key[1] = (uint32_t)sport << 16 | dport;
}

uint32_t ip6_flow_key_label(const struct berth_stack *st, const uint32_t key[2])
{
    return stack_hash32(st, key, 2 * sizeof(key[0])) & 0xfffffu; /* keyed by the stack secret */
}

uint32_t ip6_flow_hash_label(const struct berth_stack *st, const struct in6_addr *src,
                             const struct in6_addr *dst, uint16_t sport, uint16_t dport)
{
    uint32_t key[2];
    ip6_flow_key(src, dst, sport, dport, key);
    return ip6_flow_key_label(st, key);
}

int ip6_output(struct berth_stack *st, struct pkt *p, const struct ip6_out *o)
{
    struct in6_addr nexthop, src = o->src;
    berth_netif *ifp;
    if (o->oif) {
        ifp = o->oif;
        nexthop = o->nexthop ? *o->nexthop : o->dst;
    } else {
        ifp = ip6_route_lookup(st, &o->dst, 0, &nexthop);
    }
    if (!ifp) {
        SNMP_INC(st, Ip6, OutNoRoutes);
        pkt_free(st, p);
        return ENETUNREACH;
    }
    if (!o->src_unspec && IN6_IS_ADDR_UNSPECIFIED(&src) &&
        !ip6_select_src(st, ifp, &o->dst, &src)) {
        SNMP_INC(st, Ip6, OutNoRoutes);
        pkt_free(st, p);
        return EADDRNOTAVAIL;
    }
    if (p->len > IP6_MAXPLEN) {
        pkt_free(st, p);
        return EMSGSIZE;
    }
    SNMP_INC(st, Ip6, OutRequests);
    struct ip6_hdr h = {
        .vtf = htonl(6u << 28 | (uint32_t)o->tclass << 20 | (o->flowlabel & 0xfffffu)),
        .plen = htons((uint16_t)p->len),
        .nxt = o->proto,
        .hlim = o->hlim,
        .src = src,
        .dst = o->dst,
    };
    memcpy(pkt_push(p, IP6_HLEN), &h, IP6_HLEN);
    p->nh = p->data;
    unsigned mtu = ip6_path_mtu(st, &o->dst, ifp);
    if (p->len > mtu) {
        /* ip6_fragment: a socket that does not fragment (or a link below
         * the IPv6 minimum) gets EMSGSIZE. */
        if (o->dontfrag || mtu < IP6_MIN_MTU) {
            SNMP_INC(st, Ip6, FragFails);
            pkt_free(st, p);
            return EMSGSIZE;
        }
        return ip6_fragment(st, p, ifp, mtu, &nexthop);
    }
    SNMP_INC(st, Ip6, OutTransmits);
    SNMP_ADD(st, Ip6, OutOctets, p->len);
    if (o->dst.s6_addr[0] == 0xff) {
        SNMP_INC(st, Ip6, OutMcastPkts);
        SNMP_ADD(st, Ip6, OutMcastOctets, p->len);
    }
    int rc = netif_output_nh6(ifp, p, &nexthop);
    if (rc) {
        SNMP_INC(st, Ip6, OutDiscards);
        return rc == ENETDOWN ? ENETUNREACH : ENOBUFS;
    }
    return 0;
}
