/* bench_main.c — berth-bench: berth beside the Linux kernel and lwIP.
 *
 * One line per figure, the peers side by side, then the ratios berth/peer:
 *
 *   udp_rtt_loopback_ns    berth=2100  kernel=9800  lwip=3500  berth/kernel=0.21  berth/lwip=0.60
 *
 * Method, for every timed figure and every peer: build the figure's state
 * (untimed), calibrate (growing the iteration count until one run takes a
 * quarter of the target time — this is also the warm-up), then do `runs`
 * runs of the calibrated count, interleaving the peers run by run so that a
 * noisy neighbour hurts all of them alike, and report the median. A peer
 * whose single iteration is slow (lwIP's list walks at tens of thousands
 * of sockets) gets fewer runs, and the output says so. docs/bench.md
 * explains each figure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* K_RATE: operations per second; K_MBPS: an operation is one MiB, the
 * value MiB per second (MBps, MB = 2^20 bytes); K_MBPS figures move a fixed
 * amount per run (spec.n MiB), so they are not calibrated. */
enum kind { K_NS, K_RATE, K_BYTES, K_MBPS };

struct figdef {
    const char *name;
    enum kind kind;
    struct figspec spec; /* as in a full run; --quick scales n down */
    const char *row;     /* figures of one row share this: flatness over N/occupancy */
};

#define UDP IPPROTO_UDP
#define TCP IPPROTO_TCP

