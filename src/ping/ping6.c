/* ping6.c — ICMPv6 ping sockets, socket(AF_INET6, SOCK_DGRAM,
 * IPPROTO_ICMPV6) (Linux's net/ipv6/ping.c): bind (ping_check_bind_addr),
 * connect (ip6_datagram_connect_v6_only) and ping_v6_sendmsg. They are
 * IPv6-only: no v4-mapped peer, no IPv4 traffic. Receive, errors and
 * identifiers are ping.c's. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "ip/ip_route.h"
#include "ping/ping_sock.h"
#include "socket/sock_registry.h"

#define IPV6_FLOWINFO_MASK htonl(0x0fffffff)
#define LOOPBACK4_IPV6 htonl(0x7f000006) /* the IPv4 view of a native IPv6 address */

static int ping6_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    struct inet6_info *np = inet6_info(in);
    struct berth_stack *st = so->st;
    struct sockaddr_in6 sin6;
    if (len < sizeof(sin6))
        return -EINVAL;
    memcpy(&sin6, sa, sizeof(sin6));
    if (sin6.sin6_family != AF_INET6)
        return -EAFNOSUPPORT;
    const struct in6_addr *a = &sin6.sin6_addr;
    bool any = IN6_IS_ADDR_UNSPECIFIED(a);
    bool scoped = inet6_needs_scope_id(a);
    /* ipv6_addr_type: multicast and v4-mapped addresses are not unicast */
    if ((!any && (IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_V4MAPPED(a))) ||
        (scoped && !sin6.sin6_scope_id))
        return -EINVAL;
    unsigned dev = sin6.sin6_scope_id ? sin6.sin6_scope_id : sock_bound_if(so);
    if (dev && !berth_netif_by_index(st, dev))
        return -ENODEV;
    if (!(any || in->freebind || st->net.ipv6_ip_nonlocal_bind || ip6_chk_addr(st, a, dev)))
        return -EADDRNOTAVAIL;
    unsigned old_if = sock_bound_if(so);
    if (scoped && sock_set_bound_if(so, sin6.sin6_scope_id))
        return -ENOMEM;
    if (inet_num(in))
        return -EINVAL;
    uint16_t snum = ntohs(sin6.sin6_port);
    if (ping_get_port(in, snum)) {
        sock_set_bound_if(so, old_if); /* as it was before the check above */
        inet_sync_node(in);
        return -EADDRINUSE;
    }
    /* ping_set_saddr */
    np->rcv_saddr = *a;
    np->saddr = *a;
    in->bnode.addr.s_addr = any ? 0 : LOOPBACK4_IPV6;
    if (!any)
        in->bindaddr_lock = true;
    if (snum)
        in->bindport_lock = true;
    in->daddr.s_addr = 0;
    in->dport = 0;
    memset(&np->daddr, 0, sizeof(np->daddr));
    return 0;
}

/* ip6_datagram_connect_v6_only, after inet_dgram_connect's autobind */
static int ping6_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    int rc = dgram_connect_begin(inet_sk(so), sa, len);
    if (rc != 1)
        return rc;
    if (sa->sa_family != AF_INET6)
        return -EAFNOSUPPORT;
    /* the length (SIN6_LEN_RFC2133), then as UDP; a v4-mapped peer is
     * ENETUNREACH (IPv6-only) */
    return udp6_connect(so, sa, len);
}

