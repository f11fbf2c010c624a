/* neigh.c — the neighbour cache of ARP and neighbour discovery, after
 * Linux's net/core/neighbour.c (see neigh.h).
 *
 * A table is a hash of entries plus a list in creation order (the order
 * Linux's forced GC walks). An entry goes through Linux's NUD states:
 *
 *   NONE/FAILED --packet--> INCOMPLETE --reply--> REACHABLE --time--> STALE
 *   STALE --packet--> DELAY --5 s--> PROBE --reply--> REACHABLE
 *   INCOMPLETE/PROBE --no reply to mcast_solicit/ucast_solicit requests--> FAILED
 *
 * INCOMPLETE queues packets (unres_qlen_bytes of truesize, oldest dropped
 * first) and sends them when the reply comes; FAILED hands each to the
 * family's error_report (an ICMP host unreachable or ICMPv6 address
 * unreachable generated locally), which travels back through lo to its
 * sender like any error.
 *
 * Timers: an entry has one only in INCOMPLETE, DELAY and PROBE. REACHABLE
 * ends lazily: whoever looks at the entry after confirmed + reachable_time
 * moves it to DELAY or STALE exactly as Linux's timer would have at that
 * instant (neigh_settle), so a cache of quiet neighbours costs no timers.
 * One periodic timer per non-empty table does the garbage collection.
 *
 * Everything runs under the stack lock. Sending can call back into the
 * table: an error sent while an entry is drained may leave through this
 * interface and create an entry, and creating one may run the forced
 * collection. So whoever walks an entry's queue or the entry list while
 * sending holds the entries it will touch again (refs, Linux's
 * neigh_hold), and the collectors skip held entries as neigh_forced_gc
 * skips those with refcnt > 1.
 */
#include "link/neigh.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/invariant.h"
#include "core/stack_impl.h"
#include "netif/netif_impl.h"

#define MS NEIGH_MS

void berth_arp_params_init(struct berth_arp_params *p)
{
    memset(p, 0, sizeof(*p));
    p->base_reachable_time_ms = 30000;
    p->retrans_time_ms = 1000;
    p->delay_first_probe_time_ms = 5000;
    p->gc_stale_time_ms = 60000;
    p->locktime_ms = 1000;
    p->mcast_solicit = 3;
    p->ucast_solicit = 3;
    p->unres_qlen_bytes = 212992; /* SK_WMEM_MAX, Linux's default since 3.3 */
    p->gc_thresh1 = 128;
    p->gc_thresh2 = 512;
    p->gc_thresh3 = 1024;
    p->arp_notify = true;
    p->arp_accept = false;
}

const char *berth_nud_state_name(unsigned state)
{
    switch (state) {
    case BERTH_NUD_NONE:
        return "NONE";
    case BERTH_NUD_INCOMPLETE:
        return "INCOMPLETE";
    case BERTH_NUD_REACHABLE:
        return "REACHABLE";
    case BERTH_NUD_STALE:
        return "STALE";
    case BERTH_NUD_DELAY:
        return "DELAY";
    case BERTH_NUD_PROBE:
        return "PROBE";
    case BERTH_NUD_FAILED:
        return "FAILED";
    case BERTH_NUD_NOARP:
        return "NOARP";
    case BERTH_NUD_PERMANENT:
        return "PERMANENT";
    default:
        return "?";
    }
}

/* ---- helpers ---- */

struct berth_stack *neigh_stack(const struct neigh_table *t) { return t->ifp->st; }
#define tst neigh_stack

static unsigned bucket_of(const struct neigh_table *t, const uint8_t *key)
{
    return stack_hash32(tst(t), key, t->ops->key_len) & (NEIGH_BUCKETS - 1);
}

union inet_addr neigh_addr(const struct neigh_entry *e)
{
    union inet_addr a = {.w = {0, 0, htonl(0x0000ffffu), 0}};
    unsigned n = e->t->ops->key_len;
    memcpy((uint8_t *)&a + sizeof(a) - n, e->key, n);
    return a;
}

static void rand_reach(struct neigh_table *t, uint64_t now)
{
    uint64_t base = MS(t->p.base_reachable_time_ms);
    uint32_t r = stack_random32(tst(t));
    /* r % base, in 32 bits when base fits (no 64-bit division on a 32-bit CPU) */
    t->reachable_time = base / 2 + (!base ? 0 : base > UINT32_MAX ? r : r % (uint32_t)base);
    t->last_rand = now;
}

