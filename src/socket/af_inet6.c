/* af_inet6.c — what AF_INET6 sockets add to af_inet.c: the IPv6 bind rules
 * (Linux's __inet6_bind), names, IPPROTO_IPV6 options, and the dual-stack
 * bookkeeping that lets an IPv6 socket carry IPv4 traffic as ::ffff:a.b.c.d.
 *
 * berth has no IPv6 packet path yet: AF_INET6 sockets bind, take options,
 * and exchange IPv4 datagrams through v4-mapped addresses; native IPv6
 * destinations are unreachable (docs/deviations.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip_route.h"
#include "socket/inet_sock.h"

#define SIN6_LEN_RFC2133 24
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif
/* The IPv4 view of an IPv6-only address: an address no IPv4 socket can be
 * bound to by accident (Linux's LOOPBACK4_IPV6, 127.0.0.6). */
#define LOOPBACK4_IPV6 htonl(0x7f000006)

bool inet6_needs_scope_id(const struct in6_addr *a)
{
    return IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_LINKLOCAL(a) || IN6_IS_ADDR_MC_NODELOCAL(a);
}

static void set_mapped(struct in6_addr *a, struct in_addr v4)
{
    memset(a, 0, sizeof(*a));
    a->s6_addr[10] = a->s6_addr[11] = 0xff;
    memcpy(&a->s6_addr[12], &v4, 4);
}

static struct in_addr mapped_v4(const struct in6_addr *a)
{
    struct in_addr v4;
    memcpy(&v4, &a->s6_addr[12], 4);
    return v4;
}

int inet6_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    struct berth_stack *st = so->st;
    struct sockaddr_in6 sin6;
    if (len < SIN6_LEN_RFC2133)
        return -EINVAL;
    memset(&sin6, 0, sizeof(sin6));
    memcpy(&sin6, sa, len < sizeof(sin6) ? len : sizeof(sin6));
    if (sin6.sin6_family != AF_INET6)
        return -EAFNOSUPPORT;
    const struct in6_addr *a = &sin6.sin6_addr;
    bool mcast = IN6_IS_ADDR_MULTICAST(a), mapped = IN6_IS_ADDR_V4MAPPED(a);
    bool any = IN6_IS_ADDR_UNSPECIFIED(a);
    if (mcast && sock_type(so) == SOCK_STREAM)
        return -EINVAL;
    uint16_t snum = ntohs(sin6.sin6_port);
    struct berth_cred cred;
    stack_cred_current(st, &cred);
    if (snum && snum < st->net.ip_unprivileged_port_start && !cred.cap_net_bind_service)
        return -EACCES;
    if (in->state != INET_CLOSE || inet_num(in))
        return -EINVAL;
    struct in_addr v4 = {0};
    if (mapped) {
        /* Binding a v4-mapped address on a v6-only socket makes no sense. */
        if (in->bnode.v6only)
            return -EINVAL;
        if (sock_bound_if(so) && !berth_netif_by_index(st, sock_bound_if(so)))
            return -ENODEV;
        v4 = mapped_v4(a);
        if (!(st->net.ip_nonlocal_bind || in->freebind || v4.s_addr == INADDR_ANY ||
              ip4_addr_type(st, v4) != IP_ADDR_UNICAST))
            return -EADDRNOTAVAIL;
    } else if (!any) {
        if (inet6_needs_scope_id(a)) {
            if (len >= sizeof(struct sockaddr_in6) && sin6.sin6_scope_id &&
                sock_set_bound_if(so, sin6.sin6_scope_id))
                return -ENOMEM;
            if (!sock_bound_if(so))
                return -EINVAL;
        }
        if (sock_bound_if(so) && !berth_netif_by_index(st, sock_bound_if(so)))
            return -ENODEV;
        v4.s_addr = LOOPBACK4_IPV6;
        if (!mcast && !(in->freebind || st->net.ipv6_ip_nonlocal_bind ||
                        ip6_chk_addr(st, a, sock_bound_if(so))))
            return -EADDRNOTAVAIL;
    }
    struct inet6_info *np = inet6_info(in);
    bool saved_v6only = in->bnode.v6only;
    in->bnode.addr = v4;
    np->rcv_saddr = *a;
    in->saddr = mcast ? (struct in_addr){0} : v4;
    if (!mcast)
        np->saddr = *a;
    /* A specific IPv6 address makes the socket IPv6-only. */
    if (!any && !mapped)
        in->bnode.v6only = true;
    if (snum || !in->bind_address_no_port) {
        inet_sync_node(in);
        struct bind_req req;
        inet_bind_req(in, false, &req);
        if (bind_get_port(st, inet_table(in), &in->bnode, snum, &req)) {
            in->bnode.v6only = saved_v6only;
            in->bnode.addr.s_addr = 0;
            memset(&np->rcv_saddr, 0, sizeof(np->rcv_saddr));
            in->saddr.s_addr = 0;
            memset(&np->saddr, 0, sizeof(np->saddr));
            return -EADDRINUSE;
        }
    }
    /* Only ever set, as __inet_bind's sk_userlocks |= (see af_inet.c). */
    if (!any)
        in->bindaddr_lock = true;
    if (snum)
        in->bindport_lock = true;
    in->daddr.s_addr = 0;
    in->dport = 0;
    return 0;
}

