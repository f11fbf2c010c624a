/* tcp_sockopt.c — IPPROTO_TCP options (Linux's do_tcp_setsockopt /
 * do_tcp_getsockopt), the SOL_SOCKET options TCP reacts to, and TCP_INFO
 * in Linux's struct tcp_info layout. */
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>

#include "tcp/tcp.h"

/* Linux's limits (include/net/tcp.h). */
#define MAX_TCP_WINDOW 32767
#define MAX_TCP_KEEPIDLE 32767
#define MAX_TCP_KEEPINTVL 32767
#define MAX_TCP_KEEPCNT 127
#define MAX_TCP_SYNCNT 127
#define TCP_FIN_TIMEOUT_MAX 120
#define TCP_CA_NAME_MAX 16
#define SOCK_MIN_RCVBUF 2304

#ifndef TCP_USER_TIMEOUT
#define TCP_USER_TIMEOUT 18
#endif
#ifndef TCP_NOTSENT_LOWAT
#define TCP_NOTSENT_LOWAT 25
#endif
#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN 23
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef TCP_FASTOPEN_NO_COOKIE
#define TCP_FASTOPEN_NO_COOKIE 34
#endif

#if BERTH_WITH_TCP_INFO
/* struct tcp_info as Linux 6.7+ lays it out (include/uapi/linux/tcp.h),
 * up to tcpi_total_rto_time. getsockopt copies min(optlen, sizeof). */
struct berth_tcp_info {
    uint8_t tcpi_state, tcpi_ca_state, tcpi_retransmits, tcpi_probes, tcpi_backoff, tcpi_options;
    uint8_t tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
    uint8_t tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2;
    uint32_t tcpi_rto, tcpi_ato, tcpi_snd_mss, tcpi_rcv_mss;
    uint32_t tcpi_unacked, tcpi_sacked, tcpi_lost, tcpi_retrans, tcpi_fackets;
    uint32_t tcpi_last_data_sent, tcpi_last_ack_sent, tcpi_last_data_recv, tcpi_last_ack_recv;
    uint32_t tcpi_pmtu, tcpi_rcv_ssthresh, tcpi_rtt, tcpi_rttvar, tcpi_snd_ssthresh, tcpi_snd_cwnd,
        tcpi_advmss, tcpi_reordering;
    uint32_t tcpi_rcv_rtt, tcpi_rcv_space;
    uint32_t tcpi_total_retrans;
    uint64_t tcpi_pacing_rate, tcpi_max_pacing_rate, tcpi_bytes_acked, tcpi_bytes_received;
    uint32_t tcpi_segs_out, tcpi_segs_in;
    uint32_t tcpi_notsent_bytes, tcpi_min_rtt, tcpi_data_segs_in, tcpi_data_segs_out;
    uint64_t tcpi_delivery_rate;
    uint64_t tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited;
    uint32_t tcpi_delivered, tcpi_delivered_ce;
    uint64_t tcpi_bytes_sent, tcpi_bytes_retrans;
    uint32_t tcpi_dsack_dups, tcpi_reord_seen;
    uint32_t tcpi_rcv_ooopack;
    uint32_t tcpi_snd_wnd;
    uint32_t tcpi_rcv_wnd;
    uint32_t tcpi_rehash;
    uint16_t tcpi_total_rto, tcpi_total_rto_recoveries;
    uint32_t tcpi_total_rto_time;
};

