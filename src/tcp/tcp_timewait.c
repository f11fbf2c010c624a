/* tcp_timewait.c — TIME_WAIT (and orphaned FIN_WAIT_2) as small entries,
 * not sockets (Linux's inet_timewait_sock): 72 bytes (88 for AF_INET6, 108 for native IPv6) holding
 * the remote half of the 4-tuple, the bind-table node that keeps the local half and the port with
 * its owner's reuse flags, and what is needed to answer segments (tcp_timewait_state_process). The
 * window its ACKs offer is kept as a power of two in four bits.
 *
 * Entries wait in one FIFO per stack ordered by expiry, with one timer for
 * all of them; an entry whose expiry was pushed back (a retransmitted FIN
 * restarts the 60 s) is moved to its place when it reaches the head. A
 * killed entry (reused, reset, taken over by a new SYN) leaves the tables
 * at once and is freed when the FIFO reaches it. */
#include <arpa/inet.h>
#include <string.h>

#include "bind/bind.h"
#if BERTH_WITH_IPV6
#include "ip/ip6.h"
#endif
#include "tcp/tcp.h"

/* tw_sub bits */
#define TW_FW2 0x01     /* substate FIN_WAIT2 (else TIME_WAIT) */
#define TW_TS 0x02      /* timestamps were in use: ts_recent is valid */
#define TW_CONN 0x04    /* the port came from connect() */
#define TW_DEAD 0x08    /* killed: no longer in the tables */
#define TW_WLOG_SHIFT 4 /* high nibble n: the window field is 2^n - 1 */

struct tcp_tw {
    struct tcp_eh eh;     /* kind TCP_EH_TW; tw_sub lives here */
    struct tcp_tw *fnext; /* FIFO */
    uint32_t expire_ms;   /* tcp_ts_now() clock */
    uint32_t snd_nxt, rcv_nxt;
    uint32_t ts_recent;
    struct bind_node bnode; /* timewait set */
    /* AF_INET6 owners only: [0] the bound address, after the node; [1] the
     * peer's address when the 4-tuple is native IPv6 (eh.v6), then one
     * word more (tw_v6_flow): 108 bytes for those. */
    struct in6_addr addr6[];
};

_Static_assert(sizeof(struct tcp_tw) < 100, "a TIME_WAIT entry stays under 100 bytes");

static void tw_timer_fire(struct berth_stack *st, struct btimer *t);

struct tcp_tw *tcp_tw_of_bnode(struct bind_node *n)
{
    return (struct tcp_tw *)((char *)n - offsetof(struct tcp_tw, bnode));
}

uint32_t tcp_tw_snd_nxt(const struct tcp_tw *tw) { return tw->snd_nxt; }

struct in6_addr tcp_tw_local6(const struct tcp_tw *tw) { return tw->addr6[0]; }

/* A native IPv6 entry's last word, after the peer's address: the
 * traffic class (tw_tclass, bits 20-27) and flow label (bits 0-19) its
 * ACKs and RSTs carry. The label is tw_flowlabel (connect()'s, with
 * IPV6_FLOWINFO_SEND) or else tw_txhash's: Linux sends them through its
 * control socket, whose automatic labels are on whatever the socket's
 * IPV6_AUTOFLOWLABEL was. */
static uint32_t tw_v6_flow(const struct tcp_tw *tw)
{
    uint32_t v;
    memcpy(&v, &tw->addr6[2], sizeof(v));
    return v;
}

#if BERTH_WITH_IPV6
static void tw_set_v6_flow(struct tcp_tw *tw, struct tcp_sock *tp)
{
    const struct inet6_info *np = inet6_info(&tp->inet);
    uint32_t label = ntohl(np->flow_label) & 0xfffffu;
    if (!label)
        label = ip6_txhash_label(tp->c->txhash);
    uint32_t v = (uint32_t)(np->tclass & ~3u) << 20 | label;
    memcpy(&tw->addr6[2], &v, sizeof(v));
}
#else
static void tw_set_v6_flow(struct tcp_tw *tw, struct tcp_sock *tp)
{
    (void)tw;
    (void)tp;
}
#endif
struct in6_addr tcp_tw_remote6(const struct tcp_tw *tw) { return tw->addr6[1]; }

void tcp_tw_local(const struct tcp_tw *tw, struct in_addr *addr, uint16_t *port)
{
    *addr = tw->bnode.addr;
    *port = htons(tw->bnode.port);
}

