/* test_ip4_frag.c — IPv4 reassembly and fragmentation (src/ip/ip4_frag.c).
 *
 * Crafted fragments go in through a recording interface (192.0.2.1/24) and
 * datagrams come out of the public socket API; the expected behaviour is
 * Linux's (net/ipv4/ip_fragment.c), including its counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "iptest.h"

#include "core/stack_impl.h"
#include "ip/ip4.h"

#define SELF "192.0.2.1"
#define PEER "192.0.2.2"
#define PORT 7000
#define MAXFRAGS 9000

static uint8_t dgbuf[70000], segbuf[70000], data[70000], rbuf[70000];
static struct iptest_pkt frags[MAXFRAGS];

static void fill(uint8_t *d, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        d[i] = (uint8_t)iptest_rand(&seed);
}

/* A UDP datagram PEER:5000 -> SELF:dport with dlen bytes of `data`. */
static size_t udp_dg_tos(uint8_t *buf, uint16_t id, size_t dlen, uint16_t dport, uint8_t tos)
{
    size_t ulen = iptest_udp(segbuf, ipa(PEER), 5000, ipa(SELF), dport, data, dlen);
    struct iptest_ip ip = {
        .src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_UDP, .id = id, .tos = tos};
    return iptest_ip(buf, &ip, segbuf, ulen);
}

static size_t udp_dg(uint8_t *buf, uint16_t id, size_t dlen)
{
    return udp_dg_tos(buf, id, dlen, PORT, 0);
}

/* A fragment from PEER carrying raw payload bytes. */
static size_t raw_frag(uint8_t *buf, uint16_t id, uint8_t proto, uint16_t fo, const void *p,
                       size_t plen)
{
    struct iptest_ip ip = {
        .src = ipa(PEER), .dst = ipa(SELF), .proto = proto, .id = id, .frag_off = fo};
    return iptest_ip(buf, &ip, p, plen);
}

static void feed(struct iptest *h, struct iptest_pkt *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        iptest_input(h, f[i].data, f[i].len);
}

static ssize_t recv1(struct iptest *h, int fd)
{
    return berth_recv(h->st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
}

static void expect_datagram(struct iptest *h, int fd, size_t dlen)
{
    ssize_t n = recv1(h, fd);
    assert_int_equal(n, (ssize_t)dlen);
    assert_memory_equal(rbuf, data, dlen);
}

static void expect_nothing(struct iptest *h, int fd)
{
    errno = 0;
    assert_int_equal(recv1(h, fd), -1);
    assert_int_equal(errno, EAGAIN);
}

static uint64_t ctr(struct iptest *h, const char *n) { return iptest_ctr(h, "Ip", n); }

/* No queue left means no reassembly timer: nothing should wake the stack. */
static void expect_no_queue(struct iptest *h)
{
    assert_int_equal(berth_stack_next_deadline(h->st), BERTH_FOREVER);
}

struct fx {
    struct iptest h;
    int fd;
    size_t base_mem; /* live bytes with the reassembly table allocated */
};

static int setup_cfg(void **state, const struct berth_config *cfg)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (iptest_init_cfg(&f->h, SELF "/24", 1500, cfg) != 0)
        return -1;
    f->fd = iptest_udp_bind(&f->h, NULL, PORT);
    if (f->fd < 0)
        return -1;
    /* Warm up: the reassembly table is allocated by the first fragment. */
    uint8_t b[64];
    size_t n = raw_frag(b, 1, IPPROTO_UDP, 0x2000, "12345678", 8);
    iptest_input(&f->h, b, n);
    iptest_advance(&f->h, 31000000);
    f->base_mem = iptest_live_bytes;
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_cfg(state, NULL); }

static int setup_small_mem(void **state)
{
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.ipfrag_high_thresh = 20000;
    return setup_cfg(state, &cfg);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    iptest_fini(&f->h);
    free(f);
    return 0;
}

/* Counter snapshot relative to the fixture's warm-up. */
struct snap {
    uint64_t reqds, oks, fails, timeout;
};
static struct snap snap(struct iptest *h)
{
    return (struct snap){ctr(h, "ReasmReqds"), ctr(h, "ReasmOKs"), ctr(h, "ReasmFails"),
                         ctr(h, "ReasmTimeout")};
}
static void expect_delta(struct iptest *h, struct snap s0, uint64_t reqds, uint64_t oks,
                         uint64_t fails, uint64_t timeout)
{
    struct snap s = snap(h);
    assert_int_equal(s.reqds - s0.reqds, reqds);
    assert_int_equal(s.oks - s0.oks, oks);
    assert_int_equal(s.fails - s0.fails, fails);
    assert_int_equal(s.timeout - s0.timeout, timeout);
}

/* ---- reassembly: orders ---- */

static void test_in_order(void **state)
{
    struct fx *f = *state;
    struct snap s0 = snap(&f->h);
    uint64_t delivers = ctr(&f->h, "InDelivers");
    fill(data, 5000, 1);
    size_t len = udp_dg(dgbuf, 100, 5000);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    assert_int_equal(n, 4);
    feed(&f->h, frags, n);
    expect_datagram(&f->h, f->fd, 5000);
    expect_delta(&f->h, s0, 4, 1, 0, 0);
    /* Ip InDelivers counts the datagram once, not per fragment. */
    assert_int_equal(ctr(&f->h, "InDelivers") - delivers, 1);
    assert_int_equal(iptest_live_bytes, f->base_mem);
    expect_no_queue(&f->h);
    iptest_pkts_free(frags, n);
}

static void test_reverse_order(void **state)
{
    struct fx *f = *state;
    struct snap s0 = snap(&f->h);
    fill(data, 9000, 2);
    size_t len = udp_dg(dgbuf, 101, 9000);
    size_t n = iptest_split(dgbuf, len, 1000, frags, MAXFRAGS);
    for (size_t i = n; i-- > 0;)
        iptest_input(&f->h, frags[i].data, frags[i].len);
    expect_datagram(&f->h, f->fd, 9000);
    expect_delta(&f->h, s0, n, 1, 0, 0);
    expect_no_queue(&f->h);
    iptest_pkts_free(frags, n);
}