void neigh_set_base_reachable(struct neigh_table *t, unsigned ms)
{
    t->p.base_reachable_time_ms = ms;
    rand_reach(t, st_now(tst(t)));
}

struct neigh_entry *neigh_find(struct neigh_table *t, const union inet_addr *a)
{
    const uint8_t *k = neigh_key(t, a);
    for (struct neigh_entry *e = t->buckets[bucket_of(t, k)]; e; e = e->hnext)
        if (!memcmp(e->key, k, t->ops->key_len))
            return e;
    return NULL;
}

static void entry_timer(struct berth_stack *st, struct btimer *tm);
static void gc_timer(struct berth_stack *st, struct btimer *tm);

static void arm(struct neigh_entry *e, uint64_t when) { timer_arm(tst(e->t), &e->timer, when); }

static void entry_free(struct neigh_table *t, struct neigh_entry *e)
{
    struct berth_stack *st = tst(t);
    BERTH_INVARIANT(e->refs == 0);
    timer_cancel(st, &e->timer);
    for (struct neigh_entry **pp = &t->buckets[bucket_of(t, e->key)]; *pp; pp = &(*pp)->hnext)
        if (*pp == e) {
            *pp = e->hnext;
            break;
        }
    if (e->prev)
        e->prev->next = e->next;
    else
        t->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        t->tail = e->prev;
    pktq_purge(st, &e->queue);
    st_free(st, e);
    t->entries--;
    t->s.destroys++;
    if (!t->entries)
        timer_cancel(st, &t->gc_timer);
}

/* Hold e across a call that may send (and so create entries and collect):
 * the collectors leave it alone until neigh_put. */
void neigh_hold(struct neigh_entry *e)
{
    BERTH_INVARIANT(e->refs < UINT8_MAX);
    e->refs++;
}

void neigh_put(struct neigh_entry *e)
{
    BERTH_INVARIANT(e->refs > 0);
    e->refs--;
}

/* An entry that nothing else refers to (Linux: refcnt == 1): not held, not
 * in a timer state (REACHABLE counts as one, its expiry being a timer in
 * Linux). */
static bool collectable(const struct neigh_entry *e)
{
    return !e->refs && !(e->state & (NUD_IN_TIMER | BERTH_NUD_REACHABLE | BERTH_NUD_PERMANENT));
}

/* neigh_forced_gc: down to gc_thresh2, removing FAILED entries and those
 * not updated in the last 5 s, oldest first. Returns how many went. */
static unsigned forced_gc(struct neigh_table *t, uint64_t now)
{
    long max_clean = (long)t->entries - (long)t->p.gc_thresh2;
    unsigned shrunk = 0;
    t->s.forced_gc_runs++;
    for (struct neigh_entry *e = t->head, *n; e && (long)shrunk < max_clean; e = n) {
        n = e->next;
        neigh_settle(e, now);
        if (!collectable(e))
            continue;
        if (e->state == BERTH_NUD_FAILED || e->state == BERTH_NUD_NOARP ||
            e->updated + MS(5000) < now) {
            entry_free(t, e);
            shrunk++;
        }
    }
    t->last_flush = now;
    return shrunk;
}

struct neigh_entry *neigh_create(struct neigh_table *t, const union inet_addr *a, uint64_t now)
{
    struct berth_stack *st = tst(t);
    unsigned n = t->entries;
    if (n >= t->p.gc_thresh3 || (n >= t->p.gc_thresh2 && now > t->last_flush + MS(5000))) {
        if (!forced_gc(t, now) && n >= t->p.gc_thresh3) {
            t->s.table_fulls++;
            TRACE(st, "neigh %s: neighbour table overflow", t->ifp->name);
            return NULL;
        }
    }
    struct neigh_entry *e = st_zalloc(st, offsetof(struct neigh_entry, key) + t->ops->key_len);
    if (!e)
        return NULL;
    e->t = t;
    memcpy(e->key, neigh_key(t, a), t->ops->key_len);
    e->state = BERTH_NUD_NONE;
    e->updated = e->used = now;
    /* A new entry counts as long unconfirmed (neigh_alloc). */
    uint64_t back = MS(t->p.base_reachable_time_ms) * 2;
    e->confirmed = now > back ? now - back : 0;
    timer_init(&e->timer, entry_timer);
    unsigned b = bucket_of(t, e->key);
    e->hnext = t->buckets[b];
    t->buckets[b] = e;
    e->prev = t->tail;
    if (t->tail)
        t->tail->next = e;
    else
        t->head = e;
    t->tail = e;
    t->entries++;
    t->s.allocs++;
    if (!t->gc_timer.armed)
        timer_arm(st, &t->gc_timer, now + MS(t->p.base_reachable_time_ms) / 2);
    return e;
}

