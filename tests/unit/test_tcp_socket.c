/* test_tcp_socket.c — TCP through the socket API on one stack's loopback
 * (inline platform, virtual clock): handshake and data, the connect state
 * machine, refusals, the accept queue, closing with and without RST,
 * TIME_WAIT and its expiry, simultaneous open and close, receive flags,
 * queue ioctls, and 10k connections opened and closed leaving nothing
 * behind. The kernel-checked errno tables live in tests/conformance/. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <cmocka.h>
#include <stdio.h>

#include "testutil.h"

#if BERTH_WITH_TCP
#include "core/stack_impl.h"
#include "tcp/tcp.h"

static struct berth_platform plat;
static berth_stack *st;

static int setup(void **state)
{
    (void)state;
    st = test_stack_inline(&plat, 42);
    return st ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    return 0;
}

static int tcp_sock(int flags) { return berth_socket(st, AF_INET, SOCK_STREAM | flags, 0); }

static int listener(uint16_t port, int backlog)
{
    int fd = tcp_sock(0);
    int one = 1;
    berth_setsockopt(st, fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = sin4("127.0.0.1", port);
    assert_int_equal(berth_bind(st, fd, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_listen(st, fd, backlog), 0);
    return fd;
}

static int connect_to(uint16_t port, int flags)
{
    int fd = tcp_sock(flags);
    struct sockaddr_in a = sin4("127.0.0.1", port);
    int rc = berth_connect(st, fd, SA(a), sizeof(a));
    if (rc < 0 && errno != EINPROGRESS) {
        int e = errno;
        berth_close(st, fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int tcpi_state(int fd)
{
    struct tcp_info ti;
    socklen_t l = sizeof(ti);
    assert_int_equal(berth_getsockopt(st, fd, IPPROTO_TCP, TCP_INFO, &ti, &l), 0);
    return ti.tcpi_state;
}

/* Let virtual time pass, running timers. */
static void advance(uint64_t us)
{
    berth_platform_inline_advance(&plat, us);
    berth_stack_poll(st);
}

static unsigned short local_port(int fd)
{
    struct sockaddr_in a;
    socklen_t l = sizeof(a);
    berth_getsockname(st, fd, SA(a), &l);
    return ntohs(a.sin_port);
}

/* ---- tests ---- */

static void handshake_and_data(void **state)
{
    (void)state;
    int l = listener(7000, 5);
    int c = connect_to(7000, 0);
    assert_true(c >= 0);
    struct sockaddr_in peer;
    socklen_t pl = sizeof(peer);
    int s = berth_accept4(st, l, SA(peer), &pl, 0);
    assert_true(s >= 0);
    assert_int_equal(ntohs(peer.sin_port), local_port(c));
    assert_int_equal(tcpi_state(c), TCP_ESTABLISHED);
    assert_int_equal(tcpi_state(s), TCP_ESTABLISHED);
    struct tcp_info ti;
    socklen_t tl = sizeof(ti);
    berth_getsockopt(st, c, IPPROTO_TCP, TCP_INFO, &ti, &tl);
    assert_true(ti.tcpi_options & TCPI_OPT_TIMESTAMPS);
    assert_true(ti.tcpi_options & TCPI_OPT_SACK);
    assert_true(ti.tcpi_options & TCPI_OPT_WSCALE);
    assert_int_equal(ti.tcpi_snd_mss, 65483); /* lo: 65535 - 40 - 12, as Linux */
    int mss;
    socklen_t ml = sizeof(mss);
    berth_getsockopt(st, c, IPPROTO_TCP, TCP_MAXSEG, &mss, &ml);
    assert_int_equal(mss, 65483);
    assert_int_equal(berth_send(st, c, "ping", 4, 0), 4);
    char buf[16];
    assert_int_equal(berth_recv(st, s, buf, sizeof(buf), 0), 4);
    assert_memory_equal(buf, "ping", 4);
    assert_int_equal(berth_send(st, s, "pong!", 5, 0), 5);
    assert_int_equal(berth_recv(st, c, buf, sizeof(buf), 0), 5);
    /* a large write goes through in pieces as the reader drains it */
    static uint8_t big[300000], got[300000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 13 + 7);
    int nb = 1;
    berth_ioctl(st, c, FIONBIO, &nb);
    berth_ioctl(st, s, FIONBIO, &nb);
    size_t sent = 0, rcvd = 0;
    while (rcvd < sizeof(big)) {
        if (sent < sizeof(big)) {
            ssize_t w = berth_send(st, c, big + sent, sizeof(big) - sent, 0);
            if (w > 0)
                sent += (size_t)w;
            else
                assert_int_equal(errno, EAGAIN);
        }
        ssize_t r = berth_recv(st, s, got + rcvd, sizeof(got) - rcvd, 0);
        if (r > 0)
            rcvd += (size_t)r;
        else
            assert_int_equal(errno, EAGAIN);
    }
    assert_memory_equal(big, got, sizeof(big));
    berth_close(st, c);
    assert_int_equal(berth_recv(st, s, buf, sizeof(buf), 0), 0); /* FIN */
    berth_close(st, s);
    berth_close(st, l);
}