static void test_random_orders(void **state)
{
    struct fx *f = *state;
    static const size_t sizes[] = {1, 8, 9, 100, 1472, 1473, 5000, 20000, 65507};
    static const size_t chunks[] = {8, 16, 24, 512, 1480, 8192};
    uint64_t seed = 7;
    uint16_t id = 1000;
    for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        for (size_t ci = 0; ci < sizeof(chunks) / sizeof(chunks[0]); ci++) {
            size_t dlen = sizes[si], chunk = chunks[ci];
            if (chunk < 64 && dlen > 5000)
                continue; /* thousands of tiny fragments: covered below */
            struct snap s0 = snap(&f->h);
            fill(data, dlen, seed);
            size_t len = udp_dg(dgbuf, id++, dlen);
            size_t n = iptest_split(dgbuf, len, chunk, frags, MAXFRAGS);
            if (n < 2) {
                iptest_pkts_free(frags, n);
                continue; /* not fragmented at all */
            }
            iptest_shuffle(frags, n, &seed);
            feed(&f->h, frags, n);
            expect_datagram(&f->h, f->fd, dlen);
            expect_delta(&f->h, s0, n, 1, 0, 0);
            iptest_pkts_free(frags, n);
        }
    }
    /* The largest datagram in 8-byte fragments, shuffled: 8190 fragments. */
    struct snap s0 = snap(&f->h);
    fill(data, 65507, 99);
    size_t len = udp_dg(dgbuf, id++, 65507);
    assert_int_equal(len, 65535);
    size_t n = iptest_split(dgbuf, len, 8, frags, MAXFRAGS);
    assert_int_equal(n, 8190);
    iptest_shuffle(frags, n, &seed);
    feed(&f->h, frags, n);
    expect_datagram(&f->h, f->fd, 65507);
    expect_delta(&f->h, s0, n, 1, 0, 0);
    iptest_pkts_free(frags, n);
    assert_int_equal(iptest_live_bytes, f->base_mem);
    expect_no_queue(&f->h);
}

/* Fragments of several datagrams interleaved, same source. */
static void test_interleaved(void **state)
{
    struct fx *f = *state;
    enum { K = 5 };
    static struct iptest_pkt all[K][16];
    static uint8_t want[K][6000];
    size_t cnt[K];
    for (int k = 0; k < K; k++) {
        fill(data, 6000, 100 + (uint64_t)k);
        memcpy(want[k], data, 6000);
        size_t len = udp_dg(dgbuf, (uint16_t)(200 + k), 6000);
        cnt[k] = iptest_split(dgbuf, len, 1480, all[k], 16);
    }
    for (size_t i = 0; i < cnt[0]; i++)
        for (int k = K; k-- > 0;)
            iptest_input(&f->h, all[k][i].data, all[k][i].len);
    for (int k = K; k-- > 0;) {
        assert_int_equal(recv1(&f->h, f->fd), 6000);
        assert_memory_equal(rbuf, want[k], 6000);
        iptest_pkts_free(all[k], cnt[k]);
    }
    expect_nothing(&f->h, f->fd);
}

/* ---- duplicates and overlaps ---- */

static void test_duplicates(void **state)
{
    struct fx *f = *state;
    struct snap s0 = snap(&f->h);
    fill(data, 7000, 3);
    size_t len = udp_dg(dgbuf, 102, 7000);
    size_t n = iptest_split(dgbuf, len, 1024, frags, MAXFRAGS);
    /* Everything twice and the first fragment four times, all but the
     * last copy of the final fragment, in random order. */
    static struct iptest_pkt dup[64];
    size_t m = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        dup[m++] = frags[i];
        dup[m++] = frags[i];
    }
    dup[m++] = frags[0];
    dup[m++] = frags[0];
    uint64_t seed = 5;
    iptest_shuffle(dup, m, &seed);
    feed(&f->h, dup, m);
    expect_nothing(&f->h, f->fd);
    iptest_input(&f->h, frags[n - 1].data, frags[n - 1].len);
    expect_datagram(&f->h, f->fd, 7000);
    expect_nothing(&f->h, f->fd); /* delivered once */
    expect_delta(&f->h, s0, m + 1, 1, 0, 0);

    /* A late duplicate after completion starts a new queue, which times
     * out without an ICMP message (its first fragment never came). */
    iptest_clear(&f->h);
    iptest_input(&f->h, frags[1].data, frags[1].len);
    iptest_advance(&f->h, 30000000);
    expect_delta(&f->h, s0, m + 2, 1, 1, 1);
    assert_int_equal(iptest_count_icmp(&f->h, ICMP_TIME_EXCEEDED, -1), 0);
    iptest_pkts_free(frags, n);
}

/* A duplicate with different bytes: the data received first is kept. */
static void test_duplicate_keeps_first_data(void **state)
{
    struct fx *f = *state;
    fill(data, 3000, 4);
    size_t len = udp_dg(dgbuf, 103, 3000);
    size_t n = iptest_split(dgbuf, len, 1200, frags, MAXFRAGS);
    assert_int_equal(n, 3);
    iptest_input(&f->h, frags[0].data, frags[0].len);
    uint8_t junk[64], b[128];
    memset(junk, 0xee, sizeof(junk));
    size_t bl = raw_frag(b, 103, IPPROTO_UDP, 0x2000 | 2, junk, 64); /* [16,80) inside [0,1504) */
    iptest_input(&f->h, b, bl);
    feed(&f->h, frags + 1, 2);
    expect_datagram(&f->h, f->fd, 3000);
    iptest_pkts_free(frags, n);
}

static void test_overlap_discards_datagram(void **state)
{
    struct fx *f = *state;
    struct snap s0 = snap(&f->h);
    fill(data, 4000, 5);
    size_t len = udp_dg(dgbuf, 104, 4000);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    assert_int_equal(n, 3);
    iptest_input(&f->h, frags[0].data, frags[0].len);
    /* [1000, 2000): overlaps the held [0, 1480) and extends past it. */
    uint8_t b[1100];
    size_t bl = raw_frag(b, 104, IPPROTO_UDP, 0x2000 | (1000 / 8), data, 1000);
    iptest_input(&f->h, b, bl);
    expect_delta(&f->h, s0, 2, 0, 1, 0);
    expect_no_queue(&f->h);
    /* The rest starts a new queue that can never complete. */
    feed(&f->h, frags + 1, 2);
    expect_nothing(&f->h, f->fd);
    iptest_advance(&f->h, 30000000);
    expect_nothing(&f->h, f->fd);
    expect_delta(&f->h, s0, 4, 0, 2, 1);
    iptest_pkts_free(frags, n);
    assert_int_equal(iptest_live_bytes, f->base_mem);
}

/* Linux's notion of a duplicate is "inside one run": fragments received in
 * order form one run, fragments received out of order are runs of their
 * own. The same [1000, 2000) fragment is a duplicate in the first case and
 * an overlap in the second. */
