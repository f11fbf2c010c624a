/* test_tcp_robust.c — TCP against hand-made segments: a raw interface
 * (10.0.0.1/24) whose output the test reads and whose input it writes, as
 * a peer at 10.0.0.2. Covers RSTs for segments to no socket (RFC 9293
 * rules, never a RST for a RST), the handshake options, RFC 5961 challenge
 * ACKs and their rate limit, out-of-window segments, zero-window probes,
 * and malformed or random segments (bad data offset, bad options, SYN+FIN,
 * garbage) that must never crash or corrupt a live connection. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <netinet/tcp.h>
#include <cmocka.h>
#include <stdio.h>

#include "testutil.h"

#if BERTH_WITH_TCP
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "tcp/tcp.h"
#include "segtest.h"
#include "berth/sysctl.h"
#include "segcap.h" /* last: it defines the fixture globals (st, raw) */

/* Inject a segment from 10.0.0.2. `opt` is padded by the caller; doff_override
 * (if not 0) replaces the data offset field verbatim. */
static void inject_raw(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                       uint16_t wnd, const uint8_t *opt, unsigned optlen, const void *data,
                       unsigned len, int doff_override, bool bad_csum)
{
    uint8_t p[2048];
    struct seg_spec sp = {.sport = sport,
                          .dport = dport,
                          .seq = seq,
                          .ack = ack,
                          .flags = flags,
                          .wnd = wnd,
                          .opt = opt,
                          .optlen = optlen,
                          .data = data,
                          .len = len,
                          .doff_override = doff_override,
                          .bad_csum = bad_csum};
    inet_pton(AF_INET, "10.0.0.2", &sp.src);
    inet_pton(AF_INET, "10.0.0.1", &sp.dst);
    berth_netif_input(raw, p, seg_build(p, &sp));
}

static void inject(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                   const void *data, unsigned len)
{
    inject_raw(sport, dport, seq, ack, flags, 65535, NULL, 0, data, len, 0, false);
}

static int setup(void **state)
{
    (void)state;
    return segcap_setup(7);
}

static int teardown(void **state)
{
    (void)state;
    return segcap_teardown();
}

static int listen_on(uint16_t port)
{
    int fd = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = sin4("10.0.0.1", port);
    assert_int_equal(berth_bind(st, fd, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_listen(st, fd, 8), 0);
    return fd;
}

/* A connection from 10.0.0.2:4000 (ISN 1000, no options) to port; returns
 * the accepted descriptor and berth's ISN. */
static int establish(int l, uint16_t port, uint32_t *iss)
{
    nout = 0;
    inject(4000, port, 1000, 0, TH_SYN, NULL, 0);
    struct seg s;
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_SYN | TH_ACK);
    assert_int_equal(s.ack, 1001);
    *iss = s.seq;
    inject(4000, port, 1001, s.seq + 1, TH_ACK, NULL, 0);
    int fd = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(fd >= 0);
    return fd;
}

/* ---- tests ---- */

static void rst_for_no_socket(void **state)
{
    (void)state;
    struct seg s;
    inject(4000, 9999, 5000, 0, TH_SYN, NULL, 0);
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_RST | TH_ACK);
    assert_int_equal(s.seq, 0);
    assert_int_equal(s.ack, 5001);
    nout = 0;
    inject(4000, 9999, 5000, 777, TH_ACK, "data", 4);
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_RST);
    assert_int_equal(s.seq, 777);
    nout = 0;
    inject(4000, 9999, 5000, 0, TH_FIN, NULL, 0);
    assert_true(last(&s));
    assert_int_equal(s.ack, 5001); /* the FIN counts */
    nout = 0;
    inject(4000, 9999, 5000, 777, TH_RST | TH_ACK, NULL, 0);
    assert_int_equal(nout, 0); /* never a RST for a RST */
}

