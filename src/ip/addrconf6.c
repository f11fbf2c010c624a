/* addrconf6.c — IPv6 address autoconfiguration on Ethernet (RFC 4862),
 * after Linux's net/ipv6/addrconf.c with its defaults.
 *
 * - Interface up: a link-local address fe80::/64 from the MAC (modified
 *   EUI-64, addr_gen_mode 0) and the fe80::/64 route; every address of
 *   the interface is tentative and goes through DAD again.
 * - DAD (RFC 4862 5.4, addrconf_dad_kick/_work): after a random delay in
 *   [0, rtr_solicit_delay) — 1 s — dad_transmits (1) solicitations from ::
 *   to the solicited-node group, retrans_time (1 s) apart, with a nonce
 *   (enhanced_dad, RFC 7527); no answer by then: the address is usable. An
 *   NS from :: or an NA for it meanwhile: the address is DADFAILED and
 *   stays so, unusable (accept_dad 1).
 * - Router solicitation (addrconf_dad_completed, addrconf_rs_timer): when
 *   the link-local address becomes usable, an RS to ff02::2 at once, then
 *   again after 4 s, doubling (RFC 7559 backoff with +-10 % jitter, capped
 *   at rtr_solicit_max_interval 3600 s), without limit (rtr_solicits -1),
 *   until a router advertisement arrives.
 * - Router advertisements (ndisc_router_discovery, addrconf_prefix_rcv):
 *   cur hop limit, reachable time and retrans timer; a default route
 *   through the router for its lifetime (0: withdrawn); the router's
 *   link-layer address (STALE, router flag); each prefix information
 *   option: on-link (L) -> a route for its valid lifetime, autonomous (A)
 *   with a /64 -> the address prefix + EUI-64 (tentative, DAD) with the
 *   option's lifetimes, updated later with the two-hour rule of 5.5.3 e.
 * - Lifetimes: an address past its preferred lifetime is DEPRECATED,
 *   past its valid lifetime it is removed.
 *
 * One timer per interface serves all of it (and MLD): it is armed at the
 * earliest due time of the interface's addresses, RS and MLD reports.
 */
#include <errno.h>
#include <string.h>

#include "core/div64.h"
#include "core/stack_impl.h"
#include "ip/ip6.h"
#include "ip/nd6.h"
#include "netif/netif_impl.h"

#define S(x) ((uint64_t)(x)*1000000u)
/* Whole seconds in us microseconds (berth_div64: no 64-bit divide linked). */
static uint64_t secs(uint64_t us) { return berth_div64(us, 1000000u); }
#define MS NEIGH_MS
#define INFINITY_LFT 0xffffffffu

static const struct in6_addr all_routers = {{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}}};

/* addrconf_ifid_eui48: the MAC with ff:fe in the middle and the
 * universal/local bit inverted (RFC 4291 appendix A). */
static void eui64(const struct berth_netif *ifp, uint8_t id[8])
{
    const uint8_t *m = ifp->hwaddr;
    id[0] = (uint8_t)(m[0] ^ 2);
    id[1] = m[1];
    id[2] = m[2];
    id[3] = 0xff;
    id[4] = 0xfe;
    id[5] = m[3];
    id[6] = m[4];
    id[7] = m[5];
}

static uint32_t rnd_below(struct berth_stack *st, uint64_t n)
{
    return n ? (uint32_t)(stack_random32(st) % (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n)) : 0;
}

static void earliest(uint64_t *best, uint64_t t)
{
    if (t && (!*best || t < *best))
        *best = t;
}

void addrconf6_rearm(struct berth_netif *ifp)
{
    struct nd6_if *n = nd6_of(ifp);
    if (!n)
        return;
    uint64_t when = 0;
    for (struct ifaddr6 *a = ifp->addrs6; a; a = a->next) {
        earliest(&when, a->dad_at);
        earliest(&when, a->valid_until);
        if (!(a->flags & IFA6_F_DEPRECATED))
            earliest(&when, a->prefer_until);
    }
    earliest(&when, n->rs_at);
    earliest(&when, n->mld_at);
    earliest(&when, n->mld_query_at);
    if (when)
        timer_arm(ifp->st, &n->timer, when);
    else
        timer_cancel(ifp->st, &n->timer);
}