static uint16_t tw_wnd(const struct tcp_tw *tw)
{
    unsigned n = tw->eh.tw_sub >> TW_WLOG_SHIFT;
    return (uint16_t)((1u << n) - 1);
}
bool tcp_tw_conn_bound(const struct tcp_tw *tw) { return tw->eh.tw_sub & TW_CONN; }
bool tcp_tw_fin_wait2(const struct tcp_tw *tw) { return tw->eh.tw_sub & TW_FW2; }

bool tcp_tw_ts(const struct tcp_tw *tw, uint32_t *ts_recent)
{
    *ts_recent = tw->ts_recent;
    return tw->eh.tw_sub & TW_TS;
}

uint32_t tcp_tw_age_ms(struct berth_stack *st, const struct tcp_tw *tw)
{
    /* Entered TIME_WAIT 60 s before it expires (an approximation once the
     * expiry was pushed back, which only makes reuse wait longer). */
    uint32_t entry = tw->expire_ms - TCP_TIMEWAIT_LEN_MS;
    return tcp_ts_now(st) - entry;
}

static void arm(struct berth_stack *st)
{
    struct tcp_stack *ts = tcp_of(st);
    if (!ts->tw_head) {
        timer_cancel(st, &ts->tw_timer);
        return;
    }
    uint32_t now = tcp_ts_now(st);
    int32_t d = (int32_t)(ts->tw_head->expire_ms - now);
    uint64_t when = st_now(st) + (d > 0 ? (uint64_t)d * 1000u : 0);
    if (ts->tw_timer.armed && ts->tw_timer.when == when)
        return;
    timer_arm(st, &ts->tw_timer, when);
}

/* Insert in expiry order (from the head; the common case is the tail). */
static void fifo_insert(struct tcp_stack *ts, struct tcp_tw *tw)
{
    tw->fnext = NULL;
    if (!ts->tw_tail || !time32_after(ts->tw_tail->expire_ms, tw->expire_ms)) {
        if (ts->tw_tail)
            ts->tw_tail->fnext = tw;
        else
            ts->tw_head = tw;
        ts->tw_tail = tw;
        return;
    }
    struct tcp_tw **pp = &ts->tw_head;
    while (*pp && !time32_after((*pp)->expire_ms, tw->expire_ms))
        pp = &(*pp)->fnext;
    tw->fnext = *pp;
    *pp = tw;
}

void tcp_time_wait(struct tcp_sock *tp, int substate, uint32_t tmo_ms)
{
    struct berth_stack *st = tcp_st(tp);
    struct tcp_stack *ts = tcp_of(st);
    struct tcp_tw *tw = NULL;
    if (ts->tw_count < (unsigned)ts->max_tw_buckets && tp->eh.kind == TCP_EH_SOCK)
        tw = st_zalloc(st, sizeof(*tw) + (tp->eh.v6 ? 2 * sizeof(tw->addr6[0]) + sizeof(uint32_t)
                                          : bind_node_v6(&tp->inet.bnode) ? sizeof(tw->addr6[0])
                                                                          : 0));
    if (!tw) {
        if (ts->tw_count >= (unsigned)ts->max_tw_buckets)
            SNMP_INC(st, TcpExt, TCPTimeWaitOverflow);
        tcp_done(tp); /* no room: the connection simply ends */
        return;
    }
    uint16_t port = inet_num(&tp->inet);
    tw->eh.kind = TCP_EH_TW;
    tw->eh.raddr = tp->eh.raddr;
    tw->eh.rport = tp->eh.rport;
    tw->eh.v6 = tp->eh.v6;
    uint32_t w = tcp_rcv_space(tp) >> tp->c->rcv_wscale;
    unsigned wlog = 0; /* the largest 2^n - 1 not above w */
    while (wlog < 15 && (2u << wlog) - 1 <= w)
        wlog++;
    tw->eh.tw_sub =
        (uint8_t)((substate == TCPS_FIN_WAIT2 ? TW_FW2 : 0) | (TCP_TS(tp->ts_ok) ? TW_TS : 0) |
                  (tp->conn_bound ? TW_CONN : 0) | (wlog << TW_WLOG_SHIFT));
    const struct bind_node *b = &tp->inet.bnode;
    /* rcv_saddr: the connection's address (LOOPBACK4_IPV6 for IPv6) */
    tw->bnode.addr = tp->eh.v6 ? tp->inet.bnode.addr : tp->inet.saddr;
    if (bind_node_v6(b)) {
        tw->addr6[0] = *bind_node_addr6(b);
        bind_node_set_addr6(&tw->bnode, &tw->addr6[0]);
        if (tp->eh.v6) {
            tw->addr6[1] = inet6_info(&tp->inet)->daddr;
            tw_set_v6_flow(tw, tp);
        }
    }
    tw->bnode.v6only = b->v6only;
    tw->bnode.reuseaddr = b->reuseaddr;
    tw->bnode.reuseport = b->reuseport;
    tw->bnode.timewait = true;
    tw->bnode.uid = b->uid;
    tw->bnode.bound_if = b->bound_if;
    tw->snd_nxt = tp->c->snd_nxt;
    tw->rcv_nxt = tp->c->rcv_nxt;
    tw->ts_recent = tp->c->ts_recent;
    tw->expire_ms = tcp_ts_now(st) + tmo_ms;
    if (!port || bind_add_owner(st, st->tcp_bind, &tw->bnode, port)) {
        st_free(st, tw);
        tcp_done(tp);
        return;
    }
    tcp_done(tp); /* unhashes the socket; the entry takes its place */
    tcp_eh_insert(st, &tw->eh);
    ts->tw_count++;
    fifo_insert(ts, tw);
    arm(st);
}