/* The REACHABLE timer Linux would have run at confirmed + reachable_time. */
void neigh_settle(struct neigh_entry *e, uint64_t now)
{
    struct neigh_table *t = e->t;
    if (e->state != BERTH_NUD_REACHABLE)
        return;
    uint64_t when = e->confirmed + t->reachable_time;
    if (now <= when)
        return;
    uint64_t delay = MS(t->p.delay_first_probe_time_ms);
    e->updated = when;
    if (when <= e->used + delay) {
        e->state = BERTH_NUD_DELAY;
        arm(e, when + delay);
    } else {
        e->state = BERTH_NUD_STALE;
    }
}

/* neigh_probe: one more solicitation, multicast while INCOMPLETE, unicast
 * to the address we had while PROBE. */
static void solicit(struct neigh_entry *e)
{
    e->probes++;
    e->t->s.requests_sent++;
    e->t->ops->solicit(e);
}

static void send_queued(struct neigh_entry *e)
{
    struct pkt *p;
    /* Again a guard against loops: only while the entry stays valid. */
    while ((e->state & NUD_VALID) && (p = pktq_pop(&e->queue)))
        eth_send(e->t->ifp, p, e->ha, e->t->ops->ethertype);
    pktq_purge(tst(e->t), &e->queue);
}

/* neigh_invalidate: resolution failed; every waiting packet gets its
 * unreachable error (arp_error_report / ndisc_error_report ->
 * dst_link_failure). The caller holds e: each error may come back into this
 * table (a new entry, the forced collection, or e itself when the error
 * goes to e's own address, which makes e INCOMPLETE again and ends the
 * walk). */
static void invalidate(struct neigh_entry *e)
{
    struct neigh_table *t = e->t;
    struct berth_stack *st = tst(t);
    t->s.res_failed++;
    TRACE(st, "neigh %s: neighbour unreachable, %u packets dropped", t->ifp->name,
          (unsigned)e->queue.count);
    struct pkt *p;
    while (e->state == BERTH_NUD_FAILED && (p = pktq_pop(&e->queue))) {
        p->nh = p->data;
        t->s.host_unreach_sent++;
        t->ops->error_report(st, p);
    }
    pktq_purge(st, &e->queue);
}

static void entry_timer(struct berth_stack *st, struct btimer *tm)
{
    struct neigh_entry *e =
        (struct neigh_entry *)((char *)tm - offsetof(struct neigh_entry, timer));
    struct neigh_table *t = e->t;
    uint64_t now = st_now(st);
    if (e->state == BERTH_NUD_DELAY) {
        if (now <= e->confirmed + MS(t->p.delay_first_probe_time_ms)) {
            e->state = BERTH_NUD_REACHABLE; /* confirmed meanwhile */
            e->updated = now;
            return;
        }
        e->state = BERTH_NUD_PROBE;
        e->updated = now;
        e->probes = 0;
    }
    if (!(e->state & (BERTH_NUD_INCOMPLETE | BERTH_NUD_PROBE)))
        return;
    unsigned max = e->state == BERTH_NUD_INCOMPLETE ? t->p.mcast_solicit : t->p.ucast_solicit;
    if (e->probes >= max) {
        e->state = BERTH_NUD_FAILED;
        e->updated = now;
        neigh_hold(e); /* neigh_timer_handler runs with a reference */
        invalidate(e);
        neigh_put(e);
        return;
    }
    arm(e, now + MS(t->p.retrans_time_ms));
    solicit(e);
}