static void fill_info(struct tcp_sock *tp, struct berth_tcp_info *i)
{
    struct berth_stack *st = tcp_st(tp);
    uint64_t now = st_now(st);
    memset(i, 0, sizeof(*i));
    int state = tcp_state(tp);
    i->tcpi_state = (uint8_t)(state == TCPS_CLOSE ? TCP_LINUX_CLOSE : state);
    i->tcpi_ca_state = tp->c->ca_state;
    i->tcpi_retransmits = tp->c->retransmits;
    i->tcpi_probes = tp->c->probes_out;
    i->tcpi_backoff = tp->c->backoff;
    if (TCP_TS(tp->ts_ok))
        i->tcpi_options |= 1; /* TCPI_OPT_TIMESTAMPS */
    if (TCP_SACK(tp->sack_ok))
        i->tcpi_options |= 2; /* TCPI_OPT_SACK */
    if (TCP_WS(tp->wscale_ok)) {
        i->tcpi_options |= 4; /* TCPI_OPT_WSCALE */
        i->tcpi_snd_wscale = tp->c->snd_wscale & 15;
        i->tcpi_rcv_wscale = tp->c->rcv_wscale & 15;
    }
    i->tcpi_fastopen_client_fail = tp->fastopen_client_fail;
    uint64_t rto = (uint64_t)tp->c->rto_us << (tp->c->backoff < 20 ? tp->c->backoff : 20);
    i->tcpi_rto = (uint32_t)(rto > TCP_RTO_MAX_US ? TCP_RTO_MAX_US : rto);
    i->tcpi_ato = tp->c->ato_us;
    i->tcpi_snd_mss = tp->c->mss_cache;
    i->tcpi_rcv_mss = tp->c->rcv_mss;
    if (state == TCPS_LISTEN) {
        i->tcpi_unacked = tp->lq ? tp->lq->acc_len : 0;
        i->tcpi_sacked = tp->lq ? (uint32_t)tp->lq->backlog : 0;
    } else {
        uint32_t mss = tp->c->mss_cache ? tp->c->mss_cache : TCP_MSS_DEFAULT;
        i->tcpi_unacked = (tp->c->snd_max - tp->c->snd_una + mss - 1) / mss;
        uint32_t sk = 0;
        for (unsigned k = 0; k < tp->c->nsacked; k++)
            sk += tp->c->sacked[k][1] - tp->c->sacked[k][0];
        i->tcpi_sacked = (sk + mss - 1) / mss;
    }
    i->tcpi_last_data_sent =
        tp->c->lsndtime ? (uint32_t)berth_div64(now - tp->c->lsndtime, 1000) : 0;
    i->tcpi_last_data_recv =
        tp->c->lrcvtime ? (uint32_t)berth_div64(now - tp->c->lrcvtime, 1000) : 0;
    i->tcpi_last_ack_recv =
        tp->c->rcv_tstamp ? (uint32_t)berth_div64(now - tp->c->rcv_tstamp, 1000) : 0;
    i->tcpi_pmtu = tcp_state(tp) == TCPS_CLOSE || !tp->inet.dport ? 0 : tcp_path_mtu(tp);
    i->tcpi_rcv_ssthresh = tp->c->rcv_wnd;
    i->tcpi_rtt = tp->c->srtt_us >> 3;
    i->tcpi_rttvar = tp->c->mdev_us >> 2;
    i->tcpi_snd_ssthresh = tp->c->ssthresh;
    i->tcpi_snd_cwnd = tp->c->cwnd;
    i->tcpi_advmss = tp->c->advmss;
    i->tcpi_reordering = 3;
    i->tcpi_rcv_space = tcp_rcv_space(tp);
    i->tcpi_total_retrans = tp->c->total_retrans;
    i->tcpi_pacing_rate = ~0ull;
    i->tcpi_max_pacing_rate = ~0ull;
    i->tcpi_bytes_acked = tp->c->bytes_acked;
    i->tcpi_bytes_received = tp->c->bytes_received;
    i->tcpi_segs_out = tp->c->segs_out;
    i->tcpi_segs_in = tp->c->segs_in;
    i->tcpi_notsent_bytes =
        seq_gt(tp->c->write_seq, tp->c->snd_nxt) ? tp->c->write_seq - tp->c->snd_nxt : 0;
    i->tcpi_min_rtt = tp->c->min_rtt_us ? tp->c->min_rtt_us : ~0u;
    i->tcpi_data_segs_in = tp->c->data_segs_in;
    i->tcpi_data_segs_out = tp->c->data_segs_out;
    i->tcpi_bytes_sent = tp->c->bytes_sent + tp->c->bytes_retrans;
    i->tcpi_bytes_retrans = tp->c->bytes_retrans;
    i->tcpi_rcv_ooopack = tp->c->rcv_ooopack;
    i->tcpi_snd_wnd = tp->c->snd_wnd;
    i->tcpi_rcv_wnd = tp->c->rcv_wnd;
    i->tcpi_rehash = tp->c->timeout_rehash; /* plb_rehash + timeout_rehash: no PLB */
}

