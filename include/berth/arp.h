/* berth/arp.h — the ARP cache of an Ethernet interface (RFC 826).
 *
 * Every Ethernet interface (struct berth_netif_driver.link ==
 * BERTH_LINK_ETHERNET) has a neighbour cache that follows Linux's state
 * machine (net/core/neighbour.c, net/ipv4/arp.c) with Linux's default
 * timings: INCOMPLETE while 3 broadcast requests go out 1 s apart (packets
 * wait, at most unres_qlen_bytes of them, oldest dropped first), REACHABLE
 * for a random 15..45 s after a reply, then STALE; a STALE entry that is
 * used waits 5 s (DELAY) and is re-checked with 3 unicast requests (PROBE).
 * When resolution fails (FAILED) every waiting packet is answered with a
 * locally generated ICMP host unreachable, which reaches its sender the way
 * any ICMP error does (an IP_RECVERR or TCP socket sees EHOSTUNREACH; a
 * plain connected UDP socket does not, exactly as on Linux). Entries are
 * garbage collected like Linux's (gc_thresh1..3, gc_stale_time) and the
 * cache never holds more than gc_thresh3 entries. docs/link.md has the
 * details and the few deliberate differences.
 *
 * All functions return 0 or -1 with errno (EOPNOTSUPP on a raw-IP
 * interface, EINVAL for a bad argument) unless they say otherwise.
 */
#ifndef BERTH_ARP_H
#define BERTH_ARP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Neighbour states: the values of Linux's NUD_* (ip neigh prints them). */
#define BERTH_NUD_NONE 0x00
#define BERTH_NUD_INCOMPLETE 0x01
#define BERTH_NUD_REACHABLE 0x02
#define BERTH_NUD_STALE 0x04
#define BERTH_NUD_DELAY 0x08
#define BERTH_NUD_PROBE 0x10
#define BERTH_NUD_FAILED 0x20
#define BERTH_NUD_NOARP 0x40
#define BERTH_NUD_PERMANENT 0x80

/* "REACHABLE", "STALE"... as `ip neigh` prints them. */
const char *berth_nud_state_name(unsigned state);

/* Per-interface knobs, named after net.ipv4.neigh.<dev>.* (times in ms). */
struct berth_arp_params {
    unsigned base_reachable_time_ms;    /* 30000: REACHABLE lasts a random 1/2..3/2 of it */
    unsigned retrans_time_ms;           /* 1000: between two requests */
    unsigned delay_first_probe_time_ms; /* 5000: DELAY before PROBE */
    unsigned gc_stale_time_ms;          /* 60000: unused entries older than this are collected */
    unsigned locktime_ms;               /* 1000: a changed MAC is accepted at most this often */
    unsigned mcast_solicit;             /* 3: broadcast requests while INCOMPLETE */
    unsigned ucast_solicit;             /* 3: unicast requests while PROBE */
    unsigned unres_qlen_bytes;          /* 212992: bytes (truesize) waiting per neighbour */
    unsigned gc_thresh1;                /* 128: no periodic collection below this many entries */
    unsigned gc_thresh2;                /* 512: forced collection above this (every 5 s at most) */
    unsigned gc_thresh3;                /* 1024: hard limit on the number of entries */
    /* net.ipv4.conf.<dev>.arp_notify: announce an address with a
     * gratuitous ARP request when it is added or the interface comes up (or
     * its MAC changes). berth's default is 1 (Linux's is 0): a berth host
     * restarted with a new MAC is reachable at once instead of after the
     * peer's entry goes stale. */
    bool arp_notify;
    /* net.ipv4.conf.<dev>.arp_accept: create entries from gratuitous ARP
     * (Linux's default 0 only updates existing entries). */
    bool arp_accept;
};
/* Linux's defaults (berth's arp_notify = 1). */
void berth_arp_params_init(struct berth_arp_params *p);
int berth_arp_params_get(berth_netif *ifp, struct berth_arp_params *out);
/* EINVAL: a zero time or solicit count, or gc_thresh1 > gc_thresh2 > gc_thresh3. */
int berth_arp_params_set(berth_netif *ifp, const struct berth_arp_params *p);

/* Counters. The first group is Linux's /proc/net/stat/arp_cache (struct
 * neigh_statistics); the second is berth's own. */
struct berth_arp_stats {
    uint64_t entries;          /* now in the cache */
    uint64_t allocs, destroys; /* entries created / freed */
    uint64_t lookups, hits;    /* output lookups / found an entry */
    uint64_t res_failed;       /* resolutions that failed (FAILED) */
    uint64_t rcv_probes_mcast; /* broadcast requests for one of our addresses */
    uint64_t rcv_probes_ucast; /* unicast requests for one of our addresses */
    uint64_t periodic_gc_runs, forced_gc_runs;
    uint64_t unresolved_discards; /* packets dropped from a full INCOMPLETE queue */
    uint64_t table_fulls;         /* an entry was needed and the cache was full */
    /* berth's own */
    uint64_t requests_sent, replies_sent, gratuitous_sent;
    uint64_t requests_received, replies_received;
    uint64_t rx_malformed;      /* short, wrong hardware/protocol type or lengths, bad opcode */
    uint64_t rx_ignored;        /* well formed but about nothing of ours (martian addresses) */
    uint64_t host_unreach_sent; /* ICMP host unreachable generated for waiting packets */
};
int berth_arp_stats(berth_netif *ifp, struct berth_arp_stats *out);

/* One cache entry, as `ip neigh` shows it. Times are the stack clock (us). */
struct berth_neigh {
    struct in_addr addr;
    uint8_t hwaddr[BERTH_ETH_ALEN]; /* meaningful when the state has one */
    unsigned state;                 /* BERTH_NUD_* */
    uint64_t updated_us, used_us, confirmed_us;
    unsigned probes; /* requests sent in the current INCOMPLETE/PROBE round */
    unsigned queued; /* packets waiting for resolution */
};
/* Copy up to max entries into out (in no particular order); returns how
 * many the cache holds (may exceed max), or -1 with errno. */
long berth_arp_list(berth_netif *ifp, struct berth_neigh *out, size_t max);
/* The entry for addr: 0, or -1/ENOENT. */
int berth_arp_lookup(berth_netif *ifp, struct in_addr addr, struct berth_neigh *out);

/* Start resolving addr now, as a packet to it would (arping): 0 if the
 * entry is already usable (REACHABLE, STALE, DELAY, PROBE, PERMANENT),
 * else -1/EINPROGRESS with a request sent (or waiting to be retried);
 * ENOBUFS if the cache is full, ENETDOWN if the interface is down. Poll
 * berth_arp_lookup for the outcome. */
int berth_arp_resolve(berth_netif *ifp, struct in_addr addr);

/* ip neigh replace ADDR lladdr HW nud STATE: state is BERTH_NUD_PERMANENT
 * (never expires, never replaced by ARP), BERTH_NUD_REACHABLE or
 * BERTH_NUD_STALE. Packets waiting for addr are sent. ENOBUFS if the cache
 * is full. */
int berth_arp_add(berth_netif *ifp, struct in_addr addr, const uint8_t hw[BERTH_ETH_ALEN],
                  unsigned state);
/* ip neigh del: ENOENT if absent. Waiting packets are dropped. */
int berth_arp_del(berth_netif *ifp, struct in_addr addr);
/* ip neigh flush dev: every entry but the permanent ones. */
int berth_arp_flush(berth_netif *ifp);

#ifdef __cplusplus
}
#endif
#endif