/* clang-format off */
static const struct figdef g_figs[] = {
    {"udp_rtt_loopback_ns",      K_NS,    {OP_RTT_LO,        UDP, 0,     0,    1}, NULL},
    {"udp6_rtt_loopback_ns",     K_NS,    {OP_RTT_LO,        UDP, 0,     0,    1, 1}, NULL},
    {"udp_socket_close_ns",      K_NS,    {OP_SOCKET_CLOSE,  UDP, 0,     0,    1}, NULL},
    {"tcp_socket_close_ns",      K_NS,    {OP_SOCKET_CLOSE,  TCP, 0,     0,    1}, NULL},
    {"bind_explicit_udp_1k_ns",  K_NS,    {OP_BIND_EXPLICIT, UDP, 1000,  0, 1000}, "bind_explicit_udp"},
    {"bind_explicit_udp_10k_ns", K_NS,    {OP_BIND_EXPLICIT, UDP, 10000, 0, 10000}, "bind_explicit_udp"},
    {"bind_explicit_udp_60k_ns", K_NS,    {OP_BIND_EXPLICIT, UDP, 60000, 0, 60000}, "bind_explicit_udp"},
    {"bind_explicit_tcp_1k_ns",  K_NS,    {OP_BIND_EXPLICIT, TCP, 1000,  0, 1000}, "bind_explicit_tcp"},
    {"bind_explicit_tcp_10k_ns", K_NS,    {OP_BIND_EXPLICIT, TCP, 10000, 0, 10000}, "bind_explicit_tcp"},
    {"bind_explicit_tcp_60k_ns", K_NS,    {OP_BIND_EXPLICIT, TCP, 60000, 0, 60000}, "bind_explicit_tcp"},
    {"bind0_udp_50pct_ns",       K_NS,    {OP_BIND0,         UDP, 0,   500,    1}, "bind0_udp"},
    {"bind0_udp_90pct_ns",       K_NS,    {OP_BIND0,         UDP, 0,   900,    1}, "bind0_udp"},
    {"bind0_udp_99pct_ns",       K_NS,    {OP_BIND0,         UDP, 0,   990,    1}, "bind0_udp"},
    {"bind0_udp_99_9pct_ns",     K_NS,    {OP_BIND0,         UDP, 0,   999,    1}, "bind0_udp"},
    {"bind0_udp_full_fail_ns",   K_NS,    {OP_BIND0_FAIL,    UDP, 0,  1000,    1}, NULL},
    {"bind0_tcp_50pct_ns",       K_NS,    {OP_BIND0,         TCP, 0,   500,    1}, "bind0_tcp"},
    {"bind0_tcp_90pct_ns",       K_NS,    {OP_BIND0,         TCP, 0,   900,    1}, "bind0_tcp"},
    {"bind0_tcp_99pct_ns",       K_NS,    {OP_BIND0,         TCP, 0,   990,    1}, "bind0_tcp"},
    {"bind0_tcp_99_9pct_ns",     K_NS,    {OP_BIND0,         TCP, 0,   999,    1}, "bind0_tcp"},
    {"bind0_tcp_full_fail_ns",   K_NS,    {OP_BIND0_FAIL,    TCP, 0,  1000,    1}, NULL},
    {"reuseport_tcp_1k_ns",      K_NS,    {OP_REUSEPORT,     TCP, 1000,  0, BENCH_REUSE_BATCH}, "reuseport_tcp"},
    {"reuseport_tcp_24k_ns",     K_NS,    {OP_REUSEPORT,     TCP, 24000, 0, BENCH_REUSE_BATCH}, "reuseport_tcp"},
    {"reuseport_udp_1k_ns",      K_NS,    {OP_REUSEPORT,     UDP, 1000,  0, BENCH_REUSE_BATCH}, "reuseport_udp"},
    {"reuseport_udp_24k_ns",     K_NS,    {OP_REUSEPORT,     UDP, 24000, 0, BENCH_REUSE_BATCH}, "reuseport_udp"},
    {"connect_udp_1k_ns",        K_NS,    {OP_CONNECT,       UDP, 1000,  0, BENCH_CONNECT_BATCH}, "connect_udp"},
    {"connect_udp_10k_ns",       K_NS,    {OP_CONNECT,       UDP, 10000, 0, BENCH_CONNECT_BATCH}, "connect_udp"},
    {"udp_rtt_vlink_per_s",      K_RATE,  {OP_RTT_VLINK,     UDP, 0,     0,    1}, NULL},
    {"tcp_bulk_loopback_MBps",   K_MBPS,  {OP_TCP_BULK_LO,   TCP, 256,   0,    1}, NULL},
    {"tcp6_bulk_loopback_MBps",  K_MBPS,  {OP_TCP_BULK_LO,   TCP, 256,   0,    1, 1}, NULL},
    {"tcp_bulk_vlink_MBps",      K_MBPS,  {OP_TCP_BULK_VLINK,TCP, 256,   0,    1}, NULL},
    {"tcp_conn_per_s",           K_RATE,  {OP_TCP_CONN,      TCP, 0,     0,    1}, NULL},
    {"tcp6_conn_per_s",          K_RATE,  {OP_TCP_CONN,      TCP, 0,     0,    1, 1}, NULL},
    {"unix_stream_pair_MBps",    K_MBPS,  {OP_UNIX_STREAM,   0,   256,   0,    1}, NULL},
    {"unix_stream_path_MBps",    K_MBPS,  {OP_UNIX_STREAM,   0,   256,   1,    1}, NULL},
    {"unix_dgram_rtt_pair_ns",   K_NS,    {OP_UNIX_DGRAM_RTT,0,   0,     0,    1}, NULL},
    {"unix_dgram_rtt_path_ns",   K_NS,    {OP_UNIX_DGRAM_RTT,0,   0,     1,    1}, NULL},
    {"unix_bind_path_ns",        K_NS,    {OP_UNIX_BIND_PATH,0,   0,     0,    1}, NULL},
    /* Last of the timed figures: ~10 s, so that it pushes none of the others
     * past the program's 150 s budget. */
    {"tcp_bulk_tap_MBps",        K_MBPS,  {OP_TCP_BULK_TAP,  TCP, 64,    0,    1}, NULL},
    {"udp_socket_ram_bytes",     K_BYTES, {OP_RAM_BOUND,     UDP, 0,     0,    0}, NULL},
    {"tcp_socket_ram_bytes",     K_BYTES, {OP_RAM_IDLE,      TCP, 0,     0,    0}, NULL},
    {"tcp_established_ram_bytes",K_BYTES, {OP_RAM_EST,       TCP, 0,     0,    0}, NULL},
    {"tcp_timewait_ram_bytes",   K_BYTES, {OP_RAM_TW,        TCP, 0,     0,    0}, NULL},
};
/* clang-format on */
#define NFIGS (sizeof(g_figs) / sizeof(g_figs[0]))

