/* test_ip6_frag.c — IPv6 reassembly and fragmentation (src/ip/ip6_frag.c).
 *
 * Crafted fragments go in through the recording interface (2001:db8::1/64);
 * the datagrams are ICMPv6 echo requests, so a reassembled one shows as an
 * echo reply (itself fragmented when above the MTU). The expected replies
 * and counters are the ones Linux 6.18 gave for the same packets through
 * a TUN device in a namespace (docs/ip6.md, "Reassembly").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#if BERTH_WITH_IPV6 && BERTH_WITH_FRAG &&                                                          \
    BERTH_WITH_COUNTERS /* else nothing to test: main returns 77 (skip) */

#include "ip6test.h"

#include "core/stack_impl.h"
#include "ip/ip6.h"

static uint8_t msg[70000], pkt[70000], rebuilt[70000];

static uint64_t ctr(struct iptest *h, const char *n) { return ip6t_ctr(h, n); }

/* An echo request PEER -> SELF of dlen data bytes in msg; its length. */
static size_t echo_msg(uint16_t seq, size_t dlen)
{
    return ip6t_echo(msg, ip6a(IP6T_PEER), ip6a(IP6T_SELF), seq, dlen);
}

/* Send msg[0, len) as fragments of `chunk` bytes (a multiple of 8). */
static void send_frags(struct iptest *h, uint32_t id, size_t len, size_t chunk)
{
    for (size_t off = 0; off < len; off += chunk) {
        size_t c = len - off < chunk ? len - off : chunk;
        size_t n = ip6t_frag(pkt, id, off, off + c < len, IPPROTO_ICMPV6, msg + off, c);
        iptest_input(h, pkt, n);
    }
}

static void send_frag(struct iptest *h, uint32_t id, size_t off, bool m, size_t n)
{
    size_t len = ip6t_frag(pkt, id, off, m, IPPROTO_ICMPV6, msg + off, n);
    iptest_input(h, pkt, len);
}

/* Rebuild the ICMPv6 message berth sent, from one packet or from its
 * fragments (checking each is within the MTU, 8-byte aligned and of one
 * id); returns its length, 0 if none. */
static size_t rebuild_reply(struct iptest *h, unsigned mtu, unsigned *nfrags)
{
    size_t total = 0, got = 0;
    bool have_id = false;
    uint32_t id = 0;
    *nfrags = 0;
    for (size_t i = 0; i < h->ntx; i++) {
        const struct iptest_pkt *p = &h->tx[i];
        assert_true(p->len <= mtu);
        if (p->data[6] == IPPROTO_ICMPV6) {
            memcpy(rebuilt, p->data + 40, p->len - 40);
            return p->len - 40;
        }
        if (p->data[6] != 44)
            continue;
        assert_int_equal(p->data[40], IPPROTO_ICMPV6);
        uint32_t fid = rd32(p->data + 44);
        if (have_id)
            assert_int_equal(fid, id);
        have_id = true;
        id = fid;
        unsigned fo = rd16(p->data + 42);
        size_t off = fo & 0xfff8, n = p->len - 48;
        if (fo & 1)
            assert_int_equal(n % 8, 0);
        else
            total = off + n;
        memcpy(rebuilt + off, p->data + 48, n);
        got += n;
        (*nfrags)++;
    }
    assert_int_equal(got, total);
    return total;
}

static void expect_echo_reply(struct iptest *h, uint16_t seq, size_t dlen, unsigned mtu)
{
    unsigned nf;
    size_t n = rebuild_reply(h, mtu, &nf);
    assert_int_equal(n, 8 + dlen);
    assert_int_equal(rebuilt[0], 129);
    assert_int_equal(rd16(rebuilt + 6), seq);
    for (size_t i = 0; i < dlen; i++)
        assert_int_equal(rebuilt[8 + i], (uint8_t)(i * 7 + seq));
}

static int setup(void **state)
{
    static struct iptest h;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.ip6frag_time_s = 60;
    assert_int_equal(ip6test_init_cfg(&h, 1500, &cfg), 0);
    *state = &h;
    return 0;
}

static int teardown(void **state)
{
    iptest_fini(*state);
    assert_int_equal(iptest_live_bytes, 0);
    return 0;
}

/* In order and shuffled: a 3000-byte echo request in fragments of 1232
 * bytes comes back as a 3008-byte reply in fragments within the MTU. */
