/* test_bind_table.c — the port namespace's invariants: ephemeral ports are
 * unique, in range, found at any occupancy; conflicts follow the rules. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "bind/bind.h"
#include "core/stack_impl.h"
#include "testutil.h"

static const struct bind_req *req(struct berth_stack *st, enum bind_eph_kind kind, bool halves)
{
    static struct bind_req r;
    r.kind = kind;
    r.lo = st->net.ip_local_port_range[0];
    r.hi = st->net.ip_local_port_range[1];
    r.reuse_halves = halves;
    return &r;
}
#define UDPREQ req(st, BIND_EPH_ANY, false)
#define TCPREQ req(st, BIND_EPH_TCP_BIND, false)

struct fixture {
    struct berth_platform plat;
    berth_stack *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->st = test_stack_inline(&f->plat, 7);
    *state = f;
    return f->st ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    berth_stack_free(f->st);
    berth_platform_inline_release(&f->plat);
    free(f);
    return 0;
}

static void ephemeral_unique_in_range_until_exhausted(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    st->net.ip_local_port_range[0] = 40000;
    st->net.ip_local_port_range[1] = 40999;
    enum { N = 1000 };
    static struct bind_node nodes[N + 1];
    static unsigned char seen[65536];
    memset(nodes, 0, sizeof(nodes));
    memset(seen, 0, sizeof(seen));
    for (int i = 0; i < N; i++) {
        assert_int_equal(bind_get_port(st, st->udp_bind, &nodes[i], 0, UDPREQ), 0);
        uint16_t p = nodes[i].port;
        assert_true(p >= 40000 && p <= 40999);
        assert_false(seen[p]);
        seen[p] = 1;
    }
    /* Range full: bind(0) fails with EADDRINUSE, as Linux's. */
    assert_int_equal(bind_get_port(st, st->udp_bind, &nodes[N], 0, UDPREQ), -EADDRINUSE);
    /* Free one port in the middle: it is the only one left, so it is found. */
    uint16_t freed = nodes[517].port;
    bind_put_port(st, st->udp_bind, &nodes[517]);
    assert_int_equal(bind_get_port(st, st->udp_bind, &nodes[N], 0, UDPREQ), 0);
    assert_int_equal(nodes[N].port, freed);
    for (int i = 0; i <= N; i++)
        bind_put_port(st, st->udp_bind, &nodes[i]);
    assert_int_equal(st->udp_bind->count, 0);
}

static void tcp_prefers_odd_ports(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    st->net.ip_local_port_range[0] = 50000;
    st->net.ip_local_port_range[1] = 50099;
    static struct bind_node nodes[100];
    memset(nodes, 0, sizeof(nodes));
    for (int i = 0; i < 100; i++) {
        assert_int_equal(bind_get_port(st, st->tcp_bind, &nodes[i], 0, TCPREQ), 0);
        /* The 50 odd ports go first, then the even ones. */
        assert_int_equal(nodes[i].port & 1, i < 50 ? 1 : 0);
    }
    for (int i = 0; i < 100; i++)
        bind_put_port(st, st->tcp_bind, &nodes[i]);
    /* With SO_REUSEADDR: the lower half of the range first (odd, then
     * even), then the upper half. */
    for (int i = 0; i < 100; i++) {
        assert_int_equal(
            bind_get_port(st, st->tcp_bind, &nodes[i], 0, req(st, BIND_EPH_TCP_BIND, true)), 0);
        assert_int_equal(nodes[i].port < 50050, i < 50);
        assert_int_equal(nodes[i].port & 1, (i % 50) < 25 ? 1 : 0);
    }
    for (int i = 0; i < 100; i++)
        bind_put_port(st, st->tcp_bind, &nodes[i]);
}

