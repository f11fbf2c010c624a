/* ip6_input.c — IPv6 receive (RFC 8200): validate the fixed header as
 * Linux's ip6_rcv_core does, decide local delivery, walk the extension
 * headers (ip6_protocol_deliver_rcu with the ipv6_*_rcv handlers of
 * exthdrs.c), hand fragments to reassembly and the payload to its
 * transport through the protocol table. */
#include <arpa/inet.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip6.h"
#include "ip/ip_proto.h"
#include "netif/netif_impl.h"

/* Linux's net.ipv6.max_dst_opts_number / max_hbh_opts_number: options
 * other than padding one header may carry. */
#define IP6_MAX_OPTS 8
/* Extension headers one packet may carry: Linux 6.18 processes 12
 * (hop-by-hop, destination options, routing and fragment headers alike)
 * and drops the packet after a 13th, counting Ip6 InDiscards and sending
 * nothing (measured through a TUN device; docs/ip6.md). */
#define IP6_MAX_EXT_HDRS 12

/* Option types (RFC 8200 4.2, RFC 2711, RFC 2675). */
#define IP6_OPT_PAD1 0
#define IP6_OPT_PADN 1
#define IP6_OPT_ROUTER_ALERT 5

static void drop(struct berth_stack *st, struct pkt *p, const char *why)
{
    TRACE(st, "ip6 drop: %s", why);
    pkt_free(st, p);
}

static bool addr_is_mc(const struct in6_addr *a) { return a->s6_addr[0] == 0xff; }
static unsigned mc_scope(const struct in6_addr *a) { return a->s6_addr[1] & 0x0f; }

/* ip6_tlvopt_unknown: what an unrecognised option's two high bits ask for
 * (RFC 8200 4.2). true: skip it. false: the caller drops the packet;
 * actions 2 and 3 send a parameter problem first. */
static bool unknown_option(struct berth_stack *st, struct pkt *p, unsigned optoff)
{
    switch (p->nh[optoff] >> 6) {
    case 0:
        return true;
    case 3: {
        struct ip6_hdr h;
        memcpy(&h, p->nh, sizeof(h));
        if (addr_is_mc(&h.dst))
            break;
    }
        /* fall through */
    case 2:
        icmp6_send_error(st, p, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_OPTION, optoff);
        break;
    default:
        break;
    }
    return false;
}

/* ip6_parse_tlv: the options of a hop-by-hop or destination options
 * header at nh + off, hdrlen bytes. Padding is at most 7 bytes in a row
 * and PadN's bytes are zero; at most IP6_MAX_OPTS other options. */
static bool parse_tlv(struct berth_stack *st, struct pkt *p, unsigned off, unsigned hdrlen,
                      bool hbh)
{
    const uint8_t *nh = p->nh;
    unsigned pos = off + 2, end = off + hdrlen, padlen = 0, count = 0;
    while (pos < end) {
        if (nh[pos] == IP6_OPT_PAD1) {
            if (++padlen > 7)
                return false;
            pos++;
            continue;
        }
        if (end - pos < 2)
            return false;
        unsigned optlen = nh[pos + 1] + 2u;
        if (optlen > end - pos)
            return false;
        if (nh[pos] == IP6_OPT_PADN) {
            padlen += optlen;
            if (padlen > 7)
                return false;
            for (unsigned i = 2; i < optlen; i++)
                if (nh[pos + i])
                    return false;
        } else {
            if (++count > IP6_MAX_OPTS)
                return false;
            /* Router alert (MLD queries carry it) needs nothing from a
             * host; anything else is unknown to berth (no jumbograms). */
            if (!(hbh && nh[pos] == IP6_OPT_ROUTER_ALERT && optlen == 4) &&
                !unknown_option(st, p, pos))
                return false;
            padlen = 0;
        }
        pos += optlen;
    }
    return true;
}

/* The extension header at nh + off must be within the packet; its length. */
static bool ext_len(const struct pkt *p, unsigned off, unsigned *len)
{
    size_t avail = (size_t)(p->data + p->len - p->nh);
    if (avail < off + 8u)
        return false;
    *len = (p->nh[off + 1] + 1u) * 8u;
    return avail >= off + *len;
}

