/* ip6.h — IPv6 (RFC 8200): input validation, extension headers and
 * dispatch; output with source selection, routing and fragmentation;
 * reassembly; ICMPv6 (RFC 4443); the IPv6 routing table and path-MTU
 * cache. The module's internal API, as ip4.h is IPv4's (docs/ip6.md).
 *
 * Built with BERTH_WITH_IPV6 (AF_INET6 sockets and the IPv6 data path).
 */
#ifndef BERTH_IP_IP6_H
#define BERTH_IP_IP6_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core/pkt.h"

struct berth_stack;
struct berth_netif;

#define IP6_HLEN 40 /* the fixed header, RFC 8200 section 3 */
#define IP6_MIN_MTU 1280
#define IP6_MAXPLEN 65535 /* no jumbograms (RFC 2675) */

/* The fixed header (RFC 8200 section 3), network byte order. */
struct ip6_hdr {
    uint32_t vtf; /* version 4 bits, traffic class 8, flow label 20 */
    uint16_t plen;
    uint8_t nxt;
    uint8_t hlim;
    struct in6_addr src, dst;
};

/* Next-header values of the extension headers berth parses. */
#define IP6_NH_HOPOPTS 0
#define IP6_NH_ROUTING 43
#define IP6_NH_FRAGMENT 44
#define IP6_NH_ICMPV6 58
#define IP6_NH_NONE 59
#define IP6_NH_DSTOPTS 60

/* The fragment header (RFC 8200 section 4.5). */
struct ip6_frag_hdr {
    uint8_t nxt;
    uint8_t reserved;
    uint16_t off_m; /* offset in 8-byte units << 3 | M flag */
    uint32_t id;
};
#define IP6_FRAG_MF 0x0001
#define IP6_FRAG_OFFMASK 0xfff8

/* The IPv6 pseudo-header sum for UDP, TCP and ICMPv6 (RFC 8200 section
 * 8.1: source, destination, the upper-layer length as 32 bits, three
 * zero bytes and the next header), before folding; feed it to
 * inet_csum_add / inet_csum_fold as inet_pseudo4's. */
uint32_t inet_pseudo6(const struct in6_addr *src, const struct in6_addr *dst, uint8_t next,
                      uint32_t len);

int ip6_init(struct berth_stack *st);
void ip6_fini(struct berth_stack *st);

/* ---- input (ip6_input.c) ---- */
/* Process one received packet (p->data at the IPv6 header; consumes p).
 * Local delivery sets p->src/dst (native IPv6), ttl (hop limit), tos
 * (traffic class), nh (the IPv6 header), ip_hlen (the fixed header plus
 * the extension headers before the transport's) and pulls p->data to the
 * transport header, as ip4_input does. */
void ip6_input(struct berth_stack *st, struct pkt *p);

/* inet6_iif: the interface a received packet counts as arriving on (its
 * index; 0 without one). A packet this host sent itself through lo counts
 * on the interface owning its destination address, as Linux's local
 * route's device does (ipv6_rcv's IP6CB(skb)->iif from the dst's idev):
 * a link-local peer's scope id, a socket bound to that device. */
unsigned ip6_iif(struct berth_stack *st, const struct pkt *p);

/* ---- output (ip6_output.c) ---- */
struct ip6_out {
    struct in6_addr src; /* ::: chosen for the route (RFC 6724), unless src_unspec */
    struct in6_addr dst;
    uint8_t proto;   /* the upper-layer next header */
    uint8_t hlim;    /* hop limit */
    uint8_t tclass;  /* traffic class */
    bool src_unspec; /* send from :: as given (DAD's solicitations) */
    /* Do not fragment locally: a packet above the path MTU gets EMSGSIZE
     * (IPV6_DONTFRAG, IPV6_PMTUDISC_DO/PROBE; TCP sizes its segments). */
    bool dontfrag;
    uint32_t flowlabel;      /* host order, 20 bits; 0: none */
    struct berth_netif *oif; /* already routed, or a scoped destination's interface (NULL: route) */
    const struct in6_addr *nexthop; /* with oif: the next hop (NULL: dst itself) */
};
/* Prepend the IPv6 header, route, fragment if needed and send (consumes
 * p). Returns 0 or an errno (ENETUNREACH, EMSGSIZE, ENOBUFS, EINVAL). */
int ip6_output(struct berth_stack *st, struct pkt *p, const struct ip6_out *o);

/* ---- automatic flow labels (ip6_output.c; RFC 6437, Linux's
 * ip6_make_flowlabel with net.ipv6.auto_flowlabels 1, its default) ----
 * A flow the sender did not label gets one unless its socket opted out
 * (IPV6_AUTOFLOWLABEL 0): from the sender's transmit hash when it keeps
 * one (TCP's sk_txhash, skb_set_hash_from_sk), else from a keyed hash of
 * the flow (the flow dissector's, for UDP and for TCP replies without a
 * socket). flowlabel_state_ranges is 0: the whole 20 bits. */
static inline uint32_t ip6_txhash_label(uint32_t txhash)
{
    return (txhash << 16 | txhash >> 16) & 0xfffffu; /* rol32(hash, 16): the obfuscation */
}
/* sport / dport in network order, as they are in the header. The label
 * is ip6_flow_key_label of ip6_flow_key, split so that a sender may keep
 * the key and its label and hash only when the flow changes (udp6). */
void ip6_flow_key(const struct in6_addr *src, const struct in6_addr *dst, uint16_t sport,
                  uint16_t dport, uint32_t key[2]);
uint32_t ip6_flow_key_label(const struct berth_stack *st, const uint32_t key[2]);
uint32_t ip6_flow_hash_label(const struct berth_stack *st, const struct in6_addr *src,
                             const struct in6_addr *dst, uint16_t sport, uint16_t dport);