static void random_churn_never_double_allocates(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    st->net.ip_local_port_range[0] = 32768;
    st->net.ip_local_port_range[1] = 60999;
    enum { N = 20000 };
    struct bind_node *nodes = calloc(N, sizeof(*nodes));
    unsigned char *owner = calloc(65536, 1);
    srand(1);
    for (int round = 0; round < 200000; round++) {
        int i = rand() % N;
        if (nodes[i].hashed) {
            owner[nodes[i].port] = 0;
            bind_put_port(st, st->udp_bind, &nodes[i]);
        } else {
            assert_int_equal(
                bind_get_port(st, st->udp_bind, &nodes[i], 0, (round & 1) ? TCPREQ : UDPREQ), 0);
            assert_false(owner[nodes[i].port]);
            owner[nodes[i].port] = 1;
        }
    }
    for (int i = 0; i < N; i++)
        bind_put_port(st, st->udp_bind, &nodes[i]);
    assert_int_equal(st->udp_bind->count, 0);
    for (unsigned w = 0; w < BIND_PORT_WORDS; w++)
        assert_int_equal(bind_used_word(st->udp_bind, w), 0);
    for (unsigned pg = 0; pg < BIND_PAGES; pg++)
        assert_null(st->udp_bind->page[pg]); /* the index is back to nothing */
    free(nodes);
    free(owner);
}

static void every_port_reachable_at_high_occupancy(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    st->net.ip_local_port_range[0] = 32768;
    st->net.ip_local_port_range[1] = 60999;
    enum { SPAN = 60999 - 32768 + 1 };
    struct bind_node *nodes = calloc(SPAN, sizeof(*nodes));
    for (int i = 0; i < SPAN; i++)
        assert_int_equal(bind_get_port(st, st->udp_bind, &nodes[i], 0, UDPREQ), 0);
    /* Free ports one at a time: each is found again wherever it is. */
    for (int i = 0; i < SPAN; i += 997) {
        uint16_t p = nodes[i].port;
        bind_put_port(st, st->udp_bind, &nodes[i]);
        assert_int_equal(bind_get_port(st, st->udp_bind, &nodes[i], 0, UDPREQ), 0);
        assert_int_equal(nodes[i].port, p);
    }
    for (int i = 0; i < SPAN; i++)
        bind_put_port(st, st->udp_bind, &nodes[i]);
    free(nodes);
}

/* Explicit binds scattered over all ports and crowded in one region, bound
 * and released at random: every port's index entry leads to its owner,
 * leaves grow and shrink with what they hold and go with their last port. */
static void explicit_ports_sparse_and_dense(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    struct bind_table *t = st->udp_bind;
    enum { N = 4000 };
    struct bind_node *nodes = calloc(N, sizeof(*nodes));
    int *owner = calloc(65536, sizeof(int)); /* node index + 1 */
    srand(3);
    for (int round = 1; round <= 60000; round++) {
        int i = rand() % N;
        struct bind_node *n = &nodes[i];
        if (n->hashed) {
            owner[n->port] = 0;
            bind_put_port(st, t, n);
        } else {
            uint16_t port = (uint16_t)((rand() & 1) ? 1 + rand() % 65535 : 20000 + rand() % 3000);
            int rc = bind_get_port(st, t, n, port, UDPREQ);
            assert_int_equal(rc, owner[port] ? -EADDRINUSE : 0);
            if (!rc)
                owner[port] = i + 1;
        }
        if (round % 10000 == 0) {
            unsigned used = 0;
            for (unsigned p = 1; p < 65536; p++) {
                const struct bind_node *o = bind_owners(t, (uint16_t)p);
                assert_ptr_equal(o, owner[p] ? &nodes[owner[p] - 1] : NULL);
                assert_int_equal(bind_port_used(t, (uint16_t)p), owner[p] != 0);
                if (o) {
                    assert_null(o->next);
                    assert_null(o->pprev);
                    used++;
                }
            }
            assert_int_equal(t->count, used);
            for (unsigned l = 0; l < BIND_PORT_WORDS; l++) {
                const struct bind_leaf *lf = bind_leaf_of(t, l);
                unsigned k = (unsigned)__builtin_popcountll(bind_used_word(t, l));
                assert_int_equal(lf != NULL, k != 0);
                if (lf)
                    assert_true(k <= lf->cap && (lf->cap < 4 || k > lf->cap / 4u));
            }
            for (unsigned pg = 0; pg < BIND_PAGES; pg++) {
                unsigned leaves = 0;
                for (unsigned l = 0; l < BIND_PAGE_WORDS; l++)
                    leaves += bind_leaf_of(t, pg * BIND_PAGE_WORDS + l) != NULL;
                assert_int_equal(t->page[pg] != NULL, leaves != 0);
                if (t->page[pg])
                    assert_int_equal(t->page[pg]->nleaves, leaves);
            }
        }
    }
    for (int i = 0; i < N; i++)
        bind_put_port(st, t, &nodes[i]);
    assert_int_equal(t->count, 0);
    for (unsigned l = 0; l < BIND_PORT_WORDS; l++)
        assert_int_equal(bind_used_word(t, l), 0);
    for (unsigned pg = 0; pg < BIND_PAGES; pg++)
        assert_null(t->page[pg]);
    free(nodes);
    free(owner);
}

