/* tcp_timer.c — the timers of a connection, multiplexed on one btimer per
 * socket (three deadlines: retransmission, tail loss probe or window probe,
 * delayed ACK, keepalive or FIN_WAIT_2), and the SYN-ACK timer of a request.
 *
 * Retransmission follows RFC 6298 with Linux's bounds (200 ms .. 120 s,
 * 1 s before the first RTT sample, doubling per timeout) and Linux's
 * give-up rules: tcp_syn_retries (6) for a SYN, tcp_retries2 (15, about 15
 * minutes of back-off) for data, TCP_USER_TIMEOUT when set. */
#include <inttypes.h>
#include <errno.h>

#include "tcp/tcp.h"

static void fire(struct berth_stack *st, struct btimer *t);

void tcp_timer_init(struct tcp_sock *tp)
{
    timer_init(&tp->c->timer, fire);
    for (int i = 0; i < TCP_T_N; i++)
        tp->c->t_when[i] = 0;
}

static void rearm(struct tcp_sock *tp)
{
    uint64_t when = 0;
    for (int i = 0; i < TCP_T_N; i++)
        if (tp->c->t_when[i] && (!when || tp->c->t_when[i] < when))
            when = tp->c->t_when[i];
    struct berth_stack *st = tcp_st(tp);
    if (!when) {
        timer_cancel(st, &tp->c->timer);
        return;
    }
    if (tp->c->timer.armed && tp->c->timer.when == when)
        return;
    timer_arm(st, &tp->c->timer, when);
}

void tcp_timer_set(struct tcp_sock *tp, int which, uint64_t when)
{
    tp->c->t_when[which] = when ? when : 1;
    rearm(tp);
}

void tcp_timer_clear(struct tcp_sock *tp, int which)
{
    if (!tp->c->t_when[which])
        return;
    tp->c->t_when[which] = 0;
    if (which == TCP_T_DELACK)
        tp->c->ack_pending &= (uint8_t)~TCP_ACK_TIMER;
    rearm(tp);
}

void tcp_timer_stop_all(struct tcp_sock *tp)
{
    if (!tcp_has_conn(tp))
        return;
    for (int i = 0; i < TCP_T_N; i++)
        tp->c->t_when[i] = 0;
    tp->c->ack_pending = 0;
    timer_cancel(tcp_st(tp), &tp->c->timer);
}

uint64_t tcp_backed_off_rto(const struct tcp_sock *tp)
{
    uint64_t t = (uint64_t)tp->c->rto_us << (tp->c->backoff < 20 ? tp->c->backoff : 20);
    return t > TCP_RTO_MAX_US ? TCP_RTO_MAX_US : t;
}

void tcp_rearm_rto(struct tcp_sock *tp)
{
    tp->c->rtx_kind = TCP_RTX_RETRANS;
    tcp_timer_set(tp, TCP_T_RTX, st_now(tcp_st(tp)) + tcp_backed_off_rto(tp));
}

void tcp_schedule_ack(struct tcp_sock *tp)
{
    if (tp->c->ack_pending & TCP_ACK_TIMER)
        return;
    tp->c->ack_pending |= TCP_ACK_TIMER;
    /* Linux's tcp_send_delayed_ack: the timer runs out after ato, which is
     * 0 until data has arrived (icsk_ack.ato starts at 0 and is set by
     * tcp_event_data_recv): a FIN on a connection that received no data
     * is acknowledged at the next jiffy, not 40 ms later. packetdrill's
     * close-remote-fin-then-close expects it. berth takes 1 ms for that
     * jiffy (CONFIG_HZ=1000; up to a jiffy on slower ticks): the ACK is not
     * out before the call that scheduled it returns, so a peer does not
     * see it yet (a FIN_WAIT1 stays FIN_WAIT1 for a moment, as on Linux). */
    tcp_timer_set(tp, TCP_T_DELACK,
                  st_now(tcp_st(tp)) + (tp->c->ato_us ? tp->c->ato_us : TCP_DELACK_NEXT_US));
}

static int keepidle(const struct tcp_sock *tp) { return tcp_keepidle(tp); }

