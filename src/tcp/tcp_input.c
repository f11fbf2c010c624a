/* tcp_input.c — segment arrival (RFC 9293 3.10.7, with Linux's choices):
 * validation, demux (established table, then listeners), the handshake on
 * both sides, RFC 5961 protections, acknowledgement processing with RTT
 * estimation and loss recovery (NewReno, SACK), reassembly and FIN. */
#include <inttypes.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ip/ip4.h"
#if BERTH_WITH_IPV6
#include "ip/ip6.h"
#endif
#include "ip/ip_proto.h"
#include "ip/ip_route.h"
#include "tcp/tcp.h"

#define OOQ_MAX_CHUNKS 4096
#define PAWS_24DAYS (24u * 24 * 3600)

/* ---- parsing ---- */

bool tcp_parse_options(const uint8_t *opt, unsigned len, bool syn, struct tcp_seg *seg)
{
    unsigned i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            break;
        uint8_t olen = opt[i + 1];
        if (olen < 2 || i + olen > len)
            break; /* "silly options": stop parsing, as Linux */
        const uint8_t *v = opt + i + 2;
        switch (kind) {
        case TCPOPT_MSS:
            if (olen == 4 && syn) {
                uint16_t m = (uint16_t)((v[0] << 8) | v[1]);
                if (m) {
                    seg->has_mss = true;
                    seg->mss = m;
                }
            }
            break;
        case TCPOPT_WS:
            if (olen == 3 && syn) {
                seg->has_ws = true;
                seg->ws = v[0] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : v[0];
            }
            break;
        case TCPOPT_SACK_PERM:
            if (olen == 2 && syn)
                seg->sack_ok = true;
            break;
        case TCPOPT_TS:
            if (olen == 10) {
                seg->has_ts = true;
                seg->tsval =
                    ((uint32_t)v[0] << 24) | ((uint32_t)v[1] << 16) | ((uint32_t)v[2] << 8) | v[3];
                seg->tsecr =
                    ((uint32_t)v[4] << 24) | ((uint32_t)v[5] << 16) | ((uint32_t)v[6] << 8) | v[7];
            }
            break;
        case TCPOPT_SACK:
            if (olen >= 10 && (olen - 2) % 8 == 0 && !syn) {
                unsigned n = (olen - 2u) / 8u;
                for (unsigned b = 0; b < n && seg->nsack < 4; b++) {
                    const uint8_t *q = v + 8 * b;
                    seg->sack[seg->nsack][0] = ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) |
                                               ((uint32_t)q[2] << 8) | q[3];
                    seg->sack[seg->nsack][1] = ((uint32_t)q[4] << 24) | ((uint32_t)q[5] << 16) |
                                               ((uint32_t)q[6] << 8) | q[7];
                    seg->nsack++;
                }
            }
            break;
        case TCPOPT_FASTOPEN:
        case TCPOPT_EXP: {
            /* tcp_parse_fastopen_option: in a SYN only, an even cookie
             * length of 0 or 4..16; the experimental form after its magic.
             * Only Fast Open's client reads it. */
            if (!BERTH_WITH_FASTOPEN)
                break;
            unsigned clen = olen - 2u;
            if (kind == TCPOPT_EXP) {
                if (olen < 4 || ((v[0] << 8) | v[1]) != TCPOPT_FASTOPEN_MAGIC)
                    break;
                clen -= 2;
            }
            if (syn && !(clen & 1) && (clen == 0 || (clen >= 4 && clen <= 16)))
                seg->has_fo = true;
            break;
        }
        default:
            break;
        }
        i += olen;
    }
    return true;
}

/* ---- state ---- */

void tcp_set_state(struct tcp_sock *tp, int state)
{
    struct berth_stack *st = tcp_st(tp);
    int old = tcp_state(tp);
    /* Linux's tcp_set_state: CurrEstab counts ESTABLISHED and CLOSE_WAIT;
     * leaving them for CLOSE is an EstabReset. */
    bool was_est = old == TCPS_ESTABLISHED || old == TCPS_CLOSE_WAIT;
    bool is_est = state == TCPS_ESTABLISHED || state == TCPS_CLOSE_WAIT;
    if (is_est && !was_est)
        SNMP_INC(st, Tcp, CurrEstab);
    else if (was_est && !is_est)
        SNMP_ADD(st, Tcp, CurrEstab, -1);
    if (state == TCPS_CLOSE && was_est)
        SNMP_INC(st, Tcp, EstabResets);
    if (state == TCPS_CLOSE && old != TCPS_CLOSE) {
        if (old == TCPS_SYN_SENT || old == TCPS_SYN_RECV)
            SNMP_INC(st, Tcp, AttemptFails);
        if (tp->eh.kind == TCP_EH_SOCK) {
            tcp_eh_remove(st, &tp->eh);
            memset(&tp->eh, 0, sizeof(tp->eh));
        }
        /* tcp_set_state(TCP_CLOSE): an automatic port goes back;
         * getsockname() goes on reporting it (inet_sport stays). */
        if (!tp->inet.bindport_lock) {
            if (inet_num(&tp->inet))
                tp->old_sport = inet_num(&tp->inet);
            inet_unhash(&tp->inet);
        }
    }
    tp->inet.state = (uint8_t)state;
}

static void orphan_finish(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    tcp_bufq_purge(st, &tp->c->sndq);
    tcp_bufq_purge(st, &tp->c->rcvq);
    tcp_bufq_purge(st, &tp->c->ooq);
    tp->c->snd_hint = NULL;
    inet_unhash(&tp->inet);
    tp->orphan = false;
    tcp_of(st)->orphans--;
    sock_put(tcp_bs(tp));
}

void tcp_done(struct tcp_sock *tp)
{
    tcp_set_state(tp, TCPS_CLOSE);
    tcp_timer_stop_all(tp);
    tp->inet.sk.shut = RCV_SHUTDOWN | SEND_SHUTDOWN;
    tcp_wake(tp);
    if (tp->orphan)
        orphan_finish(tp);
}

void tcp_abort(struct tcp_sock *tp, int err)
{
    tp->inet.sk.so_error = (int16_t)err;
    tcp_done(tp);
}

/* tcp_reset: the peer reset the connection. */
static void tcp_reset(struct tcp_sock *tp)
{
    int err;
    switch (tcp_state(tp)) {
    case TCPS_SYN_SENT:
        err = ECONNREFUSED;
        break;
    case TCPS_CLOSE_WAIT:
        err = EPIPE;
        break;
    case TCPS_CLOSE:
        return;
    default:
        err = ECONNRESET;
    }
    tcp_abort(tp, err);
}

/* ---- RTT and RTO (RFC 6298, Linux's tcp_rtt_estimator) ---- */

void tcp_update_rto(struct tcp_sock *tp)
{
    uint64_t rto = (tp->c->srtt_us >> 3) + tp->c->rttvar_us;
    if (rto > TCP_RTO_MAX_US)
        rto = TCP_RTO_MAX_US;
    tp->c->rto_us = (uint32_t)rto;
}

static void rtt_sample(struct tcp_sock *tp, uint32_t m)
{
    if (!m)
        m = 1;
    if (!tp->c->min_rtt_us || m < tp->c->min_rtt_us)
        tp->c->min_rtt_us = m;
    if (tp->c->srtt_us) {
        int32_t d = (int32_t)m - (int32_t)(tp->c->srtt_us >> 3);
        tp->c->srtt_us += (uint32_t)d; /* srtt += (m - srtt) / 8, srtt kept x8 */
        if (d < 0)
            d = -d;
        d -= (int32_t)(tp->c->mdev_us >> 2);
        tp->c->mdev_us += (uint32_t)d; /* mdev += (|err| - mdev) / 4, kept x4 */
        if (tp->c->mdev_us > tp->c->mdev_max_us) {
            tp->c->mdev_max_us = tp->c->mdev_us;
            if (tp->c->mdev_max_us > tp->c->rttvar_us)
                tp->c->rttvar_us = tp->c->mdev_max_us;
        }
        if (seq_gt(tp->c->snd_una, tp->c->rtt_seq)) {
            if (tp->c->mdev_max_us < tp->c->rttvar_us)
                tp->c->rttvar_us -= (tp->c->rttvar_us - tp->c->mdev_max_us) >> 2;
            tp->c->rtt_seq = tp->c->snd_nxt;
            tp->c->mdev_max_us = TCP_RTO_MIN_US;
        }
    } else {
        tp->c->srtt_us = m << 3;
        tp->c->mdev_us = m << 1; /* rttvar = m / 2, x4 */
        tp->c->mdev_max_us = tp->c->mdev_us > TCP_RTO_MIN_US ? tp->c->mdev_us : TCP_RTO_MIN_US;
        tp->c->rttvar_us = tp->c->mdev_max_us;
        tp->c->rtt_seq = tp->c->snd_nxt;
    }
    tcp_update_rto(tp);
    if (tp->cc->rtt_sample)
        tp->cc->rtt_sample(tp, m);
}

/* ---- out-of-window replies ---- */

static bool oow_rate_limited(struct tcp_sock *tp)
{
    uint64_t now = st_now(tcp_st(tp));
    if (tp->c->last_oow_ack && now - tp->c->last_oow_ack < 500000)
        return true; /* net.ipv4.tcp_invalid_ratelimit: 500 ms */
    tp->c->last_oow_ack = now;
    return false;
}