static void test_overlap_runs_like_linux(void **state)
{
    struct fx *f = *state;
    fill(data, 4000, 6);
    uint8_t b[1100];
    for (int reversed = 0; reversed < 2; reversed++) {
        struct snap s0 = snap(&f->h);
        uint16_t id = (uint16_t)(105 + reversed);
        size_t len = udp_dg(dgbuf, id, 4000);
        size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
        assert_int_equal(n, 3);
        iptest_input(&f->h, frags[reversed ? 1 : 0].data, frags[reversed ? 1 : 0].len);
        iptest_input(&f->h, frags[reversed ? 0 : 1].data, frags[reversed ? 0 : 1].len);
        size_t bl = raw_frag(b, id, IPPROTO_UDP, 0x2000 | (1000 / 8), data + 992, 1000);
        iptest_input(&f->h, b, bl);
        iptest_input(&f->h, frags[2].data, frags[2].len);
        if (!reversed) {
            expect_datagram(&f->h, f->fd, 4000);
            expect_delta(&f->h, s0, 4, 1, 0, 0);
        } else {
            expect_nothing(&f->h, f->fd);
            expect_delta(&f->h, s0, 4, 0, 1, 0);
            iptest_advance(&f->h, 30000000); /* the third fragment's queue */
        }
        iptest_pkts_free(frags, n);
    }
}

static void test_first_fragment_repeated(void **state)
{
    struct fx *f = *state;
    uint8_t b[64];
    struct snap s0 = snap(&f->h);
    /* [0,8) then [0,16): the longer one overlaps -> discard. */
    iptest_input(&f->h, b, raw_frag(b, 110, IPPROTO_UDP, 0x2000, data, 8));
    iptest_input(&f->h, b, raw_frag(b, 110, IPPROTO_UDP, 0x2000, data, 16));
    expect_delta(&f->h, s0, 2, 0, 1, 0);
    expect_no_queue(&f->h);
    /* [0,16) then [0,8): a duplicate, ignored. */
    iptest_input(&f->h, b, raw_frag(b, 111, IPPROTO_UDP, 0x2000, data, 16));
    iptest_input(&f->h, b, raw_frag(b, 111, IPPROTO_UDP, 0x2000, data, 8));
    iptest_input(&f->h, b, raw_frag(b, 111, IPPROTO_UDP, 0x2000, data, 16));
    expect_delta(&f->h, s0, 5, 0, 1, 0);
    iptest_advance(&f->h, 30000000);
    expect_delta(&f->h, s0, 5, 0, 2, 1);
}

/* Conflicting ends: a second last fragment with another end, or a
 * non-last fragment beyond the known end, discards the datagram. */
static void test_inconsistent_end(void **state)
{
    struct fx *f = *state;
    uint8_t b[256];
    struct snap s0 = snap(&f->h);
    iptest_input(&f->h, b, raw_frag(b, 120, IPPROTO_UDP, 2, data, 16)); /* last: [16,32) */
    iptest_input(&f->h, b, raw_frag(b, 120, IPPROTO_UDP, 2, data, 24)); /* last: [16,40) */
    expect_delta(&f->h, s0, 2, 0, 1, 0);
    expect_no_queue(&f->h);
    iptest_input(&f->h, b, raw_frag(b, 121, IPPROTO_UDP, 2, data, 16));         /* end 32 */
    iptest_input(&f->h, b, raw_frag(b, 121, IPPROTO_UDP, 0x2000 | 4, data, 8)); /* [32,40) MF */
    expect_delta(&f->h, s0, 4, 0, 2, 0);
    iptest_input(&f->h, b, raw_frag(b, 122, IPPROTO_UDP, 0x2000 | 4, data, 16)); /* [32,48) */
    iptest_input(&f->h, b, raw_frag(b, 122, IPPROTO_UDP, 2, data, 8));           /* last ends 24 */
    expect_delta(&f->h, s0, 6, 0, 3, 0);
    /* The same last fragment twice is fine. */
    iptest_input(&f->h, b, raw_frag(b, 123, IPPROTO_UDP, 2, data, 16));
    iptest_input(&f->h, b, raw_frag(b, 123, IPPROTO_UDP, 2, data, 16));
    expect_delta(&f->h, s0, 8, 0, 3, 0);
    iptest_advance(&f->h, 30000000);
    expect_delta(&f->h, s0, 8, 0, 4, 1);
    assert_int_equal(iptest_live_bytes, f->base_mem);
}

/* ---- hostile fragments ---- */

static void test_zero_and_odd_lengths(void **state)
{
    struct fx *f = *state;
    uint8_t b[256];
    struct snap s0 = snap(&f->h);
    /* MF, offset 0, no payload: an empty fragment kills its queue. */
    iptest_input(&f->h, b, raw_frag(b, 130, IPPROTO_UDP, 0x2000, NULL, 0));
    expect_delta(&f->h, s0, 1, 0, 1, 0);
    /* Last fragment with no payload at offset 8. */
    iptest_input(&f->h, b, raw_frag(b, 131, IPPROTO_UDP, 1, NULL, 0));
    expect_delta(&f->h, s0, 2, 0, 2, 0);
    /* MF with 7 bytes: nothing left once cut to a multiple of 8. */
    iptest_input(&f->h, b, raw_frag(b, 132, IPPROTO_UDP, 0x2000 | 3, data, 7));
    expect_delta(&f->h, s0, 3, 0, 3, 0);
    expect_no_queue(&f->h);

    /* MF with 13 bytes: Linux keeps the first 8 and drops the tail. The
     * datagram is a 12-byte UDP segment "abcd" split 8 + 4. */
    uint8_t seg[16], first[13];
    size_t ul = iptest_udp(seg, ipa(PEER), 5000, ipa(SELF), PORT, "abcd", 4);
    assert_int_equal(ul, 12);
    memcpy(first, seg, 8);
    memset(first + 8, 'X', 5);
    iptest_input(&f->h, b, raw_frag(b, 133, IPPROTO_UDP, 0x2000, first, 13));
    iptest_input(&f->h, b, raw_frag(b, 133, IPPROTO_UDP, 1, seg + 8, 4));
    assert_int_equal(recv1(&f->h, f->fd), 4);
    assert_memory_equal(rbuf, "abcd", 4);
    expect_delta(&f->h, s0, 5, 1, 3, 0);
    assert_int_equal(iptest_live_bytes, f->base_mem);
}

