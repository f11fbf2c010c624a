/* udp6_sock.c — the AF_INET6/SOCK_DGRAM operations (Linux's net/ipv6/udp.c
 * udpv6_sendmsg / udpv6_recvmsg and net/ipv6/datagram.c
 * __ip6_datagram_connect). A v4-mapped peer goes through udp_sock.c's IPv4
 * path, as Linux hands it to udp_sendmsg / ip4_datagram_connect; a native
 * IPv6 one through ip6_route_source and ip6_output. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "ip/ip_route.h"
#include "socket/sock_registry.h"
#include "udp/udp.h"
#include "udp/udp_sock.h"

#define SIN6_LEN_RFC2133 24
/* The IPv4 view of a socket bound or connected to a native IPv6 address
 * (Linux's LOOPBACK4_IPV6): no IPv4 datagram is addressed to it. */
#define LOOPBACK4_IPV6 htonl(0x7f000006)

static void set_loopback_mapped(struct in6_addr *a)
{
    memset(a, 0, sizeof(*a));
    a->s6_addr[10] = a->s6_addr[11] = 0xff;
    a->s6_addr[12] = 127;
    a->s6_addr[15] = 1;
}

/* An AF_INET6 UDP socket: the AF_INET one plus the last automatic flow
 * label it computed. The label is a keyed hash of the flow (below), the
 * same for every datagram of a flow, so hashing it again per datagram
 * (Linux does, in skb_get_hash_flowi6) is work a socket that keeps
 * sending to one peer can skip: ~150 instructions a datagram, a third of
 * the IPv6 send path's cost over IPv4's. 16 bytes per AF_INET6 UDP
 * socket; AF_INET ones are unchanged. */
struct udp6_sock {
    struct udp_sock udp;
    uint32_t fl_key[2]; /* the hash input of fl_label */
    uint32_t fl_label;  /* FL_VALID | the label; 0: nothing cached */
    uint32_t fl_pad;
};
#define FL_VALID 0x80000000u

/* ---- connect (__ip6_datagram_connect) ---- */

/* ip6_datagram_dst_update: the route to the new peer, which fixes the
 * source and the bound address when they are still unspecified. */
static int udp6_dst_update(struct inet_sock *in)
{
    struct berth_stack *st = in->sk.st;
    struct inet6_info *np = inet6_info(in);
    /* (A flow label is used as given: Linux's fl6_sock_lookup checks
     * leases only once some socket holds an exclusive one, and berth has
     * no IPV6_FLOWLABEL_MGR.) */
    struct ip6_route_res res;
    /* ip6_datagram_flow_key_init: the bound device, else the sticky
     * IPV6_PKTINFO interface */
    unsigned oif = sock_bound_if(&in->sk) ? sock_bound_if(&in->sk) : np->sticky_oif;
    int rc = ip6_route_source(st, &np->daddr, &np->saddr, oif, &res);
    if (rc) {
        if (rc == -ENETUNREACH)
            SNMP_INC(st, Ip6, OutNoRoutes);
        return rc;
    }
    if (IN6_IS_ADDR_V4MAPPED(&np->saddr))
        return -EAFNOSUPPORT; /* ip6_dst_lookup_tail, after the route */
    if (IN6_IS_ADDR_UNSPECIFIED(&np->saddr))
        np->saddr = res.src;
    if (IN6_IS_ADDR_UNSPECIFIED(&np->rcv_saddr)) {
        np->rcv_saddr = res.src;
        in->bnode.addr.s_addr = LOOPBACK4_IPV6;
    }
    return 0;
}

