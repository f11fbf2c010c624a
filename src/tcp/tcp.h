/* tcp.h — TCP (RFC 9293) inside berth: the data structures every tcp_*.c
 * file shares. docs/tcp.md describes the module; this header is its map.
 *
 *   tcp_hash.c      per-stack state, the established table, listener lookup,
 *                   ISNs (RFC 6528), connect()'s port choice (RFC 6056)
 *   tcp_input.c     segment arrival: validation, demux, the state machine
 *   tcp_output.c    segment construction, transmission, RST/ACK replies
 *   tcp_timer.c     retransmission, delayed ACK, persist, keepalive, FIN_WAIT_2
 *   tcp_cc.c        congestion control modules (reno, cubic)
 *   tcp_timewait.c  TIME_WAIT entries (small, not sockets)
 *   tcp_buf.c       send and receive byte queues
 *   tcp_sock.c      the socket operations (connect, listen, accept, send...)
 *   tcp_sockopt.c   IPPROTO_TCP options, TCP_INFO
 *   tcp_fastopen.c  Fast Open's client side without cookies (RFC 7413)
 *
 * Names follow Linux's (snd_una, rcv_nxt, write_seq, copied_seq...) so the
 * kernel source reads side by side with berth's. Everything runs under the
 * stack lock.
 */
#ifndef BERTH_TCP_H
#define BERTH_TCP_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "berth/config.h"
#include "core/div64.h"
#include "core/timer.h"
#include "ip/inet_addr.h"
#include "socket/inet_sock.h"
#include "tcp/tcp_seq.h"

/* TCP options a small build can leave out (CMake BERTH_WITH_SACK,
 * BERTH_WITH_TCP_TIMESTAMPS, BERTH_WITH_WSCALE): every read of the
 * negotiated flag (tp/req ->sack_ok, ->ts_ok, ->wscale_ok) and of its
 * sysctl goes through these, so OFF makes them constant 0 and the compiler
 * drops the code behind them. OFF behaves as Linux with net.ipv4.tcp_sack
 * (tcp_timestamps, tcp_window_scaling) = 0, and the sysctl starts at 0. */
#ifndef BERTH_WITH_SACK
#define BERTH_WITH_SACK 1
#endif
#ifndef BERTH_WITH_TCP_TIMESTAMPS
#define BERTH_WITH_TCP_TIMESTAMPS 1
#endif
#ifndef BERTH_WITH_WSCALE
#define BERTH_WITH_WSCALE 1
#endif
/* Fast Open's client side (RFC 7413; CMake BERTH_WITH_FASTOPEN): OFF links
 * tcp_nofastopen.c instead of tcp_fastopen.c and behaves as
 * net.ipv4.tcp_fastopen=0 (the sysctl starts at 0 and is stored with no
 * effect): sendto(MSG_FASTOPEN) and TCP_FASTOPEN_CONNECT fail with
 * EOPNOTSUPP, no SYN carries the option. */
#ifndef BERTH_WITH_FASTOPEN
#define BERTH_WITH_FASTOPEN 1
#endif
/* getsockopt(TCP_INFO) (CMake BERTH_WITH_TCP_INFO): the per-connection
 * counters only it reads (segments and bytes in and out, retransmitted
 * bytes, out-of-order packets) are updated through TCP_INFO_ADD, so a
 * build without it leaves the updates out. */
#ifndef BERTH_WITH_TCP_INFO
#define BERTH_WITH_TCP_INFO 1
#endif
#define TCP_INFO_ADD(tp, field, n)                                                                 \
    do {                                                                                           \
        if (BERTH_WITH_TCP_INFO)                                                                   \
            (tp)->c->field += (n);                                                                 \
    } while (0)
#define TCP_SACK(x) (BERTH_WITH_SACK ? (x) : 0)
/* A tail loss probe goes only on a SACK connection (tcp_schedule_loss_probe,
 * as Linux), so without SACK compiled in no probe is ever armed (rtx_kind
 * TCP_RTX_TLP) or out (tlp_out): the tests of both go through this, and the
 * probe and its ACK processing are left out of such a build. */
#define TCP_TLP(x) TCP_SACK(x)
#define TCP_TS(x) (BERTH_WITH_TCP_TIMESTAMPS ? (x) : 0)
#define TCP_WS(x) (BERTH_WITH_WSCALE ? (x) : 0)

struct berth_stack;
struct pkt;

/* States, numbered as Linux's (include/net/tcp_states.h) except CLOSE,
 * which is 0 so that inet_sock.state == INET_CLOSE means "closed" for the
 * shared af_inet code. TCP_INFO reports Linux's number (7). */
enum tcp_state {
    TCPS_CLOSE = 0,
    TCPS_ESTABLISHED = 1,
    TCPS_SYN_SENT = 2,
    TCPS_SYN_RECV = 3,
    TCPS_FIN_WAIT1 = 4,
    TCPS_FIN_WAIT2 = 5,
    TCPS_TIME_WAIT = 6,
    TCPS_CLOSE_WAIT = 8,
    TCPS_LAST_ACK = 9,
    TCPS_LISTEN = 10,
    TCPS_CLOSING = 11,
};
#define TCPF(s) (1u << (s))
#define TCP_LINUX_CLOSE 7

/* The socket-level connection state (Linux's sock->state, SS_*), which
 * connect() consults besides the TCP state. */
enum { SS_UNCONNECTED = 1, SS_CONNECTING, SS_CONNECTED, SS_DISCONNECTING };

/* ---- wire format ---- */

struct tcp_hdr {
    uint16_t source, dest;
    uint32_t seq, ack_seq;
    uint8_t doff;  /* data offset in the high nibble */
    uint8_t flags; /* TH_* */
    uint16_t window, check, urg_ptr;
};
#define TCP_HLEN 20
#define TCP_MAX_OPTLEN 40
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WS 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TS 8
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000 /* Linux's value; not in every libc */
#endif
#define TCPOPT_FASTOPEN 34           /* RFC 7413 4.1.1: kind, length, cookie (0 or 4..16 bytes) */
#define TCPOPT_EXP 254               /* RFC 6994 experimental option ... */
#define TCPOPT_FASTOPEN_MAGIC 0xF989 /* ... carrying Fast Open before kind 34 existed */