static void test_reassemble_and_fragment_reply(void **state)
{
    struct iptest *h = *state;
    size_t len = echo_msg(1, 3000);
    send_frags(h, 100, len, 1232);
    assert_int_equal(ctr(h, "ReasmReqds"), 3);
    assert_int_equal(ctr(h, "ReasmOKs"), 1);
    assert_int_equal(ctr(h, "ReasmFails"), 0);
    expect_echo_reply(h, 1, 3000, 1500);
    /* 3008 bytes over (1500 - 48) & ~7 = 1448: 1448 + 1448 + 112 */
    assert_int_equal(ctr(h, "FragOKs"), 1);
    assert_int_equal(ctr(h, "FragCreates"), 3);
    assert_int_equal(h->ntx, 3);
    assert_int_equal(h->tx[0].len, 48 + 1448);
    assert_int_equal(h->tx[2].len, 48 + 112);
    iptest_clear(h);

    /* Last fragment first, then the middle, then the first. */
    len = echo_msg(2, 3000);
    send_frag(h, 101, 2464, false, len - 2464);
    send_frag(h, 101, 1232, true, 1232);
    assert_int_equal(h->ntx, 0);
    send_frag(h, 101, 0, true, 1232);
    expect_echo_reply(h, 2, 3000, 1500);
    assert_int_equal(ctr(h, "ReasmOKs"), 2);
}

/* RFC 6946: offset 0 and M clear is the whole datagram; Linux counts it
 * as one request and one success and keeps no queue. */
static void test_atomic_fragment(void **state)
{
    struct iptest *h = *state;
    size_t len = echo_msg(3, 40);
    send_frag(h, 102, 0, false, len);
    assert_int_equal(ctr(h, "ReasmReqds"), 1);
    assert_int_equal(ctr(h, "ReasmOKs"), 1);
    expect_echo_reply(h, 3, 40, 1500);
    assert_null(h->st->reasm6); /* no reassembly state at all */
}

/* RFC 5722: an overlap drops the datagram; the fragment after it starts a
 * queue of its own that only times out. */
static void test_overlap_drops_datagram(void **state)
{
    struct iptest *h = *state;
    size_t len = echo_msg(4, 40); /* 48 bytes */
    send_frag(h, 103, 0, true, 16);
    send_frag(h, 103, 8, true, 16); /* [8, 24) overlaps [0, 16) */
    assert_int_equal(ctr(h, "ReasmFails"), 1);
    send_frag(h, 103, 16, false, len - 16);
    assert_int_equal(ctr(h, "ReasmReqds"), 3);
    assert_int_equal(ctr(h, "ReasmOKs"), 0);
    assert_int_equal(h->ntx, 0);
    iptest_advance(h, 61 * 1000000ull);
    assert_int_equal(ctr(h, "ReasmTimeout"), 1);
    assert_int_equal(ctr(h, "ReasmFails"), 2);
    /* that queue had no first fragment: no time exceeded */
    assert_int_equal(h->ntx, 0);
}

/* A fragment wholly inside data held is a duplicate: ignored. */
static void test_duplicate_ignored(void **state)
{
    struct iptest *h = *state;
    size_t len = echo_msg(5, 40);
    send_frag(h, 104, 0, true, 16);
    send_frag(h, 104, 0, true, 16);
    send_frag(h, 104, 16, false, len - 16);
    assert_int_equal(ctr(h, "ReasmReqds"), 3);
    assert_int_equal(ctr(h, "ReasmOKs"), 1);
    assert_int_equal(ctr(h, "ReasmFails"), 0);
    expect_echo_reply(h, 5, 40, 1500);
}

/* RFC 7112: a first fragment without the whole upper-layer header:
 * parameter problem code 3, pointer 0, Ip6 InHdrErrors, no queue. */
static void test_tiny_first_fragment(void **state)
{
    struct iptest *h = *state;
    echo_msg(6, 100);
    send_frag(h, 105, 0, true, 4); /* 4 of the 8 bytes of ICMPv6 header */
    assert_int_equal(ctr(h, "ReasmReqds"), 1);
    assert_int_equal(ctr(h, "InHdrErrors"), 1);
    const struct iptest_pkt *r = ip6t_find_icmp(h, 4, 3);
    assert_non_null(r);
    assert_int_equal(rd32(r->data + 44), 0);
    assert_null(h->st->reasm6);

    /* Destination options complete, then nothing of the upper layer. */
    iptest_clear(h);
    uint8_t d[8] = {IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0};
    size_t n = ip6t_frag(pkt, 106, 0, true, 60, d, 8);
    iptest_input(h, pkt, n);
    assert_int_equal(ip6t_count_icmp(h, 4, 3), 1);
    assert_int_equal(ctr(h, "InHdrErrors"), 2);

    /* Linux's ipv6_skip_exthdr gives no verdict when an extension header
     * runs off the fragment: queued (and it times out with an ICMPv6). */
    iptest_clear(h);
    uint8_t d2[8] = {60, 1, 1, 4, 0, 0, 0, 0}; /* 16 bytes declared, 8 here */
    n = ip6t_frag(pkt, 107, 0, true, 60, d2, 8);
    iptest_input(h, pkt, n);
    assert_int_equal(h->ntx, 0);
    assert_int_equal(ctr(h, "InHdrErrors"), 2);
    iptest_advance(h, 61 * 1000000ull);
    assert_int_equal(ctr(h, "ReasmTimeout"), 1);
    assert_int_equal(ip6t_count_icmp(h, 3, 1), 1);
}

