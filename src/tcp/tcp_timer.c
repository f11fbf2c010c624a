/* tcp_timer.c — the timers of a connection, multiplexed on one btimer per
 * socket (three deadlines: retransmission, tail loss probe or window probe,
 * delayed ACK, keepalive or FIN_WAIT_2), and the SYN-ACK timer of a request.
 *
 * Retransmission follows RFC 6298 with Linux's bounds (200 ms .. 120 s,
 * 1 s before the first RTT sample, doubling per timeout) and Linux's
 * give-up rules: tcp_syn_retries (6) for a SYN, tcp_retries2 (15, about 15
 * minutes of back-off) for data, TCP_USER_TIMEOUT when set. */
#include <errno.h>

#include "tcp/tcp.h"

static void fire(struct berth_stack *st, struct btimer *t);

void tcp_timer_init(struct tcp_sock *tp)
{
    timer_init(&tp->timer, fire);
    for (int i = 0; i < TCP_T_N; i++)
        tp->t_when[i] = 0;
}

static void rearm(struct tcp_sock *tp)
{
    uint64_t when = 0;
    for (int i = 0; i < TCP_T_N; i++)
        if (tp->t_when[i] && (!when || tp->t_when[i] < when))
            when = tp->t_when[i];
    struct berth_stack *st = tcp_st(tp);
    if (!when) {
        timer_cancel(st, &tp->timer);
        return;
    }
    if (tp->timer.armed && tp->timer.when == when)
        return;
    timer_arm(st, &tp->timer, when);
}

void tcp_timer_set(struct tcp_sock *tp, int which, uint64_t when)
{
    tp->t_when[which] = when ? when : 1;
    rearm(tp);
}

void tcp_timer_clear(struct tcp_sock *tp, int which)
{
    if (!tp->t_when[which])
        return;
    tp->t_when[which] = 0;
    if (which == TCP_T_DELACK)
        tp->ack_pending &= (uint8_t)~TCP_ACK_TIMER;
    rearm(tp);
}

void tcp_timer_stop_all(struct tcp_sock *tp)
{
    for (int i = 0; i < TCP_T_N; i++)
        tp->t_when[i] = 0;
    tp->ack_pending = 0;
    timer_cancel(tcp_st(tp), &tp->timer);
}

uint64_t tcp_backed_off_rto(const struct tcp_sock *tp)
{
    uint64_t t = (uint64_t)tp->rto_us << (tp->backoff < 20 ? tp->backoff : 20);
    return t > TCP_RTO_MAX_US ? TCP_RTO_MAX_US : t;
}

void tcp_rearm_rto(struct tcp_sock *tp)
{
    tp->rtx_kind = TCP_RTX_RETRANS;
    tcp_timer_set(tp, TCP_T_RTX, st_now(tcp_st(tp)) + tcp_backed_off_rto(tp));
}

void tcp_schedule_ack(struct tcp_sock *tp)
{
    if (tp->ack_pending & TCP_ACK_TIMER)
        return;
    tp->ack_pending |= TCP_ACK_TIMER;
    /* Linux's tcp_send_delayed_ack: the timer runs out after ato, which is
     * 0 until data has arrived (icsk_ack.ato starts at 0 and is set by
     * tcp_event_data_recv): a FIN on a connection that received no data
     * is acknowledged on the next timer run (Linux: the next jiffy), not
     * 40 ms later. packetdrill's close-remote-fin-then-close expects it. */
    tcp_timer_set(tp, TCP_T_DELACK, st_now(tcp_st(tp)) + tp->ato_us);
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
        if (tp->retransmits >= until) {
            tcp_abort(tp, ETIMEDOUT);
            return true;
        }
        return false;
    }
    if (tp->user_timeout && tp->retrans_stamp &&
        now - tp->retrans_stamp >= (uint64_t)tp->user_timeout * 1000u) {
        SNMP_INC(st, TcpExt, TCPAbortOnTimeout);
        tcp_abort(tp, ETIMEDOUT);
        return true;
    }
    int retries = tp->orphan ? orphan_retries(tp) : tcp_of(st)->retries2;
    if (!tp->user_timeout && tp->retrans_stamp &&
        now - tp->retrans_stamp >= model_timeout((unsigned)retries, TCP_RTO_MIN_US)) {
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
    if (tp->snd_una == tp->snd_max) {
        /* Nothing in flight: a send that the interface refused. */
        bool pending = seq_lt(tp->snd_nxt, tp->write_seq) ||
                       (tp->fin_queued && seq_leq(tp->snd_nxt, tp->write_seq));
        if (pending) {
            tcp_push(tp, false);
            if (tp->snd_una == tp->snd_max && !tp->t_when[TCP_T_RTX]) {
                if (tp->backoff < 20)
                    tp->backoff++;
                tcp_rearm_rto(tp);
            }
        }
        return;
    }
    int state = tcp_state(tp);
    /* Linux's tcp_retransmit_timer ends a loss probe episode. */
    tp->tlp_out = false;
    if (!tp->retrans_stamp)
        tp->retrans_stamp = st_now(st);
    if (write_timeout(tp))
        return;
    if (state == TCPS_SYN_SENT || state == TCPS_SYN_RECV) {
        SNMP_INC(st, TcpExt, TCPTimeouts);
        tcp_send_syn(tp);
        tp->retransmits++;
        tp->backoff++;
        tp->rtt_timing = false;
        tcp_rearm_rto(tp);
        return;
    }
    /* tcp_enter_loss: one segment of window, slow start from the head
     * again; ssthresh shrinks once per loss episode. */
    SNMP_INC(st, TcpExt, TCPTimeouts);
    TRACE(st, "tcp %u: RTO, una %u nxt %u max %u cwnd %u backoff %u", inet_num(&tp->inet),
          tp->snd_una, tp->snd_nxt, tp->snd_max, tp->cwnd, tp->backoff);
    if (tp->ca_state != TCPCA_LOSS || !tp->retransmits) {
        if (tp->ca_state != TCPCA_LOSS)
            tp->ssthresh = tp->cc->ssthresh(tp);
        if (tp->cc->event)
            tp->cc->event(tp, CA_EVENT_LOSS);
    }
    tp->cwnd = 1;
    tp->cwnd_cnt = 0;
    tp->ca_state = TCPCA_LOSS;
    tp->high_seq = tp->snd_max;
    tp->dupacks = 0;
    tp->rtt_timing = false;
    tp->snd_nxt = tp->snd_una;
    tp->snd_hint = NULL;
    tp->high_rxt = tp->snd_una;
    uint32_t n = tcp_retransmit_head(tp);
    tp->snd_nxt = tp->snd_una + n;
    if (seq_gt(tp->snd_nxt, tp->snd_max))
        tp->snd_max = tp->snd_nxt;
    tp->backoff++;
    tp->retransmits++;
    tcp_rearm_rto(tp);
}

