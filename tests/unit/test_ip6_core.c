/* test_ip6_core.c — the IPv6 network layer's first path (src/ip/ip6_input.c,
 * ip6_output.c, route6.c, icmp6.c): echo over a raw interface, the fixed
 * header's checks and counters, the extension-header walk, errors sent. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "iptest.h"

#include "core/stack_impl.h"
#include "ip/ip6.h"

#define SELF "2001:db8::1"
#define PEER "2001:db8::2"

static struct in6_addr ip6a(const char *s)
{
    struct in6_addr a;
    inet_pton(AF_INET6, s, &a);
    return a;
}

static int setup(void **state)
{
    struct iptest *h = calloc(1, sizeof(*h));
    *state = h;
    if (iptest_init(h, "192.0.2.1/24", 1500) != 0)
        return -1;
    struct in6_addr a = ip6a(SELF);
    return berth_netif_addr6_add(h->ifp, &a, 64);
}

static int teardown(void **state)
{
    struct iptest *h = *state;
    iptest_fini(h);
    free(h);
    return 0;
}

static uint64_t c6(struct iptest *h, const char *g, const char *n) { return iptest_ctr(h, g, n); }

/* An IPv6 packet src -> dst, next header nxt, hop limit hlim, payload. */
static size_t ip6_pkt(uint8_t *b, const char *src, const char *dst, uint8_t nxt, uint8_t hlim,
                      const void *pl, size_t plen)
{
    memset(b, 0, IP6_HLEN);
    b[0] = 0x60;
    b[4] = (uint8_t)(plen >> 8);
    b[5] = (uint8_t)plen;
    b[6] = nxt;
    b[7] = hlim;
    struct in6_addr s = ip6a(src), d = ip6a(dst);
    memcpy(b + 8, &s, 16);
    memcpy(b + 24, &d, 16);
    memcpy(b + IP6_HLEN, pl, plen);
    return IP6_HLEN + plen;
}

/* Fill the ICMPv6 checksum of the message at b + off (packet built by ip6_pkt). */
static void icmp6_sum(uint8_t *b, size_t off, size_t len)
{
    struct in6_addr s, d;
    memcpy(&s, b + 8, 16);
    memcpy(&d, b + 24, 16);
    b[off + 2] = b[off + 3] = 0;
    uint16_t ck =
        inet_csum_fold(inet_csum_add(inet_pseudo6(&s, &d, 58, (uint32_t)len), b + off, len));
    memcpy(b + off + 2, &ck, 2);
}

