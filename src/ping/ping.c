/* ping.c — ICMP ping sockets, socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)
 * (Linux's net/ipv4/ping.c): the parts both families share (identifiers,
 * the group check, receive, errors) and the AF_INET operations.
 *
 * The application writes an ICMP echo request, header included; the stack
 * puts the socket's identifier in the header and computes the checksum.
 * Echo replies carrying that identifier are read back whole, from the
 * ICMP header on. */
#include "ping/ping.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "ip/ip_proto.h"
#include "ip/ip_route.h"
#include "ping/ping_sock.h"
#include "socket/sock_registry.h"

/* ---- identifiers (ping_get_port, ping_lookup) ---- */

int ping_get_port(struct inet_sock *in, uint16_t ident)
{
    struct berth_stack *st = in->sk.st;
    struct bind_table *t = st->ping_bind;
    inet_sync_node(in);
    if (ident == 0) {
        /* The next free ident after the last one chosen, never 0. */
        uint16_t r = (uint16_t)(st->ping_rover + 1);
        unsigned i;
        for (i = 0; i < 65536; i++, r++) {
            if (!r)
                r++;
            if (!bind_port_used(t, r))
                break;
        }
        if (i >= 65536)
            return -EADDRINUSE;
        st->ping_rover = ident = r;
    } else {
        /* Any other owner of the ident conflicts, whatever its address or
         * family, unless both have SO_REUSEADDR (sk_reuse; on by default). */
        for (struct bind_node *n = bind_owners(t, ident); n; n = n->next)
            if (n != &in->bnode && (!n->reuseaddr || !in->sk.reuseaddr))
                return -EADDRINUSE;
    }
    if (in->bnode.hashed)
        return 0;
    return bind_add_owner(st, t, &in->bnode, ident) ? -EADDRINUSE : 0;
}

/* ping_lookup: the newest socket of the packet's family with this ident,
 * bound to daddr or the wildcard, and to the interface the packet came in
 * by or none (ifindex 0: not known, not checked). Connected sockets take
 * replies from anyone: the peer is not compared. */
static struct inet_sock *ping_lookup(struct berth_stack *st, const union inet_addr *daddr,
                                     uint16_t ident, unsigned ifindex)
{
    bool v4 = inet_addr_is_v4(daddr);
    if (!st->ping_bind)
        return NULL; /* no ping socket was ever made */
    for (struct bind_node *n = bind_owners(st->ping_bind, ident); n; n = n->next) {
        struct inet_sock *in = inet_of_node(n);
        if (!in)
            continue;
        if (v4) {
            if (sock_family(&in->sk) != AF_INET)
                continue;
            if (n->addr.s_addr && n->addr.s_addr != daddr->w[3])
                continue;
        } else {
#if BERTH_WITH_IPV6
            if (sock_family(&in->sk) != AF_INET6)
                continue;
            const struct in6_addr *a = &inet6_info(in)->rcv_saddr;
            if (!IN6_IS_ADDR_UNSPECIFIED(a) && memcmp(a, &daddr->in6, sizeof(*a)) != 0)
                continue;
#else
            continue;
#endif
        }
        if (n->bound_if && ifindex && n->bound_if != ifindex)
            continue;
        return in;
    }
    return NULL;
}

/* ---- creation (ping_init_sock) ---- */

int ping_init(struct bsock *so)
{
    struct berth_stack *st = so->st;
    struct inet_sock *in = inet_sk(so);
    udp_init(so);
    /* inetsw's INET_PROTOSW_REUSE: SO_REUSEADDR is on from the start, so
     * two ping sockets share an ident unless one turns it off */
    so->reuseaddr = true;
    /* An AF_INET6 ping socket speaks ICMPv6 only. */
    if (sock_family(so) == AF_INET6)
        in->bnode.v6only = true;
    /* The effective gid must lie in the range. (Linux also accepts a
     * supplementary group in it; berth's credentials carry none.) */
    struct berth_cred cred;
    stack_cred_current(st, &cred);
    uint32_t gid = (uint32_t)cred.egid;
    if (gid < st->net.ping_group_range[0] || gid > st->net.ping_group_range[1])
        return -EACCES;
    /* The ident table comes with the first ping socket (inet_create's
     * sk_alloc failing is ENOBUFS). */
    if (!st->ping_bind && !(st->ping_bind = bind_table_new(st, IPPROTO_ICMP)))
        return -ENOBUFS;
    return 0;
}

