/* test_sim.c — the simulation and its links: a seed reproduces a run bit for
 * bit; loss, latency, jitter, bandwidth, queue limit, duplication and
 * reordering do what the parameters say, in virtual time; run_until,
 * run_idle and blocking calls advance the clock as documented. */
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

#if BERTH_WITH_SIM && BERTH_WITH_PCAP

/* Two hosts on one link: a (192.0.2.1) and b (192.0.2.2), each with a UDP
 * socket bound to port 9000. b's app hook (when on) drains its socket and
 * records what arrived and when. */
#define MAXREC 20000
struct net {
    berth_sim *sim;
    berth_vlink *link;
    berth_stack *a, *b;
    berth_netif *ia, *ib;
    int fa, fb;
    unsigned n;           /* datagrams b received */
    uint64_t t[MAXREC];   /* when */
    uint32_t seq[MAXREC]; /* first 4 payload bytes */
    bool echo;            /* b sends each datagram back */
};

static void b_app(void *arg, berth_stack *host)
{
    struct net *n = arg;
    uint8_t buf[2048];
    struct sockaddr_in from;
    for (;;) {
        socklen_t fl = sizeof(from);
        ssize_t r = berth_recvfrom(host, n->fb, buf, sizeof(buf), MSG_DONTWAIT, SA(from), &fl);
        if (r < 0)
            return;
        if (n->n < MAXREC) {
            n->t[n->n] = berth_sim_now(n->sim);
            memcpy(&n->seq[n->n], buf, sizeof(uint32_t));
            n->n++;
        }
        if (n->echo)
            berth_sendto(host, n->fb, buf, (size_t)r, 0, SA(from), fl);
    }
}

static berth_netif *plug(berth_vlink *l, berth_stack *st, const char *prefix)
{
    struct in_addr a;
    unsigned plen;
    berth_netif *ifp = berth_vlink_attach(l, st, "eth0", 1500);
    assert_non_null(ifp);
    assert_int_equal(berth_parse_prefix(prefix, &a, &plen), 0);
    assert_int_equal(berth_netif_addr_add(ifp, a, plen), 0);
    return ifp;
}

static int udp_bound(berth_stack *st, const char *ip)
{
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in s = sin4(ip, 9000);
    assert_int_equal(berth_bind(st, fd, SA(s), sizeof(s)), 0);
    return fd;
}

static struct net *net_new(uint64_t seed, const struct berth_link_params *p, bool app)
{
    struct net *n = calloc(1, sizeof(*n));
    assert_non_null(n);
    n->sim = berth_sim_new(seed);
    n->link = berth_vlink_new(n->sim, p);
    n->a = berth_sim_add_host(n->sim, "a", NULL);
    n->b = berth_sim_add_host(n->sim, "b", NULL);
    assert_non_null(n->a);
    assert_non_null(n->b);
    n->ia = plug(n->link, n->a, "192.0.2.1/24");
    n->ib = plug(n->link, n->b, "192.0.2.2/24");
    n->fa = udp_bound(n->a, "192.0.2.1");
    n->fb = udp_bound(n->b, "192.0.2.2");
    if (app)
        assert_int_equal(berth_sim_set_app(n->sim, n->b, b_app, n), 0);
    return n;
}

static void net_free(struct net *n)
{
    berth_sim_free(n->sim);
    free(n);
}

/* a sends a datagram of `len` bytes (>= 4) starting with seq to b. */
static ssize_t send_seq(struct net *n, uint32_t seq, size_t len)
{
    uint8_t buf[1472] = {0};
    memcpy(buf, &seq, sizeof(seq));
    struct sockaddr_in to = sin4("192.0.2.2", 9000);
    return berth_sendto(n->a, n->fa, buf, len, 0, SA(to), sizeof(to));
}

static struct berth_vlink_stats stats(const struct net *n)
{
    struct berth_vlink_stats s;
    berth_vlink_stats(n->link, &s);
    return s;
}

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc((size_t)sz + 1);
    assert_int_equal(fread(buf, 1, (size_t)sz, f), (size_t)sz);
    fclose(f);
    *len = (size_t)sz;
    return buf;
}

/* ---- determinism ---- */