/* A non-last fragment of 12 bytes: parameter problem code 0 pointing at
 * the payload length; the queue Linux created stays and times out. */
static void test_not_multiple_of_8(void **state)
{
    struct iptest *h = *state;
    echo_msg(7, 100);
    send_frag(h, 108, 0, true, 12);
    const struct iptest_pkt *r = ip6t_find_icmp(h, 4, 0);
    assert_non_null(r);
    assert_int_equal(rd32(r->data + 44), 4);
    assert_int_equal(ctr(h, "InHdrErrors"), 1);
    assert_int_equal(ctr(h, "ReasmFails"), 0);
    iptest_clear(h);
    iptest_advance(h, 61 * 1000000ull);
    assert_int_equal(ctr(h, "ReasmTimeout"), 1);
    assert_int_equal(ctr(h, "ReasmFails"), 1);
    assert_int_equal(h->ntx, 0); /* an empty queue: nothing to quote */
}

/* Ending beyond 65535: parameter problem code 0 at the fragment offset
 * field (40 + 2). Ending at 65535 exactly is fine. */
static void test_beyond_65535(void **state)
{
    struct iptest *h = *state;
    echo_msg(8, 100);
    send_frag(h, 109, 65528, true, 16);
    const struct iptest_pkt *r = ip6t_find_icmp(h, 4, 0);
    assert_non_null(r);
    assert_int_equal(rd32(r->data + 44), 42);
    iptest_clear(h);
    send_frag(h, 110, 65528, false, 7);
    assert_int_equal(h->ntx, 0);
    assert_int_equal(ctr(h, "InHdrErrors"), 1);
}

/* The timeout: 60 s from the first fragment; with the first fragment, an
 * ICMPv6 time exceeded code 1 quoting it; without, nothing sent. */
static void test_timeout(void **state)
{
    struct iptest *h = *state;
    size_t len = echo_msg(9, 100);
    send_frag(h, 111, 0, true, 48);
    iptest_advance(h, 30 * 1000000ull);
    send_frag(h, 112, 48, false, len - 48);
    iptest_advance(h, 29 * 1000000ull);
    assert_int_equal(ctr(h, "ReasmTimeout"), 0);
    iptest_advance(h, 2 * 1000000ull);
    assert_int_equal(ctr(h, "ReasmTimeout"), 1);
    const struct iptest_pkt *r = ip6t_find_icmp(h, 3, 1);
    assert_non_null(r);
    /* the quote: our fragment as received, from its IPv6 header */
    assert_true(r->len >= 48 + 48 + 48);
    assert_int_equal(r->data[48 + 6], 44);
    assert_int_equal(rd32(r->data + 48 + 44), 111);
    iptest_clear(h);
    iptest_advance(h, 30 * 1000000ull);
    assert_int_equal(ctr(h, "ReasmTimeout"), 2);
    assert_int_equal(ctr(h, "ReasmFails"), 2);
    assert_int_equal(h->ntx, 0);
    assert_int_equal(ip6_reasm_queues(h->st), 0);
}

/* A flood of first fragments of distinct datagrams against the memory
 * cap: held memory never exceeds it, and everything is given back. */
static void test_flood_memory_bounded(void **state)
{
    (void)state;
    struct iptest h;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.ip6frag_high_thresh = 64 * 1024;
    size_t base = iptest_live_bytes;
    assert_int_equal(ip6test_init_cfg(&h, 1500, &cfg), 0);
    size_t after_init = iptest_live_bytes;
    echo_msg(10, 2000);
    size_t peak = 0;
    for (uint32_t id = 0; id < 2000; id++) {
        send_frag(&h, 1000 + id, 0, true, 1024);
        size_t held = iptest_live_bytes - after_init;
        if (held > peak)
            peak = held;
    }
    /* The queues' own accounting is the hard bound; what the allocator
     * sees on top is the bucket table and the transient packets. */
    assert_true(ip6_reasm_mem(h.st) <= cfg.ip6frag_high_thresh);
    assert_true(peak < cfg.ip6frag_high_thresh + 16384);
    assert_true(ctr(&h, "ReasmFails") > 1900); /* refused new queues */
    assert_int_equal(ctr(&h, "ReasmReqds"), 2000);
    iptest_fini(&h);
    assert_int_equal(iptest_live_bytes, base);

    /* ip6frag_high_thresh 0: reassembly off, every fragment fails */
    cfg.ip6frag_high_thresh = 0;
    assert_int_equal(ip6test_init_cfg(&h, 1500, &cfg), 0);
    size_t len = echo_msg(11, 100);
    send_frags(&h, 5, len, 64);
    assert_int_equal(ctr(&h, "ReasmFails"), 2);
    assert_int_equal(ctr(&h, "ReasmOKs"), 0);
    iptest_fini(&h);
}