int udp6_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    struct inet6_info *np = inet6_info(in);
    int rc = dgram_connect_begin(in, sa, len);
    if (rc != 1)
        return rc;
    if (sa->sa_family == AF_INET) {
        if (in->bnode.v6only)
            return -EAFNOSUPPORT;
        rc = udp4_connect(in, sa, len);
        if (rc == 0)
            inet6_mapped_connected(in);
        return rc;
    }
    struct sockaddr_in6 sin6;
    if (len < SIN6_LEN_RFC2133)
        return -EINVAL;
    memset(&sin6, 0, sizeof(sin6));
    memcpy(&sin6, sa, len < sizeof(sin6) ? len : sizeof(sin6));
    if (sin6.sin6_family != AF_INET6)
        return -EAFNOSUPPORT;
    uint32_t flowlabel = np->sndflow ? sin6.sin6_flowinfo & IPV6_FLOWINFO_MASK : 0;
    if (IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr)) {
        /* "connect to self": loopback of the socket's own kind */
        if (IN6_IS_ADDR_V4MAPPED(&np->rcv_saddr))
            set_loopback_mapped(&sin6.sin6_addr);
        else
            sin6.sin6_addr = in6addr_loopback;
    }
    if (IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr)) {
        if (in->bnode.v6only)
            return -ENETUNREACH;
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = sin6.sin6_port};
        memcpy(&sin.sin_addr, &sin6.sin6_addr.s6_addr[12], 4);
        rc = udp4_connect(in, (struct sockaddr *)&sin, sizeof(sin));
        if (rc == 0)
            inet6_mapped_connected(in);
        return rc;
    }
    if (inet6_needs_scope_id(&sin6.sin6_addr)) {
        /* A link-scope peer needs an interface: the scope id becomes the
         * bound device (and stays, whatever the route says next), one
         * already bound must be the same. */
        if (len >= sizeof(sin6) && sin6.sin6_scope_id) {
            if (sock_bound_if(so) && sock_bound_if(so) != sin6.sin6_scope_id)
                return -EINVAL;
            if (sock_set_bound_if(so, sin6.sin6_scope_id))
                return -ENOMEM;
            inet_sync_node(in);
        }
        if (!sock_bound_if(so))
            return -EINVAL;
    }
    struct in6_addr old_daddr = np->daddr;
    uint32_t old_flowlabel = np->flow_label;
    uint16_t old_dport = in->dport;
    np->daddr = sin6.sin6_addr;
    np->flow_label = flowlabel;
    in->dport = sin6.sin6_port;
    rc = udp6_dst_update(in);
    if (rc) {
        /* the peer as it was */
        np->daddr = old_daddr;
        np->flow_label = old_flowlabel;
        in->dport = old_dport;
        return rc;
    }
    in->daddr.s_addr = 0; /* no IPv4 peer: IPv4 datagrams are matched by inet_daddr */
    in->state = INET_ESTABLISHED;
    return 0;
}

/* ---- send (udpv6_sendmsg, ip6_append_data, udp_v6_send_skb) ---- */

/* The flow of one datagram: what ip6_output and the size checks need. */
struct udp6_flow {
    struct in6_addr src, dst;
    uint16_t dport;
    uint8_t hlim, tclass;
    bool dontfrag;
    unsigned oif;       /* asked for: scope id, bound device, IPV6_PKTINFO (0: route) */
    uint32_t flowlabel; /* network order */
    unsigned mtu;       /* the path MTU, capped by IPV6_MTU */
    berth_netif *ifp;   /* the route's interface and next hop (NULL: route again) */
    struct in6_addr nexthop;
};

/* __ip6_append_data's limits for a datagram whose UDP header and payload
 * are ulen bytes: with IPV6_DONTFRAG it must fit the MTU; without
 * fragmentation allowed (IPV6_PMTUDISC_DO, PROBE) too; else one IPv6
 * packet (65535 bytes of payload). Returns the largest allowed ulen. */
static uint32_t udp6_max(const struct inet6_info *np, const struct udp6_flow *f)
{
    uint32_t max = IP6_MAXPLEN;
    bool ignore_df = np->pmtudisc < IPV6_PMTUDISC_DO || np->pmtudisc == IPV6_PMTUDISC_OMIT;
    if ((f->dontfrag || !ignore_df) && f->mtu - IP6_HLEN < max)
        max = f->mtu - IP6_HLEN;
    return max;
}

