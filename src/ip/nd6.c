/* nd6.c — IPv6 neighbour discovery on Ethernet (RFC 4861), after Linux's
 * net/ipv6/ndisc.c.
 *
 * The IPv6 neighbour cache is the table of src/link/neigh.c (the one ARP
 * uses) with 16-byte keys and the ops below: a solicitation is an NS to
 * the target's solicited-node group while INCOMPLETE and to the target
 * itself, at the MAC we had, while PROBE (ndisc_solicit); a packet that
 * cannot be delivered gets an ICMPv6 address unreachable.
 *
 * Received NDP messages are checked as ndisc_rcv and friends check them
 * (RFC 4861 7.1.1, 7.1.2, 6.1.2): hop limit 255, code 0, the fixed part
 * present, options of non-zero length inside the message, a link-layer
 * address option of the Ethernet size, no multicast target, no source
 * link-layer option from ::, DAD only to a solicited-node group, no
 * solicited NA to a multicast address. Linux drops such packets with a
 * rate-limited log line and no counter; berth counts them in its
 * berth_nd6_stats (rx_bad_hoplimit, rx_malformed).
 *
 * What the messages do to the cache (ndisc_recv_ns, ndisc_recv_na):
 * - an NS for one of our addresses makes its sender a STALE neighbour
 *   (when it carries a source link-layer option, or came unicast) and is
 *   answered with a solicited NA, Override set and the target link-layer
 *   option included only when the NS was multicast;
 * - an NS from :: (DAD) for our address is answered to ff02::1 without S;
 *   for our tentative address it means the address is a duplicate;
 * - an NA updates an existing entry only (accept_untracked_na 0):
 *   solicited -> REACHABLE, else STALE; without Override a different MAC
 *   only makes a REACHABLE entry STALE (neigh_update's WEAK_OVERRIDE);
 *   the R flag sets or clears the entry's router flag;
 * - an NA for our tentative address fails DAD; for our address otherwise
 *   it is ignored ("advertised our address").
 */
#include "ip/nd6.h"

#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "link/ethernet.h"
#include "netif/netif_impl.h"

#define ICMP6_HLEN 4
#define ND_MSG_LEN 24 /* NS/NA: type, code, checksum, flags/reserved, target */

/* ---- addresses ---- */

