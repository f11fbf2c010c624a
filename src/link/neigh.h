/* neigh.h — the neighbour cache shared by ARP (IPv4) and neighbour
 * discovery (IPv6), after Linux's net/core/neighbour.c.
 *
 * One table per (Ethernet interface, family). The table knows Linux's NUD
 * state machine, the timers, the queue of packets waiting for resolution,
 * garbage collection and the administrative calls; it does not know a
 * packet format. A family brings a struct neigh_ops: the length of its
 * key (4 bytes for IPv4, 16 for IPv6: the last key_len bytes of a
 * union inet_addr, where IPv4 sits v4-mapped), how to send one
 * solicitation, how to report a packet that cannot be delivered, and the
 * EtherType of what it sends. arp.c and nd6.c parse their own packets and
 * feed what they learn through neigh_update, exactly as Linux's arp.c and
 * ndisc.c call neigh_update. Runs under the stack lock.
 */
#ifndef BERTH_LINK_NEIGH_H
#define BERTH_LINK_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "berth/arp.h"
#include "berth/config.h"
#include "core/pkt.h"
#include "core/timer.h"
#include "ip/inet_addr.h"
#include "link/ethernet.h"

struct berth_netif;
struct neigh_entry;

#define NEIGH_MS(x) ((uint64_t)(x)*1000u)
#define NUD_IN_TIMER (BERTH_NUD_INCOMPLETE | BERTH_NUD_DELAY | BERTH_NUD_PROBE)
#define NUD_VALID                                                                                  \
    (BERTH_NUD_PERMANENT | BERTH_NUD_NOARP | BERTH_NUD_REACHABLE | BERTH_NUD_PROBE |               \
     BERTH_NUD_STALE | BERTH_NUD_DELAY)
#define NUD_CONNECTED (BERTH_NUD_PERMANENT | BERTH_NUD_NOARP | BERTH_NUD_REACHABLE)

/* neigh_update flags: Linux's NEIGH_UPDATE_F_*. */
#define NEIGH_UPD_OVERRIDE 0x01          /* a different link-layer address replaces ours */
#define NEIGH_UPD_ADMIN 0x02             /* `ip neigh`: also PERMANENT/NOARP entries */
#define NEIGH_UPD_WEAK_OVERRIDE 0x04     /* no override: a CONNECTED entry goes STALE */
#define NEIGH_UPD_OVERRIDE_ISROUTER 0x08 /* set the router flag from ISROUTER */
#define NEIGH_UPD_ISROUTER 0x10

/* entry flags */
#define NEIGH_F_ROUTER 0x01 /* NTF_ROUTER: an IPv6 neighbour that is a router */

struct neigh_ops {
    uint16_t ethertype; /* of the packets the table sends: ETH_P_IP, ETH_P_IPV6 */
    uint8_t key_len;    /* 4 or 16: the last key_len bytes of a union inet_addr */
    /* Bytes neigh_table_new allocates: a family may keep more per
     * interface after the struct neigh_table it starts with (0: none). */
    uint16_t table_size;
    /* Send one solicitation about e: to the multicast/broadcast address
     * while INCOMPLETE, unicast to e->ha while PROBE (neigh_probe). The
     * table has counted it (probes, requests_sent). */
    void (*solicit)(struct neigh_entry *e);
    /* A waiting packet that will not be delivered (p->data at its network
     * header): the family's unreachable error to its sender. Consumes p. */
    void (*error_report)(struct berth_stack *st, struct pkt *p);
};

struct neigh_entry {
    struct neigh_entry *hnext;       /* hash chain */
    struct neigh_entry *prev, *next; /* creation order */
    struct neigh_table *t;
    struct btimer timer;
    uint64_t updated, used, confirmed;
    struct pktq queue; /* waiting for resolution; .bytes is their truesize */
    uint8_t ha[ETH_ALEN];
    uint8_t state;
    uint8_t probes; /* solicitations sent in this INCOMPLETE or PROBE round */
    uint8_t refs;   /* held across a callback: not collectable, not freed */
    uint8_t flags;  /* NEIGH_F_* */
    uint8_t key[];  /* ops->key_len bytes, network order */
};

/* Hash buckets per table (a power of two): 64 on a host, 16 on a small
 * target (BERTH_SMALL), where an Ethernet interface with IPv6 has two
 * tables and a few neighbours. */
#ifndef BERTH_NEIGH_BUCKETS
#define BERTH_NEIGH_BUCKETS BERTH_PICK(64, 16)
#endif
#define NEIGH_BUCKETS BERTH_NEIGH_BUCKETS
_Static_assert((NEIGH_BUCKETS & (NEIGH_BUCKETS - 1)) == 0, "BERTH_NEIGH_BUCKETS is a power of two");