/* addrconf_dad_kick: DAD starts after a random delay. */
static void dad_start(struct berth_netif *ifp, struct ifaddr6 *a)
{
    struct nd6_if *n = nd6_of(ifp);
    struct berth_stack *st = ifp->st;
    if (a->flags & IFA6_F_NODAD || n->cfg.accept_dad < 1) {
        a->flags &= ~(unsigned)IFA6_F_TENTATIVE;
        return;
    }
    a->flags |= IFA6_F_TENTATIVE;
    a->flags &= ~(unsigned)IFA6_F_DADFAILED;
    a->dad_left = (uint8_t)n->cfg.dad_transmits;
    memset(a->nonce, 0, sizeof(a->nonce));
    if (n->cfg.enhanced_dad) {
        while (
            !(a->nonce[0] | a->nonce[1] | a->nonce[2] | a->nonce[3] | a->nonce[4] | a->nonce[5])) {
            uint32_t r[2] = {stack_random32(st), stack_random32(st)};
            memcpy(a->nonce, r, 6);
        }
    }
    a->dad_at = st_now(st) + 1 +
                rnd_below(st, MS(n->cfg.rtr_solicit_delay_ms ? n->cfg.rtr_solicit_delay_ms : 1));
}

static void send_rs(struct berth_netif *ifp)
{
    struct nd6_if *n = nd6_of(ifp);
    struct in6_addr ll;
    if (!nd6_lladdr(ifp, &ll))
        return; /* addrconf_rs_timer: no usable link-local address yet */
    uint8_t m[16] = {ND_ROUTER_SOLICIT};
    m[8] = ND_OPT_SOURCE_LINKADDR;
    m[9] = 1;
    memcpy(m + 10, ifp->hwaddr, 6);
    n->s.rs_sent++;
    nd6_send_icmp(ifp, &ll, &all_routers, 255, m, sizeof(m), false, NULL);
}

/* RFC 3315 14 as Linux's rfc3315_s14_backoff_*: RT = IRT +- 10 %, then
 * 2 RT +- 10 %, capped at MRT +- 10 %. */
static uint64_t jitter(struct berth_stack *st, uint64_t base)
{
    uint64_t tenth = berth_div64(base, 10);
    return base - tenth + rnd_below(st, 2 * tenth + 1);
}

static void dad_completed(struct berth_netif *ifp, struct ifaddr6 *a)
{
    struct nd6_if *n = nd6_of(ifp);
    struct berth_stack *st = ifp->st;
    a->flags &= ~(unsigned)IFA6_F_TENTATIVE;
    a->dad_at = 0;
    TRACE(st, "nd6 %s: DAD passed", ifp->name);
    if (IN6_IS_ADDR_LINKLOCAL(&a->addr) && n->mld_dad_pending) {
        n->mld_dad_pending = false;
        mld6_dad_complete(ifp);
    }
    /* The first usable link-local address starts router solicitation. */
    if (IN6_IS_ADDR_LINKLOCAL(&a->addr) && n->cfg.accept_ra && n->cfg.rtr_solicits != 0 &&
        !n->ra_rcvd && !n->rs_at) {
        send_rs(ifp);
        n->rs_probes = 1;
        n->rs_interval_us = jitter(st, MS(n->cfg.rtr_solicit_interval_ms));
        n->rs_at = st_now(st) + n->rs_interval_us;
    }
}

static void rs_timer(struct berth_netif *ifp, uint64_t now)
{
    struct nd6_if *n = nd6_of(ifp);
    n->rs_at = 0;
    if (n->ra_rcvd || !(ifp->flags & BERTH_IFF_UP))
        return;
    if (n->cfg.rtr_solicits < 0 || n->rs_probes < (uint32_t)n->cfg.rtr_solicits) {
        n->rs_probes++;
        send_rs(ifp);
        uint64_t mrt = MS(n->cfg.rtr_solicit_max_interval_ms);
        uint64_t next = jitter(ifp->st, 2 * n->rs_interval_us);
        n->rs_interval_us = next > mrt ? jitter(ifp->st, mrt) : next;
        bool last = n->cfg.rtr_solicits >= 0 && n->rs_probes == (uint32_t)n->cfg.rtr_solicits;
        n->rs_at = now + (last ? MS(n->cfg.rtr_solicit_delay_ms) : n->rs_interval_us);
    }
}