/* Route the flow: the interface asked for or the route's, and the
 * source (ip6_sk_dst_lookup_flow). Fills f->src and f->mtu. */
static int udp6_route(struct inet_sock *in, struct udp6_flow *f, const struct in6_addr *saddr)
{
    struct berth_stack *st = in->sk.st;
    const struct inet6_info *np = inet6_info(in);
    /* ip6_route_source's answers, with the interface and next hop kept
     * for ip6_output (one lookup per datagram) */
    f->ifp = ip6_route_lookup(st, &f->dst, f->oif, &f->nexthop);
    if (!f->ifp) {
        SNMP_INC(st, Ip6, OutNoRoutes);
        return -ENETUNREACH;
    }
    if (!IN6_IS_ADDR_UNSPECIFIED(saddr))
        f->src = *saddr;
    else if (!ip6_select_src(st, f->ifp, &f->dst, &f->src))
        return -EADDRNOTAVAIL;
    /* ip6_dst_lookup_tail, after the route: a v4-mapped source cannot
     * reach an IPv6 peer */
    if (IN6_IS_ADDR_V4MAPPED(saddr))
        return -EAFNOSUPPORT;
    /* ip6_setup_cork: the route's MTU, lowered by IPV6_MTU; below the
     * IPv6 minimum it is EINVAL. (Linux takes the device's MTU for
     * IPV6_PMTUDISC_PROBE / INTERFACE; berth the path's, which differs
     * only after a Packet Too Big.) */
    f->mtu = ip6_path_mtu(st, &f->dst, f->ifp);
    if (np->frag_size && np->frag_size < f->mtu)
        f->mtu = np->frag_size;
    if (f->mtu < IP6_MIN_MTU)
        return -EINVAL;
    return 0;
}

/* Fill in the UDP header and checksum of the datagram at p->data and hand
 * it to IPv6 (udp_v6_send_skb). Consumes p. */
static int udp6_send_dgram(struct inet_sock *in, struct pkt *p, const struct udp6_flow *f)
{
    struct berth_stack *st = in->sk.st;
    const struct inet6_info *np = inet6_info(in);
    uint16_t ulen = (uint16_t)p->len;
    struct udp_hdr uh = {
        .source = htons(inet_num(in)), .dest = f->dport, .len = htons(ulen), .check = 0};
    memcpy(p->data, &uh, sizeof(uh));
    uint32_t sum = inet_pseudo6(&f->src, &f->dst, IPPROTO_UDP, ulen);
    uint16_t ck = inet_csum_fold(inet_csum_add(sum, p->data, ulen));
    if (ck == 0)
        ck = 0xffff; /* RFC 8200 8.1: a computed zero is sent as all ones */
    memcpy(p->data + 6, &ck, 2);
    struct in6_addr nexthop = f->nexthop;
    berth_netif *ifp = f->ifp;
    if (!ifp) {
        /* a corked datagram: routed again at the push (Linux holds the
         * route of the first send), so a route gone meanwhile loses it */
        ifp = ip6_route_lookup(st, &f->dst, f->oif, &nexthop);
        if (!ifp) {
            SNMP_INC(st, Ip6, OutNoRoutes);
            pkt_free(st, p);
            return -ENETUNREACH;
        }
    }
    /* ip6_make_flowlabel: a flow without a label gets the hash of its
     * addresses and ports, unless the socket opted out. */
    uint32_t label = ntohl(f->flowlabel) & 0xfffff;
    if (!label && !np->noautoflow) {
        /* The last flow's label is kept: the keyed hash (shared with
         * TCP's, ip6_flow_hash_label) runs only when the flow changes. */
        uint32_t key[2];
        ip6_flow_key(&f->src, &f->dst, uh.source, uh.dest, key);
        struct udp6_sock *u6 = (struct udp6_sock *)in;
        if (u6->fl_label && u6->fl_key[0] == key[0] && u6->fl_key[1] == key[1]) {
            label = u6->fl_label & 0xfffff;
        } else {
            label = ip6_flow_key_label(st, key);
            u6->fl_key[0] = key[0];
            u6->fl_key[1] = key[1];
            u6->fl_label = FL_VALID | label;
        }
    }
    struct ip6_out o = {.src = f->src,
                        .dst = f->dst,
                        .proto = IPPROTO_UDP,
                        .hlim = f->hlim,
                        .tclass = f->tclass,
                        .dontfrag = f->dontfrag || !(np->pmtudisc < IPV6_PMTUDISC_DO ||
                                                     np->pmtudisc == IPV6_PMTUDISC_OMIT),
                        .flowlabel = label,
                        .oif = ifp,
                        .nexthop = &nexthop};
    int rc = ip6_output(st, p, &o);
    if (rc == ENOBUFS && !np->recverr) {
        /* udp_v6_send_skb: a full device queue is a silent drop unless the
         * application asked for errors (IPV6_RECVERR). */
        SNMP_INC(st, Udp6, SndbufErrors);
        return 0;
    }
    if (rc == 0)
        SNMP_INC(st, Udp6, OutDatagrams);
    return -rc;
}

