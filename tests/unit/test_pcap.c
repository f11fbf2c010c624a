/* test_pcap.c — the capture files are well-formed classic pcap: the test
 * parses the file header and every record header itself and checks them
 * against what was sent, when (virtual time), and in which direction. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "berth/pcap.h"
#include "berth/sim.h"
#include "testutil.h"

#if BERTH_WITH_PCAP

struct rec {
    uint32_t sec, usec, incl, orig;
    const uint8_t *data;
};

struct capture {
    uint8_t *buf;
    size_t len;
    unsigned n;
    struct rec r[64];
};

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

/* Parse and check the whole file: header fields, then records that tile the
 * file exactly, each holding one whole IPv4 packet. */
static void parse(const char *path, struct capture *c)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    c->buf = malloc(1 << 20);
    c->len = fread(c->buf, 1, 1 << 20, f);
    fclose(f);
    assert_true(c->len >= 24);
    assert_int_equal(get32(c->buf), 0xa1b2c3d4); /* native order, microseconds */
    assert_int_equal(get16(c->buf + 4), 2);
    assert_int_equal(get16(c->buf + 6), 4);
    assert_int_equal(get32(c->buf + 8), 0);      /* thiszone */
    assert_int_equal(get32(c->buf + 12), 0);     /* sigfigs */
    assert_int_equal(get32(c->buf + 16), 65535); /* snaplen */
    assert_int_equal(get32(c->buf + 20), 101);   /* LINKTYPE_RAW */
    size_t off = 24;
    c->n = 0;
    while (off < c->len) {
        assert_true(off + 16 <= c->len);
        assert_true(c->n < 64);
        struct rec *r = &c->r[c->n++];
        r->sec = get32(c->buf + off);
        r->usec = get32(c->buf + off + 4);
        r->incl = get32(c->buf + off + 8);
        r->orig = get32(c->buf + off + 12);
        r->data = c->buf + off + 16;
        assert_true(r->usec < 1000000);
        assert_true(r->incl <= 65535);
        assert_int_equal(r->incl, r->orig); /* nothing is cut at this snaplen */
        assert_true(off + 16 + r->incl <= c->len);
        assert_true(r->incl >= 20);
        assert_int_equal(r->data[0], 0x45);
        assert_int_equal((r->data[2] << 8) | r->data[3], r->incl); /* IP total length */
        off += 16 + r->incl;
    }
    assert_int_equal(off, c->len);
}

static uint64_t ts(const struct rec *r) { return (uint64_t)r->sec * 1000000 + r->usec; }

static void tmpname(char *buf)
{
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
}

#if BERTH_WITH_SIM
static berth_netif *plug(berth_vlink *l, berth_stack *st, const char *prefix)
{
    struct in_addr a;
    unsigned plen;
    berth_netif *ifp = berth_vlink_attach(l, st, "eth0", 1500);
    assert_non_null(ifp);
    berth_parse_prefix(prefix, &a, &plen);
    assert_int_equal(berth_netif_addr_add(ifp, a, plen), 0);
    return ifp;
}

static void both_ends_of_a_link(void **state)
{
    (void)state;
    char pa[] = "/tmp/berth_pcap_a_XXXXXX", pb[] = "/tmp/berth_pcap_b_XXXXXX";
    tmpname(pa);
    tmpname(pb);
    berth_sim *sim = berth_sim_new(1);
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 2500;
    berth_vlink *l = berth_vlink_new(sim, &p);
    berth_stack *a = berth_sim_add_host(sim, "a", NULL), *b = berth_sim_add_host(sim, "b", NULL);
    berth_netif *ia = plug(l, a, "192.0.2.1/24"), *ib = plug(l, b, "192.0.2.2/24");
    assert_int_equal(berth_pcap_open(ia, pa), 0);
    assert_int_equal(berth_pcap_open(ib, pb), 0);
    int fa = berth_socket(a, AF_INET, SOCK_DGRAM, 0);
    int fb = berth_socket(b, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sb = sin4("192.0.2.2", 5000);
    assert_int_equal(berth_bind(b, fb, SA(sb), sizeof(sb)), 0);
    berth_sim_run_until(sim, 3999999); /* timestamps cross a second boundary */
    static const size_t sizes[3] = {0, 100, 1472};
    static uint8_t payload[1472];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(berth_sendto(a, fa, payload, sizes[i], 0, SA(sb), sizeof(sb)),
                         (ssize_t)sizes[i]);
        berth_sim_run_until(sim, berth_sim_now(sim) + 1);
    }
    berth_sim_run_idle(sim, BERTH_FOREVER);
    berth_pcap_close(ia);
    berth_pcap_close(ib);

    struct capture ca, cb;
    parse(pa, &ca);
    parse(pb, &cb);
    assert_int_equal(ca.n, 3);
    assert_int_equal(cb.n, 3);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(ca.r[i].orig, 28 + sizes[i]);
        assert_int_equal(ts(&ca.r[i]), 3999999 + i);        /* sent */
        assert_int_equal(ts(&cb.r[i]), 3999999 + i + 2500); /* received */
        assert_memory_equal(ca.r[i].data, cb.r[i].data, ca.r[i].incl);
    }
    assert_int_equal(ca.r[1].sec, 4);
    assert_int_equal(ca.r[1].usec, 0);
    /* Closed: later traffic is not recorded (and the file stays valid). */
    berth_sendto(a, fa, payload, 10, 0, SA(sb), sizeof(sb));
    berth_sim_run_idle(sim, BERTH_FOREVER);
    struct capture again;
    parse(pa, &again);
    assert_int_equal(again.n, 3);
    free(again.buf);
    free(ca.buf);
    free(cb.buf);
    berth_sim_free(sim);
    unlink(pa);
    unlink(pb);
}