static void addr_unlink(struct berth_netif *ifp, struct ifaddr6 *a)
{
    for (struct ifaddr6 **pp = &ifp->addrs6; *pp; pp = &(*pp)->next)
        if (*pp == a) {
            addrconf6_addr_removing(ifp, a);
            *pp = a->next;
            st_free(ifp->st, a);
            return;
        }
}

void addrconf6_timer(struct berth_stack *st, struct btimer *t)
{
    struct nd6_if *n = (struct nd6_if *)((char *)t - offsetof(struct nd6_if, timer));
    struct berth_netif *ifp = n->t.ifp;
    uint64_t now = st_now(st);
    for (struct ifaddr6 *a = ifp->addrs6, *next; a; a = next) {
        next = a->next;
        if (a->valid_until && now >= a->valid_until) {
            TRACE(st, "nd6 %s: address valid lifetime over", ifp->name);
            addr_unlink(ifp, a);
            continue;
        }
        if (a->prefer_until && now >= a->prefer_until)
            a->flags |= IFA6_F_DEPRECATED;
        if (!a->dad_at || now < a->dad_at)
            continue;
        if (!(ifp->flags & BERTH_IFF_UP)) {
            a->dad_at = 0;
            continue;
        }
        if (!a->dad_left) {
            dad_completed(ifp, a);
            continue;
        }
        a->dad_left--;
        a->dad_at = now + MS(n->t.p.retrans_time_ms);
        nd6_send_ns(ifp, &a->addr, NULL, &in6addr_any, n->cfg.enhanced_dad ? a->nonce : NULL, NULL);
    }
    if (n->rs_at && now >= n->rs_at)
        rs_timer(ifp, now);
    mld6_timer(ifp, now);
    addrconf6_rearm(ifp);
}

void addrconf6_addr_added(struct berth_netif *ifp, struct ifaddr6 *a)
{
    struct nd6_if *n = ifp->link == BERTH_LINK_ETHERNET ? nd6_of(ifp) : NULL;
    if (!n || n->cfg.disable_ipv6)
        return; /* loopback, raw IP (IFF_NOARP in Linux): no DAD */
    struct in6_addr g;
    nd6_solicited_node(&a->addr, &g);
    mld6_join(ifp, &g);
    if (ifp->flags & BERTH_IFF_UP)
        dad_start(ifp, a);
    else
        a->flags |= IFA6_F_TENTATIVE; /* DAD runs when it comes up */
    addrconf6_rearm(ifp);
}

void addrconf6_addr_removing(struct berth_netif *ifp, struct ifaddr6 *a)
{
    if (ifp->link != BERTH_LINK_ETHERNET || !nd6_of(ifp))
        return;
    struct in6_addr g;
    nd6_solicited_node(&a->addr, &g);
    mld6_leave(ifp, &g);
}

void addrconf6_dad_failure(struct berth_netif *ifp, struct ifaddr6 *a)
{
    struct nd6_if *n = nd6_of(ifp);
    n->s.dad_failures++;
    TRACE(ifp->st, "nd6 %s: duplicate address detected", ifp->name);
    /* addrconf_dad_failure: IFA_F_DADFAILED, still tentative, never used. */
    a->flags |= IFA6_F_DADFAILED | IFA6_F_TENTATIVE;
    a->dad_at = 0;
    addrconf6_rearm(ifp);
}

static struct ifaddr6 *addr_new(struct berth_netif *ifp, const struct in6_addr *addr, unsigned plen)
{
    struct ifaddr6 *a = st_zalloc(ifp->st, sizeof(*a));
    if (!a)
        return NULL;
    a->addr = *addr;
    a->prefixlen = plen;
    a->autoconf = 1;
    struct ifaddr6 **pp = &ifp->addrs6;
    while (*pp)
        pp = &(*pp)->next;
    *pp = a;
    addrconf6_addr_added(ifp, a);
    return a;
}