static void synack_options(void **state)
{
    (void)state;
    int l = listen_on(80);
    /* MSS 1000, SACK-permitted, timestamp, window scale 7 */
    uint8_t opt[] = {2, 4, 0x03, 0xe8, 4, 2, 8, 10, 0, 0, 0, 5, 0, 0, 0, 0, 1, 3, 3, 7};
    inject_raw(4001, 80, 1000, 0, TH_SYN, 65535, opt, sizeof(opt), NULL, 0, 0, false);
    struct seg s;
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_SYN | TH_ACK);
    /* Linux's order: MSS, SACK-permitted + timestamp, NOP + window scale */
    assert_int_equal(s.optlen, 20);
    assert_int_equal(s.opt[0], 2);
    assert_int_equal((s.opt[2] << 8) | s.opt[3], 1460);
    assert_int_equal(s.opt[4], 4);
    assert_int_equal(s.opt[6], 8);
    uint32_t tsecr;
    memcpy(&tsecr, s.opt + 12, 4);
    assert_int_equal(ntohl(tsecr), 5);
    assert_int_equal(s.opt[16], 1);
    assert_int_equal(s.opt[17], 3);
    /* without options: none offered back but MSS */
    nout = 0;
    inject(4002, 80, 2000, 0, TH_SYN, NULL, 0);
    assert_true(last(&s));
    assert_int_equal(s.optlen, 4);
    /* a SYN with FIN is dropped (Linux), so is one with RST */
    nout = 0;
    inject(4003, 80, 3000, 0, TH_SYN | TH_FIN, NULL, 0);
    inject(4004, 80, 3000, 0, TH_SYN | TH_RST, NULL, 0);
    assert_int_equal(nout, 0);
    berth_close(st, l);
}

static void rfc5961_challenge_acks(void **state)
{
    (void)state;
    int l = listen_on(81);
    uint32_t iss;
    int fd = establish(l, 81, &iss);
    struct seg s;
    /* a RST in the window but not at rcv_nxt: challenge ACK, still alive */
    nout = 0;
    inject(4000, 81, 1001 + 100, 0, TH_RST, NULL, 0);
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_ACK);
    assert_int_equal(s.seq, iss + 1);
    assert_int_equal(s.ack, 1001);
    /* rate limited: the next one within 500 ms gets nothing */
    nout = 0;
    inject(4000, 81, 1001 + 200, 0, TH_RST, NULL, 0);
    assert_int_equal(nout, 0);
    berth_platform_inline_advance(&plat, 600000);
    /* a SYN in the window: challenge ACK too */
    nout = 0;
    inject(4000, 81, 1001 + 50, 0, TH_SYN, NULL, 0);
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_ACK);
    char b[8];
    assert_int_equal(berth_recv(st, fd, b, sizeof(b), 0), -1);
    assert_int_equal(errno, EAGAIN);
    /* out-of-window RST: silently dropped */
    nout = 0;
    inject(4000, 81, 1001 + 10000000, 0, TH_RST, NULL, 0);
    assert_int_equal(nout, 0);
    /* an ACK of data never sent is dropped */
    inject(4000, 81, 1001, iss + 5000, TH_ACK, "zz", 2);
    assert_int_equal(berth_recv(st, fd, b, sizeof(b), 0), -1);
    /* the exact RST resets */
    inject(4000, 81, 1001, 0, TH_RST, NULL, 0);
    assert_int_equal(berth_recv(st, fd, b, sizeof(b), 0), -1);
    assert_int_equal(errno, ECONNRESET);
    berth_close(st, fd);
    berth_close(st, l);
}

static void data_and_out_of_order(void **state)
{
    (void)state;
    int l = listen_on(82);
    uint32_t iss;
    int fd = establish(l, 82, &iss);
    struct seg s;
    nout = 0;
    inject(4000, 82, 1001 + 5, iss + 1, TH_ACK, "world", 5); /* ahead: out of order */
    assert_true(last(&s));
    assert_int_equal(s.ack, 1001); /* immediate duplicate ACK */
    inject(4000, 82, 1001, iss + 1, TH_ACK | TH_PSH, "hello", 5);
    assert_true(last(&s));
    assert_int_equal(s.ack, 1011);
    char b[16];
    assert_int_equal(berth_recv(st, fd, b, sizeof(b), 0), 10);
    assert_memory_equal(b, "helloworld", 10);
    /* an old duplicate is acknowledged and not delivered twice */
    nout = 0;
    inject(4000, 82, 1001, iss + 1, TH_ACK, "hello", 5);
    assert_true(last(&s));
    assert_int_equal(s.ack, 1011);
    assert_int_equal(berth_recv(st, fd, b, sizeof(b), 0), -1);
    /* FIN */
    inject(4000, 82, 1011, iss + 1, TH_ACK | TH_FIN, NULL, 0);
    assert_int_equal(berth_recv(st, fd, b, sizeof(b), 0), 0);
    berth_close(st, fd);
    berth_close(st, l);
}

