/* route6.c — the IPv6 routing table, source address selection and the
 * local-address questions (Linux's fib6 for a host, ipv6_dev_get_saddr,
 * ipv6_chk_addr, ipv6_chk_mcast_addr).
 *
 * Like IPv4's, the table is a list sorted by prefix length, longest first,
 * so the first match is the longest-prefix match. Adding an address adds
 * its on-link prefix route (addrconf_prefix_route); a local destination
 * goes through lo; link-local and multicast destinations are scoped to an
 * interface (the socket's scope id or bound device). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/icmp6_rate.h"
#include "ip/ip6.h"
#include "ip/ip_route.h"
#include "netif/netif_impl.h"

static bool prefix_match(const struct in6_addr *a, const struct in6_addr *b, unsigned plen)
{
    unsigned bytes = plen / 8, bits = plen % 8;
    if (memcmp(a, b, bytes) != 0)
        return false;
    if (!bits)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - bits));
    return ((a->s6_addr[bytes] ^ b->s6_addr[bytes]) & mask) == 0;
}

static void prefix_of(struct in6_addr *out, const struct in6_addr *a, unsigned plen)
{
    memset(out, 0, sizeof(*out));
    memcpy(out, a, plen / 8);
    if (plen % 8)
        out->s6_addr[plen / 8] = (uint8_t)(a->s6_addr[plen / 8] & (0xff << (8 - plen % 8)));
}

int ip6_route_add_locked(struct berth_stack *st, const struct in6_addr *dst, unsigned prefixlen,
                         const struct in6_addr *gw, struct berth_netif *ifp, uint64_t expires)
{
    if (prefixlen > 128 || !ifp)
        return EINVAL;
    struct in6_addr net;
    prefix_of(&net, dst, prefixlen);
    struct ip6_route *r;
    for (r = st->routes6; r; r = r->next)
        if (r->prefixlen == prefixlen && r->ifp == ifp && IN6_ARE_ADDR_EQUAL(&r->dst, &net))
            break;
    if (!r) {
        if (!(r = st_zalloc(st, sizeof(*r))))
            return ENOMEM;
        r->dst = net;
        r->prefixlen = prefixlen;
        r->ifp = ifp;
        struct ip6_route **pp = &st->routes6;
        while (*pp && (*pp)->prefixlen >= prefixlen)
            pp = &(*pp)->next;
        r->next = *pp;
        *pp = r;
    }
    memset(&r->gw, 0, sizeof(r->gw));
    if (gw)
        r->gw = *gw;
    r->expires = expires;
    return 0;
}

int ip6_route_del_locked(struct berth_stack *st, const struct in6_addr *dst, unsigned prefixlen,
                         struct berth_netif *ifp)
{
    struct in6_addr net;
    prefix_of(&net, dst, prefixlen < 128 ? prefixlen : 128);
    for (struct ip6_route **pp = &st->routes6; *pp; pp = &(*pp)->next) {
        struct ip6_route *r = *pp;
        if (r->prefixlen == prefixlen && (!ifp || r->ifp == ifp) &&
            IN6_ARE_ADDR_EQUAL(&r->dst, &net)) {
            *pp = r->next;
            st_free(st, r);
            return 0;
        }
    }
    return ESRCH;
}

void ip6_route_flush_netif(struct berth_stack *st, struct berth_netif *ifp)
{
    for (struct ip6_route **pp = &st->routes6; *pp;) {
        struct ip6_route *r = *pp;
        if (r->ifp == ifp) {
            *pp = r->next;
            st_free(st, r);
        } else {
            pp = &r->next;
        }
    }
}

static bool usable(const struct ifaddr6 *a)
{
    return !(a->flags & (IFA6_F_TENTATIVE | IFA6_F_DADFAILED));
}

static bool if_running(const berth_netif *ifp) { return (ifp->flags & BERTH_IFF_UP) != 0; }

bool ip6_is_local(struct berth_stack *st, const struct in6_addr *a, const struct berth_netif *ifp)
{
    bool scoped = IN6_IS_ADDR_LINKLOCAL(a);
    for (berth_netif *i = st->netifs; i; i = i->next) {
        if (!if_running(i) || (scoped && ifp && i != ifp))
            continue;
        for (struct ifaddr6 *ad = i->addrs6; ad; ad = ad->next)
            if (usable(ad) && IN6_ARE_ADDR_EQUAL(&ad->addr, a))
                return true;
    }
    return false;
}

/* ff02::1:ffXX:XXXX, the solicited-node group of a (RFC 4291 2.7.1). */
static bool is_solicited_node_of(const struct in6_addr *g, const struct in6_addr *a)
{
    static const uint8_t pfx[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
    return memcmp(g, pfx, 13) == 0 && memcmp(&g->s6_addr[13], &a->s6_addr[13], 3) == 0;
}

bool ip6_mc_member(const struct berth_netif *ifp, const struct in6_addr *g)
{
    /* All-nodes, interface- and link-local (ff01::1, ff02::1). */
    static const uint8_t all_nodes_tail[14] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (g->s6_addr[0] == 0xff && (g->s6_addr[1] == 0x01 || g->s6_addr[1] == 0x02) &&
        memcmp(&g->s6_addr[2], all_nodes_tail, 14) == 0)
        return true;
    for (const struct ifaddr6 *ad = ifp->addrs6; ad; ad = ad->next)
        if (!(ad->flags & IFA6_F_DADFAILED) && is_solicited_node_of(g, &ad->addr))
            return true;
    return false;
}

static bool is_multicast(const struct in6_addr *a) { return a->s6_addr[0] == 0xff; }

struct berth_netif *ip6_route_lookup(struct berth_stack *st, const struct in6_addr *dst,
                                     unsigned oif, struct in6_addr *nexthop)
{
    *nexthop = *dst;
    berth_netif *want = oif ? berth_netif_by_index(st, oif) : NULL;
    if (oif && (!want || !if_running(want)))
        return NULL;
    /* A local address goes through lo (Linux's local table), whatever the
     * socket is bound to (a link-local one only on its own interface). */
    if (!is_multicast(dst) && ip6_is_local(st, dst, want)) {
        for (berth_netif *i = st->netifs; i; i = i->next)
            if (i->is_loopback && if_running(i))
                return i;
        return NULL;
    }
    /* Scoped destinations need an interface: the scope id or bound
     * device; multicast without one takes the first interface that is up
     * and not lo (Linux's ff00::/8 routes, first device first), an
     * interface-local group lo. */
    if (is_multicast(dst)) {
        /* (lo has no ff00::/8 route in Linux: only an interface-local
         * group is sent there) */
        if (want)
            return !want->is_loopback || (dst->s6_addr[1] & 0x0f) == 1 ? want : NULL;
        for (berth_netif *i = st->netifs; i; i = i->next)
            if (if_running(i) && (i->is_loopback == ((dst->s6_addr[1] & 0x0f) == 1)))
                return i;
        return NULL;
    }
    /* lo has no fe80::/64 (Linux: fe80::1%lo is ENETUNREACH, seen on 6.18) */
    if (IN6_IS_ADDR_LINKLOCAL(dst) && want)
        return want->is_loopback ? NULL : want;
    uint64_t now = 0;
    bool have_now = false;
    for (struct ip6_route *r = st->routes6; r; r = r->next) {
        if (!if_running(r->ifp) || (want && r->ifp != want) ||
            !prefix_match(dst, &r->dst, r->prefixlen))
            continue;
        if (r->expires) {
            if (!have_now) {
                now = st_now(st);
                have_now = true;
            }
            if (r->expires <= now)
                continue;
        }
        if (!IN6_IS_ADDR_UNSPECIFIED(&r->gw))
            *nexthop = r->gw;
        return r->ifp;
    }
    return NULL;
}

/* RFC 4291 2.5 / 2.7 scopes, ordered as RFC 6724 compares them. */
static unsigned scope_of(const struct in6_addr *a)
{
    if (is_multicast(a))
        return a->s6_addr[1] & 0x0f;
    if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a))
        return 2;
    return 14; /* global (site-local is deprecated, RFC 3879) */
}