/* A received segment, parsed. Sequence numbers in host order. */
struct tcp_seg {
    struct pkt *p;
    union inet_addr saddr, daddr;
    uint16_t sport, dport; /* network order */
    uint32_t seq, end_seq, ack;
    uint32_t wnd; /* raw header value */
    uint8_t flags;
    const uint8_t *data;
    uint32_t len;
    /* options */
    bool has_mss : 1, has_ws : 1, sack_ok : 1, has_ts : 1;
    bool has_fo : 1; /* a valid Fast Open option (SYN only): empty or a 4..16-byte even cookie */
    uint8_t ws;
    uint8_t nsack;
    uint16_t mss;
    uint32_t tsval, tsecr;
    uint32_t sack[4][2];
    unsigned ifindex;
};

/* ---- limits and defaults (Linux's include/net/tcp.h) ---- */
#ifndef TCP_MSS_DEFAULT
#define TCP_MSS_DEFAULT 536
#endif
#define TCP_MIN_MSS 88
#define TCP_MAX_WSCALE 14
#define TCP_INIT_CWND 10
#define TCP_RTO_MIN_US 200000u
#define TCP_RTO_MAX_US 120000000u
#define TCP_TIMEOUT_INIT_US 1000000u
#define TCP_TIMEOUT_MIN_US 2000u /* TCP_TIMEOUT_MIN: 2 jiffies (HZ 1000) */
#define TCP_EARLY_RETRANS 3      /* net.ipv4.tcp_early_retrans: 3 and 4 enable TLP */
#define TCP_FASTOPEN_DEFAULT BERTH_WITH_FASTOPEN /* net.ipv4.tcp_fastopen: TFO_CLIENT_ENABLE */
#define TFO_CLIENT_ENABLE 1
/* Destinations whose Fast Open option state is kept (one unused slot when
 * Fast Open is compiled out: 84 bytes less of every stack's TCP state). */
#define TCP_FO_CACHE (BERTH_WITH_FASTOPEN ? 8 : 1)
#define TCP_TIMEWAIT_LEN_MS 60000u
#define TCP_DELACK_MIN_US 40000u
#define TCP_ATO_MIN_US 40000u
/* A delayed ACK with ato 0 leaves at the next jiffy (see tcp_schedule_ack). */
#define TCP_DELACK_NEXT_US 1000u
/* net.ipv4.tcp_pingpong_thresh's default (inet_csk_in_pingpong_mode). */
#define TCP_PINGPONG_THRESH 1
#define TCP_MAX_QUICKACKS 16
#define TCP_KEEPALIVE_TIME_S 7200
#define TCP_KEEPALIVE_INTVL_S 75
#define TCP_KEEPALIVE_PROBES 9
#define TCP_RETRIES2 15
#define TCP_SYN_RETRIES 6
#define TCP_SYNACK_RETRIES 5
#define TCP_FIN_TIMEOUT_S 60
#define TCP_ORPHAN_RETRIES 8 /* net.ipv4.tcp_orphan_retries = 0 means 8 */

/* ---- the established table (per stack) ----
 * Sockets with a peer, connection requests (SYN_RECV) and TIME_WAIT entries
 * are all found by their 4-tuple here. The node holds the remote half; the
 * local half is read from its container (`kind` says which): a socket's
 * source address and bound port, a request's own fields, a TIME_WAIT
 * entry's bind node. That and `tw_sub` (TIME_WAIT flags kept in the
 * padding) keep a TIME_WAIT entry under 100 bytes. */
enum { TCP_EH_NONE, TCP_EH_SOCK, TCP_EH_REQ, TCP_EH_TW };

struct tcp_eh {
    struct tcp_eh *next;
    /* The IPv4 remote address, or for a native IPv6 peer (v6 set) the
     * fold of its address (inet_addr_fold): a cheap first test in the
     * lookup; the full IPv6 address is in the container (docs/ip.md). */
    struct in_addr raddr;
    uint16_t rport; /* network order */
    uint8_t kind : 2;
    uint8_t v6 : 1; /* native IPv6 4-tuple: both addresses in the container */
    uint8_t tw_sub; /* TIME_WAIT: substate, flags, window (tcp_timewait.c) */
};

/* ---- byte queues (tcp_buf.c) ----
 * Stream bytes live in chunks allocated as data arrives, so an idle
 * connection holds no buffer memory. A chunk holds [seq, seq + len). */
struct tcp_chunk {
    struct tcp_chunk *next;
    uint32_t seq;      /* stream position of data[off] */
    uint32_t off, len; /* bytes data[off .. off + len) are held */
    uint32_t cap;
    uint8_t data[];
};
struct tcp_bufq {
    struct tcp_chunk *head, *tail;
    uint32_t bytes; /* data bytes held */
    uint32_t nchunks;
    /* The queue's floor (send and receive queues on a fixed memory pool
     * only, else NULL): one chunk owned for the connection's life and used
     * only when no other memory can be had, so the queue can always take
     * a segment's worth of bytes — Linux's tcp_rmem[0] / tcp_wmem[0]
     * guarantee (BERTH_TCP_RMEM_FLOOR / BERTH_TCP_WMEM_FLOOR bytes,
     * tcp_sock.c conn_floors). While idle it links to itself. */
    struct tcp_chunk *floor;
};

/* ---- congestion control (tcp_cc.c) ---- */
struct tcp_sock;
enum tcp_ca_event { CA_EVENT_LOSS, CA_EVENT_TX_START, CA_EVENT_RECOVERY };
struct tcp_cc_ops {
    const char *name;
    void (*init)(struct tcp_sock *tp);
    /* New ssthresh on loss (packets). */
    uint32_t (*ssthresh)(struct tcp_sock *tp);
    /* Grow cwnd for `acked` newly acknowledged packets. */
    void (*cong_avoid)(struct tcp_sock *tp, uint32_t acked);
    void (*event)(struct tcp_sock *tp, enum tcp_ca_event ev);
    /* An RTT sample (us). */
    void (*rtt_sample)(struct tcp_sock *tp, uint32_t rtt_us);
};
/* Congestion control's private state in each connection: CUBIC's; reno
 * keeps none (8: the smallest the array can be). */