static void gc_timer(struct berth_stack *st, struct btimer *tm)
{
    struct neigh_table *t =
        (struct neigh_table *)((char *)tm - offsetof(struct neigh_table, gc_timer));
    uint64_t now = st_now(st);
    t->s.periodic_gc_runs++;
    if (now > t->last_rand + MS(300000))
        rand_reach(t, now);
    if (t->entries >= t->p.gc_thresh1) {
        for (struct neigh_entry *e = t->head, *n; e; e = n) {
            n = e->next;
            neigh_settle(e, now);
            if (e->refs || (e->state & (BERTH_NUD_PERMANENT | NUD_IN_TIMER | BERTH_NUD_REACHABLE)))
                continue;
            if (e->used < e->confirmed && e->confirmed <= now)
                e->used = e->confirmed;
            if (e->state == BERTH_NUD_FAILED || now >= e->used + MS(t->p.gc_stale_time_ms))
                entry_free(t, e);
        }
    }
    if (t->entries)
        timer_arm(st, &t->gc_timer, now + MS(t->p.base_reachable_time_ms) / 2);
}

/* neigh_update (__neigh_update without the NOARP devices and proxy cases). */
void neigh_update(struct neigh_entry *e, const uint8_t *lladdr, unsigned new, unsigned flags)
{
    struct neigh_table *t = e->t;
    uint64_t now = st_now(tst(t));
    unsigned old = e->state;
    if (!(flags & NEIGH_UPD_ADMIN) && (old & (BERTH_NUD_NOARP | BERTH_NUD_PERMANENT)))
        return;
    if (!lladdr) {
        if (!(old & NUD_VALID))
            return; /* nothing to resolve it with: -EINVAL in Linux */
        lladdr = e->ha;
    }
    bool same = (old & NUD_VALID) && eth_equal(lladdr, e->ha);
    bool update_isrouter = flags & NEIGH_UPD_OVERRIDE_ISROUTER;
    if (new &NUD_CONNECTED)
        e->confirmed = now;
    if (old & NUD_VALID) {
        if (!same && !(flags & NEIGH_UPD_OVERRIDE)) {
            update_isrouter = false;
            if (!(flags & NEIGH_UPD_WEAK_OVERRIDE) || !(old & NUD_CONNECTED))
                return; /* locked: keep the first answer */
            /* RFC 4861 7.2.5: a solicited NA without O for another address
             * only makes a REACHABLE entry STALE. */
            lladdr = e->ha;
            same = true;
            new = BERTH_NUD_STALE;
        } else if (same && new == BERTH_NUD_STALE && !(flags & NEIGH_UPD_ADMIN)) {
            new = old; /* a request from a known neighbour changes nothing */
        }
    }
    if (new != old || !same)
        e->updated = now;
    if (new != old) {
        timer_cancel(tst(t), &e->timer);
        if (new &BERTH_NUD_PROBE)
            e->probes = 0;
        e->state = (uint8_t) new;
    }
    if (!same) {
        memcpy(e->ha, lladdr, ETH_ALEN);
        if (!(new &NUD_CONNECTED)) {
            uint64_t back = MS(t->p.base_reachable_time_ms) * 2;
            e->confirmed = now > back ? now - back : 0;
        }
    }
    if (update_isrouter)
        e->flags = (uint8_t)((flags & NEIGH_UPD_ISROUTER) ? e->flags | NEIGH_F_ROUTER
                                                          : e->flags & ~NEIGH_F_ROUTER);
    if (new != old && !(old & NUD_VALID))
        send_queued(e);
}

/* ---- the interface to the rest of berth ---- */

struct neigh_table *neigh_table_new(struct berth_netif *ifp, const struct neigh_ops *ops)
{
    struct berth_stack *st = ifp->st;
    struct neigh_table *t = st_zalloc(st, ops->table_size ? ops->table_size : sizeof(*t));
    if (!t)
        return NULL;
    t->ifp = ifp;
    t->ops = ops;
    berth_arp_params_init(&t->p);
    timer_init(&t->gc_timer, gc_timer);
    uint64_t now = st_now(st);
    rand_reach(t, now);
    t->last_flush = now;
    return t;
}

void neigh_flush_all(struct neigh_table *t)
{
    while (t->head)
        entry_free(t, t->head);
}

