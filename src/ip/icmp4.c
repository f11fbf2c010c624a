/* icmp4.c — ICMP (RFC 792 / RFC 1122): echo, errors in, errors out.
 *
 * Errors received are mapped to an errno the way Linux's icmp_err_convert
 * table does and handed to the transport that sent the quoted datagram.
 * Errors sent are rate limited by a token bucket (Linux's icmp_msgs_per_sec
 * = 1000, icmp_msgs_burst = 50), except towards local addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip_proto.h"
#include "netif/netif_impl.h"
#include "ping/ping.h"

#define ICMP_HLEN 8
/* Linux quotes as much of the datagram as fits in a 576-byte reply. */
#define ICMP_QUOTE_MAX (576 - IP4_HLEN - ICMP_HLEN)

/* Linux's icmp_err_convert[] for destination unreachable codes 0..15. */
static const struct {
    int err;
    bool fatal;
} unreach_err[16] = {
    {ENETUNREACH, false},  {EHOSTUNREACH, false}, {ENOPROTOOPT, true},  {ECONNREFUSED, true},
    {EMSGSIZE, false},     {EOPNOTSUPP, false},   {ENETUNREACH, true},  {EHOSTDOWN, true},
    {ENONET, true},        {ENETUNREACH, true},   {EHOSTUNREACH, true}, {ENETUNREACH, false},
    {EHOSTUNREACH, false}, {EHOSTUNREACH, true},  {EHOSTUNREACH, true}, {EHOSTUNREACH, true},
};

static void icmp_err_input(struct berth_stack *st, struct pkt *p, uint8_t type, uint8_t code)
{
    /* Errors sent to a broadcast or multicast address are ignored
     * (icmp_rcv's RFC 1122 3.2.2.6 / 3.2.2.8 checks). */
    if (netif_is_bcast4(st, pkt_dst4(p)) || ip4_is_multicast(pkt_dst4(p)))
        return;
    /* The quoted datagram: its IP header and at least 8 bytes of payload. */
    if (p->len < ICMP_HLEN + IP4_HLEN + 8) {
        SNMP_INC(st, Icmp, InErrors);
        return;
    }
    const uint8_t *q = p->data + ICMP_HLEN;
    struct ip4_hdr qh;
    memcpy(&qh, q, sizeof(qh));
    unsigned qihl = (unsigned)(qh.ver_ihl & 0x0f) * 4;
    if ((qh.ver_ihl >> 4) != 4 || qihl < IP4_HLEN || p->len < ICMP_HLEN + qihl + 8) {
        SNMP_INC(st, Icmp, InErrors);
        return;
    }
    int err;
    bool fatal;
    switch (type) {
    case ICMP_DEST_UNREACH:
        if (code > 15)
            return;
        err = unreach_err[code].err;
        fatal = unreach_err[code].fatal;
        if (code == ICMP_FRAG_NEEDED)
            fatal = true; /* UDP reports EMSGSIZE as a hard error */
        break;
    case ICMP_TIME_EXCEEDED:
        err = EHOSTUNREACH;
        fatal = false;
        break;
    case ICMP_PARAMETERPROB:
        err = EPROTO;
        fatal = true;
        break;
    default:
        return;
    }
    const struct ip_protocol *ipp = ip4_protocol(qh.protocol);
    if (!ipp || !ipp->err)
        return;
    struct ip_err e = {.src = inet_addr_from4((struct in_addr){qh.saddr}),
                       .dst = inet_addr_from4((struct in_addr){qh.daddr}),
                       .th = q + qihl,
                       .type = type,
                       .code = code,
                       .err = err,
                       .fatal = fatal};
    ipp->err(st, &e);
}

static void icmp_echo(struct berth_stack *st, struct pkt *p)
{
    SNMP_INC(st, Icmp, InEchos);
    /* icmp_echo_ignore_broadcasts = 1 */
    if (netif_is_bcast4(st, pkt_dst4(p)) || ip4_is_multicast(pkt_dst4(p)))
        return;
    struct pkt *r = pkt_alloc(st, PKT_HEADROOM, p->len);
    if (!r)
        return;
    memcpy(r->data, p->data, p->len);
    r->data[0] = ICMP_ECHOREPLY;
    r->data[2] = r->data[3] = 0;
    uint16_t ck = inet_csum_fold(inet_csum_add(0, r->data, r->len));
    memcpy(r->data + 2, &ck, 2);
    struct ip4_out o = {.src = pkt_dst4(p),
                        .dst = pkt_src4(p),
                        .proto = IPPROTO_ICMP,
                        .ttl = (uint8_t)st->net.ip_default_ttl,
                        .tos = p->tos};
    SNMP_INC(st, Icmp, OutMsgs);
    SNMP_INC(st, Icmp, OutEchoReps);
    ip4_output(st, r, &o);
}