#if BERTH_WITH_CUBIC
#define TCP_CC_PRIV 64
#else
#define TCP_CC_PRIV 8
#endif
const struct tcp_cc_ops *tcp_cc_find(const char *name);
const struct tcp_cc_ops *tcp_cc_default(void);
/* Linux's tcp_slow_start / tcp_cong_avoid_ai, for the modules. */
uint32_t tcp_slow_start(struct tcp_sock *tp, uint32_t acked);
void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked);
bool tcp_is_cwnd_limited(const struct tcp_sock *tp);

/* Congestion states (Linux's tcp_ca_state, same numbers). */
enum { TCPCA_OPEN, TCPCA_DISORDER, TCPCA_CWR, TCPCA_RECOVERY, TCPCA_LOSS };

/* ---- listeners ---- */
struct tcp_req;
struct tcp_listen {
    int backlog;   /* sk_max_ack_backlog */
    unsigned qlen; /* requests in the SYN queue */
    struct tcp_req *synq;
    struct tcp_sock *acc_head, *acc_tail; /* established, not accepted yet */
    unsigned acc_len;
    uint64_t last_overflow; /* us: the SYN queue last overflowed (cookies sent); 0: never */
};

/* A connection request in SYN_RECV (Linux's request_sock): small; becomes
 * a socket when the handshake completes. */
struct tcp_req {
    struct tcp_eh eh;
    struct in_addr laddr;  /* IPv4 only; an IPv6 request's are in addr6[] */
    uint32_t txhash;       /* tcp_rsk(req)->txhash: the SYN-ACK's flow label, the child's
                            * sk_txhash; new at each SYN-ACK retransmission (tcp_rtx_synack) */
    struct tcp_req *qnext; /* in the listener's SYN queue */
    struct tcp_sock *listener;
    struct btimer timer; /* SYN-ACK retransmission */
    uint32_t iss, irs;
    uint32_t ts_recent;
    uint32_t ts_off;
    uint16_t mss_clamp; /* the peer's MSS option */
    uint8_t snd_wscale, rcv_wscale;
    uint8_t retrans;
    bool ts_ok : 1, sack_ok : 1, wscale_ok : 1, acked : 1;
    bool cookie : 1; /* a SYN cookie's request: never stored (tcp_syncookie) */
    uint16_t lport;  /* network order */
    unsigned ifindex;
    uint32_t snt_synack; /* when the last SYN-ACK left, us (low 32 bits) */
    /* Native IPv6 requests only (eh.v6; allocated with TCP_REQ_SIZE(true)):
     * [0] the local address, [1] the peer's. */
    struct in6_addr addr6[];
};
#define TCP_REQ_SIZE(v6) (sizeof(struct tcp_req) + ((v6) ? 2 * sizeof(struct in6_addr) : 0))
/* Room on the stack for a request of either family (SYN cookies). */
union tcp_req_buf {
    struct tcp_req r;
    unsigned char b[TCP_REQ_SIZE(true)];
};
/* Fill a request's 4-tuple from a segment (IPv4 in the words, IPv6 in
 * addr6[], which the caller allocated when seg's addresses are IPv6). */
void tcp_req_set_tuple(struct tcp_req *req, const struct tcp_seg *seg);

/* ---- the socket ---- */

/* Pending timer work, multiplexed on one btimer per socket. */
enum { TCP_T_RTX, TCP_T_DELACK, TCP_T_KEEP, TCP_T_N };
enum { TCP_RTX_NONE, TCP_RTX_RETRANS, TCP_RTX_PROBE, TCP_RTX_TLP };

/* ACK scheduling (Linux's icsk_ack). */
#define TCP_ACK_SCHED 1 /* an ACK is owed */
#define TCP_ACK_TIMER 2 /* the delayed-ACK timer runs */
#define TCP_ACK_NOW 4   /* send it at the end of this input */
/* ICSK_ACK_PUSHED / ICSK_ACK_PUSHED2 (tcp_measure_rcv_mss): a small
 * segment, a second one, arrived since the last ACK. */
#define TCP_ACK_PUSHED 8
#define TCP_ACK_PUSHED2 16

/* SACKed ranges remembered by the sender. Without SACK compiled in none is
 * ever recorded (sack_update is behind TCP_SACK), so one slot keeps the
 * array valid C and every connection 120 bytes smaller. */
#define TCP_SACK_MAX (BERTH_WITH_SACK ? 16 : 1)

/* What only a connecting or synchronized connection needs (Linux keeps it
 * all in struct tcp_sock; berth allocates it on first use so that an idle
 * or listening socket stays small). */
struct tcp_conn {
    struct tcp_sock *tp; /* owner (the timer's way back) */
    /* send sequence space */
    uint32_t iss;
    uint32_t snd_una, snd_nxt, snd_max;
    uint32_t write_seq; /* end of the data queued by the user (FIN excluded) */
    uint32_t snd_wnd;   /* peer's window, bytes (scaled) */
    uint32_t snd_wl1, snd_wl2;
    uint32_t max_window;
    uint32_t snd_sml;      /* end of the last small segment sent (Nagle, Minshall) */
    uint32_t last_seg_seq; /* start of the last new segment sent (the tail a loss
                            * probe resends; packets_out == 1 when snd_una reached it) */
    uint32_t tlp_high_seq; /* snd_max when the loss probe went (valid while tlp_out) */
    uint8_t snd_wscale, rcv_wscale;
    uint16_t mss_clamp; /* peer's MSS option (or user's TCP_MAXSEG) */
    uint16_t advmss;    /* what we announce */
    uint16_t mss_cache; /* payload bytes per segment, options deducted */
    uint16_t rcv_mss;   /* estimate of the peer's segment size */

    /* receive sequence space */
    uint32_t irs;
    uint32_t rcv_nxt;
    uint32_t rcv_wnd; /* window last advertised */
    uint32_t rcv_wup; /* rcv_nxt when it was advertised */
    uint32_t copied_seq;
    /* receive buffer autotuning (Linux's rcvq_space): bytes read per RTT */
    uint32_t rcvq_space, rcvq_space_seq;
    uint64_t rcvq_space_time;

    /* timestamps (RFC 7323) */
    uint32_t ts_recent, ts_recent_stamp; /* stamp in seconds */
    uint32_t ts_off;

