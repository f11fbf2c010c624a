/* test_tcp_ipv6.c — TCP over native IPv6 (issue 11; docs/tcp.md "TCP over
 * IPv6"). On one stack's loopback (::1): a connection through the whole
 * state machine down to TIME_WAIT and its expiry, the MSS (MTU - 60), a
 * dual-stack [::] listener taking IPv4 (v4-mapped) and IPv6 clients,
 * IPV6_V6ONLY refusing IPv4 with a RST, a RST from a closed port, connect
 * errors, SYN cookies, a TIME_WAIT entry taken over by connect(), 3000
 * connections leaving nothing behind. On a raw IPv6 interface
 * (2001:db8::1/64, segments made and read by the test): the SYN-ACK's MSS, hop limit and checksum,
 * the RST rules (the traffic class reflected, no answer to multicast or to a RST), a bad checksum
 * dropped, ICMPv6 errors ending a connection attempt (port unreachable: ECONNREFUSED,
 * administratively prohibited: EACCES), Packet Too Big lowering the MSS and resending what was in
 * flight, and link-local peers (the scope id in accept's address and the names, the SYN leaving the
 * scope's interface; a connection to our own link-local address), the traffic class and hop limit
 * of a client's and a listener's segments, automatic flow labels. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <netinet/tcp.h>
#include <cmocka.h>

#include "berth/netif.h"
#include "berth/sysctl.h"
#include "testutil.h"

#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73 /* <linux/in6.h> */
#endif

#if BERTH_WITH_TCP && BERTH_WITH_IPV6
#include "core/stack_impl.h"
#include "tcp/tcp.h"

static struct berth_platform plat;
static berth_stack *st;

static struct sockaddr_in6 sin6(const char *ip, uint16_t port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    assert_int_equal(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
    return a;
}

static void advance(uint64_t us)
{
    berth_platform_inline_advance(&plat, us);
    berth_stack_poll(st);
}

static int lo_setup(void **state)
{
    (void)state;
    st = test_stack_inline(&plat, 61);
    return st ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    return 0;
}

static int listener6(const char *ip, uint16_t port, int v6only)
{
    int fd = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    if (v6only >= 0)
        assert_int_equal(
            berth_setsockopt(st, fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)), 0);
    struct sockaddr_in6 a = sin6(ip, port);
    assert_int_equal(berth_bind(st, fd, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_listen(st, fd, 8), 0);
    return fd;
}

static struct tcp_info info(int fd)
{
    struct tcp_info ti;
    socklen_t l = sizeof(ti);
    assert_int_equal(berth_getsockopt(st, fd, IPPROTO_TCP, TCP_INFO, &ti, &l), 0);
    return ti;
}

/* ---- loopback ---- */

static void loopback_state_machine(void **state)
{
    (void)state;
    int l = listener6("::1", 7000, -1);
    int c = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 to = sin6("::1", 7000);
    assert_int_equal(berth_connect(st, c, SA(to), sizeof(to)), 0);
    struct sockaddr_in6 peer;
    socklen_t pl = sizeof(peer);
    int s = berth_accept4(st, l, SA(peer), &pl, 0);
    assert_true(s >= 0);
    assert_int_equal(pl, sizeof(peer));
    assert_int_equal(peer.sin6_family, AF_INET6);
    assert_true(IN6_IS_ADDR_LOOPBACK(&peer.sin6_addr));
    struct sockaddr_in6 me;
    socklen_t ml = sizeof(me);
    assert_int_equal(berth_getsockname(st, c, SA(me), &ml), 0);
    assert_true(IN6_IS_ADDR_LOOPBACK(&me.sin6_addr));
    assert_int_equal(me.sin6_port, peer.sin6_port);
    assert_int_equal(info(c).tcpi_state, TCP_ESTABLISHED);
    assert_int_equal(info(s).tcpi_state, TCP_ESTABLISHED);
    /* The MSS: lo's MTU less 40 (IPv6) + 20 (TCP) + 12 (timestamps),
     * 20 below the IPv4 figure (65483). */
    struct tcp_info ti = info(c);
    assert_int_equal(ti.tcpi_snd_mss, 65535 - 60 - 12);
    assert_int_equal(ti.tcpi_advmss, 65535 - 60);
    assert_int_equal(ti.tcpi_pmtu, 65535);
    uint64_t csum_before = snmp(st, "Tcp", "InCsumErrors");
    static char big[200000], rbuf[200000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7);
    ssize_t n = berth_send(st, c, big, sizeof(big), MSG_DONTWAIT);
    assert_true(n > 0);
    size_t got = 0;
    while (got < (size_t)n) {
        ssize_t r = berth_recv(st, s, rbuf + got, sizeof(rbuf) - got, 0);
        assert_true(r > 0);
        got += (size_t)r;
    }
    assert_memory_equal(big, rbuf, got);
    assert_int_equal(snmp(st, "Tcp", "InCsumErrors"), csum_before);
    /* the client closes first: FIN_WAIT_2, then TIME_WAIT on its side */
    assert_int_equal(berth_close(st, c), 0);
    char b;
    assert_int_equal(berth_recv(st, s, &b, 1, 0), 0);
    assert_int_equal(info(s).tcpi_state, TCP_CLOSE_WAIT);
    assert_int_equal(berth_send(st, s, "z", 1, 0), 1); /* ... which the closed end resets */
    assert_int_equal(berth_close(st, s), 0);
    assert_int_equal(berth_close(st, l), 0);
    assert_int_equal(tcp_of(st)->tw_count, 0); /* the RST killed it (no RFC 1337) */

    /* again, with no data after the FIN: a TIME_WAIT entry for 60 s */
    l = listener6("::1", 7001, -1);
    c = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    to = sin6("::1", 7001);
    assert_int_equal(berth_connect(st, c, SA(to), sizeof(to)), 0);
    s = berth_accept4(st, l, NULL, NULL, 0);
    assert_int_equal(berth_close(st, c), 0);
    assert_int_equal(berth_recv(st, s, &b, 1, 0), 0);
    assert_int_equal(berth_close(st, s), 0);
    advance(1000);
    assert_int_equal(tcp_of(st)->tw_count, 1);
    advance(61 * 1000000ull);
    assert_int_equal(tcp_of(st)->tw_count, 0);
    assert_int_equal(berth_close(st, l), 0);
    assert_int_equal(tcp_of(st)->ehash_count, 0);
}

static void loopback_dualstack(void **state)
{
    (void)state;
    int l = listener6("::", 7010, 0);
    int c4 = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a4 = sin4("127.0.0.1", 7010);
    assert_int_equal(berth_connect(st, c4, SA(a4), sizeof(a4)), 0);
    int c6 = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = sin6("::1", 7010);
    assert_int_equal(berth_connect(st, c6, SA(a6), sizeof(a6)), 0);
    struct sockaddr_in6 p;
    socklen_t pl = sizeof(p);
    int s4 = berth_accept4(st, l, SA(p), &pl, 0);
    assert_true(s4 >= 0);
    assert_true(IN6_IS_ADDR_V4MAPPED(&p.sin6_addr));
    pl = sizeof(p);
    int s6 = berth_accept4(st, l, SA(p), &pl, 0);
    assert_true(s6 >= 0);
    assert_true(IN6_IS_ADDR_LOOPBACK(&p.sin6_addr));
    /* each carries its family's MSS */
    assert_int_equal(info(s4).tcpi_snd_mss, 65535 - 40 - 12);
    assert_int_equal(info(s6).tcpi_snd_mss, 65535 - 60 - 12);
    char buf[8];
    assert_int_equal(berth_send(st, s4, "v4", 2, 0), 2);
    assert_int_equal(berth_send(st, s6, "v6", 2, 0), 2);
    assert_int_equal(berth_recv(st, c4, buf, sizeof(buf), 0), 2);
    assert_memory_equal(buf, "v4", 2);
    assert_int_equal(berth_recv(st, c6, buf, sizeof(buf), 0), 2);
    assert_memory_equal(buf, "v6", 2);
    berth_close(st, c4);
    berth_close(st, c6);
    berth_close(st, s4);
    berth_close(st, s6);
    berth_close(st, l);

    /* V6ONLY: the IPv4 SYN finds no listener and gets a RST */
    l = listener6("::", 7011, 1);
    uint64_t rsts = snmp(st, "Tcp", "OutRsts");
    c4 = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    a4 = sin4("127.0.0.1", 7011);
    assert_int_equal(berth_connect(st, c4, SA(a4), sizeof(a4)), -1);
    assert_int_equal(errno, ECONNREFUSED);
    assert_int_equal(snmp(st, "Tcp", "OutRsts"), rsts + 1);
    c6 = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    a6 = sin6("::1", 7011);
    assert_int_equal(berth_connect(st, c6, SA(a6), sizeof(a6)), 0);
    berth_close(st, c4);
    berth_close(st, c6);
    berth_close(st, l);
    advance(61 * 1000000ull);
    assert_int_equal(tcp_of(st)->ehash_count, 0);
}

static void loopback_errors(void **state)
{
    (void)state;
    int c = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = sin6("::1", 7099);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, ECONNREFUSED);
    a = sin6("2001:db8::5", 80); /* lo only: no route, counted as the kernel does */
    uint64_t nr6 = snmp(st, "Ip6", "OutNoRoutes"), nr4 = snmp(st, "Ip", "OutNoRoutes");
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, ENETUNREACH);
    assert_int_equal(snmp(st, "Ip6", "OutNoRoutes"), nr6 + 1);
    int c4 = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a4 = sin4("192.0.2.1", 80);
    assert_int_equal(berth_connect(st, c4, SA(a4), sizeof(a4)), -1);
    assert_int_equal(errno, ENETUNREACH);
    assert_int_equal(snmp(st, "Ip", "OutNoRoutes"), nr4 + 1);
    berth_close(st, c4);
    a = sin6("fe80::1", 80); /* link-local without a scope id */
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EINVAL);
    a = sin6("ff02::1", 80);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, ENETUNREACH);
    /* a failed attempt leaves the socket free to try again: [::] is ::1 */
    int l = listener6("::1", 7012, -1);
    a = sin6("::", 7012);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), 0);
    struct sockaddr_in6 p;
    socklen_t pl = sizeof(p);
    assert_int_equal(berth_getpeername(st, c, SA(p), &pl), 0);
    assert_true(IN6_IS_ADDR_LOOPBACK(&p.sin6_addr));
    berth_close(st, c);
    berth_close(st, l);
}