static const struct bench_peer *const g_all_peers[] = {
    &bench_peer_berth,
    &bench_peer_kernel,
#ifdef BERTH_BENCH_HAVE_LWIP
    &bench_peer_lwip,
#endif
};
#define NPEERS_BUILT (sizeof(g_all_peers) / sizeof(g_all_peers[0]))
#define MAX_PEERS 3
#define MAX_RUNS 51
/* --quick divides the socket counts by this (smoke settings). */
#define QUICK_SCALE 10

struct peer_state {
    const char *name;
    const struct bench_peer *p; /* NULL: not built */
    int selected;
    int ok; /* init succeeded */
    char why[BENCH_WHY];
};

struct opts {
    int quick;
    int verbose;
    unsigned runs;
    uint64_t target_ns;
    uint64_t iters; /* fixed count: no calibration, no warm-up */
    int only[NFIGS];
    int any_only;
};

/* What each figure printed, for the flatness summary. */
static struct {
    int done;
    int ok[MAX_PEERS];
    double val[MAX_PEERS];
} g_res[NFIGS];

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

socklen_t bench_lo_addr(unsigned v6, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        s6->sin6_port = htons(port);
        return sizeof(*s6);
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s4->sin_port = htons(port);
    return sizeof(*s4);
}

int bench_fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

void bench_fill_order(unsigned size, uint32_t *out)
{
    for (unsigned i = 0; i < size; i++)
        out[i] = i;
    uint32_t x = 0x9e3779b9u; /* xorshift32, fixed seed */
    for (unsigned i = size; i > 1; i--) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        unsigned j = x % i;
        uint32_t t = out[i - 1];
        out[i - 1] = out[j];
        out[j] = t;
    }
}

unsigned bench_fill_count(unsigned size, unsigned occ)
{
    return (unsigned)(((uint64_t)size * occ + 500) / 1000);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: berth-bench [--quick] [--only NAME[,NAME...]] [--peers berth,kernel,lwip]\n"
            "                   [--runs N] [--target-ms MS] [--iters N] [--verbose] [--list]\n"
            "  --quick        smoke-test settings: 3 short runs per figure, socket counts / %d\n"
            "  --only NAME    only the figures whose name starts with NAME (see --list)\n"
            "  --peers LIST   only these peers (default: all that were built)\n"
            "  --runs N       runs per figure and peer; the median is reported (default 11)\n"
            "  --target-ms MS wall time of one run after calibration (default 100)\n"
            "  --iters N      fixed iterations per run (an iteration of bind_explicit_* is a\n"
            "                 round of N binds, of reuseport_*/connect_* %d binds/connects),\n"
            "                 no calibration or warm-up: for callgrind (docs/bench.md)\n"
            "  --verbose      print every run\n",
            QUICK_SCALE, BENCH_REUSE_BATCH);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *s == 0 || *end != 0 || v == 0)
        return -1;
    *out = v;
    return 0;
}

static int select_figs(struct opts *o, const char *list)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        int hit = 0;
        for (size_t i = 0; i < NFIGS; i++)
            if (strncmp(g_figs[i].name, tok, strlen(tok)) == 0) {
                o->only[i] = 1;
                hit = 1;
            }
        if (!hit) {
            fprintf(stderr, "berth-bench: no figure named %s (try --list)\n", tok);
            return -1;
        }
    }
    o->any_only = 1;
    return 0;
}

static int select_peers(struct peer_state *ps, const char *list)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", list);
    for (int i = 0; i < MAX_PEERS; i++)
        ps[i].selected = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        int hit = 0;
        for (int i = 0; i < MAX_PEERS; i++)
            if (strcmp(ps[i].name, tok) == 0)
                ps[i].selected = hit = 1;
        if (!hit) {
            fprintf(stderr, "berth-bench: no peer named %s (berth, kernel, lwip)\n", tok);
            return -1;
        }
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One iteration slower than this: the calibration run is the only run
 * (lwIP binding 60000 sockets walks its list 1.8 billion times). */