static struct bind_node node(const char *ip, bool ra, bool rp, uid_t uid)
{
    struct bind_node n;
    memset(&n, 0, sizeof(n));
    inet_pton(AF_INET, ip, &n.addr);
    n.reuseaddr = ra;
    n.reuseport = rp;
    n.uid = uid;
    return n;
}

static void conflict_rules(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    struct bind_node a = node("0.0.0.0", false, false, 0);
    assert_int_equal(bind_get_port(st, st->tcp_bind, &a, 8080, UDPREQ), 0);
    struct bind_node b = node("127.0.0.1", false, false, 0);
    assert_true(bind_conflict(st->tcp_bind, &b, 8080)); /* specific under wildcard */
    struct bind_node c = node("127.0.0.1", true, false, 0);
    assert_true(bind_conflict(st->tcp_bind, &c, 8080)); /* reuseaddr needs both */
    bind_set_flags(st->tcp_bind, &a, true, false, 0, 0);
    assert_false(bind_conflict(st->tcp_bind, &c, 8080)); /* both, not listening */
    a.listening = true;
    assert_true(bind_conflict(st->tcp_bind, &c, 8080)); /* TCP: old one listens */
    a.listening = false;
    bind_set_flags(st->tcp_bind, &a, false, true, 0, 0);
    struct bind_node d = node("0.0.0.0", false, true, 0);
    assert_false(bind_conflict(st->tcp_bind, &d, 8080)); /* reuseport, same uid */
    d.uid = 1000;
    assert_true(bind_conflict(st->tcp_bind, &d, 8080)); /* another user cannot */
    a.timewait = true;
    assert_false(bind_conflict(st->tcp_bind, &d, 8080)); /* TIME_WAIT skips uid check */
    struct bind_node e = node("127.0.0.1", false, false, 0);
    assert_false(bind_conflict(st->tcp_bind, &e, 8081)); /* other port */
    bind_put_port(st, st->tcp_bind, &a);
}

/* AF_INET6 owners keep their address after the node (as a socket's
 * inet6_info or a TIME_WAIT entry's addr6 do). */
struct node6 {
    struct bind_node n;
    uint32_t pad[3]; /* the address need not follow the node at once */
    struct in6_addr a6;
};

static void node6_init(struct node6 *x, const char *ip6, const char *view4, bool v6only)
{
    memset(x, 0, sizeof(*x));
    inet_pton(AF_INET6, ip6, &x->a6);
    inet_pton(AF_INET, view4, &x->n.addr);
    x->n.v6only = v6only;
    bind_node_set_addr6(&x->n, &x->a6);
}

static void v6_owner_addresses(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    struct node6 any6, lo6, lo6b, mapped;
    node6_init(&any6, "::", "0.0.0.0", false);
    node6_init(&lo6, "::1", "127.0.0.6", true);
    node6_init(&lo6b, "::1", "127.0.0.6", true);
    node6_init(&mapped, "::ffff:127.0.0.1", "127.0.0.1", false);
    assert_int_equal(bind_node_family(&any6.n), AF_INET6);
    assert_ptr_equal(bind_node_addr6(&any6.n), &any6.a6);
    struct bind_node v4 = node("127.0.0.1", false, false, 0);
    struct bind_node v4b = node("127.0.0.2", false, false, 0);
    assert_int_equal(bind_node_family(&v4), AF_INET);
    /* [::] covers IPv4 unless V6ONLY */
    assert_true(bind_addr_overlap(&v4, &any6.n));
    assert_true(bind_addr_overlap(&any6.n, &v4));
    any6.n.v6only = true;
    assert_false(bind_addr_overlap(&v4, &any6.n));
    assert_false(bind_addr_overlap(&any6.n, &v4));
    any6.n.v6only = false;
    /* ::1 overlaps [::] and ::1, never an IPv4 address */
    assert_true(bind_addr_overlap(&lo6.n, &any6.n));
    assert_true(bind_addr_overlap(&lo6.n, &lo6b.n));
    assert_false(bind_addr_overlap(&lo6.n, &v4));
    assert_false(bind_addr_overlap(&v4, &lo6.n));
    /* ::ffff:a.b.c.d is a.b.c.d */
    assert_true(bind_addr_overlap(&mapped.n, &v4));
    assert_true(bind_addr_overlap(&v4, &mapped.n));
    assert_false(bind_addr_overlap(&mapped.n, &v4b));
    /* through the table */
    assert_int_equal(bind_get_port(st, st->udp_bind, &any6.n, 9000, UDPREQ), 0);
    assert_true(bind_conflict(st->udp_bind, &v4, 9000));
    assert_true(bind_conflict(st->udp_bind, &lo6.n, 9000));
    assert_int_equal(bind_get_port(st, st->udp_bind, &v4b, 9001, UDPREQ), 0);
    assert_false(bind_conflict(st->udp_bind, &lo6.n, 9001));
    assert_int_equal(bind_get_port(st, st->udp_bind, &lo6.n, 9001, UDPREQ), 0);
    assert_true(bind_conflict(st->udp_bind, &lo6b.n, 9001));
    assert_false(bind_conflict(st->udp_bind, &v4, 9001));
    bind_put_port(st, st->udp_bind, &any6.n);
    bind_put_port(st, st->udp_bind, &v4b);
    bind_put_port(st, st->udp_bind, &lo6.n);
    assert_int_equal(st->udp_bind->count, 0);
}

