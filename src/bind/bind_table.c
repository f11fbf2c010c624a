/* bind_table.c — port buckets, the conflict rule, ephemeral allocation. */
#include "bind/bind.h"

#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "socket/sock.h"

struct bind_table *bind_table_new(struct berth_stack *st, int proto)
{
    struct bind_table *t = st_zalloc(st, sizeof(*t));
    if (t)
        t->proto = proto;
    return t;
}

void bind_table_free(struct berth_stack *st, struct bind_table *t)
{
    if (!t)
        return;
    for (unsigned i = 0; i < BIND_HASH_SIZE; i++) {
        struct bind_bucket *b = t->hash[i];
        while (b) {
            struct bind_bucket *n = b->next;
            st_free(st, b);
            b = n;
        }
    }
    st_free(st, t);
}

static inline unsigned hash_port(uint16_t port) { return port & (BIND_HASH_SIZE - 1); }

static struct bind_bucket *bucket_find(const struct bind_table *t, uint16_t port)
{
    for (struct bind_bucket *b = t->hash[hash_port(port)]; b; b = b->next)
        if (b->port == port)
            return b;
    return NULL;
}

struct bind_node *bind_owners(const struct bind_table *t, uint16_t port)
{
    struct bind_bucket *b = bucket_find(t, port);
    return b ? b->owners : NULL;
}

bool bind_port_used(const struct bind_table *t, uint16_t port)
{
    return (t->used[port >> 6] >> (port & 63)) & 1;
}

static void mark_used(struct bind_table *t, uint16_t port, bool used)
{
    unsigned w = port >> 6;
    uint64_t bit = 1ULL << (port & 63);
    if (used)
        t->used[w] |= bit;
    else
        t->used[w] &= ~bit;
    uint64_t sbit = 1ULL << (w & 63);
    if (t->used[w] == ~0ULL)
        t->full[w >> 6] |= sbit;
    else
        t->full[w >> 6] &= ~sbit;
}

/* Linux's rule (inet_bind_conflict / udp_lib_lport_inuse), first cut:
 * two owners of a port clash when their devices overlap and their
 * addresses overlap (equal, or either is the wildcard), unless
 *  - both set SO_REUSEADDR and the old one is not listening (TCP), or both
 *    set it (UDP);
 *  - both set SO_REUSEPORT and the old one belongs to the same user (or is
 *    in TIME_WAIT, which keeps no uid check). */
static bool v4_equal(struct in_addr a, struct in_addr b, bool b_v6only)
{
    return !b_v6only && (a.s_addr == b.s_addr || !a.s_addr || !b.s_addr);
}

static bool v6_any(const struct in6_addr *a) { return IN6_IS_ADDR_UNSPECIFIED(a); }

bool bind_addr_overlap(const struct bind_node *a, const struct bind_node *b)
{
    if (a->family != AF_INET6)
        return v4_equal(a->addr, b->addr, b->v6only);
    /* ipv6_rcv_saddr_equal(); an AF_INET peer counts as v4-mapped. */
    bool a_mapped = IN6_IS_ADDR_V4MAPPED(&a->addr6);
    bool b_mapped = b->family != AF_INET6 || IN6_IS_ADDR_V4MAPPED(&b->addr6);
    bool a_any = v6_any(&a->addr6);
    bool b_any = b->family == AF_INET6 && v6_any(&b->addr6);
    if (a_mapped && b_mapped)
        return v4_equal(a->addr, b->addr, b->v6only);
    if (a_any && b_any)
        return true;
    if (b_any && !(b->v6only && a_mapped))
        return true;
    if (a_any && !(a->v6only && b_mapped))
        return true;
    return b->family == AF_INET6 && IN6_ARE_ADDR_EQUAL(&a->addr6, &b->addr6);
}

static bool clash(const struct bind_table *t, const struct bind_node *n, const struct bind_node *o)
{
    if (n->bound_if && o->bound_if && n->bound_if != o->bound_if)
        return false;
    if (!bind_addr_overlap(n, o))
        return false;
    if (n->reuseaddr && o->reuseaddr && (t->proto == IPPROTO_UDP || !o->listening))
        return false;
    if (n->reuseport && o->reuseport && (o->timewait || n->uid == o->uid))
        return false;
    return true;
}

bool bind_conflict(const struct bind_table *t, const struct bind_node *n, uint16_t port)
{
    for (struct bind_node *o = bind_owners(t, port); o; o = o->next)
        if (o != n && clash(t, n, o))
            return true;
    return false;
}

static int insert(struct berth_stack *st, struct bind_table *t, struct bind_node *n, uint16_t port)
{
    struct bind_bucket *b = bucket_find(t, port);
    if (!b) {
        b = st_zalloc(st, sizeof(*b));
        if (!b)
            return -ENOBUFS;
        b->port = port;
        b->next = t->hash[hash_port(port)];
        t->hash[hash_port(port)] = b;
        mark_used(t, port, true);
    }
    n->port = port;
    n->next = b->owners; /* newest first, as Linux's hlist_add_head */
    b->owners = n;
    b->count++;
    n->hashed = true;
    t->count++;
    return 0;
}

