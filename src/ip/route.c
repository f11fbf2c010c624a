/* route.c — the IPv4 routing table: a list kept sorted by prefix length
 * (longest first), so the first match is the longest-prefix match. Routing
 * tables on hosts are small; a trie can replace the list without changing
 * the interface. */
#include <arpa/inet.h>
#include <errno.h>

#include "berth/netif.h"
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip_route.h"
#include "netif/netif_impl.h"

static struct in_addr mask_of(unsigned prefixlen)
{
    struct in_addr m = {prefixlen ? htonl(~0u << (32 - prefixlen)) : 0};
    return m;
}

int ip4_route_add_locked(struct berth_stack *st, struct in_addr dst, unsigned prefixlen,
                         struct in_addr gw, struct berth_netif *ifp, struct in_addr prefsrc)
{
    if (prefixlen > 32 || !ifp)
        return EINVAL;
    struct in_addr mask = mask_of(prefixlen);
    dst.s_addr &= mask.s_addr;
    for (struct ip4_route *r = st->routes; r; r = r->next)
        if (r->prefixlen == prefixlen && r->dst.s_addr == dst.s_addr && r->ifp == ifp)
            return EEXIST;
    struct ip4_route *n = st_zalloc(st, sizeof(*n));
    if (!n)
        return ENOMEM;
    n->dst = dst;
    n->mask = mask;
    n->gw = gw;
    n->prefixlen = prefixlen;
    n->ifp = ifp;
    n->prefsrc = prefsrc;
    struct ip4_route **pp = &st->routes;
    while (*pp && (*pp)->prefixlen >= prefixlen)
        pp = &(*pp)->next;
    n->next = *pp;
    *pp = n;
    return 0;
}

int ip4_route_del_locked(struct berth_stack *st, struct in_addr dst, unsigned prefixlen,
                         struct berth_netif *ifp)
{
    dst.s_addr &= mask_of(prefixlen).s_addr;
    for (struct ip4_route **pp = &st->routes; *pp; pp = &(*pp)->next) {
        struct ip4_route *r = *pp;
        if (r->prefixlen == prefixlen && r->dst.s_addr == dst.s_addr && (!ifp || r->ifp == ifp)) {
            *pp = r->next;
            st_free(st, r);
            return 0;
        }
    }
    return ESRCH;
}

void ip4_route_flush_netif(struct berth_stack *st, struct berth_netif *ifp)
{
    struct ip4_route **pp = &st->routes;
    while (*pp) {
        struct ip4_route *r = *pp;
        if (r->ifp == ifp) {
            *pp = r->next;
            st_free(st, r);
        } else {
            pp = &r->next;
        }
    }
}