int udp6_push_pending(struct udp_sock *us)
{
    struct inet_sock *in = &us->inet;
    struct udp_cork *ck = us->cork;
    struct pkt *p = ck->p;
    ck->p = NULL;
    struct udp_hdr uh;
    memcpy(&uh, p->data, sizeof(uh));
    struct udp6_flow f = {.src = p->src.in6,
                          .dst = p->dst.in6,
                          .dport = uh.dest,
                          .hlim = p->ttl,
                          .tclass = p->tos,
                          .dontfrag = ck->dontfrag,
                          .oif = ck->oif,
                          .flowlabel = ck->flowlabel};
    return udp6_send_dgram(in, p, &f);
}

/* The destination and flow of a native IPv6 send (everything udpv6_sendmsg
 * decides before ip6_append_data). name: the caller's address or NULL for
 * the connected peer. */
static int udp6_flow_of(struct inet_sock *in, const struct msghdr *msg,
                        const struct sockaddr_in6 *name, struct udp6_flow *f)
{
    struct bsock *so = &in->sk;
    struct inet6_info *np = inet6_info(in);
    memset(f, 0, sizeof(*f));
    if (name) {
        if (!name->sin6_port)
            return -EINVAL;
        f->dport = name->sin6_port;
        f->dst = name->sin6_addr;
        if (np->sndflow)
            f->flowlabel = name->sin6_flowinfo & IPV6_FLOWINFO_MASK;
        if (msg->msg_namelen >= sizeof(*name) && name->sin6_scope_id &&
            inet6_needs_scope_id(&f->dst))
            f->oif = name->sin6_scope_id;
    } else {
        if (in->state != INET_ESTABLISHED)
            return -EDESTADDRREQ;
        f->dport = in->dport;
        f->dst = np->daddr;
        f->flowlabel = np->flow_label;
    }
    if (!f->oif)
        f->oif = sock_bound_if(so);
    if (!f->oif)
        f->oif = np->sticky_oif; /* IPV6_PKTINFO (setsockopt) */
    struct inet6_cmsg c;
    inet6_cmsg_init(in, &c, f->oif);
    c.flowlabel = f->flowlabel;
    if (msg->msg_control && msg->msg_controllen) {
        int rc = inet6_cmsg_send(in, msg, &c);
        if (rc)
            return rc;
    }
    f->oif = c.oif;
    f->flowlabel = c.flowlabel;
    f->dontfrag = c.dontfrag;
    if (IN6_IS_ADDR_UNSPECIFIED(&f->dst))
        f->dst = in6addr_loopback; /* "::" means loopback (BSD'ism) */
    if (IN6_IS_ADDR_V4MAPPED(&f->dst))
        return -ENETUNREACH; /* a v4-mapped peer has no IPv6 route (AF_UNSPEC sends) */
    int rc = udp6_route(in, f, c.saddr_set ? &c.saddr : &np->saddr);
    if (rc)
        return rc;
    /* ip6_sk_dst_hoplimit: IPV6_HOPLIMIT, else the socket's unicast or
     * multicast hops. The traffic class is IPV6_TCLASS's as Linux stores
     * it: -1 is taken as a byte (0xff; RFC 3542 says "the default"). */
    if (c.hlimit >= 0)
        f->hlim = (uint8_t)c.hlimit;
    else
        f->hlim = IN6_IS_ADDR_MULTICAST(&f->dst) ? np->mcast_hops : inet6_hlim(in);
    f->tclass = (uint8_t)c.tclass;
    return 0;
}