/* SYN cookies over IPv6 (tcp_syncookies = 2: every SYN gets one): the
 * cookie's SYN-ACK leaves through IPv6, the final ACK makes the child
 * from the cookie alone, with the options the timestamp carried. */
static void loopback_syncookies(void **state)
{
    (void)state;
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_syncookies", "2"), 0);
    int l = listener6("::", 7020, -1);
    uint64_t sent = snmp(st, "TcpExt", "SyncookiesSent");
    uint64_t recv = snmp(st, "TcpExt", "SyncookiesRecv");
    int c = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = sin6("::1", 7020);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), 0);
    struct sockaddr_in6 p;
    socklen_t pl = sizeof(p);
    int s = berth_accept4(st, l, SA(p), &pl, 0);
    assert_true(s >= 0);
    assert_true(IN6_IS_ADDR_LOOPBACK(&p.sin6_addr));
    assert_int_equal(snmp(st, "TcpExt", "SyncookiesSent"), sent + 1);
    assert_int_equal(snmp(st, "TcpExt", "SyncookiesRecv"), recv + 1);
    struct tcp_info ti = info(s);
    assert_true(ti.tcpi_options & TCPI_OPT_TIMESTAMPS);
    assert_true(ti.tcpi_options & TCPI_OPT_SACK);
    assert_true(ti.tcpi_options & TCPI_OPT_WSCALE);
    char buf[8];
    assert_int_equal(berth_send(st, c, "cookie", 6, 0), 6);
    assert_int_equal(berth_recv(st, s, buf, sizeof(buf), 0), 6);
    berth_close(st, c);
    berth_close(st, s);
    berth_close(st, l);
}

/* connect() from an explicit [::1]:port may take over that 4-tuple's
 * TIME_WAIT entry when timestamps protect the new incarnation
 * (tcp_twsk_unique), and the entry's port is the one reused. */