bool tcp_challenge_ack_allowed(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    struct tcp_stack *ts = tcp_of(st);
    if (oow_rate_limited(tp))
        return false;
    /* The stack-wide limit (net.ipv4.tcp_challenge_ack_limit). */
    uint64_t sec = berth_div64(st_now(st), 1000000);
    if (sec != ts->chal_stamp) {
        ts->chal_stamp = sec;
        ts->chal_count = 0;
    }
    if (ts->chal_count >= (uint32_t)ts->challenge_ack_limit)
        return false;
    ts->chal_count++;
    return true;
}

static void send_challenge_ack(struct tcp_sock *tp)
{
    if (!tcp_challenge_ack_allowed(tp))
        return;
    SNMP_INC(tcp_st(tp), TcpExt, TCPChallengeACK);
    tcp_send_ack(tp);
}

/* tcp_send_dupack under tcp_oow_rate_limited: only segments without data
 * (possible ACK loops) are limited; data (a window probe) is always
 * answered. */
static void send_dupack(struct tcp_sock *tp, const struct tcp_seg *seg)
{
    if (seg->len || !oow_rate_limited(tp))
        tcp_send_ack(tp);
}

/* ---- establishing ---- */

static void init_transfer(struct tcp_sock *tp)
{
    tp->c->cwnd = TCP_INIT_CWND;
    tp->c->ssthresh = 0x7fffffff;
    tp->c->cwnd_cnt = 0;
    tp->c->ca_state = TCPCA_OPEN;
    tp->cc->init(tp);
    tp->c->rcv_tstamp = tp->c->lrcvtime = st_now(tcp_st(tp));
    uint32_t space = 10u * tp->c->advmss;
    tp->c->rcvq_space = tp->c->rcv_wnd < space ? tp->c->rcv_wnd : space;
    tp->c->rcvq_space_seq = tp->c->copied_seq;
    tp->c->rcvq_space_time = tp->c->rcv_tstamp;
    uint32_t q = tp->c->rcv_wnd / (2u * (tp->c->rcv_mss ? tp->c->rcv_mss : TCP_MSS_DEFAULT));
    tp->c->quick = (uint8_t)(q > TCP_MAX_QUICKACKS ? TCP_MAX_QUICKACKS : (q ? q : 2));
    tcp_reset_keepalive(tp);
}

static void set_established(struct tcp_sock *tp)
{
    tcp_set_state(tp, TCPS_ESTABLISHED);
    init_transfer(tp);
    tcp_wake(tp);
}

/* SYN_SENT (tcp_rcv_synsent_state_process). */
/* tcp_v6_send_reset with the connection's socket: its txhash's label
 * (sent through the control socket, so whatever the socket's
 * IPV6_AUTOFLOWLABEL). */
static void reset_from(struct tcp_sock *tp, const struct tcp_seg *seg)
{
#if BERTH_WITH_IPV6
    if (tcp_is_v6(tp)) {
        tcp_send_reset_label(tcp_st(tp), seg, ip6_txhash_label(tp->c->txhash));
        return;
    }
#endif
    tcp_send_reset(tcp_st(tp), seg);
}

static void rcv_synsent(struct tcp_sock *tp, struct tcp_seg *seg)
{
    struct berth_stack *st = tcp_st(tp);
    struct tcp_stack *ts = tcp_of(st);
    if (seg->flags & TH_ACK) {
        if (seq_leq(seg->ack, tp->c->iss) || seq_gt(seg->ack, tp->c->snd_max)) {
            reset_from(tp, seg);
            return;
        }
        if (seg->flags & TH_RST) {
            tcp_reset(tp);
            return;
        }
        if (!(seg->flags & TH_SYN))
            return;
        /* SYN-ACK */
        tcp_fastopen_synack(tp, seg);
        tp->ts_ok = seg->has_ts && TCP_TS(ts->timestamps);
        if (TCP_TS(tp->ts_ok)) {
            tp->c->ts_recent = seg->tsval;
            tp->c->ts_recent_stamp = (uint32_t)berth_div64(st_now(st), 1000000);
        }
        tp->sack_ok = seg->sack_ok && TCP_SACK(ts->sack);
        tp->wscale_ok = seg->has_ws && TCP_WS(ts->window_scaling);
        if (TCP_WS(tp->wscale_ok)) {
            tp->c->snd_wscale = seg->ws;
        } else {
            tp->c->snd_wscale = 0;
            tp->c->rcv_wscale = 0;
        }
        tp->c->mss_clamp = seg->has_mss ? seg->mss : TCP_MSS_DEFAULT;
        if (tp->user_mss && tp->c->mss_clamp > tp->user_mss)
            tp->c->mss_clamp = (uint16_t)tp->user_mss;
        tcp_sync_mss_route(tp);
        tp->c->irs = seg->seq;
        tp->c->rcv_nxt = tp->c->copied_seq = seg->seq + 1;
        tp->c->rcv_wup = tp->c->rcv_nxt;
        tp->c->snd_una = seg->ack;
        if (seq_lt(tp->c->snd_nxt, tp->c->snd_una))
            tp->c->snd_nxt = tp->c->snd_una;
        TCP_CHECK_SND(tp->c);
        tp->c->snd_wnd = seg->wnd; /* never scaled in a SYN */
        tp->c->max_window = tp->c->snd_wnd;
        tp->c->snd_wl1 = seg->seq;
        tp->c->snd_wl2 = seg->ack;
        if (TCP_TS(tp->ts_ok) && seg->tsecr && !tp->c->retransmits) {
            uint32_t r = tcp_ts_now(st) + tp->c->ts_off - seg->tsecr;
            rtt_sample(tp, r * 1000);
        } else if (tp->rtt_timing && !tp->c->retransmits) {
            rtt_sample(tp, (uint32_t)(st_now(st) - tp->c->rtt_start));
        }
        tp->rtt_timing = false;
        tp->c->backoff = 0;
        tp->c->retransmits = 0;
        tp->c->retrans_stamp = 0;
        tcp_timer_clear(tp, TCP_T_RTX);
        set_established(tp);
        if (tp->inet.sk.keepalive)
            tcp_reset_keepalive(tp);
        /* Data or FIN with the SYN-ACK: the usual path takes them. */
        if (seg->len || (seg->flags & TH_FIN)) {
            seg->seq++;
            seg->flags &= (uint8_t)~TH_SYN;
            tcp_rcv(tp, seg);
            return;
        }
        tcp_send_ack(tp);
        tcp_push(tp, false);
        return;
    }
    if (seg->flags & TH_RST)
        return;
    if (seg->flags & TH_SYN) {
        /* Simultaneous open: SYN_RECV, answer with SYN-ACK. */
        tp->ts_ok = seg->has_ts && TCP_TS(ts->timestamps);
        if (TCP_TS(tp->ts_ok)) {
            tp->c->ts_recent = seg->tsval;
            tp->c->ts_recent_stamp = (uint32_t)berth_div64(st_now(st), 1000000);
        }
        tp->sack_ok = seg->sack_ok && TCP_SACK(ts->sack);
        tp->wscale_ok = seg->has_ws && TCP_WS(ts->window_scaling);
        if (TCP_WS(tp->wscale_ok)) {
            tp->c->snd_wscale = seg->ws;
        } else {
            tp->c->snd_wscale = 0;
            tp->c->rcv_wscale = 0;
        }
        tp->c->mss_clamp = seg->has_mss ? seg->mss : TCP_MSS_DEFAULT;
        if (tp->user_mss && tp->c->mss_clamp > tp->user_mss)
            tp->c->mss_clamp = (uint16_t)tp->user_mss;
        tcp_sync_mss_route(tp);
        tp->c->irs = seg->seq;
        tp->c->rcv_nxt = tp->c->copied_seq = seg->seq + 1;
        tp->c->rcv_wup = tp->c->rcv_nxt;
        tp->c->snd_wnd = seg->wnd;
        tp->c->max_window = tp->c->snd_wnd;
        tp->c->snd_wl1 = seg->seq;
        tcp_set_state(tp, TCPS_SYN_RECV);
        tcp_send_syn(tp);
    }
}

/* ---- acknowledgements ---- */

/* Merge the peer's SACK blocks into the scoreboard (ranges above snd_una). */
static void sack_update(struct tcp_sock *tp, const struct tcp_seg *seg)
{
    for (unsigned b = 0; b < seg->nsack; b++) {
        uint32_t s = seg->sack[b][0], e = seg->sack[b][1];
        /* Ignore D-SACKs and nonsense (RFC 2883, RFC 6675 4). */
        if (!seq_lt(s, e) || seq_leq(e, tp->c->snd_una) || seq_gt(e, tp->c->snd_max) ||
            e - s > tp->c->snd_max - tp->c->snd_una)
            continue;
        if (seq_lt(s, tp->c->snd_una))
            s = tp->c->snd_una;
        /* merge with overlapping / adjacent ranges */
        unsigned i = 0;
        while (i < tp->c->nsacked) {
            uint32_t a0 = tp->c->sacked[i][0], a1 = tp->c->sacked[i][1];
            if (seq_leq(a0, e) && seq_leq(s, a1)) {
                s = seq_min(s, a0);
                e = seq_max(e, a1);
                tp->c->sacked[i][0] = tp->c->sacked[tp->c->nsacked - 1][0];
                tp->c->sacked[i][1] = tp->c->sacked[tp->c->nsacked - 1][1];
                tp->c->nsacked--;
                continue;
            }
            i++;
        }
        if (tp->c->nsacked == TCP_SACK_MAX) {
            /* drop the lowest range: its holes get resent by the RTO */
            unsigned lo = 0;
            for (unsigned k = 1; k < tp->c->nsacked; k++)
                if (seq_lt(tp->c->sacked[k][0], tp->c->sacked[lo][0]))
                    lo = k;
            tp->c->sacked[lo][0] = tp->c->sacked[tp->c->nsacked - 1][0];
            tp->c->sacked[lo][1] = tp->c->sacked[tp->c->nsacked - 1][1];
            tp->c->nsacked--;
        }
        tp->c->sacked[tp->c->nsacked][0] = s;
        tp->c->sacked[tp->c->nsacked][1] = e;
        tp->c->nsacked++;
    }
}

