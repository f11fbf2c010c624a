/* arp.c — ARP (RFC 826) and the neighbour cache, after Linux's
 * net/ipv4/arp.c and net/core/neighbour.c.
 *
 * One cache per Ethernet interface: a hash of entries plus a list in
 * creation order (the order Linux's forced GC walks). An entry goes through
 * Linux's NUD states:
 *
 *   NONE/FAILED --packet--> INCOMPLETE --reply--> REACHABLE --time--> STALE
 *   STALE --packet--> DELAY --5 s--> PROBE --reply--> REACHABLE
 *   INCOMPLETE/PROBE --no reply to mcast_solicit/ucast_solicit requests--> FAILED
 *
 * INCOMPLETE queues packets (unres_qlen_bytes of truesize, oldest dropped
 * first) and sends them when the reply comes; FAILED answers each with a
 * locally generated ICMP host unreachable (arp_error_report), which travels
 * back through lo to its sender like any ICMP error.
 *
 * Timers: an entry has one only in INCOMPLETE, DELAY and PROBE. REACHABLE
 * ends lazily: whoever looks at the entry after confirmed + reachable_time
 * moves it to DELAY or STALE exactly as Linux's timer would have at that
 * instant (settle()), so a cache of quiet neighbours costs no timers. One
 * periodic timer per non-empty cache does the garbage collection.
 *
 * Everything runs under the stack lock. Sending can call back into the
 * cache: an ICMP host unreachable sent while an entry is drained may leave
 * through this interface and create an entry, and creating one may run the
 * forced collection. So whoever walks an entry's queue or the entry list
 * while sending holds the entries it will touch again (refs, Linux's
 * neigh_hold), and the collectors skip held entries as neigh_forced_gc
 * skips those with refcnt > 1.
 */
#include "link/arp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "berth/arp.h"
#include "core/invariant.h"
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "link/ethernet.h"
#include "netif/netif_impl.h"

#define ARP_BUCKETS 64 /* a power of two */
#define ICMP_HOST_UNREACH 1
#define MS(x) ((uint64_t)(x)*1000u)
#define NUD_IN_TIMER (BERTH_NUD_INCOMPLETE | BERTH_NUD_DELAY | BERTH_NUD_PROBE)
#define NUD_VALID                                                                                  \
    (BERTH_NUD_PERMANENT | BERTH_NUD_NOARP | BERTH_NUD_REACHABLE | BERTH_NUD_PROBE |               \
     BERTH_NUD_STALE | BERTH_NUD_DELAY)
#define NUD_CONNECTED (BERTH_NUD_PERMANENT | BERTH_NUD_NOARP | BERTH_NUD_REACHABLE)

struct arp_entry {
    struct arp_entry *hnext;       /* hash chain */
    struct arp_entry *prev, *next; /* creation order */
    struct arp_cache *c;
    struct btimer timer;
    struct in_addr ip;
    uint8_t ha[ETH_ALEN];
    uint8_t state;
    uint8_t probes; /* requests sent in this INCOMPLETE or PROBE round */
    uint8_t refs;   /* held across a callback: not collectable, not freed */
    uint64_t updated, used, confirmed;
    struct pktq queue; /* waiting for resolution; .bytes is their truesize */
};

struct arp_cache {
    struct berth_netif *ifp;
    struct berth_arp_params p;
    struct berth_arp_stats s;
    uint64_t reachable_time; /* random in [base/2, 3 base/2), redrawn every 300 s */
    uint64_t last_rand;
    uint64_t last_flush; /* last forced collection */
    unsigned entries;
    struct btimer gc_timer;
    struct arp_entry *head, *tail;
    struct arp_entry *buckets[ARP_BUCKETS];
};

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

static struct berth_stack *cst(const struct arp_cache *c) { return c->ifp->st; }

static unsigned bucket_of(const struct arp_cache *c, struct in_addr a)
{
    return stack_hash32(cst(c), &a.s_addr, sizeof(a.s_addr)) & (ARP_BUCKETS - 1);
}

