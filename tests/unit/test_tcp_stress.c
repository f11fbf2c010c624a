/* test_tcp_stress.c — robustness and memory.
 *
 *  - Garbage against live connections: while a 4 MB-each-way transfer runs
 *    between two simulated hosts, each host receives every virtual
 *    millisecond a burst of hand-made segments on the transfer's own
 *    4-tuple (random flags including SYN+FIN and RST, random ACK numbers,
 *    random option bytes, bad data offsets, bad checksums, sequence numbers
 *    outside the receive window or inside it only when the segment is
 *    malformed), at the listener (random sources, random flags) and at
 *    random ports, plus pure random bytes. Nothing may crash (run it under
 *    ASan and valgrind) and the transfer's hashes must still match.
 *  - 100k connections opened and closed on loopback through a counting
 *    allocator: every block allocated is freed again.
 *  - net.ipv4.tcp_max_tw_buckets bounds the TIME_WAIT table; beyond it a
 *    closing connection simply ends (TcpExt TCPTimeWaitOverflow), as Linux. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>

#include "tcptest.h"

#if BERTH_WITH_SIM && BERTH_WITH_TCP
#include "berth/sysctl.h"
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "tcp/tcp.h"

static uint64_t rng_s = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
    rng_s ^= rng_s << 13;
    rng_s ^= rng_s >> 7;
    rng_s ^= rng_s << 17;
    return (uint32_t)(rng_s >> 16);
}

/* One IPv4 packet carrying `tcp` (tl bytes) from src to dst into ifp;
 * the TCP checksum is filled in unless bad_csum. */
static void inject(berth_netif *ifp, struct in_addr src, struct in_addr dst, uint8_t *tcp,
                   unsigned tl, bool bad_csum)
{
    uint8_t p[1600];
    memset(p, 0, 20);
    p[0] = 0x45;
    p[2] = (uint8_t)((20 + tl) >> 8);
    p[3] = (uint8_t)(20 + tl);
    p[8] = 64;
    p[9] = IPPROTO_TCP;
    memcpy(p + 12, &src, 4);
    memcpy(p + 16, &dst, 4);
    uint16_t ck = inet_csum_fold(inet_csum_add(0, p, 20));
    memcpy(p + 10, &ck, 2);
    if (tl >= 18) {
        tcp[16] = tcp[17] = 0;
        uint32_t sum = inet_pseudo4(src, dst, IPPROTO_TCP, (uint16_t)tl);
        ck = inet_csum_fold(inet_csum_add(sum, tcp, tl));
        if (bad_csum)
            ck ^= (uint16_t)(1 + rnd() % 0xfffe);
        memcpy(tcp + 16, &ck, 2);
    }
    memcpy(p + 20, tcp, tl);
    berth_netif_input(ifp, p, 20 + tl);
}

static void put32(uint8_t *p, uint32_t v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
}

/* Random, often malformed, TCP options. */
static unsigned rand_opts(uint8_t *o)
{
    unsigned n = (rnd() % 11) * 4;
    for (unsigned i = 0; i < n; i++)
        o[i] = (uint8_t)rnd();
    /* sometimes well-formed kinds with bad lengths or values */
    if (n >= 4 && (rnd() & 1)) {
        static const uint8_t kinds[] = {2, 3, 4, 5, 8, 0, 1, 30, 34};
        o[0] = kinds[rnd() % sizeof(kinds)];
        o[1] = (uint8_t)(rnd() % 3 == 0 ? rnd() : (rnd() % 12));
    }
    return n;
}

struct conn_view {
    struct in_addr local, remote;
    uint16_t lport, rport; /* host order */
};

static struct tcp_sock *find(berth_stack *st, const struct conn_view *v)
{
    union inet_addr la = inet_addr_from4(v->local), ra = inet_addr_from4(v->remote);
    struct tcp_eh *e = tcp_eh_lookup(st, &la, htons(v->lport), &ra, htons(v->rport));
    if (!e || e->kind != TCP_EH_SOCK)
        return NULL;
    return (struct tcp_sock *)((char *)e - offsetof(struct tcp_sock, eh));
}

static unsigned long sent_kinds[8];

