/* tcp_fastopen.c — TCP Fast Open (RFC 7413), the client side as Linux runs
 * it when it holds no cookie (net/ipv4/tcp_fastopen.c,
 * tcp_send_syn_data's fallback, tcp_rcv_fastopen_synack).
 *
 * sendto(MSG_FASTOPEN) and connect() under TCP_FASTOPEN_CONNECT set
 * tp->fastopen_req; the SYN then carries an empty Fast Open option, a
 * cookie request, and the data follows the handshake like any data.
 * berth keeps no cookies: one that a server returns is not stored, so
 * every connection asks again and none sends data in its SYN
 * (docs/deviations.md).
 *
 * What Linux does keep per destination even without a cookie, and berth
 * reproduces: a request answered by a SYN-ACK without a cookie makes the
 * next request to that destination use the experimental option (kind 254,
 * magic 0xF989, RFC 6994); if that goes unanswered too, kind 34 is used
 * from then on (tcp_fastopen_cache_set's try_exp 1, then 2). */
#include <string.h>

#include "tcp/tcp.h"

static struct tcp_fo_dst *fo_find(struct tcp_stack *ts, struct in_addr saddr, struct in_addr daddr)
{
    for (unsigned i = 0; i < TCP_FO_CACHE; i++) {
        struct tcp_fo_dst *d = &ts->fo_cache[i];
        if (d->daddr.s_addr && d->daddr.s_addr == daddr.s_addr && d->saddr.s_addr == saddr.s_addr)
            return d;
    }
    return NULL;
}

/* The entry's key: the IPv4 addresses, or the folds of IPv6 ones (a
 * collision only shares the option-kind choice). */
static void fo_key(struct tcp_sock *tp, struct in_addr *saddr, struct in_addr *daddr)
{
    union inet_addr s, d;
    tcp_sock_addrs(tp, &s, &d);
    saddr->s_addr = inet_addr_fold(&s);
    daddr->s_addr = inet_addr_fold(&d);
}

void tcp_fastopen_syn_init(struct tcp_sock *tp)
{
    tp->syn_fastopen = tp->syn_fastopen_exp = tp->fastopen_opt_sent = false;
    if (!tp->fastopen_req)
        return;
    /* tcp_send_syn_data: the request is made whatever the cache says. */
    struct in_addr sk, dk;
    fo_key(tp, &sk, &dk);
    const struct tcp_fo_dst *d = fo_find(tcp_of(tcp_st(tp)), sk, dk);
    tp->syn_fastopen = true;
    tp->syn_fastopen_exp = d && d->try_exp == 1;
    tp->fastopen_client_fail = 1; /* tcp_fastopen_cookie_check: TFO_COOKIE_UNAVAILABLE */
}

uint8_t tcp_fastopen_syn_option(struct tcp_sock *tp)
{
    /* Only the first SYN asks: Linux's retransmitted SYNs carry no Fast
     * Open option, blocking call or not (seen on 6.18). */
    if (!tp->fastopen_req || !tp->syn_fastopen || tp->fastopen_opt_sent)
        return TCP_FO_OPT_NONE;
    tp->fastopen_opt_sent = true;
    return tp->syn_fastopen_exp ? TCP_FO_OPT_EXP : TCP_FO_OPT_RFC;
}

void tcp_fastopen_synack(struct tcp_sock *tp, const struct tcp_seg *seg)
{
    if (!tp->syn_fastopen)
        return;
    /* tcp_rcv_fastopen_synack: only a request whose SYN was not
     * retransmitted and that got no cookie back moves try_exp on. A
     * cookie (or an empty option) leaves it; berth does not store the
     * cookie. */
    if (seg->has_fo || tp->c->retransmits || tp->c->total_retrans)
        return;
    struct tcp_stack *ts = tcp_of(tcp_st(tp));
    uint8_t try_exp = tp->syn_fastopen_exp ? 2 : 1;
    struct in_addr sk, dk;
    fo_key(tp, &sk, &dk);
    struct tcp_fo_dst *d = fo_find(ts, sk, dk);
    if (!d) {
        d = &ts->fo_cache[ts->fo_next++ % TCP_FO_CACHE];
        memset(d, 0, sizeof(*d));
        d->saddr = sk;
        d->daddr = dk;
    }
    if (try_exp > d->try_exp)
        d->try_exp = try_exp;
}

void tcp_fastopen_clear(struct tcp_sock *tp)
{
    tp->fastopen_req = tp->syn_fastopen = tp->syn_fastopen_exp = false;
    tp->fastopen_client_fail = 0;
}