#endif /* BERTH_WITH_TCP_INFO */

static bool keepalive_states(const struct tcp_sock *tp)
{
    return !(TCPF(tcp_state(tp)) & (TCPF(TCPS_CLOSE) | TCPF(TCPS_LISTEN)));
}

int tcp_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    struct tcp_sock *tp = tcp_sk(so);
    if (level == SOL_SOCKET) {
        inet_sync_node(&tp->inet);
        if (name == SO_KEEPALIVE && keepalive_states(tp))
            tcp_reset_keepalive(tp);
        return 0;
    }
    if (level == IPPROTO_IP)
        return ip_setsockopt(so, name, val, len);
    if (level != IPPROTO_TCP)
        return -ENOPROTOOPT;
    if (name == TCP_CONGESTION) {
        char cname[TCP_CA_NAME_MAX];
        if ((int)len < 1)
            return -EINVAL;
        size_t n = len < TCP_CA_NAME_MAX - 1 ? len : TCP_CA_NAME_MAX - 1;
        if (copy_from_user(cname, val, n))
            return -EFAULT;
        cname[n] = 0;
        const struct tcp_cc_ops *cc = tcp_cc_find(cname);
        if (!cc)
            return -ENOENT;
        if (cc != tp->cc) {
            tp->cc = cc;
            if (keepalive_states(tp))
                cc->init(tp);
        }
        return 0;
    }
    /* do_tcp_setsockopt: every other option here takes an int. */
    switch (name) {
    case TCP_NODELAY:
    case TCP_CORK:
    case TCP_MAXSEG:
    case TCP_KEEPIDLE:
    case TCP_KEEPINTVL:
    case TCP_KEEPCNT:
    case TCP_SYNCNT:
    case TCP_USER_TIMEOUT:
    case TCP_QUICKACK:
    case TCP_LINGER2:
    case TCP_DEFER_ACCEPT:
    case TCP_WINDOW_CLAMP:
    case TCP_NOTSENT_LOWAT:
    case TCP_INQ:
    case TCP_FASTOPEN:
    case TCP_FASTOPEN_CONNECT:
    case TCP_FASTOPEN_NO_COOKIE:
        break;
    default:
        return -ENOPROTOOPT;
    }
    int v;
    if (len < sizeof(int))
        return -EINVAL;
    if (copy_from_user(&v, val, sizeof(v)))
        return -EFAULT;
    switch (name) {
    case TCP_NODELAY:
        tp->nodelay = v != 0;
        if (tp->nodelay) {
            /* Linux (TCP_NAGLE_PUSH): setting TCP_NODELAY flushes what is
             * queued even under TCP_CORK or MSG_MORE ("forces an explicit
             * flush of pending output, even if TCP_CORK is currently set",
             * tcp(7)); data written later is corked again. */
            bool cork = tp->cork;
            tp->cork = false;
            tcp_push(tp, false);
            tp->cork = cork;
        }
        return 0;
    case TCP_CORK:
        tp->cork = v != 0;
        if (!tp->cork)
            tcp_push(tp, false);
        return 0;
    case TCP_MAXSEG:
        if (v && (v < TCP_MIN_MSS || v > MAX_TCP_WINDOW))
            return -EINVAL;
        tp->user_mss = v;
        return 0;
    case TCP_KEEPIDLE:
        if (v < 1 || v > MAX_TCP_KEEPIDLE)
            return -EINVAL;
        tp->keepidle = v;
        if (so->keepalive && keepalive_states(tp))
            tcp_reset_keepalive(tp);
        return 0;
    case TCP_KEEPINTVL:
        if (v < 1 || v > MAX_TCP_KEEPINTVL)
            return -EINVAL;
        tp->keepintvl = v;
        return 0;
    case TCP_KEEPCNT:
        if (v < 1 || v > MAX_TCP_KEEPCNT)
            return -EINVAL;
        tp->keepcnt = v;
        return 0;
    case TCP_SYNCNT:
        if (v < 1 || v > MAX_TCP_SYNCNT)
            return -EINVAL;
        tp->syncnt = v;
        return 0;
    case TCP_USER_TIMEOUT:
        if (v < 0)
            return -EINVAL;
        tp->user_timeout = (unsigned)v;
        return 0;
    case TCP_QUICKACK:
        /* __tcp_sock_set_quickack: 1 leaves pingpong mode, 0 enters it. */
        if (v && keepalive_states(tp)) {
            tp->c->pingpong = 0;
            tp->c->quick = TCP_MAX_QUICKACKS;
            if (tp->c->ack_pending & TCP_ACK_SCHED)
                tcp_send_ack(tp);
        } else if (!v && tcp_has_conn(tp)) {
            tp->c->pingpong = TCP_PINGPONG_THRESH;
        }
        return 0;
    case TCP_LINGER2:
        tp->linger2 = v < 0 ? -1 : v > TCP_FIN_TIMEOUT_MAX ? TCP_FIN_TIMEOUT_MAX : v;
        return 0;
    case TCP_DEFER_ACCEPT:
        return 0; /* accepted; connections are not deferred (docs/tcp.md) */
    case TCP_WINDOW_CLAMP:
        if (!v) {
            if (tcp_state(tp) != TCPS_CLOSE)
                return -EINVAL;
            tp->window_clamp = 0;
        } else {
            tp->window_clamp = v < SOCK_MIN_RCVBUF / 2 ? SOCK_MIN_RCVBUF / 2 : v;
        }
        return 0;
    case TCP_NOTSENT_LOWAT:
        return 0;
    case TCP_INQ:
        if (v < 0 || v > 1)
            return -EINVAL;
        tp->recvmsg_inq = v != 0;
        return 0;
    case TCP_FASTOPEN:
        /* fastopen_queue_tune: the server's queue, min(v, somaxconn).
         * Stored only: berth's listeners do not issue cookies. */
        if (v < 0 || !(TCPF(tcp_state(tp)) & (TCPF(TCPS_CLOSE) | TCPF(TCPS_LISTEN))))
            return -EINVAL;
        tp->fastopen_qlen = v < so->st->net.somaxconn ? v : so->st->net.somaxconn;
        return 0;
    case TCP_FASTOPEN_CONNECT:
        if (v < 0 || v > 1)
            return -EINVAL;
        if (!TCP_FASTOPEN_CLIENT(tcp_of(so->st)))
            return -EOPNOTSUPP;
        if (tcp_state(tp) != TCPS_CLOSE)
            return -EINVAL;
        tp->fastopen_connect = v != 0;
        return 0;
    case TCP_FASTOPEN_NO_COOKIE:
        if (v < 0 || v > 1 || !(TCPF(tcp_state(tp)) & (TCPF(TCPS_CLOSE) | TCPF(TCPS_LISTEN))))
            return -EINVAL;
        tp->fastopen_no_cookie = v != 0; /* no effect: berth has no cookie-less SYN data */
        return 0;
    }
    return -ENOPROTOOPT;
}

