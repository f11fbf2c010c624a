/* bench.h — what bench_main.c and the peers (berth, kernel, lwIP) share.
 *
 * A peer answers one question: "do this figure's operation `iters` times and
 * tell me the cost of one". bench_main.c does everything else: warm-up and
 * calibration, repeated runs interleaved across peers, the median, ratios and
 * the output. Nothing here is a test; no figure is ever compared to a bound.
 */
#ifndef BERTH_BENCH_H
#define BERTH_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* What a figure measures. docs/bench.md describes each one. */
enum fig_op {
    OP_RTT_LO,         /* ns per UDP round trip on loopback */
    OP_SOCKET_CLOSE,   /* ns per socket() + close() */
    OP_RTT_VLINK,      /* round trips per real second between simulated hosts (berth) */
    OP_BIND_EXPLICIT,  /* ns per bind() to a distinct explicit port, n sockets */
    OP_BIND0,          /* ns per bind(port 0) + close() with occ of the range in use */
    OP_BIND0_FAIL,     /* ns per failing bind(port 0), the range 100 % in use */
    OP_REUSEPORT,      /* ns per bind() among the last BENCH_REUSE_BATCH of n on one port */
    OP_CONNECT,        /* ns per connect() autobind of an unbound UDP socket, n connected */
    OP_RAM_BOUND,      /* bytes per bound socket */
    OP_RAM_IDLE,       /* bytes per idle (unbound) socket */
    OP_RAM_TW,         /* bytes per TIME_WAIT entry */
    OP_TCP_BULK_LO,    /* ns per MiB of one TCP connection's bulk transfer on loopback */
    OP_TCP_BULK_VLINK, /* ns (real) per MiB of TCP bulk between simulated hosts (berth) */
    OP_TCP_CONN,       /* ns per connect + accept + close of both ends on loopback */
    OP_RAM_EST,        /* bytes per endpoint of an established, idle TCP connection */
    OP_TCP_BULK_TAP,   /* ns per MiB of TCP bulk with the kernel over a virtual wire, both
                        * directions: berth over a TAP device, the kernel over a veth pair */
    OP_UNIX_STREAM,    /* ns per MiB through an AF_UNIX stream (occ 0: socketpair, 1: path) */
    OP_UNIX_DGRAM_RTT, /* ns per AF_UNIX datagram round trip (occ 0: socketpair, 1: path) */
    OP_UNIX_BIND_PATH, /* ns per socket + bind(path) + close + unlink */
};

/* One figure, as the peers see it. Plain data: it crosses a pipe to the
 * kernel child. */
struct figspec {
    enum fig_op op;
    int proto;      /* IPPROTO_UDP or IPPROTO_TCP */
    unsigned n;     /* sockets: explicit binds, reuseport group, connected sockets */
    unsigned occ;   /* OP_BIND0: occupancy of the ephemeral range, per mille */
    unsigned batch; /* operations per iteration (rounds of n binds, ...) */
    unsigned v6;    /* 1: the figure runs over IPv6, ::1 instead of 127.0.0.1 (issue 11) */
};

/* TCP bulk figures: n is the MiB moved per run (one iteration), in
 * application writes of BENCH_TCP_WRITE bytes, read BENCH_TCP_WRITE at a
 * time. */
#define BENCH_TCP_WRITE 65536
/* tcp_conn_per_s: the listeners, BENCH_TCP_LISTEN_PORT .. + BENCH_TCP_NLISTEN
 * - 1; connection i goes to listener i % BENCH_TCP_NLISTEN (TIME_WAIT: see
 * docs/bench.md). */
#define BENCH_TCP_LISTEN_PORT 5000
#define BENCH_TCP_NLISTEN 16
/* tcp_established_ram_bytes / tcp_timewait_ram_bytes: connections made. */
#define BENCH_TCP_NCONN 500

#define BENCH_WHY 256
#define BENCH_WHY_WIRE 200

/* tcp_bulk_tap_MBps (wire.c): n MiB each way per run, a connection per run;
 * the far end is a kernel socket on a listener at BENCH_TCP_LISTEN_PORT.
 * Every blocking call and the berth loop give up after BENCH_WIRE_TIMEOUT_S. */
#define BENCH_WIRE_TIMEOUT_S 20
#define BENCH_WIRE_MAXRUNS 64
struct bench_wire {
    int lfd;           /* the far end's listener */
    int sfd;           /* its accepted socket while it has one (atomic), else -1 */
    uint64_t bytes;    /* each way */
    uint64_t t1_end;   /* far end received the last byte of phase 1 */
    uint64_t t2_start; /* far end starts sending phase 2 */
    long retrans;      /* the far end's tcpi_total_retrans */
    int rc;            /* 0, or -1 with why */
    char why[BENCH_WHY_WIRE];
};
/* Per-direction MBps of the runs after the warm-up, for the note. */
struct bench_wire_stats {
    int skip; /* the next run is the warm-up */
    unsigned n;
    double d1[BENCH_WIRE_MAXRUNS], d2[BENCH_WIRE_MAXRUNS];
    uint64_t retrans_near, retrans_far;
};
/* The far end's thread: accept, receive w->bytes, send w->bytes, close. */
void *bench_wire_far_side(void *w);
/* Unblock a far end whose near end failed. */
void bench_wire_abort(struct bench_wire *w);
void bench_wire_record(struct bench_wire_stats *ws, double mbps1, double mbps2, long retrans_near,
                       long retrans_far);
void bench_wire_medians(const struct bench_wire_stats *ws, double *m1, double *m2);
/* Address addr/prefix on ifname and up, through sock (a socket of the
 * interface's namespace): 0, or -1 with why. */
