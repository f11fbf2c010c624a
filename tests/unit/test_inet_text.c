/* test_inet_text.c — berth's own address text conversion (berth/inet.h)
 * gives glibc's answers: every case is run through both and compared, so
 * the host's libc is the oracle, as the firmware build cannot use it. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "berth/inet.h"

static const char *const v4_texts[] = {
    "0.0.0.0",   "1.2.3.4",  "255.255.255.255", "192.0.2.1",  "256.1.1.1", "1.2.3",
    "1.2.3.4.5", "01.2.3.4", "1.2.3.04",        "0.0.0.00",   "1..2.3",    "1.2.3.",
    ".1.2.3",    "a.b.c.d",  "1.2.3.4 ",        " 1.2.3.4",   "",          "1",
    "0x1.2.3.4", "1.2.3.-4", "127.0.0.1",       "10.0.0.300", "1.2.3.4x",
};

static const char *const v6_texts[] = {
    "::",
    "::1",
    "1::",
    "1::2",
    "2001:db8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001",
    "::ffff:192.0.2.1",
    "::192.0.2.1",
    "::ffff:1.2.3",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    ":1::",
    "1:::2",
    "1::2::3",
    "12345::",
    "fe80::1%eth0",
    "FE80::ABCD",
    "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
    "::1.2.3.4.5",
    "1::2:",
    ":",
    "",
    "0:0:0:0:0:0:0:0",
    "1:0:0:2:0:0:0:3",
    "1:0:0:2:0:0:3:4",
    "0:0:1:0:0:0:0:0",
    "1::ffff:1.2.3.4",
    "::ffff:0:1.2.3.4",
    "::0.0.0.2",
    "g::",
    "1::01234",
    "0001:0002::",
    "::ffff:256.1.1.1",
    "1:2:3:4:5::1.2.3.4",
    "::ffff:01.2.3.4",
};

static void pton_matches_glibc(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(v4_texts) / sizeof(v4_texts[0]); i++) {
        uint8_t a[4] = {0}, b[4] = {0};
        int ra = inet_pton(AF_INET, v4_texts[i], a), rb = berth_inet_pton(AF_INET, v4_texts[i], b);
        if (ra != rb || memcmp(a, b, 4) != 0)
            fail_msg("AF_INET \"%s\": glibc %d, berth %d", v4_texts[i], ra, rb);
    }
    for (size_t i = 0; i < sizeof(v6_texts) / sizeof(v6_texts[0]); i++) {
        uint8_t a[16] = {0}, b[16] = {0};
        int ra = inet_pton(AF_INET6, v6_texts[i], a);
        int rb = berth_inet_pton(AF_INET6, v6_texts[i], b);
        if (ra != rb || memcmp(a, b, 16) != 0)
            fail_msg("AF_INET6 \"%s\": glibc %d, berth %d", v6_texts[i], ra, rb);
    }
    uint8_t x[16];
    errno = 0;
    assert_int_equal(berth_inet_pton(12345, "1.2.3.4", x), -1);
    assert_int_equal(errno, EAFNOSUPPORT);
}

/* Every 16-bit pattern of zero / non-zero groups, with some special values,
 * printed by both. */
static void ntop6_matches_glibc(void **state)
{
    (void)state;
    static const uint16_t vals[] = {0x1, 0xffff, 0xdb8, 0xa0};
    for (unsigned mask = 0; mask < 256; mask++)
        for (unsigned v = 0; v < 4; v++) {
            uint8_t a[16];
            for (int g = 0; g < 8; g++) {
                uint16_t w = (mask >> g) & 1 ? vals[(v + (unsigned)g) % 4] : 0;
                a[2 * g] = (uint8_t)(w >> 8);
                a[2 * g + 1] = (uint8_t)w;
            }
            char ga[64], ba[64];
            assert_non_null(inet_ntop(AF_INET6, a, ga, sizeof(ga)));
            assert_non_null(berth_inet_ntop(AF_INET6, a, ba, sizeof(ba)));
            if (strcmp(ga, ba) != 0)
                fail_msg("mask %02x: glibc %s, berth %s", mask, ga, ba);
        }
    /* v4-mapped and -compatible forms */
    static const char *const mapped[] = {"::ffff:192.0.2.1", "::192.0.2.1", "::1", "::2",
                                         "::ffff:0.0.0.0",   "::1:0:0:0"};
    for (size_t i = 0; i < sizeof(mapped) / sizeof(mapped[0]); i++) {
        uint8_t a[16];
        char ga[64], ba[64];
        assert_int_equal(inet_pton(AF_INET6, mapped[i], a), 1);
        inet_ntop(AF_INET6, a, ga, sizeof(ga));
        berth_inet_ntop(AF_INET6, a, ba, sizeof(ba));
        assert_string_equal(ga, ba);
    }
}

static void ntop_sizes(void **state)
{
    (void)state;
    uint8_t a4[4] = {255, 255, 255, 255};
    char buf[64];
    errno = 0;
    assert_null(berth_inet_ntop(AF_INET, a4, buf, 15));
    assert_int_equal(errno, ENOSPC);
    assert_string_equal(berth_inet_ntop(AF_INET, a4, buf, 16), "255.255.255.255");
    uint8_t a6[16];
    memset(a6, 0xab, sizeof(a6));
    assert_null(berth_inet_ntop(AF_INET6, a6, buf, 39));
    assert_non_null(berth_inet_ntop(AF_INET6, a6, buf, 40));
    assert_string_equal(buf, "abab:abab:abab:abab:abab:abab:abab:abab");
    errno = 0;
    assert_null(berth_inet_ntop(99, a6, buf, sizeof(buf)));
    assert_int_equal(errno, EAFNOSUPPORT);
}

static void aton_ntoa_match_glibc(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "1.2.3.4",
        "1",
        "0x7f000001",
        "127.1",
        "127.0.1",
        "10.0x10.010.1",
        "0",
        "00",
        "0x",
        "4294967295",
        "4294967296",
        "1.256",
        "1.16777215",
        "1.16777216",
        "1.2.65535",
        "1.2.65536",
        "1.2.3.256",
        "1.2.3.4 trailing",
        "1.2.3.4\tx",
        "1.2.3.4x",
        "1.2.3.4.",
        "",
        "09",
        "0x1g",
        "1.2.3.4.5",
        " 1.2.3.4",
        "255.255.255.255",
        "0377.0xff.255.0",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct in_addr g = {0};
        uint32_t b = 0;
        int rg = inet_aton(texts[i], &g), rb = berth_inet_aton(texts[i], &b);
        if (rg != rb || (rg && g.s_addr != b))
            fail_msg("\"%s\": glibc %d %08x, berth %d %08x", texts[i], rg, g.s_addr, rb, b);
        if (rg) {
            char want[16];
            snprintf(want, sizeof(want), "%s", inet_ntoa(g));
            assert_string_equal(berth_inet_ntoa(b), want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pton_matches_glibc),
        cmocka_unit_test(ntop6_matches_glibc),
        cmocka_unit_test(ntop_sizes),
        cmocka_unit_test(aton_ntoa_match_glibc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
