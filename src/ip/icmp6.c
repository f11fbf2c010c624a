/* icmp6.c — ICMPv6 (RFC 4443): echo, errors in (mapped to an errno as
 * Linux's icmpv6_err_convert and handed to the transport that sent the
 * quoted packet), errors out (RFC 4443 2.4's rules). Neighbour discovery
 * and MLD messages go to src/ip/nd6.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h" /* inet_csum_add, inet_csum_fold */
#include "ip/icmp6_err.h"
#include "ip/icmp6_rate.h"
#include "ip/ip6.h"
#include "ip/ip_proto.h"
#include "ip/nd6.h"
#include "netif/netif_impl.h"
#include "ping/ping.h"

#define ICMP6_HLEN 8

void icmp6_set_csum(struct pkt *p, const struct in6_addr *src, const struct in6_addr *dst)
{
    p->data[2] = p->data[3] = 0;
    uint32_t sum = inet_pseudo6(src, dst, IPPROTO_ICMPV6, p->len);
    uint16_t ck = inet_csum_fold(inet_csum_add(sum, p->data, p->len));
    memcpy(p->data + 2, &ck, 2);
}

/* Send an ICMPv6 message whose body (from the type on) is at p->data. */
static int icmp6_xmit(struct berth_stack *st, struct pkt *p, const struct in6_addr *src,
                      const struct in6_addr *dst, uint8_t tclass, berth_netif *oif)
{
    struct ip6_out o = {.dst = *dst, .proto = IPPROTO_ICMPV6, .hlim = 64, .tclass = tclass};
    if (src)
        o.src = *src;
    /* The checksum needs the source: choose it as ip6_output would. */
    struct in6_addr nh;
    berth_netif *ifp = oif;
    if (oif && (IN6_IS_ADDR_LINKLOCAL(dst) || dst->s6_addr[0] == 0xff))
        o.oif = oif;
    else
        ifp = ip6_route_lookup(st, dst, oif ? oif->index : 0, &nh);
    if (!ifp || (IN6_IS_ADDR_UNSPECIFIED(&o.src) && !ip6_select_src(st, ifp, dst, &o.src))) {
        SNMP_INC(st, Ip6, OutNoRoutes);
        pkt_free(st, p);
        return ENETUNREACH;
    }
    icmp6_set_csum(p, &o.src, dst);
    SNMP_INC(st, Icmp6, OutMsgs);
    return ip6_output(st, p, &o);
}

static void echo_reply(struct berth_stack *st, struct pkt *p, bool multi)
{
    SNMP_INC(st, Icmp6, InEchos);
    struct pkt *r = pkt_alloc(st, PKT_HEADROOM, p->len);
    if (!r) {
        SNMP_INC(st, Icmp6, OutErrors); /* ip6_append_data failed */
        return;
    }
    memcpy(r->data, p->data, p->len);
    r->data[0] = ICMP6_ECHO_REPLY;
    /* icmpv6_echo_reply: from the address asked, or for a multicast
     * request from a unicast address of the interface. */
    struct in6_addr src = p->dst.in6, dst = p->src.in6;
    SNMP_INC(st, Icmp6, OutEchoReplies);
    icmp6_xmit(st, r, multi ? NULL : &src, &dst, p->tos, p->ifp);
}

void icmp6_input(struct berth_stack *st, struct pkt *p, bool multi)
{
    /* icmpv6_rcv: InMsgs, the checksum over whatever length, then the
     * 8-byte header must be there before the type is even counted (Linux
     * 6.18: a 4- or 6-byte message with a valid checksum counts InMsgs
     * and InErrors only). */
    SNMP_INC(st, Icmp6, InMsgs);
    uint32_t sum = inet_pseudo6(&p->src.in6, &p->dst.in6, IPPROTO_ICMPV6, p->len);
    if (inet_csum_fold(inet_csum_add(sum, p->data, p->len)) != 0) {
        SNMP_INC(st, Icmp6, InCsumErrors);
        SNMP_INC(st, Icmp6, InErrors);
        goto out;
    }
    if (p->len < ICMP6_HLEN) {
        SNMP_INC(st, Icmp6, InErrors);
        goto out;
    }
    uint8_t type = p->data[0], code = p->data[1];
    switch (type) {
    case ICMP6_ECHO_REQUEST:
        echo_reply(st, p, multi);
        break;
    case ICMP6_ECHO_REPLY:
        SNMP_INC(st, Icmp6, InEchoReplies);
        ping_rcv(st, p); /* to the ping socket of its identifier, if any */
        return;
    case ND_ROUTER_SOLICIT:
    case ND_ROUTER_ADVERT:
    case ND_NEIGHBOR_SOLICIT:
    case ND_NEIGHBOR_ADVERT:
    case ND_REDIRECT:
        nd6_input(st, p); /* neighbour discovery (nd6.c) */
        return;
    case MLD_LISTENER_QUERY:
    case MLD_LISTENER_REPORT:
    case MLD_LISTENER_REDUCTION:
    case MLD2_LISTENER_REPORT:
        mld6_input(st, p);
        return;
    case ICMP6_DST_UNREACH:
    case ICMP6_PACKET_TOO_BIG:
    case ICMP6_TIME_EXCEEDED:
    case ICMP6_PARAM_PROB:
        if (type == ICMP6_DST_UNREACH)
            SNMP_INC(st, Icmp6, InDestUnreachs);
        else if (type == ICMP6_PACKET_TOO_BIG)
            SNMP_INC(st, Icmp6, InPktTooBigs);
        else if (type == ICMP6_TIME_EXCEEDED)
            SNMP_INC(st, Icmp6, InTimeExcds);
        else
            SNMP_INC(st, Icmp6, InParmProblems);
        /* fall through */
    default:
        /* icmpv6_rcv: errors, known or not (types below 128), go to
         * icmpv6_notify; unknown informational messages are ignored. */
        if (type < 128) {
            uint32_t info;
            memcpy(&info, p->data + 4, 4);
            icmp6_err_input(st, p, type, code, ntohl(info));
        }
        break;
    }
out:
    pkt_free(st, p);
}

