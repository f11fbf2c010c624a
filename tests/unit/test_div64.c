/* test_div64.c — berth_div64_soft (core/div64.h), the 32-bit targets'
 * 64/32 division, gives the C operator's quotient: edges (0, divisor 1,
 * UINT64_MAX, high word just below/above the divisor, top bit of the
 * remainder set) and 200000 pseudo-random pairs with divisors of every
 * width, including TCP's 1000, 1000000 and 60000000. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/div64.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void check(uint64_t n, uint32_t d)
{
    uint64_t want = n / d, got = berth_div64_soft(n, d);
    if (got != want)
        fail_msg("%llu / %u: got %llu, want %llu", (unsigned long long)n, d,
                 (unsigned long long)got, (unsigned long long)want);
    assert_true(berth_div64(n, d) == want);
}

static void edges(void **state)
{
    (void)state;
    static const uint32_t ds[] = {1,           2,           3,           7,
                                  1000,        1000000,     60000000,    0x7fffffffu,
                                  0x80000000u, 0x80000001u, 0xfffffffeu, 0xffffffffu};
    static const uint64_t ns[] = {0,
                                  1,
                                  999,
                                  1000,
                                  0xffffffffu,
                                  0x100000000u,
                                  0xffffffffffffffffu,
                                  0x8000000000000000u,
                                  0x7fffffff80000000u,
                                  0xfffffffe00000000u,
                                  0xfffffffeffffffffu,
                                  1783000000000000u};
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++)
        for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
            check(ns[j], ds[i]);
            check(ns[j] + ds[i], ds[i]);
            check(ns[j] - ds[i], ds[i]);
        }
    assert_true(berth_div64_soft(0xffffffffffffffffu, 0xffffffffu) == 0x100000001u);
    assert_true(berth_div64_soft(1000000ull * 86400u * 365u, 1000000u) == 86400u * 365u);
}

static void random_pairs(void **state)
{
    (void)state;
    for (int i = 0; i < 200000; i++) {
        uint64_t n = next() >> (next() & 63);
        uint32_t d = (uint32_t)(next() >> (32 + (next() & 31)));
        if (d == 0)
            d = 1;
        check(n, d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(edges), cmocka_unit_test(random_pairs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