static void refused_and_retry(void **state)
{
    (void)state;
    int c = tcp_sock(0);
    struct sockaddr_in a = sin4("127.0.0.1", 7001);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, ECONNREFUSED);
    int l = listener(7001, 5);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), 0); /* the same socket again */
    int s = berth_accept4(st, l, NULL, NULL, 0);
    assert_true(s >= 0);
    berth_close(st, s);
    berth_close(st, c);
    berth_close(st, l);
    /* non-blocking: EINPROGRESS, the error in SO_ERROR, poll sees it */
    int n = tcp_sock(SOCK_NONBLOCK);
    struct sockaddr_in b = sin4("127.0.0.1", 7002);
    assert_int_equal(berth_connect(st, n, SA(b), sizeof(b)), -1);
    assert_int_equal(errno, EINPROGRESS);
    struct pollfd p = {.fd = n, .events = POLLOUT};
    assert_int_equal(berth_poll(st, &p, 1, 0), 1);
    assert_true(p.revents & POLLERR);
    assert_true(p.revents & POLLHUP);
    int err;
    socklen_t el = sizeof(err);
    berth_getsockopt(st, n, SOL_SOCKET, SO_ERROR, &err, &el);
    assert_int_equal(err, ECONNREFUSED);
    berth_close(st, n);
}

static void nonblocking_connect_states(void **state)
{
    (void)state;
    int l = listener(7003, 5);
    int c = tcp_sock(SOCK_NONBLOCK);
    struct sockaddr_in a = sin4("127.0.0.1", 7003);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EINPROGRESS);
    /* loopback completed the handshake before connect returned */
    struct pollfd p = {.fd = c, .events = POLLOUT};
    assert_int_equal(berth_poll(st, &p, 1, 0), 1);
    assert_int_equal(p.revents, POLLOUT);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), 0); /* once, as Linux */
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EISCONN);
    berth_close(st, c);
    berth_close(st, l);
}