static void zero_window_probe(void **state)
{
    (void)state;
    int l = listen_on(83);
    nout = 0;
    inject(4000, 83, 1000, 0, TH_SYN, NULL, 0);
    struct seg s;
    assert_true(last(&s));
    uint32_t iss = s.seq;
    inject_raw(4000, 83, 1001, iss + 1, TH_ACK, 0, NULL, 0, NULL, 0, 0, false); /* window 0 */
    int fd = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(fd >= 0);
    nout = 0;
    assert_int_equal(berth_send(st, fd, "blocked", 7, 0), 7);
    assert_int_equal(nout, 0); /* nothing may go out */
    berth_platform_inline_advance(&plat, 1100000);
    berth_stack_poll(st);
    assert_true(last(&s));
    assert_int_equal(s.len, 0);
    assert_int_equal(s.seq, iss); /* snd_una - 1: an old byte to make the peer answer */
    /* the window opens: data flows */
    nout = 0;
    inject_raw(4000, 83, 1001, iss + 1, TH_ACK, 1000, NULL, 0, NULL, 0, 0, false);
    assert_true(last(&s));
    assert_int_equal(s.len, 7);
    assert_int_equal(s.seq, iss + 1);
    berth_close(st, fd);
    berth_close(st, l);
}

static void nagle_cork_and_delayed_ack(void **state)
{
    (void)state;
    int l = listen_on(85);
    uint32_t iss;
    int fd = establish(l, 85, &iss);
    struct seg s;
    /* Nagle: the first small segment goes, the second waits for its ACK */
    nout = 0;
    berth_send(st, fd, "a", 1, 0);
    assert_int_equal(nout, 1);
    berth_send(st, fd, "b", 1, 0);
    berth_send(st, fd, "c", 1, 0);
    assert_int_equal(nout, 1);
    inject(4000, 85, 1001, iss + 2, TH_ACK, NULL, 0);
    assert_true(last(&s));
    assert_int_equal(s.len, 2); /* "bc" together */
    inject(4000, 85, 1001, iss + 4, TH_ACK, NULL, 0);
    /* TCP_NODELAY: each goes at once */
    int one = 1, zero = 0;
    berth_setsockopt(st, fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    nout = 0;
    berth_send(st, fd, "d", 1, 0);
    berth_send(st, fd, "e", 1, 0);
    assert_int_equal(nout, 2);
    inject(4000, 85, 1001, iss + 6, TH_ACK, NULL, 0);
    /* TCP_CORK holds partial segments until it is removed */
    berth_setsockopt(st, fd, IPPROTO_TCP, TCP_CORK, &one, sizeof(one));
    nout = 0;
    berth_send(st, fd, "fg", 2, 0);
    assert_int_equal(nout, 0);
    berth_setsockopt(st, fd, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero));
    assert_true(last(&s));
    assert_int_equal(s.len, 2);
    inject(4000, 85, 1001, iss + 8, TH_ACK, NULL, 0);
    /* MSG_MORE: the same for one call */
    nout = 0;
    berth_send(st, fd, "h", 1, MSG_MORE);
    assert_int_equal(nout, 0);
    berth_send(st, fd, "i", 1, 0);
    assert_true(last(&s));
    assert_int_equal(s.len, 2);
    inject(4000, 85, 1001, iss + 10, TH_ACK, NULL, 0);
    /* Delayed ACK: once the quick ACKs of the start are spent, a small
     * segment is acknowledged after 40 ms (or with the next one past a
     * full segment's worth). */
    uint32_t seq = 1001;
    for (int i = 0; i < 20; i++) {
        inject(4000, 85, seq, iss + 10, TH_ACK, "x", 1);
        seq++;
    }
    char b[64];
    while (berth_recv(st, fd, b, sizeof(b), 0) > 0)
        ;
    berth_platform_inline_advance(&plat, 50000);
    berth_stack_poll(st);
    nout = 0;
    inject(4000, 85, seq, iss + 10, TH_ACK, "y", 1);
    assert_int_equal(nout, 0);
    berth_platform_inline_advance(&plat, 39000);
    berth_stack_poll(st);
    assert_int_equal(nout, 0);
    berth_platform_inline_advance(&plat, 2000);
    berth_stack_poll(st);
    assert_true(last(&s));
    assert_int_equal(s.ack, seq + 1);
    assert_int_equal(st->snmp.TcpExt_DelayedACKs > 0, 1);
    berth_close(st, fd);
    berth_close(st, l);
}

