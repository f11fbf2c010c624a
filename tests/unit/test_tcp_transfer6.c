/* test_tcp_transfer6.c — bulk TCP over native IPv6 between two simulated
 * hosts (a = 2001:db8::1, b = 2001:db8::2 on one vlink), in virtual time,
 * through the fault injection of the link (src/netif/fault.c): lossless,
 * 1 % loss, and duplication with reordering, 10 MB each way at once.
 * Every byte is checked and the hashes compared, as in test_tcp_transfer.c,
 * and each IPv6 run is set beside the same run over IPv4: the IPv6 header
 * costs 20 bytes of every segment (1428 bytes of payload instead of 1448
 * with timestamps), so a lossless IPv6 run may take at most 3 % longer.
 * The stated bounds are those of the IPv4 tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>

#include "tcptest.h"

#if BERTH_WITH_SIM && BERTH_WITH_TCP && BERTH_WITH_IPV6

#include "transfertest.h"

/* transfertest.h's transfer(), over IPv6 when v6. */
static struct run transfer_fam(bool v6, uint64_t seed, const struct berth_link_params *p,
                               uint64_t bytes)
{
    double t0 = wall_s();
    struct tt_net n;
    if (v6)
        tt_net_init6(&n, seed, p, 1500);
    else
        tt_net_init(&n, seed, p, 1500);
    struct run out;
    out.r = tt_transfer(&n, bytes, bytes, 600 * 1000000ull, NULL);
    berth_vlink_stats(n.link, &out.s);
    tt_net_free(&n);
    out.wall_s = wall_s() - t0;
    return out;
}

/* The run over both families; the IPv6 one within `factor` x the ideal. */
static void both(const char *what, uint64_t seed, const struct berth_link_params *p, double factor,
                 double max_ratio)
{
    uint64_t ideal = ideal_us(10 * MB, p->bandwidth_bps, p->latency_us);
    struct run x4 = transfer_fam(false, seed, p, 10 * MB);
    struct run x6 = transfer_fam(true, seed, p, 10 * MB);
    char l4[96], l6[96];
    snprintf(l4, sizeof(l4), "%s, IPv4", what);
    snprintf(l6, sizeof(l6), "%s, IPv6", what);
    report(l4, &x4, ideal);
    report(l6, &x6, ideal);
    print_message("  IPv6 / IPv4 finish: %.3f\n", (double)x6.r.t_end / (double)x4.r.t_end);
    assert_int_equal(x6.r.err, 0);
    assert_true(x6.r.ok);
    assert_true((double)x6.r.t_end <= factor * (double)ideal);
    if (max_ratio > 0)
        assert_true((double)x6.r.t_end <= max_ratio * (double)x4.r.t_end);
}

static void lossless(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_params(&p, 100 * MB, 5000, 0.0);
    both("10 MB each way, 0 % loss", 1, &p, 1.2, 1.03);
}

static void loss_1pct(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_params(&p, 100 * MB, 5000, 0.01);
    both("10 MB each way, 1 % loss", 2, &p, 12.0, 0);
}

static void reorder_dup(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_params(&p, 100 * MB, 5000, 0.0);
    p.duplicate = 0.02;
    p.reorder = 0.05;
    p.reorder_us = 3000;
    p.jitter_us = 500;
    both("10 MB each way, reorder+dup", 4, &p, 4.0, 0);
}

int main(void)
{
    (void)tt_check_loss; /* transfertest.h's IPv4 checks: test_tcp_transfer.c's */
    (void)tt_check_reorder_dup;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lossless),
        cmocka_unit_test(loss_1pct),
        cmocka_unit_test(reorder_dup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void) { return 77; }
#endif