static void rand_reach(struct arp_cache *c, uint64_t now)
{
    uint64_t base = MS(c->p.base_reachable_time_ms);
    uint32_t r = stack_random32(cst(c));
    /* r % base, in 32 bits when base fits (no 64-bit division on a 32-bit CPU) */
    c->reachable_time = base / 2 + (!base ? 0 : base > UINT32_MAX ? r : r % (uint32_t)base);
    c->last_rand = now;
}

static struct arp_entry *entry_find(struct arp_cache *c, struct in_addr a)
{
    for (struct arp_entry *e = c->buckets[bucket_of(c, a)]; e; e = e->hnext)
        if (e->ip.s_addr == a.s_addr)
            return e;
    return NULL;
}

static void entry_timer(struct berth_stack *st, struct btimer *t);
static void gc_timer(struct berth_stack *st, struct btimer *t);
static void settle(struct arp_entry *e, uint64_t now);

static void arm(struct arp_entry *e, uint64_t when) { timer_arm(cst(e->c), &e->timer, when); }

static void entry_free(struct arp_cache *c, struct arp_entry *e)
{
    struct berth_stack *st = cst(c);
    BERTH_INVARIANT(e->refs == 0);
    timer_cancel(st, &e->timer);
    for (struct arp_entry **pp = &c->buckets[bucket_of(c, e->ip)]; *pp; pp = &(*pp)->hnext)
        if (*pp == e) {
            *pp = e->hnext;
            break;
        }
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    pktq_purge(st, &e->queue);
    st_free(st, e);
    c->entries--;
    c->s.destroys++;
    if (!c->entries)
        timer_cancel(st, &c->gc_timer);
}

/* Hold e across a call that may send (and so create entries and collect):
 * the collectors leave it alone until entry_put. */
static void entry_hold(struct arp_entry *e)
{
    BERTH_INVARIANT(e->refs < UINT8_MAX);
    e->refs++;
}

static void entry_put(struct arp_entry *e)
{
    BERTH_INVARIANT(e->refs > 0);
    e->refs--;
}

/* An entry that nothing else refers to (Linux: refcnt == 1): not held, not
 * in a timer state (REACHABLE counts as one, its expiry being a timer in
 * Linux). */
static bool collectable(const struct arp_entry *e)
{
    return !e->refs && !(e->state & (NUD_IN_TIMER | BERTH_NUD_REACHABLE | BERTH_NUD_PERMANENT));
}

/* neigh_forced_gc: down to gc_thresh2, removing FAILED entries and those
 * not updated in the last 5 s, oldest first. Returns how many went. */
static unsigned forced_gc(struct arp_cache *c, uint64_t now)
{
    long max_clean = (long)c->entries - (long)c->p.gc_thresh2;
    unsigned shrunk = 0;
    c->s.forced_gc_runs++;
    for (struct arp_entry *e = c->head, *n; e && (long)shrunk < max_clean; e = n) {
        n = e->next;
        settle(e, now);
        if (!collectable(e))
            continue;
        if (e->state == BERTH_NUD_FAILED || e->state == BERTH_NUD_NOARP ||
            e->updated + MS(5000) < now) {
            entry_free(c, e);
            shrunk++;
        }
    }
    c->last_flush = now;
    return shrunk;
}