static void sack_trim(struct tcp_sock *tp)
{
    unsigned i = 0;
    while (i < tp->c->nsacked) {
        if (seq_leq(tp->c->sacked[i][1], tp->c->snd_una)) {
            tp->c->sacked[i][0] = tp->c->sacked[tp->c->nsacked - 1][0];
            tp->c->sacked[i][1] = tp->c->sacked[tp->c->nsacked - 1][1];
            tp->c->nsacked--;
            continue;
        }
        if (seq_lt(tp->c->sacked[i][0], tp->c->snd_una))
            tp->c->sacked[i][0] = tp->c->snd_una;
        i++;
    }
}

static bool sack_lost_head(const struct tcp_sock *tp)
{
    uint32_t above = 0;
    for (unsigned i = 0; i < tp->c->nsacked; i++)
        above += tp->c->sacked[i][1] - tp->c->sacked[i][0];
    return tp->c->nsacked >= tp->c->reordering ||
           above >= (uint32_t)tp->c->reordering * tp->c->mss_cache;
}

static void enter_recovery(struct tcp_sock *tp)
{
    SNMP_INC(tcp_st(tp), TcpExt, TCPFastRetrans);
    TRACE(tcp_st(tp),
          "tcp %u: recovery at una %" PRIu32 " max %" PRIu32 " cwnd %" PRIu32 " sacked ranges %u",
          inet_num(&tp->inet), tp->c->snd_una, tp->c->snd_max, tp->c->cwnd, tp->c->nsacked);
    tp->c->prior_cwnd = tp->c->cwnd;
    tp->c->prior_ssthresh = tp->c->ssthresh;
    /* Undo is judged against the first retransmission of the head: not
     * possible when an earlier episode resent it already. */
    tp->c->undo_ok = TCP_TS(tp->ts_ok) && !seq_lt(tp->c->snd_una, tp->c->high_rxt);
    tp->c->undo_tsval = tcp_ts_now(tcp_st(tp)) + tp->c->ts_off;
    tp->c->ssthresh = tp->cc->ssthresh(tp);
    tp->c->high_seq = tp->c->snd_max;
    tp->c->ca_state = TCPCA_RECOVERY;
    tp->tlp_out = false; /* tcp_init_cwnd_reduction ends a probe episode */
    if (tp->cc->event)
        tp->cc->event(tp, CA_EVENT_RECOVERY);
    if (TCP_SACK(tp->sack_ok) && tp->c->nsacked) {
        /* RFC 6675: cwnd = ssthresh, retransmit what is lost as the pipe
         * allows. */
        tp->c->cwnd = tp->c->ssthresh;
        tp->c->high_rxt = tp->c->snd_una + tcp_retransmit_head(tp);
        tcp_sack_retransmit(tp);
    } else {
        /* RFC 6582: cwnd = ssthresh + 3 segments, retransmit the head. */
        tp->c->cwnd = tp->c->ssthresh + 3;
        tcp_retransmit_head(tp);
    }
    tcp_rearm_rto(tp);
}

/* A lost retransmission (what RACK finds by time, found here by order):
 * the head was resent when snd_max was head_rtx_max; once the peer SACKs
 * several segments sent after that, the resent head is lost too. Resend
 * the holes from the head again. */
static void lost_retrans(struct tcp_sock *tp)
{
    if (!seq_lt(tp->c->snd_una, tp->c->high_rxt))
        return; /* the head was not resent yet */
    uint32_t hi = tp->c->snd_una;
    for (unsigned i = 0; i < tp->c->nsacked; i++)
        hi = seq_max(hi, tp->c->sacked[i][1]);
    uint32_t mss = tp->c->mss_cache ? tp->c->mss_cache : TCP_MSS_DEFAULT;
    if (seq_gt(hi, tp->c->head_rtx_max + (uint32_t)tp->c->reordering * mss)) {
        TRACE(tcp_st(tp), "tcp %u: retransmission of %" PRIu32 " lost", inet_num(&tp->inet),
              tp->c->snd_una);
        tp->c->high_rxt = tp->c->snd_una;
    }
}

static void on_dupack(struct tcp_sock *tp)
{
    tp->c->dupacks++;
    if (tp->c->ca_state == TCPCA_RECOVERY) {
        if (TCP_SACK(tp->sack_ok) && tp->c->nsacked) {
            lost_retrans(tp);
            tcp_sack_retransmit(tp);
        } else
            tp->c->cwnd++; /* inflation: one segment left the network */
        return;
    }
    if (tp->c->ca_state == TCPCA_LOSS)
        return;
    /* Early retransmit (RFC 5827): with fewer than four segments out and
     * nothing new to send, fewer duplicate ACKs will ever come. */
    uint32_t thresh = tp->c->reordering;
    uint32_t mss = tp->c->mss_cache ? tp->c->mss_cache : TCP_MSS_DEFAULT;
    uint32_t oseg = (tp->c->snd_max - tp->c->snd_una + mss - 1) / mss;
    if (oseg >= 2 && oseg < 4 && !seq_lt(tp->c->snd_max, tp->c->write_seq) && oseg - 1 < thresh)
        thresh = oseg - 1;
    bool lost =
        tp->c->dupacks >= thresh || (TCP_SACK(tp->sack_ok) && tp->c->nsacked && sack_lost_head(tp));
    if (lost) {
        enter_recovery(tp);
    } else {
        tp->c->ca_state = TCPCA_DISORDER;
    }
}

/* tcp_check_dsack: the first SACK block is a D-SACK (RFC 2883) when it lies
 * below the cumulative ACK or inside the second block. */
static bool is_dsack(const struct tcp_seg *seg)
{
    if (!seg->nsack)
        return false;
    if (seq_lt(seg->sack[0][0], seg->ack))
        return true;
    return seg->nsack > 1 && seq_geq(seg->sack[0][0], seg->sack[1][0]) &&
           seq_leq(seg->sack[0][1], seg->sack[1][1]);
}

/* tcp_process_tlp_ack: the ACKs of a loss probe episode. Once the
 * cumulative ACK reaches what was sent when the probe went: a probe of new
 * data ends the episode; so does a D-SACK (the probe duplicated a segment
 * that had arrived) or a pure duplicate ACK (the peer saw both copies);
 * an ACK beyond it with neither means the probe repaired a loss, and
 * Linux reduces the congestion window once (CWR, ended at once: cwnd =
 * ssthresh). */
static void tlp_ack(struct tcp_sock *tp, uint32_t ack, bool dsack, bool not_dup, bool sacked)
{
    if (!tp->tlp_out || seq_lt(ack, tp->c->tlp_high_seq))
        return;
    if (!tp->tlp_retrans || dsack) {
        tp->tlp_out = false;
    } else if (seq_gt(ack, tp->c->tlp_high_seq)) {
        struct berth_stack *st = tcp_st(tp);
        tp->tlp_out = false;
        tp->c->high_seq = tp->c->snd_max;
        tp->c->cwnd_cnt = 0;
        tp->c->ssthresh = tp->cc->ssthresh(tp);
        tp->c->cwnd = tp->c->ssthresh;
        /* tcp_try_keep_open */
        tp->c->ca_state = tp->c->nsacked ? TCPCA_DISORDER : TCPCA_OPEN;
        SNMP_INC(st, TcpExt, TCPLossProbeRecovery);
        TRACE(st, "tcp %u: loss probe repaired a loss, cwnd %" PRIu32 "", inet_num(&tp->inet),
              tp->c->cwnd);
    } else if (!not_dup && !sacked) {
        tp->tlp_out = false;
    }
}

