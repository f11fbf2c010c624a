/* bind.h — the port namespace: who owns which (protocol, address, port).
 *
 * One bind_table per transport protocol. bind(), connect()'s autobind,
 * listen()'s re-check and packet demux all go through it; nothing else knows
 * port ownership. Layout:
 *
 *   port -> entry (a three-level index: 32 pages of 32 leaves of 64 ports,
 *           each allocated only while one of its ports is used; a leaf
 *           holds its 64 ports' used bits and one entry per used port, in
 *           port order, found by counting the used bits below the port, and
 *           is sized to what it holds: ~8 bytes a used port however sparse)
 *        -> the owner itself, when the port has one owner (no bucket), or
 *           a bucket (tagged pointer) holding the owners (bind_node list,
 *           newest first) and their summary, when it has two or more
 *   occupancy bitmap, one bit per port (in the leaves), with a per-page
 *   summary of full blocks, so the ephemeral search finds a free port a
 *   64-port word at a time at any occupancy instead of scanning ports. An
 *   idle table is ~140 bytes (32-bit pointers): memory follows the sockets
 *   in use, not the 65,536 ports.
 *
 * A bind_node carries a copy of the owner's reuse flags, uid, device and
 * state, so owners that are not full sockets (TIME_WAIT entries) can sit in
 * the same lists. It is 32 bytes: an AF_INET6 owner's IPv6 address lives
 * in its object, found through a 10-bit offset. docs/bind.md lists the rules and invariants.
 */
#ifndef BERTH_BIND_H
#define BERTH_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "ip/inet_addr.h"

struct berth_stack;
struct bsock;

struct bind_node {
    struct bind_node *next; /* in the port's owner list */
    /* The pointer to this node in its bucket's list (O(1) unlink); NULL
     * while it is its port's only owner (the leaf entry points at it). */
    struct bind_node **pprev;
    /* IPv4 view of the bound address (Linux's sk_rcv_saddr): INADDR_ANY for
     * the wildcard; for AF_INET6 owners 0 for [::], a.b.c.d for
     * ::ffff:a.b.c.d, and LOOPBACK4_IPV6 (127.0.0.6) for any other address. */
    struct in_addr addr;
    uid_t uid;
    unsigned bound_if;
    uint16_t port; /* host order; 0 while not hashed */
    /* AF_INET6 owners keep their IPv6 address in the same object, after the
     * node: 4 * addr6_off bytes from its start (bind_node_addr6). 0: an
     * AF_INET owner. */
    uint16_t addr6_off : 10;
    bool v6only : 1; /* IPV6_V6ONLY: takes no IPv4 traffic or ports */
    bool hashed : 1;
    bool reuseaddr : 1, reuseport : 1, listening : 1;
    bool timewait : 1; /* a TIME_WAIT entry; every other owner is an inet_sock */
};
_Static_assert(sizeof(struct bind_node) == (sizeof(void *) == 8 ? 32 : 24),
               "struct bind_node stays 32 bytes (24 with 32-bit pointers)");

/* The farthest an AF_INET6 owner's address may be from its node. */
#define BIND_ADDR6_MAX_OFF (4u * 1023u)

static inline bool bind_node_v6(const struct bind_node *n) { return n->addr6_off != 0; }
static inline int bind_node_family(const struct bind_node *n)
{
    return n->addr6_off ? AF_INET6 : AF_INET;
}
/* An AF_INET6 owner's IPv6 address. */
static inline const struct in6_addr *bind_node_addr6(const struct bind_node *n)
{
    return (const struct in6_addr *)(const void *)((const char *)n + 4u * n->addr6_off);
}
/* Make n an AF_INET6 owner whose address is kept at a6, which must lie
 * after n in the same object, 4-byte aligned, within BIND_ADDR6_MAX_OFF. */
static inline void bind_node_set_addr6(struct bind_node *n, const struct in6_addr *a6)
{
    n->addr6_off = (uint16_t)(((const char *)a6 - (const char *)n) / 4) & 0x3ff;
}

/* Demux: is n bound to exactly the local address a (the wildcard of a's
 * family when a is one)? An IPv4 address matches by the node's IPv4 view
 * (AF_INET6 owners included, unless IPV6_V6ONLY); an IPv6 one only an
 * AF_INET6 owner's IPv6 address. */
static inline bool bind_node_match(const struct bind_node *n, const union inet_addr *a)
{
    if (inet_addr_is_v4(a))
        return !n->v6only && n->addr.s_addr == a->w[3];
    return bind_node_v6(n) && memcmp(bind_node_addr6(n), &a->in6, sizeof(a->in6)) == 0;
}

/* The owners of a port with two or more, plus a summary that decides the
 * common crowded cases without walking them (SO_REUSEPORT groups of one
 * user; UDP SO_REUSEADDR sets): see bind_conflict(). A port with a single
 * owner has no bucket: its slot points at the owner's node. */
