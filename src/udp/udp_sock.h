/* udp_sock.h — the UDP socket: an inet_sock plus its receive queue. */
#ifndef BERTH_UDP_SOCK_H
#define BERTH_UDP_SOCK_H

#include "socket/inet_sock.h"

/* Corking (UDP_CORK, MSG_MORE; Linux's up->pending and inet->cork): what a
 * socket needs only once it has used either, so it is allocated then
 * (udp_cork_get) and kept until the socket goes. */
struct udp_cork {
    /* The datagram being gathered, data at the UDP header: p->len counts
     * the header and the bytes so far, p->src / p->dst / p->tos are the
     * flow of the first corked send, the header's dest its port. NULL when
     * nothing is pending. */
    struct pkt *p;
    bool on; /* UDP_CORK */
};

/* The receive queue: a circular list of datagrams through pkt->next,
 * known by its tail (tail->next is the head); the truesize it holds, which
 * SO_RCVBUF limits, is the socket's rmem_alloc. */
struct udp_sock {
    struct inet_sock inet;
    struct pkt *rxq_tail;  /* datagrams, data at the UDP header */
    struct udp_cork *cork; /* NULL until UDP_CORK or MSG_MORE is used */
};
_Static_assert(sizeof(struct udp_sock) == (sizeof(void *) == 8 ? 96 : 76),
               "an AF_INET UDP socket stays 96 bytes (76 with 32-bit pointers)");

static inline struct udp_sock *udp_sk(struct bsock *so) { return (struct udp_sock *)so; }

static inline struct pkt *udp_rxq_head(const struct udp_sock *us)
{
    return us->rxq_tail ? us->rxq_tail->next : NULL;
}

static inline void udp_rxq_push(struct udp_sock *us, struct pkt *p)
{
    if (us->rxq_tail) {
        p->next = us->rxq_tail->next;
        us->rxq_tail->next = p;
    } else {
        p->next = p;
    }
    us->rxq_tail = p;
    us->inet.sk.rmem_alloc += p->truesize;
}

static inline struct pkt *udp_rxq_pop(struct udp_sock *us)
{
    struct pkt *p = udp_rxq_head(us);
    if (!p)
        return NULL;
    if (p == us->rxq_tail)
        us->rxq_tail = NULL;
    else
        us->rxq_tail->next = p->next;
    p->next = NULL;
    us->inet.sk.rmem_alloc -= p->truesize;
    return p;
}

/* Queue a datagram on a socket, honouring SO_RCVBUF (consumes p). */
void udp_queue_rcv(struct berth_stack *st, struct udp_sock *us, struct pkt *p);

#endif
