/* tcp_sock.c — the AF_INET / AF_INET6 SOCK_STREAM operations: Linux's
 * inet_stream_connect + tcp_v4_connect, inet_listen, inet_csk_accept,
 * tcp_sendmsg, tcp_recvmsg, inet_shutdown + tcp_shutdown, tcp_close,
 * tcp_disconnect, tcp_poll and tcp_ioctl, with the same checks in the same
 * order, so every call gives the errno Linux gives. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>

#include "bind/bind.h"
#include "ip/ip4.h"
#include "ip/ip_route.h"
#include "socket/sock_registry.h"
#include "tcp/tcp.h"

#define SHUTDOWN_MASK (RCV_SHUTDOWN | SEND_SHUTDOWN)

void tcp_wake(struct tcp_sock *tp) { sock_wake(tcp_bs(tp)); }

/* sock_wait, after running the input and timers already due: loopback
 * segments queued by this very call (a SYN, data) are processed first and
 * the caller re-checks its condition before blocking (stack_wait would
 * otherwise block after processing them without returning). */
static int tcp_wait(struct bsock *so, uint64_t deadline)
{
    struct berth_stack *st = so->st;
    if (!st->in_poll && (st->rxq.head || (st->timers && st->timers->when <= st_now(st)))) {
        stack_run_pending(st);
        return so->closed ? -EBADF : 0;
    }
    return sock_wait(so, deadline);
}

static int tcp_resolve_protocol(int protocol)
{
    if (protocol == 0 || protocol == IPPROTO_TCP)
        return IPPROTO_TCP;
    return -EPROTONOSUPPORT;
}

/* What tcp_init_sock gives a connection; tcp_conn_idle is the same. */
#define TCP_CONN_INIT                                                                              \
    .rto_us = TCP_TIMEOUT_INIT_US, .mdev_us = TCP_TIMEOUT_INIT_US, .cwnd = TCP_INIT_CWND,          \
    .ssthresh = 0x7fffffff, .mss_cache = TCP_MSS_DEFAULT, .advmss = TCP_MSS_DEFAULT,               \
    .reordering = 3, .rcv_mss = TCP_MSS_DEFAULT

const struct tcp_conn tcp_conn_idle = {TCP_CONN_INIT};

static void conn_init(struct tcp_sock *tp)
{
    struct tcp_conn *c = tp->c;
    c->rto_us = TCP_TIMEOUT_INIT_US;
    c->mdev_us = TCP_TIMEOUT_INIT_US;
    c->cwnd = TCP_INIT_CWND;
    c->ssthresh = 0x7fffffff;
    c->mss_cache = TCP_MSS_DEFAULT;
    c->advmss = TCP_MSS_DEFAULT;
    c->reordering = 3;
    c->rcv_mss = TCP_MSS_DEFAULT;
    tcp_timer_init(tp);
}

/* The connection's memory floors, on a fixed pool only (a platform with
 * alloc_reserve: malloc does not run out, and there an idle connection
 * holds no buffer memory). Linux guarantees every socket tcp_rmem[0] and
 * tcp_wmem[0] bytes under memory pressure (__sk_mem_raise_allocated, and
 * sk_forced_mem_schedule for the segment an empty receive queue needs)
 * because its memory is not a hard cap; an arena is, so the guarantee is
 * memory the connection owns: without it, connections whose queues hold
 * the arena (not yet accepted, or their reader busy) starve the others of
 * the few hundred contiguous bytes a segment needs, and nothing ever frees
 * (docs/porting.md, "Floors"). Admission control: no floors, no
 * connection. */
static int conn_floors(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    if (!st->plat.alloc_reserve)
        return 0;
    /* On failure a floor already had stays: the caller frees a new
     * connection whole, and an old one lets it go with its queues. */
    if ((BERTH_TCP_RMEM_FLOOR && tcp_bufq_floor_get(st, &tp->c->rcvq, BERTH_TCP_RMEM_FLOOR)) ||
        (BERTH_TCP_WMEM_FLOOR && tcp_bufq_floor_get(st, &tp->c->sndq, BERTH_TCP_WMEM_FLOOR)))
        return -ENOBUFS;
    return 0;
}

static void conn_floors_put(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    tcp_bufq_floor_put(st, &tp->c->sndq);
    tcp_bufq_floor_put(st, &tp->c->rcvq);
}

int tcp_conn_get(struct tcp_sock *tp)
{
    if (tcp_has_conn(tp))
        return conn_floors(tp); /* a connection again after free_queues */
    struct tcp_conn *c = st_zalloc(tcp_st(tp), sizeof(*c));
    if (!c)
        return -ENOBUFS;
    c->tp = tp;
    tp->c = c;
    if (conn_floors(tp)) {
        conn_floors_put(tp);
        st_free(tcp_st(tp), c);
        tp->c = (struct tcp_conn *)&tcp_conn_idle;
        return -ENOBUFS;
    }
    conn_init(tp);
    return 0;
}

void tcp_conn_put(struct tcp_sock *tp)
{
    if (!tcp_has_conn(tp))
        return;
    struct berth_stack *st = tcp_st(tp);
    tcp_timer_stop_all(tp);
    conn_floors_put(tp);
    tcp_bufq_purge(st, &tp->c->ooq);
    st_free(st, tp->c);
    tp->c = (struct tcp_conn *)&tcp_conn_idle;
}

/* tcp_init_sock (the connection's part is conn_init). */
static void init_common(struct tcp_sock *tp)
{
    struct tcp_stack *ts = tcp_of(tcp_st(tp));
    tp->sstate = SS_UNCONNECTED;
    tp->cc = ts->cc_default;
    if (tcp_has_conn(tp))
        conn_init(tp);
}

static int tcp_init(struct bsock *so)
{
    struct tcp_sock *tp = tcp_sk(so);
    struct tcp_stack *ts = tcp_of(so->st);
    inet_sock_init(&tp->inet);
    tp->c = (struct tcp_conn *)&tcp_conn_idle;
    /* keepidle / keepintvl / keepcnt 0: the sysctls at the time of use */
    /* net.ipv4.tcp_wmem[1] / tcp_rmem[1], not the core defaults. */
    so->sndbuf = ts->wmem[1];
    so->rcvbuf = ts->rmem[1];
    init_common(tp);
    return 0;
}

/* ---- lifetime ---- */

static void free_queues(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    if (!tcp_has_conn(tp))
        return;
    /* Done with data: the floors go too (tcp_conn_get takes them again
     * for a new connection). */
    conn_floors_put(tp);
    tcp_bufq_purge(st, &tp->c->ooq);
    tp->c->snd_hint = NULL;
}

void tcp_req_drop(struct berth_stack *st, struct tcp_req *req)
{
    struct tcp_listen *lq = req->listener->lq;
    tcp_eh_remove(st, &req->eh);
    timer_cancel(st, &req->timer);
    if (lq) {
        for (struct tcp_req **pp = &lq->synq; *pp; pp = &(*pp)->qnext)
            if (*pp == req) {
                *pp = req->qnext;
                lq->qlen--;
                break;
            }
    }
    st_free(st, req);
}

static bool need_reset(int state)
{
    return TCPF(state) & (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_CLOSE_WAIT) | TCPF(TCPS_FIN_WAIT1) |
                          TCPF(TCPS_FIN_WAIT2) | TCPF(TCPS_SYN_RECV));
}

/* A connection that will never be accepted (its listener closed). */
static void child_forget(struct tcp_sock *c)
{
    c->parent = NULL;
    if (need_reset(tcp_state(c)))
        tcp_send_active_rst(c);
    tcp_done(c);
    free_queues(c);
    inet_unhash(&c->inet);
    sock_put(tcp_bs(c));
}

/* inet_csk_listen_stop. */
void tcp_listen_stop(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    struct tcp_listen *lq = tp->lq;
    if (!lq)
        return;
    while (lq->synq)
        tcp_req_drop(st, lq->synq);
    struct tcp_sock *c;
    while ((c = lq->acc_head)) {
        lq->acc_head = c->acc_next;
        lq->acc_len--;
        c->acc_next = NULL;
        child_forget(c);
    }
    lq->acc_tail = NULL;
    st_free(st, lq);
    tp->lq = NULL;
    tp->inet.bnode.listening = false;
}