#define SLOW_ONE_NS 2000000000ull
/* Runs of a peer whose iteration is slow stop after about this much. */
#define SLOW_BUDGET_NS 2500000000ull
/* _MBps figures (a fixed amount per run): a peer whose warm-up run took
 * more than MBPS_BUDGET_NS / runs gets as many runs as fit in
 * MBPS_BUDGET_NS, but at least MBPS_MIN_RUNS (berth over TAP: ~1 s a run). */
#define MBPS_BUDGET_NS 8000000000ull
#define MBPS_MIN_RUNS 5

struct calib {
    uint64_t iters;
    uint64_t one_ns; /* wall time of one iteration, setup included */
    int single;      /* the calibration run is the measurement */
    double single_ns;
};

/* Grow the iteration count from 1 until one run takes >= target/4 of wall
 * time (setup included), then scale it to the target. Doubles as the
 * warm-up. */
static int calibrate(const struct bench_peer *p, const struct figspec *f, uint64_t target_ns,
                     struct calib *c, char *why)
{
    uint64_t n = 1;
    char note[BENCH_NOTE];
    memset(c, 0, sizeof(*c));
    for (;;) {
        double ns;
        uint64_t t0 = bench_now_ns();
        int rc = p->run(f, n, &ns, note, why, BENCH_WHY);
        if (rc != 0)
            return rc;
        uint64_t el = bench_now_ns() - t0;
        if (n == 1 && el >= SLOW_ONE_NS) {
            c->iters = 1;
            c->one_ns = el;
            c->single = 1;
            c->single_ns = ns;
            return 0;
        }
        if (el >= target_ns / 4 || n >= (1ull << 32)) {
            double scaled = (double)n * (double)target_ns / (double)(el ? el : 1);
            c->iters = scaled < 1 ? 1 : (uint64_t)scaled;
            c->one_ns = el / n;
            return 0;
        }
        n *= el < target_ns / 64 ? 8 : 2;
    }
}

static void fmt_value(char *out, size_t n, int ok, double v)
{
    if (ok)
        snprintf(out, n, "%.0f", v);
    else
        snprintf(out, n, "n/a");
}

static void fmt_ratio(char *out, size_t n, double r)
{
    if (r >= 0.1)
        snprintf(out, n, "%.2f", r);
    else
        snprintf(out, n, "%.2g", r);
}

/* The spec actually run: --quick scales the socket counts down. */
static struct figspec spec_for(const struct figdef *fd, const struct opts *o)
{
    struct figspec s = fd->spec;
    if (o->quick && fd->kind == K_MBPS) {
        s.n /= 16; /* 256 MiB -> 16 MiB */
    } else if (o->quick && s.n) {
        s.n /= QUICK_SCALE;
        if (s.op == OP_REUSEPORT && s.n < 2 * BENCH_REUSE_BATCH)
            s.n = 2 * BENCH_REUSE_BATCH;
        if (s.op == OP_BIND_EXPLICIT)
            s.batch = s.n;
    }
    return s;
}

/* Run one figure for every selected peer and print its line. Returns -1 if
 * berth itself failed where it should not have. */