struct bind_bucket {
    struct bind_node *owners;
    uint32_t count;       /* >= 2 */
    uint32_t n_reuseaddr; /* owners with SO_REUSEADDR */
    uint32_t n_rp_uid;    /* owners with SO_REUSEPORT and uid rp_uid (a lower bound) */
    uid_t rp_uid;
};
_Static_assert(sizeof(struct bind_bucket) == (sizeof(void *) == 8 ? 24 : 20), "bind_bucket layout");

#define BIND_LEAF_BITS 6
#define BIND_PORT_WORDS (65536 / 64) /* 64-port blocks */
#define BIND_PAGE_WORDS 32           /* blocks per page (2048 ports) */
#define BIND_PAGES (BIND_PORT_WORDS / BIND_PAGE_WORDS)

/* The used ports of one 64-port block: `used` has a bit per port, and entry
 * i belongs to the port of the i-th set bit. An entry is the port's only
 * owner's node, or its bucket with bit 0 set. */
struct bind_leaf {
    uint64_t used;         /* bit set: port has an owner */
    uint8_t cap;           /* entries allocated: 1, 2, 4 ... 64 */
    struct bind_node *e[]; /* popcount(used) of them in use */
};

/* 32 blocks: allocated with the first used port among its 2048 and freed
 * with the last, so the index's memory follows the ports in use. */
struct bind_page {
    struct bind_leaf *leaf[BIND_PAGE_WORDS]; /* NULL: no used port in that block */
    uint32_t full;                           /* bit set: that block's ports are all used */
    uint32_t nleaves;
};

/* The port index: a directory of pages (~140 bytes with 32-bit pointers,
 * ~270 with 64-bit, for the table itself; nothing else while no port is
 * used). */
struct bind_table {
    int proto;
    unsigned count;                     /* hashed nodes */
    struct bind_page *page[BIND_PAGES]; /* port >> 11; NULL: no used port there */
};

/* The leaf of 64-port block w (port >> 6), NULL when none of its ports is
 * used. */
static inline struct bind_leaf *bind_leaf_of(const struct bind_table *t, unsigned w)
{
    const struct bind_page *pg = t->page[w / BIND_PAGE_WORDS];
    return pg ? pg->leaf[w % BIND_PAGE_WORDS] : NULL;
}
/* The used-port bits of block w. */
static inline uint64_t bind_used_word(const struct bind_table *t, unsigned w)
{
    const struct bind_leaf *lf = bind_leaf_of(t, w);
    return lf ? lf->used : 0;
}

struct bind_table *bind_table_new(struct berth_stack *st, int proto);
void bind_table_free(struct berth_stack *st, struct bind_table *t);

/* How an ephemeral port is chosen. */
enum bind_eph_kind {
    BIND_EPH_ANY,     /* UDP: any free port, random start */
    BIND_EPH_TCP_BIND /* TCP bind(0): parity opposite to the range's low end first */
};
struct bind_req {
    enum bind_eph_kind kind;
    unsigned lo, hi;   /* the ephemeral range (sysctl, narrowed by IP_LOCAL_PORT_RANGE) */
    bool reuse_halves; /* TCP with SO_REUSEADDR: lower half of the range first */
};

/* Bind n (its addr and flags filled in) to `port`, or to an ephemeral port
 * chosen as `req` says when port is 0. Returns 0, or -EADDRINUSE on
 * conflict / exhaustion. */
int bind_get_port(struct berth_stack *st, struct bind_table *t, struct bind_node *n, uint16_t port,
                  const struct bind_req *req);
void bind_put_port(struct berth_stack *st, struct bind_table *t, struct bind_node *n);
/* Add n (addr and flags filled in) to the owners of `port` without the
 * conflict check, for owners whose right to the port was settled elsewhere:
 * an accepted connection inheriting its listener's port, a TIME_WAIT entry
 * taking its socket's place (Linux's inet_inherit_port and
 * inet_twsk_hashdance), and connect()'s 4-tuple sharing
 * (__inet_hash_connect). 0 or -ENOBUFS. */
int bind_add_owner(struct berth_stack *st, struct bind_table *t, struct bind_node *n,
                   uint16_t port);
/* Copy the owner's flags into n (reuse flags, uid, device), keeping the
 * port's summary right when n is already hashed. */
void bind_set_flags(struct bind_table *t, struct bind_node *n, bool reuseaddr, bool reuseport,
                    uid_t uid, unsigned bound_if);
/* Would n conflict with an owner of `port` (other than itself)? */
bool bind_conflict(const struct bind_table *t, const struct bind_node *n, uint16_t port);
/* inet_rcv_saddr_equal(): do a's and b's bound addresses overlap (a wildcard
 * overlaps everything of its family reach)? */
bool bind_addr_overlap(const struct bind_node *a, const struct bind_node *b);

/* The owners of a port, newest first (demux walks these). */
struct bind_node *bind_owners(const struct bind_table *t, uint16_t port);
bool bind_port_used(const struct bind_table *t, uint16_t port);

#endif