/* tcp_probe_timer: the peer's window is closed and nothing is in flight. */
static void probe_timer(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    bool pending = seq_lt(tp->snd_nxt, tp->write_seq) ||
                   (tp->fin_queued && seq_leq(tp->snd_nxt, tp->write_seq));
    if (tp->snd_una != tp->snd_max || !pending) {
        tp->probes_out = 0;
        tp->backoff = 0;
        return;
    }
    if (tcp_send_headroom(tp)) {
        tp->backoff = 0;
        /* Linux's tcp_write_wakeup sends the held data with PSH, MSG_MORE
         * or not. */
        tp->more_tail = false;
        tcp_push(tp, false);
        return;
    }
    int max_probes = tp->orphan ? orphan_retries(tp) : tcp_of(st)->retries2;
    if (tp->probes_out >= max_probes) {
        tcp_abort(tp, ETIMEDOUT);
        return;
    }
    tcp_send_probe(tp);
    tp->probes_out++;
    if (tp->backoff < 20)
        tp->backoff++;
    tp->rtx_kind = TCP_RTX_PROBE;
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
    uint64_t last = tp->rcv_tstamp > tp->lrcvtime ? tp->rcv_tstamp : tp->lrcvtime;
    uint64_t elapsed = now - last;
    bool pending = tp->snd_una != tp->snd_max || seq_lt(tp->snd_nxt, tp->write_seq);
    uint64_t next;
    if (pending) {
        next = idle; /* data in flight: the retransmission timer watches */
    } else if (elapsed >= idle) {
        if ((tp->user_timeout && elapsed >= (uint64_t)tp->user_timeout * 1000u && tp->probes_out) ||
            (!tp->user_timeout && tp->probes_out >= tcp_keepcnt(tp))) {
            tcp_send_active_rst(tp);
            tcp_abort(tp, ETIMEDOUT);
            return;
        }
        tcp_send_probe(tp);
        tp->probes_out++;
        next = intvl;
    } else {
        next = idle - elapsed;
    }
    tcp_timer_set(tp, TCP_T_KEEP, now + next);
}

static void fire(struct berth_stack *st, struct btimer *t)
{
    struct tcp_sock *tp = (struct tcp_sock *)((char *)t - offsetof(struct tcp_sock, timer));
    struct bsock *so = tcp_bs(tp);
    uint64_t now = st_now(st);
    sock_hold(so);
    if (tp->t_when[TCP_T_DELACK] && tp->t_when[TCP_T_DELACK] <= now) {
        tp->t_when[TCP_T_DELACK] = 0;
        tp->ack_pending &= (uint8_t)~TCP_ACK_TIMER;
        if (tp->ack_pending & TCP_ACK_SCHED) {
            SNMP_INC(st, TcpExt, DelayedACKs);
            tcp_send_ack(tp);
        }
    }
    if (tcp_state(tp) != TCPS_CLOSE && tp->t_when[TCP_T_RTX] && tp->t_when[TCP_T_RTX] <= now) {
        tp->t_when[TCP_T_RTX] = 0;
        if (tp->rtx_kind == TCP_RTX_PROBE)
            probe_timer(tp);
        else if (tp->rtx_kind == TCP_RTX_TLP)
            tcp_send_loss_probe(tp);
        else
            retransmit_timer(tp);
    }
    if (tcp_state(tp) != TCPS_CLOSE && tp->t_when[TCP_T_KEEP] && tp->t_when[TCP_T_KEEP] <= now) {
        tp->t_when[TCP_T_KEEP] = 0;
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
    tcp_send_synack(st, req);
    uint64_t tmo = (uint64_t)TCP_TIMEOUT_INIT_US << req->retrans;
    if (tmo > TCP_RTO_MAX_US)
        tmo = TCP_RTO_MAX_US;
    timer_arm(st, &req->timer, st_now(st) + tmo);
}
