/* test_ip6_icmp.c — ICMPv6 robustness: the error rate limiter
 * (src/ip/icmp6_rate.c), errors received quoting garbage
 * (src/ip/icmp6_err.c), the counters of /proc/net/snmp6, echo to a
 * multicast group, and Packet Too Big feeding the path-MTU cache
 * (src/ip/ip6_pmtu.c). Expectations are Linux 6.18's for the same packets
 * through a TUN device (docs/ip6.md). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#if BERTH_WITH_IPV6 && BERTH_WITH_FRAG &&                                                          \
    BERTH_WITH_COUNTERS /* else nothing to test: main returns 77 (skip) */

#include "ip6test.h"

#include "core/stack_impl.h"
#include "ip/ip6.h"

static uint8_t pkt[70000], body[70000];

static uint64_t ic(struct iptest *h, const char *n) { return icmp6t_ctr(h, n); }

static int setup(void **state)
{
    static struct iptest h;
    assert_int_equal(ip6test_init(&h, 1500), 0);
    *state = &h;
    return 0;
}

static int teardown(void **state)
{
    iptest_fini(*state);
    assert_int_equal(iptest_live_bytes, 0);
    return 0;
}

/* A packet from src with next header 253 (unknown): each one asks for a
 * parameter problem (code 1), a type the rate limiter covers. */
static void send_unknown_proto(struct iptest *h, const char *src)
{
    ip6t_hdr(pkt, ip6a(src), ip6a(IP6T_SELF), 253, 8);
    memset(pkt + 40, 0, 8);
    iptest_input(h, pkt, 48);
}

/* Linux: a destination gets 6 errors at once (XRLIM_BURST_FACTOR), then
 * one per net.ipv6.icmp.ratelimit (100 ms); the refused ones count Icmp6
 * OutRateLimitHost. Measured: 30 due at once -> 6 sent, 24 limited; the
 * same after 1 s idle; one due every 5 ms for 1 s -> 10 sent. */
static void test_rate_limit_per_destination(void **state)
{
    struct iptest *h = *state;
    for (int i = 0; i < 30; i++)
        send_unknown_proto(h, IP6T_PEER);
    assert_int_equal(ip6t_count_icmp(h, 4, 1), 6);
    assert_int_equal(ic(h, "OutRateLimitHost"), 24);
    assert_int_equal(ic(h, "OutParmProblems"), 6);
    assert_int_equal(ic(h, "OutType4"), 6);
    assert_int_equal(ic(h, "OutMsgs"), 6);
    assert_int_equal(ic(h, "OutErrors"), 0);
    /* another destination has its own bucket */
    iptest_clear(h);
    send_unknown_proto(h, "2001:db8::3");
    assert_int_equal(ip6t_count_icmp(h, 4, 1), 1);
    /* full again after 1 s */
    iptest_clear(h);
    iptest_advance(h, 1000000);
    for (int i = 0; i < 30; i++)
        send_unknown_proto(h, IP6T_PEER);
    assert_int_equal(ip6t_count_icmp(h, 4, 1), 6);
    /* one every 5 ms for a second: 10 */
    iptest_clear(h);
    for (int i = 0; i < 200; i++) {
        iptest_advance(h, 5000);
        send_unknown_proto(h, IP6T_PEER);
    }
    assert_int_equal(ip6t_count_icmp(h, 4, 1), 10);
}

/* Informational messages are outside the ratemask: 30 echo requests at
 * once get 30 replies. */
static void test_echo_replies_not_limited(void **state)
{
    struct iptest *h = *state;
    for (int i = 0; i < 30; i++) {
        size_t n = ip6t_echo(pkt + 40, ip6a(IP6T_PEER), ip6a(IP6T_SELF), (uint16_t)i, 16);
        ip6t_hdr(pkt, ip6a(IP6T_PEER), ip6a(IP6T_SELF), IPPROTO_ICMPV6, n);
        iptest_input(h, pkt, 40 + n);
    }
    assert_int_equal(ip6t_count_icmp(h, 129, 0), 30);
    assert_int_equal(ic(h, "InEchos"), 30);
    assert_int_equal(ic(h, "InType128"), 30);
    assert_int_equal(ic(h, "OutEchoReplies"), 30);
    assert_int_equal(ic(h, "OutType129"), 30);
    assert_int_equal(ic(h, "OutRateLimitHost"), 0);
}

