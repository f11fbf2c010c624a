/* test_tcp_transfer_slow.c — the transfer tests of test_tcp_transfer.c at
 * the full size: 100 MB each way at once with 0 %, 1 % and 5 %
 * loss, with reordering and duplication, and 100 MB each way over a path
 * whose bandwidth-delay product needs window scaling. Same link, same
 * checks: every byte compared as it arrives, hashes equal, finish time
 * within a stated factor of the ideal, same seed same run.
 *
 * Link: 100 Mbit/s each way, 5 ms one way, 1000-packet queues, MTU 1500;
 * ideal = line rate with Ethernet framing plus two RTTs (8.50 s for 100 MB
 * each way). Bounds: 0 % x1.1, 1 % x10, 5 % x36, duplication+reordering
 * x3, BDP 1.25 MB (100 ms RTT) x1.5. docs/tcp.md lists the measured
 * figures and the real time of each case. Label "slow" (ctest -L slow). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>

#include <time.h>

#include "tcptest.h"

#if BERTH_WITH_SIM && BERTH_WITH_TCP

#include "transfertest.h"

#define BYTES (100u * MB)

static void check(const char *what, uint64_t seed, double loss, double factor)
{
    tt_check_loss(what, seed, loss, factor, BYTES, 3600 * 1000000ull);
}

static void lossless(void **state)
{
    (void)state;
    check("100 MB each way, 0 % loss", 1, 0.0, 1.1);
}

static void loss_1pct(void **state)
{
    (void)state;
    check("100 MB each way, 1 % loss", 2, 0.01, 10.0);
}

static void loss_5pct(void **state)
{
    (void)state;
    /* x32 until the cwnd fixes of 1be00df's series (SACKed data no longer
     * counted twice towards cwnd growth, limited transmit sending one
     * segment per duplicate ACK as Linux): 226.8 s -> 273.3 s (x32.08). */
    check("100 MB each way, 5 % loss", 3, 0.05, 36.0);
}

static void reorder_dup(void **state)
{
    (void)state;
    tt_check_reorder_dup("100 MB each way, reorder+dup", 3.0, BYTES, 3600 * 1000000ull);
}

/* 100 Mbit/s with 100 ms RTT: 1.25 MB in flight. */
static void window_scaling(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_params(&p, 100 * MB, 50000, 0.0);
    p.queue_limit = 2000;
    uint64_t ideal = ideal_us(BYTES, p.bandwidth_bps, p.latency_us);
    struct run x = transfer(5, &p, BYTES, 3600 * 1000000ull, NULL);
    report("100 MB each way, BDP 1.25 MB", &x, ideal);
    assert_true(x.r.ok);
    assert_true((double)x.r.t_end <= 1.5 * (double)ideal);
}

/* 100 MB at 1 % loss twice with the same seed: the same run. */
static void deterministic(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_params(&p, 100 * MB, 5000, 0.01);
    p.reorder = 0.01;
    p.reorder_us = 2000;
    struct run x1 = transfer(77, &p, BYTES, 3600 * 1000000ull, NULL);
    struct run x2 = transfer(77, &p, BYTES, 3600 * 1000000ull, NULL);
    assert_true(x1.r.ok && x2.r.ok);
    assert_int_equal(x1.r.t_end, x2.r.t_end);
    assert_memory_equal(&x1.s, &x2.s, sizeof(x1.s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lossless),       cmocka_unit_test(loss_1pct),
        cmocka_unit_test(loss_5pct),      cmocka_unit_test(reorder_dup),
        cmocka_unit_test(window_scaling), cmocka_unit_test(deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void)
{
    puts("test_tcp_transfer_slow: TCP or the simulation compiled out, nothing to test");
    return 0;
}
#endif