static void accept_errors_and_backlog(void **state)
{
    (void)state;
    int u = tcp_sock(0);
    assert_int_equal(berth_accept4(st, u, NULL, NULL, 0), -1);
    assert_int_equal(errno, EINVAL);
    berth_close(st, u);
    int l = listener(7004, 1);
    /* accept4's SOCK_NONBLOCK is for the new socket; the listener's own
     * O_NONBLOCK decides whether accept waits */
    berth_fcntl(st, l, F_SETFL, O_NONBLOCK);
    assert_int_equal(berth_accept4(st, l, NULL, NULL, 0), -1);
    assert_int_equal(errno, EAGAIN);
    berth_fcntl(st, l, F_SETFL, 0);
    /* backlog 1: the accept queue holds two (Linux's ack_backlog > max) */
    int c1 = connect_to(7004, SOCK_NONBLOCK), c2 = connect_to(7004, SOCK_NONBLOCK),
        c3 = connect_to(7004, SOCK_NONBLOCK);
    assert_int_equal(tcpi_state(c1), TCP_ESTABLISHED);
    assert_int_equal(tcpi_state(c2), TCP_ESTABLISHED);
    assert_int_equal(tcpi_state(c3), TCP_SYN_SENT); /* its SYN was dropped */
    int s1 = berth_accept4(st, l, NULL, NULL, 0);
    assert_true(s1 >= 0);
    advance(1100000); /* the SYN is retransmitted after 1 s */
    assert_int_equal(tcpi_state(c3), TCP_ESTABLISHED);
    int s2 = berth_accept4(st, l, NULL, NULL, 0), s3 = berth_accept4(st, l, NULL, NULL, 0);
    assert_true(s2 >= 0 && s3 >= 0);
    int v = 0;
    socklen_t vl = sizeof(v);
    berth_getsockopt(st, l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
    assert_int_equal(v, 1);
    /* closing the listener resets what was never accepted */
    int c4 = connect_to(7004, SOCK_NONBLOCK);
    berth_close(st, l);
    char b;
    assert_int_equal(berth_recv(st, c4, &b, 1, 0), -1);
    assert_int_equal(errno, ECONNRESET);
    int fds[] = {c1, c2, c3, c4, s1, s2, s3};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        berth_close(st, fds[i]);
}

static void close_unread_sends_rst(void **state)
{
    (void)state;
    int l = listener(7005, 5);
    int c = connect_to(7005, 0);
    int s = berth_accept4(st, l, NULL, NULL, 0);
    berth_send(st, c, "unread", 6, 0);
    berth_close(st, s); /* data never read: RST, not FIN */
    char b[8];
    assert_int_equal(berth_recv(st, c, b, sizeof(b), 0), -1);
    assert_int_equal(errno, ECONNRESET);
    assert_int_equal(berth_recv(st, c, b, sizeof(b), 0), 0);
    assert_int_equal(berth_send(st, c, "x", 1, MSG_NOSIGNAL), -1);
    assert_int_equal(errno, EPIPE);
    berth_close(st, c);
    berth_close(st, l);
}

static void linger_zero_aborts(void **state)
{
    (void)state;
    int l = listener(7006, 5);
    int c = connect_to(7006, 0);
    int s = berth_accept4(st, l, NULL, NULL, 0);
    unsigned short cport = local_port(c);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    berth_setsockopt(st, c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    berth_close(st, c);
    char b;
    assert_int_equal(berth_recv(st, s, &b, 1, 0), -1);
    assert_int_equal(errno, ECONNRESET);
    /* no TIME_WAIT: the port is free at once */
    int n = tcp_sock(0);
    struct sockaddr_in a = sin4("127.0.0.1", cport);
    assert_int_equal(berth_bind(st, n, SA(a), sizeof(a)), 0);
    berth_close(st, n);
    berth_close(st, s);
    berth_close(st, l);
}

static void time_wait_expires(void **state)
{
    (void)state;
    int l = listener(7007, 5);
    int c = tcp_sock(0);
    struct sockaddr_in ca = sin4("127.0.0.1", 7107);
    assert_int_equal(berth_bind(st, c, SA(ca), sizeof(ca)), 0);
    struct sockaddr_in a = sin4("127.0.0.1", 7007);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), 0);
    int s = berth_accept4(st, l, NULL, NULL, 0);
    berth_close(st, c); /* active close: the client side keeps TIME_WAIT */
    char b;
    assert_int_equal(berth_recv(st, s, &b, 1, 0), 0);
    berth_close(st, s);
    assert_int_equal(st->tcp->tw_count, 1);
    int n = tcp_sock(0);
    assert_int_equal(berth_bind(st, n, SA(ca), sizeof(ca)), -1);
    assert_int_equal(errno, EADDRINUSE);
    advance(59 * 1000000ull);
    assert_int_equal(berth_bind(st, n, SA(ca), sizeof(ca)), -1);
    advance(2 * 1000000ull);
    assert_int_equal(st->tcp->tw_count, 0);
    assert_int_equal(berth_bind(st, n, SA(ca), sizeof(ca)), 0);
    berth_close(st, n);
    berth_close(st, l);
}