/* ---- send ---- */

int ping_common_sendmsg(const struct msghdr *msg, size_t total, int flags, uint8_t *hdr,
                        uint8_t type)
{
    if (total > 0xffff)
        return -EMSGSIZE;
    if (total < PING_HLEN)
        return -EINVAL; /* not even a whole ICMP header */
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (iov_gather(hdr, msg, PING_HLEN))
        return -EFAULT;
    /* ping_supported: echo requests only */
    if (hdr[0] != type || hdr[1] != 0)
        return -EINVAL;
    return 0;
}

void ping_finish(struct inet_sock *in, struct pkt *p, uint32_t sum)
{
    /* pfh.icmph: the user's type, code and sequence; our identifier */
    uint16_t id = htons(inet_num(in));
    memcpy(p->data + 4, &id, 2);
    p->data[2] = p->data[3] = 0;
    uint16_t ck = inet_csum_fold(inet_csum_add(sum, p->data, p->len));
    memcpy(p->data + 2, &ck, 2);
}

/* ping_v4_sendmsg */
static ssize_t ping4_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    struct inet_sock *in = inet_sk(so);
    struct berth_stack *st = so->st;
    /* inet_send_prepare: autobind first, whatever comes next. */
    if (!inet_num(in) && inet_autobind(in))
        return -EAGAIN;
    uint8_t hdr[PING_HLEN];
    int rc = ping_common_sendmsg(msg, total, flags, hdr, ICMP_ECHO);
    if (rc)
        return rc;
    struct in_addr dst;
    if (msg->msg_name) {
        struct sockaddr_in sin;
        if (msg->msg_namelen < sizeof(sin))
            return -EINVAL;
        memcpy(&sin, msg->msg_name, sizeof(sin));
        if (sin.sin_family != AF_INET)
            return -EAFNOSUPPORT; /* no AF_UNSPEC here, unlike UDP */
        dst = sin.sin_addr;
    } else {
        if (in->state != INET_ESTABLISHED)
            return -EDESTADDRREQ;
        dst = in->daddr;
    }
    struct ipcm4 c;
    struct in_addr saddr;
    rc = ip4_send_cmsgs(in, msg, ip4_cmsg_send, &c, &saddr);
    if (rc)
        return rc;
    /* ip_route_output_key: 0.0.0.0 means this host */
    if (dst.s_addr == INADDR_ANY)
        dst.s_addr = saddr.s_addr ? saddr.s_addr : htonl(INADDR_LOOPBACK);
    struct in_addr nexthop, src;
    berth_netif *ifp = ip4_route_output(st, dst, saddr, &nexthop, &src);
    if (!ifp) {
        SNMP_INC(st, Ip, OutNoRoutes);
        return -ENETUNREACH;
    }
    if (ip4_is_bcast(st, dst) && !so->broadcast)
        return -EACCES;
    /* ip_append_data: the message must fit in one IP packet. */
    if (total > IP4_MAXPACKET - IP4_HLEN)
        return -EMSGSIZE;
    /* sock_alloc_send_pskb: pending error, then shutdown. */
    int err = sock_take_error(so);
    if (err)
        return err;
    if (so->shut & SEND_SHUTDOWN)
        return -EPIPE;
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, total);
    if (!p)
        return -ENOBUFS;
    if (iov_gather(p->data, msg, total)) {
        pkt_free(st, p);
        return -EFAULT;
    }
    memcpy(p->data, hdr, 2); /* type and code as checked */
    ping_finish(in, p, 0);
    struct ip4_out o = {.src = src,
                        .dst = dst,
                        .proto = IPPROTO_ICMP,
                        .ttl = (uint8_t)(c.ttl ? c.ttl : inet_ttl(in)),
                        .tos = (uint8_t)(c.tos >= 0 ? c.tos : in->tos),
                        .df = false,
                        .oif = ifp,
                        .nexthop = nexthop};
    rc = ip4_output(st, p, &o);
    if (rc)
        return -rc;
    SNMP_INC(st, Icmp, OutMsgs); /* icmp_out_count, once sent */
    SNMP_INC(st, Icmp, OutEchos);
    return (ssize_t)total;
}