/* Local delivery: the header chain from the fixed header on. */
static void ip6_local(struct berth_stack *st, struct pkt *p, bool multi)
{
    struct ip6_hdr h;
    memcpy(&h, p->nh, sizeof(h));
    unsigned prev = offsetof(struct ip6_hdr, nxt), off = IP6_HLEN, len;
    uint8_t nxt = h.nxt;
    bool fragmented = false;
    unsigned nhdrs = 0, walked = 0; /* extension headers: in all, in this walk */
    for (;;) {
        switch (nxt) {
        case IP6_NH_HOPOPTS:
            /* Only right after the fixed header (ip6_rcv_core parses it);
             * anywhere else it is an unknown next header. */
            if (off != IP6_HLEN)
                goto unknown;
            /* fall through */
        case IP6_NH_DSTOPTS:
            if (!ext_len(p, off, &len)) {
                SNMP_INC(st, Ip6, InHdrErrors);
                return drop(st, p, "truncated options header");
            }
            if (!parse_tlv(st, p, off, len, nxt == IP6_NH_HOPOPTS)) {
                SNMP_INC(st, Ip6, InHdrErrors);
                return drop(st, p, "bad options");
            }
            break;
        case IP6_NH_ROUTING:
            if (!ext_len(p, off, &len)) {
                SNMP_INC(st, Ip6, InHdrErrors);
                return drop(st, p, "truncated routing header");
            }
            if (multi) {
                SNMP_INC(st, Ip6, InAddrErrors);
                return drop(st, p, "routing header to a multicast address");
            }
            /* ipv6_rthdr_rcv: with segments left, a host would have to
             * forward (and type 0 is deprecated, RFC 5095): parameter
             * problem pointing at the type. With none left it is skipped. */
            if (p->nh[off + 3] != 0) {
                SNMP_INC(st, Ip6, InHdrErrors);
                icmp6_send_error(st, p, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, off + 2);
                return drop(st, p, "routing header with segments left");
            }
            break;
        case IP6_NH_FRAGMENT: {
            /* ipv6_frag_rcv: a fragment header in a datagram that was
             * reassembled, or was an atomic fragment, is a header error
             * (IP6SKB_FRAGMENTED; Linux 6.18 answers it with a parameter
             * problem at the second header). */
            if (fragmented) {
                SNMP_INC(st, Ip6, InHdrErrors);
                icmp6_send_error(st, p, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, off);
                return drop(st, p, "second fragment header");
            }
            if ((size_t)(p->data + p->len - p->nh) < off + sizeof(struct ip6_frag_hdr)) {
                SNMP_INC(st, Ip6, ReasmReqds); /* counted before the header is read */
                SNMP_INC(st, Ip6, InHdrErrors);
                icmp6_send_error(st, p, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, off);
                return drop(st, p, "truncated fragment header");
            }
            p = ip6_reasm(st, p, prev, off);
            if (!p)
                return;
            fragmented = true;
            if (++nhdrs > IP6_MAX_EXT_HDRS) {
                SNMP_INC(st, Ip6, InDiscards);
                return drop(st, p, "too many extension headers");
            }
            /* The headers before it are walked again below. */
            nhdrs -= walked;
            walked = 0;
            /* The whole datagram, its fragment header gone: walk it again
             * from the fixed header (the unfragmentable part is re-read;
             * nothing it holds is counted twice on success). */
            memcpy(&h, p->nh, sizeof(h));
            prev = offsetof(struct ip6_hdr, nxt);
            off = IP6_HLEN;
            nxt = h.nxt;
            continue;
        }
        case IP6_NH_NONE:
            SNMP_INC(st, Ip6, InDelivers);
            return drop(st, p, "no next header");
        default:
            goto upper;
        }
        walked++;
        if (++nhdrs > IP6_MAX_EXT_HDRS) {
            SNMP_INC(st, Ip6, InDiscards);
            return drop(st, p, "too many extension headers");
        }
        prev = off;
        nxt = p->nh[off];
        off += len;
    }
upper:
    p->ip_hlen = (uint16_t)off;
    pkt_pull(p, (size_t)(p->nh + off - p->data));
    const struct ip_protocol *ipp = ip6_protocol(nxt);
    if (!ipp)
        goto unknown;
    SNMP_INC(st, Ip6, InDelivers);
    ipp->input(st, p, multi);
    return;
unknown:
    SNMP_INC(st, Ip6, InUnknownProtos);
    icmp6_send_error(st, p, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_NEXTHEADER, prev);
    drop(st, p, "unknown next header");
}