/* Returns -1 to drop the segment, 0 to go on, 1 when tp is over. */
static int tcp_ack(struct tcp_sock *tp, struct tcp_seg *seg)
{
    struct berth_stack *st = tcp_st(tp);
    uint32_t ack = seg->ack, prior_una = tp->c->snd_una;
    if (seq_gt(ack, tp->c->snd_max)) {
        /* Acknowledges what was never sent: drop the segment and answer
         * with an ACK (RFC 9293 3.10.7.4), rate-limited like a challenge
         * ACK. Linux 6.18 does so (one ACK, then none for 500 ms). */
        send_challenge_ack(tp);
        return -1;
    }
    if (seq_lt(ack, prior_una - tp->c->max_window)) {
        send_challenge_ack(tp); /* RFC 5961 5.2 */
        return -1;
    }
    tp->c->rcv_tstamp = st_now(st);
    tp->c->probes_out = 0;
    /* SACKed bytes before this ACK: cwnd grows by what is newly delivered
     * (below). */
    uint32_t prior_sacked = TCP_SACK(tp->sack_ok) ? tcp_sacked_bytes(tp, prior_una) : 0;
    if (TCP_SACK(tp->sack_ok) && seg->nsack)
        sack_update(tp, seg);
    if (seq_lt(ack, prior_una))
        return 0; /* old: only the data matters */
    /* New SACK information (Linux's FLAG_DATA_SACKED), for the probe. */
    bool newly_sacked = tp->tlp_out && TCP_SACK(tp->sack_ok) && seg->nsack &&
                        tcp_sacked_bytes(tp, prior_una) > prior_sacked;

    /* Remember the peer's timestamp (RFC 7323 4.3) only now that the ACK
     * is known to be valid, as Linux's tcp_ack (tcp_replace_ts_recent
     * after the old-ACK and unsent-data checks): a segment acknowledging
     * data never sent, an old ACK, a SYN or a segment without ACK must not
     * move ts_recent, or the next genuine segment fails PAWS (packetdrill's
     * ts_recent/invalid_ack). */
    if (TCP_TS(tp->ts_ok) && seg->has_ts && seq_leq(seg->seq, tp->c->rcv_wup) &&
        seq_geq(seg->tsval, tp->c->ts_recent)) {
        tp->c->ts_recent = seg->tsval;
        tp->c->ts_recent_stamp = (uint32_t)berth_div64(st_now(st), 1000000);
    }

    /* Window update (RFC 9293 3.10.7.4, Linux's tcp_may_update_window). */
    uint32_t nwin = seg->wnd << tp->c->snd_wscale;
    bool wnd_changed = false, wnd_update = false;
    if (seq_gt(ack, prior_una) || seq_gt(seg->seq, tp->c->snd_wl1) ||
        (seg->seq == tp->c->snd_wl1 && (nwin > tp->c->snd_wnd || !nwin))) {
        wnd_update = true; /* Linux's FLAG_WIN_UPDATE */
        wnd_changed = nwin != tp->c->snd_wnd;
        tp->c->snd_wnd = nwin;
        tp->c->snd_wl1 = seg->seq;
        tp->c->snd_wl2 = ack;
        if (nwin > tp->c->max_window)
            tp->c->max_window = nwin;
    }

    if (ack == prior_una) {
        if (TCP_TLP(tp->tlp_out))
            tlp_ack(tp, ack, is_dsack(seg), seg->len || wnd_update, newly_sacked);
        if (!seg->len && !wnd_changed && !(seg->flags & (TH_SYN | TH_FIN)) &&
            tp->c->snd_una != tp->c->snd_max)
            on_dupack(tp);
        if (wnd_changed && tp->c->snd_wnd && tp->c->rtx_kind == TCP_RTX_PROBE) {
            tcp_timer_clear(tp, TCP_T_RTX);
            tp->c->backoff = 0;
        }
        return 0;
    }

    /* New data acknowledged. */
    uint32_t acked = ack - prior_una;
    bool fin_acked = tp->fin_queued && seq_gt(ack, tp->c->write_seq);
    uint32_t data_end = seq_min(ack, tp->c->write_seq);
    uint32_t acked_data = seq_gt(data_end, prior_una) ? data_end - prior_una : 0;
    tcp_bufq_trim_front(st, &tp->c->sndq, data_end, &tp->c->snd_hint);
    tp->c->snd_una = ack;
    if (seq_lt(tp->c->snd_nxt, ack))
        tp->c->snd_nxt = ack;
    TCP_CHECK_SND(tp->c);
    TCP_INFO_ADD(tp, bytes_acked, acked_data);
    if (TCP_SACK(tp->sack_ok))
        sack_trim(tp);

    /* RTT: timestamps (RFC 7323 4.1) or the one timed segment. */
    if (TCP_TS(tp->ts_ok) && seg->has_ts && seg->tsecr) {
        uint32_t r = tcp_ts_now(st) + tp->c->ts_off - seg->tsecr;
        if (r < 0x7fffffffu / 1000)
            rtt_sample(tp, r ? r * 1000 : 500);
    } else if (tp->rtt_timing && seq_geq(ack, tp->c->rtt_seq)) {
        tp->rtt_timing = false;
        if (!tp->c->retransmits)
            rtt_sample(tp, (uint32_t)(st_now(st) - tp->c->rtt_start));
    }
    tp->c->backoff = 0;
    tp->c->retransmits = 0;
    tp->c->retrans_stamp = 0;
    if (tp->c->rtx_kind == TCP_RTX_PROBE)
        tcp_timer_clear(tp, TCP_T_RTX);

    if (TCP_TLP(tp->tlp_out))
        tlp_ack(tp, ack, is_dsack(seg), true, newly_sacked);

    /* Congestion control. */
    uint32_t mss = tp->c->mss_cache ? tp->c->mss_cache : TCP_MSS_DEFAULT;
    uint32_t pkts = (acked + mss - 1) / mss;
    /* Slow start and congestion avoidance count segments delivered by this
     * ACK, as Linux's tcp_cong_control(acked_sacked = tp->delivered
     * growth): each segment once, when first SACKed or acknowledged. Data
     * SACKed earlier and now acknowledged is not counted again (it was
     * counted twice: after reordering, cwnd 10 became 13 where Linux has
     * 11); data newly SACKed by this ACK is counted. */
    uint32_t delivered = acked + (TCP_SACK(tp->sack_ok) ? tcp_sacked_bytes(tp, tp->c->snd_una) : 0);
    delivered = delivered > prior_sacked ? delivered - prior_sacked : 0;
    uint32_t delivered_pkts = (delivered + mss - 1) / mss;
    if (tp->c->ca_state == TCPCA_RECOVERY && tp->c->undo_ok) {
        /* Eifel (RFC 3522): an ACK for the retransmitted segment that
         * echoes a timestamp older than the retransmission was caused by
         * the original: it was reordered, not lost. Undo, and wait for
         * more duplicate ACKs next time. */
        tp->c->undo_ok = false;
        if (seg->has_ts && seq_lt(seg->tsecr, tp->c->undo_tsval)) {
            TRACE(st, "tcp %u: spurious fast retransmit, undo (dupacks %" PRIu32 ")",
                  inet_num(&tp->inet), tp->c->dupacks);
            if (tp->c->cwnd < tp->c->prior_cwnd)
                tp->c->cwnd = tp->c->prior_cwnd;
            if (tp->c->ssthresh < tp->c->prior_ssthresh)
                tp->c->ssthresh = tp->c->prior_ssthresh;
            uint32_t r = tp->c->dupacks + 1;
            if (r > tp->c->reordering)
                tp->c->reordering = (uint16_t)(r < 300 ? r : 300);
            tp->c->ca_state = TCPCA_OPEN;
            tp->c->dupacks = 0;
        }
    }
    if (tp->c->ca_state == TCPCA_RECOVERY) {
        if (seq_geq(ack, tp->c->high_seq)) {
            /* Full ACK: leave recovery (RFC 6582 3.2 step 3). */
            uint32_t flight = (tp->c->snd_max - tp->c->snd_una + mss - 1) / mss;
            tp->c->cwnd = tp->c->ssthresh < flight + 1 ? tp->c->ssthresh : flight + 1;
            if (tp->c->cwnd < 2)
                tp->c->cwnd = 2;
            tp->c->ca_state = TCPCA_OPEN;
            tp->c->dupacks = 0;
        } else if (TCP_SACK(tp->sack_ok) && tp->c->nsacked) {
            if (seq_lt(tp->c->high_rxt, tp->c->snd_una))
                tp->c->high_rxt = tp->c->snd_una;
            lost_retrans(tp);
            tcp_sack_retransmit(tp);
        } else {
            /* Partial ACK: the next hole is lost too (NewReno). */
            tcp_retransmit_head(tp);
            tp->c->cwnd = tp->c->cwnd > pkts ? tp->c->cwnd - pkts + 1 : 1;
            if (tp->c->cwnd < tp->c->ssthresh / 2)
                tp->c->cwnd = tp->c->ssthresh / 2 ? tp->c->ssthresh / 2 : 1;
            tcp_rearm_rto(tp);
        }
    } else {
        if (tp->c->ca_state == TCPCA_LOSS && seq_geq(ack, tp->c->high_seq))
            tp->c->ca_state = TCPCA_OPEN;
        if (tp->c->ca_state == TCPCA_DISORDER)
            tp->c->ca_state = TCPCA_OPEN;
        tp->c->dupacks = 0;
        if (tcp_is_cwnd_limited(tp) && delivered_pkts)
            tp->cc->cong_avoid(tp, delivered_pkts);
    }
    if (!tp->c->sndq.bytes)
        tp->c->snd_hint = NULL;
    /* tcp_set_xmit_timer: the loss probe if the connection may probe, the
     * RTO otherwise. */
    if (tp->c->snd_una == tp->c->snd_max)
        tcp_timer_clear(tp, TCP_T_RTX);
    else if (!tcp_schedule_loss_probe(tp, true))
        tcp_rearm_rto(tp);
    /* Send buffer autotuning (tcp_sndbuf_expand, roughly): room for two
     * congestion windows. */
    struct bsock *so = tcp_bs(tp);
    if (!so->sndbuf_locked) {
        uint64_t want = (uint64_t)tp->c->cwnd * mss * 4;
        int max = tcp_of(st)->wmem[2];
        if (want > (uint64_t)max)
            want = (uint64_t)max;
        if ((int)want > so->sndbuf)
            so->sndbuf = (int)want;
    }
    tcp_wake(tp);

    if (fin_acked) {
        switch (tcp_state(tp)) {
        case TCPS_FIN_WAIT1: {
            tcp_set_state(tp, TCPS_FIN_WAIT2);
            tp->inet.sk.shut |= SEND_SHUTDOWN;
            tcp_wake(tp);
            if (tp->orphan) {
                if (tp->linger2 < 0) {
                    tcp_send_active_rst(tp);
                    tcp_done(tp);
                    return 1;
                }
                uint32_t tmo = tcp_fin_time_ms(tp);
                if (tmo > TCP_TIMEWAIT_LEN_MS) {
                    tcp_timer_set(tp, TCP_T_KEEP,
                                  st_now(st) + (uint64_t)(tmo - TCP_TIMEWAIT_LEN_MS) * 1000u);
                } else if (!(seg->flags & TH_FIN) && !seg->len) {
                    tcp_time_wait(tp, TCPS_FIN_WAIT2, tmo);
                    return 1;
                } else {
                    /* A FIN (or data) rides along: keep the socket, with
                     * the timer in case the FIN is not taken. */
                    tcp_timer_set(tp, TCP_T_KEEP, st_now(st) + (uint64_t)tmo * 1000u);
                }
            }
            break;
        }
        case TCPS_CLOSING:
            tcp_time_wait(tp, TCPS_TIME_WAIT, TCP_TIMEWAIT_LEN_MS);
            return 1;
        case TCPS_LAST_ACK:
            tcp_done(tp);
            return 1;
        }
    }
    return 0;
}