struct run_result {
    struct berth_vlink_stats st;
    uint64_t end;
    unsigned received;
};

/* Every fault at once, an echo server, an ephemeral client port (host
 * randomness), 300 datagrams one per ms, captured on a's interface. */
static struct run_result scenario(uint64_t seed, const char *pcap)
{
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 2000;
    p.jitter_us = 1500;
    p.bandwidth_bps = 2000000;
    p.loss = 0.05;
    p.duplicate = 0.05;
    p.reorder = 0.1;
    p.reorder_us = 3000;
    p.queue_limit = 4;
    struct net *n = net_new(seed, &p, true);
    n->echo = true;
    assert_int_equal(berth_pcap_open(n->ia, pcap), 0);
    int fd = berth_socket(n->a, AF_INET, SOCK_DGRAM, 0); /* autobound at first send */
    struct sockaddr_in to = sin4("192.0.2.2", 9000);
    for (uint32_t i = 0; i < 300; i++) {
        uint8_t buf[600] = {0};
        memcpy(buf, &i, sizeof(i));
        berth_sendto(n->a, fd, buf, 100 + (i % 5) * 100, 0, SA(to), sizeof(to));
        berth_sim_run_until(n->sim, berth_sim_now(n->sim) + 1000);
    }
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    struct run_result r = {.st = stats(n), .end = berth_sim_now(n->sim), .received = n->n};
    net_free(n); /* closes the capture */
    return r;
}

static void same_seed_same_bytes(void **state)
{
    (void)state;
    char p1[] = "/tmp/berth_sim_a_XXXXXX", p2[] = "/tmp/berth_sim_b_XXXXXX",
         p3[] = "/tmp/berth_sim_c_XXXXXX";
    close(mkstemp(p1));
    close(mkstemp(p2));
    close(mkstemp(p3));
    struct run_result r1 = scenario(1234, p1), r2 = scenario(1234, p2), r3 = scenario(1235, p3);
    size_t l1, l2, l3;
    void *b1 = slurp(p1, &l1), *b2 = slurp(p2, &l2), *b3 = slurp(p3, &l3);
    assert_true(l1 > 24 + 300 * 16);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    assert_memory_equal(&r1.st, &r2.st, sizeof(r1.st)); /* all uint64_t: no padding */
    assert_int_equal(r1.end, r2.end);
    assert_int_equal(r1.received, r2.received);
    /* Every fault happened, so the comparison means something. */
    assert_true(r1.st.lost && r1.st.duplicated && r1.st.reordered && r1.st.queue_drops);
    /* Another seed: another run. */
    assert_true(l1 != l3 || memcmp(b1, b3, l1) != 0);
    assert_true(memcmp(&r1.st, &r3.st, sizeof(r1.st)) != 0);
    free(b1), free(b2), free(b3);
    unlink(p1), unlink(p2), unlink(p3);
}

/* ---- the fault model ---- */

static void loss_rate_is_honoured(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.loss = 0.1;
    p.latency_us = 100;
    struct net *n = net_new(99, &p, true);
    for (uint32_t i = 0; i < 10000; i++) {
        send_seq(n, i, 16);
        berth_sim_run_until(n->sim, berth_sim_now(n->sim) + 10);
    }
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    struct berth_vlink_stats s = stats(n);
    assert_int_equal(s.sent, 10000);
    /* Binomial(10000, 0.1): sd 30; 5 sd either side. */
    assert_in_range(s.lost, 850, 1150);
    assert_int_equal(s.delivered + s.lost, s.sent);
    assert_int_equal(n->n, s.delivered);
    assert_int_equal(s.duplicated + s.reordered + s.queue_drops, 0);
    net_free(n);
}

static void latency_is_exact_in_virtual_time(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 5000;
    struct net *n = net_new(1, &p, false);
    berth_sim_run_until(n->sim, 1000000);
    assert_int_equal(berth_sim_now(n->sim), 1000000);
    assert_int_equal(send_seq(n, 7, 32), 32);
    /* b blocks: its wait runs the simulation until the datagram lands. */
    uint8_t buf[64];
    assert_int_equal(berth_recv(n->b, n->fb, buf, sizeof(buf), 0), 32);
    assert_int_equal(berth_sim_now(n->sim), 1005000);
    net_free(n);
}