void icmp4_input(struct berth_stack *st, struct pkt *p)
{
    SNMP_INC(st, Icmp, InMsgs);
    if (p->len < ICMP_HLEN) {
        SNMP_INC(st, Icmp, InErrors);
        goto out;
    }
    if (inet_csum_fold(inet_csum_add(0, p->data, p->len)) != 0) {
        SNMP_INC(st, Icmp, InCsumErrors);
        SNMP_INC(st, Icmp, InErrors);
        goto out;
    }
    uint8_t type = p->data[0], code = p->data[1];
    switch (type) {
    case ICMP_ECHO:
        icmp_echo(st, p);
        break;
    case ICMP_ECHOREPLY:
        SNMP_INC(st, Icmp, InEchoReps);
        ping_rcv(st, p); /* to the ping socket of its identifier, if any */
        return;
    case ICMP_DEST_UNREACH:
        SNMP_INC(st, Icmp, InDestUnreachs);
        icmp_err_input(st, p, type, code);
        break;
    case ICMP_TIME_EXCEEDED:
        SNMP_INC(st, Icmp, InTimeExcds);
        icmp_err_input(st, p, type, code);
        break;
    case ICMP_PARAMETERPROB:
        SNMP_INC(st, Icmp, InParmProbs);
        icmp_err_input(st, p, type, code);
        break;
    default:
        break;
    }
out:
    pkt_free(st, p);
}

/* icmp_pointers[].error, and Linux's rule that an unknown type (above
 * NR_ICMP_TYPES = 18) counts as an error too. */
static bool is_icmp_error_type(uint8_t t)
{
    return t == ICMP_DEST_UNREACH || t == ICMP_TIME_EXCEEDED || t == ICMP_PARAMETERPROB ||
           t == 4 /* source quench */ || t == 5 /* redirect */ || t > 18;
}

/* The global token bucket ICMP and ICMPv6 errors draw on (Linux's
 * icmp_global_allow, shared by both families): 1000 messages per second,
 * bursts of 50. Refill and say whether a token is left... */
bool icmp_global_allow(struct berth_stack *st)
{
    static const uint64_t per_token_us = 1000; /* 1 ms per message */
    uint64_t now = st_now(st);
    uint64_t *last = &st->icmp_bucket_ts;
    uint32_t *tokens = &st->icmp_tokens;
    if (!st->icmp_bucket_init || now - *last >= 50 * per_token_us) {
        st->icmp_bucket_init = true;
        *tokens = 50;
        *last = now;
    } else {
        /* under 50 ms here: a 32-bit division (no 64-bit one on a 32-bit CPU) */
        uint32_t add = (uint32_t)(now - *last) / (uint32_t)per_token_us;
        if (add) {
            *tokens = (uint32_t)((*tokens + add) > 50 ? 50 : *tokens + add);
            *last += add * per_token_us;
        }
    }
    return *tokens > 0;
}

/* ...and take it once the message is to be sent (icmp_global_consume). */
void icmp_global_consume(struct berth_stack *st)
{
    if (st->icmp_tokens)
        st->icmp_tokens--;
}

static bool icmp_rate_allow(struct berth_stack *st, struct in_addr dst)
{
    if (ip4_is_local(st, dst))
        return true;
    if (!icmp_global_allow(st))
        return false;
    icmp_global_consume(st);
    return true;
}

void icmp4_send_error(struct berth_stack *st, const struct pkt *p, uint8_t type, uint8_t code,
                      uint32_t info)
{
    if (!p->nh)
        return;
    struct ip4_hdr h;
    memcpy(&h, p->nh, sizeof(h));
    struct in_addr src = {h.saddr}, dst = {h.daddr};
    /* RFC 1122 3.2.2: never about fragments other than the first, about
     * broadcast/multicast/unspecified sources, or about ICMP errors. */
    if (ntohs(h.frag_off) & IP4_OFFMASK)
        return;
    if (src.s_addr == 0 || netif_is_bcast4(st, src) || ip4_is_multicast(src))
        return;
    /* ...nor about datagrams sent to a broadcast or multicast address. */
    if (netif_is_bcast4(st, dst) || ip4_is_multicast(dst))
        return;
    unsigned ihl = (unsigned)(h.ver_ihl & 0x0f) * 4;
    const uint8_t *payload = p->nh + ihl;
    size_t avail = (size_t)(p->data + p->len - p->nh);
    if (h.protocol == IPPROTO_ICMP && (avail <= ihl || is_icmp_error_type(payload[0])))
        return; /* about an ICMP error, or too short to tell */
    if (!icmp_rate_allow(st, src))
        return;
    size_t qlen = avail < ICMP_QUOTE_MAX ? avail : ICMP_QUOTE_MAX;
    struct pkt *r = pkt_alloc(st, PKT_HEADROOM, ICMP_HLEN + qlen);
    if (!r) {
        SNMP_INC(st, Icmp, OutErrors);
        return;
    }
    uint8_t *d = r->data;
    d[0] = type;
    d[1] = code;
    d[2] = d[3] = 0;
    uint32_t ninfo = htonl(info);
    memcpy(d + 4, &ninfo, 4);
    memcpy(d + ICMP_HLEN, p->nh, qlen);
    uint16_t ck = inet_csum_fold(inet_csum_add(0, d, r->len));
    memcpy(d + 2, &ck, 2);
    struct ip4_out o = {
        .src = ip4_is_local(st, dst) ? dst : (struct in_addr){0},
        .dst = src,
        .proto = IPPROTO_ICMP,
        .ttl = (uint8_t)st->net.ip_default_ttl,
        .tos = (uint8_t)((h.tos & 0x1e) | 0xc0), /* IPTOS_PREC_INTERNETCONTROL */
    };
    SNMP_INC(st, Icmp, OutMsgs);
    if (type == ICMP_DEST_UNREACH)
        SNMP_INC(st, Icmp, OutDestUnreachs);
    else if (type == ICMP_TIME_EXCEEDED)
        SNMP_INC(st, Icmp, OutTimeExcds);
    ip4_output(st, r, &o);
}