static void test_beyond_64k(void **state)
{
    struct fx *f = *state;
    uint8_t b[256];
    struct snap s0 = snap(&f->h);
    iptest_input(&f->h, b, raw_frag(b, 140, IPPROTO_UDP, 0x2000, data, 8));
    /* Offset 65528 + 8 bytes: 65536 of payload, past 65535 - 20. */
    iptest_input(&f->h, b, raw_frag(b, 140, IPPROTO_UDP, 0x1fff, data, 8));
    expect_delta(&f->h, s0, 2, 0, 1, 0);
    expect_no_queue(&f->h); /* the queue went with it */
    /* Offset 65528 with MF and 200 bytes. */
    iptest_input(&f->h, b, raw_frag(b, 141, IPPROTO_UDP, 0x2000 | 0x1fff, data, 200));
    expect_delta(&f->h, s0, 3, 0, 2, 0);
    /* Exactly 65535 in total with a 20-byte header: accepted (the 65507
     * byte UDP datagram in test_random_orders). With a 24-byte first
     * header it is too big: discarded on completion. */
    static const uint8_t opt[4] = {1, 1, 1, 0};
    fill(data, 65507, 8);
    size_t ul = iptest_udp(segbuf, ipa(PEER), 5000, ipa(SELF), PORT, data, 65507);
    struct iptest_ip ip = {.src = ipa(PEER),
                           .dst = ipa(SELF),
                           .proto = IPPROTO_UDP,
                           .id = 142,
                           .frag_off = 0x2000,
                           .opts = opt,
                           .optlen = 4};
    size_t l1 = iptest_ip(dgbuf, &ip, segbuf, 32768);
    iptest_input(&f->h, dgbuf, l1);
    ip.frag_off = 32768 / 8;
    ip.optlen = 0;
    size_t l2 = iptest_ip(dgbuf, &ip, segbuf + 32768, ul - 32768);
    iptest_input(&f->h, dgbuf, l2);
    expect_nothing(&f->h, f->fd);
    expect_delta(&f->h, s0, 5, 0, 3, 0);
    expect_no_queue(&f->h);
    assert_int_equal(iptest_live_bytes, f->base_mem);
}

/* Options in the first fragment become the datagram's header; options in
 * other fragments are ignored. */
static void test_first_fragment_options(void **state)
{
    struct fx *f = *state;
    static const uint8_t opt[8] = {7, 7, 4, 0, 0, 0, 0, 0}; /* record route, then EOL */
    fill(data, 3000, 9);
    size_t ul = iptest_udp(segbuf, ipa(PEER), 5000, ipa(SELF), PORT, data, 3000);
    struct iptest_ip ip = {.src = ipa(PEER),
                           .dst = ipa(SELF),
                           .proto = IPPROTO_UDP,
                           .id = 150,
                           .frag_off = 0x2000,
                           .opts = opt,
                           .optlen = 8};
    size_t l = iptest_ip(dgbuf, &ip, segbuf, 1600);
    iptest_input(&f->h, dgbuf, l);
    ip.frag_off = 1600 / 8;
    l = iptest_ip(dgbuf, &ip, segbuf + 1600, ul - 1600);
    iptest_input(&f->h, dgbuf, l);
    expect_datagram(&f->h, f->fd, 3000);
}

/* Same id, different protocol or source: different datagrams. */
static void test_queue_key(void **state)
{
    struct fx *f = *state;
    uint8_t b[128];
    struct snap s0 = snap(&f->h);
    iptest_input(&f->h, b, raw_frag(b, 160, IPPROTO_UDP, 0x2000, data, 8));
    iptest_input(&f->h, b, raw_frag(b, 160, 200, 1, data, 8));
    struct iptest_ip ip = {
        .src = ipa("192.0.2.3"), .dst = ipa(SELF), .proto = IPPROTO_UDP, .id = 160, .frag_off = 1};
    iptest_input(&f->h, b, iptest_ip(b, &ip, data, 8));
    /* Three incomplete datagrams, none complete, none discarded. */
    expect_delta(&f->h, s0, 3, 0, 0, 0);
    iptest_advance(&f->h, 30000000);
    expect_delta(&f->h, s0, 3, 0, 3, 3);
}

static void test_ecn(void **state)
{
    struct fx *f = *state;
    struct snap s0 = snap(&f->h);
    fill(data, 3000, 10);
    /* Not-ECT mixed with CE: invalid, discarded on completion. */
    size_t len = udp_dg_tos(dgbuf, 170, 3000, PORT, 0);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    frags[1].data[1] = 3; /* CE */
    iptest_fix_ipsum(frags[1].data);
    feed(&f->h, frags, n);
    expect_nothing(&f->h, f->fd);
    expect_delta(&f->h, s0, 3, 0, 1, 0);
    iptest_pkts_free(frags, n);
    /* ECT(0) with CE: fine. */
    len = udp_dg_tos(dgbuf, 171, 3000, PORT, 2);
    n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    frags[2].data[1] = 3;
    iptest_fix_ipsum(frags[2].data);
    feed(&f->h, frags, n);
    expect_datagram(&f->h, f->fd, 3000);
    expect_delta(&f->h, s0, 6, 1, 1, 0);
    iptest_pkts_free(frags, n);
}

/* The reassembled header, as quoted by the port unreachable it causes:
 * tot_len is the whole datagram's, the offset and MF are gone, the
 * checksum is right, and DF is kept only when the largest fragment had it. */
static void test_reassembled_header(void **state)
{
    struct fx *f = *state;
    for (int df = 0; df < 2; df++) {
        iptest_clear(&f->h);
        fill(data, 2000, 11);
        size_t ul = iptest_udp(segbuf, ipa(PEER), 5000, ipa(SELF), 9999, data, 2000);
        struct iptest_ip ip = {
            .src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_UDP, .id = (uint16_t)(180 + df)};
        size_t len = iptest_ip(dgbuf, &ip, segbuf, ul);
        size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
        assert_int_equal(n, 2);
        if (df) { /* DF on the larger, first fragment */
            frags[0].data[6] |= 0x40;
            iptest_fix_ipsum(frags[0].data);
        } else { /* DF on the smaller one only */
            frags[1].data[6] |= 0x40;
            iptest_fix_ipsum(frags[1].data);
        }
        feed(&f->h, frags, n);
        assert_int_equal(iptest_count_icmp(&f->h, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH), 1);
        const struct iptest_pkt *r = &f->h.tx[f->h.ntx - 1];
        const uint8_t *q = r->data + iptest_hlen(r) + 8;
        assert_int_equal((q[2] << 8) | q[3], len);
        assert_int_equal((q[6] << 8) | q[7], df ? 0x4000 : 0);
        assert_true(iptest_csum_ok(q, 20));
        assert_memory_equal(q + 4, dgbuf + 4, 2); /* same id */
        iptest_pkts_free(frags, n);
    }
}

/* ---- timeouts ---- */