static void jitter_stays_in_bounds(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 1000;
    p.jitter_us = 500;
    struct net *n = net_new(3, &p, true);
    uint64_t sent[200];
    for (uint32_t i = 0; i < 200; i++) {
        sent[i] = berth_sim_now(n->sim);
        send_seq(n, i, 8);
        berth_sim_run_until(n->sim, sent[i] + 2000); /* one at a time */
    }
    assert_int_equal(n->n, 200);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < n->n; i++) {
        uint64_t d = n->t[i] - sent[n->seq[i]];
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_in_range(lo, 1000, 1050); /* the extremes are reached, nearly */
    assert_in_range(hi, 1450, 1500);
    net_free(n);
}

static void bandwidth_serialises_per_port(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 300;
    p.bandwidth_bps = 1000000; /* 1 bit per us */
    struct net *n = net_new(5, &p, true);
    /* 97 bytes + 28 of headers = 125 bytes = 1000 us on the wire each. */
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(send_seq(n, i, 97), 97);
    /* The other direction has its own transmitter: not delayed by a's. */
    uint8_t one[97] = {0};
    struct sockaddr_in to = sin4("192.0.2.1", 9000);
    assert_int_equal(berth_sendto(n->b, n->fb, one, sizeof(one), 0, SA(to), sizeof(to)), 97);
    uint8_t buf[128];
    assert_int_equal(berth_recv(n->a, n->fa, buf, sizeof(buf), 0), 97);
    assert_int_equal(berth_sim_now(n->sim), 1000 + 300);
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    assert_int_equal(n->n, 5);
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(n->seq[i], i);
        assert_int_equal(n->t[i], (i + 1) * 1000 + 300);
    }
    /* An idle port starts again from now, not from its old schedule. */
    berth_sim_run_until(n->sim, 100000);
    send_seq(n, 9, 97);
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    assert_int_equal(n->t[5], 100000 + 1000 + 300);
    net_free(n);
}

static void queue_limit_tail_drops(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.bandwidth_bps = 1000000;
    p.queue_limit = 3;
    struct net *n = net_new(5, &p, true);
    for (uint32_t i = 0; i < 10; i++)
        send_seq(n, i, 97);
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    struct berth_vlink_stats s = stats(n);
    assert_int_equal(s.sent, 10);
    assert_int_equal(s.queue_drops, 7);
    assert_int_equal(s.delivered, 3);
    assert_int_equal(n->n, 3);
    assert_int_equal(n->seq[2], 2); /* the tail was dropped, not the head */
    /* Once the port has drained, frames are accepted again. */
    send_seq(n, 10, 97);
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    assert_int_equal(n->n, 4);
    net_free(n);
}

static void duplicate_arrives_1us_later(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 700;
    p.duplicate = 1.0;
    struct net *n = net_new(5, &p, true);
    send_seq(n, 42, 20);
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    assert_int_equal(n->n, 2);
    assert_int_equal(n->seq[0], 42);
    assert_int_equal(n->seq[1], 42);
    assert_int_equal(n->t[0], 700);
    assert_int_equal(n->t[1], 701);
    struct berth_vlink_stats s = stats(n);
    assert_int_equal(s.sent, 1);
    assert_int_equal(s.duplicated, 1);
    assert_int_equal(s.delivered, 2);
    net_free(n);
}

/* Also: parameters change while the simulation runs. */
static void reorder_holds_a_frame_back(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 1000;
    p.reorder = 1.0;
    p.reorder_us = 5000;
    struct net *n = net_new(5, &p, true);
    send_seq(n, 1, 8);
    p.reorder = 0;
    berth_vlink_set_params(n->link, &p);
    berth_sim_run_until(n->sim, 10);
    send_seq(n, 2, 8);
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    assert_int_equal(n->n, 2);
    assert_int_equal(n->seq[0], 2);
    assert_int_equal(n->t[0], 1010);
    assert_int_equal(n->seq[1], 1);
    assert_int_equal(n->t[1], 6000);
    assert_int_equal(stats(n).reordered, 1);
    net_free(n);
}

