/* bind_table.c — the port index, the conflict rule, ephemeral allocation. */
#include "bind/bind.h"

#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "socket/sock.h"

/* An entry holds the only owner's node, or a bucket tagged with bit 0
 * (nodes and buckets are at least 8-byte aligned). */
static inline bool is_bucket(const struct bind_node *v) { return (uintptr_t)v & 1; }
static inline struct bind_bucket *as_bucket(struct bind_node *v)
{
    return (struct bind_bucket *)((uintptr_t)v & ~(uintptr_t)1);
}
static inline struct bind_node *tag_bucket(struct bind_bucket *b)
{
    return (struct bind_node *)((uintptr_t)b | 1);
}

/* Bits set in a word, inline (without -mpopcnt the builtin is a libgcc
 * call). */
static inline unsigned popcount64(uint64_t x)
{
#ifdef __POPCNT__
    return (unsigned)__builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
#endif
}

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
    for (unsigned pgi = 0; pgi < BIND_PAGES; pgi++) {
        struct bind_page *pg = t->page[pgi];
        if (!pg)
            continue;
        for (unsigned l = 0; l < BIND_PAGE_WORDS; l++) {
            struct bind_leaf *lf = pg->leaf[l];
            if (!lf)
                continue;
            unsigned n = popcount64(lf->used);
            for (unsigned i = 0; i < n; i++)
                if (is_bucket(lf->e[i]))
                    st_free(st, as_bucket(lf->e[i]));
            st_free(st, lf);
        }
        st_free(st, pg);
    }
    st_free(st, t);
}

static inline bool port_used(const struct bind_table *t, uint16_t port)
{
    return (bind_used_word(t, port >> 6) >> (port & 63)) & 1;
}

bool bind_port_used(const struct bind_table *t, uint16_t port) { return port_used(t, port); }

/* The index of a port's entry in its leaf: the used ports below it. */
static inline unsigned entry_rank(uint64_t used, uint16_t port)
{
    uint64_t below = (1ULL << (port & 63)) - 1;
    return popcount64(used & below);
}

/* The entry of a used port; NULL when the port has no owner. */
static inline struct bind_node **entry(const struct bind_table *t, uint16_t port)
{
    struct bind_leaf *lf = bind_leaf_of(t, port >> 6);
    if (!lf || !((lf->used >> (port & 63)) & 1))
        return NULL;
    return &lf->e[entry_rank(lf->used, port)];
}

/* The bucket of a port with two or more owners, else NULL. */
static struct bind_bucket *bucket_find(const struct bind_table *t, uint16_t port)
{
    struct bind_node **e = entry(t, port);
    return e && is_bucket(*e) ? as_bucket(*e) : NULL;
}

static inline struct bind_node *owners(const struct bind_table *t, uint16_t port)
{
    struct bind_node **e = entry(t, port);
    if (!e)
        return NULL;
    return is_bucket(*e) ? as_bucket(*e)->owners : *e;
}

struct bind_node *bind_owners(const struct bind_table *t, uint16_t port) { return owners(t, port); }

/* The port's leaf and page exist. */
static void mark_used(struct bind_table *t, uint16_t port, bool used)
{
    unsigned w = port >> 6;
    struct bind_page *pg = t->page[w / BIND_PAGE_WORDS];
    struct bind_leaf *lf = pg->leaf[w % BIND_PAGE_WORDS];
    uint64_t bit = 1ULL << (port & 63);
    if (used)
        lf->used |= bit;
    else
        lf->used &= ~bit;
    uint32_t sbit = 1u << (w % BIND_PAGE_WORDS);
    if (lf->used == ~0ULL)
        pg->full |= sbit;
    else
        pg->full &= ~sbit;
}

