/* netif_impl.h — the interface object and the driver boundary.
 *
 * netif_output_nh is the one way down from IP (the link layer, if any, sits
 * behind it: src/link/ethernet.c for BERTH_LINK_ETHERNET interfaces) and
 * netif_xmit the one way into a driver; berth_netif_input the one way up.
 * Every packet or frame crossing the driver boundary passes the optional
 * tap (the pcap writer) exactly as the driver sees it.
 */
#ifndef BERTH_NETIF_IMPL_H
#define BERTH_NETIF_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "berth/config.h"
#include "berth/netif.h"
#include "core/pkt.h"

struct ifaddr4 {
    struct ifaddr4 *next;
    struct in_addr addr;
    struct in_addr mask;
    struct in_addr bcast;
    unsigned prefixlen;
};

struct ifaddr6 {
    struct ifaddr6 *next;
    struct in6_addr addr;
    unsigned prefixlen;
    unsigned flags; /* IFA6_F_*, Linux's IFA_F_* meanings */
    /* addrconf6.c (RFC 4862): the DAD solicitations left and when the
     * next DAD step is due (0: none), the DAD nonce (RFC 7527), the
     * lifetimes' ends (0: forever). */
    uint8_t dad_left;
    uint8_t autoconf; /* made by addrconf (link-local, SLAAC): gone at ifdown */
    uint8_t nonce[6];
    uint64_t dad_at;
    uint64_t valid_until, prefer_until;
};
#define IFA6_F_TENTATIVE 0x01  /* DAD in progress: neither source nor local (RFC 4862 5.4) */
#define IFA6_F_DADFAILED 0x02  /* a duplicate was found: never used */
#define IFA6_F_DEPRECATED 0x04 /* preferred lifetime over: a source only if nothing else */
#define IFA6_F_NODAD 0x08      /* no duplicate address detection (lo, ::1) */

typedef void (*netif_tap_fn)(void *arg, berth_netif *ifp, bool out, const uint8_t *p, size_t len);

struct neigh_table;

/* berth_netif_stats's counters, kept BERTH_COUNTER_T wide: 32 bits on a
 * small target (48 B less per interface), as a 32-bit Linux keeps its
 * net_device_stats in unsigned longs; berth_netif_stats widens them. */
/* One counter per line: clang-format does not settle on X-macro lists. */
/* clang-format off */
#define NETIF_STATS(X) \
    X(rx_packets) \
    X(tx_packets) \
    X(rx_bytes) \
    X(tx_bytes) \
    X(rx_errors) \
    X(tx_errors) \
    X(rx_dropped) \
    X(tx_dropped) \
    X(multicast) \
    X(rx_length_errors) \
    X(rx_nohandler) \
    X(rx_otherhost_dropped)
/* clang-format on */
struct netif_stats {
#define NETIF_STAT_FIELD(f) BERTH_COUNTER_T f;
    NETIF_STATS(NETIF_STAT_FIELD)
#undef NETIF_STAT_FIELD
};

struct berth_netif {
    struct berth_netif *next;
    struct berth_stack *st;
    char name[16];
    unsigned index;
    unsigned mtu;
    unsigned flags;
    struct ifaddr4 *addrs;
    struct ifaddr6 *addrs6; /* in the order added; the first usable one of a scope is preferred */
    struct berth_netif_driver drv;
    void *drv_ctx;
    /* Loopback short-circuits the driver: packets go straight back to rxq. */
    bool is_loopback;
    unsigned link;                  /* BERTH_LINK_RAW or BERTH_LINK_ETHERNET */
    uint8_t hwaddr[BERTH_ETH_ALEN]; /* Ethernet: our MAC address */
    struct neigh_table *arp;        /* Ethernet: the IPv4 neighbour cache (ARP) */
#if BERTH_WITH_IPV6
    struct neigh_table *nd6; /* Ethernet: the IPv6 neighbour cache (NDP) */
#endif
    /* Next hop of the datagram ip4_output is fragmenting: ip4_fragment hands
     * each fragment to netif_output, which has no next-hop argument (0: the
     * packet's own destination). */
    struct in_addr tx_nexthop;
    netif_tap_fn tap;
    void *tap_arg;
    void (*tap_close)(void *arg);
    struct netif_stats stats;
};

/* Send an IPv4 packet (data at the IP header) to next hop nh through ifp:
 * straight to the driver on a raw-IP interface, through Ethernet and ARP on
 * an Ethernet one. Consumes p. 0 or an errno (ENETDOWN, ENOBUFS...). */
int netif_output_nh(berth_netif *ifp, struct pkt *p, struct in_addr nh);
/* Send an IPv6 packet (data at the IPv6 header) to next hop nh through
 * ifp: straight to the driver on a raw-IP interface, through Ethernet and
 * neighbour discovery on an Ethernet one. Consumes p. 0 or an errno. */
int netif_output_nh6(berth_netif *ifp, struct pkt *p, const struct in6_addr *nh);
/* netif_output_nh with ifp->tx_nexthop, or the packet's destination. */
int netif_output(berth_netif *ifp, struct pkt *p);
/* Hand one packet or frame, ready for the wire, to the driver: tap,
 * counters, transmit (consumes p). */
int netif_xmit(berth_netif *ifp, struct pkt *p);
/* Queue a received IP packet on the stack's input queue after the tap
 * (consumes p; lock held). */
void netif_receive(berth_netif *ifp, struct pkt *p);
/* berth_netif_input with the stack lock already held (drivers that take the
 * lock themselves to check that the interface still exists). */
void netif_input_locked(berth_netif *ifp, const void *data, size_t len);
/* Install or remove (fn NULL) the tap; the previous tap's close is called. */
void netif_set_tap(berth_netif *ifp, netif_tap_fn fn, void (*close)(void *), void *arg);

/* berth_netif_remove with the stack lock already held. */
void netif_remove_locked(berth_netif *ifp);

/* Create lo with 127.0.0.1/8, up. */
berth_netif *loopback_create(struct berth_stack *st);

/* Is a an address of this stack (any interface, and all of 127/8 when lo is
 * up)? Returns the interface owning it, or NULL. */
berth_netif *netif_find_local4(struct berth_stack *st, struct in_addr a);
/* The same, also giving the matching interface address (the preferred
 * source for sending to a). */
berth_netif *netif_find_local4_src(struct berth_stack *st, struct in_addr a, struct in_addr *src);
/* Is a a (subnet or limited) broadcast address of some interface? */
bool netif_is_bcast4(struct berth_stack *st, struct in_addr a);
/* ipv6_chk_addr(strict = 0): is a assigned here? With ifindex, host- and
 * link-scope addresses must be on that interface. */
bool netif_has_local6(struct berth_stack *st, const struct in6_addr *a, unsigned ifindex);

/* First address of ifp, INADDR_ANY if none. */
struct in_addr netif_primary4(const berth_netif *ifp);
/* Source address for a destination reached through ifp (same subnet first). */
struct in_addr netif_select_src4(const berth_netif *ifp, struct in_addr dst);

#endif