/* ---- data ---- */

static void tcp_fin(struct tcp_sock *tp)
{
    tp->inet.sk.shut |= RCV_SHUTDOWN;
    tp->done = true;
    tp->c->ack_pending |= TCP_ACK_SCHED;
    switch (tcp_state(tp)) {
    case TCPS_SYN_RECV:
    case TCPS_ESTABLISHED:
        /* Linux enters "ping-pong" mode here: the ACK of the FIN is
         * delayed, hoping to ride on the application's own FIN. */
        tcp_set_state(tp, TCPS_CLOSE_WAIT);
        tp->c->quick = 0;
        tp->c->pingpong = TCP_PINGPONG_THRESH; /* inet_csk_enter_pingpong_mode */
        break;
    case TCPS_FIN_WAIT1:
        /* Our FIN is not acknowledged yet: simultaneous close. */
        tp->c->ack_pending |= TCP_ACK_NOW;
        tcp_set_state(tp, TCPS_CLOSING);
        break;
    case TCPS_FIN_WAIT2:
        tcp_send_ack(tp);
        tcp_time_wait(tp, TCPS_TIME_WAIT, TCP_TIMEWAIT_LEN_MS);
        return;
    default:
        break;
    }
    tcp_bufq_purge(tcp_st(tp), &tp->c->ooq);
    tcp_wake(tp);
}

static bool mem_ok(struct tcp_sock *tp, uint32_t len)
{
    uint64_t used = (uint64_t)tp->c->rcvq.bytes + tp->c->ooq.bytes + len;
    return used <= (uint64_t)tp->inet.sk.rcvbuf;
}

/* Queue in-order data; returns how many bytes found memory. When memory
 * runs out, the out-of-order queue goes first (tcp_try_rmem_schedule ->
 * tcp_prune_ofo_queue): without that, connections whose out-of-order data
 * holds all memory could never take the in-order segment that would drain
 * it. */
static uint32_t rcv_queue(struct tcp_sock *tp, const uint8_t *d, uint32_t len)
{
    struct berth_stack *st = tcp_st(tp);
    struct tcp_bufq *q = &tp->c->rcvq;
    uint32_t before = q->bytes;
    if (tcp_bufq_append(st, q, tp->c->rcv_nxt, d, len, BERTH_TCP_RCV_CHUNK) && tp->c->ooq.head) {
        tcp_bufq_purge(st, &tp->c->ooq);
        uint32_t done = q->bytes - before;
        tcp_bufq_append(st, q, tp->c->rcv_nxt + done, d + done, len - done, BERTH_TCP_RCV_CHUNK);
    }
    return q->bytes - before;
}

/* Returns true when tp is over (TIME_WAIT). */
static bool tcp_data(struct tcp_sock *tp, struct tcp_seg *seg)
{
    struct berth_stack *st = tcp_st(tp);
    uint32_t seq = seg->seq, len = seg->len;
    const uint8_t *d = seg->data;
    bool fin = seg->flags & TH_FIN;
    uint32_t end = seq + len; /* FIN (if any) is at `end` */
    if (len > tp->c->rcv_mss && len <= 65535)
        tp->c->rcv_mss = (uint16_t)(len < tp->c->advmss ? len : tp->c->advmss);
    /* Wholly old: a duplicate; acknowledge at once. */
    if (seq_lt(end, tp->c->rcv_nxt) || (seq_leq(end, tp->c->rcv_nxt) && !fin)) {
        tp->c->ack_pending |= TCP_ACK_SCHED | TCP_ACK_NOW;
        return false;
    }
    if (seq_lt(seq, tp->c->rcv_nxt)) {
        uint32_t skip = tp->c->rcv_nxt - seq;
        d += skip;
        len -= skip;
        seq = tp->c->rcv_nxt;
    }
    /* Beyond the window: keep what fits. */
    uint32_t wnd_end = tp->c->rcv_wup + tp->c->rcv_wnd;
    if (seq_gt(seq + len, wnd_end) && len) {
        uint32_t fit = seq_gt(wnd_end, seq) ? wnd_end - seq : 0;
        if (fit < len) {
            len = fit;
            fin = false;
        }
    }
    if (seq == tp->c->rcv_nxt) {
        if (len) {
            if (!tp->c->rcv_wnd || !mem_ok(tp, len)) {
                /* Zero window or no memory: drop, tell the peer. */
                tp->c->ack_pending |= TCP_ACK_SCHED | TCP_ACK_NOW;
                return false;
            }
            uint32_t got = rcv_queue(tp, d, len);
            if (got < len) {
                /* No memory for (all of) it: what did not fit is dropped
                 * and the peer told at once (ICSK_ACK_NOMEM). */
                tp->c->ack_pending |= TCP_ACK_SCHED | TCP_ACK_NOW;
                if (!got)
                    return false;
                len = got;
                fin = false;
            }
            tp->c->rcv_nxt += len;
            TCP_INFO_ADD(tp, bytes_received, len);
            tp->c->lrcvtime = st_now(st);
            if (len < tp->c->rcv_mss)
                tp->c->ack_pending |= (tp->c->ack_pending & TCP_ACK_PUSHED)
                                          ? TCP_ACK_PUSHED | TCP_ACK_PUSHED2
                                          : TCP_ACK_PUSHED;
            /* Linux's tcp_event_data_recv: the first data sets the delayed
             * ACK timeout (until then a delayed ACK, e.g. of a FIN on a
             * connection that never carried data, leaves at the next jiffy). */
            if (!tp->c->ato_us)
                tp->c->ato_us = TCP_ATO_MIN_US;
        }
        bool filled = false;
        if (tp->c->ooq.head) {
            filled = true;
            uint32_t moved = tcp_ooq_drain(st, &tp->c->ooq, &tp->c->rcvq, &tp->c->rcv_nxt);
            TCP_INFO_ADD(tp, bytes_received, moved);
            tp->c->ack_pending |= TCP_ACK_SCHED | TCP_ACK_NOW;
        }
        /* A FIN is taken in order only; one that arrives out of order is
         * dropped and comes back with the peer's retransmission. */
        if (fin && seq + len == tp->c->rcv_nxt) {
            tp->c->rcv_nxt++;
            tcp_fin(tp);
            if (tcp_state(tp) == TCPS_CLOSE)
                return true;
        }
        (void)filled;
        tp->c->ack_pending |= TCP_ACK_SCHED;
        /* tcp_in_quickack_mode: quick ACKs only outside pingpong mode. */
        if (tp->c->quick && !tcp_in_pingpong(tp->c)) {
            tp->c->quick--;
            tp->c->ack_pending |= TCP_ACK_NOW;
        } else if (tp->c->rcv_nxt - tp->c->rcv_wup > tp->c->rcv_mss) {
            /* more than one full segment unacknowledged (ACK every other) */
            tp->c->ack_pending |= TCP_ACK_NOW;
        }
        if (len)
            tcp_wake(tp);
        return false;
    }
    /* Out of order. */
    if (!len)
        return false;
    tp->c->ack_pending |= TCP_ACK_SCHED | TCP_ACK_NOW;
    if (!seq_lt(seq, wnd_end))
        return false;
    if (tp->c->ooq.nchunks >= OOQ_MAX_CHUNKS || !mem_ok(tp, len))
        return false;
    int added = tcp_ooq_insert(st, &tp->c->ooq, seq, d, len);
    if (added > 0) {
        SNMP_INC(st, TcpExt, TCPOFOQueue);
        TCP_INFO_ADD(tp, rcv_ooopack, 1);
    }
    tp->c->last_ooo_seq = seq;
    return false;
}

static void ack_snd_check(struct tcp_sock *tp)
{
    if (!(tp->c->ack_pending & TCP_ACK_SCHED))
        return;
    if (tp->c->ack_pending & TCP_ACK_NOW) {
        tcp_send_ack(tp);
        return;
    }
    tcp_schedule_ack(tp);
}

/* The sequence test (tcp_sequence): the segment overlaps what may be
 * received, measured from the window last advertised. */
static bool seq_acceptable(const struct tcp_sock *tp, const struct tcp_seg *seg)
{
    uint32_t rwnd = seq_gt(tp->c->rcv_wup + tp->c->rcv_wnd, tp->c->rcv_nxt)
                        ? tp->c->rcv_wup + tp->c->rcv_wnd - tp->c->rcv_nxt
                        : 0;
    return !seq_lt(seg->end_seq, tp->c->rcv_wup) && !seq_gt(seg->seq, tp->c->rcv_nxt + rwnd);
}