static struct arp_entry *entry_create(struct arp_cache *c, struct in_addr a, uint64_t now)
{
    struct berth_stack *st = cst(c);
    unsigned n = c->entries;
    if (n >= c->p.gc_thresh3 || (n >= c->p.gc_thresh2 && now > c->last_flush + MS(5000))) {
        if (!forced_gc(c, now) && n >= c->p.gc_thresh3) {
            c->s.table_fulls++;
            TRACE(st, "arp %s: neighbour table overflow", c->ifp->name);
            return NULL;
        }
    }
    struct arp_entry *e = st_zalloc(st, sizeof(*e));
    if (!e)
        return NULL;
    e->c = c;
    e->ip = a;
    e->state = BERTH_NUD_NONE;
    e->updated = e->used = now;
    /* A new entry counts as long unconfirmed (neigh_alloc). */
    uint64_t back = MS(c->p.base_reachable_time_ms) * 2;
    e->confirmed = now > back ? now - back : 0;
    timer_init(&e->timer, entry_timer);
    unsigned b = bucket_of(c, a);
    e->hnext = c->buckets[b];
    c->buckets[b] = e;
    e->prev = c->tail;
    if (c->tail)
        c->tail->next = e;
    else
        c->head = e;
    c->tail = e;
    c->entries++;
    c->s.allocs++;
    if (!c->gc_timer.armed)
        timer_arm(st, &c->gc_timer, now + MS(c->p.base_reachable_time_ms) / 2);
    return e;
}

/* The REACHABLE timer Linux would have run at confirmed + reachable_time. */
static void settle(struct arp_entry *e, uint64_t now)
{
    struct arp_cache *c = e->c;
    if (e->state != BERTH_NUD_REACHABLE)
        return;
    uint64_t t = e->confirmed + c->reachable_time;
    if (now <= t)
        return;
    uint64_t delay = MS(c->p.delay_first_probe_time_ms);
    e->updated = t;
    if (t <= e->used + delay) {
        e->state = BERTH_NUD_DELAY;
        arm(e, t + delay);
    } else {
        e->state = BERTH_NUD_STALE;
    }
}

/* ---- packets on the wire ---- */

/* arp_create + arp_xmit. dst_hw NULL: broadcast; tha NULL: zeros. */
static void arp_send(struct arp_cache *c, uint16_t op, struct in_addr tip, struct in_addr sip,
                     const uint8_t *dst_hw, const uint8_t *tha)
{
    struct berth_netif *ifp = c->ifp;
    struct berth_stack *st = cst(c);
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, ARP_HLEN);
    if (!p) {
        ifp->stats.tx_dropped++;
        return;
    }
    uint8_t *d = p->data;
    d[0] = 0, d[1] = ARPHRD_ETHER;
    d[2] = ETH_P_IP >> 8, d[3] = ETH_P_IP & 0xff;
    d[4] = ETH_ALEN, d[5] = 4;
    d[6] = 0, d[7] = (uint8_t)op;
    memcpy(d + 8, ifp->hwaddr, ETH_ALEN);
    memcpy(d + 14, &sip.s_addr, 4);
    if (tha)
        memcpy(d + 18, tha, ETH_ALEN);
    else
        memset(d + 18, 0, ETH_ALEN);
    memcpy(d + 24, &tip.s_addr, 4);
    eth_send(ifp, p, dst_hw ? dst_hw : eth_broadcast_addr, ETH_P_ARP);
}

/* A source address for our request about e (arp_solicit, arp_announce 0):
 * the source of the newest waiting packet if it is ours, else the address
 * of this interface on the target's subnet, else any of ours. */
static struct in_addr solicit_src(struct arp_entry *e)
{
    struct arp_cache *c = e->c;
    struct berth_stack *st = cst(c);
    struct in_addr s = {INADDR_ANY};
    if (e->queue.tail && e->queue.tail->len >= IP4_HLEN) {
        memcpy(&s.s_addr, e->queue.tail->data + 12, 4);
        if (s.s_addr && ip4_is_local(st, s))
            return s;
    }
    s = netif_select_src4(c->ifp, e->ip);
    if (s.s_addr)
        return s;
    for (struct berth_netif *i = st->netifs; i; i = i->next)
        if (!i->is_loopback && i->addrs)
            return i->addrs->addr;
    return s;
}

/* neigh_probe: one more request, broadcast while INCOMPLETE, unicast to
 * the address we had while PROBE. */
static void solicit(struct arp_entry *e)
{
    struct arp_cache *c = e->c;
    e->probes++;
    c->s.requests_sent++;
    bool unicast = e->state == BERTH_NUD_PROBE;
    TRACE(cst(c), "arp %s: who-has %s (%s, probe %u)", c->ifp->name, inet_ntoa(e->ip),
          unicast ? "unicast" : "broadcast", e->probes);
    arp_send(c, ARPOP_REQUEST, e->ip, solicit_src(e), unicast ? e->ha : NULL, NULL);
}

