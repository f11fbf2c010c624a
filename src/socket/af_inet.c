/* af_inet.c — calls shared by every AF_INET socket (Linux's af_inet.c and
 * ip_sockglue.c): bind, autobind, getsockname/getpeername, IP options. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip_route.h"
#include "ping/ping_sock.h"
#include "socket/inet_sock.h"
#include "socket/sock_registry.h"

void inet_sock_init(struct inet_sock *in)
{
    if (sock_family(&in->sk) == AF_INET6)
        inet6_sock_init(in);
    in->uc_ttl = -1;
    in->state = INET_CLOSE;
    in->pmtudisc = IP_PMTUDISC_WANT;
}

struct bind_table *inet_table(const struct inet_sock *in)
{
    struct berth_stack *st = in->sk.st;
    switch (in->sk.protocol) {
    case IPPROTO_TCP:
        return st->tcp_bind;
    case IPPROTO_ICMP: /* ping sockets: echo identifiers */
    case IPPROTO_ICMPV6:
        return st->ping_bind;
    default:
        return st->udp_bind;
    }
}

void inet_sync_node(struct inet_sock *in)
{
    struct bsock *so = &in->sk;
    bind_set_flags(inet_table(in), &in->bnode, so->reuseaddr, so->reuseport, so->uid,
                   sock_bound_if(so));
}

int inet_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    struct berth_stack *st = so->st;
    struct sockaddr_in sin;
    if (len < sizeof(sin))
        return -EINVAL;
    memcpy(&sin, sa, sizeof(sin));
    if (sin.sin_family != AF_INET) {
        /* Compatibility: AF_UNSPEC is accepted when the address is ANY. */
        if (sin.sin_family != AF_UNSPEC || sin.sin_addr.s_addr != htonl(INADDR_ANY))
            return -EAFNOSUPPORT;
    }
    enum ip_addr_type type = ip4_addr_type(st, sin.sin_addr);
    if (!(st->net.ip_nonlocal_bind || in->freebind || sin.sin_addr.s_addr == INADDR_ANY ||
          type != IP_ADDR_UNICAST))
        return -EADDRNOTAVAIL;
    uint16_t snum = ntohs(sin.sin_port);
    /* Linux asks whether the *calling* task holds CAP_NET_BIND_SERVICE. */
    struct berth_cred cred;
    stack_cred_current(st, &cred);
    if (snum && snum < st->net.ip_unprivileged_port_start && !cred.cap_net_bind_service)
        return -EACCES;
    if (in->state != INET_CLOSE || inet_num(in))
        return -EINVAL;
    in->bnode.addr = sin.sin_addr;
    in->saddr = type >= IP_ADDR_BROADCAST ? (struct in_addr){0} : sin.sin_addr;
    if (snum || !in->bind_address_no_port) {
        inet_sync_node(in);
        struct bind_req req;
        inet_bind_req(in, false, &req);
        int rc = bind_get_port(st, inet_table(in), &in->bnode, snum, &req);
        if (rc) {
            in->bnode.addr.s_addr = 0;
            in->saddr.s_addr = 0;
            return -EADDRINUSE;
        }
    }
    /* SOCK_BINDADDR_LOCK / SOCK_BINDPORT_LOCK are only ever set (sk_userlocks
     * |=): a socket bound to an address once keeps its later source address
     * across a disconnect even after a wildcard bind. */
    if (in->bnode.addr.s_addr)
        in->bindaddr_lock = true;
    if (snum)
        in->bindport_lock = true;
    in->daddr.s_addr = 0;
    in->dport = 0;
    return 0;
}

void inet_bind_req(const struct inet_sock *in, bool autobind, struct bind_req *req)
{
    const struct berth_net_cfg *n = &in->sk.st->net;
    req->lo = n->ip_local_port_range[0];
    req->hi = n->ip_local_port_range[1];
    /* IP_LOCAL_PORT_RANGE narrows the stack's range when the two overlap
     * (inet_sk_get_local_port_range). */
    const struct sock_opts *o = sock_opt(&in->sk);
    if (o->port_range_lo || o->port_range_hi) {
        unsigned lo = o->port_range_lo ? o->port_range_lo : req->lo;
        unsigned hi = o->port_range_hi ? o->port_range_hi : req->hi;
        if (lo < req->lo)
            lo = req->lo;
        if (hi > req->hi)
            hi = req->hi;
        if (lo <= hi) {
            req->lo = lo;
            req->hi = hi;
        }
    }
    bool tcp = in->sk.protocol == IPPROTO_TCP;
    req->kind = tcp && !autobind ? BIND_EPH_TCP_BIND : BIND_EPH_ANY;
    req->reuse_halves = tcp && in->sk.reuseaddr;
}

