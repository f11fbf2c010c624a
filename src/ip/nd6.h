/* nd6.h — IPv6 neighbour discovery (RFC 4861), address autoconfiguration
 * (RFC 4862) and MLDv2 reports (RFC 3810) for Ethernet interfaces; the
 * module's internal API (docs/nd6.md).
 *
 *   nd6.c       NS/NA on the wire, the IPv6 neighbour table's ops (the
 *               table itself is src/link/neigh.c, shared with ARP),
 *               option parsing, the per-interface state
 *   addrconf6.c link-local address, DAD, router solicitation, router
 *               advertisements and SLAAC, address lifetimes
 *   mld6.c      group membership of an interface and MLDv2 reports
 *
 * Everything runs under the stack lock. Built with BERTH_WITH_IPV6.
 */
#ifndef BERTH_IP_ND6_H
#define BERTH_IP_ND6_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "berth/nd6.h"
#include "core/pkt.h"
#include "core/timer.h"
#include "link/neigh.h"

struct berth_netif;
struct ifaddr6;

#define ND_ROUTER_SOLICIT 133
#define ND_ROUTER_ADVERT 134
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_REDIRECT 137
#define MLD_LISTENER_QUERY 130
#define MLD_LISTENER_REPORT 131
#define MLD_LISTENER_REDUCTION 132
#define MLD2_LISTENER_REPORT 143

#define ND_OPT_SOURCE_LINKADDR 1
#define ND_OPT_TARGET_LINKADDR 2
#define ND_OPT_PREFIX_INFORMATION 3
#define ND_OPT_MTU 5
#define ND_OPT_NONCE 14

#define ND_NA_FLAG_ROUTER 0x80
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE 0x20

/* An MLDv2 state change still to be (re)sent (RFC 3810 6.1). */
struct mld_change {
    struct in6_addr group;
    uint8_t type; /* MLD2_CHANGE_TO_EXCLUDE (join) or _TO_INCLUDE (leave) */
    uint8_t left; /* transmissions left (robustness variable) */
};
#define MLD_CHANGES 4

/* Everything IPv6 keeps per Ethernet interface. ifp->nd6 points at t. */
struct nd6_if {
    struct neigh_table t; /* first: the IPv6 neighbour cache */
    struct berth_nd6_params cfg;
    struct berth_nd6_stats s;
    struct btimer timer; /* addrconf and MLD: the earliest of the due times below */
    uint64_t rs_at;      /* next router solicitation (0: none) */
    uint64_t rs_interval_us;
    uint32_t rs_probes;
    bool ra_rcvd;      /* IF_RA_RCVD: solicitations stop */
    uint8_t hop_limit; /* from an RA (cur hop limit), 0: the default */
    bool have_router;
    struct in6_addr router; /* the default router installed from an RA */
    uint64_t mld_at;        /* next MLD report (0: none) */
    uint64_t mld_query_at;  /* a current-state report answering a query (0: none) */
    bool mld_dad_pending;   /* report every group again when the link-local passes DAD */
    struct mld_change changes[MLD_CHANGES];
};

static inline struct nd6_if *nd6_of(const struct berth_netif *ifp);

/* ---- nd6.c ---- */
/* Create / free ifp's IPv6 state (Ethernet interfaces). 0 or ENOMEM. */
int nd6_attach(struct berth_netif *ifp);
void nd6_detach(struct berth_netif *ifp);
/* ICMPv6 types 133..137 (p->data at the ICMPv6 header, p->nh at the IPv6
 * header, p->ifp, p->src/dst/ttl set; checksum verified). Consumes p. */
void nd6_input(struct berth_stack *st, struct pkt *p);
/* Send an IPv6 packet (data at the IPv6 header) to next hop nh on an
 * Ethernet interface through the IPv6 cache (unicast). Consumes p. */
int nd6_output(struct berth_netif *ifp, struct pkt *p, const struct in6_addr *nh);
/* Send NS for target from src (NULL: our link-local; ::: DAD, with the
 * nonce if given) to dst (NULL: target's solicited-node group). */
void nd6_send_ns(struct berth_netif *ifp, const struct in6_addr *target, const struct in6_addr *dst,
                 const struct in6_addr *src, const uint8_t *nonce, const uint8_t *dst_mac);
/* Build and send an ICMPv6 message (msg/len) from src to dst with hop
 * limit hlim; ext: a hop-by-hop header to put in front (MLD's router
 * alert, 8 bytes) or NULL. */
void nd6_send_icmp(struct berth_netif *ifp, const struct in6_addr *src, const struct in6_addr *dst,
                   uint8_t hlim, const uint8_t *msg, unsigned len, bool router_alert,
                   const uint8_t *dst_mac);
/* A usable (not tentative) link-local address of ifp, or false. */
bool nd6_lladdr(const struct berth_netif *ifp, struct in6_addr *out);
/* ff02::1:ffXX:XXXX of a. */
void nd6_solicited_node(const struct in6_addr *a, struct in6_addr *out);
/* The Ethernet address of IPv6 multicast group g (RFC 2464 7). */
void nd6_mc_mac(const struct in6_addr *g, uint8_t mac[6]);
/* The address of ifp equal to a (tentative or not), or NULL. */
struct ifaddr6 *nd6_ifaddr(const struct berth_netif *ifp, const struct in6_addr *a);

/* ---- addrconf6.c ---- */
/* The interface came up / went down (Ethernet). */
void addrconf6_ifup(struct berth_netif *ifp);
void addrconf6_ifdown(struct berth_netif *ifp);
/* An address was added to ifp (after it is linked in) / is about to be
 * removed (still linked in). */
void addrconf6_addr_added(struct berth_netif *ifp, struct ifaddr6 *a);
void addrconf6_addr_removing(struct berth_netif *ifp, struct ifaddr6 *a);
/* DAD: ifp's tentative address a is used by someone else. */
void addrconf6_dad_failure(struct berth_netif *ifp, struct ifaddr6 *a);
/* A router advertisement that passed nd6_input's checks (p->data at the
 * ICMPv6 header, len bytes). Consumes nothing. */
void addrconf6_ra_input(struct berth_netif *ifp, const struct in6_addr *src, const uint8_t *msg,
                        unsigned len, const uint8_t *sllao);
/* Re-arm the interface timer at the earliest due time. */
void addrconf6_rearm(struct berth_netif *ifp);
void addrconf6_timer(struct berth_stack *st, struct btimer *t);
/* The hop limit an RA set for ifp (0: none). */
unsigned nd6_hop_limit(const struct berth_netif *ifp);

/* ---- mld6.c ---- */
/* Group changes: joined (a group not joined before) / left. */
void mld6_join(struct berth_netif *ifp, const struct in6_addr *g);
void mld6_leave(struct berth_netif *ifp, const struct in6_addr *g);
/* The interface came up: its groups are reported (ipv6_mc_up). */
void mld6_ifup(struct berth_netif *ifp);
/* The interface's link-local address passed DAD after it came up:
 * every group is reported again, now from that address (Linux's
 * ipv6_mc_dad_complete -> mld_send_initial_cr, twice). */
void mld6_dad_complete(struct berth_netif *ifp);
/* MLD messages (types 130..132, 143); consumes p. */
void mld6_input(struct berth_stack *st, struct pkt *p);
/* The MLD part of the interface timer. */
void mld6_timer(struct berth_netif *ifp, uint64_t now);

#include "netif/netif_impl.h"
static inline struct nd6_if *nd6_of(const struct berth_netif *ifp)
{
    return (struct nd6_if *)ifp->nd6;
}

#endif