    /* RTT estimation (RFC 6298), us; srtt is stored x8 as in Linux */
    uint32_t srtt_us, mdev_us, mdev_max_us, rttvar_us, rto_us;
    uint32_t min_rtt_us;
    uint32_t rtt_seq;
    uint64_t rtt_start;
    uint64_t retrans_stamp; /* first retransmission of the current head (us) */
    uint64_t last_oow_ack;  /* rate limit of out-of-window ACKs */
    uint64_t rcv_tstamp;    /* last ACK received (keepalive idle) */
    uint64_t lsndtime;      /* last data sent */
    uint64_t lrcvtime;      /* last data received */
    uint8_t backoff, retransmits, probes_out;

    /* congestion control */
    uint32_t cwnd, ssthresh, cwnd_cnt, prior_cwnd;
    uint32_t high_seq; /* snd_max when recovery started (NewReno "recover") */
    uint32_t dupacks;
    uint16_t reordering; /* duplicate ACKs that mean a loss (3, raised by reordering) */
    bool undo_ok : 1;    /* the fast retransmit may prove spurious (RFC 3522) */
    uint32_t prior_ssthresh;
    uint32_t undo_tsval; /* TSval of the fast retransmission */
    uint8_t ca_state;
    uint16_t timeout_rehash; /* sk_rethink_txhash's count (see txhash) */
    uint32_t high_rxt;       /* SACK recovery: highest retransmitted */
    uint32_t head_rtx_max;   /* snd_max when the head (snd_una) was last resent */
    uint8_t nsacked;
    uint32_t sacked[TCP_SACK_MAX][2]; /* the peer's SACKed ranges above snd_una */
    uint32_t last_ooo_seq;            /* receiver: most recent out-of-order block */
    uint64_t cc_priv[TCP_CC_PRIV / 8];

    /* counters (TCP_INFO) */
    uint32_t total_retrans, segs_in, segs_out, data_segs_in, data_segs_out;
    uint64_t bytes_acked, bytes_received, bytes_sent, bytes_retrans;
    uint32_t rcv_ooopack;

    /* queues */
    struct tcp_bufq sndq;       /* [snd_una, write_seq) */
    struct tcp_chunk *snd_hint; /* chunk holding snd_nxt (or NULL) */
    struct tcp_bufq rcvq;       /* [copied_seq, rcv_nxt), in order */
    struct tcp_bufq ooq;        /* out of order, sorted, disjoint */

    /* ACK scheduling */
    uint8_t ack_pending; /* TCP_ACK_* */
    uint8_t quick;       /* quick ACKs left */
    uint8_t pingpong;    /* icsk_ack.pingpong: data sent within ato of data
                          * received (an interactive exchange); from
                          * TCP_PINGPONG_THRESH on, ACKs are delayed */
    uint32_t ato_us;     /* delayed-ACK timeout: 0 until the first data byte
                          * arrives, then TCP_ATO_MIN_US (Linux's icsk_ack.ato,
                          * without its adaptation to the arrival interval) */

    /* timers */
    struct btimer timer;
    uint64_t t_when[TCP_T_N]; /* 0: not pending */
    uint64_t rto_when;        /* the retransmission deadline while the loss probe
                               * timer (TCP_RTX_TLP) holds TCP_T_RTX */
    uint8_t rtx_kind;
    /* sk_txhash: never 0 once connected; an IPv6 connection's automatic
     * flow label (ip6_txhash_label). A new one after each retransmission
     * timeout (tcp_write_timeout -> sk_rethink_txhash, net.core.txrehash
     * 1), so a path that lost the flow may be left (RFC 6438, ECMP);
     * timeout_rehash (by ca_state) counts them (TCP_INFO's tcpi_rehash). */
    uint32_t txhash;
};

struct tcp_sock {
    struct inet_sock inet;
    struct tcp_eh eh;          /* in the established table while it has a peer */
    struct tcp_sock *acc_next; /* in a listener's accept queue */
    struct tcp_sock *parent;   /* listener whose accept queue holds it */
    struct tcp_listen *lq;     /* listeners only */

    uint8_t sstate;      /* SS_* */
    bool orphan : 1;     /* closed; TCP holds the last reference */
    bool conn_bound : 1; /* port chosen by connect() (shareable) */
    bool fin_queued : 1; /* close()/SHUT_WR asked for a FIN */
    bool done : 1;       /* FIN received (Linux's SOCK_DONE) */
    bool nodelay : 1, cork : 1;
    bool recvmsg_inq : 1; /* TCP_INQ: recvmsg adds a TCP_CM_INQ cmsg */
    bool more_tail : 1;   /* the data at write_seq came with MSG_MORE: no PSH on it
                           * (Linux's tcp_push marks PSH only without MSG_MORE) */
    bool ts_ok : 1, sack_ok : 1, wscale_ok : 1;
    bool rtt_timing : 1;   /* rtt_seq is being timed (no timestamps) */
    bool cwnd_limited : 1; /* the last send stopped at the congestion window */
    bool tlp_out : 1;      /* a tail loss probe is outstanding (Linux: tlp_high_seq != 0) */
    bool tlp_retrans : 1;  /* ... and it was a retransmission, not new data */
    /* TCP Fast Open, client side without cookies (RFC 7413; tcp_fastopen.c) */
    bool fastopen_connect : 1;        /* TCP_FASTOPEN_CONNECT */
    bool fastopen_no_cookie : 1;      /* TCP_FASTOPEN_NO_COOKIE (stored; no effect) */
    bool fastopen_req : 1;            /* Linux's tp->fastopen_req: SYNs carry the option */
    bool syn_fastopen : 1;            /* the SYN asked for a cookie: the SYN-ACK is checked */
    bool syn_fastopen_exp : 1;        /* ... with the experimental option (kind 254) */
    uint8_t fastopen_client_fail : 2; /* TCP_INFO's: 1 (TFO_COOKIE_UNAVAILABLE) once asked */
    bool fastopen_opt_sent : 1;       /* the first SYN went: retransmissions go without */
    /* What Linux 6.x remembers of a socket's past (see tcp_listen and
     * tcp_connect): it was in SYN_SENT or was accepted / it listened. */
    bool was_conn : 1, was_listen : 1;
    /* inet_sport: the port getsockname() reports. Linux keeps it when a
     * TCP socket gives its port back (tcp_set_state(TCP_CLOSE) ->
     * inet_put_port clears inet_num only), so a refused or disconnected
     * socket still shows its old port; 0 while the socket has a port. */
    uint16_t old_sport;