int inet6_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, int peer)
{
    struct inet_sock *in = inet_sk(so);
    const struct inet6_info *np = inet6_info(in);
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    if (peer) {
        /* inet_getname: accept() (peer 2) reports the peer of a
         * connection that is already closed; getpeername() does not. */
        if (!in->dport || (in->state == INET_CLOSE && peer == 1))
            return -ENOTCONN;
        sin6.sin6_port = in->dport;
        sin6.sin6_addr = np->daddr;
    } else {
        sin6.sin6_port = htons(inet_num(in));
        sin6.sin6_addr = IN6_IS_ADDR_UNSPECIFIED(&np->rcv_saddr) ? np->saddr : np->rcv_saddr;
    }
    if (inet6_needs_scope_id(&sin6.sin6_addr))
        sin6.sin6_scope_id = sock_bound_if(so);
    memset(ss, 0, sizeof(*ss));
    memcpy(ss, &sin6, sizeof(sin6));
    *len = sizeof(sin6);
    return 0;
}

void inet6_mapped_connected(struct inet_sock *in)
{
    struct inet6_info *np = inet6_info(in);
    set_mapped(&np->daddr, in->daddr);
    struct in_addr any = {0};
    if (IN6_IS_ADDR_UNSPECIFIED(&np->saddr) ||
        (IN6_IS_ADDR_V4MAPPED(&np->saddr) && !mapped_v4(&np->saddr).s_addr))
        set_mapped(&np->saddr, in->saddr);
    if (IN6_IS_ADDR_UNSPECIFIED(&np->rcv_saddr) ||
        (IN6_IS_ADDR_V4MAPPED(&np->rcv_saddr) && !mapped_v4(&np->rcv_saddr).s_addr))
        set_mapped(&np->rcv_saddr, in->bnode.addr.s_addr ? in->bnode.addr : any);
}

void inet6_forget(struct inet_sock *in, bool peer, bool local)
{
    if (sock_family(&in->sk) != AF_INET6)
        return;
    struct inet6_info *np = inet6_info(in);
    if (peer)
        memset(&np->daddr, 0, sizeof(np->daddr));
    if (local) {
        memset(&np->rcv_saddr, 0, sizeof(np->rcv_saddr));
        memset(&np->saddr, 0, sizeof(np->saddr));
    }
}

void inet6_map_name(struct sockaddr_storage *ss, socklen_t *len)
{
    if (*len != sizeof(struct sockaddr_in))
        return;
    struct sockaddr_in sin;
    memcpy(&sin, ss, sizeof(sin));
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = sin.sin_port;
    set_mapped(&sin6.sin6_addr, sin.sin_addr);
    memcpy(ss, &sin6, sizeof(sin6));
    *len = sizeof(sin6);
}

int ipv6_setsockopt(struct bsock *so, int name, const void *val, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    int v = 0;
    if (len >= sizeof(int) && copy_from_user(&v, val, sizeof(v)))
        return -EFAULT;
    switch (name) {
    case IPV6_V6ONLY:
        if (len < sizeof(int) || inet_num(in))
            return -EINVAL;
        in->bnode.v6only = v != 0;
        return 0;
    case IPV6_FREEBIND: /* the same flag as IP_FREEBIND */
        if (len < sizeof(int))
            return -EINVAL;
        in->freebind = v != 0;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

int ipv6_getsockopt(struct bsock *so, int name, void *val, socklen_t *len)
{
    struct inet_sock *in = inet_sk(so);
    int ulen;
    if (copy_from_user(&ulen, len, sizeof(ulen)))
        return -EFAULT;
    int v;
    switch (name) {
    case IPV6_V6ONLY:
        v = in->bnode.v6only;
        break;
    case IPV6_FREEBIND:
        v = in->freebind;
        break;
    default:
        return -ENOPROTOOPT;
    }
    return sockopt_put_int_unsigned_min(v, val, len);
}