/* The global bucket both families share (icmp_global_allow, 50 at once):
 * errors to 60 different destinations at once, 50 sent. (Linux's global
 * credit is consumed 0-2 at random per message; berth's is IPv4's
 * deterministic bucket.) */
static void test_global_bucket(void **state)
{
    struct iptest *h = *state;
    for (int i = 0; i < 60; i++) {
        char a[40];
        snprintf(a, sizeof(a), "2001:db8::%x", 0x100 + i);
        send_unknown_proto(h, a);
    }
    assert_int_equal(ip6t_count_icmp(h, 4, 1), 50);
    assert_int_equal(ic(h, "OutRateLimitHost"), 0);
}

/* Echo to all-nodes: answered (net.ipv6.icmp.echo_ignore_multicast 0),
 * from a unicast address of the interface. */
static void test_multicast_echo(void **state)
{
    struct iptest *h = *state;
    size_t n = ip6t_echo(pkt + 40, ip6a(IP6T_PEER), ip6a("ff02::1"), 7, 8);
    ip6t_hdr(pkt, ip6a(IP6T_PEER), ip6a("ff02::1"), IPPROTO_ICMPV6, n);
    iptest_input(h, pkt, 40 + n);
    const struct iptest_pkt *r = ip6t_find_icmp(h, 129, 0);
    assert_non_null(r);
    struct in6_addr s = ip6a(IP6T_SELF);
    assert_memory_equal(r->data + 8, &s, 16);
    assert_int_equal(ic(h, "InEchos"), 1);
    assert_int_equal(ip6t_ctr(h, "InMcastPkts"), 1);
}

/* An error message from PEER whose body is `q` (qlen bytes). */
static void send_error(struct iptest *h, uint8_t type, uint8_t code, uint32_t info,
                       const uint8_t *q, size_t qlen)
{
    size_t n = ip6t_icmp_pkt(pkt, ip6a(IP6T_PEER), ip6a(IP6T_SELF), type, code, info, q, qlen);
    iptest_input(h, pkt, n);
}

/* A quoted packet SELF -> dst: fixed header naming nxt, then rest. */
static size_t quote(uint8_t *q, const char *dst, uint8_t nxt, const uint8_t *rest, size_t rlen)
{
    ip6t_hdr(q, ip6a(IP6T_SELF), ip6a(dst), nxt, rlen);
    memcpy(q + 40, rest, rlen);
    return 40 + rlen;
}

/* icmpv6_notify: garbage quotes count Icmp6 InErrors; nothing reads past
 * the message (ASan in `make sanitize`). */
