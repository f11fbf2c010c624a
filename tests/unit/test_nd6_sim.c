/* test_nd6_sim.c — two berth hosts on a simulated Ethernet link (a vlink
 * hub, virtual time): link-local addresses from their MACs pass DAD,
 * each resolves the other with NS/NA, a duplicate address is caught by
 * DAD, an absent neighbour fails after 3 solicitations. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "berth/nd6.h"
#include "berth/sim.h"
#include "berth/socket.h"
#include "berth/stack.h"

#define S(x) ((uint64_t)(x)*1000000u)

struct world {
    berth_sim *sim;
    berth_vlink *link;
    berth_stack *a, *b;
    berth_netif *ia, *ib;
};

static struct in6_addr lladdr_of(berth_netif *ifp)
{
    uint8_t m[6];
    assert_int_equal(berth_netif_hwaddr(ifp, m), 0);
    struct in6_addr a = {{{0xfe, 0x80}}};
    a.s6_addr[8] = (uint8_t)(m[0] ^ 2);
    a.s6_addr[9] = m[1];
    a.s6_addr[10] = m[2];
    a.s6_addr[11] = 0xff;
    a.s6_addr[12] = 0xfe;
    memcpy(a.s6_addr + 13, m + 3, 3);
    return a;
}

static unsigned flags_of(berth_netif *ifp, const struct in6_addr *a)
{
    struct berth_ifaddr6 l[8];
    long n = berth_netif_addrs6(ifp, l, 8);
    for (long i = 0; i < n && i < 8; i++)
        if (IN6_ARE_ADDR_EQUAL(&l[i].addr, a))
            return l[i].flags | 0x10000u;
    return 0;
}

static void trace(void *arg, const char *line)
{
    (void)arg;
    fprintf(stderr, "%s\n", line);
}

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    w->sim = berth_sim_new(42);
    struct berth_link_params p;
    berth_link_params_init(&p);
    p.latency_us = 100;
    w->link = berth_vlink_new(w->sim, &p);
    w->a = berth_sim_add_host(w->sim, "a", NULL);
    w->b = berth_sim_add_host(w->sim, "b", NULL);
    w->ia = berth_vlink_attach_eth(w->link, w->a, "eth0", 1500);
    w->ib = berth_vlink_attach_eth(w->link, w->b, "eth0", 1500);
    if (getenv("ND6_TRACE")) /* ND6_TRACE=1 ./test_nd6_sim: host a's trace lines */
        berth_stack_set_trace(w->a, trace, NULL);
    if (!w->ia || !w->ib)
        return -1;
    berth_sim_run_until(w->sim, berth_sim_now(w->sim) + S(3));
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    berth_sim_free(w->sim);
    free(w);
    return 0;
}

static void run(struct world *w, uint64_t us)
{
    berth_sim_run_until(w->sim, berth_sim_now(w->sim) + us);
}

/* Both link-local addresses passed DAD; A resolves B (REACHABLE, B's MAC)
 * and B learnt A from the NS (STALE). */
static void test_resolve(void **state)
{
    struct world *w = *state;
    struct in6_addr la = lladdr_of(w->ia), lb = lladdr_of(w->ib);
    assert_int_equal(flags_of(w->ia, &la), 0x10000u | BERTH_IFA_F_PERMANENT);
    assert_int_equal(flags_of(w->ib, &lb), 0x10000u | BERTH_IFA_F_PERMANENT);
    assert_int_equal(berth_nd6_resolve(w->ia, &lb), -1);
    assert_int_equal(errno, EINPROGRESS);
    run(w, 10000);
    struct berth_neigh6 n;
    assert_int_equal(berth_nd6_lookup(w->ia, &lb, &n), 0);
    assert_int_equal(n.state, BERTH_NUD_REACHABLE);
    uint8_t mb[6], ma[6];
    berth_netif_hwaddr(w->ib, mb);
    berth_netif_hwaddr(w->ia, ma);
    assert_memory_equal(n.hwaddr, mb, 6);
    assert_int_equal(berth_nd6_resolve(w->ia, &lb), 0);
    assert_int_equal(berth_nd6_lookup(w->ib, &la, &n), 0);
    assert_memory_equal(n.hwaddr, ma, 6);
    assert_true(n.state == BERTH_NUD_STALE || n.state == BERTH_NUD_DELAY);
    struct berth_nd6_stats sa, sb;
    berth_nd6_stats(w->ia, &sa);
    berth_nd6_stats(w->ib, &sb);
    assert_true(sa.ns_sent >= 2); /* its DAD and the resolution */
    assert_true(sb.na_sent >= 1);
    assert_int_equal(sa.rx_malformed + sb.rx_malformed + sa.rx_bad_hoplimit, 0);
    /* Each heard the other's router solicitations and ignored them. */
    assert_true(sa.rs_sent >= 1 && sb.rs_sent >= 1);
}