int berth_route_add(berth_stack *st, struct in_addr dst, unsigned prefixlen, struct in_addr gw,
                    berth_netif *ifp)
{
    st_lock(st);
    struct in_addr src = gw.s_addr ? netif_select_src4(ifp, gw) : netif_primary4(ifp);
    int e = ip4_route_add_locked(st, dst, prefixlen, gw, ifp, src);
    st_unlock(st);
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

int berth_route_del(berth_stack *st, struct in_addr dst, unsigned prefixlen)
{
    st_lock(st);
    int e = ip4_route_del_locked(st, dst, prefixlen, NULL);
    st_unlock(st);
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

static berth_netif *loopback_of(struct berth_stack *st)
{
    for (berth_netif *i = st->netifs; i; i = i->next)
        if (i->is_loopback && (i->flags & BERTH_IFF_UP))
            return i;
    return NULL;
}

/* Whether a datagram to dst matched by r goes to r's gateway, as Linux's
 * __mkroute_output decides: the limited broadcast never does (RTN_BROADCAST
 * drops the route's fib_info), and a multicast group only does through a
 * route of prefix length 4 or more ("if multicast route do not exist use
 * default one, but do not gateway in this case") — so a default route sends
 * 255.255.255.255 and groups out of its interface to ff:ff:ff:ff:ff:ff and
 * 01:00:5e:xx:xx:xx (RFC 1112 6.4), with no ARP for the gateway. */
static bool route_uses_gateway(const struct ip4_route *r, struct in_addr dst)
{
    if (!r->gw.s_addr || dst.s_addr == INADDR_BROADCAST)
        return false;
    if (ip4_is_multicast(dst) && r->prefixlen < 4)
        return false;
    return true;
}

struct berth_netif *ip4_route_lookup(struct berth_stack *st, struct in_addr dst,
                                     struct in_addr *nexthop, struct in_addr *src)
{
    /* Local destinations (Linux's local table) go through lo. */
    struct in_addr pref;
    berth_netif *owner = netif_find_local4_src(st, dst, &pref);
    if (owner) {
        berth_netif *lo = loopback_of(st);
        if (lo) {
            *nexthop = dst;
            *src = pref;
            return lo;
        }
    }
    /* A subnet broadcast address of some interface ("broadcast
     * 127.255.255.255 dev lo src 127.0.0.1"): out of that interface. */
    for (berth_netif *i = st->netifs; i; i = i->next) {
        if (!(i->flags & BERTH_IFF_UP))
            continue;
        for (struct ifaddr4 *ad = i->addrs; ad; ad = ad->next)
            if (ad->prefixlen < 31 && ad->bcast.s_addr == dst.s_addr) {
                *nexthop = dst;
                *src = ad->addr;
                return i;
            }
    }
    for (struct ip4_route *r = st->routes; r; r = r->next) {
        if ((dst.s_addr & r->mask.s_addr) != r->dst.s_addr)
            continue;
        if (!(r->ifp->flags & BERTH_IFF_UP))
            continue;
        *nexthop = route_uses_gateway(r, dst) ? r->gw : dst;
        *src = r->prefsrc.s_addr ? r->prefsrc : netif_select_src4(r->ifp, dst);
        return r->ifp;
    }
    return NULL;
}

struct berth_netif *ip4_route_output(struct berth_stack *st, struct in_addr dst,
                                     struct in_addr saddr, struct in_addr *nexthop,
                                     struct in_addr *src)
{
    /* ip_route_output_key_hash_rcu: multicast or limited broadcast from a
     * bound source leaves through the interface that owns the source. */
    if (saddr.s_addr && (dst.s_addr == INADDR_BROADCAST || ip4_is_multicast(dst))) {
        berth_netif *ifp = netif_find_local4(st, saddr);
        if (ifp) {
            *nexthop = dst;
            *src = saddr;
            return ifp;
        }
    }
    berth_netif *ifp = ip4_route_lookup(st, dst, nexthop, src);
    if (ifp && saddr.s_addr)
        *src = saddr;
    return ifp;
}

bool ip4_is_local(struct berth_stack *st, struct in_addr a)
{
    return netif_find_local4(st, a) != NULL;
}

bool ip4_is_multicast(struct in_addr a) { return (ntohl(a.s_addr) & 0xf0000000u) == 0xe0000000u; }

/* ---- what transports and sockets ask (ip_route.h) ---- */

bool ip4_is_bcast(struct berth_stack *st, struct in_addr a) { return netif_is_bcast4(st, a); }

enum ip_addr_type ip4_addr_type(struct berth_stack *st, struct in_addr a)
{
    if (ip4_is_multicast(a))
        return IP_ADDR_MULTICAST;
    if (netif_is_bcast4(st, a))
        return IP_ADDR_BROADCAST;
    if (netif_find_local4(st, a))
        return IP_ADDR_LOCAL;
    return IP_ADDR_UNICAST;
}

bool ip6_chk_addr(struct berth_stack *st, const struct in6_addr *a, unsigned ifindex)
{
    return netif_has_local6(st, a, ifindex);
}

int ip4_route_source(struct berth_stack *st, struct in_addr dst, struct in_addr saddr,
                     struct ip_route_res *res)
{
    struct in_addr nh;
    berth_netif *ifp = ip4_route_output(st, dst, saddr, &nh, &res->src);
    if (!ifp)
        return -ENETUNREACH;
    res->mtu = ifp->mtu;
    return 0;
}

unsigned ip4_route_mtu(struct berth_stack *st, struct in_addr dst, struct in_addr saddr)
{
    struct ip_route_res r;
    return ip4_route_source(st, dst, saddr, &r) ? 0 : r.mtu;
}