/* Everything a socket holds, at once (stack teardown). */
void tcp_destroy(struct tcp_sock *tp)
{
    if (tcp_state(tp) == TCPS_LISTEN) {
        tcp_set_state(tp, TCPS_CLOSE);
        tcp_listen_stop(tp);
    }
    if (tcp_state(tp) != TCPS_CLOSE)
        tcp_set_state(tp, TCPS_CLOSE);
    tcp_timer_stop_all(tp);
    free_queues(tp);
    inet_unhash(&tp->inet);
    if (tp->orphan) {
        tp->orphan = false;
        tcp_of(tcp_st(tp))->orphans--;
        sock_put(tcp_bs(tp));
    }
}

/* tcp_close_state: the state after a close or SHUT_WR, and whether a FIN
 * goes out. */
static bool close_state(struct tcp_sock *tp)
{
    int next;
    bool fin = false;
    switch (tcp_state(tp)) {
    case TCPS_SYN_RECV:
    case TCPS_ESTABLISHED:
        next = TCPS_FIN_WAIT1;
        fin = true;
        break;
    case TCPS_CLOSE_WAIT:
        next = TCPS_LAST_ACK;
        fin = true;
        break;
    case TCPS_SYN_SENT:
    case TCPS_TIME_WAIT:
    case TCPS_LISTEN:
    case TCPS_CLOSE:
        next = TCPS_CLOSE;
        break;
    default:
        return false; /* FIN_WAIT1/2, CLOSING, LAST_ACK: nothing changes */
    }
    if (next == TCPS_CLOSE) {
        tcp_done(tp);
        return false;
    }
    tcp_set_state(tp, next);
    return fin;
}

void tcp_shutdown_send(struct tcp_sock *tp)
{
    if ((TCPF(tcp_state(tp)) &
         (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_SYN_RECV) | TCPF(TCPS_CLOSE_WAIT))) &&
        close_state(tp))
        tcp_send_fin(tp);
}

/* tcp_disconnect: the ABORT of RFC 9293 (connect(AF_UNSPEC), SO_LINGER 0,
 * shutdown of a connecting socket). The socket can connect again. */
int tcp_disconnect(struct tcp_sock *tp)
{
    struct bsock *so = tcp_bs(tp);
    struct inet_sock *in = &tp->inet;
    int old = tcp_state(tp);
    /* The RST goes out before CLOSE gives an automatic port back. */
    bool rst =
        old != TCPS_LISTEN &&
        (need_reset(old) || (tp->c->snd_nxt != tp->c->write_seq + (tp->fin_queued ? 1u : 0u) &&
                             (TCPF(old) & (TCPF(TCPS_CLOSING) | TCPF(TCPS_LAST_ACK)))));
    if (rst)
        tcp_send_active_rst(tp);
    if (old != TCPS_CLOSE)
        tcp_set_state(tp, TCPS_CLOSE);
    if (old == TCPS_LISTEN)
        tcp_listen_stop(tp);
    else if (rst || old == TCPS_SYN_SENT)
        so->so_error = ECONNRESET;
    tcp_timer_stop_all(tp);
    free_queues(tp);
    in->dport = 0;
    in->daddr.s_addr = 0;
    inet6_forget(in, true, !in->bindaddr_lock);
    if (!in->bindaddr_lock) {
        in->saddr.s_addr = 0;
        in->bnode.addr.s_addr = 0;
    }
    so->shut = 0;
    tp->done = tp->fin_queued = false;
    tp->conn_bound = false;
    if (tcp_has_conn(tp)) {
        tp->c->ts_recent = tp->c->ts_recent_stamp = 0;
        tp->c->srtt_us = tp->c->mdev_max_us = tp->c->rttvar_us = 0;
        tp->c->snd_una = tp->c->snd_nxt = tp->c->snd_max = tp->c->write_seq = 0;
        tp->c->rcv_nxt = tp->c->copied_seq = tp->c->rcv_wnd = tp->c->rcv_wup = 0;
        tp->c->snd_wnd = tp->c->max_window = 0;
        tp->c->backoff = tp->c->retransmits = tp->c->probes_out = 0;
        tp->c->nsacked = 0;
        /* inet_csk_delack_init: the delayed-ACK engine starts afresh (ato
         * 0 until data arrives, so the first send is never a "reply"). */
        tp->c->pingpong = 0;
        tp->c->ato_us = 0;
        tp->c->quick = 0;
        tp->c->dupacks = 0;
        tp->c->ca_state = TCPCA_OPEN;
    }
    tp->tlp_out = false;
    tp->ts_ok = tp->sack_ok = tp->wscale_ok = false;
    tcp_fastopen_clear(tp); /* tcp_free_fastopen_req */
    init_common(tp);
    tp->sstate = SS_UNCONNECTED;
    tcp_wake(tp);
    return 0;
}

/* tcp_close. */
static void tcp_release(struct bsock *so)
{
    struct tcp_sock *tp = tcp_sk(so);
    struct berth_stack *st = so->st;
    so->shut = SHUTDOWN_MASK;
    int state = tcp_state(tp);
    if (state == TCPS_LISTEN) {
        tcp_set_state(tp, TCPS_CLOSE);
        tcp_listen_stop(tp);
        inet_unhash(&tp->inet);
        return;
    }
    uint32_t unread = tp->c->rcvq.bytes;
    if (tcp_has_conn(tp)) {
        tcp_bufq_purge(st, &tp->c->rcvq);
        tcp_bufq_purge(st, &tp->c->ooq);
    }
    if (state == TCPS_CLOSE) {
        tcp_timer_stop_all(tp);
        free_queues(tp);
        inet_unhash(&tp->inet);
        return;
    }
    if (unread) {
        /* Unread data is lost: tell the peer with a RST (RFC 2525). */
        SNMP_INC(st, TcpExt, TCPAbortOnClose);
        tcp_send_active_rst(tp);
        tcp_done(tp);
    } else if (sock_opt(so)->linger.l_onoff && !sock_opt(so)->linger.l_linger) {
        SNMP_INC(st, TcpExt, TCPAbortOnLinger);
        tcp_disconnect(tp);
    } else if (close_state(tp)) {
        tcp_send_fin(tp);
    }
    if (sock_opt(so)->linger.l_onoff && sock_opt(so)->linger.l_linger > 0) {
        /* sk_stream_wait_close: until the FIN is acknowledged or the
         * linger time is over (even for a non-blocking socket). */
        uint64_t deadline = st_now(st) + (uint64_t)sock_opt(so)->linger.l_linger * 1000000u;
        sock_hold(so);
        while (TCPF(tcp_state(tp)) &
               (TCPF(TCPS_FIN_WAIT1) | TCPF(TCPS_CLOSING) | TCPF(TCPS_LAST_ACK))) {
            if (!st->in_poll && (st->rxq.head || (st->timers && st->timers->when <= st_now(st)))) {
                stack_run_pending(st);
                continue;
            }
            int rc = stack_wait(st, deadline);
            if (rc == ETIMEDOUT || rc == EDEADLK)
                break;
        }
        sock_put(so);
    }
    state = tcp_state(tp);
    if (state == TCPS_CLOSE) {
        tcp_timer_stop_all(tp);
        free_queues(tp);
        inet_unhash(&tp->inet);
        return;
    }
    /* The connection goes on without its descriptor. */
    tp->orphan = true;
    tcp_of(st)->orphans++;
    sock_hold(so);
    if (state == TCPS_FIN_WAIT2) {
        if (tp->linger2 < 0) {
            tcp_send_active_rst(tp);
            tcp_done(tp);
            return;
        }
        uint32_t tmo = tcp_fin_time_ms(tp);
        if (tmo > TCP_TIMEWAIT_LEN_MS)
            tcp_timer_set(tp, TCP_T_KEEP,
                          st_now(st) + (uint64_t)(tmo - TCP_TIMEWAIT_LEN_MS) * 1000u);
        else
            tcp_time_wait(tp, TCPS_FIN_WAIT2, tmo);
    }
}

