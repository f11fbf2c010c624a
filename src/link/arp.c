/* arp.c — ARP (RFC 826) on Ethernet, after Linux's net/ipv4/arp.c.
 *
 * The packet format and what ARP learns from it; the neighbour cache it
 * feeds (states, timers, queued packets, collection, `ip neigh` calls) is
 * the family-neutral table of neigh.c, with IPv4 keys (4 bytes) and the
 * ops below: a request is a broadcast ARP request while INCOMPLETE and a
 * unicast one while PROBE (arp_solicit), and a packet that cannot be
 * delivered gets a locally generated ICMP host unreachable
 * (arp_error_report).
 */
#include "link/arp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "berth/arp.h"
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "link/ethernet.h"
#include "link/neigh.h"
#include "netif/netif_impl.h"

#define ICMP_HOST_UNREACH 1
#define MS NEIGH_MS

static struct in_addr key4(const struct neigh_entry *e)
{
    struct in_addr a;
    memcpy(&a.s_addr, e->key, 4);
    return a;
}

static struct neigh_entry *find4(struct neigh_table *c, struct in_addr a)
{
    union inet_addr k = inet_addr_from4(a);
    return neigh_find(c, &k);
}

static struct neigh_entry *create4(struct neigh_table *c, struct in_addr a, uint64_t now)
{
    union inet_addr k = inet_addr_from4(a);
    return neigh_create(c, &k, now);
}