void tcp_reset_keepalive(struct tcp_sock *tp)
{
    if (!tp->inet.sk.keepalive ||
        !(TCPF(tcp_state(tp)) &
          (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_CLOSE_WAIT) | TCPF(TCPS_FIN_WAIT1) |
           TCPF(TCPS_FIN_WAIT2) | TCPF(TCPS_CLOSING) | TCPF(TCPS_LAST_ACK)))) {
        if (!(tp->orphan && tcp_state(tp) == TCPS_FIN_WAIT2))
            tcp_timer_clear(tp, TCP_T_KEEP);
        return;
    }
    tcp_timer_set(tp, TCP_T_KEEP, st_now(tcp_st(tp)) + (uint64_t)keepidle(tp) * 1000000u);
}

/* tcp_model_timeout: how long Linux keeps retransmitting for `boundary`
 * retries starting from rto_base, with back-off capped at TCP_RTO_MAX. */
static uint64_t model_timeout(unsigned boundary, uint64_t rto_base)
{
    unsigned thresh = 0;
    while ((rto_base << (thresh + 1)) <= TCP_RTO_MAX_US)
        thresh++; /* ilog2(TCP_RTO_MAX / rto_base) */
    if (boundary <= thresh)
        return ((2ull << boundary) - 1) * rto_base;
    return ((2ull << thresh) - 1) * rto_base + (uint64_t)(boundary - thresh) * TCP_RTO_MAX_US;
}

static int orphan_retries(const struct tcp_sock *tp)
{
    int r = tcp_of(tcp_st(tp))->orphan_retries;
    return r ? r : TCP_ORPHAN_RETRIES;
}

/* tcp_write_timeout: true when the connection was given up. */
static bool write_timeout(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    uint64_t now = st_now(st);
    int state = tcp_state(tp);
    if (state == TCPS_SYN_SENT || state == TCPS_SYN_RECV) {
        int until = tp->syncnt ? tp->syncnt : tcp_of(st)->syn_retries;
        if (tp->c->retransmits >= until) {
            tcp_abort(tp, ETIMEDOUT);
            return true;
        }
        return false;
    }
    if (tp->user_timeout && tp->c->retrans_stamp &&
        now - tp->c->retrans_stamp >= (uint64_t)tp->user_timeout * 1000u) {
        SNMP_INC(st, TcpExt, TCPAbortOnTimeout);
        tcp_abort(tp, ETIMEDOUT);
        return true;
    }
    int retries = tp->orphan ? orphan_retries(tp) : tcp_of(st)->retries2;
    if (!tp->user_timeout && tp->c->retrans_stamp &&
        now - tp->c->retrans_stamp >= model_timeout((unsigned)retries, TCP_RTO_MIN_US)) {
        SNMP_INC(st, TcpExt, TCPAbortOnTimeout);
        if (tp->orphan)
            tcp_send_active_rst(tp);
        tcp_abort(tp, ETIMEDOUT);
        return true;
    }
    return false;
}

