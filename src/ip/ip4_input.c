/* ip4_input.c — IPv4 receive: validate the header (as Linux's ip_rcv_core),
 * reassemble fragments, and hand the payload to its transport. */
#include <arpa/inet.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip_proto.h"
#include "netif/netif_impl.h"

static void drop(struct berth_stack *st, struct pkt *p, const char *why)
{
    TRACE(st, "ip drop: %s", why);
    pkt_free(st, p);
}

void ip4_input(struct berth_stack *st, struct pkt *p)
{
    SNMP_INC(st, Ip, InReceives);
    if (p->len < IP4_HLEN) {
        SNMP_INC(st, Ip, InHdrErrors);
        return drop(st, p, "short header");
    }
    struct ip4_hdr h;
    memcpy(&h, p->data, sizeof(h));
    unsigned ihl = (unsigned)(h.ver_ihl & 0x0f) * 4;
    if ((h.ver_ihl >> 4) != 4 || ihl < IP4_HLEN || ihl > p->len) {
        SNMP_INC(st, Ip, InHdrErrors);
        return drop(st, p, "bad version or ihl");
    }
    if (inet_csum_fold(inet_csum_add(0, p->data, ihl)) != 0) {
        SNMP_INC(st, Ip, InHdrErrors);
        SNMP_INC(st, IpExt, InCsumErrors);
        return drop(st, p, "bad header checksum");
    }
    unsigned tot = ntohs(h.tot_len);
    if (tot > p->len) {
        SNMP_INC(st, IpExt, InTruncatedPkts);
        return drop(st, p, "truncated");
    }
    if (tot < ihl) {
        SNMP_INC(st, Ip, InHdrErrors);
        return drop(st, p, "total length below header length");
    }
    pkt_trim(p, tot); /* link padding */

    struct in_addr src = {h.saddr}, dst = {h.daddr};
    /* Martian sources (Linux's ip_route_input_slow): multicast, limited
     * broadcast, or loopback arriving on a non-loopback interface. */
    bool from_lo = p->ifp && p->ifp->is_loopback;
    if (ip4_is_multicast(src) || src.s_addr == INADDR_BROADCAST ||
        (ntohl(src.s_addr) >> 24) == 0 /* 0.0.0.0/8 */ ||
        (!from_lo && (ntohl(src.s_addr) >> 24) == 127)) {
        SNMP_INC(st, Ip, InAddrErrors);
        return drop(st, p, "martian source");
    }
    bool bcast = netif_is_bcast4(st, dst);
    bool mcast = ip4_is_multicast(dst);
    if (!bcast && !mcast && !ip4_is_local(st, dst)) {
        /* berth does not forward. */
        SNMP_INC(st, Ip, InAddrErrors);
        return drop(st, p, "not for us");
    }
    if (!from_lo && (ntohl(dst.s_addr) >> 24) == 127) {
        SNMP_INC(st, Ip, InAddrErrors);
        return drop(st, p, "martian destination");
    }

    if (ntohs(h.frag_off) & (IP4_MF | IP4_OFFMASK)) {
        p->nh = p->data;
        p = ip4_reasm(st, p);
        if (!p)
            return;
        memcpy(&h, p->data, sizeof(h));
        ihl = (unsigned)(h.ver_ihl & 0x0f) * 4;
    }

    p->nh = p->data;
    p->src = inet_addr_from4(src);
    p->dst = inet_addr_from4(dst);
    p->ttl = h.ttl;
    p->tos = h.tos;
    p->ip_hlen = (uint16_t)ihl;
    pkt_pull(p, ihl); /* options are skipped: berth acts on none of them */

    const struct ip_protocol *ipp = ip4_protocol(h.protocol);
    if (!ipp) {
        SNMP_INC(st, Ip, InUnknownProtos);
        if (!bcast && !mcast)
            icmp4_send_error(st, p, ICMP_DEST_UNREACH, 2 /* protocol unreachable */, 0);
        return drop(st, p, "unknown protocol");
    }
    SNMP_INC(st, Ip, InDelivers);
    ipp->input(st, p, bcast || mcast);
}
