/* berth/netif.h — network interfaces, addresses and routes.
 *
 * A netif is a name, an index, an MTU, flags, a list of IPv4 addresses and a
 * driver. The driver says what it carries (struct berth_netif_driver.link):
 * raw IP packets (loopback, virtual links, TUN devices) or Ethernet II frames
 * (TAP devices, real NICs), for which berth adds the Ethernet header and
 * resolves next hops with ARP (docs/link.md, berth/arp.h). berth calls the
 * driver's transmit hook with a packet or frame; the driver hands received
 * ones to berth_netif_input.
 */
#ifndef BERTH_NETIF_H
#define BERTH_NETIF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct berth_netif berth_netif;

#define BERTH_IFF_UP 0x1
#define BERTH_IFF_LOOPBACK 0x8
#define BERTH_IFF_BROADCAST 0x2

/* What a driver carries (struct berth_netif_driver.link). */
#define BERTH_LINK_RAW 0      /* raw IPv4 packets, no link header */
#define BERTH_LINK_ETHERNET 1 /* Ethernet II frames without the FCS */

#define BERTH_ETH_ALEN 6 /* bytes in an Ethernet (MAC) address */

struct berth_netif_driver {
    /* Send one raw IP packet, or one Ethernet frame (header included, no
     * FCS, not padded to 60 bytes: padding is the hardware driver's job, as
     * in Linux). Called under the stack lock; must not call back into the
     * same stack synchronously (queue, then berth_netif_input later).
     * Returns 0 or an errno value (counted as a drop). */
    int (*transmit)(void *drv_ctx, berth_netif *ifp, const void *pkt, size_t len);
    /* Interface removed: release drv_ctx. May be NULL. Called under the
     * stack lock. */
    void (*detach)(void *drv_ctx, berth_netif *ifp);
    /* BERTH_LINK_RAW (0, the default) or BERTH_LINK_ETHERNET. */
    unsigned link;
};

/* Add an interface (down, no address). Returns NULL with errno EEXIST (name
 * taken), EINVAL or ENOMEM. */
berth_netif *berth_netif_add(berth_stack *st, const char *name, unsigned mtu, unsigned flags,
                             const struct berth_netif_driver *drv, void *drv_ctx);
int berth_netif_remove(berth_netif *ifp);
berth_netif *berth_netif_by_name(berth_stack *st, const char *name);
berth_netif *berth_netif_by_index(berth_stack *st, unsigned index);
unsigned berth_netif_index(const berth_netif *ifp);
const char *berth_netif_name(const berth_netif *ifp);
unsigned berth_netif_mtu(const berth_netif *ifp);
berth_stack *berth_netif_stack(const berth_netif *ifp);
/* BERTH_LINK_RAW or BERTH_LINK_ETHERNET, from the driver. */
unsigned berth_netif_link(const berth_netif *ifp);
/* Up or down. Bringing an Ethernet interface up announces its addresses
 * (gratuitous ARP, see berth/arp.h); taking it down flushes its ARP cache
 * and drops the packets waiting for resolution, as Linux's neigh_ifdown. */
int berth_netif_set_up(berth_netif *ifp, bool up);

/* The MAC address of an Ethernet interface. A new one gets a random locally
 * administered unicast address (Linux's eth_random_addr). Setting requires a
 * valid unicast address (not multicast, not all zeros): EADDRNOTAVAIL
 * otherwise, as Linux's eth_mac_addr; EOPNOTSUPP on a raw-IP interface. */
int berth_netif_set_hwaddr(berth_netif *ifp, const uint8_t addr[BERTH_ETH_ALEN]);
int berth_netif_hwaddr(berth_netif *ifp, uint8_t addr[BERTH_ETH_ALEN]);

/* Interface counters, named after Linux's struct rtnl_link_stats64 (what
 * `ip -s link` prints). Frames for an Ethernet interface, packets for a
 * raw-IP one; bytes include the link header. */
struct berth_netif_stats {
    uint64_t rx_packets, tx_packets;
    uint64_t rx_bytes, tx_bytes;
    uint64_t rx_errors, tx_errors;   /* malformed frames in; driver errors out */
    uint64_t rx_dropped, tx_dropped; /* no memory in; interface down or queue full out */
    uint64_t multicast;              /* multicast and broadcast frames received */
    uint64_t rx_length_errors;       /* runt frames (shorter than their header) */
    uint64_t rx_nohandler;           /* EtherType nobody handles (IPv6 for now, LLC, VLAN) */
    uint64_t rx_otherhost_dropped;   /* IP frames for another MAC address */
};
void berth_netif_stats(berth_netif *ifp, struct berth_netif_stats *out);

/* Addresses. Adding one also adds the connected route for its prefix, as
 * Linux does. EEXIST if present, EADDRNOTAVAIL on delete if absent. */
int berth_netif_addr_add(berth_netif *ifp, struct in_addr addr, unsigned prefixlen);
int berth_netif_addr_del(berth_netif *ifp, struct in_addr addr, unsigned prefixlen);

/* IPv6 addresses (bind() honours them; the IPv6 packet path comes later). */
int berth_netif_addr6_add(berth_netif *ifp, const struct in6_addr *addr, unsigned prefixlen);
int berth_netif_addr6_del(berth_netif *ifp, const struct in6_addr *addr, unsigned prefixlen);

/* Deliver a received raw IP packet or Ethernet frame (as the driver's link
 * says). The data is copied; the call may be made from a driver thread (it
 * takes the stack lock) or from a simulation. */
void berth_netif_input(berth_netif *ifp, const void *pkt, size_t len);

/* Routes: longest prefix match; gateway 0.0.0.0 for an on-link route. */
int berth_route_add(berth_stack *st, struct in_addr dst, unsigned prefixlen, struct in_addr gw,
                    berth_netif *ifp);
int berth_route_del(berth_stack *st, struct in_addr dst, unsigned prefixlen);
/* IPv6 routes (BERTH_WITH_IPV6): gw NULL or :: for an on-link prefix; a
 * gateway is usually the router's link-local address. Replaces a route of
 * the same prefix on the same interface. 0, or -1 with errno (EINVAL,
 * ENOMEM; ESRCH from del when there is none). */
int berth_route6_add(berth_stack *st, const struct in6_addr *dst, unsigned prefixlen,
                     const struct in6_addr *gw, berth_netif *ifp);
int berth_route6_del(berth_stack *st, const struct in6_addr *dst, unsigned prefixlen);

/* Parse "192.0.2.1/24" into address and prefix length; 0 or -1/EINVAL. */
int berth_parse_prefix(const char *s, struct in_addr *addr, unsigned *prefixlen);

#ifdef __cplusplus
}
#endif
#endif