/* Differences from Linux that packetdrill found (docs/testing.md). */
static void packetdrill_findings(void **state)
{
    (void)state;
    int l = listen_on(87);
    struct seg s;
    /* The handshake's RTT comes from the SYN-ACK, without timestamps too:
     * 100 ms there gives an RTO of 300 ms (Linux's 3 x RTT), not 1 s. */
    nout = 0;
    inject(4000, 87, 1000, 0, TH_SYN, NULL, 0);
    assert_true(last(&s));
    uint32_t iss = s.seq;
    berth_platform_inline_advance(&plat, 100000);
    berth_stack_poll(st);
    inject(4000, 87, 1001, iss + 1, TH_ACK, NULL, 0);
    int fd = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(fd >= 0);
    nout = 0;
    assert_int_equal(berth_send(st, fd, "a", 1, 0), 1);
    assert_int_equal(nout, 1);
    berth_platform_inline_advance(&plat, 299000);
    berth_stack_poll(st);
    assert_int_equal(nout, 1);
    berth_platform_inline_advance(&plat, 2000);
    berth_stack_poll(st);
    assert_int_equal(nout, 2); /* the retransmission */
    inject(4000, 87, 1001, iss + 2, TH_ACK, NULL, 0);
    /* An ACK of data never sent is answered with an ACK, rate-limited. */
    nout = 0;
    inject(4000, 87, 1001, iss + 5000, TH_ACK, NULL, 0);
    assert_int_equal(nout, 1);
    assert_true(last(&s));
    assert_int_equal(s.ack, 1001);
    inject(4000, 87, 1001, iss + 5000, TH_ACK, NULL, 0);
    assert_int_equal(nout, 1);
    /* TCP_NODELAY flushes corked data; data written with MSG_MORE carries
     * no PSH. */
    int one = 1;
    berth_setsockopt(st, fd, IPPROTO_TCP, TCP_CORK, &one, sizeof(one));
    nout = 0;
    berth_send(st, fd, "bc", 2, MSG_MORE);
    assert_int_equal(nout, 0);
    berth_setsockopt(st, fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    assert_int_equal(nout, 1);
    assert_true(last(&s));
    assert_int_equal(s.len, 2);
    assert_int_equal(s.flags, TH_ACK);
    inject(4000, 87, 1001, iss + 4, TH_ACK, NULL, 0);
    /* A FIN on a connection that received no data is acknowledged on the
     * next timer run (Linux's ato is 0 until data arrives), not 40 ms on. */
    nout = 0;
    inject(4000, 87, 1001, iss + 4, TH_FIN | TH_ACK, NULL, 0);
    berth_platform_inline_advance(&plat, 1000);
    berth_stack_poll(st);
    assert_true(last(&s));
    assert_int_equal(s.ack, 1002);
    berth_close(st, fd);
    berth_close(st, l);
}

/* RFC 2018: the first SACK block holds the segment that triggered the ACK,
 * however many holes lie below it (only the lowest eight ranges were looked
 * at once, so the tenth island was never reported first). */
static void sack_first_block_is_latest(void **state)
{
    (void)state;
    int l = listen_on(85);
    /* MSS 1460, SACK-permitted, window scale 0 */
    uint8_t opt[] = {2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 0};
    nout = 0;
    inject_raw(4000, 85, 1000, 0, TH_SYN, 65535, opt, sizeof(opt), NULL, 0, 0, false);
    struct seg s;
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_SYN | TH_ACK);
    uint32_t iss = s.seq;
    inject(4000, 85, 1001, iss + 1, TH_ACK, NULL, 0);
    int fd = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(fd >= 0);
    for (unsigned i = 0; i < 10; i++) {
        uint32_t seq = 1001 + 10 + 20 * i; /* 10 bytes, then a 10-byte hole */
        nout = 0;
        inject(4000, 85, seq, iss + 1, TH_ACK, "0123456789", 10);
        assert_true(last(&s));
        assert_int_equal(s.ack, 1001);
        /* a SACK option (kind 5) after NOP NOP, first block = this island */
        const uint8_t *o = s.opt;
        unsigned k = 0;
        while (k + 1 < s.optlen && o[k] == 1)
            k++;
        assert_true(k + 10 <= s.optlen);
        assert_int_equal(o[k], 5);
        uint32_t left, right;
        memcpy(&left, o + k + 2, 4);
        memcpy(&right, o + k + 6, 4);
        assert_int_equal(ntohl(left), seq);
        assert_int_equal(ntohl(right), seq + 10);
        /* at most four blocks fit without timestamps */
        assert_true(o[k + 1] <= 2 + 8 * 4);
    }
    berth_close(st, fd);
    berth_close(st, l);
}