void tcp_tw_kill(struct berth_stack *st, struct tcp_tw *tw)
{
    if (tw->eh.tw_sub & TW_DEAD)
        return;
    tw->eh.tw_sub |= TW_DEAD;
    tcp_eh_remove(st, &tw->eh);
    bind_put_port(st, st->tcp_bind, &tw->bnode);
    tcp_of(st)->tw_count--;
    SNMP_INC(st, TcpExt, TWKilled);
}

static void reschedule(struct berth_stack *st, struct tcp_tw *tw, uint32_t tmo_ms)
{
    (void)st;
    tw->expire_ms = tcp_ts_now(st) + tmo_ms; /* moved when it reaches the head */
}

static void tw_timer_fire(struct berth_stack *st, struct btimer *t)
{
    (void)t;
    struct tcp_stack *ts = tcp_of(st);
    uint32_t now = tcp_ts_now(st);
    struct tcp_tw *tw;
    while ((tw = ts->tw_head)) {
        bool dead = tw->eh.tw_sub & TW_DEAD;
        if (!dead && time32_after(tw->expire_ms, now)) {
            /* Not due: either the head of the queue in time, or an entry
             * whose expiry was pushed back; put the latter in its place. */
            if (!tw->fnext || !time32_after(tw->expire_ms, tw->fnext->expire_ms))
                break;
            ts->tw_head = tw->fnext;
            fifo_insert(ts, tw);
            continue;
        }
        ts->tw_head = tw->fnext;
        if (!ts->tw_head)
            ts->tw_tail = NULL;
        if (!dead) {
            tcp_eh_remove(st, &tw->eh);
            bind_put_port(st, st->tcp_bind, &tw->bnode);
            ts->tw_count--;
            SNMP_INC(st, TcpExt, TW); /* ended by its timer */
        }
        st_free(st, tw);
    }
    arm(st);
}

void tcp_tw_fini(struct berth_stack *st)
{
    struct tcp_stack *ts = tcp_of(st);
    timer_cancel(st, &ts->tw_timer);
    struct tcp_tw *tw = ts->tw_head;
    while (tw) {
        struct tcp_tw *n = tw->fnext;
        if (!(tw->eh.tw_sub & TW_DEAD)) {
            tcp_eh_remove(st, &tw->eh);
            bind_put_port(st, st->tcp_bind, &tw->bnode);
        }
        st_free(st, tw);
        tw = n;
    }
    ts->tw_head = ts->tw_tail = NULL;
    ts->tw_count = 0;
}

/* tcp_v4_timewait_ack / tcp_v6_timewait_ack. The default TTL or hop
 * limit; a native IPv6 entry's traffic class and flow label
 * (tw_v6_flow); an IPv4 one's TOS 0 (Linux keeps tw_tos; docs/tcp.md). */
void tcp_tw_ack(struct berth_stack *st, struct tcp_tw *tw)
{
    union inet_addr la, ra = tcp_eh_remote(&tw->eh);
    uint16_t lp;
    tcp_eh_local(&tw->eh, &la, &lp);
    struct tcp_out_opts o = {0};
    if (tw->eh.tw_sub & TW_TS) {
        o.ts = true;
        o.tsval = tcp_ts_now(st) + tcp_ts_offset(st, &la, &ra);
        o.tsecr = tw->ts_recent;
    }
    tcp_send_bare(st, &la, &ra, lp, tw->eh.rport, tw->snd_nxt, tw->rcv_nxt, TH_ACK, tw_wnd(tw), &o,
                  tw->eh.v6 ? (uint8_t)(tw_v6_flow(tw) >> 20) : 0, 0,
                  tw->eh.v6 ? tw->bnode.bound_if : 0, /* tw_bound_dev_if */
                  tw->eh.v6 ? tw_v6_flow(tw) & 0xfffffu : 0);
}