/* The IPv6 table of an interface (NULL without IPv6). */
#if BERTH_WITH_IPV6
#define NEIGH_TABLE6(ifp) ((ifp)->nd6)
#else
#define NEIGH_TABLE6(ifp) ((struct neigh_table *)0)
#endif

struct neigh_table {
    struct berth_netif *ifp;
    const struct neigh_ops *ops;
    struct berth_arp_params p;
    struct berth_arp_stats s;
    uint64_t reachable_time; /* random in [base/2, 3 base/2), redrawn every 300 s */
    uint64_t last_rand;
    uint64_t last_flush; /* last forced collection */
    unsigned entries;
    struct btimer gc_timer;
    struct neigh_entry *head, *tail;
    struct neigh_entry *buckets[NEIGH_BUCKETS];
};

/* A table for ifp with Linux's defaults (berth_arp_params_init); NULL when
 * out of memory. Freeing drops waiting packets without errors. */
struct neigh_table *neigh_table_new(struct berth_netif *ifp, const struct neigh_ops *ops);
void neigh_table_free(struct neigh_table *t);
/* neigh_ifdown / neigh_changeaddr: forget every entry, permanent ones too;
 * waiting packets are dropped without errors. */
void neigh_flush_all(struct neigh_table *t);

struct berth_stack *neigh_stack(const struct neigh_table *t);
/* The key of a as stored in an entry of t. */
static inline const uint8_t *neigh_key(const struct neigh_table *t, const union inet_addr *a)
{
    return (const uint8_t *)a + sizeof(*a) - t->ops->key_len;
}
/* The entry's address as a union inet_addr. */
union inet_addr neigh_addr(const struct neigh_entry *e);

/* A new base_reachable_time (an RA's Reachable Time): reachable_time is
 * drawn again. */
void neigh_set_base_reachable(struct neigh_table *t, unsigned ms);
struct neigh_entry *neigh_find(struct neigh_table *t, const union inet_addr *a);
/* A new NONE entry (may run the forced collection first); NULL when the
 * table is full (table_fulls) or out of memory. */
struct neigh_entry *neigh_create(struct neigh_table *t, const union inet_addr *a, uint64_t now);
/* neigh_update: what a received packet (or `ip neigh`) says about e.
 * lladdr NULL: no link-layer address came (an NA without the option):
 * only a valid entry changes. */
void neigh_update(struct neigh_entry *e, const uint8_t *lladdr, unsigned state, unsigned flags);
/* Hold e across a call that may send (and so create entries and collect). */
void neigh_hold(struct neigh_entry *e);
void neigh_put(struct neigh_entry *e);
/* Move an expired REACHABLE entry on, as Linux's timer would have. */
void neigh_settle(struct neigh_entry *e, uint64_t now);

/* Send packet p (data at its network header) to on-link neighbour nh:
 * resolves it, queues p while INCOMPLETE. Consumes p. 0 or ENOBUFS. */
int neigh_output(struct neigh_table *t, struct pkt *p, const union inet_addr *nh);
/* Upper-layer reachability confirmation (dst_confirm). */
void neigh_confirm(struct neigh_table *t, const union inet_addr *nh);

/* The public calls of berth/arp.h and berth/nd6.h, for either family:
 * they take the stack lock and return 0 or -1 with errno (EOPNOTSUPP: no
 * table of that family on ifp). fill copies one entry out. */
typedef void (*neigh_fill_fn)(const struct neigh_entry *e, void *out, size_t i);
int neigh_api_params(struct berth_netif *ifp, int family, struct berth_arp_params *get,
                     const struct berth_arp_params *set);
int neigh_api_stats(struct berth_netif *ifp, int family, struct berth_arp_stats *out);
long neigh_api_list(struct berth_netif *ifp, int family, neigh_fill_fn fill, void *out, size_t max);
int neigh_api_lookup(struct berth_netif *ifp, int family, const union inet_addr *a,
                     neigh_fill_fn fill, void *out);
int neigh_api_add(struct berth_netif *ifp, int family, const union inet_addr *a,
                  const uint8_t hw[ETH_ALEN], unsigned state);
int neigh_api_resolve(struct berth_netif *ifp, int family, const union inet_addr *a);
int neigh_api_del(struct berth_netif *ifp, int family, const union inet_addr *a);
int neigh_api_flush(struct berth_netif *ifp, int family);

#endif
