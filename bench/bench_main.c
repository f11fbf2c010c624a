/* bench_main.c — berth-bench: berth beside the Linux kernel and lwIP.
 *
 * One line per figure, the peers side by side, then the ratios berth/peer:
 *
 *   udp_rtt_loopback_ns    berth=2100  kernel=9800  lwip=3500  berth/kernel=0.21  berth/lwip=0.60
 *
 * Method, for every timed figure and every peer: calibrate (doubling the
 * iteration count until one run takes a quarter of the target time — this
 * is also the warm-up), then do `runs` runs of the calibrated count,
 * interleaving the peers run by run so that a noisy neighbour hurts all of
 * them alike, and report the median. docs/bench.md explains each figure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

enum kind { K_NS, K_RATE, K_BYTES };

struct figdef {
    enum fig f;
    const char *name;
    enum kind kind;
};

static const struct figdef g_figs[] = {
    {FIG_RTT_LO, "udp_rtt_loopback_ns", K_NS},
    {FIG_SOCKET_CLOSE, "udp_socket_close_ns", K_NS},
    {FIG_BIND_1000, "udp_bind_1000_ns", K_NS},
    {FIG_RTT_VLINK, "udp_rtt_vlink_per_s", K_RATE},
    {FIG_RAM, "udp_socket_ram_bytes", K_BYTES},
};
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

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int bench_fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: berth-bench [--quick] [--only NAME[,NAME...]] [--peers berth,kernel,lwip]\n"
            "                   [--runs N] [--target-ms MS] [--iters N] [--verbose] [--list]\n"
            "  --quick        smoke-test settings (3 short runs per figure, ~2 s in all)\n"
            "  --only NAME    only the figures whose name starts with NAME (see --list)\n"
            "  --peers LIST   only these peers (default: all that were built)\n"
            "  --runs N       runs per figure and peer; the median is reported (default 11)\n"
            "  --target-ms MS wall time of one run after calibration (default 100)\n"
            "  --iters N      fixed iterations per run (rounds of %d binds for udp_bind_1000),\n"
            "                 no calibration or warm-up: for callgrind (docs/bench.md)\n"
            "  --verbose      print every run\n",
            BENCH_NSOCK);
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
    char buf[256];
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

/* Grow the iteration count until one run takes >= target/4 of wall time
 * (setup included), then scale it to the target. Doubles as the warm-up. */
