/* icmp6_err.c — ICMPv6 errors received (RFC 4443 sections 2.4 (e), 3):
 * the quoted packet checked, its extension headers walked within the
 * message's bounds, and the error handed to the transport that sent it
 * (Linux's icmpv6_notify and icmpv6_err_convert, net/ipv6/icmp.c).
 *
 * Garbage is dropped with Icmp6 InErrors, as Linux counts it: a quote
 * shorter than an IPv6 header, an extension-header chain that leaves the
 * quote (ipv6_skip_exthdr fails), or fewer than 8 bytes of the upper-layer
 * header after it. A quoted non-first fragment names no transport (the
 * walk stops at its fragment header) and is ignored without a count.
 *
 * Packet Too Big also lowers the path MTU towards the quoted destination
 * (ip6_pmtu.c) when the quoted source is one of this host's addresses —
 * Linux does that from the transport's error handler once a socket
 * accepted the error; berth does it once here for every transport.
 */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/icmp6_err.h"
#include "ip/ip6.h"
#include "ip/ip_proto.h"
#include "netif/netif_impl.h"

#define ICMP6_HLEN 8
#define IP6_NH_AH 51

/* icmpv6_err_convert's table for destination unreachable codes 0..6. */
static const struct {
    int err;
    bool fatal;
} unreach_err[7] = {
    {ENETUNREACH, false},  /* no route */
    {EACCES, true},        /* administratively prohibited */
    {EHOSTUNREACH, false}, /* beyond scope (was "not a neighbour") */
    {EHOSTUNREACH, false}, /* address unreachable */
    {ECONNREFUSED, true},  /* port unreachable */
    {EACCES, true},        /* source address failed ingress/egress policy */
    {EACCES, true},        /* reject route */
};

void icmp6_err_convert(uint8_t type, uint8_t code, int *err, bool *fatal)
{
    *err = EPROTO;
    *fatal = false;
    switch (type) {
    case ICMP6_DST_UNREACH:
        *fatal = true;
        if (code < sizeof(unreach_err) / sizeof(unreach_err[0])) {
            *err = unreach_err[code].err;
            *fatal = unreach_err[code].fatal;
        }
        break;
    case ICMP6_PACKET_TOO_BIG:
        *err = EMSGSIZE;
        break;
    case ICMP6_PARAM_PROB:
        *fatal = true;
        break;
    case ICMP6_TIME_EXCEEDED:
        *err = EHOSTUNREACH;
        break;
    default:
        break;
    }
}

int icmp6_skip_exthdr(const uint8_t *pkt, size_t len, size_t start, uint8_t *nexthdr,
                      uint16_t *frag_off)
{
    uint8_t nxt = *nexthdr;
    if (frag_off)
        *frag_off = 0;
    size_t pos = start;
    unsigned n = 0;
    while (nxt == IP6_NH_HOPOPTS || nxt == IP6_NH_ROUTING || nxt == IP6_NH_FRAGMENT ||
           nxt == IP6_NH_DSTOPTS || nxt == IP6_NH_AH || nxt == IP6_NH_NONE) {
        if (nxt == IP6_NH_NONE || pos + 2 > len)
            return -1;
        size_t hl;
        if (nxt == IP6_NH_FRAGMENT) {
            if (pos + 4 > len)
                return -1;
            uint16_t fo = (uint16_t)((pkt[pos + 2] << 8) | pkt[pos + 3]);
            if (frag_off)
                *frag_off = fo;
            if (fo & ~7)
                break; /* a non-first fragment: the next header is not here */
            hl = 8;
        } else if (nxt == IP6_NH_AH) {
            hl = ((size_t)pkt[pos + 1] + 2) * 4;
        } else {
            hl = ((size_t)pkt[pos + 1] + 1) * 8;
        }
        nxt = pkt[pos];
        pos += hl;
        /* Every header is at least 8 bytes and the packet at most 64 KiB:
         * the walk ends; the count only bounds it for the reader. */
        if (++n > 0x2000)
            return -1;
    }
    *nexthdr = nxt;
    return pos > 0x7fffffff ? -1 : (int)pos;
}

void icmp6_err_input(struct berth_stack *st, struct pkt *p, uint8_t type, uint8_t code,
                     uint32_t info)
{
    const uint8_t *q = p->data + ICMP6_HLEN;
    size_t qlen = p->len - ICMP6_HLEN;
    if (p->len < ICMP6_HLEN + IP6_HLEN) {
        SNMP_INC(st, Icmp6, InErrors);
        return;
    }
    uint8_t nxt = q[6];
    int inner = icmp6_skip_exthdr(q, qlen, IP6_HLEN, &nxt, NULL);
    if (inner < 0 || (size_t)inner + 8 > qlen) {
        SNMP_INC(st, Icmp6, InErrors);
        return;
    }
    struct in6_addr qsrc, qdst;
    memcpy(&qsrc, q + 8, 16);
    memcpy(&qdst, q + 24, 16);
    if (type == ICMP6_PACKET_TOO_BIG && ip6_is_local(st, &qsrc, NULL))
        ip6_pmtu_update(st, &qdst, info);
    const struct ip_protocol *ipp = ip6_protocol(nxt);
    if (!ipp || !ipp->err)
        return;
    struct ip_err e = {.src = inet_addr_from6(&qsrc),
                       .dst = inet_addr_from6(&qdst),
                       .th = q + inner,
                       .type = type,
                       .code = code,
                       .info = info};
    /* an error this host sent itself through lo (neighbour discovery's
     * address unreachable) counts on the interface owning its address */
    e.ifindex = ip6_iif(st, p);
    e.hlim = p->ttl;
    icmp6_err_convert(type, code, &e.err, &e.fatal);
    ipp->err(st, &e);
}