static unsigned common_prefix(const struct in6_addr *a, const struct in6_addr *b)
{
    unsigned n = 0;
    for (unsigned i = 0; i < 16; i++) {
        uint8_t x = a->s6_addr[i] ^ b->s6_addr[i];
        if (!x) {
            n += 8;
            continue;
        }
        while (!(x & 0x80)) {
            x = (uint8_t)(x << 1);
            n++;
        }
        break;
    }
    return n;
}

/* Higher is better: RFC 6724 rules 2 (appropriate scope), 3 (avoid
 * deprecated), 5 (the outgoing interface), 8 (longest matching prefix),
 * packed into one number in that order of importance. */
static unsigned src_score(const struct ifaddr6 *ad, const berth_netif *on, const berth_netif *ifp,
                          const struct in6_addr *dst, unsigned dscope)
{
    unsigned sc = scope_of(&ad->addr);
    /* Rule 2: a scope at least the destination's, the smallest such;
     * below it, the largest. */
    unsigned scope_rank = sc >= dscope ? 32u - sc : sc;
    unsigned s = scope_rank << 12;
    if (!(ad->flags & IFA6_F_DEPRECATED))
        s |= 1u << 11;
    if (on == ifp)
        s |= 1u << 10;
    return s | common_prefix(&ad->addr, dst);
}