static bool word_full(const struct bind_table *t, unsigned w)
{
    const struct bind_page *pg = t->page[w / BIND_PAGE_WORDS];
    return pg && ((pg->full >> (w % BIND_PAGE_WORDS)) & 1);
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
    if (!bind_node_v6(a))
        return v4_equal(a->addr, b->addr, b->v6only);
    /* ipv6_rcv_saddr_equal(); an AF_INET peer counts as v4-mapped. */
    const struct in6_addr *a6 = bind_node_addr6(a);
    const struct in6_addr *b6 = bind_node_v6(b) ? bind_node_addr6(b) : NULL;
    bool a_mapped = IN6_IS_ADDR_V4MAPPED(a6);
    bool b_mapped = !b6 || IN6_IS_ADDR_V4MAPPED(b6);
    bool a_any = v6_any(a6);
    bool b_any = b6 && v6_any(b6);
    if (a_mapped && b_mapped)
        return v4_equal(a->addr, b->addr, b->v6only);
    if (a_any && b_any)
        return true;
    if (b_any && !(b->v6only && a_mapped))
        return true;
    if (a_any && !(a->v6only && b_mapped))
        return true;
    return b6 && IN6_ARE_ADDR_EQUAL(a6, b6);
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

/* Keep a bucket's summary in step with its owners (sign +1 on add, -1 on
 * removal). n_rp_uid never exceeds the true number of SO_REUSEPORT owners
 * of uid rp_uid, so "n_rp_uid == count" proves they all are. */
static void account(struct bind_bucket *b, const struct bind_node *n, int sign)
{
    if (n->reuseaddr)
        b->n_reuseaddr += (uint32_t)sign;
    if (!n->reuseport)
        return;
    if (sign > 0) {
        if (b->n_rp_uid == 0)
            b->rp_uid = n->uid;
        if (n->uid == b->rp_uid)
            b->n_rp_uid++;
    } else if (n->uid == b->rp_uid && b->n_rp_uid) {
        b->n_rp_uid--;
    }
}

/* bind_conflict for the port whose entry is e (NULL: no owner). */
static bool conflict_at(const struct bind_table *t, const struct bind_node *n,
                        struct bind_node *const *e)
{
    if (!e)
        return false;
    struct bind_node *v = *e;
    if (!is_bucket(v)) /* a single owner */
        return v != n && clash(t, n, v);
    const struct bind_bucket *b = as_bucket(v);
    /* The crowded cases in O(1): every owner shares SO_REUSEPORT with this
     * user (n itself, if hashed here, is one of them), or, for UDP, every
     * owner set SO_REUSEADDR. Neither depends on addresses or listening. */
    if (n->reuseport && b->n_rp_uid == b->count && n->uid == b->rp_uid)
        return false;
    if (t->proto == IPPROTO_UDP && n->reuseaddr && b->n_reuseaddr == b->count)
        return false;
    for (struct bind_node *o = b->owners; o; o = o->next)
        if (o != n && clash(t, n, o))
            return true;
    return false;
}

bool bind_conflict(const struct bind_table *t, const struct bind_node *n, uint16_t port)
{
    return conflict_at(t, n, entry(t, port));
}

void bind_set_flags(struct bind_table *t, struct bind_node *n, bool reuseaddr, bool reuseport,
                    uid_t uid, unsigned bound_if)
{
    struct bind_bucket *b = n->hashed ? bucket_find(t, n->port) : NULL;
    if (b)
        account(b, n, -1);
    n->reuseaddr = reuseaddr;
    n->reuseport = reuseport;
    n->uid = uid;
    n->bound_if = bound_if;
    if (b)
        account(b, n, +1);
}

/* Link n at the head of the list whose head pointer is *head (newest
 * first, as Linux's hlist_add_head). */
static void link_head(struct bind_node **head, struct bind_node *n)
{
    n->next = *head;
    if (n->next)
        n->next->pprev = &n->next;
    n->pprev = head;
    *head = n;
}

/* Give a port that had no owner its entry, v, in its leaf (grown by
 * doubling when full; the page and leaf are created with their first port). */
static int leaf_add(struct berth_stack *st, struct bind_table *t, uint16_t port,
                    struct bind_node *v)
{
    unsigned w = port >> BIND_LEAF_BITS;
    struct bind_page *pg = t->page[w / BIND_PAGE_WORDS];
    if (!pg) {
        pg = st_zalloc(st, sizeof(*pg));
        if (!pg)
            return -ENOBUFS;
        t->page[w / BIND_PAGE_WORDS] = pg;
    }
    struct bind_leaf *lf = pg->leaf[w % BIND_PAGE_WORDS];
    uint64_t used = lf ? lf->used : 0;
    unsigned n = popcount64(used), r = entry_rank(used, port);
    if (!lf || n == lf->cap) {
        unsigned cap = lf ? 2u * lf->cap : 1u;
        struct bind_leaf *nl = st_alloc(st, sizeof(*nl) + cap * sizeof(nl->e[0]));
        if (!nl) {
            if (!pg->nleaves) {
                st_free(st, pg);
                t->page[w / BIND_PAGE_WORDS] = NULL;
            }
            return -ENOBUFS;
        }
        nl->cap = (uint8_t)cap;
        nl->used = used;
        if (lf) {
            memcpy(nl->e, lf->e, r * sizeof(nl->e[0]));
            memcpy(nl->e + r + 1, lf->e + r, (n - r) * sizeof(nl->e[0]));
            st_free(st, lf);
        } else {
            pg->nleaves++;
        }
        pg->leaf[w % BIND_PAGE_WORDS] = lf = nl;
    } else if (n > r) {
        memmove(lf->e + r + 1, lf->e + r, (n - r) * sizeof(lf->e[0]));
    }
    lf->e[r] = v;
    mark_used(t, port, true);
    return 0;
}

/* Remove the entry of a port whose last owner left; the leaf shrinks to
 * half when a quarter of it is in use, and goes with its last entry (and
 * the page with its last leaf). */
static void leaf_del(struct berth_stack *st, struct bind_table *t, uint16_t port)
{
    unsigned w = port >> BIND_LEAF_BITS;
    struct bind_page *pg = t->page[w / BIND_PAGE_WORDS];
    struct bind_leaf *lf = pg->leaf[w % BIND_PAGE_WORDS];
    unsigned n = popcount64(lf->used), r = entry_rank(lf->used, port);
    if (n > r + 1)
        memmove(lf->e + r, lf->e + r + 1, (n - r - 1) * sizeof(lf->e[0]));
    mark_used(t, port, false);
    n--;
    if (!n) {
        st_free(st, lf);
        pg->leaf[w % BIND_PAGE_WORDS] = NULL;
        if (--pg->nleaves == 0) {
            st_free(st, pg);
            t->page[w / BIND_PAGE_WORDS] = NULL;
        }
    } else if (lf->cap >= 4 && n <= lf->cap / 4u) {
        unsigned cap = lf->cap / 2u;
        struct bind_leaf *nl = st_alloc(st, sizeof(*nl) + cap * sizeof(nl->e[0]));
        if (nl) { /* else it stays larger: nothing is lost */
            nl->cap = (uint8_t)cap;
            nl->used = lf->used;
            memcpy(nl->e, lf->e, n * sizeof(nl->e[0]));
            st_free(st, lf);
            pg->leaf[w % BIND_PAGE_WORDS] = nl;
        }
    }
}

/* Add n to the owners of port, whose entry is e (NULL: no owner yet). */
static int insert(struct berth_stack *st, struct bind_table *t, struct bind_node *n, uint16_t port,
                  struct bind_node **e)
{
    if (!e) {
        /* The first owner: the entry points at it, no bucket. */
        int rc = leaf_add(st, t, port, n);
        if (rc)
            return rc;
        n->next = NULL;
        n->pprev = NULL;
    } else {
        struct bind_node *v = *e;
        struct bind_bucket *b;
        if (is_bucket(v)) {
            b = as_bucket(v);
        } else {
            /* The second owner: the port gets a bucket, the first owner
             * moves into its list. */
            b = st_zalloc(st, sizeof(*b));
            if (!b)
                return -ENOBUFS;
            b->owners = v;
            v->pprev = &b->owners;
            b->count = 1;
            account(b, v, +1);
            *e = tag_bucket(b);
        }
        link_head(&b->owners, n);
        b->count++;
        account(b, n, +1);
    }
    n->port = port;
    n->hashed = true;
    t->count++;
    BERTH_INVARIANT(port_used(t, port) && owners(t, port)); /* bit set <=> owned */
    return 0;
}

/* ---- ephemeral ports ----
 *
 * A scan looks for a port in [lo, hi] of one parity (or any), from a random
 * start, wrapping once — the order Linux's loops visit ports in. It takes
 * the first port that is free (no owner, not reserved: found through the
 * bitmaps, a word at a time) and, only when no port of the class is free,
 * the first occupied one whose owners do not conflict with the requester
 * (Linux's loops check owners port by port; this keeps the common case at
 * bitmap speed and the rare full-range case correct). */
struct eph_scan {
    const struct bind_table *t;
    const uint64_t *reserved; /* ip_local_reserved_ports, or NULL */
    const struct bind_node *n;
    int rule; /* EPH_RULE_* */
};

enum { EPH_RULE_EXPLICIT, EPH_RULE_TCP_STRICT, EPH_RULE_TCP_RELAX };

static inline uint64_t blocked_word(const struct eph_scan *sc, unsigned w)
{
    return bind_used_word(sc->t, w) | (sc->reserved ? sc->reserved[w] : 0);
}

/* First free port in [from, hi], stepping 1 or 2 (same parity as from). */
static unsigned next_free(const struct eph_scan *sc, unsigned from, unsigned hi, unsigned step)
{
    unsigned p = from;
    const uint64_t pmask = step == 1    ? ~0ULL
                           : (from & 1) ? 0xaaaaaaaaaaaaaaaaULL
                                        : 0x5555555555555555ULL;
    while (p <= hi) {
        unsigned w = p >> 6;
        if (!word_full(sc->t, w)) {
            uint64_t freebits = ~blocked_word(sc, w) & (~0ULL << (p & 63)) & pmask;
            if (freebits) {
                unsigned cand = (w << 6) + (unsigned)__builtin_ctzll(freebits);
                return cand <= hi ? cand : 0;
            }
        }
        p = (w + 1) << 6;
        if (step == 2 && ((p ^ from) & 1))
            p++;
    }
    return 0;
}

/* inet_csk_bind_conflict as inet_csk_find_open_port calls it (TCP bind(0):
 * reuseport never relaxes; SO_REUSEADDR only on the ip_autobind_reuse pass),
 * or the explicit-bind rule (UDP). */
static bool eph_conflict(const struct eph_scan *sc, unsigned port)
{
    const struct bind_node *n = sc->n;
    for (const struct bind_node *o = owners(sc->t, (uint16_t)port); o; o = o->next) {
        if (o == n)
            continue;
        if (sc->rule == EPH_RULE_EXPLICIT) {
            if (clash(sc->t, n, o))
                return true;
            continue;
        }
        if (n->bound_if && o->bound_if && n->bound_if != o->bound_if)
            continue;
        if (!bind_addr_overlap(n, o))
            continue;
        if (sc->rule == EPH_RULE_TCP_RELAX && n->reuseaddr && o->reuseaddr && !o->listening &&
            !(n->reuseport && o->reuseport && (o->timewait || n->uid == o->uid)))
            continue;
        return true;
    }
    return false;
}

/* First occupied, unreserved, compatible port in [from, hi] stepping `step`. */
static unsigned next_shared(const struct eph_scan *sc, unsigned from, unsigned hi, unsigned step)
{
    const uint64_t pmask = step == 1    ? ~0ULL
                           : (from & 1) ? 0xaaaaaaaaaaaaaaaaULL
                                        : 0x5555555555555555ULL;
    for (unsigned w = from >> 6; w <= hi >> 6; w++) {
        /* occupied, unreserved ports of the class, a word at a time */
        uint64_t bits = bind_used_word(sc->t, w) & pmask & ~(sc->reserved ? sc->reserved[w] : 0);
        if (w == from >> 6)
            bits &= ~0ULL << (from & 63);
        while (bits) {
            unsigned p = (w << 6) + (unsigned)__builtin_ctzll(bits);
            if (p > hi)
                return 0;
            if (!eph_conflict(sc, p))
                return p;
            bits &= bits - 1;
        }
    }
    return 0;
}

typedef unsigned (*eph_next_fn)(const struct eph_scan *, unsigned, unsigned, unsigned);

/* [first, hi] of one parity class (step 2) or all ports (step 1), from
 * `start`, wrapping once. */
static unsigned scan_wrap(const struct eph_scan *sc, eph_next_fn next, unsigned first, unsigned hi,
                          unsigned start, unsigned step)
{
    unsigned p = next(sc, start, hi, step);
    if (!p && first < start)
        p = next(sc, first, start - 1, step);
    return p;
}

static unsigned scan_class(struct berth_stack *st, const struct eph_scan *sc, unsigned lo,
                           unsigned hi, int parity)
{
    unsigned step = parity < 0 ? 1 : 2;
    unsigned first = parity < 0 || (lo & 1) == (unsigned)parity ? lo : lo + 1;
    if (first > hi)
        return 0;
    unsigned count = (hi - first) / step + 1;
    unsigned start = first + step * (stack_random32(st) % count);
    unsigned p = scan_wrap(sc, next_free, first, hi, start, step);
    if (!p)
        p = scan_wrap(sc, next_shared, first, hi, start, step);
    return p;
}

/* udp_lib_get_port: any parity from a random start.
 * inet_csk_find_open_port (TCP bind(0)): Linux scans an even number of
 * ports ([lo, lo + (span & ~1)[), the parity opposite to the range's low end
 * first (connect() keeps the other one), then the other parity; with
 * SO_REUSEADDR the lower half of the range, then the upper half; and with
 * ip_autobind_reuse a second round that lets SO_REUSEADDR sockets share. */
static unsigned pick_ephemeral(struct berth_stack *st, struct bind_table *t,
                               const struct bind_node *n, const struct bind_req *req)
{
    unsigned lo = req->lo, hi = req->hi;
    if (lo > hi || hi == 0)
        return 0;
    struct eph_scan sc = {
        .t = t, .reserved = st->net.ip_local_reserved_ports, .n = n, .rule = EPH_RULE_EXPLICIT};
    if (req->kind == BIND_EPH_ANY)
        return scan_class(st, &sc, lo, hi, -1);
    for (int round = 0; round < (st->net.ip_autobind_reuse ? 2 : 1); round++) {
        sc.rule = round ? EPH_RULE_TCP_RELAX : EPH_RULE_TCP_STRICT;
        for (int pass = 0; pass < (req->reuse_halves ? 2 : 1); pass++) {
            unsigned low = lo, high = hi + 1; /* [low, high[ */
            bool halves = req->reuse_halves && high - low >= 4;
            if (halves) {
                unsigned half = low + (((high - low) >> 2) << 1);
                if (pass == 0)
                    high = half;
                else
                    low = half;
            } else if (pass == 1) {
                break;
            }
            unsigned remaining = high - low;
            if (remaining > 1)
                remaining &= ~1u;
            unsigned last = low + remaining - 1;
            unsigned want = (low & 1) ^ 1u;
            unsigned p = scan_class(st, &sc, low, last, (int)want);
            if (!p)
                p = scan_class(st, &sc, low, last, (int)(want ^ 1u));
            if (p)
                return p;
        }
    }
    return 0;
}

int bind_get_port(struct berth_stack *st, struct bind_table *t, struct bind_node *n, uint16_t port,
                  const struct bind_req *req)
{
    if (port == 0) {
        port = (uint16_t)pick_ephemeral(st, t, n, req);
        if (!port)
            return -EADDRINUSE;
        return insert(st, t, n, port, entry(t, port));
    }
    struct bind_node **e = entry(t, port);
    if (conflict_at(t, n, e))
        return -EADDRINUSE;
    return insert(st, t, n, port, e);
}

int bind_add_owner(struct berth_stack *st, struct bind_table *t, struct bind_node *n, uint16_t port)
{
    return insert(st, t, n, port, entry(t, port));
}

void bind_put_port(struct berth_stack *st, struct bind_table *t, struct bind_node *n)
{
    if (!n->hashed)
        return;
    struct bind_node **e = entry(t, n->port);
    uint16_t port = n->port;
    bool shared = is_bucket(*e); /* others keep the port */
    if (shared) {
        struct bind_bucket *b = as_bucket(*e);
        *n->pprev = n->next;
        if (n->next)
            n->next->pprev = n->pprev;
        b->count--;
        account(b, n, -1);
        if (b->count == 1) {
            /* One owner left: it takes the entry back, the bucket goes. */
            struct bind_node *o = b->owners;
            *e = o;
            o->pprev = NULL;
            st_free(st, b);
        }
    } else {
        /* n was the only owner. */
        leaf_del(st, t, n->port);
    }
    n->next = NULL;
    n->pprev = NULL;
    n->hashed = false;
    n->port = 0;
    t->count--;
    BERTH_INVARIANT(port_used(t, port) == shared); /* bit set <=> owned */
}
