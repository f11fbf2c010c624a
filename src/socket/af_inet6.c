/* af_inet6.c — what AF_INET6 sockets add to af_inet.c: the IPv6 bind rules
 * (Linux's __inet6_bind), names, IPPROTO_IPV6 options, and the dual-stack
 * bookkeeping that lets an IPv6 socket carry IPv4 traffic as ::ffff:a.b.c.d,
 * and the IPv6 control messages of datagram sockets (Linux's datagram.c:
 * ip6_datagram_recv_*_ctl, ip6_datagram_send_ctl). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "ip/ip_route.h"
#include "socket/inet_sock.h"
#include "socket/sock_registry.h"

#define SIN6_LEN_RFC2133 24
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif
/* <linux/in6.h> values glibc's <netinet/in.h> does not define. */
#ifndef IPV6_FLOWINFO
#define IPV6_FLOWINFO 11
#endif
#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33
#endif
#ifndef IPV6_AUTOFLOWLABEL
#define IPV6_AUTOFLOWLABEL 70
#endif
/* The IPv4 view of an IPv6-only address: an address no IPv4 socket can be
 * bound to by accident (Linux's LOOPBACK4_IPV6, 127.0.0.6). */
#define LOOPBACK4_IPV6 htonl(0x7f000006)

/* inet6_create / inet6_sk defaults: IPV6_V6ONLY from net.ipv6.bindv6only,
 * hop limit from the route, one multicast hop, multicast loopback on,
 * path MTU discovery WANT. */
void inet6_sock_init(struct inet_sock *in)
{
    struct inet6_info *np = inet6_info(in);
    bind_node_set_addr6(&in->bnode, &np->rcv_saddr);
    in->bnode.v6only = in->sk.st->net.ipv6_bindv6only;
    np->hop_limit = -1;
    np->mcast_hops = 1; /* IPV6_DEFAULT_MCASTHOPS */
    np->mc_loop = true;
    np->pmtudisc = IPV6_PMTUDISC_WANT;
}

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
        if (np->sndflow)
            sin6.sin6_flowinfo = np->flow_label;
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
const struct sock_name_ops inet6_name_ops = {inet6_getname}; /* udp6's (sock.h) */

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