static void simultaneous_open_and_close(void **state)
{
    (void)state;
    int x = tcp_sock(SOCK_NONBLOCK), y = tcp_sock(SOCK_NONBLOCK);
    struct sockaddr_in ax = sin4("127.0.0.1", 7010), ay = sin4("127.0.0.1", 7011);
    assert_int_equal(berth_bind(st, x, SA(ax), sizeof(ax)), 0);
    assert_int_equal(berth_bind(st, y, SA(ay), sizeof(ay)), 0);
    /* Both SYNs are queued before either is processed: a simultaneous
     * open (RFC 9293 figure 7). The stack lock makes the two calls one
     * step here through the inline platform's input queue. */
    st_lock(st);
    st->in_poll = true; /* hold input until both SYNs are out */
    st_unlock(st);
    int rx = berth_connect(st, x, SA(ay), sizeof(ay));
    int ry = berth_connect(st, y, SA(ax), sizeof(ax));
    st_lock(st);
    st->in_poll = false;
    st_unlock(st);
    assert_int_equal(rx, -1);
    assert_int_equal(ry, -1);
    assert_int_equal(tcpi_state(x), TCP_ESTABLISHED);
    assert_int_equal(tcpi_state(y), TCP_ESTABLISHED);
    assert_int_equal(berth_send(st, x, "hi", 2, 0), 2);
    char b[4];
    assert_int_equal(berth_recv(st, y, b, sizeof(b), 0), 2);
    /* simultaneous close: both FINs cross, both sides go through CLOSING */
    st_lock(st);
    st->in_poll = true;
    st_unlock(st);
    berth_shutdown(st, x, SHUT_WR);
    berth_shutdown(st, y, SHUT_WR);
    st_lock(st);
    st->in_poll = false;
    st_unlock(st);
    assert_int_equal(tcpi_state(x), TCP_CLOSE); /* TIME_WAIT holds the tuple now */
    assert_int_equal(tcpi_state(y), TCP_CLOSE);
    assert_int_equal(st->tcp->tw_count, 2);
    berth_close(st, x);
    berth_close(st, y);
    advance(61 * 1000000ull);
    assert_int_equal(st->tcp->tw_count, 0);
}