static void test_timeout_sends_time_exceeded(void **state)
{
    struct fx *f = *state;
    struct snap s0 = snap(&f->h);
    uint64_t tex = iptest_ctr(&f->h, "Icmp", "OutTimeExcds");
    iptest_clear(&f->h);
    fill(data, 3000, 12);
    size_t len = udp_dg(dgbuf, 190, 3000);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    iptest_input(&f->h, frags[0].data, frags[0].len);
    /* A later fragment does not extend the 30 s lifetime. */
    iptest_advance(&f->h, 20000000);
    iptest_input(&f->h, frags[2].data, frags[2].len);
    iptest_advance(&f->h, 9999999);
    expect_delta(&f->h, s0, 2, 0, 0, 0);
    assert_int_equal(f->h.ntx, 0);
    iptest_advance(&f->h, 1);
    expect_delta(&f->h, s0, 2, 0, 1, 1);
    expect_no_queue(&f->h);
    assert_int_equal(f->h.ntx, 1);
    assert_int_equal(iptest_count_icmp(&f->h, ICMP_TIME_EXCEEDED, 1), 1);
    const struct iptest_pkt *r = &f->h.tx[0];
    assert_true(iptest_csum_ok(r->data, 20));
    assert_memory_equal(r->data + 12, frags[0].data + 16, 4); /* from us */
    assert_memory_equal(r->data + 16, frags[0].data + 12, 4); /* to the sender */
    const uint8_t *ic = r->data + 20;
    assert_true(iptest_csum_ok(ic, r->len - 20));
    /* The quote: the first fragment's header as received, then its data. */
    assert_true(r->len - 28 >= 28);
    assert_memory_equal(ic + 8, frags[0].data, 28);
    assert_int_equal(iptest_ctr(&f->h, "Icmp", "OutTimeExcds") - tex, 1);
    assert_int_equal(iptest_live_bytes, f->base_mem);

    /* Without the first fragment: no ICMP. */
    iptest_clear(&f->h);
    iptest_input(&f->h, frags[1].data, frags[1].len);
    iptest_advance(&f->h, 30000000);
    expect_delta(&f->h, s0, 3, 0, 2, 2);
    assert_int_equal(f->h.ntx, 0);
    iptest_pkts_free(frags, n);
}

/* ipfrag_time changed while queues wait: it applies to them too, and the
 * queues still expire in arrival order. */
static void test_timeout_setting_changed(void **state)
{
    struct fx *f = *state;
    struct snap s0 = snap(&f->h);
    uint8_t b[64];
    iptest_input(&f->h, b, raw_frag(b, 195, IPPROTO_UDP, 0x2000 | 1, data, 8));
    f->h.st->cfg.ipfrag_time_s = 5;
    iptest_advance(&f->h, 1000000);
    iptest_input(&f->h, b, raw_frag(b, 196, IPPROTO_UDP, 0x2000 | 1, data, 8));
    iptest_advance(&f->h, 3999999);
    expect_delta(&f->h, s0, 2, 0, 0, 0);
    iptest_advance(&f->h, 1);
    expect_delta(&f->h, s0, 2, 0, 1, 1);
    iptest_advance(&f->h, 1000000);
    expect_delta(&f->h, s0, 2, 0, 2, 2);
    expect_no_queue(&f->h);
}

/* No ICMP about an ICMP error, nor about a broadcast datagram. */
static void test_timeout_no_icmp_cases(void **state)
{
    struct fx *f = *state;
    iptest_clear(&f->h);
    /* A fragmented ICMP port unreachable (quoting a long datagram). */
    uint8_t body[2000], msg[2100], b[2200];
    memset(body, 0x45, sizeof(body));
    size_t ml = iptest_icmp(msg, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, body, sizeof(body));
    iptest_input(&f->h, b, raw_frag(b, 200, IPPROTO_ICMP, 0x2000, msg, 1480));
    (void)ml;
    /* A UDP datagram to the subnet broadcast. */
    uint8_t seg[1600];
    size_t ul = iptest_udp(seg, ipa(PEER), 5000, ipa("192.0.2.255"), PORT, data, 1500);
    struct iptest_ip ip = {.src = ipa(PEER),
                           .dst = ipa("192.0.2.255"),
                           .proto = IPPROTO_UDP,
                           .id = 201,
                           .frag_off = 0x2000};
    iptest_input(&f->h, b, iptest_ip(b, &ip, seg, 1480));
    (void)ul;
    /* An ICMP echo request: this one is answered with time exceeded. */
    size_t el = iptest_icmp(msg, ICMP_ECHO, 0, 0x10001, body, 1800);
    iptest_input(&f->h, b, raw_frag(b, 202, IPPROTO_ICMP, 0x2000, msg, 1480));
    (void)el;
    iptest_advance(&f->h, 30000000);
    assert_int_equal(f->h.ntx, 1);
    assert_int_equal(iptest_count_icmp(&f->h, ICMP_TIME_EXCEEDED, 1), 1);
    const uint8_t *q = f->h.tx[0].data + 28;
    assert_int_equal(q[9], IPPROTO_ICMP);
    assert_int_equal(q[20], ICMP_ECHO);
}

/* A broadcast datagram in fragments is still reassembled and delivered. */
static void test_broadcast_reassembled(void **state)
{
    struct fx *f = *state;
    fill(data, 2500, 13);
    size_t ul = iptest_udp(segbuf, ipa(PEER), 5000, ipa("192.0.2.255"), PORT, data, 2500);
    struct iptest_ip ip = {
        .src = ipa(PEER), .dst = ipa("192.0.2.255"), .proto = IPPROTO_UDP, .id = 210};
    size_t len = iptest_ip(dgbuf, &ip, segbuf, ul);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    feed(&f->h, frags, n);
    expect_datagram(&f->h, f->fd, 2500);
    iptest_pkts_free(frags, n);
}

/* ---- memory limit ---- */

static void test_memory_limit(void **state)
{
    struct fx *f = *state; /* ipfrag_high_thresh = 20000 */
    struct snap s0 = snap(&f->h);
    uint8_t b[1600];
    /* First fragments of 100 datagrams, 1480 bytes each: only a dozen fit;
     * the others are refused (new queues are not created over the limit). */
    for (unsigned i = 0; i < 100; i++) {
        iptest_input(&f->h, b, raw_frag(b, (uint16_t)(300 + i), IPPROTO_UDP, 0x2000, data, 1480));
        assert_true(iptest_live_bytes - f->base_mem <= 20000);
    }
    struct snap s1 = snap(&f->h);
    uint64_t refused = s1.fails - s0.fails;
    uint64_t held = 100 - refused;
    assert_true(held >= 10 && held <= 13);
    uint16_t newest = (uint16_t)(300 + held - 1);
    fill(data, 6000, 14);
    size_t len = udp_dg(dgbuf, 400, 6000);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    /* A new datagram cannot even start while memory is full... */
    iptest_input(&f->h, frags[0].data, frags[0].len);
    struct snap s2 = snap(&f->h);
    assert_int_equal(s2.fails - s1.fails, 1);
    /* ...but an existing queue can grow: the oldest queues are evicted to
     * make room, each counted as a failure. */
    iptest_input(&f->h, b, raw_frag(b, newest, IPPROTO_UDP, 0x2000 | (1480 / 8), data, 1480));
    iptest_input(&f->h, b, raw_frag(b, newest, IPPROTO_UDP, 0x2000 | (2960 / 8), data, 1480));
    struct snap s3 = snap(&f->h);
    assert_true(s3.fails - s2.fails >= 1);
    assert_true(iptest_live_bytes - f->base_mem <= 20000);
    /* Once everything has expired, memory is back and datagrams pass. */
    iptest_advance(&f->h, 30000000);
    assert_int_equal(iptest_live_bytes, f->base_mem);
    expect_no_queue(&f->h);
    feed(&f->h, frags, n);
    expect_datagram(&f->h, f->fd, 6000);
    iptest_pkts_free(frags, n);
}

