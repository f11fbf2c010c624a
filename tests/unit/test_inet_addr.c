/* test_inet_addr.c — the family-neutral address type (src/ip/inet_addr.h)
 * and the address and route questions src/ip answers for transports
 * (src/ip/ip_route.h), on a stack with only lo (127.0.0.1/8, ::1/128,
 * MTU 65535), as Linux's lo: 127.255.255.255 is lo's broadcast, 224/4
 * multicast, every 127/8 address local. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "berth/platform.h"
#include "berth/stack.h"
#include "bind/bind.h"
#include "ip/inet_addr.h"
#include "ip/ip_route.h"

static struct in_addr a4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static union inet_addr a6(const char *s)
{
    struct in6_addr a;
    assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    return inet_addr_from6(&a);
}

static void test_v4_is_mapped(void **state)
{
    (void)state;
    union inet_addr v = inet_addr_from4(a4("192.0.2.7"));
    union inet_addr m = a6("::ffff:192.0.2.7");
    assert_true(inet_addr_is_v4(&v));
    assert_true(inet_addr_eq(&v, &m));
    assert_int_equal(inet_addr_v4(&v).s_addr, a4("192.0.2.7").s_addr);
    union inet_addr n = a6("2001:db8::c000:207"); /* same last word, not mapped */
    assert_false(inet_addr_is_v4(&n));
    assert_false(inet_addr_eq(&v, &n));
    union inet_addr compat = a6("::192.0.2.7"); /* deprecated v4-compatible: IPv6 */
    assert_false(inet_addr_is_v4(&compat));
}

static void test_any(void **state)
{
    (void)state;
    union inet_addr any4 = inet_addr_from4(a4("0.0.0.0")), any6 = a6("::");
    union inet_addr one6 = a6("::1"), h4 = inet_addr_from4(a4("0.0.0.1"));
    assert_true(inet_addr_is_any(&any4));
    assert_true(inet_addr_is_any(&any6));
    assert_false(inet_addr_is_any(&one6));
    assert_false(inet_addr_is_any(&h4));
    assert_false(inet_addr_eq(&any4, &any6)); /* 0.0.0.0 is ::ffff:0.0.0.0, not :: */
}

static void test_loopback(void **state)
{
    (void)state;
    const char *yes4[] = {"127.0.0.1", "127.255.255.254", "127.0.0.6"};
    const char *no4[] = {"128.0.0.1", "126.255.255.255", "0.0.0.0"};
    for (unsigned i = 0; i < 3; i++) {
        union inet_addr y = inet_addr_from4(a4(yes4[i])), n = inet_addr_from4(a4(no4[i]));
        assert_true(inet_addr_is_loopback(&y));
        assert_false(inet_addr_is_loopback(&n));
    }
    union inet_addr one = a6("::1"), two = a6("::2"), any = a6("::"), doc = a6("2001:db8::1");
    union inet_addr high = a6("100::1");
    assert_true(inet_addr_is_loopback(&one));
    assert_false(inet_addr_is_loopback(&two));
    assert_false(inet_addr_is_loopback(&any));
    assert_false(inet_addr_is_loopback(&doc));
    assert_false(inet_addr_is_loopback(&high));
}

static void test_fold_and_wildcards(void **state)
{
    (void)state;
    union inet_addr v = inet_addr_from4(a4("192.0.2.7")), n = a6("2001:db8::1");
    assert_int_equal(inet_addr_fold(&v), a4("192.0.2.7").s_addr); /* IPv4 hashes as before */
    assert_int_equal(inet_addr_fold(&n), n.w[0] ^ n.w[1] ^ n.w[2] ^ n.w[3]);
    union inet_addr w4 = inet_addr_any_of(&v), w6 = inet_addr_any_of(&n);
    union inet_addr any4 = inet_addr_from4(a4("0.0.0.0")), any6 = a6("::");
    assert_true(inet_addr_eq(&w4, &any4));
    assert_true(inet_addr_eq(&w6, &any6));
}

/* An owner as the bind table sees it: the node, and for AF_INET6 owners
 * the IPv6 address after it in the same object. */