void addrconf6_ifup(struct berth_netif *ifp)
{
    struct nd6_if *n = nd6_of(ifp);
    if (!n || n->cfg.disable_ipv6)
        return;
    struct in6_addr ll = {{{0xfe, 0x80}}};
    eui64(ifp, ll.s6_addr + 8);
    if (!nd6_ifaddr(ifp, &ll))
        addr_new(ifp, &ll, 64); /* addrconf_addr_gen */
    static const struct in6_addr fe80 = {{{0xfe, 0x80}}};
    ip6_route_add_locked(ifp->st, &fe80, 64, NULL, ifp, 0);
    n->ra_rcvd = false;
    n->rs_at = 0;
    n->mld_dad_pending = true;
    mld6_ifup(ifp);
    for (struct ifaddr6 *a = ifp->addrs6; a; a = a->next)
        if (!(a->flags & IFA6_F_DADFAILED) || a->autoconf)
            dad_start(ifp, a);
    addrconf6_rearm(ifp);
}

void addrconf6_ifdown(struct berth_netif *ifp)
{
    struct nd6_if *n = nd6_of(ifp);
    if (!n)
        return;
    /* addrconf_ifdown: autoconfigured addresses go (berth keeps the ones
     * added by hand, as keep_addr_on_down 1 does: docs/nd6.md). */
    for (struct ifaddr6 *a = ifp->addrs6, *next; a; a = next) {
        next = a->next;
        if (a->autoconf)
            addr_unlink(ifp, a);
        else
            a->dad_at = 0;
    }
    if (n->have_router)
        ip6_route_del_locked(ifp->st, &in6addr_any, 0, ifp);
    n->have_router = false;
    n->ra_rcvd = false;
    n->rs_at = 0;
    n->hop_limit = 0;
    /* ipv6_mc_down: reports still due are not sent after the interface
     * comes back; it reports its groups afresh then. */
    memset(n->changes, 0, sizeof(n->changes));
    n->mld_at = n->mld_query_at = 0;
    neigh_flush_all(&n->t);
    addrconf6_rearm(ifp);
}