/* The last reference: the connection goes with the socket. */
static void tcp_destruct(struct bsock *so) { tcp_conn_put(tcp_sk(so)); }

/* ---- passive open ---- */

struct tcp_sock *tcp_child_create(struct tcp_sock *l, struct tcp_req *req,
                                  const struct tcp_seg *seg)
{
    struct berth_stack *st = tcp_st(l);
    struct tcp_listen *lq = l->lq;
    if (lq->acc_len > (unsigned)lq->backlog) {
        SNMP_INC(st, TcpExt, ListenOverflows);
        SNMP_INC(st, TcpExt, ListenDrops);
        return NULL;
    }
    struct bsock *ls = tcp_bs(l);
    struct bsock *so = sock_alloc(st, so_ops(ls), ls->protocol);
    if (!so) {
        SNMP_INC(st, TcpExt, ListenDrops);
        return NULL;
    }
    struct tcp_sock *tp = tcp_sk(so);
    /* The connection's state, allocated with the socket (counted as an
     * allocation failure of the socket). */
    if (tcp_conn_get(tp)) {
        sock_put(so);
        SNMP_INC(st, TcpExt, ListenDrops);
        return NULL;
    }
    /* sk_clone_lock: the socket options come from the listener. */
    if (sock_inherit(so, ls)) {
        sock_put(so);
        SNMP_INC(st, TcpExt, ListenDrops);
        return NULL;
    }
    /* sk_clone_lock copies sk_shutdown too: bits a failed shutdown()
     * recorded before listen() act on every child (tcp_rcv_state_process
     * sends the FIN of a SHUT_WR once the handshake completes). */
    so->shut = ls->shut;
    struct inet_sock *in = &tp->inet;
    const struct inet_sock *lin = &l->inet;
    inet_sock_init(in);
    in->tos = lin->tos;
    in->uc_ttl = lin->uc_ttl;
    in->freebind = lin->freebind;
    in->recverr = lin->recverr;
    in->pktinfo = lin->pktinfo;
    in->recvttl = lin->recvttl;
    in->recvtos = lin->recvtos;
    in->pmtudisc = lin->pmtudisc;
    /* The address lock is inherited, the port lock is not: an accepted
     * socket whose connection ends (RST, TIME_WAIT, connect(AF_UNSPEC))
     * gives the listener's port back, so another socket can bind it once
     * the listener is gone (what Linux 6.x does: conformance
     * tcp_child_port_release). */
    in->bindport_lock = false;
    in->bindaddr_lock = lin->bindaddr_lock;
    in->bnode.v6only = lin->bnode.v6only;
    in->dport = req->eh.rport;
    if (sock_family(so) == AF_INET6) {
        /* tcp_v6_syn_recv_sock: the IPv6 options are the listener's
         * (memcpy(newnp, np)), the addresses the connection's. A field
         * owning memory added to inet6_info must be cleared here, as
         * Linux clears ipv6_mc_list, opt and pktoptions. */
        struct inet6_info *np = inet6_info(in);
        *np = *inet6_info((struct inet_sock *)lin);
        memset(&np->rcv_saddr, 0, sizeof(np->rcv_saddr));
        memset(&np->saddr, 0, sizeof(np->saddr));
        memset(&np->daddr, 0, sizeof(np->daddr));
    }
    if (req->eh.v6) { /* a native IPv6 request: only an AF_INET6 listener takes one */
        struct inet6_info *np = inet6_info(in);
        np->rcv_saddr = np->saddr = req->addr6[0];
        np->daddr = req->addr6[1];
        in->bnode.addr.s_addr = TCP_LOOPBACK4_IPV6;
#if BERTH_WITH_IPV6
        /* A link-local peer's interface becomes the child's device
         * (ir_iif), so its name carries the scope id. */
        if (!sock_bound_if(so) && inet6_needs_scope_id(&np->daddr) && req->ifindex &&
            sock_set_bound_if(so, req->ifindex)) {
            sock_put(so);
            SNMP_INC(st, TcpExt, ListenDrops);
            return NULL;
        }
#endif
    } else {
        in->bnode.addr = req->laddr;
        in->saddr = req->laddr;
        in->daddr = req->eh.raddr;
        if (sock_family(so) == AF_INET6)
            inet6_mapped_connected(in);
    }
    inet_sync_node(in);
    if (bind_add_owner(st, st->tcp_bind, &in->bnode, inet_num(lin))) {
        sock_put(so);
        return NULL;
    }
    init_common(tp);
    tp->nodelay = l->nodelay;
    tp->cork = l->cork;
    tp->user_mss = l->user_mss;
    tp->keepidle = l->keepidle;
    tp->keepintvl = l->keepintvl;
    tp->keepcnt = l->keepcnt;
    tp->syncnt = l->syncnt;
    tp->user_timeout = l->user_timeout;
    tp->linger2 = l->linger2;
    tp->window_clamp = l->window_clamp;
    tp->fastopen_connect = l->fastopen_connect; /* sock_copy; not TCP_FASTOPEN's queue */
    tp->fastopen_no_cookie = l->fastopen_no_cookie;
    tp->cc = l->cc;
    tp->sstate = SS_CONNECTED;
    /* tcp_create_openreq_child: the handshake's state. */
    tp->c->iss = req->iss;
    tp->c->irs = req->irs;
    tp->c->snd_una = req->iss;
    tp->c->snd_nxt = tp->c->snd_max = req->iss + 1;
    tp->c->write_seq = tp->c->snd_sml = req->iss + 1;
    tp->c->rcv_nxt = tp->c->copied_seq = tp->c->rcv_wup = req->irs + 1;
    uint32_t w = tcp_rcv_space(tp);
    tp->c->rcv_wnd = w > 65535 ? 65535 : w;
    tp->ts_ok = TCP_TS(req->ts_ok);
    tp->c->ts_recent = req->ts_recent;
    tp->c->ts_recent_stamp = TCP_TS(tp->ts_ok) ? (uint32_t)berth_div64(st_now(st), 1000000) : 0;
    tp->c->ts_off = req->ts_off;
    /* tcp_create_openreq_child: the SYN-ACK's txhash goes on (a SYN
     * cookie's request has none: cookie_tcp_reqsk_alloc makes one) */
    tp->c->txhash = req->txhash ? req->txhash : tcp_txhash(st, req->iss, req->irs);
    tp->sack_ok = TCP_SACK(req->sack_ok);
    tp->wscale_ok = TCP_WS(req->wscale_ok);
    tp->c->snd_wscale = req->snd_wscale;
    tp->c->rcv_wscale = req->rcv_wscale;
    tp->c->mss_clamp = req->mss_clamp;
    if (tp->user_mss && tp->c->mss_clamp > tp->user_mss)
        tp->c->mss_clamp = (uint16_t)tp->user_mss;
    unsigned mtu = tcp_path_mtu(tp);
    tp->c->advmss = tcp_advmss(tp, mtu, req->eh.v6);
    tcp_sync_mss(tp, mtu);
    tp->c->rcv_mss = tp->c->mss_cache < TCP_MSS_DEFAULT ? tp->c->mss_cache : TCP_MSS_DEFAULT;
    /* tcp_synack_rtt_meas: the handshake gives the first RTT sample, timed
     * from the SYN-ACK (if it was not retransmitted), with or without
     * timestamps; the final ACK takes it (tcp_rcv, SYN_RECV). */
    if (req->snt_synack && !req->retrans) {
        uint64_t now = st_now(st);
        tp->rtt_timing = true;
        tp->c->rtt_seq = tp->c->snd_nxt;
        tp->c->rtt_start = now - (uint32_t)((uint32_t)now - req->snt_synack);
    }
    tp->inet.state = TCPS_SYN_RECV;
    tp->was_conn = true;
    tcp_eh_hash_sock(tp);
    (void)seg;
    return tp;
}

