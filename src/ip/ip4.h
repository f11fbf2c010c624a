/* ip4.h — IPv4: input validation and dispatch, output with routing and
 * fragmentation, reassembly, ICMP, and the routing table.
 */
#ifndef BERTH_IP_IP4_H
#define BERTH_IP_IP4_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core/pkt.h"

struct berth_stack;
struct berth_netif;

/* The IPv4 header (RFC 791), network byte order fields. */
struct ip4_hdr {
    uint8_t ver_ihl;
    uint8_t tos;
    uint16_t tot_len;
    uint16_t id;
    uint16_t frag_off; /* flags (DF 0x4000, MF 0x2000) + offset in 8-byte units */
    uint8_t ttl;
    uint8_t protocol;
    uint16_t check;
    uint32_t saddr;
    uint32_t daddr;
};
#define IP4_DF 0x4000
#define IP4_MF 0x2000
#define IP4_OFFMASK 0x1fff
#define IP4_HLEN 20
#define IP4_MAXPACKET 65535

/* Internet checksum helpers (RFC 1071). */
uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t inet_csum_fold(uint32_t sum);
/* Pseudo-header sum for UDP/TCP. */
uint32_t inet_pseudo4(struct in_addr src, struct in_addr dst, uint8_t proto, uint16_t len);

int ip4_init(struct berth_stack *st);
void ip4_fini(struct berth_stack *st);

/* Process one received packet (p->data at the IP header; consumes p). */
void ip4_input(struct berth_stack *st, struct pkt *p);

/* Parameters of one output datagram. */
struct ip4_out {
    struct in_addr src, dst;
    uint8_t proto, ttl, tos;
    bool df;
    struct berth_netif *oif; /* already routed: output interface (NULL: route) */
    struct in_addr nexthop;  /* with oif: the next hop (0: dst itself) */
};
/* Prepend the IP header, route, fragment if needed and send (consumes p).
 * Returns 0 or an errno (EHOSTUNREACH/ENETUNREACH, EMSGSIZE, ENOBUFS). */
int ip4_output(struct berth_stack *st, struct pkt *p, const struct ip4_out *o);

/* Routing. */
struct ip4_route {
    struct ip4_route *next;
    struct in_addr dst, mask, gw, prefsrc;
    unsigned prefixlen;
    struct berth_netif *ifp;
};
int ip4_route_add_locked(struct berth_stack *st, struct in_addr dst, unsigned prefixlen,
                         struct in_addr gw, struct berth_netif *ifp, struct in_addr prefsrc);
int ip4_route_del_locked(struct berth_stack *st, struct in_addr dst, unsigned prefixlen,
                         struct berth_netif *ifp);
void ip4_route_flush_netif(struct berth_stack *st, struct berth_netif *ifp);
/* Longest-prefix match (local destinations go through lo). Fills the
 * next hop and a source address; returns the interface or NULL. */
struct berth_netif *ip4_route_lookup(struct berth_stack *st, struct in_addr dst,
                                     struct in_addr *nexthop, struct in_addr *src);

/* Route for a socket's datagram: like ip4_route_lookup, but a bound source
 * address steers multicast/limited broadcast and becomes the source. */
struct berth_netif *ip4_route_output(struct berth_stack *st, struct in_addr dst,
                                     struct in_addr saddr, struct in_addr *nexthop,
                                     struct in_addr *src);

/* Is a a local unicast address (including 127/8 with lo up)? */
bool ip4_is_local(struct berth_stack *st, struct in_addr a);
bool ip4_is_multicast(struct in_addr a);

/* ---- fragmentation and reassembly (ip4_frag.c) ---- */
/* Feed a fragment (header validated, p->data at the IP header). Returns the
 * whole datagram (data at its IP header, tot_len and frag_off fixed, header
 * checksum not recomputed) when complete, else NULL. Consumes p. */
struct pkt *ip4_reasm(struct berth_stack *st, struct pkt *p);
void ip4_reasm_fini(struct berth_stack *st);
/* Split p (data at a complete IP header, tot_len > mtu, DF clear) into
 * fragments and hand each to netif_output. Consumes p. Returns 0 or errno. */
int ip4_fragment(struct berth_stack *st, struct pkt *p, struct berth_netif *ifp, unsigned mtu);

/* ---- ICMP (icmp4.c) ---- */
#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMP_PORT_UNREACH 3
#define ICMP_FRAG_NEEDED 4
void icmp4_input(struct berth_stack *st, struct pkt *p);
/* The ICMP error token bucket both families draw on (icmp4.c): is a
 * token left (refilled at 1000/s, bursts of 50)? Then take it. */
bool icmp_global_allow(struct berth_stack *st);
void icmp_global_consume(struct berth_stack *st);
/* Send an ICMP error about the datagram in p (p->nh at its IP header; p is
 * not consumed). Follows RFC 1122 rules: never about ICMP errors, broadcast
 * or multicast destinations, or non-first fragments. */
void icmp4_send_error(struct berth_stack *st, const struct pkt *p, uint8_t type, uint8_t code,
                      uint32_t info);

#endif
