/* test_ip4_input.c — IPv4 header validation (src/ip/ip4_input.c).
 *
 * Every malformed packet must be dropped, bump exactly the counters Linux's
 * ip_rcv_core / ip_route_input would bump, and nothing else. Each case
 * snapshots all counters (berth_snmp_foreach) and checks the full diff.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "iptest.h"

#define SELF "192.0.2.1"
#define PEER "192.0.2.2"
#define PORT 7000

/* ---- counter snapshots ---- */

#define MAXCTR 128
struct ctrs {
    size_t n;
    char name[MAXCTR][48];
    uint64_t v[MAXCTR];
};

static void ctr_cb(void *arg, const char *g, const char *n, uint64_t v)
{
    struct ctrs *c = arg;
    if (c->n >= MAXCTR)
        return;
    snprintf(c->name[c->n], sizeof(c->name[0]), "%s.%s", g, n);
    c->v[c->n++] = v;
}

static struct ctrs *snapshot(struct iptest *h)
{
    struct ctrs *c = calloc(1, sizeof(*c));
    berth_snmp_foreach(h->st, ctr_cb, c);
    return c;
}

struct delta {
    const char *name;
    uint64_t d;
};

/* Every counter changed by exactly what `want` lists (NULL-terminated),
 * the others not at all. Frees before. */
static void expect_deltas(struct iptest *h, struct ctrs *before, const struct delta *want)
{
    struct ctrs *after = snapshot(h);
    assert_int_equal(after->n, before->n);
    for (size_t i = 0; i < after->n; i++) {
        uint64_t d = after->v[i] - before->v[i], expect = 0;
        for (const struct delta *w = want; w->name; w++)
            if (strcmp(w->name, after->name[i]) == 0)
                expect = w->d;
        if (d != expect)
            fail_msg("counter %s changed by %llu, expected %llu", after->name[i],
                     (unsigned long long)d, (unsigned long long)expect);
    }
    for (const struct delta *w = want; w->name; w++) {
        bool found = false;
        for (size_t i = 0; i < after->n; i++)
            found |= strcmp(w->name, after->name[i]) == 0;
        if (!found)
            fail_msg("no counter %s", w->name);
    }
    free(before);
    free(after);
}

/* ---- fixture ---- */

struct fx {
    struct iptest h;
    int fd;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (iptest_init(&f->h, SELF "/24", 1500) != 0)
        return -1;
    f->fd = iptest_udp_bind(&f->h, NULL, PORT);
    *state = f;
    return f->fd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    iptest_fini(&f->h);
    free(f);
    return 0;
}

static uint8_t pkt[2048], seg[2048], rbuf[2048];

/* A valid UDP datagram src:5000 -> dst:PORT carrying "hello". */
static size_t udp_pkt(uint8_t *buf, const char *src, const char *dst)
{
    size_t ul = iptest_udp(seg, ipa(src), 5000, ipa(dst), PORT, "hello", 5);
    struct iptest_ip ip = {.src = ipa(src), .dst = ipa(dst), .proto = IPPROTO_UDP, .id = 1};
    return iptest_ip(buf, &ip, seg, ul);
}

static void expect_hello(struct fx *f)
{
    assert_int_equal(berth_recv(f->h.st, f->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), 5);
    assert_memory_equal(rbuf, "hello", 5);
}

