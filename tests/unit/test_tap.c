/* test_tap.c — the TAP/TUN driver (src/netif/tap.c) and the fault model it
 * applies (src/netif/fault.c).
 *
 * The fault model and the attach errors need nothing. The round trips need
 * root: the test process moves itself into a private network namespace
 * (unshare(CLONE_NEWNET)), creates its TAP device there and talks to berth
 * through the kernel's own UDP sockets, in the driver-thread and the
 * no-thread flavours; they are skipped without root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "berth/arp.h"
#include "berth/socket.h"
#include "berth/tap.h"
#if BERTH_WITH_TAP
#include "netif/fault.h"

/* ---- the fault model ---- */

static void test_fault_rates(void **state)
{
    (void)state;
    struct berth_link_params p;
    memset(&p, 0, sizeof(p));
    struct fault f;
    fault_init(&f, &p, 1);
    assert_false(fault_params_active(&p));
    uint64_t t[2];
    assert_int_equal(fault_decide(&f, 100, 1000, t), 1);
    assert_int_equal(t[0], 100); /* no faults: at once */
    fault_fini(&f);

    p.loss = 0.1;
    p.duplicate = 0.05;
    p.reorder = 0.2;
    p.reorder_us = 5000;
    p.latency_us = 1000;
    p.jitter_us = 100;
    assert_true(fault_params_active(&p));
    fault_init(&f, &p, 42);
    unsigned lost = 0, dup = 0, late = 0, n = 100000;
    for (unsigned i = 0; i < n; i++) {
        int c = fault_decide(&f, 0, 100, t);
        if (c == 0) {
            lost++;
            continue;
        }
        assert_true(t[0] >= 1000 && t[0] <= 1100 + 5000);
        if (t[0] > 1100)
            late++;
        if (c == 2) {
            dup++;
            assert_int_equal(t[1], t[0] + 1);
        }
    }
    assert_true(lost > n / 10 - 1000 && lost < n / 10 + 1000);
    assert_int_equal(f.s.lost, lost);
    assert_true(dup > 4000 && dup < 5000);
    assert_true(late > 17000 && late < 19000); /* 20 % of the 90 % kept */
    assert_int_equal(f.s.frames, n);
    fault_fini(&f);
}

/* Same seed, same fate; the latency does not move the loss pattern (four
 * draws per frame, as vlink). */
static void test_fault_determinism(void **state)
{
    (void)state;
    struct berth_link_params a, b;
    memset(&a, 0, sizeof(a));
    a.loss = 0.3;
    b = a;
    b.latency_us = 7777;
    struct fault fa, fb;
    fault_init(&fa, &a, 99);
    fault_init(&fb, &b, 99);
    for (int i = 0; i < 1000; i++) {
        uint64_t ta[2], tb[2];
        int ca = fault_decide(&fa, (uint64_t)i, 60, ta),
            cb = fault_decide(&fb, (uint64_t)i, 60, tb);
        assert_int_equal(ca, cb);
        if (ca)
            assert_int_equal(tb[0], ta[0] + 7777);
    }
    fault_fini(&fa);
    fault_fini(&fb);
}

/* Bandwidth: frames leave one after the other; a full queue drops. */
static void test_fault_bandwidth(void **state)
{
    (void)state;
    struct berth_link_params p;
    memset(&p, 0, sizeof(p));
    p.bandwidth_bps = 10000000; /* 1250 bytes = 1 ms */
    p.queue_limit = 3;
    struct fault f;
    fault_init(&f, &p, 5);
    uint64_t t[2];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(fault_decide(&f, 0, 1250, t), 1);
        assert_int_equal(t[0], (uint64_t)(i + 1) * 1000);
    }
    assert_int_equal(fault_decide(&f, 0, 1250, t), -1); /* tail drop */
    assert_int_equal(f.s.queue_drops, 1);
    assert_int_equal(fault_decide(&f, 1000, 1250, t), 1); /* one has left */
    assert_int_equal(t[0], 4000);
    fault_fini(&f);
}

/* ---- attach errors (no privileges needed) ---- */