/* Next port >= from (within [from, hi]) with no owner and matching parity
 * mask (step 1: any, step 2: same parity as from). Uses the summary words to
 * skip full regions. Returns 0 if none. */
static uint16_t next_free(const struct bind_table *t, unsigned from, unsigned hi, unsigned step)
{
    unsigned p = from;
    while (p <= hi) {
        unsigned w = p >> 6;
        if ((t->full[w >> 6] >> (w & 63)) & 1) {
            p = (w + 1) << 6;
            if (step == 2 && ((p ^ from) & 1))
                p++;
            continue;
        }
        uint64_t freebits = ~t->used[w] & (~0ULL << (p & 63));
        if (step == 2)
            freebits &= (from & 1) ? 0xaaaaaaaaaaaaaaaaULL : 0x5555555555555555ULL;
        if (freebits) {
            unsigned cand = (w << 6) + (unsigned)__builtin_ctzll(freebits);
            return cand <= hi ? (uint16_t)cand : 0;
        }
        p = (w + 1) << 6;
        if (step == 2 && ((p ^ from) & 1))
            p++;
    }
    return 0;
}

/* Search [lo, hi] starting at `start`, wrapping once. */
static uint16_t search_range(const struct bind_table *t, unsigned lo, unsigned hi, unsigned start,
                             unsigned step)
{
    uint16_t p = next_free(t, start, hi, step);
    if (p)
        return p;
    unsigned wrap = lo;
    if (step == 2 && ((wrap ^ start) & 1))
        wrap++;
    if (wrap < start)
        p = next_free(t, wrap, start - 1, step);
    return p;
}

/* Search [lo, hi] for a free port of the given parity (0/1), starting at a
 * random offset and wrapping once. */
static uint16_t search_parity(struct berth_stack *st, const struct bind_table *t, unsigned lo,
                              unsigned hi, unsigned parity)
{
    unsigned first = (lo & 1) == parity ? lo : lo + 1;
    if (first > hi)
        return 0;
    unsigned count = (hi - first) / 2 + 1;
    unsigned start = first + 2 * (stack_random32(st) % count);
    return search_range(t, first, hi, start, 2);
}

/* inet_csk_find_open_port (TCP bind(0)): the parity opposite to the range's
 * low end first (connect() keeps the other one), then the other parity;
 * with SO_REUSEADDR, the lower half of the range, then the upper half.
 * UDP (udp_lib_get_port): any parity from a random start. */
static uint16_t pick_ephemeral(struct berth_stack *st, struct bind_table *t,
                               const struct bind_req *req)
{
    unsigned lo = req->lo, hi = req->hi;
    if (lo > hi || hi == 0)
        return 0;
    if (req->kind == BIND_EPH_ANY) {
        unsigned start = lo + stack_random32(st) % (hi - lo + 1);
        return search_range(t, lo, hi, start, 1);
    }
    unsigned high = hi + 1; /* Linux scans [low, high[ */
    bool halves = req->reuse_halves && high - lo >= 4;
    unsigned half = lo + (((high - lo) >> 2) << 1);
    for (int pass = 0; pass < (halves ? 2 : 1); pass++) {
        unsigned a = lo, b = hi;
        if (halves) {
            a = pass == 0 ? lo : half;
            b = pass == 0 ? half - 1 : hi;
        }
        unsigned want = (lo & 1) ^ 1u;
        uint16_t p = search_parity(st, t, a, b, want);
        if (!p)
            p = search_parity(st, t, a, b, want ^ 1u);
        if (p)
            return p;
    }
    return 0;
}

int bind_get_port(struct berth_stack *st, struct bind_table *t, struct bind_node *n, uint16_t port,
                  const struct bind_req *req)
{
    if (port == 0) {
        port = pick_ephemeral(st, t, req);
        if (!port)
            return -EADDRINUSE;
    } else if (bind_conflict(t, n, port)) {
        return -EADDRINUSE;
    }
    return insert(st, t, n, port);
}

void bind_put_port(struct berth_stack *st, struct bind_table *t, struct bind_node *n)
{
    if (!n->hashed)
        return;
    unsigned h = hash_port(n->port);
    for (struct bind_bucket **bp = &t->hash[h]; *bp; bp = &(*bp)->next) {
        struct bind_bucket *b = *bp;
        if (b->port != n->port)
            continue;
        for (struct bind_node **pp = &b->owners; *pp; pp = &(*pp)->next)
            if (*pp == n) {
                *pp = n->next;
                b->count--;
                break;
            }
        if (!b->count) {
            *bp = b->next;
            mark_used(t, b->port, false);
            st_free(st, b);
        }
        break;
    }
    n->next = NULL;
    n->hashed = false;
    n->port = 0;
    t->count--;
}
