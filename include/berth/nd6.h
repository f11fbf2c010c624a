/* berth/nd6.h — IPv6 neighbour discovery (RFC 4861) and stateless address
 * autoconfiguration (RFC 4862) on an Ethernet interface.
 *
 * Every Ethernet interface of a stack built with IPv6 has an IPv6
 * neighbour cache with the same state machine, knobs and counters as its
 * ARP cache (berth/arp.h: struct berth_arp_params / berth_arp_stats, with
 * Linux's net.ipv6.neigh.* defaults: locktime 0, arp_notify meaning
 * ndisc_notify = 0, arp_accept meaning accept_untracked_na = 0). When the
 * interface comes up it gets a link-local address from its MAC (modified
 * EUI-64, Linux's addr_gen_mode 0), every address goes through duplicate
 * address detection, router solicitations go out and router
 * advertisements give it a default route and addresses (SLAAC), and it
 * reports its solicited-node groups with MLDv2 — as Linux does by default.
 * docs/nd6.md has the details.
 *
 * All functions return 0 or -1 with errno (EOPNOTSUPP on an interface that
 * is not Ethernet) unless they say otherwise.
 */
#ifndef BERTH_ND6_H
#define BERTH_ND6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arp.h"
#include "netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Address flags: the values of Linux's IFA_F_* (ip -6 addr prints them). */
#define BERTH_IFA_F_NODAD 0x02
#define BERTH_IFA_F_DADFAILED 0x08
#define BERTH_IFA_F_DEPRECATED 0x20
#define BERTH_IFA_F_TENTATIVE 0x40
#define BERTH_IFA_F_PERMANENT 0x80

/* Per-interface knobs of net.ipv6.conf.<dev>.* (times in ms). */
struct berth_nd6_params {
    /* disable_ipv6 (0): no link-local address, DAD, RS or MLD on this
     * interface (set before bringing it up; IPv4-only tests use it). */
    bool disable_ipv6;
    int dad_transmits;                    /* 1: DAD solicitations per address (0: no DAD) */
    int accept_dad;                       /* 1: a duplicate makes the address dadfailed */
    int rtr_solicits;                     /* -1: router solicitations, -1 without limit */
    unsigned rtr_solicit_interval_ms;     /* 4000: first gap, doubling (RFC 7559) */
    unsigned rtr_solicit_max_interval_ms; /* 3600000: the gap's ceiling */
    unsigned rtr_solicit_delay_ms;        /* 1000: DAD's random initial delay bound */
    int accept_ra;                        /* 1: process router advertisements */
    int autoconf;                         /* 1: addresses from prefix information (A) */
    bool enhanced_dad;                    /* true: a nonce in DAD solicitations (RFC 7527) */
};
void berth_nd6_params_init(struct berth_nd6_params *p);
int berth_nd6_params_get(berth_netif *ifp, struct berth_nd6_params *out);
/* EINVAL: dad_transmits outside 0..255, rtr_solicits below -1, a zero
 * solicitation interval or a ceiling below it. accept_dad 0 makes new
 * addresses usable at once (Linux: no DAD); dad_transmits 0 still waits
 * DAD's random initial delay, as Linux does. */
int berth_nd6_params_set(berth_netif *ifp, const struct berth_nd6_params *p);

/* Neighbour discovery's own counters (beside the cache's, which
 * berth_nd6_cache_stats gives in berth_arp_stats form: requests = NS,
 * replies = NA). Dropped messages: Linux drops them silently (ND_PRINTK). */
struct berth_nd6_stats {
    uint64_t ns_sent, na_sent, rs_sent, mld_reports_sent;
    uint64_t ns_received, na_received, ra_received;
    uint64_t rx_bad_hoplimit;  /* hop limit not 255 (RFC 4861 7.1) */
    uint64_t rx_malformed;     /* code, length, options, multicast target, DAD rules */
    uint64_t ra_not_linklocal; /* RA from a source that is not link-local */
    uint64_t na_ignored;       /* NA for no entry, or advertising our own address */
    uint64_t dad_failures;     /* addresses found duplicate */
    uint64_t slaac_addrs;      /* addresses made from prefix information */
};
int berth_nd6_stats(berth_netif *ifp, struct berth_nd6_stats *out);
int berth_nd6_cache_stats(berth_netif *ifp, struct berth_arp_stats *out);
int berth_nd6_cache_params_get(berth_netif *ifp, struct berth_arp_params *out);
int berth_nd6_cache_params_set(berth_netif *ifp, const struct berth_arp_params *p);

/* One IPv6 cache entry, as `ip -6 neigh` shows it. */
struct berth_neigh6 {
    struct in6_addr addr;
    uint8_t hwaddr[BERTH_ETH_ALEN];
    unsigned state; /* BERTH_NUD_* */
    bool router;    /* NTF_ROUTER */
    uint64_t updated_us, used_us, confirmed_us;
    unsigned probes, queued;
};
long berth_nd6_list(berth_netif *ifp, struct berth_neigh6 *out, size_t max);
int berth_nd6_lookup(berth_netif *ifp, const struct in6_addr *addr, struct berth_neigh6 *out);
/* Start resolving addr (0 if usable, -1/EINPROGRESS with an NS sent). */
int berth_nd6_resolve(berth_netif *ifp, const struct in6_addr *addr);
int berth_nd6_add(berth_netif *ifp, const struct in6_addr *addr, const uint8_t hw[BERTH_ETH_ALEN],
                  unsigned state);
int berth_nd6_del(berth_netif *ifp, const struct in6_addr *addr);
int berth_nd6_flush(berth_netif *ifp);

/* An IPv6 address of ifp as `ip -6 addr` shows it. Lifetimes in seconds
 * left (UINT32_MAX: forever). */
struct berth_ifaddr6 {
    struct in6_addr addr;
    unsigned prefixlen;
    unsigned flags; /* BERTH_IFA_F_* */
    uint32_t valid_lft, preferred_lft;
};
/* Copy up to max addresses of ifp (any link type); returns how many it has. */
long berth_netif_addrs6(berth_netif *ifp, struct berth_ifaddr6 *out, size_t max);

#ifdef __cplusplus
}
#endif
#endif