int tcp_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    struct tcp_sock *tp = tcp_sk(so);
    struct tcp_stack *ts = tcp_of(so->st);
    if (level == SOL_SOCKET)
        return name == SO_ACCEPTCONN ? (*(int *)val = tcp_state(tp) == TCPS_LISTEN, 0)
                                     : -ENOPROTOOPT;
    if (level == IPPROTO_IP)
        return ip_getsockopt(so, name, val, len);
    if (level != IPPROTO_TCP)
        return -EOPNOTSUPP;
    int ulen;
    if (copy_from_user(&ulen, len, sizeof(ulen)))
        return -EFAULT;
    if (ulen < 0)
        return -EINVAL;
#if BERTH_WITH_TCP_INFO
    if (name == TCP_INFO) {
        struct berth_tcp_info info;
        fill_info(tp, &info);
        socklen_t n = (socklen_t)ulen < sizeof(info) ? (socklen_t)ulen : sizeof(info);
        if (copy_to_user(len, &n, sizeof(n)) || copy_to_user(val, &info, n))
            return -EFAULT;
        return 0;
    }
#endif /* without it TCP_INFO is an unknown option: ENOPROTOOPT */
    if (name == TCP_CONGESTION) {
        char cname[TCP_CA_NAME_MAX] = {0};
        strncpy(cname, tp->cc->name, sizeof(cname) - 1);
        socklen_t n = (socklen_t)ulen < TCP_CA_NAME_MAX ? (socklen_t)ulen : TCP_CA_NAME_MAX;
        if (copy_to_user(len, &n, sizeof(n)) || copy_to_user(val, cname, n))
            return -EFAULT;
        return 0;
    }
    int v;
    switch (name) {
    case TCP_NODELAY:
        v = tp->nodelay;
        break;
    case TCP_CORK:
        v = tp->cork;
        break;
    case TCP_MAXSEG:
        v = tp->c->mss_cache;
        if (tp->user_mss && (TCPF(tcp_state(tp)) & (TCPF(TCPS_CLOSE) | TCPF(TCPS_LISTEN))))
            v = tp->user_mss;
        break;
    case TCP_KEEPIDLE:
        v = tcp_keepidle(tp);
        break;
    case TCP_KEEPINTVL:
        v = tcp_keepintvl(tp);
        break;
    case TCP_KEEPCNT:
        v = tcp_keepcnt(tp);
        break;
    case TCP_SYNCNT:
        v = tp->syncnt ? tp->syncnt : ts->syn_retries;
        break;
    case TCP_USER_TIMEOUT:
        v = (int)tp->user_timeout;
        break;
    case TCP_QUICKACK:
        v = !tcp_in_pingpong(tp->c);
        break;
    case TCP_LINGER2:
        v = tp->linger2;
        if (v >= 0)
            v = v ? v : ts->fin_timeout;
        break;
    case TCP_DEFER_ACCEPT:
        v = 0;
        break;
    case TCP_WINDOW_CLAMP:
        v = tp->window_clamp;
        break;
    case TCP_NOTSENT_LOWAT:
        v = 0;
        break;
    case TCP_INQ:
        v = tp->recvmsg_inq;
        break;
    case TCP_FASTOPEN:
        v = tp->fastopen_qlen;
        break;
    case TCP_FASTOPEN_CONNECT:
        v = tp->fastopen_connect;
        break;
    case TCP_FASTOPEN_NO_COOKIE:
        v = tp->fastopen_no_cookie;
        break;
    default:
        return -ENOPROTOOPT;
    }
    /* do_tcp_getsockopt: min(len, sizeof(int)) bytes, no single-byte form. */
    socklen_t n = (socklen_t)ulen < sizeof(int) ? (socklen_t)ulen : sizeof(int);
    if (copy_to_user(len, &n, sizeof(n)) || copy_to_user(val, &v, n))
        return -EFAULT;
    return 0;
}

#if BERTH_WITH_IPV6
int tcp6_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    if (level == IPPROTO_IPV6)
        return ipv6_setsockopt(so, name, val, len);
    return tcp_setsockopt(so, level, name, val, len);
}

int tcp6_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    if (level == IPPROTO_IPV6)
        return ipv6_getsockopt(so, name, val, len);
    if (level != SOL_SOCKET && level != IPPROTO_TCP && level != IPPROTO_IP)
        return -ENOPROTOOPT;
    return tcp_getsockopt(so, level, name, val, len);
}
#endif