static void recv_flags_and_ioctls(void **state)
{
    (void)state;
    int l = listener(7012, 5);
    int c = connect_to(7012, 0);
    int s = berth_accept4(st, l, NULL, NULL, 0);
    char b[16];
    assert_int_equal(berth_recv(st, s, b, sizeof(b), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
    berth_send(st, c, "abcdef", 6, 0);
    int inq = 0, outq = -1;
    berth_ioctl(st, s, SIOCINQ, &inq);
    assert_int_equal(inq, 6);
    berth_ioctl(st, c, SIOCOUTQ, &outq);
    assert_int_equal(outq, 0); /* acknowledged at once on loopback */
    assert_int_equal(berth_recv(st, s, b, 3, MSG_PEEK), 3);
    assert_memory_equal(b, "abc", 3);
    assert_int_equal(berth_recv(st, s, b, 2, 0), 2);
    assert_memory_equal(b, "ab", 2);
    assert_int_equal(berth_recv(st, s, b, sizeof(b), MSG_TRUNC), 4); /* discarded */
    berth_ioctl(st, s, SIOCINQ, &inq);
    assert_int_equal(inq, 0);
    /* MSG_WAITALL waits for all of it: send the rest from a timer-free
     * point by sending first, then asking for exactly that much. */
    berth_send(st, c, "12345678", 8, 0);
    assert_int_equal(berth_recv(st, s, b, 8, MSG_WAITALL), 8);
    /* a listener has no queues to measure */
    assert_int_equal(berth_ioctl(st, l, SIOCINQ, &inq), -1);
    assert_int_equal(errno, EINVAL);
    berth_close(st, c);
    berth_close(st, s);
    berth_close(st, l);
}

static void connect_autobind_shares_ports(void **state)
{
    (void)state;
    /* connect() takes even ports first (RFC 6056 offsets, Linux's order) */
    int l = listener(7013, 64);
    int c = connect_to(7013, 0);
    assert_int_equal(local_port(c) % 2, 0);
    int s = berth_accept4(st, l, NULL, NULL, 0);
    berth_close(st, s);
    berth_close(st, c);
    berth_close(st, l);
}

static void reuseport_group_spreads(void **state)
{
    (void)state;
    int one = 1, l[2];
    for (int i = 0; i < 2; i++) {
        l[i] = tcp_sock(SOCK_NONBLOCK);
        berth_setsockopt(st, l[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
        struct sockaddr_in a = sin4("127.0.0.1", 7015);
        assert_int_equal(berth_bind(st, l[i], SA(a), sizeof(a)), 0);
        assert_int_equal(berth_listen(st, l[i], 64), 0);
    }
    int got[2] = {0, 0}, c[40];
    for (int i = 0; i < 40; i++) {
        c[i] = connect_to(7015, 0);
        assert_true(c[i] >= 0);
        for (int k = 0; k < 2; k++) {
            int s = berth_accept4(st, l[k], NULL, NULL, 0);
            if (s >= 0) {
                got[k]++;
                berth_close(st, s);
            }
        }
    }
    /* a keyed hash of the 4-tuple: both get a share, every one is taken */
    assert_int_equal(got[0] + got[1], 40);
    assert_true(got[0] >= 8 && got[1] >= 8);
    for (int i = 0; i < 40; i++)
        berth_close(st, c[i]);
    berth_close(st, l[0]);
    berth_close(st, l[1]);
}

static void many_connections_leave_nothing(void **state)
{
    (void)state;
    int l = listener(7014, 128);
    unsigned base = st->nsockets;
    for (int i = 0; i < 10000; i++) {
        int c = connect_to(7014, 0);
        assert_true(c >= 0);
        int s = berth_accept4(st, l, NULL, NULL, 0);
        assert_true(s >= 0);
        assert_int_equal(berth_send(st, c, "x", 1, 0), 1);
        char b;
        assert_int_equal(berth_recv(st, s, &b, 1, 0), 1);
        if (i & 1) {
            berth_close(st, c);
            berth_close(st, s);
        } else {
            berth_close(st, s);
            berth_close(st, c);
        }
        if (i % 2000 == 1999)
            advance(61 * 1000000ull); /* TIME_WAIT ends: the range never runs out */
    }
    advance(61 * 1000000ull);
    assert_int_equal(st->nsockets, base);
    assert_int_equal(st->tcp->tw_count, 0);
    assert_int_equal(st->tcp->orphans, 0);
    assert_int_equal(st->tcp->ehash_count, 0);
    berth_close(st, l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(handshake_and_data, setup, teardown),
        cmocka_unit_test_setup_teardown(refused_and_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(nonblocking_connect_states, setup, teardown),
        cmocka_unit_test_setup_teardown(accept_errors_and_backlog, setup, teardown),
        cmocka_unit_test_setup_teardown(close_unread_sends_rst, setup, teardown),
        cmocka_unit_test_setup_teardown(linger_zero_aborts, setup, teardown),
        cmocka_unit_test_setup_teardown(time_wait_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(simultaneous_open_and_close, setup, teardown),
        cmocka_unit_test_setup_teardown(recv_flags_and_ioctls, setup, teardown),
        cmocka_unit_test_setup_teardown(connect_autobind_shares_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(reuseport_group_spreads, setup, teardown),
        cmocka_unit_test_setup_teardown(many_connections_leave_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    puts("test_tcp_socket: TCP or the simulation compiled out, nothing to test");
    return 0;
}
#endif