static void test_errors_quoting_garbage(void **state)
{
    struct iptest *h = *state;
    uint8_t q[2000];
    /* 20 bytes: not even an IPv6 header */
    memset(q, 0, 20);
    q[0] = 0x60;
    send_error(h, 1, 4, 0, q, 20);
    assert_int_equal(ic(h, "InMsgs"), 1);
    assert_int_equal(ic(h, "InDestUnreachs"), 1);
    assert_int_equal(ic(h, "InType1"), 1);
    assert_int_equal(ic(h, "InErrors"), 1);
    /* destination options declaring 48 bytes, 8 quoted */
    uint8_t opt[8] = {IPPROTO_UDP, 5, 1, 4, 0, 0, 0, 0};
    size_t n = quote(q, IP6T_PEER, 60, opt, 8);
    send_error(h, 1, 4, 0, q, n);
    assert_int_equal(ic(h, "InErrors"), 2);
    /* a complete chain, 4 bytes of the upper layer */
    uint8_t opt2[12] = {IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0, 0x30, 0x39, 0, 53};
    n = quote(q, IP6T_PEER, 60, opt2, 12);
    send_error(h, 3, 0, 0, q, n);
    assert_int_equal(ic(h, "InTimeExcds"), 1);
    assert_int_equal(ic(h, "InErrors"), 3);
    /* a chain ending in No Next Header (ipv6_skip_exthdr: -1) */
    uint8_t opt3[16] = {59, 0, 1, 4, 0, 0, 0, 0};
    n = quote(q, IP6T_PEER, 60, opt3, 16);
    send_error(h, 4, 0, 0, q, n);
    assert_int_equal(ic(h, "InParmProblems"), 1);
    assert_int_equal(ic(h, "InErrors"), 4);
    /* a non-first fragment names no transport: ignored, not an error */
    uint8_t fr[16] = {IPPROTO_UDP, 0, 0x05, 0xa8, 0, 0, 0, 1};
    n = quote(q, IP6T_PEER, 44, fr, 16);
    send_error(h, 1, 4, 0, q, n);
    assert_int_equal(ic(h, "InErrors"), 4);
    /* an unknown error type (100): also checked, 8 bytes is garbage */
    send_error(h, 100, 0, 0, q, 0);
    assert_int_equal(ic(h, "InErrors"), 5);
    /* an unknown informational type (200): ignored */
    send_error(h, 200, 0, 0, q, 0);
    assert_int_equal(ic(h, "InErrors"), 5);
    assert_int_equal(ic(h, "InMsgs"), 7);
    /* a bad checksum: InCsumErrors and InErrors */
    n = ip6t_icmp_pkt(pkt, ip6a(IP6T_PEER), ip6a(IP6T_SELF), 128, 0, 0, NULL, 0);
    pkt[42] ^= 0x55;
    iptest_input(h, pkt, n);
    assert_int_equal(ic(h, "InCsumErrors"), 1);
    assert_int_equal(ic(h, "InErrors"), 6);
    /* shorter than the 8-byte header, valid checksum: InErrors only, the
     * type not counted (Linux 6.18, 4 and 6 bytes) */
    uint64_t echos = ic(h, "InEchos");
    for (size_t len = 4; len < 8; len += 2) {
        uint8_t m[8] = {128, 0};
        ip6t_l4sum(m, len, ip6a(IP6T_PEER), ip6a(IP6T_SELF), IPPROTO_ICMPV6, 2);
        memcpy(pkt + 40, m, len);
        ip6t_hdr(pkt, ip6a(IP6T_PEER), ip6a(IP6T_SELF), IPPROTO_ICMPV6, len);
        iptest_input(h, pkt, 40 + len);
    }
    assert_int_equal(ic(h, "InErrors"), 8);
    assert_int_equal(ic(h, "InEchos"), echos);
    /* nothing was ever answered */
    assert_int_equal(h->ntx, 0);
}

/* Random quoted packets, with extension-header bytes sprinkled in. */
static void test_random_quotes(void **state)
{
    struct iptest *h = *state;
    h->record = false;
    uint64_t seed = 5;
    static const uint8_t kinds[] = {0, 43, 44, 60, 51, 59, 58, 17, 6};
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)(iptest_rand(&seed) % 200);
        for (size_t k = 0; k < len; k++)
            body[k] = (uint8_t)iptest_rand(&seed);
        if (len >= 40) {
            body[0] = 0x60;
            body[6] = kinds[iptest_rand(&seed) % sizeof(kinds)];
            for (size_t k = 40; k + 8 <= len; k += 8)
                if (iptest_rand(&seed) & 1)
                    body[k] = kinds[iptest_rand(&seed) % sizeof(kinds)];
        }
        uint8_t type = (uint8_t)(1 + iptest_rand(&seed) % 4);
        send_error(h, type, (uint8_t)(iptest_rand(&seed) % 8), (uint32_t)iptest_rand(&seed), body,
                   len);
    }
    assert_int_equal(ic(h, "InMsgs"), 20000);
    assert_int_equal(ic(h, "InCsumErrors"), 0);
}