/* __inet_bind / __inet6_bind set inet_sport from the new port, also when
 * IP_BIND_ADDRESS_NO_PORT leaves it 0: the old port is forgotten. */
static int tcp4_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    int rc = inet_bind(so, sa, len);
    if (rc == 0)
        tcp_sk(so)->old_sport = 0;
    return rc;
}

#if BERTH_WITH_IPV6
static int tcp6_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    int rc = inet6_bind(so, sa, len);
    if (rc == 0)
        tcp_sk(so)->old_sport = 0;
    return rc;
}
#endif

/* inet_listen. */
static int tcp_listen(struct bsock *so, int backlog)
{
    struct tcp_sock *tp = tcp_sk(so);
    struct inet_sock *in = &tp->inet;
    struct berth_stack *st = so->st;
    if (tp->sstate != SS_UNCONNECTED)
        return -EINVAL;
    int old = tcp_state(tp);
    if (!(TCPF(old) & (TCPF(TCPS_CLOSE) | TCPF(TCPS_LISTEN))))
        return -EINVAL;
    if (old != TCPS_LISTEN) {
        /* inet_csk_listen_start: LISTEN first, then the port is checked
         * again (two SO_REUSEADDR sockets may share a port, only one may
         * listen on it) or chosen. */
        struct tcp_listen *lq = st_zalloc(st, sizeof(*lq));
        if (!lq)
            return -ENOBUFS;
        inet_sync_node(in);
        in->bnode.listening = true;
        int rc;
        if (inet_num(in)) {
            rc = bind_conflict(inet_table(in), &in->bnode, inet_num(in)) ? -EADDRINUSE : 0;
        } else {
            struct bind_req req;
            inet_bind_req(in, false, &req);
            rc = bind_get_port(st, inet_table(in), &in->bnode, 0, &req) ? -EADDRINUSE : 0;
        }
        if (!rc && tp->was_conn) {
            /* A socket that was connecting or connected (or was accepted)
             * cannot listen, even once closed again: Linux 6.x fails
             * inet_csk_listen_start() with EINVAL after get_port() chose
             * or checked the port, and inet_sk_set_state(TCP_CLOSE) keeps
             * that port bound (conformance tcp_listen_connect_past). This
             * is the rule as the 6.18 oracle shows it; which check in
             * inet_csk_listen_start / inet_hash gives the EINVAL was not
             * pinned down in the source. */
            rc = -EINVAL;
        }
        if (rc) {
            in->bnode.listening = false;
            st_free(st, lq);
            return rc;
        }
        tp->was_listen = true;
        tp->lq = lq;
        tcp_set_state(tp, TCPS_LISTEN);
    }
    tp->lq->backlog = backlog;
    return 0;
}

/* inet_csk_accept. Blocking follows the listener's own O_NONBLOCK only:
 * accept4()'s SOCK_NONBLOCK is for the new socket (the socket layer passes
 * it in `flags` too, where it cannot be told from O_NONBLOCK). */
static int tcp_accept(struct bsock *so, struct bsock **child, int flags)
{
    struct tcp_sock *tp = tcp_sk(so);
    flags = (so->fl & SOCKF_NONBLOCK) ? O_NONBLOCK : 0;
    if (tcp_state(tp) != TCPS_LISTEN)
        return -EINVAL;
    uint64_t deadline = sock_deadline(so, true);
    while (!tp->lq->acc_head) {
        if (flags & O_NONBLOCK)
            return -EAGAIN;
        int rc = tcp_wait(so, deadline);
        if (rc)
            return rc;
        if (tcp_state(tp) != TCPS_LISTEN)
            return -EINVAL;
    }
    struct tcp_listen *lq = tp->lq;
    struct tcp_sock *c = lq->acc_head;
    lq->acc_head = c->acc_next;
    if (!lq->acc_head)
        lq->acc_tail = NULL;
    lq->acc_len--;
    c->acc_next = NULL;
    c->parent = NULL;
    c->sstate = SS_CONNECTED;
    *child = tcp_bs(c);
    return 0;
}

/* ---- active open ---- */

static void connect_start(struct tcp_sock *tp);

static int tcp_v4_connect(struct tcp_sock *tp, const struct sockaddr_in *sin)
{
    struct inet_sock *in = &tp->inet;
    struct bsock *so = &in->sk;
    struct berth_stack *st = so->st;
    struct in_addr dst = sin->sin_addr;
    /* "connect to this host": the socket's own source address, else
     * 127.0.0.1 (ip_route_output_key_hash_rcu). */
    if (dst.s_addr == INADDR_ANY)
        dst.s_addr = in->saddr.s_addr ? in->saddr.s_addr : htonl(INADDR_LOOPBACK);
    struct ip_route_res rt;
    if (ip4_route_source(st, dst, in->saddr, &rt)) {
        SNMP_INC(st, Ip, OutNoRoutes); /* as the kernel counts it (seen on 6.18) */
        return -ENETUNREACH;
    }
    if (ip4_is_multicast(dst) || ip4_is_bcast(st, dst))
        return -ENETUNREACH;
    struct in_addr src = rt.src;
    /* The connection's state, before anything changes (Linux allocates
     * the SYN's skb here: ENOBUFS when it cannot). */
    if (tcp_conn_get(tp))
        return -ENOBUFS;
    if (!in->saddr.s_addr) {
        /* inet_bhash2_update_saddr(AF_INET) -> sk_rcv_saddr_set: the
         * route's source becomes the bound address too, in both views,
         * whatever the bound address was (an AF_INET6 socket left bound to
         * [::1] by a failed native connect, difffuzz seed 34903); the
         * IPv6 view is refilled from the IPv4 one by
         * inet6_mapped_connected. */
        in->saddr = src;
        in->bnode.addr = src;
        inet6_forget(in, false, true);
    }
    if (tp->c->ts_recent_stamp && in->daddr.s_addr != dst.s_addr) {
        tp->c->ts_recent = tp->c->ts_recent_stamp = 0;
        tp->c->write_seq = 0;
    }
    /* A socket that once listened cannot connect (Linux 6.x fails
     * connect() with EINVAL after the address and route checks, also
     * after shutdown(SHUT_RD) or connect(AF_UNSPEC) stopped the listener
     * and after another listen() on it; conformance tcp_listen_connect_past).
     * Observed on the 6.18 oracle (the source line was not pinned down):
     * an automatic address and port go back, an address lock keeps the
     * route's source. */
    if (tp->was_listen) {
        /* An automatic address and port go back as on any failed
         * connect (tcp_v4_connect's failure path). */
        if (!in->bindaddr_lock) {
            in->saddr.s_addr = 0;
            in->bnode.addr.s_addr = 0;
        } else if (sock_family(so) == AF_INET6) {
            /* the route's source stays, in the IPv6 view too
             * (sk_rcv_saddr_set writes both) */
            inet6_mapped_connected(in);
        }
        if (!in->bindport_lock && inet_num(in)) {
            tp->old_sport = inet_num(in);
            inet_unhash(in);
        }
        return -EINVAL;
    }
    in->daddr = dst;
    in->dport = sin->sin_port;
    tp->c->mss_clamp = tp->user_mss ? (uint16_t)tp->user_mss : TCP_MSS_DEFAULT;
    tp->c->write_seq = 0;
    tcp_set_state(tp, TCPS_SYN_SENT);
    int rc = tcp_hash_connect(tp);
    if (rc) {
        tcp_set_state(tp, TCPS_CLOSE);
        in->dport = 0;
        in->daddr.s_addr = 0;
        if (!in->bindaddr_lock) {
            in->saddr.s_addr = 0;
            in->bnode.addr.s_addr = 0;
        } else if (sock_family(so) == AF_INET6) {
            inet6_mapped_connected(in);
        }
        return rc;
    }
    tp->was_conn = true;
    if (sock_family(so) == AF_INET6)
        inet6_mapped_set(in); /* a [::1] left by a native connect too (seed 41404) */
    /* tcp_connect_init */
    union inet_addr la = inet_addr_from4(in->saddr), ra = inet_addr_from4(in->daddr);
    tp->c->iss =
        tp->c->write_seq ? tp->c->write_seq : tcp_isn(st, &la, htons(inet_num(in)), &ra, in->dport);
    struct tcp_stack *ts = tcp_of(st);
    tp->c->ts_off = TCP_TS(ts->timestamps) == 1 ? tcp_ts_offset(st, &la, &ra) : 0;
    tp->c->advmss = tcp_advmss(tp, rt.mtu, false);
    tp->ts_ok = TCP_TS(ts->timestamps) != 0;
    tcp_sync_mss(tp, rt.mtu);
    tp->ts_ok = false;
    connect_start(tp);
    return 0;
}