/* The bucket summary's O(1) answers agree with walking every owner. */
static bool brute_conflict(const struct bind_table *t, const struct bind_node *n, uint16_t port)
{
    for (const struct bind_node *o = bind_owners(t, port); o; o = o->next) {
        if (o == n)
            continue;
        if (n->bound_if && o->bound_if && n->bound_if != o->bound_if)
            continue;
        if (!bind_addr_overlap(n, o))
            continue;
        if (n->reuseaddr && o->reuseaddr && (t->proto == IPPROTO_UDP || !o->listening))
            continue;
        if (n->reuseport && o->reuseport && (o->timewait || n->uid == o->uid))
            continue;
        return true;
    }
    return false;
}

/* Every port's owner list is well linked (a lone owner has no pprev; in a
 * bucket, each node's pprev points at the bucket's head or the previous
 * node's next) and holds exactly the hashed nodes of that port. */
static void check_lists(const struct bind_table *t, const struct bind_node *nodes, int n,
                        int parity, uint16_t lo, uint16_t hi)
{
    for (unsigned port = lo; port <= hi; port++) {
        int listed = 0, expect = 0;
        for (const struct bind_node *o = bind_owners(t, (uint16_t)port); o; o = o->next) {
            if (o->pprev) /* in a bucket's list */
                assert_ptr_equal(*o->pprev, o);
            else /* the port's only owner */
                assert_true(listed == 0 && !o->next);
            assert_true(o->hashed);
            assert_int_equal(o->port, port);
            listed++;
        }
        for (int i = parity; i < n; i += 2)
            if (nodes[i].hashed && nodes[i].port == port)
                expect++;
        assert_int_equal(listed, expect);
        assert_int_equal(bind_port_used(t, (uint16_t)port), expect > 0);
    }
}

/* Allocation failures (every few allocations, while ports get their first
 * owner, a bucket, or a bigger leaf) leave the table as it was: a failed
 * bind is -ENOBUFS and changes nothing, everything else still holds. */
static void *(*real_alloc)(void *ctx, size_t n);
static unsigned alloc_calls, fail_every;
static void *flaky_alloc(void *ctx, size_t n)
{
    if (fail_every && ++alloc_calls % fail_every == 0)
        return NULL;
    return real_alloc(ctx, n);
}

