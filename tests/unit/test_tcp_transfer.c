/* test_tcp_transfer.c — bulk TCP between two simulated hosts in virtual
 * time: 10 MB each way at once, with 0 %, 1 % and 5 % loss, with reordering
 * and duplication, and over a path whose bandwidth-delay product needs
 * window scaling. Every byte is checked as it arrives and the streams'
 * hashes compared; the finish time must stay within a stated factor of the
 * ideal; a fixed seed gives the same run twice.
 *
 * Link: 100 Mbit/s each way, 5 ms one way, 1000-packet queues, MTU 1500.
 * Stated bounds (ideal = line-rate time, 0.87 s for 10 MB each way):
 *   0 % loss x1.2, 1 % x12, 5 % x35 (each loss also hits retransmissions
 *   and ACKs; Reno-style recovery gives about cwnd = 1.2 / sqrt(p)),
 *   2 % duplication + 5 % reordering by 3 ms x4, and 20 MB each way over a
 *   100 ms RTT x2. docs/tcp.md lists the measured figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>

#include "berth/sysctl.h"
#include "tcptest.h"

#if BERTH_WITH_SIM && BERTH_WITH_TCP

#include "transfertest.h"

static void check(const char *what, uint64_t seed, double loss, double factor)
{
    tt_check_loss(what, seed, loss, factor, 10 * MB, 600 * 1000000ull);
}

static void lossless(void **state)
{
    (void)state;
    check("10 MB each way, 0 % loss", 1, 0.0, 1.2);
}

static void loss_1pct(void **state)
{
    (void)state;
    check("10 MB each way, 1 % loss", 2, 0.01, 12.0);
}

static void loss_5pct(void **state)
{
    (void)state;
    check("10 MB each way, 5 % loss", 3, 0.05, 35.0);
}

static void reorder_dup(void **state)
{
    (void)state;
    tt_check_reorder_dup("10 MB each way, reorder+dup", 4.0, 10 * MB, 600 * 1000000ull);
}

/* Both ends without SACK, timestamps or window scaling (lwIP's feature
 * set, and what BERTH_WITH_SACK=OFF & co. build): at 5 % loss both ends
 * time out at once and go back to snd_una. Their pure ACKs must carry the
 * highest sequence sent (Linux's tcp_acceptable_seq), not the rewound
 * snd_nxt, or each drops the other's ACKs as old (below rcv_wup) and the
 * transfer stalls for good: it did, 0 bytes after 1.3 MB. */
static void no_options(berth_stack *st, int fd)
{
    (void)fd;
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_sack", "0"), 0);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_timestamps", "0"), 0);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_window_scaling", "0"), 0);
}

static void loss_5pct_no_options(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_params(&p, 100 * MB, 5000, 0.05);
    uint64_t ideal = ideal_us(10 * MB, p.bandwidth_bps, p.latency_us);
    struct run x = transfer(3, &p, 10 * MB, 600 * 1000000ull, no_options);
    report("10 MB each way, 5 % loss, no SACK/TS/WS", &x, ideal);
    assert_int_equal(x.r.err, 0);
    assert_true(x.r.ok);
    /* a 64 KB window and go-back-N recovery: slow, but it finishes (about
     * 34 s of virtual time) */
    assert_true((double)x.r.t_end <= 80.0 * (double)ideal);
}

/* 100 Mbit/s with 100 ms RTT: 1.25 MB in flight, twenty times what an
 * unscaled window allows. */
static void window_scaling(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_params(&p, 100 * MB, 50000, 0.0);
    p.queue_limit = 2000;
    uint64_t ideal = ideal_us(20 * MB, p.bandwidth_bps, p.latency_us);
    struct run x = transfer(5, &p, 20 * MB, 600 * 1000000ull, NULL);
    report("20 MB each way, BDP 1.25 MB", &x, ideal);
    assert_true(x.r.ok);
    /* without scaling the window caps throughput at 64 KB per RTT (5 Mbit/s,
     * 32 s for 20 MB): require several times better */
    assert_true((double)x.r.t_end <= 2.0 * (double)ideal);
}

static void deterministic(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_params(&p, 100 * MB, 5000, 0.01);
    p.reorder = 0.01;
    p.reorder_us = 2000;
    struct run x1 = transfer(77, &p, 2 * MB, 600 * 1000000ull, NULL);
    struct run x2 = transfer(77, &p, 2 * MB, 600 * 1000000ull, NULL);
    struct run x3 = transfer(78, &p, 2 * MB, 600 * 1000000ull, NULL);
    assert_true(x1.r.ok && x2.r.ok && x3.r.ok);
    assert_int_equal(x1.r.t_end, x2.r.t_end);
    assert_memory_equal(&x1.s, &x2.s, sizeof(x1.s));
    assert_true(x1.r.t_end != x3.r.t_end || memcmp(&x1.s, &x3.s, sizeof(x1.s)) != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lossless),      cmocka_unit_test(loss_1pct),
        cmocka_unit_test(loss_5pct),     cmocka_unit_test(loss_5pct_no_options),
        cmocka_unit_test(reorder_dup),   cmocka_unit_test(window_scaling),
        cmocka_unit_test(deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void)
{
    puts("test_tcp_transfer: TCP or the simulation compiled out, nothing to test");
    return 0;
}
#endif