static int do_figure(size_t k, struct peer_state *ps, const struct opts *o)
{
    const struct figdef *fd = &g_figs[k];
    struct figspec spec = spec_for(fd, o);
    int part[MAX_PEERS] = {0}, ok[MAX_PEERS] = {0}, tried[MAX_PEERS] = {0};
    int na[MAX_PEERS] = {0};
    double val[MAX_PEERS] = {0};
    char why[MAX_PEERS][BENCH_WHY], note[MAX_PEERS][BENCH_NOTE], how[MAX_PEERS][160];
    struct calib cal[MAX_PEERS];
    unsigned nruns[MAX_PEERS] = {0};
    static double runs[MAX_PEERS][MAX_RUNS];
    int berth_broken = 0;

    memset(cal, 0, sizeof(cal));
    for (int i = 0; i < MAX_PEERS; i++) {
        why[i][0] = note[i][0] = how[i][0] = 0;
        if (!ps[i].selected)
            continue;
        if (!ps[i].p) {
            /* lwIP not built: n/a, except berth-only */
            part[i] = spec.op != OP_RTT_VLINK && spec.op != OP_TCP_BULK_VLINK &&
                      spec.op != OP_TCP_BULK_TAP;
            snprintf(why[i], BENCH_WHY, "%s", ps[i].why);
            continue;
        }
        part[i] = ps[i].p->has(&spec);
        if (!part[i])
            continue;
        /* RAM is read or counted, not timed: it needs no working data path. */
        if (!ps[i].ok && fd->kind != K_BYTES) {
            snprintf(why[i], BENCH_WHY, "%s", ps[i].why);
            continue;
        }
        ok[i] = tried[i] = 1;
    }

#define PEER_RC(i, expr)                                                                           \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != 0) {                                                                            \
            ok[i] = 0;                                                                             \
            na[i] = rc_ == BENCH_NA;                                                               \
        }                                                                                          \
    } while (0)

    if (fd->kind == K_BYTES) {
        for (int i = 0; i < MAX_PEERS; i++)
            if (ok[i])
                PEER_RC(i, ps[i].p->run(&spec, 0, &val[i], note[i], why[i], BENCH_WHY));
    } else {
        /* Build each peer's state (the filled range, ...), untimed. */
        for (int i = 0; i < MAX_PEERS; i++) {
            if (!ok[i])
                continue;
            double dummy;
            uint64_t t0 = bench_now_ns();
            PEER_RC(i, ps[i].p->run(&spec, 0, &dummy, note[i], why[i], BENCH_WHY));
            if (o->verbose && ok[i])
                printf("#   %s %s: state built in %.3f s\n", fd->name, ps[i].name,
                       (double)(bench_now_ns() - t0) / 1e9);
        }
        for (int i = 0; i < MAX_PEERS; i++) {
            if (!ok[i])
                continue;
            nruns[i] = o->runs;
            if (fd->kind == K_MBPS) {
                /* A fixed amount per run; one run of it is the warm-up. */
                double dummy;
                cal[i].iters = 1;
                uint64_t t0 = bench_now_ns();
                PEER_RC(i, ps[i].p->run(&spec, 1, &dummy, note[i], why[i], BENCH_WHY));
                uint64_t el = bench_now_ns() - t0;
                if (ok[i] && !o->iters && o->runs > MBPS_MIN_RUNS &&
                    (uint64_t)o->runs * el > MBPS_BUDGET_NS) {
                    unsigned r = (unsigned)(MBPS_BUDGET_NS / (el ? el : 1));
                    nruns[i] = r < MBPS_MIN_RUNS ? MBPS_MIN_RUNS : r;
                    snprintf(how[i], sizeof(how[i]), "%s: %u runs, not %u (one run takes %.2f s)",
                             ps[i].name, nruns[i], o->runs, (double)el / 1e9);
                }
                continue;
            }
            if (o->iters) {
                cal[i].iters = o->iters;
                continue;
            }
            PEER_RC(i, calibrate(ps[i].p, &spec, o->target_ns, &cal[i], why[i]));
            if (!ok[i])
                continue;
            if (cal[i].single) {
                nruns[i] = 1;
                runs[i][0] = cal[i].single_ns;
                snprintf(how[i], sizeof(how[i]),
                         "%s: 1 run of 1 iteration, no warm-up (one iteration takes %.1f s)",
                         ps[i].name, (double)cal[i].one_ns / 1e9);
            } else {
                uint64_t run_ns = cal[i].iters * cal[i].one_ns;
                uint64_t budget = (uint64_t)o->runs * o->target_ns;
                if (budget < SLOW_BUDGET_NS)
                    budget = SLOW_BUDGET_NS;
                if ((uint64_t)o->runs * run_ns > budget) {
                    unsigned r = (unsigned)(budget / (run_ns ? run_ns : 1));
                    nruns[i] = r < 1 ? 1 : r;
                    snprintf(how[i], sizeof(how[i]),
                             "%s: %u run(s) of %llu iteration(s), not %u (one iteration takes "
                             "%.2f s)",
                             ps[i].name, nruns[i], (unsigned long long)cal[i].iters, o->runs,
                             (double)cal[i].one_ns / 1e9);
                }
            }
        }
        unsigned maxruns = 0;
        for (int i = 0; i < MAX_PEERS; i++)
            if (ok[i] && !cal[i].single && nruns[i] > maxruns)
                maxruns = nruns[i];
        for (unsigned r = 0; r < maxruns; r++)
            for (int i = 0; i < MAX_PEERS; i++) {
                if (!ok[i] || cal[i].single || r >= nruns[i])
                    continue;
                PEER_RC(i,
                        ps[i].p->run(&spec, cal[i].iters, &runs[i][r], note[i], why[i], BENCH_WHY));
            }
        for (int i = 0; i < MAX_PEERS; i++)
            if (ok[i]) {
                if (o->verbose) {
                    printf("#   %s %s: %llu iterations/run, ns/op:", fd->name, ps[i].name,
                           (unsigned long long)cal[i].iters);
                    for (unsigned r = 0; r < nruns[i]; r++)
                        printf(" %.1f", runs[i][r]);
                    printf("\n");
                }
                val[i] = median(runs[i], nruns[i]);
                if (fd->kind == K_RATE || fd->kind == K_MBPS)
                    val[i] = 1e9 / val[i];
            }
    }
