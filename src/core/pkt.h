/* pkt.h — the packet buffer.
 *
 * One contiguous buffer per packet with headroom in front, so each layer on
 * the way down prepends its header with pkt_push and each layer on the way up
 * strips it with pkt_pull — no copies between layers. `truesize` is what the
 * packet costs a socket's receive buffer (like Linux's skb->truesize).
 */
#ifndef BERTH_CORE_PKT_H
#define BERTH_CORE_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core/invariant.h"
#include "ip/inet_addr.h"

struct berth_stack;
struct berth_netif;

/* Headroom for link + IP + transport headers. */
#define PKT_HEADROOM 128

struct pkt {
    struct pkt *next;
    uint8_t *data;           /* current start */
    uint32_t len;            /* bytes from data */
    uint32_t cap;            /* bytes in buf */
    struct berth_netif *ifp; /* receiving interface (input path) */
    uint32_t truesize;
    /* Filled by ip4_input / ip6_input for the transports: the addresses
     * of either family (IPv4 v4-mapped: inet_addr_is_v4 tells the family),
     * the TTL or hop limit, the TOS or traffic class. */
    union inet_addr src, dst;
    uint8_t ttl, tos;
    /* IP header length of the datagram, IPv6 extension headers included
     * (ICMP quoting; the transport header is at nh + ip_hlen). */
    uint16_t ip_hlen : 15;
    /* Only the platform's reserve could hold it (pkt_alloc_atomic): never
     * kept in a socket or reassembly queue. */
    uint16_t reserve : 1;
    uint8_t *nh; /* network header within buf */
    uint8_t buf[];
};

struct pkt *pkt_alloc(struct berth_stack *st, size_t headroom, size_t len);
/* pkt_alloc for a packet only in transit, whose memory is back as soon as it
 * has been processed or handed to the driver: a received frame, a TCP
 * segment (its payload is already charged to the send queue; Linux clones
 * it with GFP_ATOMIC), an ACK or RST, an ARP message. When ordinary memory
 * is exhausted, the platform's reserve (alloc_reserve) is tried and the
 * packet is marked `reserve`, so nothing may queue it for long. What queues
 * hold — socket buffers, TCP stream data, reassembly — never comes from the
 * reserve, so it cannot take the memory that lets ACKs in and segments
 * out, and a full arena cannot stall the stack for good. */
struct pkt *pkt_alloc_atomic(struct berth_stack *st, size_t headroom, size_t len);
void pkt_free(struct berth_stack *st, struct pkt *p);
void pkt_free_chain(struct berth_stack *st, struct pkt *p);
/* Copy of p (same headroom). NULL on exhaustion. */
struct pkt *pkt_clone(struct berth_stack *st, const struct pkt *p);

/* The IPv4 addresses of a received IPv4 packet. */
static inline struct in_addr pkt_src4(const struct pkt *p) { return inet_addr_v4(&p->src); }
static inline struct in_addr pkt_dst4(const struct pkt *p) { return inet_addr_v4(&p->dst); }
static inline bool pkt_is_v6(const struct pkt *p) { return !inet_addr_is_v4(&p->src); }

static inline size_t pkt_headroom(const struct pkt *p) { return (size_t)(p->data - p->buf); }
/* The invariant push and pull keep: the data lies inside the buffer. */
static inline int pkt_data_in_buf(const struct pkt *p)
{
    return p->data >= p->buf && p->len <= p->cap && pkt_headroom(p) <= p->cap - p->len;
}
static inline uint8_t *pkt_push(struct pkt *p, size_t n)
{
    BERTH_INVARIANT(n <= pkt_headroom(p));
    p->data -= n;
    p->len += (uint32_t)n;
    BERTH_INVARIANT(pkt_data_in_buf(p));
    return p->data;
}
static inline void pkt_pull(struct pkt *p, size_t n)
{
    BERTH_INVARIANT(n <= p->len);
    p->data += n;
    p->len -= (uint32_t)n;
    BERTH_INVARIANT(pkt_data_in_buf(p));
}
static inline void pkt_trim(struct pkt *p, size_t len)
{
    if (len < p->len)
        p->len = (uint32_t)len;
}

/* Simple FIFO of packets. */
struct pktq {
    struct pkt *head, *tail;
    uint32_t count;
    uint32_t bytes; /* sum of truesize (socket buffers are < 2 GiB) */
};
void pktq_push(struct pktq *q, struct pkt *p);
struct pkt *pktq_pop(struct pktq *q);
void pktq_purge(struct berth_stack *st, struct pktq *q);

#endif