/* The rest of tcp_connect_init and tcp_connect, for either family: the
 * ISN, advmss and mss_cache are set; send the SYN. */
static void connect_start(struct tcp_sock *tp)
{
    struct bsock *so = tcp_bs(tp);
    struct berth_stack *st = so->st;
    struct tcp_stack *ts = tcp_of(st);
    tp->c->rcv_wscale = TCP_WS(ts->window_scaling) ? tcp_pick_wscale(tp) : 0;
    tp->c->snd_wscale = 0;
    tp->c->snd_una = tp->c->iss;
    tp->c->snd_nxt = tp->c->snd_max = tp->c->iss + 1;
    tp->c->write_seq = tp->c->snd_sml = tp->c->iss + 1;
    tp->c->snd_wnd = 0;
    tp->c->rcv_nxt = tp->c->rcv_wup = tp->c->copied_seq = 0;
    tp->c->rcv_mss = TCP_MSS_DEFAULT;
    tp->c->backoff = tp->c->retransmits = 0;
    tp->c->rto_us = TCP_TIMEOUT_INIT_US;
    /* sk_set_txhash (tcp_v4_connect / tcp_v6_connect) */
    tp->c->txhash =
        tcp_txhash(st, tp->c->iss, (uint32_t)inet_num(&tp->inet) << 16 | tp->inet.dport);
    tp->c->timeout_rehash = 0;
    /* tcp_connect_init: a pending error of an earlier attempt (a refusal
     * nobody read, connect(AF_UNSPEC)'s ECONNRESET) goes with SOCK_DONE. */
    so->so_error = 0;
    tp->done = tp->fin_queued = false;
    SNMP_INC(st, Tcp, ActiveOpens);
    if (!TCP_TS(ts->timestamps)) {
        tp->rtt_timing = true;
        tp->c->rtt_start = st_now(st);
        tp->c->rtt_seq = tp->c->iss + 1;
    }
    /* tcp_fastopen_defer_connect: with no cookie the connect goes on, its
     * SYN asking for one. */
    if (tp->fastopen_connect)
        tp->fastopen_req = true;
    tcp_fastopen_syn_init(tp);
    tcp_send_syn(tp);
    tcp_rearm_rto(tp);
}

#if BERTH_WITH_IPV6
/* tcp_v6_connect's checks, in its order: the length and family; [::]
 * means the loopback of the socket's kind (::ffff:127.0.0.1 when it is
 * bound to a v4-mapped address, else ::1); multicast is ENETUNREACH; a
 * link-local peer takes the scope id as the socket's device (EINVAL if
 * another device is bound) and needs one; a v4-mapped peer is IPv4
 * (ENETUNREACH on an IPV6_V6ONLY socket), filled into *out; else *dst6 is
 * the native IPv6 peer and *native is set. */
static int v6_dest(struct tcp_sock *tp, const struct sockaddr *sa, socklen_t len,
                   struct sockaddr_in *out, struct in6_addr *dst6, bool *native)
{
    struct bsock *so = tcp_bs(tp);
    struct sockaddr_in6 sin6;
    *native = false;
    if (len < 24)
        return -EINVAL;
    memset(&sin6, 0, sizeof(sin6));
    memcpy(&sin6, sa, len < sizeof(sin6) ? len : sizeof(sin6));
    if (sin6.sin6_family != AF_INET6)
        return -EAFNOSUPPORT;
    /* IP6_ECN_flow_init: without the ECN bits of the traffic class */
    uint32_t flowinfo = inet6_info(&tp->inet)->sndflow
                            ? sin6.sin6_flowinfo & IPV6_FLOWINFO_MASK & ~htonl(3u << 20)
                            : 0;
    memset(out, 0, sizeof(*out));
    out->sin_family = AF_INET;
    out->sin_port = sin6.sin6_port; /* native too: the caller's port */
    struct in6_addr *a = &sin6.sin6_addr;
    if (IN6_IS_ADDR_UNSPECIFIED(a)) {
        if (IN6_IS_ADDR_V4MAPPED(bind_node_addr6(&tp->inet.bnode))) {
            a->s6_addr[10] = a->s6_addr[11] = 0xff;
            a->s6_addr[12] = 127;
            a->s6_addr[15] = 1;
        } else {
            a->s6_addr[15] = 1;
        }
    }
    if (IN6_IS_ADDR_MULTICAST(a))
        return -ENETUNREACH;
    if (IN6_IS_ADDR_LINKLOCAL(a)) {
        if (len >= sizeof(sin6) && sin6.sin6_scope_id) {
            /* sk_dev_equal_l3scope: a bound device must be the same */
            if (sock_bound_if(so) && sock_bound_if(so) != sin6.sin6_scope_id)
                return -EINVAL;
            if (sock_set_bound_if(so, sin6.sin6_scope_id))
                return -ENOMEM;
        }
        if (!sock_bound_if(so))
            return -EINVAL;
    }
    /* np->flow_label: the flow information less the version and ECN bits with
     * IPV6_FLOWINFO_SEND (a label needs no lease: fl6_sock_lookup finds
     * none to check while no exclusive lease exists), else 0; kept for
     * a v4-mapped peer too, and getpeername reports it. */
    inet6_info(&tp->inet)->flow_label = flowinfo;
    if (!IN6_IS_ADDR_V4MAPPED(a)) {
        *dst6 = *a;
        *native = true;
        return 0;
    }
    if (tp->inet.bnode.v6only)
        return -ENETUNREACH;
    memcpy(&out->sin_addr, &a->s6_addr[12], 4);
    return 0;
}

#endif

/* __inet_stream_connect: sa is NULL for sendto(MSG_FASTOPEN) without an
 * address; nonblock is the file's flag or, from sendmsg, MSG_DONTWAIT. */
static int stream_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len, bool nonblock)
{
    struct tcp_sock *tp = tcp_sk(so);
    if (sa && len < sizeof(sa->sa_family))
        return -EINVAL;
    if (sa && sa->sa_family == AF_UNSPEC) {
        int rc = tcp_disconnect(tp);
        tp->sstate = rc ? SS_DISCONNECTING : SS_UNCONNECTED;
        return rc;
    }
    int err;
    switch (tp->sstate) {
    case SS_CONNECTED:
        return -EISCONN;
    case SS_CONNECTING:
        err = -EALREADY;
        break;
    case SS_UNCONNECTED: {
        if (tcp_state(tp) != TCPS_CLOSE)
            return -EISCONN;
        struct sockaddr_in sin;
        bool native = false;
#if BERTH_WITH_IPV6
        struct in6_addr dst6;
        if (sock_family(so) == AF_INET6) {
            err = v6_dest(tp, sa, len, &sin, &dst6, &native);
            if (!err && native) {
                err = tcp_v6_connect(tp, &dst6, sin.sin_port);
                if (!err)
                    connect_start(tp);
            }
        } else
#endif
        {
            if (len < sizeof(sin))
                return -EINVAL;
            memcpy(&sin, sa, sizeof(sin));
            err = sin.sin_family != AF_INET ? -EAFNOSUPPORT : 0;
        }
        if (!err && !native)
            err = tcp_v4_connect(tp, &sin);
        if (err < 0)
            return err;
        tp->sstate = SS_CONNECTING;
        err = -EINPROGRESS;
        break;
    }
    default:
        return -EINVAL;
    }
    if (TCPF(tcp_state(tp)) & (TCPF(TCPS_SYN_SENT) | TCPF(TCPS_SYN_RECV))) {
        if (nonblock)
            return err;
        uint64_t deadline = sock_deadline(so, false);
        while (TCPF(tcp_state(tp)) & (TCPF(TCPS_SYN_SENT) | TCPF(TCPS_SYN_RECV))) {
            int rc = tcp_wait(so, deadline);
            if (rc == -EAGAIN)
                return err; /* SO_SNDTIMEO: still in progress */
            if (rc)
                return rc;
        }
    }
    if (tcp_state(tp) == TCPS_CLOSE) {
        /* Refused, timed out, or reset: the error, and the socket may try
         * again. */
        err = sock_take_error(so);
        if (!err)
            err = -ECONNABORTED;
        tcp_disconnect(tp);
        tp->sstate = SS_UNCONNECTED;
        return err;
    }
    tp->sstate = SS_CONNECTED;
    return 0;
}