    /* IPPROTO_TCP options */
    int user_mss;
    int keepidle, keepintvl, keepcnt; /* seconds / probes */
    int syncnt;
    unsigned user_timeout; /* ms */
    int linger2;           /* TCP_LINGER2 (s; 0: tcp_fin_timeout, <0: none) */
    int window_clamp;
    int fastopen_qlen; /* TCP_FASTOPEN: the server queue length (stored only) */

    const struct tcp_cc_ops *cc; /* congestion control (TCP_CONGESTION) */
    /* The connection: sequence spaces, timers, queues... Allocated at
     * connect() or when a child is created (tcp_conn_get); until then (and
     * after the last close) it points at tcp_conn_idle, a read-only copy
     * of what a fresh connection holds, so that reads need no test. */
    struct tcp_conn *c;
};

/* An idle tcp_sock: no bigger than lwIP's struct tcp_pcb (288 bytes). */
_Static_assert(sizeof(struct tcp_sock) <= 288, "an idle TCP socket stays within 288 bytes");
_Static_assert(INET6_OBJ_SIZE(struct tcp_sock) <= 288 + sizeof(struct inet6_info),
               "an idle AF_INET6 TCP socket stays within 288 bytes plus its IPv6 addresses");
/* 680 + the floors of the three byte queues (a pointer each) */
_Static_assert(sizeof(struct tcp_conn) <= 704, "struct tcp_conn grows only on purpose");

static inline bool tcp_in_pingpong(const struct tcp_conn *c)
{
    return c->pingpong >= TCP_PINGPONG_THRESH;
}

/* The read-only connection of a socket that has none (tcp_sock.c). */
extern const struct tcp_conn tcp_conn_idle;
static inline bool tcp_has_conn(const struct tcp_sock *tp)
{
    return tp->c && tp->c != &tcp_conn_idle; /* NULL: before tcp_init */
}
/* Give tp its own connection (a fresh one) if it has none: 0 or -ENOBUFS. */
int tcp_conn_get(struct tcp_sock *tp);
/* Free tp's connection (timers stopped, queues freed); tp->c goes back to
 * tcp_conn_idle. */
void tcp_conn_put(struct tcp_sock *tp);

static inline struct tcp_sock *tcp_sk(struct bsock *so) { return (struct tcp_sock *)so; }
static inline struct bsock *tcp_bs(struct tcp_sock *tp) { return &tp->inet.sk; }
static inline struct berth_stack *tcp_st(const struct tcp_sock *tp) { return tp->inet.sk.st; }
static inline int tcp_state(const struct tcp_sock *tp) { return tp->inet.state; }

/* ---- per-stack state (tcp_hash.c) ---- */
#define TCP_PERTURB BERTH_TCP_PERTURB /* berth/config.h; Linux 5.x: 256 */
struct tcp_stack {
    struct tcp_eh **ehash;
    unsigned ehash_mask;
    unsigned ehash_count;
    /* TIME_WAIT entries in expiry order (tcp_timewait.c) */
    struct tcp_tw *tw_head, *tw_tail;
    unsigned tw_count;
    struct btimer tw_timer;
    uint32_t perturb[TCP_PERTURB]; /* RFC 6056 algorithm 5 table */
    uint64_t chal_stamp;           /* challenge ACK limiter: second it counts */
    uint32_t chal_count;
    unsigned orphans; /* closed sockets still running the protocol */
    /* sysctls (Linux's names and defaults) */
    int syn_retries, synack_retries, fin_timeout, tw_reuse, tw_reuse_delay_ms, max_tw_buckets;
    int timestamps, sack, window_scaling, rfc1337, challenge_ack_limit, retries2, orphan_retries;
    int rmem[3], wmem[3];
    int keepalive_time, keepalive_intvl, keepalive_probes;
    int syncookies, max_syn_backlog;
    int early_retrans; /* tcp_early_retrans: 3 or 4 enable the tail loss probe */
    int fastopen;      /* tcp_fastopen: bit 1 enables the client (default 1) */
    const struct tcp_cc_ops *cc_default;
    /* Fast Open per destination (Linux keeps it in tcp_metrics): which
     * option the next cookie request uses. A few entries, reused in turn. */
    struct tcp_fo_dst {
        struct in_addr saddr, daddr;
        uint8_t try_exp; /* 0: kind 34; 1: next SYN tries 254; 2: back to 34 for good */
    } fo_cache[TCP_FO_CACHE];
    unsigned fo_next;
};
static inline struct tcp_stack *tcp_of(struct berth_stack *st);

/* tcp_hash.c */
int tcp_stack_init(struct berth_stack *st);
void tcp_stack_fini(struct berth_stack *st);
void tcp_eh_insert(struct berth_stack *st, struct tcp_eh *n);
void tcp_eh_remove(struct berth_stack *st, struct tcp_eh *n);
/* The local half of a node's 4-tuple. */
void tcp_eh_local(const struct tcp_eh *e, union inet_addr *addr, uint16_t *port);
/* The remote address of a node: the IPv4 word, or for an IPv6 4-tuple
 * the address its container holds (tcp_eh_remote6). */
union inet_addr tcp_eh_remote6(const struct tcp_eh *e);
static inline union inet_addr tcp_eh_remote(const struct tcp_eh *e)
{
    return e->v6 ? tcp_eh_remote6(e) : inet_addr_from4(e->raddr);
}
/* Hash a connected socket (its 4-tuple complete). */
void tcp_eh_hash_sock(struct tcp_sock *tp);
/* The node of a 4-tuple (ports in network order), IPv4 (v4-mapped) or
 * IPv6. */
struct tcp_eh *tcp_eh_lookup(struct berth_stack *st, const union inet_addr *laddr, uint16_t lport,
                             const union inet_addr *raddr, uint16_t rport);
struct tcp_sock *tcp_lookup_listener(struct berth_stack *st, const union inet_addr *saddr,
                                     uint16_t sport, const union inet_addr *daddr, uint16_t dport,
                                     unsigned ifindex);
uint32_t tcp_isn(struct berth_stack *st, const union inet_addr *laddr, uint16_t lport,
                 const union inet_addr *raddr, uint16_t rport);
uint32_t tcp_ts_offset(struct berth_stack *st, const union inet_addr *laddr,
                       const union inet_addr *raddr);
/* A transmit hash (Linux's net_tx_rndhash: random, never 0): here a keyed
 * hash of two words, so the stack's random sequence is not consumed.
 * Seeded with the connection's ISN; rehashed by passing the old hash. */
