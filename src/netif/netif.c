/* netif.c — interfaces, their IPv4 addresses, and the driver boundary. */
#include "netif/netif_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "link/arp.h"
#include "link/ethernet.h"
#if BERTH_WITH_IPV6
#include "ip/nd6.h"
#endif

berth_netif *berth_netif_add(berth_stack *st, const char *name, unsigned mtu, unsigned flags,
                             const struct berth_netif_driver *drv, void *drv_ctx)
{
    if (!name || !*name || strlen(name) >= sizeof(((berth_netif *)0)->name) || mtu < 68 ||
        mtu > 65535 || !drv || !drv->transmit || drv->link > BERTH_LINK_ETHERNET) {
        errno = EINVAL;
        return NULL;
    }
    st_lock(st);
    berth_netif *ifp = NULL;
    int err = 0;
    for (berth_netif *i = st->netifs; i; i = i->next)
        if (stack_streq(i->name, name))
            err = EEXIST;
    if (!err && !(ifp = st_zalloc(st, sizeof(*ifp))))
        err = ENOMEM;
    if (!err) {
        ifp->st = st;
        stack_strlcpy(ifp->name, name, sizeof(ifp->name));
        ifp->mtu = mtu;
        ifp->flags = flags & ~BERTH_IFF_UP;
        ifp->drv = *drv;
        ifp->drv_ctx = drv_ctx;
        ifp->link = drv->link;
        if (ifp->link == BERTH_LINK_ETHERNET) {
            ifp->flags |= BERTH_IFF_BROADCAST; /* ether_setup */
            if ((err = eth_attach(ifp)) != 0) {
                st_free(st, ifp);
                ifp = NULL;
            }
        }
    }
    if (!err) {
        ifp->index = st->next_ifindex++;
        berth_netif **pp = &st->netifs; /* keep index order */
        while (*pp)
            pp = &(*pp)->next;
        *pp = ifp;
    }
    st_unlock(st);
    if (err)
        errno = err;
    return ifp;
}

void netif_remove_locked(berth_netif *ifp)
{
    struct berth_stack *st = ifp->st;
    if (ifp->link == BERTH_LINK_ETHERNET)
        eth_detach(ifp); /* ARP timers and waiting packets */
    netif_set_tap(ifp, NULL, NULL, NULL);
    ip4_route_flush_netif(st, ifp);
#if BERTH_WITH_IPV6
    ip6_route_flush_netif(st, ifp);
#endif
    while (ifp->addrs) {
        struct ifaddr4 *a = ifp->addrs;
        ifp->addrs = a->next;
        st_free(st, a);
    }
    while (ifp->addrs6) {
        struct ifaddr6 *a = ifp->addrs6;
        ifp->addrs6 = a->next;
        st_free(st, a);
    }
    for (berth_netif **pp = &st->netifs; *pp; pp = &(*pp)->next)
        if (*pp == ifp) {
            *pp = ifp->next;
            break;
        }
    /* Drop queued input that still points at this interface. */
    struct pktq keep = {0};
    struct pkt *p;
    while ((p = pktq_pop(&st->rxq))) {
        if (p->ifp == ifp)
            pkt_free(st, p);
        else
            pktq_push(&keep, p);
    }
    st->rxq = keep;
    if (ifp->drv.detach)
        ifp->drv.detach(ifp->drv_ctx, ifp);
    st_free(st, ifp);
}

int berth_netif_remove(berth_netif *ifp)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    netif_remove_locked(ifp);
    st_unlock(st);
    return 0;
}

berth_netif *berth_netif_by_name(berth_stack *st, const char *name)
{
    for (berth_netif *i = st->netifs; i; i = i->next)
        if (stack_streq(i->name, name))
            return i;
    return NULL;
}

berth_netif *berth_netif_by_index(berth_stack *st, unsigned index)
{
    for (berth_netif *i = st->netifs; i; i = i->next)
        if (i->index == index)
            return i;
    return NULL;
}

unsigned berth_netif_index(const berth_netif *ifp) { return ifp->index; }
const char *berth_netif_name(const berth_netif *ifp) { return ifp->name; }
unsigned berth_netif_mtu(const berth_netif *ifp) { return ifp->mtu; }
berth_stack *berth_netif_stack(const berth_netif *ifp) { return ifp->st; }
unsigned berth_netif_link(const berth_netif *ifp) { return ifp->link; }