/* inet_stream_connect. */
static int tcp_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    return stream_connect(so, sa, len, so->fl & SOCKF_NONBLOCK);
}

/* tcp_sendmsg_fastopen without a cookie: connect to msg_name with a SYN
 * that asks for a cookie, waiting for the handshake unless MSG_DONTWAIT
 * (then EINPROGRESS, and the data is not taken: the caller sends it again
 * once connected). 0 means connected: the data goes the usual way. */
static int sendmsg_fastopen(struct bsock *so, const struct msghdr *msg, int flags)
{
    struct tcp_sock *tp = tcp_sk(so);
    const struct sockaddr *sa = msg->msg_name;
    if (!TCP_FASTOPEN_CLIENT(tcp_of(so->st)) ||
        (sa && msg->msg_namelen >= sizeof(sa->sa_family) && sa->sa_family == AF_UNSPEC))
        return -EOPNOTSUPP;
    if (tp->fastopen_req)
        return -EALREADY; /* another Fast Open is in progress */
    tp->fastopen_req = true;
    int err = stream_connect(so, sa, msg->msg_namelen, (flags & MSG_DONTWAIT) != 0);
    tp->fastopen_req = false; /* tcp_free_fastopen_req: later SYNs go without it */
    return err;
}

/* ---- data ---- */

/* Copy n bytes at byte offset `off` of the iovec into dst. */
static int iov_read(const struct msghdr *msg, size_t off, void *dst, size_t n)
{
    uint8_t *d = dst;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen && n; i++) {
        size_t l = msg->msg_iov[i].iov_len;
        if (off >= l) {
            off -= l;
            continue;
        }
        size_t k = l - off < n ? l - off : n;
        if (copy_from_user(d, (const uint8_t *)msg->msg_iov[i].iov_base + off, k))
            return -EFAULT;
        d += k;
        n -= k;
        off = 0;
    }
    return 0;
}

static int iov_write(const struct msghdr *msg, size_t off, const void *src, size_t n)
{
    const uint8_t *s = src;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen && n; i++) {
        size_t l = msg->msg_iov[i].iov_len;
        if (off >= l) {
            off -= l;
            continue;
        }
        size_t k = l - off < n ? l - off : n;
        if (copy_to_user((uint8_t *)msg->msg_iov[i].iov_base + off, s, k))
            return -EFAULT;
        s += k;
        n -= k;
        off = 0;
    }
    return 0;
}

/* sk_stream_error: EPIPE becomes the pending error if any, and raises
 * SIGPIPE unless MSG_NOSIGNAL. */
static ssize_t stream_error(struct bsock *so, int flags, int err)
{
    if (err == -EPIPE) {
        int e = sock_take_error(so);
        if (e)
            err = e;
    }
#if BERTH_WITH_POSIX && defined(SIGPIPE) /* no signals on bare metal */
    if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
        raise(SIGPIPE);
#else
    (void)flags;
#endif
    return err;
}

/* A connection that may still take data after a wait (tcp_sendmsg's
 * check once sk_stream_wait_* returns): else EPIPE. */
static bool sending_state(const struct tcp_sock *tp)
{
    return TCPF(tcp_state(tp)) & (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_CLOSE_WAIT));
}

static bool writable_space(const struct tcp_sock *tp)
{
    const struct bsock *so = &tp->inet.sk;
    return tp->c->sndq.bytes < (uint32_t)so->sndbuf;
}

static ssize_t tcp_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    struct tcp_sock *tp = tcp_sk(so);
    struct berth_stack *st = so->st;
    bool nowait = flags & MSG_DONTWAIT;
    if (flags & MSG_FASTOPEN) {
        int ferr = sendmsg_fastopen(so, msg, flags);
        if (ferr)
            return stream_error(so, flags, ferr);
    }
    /* After the Fast Open connect: SO_SNDTIMEO counts again for the data. */
    uint64_t deadline = sock_deadline(so, false);
    int err = 0;
    size_t copied = 0;
    /* sk_stream_wait_connect */
    while (!(TCPF(tcp_state(tp)) & (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_CLOSE_WAIT)))) {
        if (so->so_error)
            return stream_error(so, flags, sock_take_error(so));
        if (!(TCPF(tcp_state(tp)) & (TCPF(TCPS_SYN_SENT) | TCPF(TCPS_SYN_RECV))))
            return stream_error(so, flags, -EPIPE);
        if (nowait)
            return -EAGAIN;
        int rc = tcp_wait(so, deadline);
        if (rc)
            return rc;
    }
    /* tcp_sendmsg_locked checks the error and SEND_SHUTDOWN before it
     * copies anything: a zero-length send on a connection established
     * after a SHUT_WR was recorded is EPIPE too. */
    if (so->so_error || (so->shut & SEND_SHUTDOWN)) {
        err = -EPIPE;
        goto error;
    }
    while (copied < total) {
        if (so->so_error || (so->shut & SEND_SHUTDOWN)) {
            err = -EPIPE;
            goto error;
        }
        if (!writable_space(tp)) {
            tcp_push(tp, false);
            if (nowait) {
                err = -EAGAIN;
                goto error;
            }
            int rc = tcp_wait(so, deadline);
            if (rc) {
                err = rc;
                goto error;
            }
            if (!sending_state(tp)) {
                err = -EPIPE;
                goto error;
            }
            continue;
        }
        uint32_t space = (uint32_t)so->sndbuf - tp->c->sndq.bytes;
        size_t want = total - copied < space ? total - copied : space;
        uint32_t room;
        uint8_t *d = tcp_bufq_room(st, &tp->c->sndq, tp->c->write_seq, (uint32_t)want,
                                   (uint32_t)(want > 65536 ? 65536 : want), &room);
        if (!d) {
            /* sk_stream_wait_memory: the send buffer has room but memory
             * has run out (an arena's cap). Non-blocking: EAGAIN. Else
             * wait a random 2-51 jiffies (vm_wait; or less, to the
             * SO_SNDTIMEO deadline: then EAGAIN) for ACKs or readers to
             * free some, and try again. */
            tcp_push(tp, false);
            uint64_t now = st_now(st);
            if (nowait || now >= deadline) {
                err = -EAGAIN;
                goto error;
            }
            uint64_t vm = now + (2u + stack_random32(st) % 50u) * 4000u; /* HZ=250 */
            int rc = tcp_wait(so, vm < deadline ? vm : deadline);
            if (rc && !(rc == -EAGAIN && vm < deadline)) {
                err = rc;
                goto error;
            }
            if (!sending_state(tp)) {
                err = -EPIPE;
                goto error;
            }
            continue;
        }
        if (iov_read(msg, copied, d, room)) {
            err = -EFAULT;
            goto error;
        }
        tcp_bufq_commit(&tp->c->sndq, room);
        tp->c->write_seq += room;
        copied += room;
        /* Keep the pipe full while copying a large write. */
        if (tp->c->write_seq - tp->c->snd_nxt >= 2u * tp->c->mss_cache)
            tcp_push(tp, true);
    }
    /* tcp_sendmsg_locked pushes only when it copied something: a
     * zero-length send leaves data that MSG_MORE held back where it is. */
    if (copied) {
        tp->more_tail = (flags & MSG_MORE) != 0;
        tcp_push(tp, (flags & MSG_MORE) != 0);
    }
    return (ssize_t)copied;