static bool rst_seq_ok(const struct tcp_sock *tp, const struct tcp_seg *seg)
{
    if (seg->seq == tp->c->rcv_nxt)
        return true;
    if (seg->seq == tp->c->rcv_nxt - 1 &&
        (TCPF(tcp_state(tp)) & (TCPF(TCPS_CLOSE_WAIT) | TCPF(TCPS_LAST_ACK) | TCPF(TCPS_CLOSING))))
        return true;
    if (tp->c->ooq.tail && seg->seq == tp->c->ooq.tail->seq + tp->c->ooq.tail->len)
        return true; /* the right edge of the highest SACK block */
    return false;
}

void tcp_rcv(struct tcp_sock *tp, struct tcp_seg *seg)
{
    struct berth_stack *st = tcp_st(tp);
    struct bsock *so = tcp_bs(tp);
    TCP_INFO_ADD(tp, segs_in, 1);
    if (seg->len)
        TCP_INFO_ADD(tp, data_segs_in, 1);
    int state = tcp_state(tp);
    if (state == TCPS_CLOSE || state == TCPS_LISTEN) {
        tcp_send_reset(st, seg);
        return;
    }
    sock_hold(so); /* tp may end while this segment is processed */
    if (state == TCPS_SYN_SENT) {
        rcv_synsent(tp, seg);
        goto out;
    }
    /* PAWS (RFC 7323 5). */
    if (TCP_TS(tp->ts_ok) && seg->has_ts && !(seg->flags & TH_RST) && tp->c->ts_recent_stamp &&
        (int32_t)(tp->c->ts_recent - seg->tsval) > 1 &&
        (uint32_t)berth_div64(st_now(st), 1000000) - tp->c->ts_recent_stamp < PAWS_24DAYS) {
        SNMP_INC(st, TcpExt, PAWSEstab);
        send_dupack(tp, seg);
        goto done;
    }
    if (!seq_acceptable(tp, seg)) {
        if (!(seg->flags & TH_RST)) {
            if (seg->flags & TH_SYN)
                send_challenge_ack(tp);
            else
                send_dupack(tp, seg);
        } else if (rst_seq_ok(tp, seg) && seg->seq != tp->c->rcv_nxt) {
            tcp_reset(tp); /* rcv_nxt - 1 after the peer's FIN (tcp_reset_check) */
        }
        goto done;
    }
    if (seg->flags & TH_RST) {
        /* RFC 5961 3.2: only the exact sequence resets; anything else in
         * the window gets a challenge ACK. */
        if (rst_seq_ok(tp, seg))
            tcp_reset(tp);
        else
            send_challenge_ack(tp);
        goto done;
    }
    if (seg->flags & TH_SYN) {
        /* RFC 5961 4.2: a SYN in the window gets a challenge ACK. A
         * retransmitted SYN-ACK in SYN_RECV (simultaneous open) passes. */
        if (!(state == TCPS_SYN_RECV && (seg->flags & TH_ACK) && seg->seq + 1 == seg->end_seq &&
              seg->seq + 1 == tp->c->rcv_nxt && seg->ack == tp->c->snd_nxt)) {
            send_challenge_ack(tp);
            goto done;
        }
        seg->seq++;
        seg->flags &= (uint8_t)~TH_SYN;
    }
    if (!(seg->flags & TH_ACK))
        goto done;
    if (state == TCPS_SYN_RECV) {
        if (!seq_between(seg->ack, tp->c->snd_una + 1, tp->c->snd_max)) {
            reset_from(tp, seg);
            goto done;
        }
        tp->c->snd_una = seg->ack;
        if (seq_lt(tp->c->snd_nxt, tp->c->snd_una))
            tp->c->snd_nxt = tp->c->snd_una;
        TCP_CHECK_SND(tp->c);
        tp->c->snd_wnd = seg->wnd << tp->c->snd_wscale;
        tp->c->max_window = tp->c->snd_wnd;
        tp->c->snd_wl1 = seg->seq;
        tp->c->snd_wl2 = seg->ack;
        tcp_timer_clear(tp, TCP_T_RTX);
        /* Linux's tcp_synack_rtt_meas / tcp_ack_update_rtt: the SYN-ACK's
         * own timing first, timestamps otherwise. Without a sample the RTO
         * stayed at 1 s on a connection without timestamps, where Linux
         * has 3 x RTT (packetdrill's user_timeout/user_timeout.pkt). */
        if (tp->rtt_timing && !tp->c->retransmits)
            rtt_sample(tp, (uint32_t)(st_now(st) - tp->c->rtt_start));
        else if (TCP_TS(tp->ts_ok) && seg->has_ts && seg->tsecr && !tp->c->retransmits)
            rtt_sample(tp, (tcp_ts_now(st) + tp->c->ts_off - seg->tsecr) * 1000 + 1);
        tp->rtt_timing = false;
        tp->c->backoff = 0;
        tp->c->retransmits = 0;
        set_established(tp);
        if (tp->parent)
            tcp_wake(tp->parent);
        state = TCPS_ESTABLISHED;
        /* tcp_rcv_state_process (TCP_SYN_RECV): a SHUT_WR recorded before
         * the handshake finished - by shutdown() on a socket that then
         * connected to itself, or inherited from a listener that was shut
         * down before listen() - takes effect now: our FIN goes out. */
        if (so->shut & SEND_SHUTDOWN) {
            tcp_shutdown_send(tp);
            state = tcp_state(tp);
        }
    }
    int r = tcp_ack(tp, seg);
    if (r)
        goto done;
    state = tcp_state(tp);
    /* Data after close (or SHUT_RD with our FIN out): Linux resets. */
    if ((state == TCPS_FIN_WAIT1 || state == TCPS_FIN_WAIT2) && (so->shut & RCV_SHUTDOWN) &&
        seg->len && seq_gt(seg->end_seq - ((seg->flags & TH_FIN) ? 1 : 0), tp->c->rcv_nxt)) {
        SNMP_INC(st, TcpExt, TCPAbortOnData);
        tcp_send_active_rst(tp);
        tcp_reset(tp);
        goto done;
    }
    if (seg->len || (seg->flags & TH_FIN)) {
        if (TCPF(state) & (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_FIN_WAIT1) | TCPF(TCPS_FIN_WAIT2) |
                           TCPF(TCPS_SYN_RECV))) {
            if (tcp_data(tp, seg))
                goto done;
        } else if (seq_gt(seg->end_seq, tp->c->rcv_nxt)) {
            /* CLOSE_WAIT, CLOSING, LAST_ACK: the peer's FIN came already;
             * anything new is bogus. Acknowledge. */
            tp->c->ack_pending |= TCP_ACK_SCHED | TCP_ACK_NOW;
        } else if (seg->len || (seg->flags & TH_FIN)) {
            tp->c->ack_pending |= TCP_ACK_SCHED | TCP_ACK_NOW; /* retransmitted FIN */
        }
    }
done:
    if (tcp_state(tp) != TCPS_CLOSE) {
        tcp_push(tp, false);
        ack_snd_check(tp);
    }
out:
    sock_put(so);
}

/* ---- listeners and requests ---- */

static uint8_t pick_wscale(const struct tcp_sock *l)
{
    struct tcp_stack *ts = tcp_of(tcp_st(l));
    uint32_t space = l->inet.sk.rcvbuf_locked ? (uint32_t)l->inet.sk.rcvbuf
                                              : (uint32_t)(ts->rmem[2] > l->inet.sk.st->net.rmem_max
                                                               ? ts->rmem[2]
                                                               : l->inet.sk.st->net.rmem_max);
    if (l->window_clamp && (uint32_t)l->window_clamp < space)
        space = (uint32_t)l->window_clamp;
    uint8_t ws = 0;
    while (space > 65535 && ws < TCP_MAX_WSCALE) {
        space >>= 1;
        ws++;
    }
    return ws;
}

uint8_t tcp_pick_wscale(const struct tcp_sock *tp);
uint8_t tcp_pick_wscale(const struct tcp_sock *tp) { return pick_wscale(tp); }

/* Queue a child made from a request (or a cookie) and hand it the ACK. */
static void child_queue(struct tcp_sock *l, struct tcp_sock *child, struct tcp_seg *seg)
{
    struct berth_stack *st = tcp_st(l);
    SNMP_INC(st, Tcp, PassiveOpens);
    /* Queue first: the ACK may carry data or a FIN. */
    struct tcp_listen *lq = l->lq;
    child->parent = l;
    child->acc_next = NULL;
    if (lq->acc_tail)
        lq->acc_tail->acc_next = child;
    else
        lq->acc_head = child;
    lq->acc_tail = child;
    lq->acc_len++;
    tcp_rcv(child, seg);
    tcp_wake(l);
}

/* Two minutes (TCP_SYNCOOKIE_VALID) since the SYN queue last overflowed? */
static bool synq_no_recent_overflow(struct berth_stack *st, const struct tcp_listen *lq)
{
    return !lq->last_overflow || st_now(st) > lq->last_overflow + 120000000u;
}

/* cookie_v4_check: an ACK for a listener may complete a cookie handshake.
 * Returns true when the segment was consumed. */