bool ip6_select_src(struct berth_stack *st, struct berth_netif *ifp, const struct in6_addr *dst,
                    struct in6_addr *src)
{
    /* Rule 1: the destination itself when it is ours. */
    if (!is_multicast(dst) && ip6_is_local(st, dst, NULL)) {
        *src = *dst;
        return true;
    }
    unsigned dscope = scope_of(dst), best = 0;
    bool found = false;
    for (berth_netif *i = st->netifs; i; i = i->next) {
        if (!if_running(i))
            continue;
        for (struct ifaddr6 *ad = i->addrs6; ad; ad = ad->next) {
            if (!usable(ad))
                continue;
            /* A link-local or loopback source only on its own link. */
            if (scope_of(&ad->addr) <= 2 && i != ifp)
                continue;
            unsigned s = src_score(ad, i, ifp, dst, dscope);
            if (!found || s > best) {
                best = s;
                *src = ad->addr;
                found = true;
            }
        }
    }
    return found;
}

int ip6_route_source(struct berth_stack *st, const struct in6_addr *dst,
                     const struct in6_addr *saddr, unsigned oif, struct ip6_route_res *res)
{
    struct in6_addr nh;
    berth_netif *ifp = ip6_route_lookup(st, dst, oif, &nh);
    if (!ifp)
        return -ENETUNREACH;
    if (saddr && !IN6_IS_ADDR_UNSPECIFIED(saddr))
        res->src = *saddr;
    else if (!ip6_select_src(st, ifp, dst, &res->src))
        return -EADDRNOTAVAIL;
    res->mtu = ip6_path_mtu(st, dst, ifp);
    res->ifindex = ifp->index;
    return 0;
}

int berth_route6_add(berth_stack *st, const struct in6_addr *dst, unsigned prefixlen,
                     const struct in6_addr *gw, berth_netif *ifp)
{
    if (!dst || !ifp || prefixlen > 128) {
        errno = EINVAL;
        return -1;
    }
    st_lock(st);
    int e = ip6_route_add_locked(st, dst, prefixlen, gw, ifp, 0);
    st_unlock(st);
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

int berth_route6_del(berth_stack *st, const struct in6_addr *dst, unsigned prefixlen)
{
    if (!dst || prefixlen > 128) {
        errno = EINVAL;
        return -1;
    }
    st_lock(st);
    int e = ip6_route_del_locked(st, dst, prefixlen, NULL);
    st_unlock(st);
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

int ip6_init(struct berth_stack *st)
{
    (void)st;
    return 0;
}

void ip6_fini(struct berth_stack *st)
{
    ip6_reasm_fini(st);
    ip6_pmtu_fini(st);
    icmp6_rate_fini(st);
    while (st->routes6) {
        struct ip6_route *r = st->routes6;
        st->routes6 = r->next;
        st_free(st, r);
    }
}
