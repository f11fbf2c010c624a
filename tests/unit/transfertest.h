/* transfertest.h — what the two bulk-transfer tests share
 * (test_tcp_transfer.c: 10 MB, test_tcp_transfer_slow.c: 100 MB): the link,
 * the ideal finish time, one transfer between two simulated hosts and its
 * report line. Include after tcptest.h, inside BERTH_WITH_SIM && TCP. */
#ifndef BERTH_TEST_TRANSFERTEST_H
#define BERTH_TEST_TRANSFERTEST_H

#include <time.h>

#define MB (1000u * 1000u)

static void link_params(struct berth_link_params *p, uint64_t bps, uint64_t latency_us, double loss)
{
    berth_link_params_init(p);
    p->bandwidth_bps = bps;
    p->latency_us = latency_us;
    p->loss = loss;
    p->queue_limit = 1000;
}

/* Ideal time for `bytes` each way at once on a full-duplex link: the
 * payload at line rate (1448 of every 1538 wire bytes with Ethernet
 * framing), plus the handshake and the last segment's trip. */
static uint64_t ideal_us(uint64_t bytes, uint64_t bps, uint64_t latency_us)
{
    double wire = (double)bytes * 1538.0 / 1448.0;
    return (uint64_t)(wire * 8.0 * 1e6 / (double)bps) + 4 * latency_us;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
    struct tt_result r;
    struct berth_vlink_stats s;
    double wall_s; /* real seconds the simulation took */
};

static struct run transfer(uint64_t seed, const struct berth_link_params *p, uint64_t bytes,
                           uint64_t limit_us, void (*tune)(berth_stack *, int))
{
    double t0 = wall_s();
    struct tt_net n;
    tt_net_init(&n, seed, p, 1500);
    struct run out;
    out.r = tt_transfer(&n, bytes, bytes, limit_us, tune);
    berth_vlink_stats(n.link, &out.s);
    tt_net_free(&n);
    out.wall_s = wall_s() - t0;
    return out;
}

static void report(const char *what, const struct run *x, uint64_t ideal)
{
    print_message("  %-28s %s  %.3f s (ideal %.3f s, x%.2f)  lost %llu dup %llu reord %llu  "
                  "[%.1f s real]\n",
                  what, x->r.ok ? "ok" : "FAILED", (double)x->r.t_end / 1e6, (double)ideal / 1e6,
                  (double)x->r.t_end / (double)ideal, (unsigned long long)x->s.lost,
                  (unsigned long long)x->s.duplicated, (unsigned long long)x->s.reordered,
                  x->wall_s);
}

/* A lossy link: finish within `factor` x the ideal, every byte intact. */
static void tt_check_loss(const char *what, uint64_t seed, double loss, double factor,
                          uint64_t bytes, uint64_t limit_us)
{
    struct berth_link_params p;
    link_params(&p, 100 * MB, 5000, loss);
    uint64_t ideal = ideal_us(bytes, p.bandwidth_bps, p.latency_us);
    struct run x = transfer(seed, &p, bytes, limit_us, NULL);
    report(what, &x, ideal);
    assert_int_equal(x.r.err, 0);
    assert_true(x.r.ok);
    assert_true((double)x.r.t_end <= factor * (double)ideal);
}

/* 2 % duplication and 5 % reordering by 3 ms (+-0.5 ms jitter), no loss. */
static void tt_check_reorder_dup(const char *what, double factor, uint64_t bytes, uint64_t limit_us)
{
    struct berth_link_params p;
    link_params(&p, 100 * MB, 5000, 0.0);
    p.duplicate = 0.02;
    p.reorder = 0.05;
    p.reorder_us = 3000;
    p.jitter_us = 500;
    uint64_t ideal = ideal_us(bytes, p.bandwidth_bps, p.latency_us);
    struct run x = transfer(4, &p, bytes, limit_us, NULL);
    report(what, &x, ideal);
    assert_true(x.r.ok);
    assert_true(x.s.duplicated > 0 && x.s.reordered > 0);
    assert_true((double)x.r.t_end <= factor * (double)ideal);
}

#endif
