/* peer_berth.c — berth through its public API (berth/socket.h) on a berth_stack.
 *
 * Timed figures run on one stack with the default (posix) platform — what
 * berth/posix.h gives a program: pthread mutex as the stack lock, malloc,
 * CLOCK_MONOTONIC. Loopback datagrams are delivered before sendto returns
 * (the stack runs its input queue when it drops the lock), so the
 * round trip is one thread, no waits.
 *
 * RAM: a second stack whose platform wraps the posix one with a counting
 * allocator; bytes asked for while creating and binding BENCH_NSOCK sockets,
 * divided by BENCH_NSOCK.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/socket.h"
#include "berth/stack.h"
#if BERTH_WITH_SIM
#include "berth/sim.h"
#endif

#include "bench.h"

static berth_stack *g_st;

static const char *berth_describe(void)
{
    return "berth_* API on one berth_stack, posix platform (pthread mutex, malloc), lo 127.0.0.1/8";
}

static int berth_init(char *why, size_t n)
{
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.name = "bench";
    cfg.max_fds = 4096;
    g_st = berth_stack_new(&cfg);
    if (!g_st)
        return bench_fail(why, n, "berth_stack_new: %s", strerror(errno));
    return 0;
}

static void berth_fini(void)
{
    berth_stack_free(g_st);
    g_st = NULL;
}

static int berth_has(enum fig f)
{
    (void)f;
    return 1;
}

static struct sockaddr_in lo_addr(uint16_t port)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(port);
    return sin;
}

/* A UDP socket on st bound to addr:0; its address in *out. */
static int bound_socket(berth_stack *st, struct in_addr addr, struct sockaddr_in *out, char *why,
                        size_t n)
{
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return bench_fail(why, n, "berth_socket: %s", strerror(errno));
    struct sockaddr_in sin = lo_addr(0);
    sin.sin_addr = addr;
    socklen_t len = sizeof(*out);
    if (berth_bind(st, fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        berth_getsockname(st, fd, (struct sockaddr *)out, &len) != 0) {
        bench_fail(why, n, "berth_bind: %s", strerror(errno));
        berth_close(st, fd);
        return -1;
    }
    return fd;
}

__attribute__((noinline)) int bench_berth_rtt_loop(struct berth_stack *st, int a, int b,
                                                   const void *to_b, unsigned tolen,
                                                   uint64_t iters)
{
    char out[BENCH_PAYLOAD], in[2048];
    memset(out, 'x', sizeof(out));
    for (uint64_t i = 0; i < iters; i++) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof(from);
        if (berth_sendto(st, a, out, sizeof(out), 0, to_b, tolen) != BENCH_PAYLOAD)
            return -1;
        if (berth_recvfrom(st, b, in, sizeof(in), 0, (struct sockaddr *)&from, &fromlen) !=
            BENCH_PAYLOAD)
            return -1;
        if (berth_sendto(st, b, in, BENCH_PAYLOAD, 0, (struct sockaddr *)&from, fromlen) !=
            BENCH_PAYLOAD)
            return -1;
        if (berth_recvfrom(st, a, in, sizeof(in), 0, NULL, NULL) != BENCH_PAYLOAD)
            return -1;
    }
    return 0;
}

static int run_rtt(uint64_t iters, double *ns, char *why, size_t n)
{
    struct sockaddr_in sa, sb;
    struct in_addr lo = {htonl(INADDR_LOOPBACK)};
    int a = bound_socket(g_st, lo, &sa, why, n);
    if (a < 0)
        return -1;
    int b = bound_socket(g_st, lo, &sb, why, n);
    if (b < 0) {
        berth_close(g_st, a);
        return -1;
    }
    uint64_t t0 = bench_now_ns();
    int rc = bench_berth_rtt_loop(g_st, a, b, &sb, sizeof(sb), iters);
    uint64_t t1 = bench_now_ns();
    if (rc)
        bench_fail(why, n, "round trip failed: %s", strerror(errno));
    berth_close(g_st, a);
    berth_close(g_st, b);
    *ns = (double)(t1 - t0) / (double)iters;
    return rc;
}

static int run_socket_close(uint64_t iters, double *ns, char *why, size_t n)
{
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        int fd = berth_socket(g_st, AF_INET, SOCK_DGRAM, 0);
        if (fd < 0)
            return bench_fail(why, n, "berth_socket: %s", strerror(errno));
        if (berth_close(g_st, fd) != 0)
            return bench_fail(why, n, "berth_close: %s", strerror(errno));
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    return 0;
}

/* Create BENCH_NSOCK sockets, bind each to 127.0.0.1:(BENCH_PORT_BASE + i);
 * *bind_ns gets the time spent in berth_bind only. Sockets stay open in fds. */