static void tw_rst(struct berth_stack *st, struct tcp_tw *tw, const struct tcp_seg *seg)
{
    tcp_send_reset_label(st, seg, tw->eh.v6 ? tw_v6_flow(tw) & 0xfffffu : TCP_LABEL_FLOW);
    tcp_tw_kill(st, tw);
}

/* tcp_timewait_state_process. */
bool tcp_tw_input(struct berth_stack *st, struct tcp_tw *tw, struct tcp_seg *seg, uint32_t *isn)
{
    struct tcp_stack *ts = tcp_of(st);
    bool has_ts = (tw->eh.tw_sub & TW_TS) && seg->has_ts;
    bool paws_reject =
        has_ts && !(seg->flags & TH_RST) && (int32_t)(tw->ts_recent - seg->tsval) > 1;
    uint32_t rcv_nxt = tw->rcv_nxt;
    if (tw->eh.tw_sub & TW_FW2) {
        /* The repeats of tcp_rcv_state_process's checks for FIN_WAIT2. */
        uint32_t wnd = tw_wnd(tw); /* approximate, unscaled */
        bool in_win = !seq_lt(seg->end_seq, rcv_nxt) && !seq_gt(seg->seq, rcv_nxt + wnd);
        if (paws_reject || !in_win) {
            tcp_tw_ack(st, tw);
            return false;
        }
        if (seg->flags & TH_RST) {
            tcp_tw_kill(st, tw);
            return false;
        }
        if ((seg->flags & TH_SYN) && !seq_lt(seg->seq, rcv_nxt)) {
            tw_rst(st, tw, seg);
            return false;
        }
        if (!(seg->flags & TH_ACK) || !seq_gt(seg->end_seq, rcv_nxt) || seg->end_seq == seg->seq)
            return false; /* a duplicate */
        /* New data after our half close, or a FIN that is not alone:
         * reset. */
        if (!(seg->flags & TH_FIN) || seg->end_seq != rcv_nxt + 1) {
            tw_rst(st, tw, seg);
            return false;
        }
        /* The FIN: real TIME_WAIT now. */
        tw->eh.tw_sub &= (uint8_t)~TW_FW2;
        tw->rcv_nxt = seg->end_seq;
        if (has_ts)
            tw->ts_recent = seg->tsval;
        reschedule(st, tw, TCP_TIMEWAIT_LEN_MS);
        tcp_tw_ack(st, tw);
        return false;
    }
    /* Real TIME_WAIT. An in-window segment can only be a RST or a bare
     * ACK. */
    if (!paws_reject && seg->seq == rcv_nxt &&
        (seg->seq == seg->end_seq || (seg->flags & TH_RST))) {
        if (seg->flags & TH_RST) {
            /* TIME_WAIT assassination (RFC 1337): Linux lets the RST kill
             * the entry unless net.ipv4.tcp_rfc1337 is set. */
            if (!ts->rfc1337) {
                tcp_tw_kill(st, tw);
                return false;
            }
        } else {
            reschedule(st, tw, TCP_TIMEWAIT_LEN_MS);
        }
        if (has_ts)
            tw->ts_recent = seg->tsval;
        return false;
    }
    /* A new SYN may reopen the connection when its sequence number (or
     * timestamp) is newer than anything of the old one. */
    if ((seg->flags & (TH_SYN | TH_RST | TH_ACK)) == TH_SYN && !paws_reject &&
        (seq_gt(seg->seq, rcv_nxt) ||
         (seg->has_ts && (tw->eh.tw_sub & TW_TS) && (int32_t)(tw->ts_recent - seg->tsval) < 0))) {
        uint32_t i = tw->snd_nxt + 65535 + 2;
        *isn = i ? i : 1;
        return true;
    }
    if (!(seg->flags & TH_RST)) {
        if (paws_reject || (seg->flags & TH_ACK))
            reschedule(st, tw, TCP_TIMEWAIT_LEN_MS);
        tcp_tw_ack(st, tw);
    }
    return false;
}

void tcp_tw_timer_init(struct berth_stack *st) { timer_init(&tcp_of(st)->tw_timer, tw_timer_fire); }