/* tcp_retransmit_timer: the peer acknowledged nothing for an RTO. */
static void retransmit_timer(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    if (tp->c->snd_una == tp->c->snd_max) {
        /* Nothing in flight: a send that the interface refused. */
        bool pending = seq_lt(tp->c->snd_nxt, tp->c->write_seq) ||
                       (tp->fin_queued && seq_leq(tp->c->snd_nxt, tp->c->write_seq));
        if (pending) {
            tcp_push(tp, false);
            if (tp->c->snd_una == tp->c->snd_max && !tp->c->t_when[TCP_T_RTX]) {
                if (tp->c->backoff < 20)
                    tp->c->backoff++;
                tcp_rearm_rto(tp);
            }
        }
        return;
    }
    int state = tcp_state(tp);
    /* Linux's tcp_retransmit_timer ends a loss probe episode. */
    tp->tlp_out = false;
    if (!tp->c->retrans_stamp)
        tp->c->retrans_stamp = st_now(st);
    if (write_timeout(tp))
        return;
    /* tcp_write_timeout -> sk_rethink_txhash: another hash, another flow
     * label, perhaps another path. */
    if (tp->c->txhash) {
        tp->c->timeout_rehash++;
        tp->c->txhash = tcp_txhash(st, tp->c->txhash, tp->c->timeout_rehash);
    }
    if (state == TCPS_SYN_SENT || state == TCPS_SYN_RECV) {
        SNMP_INC(st, TcpExt, TCPTimeouts);
        tcp_send_syn(tp);
        tp->c->retransmits++;
        tp->c->backoff++;
        tp->rtt_timing = false;
        tcp_rearm_rto(tp);
        return;
    }
    /* tcp_enter_loss: one segment of window, slow start from the head
     * again; ssthresh shrinks once per loss episode. */
    SNMP_INC(st, TcpExt, TCPTimeouts);
    TRACE(st,
          "tcp %u: RTO, una %" PRIu32 " nxt %" PRIu32 " max %" PRIu32 " cwnd %" PRIu32
          " backoff %u",
          inet_num(&tp->inet), tp->c->snd_una, tp->c->snd_nxt, tp->c->snd_max, tp->c->cwnd,
          tp->c->backoff);
    if (tp->c->ca_state != TCPCA_LOSS || !tp->c->retransmits) {
        if (tp->c->ca_state != TCPCA_LOSS)
            tp->c->ssthresh = tp->cc->ssthresh(tp);
        if (tp->cc->event)
            tp->cc->event(tp, CA_EVENT_LOSS);
    }
    tp->c->cwnd = 1;
    tp->c->cwnd_cnt = 0;
    tp->c->ca_state = TCPCA_LOSS;
    tp->c->high_seq = tp->c->snd_max;
    tp->c->dupacks = 0;
    tp->rtt_timing = false;
    tp->c->snd_nxt = tp->c->snd_una;
    tp->c->snd_hint = NULL;
    tp->c->high_rxt = tp->c->snd_una;
    uint32_t n = tcp_retransmit_head(tp);
    tp->c->snd_nxt = tp->c->snd_una + n;
    if (seq_gt(tp->c->snd_nxt, tp->c->snd_max))
        tp->c->snd_max = tp->c->snd_nxt;
    TCP_CHECK_SND(tp->c);
    tp->c->backoff++;
    tp->c->retransmits++;
    tcp_rearm_rto(tp);
}

/* tcp_probe_timer: the peer's window is closed and nothing is in flight. */
static void probe_timer(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    bool pending = seq_lt(tp->c->snd_nxt, tp->c->write_seq) ||
                   (tp->fin_queued && seq_leq(tp->c->snd_nxt, tp->c->write_seq));
    if (tp->c->snd_una != tp->c->snd_max || !pending) {
        tp->c->probes_out = 0;
        tp->c->backoff = 0;
        return;
    }
    if (tcp_send_headroom(tp)) {
        tp->c->backoff = 0;
        /* Linux's tcp_write_wakeup sends the held data with PSH, MSG_MORE
         * or not. */
        tp->more_tail = false;
        tcp_push(tp, false);
        return;
    }
    int max_probes = tp->orphan ? orphan_retries(tp) : tcp_of(st)->retries2;
    if (tp->c->probes_out >= max_probes) {
        tcp_abort(tp, ETIMEDOUT);
        return;
    }
    tcp_send_probe(tp);
    tp->c->probes_out++;
    if (tp->c->backoff < 20)
        tp->c->backoff++;
    tp->c->rtx_kind = TCP_RTX_PROBE;
    tcp_timer_set(tp, TCP_T_RTX, st_now(st) + tcp_backed_off_rto(tp));
}