/* An existing queue makes room by evicting the oldest others. */
static void test_eviction_for_existing_queue(void **state)
{
    (void)state;
    struct iptest h;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.ip6frag_high_thresh = 5000;
    assert_int_equal(ip6test_init_cfg(&h, 1500, &cfg), 0);
    size_t len = echo_msg(12, 3000);
    send_frag(&h, 1, 0, true, 1232); /* the oldest queue */
    send_frag(&h, 2, 0, true, 1232);
    send_frag(&h, 3, 0, true, 1232);
    /* queue 2 grows past the cap: queues 1 (and 3 if needed) go */
    send_frag(&h, 2, 1232, true, 1232);
    send_frag(&h, 2, 2464, false, len - 2464);
    assert_true(ctr(&h, "ReasmFails") >= 1);
    assert_int_equal(ctr(&h, "ReasmOKs"), 1);
    assert_true(ip6_reasm_mem(h.st) <= cfg.ip6frag_high_thresh);
    iptest_fini(&h);
}

/* ip6_fragment directly: 8-byte aligned pieces within the MTU, one id,
 * ids differ between datagrams, and the failure counts. */
static void test_fragment_direct(void **state)
{
    struct iptest *h = *state;
    st_lock(h->st);
    for (int k = 0; k < 2; k++) {
        struct pkt *p = pkt_alloc(h->st, PKT_HEADROOM, 40 + 2000);
        ip6t_hdr(p->data, ip6a(IP6T_SELF), ip6a(IP6T_PEER), 17, 2000);
        for (int i = 0; i < 2000; i++)
            p->data[40 + i] = (uint8_t)i;
        assert_int_equal(ip6_fragment(h->st, p, h->ifp, 1280, NULL), 0);
    }
    /* an MTU below IPv6's minimum: EMSGSIZE, FragFails */
    struct pkt *p = pkt_alloc(h->st, PKT_HEADROOM, 40 + 2000);
    ip6t_hdr(p->data, ip6a(IP6T_SELF), ip6a(IP6T_PEER), 17, 2000);
    assert_int_equal(ip6_fragment(h->st, p, h->ifp, 1000, NULL), EMSGSIZE);
    st_unlock(h->st);
    assert_int_equal(ctr(h, "FragOKs"), 2);
    assert_int_equal(ctr(h, "FragFails"), 1);
    /* (1280 - 48) & ~7 = 1232: 1232 + 768 per datagram */
    assert_int_equal(ctr(h, "FragCreates"), 4);
    assert_int_equal(ctr(h, "OutTransmits"), 4);
    assert_int_equal(ctr(h, "OutOctets"), 2 * (1280 + 48 + 768));
    assert_int_equal(h->ntx, 4);
    assert_int_equal(h->tx[0].len, 1280);
    assert_int_equal(h->tx[1].len, 48 + 768);
    assert_int_equal(rd16(h->tx[1].data + 42), 1232);
    assert_int_equal(rd16(h->tx[0].data + 42), 1); /* offset 0, M */
    assert_int_equal(h->tx[0].data[40], 17);
    assert_int_equal(rd16(h->tx[0].data + 4), 8 + 1232);
    assert_int_equal(rd32(h->tx[0].data + 44), rd32(h->tx[1].data + 44));
    assert_true(rd32(h->tx[0].data + 44) != rd32(h->tx[2].data + 44));
    assert_int_equal(h->tx[1].data[48 + 0], (uint8_t)1232);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reassemble_and_fragment_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomic_fragment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_drops_datagram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tiny_first_fragment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_multiple_of_8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_beyond_65535, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
        cmocka_unit_test(test_flood_memory_bounded),
        cmocka_unit_test(test_eviction_for_existing_queue),
        cmocka_unit_test_setup_teardown(test_fragment_direct, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void) { return 77; }
#endif