static size_t echo_req(uint8_t *b, const char *src, const char *dst)
{
    uint8_t m[16] = {ICMP6_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g', 1, 2, 3, 4};
    size_t n = ip6_pkt(b, src, dst, 58, 64, m, sizeof(m));
    icmp6_sum(b, IP6_HLEN, sizeof(m));
    return n;
}

static void echo_answered(void **state)
{
    struct iptest *h = *state;
    uint8_t b[256];
    size_t n = echo_req(b, PEER, SELF);
    iptest_input(h, b, n);
    assert_int_equal(h->ntx, 1);
    const uint8_t *r = h->tx[0].data;
    assert_int_equal(h->tx[0].len, n);
    assert_int_equal(r[0] >> 4, 6);
    assert_int_equal(r[6], 58);
    assert_int_equal(r[7], 64);
    assert_memory_equal(r + 8, b + 24, 16); /* from the address asked */
    assert_memory_equal(r + 24, b + 8, 16);
    assert_int_equal(r[IP6_HLEN], ICMP6_ECHO_REPLY);
    assert_memory_equal(r + IP6_HLEN + 4, b + IP6_HLEN + 4, 12); /* id, seq, data */
    struct in6_addr s, d;
    memcpy(&s, r + 8, 16);
    memcpy(&d, r + 24, 16);
    assert_int_equal(inet_csum_fold(inet_csum_add(inet_pseudo6(&s, &d, 58, 16), r + IP6_HLEN, 16)),
                     0);
    assert_int_equal(c6(h, "Ip6", "InReceives"), 1);
    assert_int_equal(c6(h, "Ip6", "InDelivers"), 1);
    assert_int_equal(c6(h, "Icmp6", "InEchos"), 1);
    assert_int_equal(c6(h, "Icmp6", "OutEchoReplies"), 1);
    assert_int_equal(c6(h, "Ip6", "OutRequests"), 1);
}

static void bad_checksum_counted(void **state)
{
    struct iptest *h = *state;
    uint8_t b[256];
    size_t n = echo_req(b, PEER, SELF);
    b[n - 1] ^= 0x55;
    iptest_input(h, b, n);
    assert_int_equal(h->ntx, 0);
    assert_int_equal(c6(h, "Icmp6", "InCsumErrors"), 1);
    assert_int_equal(c6(h, "Icmp6", "InErrors"), 1);
}

static void header_checks(void **state)
{
    struct iptest *h = *state;
    uint8_t b[256];
    size_t n = echo_req(b, PEER, SELF);
    iptest_input(h, b, 39); /* short */
    assert_int_equal(c6(h, "Ip6", "InHdrErrors"), 1);
    b[4] = 1; /* payload length beyond the packet */
    iptest_input(h, b, n);
    assert_int_equal(c6(h, "Ip6", "InTruncatedPkts"), 1);
    n = echo_req(b, "::ffff:192.0.2.2", SELF); /* v4-mapped source */
    iptest_input(h, b, n);
    n = echo_req(b, "ff02::1", SELF); /* multicast source */
    iptest_input(h, b, n);
    n = echo_req(b, PEER, "::1"); /* loopback from the wire */
    iptest_input(h, b, n);
    assert_int_equal(c6(h, "Ip6", "InHdrErrors"), 4);
    n = echo_req(b, PEER, "2001:db8::99"); /* not ours: berth does not forward */
    iptest_input(h, b, n);
    assert_int_equal(c6(h, "Ip6", "InAddrErrors"), 1);
    assert_int_equal(h->ntx, 0);
}

/* An echo request behind destination options: pad, then an unknown
 * option of action `act` (RFC 8200 4.2). */
static size_t with_dstopt(uint8_t *b, uint8_t act, const char *dst)
{
    uint8_t m[8 + 16] = {
        58, 0, (uint8_t)(act << 6 | 0x1e), 2, 0, 0, 1, 0, ICMP6_ECHO_REQUEST, 0, 0, 0, 0, 7, 0, 1};
    size_t n = ip6_pkt(b, PEER, dst, IP6_NH_DSTOPTS, 64, m, 8 + 8);
    icmp6_sum(b, IP6_HLEN + 8, 8);
    return n;
}

static void unknown_options(void **state)
{
    struct iptest *h = *state;
    uint8_t b[256];
    size_t n = with_dstopt(b, 0, SELF); /* skip it: answered */
    iptest_input(h, b, n);
    assert_int_equal(h->ntx, 1);
    iptest_clear(h);
    n = with_dstopt(b, 1, SELF); /* discard silently */
    iptest_input(h, b, n);
    assert_int_equal(h->ntx, 0);
    assert_int_equal(c6(h, "Ip6", "InHdrErrors"), 1);
    n = with_dstopt(b, 2, SELF); /* discard with a parameter problem */
    iptest_input(h, b, n);
    assert_int_equal(h->ntx, 1);
    const uint8_t *r = h->tx[0].data;
    assert_int_equal(r[IP6_HLEN], ICMP6_PARAM_PROB);
    assert_int_equal(r[IP6_HLEN + 1], ICMP6_PARAMPROB_OPTION);
    assert_int_equal(r[IP6_HLEN + 7], IP6_HLEN + 2); /* the pointer: the option */
    assert_int_equal(c6(h, "Icmp6", "OutParmProblems"), 1);
}

static void unknown_next_header(void **state)
{
    struct iptest *h = *state;
    uint8_t b[256], pl[8] = {0};
    size_t n = ip6_pkt(b, PEER, SELF, 253 /* experimental */, 64, pl, sizeof(pl));
    iptest_input(h, b, n);
    assert_int_equal(c6(h, "Ip6", "InUnknownProtos"), 1);
    assert_int_equal(h->ntx, 1);
    const uint8_t *r = h->tx[0].data;
    assert_int_equal(r[IP6_HLEN], ICMP6_PARAM_PROB);
    assert_int_equal(r[IP6_HLEN + 1], ICMP6_PARAMPROB_NEXTHEADER);
    assert_int_equal(r[IP6_HLEN + 7], 6); /* the fixed header's next header field */
}

static void routing_header_segments_left(void **state)
{
    struct iptest *h = *state;
    uint8_t b[256], pl[24] = {59, 2, 0 /* type 0 */, 1 /* segments left */};
    size_t n = ip6_pkt(b, PEER, SELF, IP6_NH_ROUTING, 64, pl, sizeof(pl));
    iptest_input(h, b, n);
    assert_int_equal(c6(h, "Ip6", "InHdrErrors"), 1);
    assert_int_equal(h->ntx, 1);
    assert_int_equal(h->tx[0].data[IP6_HLEN + 7], IP6_HLEN + 2);
    iptest_clear(h);
    pl[3] = 0; /* none left: skipped, then "no next header" */
    n = ip6_pkt(b, PEER, SELF, IP6_NH_ROUTING, 64, pl, sizeof(pl));
    iptest_input(h, b, n);
    assert_int_equal(h->ntx, 0);
    assert_int_equal(c6(h, "Ip6", "InDelivers"), 1);
}

/* A header chain that runs to the end of the packet: dropped after the
 * 13th header, as Linux 6.18 drops it (Ip6 InDiscards, no ICMPv6). */
static void endless_chain(void **state)
{
    struct iptest *h = *state;
    static uint8_t b[IP6_HLEN + 8 * 1000], pl[8 * 1000];
    for (size_t i = 0; i < sizeof(pl); i += 8) {
        pl[i] = IP6_NH_DSTOPTS;
        pl[i + 2] = 1; /* PadN of 4 */
        pl[i + 3] = 4;
    }
    size_t n = ip6_pkt(b, PEER, SELF, IP6_NH_DSTOPTS, 64, pl, sizeof(pl));
    iptest_input(h, b, n);
    assert_int_equal(c6(h, "Ip6", "InDiscards"), 1);
    assert_int_equal(c6(h, "Ip6", "InHdrErrors"), 0);
    assert_int_equal(h->ntx, 0);
}

/* Longest prefix, gateways, scoped and local destinations, sources. */
static void routes_and_sources(void **state)
{
    struct iptest *h = *state;
    struct in6_addr net = ip6a("2001:db8:1::"), gw = ip6a("fe80::1"), nh, d, src;
    assert_int_equal(berth_route6_add(h->st, &net, 48, &gw, h->ifp), 0);
    d = ip6a("2001:db8:1::5");
    assert_ptr_equal(ip6_route_lookup(h->st, &d, 0, &nh), h->ifp);
    assert_memory_equal(&nh, &gw, 16);
    assert_true(ip6_select_src(h->st, h->ifp, &d, &src));
    struct in6_addr self = ip6a(SELF);
    assert_memory_equal(&src, &self, 16);
    d = ip6a("2001:db8::77"); /* on-link: the prefix route of SELF/64 */
    assert_ptr_equal(ip6_route_lookup(h->st, &d, 0, &nh), h->ifp);
    assert_memory_equal(&nh, &d, 16);
    d = ip6a("2001:db9::1"); /* no default route */
    assert_null(ip6_route_lookup(h->st, &d, 0, &nh));
    d = ip6a("fe80::2"); /* link-local: only with an interface */
    assert_null(ip6_route_lookup(h->st, &d, 0, &nh));
    assert_ptr_equal(ip6_route_lookup(h->st, &d, berth_netif_index(h->ifp), &nh), h->ifp);
    /* Our own address goes through lo, from itself. */
    berth_netif *lo = berth_netif_by_name(h->st, "lo");
    assert_ptr_equal(ip6_route_lookup(h->st, &self, 0, &nh), lo);
    assert_true(ip6_select_src(h->st, lo, &self, &src));
    assert_memory_equal(&src, &self, 16);
    d = ip6a("::1");
    assert_ptr_equal(ip6_route_lookup(h->st, &d, 0, &nh), lo);
    assert_int_equal(berth_route6_del(h->st, &net, 48), 0);
    assert_int_equal(berth_route6_del(h->st, &net, 48), -1);
    assert_int_equal(errno, ESRCH);
    d = ip6a("2001:db8:1::5");
    assert_null(ip6_route_lookup(h->st, &d, 0, &nh));
    /* Removing the address takes its prefix route with it. */
    assert_int_equal(berth_netif_addr6_del(h->ifp, &self, 64), 0);
    d = ip6a("2001:db8::77");
    assert_null(ip6_route_lookup(h->st, &d, 0, &nh));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(echo_answered, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_checksum_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(header_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_options, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_next_header, setup, teardown),
        cmocka_unit_test_setup_teardown(routing_header_segments_left, setup, teardown),
        cmocka_unit_test_setup_teardown(endless_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(routes_and_sources, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