static void keepalive_timer(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    uint64_t now = st_now(st);
    int state = tcp_state(tp);
    if (tp->orphan && state == TCPS_FIN_WAIT2) {
        /* TCP_LINGER2 above 60 s: the first part ran here; TIME_WAIT
         * keeps the rest (tcp_keepalive_timer). */
        tcp_time_wait(tp, TCPS_FIN_WAIT2, TCP_TIMEWAIT_LEN_MS);
        return;
    }
    if (!tp->inet.sk.keepalive || state == TCPS_CLOSE || state == TCPS_LISTEN ||
        state == TCPS_SYN_SENT || state == TCPS_SYN_RECV)
        return;
    uint64_t idle = (uint64_t)tcp_keepidle(tp) * 1000000u;
    uint64_t intvl = (uint64_t)tcp_keepintvl(tp) * 1000000u;
    uint64_t last = tp->c->rcv_tstamp > tp->c->lrcvtime ? tp->c->rcv_tstamp : tp->c->lrcvtime;
    uint64_t elapsed = now - last;
    bool pending = tp->c->snd_una != tp->c->snd_max || seq_lt(tp->c->snd_nxt, tp->c->write_seq);
    uint64_t next;
    if (pending) {
        next = idle; /* data in flight: the retransmission timer watches */
    } else if (elapsed >= idle) {
        if ((tp->user_timeout && elapsed >= (uint64_t)tp->user_timeout * 1000u &&
             tp->c->probes_out) ||
            (!tp->user_timeout && tp->c->probes_out >= tcp_keepcnt(tp))) {
            tcp_send_active_rst(tp);
            tcp_abort(tp, ETIMEDOUT);
            return;
        }
        tcp_send_probe(tp);
        tp->c->probes_out++;
        next = intvl;
    } else {
        next = idle - elapsed;
    }
    tcp_timer_set(tp, TCP_T_KEEP, now + next);
}

static void fire(struct berth_stack *st, struct btimer *t)
{
    struct tcp_sock *tp = ((struct tcp_conn *)((char *)t - offsetof(struct tcp_conn, timer)))->tp;
    struct bsock *so = tcp_bs(tp);
    uint64_t now = st_now(st);
    sock_hold(so);
    if (tp->c->t_when[TCP_T_DELACK] && tp->c->t_when[TCP_T_DELACK] <= now) {
        tp->c->t_when[TCP_T_DELACK] = 0;
        tp->c->ack_pending &= (uint8_t)~TCP_ACK_TIMER;
        if (tp->c->ack_pending & TCP_ACK_SCHED) {
            /* tcp_delack_timer_handler: a delayed ACK that had to leave on
             * its own ends pingpong mode. */
            tp->c->pingpong = 0;
            SNMP_INC(st, TcpExt, DelayedACKs);
            tcp_send_ack(tp);
        }
    }
    if (tcp_state(tp) != TCPS_CLOSE && tp->c->t_when[TCP_T_RTX] &&
        tp->c->t_when[TCP_T_RTX] <= now) {
        tp->c->t_when[TCP_T_RTX] = 0;
        if (tp->c->rtx_kind == TCP_RTX_PROBE)
            probe_timer(tp);
        else if (TCP_TLP(tp->c->rtx_kind == TCP_RTX_TLP))
            tcp_send_loss_probe(tp);
        else
            retransmit_timer(tp);
    }
    if (tcp_state(tp) != TCPS_CLOSE && tp->c->t_when[TCP_T_KEEP] &&
        tp->c->t_when[TCP_T_KEEP] <= now) {
        tp->c->t_when[TCP_T_KEEP] = 0;
        keepalive_timer(tp);
    }
    if (tcp_state(tp) != TCPS_CLOSE)
        rearm(tp);
    sock_put(so);
}

/* reqsk_timer_handler: SYN-ACK retransmission, tcp_synack_retries times. */
void tcp_req_timer_fire(struct berth_stack *st, struct btimer *t)
{
    struct tcp_req *req = (struct tcp_req *)((char *)t - offsetof(struct tcp_req, timer));
    if (req->retrans >= tcp_of(st)->synack_retries) {
        tcp_req_drop(st, req);
        return;
    }
    req->retrans++;
    SNMP_INC(st, TcpExt, TCPSynRetrans);
    req->txhash = tcp_txhash(st, req->txhash, req->retrans); /* tcp_rtx_synack */
    tcp_send_synack(st, req);
    uint64_t tmo = (uint64_t)TCP_TIMEOUT_INIT_US << req->retrans;
    if (tmo > TCP_RTO_MAX_US)
        tmo = TCP_RTO_MAX_US;
    timer_arm(st, &req->timer, st_now(st) + tmo);
}
