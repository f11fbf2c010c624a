/* udp_sock.h — the UDP socket: an inet_sock plus its receive queue. */
#ifndef BERTH_UDP_SOCK_H
#define BERTH_UDP_SOCK_H

#include "socket/inet_sock.h"

struct udp_sock {
    struct inet_sock inet;
    struct pktq rxq; /* datagrams, data at the UDP header */
};

static inline struct udp_sock *udp_sk(struct bsock *so) { return (struct udp_sock *)so; }

/* Queue a datagram on a socket, honouring SO_RCVBUF (consumes p). */
void udp_queue_rcv(struct berth_stack *st, struct udp_sock *us, struct pkt *p);

#endif
