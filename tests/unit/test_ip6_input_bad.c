/* test_ip6_input_bad.c — bad IPv6 input through a raw interface: what is
 * dropped, what is answered, what is counted. Every expectation is what
 * Linux 6.18 did with the same packet written to a TUN device in a fresh
 * namespace (2001:db8::1/64 on tun0, the packets from 2001:db8::2; the
 * oracle program's output is summarised in docs/ip6.md, "Bad input").
 * The upper layer is ICMPv6 echo, so "delivered" shows as an echo reply.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#if BERTH_WITH_IPV6 && BERTH_WITH_FRAG &&                                                          \
    BERTH_WITH_COUNTERS /* else nothing to test: main returns 77 (skip) */

#include "ip6test.h"

static uint8_t pkt[70000], body[70000];

static uint64_t ip6c(struct iptest *h, const char *n) { return ip6t_ctr(h, n); }

static int setup(void **state)
{
    static struct iptest h;
    assert_int_equal(ip6test_init(&h, 9000), 0);
    *state = &h;
    return 0;
}

static int teardown(void **state)
{
    iptest_fini(*state);
    assert_int_equal(iptest_live_bytes, 0);
    return 0;
}

/* A packet PEER -> dst: the fixed header naming `first`, then ext[0, elen)
 * (extension headers whose last names ICMPv6, or whatever the caller
 * says), then an echo request of 8 data bytes unless no_echo. */
static size_t build(const char *dst, uint8_t first, const uint8_t *ext, size_t elen, bool echo)
{
    struct in6_addr s = ip6a(IP6T_PEER), d = ip6a(dst);
    if (elen)
        memcpy(pkt + 40, ext, elen);
    size_t n = 40 + elen;
    if (echo)
        n += ip6t_echo(pkt + n, s, d, 1, 8);
    ip6t_hdr(pkt, s, d, first, n - 40);
    return n;
}

static void send_pkt(struct iptest *h, size_t n) { iptest_input(h, pkt, n); }

/* n destination-options headers of 8 bytes (PadN 4), the last naming
 * `last`, at to; returns the bytes written. */
static size_t dstopts_at(uint8_t *to, size_t n, uint8_t last)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t *o = to + 8 * i;
        memset(o, 0, 8);
        o[0] = i + 1 == n ? last : 60;
        o[2] = 1;
        o[3] = 4;
    }
    return 8 * n;
}

static size_t dstopts_chain(size_t n, uint8_t last) { return dstopts_at(body, n, last); }

static uint32_t param_ptr(const struct iptest_pkt *p) { return rd32(p->data + 44); }

static void test_truncated_and_short(void **state)
{
    struct iptest *h = *state;
    /* 30 bytes: shorter than the fixed header */
    size_t n = build(IP6T_SELF, 59, NULL, 0, false);
    send_pkt(h, 30);
    assert_int_equal(ip6c(h, "InReceives"), 1);
    assert_int_equal(ip6c(h, "InHdrErrors"), 1);
    /* payload length 100, 20 bytes there */
    n = build(IP6T_SELF, 59, body, 0, false);
    wr16(pkt + 4, 100);
    memset(pkt + 40, 0, 20);
    send_pkt(h, 60);
    assert_int_equal(ip6c(h, "InTruncatedPkts"), 1);
    /* payload length shorter than the packet: the rest is link padding */
    n = build(IP6T_SELF, IPPROTO_ICMPV6, NULL, 0, true);
    memset(pkt + n, 0xee, 30);
    send_pkt(h, n + 30);
    assert_int_equal(ip6t_count_icmp(h, 129, 0), 1);
    assert_int_equal(h->ntx, 1);
    (void)n;
}

static void test_addresses(void **state)
{
    struct iptest *h = *state;
    size_t n = build(IP6T_SELF, 59, NULL, 0, false);
    pkt[8] = 0xff; /* multicast source */
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InHdrErrors"), 1);
    n = build("::1", 59, NULL, 0, false); /* loopback destination from the wire */
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InHdrErrors"), 2);
    n = build("2001:db8::99", 59, NULL, 0, false); /* not ours: no forwarding */
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InAddrErrors"), 1);
    assert_int_equal(h->ntx, 0);
}

/* 12 extension headers are processed; after a 13th, the packet is dropped
 * with Ip6 InDiscards and nothing sent, whatever the headers are. */