/* ---- receive (ping_rcv, ping_recvmsg) ---- */

void ping_rcv(struct berth_stack *st, struct pkt *p)
{
    uint16_t id;
    memcpy(&id, p->data + 4, 2);
    struct inet_sock *in =
        ping_lookup(st, &p->dst, ntohs(id), p->ifp ? berth_netif_index(p->ifp) : 0);
    if (!in) {
        pkt_free(st, p);
        return;
    }
    struct bsock *so = &in->sk;
    /* sock_queue_rcv_skb: refused once the queue holds rcvbuf or more
     * (UDP lets the last datagram overshoot; this one does not), or when
     * the buffer cannot be charged (the memory reserve's). */
    if (so->rmem_alloc >= (size_t)so->rcvbuf || p->reserve) {
        pkt_free(st, p);
        return;
    }
    udp_rxq_push(udp_sk(so), p);
    sock_wake(so);
}

ssize_t ping_recvmsg(struct bsock *so, struct msghdr *msg, int flags)
{
    struct udp_sock *us = udp_sk(so);
    struct berth_stack *st = so->st;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    struct pkt *p;
    int rc = udp_recv_wait(so, flags, &p);
    if (rc <= 0)
        return rc;
    size_t want = 0;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen; i++)
        want += msg->msg_iov[i].iov_len;
    size_t copied = want < p->len ? want : p->len;
    if (copied < p->len)
        msg->msg_flags |= MSG_TRUNC; /* and the call returns what it copied, even with MSG_TRUNC */
    if (iov_scatter(msg, p->data, copied)) {
        /* skb_copy_datagram_msg failed: the message is gone all the same */
        if (!(flags & MSG_PEEK))
            pkt_free(st, udp_rxq_pop(us));
        return -EFAULT;
    }
    if (sock_family(so) == AF_INET) {
        if (msg->msg_name) {
            struct sockaddr_in sin;
            memset(&sin, 0, sizeof(sin));
            sin.sin_family = AF_INET;
            sin.sin_addr = pkt_src4(p); /* port 0 */
            memcpy(msg->msg_name, &sin, sizeof(sin));
            msg->msg_namelen = sizeof(sin);
        }
        inet_put_cmsgs(&us->inet, msg, p);
    }
#if BERTH_WITH_IPV6
    else {
        if (msg->msg_name) {
            struct sockaddr_in6 sin6;
            memset(&sin6, 0, sizeof(sin6));
            sin6.sin6_family = AF_INET6;
            sin6.sin6_addr = p->src.in6;
            /* sin6_flowinfo only with IPV6_FLOWINFO_SEND */
            if (inet6_info(&us->inet)->sndflow && p->nh) {
                memcpy(&sin6.sin6_flowinfo, p->nh, 4);
                sin6.sin6_flowinfo &= htonl(0x0fffffff);
            }
            if (inet6_needs_scope_id(&sin6.sin6_addr) && p->ifp)
                sin6.sin6_scope_id = berth_netif_index(p->ifp);
            memcpy(msg->msg_name, &sin6, sizeof(sin6));
            msg->msg_namelen = sizeof(sin6);
        }
        inet6_put_cmsgs(&us->inet, msg, p);
    }
#endif
    if (!(flags & MSG_PEEK))
        pkt_free(st, udp_rxq_pop(us));
    return (ssize_t)copied;
}

/* ---- errors (ping_err) ---- */

void ping_err(struct berth_stack *st, const struct ip_err *e)
{
    bool v4 = inet_addr_is_v4(&e->src);
    /* Only errors about an echo request we sent (ping_supported). */
    uint8_t echo = v4 ? ICMP_ECHO : 128 /* ICMPV6_ECHO_REQUEST */;
    if (e->th[0] != echo || e->th[1] != 0)
        return;
    uint16_t id;
    memcpy(&id, e->th + 4, 2);
    struct inet_sock *in = ping_lookup(st, &e->src, ntohs(id), e->ifindex);
    if (!in)
        return;
    bool recverr = in->recverr;
#if BERTH_WITH_IPV6
    if (!v4)
        recverr = inet6_info(in)->recverr; /* IPV6_RECVERR for ICMPv6 */
#endif
    /* Fragmentation needed: EMSGSIZE, a hard error, unless the socket does
     * no path MTU discovery (then nothing). */
    if (v4 && e->type == ICMP_DEST_UNREACH && e->code == ICMP_FRAG_NEEDED &&
        in->pmtudisc == IP_PMTUDISC_DONT)
        return;
    /* RFC 1122 4.1.3.3: without IP_RECVERR only hard errors on a
     * connected socket are reported. */
    if (!recverr && (!e->fatal || in->state != INET_ESTABLISHED))
        return;
    in->sk.so_error = (uint8_t)e->err;
    sock_wake(&in->sk);
}