static int bind_all(berth_stack *st, int *fds, uint64_t *bind_ns, char *why, size_t n)
{
    for (int i = 0; i < BENCH_NSOCK; i++)
        fds[i] = -1;
    for (int i = 0; i < BENCH_NSOCK; i++) {
        fds[i] = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
        if (fds[i] < 0)
            return bench_fail(why, n, "berth_socket #%d: %s", i, strerror(errno));
    }
    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < BENCH_NSOCK; i++) {
        struct sockaddr_in sin = lo_addr((uint16_t)(BENCH_PORT_BASE + i));
        if (berth_bind(st, fds[i], (struct sockaddr *)&sin, sizeof(sin)) != 0)
            return bench_fail(why, n, "berth_bind port %d: %s", BENCH_PORT_BASE + i,
                              strerror(errno));
    }
    *bind_ns = bench_now_ns() - t0;
    return 0;
}

static void close_all(berth_stack *st, int *fds)
{
    for (int i = 0; i < BENCH_NSOCK; i++)
        if (fds[i] >= 0)
            berth_close(st, fds[i]);
}

static int run_bind(uint64_t rounds, double *ns, char *why, size_t n)
{
    static int fds[BENCH_NSOCK];
    uint64_t total = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        uint64_t t;
        int rc = bind_all(g_st, fds, &t, why, n);
        close_all(g_st, fds);
        if (rc)
            return -1;
        total += t;
    }
    *ns = (double)total / (double)(rounds * BENCH_NSOCK);
    return 0;
}

/* ---- RAM: a platform that counts what the stack allocates ---- */

struct count_ctx {
    struct berth_platform inner;
    size_t live;    /* bytes requested and not yet freed */
    size_t nallocs; /* live allocations */
};

/* A header in front of every block keeps the requested size (16 bytes, so
 * the block stays aligned for any type). */
#define COUNT_HDR 16