void inet6_mapped_set(struct inet_sock *in)
{
    struct inet6_info *np = inet6_info(in);
    set_mapped(&np->daddr, in->daddr);
    set_mapped(&np->saddr, in->saddr);
    set_mapped(&np->rcv_saddr, in->bnode.addr);
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

/* do_ipv6_setsockopt: an int is read when optlen holds one (else 0), and
 * most options then insist on a whole int (EINVAL). */
int ipv6_setsockopt(struct bsock *so, int name, const void *val, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    struct inet6_info *np = inet6_info(in);
    int v = 0;
    /* a NULL value reads as 0 (sockptr_is_null) */
    if (val && len >= sizeof(int) && copy_from_user(&v, val, sizeof(v)))
        return -EFAULT;
    bool b = v != 0, whole = len >= sizeof(int);
    switch (name) {
    case IPV6_V6ONLY:
        if (!whole || inet_num(in))
            return -EINVAL;
        in->bnode.v6only = b;
        return 0;
    case IPV6_FREEBIND: /* the same flag as IP_FREEBIND */
        if (!whole)
            return -EINVAL;
        in->freebind = b;
        return 0;
    case IPV6_RECVPKTINFO:
    case IPV6_2292PKTINFO:
    case IPV6_RECVHOPLIMIT:
    case IPV6_2292HOPLIMIT:
    case IPV6_RECVTCLASS:
    case IPV6_FLOWINFO:
    case IPV6_RECVPATHMTU:
    case IPV6_RECVERR:
    case IPV6_FLOWINFO_SEND:
        if (!whole)
            return -EINVAL;
        switch (name) {
        case IPV6_RECVPKTINFO:
            np->rxinfo = b;
            break;
        case IPV6_2292PKTINFO:
            np->rxoinfo = b;
            break;
        case IPV6_RECVHOPLIMIT:
            np->rxhlim = b;
            break;
        case IPV6_2292HOPLIMIT:
            np->rxohlim = b;
            break;
        case IPV6_RECVTCLASS:
            np->rxtclass = b;
            break;
        case IPV6_FLOWINFO:
            np->rxflow = b;
            break;
        case IPV6_RECVPATHMTU:
            np->rxpmtu = b; /* stored: no IPV6_PATHMTU notices are queued (deviations.md) */
            break;
        case IPV6_RECVERR:
            np->recverr = b; /* no error queue to purge (deviations.md) */
            break;
        default:
            np->sndflow = b;
            break;
        }
        return 0;
    case IPV6_TCLASS:
        if (!whole || v < -1 || v > 0xff)
            return -EINVAL;
        if (v == -1)
            v = 0; /* RFC 3542 6.5: the default traffic class */
        if (sock_type(so) == SOCK_STREAM) {
            v &= ~3; /* the ECN bits belong to TCP */
            v |= np->tclass & 3;
        }
        np->tclass = (uint8_t)v;
        return 0;
    case IPV6_UNICAST_HOPS:
        if (!whole || v < -1 || v > 255)
            return -EINVAL;
        np->hop_limit = (int16_t)v;
        return 0;
    case IPV6_MULTICAST_HOPS:
        if (sock_type(so) == SOCK_STREAM)
            return -ENOPROTOOPT;
        if (!whole || v < -1 || v > 255)
            return -EINVAL;
        np->mcast_hops = (uint8_t)(v == -1 ? 1 : v);
        return 0;
    case IPV6_MULTICAST_LOOP:
        if (!whole || (v != 0 && v != 1))
            return -EINVAL;
        np->mc_loop = b;
        return 0;
    case IPV6_MTU_DISCOVER:
        if (!whole || v < IPV6_PMTUDISC_DONT || v > IPV6_PMTUDISC_OMIT)
            return -EINVAL;
        np->pmtudisc = (uint8_t)v;
        return 0;
    case IPV6_MTU:
        if (!whole || (v && v < IP6_MIN_MTU))
            return -EINVAL;
        np->frag_size = (uint16_t)(v > 65535 ? 65535 : v);
        return 0;
    case IPV6_MINHOPCOUNT: {
        /* any socket type; only TCP acts on it (tcp_v6_rcv) */
        if (!whole || v < 0 || v > 255)
            return -EINVAL;
        if (!v && !so->has_opt)
            return 0;
        struct sock_opts *o = sock_opt_w(so);
        if (!o)
            return -ENOMEM;
        o->min_hopcount = (uint8_t)v;
        return 0;
    }
    case IPV6_DONTFRAG: /* no length check in Linux: a short value clears it */
        np->dontfrag = b;
        return 0;
    case IPV6_AUTOFLOWLABEL: /* no length check either */
        np->noautoflow = !b;
        return 0;
    case IPV6_PKTINFO: {
        /* The sticky IPV6_PKTINFO: a whole in6_pktinfo whose interface is
         * the bound device's when there is one (sk_dev_equal_l3scope);
         * whether it exists is only found out by the sends. */
        struct in6_pktinfo pi;
        if (!val || len < sizeof(pi))
            return -EINVAL;
        if (copy_from_user(&pi, val, sizeof(pi)))
            return -EFAULT;
        if (sock_bound_if(so) && sock_bound_if(so) != pi.ipi6_ifindex)
            return -EINVAL;
        np->sticky_oif = pi.ipi6_ifindex;
        return 0;
    }
    default:
        return -ENOPROTOOPT;
    }
}

/* IPV6_MTU: the MTU of the connected socket's route (dst_mtu; Linux caps an
 * IPv4 route at 65535, an IPv6 one at 65535 + 40), ENOTCONN without one. */
static int connected_mtu(struct inet_sock *in)
{
    struct inet6_info *np = inet6_info(in);
    struct berth_stack *st = in->sk.st;
    if (in->state != INET_ESTABLISHED)
        return -ENOTCONN;
    if (IN6_IS_ADDR_V4MAPPED(&np->daddr)) {
        unsigned mtu = ip4_route_mtu(st, in->daddr, (struct in_addr){INADDR_ANY});
        return !mtu ? -ENOTCONN : mtu > 65535 ? 65535 : (int)mtu;
    }
    struct ip6_route_res res;
    unsigned oif = sock_bound_if(&in->sk) ? sock_bound_if(&in->sk) : np->sticky_oif;
    if (ip6_route_source(st, &np->daddr, &np->saddr, oif, &res) || !res.mtu)
        return -ENOTCONN;
    return res.mtu > 65575 ? 65575 : (int)res.mtu;
}

/* do_ipv6_getsockopt: every value is an int, truncated to the caller's
 * length (taken as unsigned, so a negative one reads a whole int). */
int ipv6_getsockopt(struct bsock *so, int name, void *val, socklen_t *len)
{
    struct inet_sock *in = inet_sk(so);
    struct inet6_info *np = inet6_info(in);
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
    case IPV6_RECVPKTINFO:
        v = np->rxinfo;
        break;
    case IPV6_2292PKTINFO:
        v = np->rxoinfo;
        break;
    case IPV6_RECVHOPLIMIT:
        v = np->rxhlim;
        break;
    case IPV6_2292HOPLIMIT:
        v = np->rxohlim;
        break;
    case IPV6_RECVTCLASS:
        v = np->rxtclass;
        break;
    case IPV6_FLOWINFO:
        v = np->rxflow;
        break;
    case IPV6_RECVPATHMTU:
        v = np->rxpmtu;
        break;
    case IPV6_RECVERR:
        v = np->recverr;
        break;
    case IPV6_FLOWINFO_SEND:
        v = np->sndflow;
        break;
    case IPV6_TCLASS:
        v = np->tclass;
        break;
    case IPV6_UNICAST_HOPS:
        v = inet6_hlim(in); /* -1 reads as the route's (64) */
        break;
    case IPV6_MULTICAST_HOPS:
        v = np->mcast_hops;
        break;
    case IPV6_MULTICAST_LOOP:
        v = np->mc_loop;
        break;
    case IPV6_MTU_DISCOVER:
        v = np->pmtudisc;
        break;
    case IPV6_DONTFRAG:
        v = np->dontfrag;
        break;
    case IPV6_AUTOFLOWLABEL: /* net.ipv6.auto_flowlabels 1: on unless turned off */
        v = !np->noautoflow;
        break;
    case IPV6_MINHOPCOUNT:
        v = sock_opt(so)->min_hopcount;
        break;
    case IPV6_MTU:
        v = connected_mtu(in);
        if (v < 0)
            return v;
        break;
    default:
        return -ENOPROTOOPT;
    }
    return sockopt_put_int_unsigned_min(v, val, len);
}

