/* inet_sock.h — what every AF_INET socket has: addresses, ports, IP-level
 * options, and its place in its protocol's bind table. Shared by UDP and
 * TCP (af_inet.c holds the shared calls, like Linux's af_inet.c). */
#ifndef BERTH_SOCKET_INET_SOCK_H
#define BERTH_SOCKET_INET_SOCK_H

#include <netinet/in.h>

#include "bind/bind.h"
#include "socket/sock.h"

#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51 /* Linux 6.3; not in older libc headers */
#endif

/* Socket states used by the datagram side (TCP has its own on top). */
enum inet_state { INET_CLOSE = 0, INET_ESTABLISHED = 1, INET_LISTEN = 10 };

struct inet_sock {
    struct bsock sk;
    struct bind_table *table; /* the protocol's port namespace */
    struct bind_node bnode;   /* rcv_saddr + local port live here */
    struct in_addr saddr;     /* source address used when sending */
    struct in_addr daddr;     /* peer (connected sockets) */
    uint16_t dport;           /* peer port, network order */
    uint8_t state;            /* enum inet_state (TCP: its own states) */
    uint8_t tos;
    int16_t uc_ttl;           /* IP_TTL, -1: ip_default_ttl */
    bool freebind : 1, bind_address_no_port : 1, recverr : 1;
    bool pktinfo : 1, recvttl : 1, recvtos : 1; /* control messages on receive */
    bool bindaddr_lock : 1, bindport_lock : 1;  /* explicit bind fixed addr / port */
    uint8_t pmtudisc;                           /* IP_MTU_DISCOVER, WANT by default */
    /* IP_LOCAL_PORT_RANGE: in the socket's rarely-set options (sock_opts) */
    /* AF_INET6 sockets: the bound address lives in bnode.addr6 (with its
     * IPv4 view in bnode.addr) and V6ONLY in bnode.v6only. */
    struct in6_addr v6_saddr; /* np->saddr: source for sending */
    struct in6_addr v6_daddr; /* sk_v6_daddr: peer (v4-mapped for IPv4 peers) */
};

static inline struct inet_sock *inet_sk(struct bsock *so) { return (struct inet_sock *)so; }
static inline uint16_t inet_num(const struct inet_sock *in) { return in->bnode.port; }

void inet_sock_init(struct inet_sock *in, struct bind_table *t);
/* __inet_bind(): validation order, privilege, conflict. */
int inet_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len);
/* Give an unbound socket an ephemeral port (inet_autobind). */
int inet_autobind(struct inet_sock *in);
/* The ephemeral-port request for this socket (range, parity policy). */
void inet_bind_req(const struct inet_sock *in, bool autobind, struct bind_req *req);
void inet_unhash(struct inet_sock *in);
int inet_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, bool peer);
/* AF_INET6 (af_inet6.c): __inet6_bind, inet6_getname, IPPROTO_IPV6 options,
 * and the v4-mapped bookkeeping after an IPv4 connect. */
int inet6_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len);
int inet6_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, bool peer);
int ipv6_setsockopt(struct bsock *so, int name, const void *val, socklen_t len);
int ipv6_getsockopt(struct bsock *so, int name, void *val, socklen_t *len);
void inet6_mapped_connected(struct inet_sock *in);
/* Rewrite a struct sockaddr_in in *ss as the v4-mapped sockaddr_in6. */
void inet6_map_name(struct sockaddr_storage *ss, socklen_t *len);

/* IPPROTO_IP options. */
int ip_setsockopt(struct bsock *so, int name, const void *val, socklen_t len);
int ip_getsockopt(struct bsock *so, int name, void *val, socklen_t *len);
int inet_ttl(const struct inet_sock *in);
/* Copy the receive-side IP control messages the socket asked for
 * (ip_cmsg_recv: IP_PKTINFO, IP_TTL, IP_TOS, in that order). */
void inet_put_cmsgs(struct inet_sock *in, struct msghdr *msg, const struct pkt *p);
/* Refresh the bind-table copy of the owner's flags (SO_REUSEADDR...). */
void inet_sync_node(struct inet_sock *in);

#endif
