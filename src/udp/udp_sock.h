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
    /* The flow of an IPv6 datagram (p->dst native IPv6; p->ttl its hop
     * limit, p->tos its traffic class): Linux's v6_cork and cork.fl. */
    bool dontfrag;
    unsigned oif;       /* interface asked for (scope id, bound device, IPV6_PKTINFO) */
    uint32_t flowlabel; /* network order */
    uint32_t max;       /* the largest the whole datagram (UDP header included) may grow */
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

/* ---- shared by the AF_INET (udp_sock.c) and AF_INET6 (udp6_sock.c) ops ---- */
int udp_resolve_protocol(int protocol);
int udp_init(struct bsock *so);
void udp_release(struct bsock *so);
/* inet_dgram_connect's part before the family's: 1 to go on, else the
 * call's result (AF_UNSPEC disconnects; autobind). */
int dgram_connect_begin(struct inet_sock *in, const struct sockaddr *sa, socklen_t len);
int udp4_connect(struct inet_sock *in, const struct sockaddr *sa, socklen_t len);
/* What a send's control messages ask of IPv4 (Linux's ipcm_cookie). */
struct ipcm4 {
    int ttl, tos;        /* 0 / -1: the socket's */
    unsigned oif;        /* IP_PKTINFO's interface (0: none) */
    struct in_addr addr; /* IP_PKTINFO's ipi_spec_dst: the source */
};

/* ip_cmsg_send (udp_sock.c): IP_TTL, IP_TOS, IP_PKTINFO (and for an
 * AF_INET6 socket, allow_ipv6, IPV6_PKTINFO with a v4-mapped source). */
int ip4_cmsg_send(const struct msghdr *msg, bool allow_ipv6, struct ipcm4 *c);
/* The IPv4 send path's checks after the destination (udp_sendmsg,
 * ping_v4_sendmsg): the control messages (cmsg NULL: none), then the
 * source they name (EINVAL multicast/broadcast, ENETUNREACH not ours) and
 * its interface (ENODEV). *saddr: that source, else the socket's. */
int ip4_send_cmsgs(struct inet_sock *in, const struct msghdr *msg,
                   int (*cmsg)(const struct msghdr *, bool, struct ipcm4 *), struct ipcm4 *c,
                   struct in_addr *saddr);
ssize_t udp_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags);
ssize_t udp_recvmsg(struct bsock *so, struct msghdr *msg, int flags);
int udp_shutdown(struct bsock *so, int how);
unsigned udp_poll(struct bsock *so);
int udp_ioctl(struct bsock *so, unsigned long req, void *arg);
int udp_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len);
int udp_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len);
/* Corking (up->pending): a datagram is pending; of which family. */
bool udp_pending(const struct udp_sock *us);
static inline bool udp_pending_v4(const struct udp_sock *us)
{
    return inet_addr_is_v4(&us->cork->p->dst);
}
struct udp_cork *udp_cork_get(struct udp_sock *us);
void udp_cork_flush(struct udp_sock *us);
ssize_t udp_cork_append(struct udp_sock *us, const struct msghdr *msg, size_t total, bool more);
/* Send the pending datagram (udp_push_pending_frames / udp_v6_...). */
int udp_push_pending(struct udp_sock *us);
#if BERTH_WITH_IPV6
int udp6_push_pending(struct udp_sock *us);
/* inet_dgram_connect + __ip6_datagram_connect (ping6.c connects so too) */
int udp6_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len);
/* recvmsg's name of an AF_INET6 socket: sockaddr_in6, the IPv4 source
 * v4-mapped, a link-local IPv6 one with its interface as scope id. */
void udp6_put_name(struct msghdr *msg, const struct pkt *p);
#endif

/* Wait for the first queued datagram (*out, still queued): 1; else a
 * pending error, -EAGAIN, 0 after SHUT_RD or the wait's error. */
int udp_recv_wait(struct bsock *so, int flags, struct pkt **out);

#endif