static bool cookie_input(struct tcp_sock *l, struct tcp_seg *seg)
{
    struct berth_stack *st = tcp_st(l);
    struct tcp_stack *ts = tcp_of(st);
    if (!TCP_SYNCOOKIES(ts) || (seg->flags & (TH_ACK | TH_RST | TH_SYN)) != TH_ACK)
        return false;
    if (TCP_SYNCOOKIES(ts) != 2 && synq_no_recent_overflow(st, l->lq))
        return false;
    union tcp_req_buf req; /* room for an IPv6 request's addresses */
    if (!tcp_cookie_check(st, l, seg, &req.r)) {
        SNMP_INC(st, TcpExt, SyncookiesFailed);
        return false; /* the listener answers it: RST */
    }
    SNMP_INC(st, TcpExt, SyncookiesRecv);
    struct tcp_sock *child = tcp_child_create(l, &req.r, seg);
    if (child)
        child_queue(l, child, seg);
    return true;
}

static void listen_input(struct tcp_sock *l, struct tcp_seg *seg, uint32_t isn)
{
    struct berth_stack *st = tcp_st(l);
    struct tcp_stack *ts = tcp_of(st);
    struct tcp_listen *lq = l->lq;
    if (seg->flags & TH_RST)
        return;
    if (seg->flags & TH_ACK) {
        if (!(seg->flags & TH_SYN) && cookie_input(l, seg))
            return;
        tcp_send_reset(st, seg);
        return;
    }
    if (!(seg->flags & TH_SYN) || (seg->flags & TH_FIN))
        return;
    /* tcp_v4_conn_request / tcp_v6_conn_request: unicast only (IPv6
     * multicast never got this far: tcp_input dropped it). */
    if (inet_addr_is_v4(&seg->daddr) && (ip4_is_bcast(st, inet_addr_v4(&seg->daddr)) ||
                                         ip4_is_multicast(inet_addr_v4(&seg->daddr))))
        return;
    /* tcp_conn_request: a full SYN queue means a cookie (tcp_syncookies 1;
     * always with 2) or, without cookies, a drop (the client retransmits
     * it); a full accept queue drops the SYN. */
    bool want_cookie = false;
    if ((TCP_SYNCOOKIES(ts) == 2 || lq->qlen > (unsigned)lq->backlog) && !isn) {
        if (!TCP_SYNCOOKIES(ts)) {
            SNMP_INC(st, TcpExt, ListenDrops);
            return;
        }
        want_cookie = true;
        if (TCP_SYNCOOKIES(ts) != 2)
            SNMP_INC(st, TcpExt, TCPReqQFullDoCookies);
    }
    if (lq->acc_len > (unsigned)lq->backlog) {
        SNMP_INC(st, TcpExt, ListenOverflows);
        SNMP_INC(st, TcpExt, ListenDrops);
        return;
    }
    /* Without cookies, the last quarter of tcp_max_syn_backlog is kept for
     * peers already proven (Linux: tcp_peer_is_proven); berth keeps no
     * peer history, so the quarter stays unused. */
    if (!want_cookie && !isn && !TCP_SYNCOOKIES(ts) &&
        (unsigned)ts->max_syn_backlog - lq->qlen < (unsigned)ts->max_syn_backlog >> 2) {
        SNMP_INC(st, TcpExt, ListenDrops);
        return;
    }
    union tcp_req_buf cookie_req; /* room for an IPv6 request's addresses */
    size_t req_size = TCP_REQ_SIZE(!inet_addr_is_v4(&seg->saddr));
    struct tcp_req *req = want_cookie ? &cookie_req.r : st_zalloc(st, req_size);
    if (!req) {
        SNMP_INC(st, TcpExt, ListenDrops);
        return;
    }
    if (want_cookie)
        memset(req, 0, req_size);
    req->eh.kind = TCP_EH_REQ;
    tcp_req_set_tuple(req, seg);
    req->listener = l;
    req->irs = seg->seq;
    req->iss = isn ? isn : tcp_isn(st, &seg->daddr, seg->dport, &seg->saddr, seg->sport);
    req->mss_clamp = seg->has_mss ? seg->mss : TCP_MSS_DEFAULT;
    req->ts_ok = seg->has_ts && TCP_TS(ts->timestamps);
    req->ts_recent = seg->tsval;
    req->ts_off = TCP_TS(ts->timestamps) == 1 ? tcp_ts_offset(st, &seg->daddr, &seg->saddr) : 0;
    req->sack_ok = seg->sack_ok && TCP_SACK(ts->sack);
    req->wscale_ok = seg->has_ws && TCP_WS(ts->window_scaling);
    req->snd_wscale = TCP_WS(req->wscale_ok) ? seg->ws : 0;
    req->rcv_wscale = TCP_WS(req->wscale_ok) ? pick_wscale(l) : 0;
    req->ifindex = seg->ifindex;
    req->txhash = tcp_txhash(st, req->iss, req->irs);
    if (want_cookie) {
        /* No timestamps, no room for the other options (tcp_clear_options). */
        if (!TCP_TS(req->ts_ok))
            req->sack_ok = req->wscale_ok = false, req->snd_wscale = req->rcv_wscale = 0;
        req->cookie = true;
        req->iss = tcp_cookie_isn(st, req, seg);
        lq->last_overflow = st_now(st) + 1; /* 0 means never */
        SNMP_INC(st, TcpExt, SyncookiesSent);
        tcp_send_synack(st, req);
        return;
    }
    timer_init(&req->timer, tcp_req_timer_fire);
    tcp_eh_insert(st, &req->eh);
    req->qnext = lq->synq;
    lq->synq = req;
    lq->qlen++;
    timer_arm(st, &req->timer, st_now(st) + TCP_TIMEOUT_INIT_US);
    tcp_send_synack(st, req);
}

/* tcp_check_req: a segment for a connection in SYN_RECV. */
static void req_input(struct berth_stack *st, struct tcp_req *req, struct tcp_seg *seg)
{
    struct tcp_sock *l = req->listener;
    bool paws_reject = TCP_TS(req->ts_ok) && seg->has_ts && seq_lt(seg->tsval, req->ts_recent) &&
                       !(seg->flags & TH_RST);
    if (seg->seq == req->irs && (seg->flags & (TH_SYN | TH_ACK | TH_RST | TH_FIN)) == TH_SYN &&
        !paws_reject) {
        /* The SYN again: our SYN-ACK was lost. Resent as a retransmission
         * (inet_rtx_syn_ack -> tcp_rtx_synack): with a new txhash. */
        req->txhash = tcp_txhash(st, req->txhash, seg->seq);
        tcp_send_synack(st, req);
        return;
    }
    if ((seg->flags & TH_ACK) && seg->ack != req->iss + 1) {
        tcp_send_reset(st, seg);
        return;
    }
    uint32_t w = tcp_rcv_space(l);
    uint32_t rwnd = w > 65535 ? 65535 : w;
    if (paws_reject ||
        !(seq_geq(seg->end_seq, req->irs + 1) && seq_leq(seg->seq, req->irs + 1 + rwnd))) {
        if (!(seg->flags & TH_RST)) {
            /* tcp_v4_reqsk_send_ack / tcp_v6_reqsk_send_ack: the default
             * hop limit; IPv6 reflects the segment's traffic class
             * without ECN bits (ipv6_get_dsfield; seen on 6.18) and
             * carries the request's label. */
            struct tcp_out_opts o = {0};
            if (TCP_TS(req->ts_ok)) {
                o.ts = true;
                o.tsval = tcp_ts_now(st) + req->ts_off;
                o.tsecr = req->ts_recent;
            }
            uint8_t tos = req->eh.v6 ? (uint8_t)(seg->p ? seg->p->tos & ~3u : 0) : l->inet.tos;
            uint32_t label = 0; /* the request's txhash (tcp_v6_reqsk_send_ack) */
#if BERTH_WITH_IPV6
            if (req->eh.v6)
                label = ip6_txhash_label(req->txhash);
#endif
            tcp_send_bare(st, &seg->daddr, &seg->saddr, req->lport, req->eh.rport, req->iss + 1,
                          req->irs + 1, TH_ACK, (uint16_t)(rwnd >> req->rcv_wscale), &o, tos, 0,
                          req->eh.v6 ? tcp_req_oif(req) : 0, label);
        }
        return;
    }
    if (seg->flags & (TH_RST | TH_SYN)) {
        SNMP_INC(st, Tcp, AttemptFails);
        if (!(seg->flags & TH_RST))
            tcp_send_reset(st, seg);
        tcp_req_drop(st, req);
        return;
    }
    if (!(seg->flags & TH_ACK))
        return;
    if (TCP_TS(req->ts_ok) && seg->has_ts)
        req->ts_recent = seg->tsval;
    struct tcp_sock *child = tcp_child_create(l, req, seg);
    if (!child) {
        req->acked = true; /* the accept queue is full: wait, as Linux */
        return;
    }
    tcp_req_drop(st, req);
    child_queue(l, child, seg);
}

/* ---- entry ---- */

static void drop_seg(struct berth_stack *st, struct pkt *p, const char *why)
{
    TRACE(st, "tcp drop: %s", why);
    pkt_free(st, p);
}

/* tcp_v4_rcv / tcp_v6_rcv: a full socket (a connection or listener; not a
 * request or TIME_WAIT entry) drops a segment that arrived with a lower
 * TTL than its IP_MINTTL (IPv4, v4-mapped peers included) or fewer hops
 * left than its IPV6_MINHOPCOUNT (RFC 5082), counted as TcpExt
 * TCPMinTTLDrop, and frees it. */
static bool too_few_hops(struct tcp_sock *tp, struct pkt *p, bool v6)
{
    struct bsock *so = tcp_bs(tp);
    if (!so->has_opt)
        return false;
    const struct sock_opts *o = sock_opt(so);
    if (p->ttl >= (v6 ? o->min_hopcount : o->min_ttl))
        return false;
    SNMP_INC(so->st, TcpExt, TCPMinTTLDrop);
    pkt_free(so->st, p);
    return true;
}