/* Endless fragments that never complete: memory stays under the limit,
 * and all of it comes back. */
static void test_memory_flood(void **state)
{
    struct fx *f = *state;
    uint8_t b[1600];
    uint64_t seed = 15;
    size_t peak = 0;
    for (unsigned i = 0; i < 20000; i++) {
        uint64_t r = iptest_rand(&seed);
        uint16_t id = (uint16_t)(r % 64);
        uint16_t off = (uint16_t)((r >> 8) % 8000);
        size_t plen = 8 + (size_t)((r >> 24) % 1400);
        iptest_input(&f->h, b, raw_frag(b, id, IPPROTO_UDP, 0x2000 | off, data, plen));
        size_t used = iptest_live_bytes - f->base_mem;
        if (used > peak)
            peak = used;
        if (i % 1000 == 999)
            iptest_advance(&f->h, 2000000);
    }
    assert_true(peak <= 20000);
    iptest_advance(&f->h, 31000000);
    assert_int_equal(iptest_live_bytes, f->base_mem);
    expect_no_queue(&f->h);
}

/* A datagram larger than the whole memory limit: its queue is discarded
 * when it cannot grow any more, without hurting anything else. */
static void test_datagram_larger_than_limit(void **state)
{
    struct fx *f = *state; /* ipfrag_high_thresh = 20000 */
    struct snap s0 = snap(&f->h);
    fill(data, 30000, 17);
    size_t len = udp_dg(dgbuf, 450, 30000);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    for (size_t i = 0; i < n; i++) {
        iptest_input(&f->h, frags[i].data, frags[i].len);
        assert_true(iptest_live_bytes - f->base_mem <= 20000);
    }
    expect_nothing(&f->h, f->fd);
    struct snap s1 = snap(&f->h);
    assert_int_equal(s1.oks - s0.oks, 0);
    assert_true(s1.fails - s0.fails >= 1);
    iptest_pkts_free(frags, n);
    iptest_advance(&f->h, 31000000);
    assert_int_equal(iptest_live_bytes, f->base_mem);
    /* A datagram that fits still passes. */
    fill(data, 10000, 18);
    len = udp_dg(dgbuf, 451, 10000);
    n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    feed(&f->h, frags, n);
    expect_datagram(&f->h, f->fd, 10000);
    iptest_pkts_free(frags, n);
}

/* Every allocation on the way can fail: nothing crashes, nothing leaks,
 * and the stack works again once memory is back. */
static void test_allocation_failures(void **state)
{
    (void)state;
    struct iptest h;
    assert_int_equal(iptest_init(&h, SELF "/24", 1500), 0);
    int fd = iptest_udp_bind(&h, NULL, PORT);
    int sfd = berth_socket(h.st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr = ipa(PEER)};
    fill(data, 3000, 19);
    for (long budget = 0; budget < 12; budget++) {
        size_t len = udp_dg(dgbuf, (uint16_t)(800 + budget), 3000);
        size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
        /* Reassembly, with only the first fragment's header known. */
        iptest_alloc_budget = budget;
        feed(&h, frags, n);
        iptest_alloc_budget = -1;
        iptest_pkts_free(frags, n);
        /* Reassembly timeout with ICMP (only the first fragment). */
        len = udp_dg(dgbuf, (uint16_t)(900 + budget), 3000);
        n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
        iptest_input(&h, frags[0].data, frags[0].len);
        iptest_alloc_budget = budget;
        iptest_advance(&h, 31000000);
        iptest_alloc_budget = -1;
        iptest_pkts_free(frags, n);
        /* Fragmentation. */
        iptest_alloc_budget = budget;
        berth_sendto(h.st, sfd, data, 5000, 0, (struct sockaddr *)&to, sizeof(to));
        iptest_alloc_budget = -1;
        while (berth_recv(h.st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT) >= 0)
            ;
        iptest_advance(&h, 31000000);
        expect_no_queue(&h);
    }
    assert_true(ctr(&h, "FragFails") > 0);
    assert_true(ctr(&h, "ReasmFails") > 0);
    /* Memory is back: a datagram goes through. */
    size_t len = udp_dg(dgbuf, 999, 3000);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    feed(&h, frags, n);
    expect_datagram(&h, fd, 3000);
    iptest_pkts_free(frags, n);
    iptest_fini(&h);
}

static void test_reassembly_disabled(void **state)
{
    (void)state;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.ipfrag_high_thresh = 0;
    struct iptest h;
    assert_int_equal(iptest_init_cfg(&h, SELF "/24", 1500, &cfg), 0);
    int fd = iptest_udp_bind(&h, NULL, PORT);
    fill(data, 3000, 16);
    size_t len = udp_dg(dgbuf, 500, 3000);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    feed(&h, frags, n);
    expect_nothing(&h, fd);
    assert_int_equal(ctr(&h, "ReasmReqds"), 3);
    assert_int_equal(ctr(&h, "ReasmFails"), 3);
    iptest_pkts_free(frags, n);
    iptest_fini(&h);
}

/* Teardown with incomplete queues frees everything (checked by ASan and
 * valgrind, and by the counting allocator here). */
static void test_teardown_with_queues(void **state)
{
    (void)state;
    size_t before = iptest_live_bytes;
    struct iptest h;
    assert_int_equal(iptest_init(&h, SELF "/24", 1500), 0);
    uint8_t b[1600];
    for (unsigned i = 0; i < 50; i++)
        iptest_input(&h, b, raw_frag(b, (uint16_t)i, IPPROTO_UDP, 0x2000 | i, data, 1000));
    iptest_fini(&h);
    assert_int_equal(iptest_live_bytes, before);
}

/* ---- fragmentation ---- */

