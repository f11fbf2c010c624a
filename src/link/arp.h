/* arp.h — ARP (RFC 826) and the neighbour cache of an Ethernet interface,
 * following Linux's neighbour state machine (see berth/arp.h for the public
 * side and docs/link.md for the design). Runs under the stack lock.
 */
#ifndef BERTH_LINK_ARP_H
#define BERTH_LINK_ARP_H

#include <stdint.h>
#include <netinet/in.h>

#include "core/pkt.h"
#include "link/ethernet.h"

struct berth_netif;
struct neigh_table;

#define ARP_HLEN 28 /* Ethernet/IPv4 ARP packet */
#define ARPHRD_ETHER 1
#define ARPHRD_IEEE802 6
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2

/* Create / free the cache of ifp (ifp->arp). Freeing drops waiting packets
 * without ICMP errors, as Linux's neigh_ifdown. */
int arp_attach(struct berth_netif *ifp);
void arp_detach(struct berth_netif *ifp);

/* Send IPv4 packet p (data at the IP header) to on-link neighbour nh:
 * resolves it, queues p while it is INCOMPLETE. Consumes p. 0 or ENOBUFS
 * (cache full: Linux's neighbour table overflow), ENETDOWN. */
int arp_output(struct berth_netif *ifp, struct pkt *p, struct in_addr nh);
/* A received ARP packet (p->data at the ARP header). Consumes p. */
void arp_input(struct berth_netif *ifp, struct pkt *p, enum eth_pkt_type type);

/* Gratuitous ARP request announcing addr (if arp_notify is on). */
void arp_announce(struct berth_netif *ifp, struct in_addr addr);
/* Interface down: forget every entry but the permanent ones. */
void arp_ifdown(struct berth_netif *ifp);
/* Upper-layer reachability confirmation (Linux's dst_confirm / MSG_CONFIRM;
 * TCP calls it when the peer acknowledges new data). */
void arp_confirm(struct berth_netif *ifp, struct in_addr nh);

#endif