static void test_header_count_limit(void **state)
{
    struct iptest *h = *state;
    size_t e = dstopts_chain(12, IPPROTO_ICMPV6);
    size_t n = build(IP6T_SELF, 60, body, e, true);
    send_pkt(h, n);
    assert_int_equal(ip6t_count_icmp(h, 129, 0), 1);
    iptest_clear(h);
    e = dstopts_chain(13, IPPROTO_ICMPV6);
    n = build(IP6T_SELF, 60, body, e, true);
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InDiscards"), 1);
    assert_int_equal(h->ntx, 0);
    /* hop-by-hop counts: hop-by-hop + 12 destination options */
    uint8_t hbh[8] = {60, 0, 1, 4, 0, 0, 0, 0};
    memcpy(body, hbh, 8);
    e = 8 + dstopts_at(body + 8, 12, IPPROTO_ICMPV6);
    n = build(IP6T_SELF, 0, body, e, true);
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InDiscards"), 2);
    /* a chain of 1000 that never ends */
    e = dstopts_chain(1000, 60);
    n = build(IP6T_SELF, 60, body, e, false);
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InDiscards"), 3);
    assert_int_equal(h->ntx, 0);
    assert_int_equal(ip6c(h, "InDelivers"), 1);
}

/* ip6_parse_tlv: more than 7 bytes of padding in a row, or a PadN with a
 * non-zero byte, is a header error (no ICMPv6). */
static void test_padding_rules(void **state)
{
    struct iptest *h = *state;
    uint8_t o[16] = {IPPROTO_ICMPV6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 0, 0, 0};
    size_t n = build(IP6T_SELF, 60, o, 16, true); /* 9 Pad1 */
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InHdrErrors"), 1);
    uint8_t o2[8] = {IPPROTO_ICMPV6, 0, 1, 4, 0, 0, 1, 0}; /* PadN with data */
    n = build(IP6T_SELF, 60, o2, 8, true);
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InHdrErrors"), 2);
    assert_int_equal(h->ntx, 0);
}

/* RFC 8200 4.2: an unknown option's two high bits, to a unicast and to a
 * multicast (all-nodes) destination. Linux 6.18:
 *   00 skip (delivered); 01 drop (InHdrErrors);
 *   10 drop + parameter problem code 2 at the option, even to multicast;
 *   11 the same to unicast, silently to multicast. */
static void test_unknown_option_actions(void **state)
{
    struct iptest *h = *state;
    for (int act = 0; act < 4; act++) {
        for (int mc = 0; mc < 2; mc++) {
            iptest_clear(h);
            uint64_t hdr_err = ip6c(h, "InHdrErrors");
            uint8_t o[8] = {IPPROTO_ICMPV6, 0, (uint8_t)(act << 6 | 0x1e), 4, 0, 0, 0, 0};
            size_t n = build(mc ? "ff02::1" : IP6T_SELF, 60, o, 8, true);
            send_pkt(h, n);
            if (act == 0) {
                assert_int_equal(ip6t_count_icmp(h, 129, 0), 1);
                continue;
            }
            assert_int_equal(ip6c(h, "InHdrErrors"), hdr_err + 1);
            bool answered = act == 2 || (act == 3 && !mc);
            assert_int_equal(ip6t_count_icmp(h, 4, 2), answered ? 1 : 0);
            assert_int_equal(h->ntx, answered ? 1 : 0);
            if (answered)
                assert_int_equal(param_ptr(&h->tx[0]), 42);
        }
    }
}

static void test_hop_by_hop_rules(void **state)
{
    struct iptest *h = *state;
    /* unknown option, action 10, in hop-by-hop */
    uint8_t o[8] = {IPPROTO_ICMPV6, 0, 0x9e, 4, 0, 0, 0, 0};
    size_t n = build(IP6T_SELF, 0, o, 8, true);
    send_pkt(h, n);
    assert_int_equal(ip6t_count_icmp(h, 4, 2), 1);
    assert_int_equal(param_ptr(&h->tx[0]), 42);
    iptest_clear(h);
    /* hop-by-hop after destination options: an unknown next header,
     * parameter problem code 1 pointing at the byte that named it */
    uint8_t o2[16] = {0, 0, 1, 4, 0, 0, 0, 0, IPPROTO_ICMPV6, 0, 1, 4, 0, 0, 0, 0};
    n = build(IP6T_SELF, 60, o2, 16, true);
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InUnknownProtos"), 1);
    assert_int_equal(ip6t_count_icmp(h, 4, 1), 1);
    assert_int_equal(param_ptr(&h->tx[0]), 40);
}

/* RFC 5095: routing header type 0 with segments left is refused with a
 * parameter problem at the type (code 0, pointer 42); so is any type with
 * segments left (a host does not forward); none left: skipped. */