#undef PEER_RC
    /* A berth failure is a bug; n/a with a reason (a feature not built or
     * not written yet) is not. */
    if (ps[0].selected && part[0] && tried[0] && !ok[0] && !na[0])
        berth_broken = 1;

    int any = 0;
    for (int i = 0; i < MAX_PEERS; i++)
        any |= part[i];
    if (!any)
        return 0; /* e.g. the berth-only figure with --peers kernel */
    g_res[k].done = 1;
    printf("%-24s", fd->name);
    for (int i = 0; i < MAX_PEERS; i++) {
        if (!part[i])
            continue;
        char v[32];
        fmt_value(v, sizeof(v), ok[i], val[i]);
        printf("  %s=%-10s", ps[i].name, v);
        g_res[k].ok[i] = ok[i];
        g_res[k].val[i] = val[i];
    }
    if (part[0])
        for (int i = 1; i < MAX_PEERS; i++) {
            if (!part[i])
                continue;
            if (ok[0] && ok[i] && val[i] > 0) {
                char r[32];
                fmt_ratio(r, sizeof(r), val[0] / val[i]);
                printf("  berth/%s=%s", ps[i].name, r);
            } else {
                printf("  berth/%s=n/a", ps[i].name);
            }
        }
    printf("\n");
    for (int i = 0; i < MAX_PEERS; i++) {
        /* Peers that could not start at all are explained in the legend. */
        if (tried[i] && !ok[i])
            printf("#   %s n/a: %s\n", ps[i].name, why[i]);
        if (ok[i] && how[i][0])
            printf("#   (%s)\n", how[i]);
        if (ok[i] && note[i][0])
            printf("#   %s\n", note[i]);
    }
    fflush(stdout);
    return berth_broken ? -1 : 0;
}

