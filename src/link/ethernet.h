/* ethernet.h — Ethernet II framing (IEEE 802.3 / RFC 894) between IPv4 and
 * the driver of a BERTH_LINK_ETHERNET interface.
 *
 * Down: eth_output maps an IPv4 next hop to a MAC address (broadcast and
 * multicast directly, unicast through ARP) and eth_send prepends the header.
 * Up: eth_input classifies the frame as Linux's eth_type_trans does (for us,
 * broadcast, multicast, another host's) and hands IPv4 to the stack's input
 * queue and ARP to arp_input. Everything runs under the stack lock.
 */
#ifndef BERTH_LINK_ETHERNET_H
#define BERTH_LINK_ETHERNET_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "core/pkt.h"

struct berth_netif;

#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define ETH_P_802_3_MIN 0x0600 /* below: an 802.3 length, not an EtherType */

/* Linux's skb->pkt_type, from the destination MAC address. */
enum eth_pkt_type {
    ETH_PKT_HOST = 0,      /* our address */
    ETH_PKT_BROADCAST = 1, /* ff:ff:ff:ff:ff:ff */
    ETH_PKT_MULTICAST = 2, /* group bit set */
    ETH_PKT_OTHERHOST = 3, /* somebody else's */
};

extern const uint8_t eth_broadcast_addr[ETH_ALEN];

static inline bool eth_is_multicast(const uint8_t *a) { return a[0] & 1; }
static inline bool eth_is_zero(const uint8_t *a)
{
    return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}
static inline bool eth_is_valid_unicast(const uint8_t *a)
{
    return !eth_is_multicast(a) && !eth_is_zero(a);
}
static inline bool eth_equal(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, ETH_ALEN) == 0;
}

/* Initialise an Ethernet interface (random MAC, ARP cache). 0 or ENOMEM. */
int eth_attach(struct berth_netif *ifp);
void eth_detach(struct berth_netif *ifp);

/* Send the IPv4 packet p (data at its IP header) to next hop nexthop:
 * broadcast/multicast at once, unicast through ARP (maybe queued). Consumes
 * p. 0 (sent or queued) or an errno: ENETDOWN, ENOBUFS (no memory, ARP
 * cache full, driver queue full). */
int eth_output(struct berth_netif *ifp, struct pkt *p, struct in_addr nexthop);
/* The IPv6 twin (BERTH_WITH_IPV6): multicast groups to 33:33:xx:xx:xx:xx,
 * unicast through neighbour discovery. Consumes p. */
int eth_output6(struct berth_netif *ifp, struct pkt *p, const struct in6_addr *nexthop);
/* Prepend an Ethernet header (dst, our address, type) and hand the frame to
 * the driver. Consumes p. */
int eth_send(struct berth_netif *ifp, struct pkt *p, const uint8_t dst[ETH_ALEN], uint16_t type);
/* A received frame (p->data at the Ethernet header). Consumes p. */
void eth_input(struct berth_netif *ifp, struct pkt *p);

#endif