int inet_autobind(struct inet_sock *in)
{
    if (inet_num(in))
        return 0;
    /* sk_prot->get_port: a ping socket picks an echo identifier */
    if (in->sk.protocol == IPPROTO_ICMP || in->sk.protocol == IPPROTO_ICMPV6)
        return ping_get_port(in, 0) ? -EAGAIN : 0;
    inet_sync_node(in);
    struct bind_req req;
    inet_bind_req(in, true, &req);
    return bind_get_port(in->sk.st, inet_table(in), &in->bnode, 0, &req) ? -EAGAIN : 0;
}

void inet_unhash(struct inet_sock *in) { bind_put_port(in->sk.st, inet_table(in), &in->bnode); }

int inet_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, int peer)
{
    struct inet_sock *in = inet_sk(so);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    if (peer) {
        /* inet_getname: accept() (peer 2) reports the peer of a
         * connection that is already closed; getpeername() does not. */
        if (!in->dport || (in->state == INET_CLOSE && peer == 1))
            return -ENOTCONN;
        sin.sin_port = in->dport;
        sin.sin_addr = in->daddr;
    } else {
        sin.sin_port = htons(inet_num(in));
        sin.sin_addr = in->bnode.addr.s_addr ? in->bnode.addr : in->saddr;
    }
    memset(ss, 0, sizeof(*ss));
    memcpy(ss, &sin, sizeof(sin));
    *len = sizeof(sin);
    return 0;
}
const struct sock_name_ops inet_name_ops = {inet_getname}; /* udp4's (sock.h) */

int inet_ttl(const struct inet_sock *in)
{
    return in->uc_ttl < 0 ? in->sk.st->net.ip_default_ttl : in->uc_ttl;
}

int ip_setsockopt(struct bsock *so, int name, const void *val, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    int v = 0;
    /* do_ip_setsockopt: int-sized options accept an int or a single byte. */
    switch (name) {
    case IP_TTL:
    case IP_TOS:
    case IP_FREEBIND:
    case IP_BIND_ADDRESS_NO_PORT:
    case IP_RECVERR:
    case IP_PKTINFO:
    case IP_RECVTTL:
    case IP_RECVTOS:
    case IP_RECVOPTS:
    case IP_RETOPTS: /* == IP_RECVRETOPTS */
    case IP_MTU_DISCOVER:
    case IP_LOCAL_PORT_RANGE:
    case IP_MINTTL:
        if (len >= sizeof(int)) {
            if (copy_from_user(&v, val, sizeof(v)))
                return -EFAULT;
        } else if (len >= 1) {
            unsigned char c;
            if (copy_from_user(&c, val, 1))
                return -EFAULT;
            v = c;
        }
        break;
    default:
        return -ENOPROTOOPT;
    }
    switch (name) {
    case IP_TTL:
        if (len < 1)
            return -EINVAL;
        if (v != -1 && (v < 1 || v > 255))
            return -EINVAL;
        in->uc_ttl = v;
        return 0;
    case IP_TOS:
        if (sock_type(so) == SOCK_STREAM) {
            v &= ~3; /* ECN bits belong to TCP */
            v |= in->tos & 3;
        }
        in->tos = (uint8_t)v;
        return 0;
    case IP_FREEBIND:
        if (len < 1)
            return -EINVAL;
        in->freebind = v != 0;
        return 0;
    case IP_BIND_ADDRESS_NO_PORT:
        in->bind_address_no_port = v != 0;
        return 0;
    case IP_RECVERR:
        in->recverr = v != 0;
        return 0;
    case IP_PKTINFO:
        in->pktinfo = v != 0;
        return 0;
    case IP_RECVTTL:
        in->recvttl = v != 0;
        return 0;
    case IP_RECVTOS:
        in->recvtos = v != 0;
        return 0;
    case IP_RECVOPTS:
        in->recvopts = v != 0;
        return 0;
    case IP_RETOPTS: /* == IP_RECVRETOPTS */
        in->recvretopts = v != 0;
        return 0;
    case IP_MTU_DISCOVER:
        if (v < IP_PMTUDISC_DONT || v > IP_PMTUDISC_OMIT)
            return -EINVAL;
        in->pmtudisc = (uint8_t)v;
        return 0;
    case IP_MINTTL: {
        /* any socket type; only TCP acts on it (tcp_v4_rcv) */
        if (len < 1 || v < 0 || v > 255)
            return -EINVAL;
        if (!v && !so->has_opt)
            return 0;
        struct sock_opts *o = sock_opt_w(so);
        if (!o)
            return -ENOMEM;
        o->min_ttl = (uint8_t)v;
        return 0;
    }
    case IP_LOCAL_PORT_RANGE: {
        /* u32: high 16 bits the upper bound, low 16 the lower; a reversed
         * pair is EINVAL (do_ip_setsockopt). */
        if (len != sizeof(uint32_t))
            return -EINVAL;
        uint16_t lo = (uint16_t)((uint32_t)v & 0xffff), hi = (uint16_t)((uint32_t)v >> 16);
        if (lo && hi && lo > hi)
            return -EINVAL;
        if (!so->has_opt && !lo && !hi)
            return 0;
        struct sock_opts *o = sock_opt_w(so);
        if (!o)
            return -ENOMEM;
        o->port_range_lo = lo;
        o->port_range_hi = hi;
        return 0;
    }
    }
    return -ENOPROTOOPT;
}