static void check_fragments(struct iptest *h, size_t want, unsigned mtu, size_t total_payload)
{
    assert_int_equal(h->ntx, want);
    size_t expect_off = 0;
    for (size_t i = 0; i < h->ntx; i++) {
        const struct iptest_pkt *p = &h->tx[i];
        size_t hl = iptest_hlen(p);
        assert_true(p->len <= mtu);
        assert_int_equal((p->data[2] << 8) | p->data[3], p->len);
        assert_true(iptest_csum_ok(p->data, hl));
        assert_memory_equal(p->data + 4, h->tx[0].data + 4, 2); /* one id */
        uint16_t fo = iptest_fragoff(p);
        assert_int_equal(fo & 0x4000, 0);
        assert_int_equal((size_t)(fo & 0x1fff) * 8, expect_off);
        bool last = i + 1 == h->ntx;
        assert_int_equal(!!(fo & 0x2000), !last);
        size_t pl = p->len - hl;
        if (!last) {
            assert_int_equal(pl % 8, 0);
            assert_int_equal(pl, (mtu - hl) & ~7u);
        }
        expect_off += pl;
    }
    assert_int_equal(expect_off, total_payload);
}

/* piece > 0: the datagram is gathered from sends of piece bytes with
 * MSG_MORE (UDP corking), the last one without; nothing leaves before it. */
static void roundtrip_pieces(unsigned mtu, size_t dlen, uint64_t seed, bool shuffle, size_t piece);

static void roundtrip(unsigned mtu, size_t dlen, uint64_t seed, bool shuffle)
{
    roundtrip_pieces(mtu, dlen, seed, shuffle, 0);
}

static void roundtrip_pieces(unsigned mtu, size_t dlen, uint64_t seed, bool shuffle, size_t piece)
{
    struct iptest a, b;
    assert_int_equal(iptest_init(&a, "192.0.2.1/24", mtu), 0);
    assert_int_equal(iptest_init(&b, "192.0.2.2/24", mtu), 0);
    int rfd = iptest_udp_bind(&b, NULL, PORT);
    int sfd = berth_socket(a.st, AF_INET, SOCK_DGRAM, 0);
    assert_true(rfd >= 0 && sfd >= 0);
    fill(data, dlen, seed);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr = ipa(PEER)};
    if (piece) {
        for (size_t off = 0; off + piece < dlen; off += piece) {
            assert_int_equal(berth_sendto(a.st, sfd, data + off, piece, MSG_MORE,
                                          (struct sockaddr *)&to, sizeof(to)),
                             (ssize_t)piece);
            assert_int_equal(a.ntx, 0);
        }
        size_t last = dlen % piece ? dlen % piece : piece;
        assert_int_equal(berth_send(a.st, sfd, data + dlen - last, last, 0), (ssize_t)last);
    } else {
        assert_int_equal(berth_sendto(a.st, sfd, data, dlen, 0, (struct sockaddr *)&to, sizeof(to)),
                         (ssize_t)dlen);
    }
    unsigned chunk = (mtu - 20) & ~7u;
    size_t nf = (dlen + 8 + chunk - 1) / chunk;
    check_fragments(&a, nf, mtu, dlen + 8);
    assert_int_equal(iptest_ctr(&a, "Ip", "FragOKs"), 1);
    assert_int_equal(iptest_ctr(&a, "Ip", "FragCreates"), nf);
    assert_int_equal(iptest_ctr(&a, "Ip", "FragFails"), 0);
    assert_int_equal(iptest_ctr(&a, "Ip", "OutRequests"), 1);
    assert_int_equal(iptest_ctr(&a, "Ip", "OutTransmits"), nf);
    if (shuffle) {
        uint64_t s = seed;
        iptest_shuffle(a.tx, a.ntx, &s);
    }
    for (size_t i = 0; i < a.ntx; i++)
        iptest_input(&b, a.tx[i].data, a.tx[i].len);
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    ssize_t n =
        berth_recvfrom(b.st, rfd, rbuf, sizeof(rbuf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    assert_int_equal(n, (ssize_t)dlen);
    assert_memory_equal(rbuf, data, dlen);
    assert_int_equal(from.sin_addr.s_addr, ipa(SELF).s_addr);
    assert_int_equal(iptest_ctr(&b, "Ip", "ReasmOKs"), 1);
    assert_int_equal(iptest_ctr(&b, "Ip", "ReasmReqds"), nf);
    assert_int_equal(iptest_ctr(&b, "Ip", "ReasmFails"), 0);
    iptest_fini(&a);
    iptest_fini(&b);
}

static void test_fragment_roundtrip_60000(void **state)
{
    (void)state;
    roundtrip(1500, 60000, 21, false);
    roundtrip(1500, 60000, 22, true);
}

static void test_fragment_roundtrip_sizes(void **state)
{
    (void)state;
    roundtrip(68, 1000, 23, true);    /* the IPv4 minimum MTU: 48-byte fragments */
    roundtrip(576, 65507, 24, true);  /* the largest UDP datagram */
    roundtrip(1500, 1473, 25, false); /* one byte over */
    roundtrip(9000, 30000, 26, true);
}

/* A datagram gathered with MSG_MORE (udp_sendmsg's corking) leaves as one
 * IP datagram, fragmented like a single send of the same size. */
static void test_fragment_roundtrip_corked(void **state)
{
    (void)state;
    roundtrip_pieces(1500, 60000, 27, true, 1000);
    roundtrip_pieces(576, 65507, 28, true, 4093);
    roundtrip_pieces(1500, 1473, 29, false, 1);
}

/* A datagram that fits is not fragmented. */
static void test_no_fragment_when_fits(void **state)
{
    (void)state;
    struct iptest a;
    assert_int_equal(iptest_init(&a, "192.0.2.1/24", 1500), 0);
    int sfd = berth_socket(a.st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr = ipa(PEER)};
    assert_int_equal(berth_sendto(a.st, sfd, data, 1472, 0, (struct sockaddr *)&to, sizeof(to)),
                     1472);
    assert_int_equal(a.ntx, 1);
    assert_int_equal(a.tx[0].len, 1500);
    assert_int_equal(iptest_fragoff(&a.tx[0]), 0);
    assert_int_equal(iptest_ctr(&a, "Ip", "FragCreates"), 0);
    iptest_fini(&a);
}

/* The driver refuses a fragment: the rest is not sent and FragFails counts. */
static void test_fragment_driver_error(void **state)
{
    (void)state;
    struct iptest a;
    assert_int_equal(iptest_init(&a, "192.0.2.1/24", 1500), 0);
    int sfd = berth_socket(a.st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr = ipa(PEER)};
    a.tx_error = ENOBUFS;
    /* ip4_fragment reports ENOBUFS; UDP turns that into a silent drop
     * unless IP_RECVERR is set (udp_send_skb), so accept either. */
    errno = 0;
    ssize_t r = berth_sendto(a.st, sfd, data, 5000, 0, (struct sockaddr *)&to, sizeof(to));
    assert_true(r == 5000 || (r == -1 && errno == ENOBUFS));
    assert_int_equal(iptest_ctr(&a, "Ip", "FragFails"), 1);
    assert_int_equal(iptest_ctr(&a, "Ip", "FragOKs"), 0);
    assert_int_equal(iptest_ctr(&a, "Ip", "FragCreates"), 1);
    assert_int_equal(iptest_ctr(&a, "Ip", "OutDiscards"), 1);
    iptest_fini(&a);
}

/* ip4_fragment directly: options without the copied flag become NOPs in
 * the non-first fragments; DF refuses; a refragmented fragment keeps its
 * offset and MF. */
static void test_fragment_options_and_refragment(void **state)
{
    (void)state;
    struct iptest a, b;
    assert_int_equal(iptest_init(&a, "192.0.2.1/24", 1500), 0);
    assert_int_equal(iptest_init(&b, "192.0.2.2/24", 1500), 0);
    int rfd = iptest_udp_bind(&b, NULL, PORT);
    /* record route (not copied), a copied option 0x88 (stream id, len 4),
     * end of list. */
    static const uint8_t opt[12] = {7, 7, 4, 0, 0, 0, 0, 0x88, 4, 0x12, 0x34, 0};
    fill(data, 3000, 27);
    size_t ul = iptest_udp(segbuf, ipa(SELF), 5000, ipa(PEER), PORT, data, 3000);
    struct iptest_ip ip = {.src = ipa(SELF),
                           .dst = ipa(PEER),
                           .proto = IPPROTO_UDP,
                           .id = 600,
                           .opts = opt,
                           .optlen = 12};
    size_t len = iptest_ip(dgbuf, &ip, segbuf, ul);

    struct berth_stack *st = a.st;
    st_lock(st);
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, len);
    memcpy(p->data, dgbuf, len);
    assert_int_equal(ip4_fragment(st, p, a.ifp, 1000), 0);
    st_unlock(st);
    assert_int_equal(a.ntx, 4); /* (1000 - 32) & ~7 = 968 per fragment */
    check_fragments(&a, 4, 1000, ul);
    assert_memory_equal(a.tx[0].data + 20, opt, 12);
    static const uint8_t opt_rest[12] = {1, 1, 1, 1, 1, 1, 1, 0x88, 4, 0x12, 0x34, 0};
    for (size_t i = 1; i < a.ntx; i++)
        assert_memory_equal(a.tx[i].data + 20, opt_rest, 12);
    for (size_t i = 0; i < a.ntx; i++)
        iptest_input(&b, a.tx[i].data, a.tx[i].len);
    assert_int_equal(recv1(&b, rfd), 3000);
    assert_memory_equal(rbuf, data, 3000);

    /* Refragment the second fragment (offset 968, MF) through mtu 600. */
    struct iptest_pkt second = a.tx[1];
    a.tx[1].data = NULL;
    iptest_clear(&a);
    st_lock(st);
    p = pkt_alloc(st, PKT_HEADROOM, second.len);
    memcpy(p->data, second.data, second.len);
    assert_int_equal(ip4_fragment(st, p, a.ifp, 600), 0);
    st_unlock(st);
    assert_int_equal(a.ntx, 2); /* 968 = 568 + 400 */
    assert_int_equal(iptest_fragoff(&a.tx[0]), 0x2000 | (968 / 8));
    assert_int_equal(iptest_fragoff(&a.tx[1]), 0x2000 | ((968 + 568) / 8));
    assert_int_equal(a.tx[1].len, 32 + 400);
    free(second.data);

    /* DF set: refused with EMSGSIZE and FragFails. */
    iptest_clear(&a);
    dgbuf[6] |= 0x40;
    iptest_fix_ipsum(dgbuf);
    uint64_t ff = iptest_ctr(&a, "Ip", "FragFails");
    st_lock(st);
    p = pkt_alloc(st, PKT_HEADROOM, len);
    memcpy(p->data, dgbuf, len);
    assert_int_equal(ip4_fragment(st, p, a.ifp, 1000), EMSGSIZE);
    st_unlock(st);
    assert_int_equal(a.ntx, 0);
    assert_int_equal(iptest_ctr(&a, "Ip", "FragFails"), ff + 1);
    iptest_fini(&a);
    iptest_fini(&b);
}