static void loopback_timewait_takeover(void **state)
{
    (void)state;
    int l = listener6("::1", 7031, -1);
    int one = 1;
    struct sockaddr_in6 me = sin6("::1", 7030), to = sin6("::1", 7031);
    int c = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    berth_setsockopt(st, c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    assert_int_equal(berth_bind(st, c, SA(me), sizeof(me)), 0);
    assert_int_equal(berth_connect(st, c, SA(to), sizeof(to)), 0);
    int s = berth_accept4(st, l, NULL, NULL, 0);
    assert_int_equal(berth_close(st, c), 0);
    char b;
    assert_int_equal(berth_recv(st, s, &b, 1, 0), 0);
    assert_int_equal(berth_close(st, s), 0);
    advance(1000);
    assert_int_equal(tcp_of(st)->tw_count, 1);
    uint64_t recycled = snmp(st, "TcpExt", "TWRecycled");
    c = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    berth_setsockopt(st, c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    assert_int_equal(berth_bind(st, c, SA(me), sizeof(me)), 0);
    assert_int_equal(berth_connect(st, c, SA(to), sizeof(to)), 0);
    assert_int_equal(snmp(st, "TcpExt", "TWRecycled"), recycled + 1);
    assert_int_equal(tcp_of(st)->tw_count, 0);
    s = berth_accept4(st, l, NULL, NULL, 0);
    assert_true(s >= 0);
    berth_close(st, c);
    berth_close(st, s);
    berth_close(st, l);
}

/* 3000 IPv6 connections on ::1 opened, used and closed (half by each
 * side first, so both ends make TIME_WAIT entries): every socket,
 * request and 104-byte TIME_WAIT entry goes once the 60 s have passed
 * (LeakSanitizer checks the memory in the sanitizer build). */
static void loopback_many(void **state)
{
    (void)state;
    int l = listener6("::", 7040, -1);
    assert_int_equal(berth_listen(st, l, 64), 0);
    struct sockaddr_in6 to = sin6("::1", 7040);
    char b[4];
    for (int i = 0; i < 3000; i++) {
        int c = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
        assert_int_equal(berth_connect(st, c, SA(to), sizeof(to)), 0);
        int s = berth_accept4(st, l, NULL, NULL, 0);
        assert_true(s >= 0);
        assert_int_equal(berth_send(st, c, "abc", 3, 0), 3);
        assert_int_equal(berth_recv(st, s, b, sizeof(b), 0), 3);
        int first = i & 1 ? c : s, second = i & 1 ? s : c;
        assert_int_equal(berth_close(st, first), 0);
        assert_int_equal(berth_recv(st, second, b, sizeof(b), 0), 0);
        assert_int_equal(berth_close(st, second), 0);
        if (i % 500 == 499)
            advance(1000);
    }
    advance(1000);
    assert_int_equal(tcp_of(st)->tw_count, 3000);
    advance(61 * 1000000ull);
    assert_int_equal(tcp_of(st)->tw_count, 0);
    berth_close(st, l);
    assert_int_equal(tcp_of(st)->ehash_count, 0);
    assert_int_equal(tcp_of(st)->orphans, 0);
}

/* ---- a raw IPv6 interface ---- */

#define MAXOUT 64
static struct {
    uint8_t b[2048];
    size_t len;
} out[MAXOUT];
static unsigned nout;
static berth_netif *raw;

static int drv_tx(void *ctx, berth_netif *ifp, const void *p, size_t len)
{
    (void)ctx, (void)ifp;
    if (nout < MAXOUT && len <= sizeof(out[0].b)) {
        memcpy(out[nout].b, p, len);
        out[nout].len = len;
        nout++;
    }
    return 0;
}
static const struct berth_netif_driver drv = {.transmit = drv_tx};

static struct in6_addr ME, PEER;

static int raw_setup(void **state)
{
    (void)state;
    st = test_stack_inline(&plat, 62);
    if (!st)
        return -1;
    raw = berth_netif_add(st, "raw0", 1500, 0, &drv, NULL);
    inet_pton(AF_INET6, "2001:db8::1", &ME);
    inet_pton(AF_INET6, "2001:db8::2", &PEER);
    berth_netif_addr6_add(raw, &ME, 64);
    berth_netif_set_up(raw, true);
    advance(3 * 1000000ull); /* past duplicate address detection, if any */
    nout = 0;
    return 0;
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

/* The Internet checksum over the IPv6 pseudo-header and an upper-layer
 * message of `len` bytes at ip + 40 (RFC 8200 8.1); 0 when it verifies. */
static uint16_t csum6(const uint8_t *ip, size_t len, uint8_t nxt)
{
    uint32_t s = sum16(0, ip + 8, 32);
    s += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nxt;
    s = sum16(s, ip + 40, len);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

/* An IPv6 header from src to dst with payload plen, next header nxt. */
static void ip6_hdr(uint8_t *b, const struct in6_addr *src, const struct in6_addr *dst,
                    uint16_t plen, uint8_t nxt, uint8_t tclass)
{
    put32(b, 0x60000000u | (uint32_t)tclass << 20);
    put16(b + 4, plen);
    b[6] = nxt;
    b[7] = 64;
    memcpy(b + 8, src, 16);
    memcpy(b + 24, dst, 16);
}

/* Inject a TCP segment from PEER:sport to dst:dport (MSS option on SYNs). */
static void inject(const struct in6_addr *dst, uint16_t sport, uint16_t dport, uint32_t seq,
                   uint32_t ack, uint8_t flags, const char *data, uint8_t tclass, bool bad_sum)
{
    uint8_t b[1600];
    size_t dl = data ? strlen(data) : 0;
    unsigned hl = (flags & TH_SYN) ? 24 : 20;
    memset(b, 0, sizeof(b));
    ip6_hdr(b, &PEER, dst, (uint16_t)(hl + dl), IPPROTO_TCP, tclass);
    uint8_t *t = b + 40;
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = (uint8_t)((hl / 4) << 4);
    t[13] = flags;
    put16(t + 14, 65535);
    if (flags & TH_SYN) {
        t[20] = TCPOPT_MSS;
        t[21] = 4;
        put16(t + 22, 1440);
    }
    if (dl)
        memcpy(t + hl, data, dl);
    uint16_t ck = csum6(b, hl + dl, IPPROTO_TCP);
    put16(t + 16, bad_sum ? (uint16_t)(ck ^ 0x5a5a) : ck);
    berth_netif_input(raw, b, 40 + hl + dl);
    berth_stack_poll(st);
}

/* The i-th packet sent, checked as an IPv6 TCP segment with a good
 * checksum from ME to PEER; returns its TCP header. */
static const uint8_t *sent_tcp(unsigned i)
{
    assert_true(i < nout);
    const uint8_t *b = out[i].b;
    assert_int_equal(b[0] >> 4, 6);
    assert_int_equal(b[6], IPPROTO_TCP);
    assert_memory_equal(b + 8, &ME, 16);
    assert_memory_equal(b + 24, &PEER, 16);
    size_t plen = get16(b + 4);
    assert_int_equal(plen + 40, out[i].len);
    assert_int_equal(csum6(b, plen, IPPROTO_TCP), 0);
    return b + 40;
}

/* The MSS option of a SYN segment's header (0 if absent). */
static uint16_t syn_mss(const uint8_t *t)
{
    unsigned doff = (t[12] >> 4) * 4u;
    for (unsigned i = 20; i + 1 < doff;) {
        if (t[i] == TCPOPT_EOL)
            break;
        if (t[i] == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (t[i] == TCPOPT_MSS)
            return get16(t + i + 2);
        i += t[i + 1] ? t[i + 1] : 1;
    }
    return 0;
}

static void raw_synack_and_rst(void **state)
{
    (void)state;
    int l = listener6("::", 80, -1);
    inject(&ME, 40000, 80, 1000, 0, TH_SYN, NULL, 0, false);
    assert_int_equal(nout, 1);
    const uint8_t *t = sent_tcp(0);
    assert_int_equal(t[13], TH_SYN | TH_ACK);
    assert_int_equal(get16(t), 80);
    assert_int_equal(get16(t + 2), 40000);
    assert_int_equal(get32(t + 8), 1001);
    assert_int_equal(syn_mss(t), 1500 - 60); /* 1440 */
    assert_int_equal(out[0].b[7], 64);       /* the listener's hop limit: the default */
    uint32_t iss = get32(t + 4);
    /* the final ACK makes the child; accept names the native peer */
    inject(&ME, 40000, 80, 1001, iss + 1, TH_ACK, "hi", 0, false);
    struct sockaddr_in6 p;
    socklen_t pl = sizeof(p);
    int s = berth_accept4(st, l, SA(p), &pl, SOCK_NONBLOCK);
    assert_true(s >= 0);
    assert_memory_equal(&p.sin6_addr, &PEER, 16);
    assert_int_equal(ntohs(p.sin6_port), 40000);
    char buf[8];
    assert_int_equal(berth_recv(st, s, buf, sizeof(buf), 0), 2);
    assert_int_equal(info(s).tcpi_snd_mss, 1440); /* no timestamps in this SYN */

    /* a closed port: RST+ACK, the SYN's traffic class without ECN bits,
     * the default hop limit */
    nout = 0;
    inject(&ME, 40001, 81, 5000, 0, TH_SYN, NULL, 0xb9, false);
    assert_int_equal(nout, 1);
    t = sent_tcp(0);
    assert_int_equal(t[13], TH_RST | TH_ACK);
    assert_int_equal(get32(t + 8), 5001);
    uint32_t vtf = get32(out[0].b);
    assert_int_equal((vtf >> 20) & 0xff, 0xb8);
    assert_int_equal(out[0].b[7], 64);
    /* no RST to a RST, none for a multicast destination, none for a bad
     * checksum (counted) */
    nout = 0;
    inject(&ME, 40001, 81, 5000, 0, TH_RST, NULL, 0, false);
    struct in6_addr mc;
    inet_pton(AF_INET6, "ff02::1", &mc);
    inject(&mc, 40001, 81, 5000, 0, TH_SYN, NULL, 0, false);
    uint64_t ce = snmp(st, "Tcp", "InCsumErrors");
    inject(&ME, 40001, 81, 5000, 0, TH_SYN, NULL, 0, true);
    assert_int_equal(nout, 0);
    assert_int_equal(snmp(st, "Tcp", "InCsumErrors"), ce + 1);
    berth_close(st, s);
    berth_close(st, l);
}

/* Connect to PEER:port non-blocking; returns the fd, the SYN's header
 * fields in *iss / *sport. */
static int syn_sent(uint16_t port, uint32_t *iss, uint16_t *sport)
{
    int c = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = PEER;
    nout = 0;
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EINPROGRESS);
    assert_int_equal(nout, 1);
    const uint8_t *t = sent_tcp(0);
    assert_int_equal(t[13], TH_SYN);
    assert_int_equal(syn_mss(t), 1440);
    *iss = get32(t + 4);
    *sport = get16(t);
    return c;
}

/* An ICMPv6 error from PEER quoting sent packet i (as much as fits),
 * with hop limit icmp_hlim. */
static uint8_t icmp_hlim = 64;
static void inject_icmp6(uint8_t type, uint8_t code, uint32_t info32, unsigned i)
{
    uint8_t b[1280];
    size_t q = out[i].len;
    if (q > sizeof(b) - 48)
        q = sizeof(b) - 48;
    memset(b, 0, sizeof(b));
    ip6_hdr(b, &PEER, &ME, (uint16_t)(8 + q), 58, 0);
    b[7] = icmp_hlim;
    b[40] = type;
    b[41] = code;
    put32(b + 44, info32);
    memcpy(b + 48, out[i].b, q);
    put16(b + 42, csum6(b, 8 + q, 58));
    berth_netif_input(raw, b, 48 + q);
    berth_stack_poll(st);
}

static int so_error(int fd)
{
    int e = -1;
    socklen_t l = sizeof(e);
    assert_int_equal(berth_getsockopt(st, fd, SOL_SOCKET, SO_ERROR, &e, &l), 0);
    return e;
}

static void raw_icmp6_unreach(void **state)
{
    (void)state;
    uint32_t iss;
    uint16_t sp;
    int c = syn_sent(9, &iss, &sp);
    inject_icmp6(1, 4, 0, 0); /* port unreachable */
    assert_int_equal(so_error(c), ECONNREFUSED);
    berth_close(st, c);
    c = syn_sent(9, &iss, &sp);
    inject_icmp6(1, 1, 0, 0); /* administratively prohibited */
    assert_int_equal(so_error(c), EACCES);
    berth_close(st, c);
    c = syn_sent(9, &iss, &sp);
    inject_icmp6(1, 0, 0, 0); /* no route */
    assert_int_equal(so_error(c), ENETUNREACH);
    berth_close(st, c);
    /* IPV6_MINHOPCOUNT 255: an error with hop limit 64 is ignored
     * (TcpExt TCPMinTTLDrop), one with 255 is not (tcp_v6_err) */
    c = syn_sent(9, &iss, &sp);
    int mh = 255;
    assert_int_equal(berth_setsockopt(st, c, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &mh, sizeof(mh)), 0);
    uint64_t drops = snmp(st, "TcpExt", "TCPMinTTLDrop");
    inject_icmp6(1, 4, 0, 0);
    assert_int_equal(so_error(c), 0);
    assert_int_equal(info(c).tcpi_state, TCP_SYN_SENT);
    assert_int_equal(snmp(st, "TcpExt", "TCPMinTTLDrop"), drops + 1);
    icmp_hlim = 255;
    inject_icmp6(1, 4, 0, 0);
    icmp_hlim = 64;
    assert_int_equal(so_error(c), ECONNREFUSED);
    berth_close(st, c);
}

static void raw_packet_too_big(void **state)
{
    (void)state;
    uint32_t iss;
    uint16_t sp;
    int c = syn_sent(80, &iss, &sp);
    /* SYN-ACK without options: MSS 1440, no timestamps */
    nout = 0;
    inject(&ME, 80, sp, 7000, iss + 1, TH_SYN | TH_ACK, NULL, 0, false);
    int mss;
    socklen_t ml = sizeof(mss);
    assert_int_equal(berth_getsockopt(st, c, IPPROTO_TCP, TCP_MAXSEG, &mss, &ml), 0);
    assert_int_equal(mss, 1440);
    static char data[4000];
    memset(data, 'd', sizeof(data));
    nout = 0;
    assert_int_equal(berth_send(st, c, data, sizeof(data), 0), (ssize_t)sizeof(data));
    assert_true(nout >= 2);
    const uint8_t *t = sent_tcp(1);
    assert_int_equal(get16(out[1].b + 4), 20 + 1440); /* full-sized segments */
    unsigned first = 1;                               /* out[0] is the ACK of the SYN-ACK */
    if (get16(out[0].b + 4) > 20)
        first = 0;
    t = sent_tcp(first);
    assert_int_equal(get32(t + 4), iss + 1);
    /* a router on the way takes 1280: the segment comes back at once in
     * 1220 - 0 (no timestamps) bytes */
    unsigned before = nout;
    inject_icmp6(2, 0, 1280, first);
    assert_int_equal(berth_getsockopt(st, c, IPPROTO_TCP, TCP_MAXSEG, &mss, &ml), 0);
    assert_int_equal(mss, 1220);
    assert_true(nout > before);
    t = sent_tcp(before);
    assert_int_equal(get32(t + 4), iss + 1);
    assert_int_equal(out[before].len, 40 + 20 + 1220);
    for (unsigned i = before; i < nout; i++)
        assert_true(out[i].len <= 1280);
    /* below IPV6_MIN_MTU: ignored */
    inject_icmp6(2, 0, 1000, before);
    assert_int_equal(berth_getsockopt(st, c, IPPROTO_TCP, TCP_MAXSEG, &mss, &ml), 0);
    assert_int_equal(mss, 1220);
    /* a "larger" MTU does not raise it */
    inject_icmp6(2, 0, 1400, before);
    assert_int_equal(berth_getsockopt(st, c, IPPROTO_TCP, TCP_MAXSEG, &mss, &ml), 0);
    assert_int_equal(mss, 1220);
    assert_int_equal(info(c).tcpi_pmtu, 1280); /* the path-MTU cache's */
    berth_close(st, c);
}

/* Link-local: a SYN from fe80::2 to the [::] listener makes a child bound
 * to the arriving interface, so accept() and the names carry its scope
 * id; the SYN-ACK leaves that interface. connect() to fe80::2 with the
 * scope id sends its SYN there and binds the socket to it. */
#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33 /* <linux/in6.h> */
#endif
#ifndef IPV6_AUTOFLOWLABEL
#define IPV6_AUTOFLOWLABEL 70
#endif

/* The flow label of sent packet i (host order). */
static uint32_t sent_label(unsigned i) { return get32(out[i].b) & 0xfffff; }

/* A client connection to PEER:port, its handshake completed by the test
 * (the SYN-ACK from PEER); returns the fd, the SYN's label in *label. */
static int client_established(uint16_t port, uint32_t *label, uint32_t *iss_out,
                              uint16_t *sport_out)
{
    uint32_t iss;
    uint16_t sport;
    int c = syn_sent(port, &iss, &sport);
    *iss_out = iss;
    *sport_out = sport;
    *label = sent_label(0);
    nout = 0;
    inject(&ME, port, sport, 7000, iss + 1, TH_SYN | TH_ACK, NULL, 0, false);
    assert_int_equal(nout, 1); /* the ACK */
    sent_tcp(0);
    assert_int_equal(info(c).tcpi_state, TCP_ESTABLISHED);
    return c;
}

/* Traffic class and hop limit of every segment, as the 6.18 kernel sends
 * them on lo (an AF_PACKET capture in unshare -n): a client with
 * IPV6_TCLASS 0x45 and IPV6_UNICAST_HOPS 9 sends its SYN, ACK and data
 * with 0x44 / 9 (no ECN bits); a listener with 0x29 / 7 sends its SYN-ACK
 * with 0x28 / 7 and its child (which reads IPV6_TCLASS 0x28) its data the
 * same. */
static void raw_tclass_hops(void **state)
{
    (void)state;
    int tc = 0x45, hops = 9;
    int c = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_int_equal(berth_setsockopt(st, c, IPPROTO_IPV6, IPV6_TCLASS, &tc, sizeof(tc)), 0);
    assert_int_equal(berth_setsockopt(st, c, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)),
                     0);
    struct sockaddr_in6 to = sin6("2001:db8::2", 95);
    nout = 0;
    assert_int_equal(berth_connect(st, c, SA(to), sizeof(to)), -1);
    assert_int_equal(nout, 1);
    const uint8_t *t = sent_tcp(0);
    uint32_t iss = get32(t + 4);
    uint16_t sport = get16(t);
    inject(&ME, 95, sport, 7000, iss + 1, TH_SYN | TH_ACK, NULL, 0, false);
    assert_int_equal(berth_send(st, c, "x", 1, 0), 1);
    assert_int_equal(nout, 3); /* SYN, ACK, data */
    for (unsigned i = 0; i < nout; i++) {
        sent_tcp(i);
        assert_int_equal((get32(out[i].b) >> 20) & 0xff, 0x44);
        assert_int_equal(out[i].b[7], 9);
    }
    berth_close(st, c);

    int l = listener6("::", 96, -1);
    tc = 0x29, hops = 7;
    assert_int_equal(berth_setsockopt(st, l, IPPROTO_IPV6, IPV6_TCLASS, &tc, sizeof(tc)), 0);
    assert_int_equal(berth_setsockopt(st, l, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)),
                     0);
    nout = 0;
    inject(&ME, 43000, 96, 1000, 0, TH_SYN, NULL, 0xb9, false);
    assert_int_equal(nout, 1);
    t = sent_tcp(0);
    assert_int_equal(t[13], TH_SYN | TH_ACK);
    uint32_t siss = get32(t + 4), slabel = sent_label(0);
    /* an out-of-window segment to the request: its ACK reflects the
     * segment's traffic class without ECN bits, the default hop limit, the
     * SYN-ACK's label (tcp_v6_reqsk_send_ack; 6.18 with TCP_DEFER_ACCEPT
     * holding the request and a raw socket sending) */
    inject(&ME, 43000, 96, 1001 + 50000000, siss + 1, TH_ACK, NULL, 0x65, false);
    assert_int_equal(nout, 2);
    t = sent_tcp(1);
    assert_int_equal(t[13], TH_ACK);
    assert_int_equal(get32(t + 8), 1001);
    assert_int_equal((get32(out[1].b) >> 20) & 0xff, 0x64);
    assert_int_equal(out[1].b[7], 64);
    assert_int_equal(sent_label(1), slabel);
    nout = 1;
    inject(&ME, 43000, 96, 1001, siss + 1, TH_ACK, NULL, 0, false);
    int s = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(s >= 0);
    int v = 0;
    socklen_t vl = sizeof(v);
    assert_int_equal(berth_getsockopt(st, s, IPPROTO_IPV6, IPV6_TCLASS, &v, &vl), 0);
    assert_int_equal(v, 0x28);
    assert_int_equal(berth_send(st, s, "y", 1, 0), 1);
    assert_int_equal(nout, 2); /* SYN-ACK, data */
    for (unsigned i = 0; i < nout; i++) {
        sent_tcp(i);
        assert_int_equal((get32(out[i].b) >> 20) & 0xff, 0x28);
        assert_int_equal(out[i].b[7], 7);
    }
    berth_close(st, s);
    berth_close(st, l);
}

/* Automatic flow labels (ip6_make_flowlabel, net.ipv6.auto_flowlabels 1):
 * a connection's segments carry one label, from its txhash; another
 * connection's differs; a retransmission timeout rehashes it
 * (sk_rethink_txhash); IPV6_AUTOFLOWLABEL 0 sends 0;
 * IPV6_FLOWINFO_SEND's label is used as given. A listener's SYN-ACK
 * carries the request's txhash label, which the child keeps (and a
 * retransmitted SYN-ACK a new one); RSTs without a socket the flow's
 * hash, the same for the same flow. */
static void raw_flow_labels(void **state)
{
    (void)state;
    uint32_t la, lb, iss, biss;
    uint16_t sport, bport;
    int a = client_established(90, &la, &iss, &sport);
    assert_int_not_equal(la, 0);
    assert_int_equal(sent_label(0), la); /* the handshake's ACK */
    nout = 0;
    assert_int_equal(berth_send(st, a, "hello", 5, 0), 5);
    assert_int_equal(nout, 1);
    assert_int_equal(sent_label(0), la);
    /* unacknowledged: the RTO resends with a new label, kept after */
    nout = 0;
    advance(1500 * 1000);
    assert_true(nout >= 1);
    uint32_t la2 = sent_label(0);
    assert_int_not_equal(la2, 0);
    assert_int_not_equal(la2, la);
    for (unsigned i = 1; i < nout; i++)
        assert_int_not_equal(sent_label(i), la); /* each RTO: yet another */

    int b = client_established(91, &lb, &biss, &bport);
    assert_int_not_equal(lb, 0);
    assert_int_not_equal(lb, la);
    assert_int_not_equal(lb, la2);

    /* b to TIME_WAIT: its ACKs keep the label and get the traffic class */
    int tc = 0xb9;
    assert_int_equal(berth_setsockopt(st, b, IPPROTO_IPV6, IPV6_TCLASS, &tc, sizeof(tc)), 0);
    nout = 0;
    berth_close(st, b);
    inject(&ME, 91, bport, 7001, biss + 2, TH_FIN | TH_ACK, NULL, 0, false);
    assert_int_equal(tcp_of(st)->tw_count, 1);
    inject(&ME, 91, bport, 7001, biss + 2, TH_FIN | TH_ACK, NULL, 0, false);
    assert_true(nout >= 3); /* FIN, ACK, the entry's ACK */
    assert_int_equal(sent_tcp(nout - 1)[13], TH_ACK);
    assert_int_equal(get32(sent_tcp(nout - 1) + 8), 7002);
    assert_int_equal(sent_label(nout - 1), lb);
    assert_int_equal((get32(out[nout - 1].b) >> 20) & 0xff, 0xb8); /* tw_tclass, no ECN */

    /* a SYN that goes unanswered: each retransmission rehashes */
    int c = syn_sent(92, &iss, &sport);
    uint32_t lc = sent_label(0);
    nout = 0;
    advance(1100 * 1000);
    assert_int_equal(nout, 1);
    assert_int_equal(get32(sent_tcp(0) + 4), iss);
    assert_int_not_equal(sent_label(0), lc);
    berth_close(st, c);

    /* IPV6_AUTOFLOWLABEL 0: no label */
    int off = 0, on = 1;
    c = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_int_equal(berth_setsockopt(st, c, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, &off, sizeof(off)),
                     0);
    struct sockaddr_in6 to;
    memset(&to, 0, sizeof(to));
    to.sin6_family = AF_INET6;
    to.sin6_port = htons(93);
    to.sin6_addr = PEER;
    nout = 0;
    assert_int_equal(berth_connect(st, c, SA(to), sizeof(to)), -1);
    assert_int_equal(nout, 1);
    assert_int_equal(sent_label(0), 0);
    berth_close(st, c);
    /* IPV6_FLOWINFO_SEND: connect()'s label, whatever the automatic ones */
    c = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_int_equal(berth_setsockopt(st, c, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, &on, sizeof(on)), 0);
    to.sin6_flowinfo = htonl(0x12345);
    nout = 0;
    assert_int_equal(berth_connect(st, c, SA(to), sizeof(to)), -1);
    assert_int_equal(nout, 1);
    assert_int_equal(sent_label(0), 0x12345);
    berth_close(st, c);

    /* a listener: the SYN-ACK's label is the child's */
    int l = listener6("::", 80, -1);
    nout = 0;
    inject(&ME, 41000, 80, 1000, 0, TH_SYN, NULL, 0, false);
    assert_int_equal(nout, 1);
    uint32_t ls = sent_label(0), siss = get32(sent_tcp(0) + 4);
    assert_int_not_equal(ls, 0);
    nout = 0;
    advance(1100 * 1000); /* the SYN-ACK again: a new txhash (tcp_rtx_synack) */
    unsigned k = 0;       /* connection a is still resending its data */
    while (k < nout && get16(sent_tcp(k)) != 80)
        k++;
    assert_true(k < nout);
    assert_int_equal(sent_tcp(k)[13], TH_SYN | TH_ACK);
    uint32_t ls2 = sent_label(k);
    assert_int_not_equal(ls2, 0);
    assert_int_not_equal(ls2, ls);
    /* the peer's SYN again: the SYN-ACK resent, with yet another */
    nout = 0;
    inject(&ME, 41000, 80, 1000, 0, TH_SYN, NULL, 0, false);
    assert_int_equal(nout, 1);
    assert_int_equal(sent_tcp(0)[13], TH_SYN | TH_ACK);
    uint32_t ls3 = sent_label(0);
    assert_int_not_equal(ls3, 0);
    assert_int_not_equal(ls3, ls2);
    ls2 = ls3;
    inject(&ME, 41000, 80, 1001, siss + 1, TH_ACK, NULL, 0, false);
    int s = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(s >= 0);
    nout = 0;
    assert_int_equal(berth_send(st, s, "x", 1, 0), 1);
    assert_int_equal(nout, 1);
    assert_int_equal(sent_label(0), ls2);
    berth_close(st, s);
    berth_close(st, l);
    /* a listener without automatic labels: neither its SYN-ACK nor its child */
    l = listener6("::", 81, -1);
    assert_int_equal(berth_setsockopt(st, l, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, &off, sizeof(off)),
                     0);
    nout = 0;
    inject(&ME, 41001, 81, 1000, 0, TH_SYN, NULL, 0, false);
    assert_int_equal(nout, 1);
    assert_int_equal(sent_label(0), 0);
    siss = get32(sent_tcp(0) + 4);
    inject(&ME, 41001, 81, 1001, siss + 1, TH_ACK, NULL, 0, false);
    s = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(s >= 0);
    nout = 0;
    assert_int_equal(berth_send(st, s, "x", 1, 0), 1);
    assert_int_equal(nout, 1);
    assert_int_equal(sent_label(0), 0);
    berth_close(st, s);
    berth_close(st, l);

    /* RSTs without a socket: the flow's hash, stable for the flow */
    nout = 0;
    inject(&ME, 42000, 82, 5000, 0, TH_SYN, NULL, 0, false);
    inject(&ME, 42000, 82, 5000, 0, TH_SYN, NULL, 0, false);
    inject(&ME, 42001, 82, 5000, 0, TH_SYN, NULL, 0, false);
    assert_int_equal(nout, 3);
    assert_int_equal(sent_tcp(0)[13], TH_RST | TH_ACK);
    assert_int_not_equal(sent_label(0), 0);
    assert_int_equal(sent_label(1), sent_label(0));
    assert_int_not_equal(sent_label(2), sent_label(0));
    berth_close(st, a);
}

static void raw_link_local(void **state)
{
    (void)state;
    struct in6_addr ll_me, ll_peer;
    inet_pton(AF_INET6, "fe80::1", &ll_me);
    inet_pton(AF_INET6, "fe80::2", &ll_peer);
    assert_int_equal(berth_netif_addr6_add(raw, &ll_me, 64), 0);
    advance(3 * 1000000ull);
    struct in6_addr save_me = ME, save_peer = PEER;
    ME = ll_me;
    PEER = ll_peer;
    unsigned idx = berth_netif_index(raw);
    int l = listener6("::", 80, -1);
    nout = 0;
    inject(&ME, 40000, 80, 1000, 0, TH_SYN, NULL, 0, false);
    assert_int_equal(nout, 1);
    const uint8_t *t = sent_tcp(0);
    assert_int_equal(t[13], TH_SYN | TH_ACK);
    inject(&ME, 40000, 80, 1001, get32(t + 4) + 1, TH_ACK, NULL, 0, false);
    struct sockaddr_in6 p;
    socklen_t pl = sizeof(p);
    int s = berth_accept4(st, l, SA(p), &pl, SOCK_NONBLOCK);
    assert_true(s >= 0);
    assert_memory_equal(&p.sin6_addr, &ll_peer, 16);
    assert_int_equal(p.sin6_scope_id, idx);
    pl = sizeof(p);
    assert_int_equal(berth_getsockname(st, s, SA(p), &pl), 0);
    assert_memory_equal(&p.sin6_addr, &ll_me, 16);
    assert_int_equal(p.sin6_scope_id, idx);
    berth_close(st, s);
    berth_close(st, l);

    int c = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(81);
    a.sin6_addr = ll_peer;
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EINVAL); /* no scope id */
    a.sin6_scope_id = idx;
    nout = 0;
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EINPROGRESS);
    assert_int_equal(nout, 1);
    t = sent_tcp(0);
    assert_int_equal(t[13], TH_SYN);
    char name[16] = {0};
    socklen_t bl = sizeof(name);
    assert_int_equal(berth_getsockopt(st, c, SOL_SOCKET, SO_BINDTODEVICE, name, &bl), 0);
    assert_string_equal(name, "raw0");
    berth_close(st, c);

    /* To our own link-local address (through lo), as on 6.18 with a veth
     * holding fe80::1: every name carries the scope id of the interface
     * owning the address, and an unbound [::] listener's child is bound to
     * it (ir_iif: the looped-back SYN counts as arriving there, ip6_iif),
     * as is the client. Before ip6_iif the SYN-ACK was routed to lo's
     * scope and the connection hung in SYN_SENT. */
    l = listener6("::", 82, -1);
    c = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    a.sin6_addr = ll_me;
    a.sin6_port = htons(82);
    a.sin6_scope_id = idx;
    nout = 0;
    int rc = berth_connect(st, c, SA(a), sizeof(a));
    assert_true(rc == 0 || errno == EINPROGRESS);
    advance(1000);
    assert_int_equal(nout, 0); /* through lo, not raw0 */
    pl = sizeof(p);
    s = berth_accept4(st, l, SA(p), &pl, SOCK_NONBLOCK);
    assert_true(s >= 0);
    assert_memory_equal(&p.sin6_addr, &ll_me, 16);
    assert_int_equal(p.sin6_scope_id, idx);
    int fds[2] = {c, s};
    for (int i = 0; i < 2; i++) {
        pl = sizeof(p);
        assert_int_equal(berth_getsockname(st, fds[i], SA(p), &pl), 0);
        assert_int_equal(p.sin6_scope_id, idx);
        pl = sizeof(p);
        assert_int_equal(berth_getpeername(st, fds[i], SA(p), &pl), 0);
        assert_memory_equal(&p.sin6_addr, &ll_me, 16);
        assert_int_equal(p.sin6_scope_id, idx);
        bl = sizeof(name);
        assert_int_equal(berth_getsockopt(st, fds[i], SOL_SOCKET, SO_BINDTODEVICE, name, &bl), 0);
        assert_string_equal(name, "raw0");
    }
    berth_close(st, s);
    berth_close(st, c);
    berth_close(st, l);
    ME = save_me;
    PEER = save_peer;
}