/* ---- routing (route6.c) ---- */
struct ip6_route {
    struct ip6_route *next;
    struct in6_addr dst;
    unsigned prefixlen;
    struct in6_addr gw; /* :: for an on-link prefix */
    struct berth_netif *ifp;
    uint64_t expires; /* st_now() time; 0: never (router lifetime, RFC 4861 6.3.4) */
};
/* Add or replace (same dst, prefixlen, ifp) a route; gw NULL or ::
 * means on-link. 0 or an errno. */
int ip6_route_add_locked(struct berth_stack *st, const struct in6_addr *dst, unsigned prefixlen,
                         const struct in6_addr *gw, struct berth_netif *ifp, uint64_t expires);
int ip6_route_del_locked(struct berth_stack *st, const struct in6_addr *dst, unsigned prefixlen,
                         struct berth_netif *ifp);
void ip6_route_flush_netif(struct berth_stack *st, struct berth_netif *ifp);
/* The interface and next hop for dst (longest prefix; a local address
 * goes through lo; a link-local or multicast destination needs oif, an
 * interface index, or the only up non-loopback interface is not guessed:
 * NULL). oif 0: any. */
struct berth_netif *ip6_route_lookup(struct berth_stack *st, const struct in6_addr *dst,
                                     unsigned oif, struct in6_addr *nexthop);
/* Source address selection (RFC 6724 section 5, the rules Linux's
 * ipv6_dev_get_saddr applies that matter to a host: same address, scope,
 * not tentative/deprecated, outgoing interface, longest matching prefix).
 * false when ifp has no usable address. */
bool ip6_select_src(struct berth_stack *st, struct berth_netif *ifp, const struct in6_addr *dst,
                    struct in6_addr *src);

/* Path MTU learnt from Packet Too Big (RFC 8201), kept per destination
 * for ip6_pmtu_expires_s (Linux's ip6_rt_mtu_expires, 600 s). */
void ip6_pmtu_update(struct berth_stack *st, const struct in6_addr *dst, unsigned mtu);
/* The path MTU towards dst through ifp: the learnt one, else the link's. */
unsigned ip6_path_mtu(struct berth_stack *st, const struct in6_addr *dst,
                      const struct berth_netif *ifp);
/* Free the cache (stack teardown). */
void ip6_pmtu_fini(struct berth_stack *st);

/* ---- fragmentation and reassembly (ip6_frag.c) ---- */
/* Feed a fragment: p->nh at the IPv6 header, `prev` the offset from nh of
 * the next-header byte naming the fragment header, `off` the fragment
 * header's offset. Returns the whole datagram when complete (data and nh
 * at its IPv6 header, the fragment header removed, the previous next
 * header and payload length fixed) for ip6_input to parse again, else
 * NULL. Consumes p. RFC 8200 4.5, RFC 5722 (overlaps drop the datagram),
 * RFC 6946 (atomic fragments), RFC 7112 (the first fragment holds the
 * whole header chain). */
struct pkt *ip6_reasm(struct berth_stack *st, struct pkt *p, unsigned prev, unsigned off);
void ip6_reasm_fini(struct berth_stack *st);
/* Bytes held by incomplete datagrams (never above cfg.ip6frag_high_thresh)
 * and their number: what the tests check the bound with. */
size_t ip6_reasm_mem(const struct berth_stack *st);
unsigned ip6_reasm_queues(const struct berth_stack *st);
/* Split p (data at a complete IPv6 header without extension headers,
 * larger than mtu) into fragments and send each to nexthop through ifp.
 * Consumes p. 0 or an errno. */
int ip6_fragment(struct berth_stack *st, struct pkt *p, struct berth_netif *ifp, unsigned mtu,
                 const struct in6_addr *nexthop);

/* ---- ICMPv6 (icmp6.c) ---- */
#define ICMP6_DST_UNREACH 1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAM_PROB 4
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP6_DST_UNREACH_NOROUTE 0
#define ICMP6_DST_UNREACH_ADMIN 1
#define ICMP6_DST_UNREACH_ADDR 3
#define ICMP6_DST_UNREACH_NOPORT 4
#define ICMP6_PARAMPROB_HEADER 0
#define ICMP6_PARAMPROB_NEXTHEADER 1
#define ICMP6_PARAMPROB_OPTION 2
/* p->data at the ICMPv6 header, p->nh at the IPv6 header (consumes p). */
void icmp6_input(struct berth_stack *st, struct pkt *p, bool multi);
/* Send an ICMPv6 error about the datagram whose IPv6 header is at p->nh
 * (p not consumed), following RFC 4443 2.4: never about an ICMPv6 error
 * or a redirect, never from a multicast destination except Packet Too Big
 * and parameter problem code 2, rate limited. info: the MTU or pointer. */
void icmp6_send_error(struct berth_stack *st, const struct pkt *p, uint8_t type, uint8_t code,
                      uint32_t info);
/* Prepend nothing: fill the ICMPv6 checksum of the message at p->data
 * (p->len bytes) for src -> dst. */
void icmp6_set_csum(struct pkt *p, const struct in6_addr *src, const struct in6_addr *dst);

/* ---- addresses ---- */
/* Is a assigned to an interface that is up (or to lo)? With ifp, a
 * link-local address must be on it. Tentative addresses do not count. */
bool ip6_is_local(struct berth_stack *st, const struct in6_addr *a, const struct berth_netif *ifp);
/* Has ifp joined group a (all-nodes, the solicited-node groups of its
 * addresses, and groups sockets joined)? */
bool ip6_mc_member(const struct berth_netif *ifp, const struct in6_addr *a);

#endif