void neigh_table_free(struct neigh_table *t)
{
    if (!t)
        return;
    neigh_flush_all(t);
    timer_cancel(tst(t), &t->gc_timer);
    st_free(tst(t), t);
}

int neigh_output(struct neigh_table *t, struct pkt *p, const union inet_addr *nh)
{
    struct berth_stack *st = tst(t);
    uint64_t now = st_now(st);
    if (now > t->last_rand + MS(300000))
        rand_reach(t, now);
    t->s.lookups++;
    struct neigh_entry *e = neigh_find(t, nh);
    if (e) {
        t->s.hits++;
    } else if (!(e = neigh_create(t, nh, now))) {
        pkt_free(st, p);
        return ENOBUFS; /* __neigh_create: -ENOBUFS reaches the sender */
    }
    neigh_settle(e, now);
    e->used = now;
    switch (e->state) {
    case BERTH_NUD_STALE:
        e->state = BERTH_NUD_DELAY;
        e->updated = now;
        arm(e, now + MS(t->p.delay_first_probe_time_ms));
        /* fall through */
    case BERTH_NUD_REACHABLE:
    case BERTH_NUD_PERMANENT:
    case BERTH_NUD_NOARP:
    case BERTH_NUD_DELAY:
    case BERTH_NUD_PROBE:
        return eth_send(t->ifp, p, e->ha, t->ops->ethertype);
    case BERTH_NUD_NONE:
    case BERTH_NUD_FAILED:
        e->state = BERTH_NUD_INCOMPLETE;
        e->updated = now;
        e->probes = 0;
        pktq_push(&e->queue, p);
        arm(e, now + MS(t->p.retrans_time_ms));
        solicit(e); /* immediate_probe */
        return 0;
    default: /* INCOMPLETE: wait, within unres_qlen_bytes */
        while (e->queue.bytes + p->truesize > t->p.unres_qlen_bytes) {
            struct pkt *old = pktq_pop(&e->queue);
            if (!old)
                break;
            pkt_free(st, old);
            t->s.unresolved_discards++;
        }
        pktq_push(&e->queue, p);
        return 0;
    }
}

void neigh_confirm(struct neigh_table *t, const union inet_addr *nh)
{
    struct neigh_entry *e = t ? neigh_find(t, nh) : NULL;
    if (e)
        e->confirmed = st_now(tst(t));
}

/* ---- the public calls ---- */

static struct neigh_table *table_of(struct berth_netif *ifp, int family)
{
    struct neigh_table *t = NULL;
    if (ifp->link == BERTH_LINK_ETHERNET)
        t = family == AF_INET ? ifp->arp : NEIGH_TABLE6(ifp);
    if (!t)
        errno = EOPNOTSUPP;
    return t;
}

int neigh_api_params(struct berth_netif *ifp, int family, struct berth_arp_params *get,
                     const struct berth_arp_params *p)
{
    if (p && (!p->base_reachable_time_ms || !p->retrans_time_ms || !p->delay_first_probe_time_ms ||
              !p->mcast_solicit || !p->ucast_solicit || p->mcast_solicit > 255 ||
              p->ucast_solicit > 255 || p->gc_thresh1 > p->gc_thresh2 ||
              p->gc_thresh2 > p->gc_thresh3 || !p->gc_thresh3)) {
        errno = EINVAL;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct neigh_table *t = table_of(ifp, family);
    if (t && get)
        *get = t->p;
    if (t && p) {
        bool redraw = p->base_reachable_time_ms != t->p.base_reachable_time_ms;
        t->p = *p;
        if (redraw)
            rand_reach(t, st_now(st)); /* as Linux does when the sysctl is written */
    }
    st_unlock(st);
    return t ? 0 : -1;
}

int neigh_api_stats(struct berth_netif *ifp, int family, struct berth_arp_stats *out)
{
    st_lock(ifp->st);
    struct neigh_table *t = table_of(ifp, family);
    if (t) {
        *out = t->s;
        out->entries = t->entries;
    }
    st_unlock(ifp->st);
    return t ? 0 : -1;
}

long neigh_api_list(struct berth_netif *ifp, int family, neigh_fill_fn fill, void *out, size_t max)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct neigh_table *t = table_of(ifp, family);
    long n = -1;
    if (t) {
        uint64_t now = st_now(st);
        n = 0;
        for (struct neigh_entry *e = t->head; e; e = e->next, n++) {
            neigh_settle(e, now);
            if ((size_t)n < max)
                fill(e, out, (size_t)n);
        }
    }
    st_unlock(st);
    return n;
}