/* Largest / smallest value of each row (the figures sharing fd->row). */
static void print_rows(struct peer_state *ps)
{
    int header = 0;
    for (size_t k = 0; k < NFIGS; k++) {
        const char *row = g_figs[k].row;
        if (!row || !g_res[k].done)
            continue;
        int first = 1;
        for (size_t j = 0; j < k; j++)
            if (g_figs[j].row && strcmp(g_figs[j].row, row) == 0)
                first = 0;
        if (!first)
            continue;
        double lo[MAX_PEERS], hi[MAX_PEERS];
        int ok[MAX_PEERS], nfig = 0;
        const char *from = NULL, *to = NULL;
        for (int i = 0; i < MAX_PEERS; i++) {
            lo[i] = 1e300, hi[i] = 0;
            ok[i] = 1;
        }
        for (size_t j = k; j < NFIGS; j++) {
            if (!g_figs[j].row || strcmp(g_figs[j].row, row) != 0 || !g_res[j].done)
                continue;
            nfig++;
            if (!from)
                from = g_figs[j].name;
            to = g_figs[j].name;
            for (int i = 0; i < MAX_PEERS; i++) {
                if (!g_res[j].ok[i]) {
                    ok[i] = 0;
                    continue;
                }
                if (g_res[j].val[i] < lo[i])
                    lo[i] = g_res[j].val[i];
                if (g_res[j].val[i] > hi[i])
                    hi[i] = g_res[j].val[i];
            }
        }
        if (nfig < 2)
            continue;
        if (!header) {
            printf("# rows: largest / smallest value over each row's N or occupancy "
                   "(berth's target: <= 2, i.e. flat within 2x)\n");
            header = 1;
        }
        printf("#   %-18s", row);
        for (int i = 0; i < MAX_PEERS; i++) {
            if (!ps[i].selected)
                continue;
            if (ok[i] && lo[i] > 0)
                printf("  %s=%.2f", ps[i].name, hi[i] / lo[i]);
            else
                printf("  %s=n/a", ps[i].name);
        }
        printf("   (%s .. %s)\n", from, to);
    }
}

/* IPv6 beside IPv4 for every peer: each IPv6 figure against the IPv4
 * figure of the same operation (issue 11 wants berth's within 10 %). The
 * ratio is of costs (ns per operation, whatever the figure's unit), so
 * above 1 means IPv6 is slower. */
static void print_v6_ratios(void)
{
    int header = 0;
    for (size_t k = 0; k < NFIGS; k++) {
        if (!g_figs[k].spec.v6 || !g_res[k].done)
            continue;
        size_t j = 0;
        for (; j < NFIGS; j++)
            if (!g_figs[j].spec.v6 && g_figs[j].spec.op == g_figs[k].spec.op &&
                g_figs[j].spec.proto == g_figs[k].spec.proto && g_res[j].done)
                break;
        if (j == NFIGS)
            continue;
        if (!header) {
            printf("# ipv6/ipv4: cost of an operation over ::1 / over 127.0.0.1 (above 1: IPv6 "
                   "slower; issue 11's target for berth: within 10 %%)\n");
            header = 1;
        }
        int rate = g_figs[k].kind == K_RATE || g_figs[k].kind == K_MBPS;
        printf("#   %-24s", g_figs[k].name);
        for (int i = 0; i < MAX_PEERS; i++) {
            if (!g_res[k].ok[i] || !g_res[j].ok[i] || g_res[k].val[i] <= 0 ||
                g_res[j].val[i] <= 0) {
                if (i == 0)
                    printf("  berth=n/a");
                continue;
            }
            double r = rate ? g_res[j].val[i] / g_res[k].val[i] : g_res[k].val[i] / g_res[j].val[i];
            printf("  %s=%.3f", i == 0 ? "berth" : i == 1 ? "kernel" : "lwip", r);
            if (i == 0)
                printf(" (%s)", r <= 1.10 ? "within 10 %" : "NOT within 10 %");
        }
        printf("   (vs %s)\n", g_figs[j].name);
    }
}