void nd6_solicited_node(const struct in6_addr *a, struct in6_addr *out)
{
    static const uint8_t pfx[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
    memcpy(out->s6_addr, pfx, 13);
    memcpy(out->s6_addr + 13, a->s6_addr + 13, 3);
}

void nd6_mc_mac(const struct in6_addr *g, uint8_t mac[6])
{
    mac[0] = 0x33;
    mac[1] = 0x33;
    memcpy(mac + 2, g->s6_addr + 12, 4);
}

static bool is_solicited_node(const struct in6_addr *a)
{
    static const uint8_t pfx[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
    return !memcmp(a->s6_addr, pfx, 13);
}

struct ifaddr6 *nd6_ifaddr(const struct berth_netif *ifp, const struct in6_addr *a)
{
    for (struct ifaddr6 *ad = ifp->addrs6; ad; ad = ad->next)
        if (IN6_ARE_ADDR_EQUAL(&ad->addr, a))
            return ad;
    return NULL;
}

bool nd6_lladdr(const struct berth_netif *ifp, struct in6_addr *out)
{
    for (struct ifaddr6 *ad = ifp->addrs6; ad; ad = ad->next)
        if (IN6_IS_ADDR_LINKLOCAL(&ad->addr) &&
            !(ad->flags & (IFA6_F_TENTATIVE | IFA6_F_DADFAILED))) {
            *out = ad->addr;
            return true;
        }
    return false;
}

/* ---- output ---- */

void nd6_send_icmp(struct berth_netif *ifp, const struct in6_addr *src, const struct in6_addr *dst,
                   uint8_t hlim, const uint8_t *msg, unsigned len, bool router_alert,
                   const uint8_t *dst_mac)
{
    struct berth_stack *st = ifp->st;
    unsigned ext = router_alert ? 8 : 0;
    struct pkt *p = pkt_alloc_atomic(st, PKT_HEADROOM, IP6_HLEN + ext + len);
    if (!p) {
        ifp->stats.tx_dropped++;
        return;
    }
    uint8_t *d = p->data;
    struct ip6_hdr h = {
        .vtf = htonl(6u << 28),
        .plen = htons((uint16_t)(ext + len)),
        .nxt = router_alert ? IP6_NH_HOPOPTS : IP6_NH_ICMPV6,
        .hlim = hlim,
        .src = *src,
        .dst = *dst,
    };
    memcpy(d, &h, IP6_HLEN);
    if (router_alert) {
        /* RFC 3810 5: hop-by-hop header with a router alert (RFC 2711,
         * value 0: MLD) and a 2-byte PadN. */
        static const uint8_t hbh[8] = {IP6_NH_ICMPV6, 0, 5, 2, 0, 0, 1, 0};
        memcpy(d + IP6_HLEN, hbh, 8);
    }
    uint8_t *m = d + IP6_HLEN + ext;
    memcpy(m, msg, len);
    m[2] = m[3] = 0;
    uint32_t sum = inet_pseudo6(src, dst, IP6_NH_ICMPV6, len);
    uint16_t c = inet_csum_fold(inet_csum_add(sum, m, len));
    memcpy(m + 2, &c, 2);
    /* icmp6_send's counters (Linux counts ndisc_send_skb's messages in
     * Icmp6 OutMsgs and the type's Out counter, and Ip6 OutRequests). */
    SNMP_INC(st, Ip6, OutRequests);
    SNMP_INC(st, Icmp6, OutMsgs);
    switch (msg[0]) {
    case ND_NEIGHBOR_SOLICIT:
        SNMP_INC(st, Icmp6, OutNeighborSolicits);
        break;
    case ND_NEIGHBOR_ADVERT:
        SNMP_INC(st, Icmp6, OutNeighborAdvertisements);
        break;
    case ND_ROUTER_SOLICIT:
        SNMP_INC(st, Icmp6, OutRouterSolicits);
        break;
    case MLD2_LISTENER_REPORT:
        SNMP_INC(st, Icmp6, OutMLDv2Reports);
        break;
    }
    if (dst_mac) {
        eth_send(ifp, p, dst_mac, ETH_P_IPV6);
    } else if (IN6_IS_ADDR_MULTICAST(dst)) {
        uint8_t mac[6];
        nd6_mc_mac(dst, mac);
        eth_send(ifp, p, mac, ETH_P_IPV6);
    } else {
        nd6_output(ifp, p, dst);
    }
}

static unsigned put_lladdr_opt(uint8_t *o, uint8_t type, const uint8_t *mac)
{
    o[0] = type;
    o[1] = 1;
    memcpy(o + 2, mac, ETH_ALEN);
    return 8;
}

void nd6_send_ns(struct berth_netif *ifp, const struct in6_addr *target, const struct in6_addr *dst,
                 const struct in6_addr *src, const uint8_t *nonce, const uint8_t *dst_mac)
{
    struct nd6_if *n = nd6_of(ifp);
    struct in6_addr ll, mc;
    if (!src) {
        if (!nd6_lladdr(ifp, &ll))
            return; /* ndisc_send_ns: no usable link-local source, no NS */
        src = &ll;
    }
    if (!dst) {
        nd6_solicited_node(target, &mc);
        dst = &mc;
    }
    uint8_t m[ND_MSG_LEN + 16] = {ND_NEIGHBOR_SOLICIT};
    memcpy(m + 8, target, 16);
    unsigned len = ND_MSG_LEN;
    if (!IN6_IS_ADDR_UNSPECIFIED(src))
        len += put_lladdr_opt(m + len, ND_OPT_SOURCE_LINKADDR, ifp->hwaddr);
    if (nonce) {
        m[len] = ND_OPT_NONCE;
        m[len + 1] = 1;
        memcpy(m + len + 2, nonce, 6);
        len += 8;
    }
    n->s.ns_sent++;
    nd6_send_icmp(ifp, src, dst, 255, m, len, false, dst_mac);
}

/* ndisc_send_na: from the target itself. */
static void send_na(struct berth_netif *ifp, const struct in6_addr *dst,
                    const struct in6_addr *target, bool solicited, bool override, bool inc_opt)
{
    uint8_t m[ND_MSG_LEN + 8] = {ND_NEIGHBOR_ADVERT};
    m[4] = (uint8_t)((solicited ? ND_NA_FLAG_SOLICITED : 0) | (override ? ND_NA_FLAG_OVERRIDE : 0));
    memcpy(m + 8, target, 16);
    unsigned len = ND_MSG_LEN;
    if (inc_opt)
        len += put_lladdr_opt(m + len, ND_OPT_TARGET_LINKADDR, ifp->hwaddr);
    nd6_of(ifp)->s.na_sent++;
    nd6_send_icmp(ifp, target, dst, 255, m, len, false, NULL);
}

int nd6_output(struct berth_netif *ifp, struct pkt *p, const struct in6_addr *nh)
{
    union inet_addr k = inet_addr_from6(nh);
    return neigh_output(ifp->nd6, p, &k);
}

/* ---- the neighbour table's ops ---- */

/* ndisc_solicit: the source of the newest waiting packet if it is one of
 * ours and usable, else our link-local address. */
static void nd6_solicit(struct neigh_entry *e)
{
    struct berth_netif *ifp = e->t->ifp;
    struct in6_addr target, src, *srcp = NULL;
    memcpy(&target, e->key, 16);
    const struct pkt *q = e->queue.tail;
    if (q && q->len >= IP6_HLEN) {
        memcpy(&src, q->data + 8, 16);
        struct ifaddr6 *a = nd6_ifaddr(ifp, &src);
        if (a && !(a->flags & (IFA6_F_TENTATIVE | IFA6_F_DADFAILED)))
            srcp = &src;
    }
    bool unicast = e->state == BERTH_NUD_PROBE;
    nd6_send_ns(ifp, &target, unicast ? &target : NULL, srcp, NULL, unicast ? e->ha : NULL);
}

/* ndisc_error_report -> icmpv6_send(ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH). */
static void nd6_error_report(struct berth_stack *st, struct pkt *p)
{
    icmp6_send_error(st, p, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADDR, 0);
    pkt_free(st, p);
}

static const struct neigh_ops nd6_ops = {
    .ethertype = ETH_P_IPV6,
    .key_len = 16,
    .table_size = sizeof(struct nd6_if),
    .solicit = nd6_solicit,
    .error_report = nd6_error_report,
};

void berth_nd6_params_init(struct berth_nd6_params *p)
{
    memset(p, 0, sizeof(*p));
    p->dad_transmits = 1;
    p->accept_dad = 1;
    p->rtr_solicits = -1; /* Linux >= 4.9 (RFC 7559: keep trying, backing off) */
    p->rtr_solicit_interval_ms = 4000;
    p->rtr_solicit_max_interval_ms = 3600000;
    p->rtr_solicit_delay_ms = 1000;
    p->accept_ra = 1;
    p->autoconf = 1;
    p->enhanced_dad = true;
}

int nd6_attach(struct berth_netif *ifp)
{
    struct neigh_table *t = neigh_table_new(ifp, &nd6_ops);
    if (!t)
        return ENOMEM;
    struct nd6_if *n = (struct nd6_if *)t;
    /* nd_tbl's defaults differ from arp_tbl's in two knobs. */
    t->p.locktime_ms = 0;
    t->p.arp_notify = false; /* ndisc_notify */
    berth_nd6_params_init(&n->cfg);
    timer_init(&n->timer, addrconf6_timer);
    ifp->nd6 = t;
    return 0;
}

void nd6_detach(struct berth_netif *ifp)
{
    struct nd6_if *n = nd6_of(ifp);
    if (!n)
        return;
    timer_cancel(ifp->st, &n->timer);
    neigh_table_free(&n->t);
    ifp->nd6 = NULL;
}

/* ---- input ---- */

struct nd_opts {
    const uint8_t *sll, *tll, *mtu, *nonce;
    bool bad;
};

/* ndisc_parse_options: every option has a non-zero length and lies inside
 * the message; a repeated single option keeps the first; a link-layer
 * address option must be Ethernet's 8 bytes. Prefix options are walked by
 * their user. */
static bool parse_opts(const uint8_t *o, unsigned len, struct nd_opts *r)
{
    memset(r, 0, sizeof(*r));
    while (len) {
        if (len < 2 || !o[1] || o[1] * 8u > len)
            return false;
        unsigned l = o[1] * 8u;
        const uint8_t **slot = NULL;
        switch (o[0]) {
        case ND_OPT_SOURCE_LINKADDR:
            slot = &r->sll;
            break;
        case ND_OPT_TARGET_LINKADDR:
            slot = &r->tll;
            break;
        case ND_OPT_MTU:
            slot = &r->mtu;
            break;
        case ND_OPT_NONCE:
            slot = &r->nonce;
            break;
        }
        if (slot && !*slot)
            *slot = o;
        o += l;
        len -= l;
    }
    if ((r->sll && r->sll[1] != 1) || (r->tll && r->tll[1] != 1))
        return false; /* ndisc_opt_addr_data: not an Ethernet address */
    return true;
}

static void recv_ns(struct berth_netif *ifp, struct pkt *p, const uint8_t *m, unsigned len)
{
    struct nd6_if *n = nd6_of(ifp);
    const struct in6_addr *saddr = &p->src.in6, *daddr = &p->dst.in6;
    struct in6_addr target;
    memcpy(&target, m + 8, 16);
    bool dad = IN6_IS_ADDR_UNSPECIFIED(saddr);
    struct nd_opts o;
    if (IN6_IS_ADDR_MULTICAST(&target) || (dad && !is_solicited_node(daddr)) ||
        !parse_opts(m + ND_MSG_LEN, len - ND_MSG_LEN, &o) || (dad && o.sll)) {
        n->s.rx_malformed++;
        return;
    }
    bool inc = IN6_IS_ADDR_MULTICAST(daddr);
    struct ifaddr6 *a = nd6_ifaddr(ifp, &target);
    if (!a || (a->flags & IFA6_F_DADFAILED))
        return; /* not ours (no proxy, no anycast) */
    if (a->flags & IFA6_F_TENTATIVE) {
        if (!dad)
            return; /* RFC 4862 5.4.3: a non-DAD NS for a tentative address */
        /* Our own solicitation looped back (RFC 7527 nonce)? */
        if (o.nonce && !memcmp(o.nonce + 2, a->nonce, 6))
            return;
        addrconf6_dad_failure(ifp, a);
        return;
    }
    if (dad) {
        send_na(ifp, &(struct in6_addr){{{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}},
                &target, false, true, true);
        return;
    }
    if (inc)
        n->t.s.rcv_probes_mcast++;
    else
        n->t.s.rcv_probes_ucast++;
    /* neigh_event_ns: the sender is a neighbour (STALE). */
    union inet_addr k = inet_addr_from6(saddr);
    struct neigh_entry *e = neigh_find(&n->t, &k);
    if (!e && (!inc || o.sll))
        e = neigh_create(&n->t, &k, st_now(ifp->st));
    if (!e)
        return; /* no entry room: no answer, as Linux */
    if (o.sll)
        neigh_update(e, o.sll + 2, BERTH_NUD_STALE, NEIGH_UPD_WEAK_OVERRIDE | NEIGH_UPD_OVERRIDE);
    n->t.s.replies_sent++;
    send_na(ifp, saddr, &target, true, inc, inc);
}

static void recv_na(struct berth_netif *ifp, struct pkt *p, const uint8_t *m, unsigned len)
{
    struct nd6_if *n = nd6_of(ifp);
    struct in6_addr target;
    memcpy(&target, m + 8, 16);
    uint8_t fl = m[4];
    struct nd_opts o;
    if (IN6_IS_ADDR_MULTICAST(&target) ||
        (IN6_IS_ADDR_MULTICAST(&p->dst.in6) && (fl & ND_NA_FLAG_SOLICITED)) ||
        !parse_opts(m + ND_MSG_LEN, len - ND_MSG_LEN, &o)) {
        n->s.rx_malformed++;
        return;
    }
    n->t.s.replies_received++;
    struct ifaddr6 *a = nd6_ifaddr(ifp, &target);
    if (a) {
        if ((a->flags & IFA6_F_TENTATIVE) && !(a->flags & IFA6_F_DADFAILED))
            addrconf6_dad_failure(ifp, a);
        else
            n->s.na_ignored++; /* "NA: someone advertises our address" */
        return;
    }
    union inet_addr k = inet_addr_from6(&target);
    struct neigh_entry *e = neigh_find(&n->t, &k);
    if (!e) {
        n->s.na_ignored++; /* accept_untracked_na 0: no entry, nothing learnt */
        return;
    }
    bool was_router = e->flags & NEIGH_F_ROUTER;
    neigh_update(e, o.tll ? o.tll + 2 : NULL,
                 (fl & ND_NA_FLAG_SOLICITED) ? BERTH_NUD_REACHABLE : BERTH_NUD_STALE,
                 NEIGH_UPD_WEAK_OVERRIDE | ((fl & ND_NA_FLAG_OVERRIDE) ? NEIGH_UPD_OVERRIDE : 0) |
                     NEIGH_UPD_OVERRIDE_ISROUTER |
                     ((fl & ND_NA_FLAG_ROUTER) ? NEIGH_UPD_ISROUTER : 0));
    /* A router that became a host is no default router any more
     * (ndisc_recv_na -> rt6_remove_dflt... RFC 4861 7.2.5). */
    if (was_router && !(fl & ND_NA_FLAG_ROUTER) && n->have_router &&
        IN6_ARE_ADDR_EQUAL(&n->router, &target)) {
        ip6_route_del_locked(ifp->st, &in6addr_any, 0, ifp);
        n->have_router = false;
    }
}

void nd6_input(struct berth_stack *st, struct pkt *p)
{
    struct berth_netif *ifp = p->ifp;
    struct nd6_if *n = ifp ? nd6_of(ifp) : NULL;
    const uint8_t *m = p->data;
    unsigned len = p->len;
    switch (len ? m[0] : 0) {
    case ND_ROUTER_SOLICIT:
        SNMP_INC(st, Icmp6, InRouterSolicits);
        break;
    case ND_ROUTER_ADVERT:
        SNMP_INC(st, Icmp6, InRouterAdvertisements);
        break;
    case ND_NEIGHBOR_SOLICIT:
        SNMP_INC(st, Icmp6, InNeighborSolicits);
        break;
    case ND_NEIGHBOR_ADVERT:
        SNMP_INC(st, Icmp6, InNeighborAdvertisements);
        break;
    case ND_REDIRECT:
        SNMP_INC(st, Icmp6, InRedirects);
        break;
    }
    if (!n || len < ICMP6_HLEN)
        goto out; /* not an Ethernet interface: nothing to discover */
    /* ndisc_rcv: RFC 4861 7.1.1/7.1.2/6.1.1/6.1.2. */
    if (p->ttl != 255) {
        n->s.rx_bad_hoplimit++;
        TRACE(st, "nd6 %s: type %u with hop limit %u dropped", ifp->name, m[0], p->ttl);
        goto out;
    }
    if (m[1] != 0) {
        n->s.rx_malformed++;
        goto out;
    }
    switch (m[0]) {
    case ND_NEIGHBOR_SOLICIT:
        n->s.ns_received++;
        if (len < ND_MSG_LEN) {
            n->s.rx_malformed++;
            break;
        }
        recv_ns(ifp, p, m, len);
        break;
    case ND_NEIGHBOR_ADVERT:
        n->s.na_received++;
        if (len < ND_MSG_LEN) {
            n->s.rx_malformed++;
            break;
        }
        recv_na(ifp, p, m, len);
        break;
    case ND_ROUTER_ADVERT: {
        n->s.ra_received++;
        struct nd_opts o;
        if (!IN6_IS_ADDR_LINKLOCAL(&p->src.in6)) {
            n->s.ra_not_linklocal++; /* "RA: source address is not link-local" */
            break;
        }
        if (len < 16 || !parse_opts(m + 16, len - 16, &o)) {
            n->s.rx_malformed++;
            break;
        }
        addrconf6_ra_input(ifp, &p->src.in6, m, len, o.sll ? o.sll + 2 : NULL);
        break;
    }
    default:
        /* RS: only routers answer (forwarding 0). Redirects: not
         * followed (docs/nd6.md). */
        break;
    }
out:
    pkt_free(st, p);
}

/* ---- public API ---- */

static struct nd6_if *nd6_api(berth_netif *ifp)
{
    struct nd6_if *n = ifp->link == BERTH_LINK_ETHERNET ? nd6_of(ifp) : NULL;
    if (!n)
        errno = EOPNOTSUPP;
    return n;
}

int berth_nd6_params_get(berth_netif *ifp, struct berth_nd6_params *out)
{
    st_lock(ifp->st);
    struct nd6_if *n = nd6_api(ifp);
    if (n)
        *out = n->cfg;
    st_unlock(ifp->st);
    return n ? 0 : -1;
}

int berth_nd6_params_set(berth_netif *ifp, const struct berth_nd6_params *p)
{
    if (p->dad_transmits < 0 || p->dad_transmits > 255 || p->rtr_solicits < -1 ||
        !p->rtr_solicit_interval_ms ||
        p->rtr_solicit_max_interval_ms < p->rtr_solicit_interval_ms) {
        errno = EINVAL;
        return -1;
    }
    st_lock(ifp->st);
    struct nd6_if *n = nd6_api(ifp);
    if (n)
        n->cfg = *p;
    st_unlock(ifp->st);
    return n ? 0 : -1;
}

int berth_nd6_stats(berth_netif *ifp, struct berth_nd6_stats *out)
{
    st_lock(ifp->st);
    struct nd6_if *n = nd6_api(ifp);
    if (n)
        *out = n->s;
    st_unlock(ifp->st);
    return n ? 0 : -1;
}

int berth_nd6_cache_stats(berth_netif *ifp, struct berth_arp_stats *out)
{
    return neigh_api_stats(ifp, AF_INET6, out);
}

int berth_nd6_cache_params_get(berth_netif *ifp, struct berth_arp_params *out)
{
    return neigh_api_params(ifp, AF_INET6, out, NULL);
}

int berth_nd6_cache_params_set(berth_netif *ifp, const struct berth_arp_params *p)
{
    return neigh_api_params(ifp, AF_INET6, NULL, p);
}

static void fill6(const struct neigh_entry *e, void *out, size_t i)
{
    struct berth_neigh6 *n = (struct berth_neigh6 *)out + i;
    memcpy(&n->addr, e->key, 16);
    memcpy(n->hwaddr, e->ha, ETH_ALEN);
    n->state = e->state;
    n->router = e->flags & NEIGH_F_ROUTER;
    n->updated_us = e->updated;
    n->used_us = e->used;
    n->confirmed_us = e->confirmed;
    n->probes = e->probes;
    n->queued = e->queue.count;
}

long berth_nd6_list(berth_netif *ifp, struct berth_neigh6 *out, size_t max)
{
    return neigh_api_list(ifp, AF_INET6, fill6, out, max);
}

int berth_nd6_lookup(berth_netif *ifp, const struct in6_addr *addr, struct berth_neigh6 *out)
{
    union inet_addr k = inet_addr_from6(addr);
    return neigh_api_lookup(ifp, AF_INET6, &k, fill6, out);
}

static bool bad_neigh(const struct in6_addr *a)
{
    return IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LOOPBACK(a) ||
           IN6_IS_ADDR_V4MAPPED(a);
}

int berth_nd6_resolve(berth_netif *ifp, const struct in6_addr *addr)
{
    if (bad_neigh(addr)) {
        errno = EINVAL;
        return -1;
    }
    union inet_addr k = inet_addr_from6(addr);
    return neigh_api_resolve(ifp, AF_INET6, &k);
}

int berth_nd6_add(berth_netif *ifp, const struct in6_addr *addr, const uint8_t hw[BERTH_ETH_ALEN],
                  unsigned state)
{
    if (bad_neigh(addr)) {
        errno = EINVAL;
        return -1;
    }
    union inet_addr k = inet_addr_from6(addr);
    return neigh_api_add(ifp, AF_INET6, &k, hw, state);
}

int berth_nd6_del(berth_netif *ifp, const struct in6_addr *addr)
{
    union inet_addr k = inet_addr_from6(addr);
    return neigh_api_del(ifp, AF_INET6, &k);
}

int berth_nd6_flush(berth_netif *ifp) { return neigh_api_flush(ifp, AF_INET6); }