/* Tail loss probe (RFC 8985 7, Linux's TLP): a connection from
 * 10.0.0.2:4000+port with MSS 1000 and (if sack) SACK-permitted, whose
 * handshake took 10 ms: SRTT 10 ms, RTO 210 ms. */
static int establish_rtt(int l, uint16_t port, bool sack, uint32_t *iss)
{
    uint8_t opt[] = {2, 4, 0x03, 0xe8, 1, 1, 4, 2}; /* MSS 1000, NOP NOP SACK-permitted */
    struct seg s;
    nout = 0;
    inject_raw(4000, port, 1000, 0, TH_SYN, 65535, opt, sack ? 8 : 4, NULL, 0, 0, false);
    assert_true(last(&s));
    *iss = s.seq;
    berth_platform_inline_advance(&plat, 10000);
    berth_stack_poll(st);
    inject(4000, port, 1001, s.seq + 1, TH_ACK, NULL, 0);
    int fd = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(fd >= 0);
    return fd;
}

static void advance_ms(unsigned ms)
{
    berth_platform_inline_advance(&plat, ms * 1000ull);
    berth_stack_poll(st);
}

/* close() with SO_LINGER 0: a RST, nothing left retransmitting. */
static void abort_fd(int fd)
{
    struct linger lg = {1, 0};
    assert_int_equal(berth_setsockopt(st, fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
    berth_close(st, fd);
}

static void tail_loss_probe(void **state)
{
    (void)state;
    static char data[12000];
    memset(data, 'x', sizeof(data));
    struct seg s;
    struct tcp_info ti;
    socklen_t tl = sizeof(ti);
    int l = listen_on(88);
    uint32_t iss;
    int fd = establish_rtt(l, 88, true, &iss);
    uint32_t d = iss + 1; /* the first data byte */

    /* Five segments; the peer acknowledges three: the tail (two segments)
     * is lost. The probe goes 2 SRTT + 2 ms after that ACK (22 ms), long
     * before the RTO (210 ms), and resends the last segment. */
    nout = 0;
    assert_int_equal(berth_send(st, fd, data, 5000, 0), 5000);
    assert_int_equal(nout, 5);
    advance_ms(10);
    inject(4000, 88, 1001, d + 3000, TH_ACK, NULL, 0);
    nout = 0;
    advance_ms(21);
    assert_int_equal(nout, 0);
    advance_ms(2);
    assert_int_equal(nout, 1);
    assert_true(last(&s));
    assert_int_equal(s.seq, d + 4000);
    assert_int_equal(s.len, 1000);
    assert_int_equal(s.flags, TH_ACK | TH_PSH);
    assert_int_equal(st->snmp.TcpExt_TCPLossProbes, 1);
    assert_int_equal(st->snmp.TcpExt_TCPTimeouts, 0);
    /* The peer SACKs the probe: the segment before it is lost, recovery
     * resends it. In recovery there is no probe: nothing more until the
     * RTO, well after 2 SRTT. */
    uint8_t sackopt[12] = {1, 1, 5, 10};
    uint32_t b0 = htonl(d + 4000), b1 = htonl(d + 5000);
    memcpy(sackopt + 4, &b0, 4);
    memcpy(sackopt + 8, &b1, 4);
    nout = 0;
    inject_raw(4000, 88, 1001, d + 3000, TH_ACK, 65535, sackopt, 12, NULL, 0, 0, false);
    assert_true(last(&s));
    assert_int_equal(s.seq, d + 3000);
    assert_int_equal(s.len, 1000);
    assert_int_equal(berth_getsockopt(st, fd, IPPROTO_TCP, TCP_INFO, &ti, &tl), 0);
    assert_int_equal(ti.tcpi_ca_state, TCPCA_RECOVERY);
    nout = 0;
    advance_ms(100);
    assert_int_equal(nout, 0);
    assert_int_equal(st->snmp.TcpExt_TCPLossProbes, 1);
    inject(4000, 88, 1001, d + 5000, TH_ACK, NULL, 0);
    assert_int_equal(berth_getsockopt(st, fd, IPPROTO_TCP, TCP_INFO, &ti, &tl), 0);
    assert_int_equal(ti.tcpi_ca_state, TCPCA_OPEN);
    abort_fd(fd);

    /* A probe that repairs a loss by itself: three segments, the last one
     * lost and resent by the probe. The ACK of exactly what was sent
     * leaves the episode open (a D-SACK might still say the probe was a
     * duplicate); an ACK beyond it, of new data, proves the loss: cwnd is
     * reduced once (TCPLossProbeRecovery), as Linux's CWR. */
    fd = establish_rtt(l, 88, true, &iss);
    d = iss + 1;
    nout = 0;
    assert_int_equal(berth_send(st, fd, data, 3000, 0), 3000);
    assert_int_equal(nout, 3);
    advance_ms(10);
    inject(4000, 88, 1001, d + 1000, TH_ACK, NULL, 0);
    nout = 0;
    advance_ms(23);
    assert_int_equal(nout, 1);
    assert_true(last(&s));
    assert_int_equal(s.seq, d + 2000);
    assert_int_equal(st->snmp.TcpExt_TCPLossProbes, 2);
    inject(4000, 88, 1001, d + 3000, TH_ACK, NULL, 0);
    assert_int_equal(st->snmp.TcpExt_TCPLossProbeRecovery, 0);
    assert_int_equal(berth_getsockopt(st, fd, IPPROTO_TCP, TCP_INFO, &ti, &tl), 0);
    uint32_t cwnd = ti.tcpi_snd_cwnd;
    nout = 0;
    assert_int_equal(berth_send(st, fd, data, 1000, 0), 1000);
    assert_int_equal(nout, 1);
    advance_ms(10);
    inject(4000, 88, 1001, d + 4000, TH_ACK, NULL, 0);
    assert_int_equal(st->snmp.TcpExt_TCPLossProbeRecovery, 1);
    assert_int_equal(berth_getsockopt(st, fd, IPPROTO_TCP, TCP_INFO, &ti, &tl), 0);
    assert_true(ti.tcpi_snd_cwnd < cwnd);
    assert_int_equal(ti.tcpi_ca_state, TCPCA_OPEN);
    abort_fd(fd);

    /* New data first: twelve segments' worth against a window of ten,
     * and no ACK. The probe sends the eleventh segment, beyond cwnd. */
    fd = establish_rtt(l, 88, true, &iss);
    d = iss + 1;
    nout = 0;
    assert_int_equal(berth_send(st, fd, data, 12000, 0), 12000);
    assert_int_equal(nout, 10);
    advance_ms(21);
    assert_int_equal(nout, 10);
    advance_ms(2);
    assert_int_equal(nout, 11);
    assert_true(last(&s));
    assert_int_equal(s.seq, d + 10000);
    assert_int_equal(s.len, 1000);
    assert_int_equal(st->snmp.TcpExt_TCPLossProbes, 3);
    /* At most one probe outstanding: the next timeout is the RTO, 210 ms
     * after the probe, which resends the head. */
    nout = 0;
    advance_ms(200);
    assert_int_equal(nout, 0);
    advance_ms(11);
    assert_true(last(&s));
    assert_int_equal(s.seq, d);
    assert_int_equal(st->snmp.TcpExt_TCPTimeouts, 1);
    assert_int_equal(st->snmp.TcpExt_TCPLossProbes, 3);
    abort_fd(fd);

    /* Without SACK (and with net.ipv4.tcp_early_retrans 0) Linux does not
     * probe: the lost tail waits for the RTO, 210 ms after the last ACK.
     * The knob is Linux's: 3 by default, 0 to 4. */
    char v[8];
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.tcp_early_retrans", v, sizeof(v)), 1);
    assert_string_equal(v, "3");
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_early_retrans", "5"), -1);
    assert_int_equal(errno, EINVAL);
    for (int off = 0; off < 2; off++) {
        if (off)
            assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_early_retrans", "0"), 0);
        fd = establish_rtt(l, 88, off, &iss);
        d = iss + 1;
        nout = 0;
        assert_int_equal(berth_send(st, fd, data, 5000, 0), 5000);
        assert_int_equal(nout, 5);
        advance_ms(10);
        inject(4000, 88, 1001, d + 3000, TH_ACK, NULL, 0);
        nout = 0;
        advance_ms(209);
        assert_int_equal(nout, 0);
        advance_ms(2);
        assert_true(last(&s));
        assert_int_equal(s.seq, d + 3000); /* the RTO resends the head */
        assert_int_equal(st->snmp.TcpExt_TCPLossProbes, 3);
        assert_int_equal(st->snmp.TcpExt_TCPTimeouts, 2 + off);
        abort_fd(fd);
    }
    berth_close(st, l);
}

static void fin_wait2_timeout(void **state)
{
    (void)state;
    int l = listen_on(86);
    uint32_t iss;
    int fd = establish(l, 86, &iss);
    struct seg s;
    nout = 0;
    berth_close(st, fd); /* FIN */
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_FIN | TH_ACK);
    inject(4000, 86, 1001, iss + 2, TH_ACK, NULL, 0); /* the peer acks it, never closes */
    assert_int_equal(st->tcp->tw_count, 1);           /* an orphaned FIN_WAIT2 is a small entry */
    berth_platform_inline_advance(&plat, 59 * 1000000ull);
    berth_stack_poll(st);
    assert_int_equal(st->tcp->tw_count, 1);
    berth_platform_inline_advance(&plat, 2 * 1000000ull);
    berth_stack_poll(st);
    assert_int_equal(st->tcp->tw_count, 0); /* net.ipv4.tcp_fin_timeout: 60 s */
    nout = 0;
    inject(4000, 86, 1001, iss + 2, TH_ACK, "late", 4);
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_RST);
    berth_close(st, l);
}