static void random_reordering_is_visible(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 1000;
    p.reorder = 0.25;
    p.reorder_us = 2500;
    struct net *n = net_new(8, &p, true);
    for (uint32_t i = 0; i < 400; i++) {
        send_seq(n, i, 8);
        berth_sim_run_until(n->sim, berth_sim_now(n->sim) + 1000);
    }
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    assert_int_equal(n->n, 400);
    unsigned inversions = 0;
    for (unsigned i = 1; i < n->n; i++)
        inversions += n->seq[i] < n->seq[i - 1];
    assert_in_range(stats(n).reordered, 60, 140);
    assert_true(inversions > 30);
    net_free(n);
}

static void hub_delivers_to_every_other_port(void **state)
{
    (void)state;
    struct net *n = net_new(5, NULL, true);
    berth_stack *c = berth_sim_add_host(n->sim, "c", NULL);
    assert_non_null(c);
    plug(n->link, c, "192.0.2.3/24");
    int fc = udp_bound(c, "192.0.2.3");
    send_seq(n, 3, 8); /* to b: c's IP layer sees it and drops it (not local) */
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    assert_int_equal(stats(n).delivered, 2);
    assert_int_equal(n->n, 1);
    assert_int_equal(snmp(c, "Ip", "InReceives"), 1);
    assert_int_equal(snmp(n->a, "Ip", "InReceives"), 0); /* not back to the sender */
    (void)fc;
    net_free(n);
}

/* ---- running the simulation ---- */

static void run_until_and_run_idle(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 1000000;
    struct net *n = net_new(5, &p, true);
    assert_int_equal(berth_sim_run_until(n->sim, 5000), 0); /* nothing due */
    assert_int_equal(berth_sim_now(n->sim), 5000);
    assert_int_equal(berth_sim_run_until(n->sim, 10), 0); /* never backwards */
    assert_int_equal(berth_sim_now(n->sim), 5000);
    for (uint32_t i = 0; i < 3; i++)
        send_seq(n, i, 8);
    assert_int_equal(berth_sim_run_until(n->sim, 1004999), 0);
    assert_int_equal(n->n, 0);
    assert_int_equal(berth_sim_run_until(n->sim, 1005000), 3); /* due at t: run */
    assert_int_equal(n->n, 3);
    assert_int_equal(berth_sim_now(n->sim), 1005000);

    /* run_idle: bounded by max_us (the clock ends at the bound)... */
    send_seq(n, 3, 8);
    assert_int_equal(berth_sim_run_idle(n->sim, 400000), 0);
    assert_int_equal(berth_sim_now(n->sim), 1405000);
    /* ...or stops when nothing is pending (the clock stays at the last event). */
    assert_int_equal(berth_sim_run_idle(n->sim, BERTH_FOREVER), 1);
    assert_int_equal(berth_sim_now(n->sim), 2005000);
    assert_int_equal(berth_sim_run_idle(n->sim, BERTH_FOREVER), 0);
    assert_int_equal(berth_sim_now(n->sim), 2005000);
    net_free(n);
}

