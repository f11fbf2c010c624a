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

enum fig {
    FIG_RTT_LO,       /* udp_rtt_loopback_ns: ns per UDP round trip on loopback */
    FIG_SOCKET_CLOSE, /* udp_socket_close_ns: ns per socket() + close() */
    FIG_BIND_1000,    /* udp_bind_1000_ns: ns per explicit-port bind, 1000 sockets */
    FIG_RTT_VLINK,    /* udp_rtt_vlink_per_s: round trips per real second (sim) */
    FIG_RAM,          /* udp_socket_ram_bytes: bytes of RAM per bound UDP socket */
    FIG_COUNT
};

/* Sockets bound by FIG_BIND_1000 and created by FIG_RAM. */
#define BENCH_NSOCK 1000
/* Explicit ports: BENCH_PORT_BASE .. BENCH_PORT_BASE + BENCH_NSOCK - 1 (below
 * Linux's ephemeral range, above the privileged ports). */
#define BENCH_PORT_BASE 20000
/* Payload of a round trip. */
#define BENCH_PAYLOAD 32

#define BENCH_WHY 192
#define BENCH_NOTE 512

struct bench_peer {
    const char *name;
    /* Set up; 0, or -1 with a reason in why (the peer then shows n/a). */
    int (*init)(char *why, size_t n);
    /* One sentence: how this peer is driven (printed in the legend). */
    const char *(*describe)(void);
    /* Does the peer have this figure at all? 0: the column is omitted. */
    int (*has)(enum fig f);
    /* Timed figures: perform `iters` units of work, set *ns to the cost of
     * one operation (one round trip, one socket+close, one bind) in
     * nanoseconds. FIG_RAM ignores iters and sets *ns to bytes, with a note
     * (BENCH_NOTE bytes) saying where the number came from. Returns 0 or -1
     * with why (n bytes). */
    int (*run)(enum fig f, uint64_t iters, double *ns, char *note, char *why, size_t n);
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

/* The berth loopback round-trip loop, a named function so callgrind can
 * collect exactly it: valgrind --tool=callgrind --toggle-collect=bench_berth_rtt_loop */
struct berth_stack;
int bench_berth_rtt_loop(struct berth_stack *st, int a, int b, const void *to_b, unsigned tolen,
                         uint64_t iters);

#endif