static void expect_nothing(struct fx *f)
{
    errno = 0;
    assert_int_equal(berth_recv(f->h.st, f->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
}

static const struct delta delivered_udp[] = {{"Ip.InReceives", 1}, {"Ip.InDelivers", 1}, {NULL, 0}};

/* ---- cases ---- */

static void test_valid_delivered(void **state)
{
    struct fx *f = *state;
    struct ctrs *c = snapshot(&f->h);
    size_t n = udp_pkt(pkt, PEER, SELF);
    iptest_input(&f->h, pkt, n);
    expect_deltas(&f->h, c, delivered_udp);
    expect_hello(f);
    assert_int_equal(f->h.ntx, 0);
}

static void test_truncated_header(void **state)
{
    struct fx *f = *state;
    size_t n = udp_pkt(pkt, PEER, SELF);
    static const size_t lens[] = {0, 1, 8, 19};
    (void)n;
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, lens[i]);
        expect_deltas(
            &f->h, c,
            (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InHdrErrors", 1}, {NULL, 0}});
    }
    expect_nothing(f);
}

static void test_bad_version(void **state)
{
    struct fx *f = *state;
    /* Not 6: on a raw interface the version selects the family, as
     * Linux's tun does (test_raw_v6_goes_to_ipv6). */
    static const uint8_t versions[] = {0, 5, 15};
    for (size_t i = 0; i < sizeof(versions); i++) {
        size_t n = udp_pkt(pkt, PEER, SELF);
        pkt[0] = (uint8_t)((versions[i] << 4) | 5);
        iptest_fix_ipsum(pkt);
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, n);
        expect_deltas(
            &f->h, c,
            (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InHdrErrors", 1}, {NULL, 0}});
    }
    expect_nothing(f);
}

static void test_raw_v6_goes_to_ipv6(void **state)
{
    struct fx *f = *state;
    size_t n = udp_pkt(pkt, PEER, SELF);
    pkt[0] = 0x65;
    uint64_t v4 = iptest_ctr(&f->h, "Ip", "InReceives"),
             v6 = iptest_ctr(&f->h, "Ip6", "InReceives");
    iptest_input(&f->h, pkt, n);
    assert_int_equal(iptest_ctr(&f->h, "Ip", "InReceives"), v4);
#if BERTH_WITH_IPV6
    assert_int_equal(iptest_ctr(&f->h, "Ip6", "InReceives"), v6 + 1);
#else
    (void)v6;
#endif
    expect_nothing(f);
}

static void test_bad_ihl(void **state)
{
    struct fx *f = *state;
    /* IHL below 5. */
    for (uint8_t ihl = 0; ihl < 5; ihl++) {
        size_t n = udp_pkt(pkt, PEER, SELF);
        pkt[0] = (uint8_t)(0x40 | ihl);
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, n);
        expect_deltas(
            &f->h, c,
            (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InHdrErrors", 1}, {NULL, 0}});
    }
    /* IHL larger than the packet (15 * 4 = 60 > 33). */
    size_t n = udp_pkt(pkt, PEER, SELF);
    assert_int_equal(n, 33);
    pkt[0] = 0x4f;
    struct ctrs *c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(&f->h, c,
                  (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InHdrErrors", 1}, {NULL, 0}});
    expect_nothing(f);
}

static void test_bad_checksum(void **state)
{
    struct fx *f = *state;
    size_t n = udp_pkt(pkt, PEER, SELF);
    pkt[10] ^= 0x01;
    struct ctrs *c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(
        &f->h, c,
        (const struct delta[]){
            {"Ip.InReceives", 1}, {"Ip.InHdrErrors", 1}, {"IpExt.InCsumErrors", 1}, {NULL, 0}});
    /* A change anywhere in the header. */
    n = udp_pkt(pkt, PEER, SELF);
    pkt[8] = 1; /* TTL */
    c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(
        &f->h, c,
        (const struct delta[]){
            {"Ip.InReceives", 1}, {"Ip.InHdrErrors", 1}, {"IpExt.InCsumErrors", 1}, {NULL, 0}});
    expect_nothing(f);
}

static void test_tot_len_beyond_packet(void **state)
{
    struct fx *f = *state;
    size_t n = udp_pkt(pkt, PEER, SELF);
    pkt[3] = (uint8_t)(n + 1);
    iptest_fix_ipsum(pkt);
    struct ctrs *c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(
        &f->h, c,
        (const struct delta[]){{"Ip.InReceives", 1}, {"IpExt.InTruncatedPkts", 1}, {NULL, 0}});
    /* Header complete, payload cut off by the link. */
    n = udp_pkt(pkt, PEER, SELF);
    c = snapshot(&f->h);
    iptest_input(&f->h, pkt, 24);
    expect_deltas(
        &f->h, c,
        (const struct delta[]){{"Ip.InReceives", 1}, {"IpExt.InTruncatedPkts", 1}, {NULL, 0}});
    expect_nothing(f);
}

static void test_tot_len_below_header(void **state)
{
    struct fx *f = *state;
    static const uint16_t tots[] = {0, 1, 19};
    for (size_t i = 0; i < 3; i++) {
        size_t n = udp_pkt(pkt, PEER, SELF);
        pkt[2] = 0;
        pkt[3] = (uint8_t)tots[i];
        iptest_fix_ipsum(pkt);
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, n);
        expect_deltas(
            &f->h, c,
            (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InHdrErrors", 1}, {NULL, 0}});
    }
    /* tot_len 24 with a 24-byte header: no payload, fine at IP level, UDP
     * drops the empty segment. */
    static const uint8_t opt[4] = {1, 1, 1, 0};
    struct iptest_ip ip = {
        .src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_UDP, .opts = opt, .optlen = 4};
    size_t n = iptest_ip(pkt, &ip, NULL, 0);
    struct ctrs *c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(&f->h, c,
                  (const struct delta[]){
                      {"Ip.InReceives", 1}, {"Ip.InDelivers", 1}, {"Udp.InErrors", 1}, {NULL, 0}});
    expect_nothing(f);
}

static void test_options_skipped(void **state)
{
    struct fx *f = *state;
    static const uint8_t nops[8] = {1, 1, 1, 1, 1, 1, 1, 0};
    static const uint8_t full[40] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                     1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
    const uint8_t *opts[2] = {nops, full};
    size_t lens[2] = {8, 40};
    for (int i = 0; i < 2; i++) {
        size_t ul = iptest_udp(seg, ipa(PEER), 5000, ipa(SELF), PORT, "hello", 5);
        struct iptest_ip ip = {.src = ipa(PEER),
                               .dst = ipa(SELF),
                               .proto = IPPROTO_UDP,
                               .opts = opts[i],
                               .optlen = lens[i]};
        size_t n = iptest_ip(pkt, &ip, seg, ul);
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, n);
        expect_deltas(&f->h, c, delivered_udp);
        expect_hello(f);
    }
}

/* Bytes after tot_len (Ethernet pads frames to 60 bytes) are not data. */
static void test_link_padding_trimmed(void **state)
{
    struct fx *f = *state;
    /* UDP: delivered with its own length. */
    size_t n = udp_pkt(pkt, PEER, SELF);
    memset(pkt + n, 0xa5, 27);
    struct ctrs *c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n + 27);
    expect_deltas(&f->h, c, delivered_udp);
    expect_hello(f);
    /* ICMP echo: the checksum covers the message only, and the reply is as
     * long as the request, not the frame. */
    uint8_t msg[64];
    size_t ml = iptest_icmp(msg, ICMP_ECHO, 0, 0x00420001, "0123456789", 10);
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_ICMP};
    n = iptest_ip(pkt, &ip, msg, ml);
    memset(pkt + n, 0x5a, 22);
    iptest_input(&f->h, pkt, n + 22);
    assert_int_equal(f->h.ntx, 1);
    assert_int_equal(f->h.tx[0].len, n);
    assert_int_equal(iptest_ctr(&f->h, "Icmp", "InCsumErrors"), 0);
    assert_true(iptest_csum_ok(f->h.tx[0].data + 20, ml));
}

/* Not a fragment: DF alone, or the reserved flag, are delivered directly. */
static void test_flags_not_fragment(void **state)
{
    struct fx *f = *state;
    static const uint16_t fo[] = {0x4000, 0x8000, 0xc000};
    for (size_t i = 0; i < 3; i++) {
        size_t n = udp_pkt(pkt, PEER, SELF);
        pkt[6] = (uint8_t)(fo[i] >> 8);
        iptest_fix_ipsum(pkt);
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, n);
        expect_deltas(&f->h, c, delivered_udp);
        expect_hello(f);
    }
}

/* Martian sources (ip_route_input_slow): berth counts them InAddrErrors. */
static void test_martian_source(void **state)
{
    struct fx *f = *state;
    static const char *srcs[] = {"224.0.0.1", "239.1.2.3", "255.255.255.255", "127.0.0.1",
                                 "127.1.2.3"};
    for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
        size_t n = udp_pkt(pkt, srcs[i], SELF);
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, n);
        expect_deltas(
            &f->h, c,
            (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InAddrErrors", 1}, {NULL, 0}});
    }
    expect_nothing(f);
    assert_int_equal(f->h.ntx, 0);
}

/* berth does not forward: a datagram for someone else is dropped and counted
 * InAddrErrors (Linux's ip_error with forwarding off), silently. */
static void test_not_for_us(void **state)
{
    struct fx *f = *state;
    static const char *dsts[] = {"198.51.100.7", "192.0.2.9", "0.0.0.0", "127.0.0.1", "127.0.0.53"};
    for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
        size_t n = udp_pkt(pkt, PEER, dsts[i]);
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, n);
        expect_deltas(
            &f->h, c,
            (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InAddrErrors", 1}, {NULL, 0}});
    }
    expect_nothing(f);
    assert_int_equal(f->h.ntx, 0);
}

static void test_broadcast_delivered(void **state)
{
    struct fx *f = *state;
    static const char *dsts[] = {"192.0.2.255", "255.255.255.255"};
    for (size_t i = 0; i < 2; i++) {
        size_t n = udp_pkt(pkt, PEER, dsts[i]);
        struct ctrs *c = snapshot(&f->h);
        iptest_input(&f->h, pkt, n);
        expect_deltas(&f->h, c, delivered_udp);
        expect_hello(f);
    }
}

static void test_unknown_protocol(void **state)
{
    struct fx *f = *state;
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = 253, .id = 77};
    size_t n = iptest_ip(pkt, &ip, "payload!", 8);
    struct ctrs *c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(&f->h, c,
                  (const struct delta[]){{"Ip.InReceives", 1},
                                         {"Ip.InUnknownProtos", 1},
                                         {"Ip.OutRequests", 1},
                                         {"Ip.OutTransmits", 1},
                                         {"Icmp.OutMsgs", 1},
                                         {"Icmp.OutDestUnreachs", 1},
                                         {NULL, 0}});
    assert_int_equal(iptest_count_icmp(&f->h, ICMP_DEST_UNREACH, 2), 1);
    const struct iptest_pkt *r = &f->h.tx[0];
    assert_true(iptest_csum_ok(r->data, 20));
    assert_true(iptest_csum_ok(r->data + 20, r->len - 20));
    assert_int_equal(r->len, 20 + 8 + n); /* the whole datagram is quoted */
    assert_memory_equal(r->data + 28, pkt, n);
    /* To a broadcast address: no ICMP. */
    iptest_clear(&f->h);
    ip.dst = ipa("192.0.2.255");
    n = iptest_ip(pkt, &ip, "payload!", 8);
    c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(
        &f->h, c,
        (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InUnknownProtos", 1}, {NULL, 0}});
    assert_int_equal(f->h.ntx, 0);
}

/* An interface that is down hears nothing, and counts nothing. */
static void test_interface_down(void **state)
{
    struct fx *f = *state;
    size_t n = udp_pkt(pkt, PEER, SELF);
    berth_netif_set_up(f->h.ifp, false);
    struct ctrs *c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(&f->h, c, (const struct delta[]){{NULL, 0}});
    berth_netif_set_up(f->h.ifp, true);
    expect_nothing(f);
}

/* A fragment goes through header validation like any datagram first. */
static void test_fragment_validated_first(void **state)
{
    struct fx *f = *state;
    struct iptest_ip ip = {
        .src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_UDP, .frag_off = 0x2000};
    size_t n = iptest_ip(pkt, &ip, "12345678", 8);
    pkt[10] ^= 0xff;
    struct ctrs *c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(
        &f->h, c,
        (const struct delta[]){
            {"Ip.InReceives", 1}, {"Ip.InHdrErrors", 1}, {"IpExt.InCsumErrors", 1}, {NULL, 0}});
    ip.dst = ipa("198.51.100.1");
    n = iptest_ip(pkt, &ip, "12345678", 8);
    c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(&f->h, c,
                  (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.InAddrErrors", 1}, {NULL, 0}});
    /* A valid one only reaches reassembly. */
    ip.dst = ipa(SELF);
    n = iptest_ip(pkt, &ip, "12345678", 8);
    c = snapshot(&f->h);
    iptest_input(&f->h, pkt, n);
    expect_deltas(&f->h, c,
                  (const struct delta[]){{"Ip.InReceives", 1}, {"Ip.ReasmReqds", 1}, {NULL, 0}});
}

static uint64_t rx6(struct iptest *h)
{
#if BERTH_WITH_IPV6
    return iptest_ctr(h, "Ip6", "InReceives");
#else
    (void)h;
    return 0;
#endif
}

/* Every length of a valid packet, and every single-bit flip of its header:
 * dropped or delivered, never a crash (ASan/valgrind watch the reads). */
static void test_every_truncation_and_bitflip(void **state)
{
    struct fx *f = *state;
    size_t n = udp_pkt(pkt, PEER, SELF);
    /* Both families: a flip to version 6 goes to IPv6 (a raw interface). */
    uint64_t rx = iptest_ctr(&f->h, "Ip", "InReceives") + rx6(&f->h);
    for (size_t l = 0; l <= n; l++)
        iptest_input(&f->h, pkt, l);
    for (size_t bit = 0; bit < 20 * 8; bit++) {
        udp_pkt(pkt, PEER, SELF);
        pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        iptest_input(&f->h, pkt, n);
        iptest_fix_ipsum(pkt); /* and with the checksum made right */
        iptest_input(&f->h, pkt, n);
    }
    assert_int_equal(iptest_ctr(&f->h, "Ip", "InReceives") + rx6(&f->h) - rx, n + 1 + 20 * 8 * 2);
    while (berth_recv(f->h.st, f->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT) >= 0)
        ;
    iptest_advance(&f->h, 60000000);
    size_t m = udp_pkt(pkt, PEER, SELF);
    iptest_input(&f->h, pkt, m);
    expect_hello(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_delivered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_v6_goes_to_ipv6, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_ihl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_checksum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tot_len_beyond_packet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tot_len_below_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_padding_trimmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flags_not_fragment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_martian_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_for_us, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_delivered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_protocol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interface_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fragment_validated_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_truncation_and_bitflip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