error:
    if (copied) {
        tp->more_tail = (flags & MSG_MORE) != 0;
        tcp_push(tp, (flags & MSG_MORE) != 0);
        return (ssize_t)copied;
    }
    if (err == -EFAULT || err == -ENOBUFS)
        return err;
    return stream_error(so, flags, err);
}

/* tcp_rcv_space_adjust: once per RTT, grow the receive buffer to about
 * four times what the application read in the last RTT (twice for losses,
 * twice for a sender in slow start), up to net.ipv4.tcp_rmem[2], unless
 * SO_RCVBUF fixed it. */
static void rcv_space_adjust(struct tcp_sock *tp)
{
    struct bsock *so = tcp_bs(tp);
    uint64_t now = st_now(so->st);
    uint32_t rtt = tp->c->srtt_us >> 3;
    if (!rtt || now - tp->c->rcvq_space_time < rtt)
        return;
    uint32_t copied = tp->c->copied_seq - tp->c->rcvq_space_seq;
    if (copied > tp->c->rcvq_space) {
        if (!so->rcvbuf_locked && tp->c->rcvq_space) {
            uint64_t rcvwin = ((uint64_t)copied << 1) + 16u * tp->c->advmss;
            uint64_t grow = berth_div64(rcvwin * (copied - tp->c->rcvq_space), tp->c->rcvq_space);
            rcvwin += grow << 1;
            uint64_t buf = rcvwin * 2; /* the window is half the buffer */
            int max = tcp_of(so->st)->rmem[2];
            if (buf > (uint64_t)max)
                buf = (uint64_t)max;
            if ((int)buf > so->rcvbuf)
                so->rcvbuf = (int)buf;
        }
        tp->c->rcvq_space = copied;
    }
    tp->c->rcvq_space_seq = tp->c->copied_seq;
    tp->c->rcvq_space_time = now;
}

/* tcp_cleanup_rbuf: after a read, tell the peer about a much larger window. */
static void cleanup_rbuf(struct tcp_sock *tp, size_t copied)
{
    if (!copied || (tp->inet.sk.shut & RCV_SHUTDOWN))
        return;
    if (!(TCPF(tcp_state(tp)) &
          (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_FIN_WAIT1) | TCPF(TCPS_FIN_WAIT2))))
        return;
    uint32_t cur = seq_gt(tp->c->rcv_wup + tp->c->rcv_wnd, tp->c->rcv_nxt)
                       ? tp->c->rcv_wup + tp->c->rcv_wnd - tp->c->rcv_nxt
                       : 0;
    uint32_t space = tcp_rcv_space(tp);
    uint32_t max_wnd = 65535u << tp->c->rcv_wscale;
    if (space > max_wnd)
        space = max_wnd;
    space &= ~((1u << tp->c->rcv_wscale) - 1);
    uint32_t mss = tp->c->rcv_mss ? tp->c->rcv_mss : TCP_MSS_DEFAULT;
    if (space >= 2 * cur && space >= mss)
        tcp_send_ack(tp);
    else if ((tp->c->ack_pending & TCP_ACK_SCHED) && !tp->c->rcvq.bytes &&
             (!tcp_in_pingpong(tp->c) || (tp->c->ack_pending & TCP_ACK_PUSHED2)))
        /* tcp_cleanup_rbuf: a read that drains the queue sends the owed
         * ACK, but in pingpong mode only after a second small segment
         * (ICSK_ACK_PUSHED2); otherwise it waits to ride on a reply. */
        tcp_send_ack(tp);
}

/* tcp_recvmsg, with `put` writing the TCP_INQ control message (NULL: the
 * caller has no control buffer). */
static ssize_t tcp_recv(struct bsock *so, struct msghdr *msg, int flags,
                        void (*put)(struct msghdr *, int, int, const void *, size_t))
{
    struct tcp_sock *tp = tcp_sk(so);
    struct berth_stack *st = so->st;
    if (flags & MSG_ERRQUEUE)
        return -EAGAIN; /* no error queue (docs/deviations.md) */
    int state = tcp_state(tp);
    if (state == TCPS_LISTEN)
        return -ENOTCONN;
    if (flags & MSG_OOB)
        return -EINVAL; /* tcp_recv_urg: no urgent data is ever kept */
    size_t len = 0;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen; i++)
        len += msg->msg_iov[i].iov_len;
    bool peek = flags & MSG_PEEK;
    bool nowait = flags & MSG_DONTWAIT;
    size_t target =
        (flags & MSG_WAITALL)
            ? len
            : ((size_t)sock_opt(so)->rcvlowat < len ? (size_t)sock_opt(so)->rcvlowat : len);
    if (!target)
        target = 1;
    uint64_t deadline = sock_deadline(so, true);
    bool timed_out = nowait;
    ssize_t copied = 0;
    /* tcp_recvmsg_locked: a peek starts SO_PEEK_OFF bytes in (peek_seq). */
    uint32_t peek_skip = peek && sock_peek_off(so) > 0 ? (uint32_t)sock_peek_off(so) : 0;
    /* A do-while as Linux's: even a zero-length read looks at the state. */
    do {
        uint32_t ahead = peek ? peek_skip + (uint32_t)copied : 0;
        uint32_t avail = tp->c->rcvq.bytes > ahead ? tp->c->rcvq.bytes - ahead : 0;
        if (avail) {
            size_t n = len - (size_t)copied < avail ? len - (size_t)copied : avail;
            uint32_t seq = tp->c->copied_seq + ahead;
            if (!(flags & MSG_TRUNC)) {
                /* Copy chunk by chunk straight to the user's buffers. */
                size_t done = 0;
                struct tcp_chunk *c = tp->c->rcvq.head;
                while (c && done < n) {
                    if (seq_geq(seq + (uint32_t)done, c->seq + c->len)) {
                        c = c->next;
                        continue;
                    }
                    uint32_t o = seq + (uint32_t)done - c->seq;
                    size_t k = c->len - o < n - done ? c->len - o : n - done;
                    if (iov_write(msg, (size_t)copied + done, c->data + c->off + o, k)) {
                        if (!copied && !done)
                            return -EFAULT;
                        n = done;
                        break;
                    }
                    done += k;
                }
                if (!n)
                    break;
            }
            if (!peek) {
                tp->c->copied_seq += (uint32_t)n;
                tcp_bufq_trim_front(st, &tp->c->rcvq, tp->c->copied_seq, NULL);
            }
            copied += (ssize_t)n;
            continue;
        }
        if ((size_t)copied >= target)
            break;
        if (copied) {
            if (timed_out || so->so_error || tcp_state(tp) == TCPS_CLOSE ||
                (so->shut & RCV_SHUTDOWN))
                break;
        } else {
            if (tp->done)
                break;
            if (so->so_error) {
                copied = sock_take_error(so);
                break;
            }
            if (so->shut & RCV_SHUTDOWN)
                break;
            if (tcp_state(tp) == TCPS_CLOSE) {
                copied = -ENOTCONN; /* never connected */
                break;
            }
            if (timed_out) {
                copied = -EAGAIN;
                break;
            }
        }
        if (!peek)
            cleanup_rbuf(tp, (size_t)copied);
        int rc = tcp_wait(so, deadline);
        if (rc == -EAGAIN) {
            timed_out = true;
            continue;
        }
        if (rc) {
            if (!copied)
                copied = rc;
            break;
        }
    } while ((size_t)copied < len);
    if (copied > 0)
        sock_peek_off_move(so, peek, (size_t)copied); /* sk_peek_offset_fwd / _bwd */
    if (copied > 0 && !peek) {
        rcv_space_adjust(tp);
        cleanup_rbuf(tp, (size_t)copied);
    }
    if (copied >= 0 && msg->msg_name)
        msg->msg_namelen = 0; /* TCP reports no address */
    if (copied >= 0 && tp->recvmsg_inq && put) {
        /* TCP_INQ (tcp_inq_hint): what is left to read, 1 once the FIN
         * came (rcv_nxt counts it) so the reader goes on to see EOF. */
        int inq = (int)(tp->c->rcv_nxt - tp->c->copied_seq);
        if (inq == 0 && tp->done)
            inq = 1;
        put(msg, IPPROTO_TCP, TCP_CM_INQ, &inq, sizeof(inq));
    }
    return copied;
}