/* arp_create + arp_xmit. dst_hw NULL: broadcast; tha NULL: zeros. */
static void arp_send(struct neigh_table *c, uint16_t op, struct in_addr tip, struct in_addr sip,
                     const uint8_t *dst_hw, const uint8_t *tha)
{
    struct berth_netif *ifp = c->ifp;
    struct berth_stack *st = ifp->st;
    struct pkt *p = pkt_alloc_atomic(st, PKT_HEADROOM, ARP_HLEN);
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
static struct in_addr solicit_src(struct neigh_entry *e)
{
    struct neigh_table *c = e->t;
    struct berth_stack *st = c->ifp->st;
    struct in_addr s = {INADDR_ANY};
    if (e->queue.tail && e->queue.tail->len >= IP4_HLEN) {
        memcpy(&s.s_addr, e->queue.tail->data + 12, 4);
        if (s.s_addr && ip4_is_local(st, s))
            return s;
    }
    s = netif_select_src4(c->ifp, key4(e));
    if (s.s_addr)
        return s;
    for (struct berth_netif *i = st->netifs; i; i = i->next)
        if (!i->is_loopback && i->addrs)
            return i->addrs->addr;
    return s;
}

/* neigh_ops.solicit (arp_solicit). */
static void arp_solicit(struct neigh_entry *e)
{
    struct neigh_table *c = e->t;
    bool unicast = e->state == BERTH_NUD_PROBE;
    TRACE(c->ifp->st, "arp %s: who-has %s (%s, probe %u)", c->ifp->name, inet_ntoa(key4(e)),
          unicast ? "unicast" : "broadcast", e->probes);
    arp_send(c, ARPOP_REQUEST, key4(e), solicit_src(e), unicast ? e->ha : NULL, NULL);
}

/* neigh_ops.error_report (arp_error_report -> icmp_send). */
static void arp_error_report(struct berth_stack *st, struct pkt *p)
{
    icmp4_send_error(st, p, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
    pkt_free(st, p);
}

static const struct neigh_ops arp_ops = {
    .ethertype = ETH_P_IP,
    .key_len = 4,
    .solicit = arp_solicit,
    .error_report = arp_error_report,
};

/* ---- the interface to the rest of berth ---- */

int arp_attach(struct berth_netif *ifp)
{
    ifp->arp = neigh_table_new(ifp, &arp_ops);
    return ifp->arp ? 0 : ENOMEM;
}

void arp_detach(struct berth_netif *ifp)
{
    neigh_table_free(ifp->arp);
    ifp->arp = NULL;
}

void arp_ifdown(struct berth_netif *ifp)
{
    if (ifp->arp)
        neigh_flush_all(ifp->arp); /* neigh_ifdown: permanent entries too */
}

int arp_output(struct berth_netif *ifp, struct pkt *p, struct in_addr nh)
{
    union inet_addr k = inet_addr_from4(nh);
    return neigh_output(ifp->arp, p, &k);
}

static bool martian(struct in_addr a)
{
    uint32_t h = ntohl(a.s_addr);
    return (h >> 24) == 127 || (h & 0xf0000000u) == 0xe0000000u || a.s_addr == INADDR_BROADCAST;
}

void arp_input(struct berth_netif *ifp, struct pkt *p, enum eth_pkt_type type)
{
    struct neigh_table *c = ifp->arp;
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
        struct neigh_entry *e = find4(c, sip);
        if (!e)
            e = create4(c, sip, now);
        if (e) {
            neigh_update(e, sha, BERTH_NUD_STALE, NEIGH_UPD_OVERRIDE);
            c->s.replies_sent++;
            arp_send(c, ARPOP_REPLY, sip, tip, sha, sha);
        }
        goto out;
    }
    struct neigh_entry *e = find4(c, sip);
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
        e = create4(c, sip, now);
    if (!e) {
        c->s.rx_ignored++;
        goto out;
    }
    bool override = now > e->updated + MS(c->p.locktime_ms) || is_garp;
    /* Broadcast replies and requests do not prove reachability. */
    unsigned state =
        op == ARPOP_REPLY && type == ETH_PKT_HOST ? BERTH_NUD_REACHABLE : BERTH_NUD_STALE;
    neigh_update(e, sha, state, override ? NEIGH_UPD_OVERRIDE : 0);
out:
    pkt_free(st, p);
}

void arp_announce(struct berth_netif *ifp, struct in_addr addr)
{
    struct neigh_table *c = ifp->arp;
    if (!c || !c->p.arp_notify || !(ifp->flags & BERTH_IFF_UP))
        return;
    c->s.gratuitous_sent++;
    TRACE(ifp->st, "arp %s: gratuitous ARP for %s", ifp->name, inet_ntoa(addr));
    arp_send(c, ARPOP_REQUEST, addr, addr, NULL, NULL);
}

void arp_confirm(struct berth_netif *ifp, struct in_addr nh)
{
    union inet_addr k = inet_addr_from4(nh);
    neigh_confirm(ifp->arp, &k);
}

/* ---- public API: berth/arp.h over the neighbour table ---- */

int berth_arp_params_get(berth_netif *ifp, struct berth_arp_params *out)
{
    return neigh_api_params(ifp, AF_INET, out, NULL);
}

int berth_arp_params_set(berth_netif *ifp, const struct berth_arp_params *p)
{
    return neigh_api_params(ifp, AF_INET, NULL, p);
}

int berth_arp_stats(berth_netif *ifp, struct berth_arp_stats *out)
{
    return neigh_api_stats(ifp, AF_INET, out);
}

static void fill(const struct neigh_entry *e, void *out, size_t i)
{
    struct berth_neigh *n = (struct berth_neigh *)out + i;
    n->addr = key4(e);
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
    return neigh_api_list(ifp, AF_INET, fill, out, max);
}

int berth_arp_lookup(berth_netif *ifp, struct in_addr addr, struct berth_neigh *out)
{
    union inet_addr k = inet_addr_from4(addr);
    return neigh_api_lookup(ifp, AF_INET, &k, fill, out);
}

int berth_arp_add(berth_netif *ifp, struct in_addr addr, const uint8_t hw[BERTH_ETH_ALEN],
                  unsigned state)
{
    if (addr.s_addr == INADDR_ANY || martian(addr)) {
        errno = EINVAL;
        return -1;
    }
    union inet_addr k = inet_addr_from4(addr);
    return neigh_api_add(ifp, AF_INET, &k, hw, state);
}

int berth_arp_resolve(berth_netif *ifp, struct in_addr addr)
{
    if (addr.s_addr == INADDR_ANY || martian(addr)) {
        errno = EINVAL;
        return -1;
    }
    union inet_addr k = inet_addr_from4(addr);
    return neigh_api_resolve(ifp, AF_INET, &k);
}

int berth_arp_del(berth_netif *ifp, struct in_addr addr)
{
    union inet_addr k = inet_addr_from4(addr);
    return neigh_api_del(ifp, AF_INET, &k);
}

int berth_arp_flush(berth_netif *ifp) { return neigh_api_flush(ifp, AF_INET); }