static void test_routing_headers(void **state)
{
    struct iptest *h = *state;
    uint8_t rh[24] = {IPPROTO_ICMPV6, 2, 0, 1};
    memcpy(rh + 8, &(struct in6_addr){{{0x20, 0x01, 0x0d, 0xb8, [15] = 2}}}, 16);
    for (int type = 0; type < 3; type++) {
        iptest_clear(h);
        rh[2] = type == 2 ? 77 : (uint8_t)type * 2;
        rh[3] = 1;
        size_t n = build(IP6T_SELF, 43, rh, 24, true);
        send_pkt(h, n);
        assert_int_equal(ip6t_count_icmp(h, 4, 0), 1);
        assert_int_equal(param_ptr(&h->tx[0]), 42);
        assert_int_equal(ip6c(h, "InHdrErrors"), (uint64_t)type + 1);
    }
    iptest_clear(h);
    rh[2] = 0;
    rh[3] = 0; /* type 0, none left: skipped, the echo answered */
    size_t n = build(IP6T_SELF, 43, rh, 24, true);
    send_pkt(h, n);
    assert_int_equal(ip6t_count_icmp(h, 129, 0), 1);
}

static void test_unknown_next_header(void **state)
{
    struct iptest *h = *state;
    uint8_t junk[8] = {0};
    size_t n = build(IP6T_SELF, 253, junk, 8, false);
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "InUnknownProtos"), 1);
    assert_int_equal(ip6t_count_icmp(h, 4, 1), 1);
    assert_int_equal(param_ptr(&h->tx[0]), 6);
}

/* Fragment headers that cannot be read: a payload length of 0 (the
 * jumbogram marker) or a header cut short. Linux counts the reassembly
 * request, a header error, and answers code 0 pointing at the header. */
static void test_bad_fragment_headers(void **state)
{
    struct iptest *h = *state;
    uint8_t f[8] = {IPPROTO_ICMPV6, 0, 0, 1, 0, 0, 0, 9};
    size_t n = build(IP6T_SELF, 44, f, 8, true);
    wr16(pkt + 4, 0);
    send_pkt(h, n);
    /* plen 0 means 40 bytes here (no jumbograms): the header is cut */
    assert_int_equal(ip6c(h, "ReasmReqds"), 1);
    assert_int_equal(ip6c(h, "InHdrErrors"), 1);
    assert_int_equal(ip6t_count_icmp(h, 4, 0), 1);
    assert_int_equal(param_ptr(&h->tx[0]), 40);
    iptest_clear(h);
    n = build(IP6T_SELF, 44, f, 8, true);
    wr16(pkt + 4, 4);
    send_pkt(h, 44);
    assert_int_equal(ip6c(h, "ReasmReqds"), 2);
    assert_int_equal(ip6c(h, "InHdrErrors"), 2);
    assert_int_equal(param_ptr(&h->tx[0]), 40);
    iptest_clear(h);
    /* A fragment header inside an atomic fragment: Linux's
     * IP6SKB_FRAGMENTED check, a parameter problem code 0. (Linux points
     * at 48, the second header in the packet as received; berth at 40,
     * where it is once the first is taken out.) */
    uint8_t f2[16] = {44, 0, 0, 0, 0, 0, 0, 9, IPPROTO_ICMPV6, 0, 0, 0, 0, 0, 0, 10};
    n = build(IP6T_SELF, 44, f2, 16, true);
    send_pkt(h, n);
    assert_int_equal(ip6c(h, "ReasmReqds"), 3);
    assert_int_equal(ip6c(h, "ReasmOKs"), 1);
    assert_int_equal(ip6c(h, "InHdrErrors"), 3);
    assert_int_equal(ip6t_count_icmp(h, 4, 0), 1);
    assert_int_equal(ip6t_count_icmp(h, 129, -1), 0);
}

/* Random garbage after a valid fixed header never crashes (run under
 * ASan/UBSan by `make sanitize`) and every packet is counted once. */
static void test_random_chains(void **state)
{
    struct iptest *h = *state;
    h->record = false;
    uint64_t seed = 11;
    static const uint8_t kinds[] = {0, 43, 44, 60, 58, 59, 17, 6, 51, 253};
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)(iptest_rand(&seed) % 300);
        for (size_t k = 0; k < len; k++)
            body[k] = (uint8_t)iptest_rand(&seed);
        /* next-header bytes that name extension headers now and then */
        for (size_t k = 0; k + 8 <= len; k += 8)
            if (iptest_rand(&seed) & 1)
                body[k] = kinds[iptest_rand(&seed) % sizeof(kinds)];
        uint8_t first = kinds[iptest_rand(&seed) % sizeof(kinds)];
        size_t n = build(iptest_rand(&seed) & 3 ? IP6T_SELF : "ff02::1", first, body, len, false);
        if (iptest_rand(&seed) % 4 == 0)
            wr16(pkt + 4, (unsigned)(iptest_rand(&seed) % 400));
        send_pkt(h, n);
    }
    assert_int_equal(ip6c(h, "InReceives"), 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_truncated_and_short, setup, teardown),
        cmocka_unit_test_setup_teardown(test_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_count_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_padding_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_option_actions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hop_by_hop_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_next_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_fragment_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_chains, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void) { return 77; }
#endif
