/* inet_sock.h — what every AF_INET socket has: addresses, ports, IP-level
 * options, and its place in its protocol's bind table. Shared by UDP and
 * TCP (af_inet.c holds the shared calls, like Linux's af_inet.c). */
#ifndef BERTH_SOCKET_INET_SOCK_H
#define BERTH_SOCKET_INET_SOCK_H

#include <netinet/in.h>
#include <stddef.h>

#include "bind/bind.h"
#include "socket/sock.h"

#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51 /* Linux 6.3; not in older libc headers */
#endif

/* Socket states used by the datagram side (TCP has its own on top). */
enum inet_state { INET_CLOSE = 0, INET_ESTABLISHED = 1, INET_LISTEN = 10 };

struct inet_sock {
    struct bsock sk;
    struct bind_node bnode; /* rcv_saddr + local port live here */
    struct in_addr saddr;   /* source address used when sending */
    struct in_addr daddr;   /* peer (connected sockets) */
    uint16_t dport;         /* peer port, network order */
    uint8_t state;          /* enum inet_state (TCP: its own states) */
    uint8_t tos;
    int16_t uc_ttl; /* IP_TTL, -1: ip_default_ttl */
    bool freebind : 1, bind_address_no_port : 1, recverr : 1;
    bool pktinfo : 1, recvttl : 1, recvtos : 1; /* control messages on receive */
    bool bindaddr_lock : 1, bindport_lock : 1;  /* explicit bind fixed addr / port */
    uint8_t pmtudisc : 3;                       /* IP_MTU_DISCOVER, WANT by default */
    /* IP_RECVOPTS / IP_RECVRETOPTS: stored and read back; berth keeps no
     * received IP options, so no IP_OPTIONS / IP_RETOPTS message follows */
    uint8_t recvopts : 1, recvretopts : 1;
    /* IP_LOCAL_PORT_RANGE: in the socket's rarely-set options (sock_opts).
     * The protocol's bind table: inet_table(). AF_INET6 sockets: the IPv6
     * addresses are in their inet6_info, V6ONLY in bnode.v6only. */
};
_Static_assert(sizeof(struct inet_sock) == (sizeof(void *) == 8 ? 80 : 68),
               "struct inet_sock stays 80 bytes (68 with 32-bit pointers)");

/* What an AF_INET6 socket adds (Linux's ipv6_pinfo and sk_v6_* fields): at
 * the end of the object, so AF_INET sockets do not carry it. An AF_INET6
 * ops table's obj_size is INET6_OBJ_SIZE(its socket type). IPPROTO_IPV6
 * options live here (af_inet6.c); the rarely used ones Linux keeps in
 * ipv6_pinfo (sticky options, flow label leases) are not built. */
struct inet6_info {
    struct in6_addr rcv_saddr; /* sk_v6_rcv_saddr: the bound address (the bind node's) */
    struct in6_addr saddr;     /* np->saddr: source for sending */
    struct in6_addr daddr;     /* sk_v6_daddr: peer (v4-mapped for IPv4 peers) */
    int16_t hop_limit;         /* IPV6_UNICAST_HOPS; -1: the route's (net.ipv6.conf hop_limit) */
    uint8_t tclass;            /* IPV6_TCLASS */
    uint8_t mcast_hops;        /* IPV6_MULTICAST_HOPS (1 by default) */
    uint32_t flow_label;       /* np->flow_label: connect()'s sin6_flowinfo with IPV6_FLOWINFO_SEND
                                  (network order, tclass bits included) */
    uint32_t sticky_oif;       /* IPV6_PKTINFO (setsockopt): the interface of sends that name
                                  none (Linux keeps its address too, which UDP and TCP never use) */
    uint16_t frag_size;        /* IPV6_MTU: a cap on the path MTU for sending (0: none); saturated
                                  at 65535, berth's largest MTU, so the cap is exact */
    uint8_t pmtudisc : 3;      /* IPV6_MTU_DISCOVER (IPV6_PMTUDISC_WANT by default) */
    /* receive control messages asked for (np->rxopt) */
    bool rxinfo : 1, rxoinfo : 1, rxhlim : 1, rxohlim : 1, rxtclass : 1, rxflow : 1, rxpmtu : 1;
    bool recverr : 1;    /* IPV6_RECVERR (IPv6 errors; IPv4 ones follow IP_RECVERR) */
    bool dontfrag : 1;   /* IPV6_DONTFRAG */
    bool sndflow : 1;    /* IPV6_FLOWINFO_SEND */
    bool mc_loop : 1;    /* IPV6_MULTICAST_LOOP (1 by default) */
    bool noautoflow : 1; /* IPV6_AUTOFLOWLABEL 0: no flow label computed for unlabelled flows */
};
/* The traffic class and flow label of sin6_flowinfo (include/net/ipv6.h):
 * network order, as np->flow_label keeps it. */
#define IPV6_FLOWINFO_MASK htonl(0x0fffffff)
/* 64 bytes: the IPv6 addresses and options of every AF_INET6 socket (52
 * before the IPv6 data path's options: +12). */
_Static_assert(sizeof(struct inet6_info) == 64, "struct inet6_info stays 64 bytes");
#define INET6_OBJ_SIZE(type) (sizeof(type) + sizeof(struct inet6_info))
/* The bind node's offset to the inet6_info must fit its 10-bit field, and
 * the inet6_info starts aligned (8 bytes with 64-bit pointers, 4 with
 * 32-bit: the offset counts 4-byte units). */
