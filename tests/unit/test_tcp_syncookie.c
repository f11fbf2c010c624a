/* test_tcp_syncookie.c — SYN cookies (net.ipv4.tcp_syncookies = 1: only
 * when the SYN queue overflows). Two simulated hosts on a vlink; thousands
 * of SYNs from spoofed sources are injected into the listener's stack with
 * berth_netif_input. An honest client must still connect and move data in
 * both directions with identical hashes, with timestamps (window scaling
 * and SACK recovered from the echo) and without (neither option);
 * forged ACKs must fail the cookie check; with tcp_syncookies = 0 the flood
 * starves the client, as on Linux. */
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
#include "segtest.h"

static uint64_t rng_s = 0x1234567;
static uint32_t rnd(void)
{
    rng_s ^= rng_s << 13;
    rng_s ^= rng_s >> 7;
    rng_s ^= rng_s << 17;
    return (uint32_t)(rng_s >> 16);
}

/* A SYN (or any segment) from src:sport to 192.0.2.2:dport, into b's
 * interface as if it came off the link. */
static void inject(berth_netif *ifp, struct in_addr src, uint16_t sport, uint16_t dport,
                   uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *opt, unsigned optlen)
{
    uint8_t p[128];
    struct seg_spec sp = {.src = src,
                          .sport = sport,
                          .dport = dport,
                          .seq = seq,
                          .ack = ack,
                          .flags = flags,
                          .wnd = 0xffff,
                          .opt = opt,
                          .optlen = optlen};
    inet_pton(AF_INET, "192.0.2.2", &sp.dst);
    berth_netif_input(ifp, p, seg_build(p, &sp));
}

static berth_netif *flood_if;
static unsigned flood_n;

/* `n` SYNs from random spoofed hosts (192.0.2.3-254: their SYN-ACKs cross
 * the link and are ignored by a) with MSS, SACK, timestamps and window
 * scaling, as Linux clients send them. */
static void flood(berth_netif *ifp, unsigned n, uint16_t dport)
{
    static const uint8_t opt[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
                                    0, 1, 0,    0,    0, 0, 1, 3,  3, 7};
    for (unsigned i = 0; i < n; i++) {
        struct in_addr src;
        src.s_addr = htonl(0xc0000200u | (3 + rnd() % 252));
        inject(ifp, src, (uint16_t)(1024 + rnd() % 60000), dport, rnd(), 0, TH_SYN, opt,
               sizeof(opt));
    }
}

/* tt_transfer's hook: runs on b right after listen(): the flood lands
 * before the honest SYN. */
static void tune_flood(berth_stack *st, int fd)
{
    (void)fd;
    if (flood_if && berth_netif_stack(flood_if) == st)
        flood(flood_if, flood_n, 80);
}

static uint64_t ctr(berth_stack *st, const char *g, const char *n)
{
    uint64_t v = 0;
    assert_int_equal(berth_snmp_get(st, g, n, &v), 0);
    return v;
}

static void link_fast(struct berth_link_params *p)
{
    berth_link_params_init(p);
    p->bandwidth_bps = 100000000;
    p->latency_us = 5000;
    p->queue_limit = 20000;
}

static void flood_then_transfer(bool timestamps)
{
    struct berth_link_params p;
    link_fast(&p);
    struct tt_net n;
    tt_net_init(&n, 9, &p, 1500);
    if (!timestamps)
        assert_int_equal(berth_sysctl_set(n.a, "net.ipv4.tcp_timestamps", "0"), 0);
    flood_if = n.ib;
    flood_n = 5000;
    struct tt_result r = tt_transfer(&n, 2000000, 2000000, 120 * 1000000ull, tune_flood);
    flood_if = NULL;
    print_message("  flood 5000 SYNs (timestamps %s): transfer %s in %.3f s; sent %llu recv %llu "
                  "failed %llu\n",
                  timestamps ? "on" : "off", r.ok ? "ok" : "FAILED", (double)r.t_end / 1e6,
                  (unsigned long long)ctr(n.b, "TcpExt", "SyncookiesSent"),
                  (unsigned long long)ctr(n.b, "TcpExt", "SyncookiesRecv"),
                  (unsigned long long)ctr(n.b, "TcpExt", "SyncookiesFailed"));
    assert_int_equal(r.err, 0);
    assert_true(r.ok);
    /* backlog 16: 17 requests fit, the rest (and the honest SYN) got cookies */
    assert_true(ctr(n.b, "TcpExt", "SyncookiesSent") >= 5000 - 17);
    assert_int_equal(ctr(n.b, "TcpExt", "SyncookiesRecv"), 1);
    assert_int_equal(ctr(n.b, "TcpExt", "SyncookiesFailed"), 0);
    assert_int_equal(ctr(n.b, "Tcp", "PassiveOpens"), 1);
    /* 2 MB each way in well under what a window of 64 KB per RTT allows
     * (1.6 s for 2 MB at 10 ms RTT) when window scaling came back */
    if (timestamps)
        assert_true(r.t_end < 1000000);
    tt_net_free(&n);
}

static void flood_ts(void **state)
{
    (void)state;
    flood_then_transfer(true);
}

static void flood_no_ts(void **state)
{
    (void)state;
    flood_then_transfer(false);
}