static void test_attach_errors(void **state)
{
    (void)state;
    berth_stack *st = berth_stack_new(NULL);
    assert_non_null(st);
    errno = 0;
    assert_null(berth_tap_attach(st, "nosuch-berth9", NULL));
    assert_int_equal(errno, ENODEV);
    errno = 0;
    assert_null(berth_tap_attach(st, "a-name-far-too-long-for-linux", NULL));
    assert_int_equal(errno, EINVAL);
    assert_null(berth_tap_attach(st, "", NULL));
    berth_netif *lo = berth_netif_by_name(st, "lo");
    assert_false(berth_is_tap(lo));
    errno = 0;
    assert_int_equal(berth_tap_fd(lo), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_tap_next_deadline(lo), BERTH_FOREVER);
    berth_stack_free(st);
}

/* ---- round trips with the kernel (root) ---- */

static int in_netns = -1; /* -1 not tried, 0 no, 1 yes */

static bool private_netns(void)
{
    if (in_netns < 0)
        in_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
    return in_netns == 1;
}

/* The kernel's side of dev: 192.0.2.1/24, up. */
static void kernel_side_up(const char *dev)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, dev);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, "192.0.2.1", &sin->sin_addr);
    assert_int_equal(ioctl(s, SIOCSIFADDR, &ifr), 0);
    inet_pton(AF_INET, "255.255.255.0", &sin->sin_addr);
    assert_int_equal(ioctl(s, SIOCSIFNETMASK, &ifr), 0);
    assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
    ifr.ifr_flags |= IFF_UP;
    assert_int_equal(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
    close(s);
}

static int kernel_udp(uint16_t port)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "192.0.2.1", &a.sin_addr);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    return s;
}

static void kernel_send(int s, uint16_t port, const char *msg)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "192.0.2.2", &to.sin_addr);
    assert_int_equal(sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&to, sizeof(to)),
                     (ssize_t)strlen(msg));
}

static berth_netif *berth_side(berth_stack *st, const char *dev, struct berth_tap_config *cfg)
{
    cfg->create = true;
    berth_netif *ifp = berth_tap_attach(st, dev, cfg);
    assert_non_null(ifp);
    struct in_addr a;
    inet_pton(AF_INET, "192.0.2.2", &a);
    assert_int_equal(berth_netif_addr_add(ifp, a, 24), 0);
    berth_netif_set_up(ifp, true);
    return ifp;
}