static unsigned path_mtu(struct iptest *h, const char *dst)
{
    struct in6_addr d = ip6a(dst);
    st_lock(h->st);
    unsigned m = ip6_path_mtu(h->st, &d, h->ifp);
    st_unlock(h->st);
    return m;
}

static void send_ptb(struct iptest *h, const char *from, const char *qsrc, const char *qdst,
                     uint32_t mtu)
{
    uint8_t q[48];
    ip6t_hdr(q, ip6a(qsrc), ip6a(qdst), IPPROTO_UDP, 8);
    memset(q + 40, 0, 8);
    size_t n = ip6t_icmp_pkt(pkt, ip6a(from), ip6a(IP6T_SELF), 2, 0, mtu, q, sizeof(q));
    iptest_input(h, pkt, n);
}

/* RFC 8201 / Linux's __ip6_rt_update_pmtu: a PTB lowers the path MTU for
 * 600 s; below 1280 or not lower than now: ignored. */
static void test_packet_too_big(void **state)
{
    struct iptest *h = *state;
    const char *far = "2001:db8::99";
    assert_int_equal(path_mtu(h, far), 1500);
    send_ptb(h, "2001:db8::fe", IP6T_SELF, far, 1000);
    assert_int_equal(path_mtu(h, far), 1500);
    assert_int_equal(ic(h, "InPktTooBigs"), 1);
    assert_int_equal(ic(h, "InType2"), 1);
    send_ptb(h, "2001:db8::fe", IP6T_SELF, far, 1400);
    assert_int_equal(path_mtu(h, far), 1400);
    assert_int_equal(path_mtu(h, IP6T_PEER), 1500);
    send_ptb(h, "2001:db8::fe", IP6T_SELF, far, 1450); /* not lower */
    assert_int_equal(path_mtu(h, far), 1400);
    send_ptb(h, "2001:db8::fe", IP6T_SELF, far, 1300);
    assert_int_equal(path_mtu(h, far), 1300);
    send_ptb(h, "2001:db8::fe", IP6T_SELF, far, 1280);
    assert_int_equal(path_mtu(h, far), 1280);
    /* quoting a packet that was not ours: ignored */
    send_ptb(h, "2001:db8::fe", "2001:db8::77", IP6T_PEER, 1300);
    assert_int_equal(path_mtu(h, IP6T_PEER), 1500);

    /* what is sent towards it is fragmented to fit */
    size_t n = ip6t_echo(pkt + 40, ip6a(far), ip6a(IP6T_SELF), 9, 1300);
    ip6t_hdr(pkt, ip6a(far), ip6a(IP6T_SELF), IPPROTO_ICMPV6, n);
    iptest_input(h, pkt, 40 + n);
    assert_int_equal(h->ntx, 2);
    assert_int_equal(h->tx[0].len, 1280);
    assert_int_equal(h->tx[0].data[6], 44);

    /* 600 s after the last lowering, the link's MTU again */
    iptest_advance(h, 599 * 1000000ull);
    assert_int_equal(path_mtu(h, far), 1280);
    iptest_advance(h, 2 * 1000000ull);
    assert_int_equal(path_mtu(h, far), 1500);
}

/* A flood of PTBs for made-up destinations: the cache stays one
 * fixed-size table. */
static void test_pmtu_cache_bounded(void **state)
{
    struct iptest *h = *state;
    h->record = false;
    send_ptb(h, "2001:db8::fe", IP6T_SELF, "2001:db8::1:0", 1400);
    size_t after_first = iptest_live_bytes;
    for (unsigned i = 1; i < 5000; i++) {
        char a[40];
        snprintf(a, sizeof(a), "2001:db8::1:%x", i);
        send_ptb(h, "2001:db8::fe", IP6T_SELF, a, 1300 + i % 100);
    }
    assert_int_equal(iptest_live_bytes, after_first);
    /* the latest ones are there */
    assert_int_equal(path_mtu(h, "2001:db8::1:1387"), 1300 + 0x1387 % 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rate_limit_per_destination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_replies_not_limited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_global_bucket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multicast_echo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_quoting_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_packet_too_big, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pmtu_cache_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void) { return 77; }
#endif