int ip_getsockopt(struct bsock *so, int name, void *val, socklen_t *len)
{
    struct inet_sock *in = inet_sk(so);
    int ulen;
    if (copy_from_user(&ulen, len, sizeof(ulen)))
        return -EFAULT;
    if (ulen < 0)
        return -EINVAL;
    int v;
    switch (name) {
    case IP_TTL:
        v = inet_ttl(in);
        break;
    case IP_TOS:
        v = in->tos;
        break;
    case IP_FREEBIND:
        v = in->freebind;
        break;
    case IP_BIND_ADDRESS_NO_PORT:
        v = in->bind_address_no_port;
        break;
    case IP_RECVERR:
        v = in->recverr;
        break;
    case IP_PKTINFO:
        v = in->pktinfo;
        break;
    case IP_RECVTTL:
        v = in->recvttl;
        break;
    case IP_RECVTOS:
        v = in->recvtos;
        break;
    case IP_RECVOPTS:
        v = in->recvopts;
        break;
    case IP_RETOPTS: /* == IP_RECVRETOPTS */
        v = in->recvretopts;
        break;
    case IP_MTU_DISCOVER:
        v = in->pmtudisc;
        break;
    case IP_MTU: {
        /* do_ip_getsockopt: the MTU of the socket's route (dst_mtu, at
         * most IP_MAX_MTU 65535 even on lo), so only with a peer:
         * ENOTCONN otherwise. */
        unsigned mtu =
            in->daddr.s_addr ? ip4_route_mtu(so->st, in->daddr, (struct in_addr){INADDR_ANY}) : 0;
        if (!mtu)
            return -ENOTCONN;
        v = mtu > 65535 ? 65535 : (int)mtu;
        break;
    }
    case IP_MINTTL:
        v = sock_opt(so)->min_ttl;
        break;
    case IP_LOCAL_PORT_RANGE:
        v = (int)(((uint32_t)sock_opt(so)->port_range_hi << 16) | sock_opt(so)->port_range_lo);
        break;
    default:
        return -ENOPROTOOPT;
    }
    /* Linux returns a single byte when asked for less than an int and the
     * value fits. */
    if (ulen < (int)sizeof(int) && ulen > 0 && v >= 0 && v <= 255) {
        unsigned char c = (unsigned char)v;
        socklen_t one = 1;
        if (copy_to_user(val, &c, 1))
            return -EFAULT;
        return copy_to_user(len, &one, sizeof(one));
    }
    return sockopt_put_int(v, val, len);
}

void inet_put_cmsgs(struct inet_sock *in, struct msghdr *msg, const struct pkt *p)
{
    if (in->pktinfo) {
        struct in_pktinfo pi = {.ipi_ifindex = p->ifp ? (int)berth_netif_index(p->ifp) : 0,
                                .ipi_spec_dst = pkt_dst4(p),
                                .ipi_addr = pkt_dst4(p)};
        put_cmsg(msg, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
    }
    if (in->recvttl) {
        int ttl = p->ttl;
        put_cmsg(msg, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
    }
    if (in->recvtos) {
        uint8_t tos = p->tos;
        put_cmsg(msg, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
    }
}