static int berth_udp(berth_stack *st, uint16_t port)
{
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    assert_int_equal(berth_bind(st, fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* no_thread: one thread polls the device and services it. */
static void test_roundtrip_no_thread(void **state)
{
    (void)state;
    if (!private_netns())
        skip();
    berth_stack *st = berth_stack_new(NULL);
    struct berth_tap_config cfg;
    berth_tap_config_init(&cfg);
    cfg.no_thread = true;
    berth_netif *ifp = berth_side(st, "btest0", &cfg);
    assert_true(berth_is_tap(ifp));
    assert_int_equal(berth_netif_link(ifp), BERTH_LINK_ETHERNET);
    kernel_side_up("btest0");
    int ks = kernel_udp(5555), bs = berth_udp(st, 7777);
    kernel_send(ks, 7777, "ping");
    char buf[64];
    ssize_t n = -1;
    struct sockaddr_in from;
    socklen_t flen = sizeof(from);
    for (uint64_t end = mono_ms() + 3000; mono_ms() < end;) {
        struct pollfd p = {.fd = berth_tap_fd(ifp), .events = POLLIN};
        poll(&p, 1, 50);
        berth_tap_service(ifp);
        n = berth_recvfrom(st, bs, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
        if (n >= 0)
            break;
    }
    assert_int_equal(n, 4);
    assert_memory_equal(buf, "ping", 4);
    assert_int_equal(ntohs(from.sin_port), 5555);
    /* The answer: berth knows the kernel's MAC from its ARP request. */
    assert_int_equal(berth_sendto(st, bs, "pong", 4, 0, (struct sockaddr *)&from, flen), 4);
    struct pollfd kp = {.fd = ks, .events = POLLIN};
    assert_int_equal(poll(&kp, 1, 2000), 1);
    assert_int_equal(recv(ks, buf, sizeof(buf), 0), 4);
    assert_memory_equal(buf, "pong", 4);
    struct berth_tap_stats ts;
    assert_int_equal(berth_tap_stats(ifp, &ts), 0);
    assert_true(ts.rx_frames >= 2); /* ARP request + datagram */
    assert_true(ts.tx_frames >= 2); /* ARP reply + datagram */
    assert_int_equal(ts.read_errors, 0);
    /* At most the gratuitous ARP failed: the kernel's side was still down
     * (a write to a TAP device that is down fails with EIO). */
    assert_true(ts.write_errors <= 1);
    errno = 0;
    assert_int_equal(berth_tap_service(ifp) >= 0, 1);
    close(ks);
    berth_stack_free(st);
}

/* The driver thread: blocking recv is woken by frames it feeds in; rx
 * faults drop and delay; removal stops the thread while frames arrive. */
static void test_roundtrip_thread(void **state)
{
    (void)state;
    if (!private_netns())
        skip();
    for (int round = 0; round < 3; round++) {
        berth_stack *st = berth_stack_new(NULL);
        struct berth_tap_config cfg;
        berth_tap_config_init(&cfg);
        if (round == 1)
            cfg.rx.loss = 1.0; /* nothing gets in */
        if (round == 2)
            cfg.tx.latency_us = 100000; /* answers leave 100 ms late */
        berth_netif *ifp = berth_side(st, "btest1", &cfg);
        kernel_side_up("btest1");
        int ks = kernel_udp(5556), bs = berth_udp(st, 7778);
        struct timeval tv = {.tv_sec = round == 1 ? 1 : 3};
        berth_setsockopt(st, bs, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        kernel_send(ks, 7778, "hello");
        char buf[64];
        struct sockaddr_in from;
        socklen_t flen = sizeof(from);
        ssize_t n = berth_recvfrom(st, bs, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
        if (round == 1) {
            assert_int_equal(n, -1);
            assert_int_equal(errno, EAGAIN);
            struct berth_tap_stats ts;
            berth_tap_stats(ifp, &ts);
            assert_true(ts.rx_lost >= 1);
        } else {
            assert_int_equal(n, 5);
            uint64_t t0 = mono_ms();
            assert_int_equal(berth_sendto(st, bs, buf, 5, 0, (struct sockaddr *)&from, flen), 5);
            struct pollfd kp = {.fd = ks, .events = POLLIN};
            assert_int_equal(poll(&kp, 1, 2000), 1);
            uint64_t dt = mono_ms() - t0;
            assert_int_equal(recv(ks, buf, sizeof(buf), 0), 5);
            if (round == 2)
                assert_true(dt >= 95); /* held in the delay queue, written by the thread */
            else
                assert_true(dt < 95);
        }
        /* Remove the interface while the kernel keeps sending. */
        for (int i = 0; i < 200; i++)
            kernel_send(ks, 7778, "more");
        berth_netif_remove(ifp);
        close(ks);
        berth_stack_free(st);
    }
}

/* Attach and detach in a loop with traffic: the thread always stops. */
static void test_attach_detach_loop(void **state)
{
    (void)state;
    if (!private_netns())
        skip();
    berth_stack *st = berth_stack_new(NULL);
    for (int i = 0; i < 20; i++) {
        struct berth_tap_config cfg;
        berth_tap_config_init(&cfg);
        berth_netif *ifp = berth_side(st, "btest2", &cfg);
        kernel_side_up("btest2");
        int ks = kernel_udp(5557);
        for (int k = 0; k < 20; k++)
            kernel_send(ks, 9, "x");
        close(ks);
        if (i % 2)
            usleep(1000);
        berth_netif_remove(ifp);
    }
    berth_stack_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_rates),         cmocka_unit_test(test_fault_determinism),
        cmocka_unit_test(test_fault_bandwidth),     cmocka_unit_test(test_attach_errors),
        cmocka_unit_test(test_roundtrip_no_thread), cmocka_unit_test(test_roundtrip_thread),
        cmocka_unit_test(test_attach_detach_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
#include <stdio.h>
int main(void)
{
    puts("the TAP driver is not built (BERTH_WITH_TAP=OFF)");
    return 0;
}
#endif