#define INET6_OBJ_FITS(type)                                                                       \
    (sizeof(type) - offsetof(struct inet_sock, bnode) <= BIND_ADDR6_MAX_OFF &&                     \
     sizeof(type) % (sizeof(void *) == 8 ? 8 : 4) == 0)

static inline struct inet_sock *inet_sk(struct bsock *so) { return (struct inet_sock *)so; }
static inline uint16_t inet_num(const struct inet_sock *in) { return in->bnode.port; }
/* AF_INET6 sockets only. */
static inline struct inet6_info *inet6_info(struct inet_sock *in)
{
    return (struct inet6_info *)(void *)((char *)in + so_ops(&in->sk)->obj_size -
                                         sizeof(struct inet6_info));
}
/* The hop limit and traffic class an AF_INET6 socket's IPv6 packets get
 * (ip6_sk_dst_hoplimit: IPV6_UNICAST_HOPS, else net.ipv6.conf's 64). */
static inline uint8_t inet6_hlim(struct inet_sock *in)
{
    int h = inet6_info(in)->hop_limit;
    return (uint8_t)(h < 0 ? 64 : h);
}
static inline uint8_t inet6_tclass(struct inet_sock *in) { return inet6_info(in)->tclass; }
/* The socket that owns a bind node (NULL for a TIME_WAIT entry). */
static inline struct inet_sock *inet_of_node(const struct bind_node *n)
{
    return n->timewait
               ? NULL
               : (struct inet_sock *)(void *)((char *)n - offsetof(struct inet_sock, bnode));
}
static inline struct bsock *inet_node_sock(const struct bind_node *n)
{
    struct inet_sock *in = inet_of_node(n);
    return in ? &in->sk : NULL;
}
/* The protocol's port namespace (st->udp_bind or st->tcp_bind). */
struct bind_table *inet_table(const struct inet_sock *in);

void inet_sock_init(struct inet_sock *in);
/* __inet_bind(): validation order, privilege, conflict. */
int inet_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len);
/* Give an unbound socket an ephemeral port (inet_autobind). */
int inet_autobind(struct inet_sock *in);
/* The ephemeral-port request for this socket (range, parity policy). */
void inet_bind_req(const struct inet_sock *in, bool autobind, struct bind_req *req);
void inet_unhash(struct inet_sock *in);
int inet_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, int peer);
/* AF_INET6 (af_inet6.c): the IPv6 defaults (inet6_create), __inet6_bind, inet6_getname,
 * IPPROTO_IPV6 options, and the v4-mapped bookkeeping after an IPv4 connect. */
int inet6_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len);
int ipv6_setsockopt(struct bsock *so, int name, const void *val, socklen_t len);
int ipv6_getsockopt(struct bsock *so, int name, void *val, socklen_t *len);
#if BERTH_WITH_IPV6
void inet6_sock_init(struct inet_sock *in);
int inet6_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, int peer);
void inet6_mapped_connected(struct inet_sock *in);
/* tcp_v6_connect after tcp_v4_connect succeeded: the IPv6 views of the
 * source and bound address are the IPv4 ones, whatever they held (UDP's
 * inet6_mapped_connected fills only empty ones). */
void inet6_mapped_set(struct inet_sock *in);
/* __ipv6_addr_needs_scope_id(): link-local unicast and link/node-local
 * multicast need an interface (a scope id or a bound device). */
bool inet6_needs_scope_id(const struct in6_addr *a);
/* The receive-side control messages of an AF_INET6 socket (udpv6_recvmsg):
 * IPV6_PKTINFO for either family, then the IP_* ones for IPv4 or IPV6_HOPLIMIT,
 * IPV6_TCLASS, IPV6_FLOWINFO, IPV6_2292PKTINFO, IPV6_2292HOPLIMIT for IPv6. */
void inet6_put_cmsgs(struct inet_sock *in, struct msghdr *msg, const struct pkt *p);
/* What a send's IPv6 control messages ask (Linux's ipcm6_cookie and the
 * flow fields ip6_datagram_send_ctl fills). */
struct inet6_cmsg {
    int hlimit;            /* IPV6_HOPLIMIT; -1: the socket's */
    int tclass;            /* IPV6_TCLASS; starts as the socket's */
    int dontfrag;          /* IPV6_DONTFRAG; starts as the socket's */
    unsigned oif;          /* the interface: scope id / bound device, or IPV6_PKTINFO's */
    uint32_t flowlabel;    /* IPV6_FLOWINFO (network order) */
    struct in6_addr saddr; /* IPV6_PKTINFO's source, when saddr_set */
    bool saddr_set;
};
void inet6_cmsg_init(struct inet_sock *in, struct inet6_cmsg *c, unsigned oif);
/* Parse msg's control messages (ip6_datagram_send_ctl). 0 or -errno. */
int inet6_cmsg_send(struct inet_sock *in, const struct msghdr *msg, struct inet6_cmsg *c);
/* Disconnect: an AF_INET6 socket forgets its IPv6 peer and, with `local`,
 * its bound and source IPv6 addresses. Nothing for AF_INET. */
void inet6_forget(struct inet_sock *in, bool peer, bool local);
#else /* no AF_INET6 sockets (BERTH_WITH_IPV6=OFF): nothing to do */
static inline void inet6_sock_init(struct inet_sock *in) { (void)in; }
static inline int inet6_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len,
                                int peer)
{
    return inet_getname(so, ss, len, peer);
}
static inline void inet6_mapped_connected(struct inet_sock *in) { (void)in; }
static inline void inet6_mapped_set(struct inet_sock *in) { (void)in; }
static inline void inet6_forget(struct inet_sock *in, bool peer, bool local)
{
    (void)in;
    (void)peer;
    (void)local;
}
#endif
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