int bench_if_config(int sock, const char *ifname, const char *addr, unsigned prefix, char *why,
                    size_t n);
/* IPv6 off on the interfaces created from now on in the calling thread's
 * network namespace (best effort). */
void bench_no_ipv6(void);
int bench_set_timeouts(int fd, unsigned sec);
/* tcpi_total_retrans of a kernel TCP socket, -1 if unknown. */
long bench_tcp_retrans(int fd);

/* Payload of a round trip. */
#define BENCH_PAYLOAD 32
/* Sockets created by the RAM figures. */
#define BENCH_NSOCK 1000
/* Explicit binds: ports BENCH_EXPLICIT_BASE .. + n - 1 (n <= 60000 stays
 * below 65536 and above the privileged ports). */
#define BENCH_EXPLICIT_BASE 4000
/* The port every socket of the SO_REUSEPORT figures binds. */
#define BENCH_REUSE_PORT 7000
/* Binds timed per round of the SO_REUSEPORT figures: the last ones. */
#define BENCH_REUSE_BATCH 100
/* Connects timed per round of the connect figures; destinations are
 * 127.0.0.1:(BENCH_CONNECT_DPORT + i), one port per socket. */
#define BENCH_CONNECT_BATCH 100
#define BENCH_CONNECT_DPORT 10000
/* bind(0) figures: unbound sockets are created (untimed) this many at a
 * time, then each is bound to port 0 and closed (timed) one after the
 * other, so the occupancy never moves by more than one port. */
#define BENCH_BIND0_CHUNK 256

/* The loopback address of the figure's family, 127.0.0.1 or ::1, with port
 * (host order), in *ss; returns its length. */
socklen_t bench_lo_addr(unsigned v6, uint16_t port, struct sockaddr_storage *ss);

/* Return value of run(): the peer does not have this figure, for a reason
 * it wrote into why (a berth feature not built, or not written yet). The
 * line shows n/a; it is not a failure. */
#define BENCH_NA (-2)

#define BENCH_NOTE 512

struct bench_peer {
    const char *name;
    /* Set up; 0, or -1 with a reason in why (the peer then shows n/a). */
    int (*init)(char *why, size_t n);
    /* One sentence: how this peer is driven (printed in the legend). */
    const char *(*describe)(void);
    /* Does the peer have this figure at all? 0: the column is omitted. */
    int (*has)(const struct figspec *f);
    /* Timed figures: perform `iters` iterations (f->batch operations each),
     * set *ns to the cost of one operation in nanoseconds. iters == 0:
     * only build the state the figure needs (the filled port range, the
     * reuseport group, the connected sockets), untimed. RAM figures ignore
     * iters and set *ns to bytes, with a note (BENCH_NOTE bytes) saying
     * where the number came from. A note may also come with timed figures.
     * Returns 0, -1 with why (n bytes), or BENCH_NA with why. */
    int (*run)(const struct figspec *f, uint64_t iters, double *ns, char *note, char *why,
               size_t n);
    void (*fini)(void);
};

extern const struct bench_peer bench_peer_berth;
extern const struct bench_peer bench_peer_kernel;
#ifdef BERTH_BENCH_HAVE_LWIP
extern const struct bench_peer bench_peer_lwip;
#endif

/* Monotonic wall clock, ns. */
uint64_t bench_now_ns(void);
/* snprintf into why, returns -1 (for `return bench_fail(...)`). */
int bench_fail(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The order in which the bind(0) figures fill an ephemeral range of `size`
 * ports: a fixed pseudo-random permutation of 0 .. size-1 (the same for
 * every peer and every run), written to out[size]. Occupancy k means the
 * first k ports of that order are bound. */
void bench_fill_order(unsigned size, uint32_t *out);
/* Ports bound for occupancy occ (per mille) of a range of `size` ports:
 * size * occ / 1000, rounded to nearest. */
unsigned bench_fill_count(unsigned size, unsigned occ);

/* The AF_UNIX figures (unix_loops.c): one loop for every peer, around the
 * peer's own socket calls. */
struct bench_unix_api {
    int (*socket)(int domain, int type, int protocol);
    int (*socketpair)(int domain, int type, int protocol, int sv[2]);
    int (*bind)(int fd, const struct sockaddr *a, socklen_t l);
    int (*connect)(int fd, const struct sockaddr *a, socklen_t l);
    int (*listen)(int fd, int backlog);
    int (*accept)(int fd, struct sockaddr *a, socklen_t *l);
    ssize_t (*send)(int fd, const void *b, size_t n, int flags);
    ssize_t (*recv)(int fd, void *b, size_t n, int flags);
    ssize_t (*sendto)(int fd, const void *b, size_t n, int flags, const struct sockaddr *a,
                      socklen_t l);
    ssize_t (*recvfrom)(int fd, void *b, size_t n, int flags, struct sockaddr *a, socklen_t *l);
    int (*close)(int fd);
};
int bench_unix_run(const struct bench_unix_api *api, const struct figspec *f, uint64_t iters,
                   double *ns, char *why, size_t n);
static inline int bench_is_unix(const struct figspec *f)
{
    return f->op == OP_UNIX_STREAM || f->op == OP_UNIX_DGRAM_RTT || f->op == OP_UNIX_BIND_PATH;
}

/* The berth loopback round-trip loop, a named function so callgrind can
 * collect exactly it: valgrind --tool=callgrind --toggle-collect=bench_berth_rtt_loop */
struct berth_stack;
int bench_berth_rtt_loop(struct berth_stack *st, int a, int b, const void *to_b, unsigned tolen,
                         uint64_t iters);

#endif