int main(int argc, char **argv)
{
    struct opts o = {.runs = 11, .target_ns = 100000000};
    int runs_set = 0, target_set = 0;
    struct peer_state ps[MAX_PEERS] = {{.name = "berth"}, {.name = "kernel"}, {.name = "lwip"}};
    for (size_t i = 0; i < NPEERS_BUILT; i++)
        for (int j = 0; j < MAX_PEERS; j++)
            if (strcmp(g_all_peers[i]->name, ps[j].name) == 0)
                ps[j].p = g_all_peers[i];
    for (int j = 0; j < MAX_PEERS; j++)
        ps[j].selected = 1;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t v;
        if (strcmp(a, "--quick") == 0) {
            o.quick = 1;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o.verbose = 1;
        } else if (strcmp(a, "--list") == 0) {
            for (size_t k = 0; k < NFIGS; k++)
                printf("%s\n", g_figs[k].name);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--only") == 0 && next) {
            if (select_figs(&o, next) != 0)
                return 2;
            i++;
        } else if (strcmp(a, "--peers") == 0 && next) {
            if (select_peers(ps, next) != 0)
                return 2;
            i++;
        } else if (strcmp(a, "--runs") == 0 && next && parse_u64(next, &v) == 0 && v <= MAX_RUNS) {
            o.runs = (unsigned)v;
            runs_set = 1;
            i++;
        } else if (strcmp(a, "--target-ms") == 0 && next && parse_u64(next, &v) == 0 &&
                   v <= 10000) {
            o.target_ns = v * 1000000u;
            target_set = 1;
            i++;
        } else if (strcmp(a, "--iters") == 0 && next && parse_u64(next, &v) == 0) {
            o.iters = v;
            i++;
        } else {
            fprintf(stderr, "berth-bench: bad argument %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (o.quick) {
        if (!runs_set)
            o.runs = 3;
        if (!target_set)
            o.target_ns = 3000000;
    }
    if (o.iters && !runs_set)
        o.runs = 1;

    uint64_t start = bench_now_ns();
    /* The kernel peer forks: do it first, while the process is small. */
    int order[MAX_PEERS] = {1, 0, 2};
    for (int k = 0; k < MAX_PEERS; k++) {
        struct peer_state *s = &ps[order[k]];
        if (!s->selected)
            continue;
        if (!s->p) {
            snprintf(s->why, sizeof(s->why),
                     "lwIP not found at build time (install liblwip-dev and re-run cmake)");
            continue;
        }
        s->ok = s->p->init(s->why, sizeof(s->why)) == 0;
    }

    printf("# berth-bench: IPv4 on loopback (udp6_/tcp6_ figures: IPv6, ::1), UDP round trips of "
           "%d-byte datagrams; ",
           BENCH_PAYLOAD);
    if (o.iters)
        printf("%llu iterations, %u run(s), no warm-up\n", (unsigned long long)o.iters, o.runs);
    else
        printf("median of %u runs of ~%llu ms each after warm-up%s\n", o.runs,
               (unsigned long long)(o.target_ns / 1000000),
               o.quick ? " (--quick: socket counts / 10, e.g. the 60k figures bind 6000)" : "");
    for (int i = 0; i < MAX_PEERS; i++) {
        if (!ps[i].selected)
            continue;
        if (ps[i].ok)
            printf("# %-6s: %s\n", ps[i].name, ps[i].p->describe());
        else
            printf("# %-6s: n/a: %s\n", ps[i].name, ps[i].why);
    }
    printf("# ratios are berth/peer: below 1 means berth is faster (ns) or smaller (bytes); "
           "above 1 means berth is faster for rates (_per_s, _MBps; MB = 2^20 bytes)\n");
    fflush(stdout);

    int rc = 0;
    for (size_t k = 0; k < NFIGS; k++) {
        if (o.any_only && !o.only[k])
            continue;
        struct opts fo = o;
        /* Stay inside three minutes even on a slow, busy machine. */
        if (!o.quick && !o.iters && bench_now_ns() - start > 150000000000ull) {
            fo.runs = 3;
            fo.target_ns = o.target_ns / 10;
            printf("#   (time budget: this figure uses 3 short runs)\n");
        }
        if (do_figure(k, ps, &fo) != 0)
            rc = 1;
    }
    print_rows(ps);
    print_v6_ratios();
    for (int i = 0; i < MAX_PEERS; i++)
        if (ps[i].ok && ps[i].p->fini)
            ps[i].p->fini();
    printf("# done in %.1f s\n", (double)(bench_now_ns() - start) / 1e9);
    return rc;
}