/* Linux's is_ineligible (RFC 4443 2.4 (e.1)): never answer an ICMPv6
 * error. The chain is walked as ipv6_skip_exthdr walks it; a chain that
 * leaves the packet is eligible, an ICMPv6 header whose type is not
 * there is not, except in a non-first fragment. */
static bool is_ineligible(const struct pkt *p)
{
    const uint8_t *nh = p->nh;
    size_t avail = (size_t)(p->data + p->len - nh);
    if (avail < IP6_HLEN)
        return true;
    uint8_t proto = nh[6];
    uint16_t frag_off;
    int off = icmp6_skip_exthdr(nh, avail, IP6_HLEN, &proto, &frag_off);
    if (off < 0 || proto != IPPROTO_ICMPV6)
        return false;
    if ((size_t)off >= avail)
        return frag_off == 0;
    return nh[off] < 128;
}

void icmp6_send_error(struct berth_stack *st, const struct pkt *p, uint8_t type, uint8_t code,
                      uint32_t info)
{
    if (!p->nh)
        return;
    struct ip6_hdr h;
    memcpy(&h, p->nh, sizeof(h));
    /* RFC 4443 2.4 (e.2)/(e.3): not to a packet sent to a multicast
     * address, except Packet Too Big and an unrecognised option asking
     * for it (code 2); never to a multicast or unspecified source. */
    bool mc_ok = type == ICMP6_PACKET_TOO_BIG ||
                 (type == ICMP6_PARAM_PROB && code == ICMP6_PARAMPROB_OPTION);
    if ((h.dst.s6_addr[0] == 0xff && !mc_ok) || h.src.s6_addr[0] == 0xff ||
        IN6_IS_ADDR_UNSPECIFIED(&h.src) || is_ineligible(p))
        return;
    /* RFC 4443 2.4 (f): Linux's icmpv6_global_allow + icmpv6_xrlim_allow. */
    if (!icmp6_rate_allow(st, type, &h.src, p->ifp))
        return;
    /* Quote as much as fits in the minimum MTU (RFC 4443 2.4 (c)). */
    size_t avail = (size_t)(p->data + p->len - p->nh);
    size_t qlen = IP6_MIN_MTU - IP6_HLEN - ICMP6_HLEN;
    if (qlen > avail)
        qlen = avail;
    struct pkt *r = pkt_alloc(st, PKT_HEADROOM, ICMP6_HLEN + qlen);
    if (!r) {
        SNMP_INC(st, Icmp6, OutErrors); /* ip6_append_data failed */
        return;
    }
    uint8_t *d = r->data;
    d[0] = type;
    d[1] = code;
    d[2] = d[3] = 0;
    uint32_t ninfo = htonl(info);
    memcpy(d + 4, &ninfo, 4);
    memcpy(d + ICMP6_HLEN, p->nh, qlen);
    /* From the address the packet was sent to when it is ours (icmp6_send:
     * ipv6_chk_addr); otherwise — a multicast destination, or a packet of
     * our own that could not leave (ndisc_error_report's address
     * unreachable) — the route chooses. */
    const struct in6_addr *src =
        h.dst.s6_addr[0] != 0xff && ip6_is_local(st, &h.dst, NULL) ? &h.dst : NULL;
    switch (type) {
    case ICMP6_DST_UNREACH:
        SNMP_INC(st, Icmp6, OutDestUnreachs);
        break;
    case ICMP6_PACKET_TOO_BIG:
        SNMP_INC(st, Icmp6, OutPktTooBigs);
        break;
    case ICMP6_TIME_EXCEEDED:
        SNMP_INC(st, Icmp6, OutTimeExcds);
        break;
    case ICMP6_PARAM_PROB:
        SNMP_INC(st, Icmp6, OutParmProblems);
        break;
    default:
        break;
    }
    icmp6_xmit(st, r, src, &h.src, 0, p->ifp);
}
