/* icmp6.c — ICMPv6 (RFC 4443): echo, errors in (mapped to an errno as
 * Linux's icmpv6_err_convert and handed to the transport that sent the
 * quoted packet), errors out (RFC 4443 2.4's rules). Neighbour discovery
 * and MLD messages go to src/ip/nd6.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h" /* inet_csum_add, inet_csum_fold */
#include "ip/ip6.h"
#include "ip/ip_proto.h"
#include "netif/netif_impl.h"

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
    if (!r)
        return;
    memcpy(r->data, p->data, p->len);
    r->data[0] = ICMP6_ECHO_REPLY;
    /* icmpv6_echo_reply: from the address asked, or for a multicast
     * request from a unicast address of the interface. */
    struct in6_addr src = p->dst.in6, dst = p->src.in6;
    SNMP_INC(st, Icmp6, OutEchoReplies);
    icmp6_xmit(st, r, multi ? NULL : &src, &dst, p->tos, p->ifp);
}

/* icmpv6_err_convert: the errno of a destination unreachable code. */
static int unreach_errno(uint8_t code, bool *fatal)
{
    /* Linux's tab_unreach: no route ENETUNREACH, beyond scope and address
     * unreachable EHOSTUNREACH (soft); prohibited, policy and reject
     * route EACCES, port unreachable ECONNREFUSED (hard); other codes
     * EPROTO (hard). */
    *fatal = true;
    switch (code) {
    case ICMP6_DST_UNREACH_NOROUTE:
        *fatal = false;
        return ENETUNREACH;
    case 2: /* beyond scope of source address */
    case ICMP6_DST_UNREACH_ADDR:
        *fatal = false;
        return EHOSTUNREACH;
    case ICMP6_DST_UNREACH_ADMIN:
    case 5: /* source address failed ingress/egress policy */
    case 6: /* reject route to destination */
        return EACCES;
    case ICMP6_DST_UNREACH_NOPORT:
        return ECONNREFUSED;
    default:
        return EPROTO;
    }
}

/* Skip the extension headers of the quoted packet (ipv6_skip_exthdr):
 * the offset of its upper-layer header within q, or 0. */
static unsigned quoted_upper(const uint8_t *q, size_t qlen, uint8_t *proto)
{
    unsigned off = IP6_HLEN;
    uint8_t nxt = q[6];
    for (unsigned n = 0; n < 64; n++) {
        if (nxt != IP6_NH_HOPOPTS && nxt != IP6_NH_ROUTING && nxt != IP6_NH_DSTOPTS &&
            nxt != IP6_NH_FRAGMENT) {
            *proto = nxt;
            return off;
        }
        if (qlen < off + 8u)
            return 0;
        if (nxt == IP6_NH_FRAGMENT) {
            uint16_t fo;
            memcpy(&fo, q + off + 2, 2);
            if (ntohs(fo) & IP6_FRAG_OFFMASK)
                return 0; /* not the first fragment: no transport header */
            nxt = q[off];
            off += 8;
        } else {
            unsigned len = (q[off + 1] + 1u) * 8u;
            nxt = q[off];
            off += len;
        }
    }
    return 0;
}

static void err_input(struct berth_stack *st, struct pkt *p, uint8_t type, uint8_t code)
{
    const uint8_t *q = p->data + ICMP6_HLEN;
    size_t qlen = p->len - ICMP6_HLEN;
    if (qlen < IP6_HLEN + 8u || (q[0] >> 4) != 6) {
        SNMP_INC(st, Icmp6, InErrors);
        return;
    }
    uint8_t proto = 0;
    unsigned uoff = quoted_upper(q, qlen, &proto);
    if (!uoff || qlen < uoff + 8u)
        return;
    uint32_t info;
    memcpy(&info, p->data + 4, 4);
    info = ntohl(info);
    struct in6_addr qsrc, qdst;
    memcpy(&qsrc, q + 8, 16);
    memcpy(&qdst, q + 24, 16);
    struct ip_err e = {.src = inet_addr_from6(&qsrc),
                       .dst = inet_addr_from6(&qdst),
                       .th = q + uoff,
                       .type = type,
                       .code = code,
                       .info = info};
    switch (type) {
    case ICMP6_DST_UNREACH:
        e.err = unreach_errno(code, &e.fatal);
        break;
    case ICMP6_PACKET_TOO_BIG:
        e.err = EMSGSIZE;
        e.fatal = false;
        ip6_pmtu_update(st, &qdst, info);
        break;
    case ICMP6_PARAM_PROB:
        e.err = EPROTO;
        e.fatal = true;
        break;
    case ICMP6_TIME_EXCEEDED:
    default:
        e.err = EHOSTUNREACH;
        e.fatal = false;
        break;
    }
    const struct ip_protocol *ipp = ip6_protocol(proto);
    if (ipp && ipp->err)
        ipp->err(st, &e);
}