/* A garbage segment for the connection `v` seen by `st`, arriving on ifp. */
static void garbage_conn(berth_stack *st, berth_netif *ifp, const struct conn_view *v)
{
    struct tcp_sock *tp = find(st, v);
    uint32_t rcv_nxt = tp ? tp->c->rcv_nxt : rnd();
    uint8_t t[1500];
    unsigned optlen = rand_opts(t + 20);
    unsigned len = rnd() % 4 == 0 ? rnd() % 1200 : rnd() % 64;
    for (unsigned i = 0; i < len; i++)
        t[20 + optlen + i] = (uint8_t)rnd();
    t[0] = (uint8_t)(v->rport >> 8), t[1] = (uint8_t)v->rport;
    t[2] = (uint8_t)(v->lport >> 8), t[3] = (uint8_t)v->lport;
    /* far outside any window: the middle of the other half of the space */
    uint32_t seq = rcv_nxt + 0x80000000u + (rnd() % 0x40000000u) - 0x20000000u;
    unsigned kind = rnd() % 6;
    bool bad_csum = false;
    unsigned doff = (20 + optlen) / 4;
    switch (kind) {
    case 0: /* in the window, bad checksum */
        seq = rcv_nxt + rnd() % 65536;
        bad_csum = true;
        break;
    case 1: /* in the window, data offset beyond the segment */
        seq = rcv_nxt + rnd() % 65536;
        doff = (20 + optlen + len) / 4 + 1 + rnd() % 3;
        if (doff > 15) {
            doff = 15;
            len = 0;
            optlen = optlen > 36 ? 36 : optlen;
            doff = (20 + optlen) / 4 + 1;
        }
        break;
    case 2: /* in the window, data offset below 5 */
        seq = rcv_nxt + rnd() % 65536;
        doff = rnd() % 5;
        break;
    default: /* out of the window, anything goes */
        break;
    }
    sent_kinds[kind]++;
    put32(t + 4, seq);
    put32(t + 8, rnd() % 2 ? rnd() : (tp ? tp->c->snd_una + rnd() % 100000 - 50000 : rnd()));
    t[12] = (uint8_t)(doff << 4);
    uint8_t flags = (uint8_t)rnd();
    if (rnd() % 4 == 0)
        flags = TH_SYN | TH_FIN | (uint8_t)(rnd() & TH_ACK);
    t[13] = flags;
    t[14] = (uint8_t)rnd(), t[15] = (uint8_t)rnd();
    t[18] = (uint8_t)rnd(), t[19] = (uint8_t)rnd();
    inject(ifp, v->remote, v->local, t, 20 + optlen + len, bad_csum);
}

/* Garbage at a port (the listener, or random ports) from random sources. */
static void garbage_port(berth_netif *ifp, struct in_addr local, uint16_t port)
{
    uint8_t t[400];
    unsigned optlen = rand_opts(t + 20);
    unsigned len = rnd() % 100;
    for (unsigned i = 0; i < len; i++)
        t[20 + optlen + i] = (uint8_t)rnd();
    uint16_t sport = (uint16_t)rnd();
    t[0] = (uint8_t)(sport >> 8), t[1] = (uint8_t)sport;
    t[2] = (uint8_t)(port >> 8), t[3] = (uint8_t)port;
    put32(t + 4, rnd());
    put32(t + 8, rnd());
    t[12] = (uint8_t)(rnd() % 8 ? ((20 + optlen) / 4) << 4 : rnd());
    t[13] = (uint8_t)(rnd() % 2 ? TH_SYN | (rnd() % 3 == 0 ? TH_FIN : 0) : rnd());
    t[14] = (uint8_t)rnd(), t[15] = (uint8_t)rnd();
    t[18] = (uint8_t)rnd(), t[19] = (uint8_t)rnd();
    struct in_addr src;
    src.s_addr = htonl(0xc0000200u | (3 + rnd() % 252));
    inject(ifp, src, local, t, 20 + optlen + len, rnd() % 16 == 0);
}

/* Pure random bytes as a TCP segment (correct checksum half the time). */
static void garbage_bytes(berth_netif *ifp, struct in_addr local)
{
    uint8_t t[200];
    unsigned tl = rnd() % sizeof(t);
    for (unsigned i = 0; i < tl; i++)
        t[i] = (uint8_t)rnd();
    struct in_addr src;
    src.s_addr = htonl(0xc0000200u | (1 + rnd() % 254));
    inject(ifp, src, local, t, tl, rnd() % 2);
}

static uint16_t sockport(berth_stack *st, int fd, bool peer)
{
    struct sockaddr_in a;
    socklen_t l = sizeof(a);
    if (peer)
        berth_getpeername(st, fd, SA(a), &l);
    else
        berth_getsockname(st, fd, SA(a), &l);
    return ntohs(a.sin_port);
}

