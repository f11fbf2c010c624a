/* udp_sock.h — the UDP socket: an inet_sock plus its receive queue. */
#ifndef BERTH_UDP_SOCK_H
#define BERTH_UDP_SOCK_H

#include "socket/inet_sock.h"

/* The receive queue in 12 bytes: a circular list through pkt->next known
 * by its tail (tail->next is the head), and the truesize it holds (what
 * SO_RCVBUF limits). */
struct udp_rxq {
    struct pkt *tail;
    uint32_t bytes;
};

static inline struct pkt *udp_rxq_head(const struct udp_rxq *q)
{
    return q->tail ? q->tail->next : NULL;
}

static inline void udp_rxq_push(struct udp_rxq *q, struct pkt *p)
{
    if (q->tail) {
        p->next = q->tail->next;
        q->tail->next = p;
    } else {
        p->next = p;
    }
    q->tail = p;
    q->bytes += p->truesize;
}

static inline struct pkt *udp_rxq_pop(struct udp_rxq *q)
{
    struct pkt *p = udp_rxq_head(q);
    if (!p)
        return NULL;
    if (p == q->tail)
        q->tail = NULL;
    else
        q->tail->next = p->next;
    p->next = NULL;
    q->bytes -= p->truesize;
    return p;
}

struct udp_sock {
    struct inet_sock inet;
    struct udp_rxq rxq; /* datagrams, data at the UDP header */
};
_Static_assert(sizeof(struct udp_sock) == 104, "an AF_INET UDP socket stays 104 bytes");

static inline struct udp_sock *udp_sk(struct bsock *so) { return (struct udp_sock *)so; }

/* Queue a datagram on a socket, honouring SO_RCVBUF (consumes p). */
void udp_queue_rcv(struct berth_stack *st, struct udp_sock *us, struct pkt *p);

#endif