/* ---- control messages (Linux's net/ipv6/datagram.c) ---- */

void inet6_put_cmsgs(struct inet_sock *in, struct msghdr *msg, const struct pkt *p)
{
    struct inet6_info *np = inet6_info(in);
    int ifindex = p->ifp ? (int)berth_netif_index(p->ifp) : 0;
    /* ip6_datagram_recv_common_ctl: IPV6_PKTINFO for both families (an
     * IPv4 destination v4-mapped, as p->dst holds it). */
    if (np->rxinfo) {
        struct in6_pktinfo pi = {.ipi6_addr = p->dst.in6, .ipi6_ifindex = (unsigned)ifindex};
        put_cmsg(msg, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
    }
    if (!pkt_is_v6(p)) {
        inet_put_cmsgs(in, msg, p); /* IPv4: the IP_* ones (ip_cmsg_recv) */
        return;
    }
    /* ip6_datagram_recv_specific_ctl, in its order */
    if (np->rxhlim) {
        int hlim = p->ttl;
        put_cmsg(msg, IPPROTO_IPV6, IPV6_HOPLIMIT, &hlim, sizeof(hlim));
    }
    if (np->rxtclass) {
        int tclass = p->tos;
        put_cmsg(msg, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof(tclass));
    }
    if (np->rxflow) {
        uint32_t vtf;
        memcpy(&vtf, p->nh, sizeof(vtf));
        uint32_t flowinfo = vtf & IPV6_FLOWINFO_MASK;
        if (flowinfo) /* only a non-zero one */
            put_cmsg(msg, IPPROTO_IPV6, IPV6_FLOWINFO, &flowinfo, sizeof(flowinfo));
    }
    if (np->rxoinfo) {
        struct in6_pktinfo pi = {.ipi6_addr = p->dst.in6, .ipi6_ifindex = (unsigned)ifindex};
        put_cmsg(msg, IPPROTO_IPV6, IPV6_2292PKTINFO, &pi, sizeof(pi));
    }
    if (np->rxohlim) {
        int hlim = p->ttl;
        put_cmsg(msg, IPPROTO_IPV6, IPV6_2292HOPLIMIT, &hlim, sizeof(hlim));
    }
}

void inet6_cmsg_init(struct inet_sock *in, struct inet6_cmsg *c, unsigned oif)
{
    struct inet6_info *np = inet6_info(in);
    memset(c, 0, sizeof(*c));
    c->hlimit = -1;
    c->tclass = np->tclass;
    c->dontfrag = np->dontfrag;
    c->oif = oif;
}

/* IPV6_PKTINFO on send (ip6_datagram_send_ctl): an interface (it must
 * agree with one already chosen unless that was only the bound device's,
 * and exist) and a source address (local unless non-local binding is
 * allowed; a link-local one needs an interface). */
static int cmsg_pktinfo(struct inet_sock *in, const struct in6_pktinfo *pi, struct inet6_cmsg *c)
{
    struct berth_stack *st = in->sk.st;
    unsigned idx = pi->ipi6_ifindex;
    if (idx) {
        /* An interface chosen already (scope id, bound device) must be
         * this one (sk_dev_equal_l3scope without VRFs). */
        if (c->oif && idx != c->oif)
            return -EINVAL;
        c->oif = idx;
    }
    if (c->oif) {
        if (!berth_netif_by_index(st, c->oif))
            return -ENODEV;
    } else if (IN6_IS_ADDR_LINKLOCAL(&pi->ipi6_addr)) {
        return -EINVAL;
    }
    if (!IN6_IS_ADDR_UNSPECIFIED(&pi->ipi6_addr)) {
        bool strict = IN6_IS_ADDR_LINKLOCAL(&pi->ipi6_addr) || IN6_IS_ADDR_LOOPBACK(&pi->ipi6_addr);
        if (!(st->net.ipv6_ip_nonlocal_bind || in->freebind) &&
            !ip6_chk_addr(st, &pi->ipi6_addr, strict ? c->oif : 0))
            return -EINVAL;
        c->saddr = pi->ipi6_addr;
        c->saddr_set = true;
    }
    return 0;
}

/* One int, exactly CMSG_LEN(sizeof(int)), within [lo, hi]. */
static int cmsg_int(const struct cmsghdr *h, const unsigned char *data, int lo, int hi, int *out)
{
    int v;
    if (h->cmsg_len != CMSG_LEN(sizeof(int)))
        return -EINVAL;
    memcpy(&v, data, sizeof(v));
    if (v < lo || v > hi)
        return -EINVAL;
    *out = v;
    return 0;
}

int inet6_cmsg_send(struct inet_sock *in, const struct msghdr *msg, struct inet6_cmsg *c)
{
    const unsigned char *ctl = msg->msg_control;
    size_t clen = msg->msg_controllen, off = 0;
    /* for_each_cmsghdr: headers while a whole one fits; CMSG_OK: each
     * claims at least a header and no more than what is left. */
    while (ctl && clen - off >= sizeof(struct cmsghdr)) {
        struct cmsghdr h;
        if (copy_from_user(&h, ctl + off, sizeof(h)))
            return -EFAULT;
        if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > clen - off)
            return -EINVAL;
        unsigned char data[sizeof(struct in6_pktinfo)];
        size_t dlen = h.cmsg_len - CMSG_LEN(0);
        size_t take = dlen < sizeof(data) ? dlen : sizeof(data);
        memset(data, 0, sizeof(data));
        if (take && copy_from_user(data, ctl + off + CMSG_LEN(0), take))
            return -EFAULT;
        int rc = 0;
        if (h.cmsg_level == SOL_SOCKET) {
            /* __sock_cmsg_send: SCM_RIGHTS / SCM_CREDENTIALS pass; the
             * others berth does not build (SO_MARK, timestamping,
             * SCM_TXTIME, SO_PRIORITY) are EINVAL like unknown ones. */
            if (h.cmsg_type != SCM_RIGHTS && h.cmsg_type != SCM_CREDENTIALS)
                return -EINVAL;
        } else if (h.cmsg_level == IPPROTO_IPV6) {
            switch (h.cmsg_type) {
            case IPV6_PKTINFO:
            case IPV6_2292PKTINFO: {
                if (h.cmsg_len < CMSG_LEN(sizeof(struct in6_pktinfo)))
                    return -EINVAL;
                struct in6_pktinfo pi;
                memcpy(&pi, data, sizeof(pi));
                rc = cmsg_pktinfo(in, &pi, c);
                break;
            }
            case IPV6_FLOWINFO: {
                if (h.cmsg_len < CMSG_LEN(4))
                    return -EINVAL;
                uint32_t fi;
                memcpy(&fi, data, sizeof(fi));
                if ((c->flowlabel & IPV6_FLOWINFO_MASK) &&
                    ((c->flowlabel ^ fi) & ~IPV6_FLOWINFO_MASK))
                    return -EINVAL;
                c->flowlabel = fi & IPV6_FLOWINFO_MASK;
                break;
            }
            case IPV6_HOPLIMIT:
            case IPV6_2292HOPLIMIT:
                rc = cmsg_int(&h, data, -1, 0xff, &c->hlimit);
                break;
            case IPV6_TCLASS:
                rc = cmsg_int(&h, data, -1, 0xff, &c->tclass);
                break;
            case IPV6_DONTFRAG:
                rc = cmsg_int(&h, data, 0, 1, &c->dontfrag);
                break;
            case IPV6_HOPOPTS:
            case IPV6_2292HOPOPTS:
            case IPV6_DSTOPTS:
            case IPV6_2292DSTOPTS:
            case IPV6_RTHDRDSTOPTS: {
                /* Options headers need CAP_NET_RAW; berth sends no
                 * extension headers (deviations.md). */
                struct berth_cred cred;
                stack_cred_current(in->sk.st, &cred);
                return cred.cap_net_raw ? -EINVAL : -EPERM;
            }
            default: /* routing headers (type 2 only, with MIP6) and unknown types */
                return -EINVAL;
            }
        }
        if (rc)
            return rc;
        off += CMSG_ALIGN(h.cmsg_len);
        if (off > clen)
            break;
    }
    return 0;
}