static void garbage_during_transfer(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.bandwidth_bps = 100000000;
    p.latency_us = 5000;
    p.queue_limit = 1000;
    p.loss = 0.005;
    struct tt_net n;
    tt_net_init(&n, 21, &p, 1500);
    const uint64_t bytes = 4000000;
    struct tt_xfer *x = calloc(1, sizeof(*x));
    x->sim = n.sim;
    tt_end_init(&x->ea, n.a, bytes, 11, 22);
    tt_end_init(&x->eb, n.b, bytes, 22, 11);
    x->eb.lfd = tt_listen(n.b, "192.0.2.2", 80, 16);
    int fd = berth_socket(n.a, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in to = sin4("192.0.2.2", 80);
    berth_connect(n.a, fd, SA(to), sizeof(to));
    x->ea.fd = fd;
    berth_sim_set_app(n.sim, n.a, tt_app_a, x);
    berth_sim_set_app(n.sim, n.b, tt_app_b, x);
    struct conn_view va, vb;
    inet_pton(AF_INET, "192.0.2.1", &va.local);
    inet_pton(AF_INET, "192.0.2.2", &va.remote);
    vb.local = va.remote;
    vb.remote = va.local;
    va.lport = sockport(n.a, fd, false);
    va.rport = 80;
    vb.lport = 80;
    vb.rport = va.lport;
    uint64_t start = berth_sim_now(n.sim);
    unsigned long injected = 0;
    while (!(x->ea.eof && x->eb.eof) && berth_sim_now(n.sim) - start < 120000000ull && !x->ea.err &&
           !x->eb.err) {
        berth_sim_run_until(n.sim, berth_sim_now(n.sim) + 1000);
        tt_pump(x, &x->ea);
        tt_pump(x, &x->eb);
        /* Segments on the 4-tuple before both ends are synchronized can
         * legitimately take over the handshake (a spoofed SYN first, a
         * simultaneous open): aim at the 4-tuple only once established. */
        struct tcp_sock *ta = find(n.a, &va), *tb = find(n.b, &vb);
        bool est = ta && tb && tcp_state(ta) != TCPS_SYN_SENT && tcp_state(ta) != TCPS_SYN_RECV &&
                   tcp_state(tb) != TCPS_SYN_RECV;
        for (int i = 0; est && i < 8; i++) {
            garbage_conn(n.a, n.ia, &va);
            garbage_conn(n.b, n.ib, &vb);
        }
        garbage_port(n.ib, vb.local, 80);
        garbage_port(n.ia, va.local, (uint16_t)rnd());
        garbage_bytes(n.ib, vb.local);
        garbage_bytes(n.ia, va.local);
        injected += est ? 20 : 4;
    }
    uint64_t t = berth_sim_now(n.sim) - start;
    uint64_t bad = 0, csum = 0;
    berth_snmp_get(n.b, "Tcp", "InErrs", &bad);
    berth_snmp_get(n.b, "Tcp", "InCsumErrors", &csum);
    print_message("  %lu garbage segments during a 4 MB-each-way transfer: %s in %.3f s "
                  "(b: InErrs %llu, InCsumErrors %llu)\n",
                  injected, x->ea.eof && x->eb.eof ? "done" : "NOT DONE", (double)t / 1e6,
                  (unsigned long long)bad, (unsigned long long)csum);
    assert_int_equal(x->ea.err, 0);
    assert_int_equal(x->eb.err, 0);
    assert_true(x->ea.eof && x->eb.eof);
    assert_false(x->ea.bad || x->eb.bad);
    assert_int_equal(x->ea.rcvd, bytes);
    assert_int_equal(x->eb.rcvd, bytes);
    assert_true(x->ea.hr == x->eb.hs && x->eb.hr == x->ea.hs);
    assert_true(injected > 10000);
    berth_sim_set_app(n.sim, n.a, NULL, NULL);
    berth_sim_set_app(n.sim, n.b, NULL, NULL);
    berth_close(n.a, x->ea.fd);
    berth_close(n.b, x->eb.fd);
    berth_close(n.b, x->eb.lfd);
    free(x);
    /* everything ends: requests, orphans, TIME_WAIT */
    berth_sim_run_until(n.sim, berth_sim_now(n.sim) + 200000000ull);
    assert_int_equal(n.a->tcp->ehash_count, 0);
    assert_int_equal(n.b->tcp->ehash_count, 0);
    tt_net_free(&n);
}

/* ---- memory ---- */

static struct berth_platform plat;
static void *(*real_alloc)(void *, size_t);
static void (*real_free)(void *, void *);
static long live_blocks;
static void *count_alloc(void *ctx, size_t n)
{
    void *p = real_alloc(ctx, n);
    if (p)
        live_blocks++;
    return p;
}
static void count_free(void *ctx, void *p)
{
    if (p)
        live_blocks--;
    real_free(ctx, p);
}

static berth_stack *counted_stack(void)
{
    berth_platform_inline(&plat, 1000000, 5);
    real_alloc = plat.alloc;
    real_free = plat.free;
    plat.alloc = count_alloc;
    plat.free = count_free;
    live_blocks = 0;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.name = "count";
    return berth_stack_new(&cfg);
}

static void advance(berth_stack *st, uint64_t us)
{
    berth_platform_inline_advance(&plat, us);
    berth_stack_poll(st);
}

static void hundred_k_connections(void **state)
{
    (void)state;
    berth_stack *st = counted_stack();
    assert_non_null(st);
    long base = -1;
    int l = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    int one = 1;
    berth_setsockopt(st, l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = sin4("127.0.0.1", 7100);
    assert_int_equal(berth_bind(st, l, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_listen(st, l, 128), 0);
    unsigned max_tw = 0;
    for (int i = 0; i < 100000; i++) {
        int c = berth_socket(st, AF_INET, SOCK_STREAM, 0);
        assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), 0);
        int s = berth_accept4(st, l, NULL, NULL, 0);
        assert_true(s >= 0);
        assert_int_equal(berth_send(st, c, "ping", 4, 0), 4);
        char b[4];
        assert_int_equal(berth_recv(st, s, b, 4, 0), 4);
        /* both sides close first in turn; every 7th aborts with RST */
        if (i % 7 == 0) {
            struct linger lg = {1, 0};
            berth_setsockopt(st, c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        }
        if (i & 1) {
            berth_close(st, c);
            berth_close(st, s);
        } else {
            berth_close(st, s);
            berth_close(st, c);
        }
        if (st->tcp->tw_count > max_tw)
            max_tw = st->tcp->tw_count;
        if (i % 2000 == 1999) {
            advance(st, 61 * 1000000ull);
            /* The first 4000 size the caches that stay (the established
             * table; bind-table leaves come and go with their ports): from
             * then on nothing may grow. */
            if (i < 4000)
                base = live_blocks;
            assert_int_equal(live_blocks, base);
        }
    }
    berth_close(st, l);
    advance(st, 61 * 1000000ull);
    base -= 4; /* the listener: socket, queues, and the bind-table leaf and page of its port
                * (the sole owner of its port: no bucket; the leaf goes with its block's last
                * port, the page with its last leaf) */
    print_message("  100k connections: %ld blocks live after (baseline %ld), TIME_WAIT peak %u, "
                  "PassiveOpens %llu ActiveOpens %llu CurrEstab %llu\n",
                  live_blocks, base, max_tw, (unsigned long long)st->snmp.Tcp_PassiveOpens,
                  (unsigned long long)st->snmp.Tcp_ActiveOpens,
                  (unsigned long long)st->snmp.Tcp_CurrEstab);
    assert_int_equal(st->snmp.Tcp_ActiveOpens, 100000);
    assert_int_equal(st->snmp.Tcp_PassiveOpens, 100000);
    assert_int_equal(st->snmp.Tcp_CurrEstab, 0);
    assert_int_equal(st->tcp->ehash_count, 0);
    assert_int_equal(st->tcp->tw_count, 0);
    assert_int_equal(live_blocks, base);
    berth_stack_free(st);
    assert_int_equal(live_blocks, 0);
    berth_platform_inline_release(&plat);
}

static void time_wait_bounded(void **state)
{
    (void)state;
    berth_stack *st = counted_stack();
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_max_tw_buckets", "100"), 0);
    char v[32];
    assert_true(berth_sysctl_get(st, "net.ipv4.tcp_max_tw_buckets", v, sizeof(v)) > 0);
    assert_string_equal(v, "100");
    int l = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin4("127.0.0.1", 7101);
    assert_int_equal(berth_bind(st, l, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_listen(st, l, 128), 0);
    for (int i = 0; i < 1000; i++) {
        int c = berth_socket(st, AF_INET, SOCK_STREAM, 0);
        assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), 0);
        int s = berth_accept4(st, l, NULL, NULL, 0);
        assert_true(s >= 0);
        berth_close(st, c); /* c ends in TIME_WAIT */
        berth_close(st, s);
        assert_true(st->tcp->tw_count <= 100);
    }
    assert_int_equal(st->tcp->tw_count, 100);
    assert_int_equal(st->snmp.TcpExt_TCPTimeWaitOverflow, 900);
    /* 0: no TIME_WAIT at all */
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_max_tw_buckets", "0"), 0);
    advance(st, 61 * 1000000ull);
    assert_int_equal(st->tcp->tw_count, 0);
    assert_int_equal(st->snmp.TcpExt_TW, 100);
    berth_close(st, l);
    berth_stack_free(st);
    assert_int_equal(live_blocks, 0);
    berth_platform_inline_release(&plat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(garbage_during_transfer),
        cmocka_unit_test(hundred_k_connections),
        cmocka_unit_test(time_wait_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void)
{
    puts("test_tcp_stress: TCP or the simulation compiled out, nothing to test");
    return 0;
}
#endif