/* ---- the rest of the AF_INET operations ---- */

/* ping_bind with ping_check_bind_addr (AF_INET) */
static int ping4_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    struct berth_stack *st = so->st;
    struct sockaddr_in sin;
    if (len < sizeof(sin))
        return -EINVAL;
    memcpy(&sin, sa, sizeof(sin));
    if (sin.sin_family != AF_INET &&
        !(sin.sin_family == AF_UNSPEC && sin.sin_addr.s_addr == htonl(INADDR_ANY)))
        return -EAFNOSUPPORT;
    if (sin.sin_addr.s_addr != INADDR_ANY) {
        enum ip_addr_type type = ip4_addr_type(st, sin.sin_addr);
        if (type == IP_ADDR_MULTICAST || type == IP_ADDR_BROADCAST ||
            (type != IP_ADDR_LOCAL && !st->net.ip_nonlocal_bind && !in->freebind))
            return -EADDRNOTAVAIL;
    }
    if (inet_num(in))
        return -EINVAL;
    uint16_t snum = ntohs(sin.sin_port);
    if (ping_get_port(in, snum))
        return -EADDRINUSE;
    /* ping_set_saddr: the bound address is the source too */
    in->bnode.addr = sin.sin_addr;
    in->saddr = sin.sin_addr;
    if (sin.sin_addr.s_addr)
        in->bindaddr_lock = true;
    if (snum)
        in->bindport_lock = true;
    in->daddr.s_addr = 0;
    in->dport = 0;
    return 0;
}

static int ping4_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    /* inet_dgram_connect then ip4_datagram_connect, as UDP */
    struct inet_sock *in = inet_sk(so);
    int rc = dgram_connect_begin(in, sa, len);
    return rc == 1 ? udp4_connect(in, sa, len) : rc;
}

int ping_ioctl(struct bsock *so, unsigned long req, void *arg)
{
    /* ping_prot has no ioctl: inet_ioctl's -ENOIOCTLCMD, which
     * sock_do_ioctl turns into ENOTTY for SIOCINQ / SIOCOUTQ */
    (void)so;
    (void)req;
    (void)arg;
    return -ENOTTY;
}

static int ping4_resolve_protocol(int protocol)
{
    return protocol == IPPROTO_ICMP ? IPPROTO_ICMP : -EPROTONOSUPPORT;
}

/* ping_prot: ip_setsockopt / ip_getsockopt (the SOL_SOCKET hooks as UDP's) */
static int ping4_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    if (level == IPPROTO_UDP)
        return -ENOPROTOOPT;
    return udp_setsockopt(so, level, name, val, len);
}

static int ping4_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    if (level == IPPROTO_UDP)
        return -EOPNOTSUPP;
    return udp_getsockopt(so, level, name, val, len);
}

const struct sock_ops ping4_ops = {
    .family = AF_INET,
    .type = SOCK_DGRAM,
    .obj_size = sizeof(struct udp_sock),
    .resolve_protocol = ping4_resolve_protocol,
    .init = ping_init,
    .release = udp_release,
    .bind = ping4_bind,
    .sendmsg = ping4_sendmsg,
    .recvmsg = ping_recvmsg,
};
/* The calls a program may never make, each in its own table (sock.h). */
const struct sock_connect_ops ping4_connect_ops = {.connect = ping4_connect};
const struct sock_opt_ops ping4_opt_ops = {.setsockopt = ping4_setsockopt,
                                           .getsockopt = ping4_getsockopt};
const struct sock_ioctl_ops ping_ioctl_ops = {.ioctl = ping_ioctl};