int neigh_api_lookup(struct berth_netif *ifp, int family, const union inet_addr *a,
                     neigh_fill_fn fill, void *out)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct neigh_table *t = table_of(ifp, family);
    int rc = -1;
    if (t) {
        struct neigh_entry *e = neigh_find(t, a);
        if (e) {
            neigh_settle(e, st_now(st));
            fill(e, out, 0);
            rc = 0;
        } else {
            errno = ENOENT;
        }
    }
    st_unlock(st);
    return rc;
}

int neigh_api_add(struct berth_netif *ifp, int family, const union inet_addr *a,
                  const uint8_t hw[ETH_ALEN], unsigned state)
{
    if (state != BERTH_NUD_PERMANENT && state != BERTH_NUD_REACHABLE && state != BERTH_NUD_STALE) {
        errno = EINVAL;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct neigh_table *t = table_of(ifp, family);
    int rc = -1;
    if (t) {
        struct neigh_entry *e = neigh_find(t, a);
        if (!e)
            e = neigh_create(t, a, st_now(st));
        if (e) {
            neigh_update(e, hw, state, NEIGH_UPD_OVERRIDE | NEIGH_UPD_ADMIN);
            rc = 0;
        } else {
            errno = ENOBUFS;
        }
    }
    st_unlock(st);
    return rc;
}

int neigh_api_resolve(struct berth_netif *ifp, int family, const union inet_addr *a)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct neigh_table *t = table_of(ifp, family);
    int err = t ? 0 : EOPNOTSUPP;
    if (t && !(ifp->flags & BERTH_IFF_UP))
        err = ENETDOWN;
    if (!err) {
        uint64_t now = st_now(st);
        struct neigh_entry *e = neigh_find(t, a);
        if (!e && !(e = neigh_create(t, a, now)))
            err = ENOBUFS;
        if (e) {
            neigh_settle(e, now);
            if (e->state == BERTH_NUD_NONE || e->state == BERTH_NUD_FAILED) {
                e->state = BERTH_NUD_INCOMPLETE;
                e->updated = now;
                e->probes = 0;
                arm(e, now + MS(t->p.retrans_time_ms));
                solicit(e);
            }
            if (!(e->state & NUD_VALID))
                err = EINPROGRESS;
        }
    }
    st_unlock(st);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

/* neigh_delete: FAILED (waiting packets get their error), then gone.
 * The error may re-arm e (an error to e's own address); freeing cancels it. */
static void admin_delete(struct neigh_table *t, struct neigh_entry *e)
{
    unsigned old = e->state;
    timer_cancel(tst(t), &e->timer);
    e->state = BERTH_NUD_FAILED;
    if (old & (BERTH_NUD_INCOMPLETE | BERTH_NUD_PROBE)) {
        neigh_hold(e);
        invalidate(e);
        neigh_put(e);
    }
    entry_free(t, e);
}

int neigh_api_del(struct berth_netif *ifp, int family, const union inet_addr *a)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct neigh_table *t = table_of(ifp, family);
    int rc = -1;
    if (t) {
        struct neigh_entry *e = neigh_find(t, a);
        if (e) {
            admin_delete(t, e);
            rc = 0;
        } else {
            errno = ENOENT;
        }
    }
    st_unlock(st);
    return rc;
}

int neigh_api_flush(struct berth_netif *ifp, int family)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct neigh_table *t = table_of(ifp, family);
    if (t)
        for (struct neigh_entry *e = t->head, *n; e; e = n) {
            n = e->next;
            if (e->state == BERTH_NUD_PERMANENT)
                continue;
            /* Deleting e sends; the collection that may cause must not
             * free the entry the walk goes to next. Entries created
             * meanwhile join the tail: the walk reaches them unless they
             * appear while the last one is deleted (its error then waits
             * in the new entry). */
            if (n)
                neigh_hold(n);
            admin_delete(t, e);
            if (n)
                neigh_put(n);
        }
    st_unlock(st);
    return t ? 0 : -1;
}