static void malformed_never_crash(void **state)
{
    (void)state;
    int l = listen_on(84);
    uint32_t iss;
    int fd = establish(l, 84, &iss);
    char b[64];
    nout = 0;
    /* data offset below 5, above the segment, bad checksum: dropped */
    inject_raw(4000, 84, 1001, iss + 1, TH_ACK, 65535, NULL, 0, "xx", 2, 0x20, false);
    inject_raw(4000, 84, 1001, iss + 1, TH_ACK, 65535, NULL, 0, "xx", 2, 0xf0, false);
    inject_raw(4000, 84, 1001, iss + 1, TH_ACK, 65535, NULL, 0, "xx", 2, 0, true);
    assert_int_equal(berth_recv(st, fd, b, sizeof(b), 0), -1);
    assert_int_equal(errno, EAGAIN);
    /* options that lie about their length, zero-length options, junk */
    uint8_t bad1[] = {8, 40, 0, 0}, bad2[] = {2, 0, 1, 1}, bad3[] = {5, 3, 1, 0},
            bad4[] = {3, 1, 0, 0, 8, 10, 0, 0};
    inject_raw(4000, 84, 1001, iss + 1, TH_ACK, 65535, bad1, 4, "a", 1, 0, false);
    inject_raw(4000, 84, 1002, iss + 1, TH_ACK, 65535, bad2, 4, "b", 1, 0, false);
    inject_raw(4000, 84, 1003, iss + 1, TH_ACK, 65535, bad3, 4, "c", 1, 0, false);
    inject_raw(4000, 84, 1004, iss + 1, TH_ACK, 65535, bad4, 8, "d", 1, 0, false);
    assert_int_equal(berth_recv(st, fd, b, sizeof(b), 0), 4);
    assert_memory_equal(b, "abcd", 4);
    /* a storm of random segments at the listener and the connection */
    srand(1);
    for (int i = 0; i < 20000; i++) {
        uint8_t opt[40], data[64];
        unsigned ol = (unsigned)(rand() % 11) * 4, dl = (unsigned)(rand() % 64);
        for (unsigned k = 0; k < ol; k++)
            opt[k] = (uint8_t)rand();
        for (unsigned k = 0; k < dl; k++)
            data[k] = (uint8_t)rand();
        uint16_t sport = (uint16_t)(rand() % 3 ? 4000 : 4000 + rand() % 50);
        uint16_t dport = (uint16_t)(rand() % 4 ? 84 : rand() % 100);
        uint32_t seq = rand() % 2 ? 1005 + (uint32_t)(rand() % 200000) - 100000 : (uint32_t)rand();
        uint32_t ack = rand() % 2 ? iss + 1 : (uint32_t)rand();
        int doff = rand() % 20 ? 0 : (rand() % 16) << 4;
        inject_raw(sport, dport, seq, ack, (uint8_t)rand(), (uint16_t)rand(), opt, ol, data, dl,
                   doff, rand() % 50 == 0);
        if (i % 1000 == 0) {
            berth_platform_inline_advance(&plat, 300000);
            berth_stack_poll(st);
            nout = 0;
        }
        while (berth_recv(st, fd, b, sizeof(b), 0) > 0)
            ;
    }
    /* A new connection still works after all that (once the half-open
     * requests the storm left have timed out). */
    for (int i = 0; i < 130; i++) {
        berth_platform_inline_advance(&plat, 1000000);
        berth_stack_poll(st);
    }
    nout = 0;
    inject(4100, 84, 9000, 0, TH_SYN, NULL, 0);
    struct seg s;
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_SYN | TH_ACK);
    inject(4100, 84, 9001, s.seq + 1, TH_ACK | TH_PSH, "fine", 4);
    int c;
    while ((c = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
        ssize_t r = berth_recv(st, c, b, sizeof(b), 0);
        if (r == 4 && !memcmp(b, "fine", 4))
            break;
        berth_close(st, c);
    }
    assert_true(c >= 0);
    berth_close(st, c);
    berth_close(st, fd);
    berth_close(st, l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(rst_for_no_socket, setup, teardown),
        cmocka_unit_test_setup_teardown(synack_options, setup, teardown),
        cmocka_unit_test_setup_teardown(rfc5961_challenge_acks, setup, teardown),
        cmocka_unit_test_setup_teardown(data_and_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(zero_window_probe, setup, teardown),
        cmocka_unit_test_setup_teardown(nagle_cork_and_delayed_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(packetdrill_findings, setup, teardown),
        cmocka_unit_test_setup_teardown(sack_first_block_is_latest, setup, teardown),
        cmocka_unit_test_setup_teardown(tail_loss_probe, setup, teardown),
        cmocka_unit_test_setup_teardown(fin_wait2_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_never_crash, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    puts("test_tcp_robust: TCP or the simulation compiled out, nothing to test");
    return 0;
}
#endif
