/* ethernet.c — Ethernet II framing for BERTH_LINK_ETHERNET interfaces.
 *
 * Output (eth_output): the IPv4 next hop decides the destination MAC the way
 * Linux's arp_constructor does: the limited broadcast and this interface's
 * subnet broadcasts go to ff:ff:ff:ff:ff:ff, multicast groups to
 * 01:00:5e + their low 23 bits (RFC 1112, arp_mc_map), everything else is a
 * unicast neighbour resolved by ARP. Frames are not padded to 60 bytes:
 * Linux leaves that to the hardware driver (eth_skb_pad), and TAP devices
 * carry short frames as they are.
 *
 * Input (eth_input): the frame is classified by destination like Linux's
 * eth_type_trans, then IPv4 goes to the stack's input queue (frames for
 * another host's MAC are dropped and counted, as ip_rcv_core does) and ARP
 * to arp_input. IPv6 (0x86DD) goes to the input queue like IPv4 (IPv6 output:
 * eth_output6, multicast groups to 33:33 + their last 32 bits, RFC 2464,
 * unicast through the IPv6 neighbour cache). Other EtherTypes (802.2 LLC,
 * VLAN tags; IPv6 in a build without it) are counted in rx_nohandler and
 * dropped.
 */
#include "link/ethernet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "link/arp.h"
#include "netif/netif_impl.h"
#if BERTH_WITH_IPV6
#include "ip/ip6.h"
#include "ip/nd6.h"
#endif