void tcp_input(struct berth_stack *st, struct pkt *p)
{
    SNMP_INC(st, Tcp, InSegs);
    if (p->len < TCP_HLEN) {
        SNMP_INC(st, Tcp, InErrs);
        return drop_seg(st, p, "short segment");
    }
    struct tcp_hdr h;
    memcpy(&h, p->data, sizeof(h));
    unsigned doff = (unsigned)(h.doff >> 4) * 4;
    if (doff < TCP_HLEN || doff > p->len) {
        SNMP_INC(st, Tcp, InErrs);
        return drop_seg(st, p, "bad data offset");
    }
    bool v6 = pkt_is_v6(p);
    uint32_t sum;
#if BERTH_WITH_IPV6
    if (v6)
        sum = inet_pseudo6(&p->src.in6, &p->dst.in6, IPPROTO_TCP, p->len);
    else
#endif
        sum = inet_pseudo4(pkt_src4(p), pkt_dst4(p), IPPROTO_TCP, (uint16_t)p->len);
    if (inet_csum_fold(inet_csum_add(sum, p->data, p->len)) != 0) {
        SNMP_INC(st, Tcp, InCsumErrors);
        SNMP_INC(st, Tcp, InErrs);
        return drop_seg(st, p, "bad checksum");
    }
    /* Only segments for this host (no broadcast, multicast, or from them;
     * IPv6: tcp_v6_rcv takes PACKET_HOST only, and a multicast or
     * unspecified source can own no connection). */
    if (v6 ? IN6_IS_ADDR_MULTICAST(&p->dst.in6) || IN6_IS_ADDR_MULTICAST(&p->src.in6) ||
                 IN6_IS_ADDR_UNSPECIFIED(&p->src.in6)
           : ip4_is_bcast(st, pkt_dst4(p)) || ip4_is_multicast(pkt_dst4(p)) ||
                 ip4_is_bcast(st, pkt_src4(p)) || ip4_is_multicast(pkt_src4(p)) ||
                 !pkt_src4(p).s_addr)
        return drop_seg(st, p, "not unicast");
    struct tcp_seg seg;
    memset(&seg, 0, sizeof(seg));
    seg.p = p;
    seg.saddr = p->src;
    seg.daddr = p->dst;
    seg.sport = h.source;
    seg.dport = h.dest;
    seg.seq = ntohl(h.seq);
    seg.ack = ntohl(h.ack_seq);
    seg.flags = h.flags;
    seg.wnd = ntohs(h.window);
    seg.data = p->data + doff;
    seg.len = p->len - doff;
    seg.end_seq = seg.seq + seg.len + ((h.flags & TH_SYN) ? 1 : 0) + ((h.flags & TH_FIN) ? 1 : 0);
    seg.ifindex = p->ifp ? berth_netif_index(p->ifp) : 0;
#if BERTH_WITH_IPV6
    if (v6) /* tcp_v6_iif: looped back, the interface owning the address */
        seg.ifindex = ip6_iif(st, p);
#endif
    if (doff > TCP_HLEN)
        tcp_parse_options(p->data + TCP_HLEN, doff - TCP_HLEN, (h.flags & TH_SYN) != 0, &seg);
    TRACE(st,
          "tcp in %u>%u seq %" PRIu32 " ack %" PRIu32 " len %" PRIu32 " flags %02x wnd %" PRIu32 "",
          ntohs(seg.sport), ntohs(seg.dport), seg.seq, seg.ack, seg.len, seg.flags, seg.wnd);
    if (!seg.dport) /* nothing listens on port 0 */
        goto no_socket;

    uint32_t isn = 0;
    struct tcp_tw *tw = NULL;
    struct tcp_eh *e = tcp_eh_lookup(st, &seg.daddr, seg.dport, &seg.saddr, seg.sport);
    if (e) {
        switch (e->kind) {
        case TCP_EH_SOCK: {
            struct tcp_sock *tp = (struct tcp_sock *)((char *)e - offsetof(struct tcp_sock, eh));
            if (too_few_hops(tp, p, v6))
                return;
            tcp_rcv(tp, &seg);
            pkt_free(st, p);
            return;
        }
        case TCP_EH_REQ:
            req_input(st, (struct tcp_req *)e, &seg);
            pkt_free(st, p);
            return;
        default:
            tw = (struct tcp_tw *)e;
            if (!tcp_tw_input(st, tw, &seg, &isn)) {
                pkt_free(st, p);
                return;
            }
            break; /* a new SYN: a listener may take it */
        }
    }
    struct tcp_sock *l =
        tcp_lookup_listener(st, &seg.saddr, seg.sport, &seg.daddr, seg.dport, seg.ifindex);
    if (l) {
        if (tw)
            tcp_tw_kill(st, tw);
        if (too_few_hops(l, p, v6))
            return;
        listen_input(l, &seg, isn);
        pkt_free(st, p);
        return;
    }
    if (tw) {
        tcp_tw_ack(st, tw);
        pkt_free(st, p);
        return;
    }
no_socket:
    TRACE(st, "tcp: no socket for port %u", ntohs(seg.dport));
    tcp_send_reset(st, &seg);
    pkt_free(st, p);
}

/* ---- ICMP errors (tcp_v4_err, tcp_v6_err) ---- */

#if BERTH_WITH_IPV6
/* tcp_v6_err: an ICMPv6 error about a segment of the node e (seq: the
 * quoted sequence number). */
static void tcp_v6_err(struct berth_stack *st, struct tcp_eh *e, const struct ip_err *ie,
                       uint32_t seq)
{
    if (e->kind == TCP_EH_REQ) {
        /* tcp_req_err: a hard error about our SYN-ACK drops the request */
        struct tcp_req *req = (struct tcp_req *)e;
        if (seq == req->iss && ie->fatal)
            tcp_req_drop(st, req);
        return;
    }
    if (e->kind != TCP_EH_SOCK)
        return; /* TIME_WAIT ignores errors */
    struct tcp_sock *tp = (struct tcp_sock *)((char *)e - offsetof(struct tcp_sock, eh));
    if (tcp_state(tp) == TCPS_CLOSE)
        return;
    /* IPV6_MINHOPCOUNT filters errors too: the ICMPv6 message's own hop
     * limit, checked before its sequence number (tcp_v6_err). */
    struct bsock *so = tcp_bs(tp);
    if (so->has_opt && ie->hlim < sock_opt(so)->min_hopcount) {
        SNMP_INC(st, TcpExt, TCPMinTTLDrop);
        return;
    }
    if (!seq_between(seq, tp->c->snd_una, tp->c->snd_max))
        return;
    if (ie->type == ICMP6_PACKET_TOO_BIG) {
        /* RFC 8201: below IPV6_MIN_MTU is ignored, as Linux does */
        if (ie->info >= IP6_MIN_MTU)
            tcp_v6_mtu_reduced(tp, ie->info);
        return;
    }
    int err = ie->err;
    switch (tcp_state(tp)) {
    case TCPS_SYN_SENT:
    case TCPS_SYN_RECV:
        /* Any error ends a connection attempt (tcp_done_with_error),
         * hard or not: a port unreachable gives ECONNREFUSED, no route
         * ENETUNREACH, administratively prohibited EACCES. */
        tcp_abort(tp, err);
        return;
    default:
        break;
    }
    /* Established: reported only with IPV6_RECVERR (berth: the socket's
     * IP_RECVERR flag, which IPV6_RECVERR shares), else a soft error. */
    if (tp->inet.recverr) {
        tp->inet.sk.so_error = (int16_t)err;
        tcp_wake(tp);
    }
}
#endif

void tcp_err(struct berth_stack *st, const struct ip_err *ie)
{
    const uint8_t *th = ie->th;
    uint8_t type = ie->type, code = ie->code;
    int err = ie->err;
    uint16_t sport, dport;
    uint32_t seq;
    memcpy(&sport, th, 2);
    memcpy(&dport, th + 2, 2);
    memcpy(&seq, th + 4, 4);
    seq = ntohl(seq);
    if (!st->tcp)
        return;
    struct tcp_eh *e = tcp_eh_lookup(st, &ie->src, sport, &ie->dst, dport);
    if (!e)
        return;
#if BERTH_WITH_IPV6
    if (!inet_addr_is_v4(&ie->dst)) {
        tcp_v6_err(st, e, ie, seq);
        return;
    }
#endif
    if (e->kind == TCP_EH_REQ) {
        struct tcp_req *req = (struct tcp_req *)e;
        /* An error about our SYN-ACK: drop the request (tcp_req_err). */
        if (seq == req->iss && type == ICMP_DEST_UNREACH && code != ICMP_FRAG_NEEDED)
            tcp_req_drop(st, req);
        return;
    }
    if (e->kind != TCP_EH_SOCK)
        return;
    struct tcp_sock *tp = (struct tcp_sock *)((char *)e - offsetof(struct tcp_sock, eh));
    if (!seq_between(seq, tp->c->snd_una, tp->c->snd_max))
        return;
    if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
        return; /* path MTU discovery: not implemented (docs/tcp.md) */
    switch (tcp_state(tp)) {
    case TCPS_SYN_SENT:
    case TCPS_SYN_RECV:
        tcp_abort(tp, err);
        return;
    default:
        break;
    }
    if (tp->inet.recverr) {
        tp->inet.sk.so_error = (int16_t)err;
        tcp_wake(tp);
    }
}
