/* tcp_ipv6.c — what TCP does differently for a native IPv6 4-tuple (Linux's
 * net/ipv6/tcp_ipv6.c): the active open (tcp_v6_connect), the addresses a
 * connection sends from and to, and Packet Too Big (tcp_v6_mtu_reduced).
 * Everything else — the state machine, the tables, timers, TIME_WAIT — is
 * the one family-neutral path; IPv4 through an AF_INET6 socket is IPv4
 * (v4-mapped) and never comes here.
 *
 * The native IPv6 connection's addresses live in the socket's inet6_info
 * (rcv_saddr = saddr = the source, daddr = the peer); its IPv4 fields are
 * Linux's: saddr and daddr 0, the bind node's IPv4 view LOOPBACK4_IPV6
 * (tcp_v6_connect / tcp_v6_syn_recv_sock), so no IPv4 bind ever overlaps
 * it (docs/tcp.md, "TCP over IPv6"). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ip/ip6.h"
#include "ip/ip_route.h"
#include "tcp/tcp.h"

bool tcp_is_v6(struct tcp_sock *tp)
{
    struct inet_sock *in = &tp->inet;
    if (in->daddr.s_addr || sock_family(&in->sk) != AF_INET6)
        return false;
    const struct in6_addr *d = &inet6_info(in)->daddr;
    return !IN6_IS_ADDR_V4MAPPED(d) && !IN6_IS_ADDR_UNSPECIFIED(d);
}

void tcp_sock_addrs(struct tcp_sock *tp, union inet_addr *src, union inet_addr *dst)
{
    if (tcp_is_v6(tp)) {
        struct inet6_info *np = inet6_info(&tp->inet);
        *src = inet_addr_from6(&np->saddr);
        *dst = inet_addr_from6(&np->daddr);
        return;
    }
    *src = inet_addr_from4(tp->inet.saddr);
    *dst = inet_addr_from4(tp->inet.daddr);
}

unsigned tcp_v6_oif(const union inet_addr *dst, unsigned ifindex)
{
    if (inet_addr_is_v4(dst))
        return 0;
    return inet6_needs_scope_id(&dst->in6) ? ifindex : 0;
}

uint32_t tcp_v6_label(struct tcp_sock *tp)
{
    const struct inet6_info *np = inet6_info(&tp->inet);
    uint32_t label = ntohl(np->flow_label) & 0xfffffu;
    if (label || np->noautoflow)
        return label;
    return ip6_txhash_label(tp->c->txhash);
}

/* tcp_v6_connect after the checks stream_connect made (family, length,
 * [::] -> ::1, multicast, the link-local scope). */
int tcp_v6_connect(struct tcp_sock *tp, const struct in6_addr *dst, uint16_t dport)
{
    struct inet_sock *in = &tp->inet;
    struct bsock *so = &in->sk;
    struct berth_stack *st = so->st;
    struct inet6_info *np = inet6_info(in);
    /* The bound address is the source; else np->saddr (:: unless a
     * previous connection's stayed), and the route chooses. */
    bool bound = !IN6_IS_ADDR_UNSPECIFIED(&np->rcv_saddr);
    /* A socket bound to a v4-mapped address has no IPv6 source: the
     * route is looked up first (ENETUNREACH wins), then EAFNOSUPPORT
     * (ip6_dst_lookup_tail's order; seen on 6.18). */
    bool mapped = IN6_IS_ADDR_V4MAPPED(&np->rcv_saddr);
    struct in6_addr want = bound && !mapped ? np->rcv_saddr : np->saddr;
    if (mapped)
        memset(&want, 0, sizeof(want));
    struct ip6_route_res rt;
    int rc = ip6_route_source(st, dst, &want, sock_bound_if(so), &rt);
    if (rc) {
        if (rc == -ENETUNREACH) /* ip6_dst_lookup_flow's OUTNOROUTES */
            SNMP_INC(st, Ip6, OutNoRoutes);
        return rc; /* ENETUNREACH, EADDRNOTAVAIL */
    }
    if (mapped)
        return -EAFNOSUPPORT;
    if (tcp_conn_get(tp))
        return -ENOBUFS;
    if (tp->c->ts_recent_stamp && memcmp(&np->daddr, dst, sizeof(*dst))) {
        tp->c->ts_recent = tp->c->ts_recent_stamp = 0;
        tp->c->write_seq = 0;
    }
    /* A socket that once listened cannot connect (see tcp_v4_connect). */
    if (tp->was_listen) {
        /* As in IPv4, an address lock keeps the route's source: Linux's
         * inet_bhash2_update_saddr wrote it, and the failure path resets
         * it only without SOCK_BINDADDR_LOCK. The lock outlives a rebind
         * to [::] (__inet6_bind only ever sets it), so a socket once
         * bound to an address, rebound to [::]:P after its listener
         * stopped, ends bound to [route source]:P, which no longer
         * conflicts with an IPv4 bind to P (difffuzz seed 18094; seen on
         * 6.18). */
        if (in->bindaddr_lock && !bound) {
            np->saddr = np->rcv_saddr = rt.src;
            in->bnode.addr.s_addr = TCP_LOOPBACK4_IPV6;
        }
        if (!in->bindport_lock && inet_num(in)) {
            tp->old_sport = inet_num(in);
            inet_unhash(in);
        }
        return -EINVAL;
    }
    np->daddr = *dst;
    in->daddr.s_addr = 0;
    /* in->saddr (inet_saddr) is left as bind made it: LOOPBACK4_IPV6 for
     * a native address. A later connect to a v4-mapped peer then keeps
     * it as its IPv4 source, as Linux's tcp_v4_connect does (difffuzz
     * seed 41404: the name reads [::ffff:127.0.0.6]). */
    np->saddr = rt.src;
    if (!bound)
        np->rcv_saddr = rt.src; /* inet_bhash2_update_saddr */
    /* inet_rcv_saddr = LOOPBACK4_IPV6: the IPv4 view of an IPv6 address */
    in->bnode.addr.s_addr = TCP_LOOPBACK4_IPV6;
    in->dport = dport;
    /* tcp_v6_connect: IPV6_MIN_MTU - headers until the peer's MSS arrives */
    tp->c->mss_clamp =
        tp->user_mss ? (uint16_t)tp->user_mss : (uint16_t)(IP6_MIN_MTU - IP6_HLEN - TCP_HLEN);
    tp->c->write_seq = 0;
    tcp_set_state(tp, TCPS_SYN_SENT);
    rc = tcp_hash_connect(tp);
    if (rc) {
        tcp_set_state(tp, TCPS_CLOSE);
        in->dport = 0;
        inet6_forget(in, true, !in->bindaddr_lock);
        if (!in->bindaddr_lock)
            in->bnode.addr.s_addr = 0;
        else
            np->saddr = np->rcv_saddr;
        return rc;
    }
    tp->was_conn = true;
    union inet_addr la = inet_addr_from6(&np->saddr), ra = inet_addr_from6(&np->daddr);
    tp->c->iss =
        tp->c->write_seq ? tp->c->write_seq : tcp_isn(st, &la, htons(inet_num(in)), &ra, dport);
    struct tcp_stack *ts = tcp_of(st);
    tp->c->ts_off = TCP_TS(ts->timestamps) == 1 ? tcp_ts_offset(st, &la, &ra) : 0;
    unsigned mtu = rt.mtu < IP6_MIN_MTU ? IP6_MIN_MTU : rt.mtu;
    tp->c->advmss = tcp_advmss(tp, mtu, true);
    tp->ts_ok = TCP_TS(ts->timestamps) != 0;
    tcp_sync_mss(tp, mtu);
    tp->ts_ok = false;
    return 0;
}