/* Read an accepted socket's options through TCP_INFO after a cookie
 * handshake: window scaling and SACK recovered from the TS echo. */
static void cookie_options(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_fast(&p);
    struct tt_net n;
    tt_net_init(&n, 10, &p, 1500);
    assert_int_equal(berth_sysctl_set(n.b, "net.ipv4.tcp_syncookies", "2"), 0);
    int l = tt_listen(n.b, "192.0.2.2", 80, 16);
    assert_true(l >= 0);
    int c = berth_socket(n.a, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin4("192.0.2.2", 80);
    assert_int_equal(berth_connect(n.a, c, SA(to), sizeof(to)), 0);
    berth_sim_run_until(n.sim, berth_sim_now(n.sim) + 100000);
    int s = berth_accept4(n.b, l, NULL, NULL, 0);
    assert_true(s >= 0);
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    assert_int_equal(berth_getsockopt(n.b, s, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
    assert_true(ti.tcpi_options & TCPI_OPT_TIMESTAMPS);
    assert_true(ti.tcpi_options & TCPI_OPT_SACK);
    assert_true(ti.tcpi_options & TCPI_OPT_WSCALE);
    assert_int_equal(ti.tcpi_snd_wscale, 7); /* Linux's client: 6 MB rmem[2] -> 7 */
    assert_int_equal(ti.tcpi_snd_mss, 1448);
    assert_int_equal(ctr(n.b, "TcpExt", "SyncookiesSent"), 1);
    assert_int_equal(ctr(n.b, "TcpExt", "SyncookiesRecv"), 1);
    /* nothing kept while the handshake ran */
    assert_int_equal(ctr(n.b, "TcpExt", "TCPReqQFullDoCookies"), 0);
    char buf[8] = "cookie!";
    assert_int_equal(berth_send(n.a, c, buf, 8, 0), 8);
    berth_sim_run_until(n.sim, berth_sim_now(n.sim) + 100000);
    char got[8];
    assert_int_equal(berth_recv(n.b, s, got, 8, MSG_DONTWAIT), 8);
    assert_memory_equal(buf, got, 8);
    tt_net_free(&n);
}

/* ACKs with made-up numbers while cookies are in use fail the check (and
 * get a RST); ACKs to a listener that never overflowed are not checked. */
static void forged_acks(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_fast(&p);
    struct tt_net n;
    tt_net_init(&n, 11, &p, 1500);
    int l = tt_listen(n.b, "192.0.2.2", 80, 4);
    assert_true(l >= 0);
    struct in_addr src;
    src.s_addr = htonl(0xc0000263u);
    for (unsigned i = 0; i < 100; i++)
        inject(n.ib, src, (uint16_t)(2000 + i), 80, rnd(), rnd(), TH_ACK, NULL, 0);
    assert_int_equal(ctr(n.b, "TcpExt", "SyncookiesFailed"), 0);
    uint64_t rst0 = ctr(n.b, "Tcp", "OutRsts");
    assert_int_equal(rst0, 100);
    flood(n.ib, 100, 80);
    assert_true(ctr(n.b, "TcpExt", "SyncookiesSent") >= 95);
    for (unsigned i = 0; i < 1000; i++)
        inject(n.ib, src, (uint16_t)(3000 + i), 80, rnd(), rnd(), TH_ACK, NULL, 0);
    assert_int_equal(ctr(n.b, "TcpExt", "SyncookiesFailed"), 1000);
    assert_int_equal(ctr(n.b, "TcpExt", "SyncookiesRecv"), 0);
    assert_int_equal(ctr(n.b, "Tcp", "OutRsts"), rst0 + 1000);
    assert_int_equal(berth_accept4(n.b, l, NULL, NULL, SOCK_NONBLOCK), -1);
    assert_int_equal(errno, EAGAIN);
    tt_net_free(&n);
}

/* Without cookies the queue stays full of spoofed requests for their whole
 * SYN-ACK retransmission schedule (63 s) and the client's SYNs are dropped. */
static void no_cookies(void **state)
{
    (void)state;
    struct berth_link_params p;
    link_fast(&p);
    struct tt_net n;
    tt_net_init(&n, 12, &p, 1500);
    assert_int_equal(berth_sysctl_set(n.b, "net.ipv4.tcp_syncookies", "0"), 0);
    int l = tt_listen(n.b, "192.0.2.2", 80, 16);
    assert_true(l >= 0);
    flood(n.ib, 2000, 80);
    int c = berth_socket(n.a, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in to = sin4("192.0.2.2", 80);
    assert_int_equal(berth_connect(n.a, c, SA(to), sizeof(to)), -1);
    berth_sim_run_until(n.sim, berth_sim_now(n.sim) + 10000000);
    assert_int_equal(berth_accept4(n.b, l, NULL, NULL, SOCK_NONBLOCK), -1);
    assert_int_equal(ctr(n.b, "TcpExt", "SyncookiesSent"), 0);
    assert_true(ctr(n.b, "TcpExt", "ListenDrops") >= 2000 - 17);
    tt_net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flood_ts),       cmocka_unit_test(flood_no_ts),
        cmocka_unit_test(cookie_options), cmocka_unit_test(forged_acks),
        cmocka_unit_test(no_cookies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void)
{
    puts("test_tcp_syncookie: TCP or the simulation compiled out, nothing to test");
    return 0;
}
#endif