static ssize_t udp6_send_native(struct inet_sock *in, const struct msghdr *msg, size_t total,
                                int flags, const struct sockaddr_in6 *name)
{
    struct bsock *so = &in->sk;
    struct berth_stack *st = so->st;
    struct udp_sock *us = udp_sk(so);
    struct inet6_info *np = inet6_info(in);
    if (total > INT_MAX - UDP_HLEN)
        return -EMSGSIZE;
    bool corkreq = (us->cork && us->cork->on) || (flags & MSG_MORE);
    if (udp_pending(us)) {
        /* pending IPv4 frames take the data whatever the address
         * (udp_sendmsg appends it); IPv6 ones too */
        if (udp_pending_v4(us))
            return udp_sendmsg(so, msg, total, flags);
        return udp_cork_append(us, msg, total, corkreq);
    }
    struct udp6_flow f;
    int rc = udp6_flow_of(in, msg, name, &f);
    if (rc)
        return rc;
    uint32_t max = udp6_max(np, &f);
    if (UDP_HLEN + total > max)
        return -EMSGSIZE;
    /* sock_alloc_send_pskb: pending error, then shutdown */
    int err = sock_take_error(so);
    if (err)
        return err;
    if (so->shut & SEND_SHUTDOWN)
        return -EPIPE;
    if (corkreq && !udp_cork_get(us)) {
        SNMP_INC(st, Udp6, SndbufErrors);
        return -ENOBUFS;
    }
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, UDP_HLEN + total);
    if (!p) {
        SNMP_INC(st, Udp6, SndbufErrors);
        return -ENOBUFS;
    }
    if (iov_gather(p->data + UDP_HLEN, msg, total)) {
        pkt_free(st, p);
        return -EFAULT;
    }
    if (corkreq) {
        /* The first corked send fixes the flow (v6_cork, cork.fl); the
         * header is written at the push. */
        struct udp_hdr uh = {.dest = f.dport};
        memcpy(p->data, &uh, sizeof(uh));
        p->src = inet_addr_from6(&f.src);
        p->dst = inet_addr_from6(&f.dst);
        p->tos = f.tclass;
        p->ttl = f.hlim;
        us->cork->p = p;
        us->cork->dontfrag = f.dontfrag;
        us->cork->oif = f.oif;
        us->cork->flowlabel = f.flowlabel;
        us->cork->max = max;
        return (ssize_t)total;
    }
    rc = udp6_send_dgram(in, p, &f);
    return rc ? rc : (ssize_t)total;
}