const uint8_t eth_broadcast_addr[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

int eth_attach(struct berth_netif *ifp)
{
    /* eth_random_addr: random, unicast, locally administered. */
    uint32_t r[2] = {stack_random32(ifp->st), stack_random32(ifp->st)};
    memcpy(ifp->hwaddr, r, ETH_ALEN);
    ifp->hwaddr[0] = (uint8_t)((ifp->hwaddr[0] & 0xfe) | 0x02);
    int err = arp_attach(ifp);
#if BERTH_WITH_IPV6
    if (!err && (err = nd6_attach(ifp)) != 0)
        arp_detach(ifp);
#endif
    return err;
}

void eth_detach(struct berth_netif *ifp)
{
#if BERTH_WITH_IPV6
    nd6_detach(ifp);
#endif
    arp_detach(ifp);
}

int eth_send(struct berth_netif *ifp, struct pkt *p, const uint8_t dst[ETH_ALEN], uint16_t type)
{
    if (pkt_headroom(p) < ETH_HLEN) {
        /* Every berth packet is built with PKT_HEADROOM; this is a bug guard. */
        ifp->stats.tx_dropped++;
        pkt_free(ifp->st, p);
        return ENOBUFS;
    }
    uint8_t *h = pkt_push(p, ETH_HLEN);
    memcpy(h, dst, ETH_ALEN);
    memcpy(h + ETH_ALEN, ifp->hwaddr, ETH_ALEN);
    h[12] = (uint8_t)(type >> 8);
    h[13] = (uint8_t)type;
    return netif_xmit(ifp, p);
}

static bool is_bcast_on(const struct berth_netif *ifp, struct in_addr a)
{
    if (a.s_addr == INADDR_BROADCAST)
        return true;
    for (const struct ifaddr4 *ad = ifp->addrs; ad; ad = ad->next)
        if (ad->prefixlen < 31 && ad->bcast.s_addr == a.s_addr)
            return true;
    return false;
}

int eth_output(struct berth_netif *ifp, struct pkt *p, struct in_addr nh)
{
    if (!(ifp->flags & BERTH_IFF_UP)) {
        ifp->stats.tx_dropped++;
        pkt_free(ifp->st, p);
        return ENETDOWN;
    }
    if (is_bcast_on(ifp, nh))
        return eth_send(ifp, p, eth_broadcast_addr, ETH_P_IP);
    if (ip4_is_multicast(nh)) {
        uint32_t g = ntohl(nh.s_addr);
        uint8_t mc[ETH_ALEN] = {
            0x01, 0x00, 0x5e, (uint8_t)((g >> 16) & 0x7f), (uint8_t)(g >> 8), (uint8_t)g};
        return eth_send(ifp, p, mc, ETH_P_IP);
    }
    return arp_output(ifp, p, nh);
}

#if BERTH_WITH_IPV6
int eth_output6(struct berth_netif *ifp, struct pkt *p, const struct in6_addr *nh)
{
    if (!(ifp->flags & BERTH_IFF_UP)) {
        ifp->stats.tx_dropped++;
        pkt_free(ifp->st, p);
        return ENETDOWN;
    }
    if (IN6_IS_ADDR_MULTICAST(nh)) {
        uint8_t mc[ETH_ALEN];
        nd6_mc_mac(nh, mc); /* RFC 2464 7: 33:33 + the group's last 32 bits */
        return eth_send(ifp, p, mc, ETH_P_IPV6);
    }
    return nd6_output(ifp, p, nh);
}
#endif

void eth_input(struct berth_netif *ifp, struct pkt *p)
{
    struct berth_stack *st = ifp->st;
    if (p->len < ETH_HLEN) {
        ifp->stats.rx_length_errors++;
        ifp->stats.rx_errors++;
        TRACE(st, "eth %s: runt frame of %u bytes", ifp->name, (unsigned)p->len);
        pkt_free(st, p);
        return;
    }
    const uint8_t *h = p->data;
    uint16_t type = (uint16_t)((h[12] << 8) | h[13]);
    enum eth_pkt_type pt;
    if (eth_is_multicast(h)) {
        pt = eth_equal(h, eth_broadcast_addr) ? ETH_PKT_BROADCAST : ETH_PKT_MULTICAST;
        ifp->stats.multicast++;
    } else {
        pt = eth_equal(h, ifp->hwaddr) ? ETH_PKT_HOST : ETH_PKT_OTHERHOST;
    }
    pkt_pull(p, ETH_HLEN);
    switch (type) {
    case ETH_P_IP:
#if BERTH_WITH_IPV6
    case ETH_P_IPV6: /* the input queue tells the versions apart */
#endif
        if (pt == ETH_PKT_OTHERHOST) {
            /* ip_rcv_core / ipv6_rcv: "drop all the crap" a promiscuous
             * device hears. */
            ifp->stats.rx_otherhost_dropped++;
            pkt_free(st, p);
            return;
        }
        p->ifp = ifp;
        /* The input queue tells the families apart by the version field
         * (as a raw interface must); here the EtherType decides, so a
         * frame that says IPv4 but holds another version is IPv4's bad
         * header (ip_rcv_core), counted and dropped there at once. */
        if (type == ETH_P_IP && p->len && (p->data[0] >> 4) != 4) {
            ip4_input(st, p);
            return;
        }
#if BERTH_WITH_IPV6
        if (type == ETH_P_IPV6 && p->len && (p->data[0] >> 4) != 6) {
            ip6_input(st, p); /* ipv6_rcv's bad version, counted there */
            return;
        }
#endif
        pktq_push(&st->rxq, p);
        return;
    case ETH_P_ARP:
        arp_input(ifp, p, pt);
        return;
    default:
        ifp->stats.rx_nohandler++;
        TRACE(st, "eth %s: no handler for EtherType 0x%04x", ifp->name, type);
        pkt_free(st, p);
        return;
    }
}

int berth_netif_set_hwaddr(berth_netif *ifp, const uint8_t addr[BERTH_ETH_ALEN])
{
    if (ifp->link != BERTH_LINK_ETHERNET) {
        errno = EOPNOTSUPP;
        return -1;
    }
    if (!eth_is_valid_unicast(addr)) {
        errno = EADDRNOTAVAIL;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    bool changed = !eth_equal(ifp->hwaddr, addr);
    memcpy(ifp->hwaddr, addr, ETH_ALEN);
    /* NETDEV_CHANGEADDR: the cache starts over (neigh_changeaddr) and, with
     * arp_notify, the neighbours are told. */
    if (changed) {
        arp_ifdown(ifp);
#if BERTH_WITH_IPV6
        if (ifp->nd6)
            neigh_flush_all(ifp->nd6);
#endif
        if (ifp->flags & BERTH_IFF_UP)
            for (struct ifaddr4 *a = ifp->addrs; a; a = a->next)
                arp_announce(ifp, a->addr);
    }
    st_unlock(st);
    return 0;
}

int berth_netif_hwaddr(berth_netif *ifp, uint8_t addr[BERTH_ETH_ALEN])
{
    if (ifp->link != BERTH_LINK_ETHERNET) {
        errno = EOPNOTSUPP;
        return -1;
    }
    st_lock(ifp->st);
    memcpy(addr, ifp->hwaddr, ETH_ALEN);
    st_unlock(ifp->st);
    return 0;
}