static void blocking_recv_that_can_never_succeed_is_edeadlk(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 2000;
    struct net *n = net_new(5, &p, false);
    uint8_t buf[16];
    send_seq(n, 1, 8);
    /* One datagram in flight: the first recv gets it... */
    assert_int_equal(berth_recv(n->b, n->fb, buf, sizeof(buf), 0), 8);
    assert_int_equal(berth_sim_now(n->sim), 2000);
    /* ...the second would wait forever: nothing is scheduled anywhere. */
    errno = 0;
    assert_int_equal(berth_recv(n->b, n->fb, buf, sizeof(buf), 0), -1);
    assert_int_equal(errno, EDEADLK);
    assert_int_equal(berth_sim_now(n->sim), 2000);
    /* With SO_RCVTIMEO it times out instead, exactly on time. */
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000}; /* whole jiffies */
    assert_int_equal(berth_setsockopt(n->b, n->fb, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    assert_int_equal(berth_recv(n->b, n->fb, buf, sizeof(buf), 0), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(berth_sim_now(n->sim), 202000);
    /* poll with a timeout runs the simulation the same way. */
    send_seq(n, 2, 8);
    struct pollfd pfd = {.fd = n->fb, .events = POLLIN};
    assert_int_equal(berth_poll(n->b, &pfd, 1, 1000), 1);
    assert_int_equal(berth_sim_now(n->sim), 204000);
    net_free(n);
}

static unsigned app_calls;
static void count_app(void *arg, berth_stack *host)
{
    (void)arg, (void)host;
    app_calls++;
}

static void app_hook_skips_the_waiting_host(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 10;
    struct net *n = net_new(5, &p, false);
    app_calls = 0;
    assert_int_equal(berth_sim_set_app(n->sim, n->b, count_app, NULL), 0);
    uint8_t buf[16];
    send_seq(n, 1, 8);
    /* b is mid-call while the delivery runs: its app must not re-enter it. */
    assert_int_equal(berth_recv(n->b, n->fb, buf, sizeof(buf), 0), 8);
    assert_int_equal(app_calls, 0);
    send_seq(n, 2, 8);
    assert_int_equal(berth_sim_run_idle(n->sim, BERTH_FOREVER), 1);
    assert_int_equal(app_calls, 1);
    assert_int_equal(berth_sim_set_app(n->sim, n->b, NULL, NULL), 0);

    struct berth_platform plat;
    berth_stack *other = test_stack_inline(&plat, 1);
    errno = 0;
    assert_int_equal(berth_sim_set_app(n->sim, other, count_app, NULL), -1);
    assert_int_equal(errno, ENOENT);
    /* A stack outside the simulation cannot be plugged into its links. */
    assert_null(berth_vlink_attach(n->link, other, "eth9", 1500));
    assert_int_equal(errno, EINVAL);
    berth_stack_free(other);
    berth_platform_inline_release(&plat);
    net_free(n);
}

static void interface_removed_with_frames_in_flight(void **state)
{
    (void)state;
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 1000;
    struct net *n = net_new(5, &p, false);
    send_seq(n, 1, 8);
    send_seq(n, 2, 8);
    assert_int_equal(berth_netif_remove(n->ib), 0);
    berth_sim_run_idle(n->sim, BERTH_FOREVER);
    assert_int_equal(stats(n).delivered, 0);
    assert_int_equal(snmp(n->b, "Ip", "InReceives"), 0);
    send_seq(n, 3, 8); /* still pending when the simulation is freed */
    net_free(n);
}

static void hosts_draw_from_the_seed(void **state)
{
    (void)state;
    uint16_t port[3];
    uint64_t seeds[3] = {77, 77, 78};
    for (int i = 0; i < 3; i++) {
        berth_sim *sim = berth_sim_new(seeds[i]);
        berth_stack *h = berth_sim_add_host(sim, "h", NULL);
        int fd = berth_socket(h, AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in s = sin4("127.0.0.1", 0);
        socklen_t sl = sizeof(s);
        assert_int_equal(berth_bind(h, fd, SA(s), sizeof(s)), 0);
        assert_int_equal(berth_getsockname(h, fd, SA(s), &sl), 0);
        port[i] = ntohs(s.sin_port);
        berth_sim_free(sim);
    }
    assert_int_equal(port[0], port[1]);
    assert_int_not_equal(port[0], port[2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_bytes),
        cmocka_unit_test(loss_rate_is_honoured),
        cmocka_unit_test(latency_is_exact_in_virtual_time),
        cmocka_unit_test(jitter_stays_in_bounds),
        cmocka_unit_test(bandwidth_serialises_per_port),
        cmocka_unit_test(queue_limit_tail_drops),
        cmocka_unit_test(duplicate_arrives_1us_later),
        cmocka_unit_test(reorder_holds_a_frame_back),
        cmocka_unit_test(random_reordering_is_visible),
        cmocka_unit_test(hub_delivers_to_every_other_port),
        cmocka_unit_test(run_until_and_run_idle),
        cmocka_unit_test(blocking_recv_that_can_never_succeed_is_edeadlk),
        cmocka_unit_test(app_hook_skips_the_waiting_host),
        cmocka_unit_test(interface_removed_with_frames_in_flight),
        cmocka_unit_test(hosts_draw_from_the_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    puts("test_sim: simulation or pcap compiled out, nothing to test");
    return 0;
}
#endif
