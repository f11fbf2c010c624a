/* test_tcp_fastopen.c — TCP Fast Open's client side without cookies, on
 * the wire: a raw interface (10.0.0.1/24) whose output the test reads, the
 * peer 10.0.0.2 played by hand-made segments. Checks the SYN's option bytes
 * against what Linux 6.18 sends (captured on lo: MSS, SACK-permitted +
 * timestamp, NOP + window scale, then 34 2 NOP NOP), Linux's alternation to
 * the experimental option (254 4 0xF9 0x89) after an unanswered request,
 * that no data rides on the SYN, and that a berth listener answers a SYN
 * carrying data and a cookie request with a plain SYN-ACK that
 * acknowledges the SYN only (RFC 7413 with the server side off). */
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
#include "berth/sysctl.h"
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "segtest.h"
#include "tcp/tcp.h"
#include "segcap.h" /* last: it defines the fixture globals (st, raw) */

static void inject(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                   const uint8_t *opt, unsigned optlen, const void *data, unsigned len)
{
    uint8_t p[2048];
    struct seg_spec sp = {.sport = sport,
                          .dport = dport,
                          .seq = seq,
                          .ack = ack,
                          .flags = flags,
                          .wnd = 65535,
                          .opt = opt,
                          .optlen = optlen,
                          .data = data,
                          .len = len};
    inet_pton(AF_INET, "10.0.0.2", &sp.src);
    inet_pton(AF_INET, "10.0.0.1", &sp.dst);
    berth_netif_input(raw, p, seg_build(p, &sp));
}

static int setup(void **state)
{
    (void)state;
    return segcap_setup(11);
}

static int teardown(void **state)
{
    (void)state;
    return segcap_teardown();
}

/* The SYN options Linux sends with a cookie request, less the timestamp
 * value: MSS 1460, SACK-permitted + TS, NOP WS 7, then the request. */
static void check_syn(const struct seg *s, const uint8_t fo[4])
{
    assert_int_equal(s->flags, TH_SYN);
    assert_int_equal(s->len, 0); /* no cookie: no data in the SYN */
    assert_int_equal(s->optlen, 24);
    static const uint8_t head[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10};
    assert_memory_equal(s->opt, head, sizeof(head));
    static const uint8_t ws[] = {1, 3, 3};
    assert_memory_equal(s->opt + 16, ws, sizeof(ws));
    assert_memory_equal(s->opt + 20, fo, 4);
}

static const uint8_t FO_RFC[4] = {34, 2, 1, 1};
static const uint8_t FO_EXP[4] = {254, 4, 0xf9, 0x89};

/* A non-blocking sendto(MSG_FASTOPEN) to 10.0.0.2:port: EINPROGRESS and
 * one SYN, checked against want; then the SYN-ACK (with synack_opt) and
 * the data sent once connected. Returns the descriptor. */
static int fastopen_round(uint16_t port, const uint8_t want[4], const uint8_t *synack_opt,
                          unsigned synack_optlen)
{
    int fd = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(fd >= 0);
    struct sockaddr_in to = sin4("10.0.0.2", port);
    nout = 0;
    errno = 0;
    assert_int_equal(berth_sendto(st, fd, "hello", 5, MSG_FASTOPEN, SA(to), sizeof(to)), -1);
    assert_int_equal(errno, EINPROGRESS);
    struct seg s;
    assert_int_equal(nout, 1);
    assert_true(last(&s));
    check_syn(&s, want);
    nout = 0;
    inject(port, s.sport, 5000, s.seq + 1, TH_SYN | TH_ACK, synack_opt, synack_optlen, NULL, 0);
    struct seg a;
    assert_true(last(&a));
    assert_int_equal(a.flags, TH_ACK);
    assert_int_equal(a.ack, 5001);
    /* The data was not taken: the application sends it now. */
    nout = 0;
    assert_int_equal(berth_send(st, fd, "hello", 5, 0), 5);
    assert_true(last(&a));
    assert_int_equal(a.len, 5);
    assert_int_equal(a.seq, s.seq + 1);
    return fd;
}

/* MSS 1460 only: a SYN-ACK with no Fast Open option. */
static const uint8_t SYNACK_PLAIN[] = {2, 4, 0x05, 0xb4};

static void request_then_experimental(void **state)
{
    (void)state;
    /* First request: kind 34. Unanswered (no cookie in the SYN-ACK), so
     * Linux tries the experimental form once, then kind 34 for good. */
    int a = fastopen_round(80, FO_RFC, SYNACK_PLAIN, sizeof(SYNACK_PLAIN));
    int b = fastopen_round(81, FO_EXP, SYNACK_PLAIN, sizeof(SYNACK_PLAIN));
    int c = fastopen_round(82, FO_RFC, SYNACK_PLAIN, sizeof(SYNACK_PLAIN));
    int d = fastopen_round(83, FO_RFC, SYNACK_PLAIN, sizeof(SYNACK_PLAIN));
    berth_close(st, a);
    berth_close(st, b);
    berth_close(st, c);
    berth_close(st, d);
}