uint32_t tcp_txhash(const struct berth_stack *st, uint32_t a, uint32_t b);
static inline uint32_t tcp_ts_now(struct berth_stack *st);
/* connect()'s port (inet_hash_connect): binds tp and hashes it. 0 or
 * -EADDRNOTAVAIL. */
int tcp_hash_connect(struct tcp_sock *tp);
/* Is the 4-tuple free for tp (which has its local port)? Takes over a
 * TIME_WAIT entry when Linux would (tcp_twsk_unique). */
bool tcp_tuple_unique(struct tcp_sock *tp, uint16_t lport, bool autobind);

/* SYN cookies (tcp_hash.c; Linux's syncookies.c). Compiled out
 * (BERTH_WITH_SYNCOOKIES=OFF) the mode is always 0, as tcp_syncookies=0:
 * a full SYN queue drops the SYN. */
#if BERTH_WITH_SYNCOOKIES
#define TCP_SYNCOOKIES(ts) ((ts)->syncookies)
#else
#define TCP_SYNCOOKIES(ts) ((void)(ts), 0)
#endif
/* The ISN for a SYN answered without a request; sets req->mss_clamp to the
 * MSS the cookie encodes. */
uint32_t tcp_cookie_isn(struct berth_stack *st, struct tcp_req *req, const struct tcp_seg *seg);
/* The TSval (before ts_off) of a cookie SYN-ACK: the options in its low 6 bits. */
uint32_t tcp_cookie_tsval(struct berth_stack *st, const struct tcp_req *req);
/* The final ACK of a cookie handshake: fills *req (not stored) from the
 * cookie in seg->ack - 1 and the options in the TS echo. */
bool tcp_cookie_check(struct berth_stack *st, struct tcp_sock *l, const struct tcp_seg *seg,
                      struct tcp_req *req);

/* tcp_input.c */
void tcp_input(struct berth_stack *st, struct pkt *p);
bool tcp_parse_options(const uint8_t *opt, unsigned len, bool syn, struct tcp_seg *seg);
void tcp_rcv(struct tcp_sock *tp, struct tcp_seg *seg);
void tcp_set_state(struct tcp_sock *tp, int state);
/* Connection over: CLOSE, unhash, timers off; drops the orphan reference
 * (tp may be freed). */
void tcp_done(struct tcp_sock *tp);
/* An error ends the connection (tcp_reset / tcp_done_with_error). */
void tcp_abort(struct tcp_sock *tp, int err);
void tcp_update_rto(struct tcp_sock *tp);
bool tcp_challenge_ack_allowed(struct tcp_sock *tp);

/* tcp_output.c */
struct tcp_out_opts {
    bool mss, ws, sack_perm, ts;
    uint16_t mss_val;
    uint8_t ws_val;
    uint32_t tsval, tsecr;
    uint8_t nsack;
    uint32_t sack[4][2];
    uint8_t fastopen; /* TCP_FO_OPT_*: an empty cookie request */
};
#define TCP_FO_OPT_NONE 0
#define TCP_FO_OPT_RFC 1 /* kind 34, length 2, NOP NOP */
#define TCP_FO_OPT_EXP 2 /* kind 254, length 4, magic 0xF989 */
int tcp_build_options(uint8_t *buf, const struct tcp_out_opts *o);
/* Send one segment of the connection: [seq, seq+len) of the send queue
 * (len may be 0) with `flags`; ACK, window and options filled in. */
int tcp_transmit(struct tcp_sock *tp, uint32_t seq, uint32_t len, uint8_t flags);
void tcp_send_ack(struct tcp_sock *tp);
void tcp_send_syn(struct tcp_sock *tp);
void tcp_send_active_rst(struct tcp_sock *tp);
void tcp_send_probe(struct tcp_sock *tp);
/* Send what the windows, Nagle and cork allow. */
void tcp_push(struct tcp_sock *tp, bool force_nagle_off);
void tcp_send_fin(struct tcp_sock *tp);
/* tcp_shutdown(sk, SEND_SHUTDOWN): the state after SHUT_WR, and our FIN. */
void tcp_shutdown_send(struct tcp_sock *tp);
/* Replies made without a socket: RST to a segment (tcp_v4_send_reset), ACK
 * from TIME_WAIT or a request. */
void tcp_send_reset(struct berth_stack *st, const struct tcp_seg *seg);
void tcp_send_reset_label(struct berth_stack *st, const struct tcp_seg *seg, uint32_t label);
/* src/dst of either family (IPv4 v4-mapped). tos: the IPv4 TOS or IPv6
 * traffic class; ttl: the TTL or hop limit (0: the stack's default);
 * oif: the interface a link-local IPv6 peer is on (0: route). */
void tcp_send_bare(struct berth_stack *st, const union inet_addr *src, const union inet_addr *dst,
                   uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                   uint16_t wnd, const struct tcp_out_opts *o, uint8_t tos, uint8_t ttl,
                   unsigned oif, uint32_t flowlabel);
/* tcp_send_bare's flowlabel for a reply without a socket (Linux's control
 * socket, auto labels on): the hash of the flow (ip6_flow_hash_label). */
#define TCP_LABEL_FLOW 0xffffffffu
void tcp_send_synack(struct berth_stack *st, struct tcp_req *req);
uint32_t tcp_select_window(struct tcp_sock *tp);
uint32_t tcp_rcv_space(const struct tcp_sock *tp);
void tcp_sync_mss(struct tcp_sock *tp, unsigned pmtu);
/* Tail loss probe (RFC 8985 7, Linux's tcp_schedule_loss_probe): arm the
 * probe timeout in place of the RTO when the connection may probe; false
 * when it may not (the caller arms the RTO). advancing_rto: the RTO would
 * restart now (an ACK of new data), else it keeps its deadline. */
bool tcp_schedule_loss_probe(struct tcp_sock *tp, bool advancing_rto);
/* The probe timeout fired: one new segment, else the last one again. */
void tcp_send_loss_probe(struct tcp_sock *tp);
/* tcp_sync_mss for the route to the peer. */
void tcp_sync_mss_route(struct tcp_sock *tp);
unsigned tcp_path_mtu(struct tcp_sock *tp);
/* The MSS a route's MTU gives (Linux's dst_metric_advmss): MTU less the
 * IPv4 or IPv6 header and TCP's, capped by TCP_MAXSEG. */