/* 20000 random segments over IPv6 (random flags, sequence numbers,
 * ports near the listener's, options and lengths, good checksums) at a
 * listener and its accepted connection: no crash (ASan build), every
 * request and TIME_WAIT entry accounted for, and the listener still
 * takes a clean handshake afterwards. */
static void raw_random_segments(void **state)
{
    (void)state;
    int l = listener6("::", 80, -1);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    uint8_t b[1500];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        unsigned optlen = (unsigned)(x >> 8) % 11 * 4, dl = (unsigned)(x >> 16) % 64;
        memset(b, 0, sizeof(b));
        ip6_hdr(b, &PEER, &ME, (uint16_t)(20 + optlen + dl), IPPROTO_TCP, (uint8_t)(x >> 24));
        uint8_t *t = b + 40;
        put16(t, (uint16_t)(40000 + (x >> 30) % 4));
        put16(t + 2, (uint16_t)(79 + (x >> 34) % 3));
        put32(t + 4, (uint32_t)(x >> 3) % 4 ? 1000 + (uint32_t)(x >> 36) % 3000 : (uint32_t)x);
        put32(t + 8, (uint32_t)(x >> 20));
        t[12] = (uint8_t)(((20 + optlen) / 4) << 4);
        t[13] = (uint8_t)(x >> 40);
        put16(t + 14, (uint16_t)(x >> 44));
        for (unsigned k = 0; k < optlen + dl; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            t[20 + k] = (uint8_t)x;
        }
        put16(t + 16, csum6(b, 20 + optlen + dl, IPPROTO_TCP));
        berth_netif_input(raw, b, 40 + 20 + optlen + dl);
        berth_stack_poll(st);
        if (i % 1000 == 0)
            advance(200000);
    }
    advance(130 * 1000000ull); /* requests time out, TIME_WAIT expires */
    int s;
    while ((s = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK)) >= 0)
        berth_close(st, s);
    advance(130 * 1000000ull);
    assert_int_equal(tcp_of(st)->tw_count, 0);
    /* still a listener: a clean handshake */
    nout = 0;
    inject(&ME, 45000, 80, 1000, 0, TH_SYN, NULL, 0, false);
    assert_int_equal(nout, 1);
    const uint8_t *t = sent_tcp(0);
    assert_int_equal(t[13], TH_SYN | TH_ACK);
    inject(&ME, 45000, 80, 1001, get32(t + 4) + 1, TH_ACK, NULL, 0, false);
    s = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(s >= 0);
    berth_close(st, s);
    berth_close(st, l);
    /* the closed connections' FINs go unanswered: orphans give up after
     * tcp_orphan_retries */
    for (int i = 0; i < 60; i++)
        advance(60 * 1000000ull);
    assert_int_equal(tcp_of(st)->ehash_count, 0);
    assert_int_equal(tcp_of(st)->orphans, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(loopback_state_machine, lo_setup, teardown),
        cmocka_unit_test_setup_teardown(loopback_dualstack, lo_setup, teardown),
        cmocka_unit_test_setup_teardown(loopback_errors, lo_setup, teardown),
        cmocka_unit_test_setup_teardown(loopback_syncookies, lo_setup, teardown),
        cmocka_unit_test_setup_teardown(loopback_timewait_takeover, lo_setup, teardown),
        cmocka_unit_test_setup_teardown(loopback_many, lo_setup, teardown),
        cmocka_unit_test_setup_teardown(raw_synack_and_rst, raw_setup, teardown),
        cmocka_unit_test_setup_teardown(raw_icmp6_unreach, raw_setup, teardown),
        cmocka_unit_test_setup_teardown(raw_packet_too_big, raw_setup, teardown),
        cmocka_unit_test_setup_teardown(raw_link_local, raw_setup, teardown),
        cmocka_unit_test_setup_teardown(raw_flow_labels, raw_setup, teardown),
        cmocka_unit_test_setup_teardown(raw_tclass_hops, raw_setup, teardown),
        cmocka_unit_test_setup_teardown(raw_random_segments, raw_setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else
int main(void)
{
    printf("TCP or IPv6 compiled out\n");
    return 77;
}
#endif