unsigned ip6_iif(struct berth_stack *st, const struct pkt *p)
{
    if (!p->ifp)
        return 0;
    if (!p->ifp->is_loopback)
        return p->ifp->index;
    for (const berth_netif *i = st->netifs; i; i = i->next)
        for (const struct ifaddr6 *a = i->addrs6; a; a = a->next)
            if (IN6_ARE_ADDR_EQUAL(&a->addr, &p->dst.in6))
                return i->index;
    return p->ifp->index;
}

void ip6_input(struct berth_stack *st, struct pkt *p)
{
    SNMP_INC(st, Ip6, InReceives);
    SNMP_ADD(st, Ip6, InOctets, p->len);
    if (p->len < IP6_HLEN) {
        SNMP_INC(st, Ip6, InHdrErrors);
        return drop(st, p, "short header");
    }
    struct ip6_hdr h;
    memcpy(&h, p->data, sizeof(h));
    if ((ntohl(h.vtf) >> 28) != 6) {
        SNMP_INC(st, Ip6, InHdrErrors);
        return drop(st, p, "bad version");
    }
    bool from_lo = p->ifp && p->ifp->is_loopback;
    bool mc = addr_is_mc(&h.dst);
    /* ip6_rcv_core's address checks, all counted as header errors:
     * ::1 from the wire (RFC 4291 2.5.3); interface-local multicast from
     * the wire (RFC 4291 errata 3480); multicast scope 0; a multicast
     * source (RFC 4291 2.7); a v4-mapped source (dual-stack sockets would
     * take it for IPv4). */
    union inet_addr src = inet_addr_from6(&h.src), dst = inet_addr_from6(&h.dst);
    if ((!from_lo && (inet_addr_is_loopback(&dst) || (mc && mc_scope(&h.dst) == 1))) ||
        (mc && mc_scope(&h.dst) == 0) || addr_is_mc(&h.src) || inet_addr_is_v4(&src)) {
        SNMP_INC(st, Ip6, InHdrErrors);
        return drop(st, p, "martian address");
    }
    unsigned plen = ntohs(h.plen);
    if (plen + IP6_HLEN > p->len) {
        SNMP_INC(st, Ip6, InTruncatedPkts);
        return drop(st, p, "truncated");
    }
    pkt_trim(p, plen + IP6_HLEN); /* link padding */
    /* berth is a host: a unicast destination must be one of ours (on the
     * arriving interface for a link-local one), a multicast one a group
     * the interface joined. Not for us: Linux with forwarding off counts
     * it in ip6_forward's error path. */
    if (mc) {
        if (!p->ifp || !ip6_mc_member(p->ifp, &h.dst))
            return drop(st, p, "multicast group not joined");
        SNMP_INC(st, Ip6, InMcastPkts);
        SNMP_ADD(st, Ip6, InMcastOctets, p->len);
    } else if (inet_addr_is_v4(&dst) || !ip6_is_local(st, &h.dst, from_lo ? NULL : p->ifp)) {
        SNMP_INC(st, Ip6, InAddrErrors);
        return drop(st, p, "not for us");
    }
    p->nh = p->data;
    p->src = src;
    p->dst = dst;
    p->ttl = h.hlim;
    p->tos = (uint8_t)(ntohl(h.vtf) >> 20);
    ip6_local(st, p, mc);
}