static struct berth_platform *inner(void *c) { return &((struct count_ctx *)c)->inner; }
static uint64_t cnt_now(void *c) { return inner(c)->now_us(inner(c)->ctx); }
static void cnt_lock(void *c) { inner(c)->lock(inner(c)->ctx); }
static void cnt_unlock(void *c) { inner(c)->unlock(inner(c)->ctx); }
static int cnt_wait(void *c, struct berth_stack *st, uint64_t d)
{
    return inner(c)->wait(inner(c)->ctx, st, d);
}
static void cnt_wake(void *c) { inner(c)->wake(inner(c)->ctx); }
static void cnt_random(void *c, void *buf, size_t n) { inner(c)->random(inner(c)->ctx, buf, n); }
static void *cnt_alloc(void *c, size_t n)
{
    struct count_ctx *cc = c;
    unsigned char *p = malloc(n + COUNT_HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    cc->live += n;
    cc->nallocs++;
    return p + COUNT_HDR;
}
static void cnt_free(void *c, void *q)
{
    struct count_ctx *cc = c;
    if (!q)
        return;
    unsigned char *p = (unsigned char *)q - COUNT_HDR;
    size_t n;
    memcpy(&n, p, sizeof(n));
    cc->live -= n;
    cc->nallocs--;
    free(p);
}

static int run_ram(double *bytes, char *note, char *why, size_t n)
{
    struct count_ctx cc = {0};
    int e = berth_platform_posix(&cc.inner);
    if (e)
        return bench_fail(why, n, "berth_platform_posix: %s", strerror(e));
    struct berth_platform plat = {.ctx = &cc,
                                  .now_us = cnt_now,
                                  .lock = cnt_lock,
                                  .unlock = cnt_unlock,
                                  .wait = cnt_wait,
                                  .wake = cnt_wake,
                                  .random = cnt_random,
                                  .alloc = cnt_alloc,
                                  .free = cnt_free};
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.max_fds = 4096;
    berth_stack *st = berth_stack_new(&cfg);
    int rc = -1;
    if (!st) {
        bench_fail(why, n, "berth_stack_new: %s", strerror(errno));
        goto out;
    }
    size_t base = cc.live, base_n = cc.nallocs;
    struct mallinfo2 m0 = mallinfo2();
    static int fds[BENCH_NSOCK];
    uint64_t t;
    if (bind_all(st, fds, &t, why, n) == 0) {
        struct mallinfo2 m1 = mallinfo2();
        size_t used = cc.live - base, blocks = cc.nallocs - base_n;
        *bytes = (double)used / BENCH_NSOCK;
        /* glibc's view, minus our own headers; meaningless when malloc is
         * not glibc's (valgrind, sanitizers). */
        char heap[64] = "glibc chunk overhead unknown";
        if (m1.uordblks >= m0.uordblks + blocks * COUNT_HDR + used)
            snprintf(heap, sizeof(heap), "%.0f B with glibc chunk overhead",
                     (double)(m1.uordblks - m0.uordblks - blocks * COUNT_HDR) / BENCH_NSOCK);
        snprintf(note, BENCH_NOTE,
                 "berth: bytes requested from the platform allocator for %d sockets bound to "
                 "explicit ports / %d (%.1f blocks each; %s, mallinfo2; the fd table, "
                 "8 B x max_fds, is allocated with the stack)",
                 BENCH_NSOCK, BENCH_NSOCK, (double)blocks / BENCH_NSOCK, heap);
        rc = 0;
    }
    close_all(st, fds);
    berth_stack_free(st);
out:
    berth_platform_posix_release(&cc.inner);
    return rc;
}

/* ---- vlink: two simulated hosts on a zero-latency wire ---- */

#if BERTH_WITH_SIM
static int run_vlink(uint64_t iters, double *ns, char *why, size_t n)
{
    int rc = -1;
    berth_sim *sim = berth_sim_new(1);
    if (!sim)
        return bench_fail(why, n, "berth_sim_new: %s", strerror(errno));
    berth_stack *ha = berth_sim_add_host(sim, "a", NULL);
    berth_stack *hb = berth_sim_add_host(sim, "b", NULL);
    struct berth_link_params lp;
    berth_link_params_init(&lp);
    lp.latency_us = 0;
    lp.jitter_us = 0;
    lp.bandwidth_bps = 0;
    berth_vlink *link = ha && hb ? berth_vlink_new(sim, &lp) : NULL;
    berth_netif *ia = link ? berth_vlink_attach(link, ha, "eth0", 1500) : NULL;
    berth_netif *ib = link ? berth_vlink_attach(link, hb, "eth0", 1500) : NULL;
    if (!ia || !ib) {
        bench_fail(why, n, "simulation setup failed (sim.c/vlink.c a stub?): %s", strerror(errno));
        goto out;
    }
    /* Documentation range: these hosts exist only inside this process. */
    struct in_addr a_addr, b_addr;
    inet_pton(AF_INET, "192.0.2.1", &a_addr);
    inet_pton(AF_INET, "192.0.2.2", &b_addr);
    if (berth_netif_addr_add(ia, a_addr, 24) || berth_netif_addr_add(ib, b_addr, 24)) {
        bench_fail(why, n, "berth_netif_addr_add: %s", strerror(errno));
        goto out;
    }
    struct sockaddr_in sa, sb;
    int a = bound_socket(ha, a_addr, &sa, why, n);
    int b = a < 0 ? -1 : bound_socket(hb, b_addr, &sb, why, n);
    if (a < 0 || b < 0)
        goto out;
    /* A broken simulation must not hang the benchmark: 1 s of virtual time. */
    struct timeval tv = {.tv_sec = 1};
    berth_setsockopt(ha, a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    berth_setsockopt(hb, b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char out[BENCH_PAYLOAD], in[2048];
    memset(out, 'x', sizeof(out));
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof(from);
        if (berth_sendto(ha, a, out, sizeof(out), 0, (struct sockaddr *)&sb, sizeof(sb)) !=
                BENCH_PAYLOAD ||
            berth_recvfrom(hb, b, in, sizeof(in), 0, (struct sockaddr *)&from, &fromlen) !=
                BENCH_PAYLOAD ||
            berth_sendto(hb, b, in, BENCH_PAYLOAD, 0, (struct sockaddr *)&from, fromlen) !=
                BENCH_PAYLOAD ||
            berth_recvfrom(ha, a, in, sizeof(in), 0, NULL, NULL) != BENCH_PAYLOAD) {
            bench_fail(why, n, "vlink round trip %llu failed: %s", (unsigned long long)i,
                       strerror(errno));
            goto out;
        }
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    rc = 0;
out:
    berth_sim_free(sim); /* frees the hosts and their sockets */
    return rc;
}
#endif

static int berth_run(enum fig f, uint64_t iters, double *ns, char *note, char *why, size_t n)
{
    switch (f) {
    case FIG_RTT_LO:
        return run_rtt(iters, ns, why, n);
    case FIG_SOCKET_CLOSE:
        return run_socket_close(iters, ns, why, n);
    case FIG_BIND_1000:
        return run_bind(iters, ns, why, n);
    case FIG_RTT_VLINK:
#if BERTH_WITH_SIM
        return run_vlink(iters, ns, why, n);
#else
        return bench_fail(why, n, "berth built with BERTH_WITH_SIM=OFF (no src/netif/sim.c)");
#endif
    case FIG_RAM:
        return run_ram(ns, note, why, n);
    default:
        return bench_fail(why, n, "no such figure");
    }
}

const struct bench_peer bench_peer_berth = {
    .name = "berth",
    .init = berth_init,
    .describe = berth_describe,
    .has = berth_has,
    .run = berth_run,
    .fini = berth_fini,
};