/* ping_v6_sendmsg */
static ssize_t ping6_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    struct inet_sock *in = inet_sk(so);
    struct inet6_info *np = inet6_info(in);
    struct berth_stack *st = so->st;
    if (!inet_num(in) && inet_autobind(in))
        return -EAGAIN;
    uint8_t hdr[PING_HLEN];
    int rc = ping_common_sendmsg(msg, total, flags, hdr, ICMP6_ECHO_REQUEST);
    if (rc)
        return rc;
    struct in6_addr daddr;
    unsigned oif = 0;
    uint32_t flowlabel = 0;
    if (msg->msg_name) {
        struct sockaddr_in6 sin6;
        if (msg->msg_namelen < sizeof(sin6))
            return -EINVAL;
        memcpy(&sin6, msg->msg_name, sizeof(sin6));
        if (sin6.sin6_family != AF_INET6)
            return -EAFNOSUPPORT;
        daddr = sin6.sin6_addr;
        if (np->sndflow)
            flowlabel = sin6.sin6_flowinfo & IPV6_FLOWINFO_MASK;
        if (inet6_needs_scope_id(&daddr))
            oif = sin6.sin6_scope_id;
    } else {
        if (in->state != INET_ESTABLISHED)
            return -EDESTADDRREQ;
        daddr = np->daddr;
        flowlabel = np->flow_label;
    }
    unsigned bound = sock_bound_if(so);
    if (!oif)
        oif = bound;
    if (!oif)
        oif = np->sticky_oif;
    if ((inet6_needs_scope_id(&daddr) && !oif) || IN6_IS_ADDR_V4MAPPED(&daddr) ||
        (oif && bound && oif != bound))
        return -EINVAL;
    struct inet6_cmsg c;
    inet6_cmsg_init(in, &c, oif);
    c.flowlabel = flowlabel;
    if (msg->msg_control && msg->msg_controllen) {
        rc = inet6_cmsg_send(in, msg, &c);
        if (rc)
            return rc;
    }
    /* ip6_sk_dst_lookup_flow: the route, then the source */
    struct in6_addr nexthop, src = c.saddr_set ? c.saddr : np->saddr;
    berth_netif *ifp = ip6_route_lookup(st, &daddr, c.oif, &nexthop);
    if (!ifp) {
        SNMP_INC(st, Ip6, OutNoRoutes);
        return -ENETUNREACH;
    }
    if (IN6_IS_ADDR_UNSPECIFIED(&src) && !ip6_select_src(st, ifp, &daddr, &src))
        return -EADDRNOTAVAIL;
    uint8_t hlim = c.hlimit >= 0                   ? (uint8_t)c.hlimit
                   : IN6_IS_ADDR_MULTICAST(&daddr) ? np->mcast_hops
                                                   : inet6_hlim(in);
    /* ip6_append_data: without fragmentation (IPV6_DONTFRAG, or path MTU
     * discovery DO / PROBE) the message must fit the path MTU. */
    bool ignore_df = np->pmtudisc < IPV6_PMTUDISC_DO || np->pmtudisc == IPV6_PMTUDISC_OMIT;
    bool dontfrag = c.dontfrag || !ignore_df;
    unsigned mtu = ip6_path_mtu(st, &daddr, ifp);
    if (np->frag_size && np->frag_size < mtu)
        mtu = np->frag_size;
    if (dontfrag && total > mtu - IP6_HLEN)
        return -EMSGSIZE;
    int err = sock_take_error(so);
    if (err)
        return err;
    if (so->shut & SEND_SHUTDOWN)
        return -EPIPE;
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, total);
    if (!p) {
        SNMP_INC(st, Icmp6, OutErrors);
        return -ENOBUFS;
    }
    if (iov_gather(p->data, msg, total)) {
        pkt_free(st, p);
        return -EFAULT;
    }
    memcpy(p->data, hdr, 2); /* type and code as checked */
    /* icmpv6_push_pending_frames: the checksum covers the pseudo-header */
    ping_finish(in, p, inet_pseudo6(&src, &daddr, IPPROTO_ICMPV6, p->len));
    /* ip6_make_flowlabel (auto_flowlabels): an unlabelled flow gets a hash */
    uint32_t label = ntohl(c.flowlabel) & 0xfffff;
    if (!label && !np->noautoflow) {
        union inet_addr sa = inet_addr_from6(&src), da = inet_addr_from6(&daddr);
        uint32_t key[2] = {inet_addr_fold(&sa) ^ (inet_addr_fold(&da) * 0x9e3779b1u),
                           (uint32_t)inet_num(in) << 16 | IPPROTO_ICMPV6};
        label = stack_hash32(st, key, sizeof(key)) & 0xfffff;
    }
    struct ip6_out o = {.src = src,
                        .dst = daddr,
                        .proto = IPPROTO_ICMPV6,
                        .hlim = hlim,
                        .tclass = (uint8_t)c.tclass,
                        .dontfrag = dontfrag,
                        .flowlabel = label,
                        .oif = ifp,
                        .nexthop = &nexthop};
    SNMP_INC(st, Icmp6, OutMsgs); /* __ip6_make_skb counts before sending */
    SNMP_INC(st, Icmp6, OutEchos);
    rc = ip6_output(st, p, &o);
    return rc ? -rc : (ssize_t)total;
}

static int ping6_resolve_protocol(int protocol)
{
    return protocol == IPPROTO_ICMPV6 ? IPPROTO_ICMPV6 : -EPROTONOSUPPORT;
}

/* pingv6_prot: ipv6_setsockopt / ipv6_getsockopt, which hand SOL_IP to
 * UDP's (so to ip_setsockopt), and refuse any other level */
static int ping6_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    if (level == IPPROTO_IPV6)
        return ipv6_setsockopt(so, name, val, len);
    if (level != SOL_SOCKET && level != IPPROTO_IP)
        return -ENOPROTOOPT;
    return udp_setsockopt(so, level, name, val, len);
}

static int ping6_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    if (level == IPPROTO_IPV6)
        return ipv6_getsockopt(so, name, val, len);
    if (level != SOL_SOCKET && level != IPPROTO_IP)
        return -ENOPROTOOPT;
    return udp_getsockopt(so, level, name, val, len);
}

const struct sock_ops ping6_ops = {
    .family = AF_INET6,
    .type = SOCK_DGRAM,
    .obj_size = INET6_OBJ_SIZE(struct udp_sock),
    .resolve_protocol = ping6_resolve_protocol,
    .init = ping_init,
    .release = udp_release,
    .bind = ping6_bind,
    .sendmsg = ping6_sendmsg,
    .recvmsg = ping_recvmsg,
};
const struct sock_connect_ops ping6_connect_ops = {.connect = ping6_connect};
const struct sock_opt_ops ping6_opt_ops = {.setsockopt = ping6_setsockopt,
                                           .getsockopt = ping6_getsockopt};
