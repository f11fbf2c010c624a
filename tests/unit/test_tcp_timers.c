/* test_tcp_timers.c — TCP's give-up rules in virtual time, on a simulated
 * link that starts dropping everything: SYN retries (tcp_syn_retries 6,
 * back-off from 1 s: ETIMEDOUT after 127 s), TCP_SYNCNT, data
 * retransmission (tcp_retries2 15: about 924.6 s of back-off capped at
 * 120 s), TCP_USER_TIMEOUT, and keepalive (TCP_KEEPIDLE / KEEPINTVL /
 * KEEPCNT). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>

#include "tcptest.h"

#if BERTH_WITH_SIM && BERTH_WITH_TCP

static struct tt_net net;
static int lfd;

static int setup(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 1000;
    tt_net_init(&net, 9, &p, 1500);
    lfd = tt_listen(net.b, "192.0.2.2", 80, 8);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tt_net_free(&net);
    return 0;
}

static void black_hole(void)
{
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 1000;
    p.loss = 1.0;
    berth_vlink_set_params(net.link, &p);
}

/* a connects (blocking) to b:80; b accepts in its app hook. */
static int accepted = -1;
static void accept_app(void *arg, berth_stack *host)
{
    (void)arg;
    if (accepted < 0)
        accepted = berth_accept4(host, lfd, NULL, NULL, SOCK_NONBLOCK);
}

static int connected(void)
{
    accepted = -1;
    berth_sim_set_app(net.sim, net.b, accept_app, NULL);
    int fd = berth_socket(net.a, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin4("192.0.2.2", 80);
    assert_int_equal(berth_connect(net.a, fd, SA(to), sizeof(to)), 0);
    berth_sim_run_until(net.sim, berth_sim_now(net.sim) + 10000);
    assert_true(accepted >= 0);
    return fd;
}

static void syn_retries(void **state)
{
    (void)state;
    black_hole();
    int fd = berth_socket(net.a, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = sin4("192.0.2.2", 80);
    uint64_t t0 = berth_sim_now(net.sim);
    assert_int_equal(berth_connect(net.a, fd, SA(to), sizeof(to)), -1);
    assert_int_equal(errno, ETIMEDOUT);
    uint64_t dt = berth_sim_now(net.sim) - t0;
    assert_in_range(dt, 126 * 1000000ull, 128 * 1000000ull); /* 1+2+4+8+16+32+64 s */
    berth_close(net.a, fd);
    /* TCP_SYNCNT 2: 1 + 2 + 4 s */
    fd = berth_socket(net.a, AF_INET, SOCK_STREAM, 0);
    int two = 2;
    berth_setsockopt(net.a, fd, IPPROTO_TCP, TCP_SYNCNT, &two, sizeof(two));
    t0 = berth_sim_now(net.sim);
    assert_int_equal(berth_connect(net.a, fd, SA(to), sizeof(to)), -1);
    assert_int_equal(errno, ETIMEDOUT);
    dt = berth_sim_now(net.sim) - t0;
    assert_in_range(dt, 6 * 1000000ull, 8 * 1000000ull);
    berth_close(net.a, fd);
}

static void data_retries(void **state)
{
    (void)state;
    int fd = connected();
    black_hole();
    uint64_t t0 = berth_sim_now(net.sim);
    assert_int_equal(berth_send(net.a, fd, "lost", 4, 0), 4);
    char b[4];
    assert_int_equal(berth_recv(net.a, fd, b, sizeof(b), 0), -1);
    assert_int_equal(errno, ETIMEDOUT);
    uint64_t dt = berth_sim_now(net.sim) - t0;
    /* tcp_retries2 = 15 with Linux's model: 924.6 s after the first
     * retransmission, itself one RTO (200+ ms) after the send */
    assert_in_range(dt, 924 * 1000000ull, 1050 * 1000000ull);
    int err;
    socklen_t l = sizeof(err);
    berth_getsockopt(net.a, fd, SOL_SOCKET, SO_ERROR, &err, &l);
    assert_int_equal(err, 0); /* recv reported it */
    berth_close(net.a, fd);
}

static void user_timeout(void **state)
{
    (void)state;
    int fd = connected();
    unsigned ms = 5000;
    berth_setsockopt(net.a, fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms));
    black_hole();
    uint64_t t0 = berth_sim_now(net.sim);
    berth_send(net.a, fd, "lost", 4, 0);
    char b[4];
    assert_int_equal(berth_recv(net.a, fd, b, sizeof(b), 0), -1);
    assert_int_equal(errno, ETIMEDOUT);
    uint64_t dt = berth_sim_now(net.sim) - t0;
    assert_in_range(dt, 5 * 1000000ull, 12 * 1000000ull);
    berth_close(net.a, fd);
}

static void keepalive(void **state)
{
    (void)state;
    int fd = connected();
    int one = 1, idle = 10, intvl = 5, cnt = 3;
    berth_setsockopt(net.a, fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    berth_setsockopt(net.a, fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    berth_setsockopt(net.a, fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
    berth_setsockopt(net.a, fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
    /* While the peer answers, probes keep the connection up. */
    uint64_t t0 = berth_sim_now(net.sim);
    berth_sim_run_until(net.sim, t0 + 100 * 1000000ull);
    struct tcp_info ti;
    socklen_t l = sizeof(ti);
    berth_getsockopt(net.a, fd, IPPROTO_TCP, TCP_INFO, &ti, &l);
    assert_int_equal(ti.tcpi_state, TCP_ESTABLISHED);
    /* Then the peer vanishes: 3 probes 5 s apart, then ETIMEDOUT. */
    black_hole();
    t0 = berth_sim_now(net.sim);
    char b[4];
    assert_int_equal(berth_recv(net.a, fd, b, sizeof(b), 0), -1);
    assert_int_equal(errno, ETIMEDOUT);
    uint64_t dt = berth_sim_now(net.sim) - t0;
    assert_in_range(dt, 15 * 1000000ull, 26 * 1000000ull);
    berth_close(net.a, fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(syn_retries, setup, teardown),
        cmocka_unit_test_setup_teardown(data_retries, setup, teardown),
        cmocka_unit_test_setup_teardown(user_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(keepalive, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    puts("test_tcp_timers: TCP or the simulation compiled out, nothing to test");
    return 0;
}
#endif