static ssize_t udp6_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    struct inet_sock *in = inet_sk(so);
    struct inet6_info *np = inet6_info(in);
    /* inet_send_prepare: autobind first, whatever comes next. */
    if (!inet_num(in) && inet_autobind(in))
        return -EAGAIN;
    struct msghdr m = *msg;
    struct sockaddr_in6 sin6;
    const struct sockaddr_in6 *name = NULL;
    const struct in6_addr *daddr = NULL;
    if (msg->msg_name) {
        const struct sockaddr *sa = msg->msg_name;
        if (msg->msg_namelen < sizeof(sa_family_t))
            return -EINVAL;
        switch (sa->sa_family) {
        case AF_INET6:
            if (msg->msg_namelen < SIN6_LEN_RFC2133)
                return -EINVAL;
            memset(&sin6, 0, sizeof(sin6));
            memcpy(&sin6, sa, msg->msg_namelen < sizeof(sin6) ? msg->msg_namelen : sizeof(sin6));
            if (IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr) && IN6_IS_ADDR_V4MAPPED(&np->saddr))
                set_loopback_mapped(&sin6.sin6_addr);
            name = &sin6;
            daddr = &sin6.sin6_addr;
            break;
        case AF_INET:
            return in->bnode.v6only ? -ENETUNREACH : udp_sendmsg(so, msg, total, flags);
        case AF_UNSPEC:
            /* the address is forgotten: the connected peer, natively */
            m.msg_name = NULL;
            m.msg_namelen = 0;
            break;
        default:
            return -EINVAL;
        }
    } else if (!udp_pending(udp_sk(so))) {
        if (in->state != INET_ESTABLISHED)
            return -EDESTADDRREQ;
        daddr = &np->daddr;
    }
    if (daddr && IN6_IS_ADDR_V4MAPPED(daddr)) {
        /* A v4-mapped destination goes to udp_sendmsg as an explicit
         * address, so its checks apply (a peer port of 0 is EINVAL). */
        struct sockaddr_in sin = {.sin_family = AF_INET,
                                  .sin_port = name ? name->sin6_port : in->dport};
        memcpy(&sin.sin_addr, &daddr->s6_addr[12], 4);
        m.msg_name = &sin;
        m.msg_namelen = sizeof(sin);
        return in->bnode.v6only ? -ENETUNREACH : udp_sendmsg(so, &m, total, flags);
    }
    return udp6_send_native(in, &m, total, flags, name);
}

/* ---- receive ---- */

void udp6_put_name(struct msghdr *msg, const struct pkt *p)
{
    struct sockaddr_in6 sin6;
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    memcpy(&sin6.sin6_port, p->data, 2);
    sin6.sin6_addr = p->src.in6; /* an IPv4 source is already v4-mapped */
    /* ipv6_iface_scope_id: the receiving interface for a link-scope
     * source; sin6_flowinfo is always 0 (udpv6_recvmsg) */
    if (pkt_is_v6(p) && inet6_needs_scope_id(&sin6.sin6_addr) && p->ifp)
        sin6.sin6_scope_id = berth_netif_index(p->ifp);
    memcpy(msg->msg_name, &sin6, sizeof(sin6));
    msg->msg_namelen = sizeof(sin6);
}

/* ---- options ---- */

static int udp6_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    if (level == IPPROTO_IPV6)
        return ipv6_setsockopt(so, name, val, len);
    return udp_setsockopt(so, level, name, val, len);
}

static int udp6_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    if (level == IPPROTO_IPV6)
        return ipv6_getsockopt(so, name, val, len);
    if (level != SOL_SOCKET && level != IPPROTO_UDP && level != IPPROTO_IP)
        return -ENOPROTOOPT; /* ipv6_getsockopt: unknown levels */
    return udp_getsockopt(so, level, name, val, len);
}

_Static_assert(INET6_OBJ_FITS(struct udp6_sock),
               "udp6_sock: the inet6_info is within reach of the bind node");

const struct sock_ops udp6_ops = {
    .family = AF_INET6,
    .type = SOCK_DGRAM,
    .obj_size = INET6_OBJ_SIZE(struct udp6_sock),
    .resolve_protocol = udp_resolve_protocol,
    .init = udp_init,
    .release = udp_release,
    .bind = inet6_bind,
    .sendmsg = udp6_sendmsg,
    .recvmsg = udp_recvmsg,
};
/* The calls a firmware may never make (sock.h); the rest are udp4's. */
const struct sock_connect_ops udp6_connect_ops = {udp6_connect};
const struct sock_opt_ops udp6_opt_ops = {udp6_setsockopt, udp6_getsockopt};