struct owner {
    struct bind_node n;
    struct in6_addr a6;
};

static void test_bind_node_match(void **state)
{
    (void)state;
    struct owner v4 = {0}, dual = {0}, v6only = {0}, native = {0};
    v4.n.addr = a4("127.0.0.1");
    /* [::] dual-stack: IPv4 view 0.0.0.0, IPv6 address :: */
    bind_node_set_addr6(&dual.n, &dual.a6);
    /* [::] with IPV6_V6ONLY */
    bind_node_set_addr6(&v6only.n, &v6only.a6);
    v6only.n.v6only = true;
    /* [::1]: IPv4 view LOOPBACK4_IPV6 (127.0.0.6) as Linux's sk_rcv_saddr */
    native.a6 = a6("::1").in6;
    native.n.addr = a4("127.0.0.6");
    bind_node_set_addr6(&native.n, &native.a6);

    union inet_addr lo4 = inet_addr_from4(a4("127.0.0.1")), any4 = inet_addr_from4(a4("0.0.0.0"));
    union inet_addr lo6 = a6("::1"), any6 = a6("::");
    assert_true(bind_node_match(&v4.n, &lo4));
    assert_false(bind_node_match(&v4.n, &any4));
    assert_false(bind_node_match(&v4.n, &lo6)); /* an AF_INET owner takes no IPv6 */
    assert_false(bind_node_match(&v4.n, &any6));
    assert_true(bind_node_match(&dual.n, &any4)); /* IPv4 through the wildcard pass */
    assert_true(bind_node_match(&dual.n, &any6));
    assert_false(bind_node_match(&dual.n, &lo6)); /* only in the wildcard pass */
    assert_false(bind_node_match(&v6only.n, &any4));
    assert_true(bind_node_match(&v6only.n, &any6));
    assert_true(bind_node_match(&native.n, &lo6));
    assert_false(bind_node_match(&native.n, &lo4));
    assert_false(bind_node_match(&native.n, &any6));
}

static void test_addr_type_and_route(void **state)
{
    (void)state;
    static struct berth_platform plat;
    berth_platform_inline(&plat, 1000000, 1);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    berth_stack *st = berth_stack_new(&cfg);
    assert_non_null(st);
    assert_int_equal(ip4_addr_type(st, a4("127.0.0.1")), IP_ADDR_LOCAL);
    assert_int_equal(ip4_addr_type(st, a4("127.3.4.5")), IP_ADDR_LOCAL);
    assert_int_equal(ip4_addr_type(st, a4("127.255.255.255")), IP_ADDR_BROADCAST);
    assert_true(ip4_is_bcast(st, a4("255.255.255.255")));
    assert_int_equal(ip4_addr_type(st, a4("224.0.0.1")), IP_ADDR_MULTICAST);
    assert_int_equal(ip4_addr_type(st, a4("192.0.2.1")), IP_ADDR_UNICAST);
    union inet_addr one6 = a6("::1"), doc6 = a6("2001:db8::1");
    assert_true(ip6_chk_addr(st, &one6.in6, 0));
    assert_false(ip6_chk_addr(st, &doc6.in6, 0));

    struct ip_route_res r;
    assert_int_equal(ip4_route_source(st, a4("127.0.0.9"), a4("0.0.0.0"), &r), 0);
    assert_int_equal(r.mtu, 65535);
    assert_int_equal(r.src.s_addr, a4("127.0.0.1").s_addr);
    assert_int_equal(ip4_route_mtu(st, a4("127.0.0.1"), a4("127.0.0.2")), 65535);
    /* Only lo: nothing else is reachable. */
    assert_int_equal(ip4_route_source(st, a4("192.0.2.1"), a4("0.0.0.0"), &r), -ENETUNREACH);
    assert_int_equal(ip4_route_mtu(st, a4("192.0.2.1"), a4("0.0.0.0")), 0);
    berth_stack_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_is_mapped),    cmocka_unit_test(test_any),
        cmocka_unit_test(test_loopback),        cmocka_unit_test(test_fold_and_wildcards),
        cmocka_unit_test(test_bind_node_match), cmocka_unit_test(test_addr_type_and_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