/* tcp_v6_mtu_reduced: Packet Too Big said the path takes at most mtu
 * (>= IPV6_MIN_MTU, checked by tcp_err). A smaller MSS is taken and the
 * segments in flight, now too big, are sent again at once (Linux's
 * tcp_simple_retransmit: the congestion window is left alone; only the
 * unit changed). */
void tcp_v6_mtu_reduced(struct tcp_sock *tp, unsigned mtu)
{
    if (TCPF(tcp_state(tp)) & (TCPF(TCPS_LISTEN) | TCPF(TCPS_CLOSE)))
        return;
    /* Ignore an "update" that would not lower the MSS (tcp_mtu_to_mss >=
     * mss_cache). */
    int mss = (int)mtu - IP6_HLEN - TCP_HLEN;
    if (tp->c->mss_clamp && mss > tp->c->mss_clamp)
        mss = tp->c->mss_clamp;
    if (TCP_TS(tp->ts_ok))
        mss -= 12;
    if (mss >= (int)tp->c->mss_cache)
        return;
    /* ICMPv6 has lowered the destination's path MTU already
     * (icmp6_err_input; Linux's inet6_csk_update_pmtu from here). The
     * route's path MTU, never above what the message said. */
    unsigned pmtu = tcp_path_mtu(tp);
    if (pmtu > mtu)
        pmtu = mtu;
    uint16_t old = tp->c->mss_cache;
    tcp_sync_mss(tp, pmtu);
    if (tp->c->mss_cache >= old)
        return;
    if (!(TCPF(tcp_state(tp)) &
          (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_FIN_WAIT1) | TCPF(TCPS_CLOSE_WAIT) |
           TCPF(TCPS_CLOSING) | TCPF(TCPS_LAST_ACK))) ||
        tp->c->snd_una == tp->c->snd_max)
        return;
    /* Everything in flight was cut to the old size: go back to snd_una
     * and send it again in the new size (the RTO's go-back-N without its
     * window reduction). */
    if (tp->c->ca_state != TCPCA_LOSS) {
        tp->c->high_seq = tp->c->snd_max;
        tp->c->prior_ssthresh = 0;
        tp->c->undo_ok = false;
        tp->c->ca_state = TCPCA_LOSS;
    }
    tp->c->dupacks = 0;
    tp->rtt_timing = false;
    tp->tlp_out = false;
    tp->c->snd_nxt = tp->c->snd_una;
    tp->c->snd_hint = NULL;
    tp->c->high_rxt = tp->c->snd_una;
    uint32_t n = tcp_retransmit_head(tp);
    tp->c->snd_nxt = tp->c->snd_una + n;
    if (seq_gt(tp->c->snd_nxt, tp->c->snd_max))
        tp->c->snd_max = tp->c->snd_nxt;
    tcp_push(tp, false);
    tcp_rearm_rto(tp);
}