void icmp6_input(struct berth_stack *st, struct pkt *p, bool multi)
{
    SNMP_INC(st, Icmp6, InMsgs);
    if (p->len < 4) {
        SNMP_INC(st, Icmp6, InErrors);
        goto out;
    }
    uint32_t sum = inet_pseudo6(&p->src.in6, &p->dst.in6, IPPROTO_ICMPV6, p->len);
    if (inet_csum_fold(inet_csum_add(sum, p->data, p->len)) != 0) {
        SNMP_INC(st, Icmp6, InCsumErrors);
        SNMP_INC(st, Icmp6, InErrors);
        goto out;
    }
    uint8_t type = p->data[0], code = p->data[1];
    switch (type) {
    case ICMP6_ECHO_REQUEST:
        if (p->len >= ICMP6_HLEN)
            echo_reply(st, p, multi);
        break;
    case ICMP6_ECHO_REPLY:
        SNMP_INC(st, Icmp6, InEchoReplies);
        break;
    case ICMP6_DST_UNREACH:
        SNMP_INC(st, Icmp6, InDestUnreachs);
        if (p->len >= ICMP6_HLEN)
            err_input(st, p, type, code);
        break;
    case ICMP6_PACKET_TOO_BIG:
        SNMP_INC(st, Icmp6, InPktTooBigs);
        if (p->len >= ICMP6_HLEN)
            err_input(st, p, type, code);
        break;
    case ICMP6_TIME_EXCEEDED:
        SNMP_INC(st, Icmp6, InTimeExcds);
        if (p->len >= ICMP6_HLEN)
            err_input(st, p, type, code);
        break;
    case ICMP6_PARAM_PROB:
        SNMP_INC(st, Icmp6, InParmProblems);
        if (p->len >= ICMP6_HLEN)
            err_input(st, p, type, code);
        break;
    default:
        break;
    }
out:
    pkt_free(st, p);
}

/* Is the packet at nh an ICMPv6 error or redirect (never answered with
 * an error, RFC 4443 2.4 (e.1))? Unknown extension chains count as not. */
static bool is_icmp6_error(const struct pkt *p)
{
    const uint8_t *nh = p->nh;
    size_t avail = (size_t)(p->data + p->len - nh);
    uint8_t proto = 0;
    unsigned off = quoted_upper(nh, avail, &proto);
    if (!off || proto != IPPROTO_ICMPV6 || avail < off + 1u)
        return false;
    uint8_t t = nh[off];
    return t < 128 || t == 137 /* redirect */;
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
        IN6_IS_ADDR_UNSPECIFIED(&h.src) || is_icmp6_error(p))
        return;
    /* Quote as much as fits in the minimum MTU (RFC 4443 2.4 (c)). */
    size_t avail = (size_t)(p->data + p->len - p->nh);
    size_t qlen = IP6_MIN_MTU - IP6_HLEN - ICMP6_HLEN;
    if (qlen > avail)
        qlen = avail;
    struct pkt *r = pkt_alloc(st, PKT_HEADROOM, ICMP6_HLEN + qlen);
    if (!r)
        return;
    uint8_t *d = r->data;
    d[0] = type;
    d[1] = code;
    d[2] = d[3] = 0;
    uint32_t ninfo = htonl(info);
    memcpy(d + 4, &ninfo, 4);
    memcpy(d + ICMP6_HLEN, p->nh, qlen);
    /* From the address the packet was sent to when it is ours (a
     * multicast one: chosen by the route). */
    const struct in6_addr *src = h.dst.s6_addr[0] != 0xff ? &h.dst : NULL;
    SNMP_INC(st, Icmp6, OutErrors);
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