uint16_t tcp_advmss(const struct tcp_sock *tp, unsigned mtu, bool v6);
/* Window scale we offer: enough for the largest receive buffer possible. */
uint8_t tcp_pick_wscale(const struct tcp_sock *tp);
uint32_t tcp_flight(const struct tcp_sock *tp);
uint32_t tcp_current_mss(const struct tcp_sock *tp);
uint32_t tcp_send_headroom(const struct tcp_sock *tp);
/* Returns the sequence space sent (data + FIN), 0 if nothing. */
uint32_t tcp_retransmit_head(struct tcp_sock *tp);
/* SACK recovery: send retransmissions of lost holes the pipe allows. */
void tcp_sack_retransmit(struct tcp_sock *tp);
uint32_t tcp_sack_pipe(const struct tcp_sock *tp);
/* Bytes of the peer's SACKed ranges above seq. */
uint32_t tcp_sacked_bytes(const struct tcp_sock *tp, uint32_t seq);

/* tcp_timer.c */
void tcp_timer_init(struct tcp_sock *tp);
void tcp_timer_set(struct tcp_sock *tp, int which, uint64_t when);
void tcp_timer_clear(struct tcp_sock *tp, int which);
void tcp_timer_stop_all(struct tcp_sock *tp);
void tcp_rearm_rto(struct tcp_sock *tp);
/* The RTO with the current back-off, at most TCP_RTO_MAX (us). */
uint64_t tcp_backed_off_rto(const struct tcp_sock *tp);
void tcp_schedule_ack(struct tcp_sock *tp);
void tcp_reset_keepalive(struct tcp_sock *tp);
void tcp_req_timer_fire(struct berth_stack *st, struct btimer *t);

/* tcp_timewait.c */
struct tcp_tw;
/* Replace tp (FIN_WAIT2 or TIME_WAIT) with a TIME_WAIT entry for `tmo_ms`;
 * ends tp. */
void tcp_time_wait(struct tcp_sock *tp, int substate, uint32_t tmo_ms);
/* A segment for a TIME_WAIT entry. Returns true when the segment is a new
 * SYN a listener may take (then kill the entry and use *isn, or answer
 * with tcp_tw_ack when no listener wants it). */
bool tcp_tw_input(struct berth_stack *st, struct tcp_tw *tw, struct tcp_seg *seg, uint32_t *isn);
void tcp_tw_kill(struct berth_stack *st, struct tcp_tw *tw);
/* Answer a segment from TIME_WAIT with an ACK (a SYN no listener took). */
void tcp_tw_ack(struct berth_stack *st, struct tcp_tw *tw);
void tcp_tw_timer_init(struct berth_stack *st);
void tcp_tw_fini(struct berth_stack *st);
/* Fields needed outside tcp_timewait.c */
uint32_t tcp_tw_snd_nxt(const struct tcp_tw *tw);
bool tcp_tw_ts(const struct tcp_tw *tw, uint32_t *ts_recent);
bool tcp_tw_conn_bound(const struct tcp_tw *tw);
bool tcp_tw_fin_wait2(const struct tcp_tw *tw);
uint32_t tcp_tw_age_ms(struct berth_stack *st, const struct tcp_tw *tw);
struct tcp_tw *tcp_tw_of_bnode(struct bind_node *n);
void tcp_tw_local(const struct tcp_tw *tw, struct in_addr *addr, uint16_t *port);
/* An IPv6 entry's (eh.v6) local and remote addresses. */
struct in6_addr tcp_tw_local6(const struct tcp_tw *tw);
struct in6_addr tcp_tw_remote6(const struct tcp_tw *tw);

/* tcp_buf.c */
/* Contiguous room at the tail of q for up to `want` bytes that continue the
 * stream at `seq` (a new chunk of about `hint` bytes when the tail is full).
 * *room gets the size; NULL when memory is exhausted. tcp_bufq_commit then
 * records what was written. */
uint8_t *tcp_bufq_room(struct berth_stack *st, struct tcp_bufq *q, uint32_t seq, uint32_t want,
                       uint32_t hint, uint32_t *room);
void tcp_bufq_commit(struct tcp_bufq *q, uint32_t n);
/* Append bytes (room + copy + commit). 0 or -ENOMEM (nothing appended). */
int tcp_bufq_append(struct berth_stack *st, struct tcp_bufq *q, uint32_t seq, const void *data,
                    uint32_t len, uint32_t hint);
/* Free every byte held; the floor (if any) stays with the queue. */
void tcp_bufq_purge(struct berth_stack *st, struct tcp_bufq *q);
/* Give q a floor of `cap` bytes if it has none: 0 or -ENOBUFS. */
int tcp_bufq_floor_get(struct berth_stack *st, struct tcp_bufq *q, uint32_t cap);
/* Purge q and free its floor. */
void tcp_bufq_floor_put(struct berth_stack *st, struct tcp_bufq *q);
/* Drop the bytes before `seq`; *hint is cleared if its chunk goes. */
void tcp_bufq_trim_front(struct berth_stack *st, struct tcp_bufq *q, uint32_t seq,
                         struct tcp_chunk **hint);
/* Copy [seq, seq+len) out (all held). *hint (may be NULL): a chunk at or
 * before seq, updated to the chunk where the copy ended. */
void tcp_bufq_copy(const struct tcp_bufq *q, struct tcp_chunk **hint, uint32_t seq, void *dst,
                   uint32_t len);
/* Out-of-order queue: insert [seq, seq+len), keeping what is already held.
 * Returns the bytes added, or -ENOMEM. */
int tcp_ooq_insert(struct berth_stack *st, struct tcp_bufq *q, uint32_t seq, const uint8_t *data,
                   uint32_t len);
/* Move the out-of-order chunks that now continue `*rcv_nxt` to rcvq,
 * advancing *rcv_nxt; stale ones are dropped. Returns bytes moved. */
uint32_t tcp_ooq_drain(struct berth_stack *st, struct tcp_bufq *ooq, struct tcp_bufq *rcvq,
                       uint32_t *rcv_nxt);

/* tcp_sock.c */
extern const struct sock_ops tcp4_ops, tcp6_ops;
struct tcp_sock *tcp_child_create(struct tcp_sock *listener, struct tcp_req *req,
                                  const struct tcp_seg *seg);