static void send_queued(struct arp_entry *e)
{
    struct pkt *p;
    /* Again a guard against loops: only while the entry stays valid. */
    while ((e->state & NUD_VALID) && (p = pktq_pop(&e->queue)))
        eth_send(e->c->ifp, p, e->ha, ETH_P_IP);
    pktq_purge(cst(e->c), &e->queue);
}

/* neigh_invalidate: resolution failed; every waiting packet gets its ICMP
 * host unreachable (arp_error_report -> dst_link_failure -> icmp_send).
 * The caller holds e: each ICMP may come back into this cache (a new entry,
 * the forced collection, or e itself when the error goes to e's own
 * address, which makes e INCOMPLETE again and ends the walk). */
static void invalidate(struct arp_entry *e)
{
    struct arp_cache *c = e->c;
    struct berth_stack *st = cst(c);
    c->s.res_failed++;
    TRACE(st, "arp %s: %s unreachable, %u packets dropped", c->ifp->name, inet_ntoa(e->ip),
          (unsigned)e->queue.count);
    struct pkt *p;
    while (e->state == BERTH_NUD_FAILED && (p = pktq_pop(&e->queue))) {
        p->nh = p->data;
        c->s.host_unreach_sent++;
        icmp4_send_error(st, p, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
        pkt_free(st, p);
    }
    pktq_purge(st, &e->queue);
}

static void entry_timer(struct berth_stack *st, struct btimer *t)
{
    struct arp_entry *e = (struct arp_entry *)((char *)t - offsetof(struct arp_entry, timer));
    struct arp_cache *c = e->c;
    uint64_t now = st_now(st);
    if (e->state == BERTH_NUD_DELAY) {
        if (now <= e->confirmed + MS(c->p.delay_first_probe_time_ms)) {
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
    unsigned max = e->state == BERTH_NUD_INCOMPLETE ? c->p.mcast_solicit : c->p.ucast_solicit;
    if (e->probes >= max) {
        e->state = BERTH_NUD_FAILED;
        e->updated = now;
        entry_hold(e); /* neigh_timer_handler runs with a reference */
        invalidate(e);
        entry_put(e);
        return;
    }
    arm(e, now + MS(c->p.retrans_time_ms));
    solicit(e);
}

static void gc_timer(struct berth_stack *st, struct btimer *t)
{
    struct arp_cache *c = (struct arp_cache *)((char *)t - offsetof(struct arp_cache, gc_timer));
    uint64_t now = st_now(st);
    c->s.periodic_gc_runs++;
    if (now > c->last_rand + MS(300000))
        rand_reach(c, now);
    if (c->entries >= c->p.gc_thresh1) {
        for (struct arp_entry *e = c->head, *n; e; e = n) {
            n = e->next;
            settle(e, now);
            if (e->refs || (e->state & (BERTH_NUD_PERMANENT | NUD_IN_TIMER | BERTH_NUD_REACHABLE)))
                continue;
            if (e->used < e->confirmed && e->confirmed <= now)
                e->used = e->confirmed;
            if (e->state == BERTH_NUD_FAILED || now >= e->used + MS(c->p.gc_stale_time_ms))
                entry_free(c, e);
        }
    }
    if (c->entries)
        timer_arm(st, &c->gc_timer, now + MS(c->p.base_reachable_time_ms) / 2);
}

/* neigh_update without the ADMIN cases (see admin_update). */
#define UPD_OVERRIDE 1
#define UPD_ADMIN 2
static void update(struct arp_entry *e, const uint8_t *lladdr, unsigned new, unsigned flags)
{
    struct arp_cache *c = e->c;
    uint64_t now = st_now(cst(c));
    unsigned old = e->state;
    if (!(flags & UPD_ADMIN) && (old & (BERTH_NUD_NOARP | BERTH_NUD_PERMANENT)))
        return;
    bool same = (old & NUD_VALID) && eth_equal(lladdr, e->ha);
    if (new &NUD_CONNECTED)
        e->confirmed = now;
    if (old & NUD_VALID) {
        if (!same && !(flags & UPD_OVERRIDE))
            return; /* locked: keep the first answer */
        if (same && new == BERTH_NUD_STALE && !(flags & UPD_ADMIN))
            new = old; /* a request from a known neighbour changes nothing */
    }
    if (new != old || !same)
        e->updated = now;
    if (new != old) {
        timer_cancel(cst(c), &e->timer);
        if (new &BERTH_NUD_PROBE)
            e->probes = 0;
        e->state = (uint8_t) new;
    }
    if (!same) {
        memcpy(e->ha, lladdr, ETH_ALEN);
        if (!(new &NUD_CONNECTED)) {
            uint64_t back = MS(c->p.base_reachable_time_ms) * 2;
            e->confirmed = now > back ? now - back : 0;
        }
    }
    if (new != old && !(old & NUD_VALID))
        send_queued(e);
}

/* ---- the interface to the rest of berth ---- */

int arp_attach(struct berth_netif *ifp)
{
    struct berth_stack *st = ifp->st;
    struct arp_cache *c = st_zalloc(st, sizeof(*c));
    if (!c)
        return ENOMEM;
    c->ifp = ifp;
    berth_arp_params_init(&c->p);
    timer_init(&c->gc_timer, gc_timer);
    uint64_t now = st_now(st);
    rand_reach(c, now);
    c->last_flush = now;
    ifp->arp = c;
    return 0;
}

static void flush(struct arp_cache *c, bool skip_perm)
{
    for (struct arp_entry *e = c->head, *n; e; e = n) {
        n = e->next;
        if (!(skip_perm && e->state == BERTH_NUD_PERMANENT))
            entry_free(c, e);
    }
}

void arp_detach(struct berth_netif *ifp)
{
    struct arp_cache *c = ifp->arp;
    if (!c)
        return;
    flush(c, false);
    timer_cancel(ifp->st, &c->gc_timer);
    st_free(ifp->st, c);
    ifp->arp = NULL;
}

void arp_ifdown(struct berth_netif *ifp)
{
    if (ifp->arp)
        flush(ifp->arp, false); /* neigh_ifdown: permanent entries too */
}

int arp_output(struct berth_netif *ifp, struct pkt *p, struct in_addr nh)
{
    struct arp_cache *c = ifp->arp;
    struct berth_stack *st = ifp->st;
    uint64_t now = st_now(st);
    if (now > c->last_rand + MS(300000))
        rand_reach(c, now);
    c->s.lookups++;
    struct arp_entry *e = entry_find(c, nh);
    if (e) {
        c->s.hits++;
    } else if (!(e = entry_create(c, nh, now))) {
        pkt_free(st, p);
        return ENOBUFS; /* __neigh_create: -ENOBUFS reaches the sender */
    }
    settle(e, now);
    e->used = now;
    switch (e->state) {
    case BERTH_NUD_STALE:
        e->state = BERTH_NUD_DELAY;
        e->updated = now;
        arm(e, now + MS(c->p.delay_first_probe_time_ms));
        /* fall through */
    case BERTH_NUD_REACHABLE:
    case BERTH_NUD_PERMANENT:
    case BERTH_NUD_NOARP:
    case BERTH_NUD_DELAY:
    case BERTH_NUD_PROBE:
        return eth_send(ifp, p, e->ha, ETH_P_IP);
    case BERTH_NUD_NONE:
    case BERTH_NUD_FAILED:
        e->state = BERTH_NUD_INCOMPLETE;
        e->updated = now;
        e->probes = 0;
        pktq_push(&e->queue, p);
        arm(e, now + MS(c->p.retrans_time_ms));
        solicit(e); /* immediate_probe */
        return 0;
    default: /* INCOMPLETE: wait, within unres_qlen_bytes */
        while (e->queue.bytes + p->truesize > c->p.unres_qlen_bytes) {
            struct pkt *old = pktq_pop(&e->queue);
            if (!old)
                break;
            pkt_free(st, old);
            c->s.unresolved_discards++;
        }
        pktq_push(&e->queue, p);
        return 0;
    }
}

static bool martian(struct in_addr a)
{
    uint32_t h = ntohl(a.s_addr);
    return (h >> 24) == 127 || (h & 0xf0000000u) == 0xe0000000u || a.s_addr == INADDR_BROADCAST;
}

void arp_input(struct berth_netif *ifp, struct pkt *p, enum eth_pkt_type type)
{
    struct arp_cache *c = ifp->arp;
    struct berth_stack *st = ifp->st;
    const uint8_t *d = p->data;
    if (p->len < ARP_HLEN) {
        c->s.rx_malformed++;
        goto out;
    }
    uint16_t hrd = (uint16_t)((d[0] << 8) | d[1]), pro = (uint16_t)((d[2] << 8) | d[3]);
    uint16_t op = (uint16_t)((d[6] << 8) | d[7]);
    if ((hrd != ARPHRD_ETHER && hrd != ARPHRD_IEEE802) || pro != ETH_P_IP || d[4] != ETH_ALEN ||
        d[5] != 4 || (op != ARPOP_REQUEST && op != ARPOP_REPLY)) {
        c->s.rx_malformed++;
        TRACE(st, "arp %s: malformed packet dropped", ifp->name);
        goto out;
    }
    if (op == ARPOP_REQUEST)
        c->s.requests_received++;
    else
        c->s.replies_received++;
    if (type == ETH_PKT_OTHERHOST) { /* arp_rcv: not addressed to us */
        c->s.rx_ignored++;
        goto out;
    }
    uint8_t sha[ETH_ALEN], tha[ETH_ALEN];
    struct in_addr sip, tip;
    memcpy(sha, d + 8, ETH_ALEN);
    memcpy(&sip.s_addr, d + 14, 4);
    memcpy(tha, d + 18, ETH_ALEN);
    memcpy(&tip.s_addr, d + 24, 4);
    uint32_t th = ntohl(tip.s_addr);
    if ((th & 0xf0000000u) == 0xe0000000u || (th >> 24) == 127) {
        c->s.rx_ignored++;
        goto out;
    }
    bool tip_local = ip4_is_local(st, tip);
    /* RFC 5227 probe (sender 0.0.0.0): answer if it asks for ours. */
    if (sip.s_addr == INADDR_ANY) {
        if (op == ARPOP_REQUEST && tip_local) {
            c->s.replies_sent++;
            arp_send(c, ARPOP_REPLY, sip, tip, sha, sha);
        } else {
            c->s.rx_ignored++;
        }
        goto out;
    }
    uint64_t now = st_now(st);
    /* ip_route_input would refuse a martian sender: no reply then. */
    if (op == ARPOP_REQUEST && tip_local && !martian(sip)) {
        if (type == ETH_PKT_HOST)
            c->s.rcv_probes_ucast++;
        else
            c->s.rcv_probes_mcast++;
        /* neigh_event_ns: the asker is a neighbour (STALE); no entry, no reply. */
        struct arp_entry *e = entry_find(c, sip);
        if (!e)
            e = entry_create(c, sip, now);
        if (e) {
            update(e, sha, BERTH_NUD_STALE, UPD_OVERRIDE);
            c->s.replies_sent++;
            arp_send(c, ARPOP_REPLY, sip, tip, sha, sha);
        }
        goto out;
    }
    struct arp_entry *e = entry_find(c, sip);
    bool is_garp = false;
    if (e || c->p.arp_accept) {
        is_garp = tip.s_addr == sip.s_addr;
        if (is_garp && op == ARPOP_REPLY)
            is_garp = eth_equal(tha, sha);
        if (is_garp && (martian(sip) || ip4_is_local(st, sip) || netif_is_bcast4(st, sip)))
            is_garp = false; /* not RTN_UNICAST */
    }
    if (!e && c->p.arp_accept && !martian(sip) && !ip4_is_local(st, sip) &&
        (is_garp || op == ARPOP_REPLY))
        e = entry_create(c, sip, now);
    if (!e) {
        c->s.rx_ignored++;
        goto out;
    }
    bool override = now > e->updated + MS(c->p.locktime_ms) || is_garp;
    /* Broadcast replies and requests do not prove reachability. */
    unsigned state =
        op == ARPOP_REPLY && type == ETH_PKT_HOST ? BERTH_NUD_REACHABLE : BERTH_NUD_STALE;
    update(e, sha, state, override ? UPD_OVERRIDE : 0);
out:
    pkt_free(st, p);
}

void arp_announce(struct berth_netif *ifp, struct in_addr addr)
{
    struct arp_cache *c = ifp->arp;
    if (!c || !c->p.arp_notify || !(ifp->flags & BERTH_IFF_UP))
        return;
    c->s.gratuitous_sent++;
    TRACE(ifp->st, "arp %s: gratuitous ARP for %s", ifp->name, inet_ntoa(addr));
    arp_send(c, ARPOP_REQUEST, addr, addr, NULL, NULL);
}

void arp_confirm(struct berth_netif *ifp, struct in_addr nh)
{
    if (!ifp->arp)
        return;
    struct arp_entry *e = entry_find(ifp->arp, nh);
    if (e)
        e->confirmed = st_now(ifp->st);
}

/* ---- public API ---- */

static struct arp_cache *cache_of(berth_netif *ifp)
{
    if (ifp->link != BERTH_LINK_ETHERNET || !ifp->arp) {
        errno = EOPNOTSUPP;
        return NULL;
    }
    return ifp->arp;
}

int berth_arp_params_get(berth_netif *ifp, struct berth_arp_params *out)
{
    st_lock(ifp->st);
    struct arp_cache *c = cache_of(ifp);
    if (c)
        *out = c->p;
    st_unlock(ifp->st);
    return c ? 0 : -1;
}

int berth_arp_params_set(berth_netif *ifp, const struct berth_arp_params *p)
{
    if (!p->base_reachable_time_ms || !p->retrans_time_ms || !p->delay_first_probe_time_ms ||
        !p->mcast_solicit || !p->ucast_solicit || p->mcast_solicit > 255 ||
        p->ucast_solicit > 255 || p->gc_thresh1 > p->gc_thresh2 || p->gc_thresh2 > p->gc_thresh3 ||
        !p->gc_thresh3) {
        errno = EINVAL;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct arp_cache *c = cache_of(ifp);
    if (c) {
        bool redraw = p->base_reachable_time_ms != c->p.base_reachable_time_ms;
        c->p = *p;
        if (redraw)
            rand_reach(c, st_now(st)); /* as Linux does when the sysctl is written */
    }
    st_unlock(st);
    return c ? 0 : -1;
}

int berth_arp_stats(berth_netif *ifp, struct berth_arp_stats *out)
{
    st_lock(ifp->st);
    struct arp_cache *c = cache_of(ifp);
    if (c) {
        *out = c->s;
        out->entries = c->entries;
    }
    st_unlock(ifp->st);
    return c ? 0 : -1;
}

static void fill(const struct arp_entry *e, struct berth_neigh *n)
{
    n->addr = e->ip;
    memcpy(n->hwaddr, e->ha, ETH_ALEN);
    n->state = e->state;
    n->updated_us = e->updated;
    n->used_us = e->used;
    n->confirmed_us = e->confirmed;
    n->probes = e->probes;
    n->queued = e->queue.count;
}

long berth_arp_list(berth_netif *ifp, struct berth_neigh *out, size_t max)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct arp_cache *c = cache_of(ifp);
    long n = -1;
    if (c) {
        uint64_t now = st_now(st);
        n = 0;
        for (struct arp_entry *e = c->head; e; e = e->next, n++) {
            settle(e, now);
            if ((size_t)n < max)
                fill(e, &out[n]);
        }
    }
    st_unlock(st);
    return n;
}

int berth_arp_lookup(berth_netif *ifp, struct in_addr addr, struct berth_neigh *out)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct arp_cache *c = cache_of(ifp);
    int rc = -1;
    if (c) {
        struct arp_entry *e = entry_find(c, addr);
        if (e) {
            settle(e, st_now(st));
            fill(e, out);
            rc = 0;
        } else {
            errno = ENOENT;
        }
    }
    st_unlock(st);
    return rc;
}

int berth_arp_add(berth_netif *ifp, struct in_addr addr, const uint8_t hw[BERTH_ETH_ALEN],
                  unsigned state)
{
    if ((state != BERTH_NUD_PERMANENT && state != BERTH_NUD_REACHABLE &&
         state != BERTH_NUD_STALE) ||
        addr.s_addr == INADDR_ANY || martian(addr)) {
        errno = EINVAL;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct arp_cache *c = cache_of(ifp);
    int rc = -1;
    if (c) {
        struct arp_entry *e = entry_find(c, addr);
        if (!e)
            e = entry_create(c, addr, st_now(st));
        if (e) {
            update(e, hw, state, UPD_OVERRIDE | UPD_ADMIN);
            rc = 0;
        } else {
            errno = ENOBUFS;
        }
    }
    st_unlock(st);
    return rc;
}

int berth_arp_resolve(berth_netif *ifp, struct in_addr addr)
{
    if (addr.s_addr == INADDR_ANY || martian(addr)) {
        errno = EINVAL;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct arp_cache *c = cache_of(ifp);
    int err = c ? 0 : EOPNOTSUPP;
    if (c && !(ifp->flags & BERTH_IFF_UP))
        err = ENETDOWN;
    if (!err) {
        uint64_t now = st_now(st);
        struct arp_entry *e = entry_find(c, addr);
        if (!e && !(e = entry_create(c, addr, now)))
            err = ENOBUFS;
        if (e) {
            settle(e, now);
            if (e->state == BERTH_NUD_NONE || e->state == BERTH_NUD_FAILED) {
                e->state = BERTH_NUD_INCOMPLETE;
                e->updated = now;
                e->probes = 0;
                arm(e, now + MS(c->p.retrans_time_ms));
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

/* neigh_delete: FAILED (waiting packets get their ICMP error), then gone.
 * The ICMP may re-arm e (an error to e's own address); freeing cancels it. */
static void admin_delete(struct arp_cache *c, struct arp_entry *e)
{
    unsigned old = e->state;
    timer_cancel(cst(c), &e->timer);
    e->state = BERTH_NUD_FAILED;
    if (old & (BERTH_NUD_INCOMPLETE | BERTH_NUD_PROBE)) {
        entry_hold(e);
        invalidate(e);
        entry_put(e);
    }
    entry_free(c, e);
}

int berth_arp_del(berth_netif *ifp, struct in_addr addr)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct arp_cache *c = cache_of(ifp);
    int rc = -1;
    if (c) {
        struct arp_entry *e = entry_find(c, addr);
        if (e) {
            admin_delete(c, e);
            rc = 0;
        } else {
            errno = ENOENT;
        }
    }
    st_unlock(st);
    return rc;
}

int berth_arp_flush(berth_netif *ifp)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    struct arp_cache *c = cache_of(ifp);
    if (c)
        for (struct arp_entry *e = c->head, *n; e; e = n) {
            n = e->next;
            if (e->state == BERTH_NUD_PERMANENT)
                continue;
            /* Deleting e sends; the collection that may cause must not
             * free the entry the walk goes to next. Entries created
             * meanwhile join the tail: the walk reaches them unless they
             * appear while the last one is deleted (its ICMP then waits
             * in the new entry). */
            if (n)
                entry_hold(n);
            admin_delete(c, e);
            if (n)
                entry_put(n);
        }
    st_unlock(st);
    return c ? 0 : -1;
}