/* A fragmented echo request is answered with a fragmented echo reply. */
static void test_fragmented_echo(void **state)
{
    (void)state;
    struct iptest a, b;
    assert_int_equal(iptest_init(&a, "192.0.2.1/24", 1500), 0);
    assert_int_equal(iptest_init(&b, "192.0.2.2/24", 1500), 0);
    static uint8_t msg[4100];
    fill(data, 4000, 28);
    size_t ml = iptest_icmp(msg, ICMP_ECHO, 0, 0x12340001, data, 4000);
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_ICMP, .id = 700};
    size_t len = iptest_ip(dgbuf, &ip, msg, ml);
    size_t n = iptest_split(dgbuf, len, 1480, frags, MAXFRAGS);
    feed(&a, frags, n);
    iptest_pkts_free(frags, n);
    assert_int_equal(iptest_ctr(&a, "Icmp", "OutEchoReps"), 1);
    check_fragments(&a, 3, 1500, ml);
    for (size_t i = 0; i < a.ntx; i++)
        iptest_input(&b, a.tx[i].data, a.tx[i].len);
    assert_int_equal(iptest_ctr(&b, "Ip", "ReasmOKs"), 1);
    assert_int_equal(iptest_ctr(&b, "Icmp", "InEchoReps"), 1);
    assert_int_equal(iptest_ctr(&b, "Icmp", "InCsumErrors"), 0);
    iptest_fini(&a);
    iptest_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reverse_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interleaved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_keeps_first_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_discards_datagram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_runs_like_linux, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_fragment_repeated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inconsistent_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_and_odd_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_beyond_64k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_fragment_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ecn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reassembled_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_sends_time_exceeded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_setting_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_no_icmp_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_reassembled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_limit, setup_small_mem, teardown),
        cmocka_unit_test_setup_teardown(test_memory_flood, setup_small_mem, teardown),
        cmocka_unit_test_setup_teardown(test_datagram_larger_than_limit, setup_small_mem, teardown),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_reassembly_disabled),
        cmocka_unit_test(test_teardown_with_queues),
        cmocka_unit_test(test_fragment_roundtrip_60000),
        cmocka_unit_test(test_fragment_roundtrip_sizes),
        cmocka_unit_test(test_fragment_roundtrip_corked),
        cmocka_unit_test(test_no_fragment_when_fits),
        cmocka_unit_test(test_fragment_driver_error),
        cmocka_unit_test(test_fragment_options_and_refragment),
        cmocka_unit_test(test_fragmented_echo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