void tcp_wake(struct tcp_sock *tp);
void tcp_destroy(struct tcp_sock *tp);
int tcp_disconnect(struct tcp_sock *tp);
void tcp_req_drop(struct berth_stack *st, struct tcp_req *req);
void tcp_listen_stop(struct tcp_sock *tp);

/* tcp_fastopen.c, or tcp_nofastopen.c (BERTH_WITH_FASTOPEN=OFF). Is the
 * client side on (net.ipv4.tcp_fastopen & TFO_CLIENT_ENABLE)? */
#define TCP_FASTOPEN_CLIENT(ts) (BERTH_WITH_FASTOPEN && ((ts)->fastopen & TFO_CLIENT_ENABLE))
/* An active open is about to send its SYN: with a Fast Open request
 * pending, choose the option (kind 34, or 254 as Linux tries once after a
 * request went unanswered) and arm the SYN-ACK check. */
void tcp_fastopen_syn_init(struct tcp_sock *tp);
/* The option the SYN being sent carries (TCP_FO_OPT_*): the first one only. */
uint8_t tcp_fastopen_syn_option(struct tcp_sock *tp);
/* The SYN-ACK of a connection that asked for a cookie arrived (Linux's
 * tcp_rcv_fastopen_synack, without a cookie cache). */
void tcp_fastopen_synack(struct tcp_sock *tp, const struct tcp_seg *seg);
/* Drop the request state (disconnect, a new connect). */
void tcp_fastopen_clear(struct tcp_sock *tp);

/* tcp_ipv6.c: what differs for a native IPv6 4-tuple (Linux's
 * tcp_ipv6.c). A connection is native IPv6 when its socket is AF_INET6
 * and its peer is not v4-mapped; everything else is IPv4 (v4-mapped for
 * AF_INET6 sockets) and goes through the IPv4 paths unchanged. */
/* The IPv4 view of a native IPv6 connection's local address (Linux's
 * LOOPBACK4_IPV6, 127.0.0.6), in its bind node. */
#define TCP_LOOPBACK4_IPV6 htonl(0x7f000006)
#if BERTH_WITH_IPV6
bool tcp_is_v6(struct tcp_sock *tp);
/* The connection's source and peer addresses for sending (either family). */
void tcp_sock_addrs(struct tcp_sock *tp, union inet_addr *src, union inet_addr *dst);
/* The interface a segment to dst must name (ip6_out.oif): for a
 * link-local (scoped) IPv6 peer, ifindex (the socket's device or the
 * receiving interface); else 0 (routed). */
unsigned tcp_v6_oif(const union inet_addr *dst, unsigned ifindex);
/* The device a request's segments keep to: the listener's, or for a
 * link-local peer the one the SYN came in on (tcp_v6_init_req's ir_iif). */
unsigned tcp_req_oif(const struct tcp_req *req);
/* The flow label of a native IPv6 connection's own segments (ip6_xmit's
 * ip6_make_flowlabel): connect()'s label (IPV6_FLOWINFO_SEND), else the
 * txhash's unless the socket opted out (IPV6_AUTOFLOWLABEL 0). */
uint32_t tcp_v6_label(struct tcp_sock *tp);
#else
static inline bool tcp_is_v6(struct tcp_sock *tp)
{
    (void)tp;
    return false;
}
static inline void tcp_sock_addrs(struct tcp_sock *tp, union inet_addr *src, union inet_addr *dst)
{
    *src = inet_addr_from4(tp->inet.saddr);
    *dst = inet_addr_from4(tp->inet.daddr);
}
static inline unsigned tcp_v6_oif(const union inet_addr *dst, unsigned ifindex)
{
    (void)dst;
    (void)ifindex;
    return 0;
}
static inline unsigned tcp_req_oif(const struct tcp_req *req)
{
    (void)req;
    return 0;
}
#endif
/* Network header length for MSS arithmetic: 20 or 40. */
static inline unsigned tcp_net_hlen(bool v6) { return v6 ? 40u : 20u; }
/* tcp_v6_connect for a native IPv6 destination (sin6 checked by the
 * caller: AF_INET6, not v4-mapped, not multicast; scope id applied).
 * 0 (SYN sent) or -errno. */
int tcp_v6_connect(struct tcp_sock *tp, const struct in6_addr *dst, uint16_t dport);
/* ICMPv6 Packet Too Big for a connection (tcp_v6_mtu_reduced). */
void tcp_v6_mtu_reduced(struct tcp_sock *tp, unsigned mtu);

/* tcp_sockopt.c */
int tcp_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len);
int tcp_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len);
int tcp6_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len);
int tcp6_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len);

/* Inline helpers needing the stack. */
#include "core/stack_impl.h"
static inline struct tcp_stack *tcp_of(struct berth_stack *st) { return st->tcp; }
static inline uint32_t tcp_ts_now(struct berth_stack *st)
{
    return (uint32_t)berth_div64(st_now(st), 1000);
}
/* tcp_fin_time: how long an orphan waits in FIN_WAIT_2 (ms): TCP_LINGER2
 * or tcp_fin_timeout, at least 3.5 RTO (so a negative sysctl means that). */
static inline uint32_t tcp_fin_time_ms(const struct tcp_sock *tp)
{
    int s = tp->linger2 ? tp->linger2 : tcp_of(tcp_st(tp))->fin_timeout;
    uint64_t floor_us = (uint64_t)tp->c->rto_us * 4 - tp->c->rto_us / 2;
    uint64_t ms = s > 0 ? (uint64_t)s * 1000u : 0;
    if (ms * 1000u < floor_us)
        ms = berth_div64(floor_us + 999, 1000);
    return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}
/* Keepalive settings: the socket's (TCP_KEEPIDLE...) or, while it set none,
 * the sysctl's current value (Linux's keepalive_time_when & co). */
static inline int tcp_keepidle(const struct tcp_sock *tp)
{
    return tp->keepidle ? tp->keepidle : tcp_of(tcp_st(tp))->keepalive_time;
}
static inline int tcp_keepintvl(const struct tcp_sock *tp)
{
    return tp->keepintvl ? tp->keepintvl : tcp_of(tcp_st(tp))->keepalive_intvl;
}
static inline int tcp_keepcnt(const struct tcp_sock *tp)
{
    return tp->keepcnt ? tp->keepcnt : tcp_of(tcp_st(tp))->keepalive_probes;
}

#endif