#endif

static void loopback_records_each_packet_once(void **state)
{
    (void)state;
    char path[] = "/tmp/berth_pcap_lo_XXXXXX";
    tmpname(path);
    struct berth_platform plat;
    berth_stack *st = test_stack_inline(&plat, 3);
    berth_netif *lo = berth_netif_by_name(st, "lo");
    assert_non_null(lo);
    assert_int_equal(berth_pcap_open(lo, path), 0);
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in s = sin4("127.0.0.1", 6000);
    assert_int_equal(berth_bind(st, fd, SA(s), sizeof(s)), 0);
    berth_sendto(st, fd, "ping", 4, 0, SA(s), sizeof(s));
    berth_platform_inline_advance(&plat, 250);
    berth_sendto(st, fd, "pong!", 5, 0, SA(s), sizeof(s));
    char buf[8];
    assert_int_equal(berth_recv(st, fd, buf, sizeof(buf), 0), 4);
    assert_int_equal(berth_recv(st, fd, buf, sizeof(buf), 0), 5);
    /* No berth_pcap_close: freeing the stack removes lo, which closes it. */
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    struct capture c;
    parse(path, &c);
    assert_int_equal(c.n, 2);
    assert_int_equal(ts(&c.r[0]), 1000000); /* the inline clock starts at 1 s */
    assert_int_equal(ts(&c.r[1]), 1000250);
    assert_int_equal(c.r[0].orig, 32);
    assert_memory_equal(c.r[1].data + 28, "pong!", 5);
    free(c.buf);
    unlink(path);
}

static void open_errors_and_reopen(void **state)
{
    (void)state;
    struct berth_platform plat;
    berth_stack *st = test_stack_inline(&plat, 3);
    berth_netif *lo = berth_netif_by_name(st, "lo");
    errno = 0;
    assert_int_equal(berth_pcap_open(lo, "/nonexistent-dir/x.pcap"), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(berth_pcap_open(lo, "/tmp"), -1);
    assert_int_equal(errno, EISDIR);
    berth_pcap_close(lo); /* nothing open: harmless */

    /* A second open replaces the first, which is closed complete. */
    char p1[] = "/tmp/berth_pcap_1_XXXXXX", p2[] = "/tmp/berth_pcap_2_XXXXXX";
    tmpname(p1);
    tmpname(p2);
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in s = sin4("127.0.0.1", 6000);
    berth_bind(st, fd, SA(s), sizeof(s));
    assert_int_equal(berth_pcap_open(lo, p1), 0);
    berth_sendto(st, fd, "a", 1, 0, SA(s), sizeof(s));
    assert_int_equal(berth_pcap_open(lo, p2), 0);
    berth_sendto(st, fd, "b", 1, 0, SA(s), sizeof(s));
    berth_sendto(st, fd, "c", 1, 0, SA(s), sizeof(s));
    berth_pcap_close(lo);
    struct capture c1, c2;
    parse(p1, &c1);
    parse(p2, &c2);
    assert_int_equal(c1.n, 1);
    assert_int_equal(c2.n, 2);
    free(c1.buf);
    free(c2.buf);
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    unlink(p1);
    unlink(p2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#if BERTH_WITH_SIM
        cmocka_unit_test(both_ends_of_a_link),
#endif
        cmocka_unit_test(loopback_records_each_packet_once),
        cmocka_unit_test(open_errors_and_reopen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    puts("test_pcap: pcap compiled out, nothing to test");
    return 0;
}
#endif