static void cookie_keeps_rfc_option(void **state)
{
    (void)state;
    /* A SYN-ACK with a cookie (8 bytes): the request was answered, so the
     * next request is kind 34 again (berth does not store the cookie). */
    uint8_t with_cookie[] = {2, 4, 0x05, 0xb4, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1};
    int a = fastopen_round(80, FO_RFC, with_cookie, sizeof(with_cookie));
    int b = fastopen_round(81, FO_RFC, SYNACK_PLAIN, sizeof(SYNACK_PLAIN));
    berth_close(st, a);
    berth_close(st, b);
}

static void fastopen_connect_option(void **state)
{
    (void)state;
    int fd = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    assert_int_equal(berth_setsockopt(st, fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof one),
                     0);
    struct sockaddr_in to = sin4("10.0.0.2", 90);
    nout = 0;
    errno = 0;
    assert_int_equal(berth_connect(st, fd, SA(to), sizeof(to)), -1);
    assert_int_equal(errno, EINPROGRESS);
    struct seg s;
    assert_true(last(&s));
    check_syn(&s, FO_RFC);
    /* The SYN retransmitted at 1 s asks for nothing (as Linux). */
    nout = 0;
    berth_platform_inline_advance(&plat, 1100000);
    berth_stack_poll(st);
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_SYN);
    assert_int_equal(s.optlen, 20);
    berth_close(st, fd);
    /* A plain connect asks for nothing: 20 bytes of options. */
    fd = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    nout = 0;
    assert_int_equal(berth_connect(st, fd, SA(to), sizeof(to)), -1);
    assert_true(last(&s));
    assert_int_equal(s.optlen, 20);
    berth_close(st, fd);
    /* net.ipv4.tcp_fastopen = 0: MSG_FASTOPEN is refused, nothing sent. */
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.tcp_fastopen", "0"), 0);
    fd = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    nout = 0;
    errno = 0;
    assert_int_equal(berth_sendto(st, fd, "x", 1, MSG_FASTOPEN, SA(to), sizeof(to)), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(nout, 0);
    berth_close(st, fd);
}

static void listener_ignores_syn_data(void **state)
{
    (void)state;
    int l = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = sin4("10.0.0.1", 80);
    assert_int_equal(berth_bind(st, l, SA(a), sizeof(a)), 0);
    int qlen = 5;
    assert_int_equal(berth_setsockopt(st, l, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof qlen), 0);
    assert_int_equal(berth_listen(st, l, 8), 0);
    /* A SYN with a cookie request and data: the SYN-ACK offers no cookie
     * and acknowledges the SYN only; the data is not delivered. */
    uint8_t opt[] = {2, 4, 0x05, 0xb4, 34, 2, 1, 1};
    nout = 0;
    inject(4000, 80, 1000, 0, TH_SYN, opt, sizeof(opt), "early", 5);
    struct seg s;
    assert_true(last(&s));
    assert_int_equal(s.flags, TH_SYN | TH_ACK);
    assert_int_equal(s.ack, 1001);
    for (unsigned i = 0; i + 1 < s.optlen; i++)
        assert_true(s.opt[i] != 34 && s.opt[i] != 254);
    /* The client (RFC 7413 4.2.2) sends the data again after the handshake. */
    inject(4000, 80, 1001, s.seq + 1, TH_ACK, NULL, 0, NULL, 0);
    int c = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
    assert_true(c >= 0);
    char buf[16];
    errno = 0;
    assert_int_equal(berth_recv(st, c, buf, sizeof(buf), 0), -1);
    assert_int_equal(errno, EAGAIN);
    inject(4000, 80, 1001, s.seq + 1, TH_ACK | TH_PSH, NULL, 0, "early", 5);
    assert_int_equal(berth_recv(st, c, buf, sizeof(buf), 0), 5);
    assert_memory_equal(buf, "early", 5);
    berth_close(st, c);
    berth_close(st, l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(request_then_experimental, setup, teardown),
        cmocka_unit_test_setup_teardown(cookie_keeps_rfc_option, setup, teardown),
        cmocka_unit_test_setup_teardown(fastopen_connect_option, setup, teardown),
        cmocka_unit_test_setup_teardown(listener_ignores_syn_data, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    puts("test_tcp_fastopen: TCP compiled out, nothing to test");
    return 0;
}
#endif