/* B adds the address A already has: B's DAD hears A's NA. */
static void test_dad_conflict(void **state)
{
    struct world *w = *state;
    struct in6_addr x;
    inet_pton(AF_INET6, "2001:db8::1", &x);
    assert_int_equal(berth_netif_addr6_add(w->ia, &x, 64), 0);
    run(w, S(3));
    assert_int_equal(flags_of(w->ia, &x), 0x10000u | BERTH_IFA_F_PERMANENT);
    assert_int_equal(berth_netif_addr6_add(w->ib, &x, 64), 0);
    run(w, S(3));
    assert_int_equal(flags_of(w->ib, &x), 0x10000u | BERTH_IFA_F_PERMANENT | BERTH_IFA_F_TENTATIVE |
                                              BERTH_IFA_F_DADFAILED);
    assert_int_equal(flags_of(w->ia, &x), 0x10000u | BERTH_IFA_F_PERMANENT);
    struct berth_nd6_stats s;
    berth_nd6_stats(w->ib, &s);
    assert_int_equal(s.dad_failures, 1);
}

/* Nobody answers: 3 solicitations 1 s apart, then FAILED. */
static void test_unreachable(void **state)
{
    struct world *w = *state;
    struct in6_addr z;
    inet_pton(AF_INET6, "fe80::99", &z);
    struct berth_nd6_stats s0, s1;
    berth_nd6_stats(w->ia, &s0);
    assert_int_equal(berth_nd6_resolve(w->ia, &z), -1);
    run(w, S(3) - 1);
    struct berth_neigh6 n;
    assert_int_equal(berth_nd6_lookup(w->ia, &z, &n), 0);
    assert_int_equal(n.state, BERTH_NUD_INCOMPLETE);
    run(w, 2);
    assert_int_equal(berth_nd6_lookup(w->ia, &z, &n), 0);
    assert_int_equal(n.state, BERTH_NUD_FAILED);
    berth_nd6_stats(w->ia, &s1);
    assert_int_equal(s1.ns_sent - s0.ns_sent, 3);
}

/* UDP over IPv6 between the two hosts' link-local addresses (scope id:
 * the interface), through neighbour discovery both ways. */
static void test_udp_linklocal(void **state)
{
    struct world *w = *state;
    struct in6_addr la = lladdr_of(w->ia), lb = lladdr_of(w->ib);
    int fa = berth_socket(w->a, AF_INET6, SOCK_DGRAM, 0),
        fb = berth_socket(w->b, AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 sb = {.sin6_family = AF_INET6, .sin6_port = htons(7)};
    assert_int_equal(berth_bind(w->b, fb, (struct sockaddr *)&sb, sizeof(sb)), 0);
    sb.sin6_addr = lb;
    sb.sin6_scope_id = berth_netif_index(w->ia);
    assert_int_equal(berth_sendto(w->a, fa, "ping", 4, 0, (struct sockaddr *)&sb, sizeof(sb)), 4);
    run(w, 10000);
    char buf[16];
    struct sockaddr_in6 from;
    socklen_t fl = sizeof(from);
    assert_int_equal(
        berth_recvfrom(w->b, fb, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl), 4);
    assert_true(IN6_ARE_ADDR_EQUAL(&from.sin6_addr, &la));
    assert_int_equal(berth_sendto(w->b, fb, "pong", 4, 0, (struct sockaddr *)&from, fl), 4);
    run(w, 10000);
    assert_int_equal(berth_recv(w->a, fa, buf, sizeof(buf), MSG_DONTWAIT), 4);
    assert_memory_equal(buf, "pong", 4);
    berth_close(w->a, fa);
    berth_close(w->b, fb);
}

/* A datagram to a link-local address nobody has: 3 NS, then an ICMPv6
 * address unreachable generated locally (ndisc_error_report), which a
 * socket with IPV6_RECVERR sees as EHOSTUNREACH on its next call; code 3
 * is not a hard error, so one without it sees nothing (Linux's
 * icmpv6_err_convert). */
static void test_addr_unreachable(void **state)
{
    struct world *w = *state;
    int fr = berth_socket(w->a, AF_INET6, SOCK_DGRAM, 0),
        fp = berth_socket(w->a, AF_INET6, SOCK_DGRAM, 0);
    int one = 1;
    assert_int_equal(berth_setsockopt(w->a, fr, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one)), 0);
    struct sockaddr_in6 z = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
    inet_pton(AF_INET6, "fe80::99", &z.sin6_addr);
    z.sin6_scope_id = berth_netif_index(w->ia);
    assert_int_equal(berth_connect(w->a, fr, (struct sockaddr *)&z, sizeof(z)), 0);
    assert_int_equal(berth_connect(w->a, fp, (struct sockaddr *)&z, sizeof(z)), 0);
    assert_int_equal(berth_send(w->a, fr, "x", 1, 0), 1);
    assert_int_equal(berth_send(w->a, fp, "x", 1, 0), 1);
    run(w, S(3) + 1000);
    errno = 0;
    assert_int_equal(berth_send(w->a, fr, "x", 1, 0), -1);
    assert_int_equal(errno, EHOSTUNREACH);
    assert_int_equal(berth_send(w->a, fp, "x", 1, 0), 1);
    struct berth_arp_stats s;
    assert_int_equal(berth_nd6_cache_stats(w->ia, &s), 0);
    assert_int_equal(s.res_failed, 1);
    assert_int_equal(s.host_unreach_sent, 2);
    berth_close(w->a, fr);
    berth_close(w->a, fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dad_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_linklocal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_addr_unreachable, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