static void allocation_failures_change_nothing(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    struct bind_table *t = st->udp_bind;
    enum { N = 600 };
    struct bind_node *nodes = calloc(N, sizeof(*nodes));
    real_alloc = st->plat.alloc;
    st->plat.alloc = flaky_alloc;
    fail_every = 3;
    srand(11);
    unsigned nobufs = 0;
    for (int round = 1; round <= 40000; round++) {
        int i = rand() % N;
        struct bind_node *n = &nodes[i];
        if (n->hashed) {
            bind_put_port(st, t, n);
        } else {
            /* half the nodes share ports (SO_REUSEADDR, UDP), some ports
             * crowded, others scattered */
            bind_set_flags(t, n, i & 1, false, 0, 0);
            uint16_t port = (uint16_t)((rand() & 1) ? 7000 + rand() % 40 : 1 + rand() % 65535);
            bool expect_conflict = brute_conflict(t, n, port);
            unsigned before = t->count;
            int rc = bind_get_port(st, t, n, port, UDPREQ);
            if (expect_conflict) {
                assert_int_equal(rc, -EADDRINUSE);
            } else if (rc) {
                assert_int_equal(rc, -ENOBUFS);
                nobufs++;
            }
            assert_int_equal(n->hashed, rc == 0);
            assert_int_equal(t->count, before + (rc == 0));
        }
        if (round % 4000 == 0) {
            for (unsigned port = 7000; port < 7040; port++) {
                int listed = 0, expect = 0;
                for (const struct bind_node *o = bind_owners(t, (uint16_t)port); o; o = o->next) {
                    assert_true(o->pprev ? *o->pprev == o : (listed == 0 && !o->next));
                    assert_int_equal(o->port, port);
                    listed++;
                }
                for (int k = 0; k < N; k++)
                    expect += nodes[k].hashed && nodes[k].port == port;
                assert_int_equal(listed, expect);
                assert_int_equal(bind_port_used(t, (uint16_t)port), expect > 0);
            }
        }
    }
    assert_true(nobufs > 0);
    fail_every = 0;
    st->plat.alloc = real_alloc;
    for (int i = 0; i < N; i++)
        bind_put_port(st, t, &nodes[i]);
    assert_int_equal(t->count, 0);
    for (unsigned l = 0; l < BIND_PORT_WORDS; l++)
        assert_int_equal(bind_used_word(t, l), 0);
    for (unsigned pg = 0; pg < BIND_PAGES; pg++)
        assert_null(t->page[pg]);
    free(nodes);
}

static void summary_matches_walk(void **state)
{
    struct fixture *f = *state;
    struct berth_stack *st = f->st;
    enum { N = 400 };
    struct bind_node *nodes = calloc(N, sizeof(*nodes));
    srand(7);
    for (int round = 0; round < 100000; round++) {
        struct bind_table *t = (round & 1) ? st->udp_bind : st->tcp_bind;
        int i = rand() % N;
        struct bind_node *n = &nodes[i];
        if (n->hashed) {
            struct bind_table *owner = (i & 1) ? st->udp_bind : st->tcp_bind;
            if (rand() % 3 == 0) /* flags change while bound (setsockopt) */
                bind_set_flags(owner, n, rand() & 1, rand() & 1, (uid_t)(rand() % 2), 0);
            else
                bind_put_port(st, owner, n);
            continue;
        }
        if ((i & 1) != (round & 1))
            continue;     /* node i always lives in the same table */
        n->addr6_off = 0; /* AF_INET */
        n->addr.s_addr = (rand() % 3) ? 0 : htonl(0x7f000001 + (uint32_t)(rand() % 2));
        bind_set_flags(t, n, rand() & 1, rand() % 4 != 0, (uid_t)(rand() % 2), 0);
        uint16_t port = (uint16_t)(5000 + rand() % 3);
        bool expect = brute_conflict(t, n, port);
        assert_int_equal(bind_conflict(t, n, port), expect);
        if (!expect)
            assert_int_equal(bind_get_port(st, t, n, port, UDPREQ), 0);
        if (round % 64 == 0) {
            check_lists(st->tcp_bind, nodes, N, 0, 5000, 5002);
            check_lists(st->udp_bind, nodes, N, 1, 5000, 5002);
        }
    }
    for (int i = 0; i < N; i++)
        bind_put_port(st, (i & 1) ? st->udp_bind : st->tcp_bind, &nodes[i]);
    assert_int_equal(st->udp_bind->count + st->tcp_bind->count, 0);
    free(nodes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ephemeral_unique_in_range_until_exhausted, setup, teardown),
        cmocka_unit_test_setup_teardown(tcp_prefers_odd_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(random_churn_never_double_allocates, setup, teardown),
        cmocka_unit_test_setup_teardown(every_port_reachable_at_high_occupancy, setup, teardown),
        cmocka_unit_test_setup_teardown(explicit_ports_sparse_and_dense, setup, teardown),
        cmocka_unit_test_setup_teardown(conflict_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(summary_matches_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(v6_owner_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(allocation_failures_change_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