/* recvfrom, recv, read: no control buffer, so no TCP_INQ message (Linux
 * would only set MSG_CTRUNC, which recvfrom does not return): the ops
 * table's. recvmsg's (sock_recvmsg_by_id[]) writes it. */
static ssize_t tcp_recvmsg_plain(struct bsock *so, struct msghdr *msg, int flags)
{
    return tcp_recv(so, msg, flags, NULL);
}

static ssize_t tcp_recvmsg(struct bsock *so, struct msghdr *msg, int flags)
{
    return tcp_recv(so, msg, flags, put_cmsg);
}

/* ---- shutdown, poll, ioctl, names ---- */

static int tcp_shutdown(struct bsock *so, int how)
{
    struct tcp_sock *tp = tcp_sk(so);
    int state = tcp_state(tp);
    int err = 0;
    if (tp->sstate == SS_CONNECTING) {
        if (TCPF(state) & (TCPF(TCPS_SYN_SENT) | TCPF(TCPS_SYN_RECV) | TCPF(TCPS_CLOSE)))
            tp->sstate = SS_DISCONNECTING;
        else
            tp->sstate = SS_CONNECTED;
    }
    switch (state) {
    case TCPS_LISTEN:
        if (!(how & RCV_SHUTDOWN))
            break;
        /* fall through */
    case TCPS_SYN_SENT:
        err = tcp_disconnect(tp);
        tp->sstate = err ? SS_DISCONNECTING : SS_UNCONNECTED;
        break;
    case TCPS_CLOSE:
        err = -ENOTCONN;
        so->shut |= (uint8_t)how;
        break;
    default:
        so->shut |= (uint8_t)how;
        /* tcp_shutdown: SHUT_WR sends our FIN. */
        if (how & SEND_SHUTDOWN)
            tcp_shutdown_send(tp);
        break;
    }
    sock_wake(so);
    return err;
}

static unsigned tcp_poll(struct bsock *so)
{
    struct tcp_sock *tp = tcp_sk(so);
    int state = tcp_state(tp);
    if (state == TCPS_LISTEN)
        return tp->lq && tp->lq->acc_head ? POLLIN | POLLRDNORM : 0;
    unsigned m = 0;
    if (so->shut == SHUTDOWN_MASK || state == TCPS_CLOSE)
        m |= POLLHUP;
    if (so->shut & RCV_SHUTDOWN)
        m |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (state != TCPS_SYN_SENT && state != TCPS_SYN_RECV) {
        uint32_t target = sock_opt(so)->rcvlowat > 0 ? (uint32_t)sock_opt(so)->rcvlowat : 1;
        if (tp->c->rcvq.bytes && (tp->c->rcvq.bytes >= target || tp->done))
            m |= POLLIN | POLLRDNORM;
        if (!(so->shut & SEND_SHUTDOWN)) {
            /* __sk_stream_is_writeable: free space at least half of what
             * is queued. */
            int64_t wspace = (int64_t)so->sndbuf - tp->c->sndq.bytes;
            if (wspace >= (int64_t)(tp->c->sndq.bytes / 2))
                m |= POLLOUT | POLLWRNORM;
        } else {
            m |= POLLOUT | POLLWRNORM;
        }
    }
    if (so->so_error)
        m |= POLLERR;
    return m;
}

static int tcp_ioctl(struct bsock *so, unsigned long req, void *arg)
{
    struct tcp_sock *tp = tcp_sk(so);
    int state = tcp_state(tp);
    int v;
    switch (req) {
    case SIOCINQ:
        if (state == TCPS_LISTEN)
            return -EINVAL;
        v = (int)tp->c->rcvq.bytes;
        break;
    case SIOCATMARK:
        v = 0;
        break;
    case SIOCOUTQ:
        if (state == TCPS_LISTEN)
            return -EINVAL;
        v = (TCPF(state) & (TCPF(TCPS_SYN_SENT) | TCPF(TCPS_SYN_RECV))) ? 0
                                                                        : (int)tp->c->sndq.bytes;
        break;
    case SIOCOUTQNSD:
        if (state == TCPS_LISTEN)
            return -EINVAL;
        v = (TCPF(state) & (TCPF(TCPS_SYN_SENT) | TCPF(TCPS_SYN_RECV))) ||
                    !seq_gt(tp->c->write_seq, tp->c->snd_nxt)
                ? 0
                : (int)(tp->c->write_seq - tp->c->snd_nxt);
        break;
    default:
        return -ENOTTY;
    }
    return copy_to_user(arg, &v, sizeof(v));
}

static int tcp_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, int peer)
{
    struct tcp_sock *tp = tcp_sk(so);
    if (peer == 1 && (tcp_state(tp) == TCPS_SYN_SENT || tcp_state(tp) == TCPS_CLOSE))
        return -ENOTCONN;
    int rc = sock_family(so) == AF_INET6 ? inet6_getname(so, ss, len, peer)
                                         : inet_getname(so, ss, len, peer);
    /* inet_getname() reports inet_sport, which outlives the port itself
     * (see old_sport): sin_port and sin6_port are at the same offset. */
    if (rc == 0 && !peer && !inet_num(&tp->inet) && tp->old_sport)
        ((struct sockaddr_in *)ss)->sin_port = htons(tp->old_sport);
    return rc;
}

const struct sock_ops tcp4_ops = {
    .family = AF_INET,
    .type = SOCK_STREAM,
    .obj_size = sizeof(struct tcp_sock),
    .resolve_protocol = tcp_resolve_protocol,
    .init = tcp_init,
    .release = tcp_release,
    .destruct = tcp_destruct,
    .bind = tcp4_bind,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg_plain,
};
/* The calls a firmware may never make (sock.h); tcp6 shares all but the
 * options. */
const struct sock_connect_ops tcp_connect_ops = {tcp_connect};
const struct sock_recvmsg_ops tcp_recvmsg_ops = {tcp_recvmsg};
const struct sock_listen_ops tcp_listen_ops = {tcp_listen, tcp_accept};
const struct sock_name_ops tcp_name_ops = {tcp_getname};
const struct sock_opt_ops tcp4_opt_ops = {tcp_setsockopt, tcp_getsockopt};
const struct sock_shutdown_ops tcp_shutdown_ops = {tcp_shutdown};
const struct sock_poll_ops tcp_poll_ops = {tcp_poll};
const struct sock_ioctl_ops tcp_ioctl_ops = {tcp_ioctl};

#if BERTH_WITH_IPV6
_Static_assert(INET6_OBJ_FITS(struct tcp_sock),
               "tcp_sock: the inet6_info is within reach of the bind node");

const struct sock_ops tcp6_ops = {
    .family = AF_INET6,
    .type = SOCK_STREAM,
    .obj_size = INET6_OBJ_SIZE(struct tcp_sock),
    .resolve_protocol = tcp_resolve_protocol,
    .init = tcp_init,
    .release = tcp_release,
    .destruct = tcp_destruct,
    .bind = tcp6_bind,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg_plain,
};
const struct sock_opt_ops tcp6_opt_ops = {tcp6_setsockopt, tcp6_getsockopt};
#endif /* BERTH_WITH_IPV6 */
