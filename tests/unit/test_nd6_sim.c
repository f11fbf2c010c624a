/* test_nd6_sim.c — two berth hosts on a simulated Ethernet link (a vlink
 * hub, virtual time): link-local addresses from their MACs pass DAD,
 * each resolves the other with NS/NA, a duplicate address is caught by
 * DAD, an absent neighbour fails after 3 solicitations. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "berth/nd6.h"
#include "berth/sim.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dad_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