int berth_netif_set_up(berth_netif *ifp, bool up)
{
    st_lock(ifp->st);
    bool was_up = ifp->flags & BERTH_IFF_UP;
    if (up)
        ifp->flags |= BERTH_IFF_UP;
    else
        ifp->flags &= ~BERTH_IFF_UP;
    if (ifp->link == BERTH_LINK_ETHERNET && up && !was_up) {
        for (struct ifaddr4 *a = ifp->addrs; a; a = a->next)
            arp_announce(ifp, a->addr);
#if BERTH_WITH_IPV6
        addrconf6_ifup(ifp); /* link-local address, DAD, RS */
#endif
    } else if (ifp->link == BERTH_LINK_ETHERNET && !up && was_up) {
        arp_ifdown(ifp);
#if BERTH_WITH_IPV6
        addrconf6_ifdown(ifp);
#endif
    }
    st_unlock(ifp->st);
    return 0;
}

void berth_netif_stats(berth_netif *ifp, struct berth_netif_stats *out)
{
    memset(out, 0, sizeof(*out));
    st_lock(ifp->st);
#define NETIF_STAT_COPY(f) out->f = ifp->stats.f;
    NETIF_STATS(NETIF_STAT_COPY)
#undef NETIF_STAT_COPY
    st_unlock(ifp->st);
}

static struct in_addr mask_of(unsigned prefixlen)
{
    struct in_addr m;
    m.s_addr = prefixlen ? htonl(~0u << (32 - prefixlen)) : 0;
    return m;
}

