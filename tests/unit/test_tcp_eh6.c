/* test_tcp_eh6.c — the established table holds IPv6 4-tuples (issue 11,
 * docs/ip.md "The shape IPv6 will use"): a node keeps one 32-bit word of
 * the peer's address (the IPv4 address, or the fold of an IPv6 one) and a
 * native IPv6 request keeps both addresses in its own tail, so a lookup
 * by an IPv6 4-tuple finds exactly that request; an IPv6 address with the
 * same fold, and an IPv4 peer whose address equals the fold, find only
 * their own nodes. Sizes: a node and an IPv4 request are as before. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testutil.h"

#if BERTH_WITH_TCP && BERTH_WITH_IPV6
#include "core/stack_impl.h"
#include "ip/inet_addr.h"
#include "tcp/tcp.h"

static union inet_addr a6(const char *s)
{
    struct in6_addr a;
    assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    return inet_addr_from6(&a);
}

static union inet_addr a4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return inet_addr_from4(a);
}

/* A request as listen_input makes one, from a segment's 4-tuple. */
static struct tcp_req *req_new(berth_stack *st, union inet_addr src, uint16_t sport,
                               union inet_addr dst, uint16_t dport)
{
    struct tcp_seg seg;
    memset(&seg, 0, sizeof(seg));
    seg.saddr = src;
    seg.daddr = dst;
    seg.sport = htons(sport);
    seg.dport = htons(dport);
    struct tcp_req *r = st_zalloc(st, TCP_REQ_SIZE(!inet_addr_is_v4(&src)));
    assert_non_null(r);
    r->eh.kind = TCP_EH_REQ;
    tcp_req_set_tuple(r, &seg);
    tcp_eh_insert(st, &r->eh);
    return r;
}

static struct tcp_eh *find(berth_stack *st, union inet_addr la, uint16_t lp, union inet_addr ra,
                           uint16_t rp)
{
    return tcp_eh_lookup(st, &la, htons(lp), &ra, htons(rp));
}

static void sizes(void **state)
{
    (void)state;
    /* the two fields the node had, a pointer, and four bytes */
    assert_int_equal(sizeof(struct tcp_eh), sizeof(void *) == 8 ? 16 : 12);
    /* an IPv6 request pays for its two addresses only */
    assert_int_equal(TCP_REQ_SIZE(true) - TCP_REQ_SIZE(false), 32);
}

static void ipv6_request_found(void **state)
{
    (void)state;
    struct berth_platform plat;
    berth_stack *st = test_stack_inline(&plat, 1);
    assert_non_null(st);
    union inet_addr l = a6("2001:db8::2"), r = a6("2001:db8::1");
    /* same fold as 2001:db8::1: words 0, 0, 1, 0 instead of 0, 0, 0, 1 */
    union inet_addr r_alias = a6("2001:db8::1:0:0");
    assert_int_equal(inet_addr_fold(&r), inet_addr_fold(&r_alias));
    /* an IPv4 peer whose word is that fold (0x20010db9 = 32.1.13.185) */
    union inet_addr r4 = a4("32.1.13.185"), l4 = a4("192.0.2.2");
    assert_int_equal(inet_addr_fold(&r4), inet_addr_fold(&r));

    struct tcp_req *q6 = req_new(st, r, 40000, l, 80);
    struct tcp_req *q4 = req_new(st, r4, 40000, l4, 80);
    assert_true(q6->eh.v6);
    assert_false(q4->eh.v6);

    assert_ptr_equal(find(st, l, 80, r, 40000), &q6->eh);
    assert_ptr_equal(find(st, l4, 80, r4, 40000), &q4->eh);
    assert_null(find(st, l, 80, r_alias, 40000));
    assert_null(find(st, l, 80, r4, 40000));
    assert_null(find(st, l4, 80, r, 40000));
    assert_null(find(st, r, 80, l, 40000));
    assert_null(find(st, l, 81, r, 40000));

    /* both halves read back as stored */
    union inet_addr la, ra = tcp_eh_remote(&q6->eh);
    uint16_t lp;
    tcp_eh_local(&q6->eh, &la, &lp);
    assert_true(inet_addr_eq(&la, &l));
    assert_true(inet_addr_eq(&ra, &r));
    assert_int_equal(ntohs(lp), 80);
    ra = tcp_eh_remote(&q4->eh);
    tcp_eh_local(&q4->eh, &la, &lp);
    assert_true(inet_addr_eq(&la, &l4));
    assert_true(inet_addr_eq(&ra, &r4));

    tcp_eh_remove(st, &q6->eh);
    assert_null(find(st, l, 80, r, 40000));
    assert_ptr_equal(find(st, l4, 80, r4, 40000), &q4->eh);
    tcp_eh_remove(st, &q4->eh);
    st_free(st, q6);
    st_free(st, q4);
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
}

/* Enough IPv6 requests to grow the table (eh_grow rehashes every node
 * through tcp_eh_local / tcp_eh_remote): each is still found after. */
static void ipv6_requests_rehash(void **state)
{
    (void)state;
    struct berth_platform plat;
    berth_stack *st = test_stack_inline(&plat, 2);
    assert_non_null(st);
    enum { N = 600 };
    static struct tcp_req *q[N];
    union inet_addr l = a6("2001:db8::2");
    for (unsigned i = 0; i < N; i++) {
        union inet_addr r = a6("2001:db8:1::");
        r.w[3] = htonl(i + 1);
        q[i] = req_new(st, r, (uint16_t)(1024 + i), l, 443);
    }
    for (unsigned i = 0; i < N; i++) {
        union inet_addr r = a6("2001:db8:1::");
        r.w[3] = htonl(i + 1);
        assert_ptr_equal(find(st, l, 443, r, (uint16_t)(1024 + i)), &q[i]->eh);
    }
    for (unsigned i = 0; i < N; i++) {
        tcp_eh_remove(st, &q[i]->eh);
        st_free(st, q[i]);
    }
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sizes),
        cmocka_unit_test(ipv6_request_found),
        cmocka_unit_test(ipv6_requests_rehash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void) { return 77; }
#endif
