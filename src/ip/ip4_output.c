/* ip4_output.c — IPv4 send: header, route, fragmentation, driver. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "netif/netif_impl.h"

int ip4_init(struct berth_stack *st)
{
    (void)st;
    return 0;
}

void ip4_fini(struct berth_stack *st)
{
    ip4_reasm_fini(st);
    while (st->routes) {
        struct ip4_route *r = st->routes;
        st->routes = r->next;
        st_free(st, r);
    }
}

/* ip_select_ident: a counter per keyed hash of (src, dst, proto), so an
 * off-path host cannot predict the ids another host's datagrams get (which
 * would let it inject fragments). */
static uint16_t ip4_select_id(struct berth_stack *st, struct in_addr src, struct in_addr dst,
                              uint8_t proto)
{
    uint32_t key[3] = {src.s_addr, dst.s_addr, proto};
    uint16_t *c = &st->ip_idents[stack_hash32(st, key, sizeof(key)) & (BERTH_IP_IDENTS - 1)];
    if (*c == 0)
        *c = (uint16_t)stack_random32(st);
    return (*c)++;
}

int ip4_output(struct berth_stack *st, struct pkt *p, const struct ip4_out *o)
{
    struct in_addr nexthop, src;
    berth_netif *ifp;
    if (o->oif) {
        ifp = o->oif;
        nexthop = o->nexthop.s_addr ? o->nexthop : o->dst;
        src = netif_select_src4(ifp, o->dst);
    } else {
        ifp = ip4_route_lookup(st, o->dst, &nexthop, &src);
    }
    if (!ifp) {
        SNMP_INC(st, Ip, OutNoRoutes);
        pkt_free(st, p);
        return ENETUNREACH;
    }
    if (o->src.s_addr)
        src = o->src;
    size_t tot = p->len + IP4_HLEN;
    if (tot > IP4_MAXPACKET) {
        pkt_free(st, p);
        return EMSGSIZE;
    }
    SNMP_INC(st, Ip, OutRequests);
    struct ip4_hdr h = {
        .ver_ihl = 0x45,
        .tos = o->tos,
        .tot_len = htons((uint16_t)tot),
        .id = htons(ip4_select_id(st, src, o->dst, o->proto)),
        .frag_off = htons(o->df ? IP4_DF : 0),
        .ttl = o->ttl,
        .protocol = o->proto,
        .check = 0,
        .saddr = src.s_addr,
        .daddr = o->dst.s_addr,
    };
    h.check = inet_csum_fold(inet_csum_add(0, &h, sizeof(h)));
    memcpy(pkt_push(p, IP4_HLEN), &h, IP4_HLEN);
    p->nh = p->data;
    TRACE(st, "ip out %s: %s -> %u bytes proto %u", ifp->name, inet_ntoa(o->dst), (unsigned)tot,
          o->proto);
    if (tot > ifp->mtu) {
        if (o->df) {
            SNMP_INC(st, Ip, FragFails);
            pkt_free(st, p);
            return EMSGSIZE;
        }
        /* Each fragment goes through netif_output, which takes the next
         * hop from the interface while this call lasts. */
        ifp->tx_nexthop = nexthop;
        int frc = ip4_fragment(st, p, ifp, ifp->mtu);
        ifp->tx_nexthop.s_addr = INADDR_ANY;
        return frc;
    }
    SNMP_INC(st, Ip, OutTransmits);
    int rc = netif_output_nh(ifp, p, nexthop);
    if (rc) {
        SNMP_INC(st, Ip, OutDiscards);
        return rc == ENETDOWN ? ENETUNREACH : ENOBUFS;
    }
    return 0;
}