int berth_netif_addr_add(berth_netif *ifp, struct in_addr addr, unsigned prefixlen)
{
    if (prefixlen > 32) {
        errno = EINVAL;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    int err = 0;
    for (struct ifaddr4 *a = ifp->addrs; a; a = a->next)
        if (a->addr.s_addr == addr.s_addr && a->prefixlen == prefixlen)
            err = EEXIST;
    struct ifaddr4 *a = NULL;
    if (!err && !(a = st_zalloc(st, sizeof(*a))))
        err = ENOMEM;
    if (!err) {
        a->addr = addr;
        a->prefixlen = prefixlen;
        a->mask = mask_of(prefixlen);
        a->bcast.s_addr = prefixlen < 31 ? (addr.s_addr | ~a->mask.s_addr) : INADDR_BROADCAST;
        struct ifaddr4 **pp = &ifp->addrs; /* primary address first */
        while (*pp)
            pp = &(*pp)->next;
        *pp = a;
        struct in_addr net = {addr.s_addr & a->mask.s_addr}, gw = {0};
        if (!ifp->is_loopback)
            ip4_route_add_locked(st, net, prefixlen, gw, ifp, addr);
        if (ifp->link == BERTH_LINK_ETHERNET && (ifp->flags & BERTH_IFF_UP))
            arp_announce(ifp, addr);
    }
    st_unlock(st);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int berth_netif_addr_del(berth_netif *ifp, struct in_addr addr, unsigned prefixlen)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    int err = EADDRNOTAVAIL;
    for (struct ifaddr4 **pp = &ifp->addrs; *pp; pp = &(*pp)->next) {
        struct ifaddr4 *a = *pp;
        if (a->addr.s_addr == addr.s_addr && a->prefixlen == prefixlen) {
            *pp = a->next;
            struct in_addr net = {addr.s_addr & a->mask.s_addr};
            ip4_route_del_locked(st, net, prefixlen, ifp);
            st_free(st, a);
            err = 0;
            break;
        }
    }
    st_unlock(st);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

int berth_netif_addr6_add(berth_netif *ifp, const struct in6_addr *addr, unsigned prefixlen)
{
    if (prefixlen > 128) {
        errno = EINVAL;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    int err = 0;
    for (struct ifaddr6 *a = ifp->addrs6; a; a = a->next)
        if (IN6_ARE_ADDR_EQUAL(&a->addr, addr))
            err = EEXIST;
    struct ifaddr6 *a = NULL;
    if (!err && !(a = st_zalloc(st, sizeof(*a))))
        err = ENOMEM;
    if (!err) {
        a->addr = *addr;
        a->prefixlen = prefixlen;
        struct ifaddr6 **pp = &ifp->addrs6;
        while (*pp)
            pp = &(*pp)->next;
        *pp = a;
#if BERTH_WITH_IPV6
        /* addrconf_prefix_route: the prefix is on-link (lo's ::1 is
         * local, found by ip6_is_local). */
        if (!ifp->is_loopback && prefixlen < 128)
            ip6_route_add_locked(st, addr, prefixlen, NULL, ifp, 0);
        addrconf6_addr_added(ifp, a); /* tentative, DAD, MLD (Ethernet) */
#endif
    }
    st_unlock(st);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

#if BERTH_WITH_IPV6
/* Does another address of ifp still hold the prefix's route? */
static bool prefix_in_use6(const berth_netif *ifp, const struct in6_addr *a, unsigned plen)
{
    for (const struct ifaddr6 *o = ifp->addrs6; o; o = o->next) {
        if (o->prefixlen != plen)
            continue;
        bool same = true;
        for (unsigned i = 0; i < plen; i++)
            if (((o->addr.s6_addr[i / 8] ^ a->s6_addr[i / 8]) >> (7 - i % 8)) & 1)
                same = false;
        if (same)
            return true;
    }
    return false;
}
#endif

int berth_netif_addr6_del(berth_netif *ifp, const struct in6_addr *addr, unsigned prefixlen)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    int err = EADDRNOTAVAIL;
    for (struct ifaddr6 **pp = &ifp->addrs6; *pp; pp = &(*pp)->next) {
        struct ifaddr6 *a = *pp;
        if (IN6_ARE_ADDR_EQUAL(&a->addr, addr) && a->prefixlen == prefixlen) {
#if BERTH_WITH_IPV6
            addrconf6_addr_removing(ifp, a);
#endif
            *pp = a->next;
#if BERTH_WITH_IPV6
            if (!ifp->is_loopback && prefixlen < 128 && !prefix_in_use6(ifp, addr, prefixlen))
                ip6_route_del_locked(st, addr, prefixlen, ifp);
#endif
            st_free(st, a);
#if BERTH_WITH_IPV6
            addrconf6_rearm(ifp);
#endif
            err = 0;
            break;
        }
    }
    st_unlock(st);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

bool netif_has_local6(struct berth_stack *st, const struct in6_addr *a, unsigned ifindex)
{
    for (berth_netif *i = st->netifs; i; i = i->next)
        for (struct ifaddr6 *ad = i->addrs6; ad; ad = ad->next) {
            /* ipv6_chk_addr: a tentative (or dadfailed) address is not
             * ours yet. */
            if (!IN6_ARE_ADDR_EQUAL(&ad->addr, a) || (ad->flags & IFA6_F_TENTATIVE))
                continue;
            bool scoped = i->is_loopback || IN6_IS_ADDR_LINKLOCAL(a);
            if (!ifindex || i->index == ifindex || !scoped)
                return true;
        }
    return false;
}

int netif_xmit(berth_netif *ifp, struct pkt *p)
{
    struct berth_stack *st = ifp->st;
    if (!(ifp->flags & BERTH_IFF_UP)) {
        ifp->stats.tx_dropped++;
        pkt_free(st, p);
        return ENETDOWN;
    }
    if (ifp->tap)
        ifp->tap(ifp->tap_arg, ifp, true, p->data, p->len);
    ifp->stats.tx_packets++;
    ifp->stats.tx_bytes += p->len;
    if (ifp->is_loopback) {
        /* Loopback: the same buffer comes straight back in. */
        p->ifp = ifp;
        if (ifp->tap)
            ifp->tap(ifp->tap_arg, ifp, false, p->data, p->len);
        ifp->stats.rx_packets++;
        ifp->stats.rx_bytes += p->len;
        pktq_push(&st->rxq, p);
        return 0;
    }
    int rc = ifp->drv.transmit(ifp->drv_ctx, ifp, p->data, p->len);
    if (rc == ENOBUFS)
        ifp->stats.tx_dropped++; /* a full queue (NET_XMIT_DROP) */
    else if (rc)
        ifp->stats.tx_errors++;
    pkt_free(st, p);
    return rc;
}

int netif_output_nh(berth_netif *ifp, struct pkt *p, struct in_addr nh)
{
    if (ifp->link == BERTH_LINK_ETHERNET)
        return eth_output(ifp, p, nh);
    return netif_xmit(ifp, p);
}

int netif_output_nh6(berth_netif *ifp, struct pkt *p, const struct in6_addr *nh)
{
    if (ifp->link == BERTH_LINK_ETHERNET) {
#if BERTH_WITH_IPV6
        return eth_output6(ifp, p, nh);
#else
        (void)nh;
        ifp->stats.tx_dropped++;
        pkt_free(ifp->st, p);
        return EHOSTUNREACH;
#endif
    }
    return netif_xmit(ifp, p);
}

int netif_output(berth_netif *ifp, struct pkt *p)
{
    struct in_addr nh = ifp->tx_nexthop;
    if (!nh.s_addr && p->len >= IP4_HLEN)
        memcpy(&nh, p->data + 16, 4); /* the IPv4 destination */
    return netif_output_nh(ifp, p, nh);
}

void netif_receive(berth_netif *ifp, struct pkt *p)
{
    p->ifp = ifp;
    if (ifp->tap)
        ifp->tap(ifp->tap_arg, ifp, false, p->data, p->len);
    ifp->stats.rx_packets++;
    ifp->stats.rx_bytes += p->len;
    pktq_push(&ifp->st->rxq, p);
}

void netif_input_locked(berth_netif *ifp, const void *data, size_t len)
{
    struct berth_stack *st = ifp->st;
    bool ether = ifp->link == BERTH_LINK_ETHERNET;
    if (len > 65535 + (ether ? ETH_HLEN : 0) || !(ifp->flags & BERTH_IFF_UP))
        return;
    struct pkt *p = pkt_alloc_atomic(st, PKT_HEADROOM, len);
    if (!p) {
        ifp->stats.rx_dropped++;
        SNMP_INC(st, Ip, InDiscards);
        return;
    }
    memcpy(p->data, data, len);
    if (!ether) {
        netif_receive(ifp, p);
        return;
    }
    p->ifp = ifp;
    if (ifp->tap)
        ifp->tap(ifp->tap_arg, ifp, false, p->data, p->len);
    ifp->stats.rx_packets++;
    ifp->stats.rx_bytes += p->len;
    eth_input(ifp, p);
}

void berth_netif_input(berth_netif *ifp, const void *data, size_t len)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    netif_input_locked(ifp, data, len);
    st_unlock(st); /* processes it: whoever it concerns is woken under the lock */
}

void netif_set_tap(berth_netif *ifp, netif_tap_fn fn, void (*close)(void *), void *arg)
{
    if (ifp->tap_close)
        ifp->tap_close(ifp->tap_arg);
    ifp->tap = fn;
    ifp->tap_close = close;
    ifp->tap_arg = arg;
}

berth_netif *netif_find_local4(struct berth_stack *st, struct in_addr a)
{
    return netif_find_local4_src(st, a, NULL);
}

berth_netif *netif_find_local4_src(struct berth_stack *st, struct in_addr a, struct in_addr *src)
{
    for (berth_netif *i = st->netifs; i; i = i->next) {
        if (!(i->flags & BERTH_IFF_UP) && !i->is_loopback)
            continue;
        for (struct ifaddr4 *ad = i->addrs; ad; ad = ad->next) {
            /* Linux: a loopback prefix route makes the whole prefix local,
             * with the interface address as its preferred source
             * ("local 127.0.0.0/8 dev lo src 127.0.0.1"). */
            if (ad->addr.s_addr == a.s_addr ||
                (i->is_loopback && (i->flags & BERTH_IFF_UP) &&
                 (a.s_addr & ad->mask.s_addr) == (ad->addr.s_addr & ad->mask.s_addr))) {
                if (src)
                    *src = ad->addr;
                return i;
            }
        }
    }
    return NULL;
}

bool netif_is_bcast4(struct berth_stack *st, struct in_addr a)
{
    if (a.s_addr == INADDR_BROADCAST)
        return true;
    for (berth_netif *i = st->netifs; i; i = i->next)
        for (struct ifaddr4 *ad = i->addrs; ad; ad = ad->next)
            if (ad->prefixlen < 31 && ad->bcast.s_addr == a.s_addr)
                return true;
    return false;
}

struct in_addr netif_primary4(const berth_netif *ifp)
{
    struct in_addr any = {0};
    return ifp->addrs ? ifp->addrs->addr : any;
}

struct in_addr netif_select_src4(const berth_netif *ifp, struct in_addr dst)
{
    for (struct ifaddr4 *a = ifp->addrs; a; a = a->next)
        if ((dst.s_addr & a->mask.s_addr) == (a->addr.s_addr & a->mask.s_addr))
            return a->addr;
    return netif_primary4(ifp);
}

int berth_parse_prefix(const char *s, struct in_addr *addr, unsigned *prefixlen)
{
    char buf[32];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n >= sizeof(buf))
        goto bad;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (inet_pton(AF_INET, buf, addr) != 1)
        goto bad;
    if (slash) {
        char *end;
        unsigned long v = strtoul(slash + 1, &end, 10);
        if (*end || end == slash + 1 || v > 32)
            goto bad;
        *prefixlen = (unsigned)v;
    } else {
        *prefixlen = 32;
    }
    return 0;
bad:
    errno = EINVAL;
    return -1;
}