static int calibrate(const struct bench_peer *p, enum fig f, uint64_t target_ns, uint64_t *iters,
                     char *why)
{
    uint64_t n = f == FIG_BIND_1000 ? 1 : 8;
    char note[BENCH_NOTE];
    for (;;) {
        double ns;
        uint64_t t0 = bench_now_ns();
        if (p->run(f, n, &ns, note, why, BENCH_WHY) != 0)
            return -1;
        uint64_t el = bench_now_ns() - t0;
        if (el >= target_ns / 4 || n >= (1ull << 32)) {
            double scaled = (double)n * (double)target_ns / (double)(el ? el : 1);
            *iters = scaled < 1 ? 1 : (uint64_t)scaled;
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

/* Run one figure for every selected peer and print its line. Returns -1 if
 * berth itself failed where it should not have. */
static int do_figure(const struct figdef *fd, struct peer_state *ps, const struct opts *o)
{
    int part[MAX_PEERS] = {0}, ok[MAX_PEERS] = {0}, tried[MAX_PEERS] = {0};
    double val[MAX_PEERS] = {0};
    char why[MAX_PEERS][BENCH_WHY], note[MAX_PEERS][BENCH_NOTE];
    uint64_t iters[MAX_PEERS] = {0};
    static double runs[MAX_PEERS][MAX_RUNS];
    int berth_broken = 0;

    for (int i = 0; i < MAX_PEERS; i++) {
        why[i][0] = note[i][0] = 0;
        if (!ps[i].selected)
            continue;
        if (!ps[i].p) {
            part[i] = fd->f != FIG_RTT_VLINK; /* lwIP not built: n/a, except berth-only figures */
            snprintf(why[i], BENCH_WHY, "%s", ps[i].why);
            continue;
        }
        part[i] = ps[i].p->has(fd->f);
        if (!part[i])
            continue;
        /* RAM is read or counted, not timed: it needs no working data path. */
        if (!ps[i].ok && fd->kind != K_BYTES) {
            snprintf(why[i], BENCH_WHY, "%s", ps[i].why);
            continue;
        }
        ok[i] = tried[i] = 1;
    }

    if (fd->kind == K_BYTES) {
        for (int i = 0; i < MAX_PEERS; i++)
            if (ok[i] && ps[i].p->run(fd->f, 0, &val[i], note[i], why[i], BENCH_WHY) != 0)
                ok[i] = 0;
    } else {
        for (int i = 0; i < MAX_PEERS; i++) {
            if (!ok[i])
                continue;
            if (o->iters)
                iters[i] = o->iters;
            else if (calibrate(ps[i].p, fd->f, o->target_ns, &iters[i], why[i]) != 0)
                ok[i] = 0;
        }
        for (unsigned r = 0; r < o->runs; r++)
            for (int i = 0; i < MAX_PEERS; i++) {
                if (!ok[i])
                    continue;
                if (ps[i].p->run(fd->f, iters[i], &runs[i][r], note[i], why[i], BENCH_WHY) != 0)
                    ok[i] = 0;
            }
        for (int i = 0; i < MAX_PEERS; i++)
            if (ok[i]) {
                if (o->verbose) {
                    printf("#   %s %s: %llu iterations/run, ns/op:", fd->name, ps[i].name,
                           (unsigned long long)iters[i]);
                    for (unsigned r = 0; r < o->runs; r++)
                        printf(" %.1f", runs[i][r]);
                    printf("\n");
                }
                val[i] = median(runs[i], o->runs);
                if (fd->kind == K_RATE)
                    val[i] = 1e9 / val[i];
            }
    }
    /* A berth failure is a bug, except the simulation before it exists. */
    if (ps[0].selected && part[0] && !ok[0] && fd->f != FIG_RTT_VLINK)
        berth_broken = 1;

    int any = 0;
    for (int i = 0; i < MAX_PEERS; i++)
        any |= part[i];
    if (!any)
        return 0; /* e.g. the berth-only figure with --peers kernel */
    printf("%-22s", fd->name);
    for (int i = 0; i < MAX_PEERS; i++) {
        if (!part[i])
            continue;
        char v[32];
        fmt_value(v, sizeof(v), ok[i], val[i]);
        printf("  %s=%-8s", ps[i].name, v);
    }
    if (fd->kind != K_RATE && part[0])
        for (int i = 1; i < MAX_PEERS; i++) {
            if (!part[i])
                continue;
            if (ok[0] && ok[i] && val[i] > 0)
                printf("  berth/%s=%.2f", ps[i].name, val[0] / val[i]);
            else
                printf("  berth/%s=n/a", ps[i].name);
        }
    printf("\n");
    for (int i = 0; i < MAX_PEERS; i++) {
        /* Peers that could not start at all are explained in the legend. */
        if (tried[i] && !ok[i])
            printf("#   %s n/a: %s\n", ps[i].name, why[i]);
        if (ok[i] && note[i][0])
            printf("#   %s\n", note[i]);
    }
    fflush(stdout);
    return berth_broken ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct opts o = {.runs = 11, .target_ns = 100000000};
    int runs_set = 0, target_set = 0;
    struct peer_state ps[MAX_PEERS] = {
        {.name = "berth"}, {.name = "kernel"}, {.name = "lwip"}};
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

    printf("# berth-bench: UDP over IPv4, %d-byte datagrams; ", BENCH_PAYLOAD);
    if (o.iters)
        printf("%llu iterations, %u run(s), no warm-up\n", (unsigned long long)o.iters, o.runs);
    else
        printf("median of %u runs of ~%llu ms each after warm-up%s\n", o.runs,
               (unsigned long long)(o.target_ns / 1000000), o.quick ? " (--quick)" : "");
    for (int i = 0; i < MAX_PEERS; i++) {
        if (!ps[i].selected)
            continue;
        if (ps[i].ok)
            printf("# %-6s: %s\n", ps[i].name, ps[i].p->describe());
        else
            printf("# %-6s: n/a: %s\n", ps[i].name, ps[i].why);
    }
    printf("# ratios are berth/peer: below 1 means berth is faster (ns) or smaller (bytes)\n");
    fflush(stdout);

    int rc = 0;
    for (size_t k = 0; k < NFIGS; k++) {
        if (o.any_only && !o.only[k])
            continue;
        struct opts fo = o;
        /* Stay well inside a minute even on a slow, busy machine. */
        if (!o.quick && !o.iters && bench_now_ns() - start > 40000000000ull) {
            fo.runs = 3;
            fo.target_ns = o.target_ns / 10;
            printf("#   (time budget: this figure uses 3 short runs)\n");
        }
        if (do_figure(&g_figs[k], ps, &fo) != 0)
            rc = 1;
    }
    for (int i = 0; i < MAX_PEERS; i++)
        if (ps[i].ok && ps[i].p->fini)
            ps[i].p->fini();
    printf("# done in %.1f s\n", (double)(bench_now_ns() - start) / 1e9);
    return rc;
}