unsigned nd6_hop_limit(const struct berth_netif *ifp)
{
    const struct nd6_if *n = ifp->link == BERTH_LINK_ETHERNET ? nd6_of(ifp) : NULL;
    return n ? n->hop_limit : 0;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t until(uint64_t now, uint32_t lft) { return lft == INFINITY_LFT ? 0 : now + S(lft); }

/* addrconf_prefix_rcv for one prefix information option (32 bytes). */
static void prefix_rcv(struct berth_netif *ifp, const uint8_t *o)
{
    struct nd6_if *n = nd6_of(ifp);
    struct berth_stack *st = ifp->st;
    unsigned plen = o[2];
    bool onlink = o[3] & 0x80, autonomous = o[3] & 0x40;
    uint32_t valid = get32(o + 4), pref = get32(o + 8);
    struct in6_addr pfx;
    memcpy(&pfx, o + 16, 16);
    if (IN6_IS_ADDR_MULTICAST(&pfx) || IN6_IS_ADDR_LINKLOCAL(&pfx) || plen > 128)
        return;
    if (pref > valid)
        return; /* "addrconf: prefix option has invalid lifetime" */
    uint64_t now = st_now(st);
    if (onlink) {
        if (valid)
            ip6_route_add_locked(st, &pfx, plen, NULL, ifp, until(now, valid));
        else
            ip6_route_del_locked(st, &pfx, plen, ifp);
    }
    if (!autonomous || !n->cfg.autoconf)
        return;
    if (plen != 64)
        return; /* "IPv6 addrconf: prefix with wrong length" */
    struct in6_addr addr = pfx;
    eui64(ifp, addr.s6_addr + 8);
    struct ifaddr6 *a = nd6_ifaddr(ifp, &addr);
    if (!a) {
        if (!valid)
            return;
        if (!(a = addr_new(ifp, &addr, 64)))
            return;
        n->s.slaac_addrs++;
        a->valid_until = until(now, valid);
    } else if (a->autoconf) {
        /* RFC 4862 5.5.3 e: the valid lifetime is not cut below two hours
         * (or what is left, if less) by an unauthenticated RA. */
        uint64_t stored = !a->valid_until        ? UINT64_MAX
                          : a->valid_until > now ? secs(a->valid_until - now)
                                                 : 0;
        uint64_t floor = stored < 7200 ? stored : 7200;
        uint64_t v = valid == INFINITY_LFT ? UINT64_MAX : valid;
        if (v < floor)
            v = floor;
        a->valid_until = v == UINT64_MAX ? 0 : now + S(v);
    } else {
        return; /* an address added by hand keeps its lifetimes */
    }
    a->prefer_until = until(now, pref);
    if (pref)
        a->flags &= ~(unsigned)IFA6_F_DEPRECATED;
    else
        a->flags |= IFA6_F_DEPRECATED;
}

void addrconf6_ra_input(struct berth_netif *ifp, const struct in6_addr *src, const uint8_t *m,
                        unsigned len, const uint8_t *sllao)
{
    struct nd6_if *n = nd6_of(ifp);
    struct berth_stack *st = ifp->st;
    if (!n->cfg.accept_ra)
        return;
    uint64_t now = st_now(st);
    n->ra_rcvd = true; /* IF_RA_RCVD: no more solicitations */
    n->rs_at = 0;
    unsigned lifetime = (unsigned)(m[6] << 8 | m[7]);
    uint32_t reach = get32(m + 8), retrans = get32(m + 12);
    if (m[4])
        n->hop_limit = m[4];
    if (reach && reach / 1000 < 3600 && reach != n->t.p.base_reachable_time_ms)
        neigh_set_base_reachable(&n->t, reach);
    if (retrans)
        n->t.p.retrans_time_ms = retrans < 100 ? 100 : retrans;
    /* The default router (accept_ra_defrtr). */
    if (lifetime) {
        if (!ip6_route_add_locked(st, &in6addr_any, 0, src, ifp, now + S(lifetime))) {
            n->have_router = true;
            n->router = *src;
        }
    } else if (n->have_router && IN6_ARE_ADDR_EQUAL(&n->router, src)) {
        ip6_route_del_locked(st, &in6addr_any, 0, ifp);
        n->have_router = false;
    }
    /* The router is a neighbour (ndisc_router_discovery: STALE, router). */
    union inet_addr k = inet_addr_from6(src);
    struct neigh_entry *e = neigh_find(&n->t, &k);
    if (!e)
        e = neigh_create(&n->t, &k, now);
    if (e && sllao)
        neigh_update(e, sllao, BERTH_NUD_STALE,
                     NEIGH_UPD_WEAK_OVERRIDE | NEIGH_UPD_OVERRIDE | NEIGH_UPD_OVERRIDE_ISROUTER |
                         NEIGH_UPD_ISROUTER);
    else if (e)
        e->flags |= NEIGH_F_ROUTER;
    /* Prefix information (accept_ra_pinfo). */
    for (const uint8_t *o = m + 16, *end = m + len; o + 8 <= end; o += o[1] * 8u)
        if (o[0] == ND_OPT_PREFIX_INFORMATION && o[1] == 4)
            prefix_rcv(ifp, o);
    addrconf6_rearm(ifp);
}

/* ---- public API ---- */

long berth_netif_addrs6(berth_netif *ifp, struct berth_ifaddr6 *out, size_t max)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    uint64_t now = st_now(st);
    long n = 0;
    for (struct ifaddr6 *a = ifp->addrs6; a; a = a->next, n++) {
        if ((size_t)n >= max)
            continue;
        struct berth_ifaddr6 *o = &out[n];
        o->addr = a->addr;
        o->prefixlen = a->prefixlen;
        /* IFA6_F_* -> Linux's IFA_F_* values */
        o->flags = ((a->flags & IFA6_F_TENTATIVE) ? BERTH_IFA_F_TENTATIVE : 0) |
                   ((a->flags & IFA6_F_DADFAILED) ? BERTH_IFA_F_DADFAILED : 0) |
                   ((a->flags & IFA6_F_DEPRECATED) ? BERTH_IFA_F_DEPRECATED : 0) |
                   ((a->flags & IFA6_F_NODAD) ? BERTH_IFA_F_NODAD : 0) |
                   (a->valid_until ? 0 : BERTH_IFA_F_PERMANENT);
        o->valid_lft = !a->valid_until        ? INFINITY_LFT
                       : a->valid_until > now ? (uint32_t)(secs(a->valid_until - now))
                                              : 0;
        o->preferred_lft = !a->prefer_until        ? INFINITY_LFT
                           : a->prefer_until > now ? (uint32_t)(secs(a->prefer_until - now))
                                                   : 0;
    }
    st_unlock(st);
    return n;
}
