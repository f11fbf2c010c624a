/* udp_sock.c — the AF_INET/SOCK_DGRAM operations (Linux's udp_sendmsg,
 * udp_recvmsg, ip4_datagram_connect, __udp_disconnect, udp_poll), and what
 * AF_INET6 UDP sockets share with them (udp6_sock.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip_route.h"
#include "socket/sock_registry.h"
#include "udp/udp.h"
#include "udp/udp_sock.h"

#define UDP_MAX_PAYLOAD (IP4_MAXPACKET - IP4_HLEN - UDP_HLEN) /* 65507 */
#ifndef UDP_CORK
#define UDP_CORK 1 /* <netinet/udp.h>; SOL_UDP is IPPROTO_UDP */
#endif

int udp_resolve_protocol(int protocol)
{
    if (protocol == 0 || protocol == IPPROTO_UDP)
        return IPPROTO_UDP;
    return -EPROTONOSUPPORT;
}

/* ---- corking (Linux's up->pending, ip_append_data, udp_push_pending_frames) ---- */

bool udp_pending(const struct udp_sock *us) { return us->cork && us->cork->p; }

/* The cork block, allocated the first time the socket corks. */
struct udp_cork *udp_cork_get(struct udp_sock *us)
{
    if (!us->cork) {
        us->cork = st_alloc(us->inet.sk.st, sizeof(*us->cork));
        if (us->cork)
            memset(us->cork, 0, sizeof(*us->cork));
    }
    return us->cork;
}

/* udp_flush_pending_frames: the gathered datagram is thrown away. */
void udp_cork_flush(struct udp_sock *us)
{
    if (udp_pending(us)) {
        pkt_free(us->inet.sk.st, us->cork->p);
        us->cork->p = NULL;
    }
}

int udp_init(struct bsock *so)
{
    inet_sock_init(&udp_sk(so)->inet);
    return 0;
}

void udp_release(struct bsock *so)
{
    struct udp_sock *us = udp_sk(so);
    inet_unhash(&us->inet);
    struct pkt *p;
    while ((p = udp_rxq_pop(us)))
        pkt_free(so->st, p);
    /* udp_destroy_sock: a corked datagram is thrown away, not sent. */
    if (us->cork) {
        udp_cork_flush(us);
        st_free(so->st, us->cork);
        us->cork = NULL;
    }
}

/* Resolve the route for dst the way ip_route_connect does: an unspecified
 * destination means this host. */
/* ip_route_output_key_hash_rcu: "connect to this host" - a destination of
 * 0.0.0.0 becomes the socket's own source address, or 127.0.0.1 when it
 * has none. */
static struct in_addr route_dst(struct in_addr dst, struct in_addr saddr)
{
    if (dst.s_addr == INADDR_ANY)
        dst.s_addr = saddr.s_addr ? saddr.s_addr : htonl(INADDR_LOOPBACK);
    return dst;
}

static int udp_disconnect(struct inet_sock *in)
{
    in->state = INET_CLOSE;
    in->daddr.s_addr = 0;
    in->dport = 0;
    sock_set_bound_if(&in->sk, 0); /* Linux clears sk_bound_dev_if here too (no allocation) */
    if (!in->bindaddr_lock) {
        in->saddr.s_addr = 0;
        in->bnode.addr.s_addr = 0;
        inet6_forget(in, false, true);
    }
    if (!in->bindport_lock)
        inet_unhash(in);
    return 0;
}

/* inet_dgram_connect: the address length, AF_UNSPEC as disconnect, then an
 * autobind that happens whatever the protocol's checks say next. Returns 1
 * when the family's connect should go on, else the call's result. */
int dgram_connect_begin(struct inet_sock *in, const struct sockaddr *sa, socklen_t len)
{
    if (len < sizeof(sa->sa_family))
        return -EINVAL;
    if (sa->sa_family == AF_UNSPEC)
        return udp_disconnect(in);
    if (!inet_num(in) && inet_autobind(in))
        return -EAGAIN;
    return 1;
}

static int udp_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct inet_sock *in = inet_sk(so);
    int rc = dgram_connect_begin(in, sa, len);
    return rc == 1 ? udp4_connect(in, sa, len) : rc;
}

/* __ip4_datagram_connect */
int udp4_connect(struct inet_sock *in, const struct sockaddr *sa, socklen_t len)
{
    struct bsock *so = &in->sk;
    struct berth_stack *st = so->st;
    struct sockaddr_in sin;
    if (len < sizeof(sin))
        return -EINVAL;
    memcpy(&sin, sa, sizeof(sin));
    if (sin.sin_family != AF_INET)
        return -EAFNOSUPPORT;
    struct in_addr dst = route_dst(sin.sin_addr, in->saddr), nexthop, src;
    berth_netif *ifp = ip4_route_output(st, dst, in->saddr, &nexthop, &src);
    if (!ifp) {
        SNMP_INC(st, Ip, OutNoRoutes);
        return -ENETUNREACH;
    }
    if (ip4_is_bcast(st, dst) && !so->broadcast)
        return -EACCES;
    if (!in->saddr.s_addr)
        in->saddr = src;
    if (!in->bnode.addr.s_addr)
        in->bnode.addr = src;
    in->daddr = dst;
    in->dport = sin.sin_port;
    in->state = INET_ESTABLISHED;
    struct udp_sock *us = udp_sk(so);
    if (udp_pending(us) && udp_pending_v4(us)) {
        /* Linux routes the connect into inet->cork.fl, the flow a pending
         * datagram will be sent on: it now goes to the new peer. */
        struct pkt *p = us->cork->p;
        struct udp_hdr uh = {.dest = sin.sin_port};
        memcpy(p->data, &uh, sizeof(uh));
        p->src = inet_addr_from4(src);
        p->dst = inet_addr_from4(dst);
    }
    return 0;
}

/* Fill in the UDP header and checksum of the datagram at p->data (header
 * and payload) and hand it to IP (udp_send_skb). Consumes p. */
static int udp_send_dgram(struct inet_sock *in, struct pkt *p, berth_netif *ifp,
                          struct in_addr nexthop, struct in_addr src, struct in_addr dst,
                          uint16_t dport, uint8_t tos, uint8_t ttl)
{
    struct berth_stack *st = in->sk.st;
    uint16_t ulen = (uint16_t)p->len;
    struct udp_hdr uh = {
        .source = htons(inet_num(in)), .dest = dport, .len = htons(ulen), .check = 0};
    memcpy(p->data, &uh, sizeof(uh));
    uint32_t sum = inet_pseudo4(src, dst, IPPROTO_UDP, ulen);
    uint16_t ck = inet_csum_fold(inet_csum_add(sum, p->data, ulen));
    if (ck == 0)
        ck = 0xffff; /* RFC 768: a computed zero is sent as all ones */
    memcpy(p->data + 6, &ck, 2);
    struct ip4_out o = {.src = src,
                        .dst = dst,
                        .proto = IPPROTO_UDP,
                        .ttl = ttl ? ttl : (uint8_t)inet_ttl(in),
                        .tos = tos,
                        .df = false,
                        .oif = ifp,
                        .nexthop = nexthop};
    SNMP_INC(st, Udp, OutDatagrams);
    int rc = ip4_output(st, p, &o);
    if (rc == ENOBUFS && !in->recverr) {
        /* udp_send_skb: a full device queue is a silent drop unless the
         * application asked for errors with IP_RECVERR. */
        SNMP_INC(st, Udp, SndbufErrors);
        rc = 0;
    }
    return -rc;
}

/* udp_push_pending_frames: send the gathered datagram to the flow of the
 * first corked send (a connect() since then moved it, as Linux's connect
 * rewrites inet->cork.fl). The TOS is the one of the first send, the TTL
 * its IP_TTL control message's, else the socket's now (ip_setup_cork
 * keeps ipc.tos and ipc.ttl, 0 when none was given). */
int udp_push_pending(struct udp_sock *us)
{
    if (!udp_pending(us))
        return 0;
#if BERTH_WITH_IPV6
    if (!udp_pending_v4(us))
        return udp6_push_pending(us);
#endif
    struct inet_sock *in = &us->inet;
    struct berth_stack *st = in->sk.st;
    struct pkt *p = us->cork->p;
    us->cork->p = NULL;
    struct udp_hdr uh;
    memcpy(&uh, p->data, sizeof(uh));
    struct in_addr nexthop, src;
    berth_netif *ifp = ip4_route_output(st, pkt_dst4(p), in->saddr, &nexthop, &src);
    if (!ifp) {
        /* Linux holds the route from the first send; berth looks it up
         * again, so an interface removed meanwhile loses the datagram. */
        SNMP_INC(st, Ip, OutNoRoutes);
        pkt_free(st, p);
        return -ENETUNREACH;
    }
    return udp_send_dgram(in, p, ifp, nexthop, pkt_src4(p), pkt_dst4(p), uh.dest, p->tos, p->ttl);
}

/* ip_append_data / ip6_append_data on a corked socket: add total bytes to
 * the pending datagram. The whole datagram must fit what the first corked
 * send allowed (cork->max: one IP packet, or the MTU without
 * fragmentation; EMSGSIZE), and any
 * failure throws away what was gathered (udp_sendmsg's flush). The address,
 * shutdown and pending error are not looked at: Linux only checks them
 * when the first piece allocates the socket's buffer. */
ssize_t udp_cork_append(struct udp_sock *us, const struct msghdr *msg, size_t total, bool more)
{
    struct berth_stack *st = us->inet.sk.st;
    struct pkt *p = us->cork->p;
    if (total > us->cork->max || p->len + total > us->cork->max) {
        udp_cork_flush(us);
        return -EMSGSIZE;
    }
    if (pkt_headroom(p) + p->len + total > p->cap) {
        /* Grow by doubling, up to the largest datagram. */
        size_t want = p->len + total, len = 2 * (size_t)p->len;
        if (len < want)
            len = want;
        if (len > us->cork->max)
            len = us->cork->max;
        struct pkt *n = pkt_alloc(st, PKT_HEADROOM, len);
        if (!n) {
            SNMP_INC(st, Udp, SndbufErrors);
            udp_cork_flush(us);
            return -ENOBUFS;
        }
        memcpy(n->data, p->data, p->len);
        n->len = p->len;
        n->src = p->src;
        n->dst = p->dst;
        n->tos = p->tos;
        n->ttl = p->ttl;
        pkt_free(st, p);
        us->cork->p = p = n;
    }
    if (iov_gather(p->data + p->len, msg, total)) {
        udp_cork_flush(us);
        return -EFAULT;
    }
    p->len += (uint32_t)total;
    if (!more) {
        int rc = udp_push_pending(us);
        if (rc)
            return rc;
    }
    return (ssize_t)total;
}

/* ip_cmsg_send: IP_TTL (exactly an int, 1..255), IP_TOS (an int or a
 * byte, 0..255), IP_PKTINFO (exactly an in_pktinfo), and for an AF_INET6
 * socket IPV6_PKTINFO with a v4-mapped source (anything else EINVAL);
 * other IPPROTO_IP types are EINVAL, other levels ignored (SOL_SOCKET as
 * for IPv6: SCM_RIGHTS / SCM_CREDENTIALS pass, the rest EINVAL). */
int ip4_cmsg_send(const struct msghdr *msg, bool allow_ipv6, struct ipcm4 *c)
{
    const unsigned char *ctl = msg->msg_control;
    size_t clen = msg->msg_controllen, off = 0;
    while (ctl && clen - off >= sizeof(struct cmsghdr)) {
        struct cmsghdr h;
        if (copy_from_user(&h, ctl + off, sizeof(h)))
            return -EFAULT;
        if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > clen - off)
            return -EINVAL;
        unsigned char d[sizeof(struct in6_pktinfo)];
        size_t dlen = h.cmsg_len - CMSG_LEN(0);
        memset(d, 0, sizeof(d));
        if (dlen && copy_from_user(d, ctl + off + CMSG_LEN(0), dlen < sizeof(d) ? dlen : sizeof(d)))
            return -EFAULT;
        int v;
        memcpy(&v, d, sizeof(v));
        if (allow_ipv6 && h.cmsg_level == IPPROTO_IPV6 && h.cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo pi;
            if (h.cmsg_len < CMSG_LEN(sizeof(pi)))
                return -EINVAL;
            memcpy(&pi, d, sizeof(pi));
            if (!IN6_IS_ADDR_V4MAPPED(&pi.ipi6_addr))
                return -EINVAL;
            if (pi.ipi6_ifindex)
                c->oif = pi.ipi6_ifindex;
            memcpy(&c->addr, &pi.ipi6_addr.s6_addr[12], 4);
        } else if (h.cmsg_level == SOL_SOCKET) {
            if (h.cmsg_type != SCM_RIGHTS && h.cmsg_type != SCM_CREDENTIALS)
                return -EINVAL;
        } else if (h.cmsg_level == IPPROTO_IP) {
            switch (h.cmsg_type) {
            case IP_PKTINFO: {
                struct in_pktinfo pi;
                if (h.cmsg_len != CMSG_LEN(sizeof(pi)))
                    return -EINVAL;
                memcpy(&pi, d, sizeof(pi));
                if (pi.ipi_ifindex)
                    c->oif = (unsigned)pi.ipi_ifindex;
                c->addr = pi.ipi_spec_dst;
                break;
            }
            case IP_TTL:
                if (h.cmsg_len != CMSG_LEN(sizeof(int)) || v < 1 || v > 255)
                    return -EINVAL;
                c->ttl = v;
                break;
            case IP_TOS:
                if (h.cmsg_len == CMSG_LEN(1))
                    v = d[0];
                else if (h.cmsg_len != CMSG_LEN(sizeof(int)))
                    return -EINVAL;
                if (v < 0 || v > 255)
                    return -EINVAL;
                c->tos = v;
                break;
            default: /* IP_RETOPTS (options are not sent) and the rest */
                return -EINVAL;
            }
        }
        off += CMSG_ALIGN(h.cmsg_len);
        if (off > clen)
            break;
    }
    return 0;
}

/* udp_sendmsg, with `cmsg` parsing the control messages (NULL: the call
 * has none). */
static ssize_t udp_send(struct bsock *so, const struct msghdr *msg, size_t total, int flags,
                        int (*cmsg)(const struct msghdr *, bool, struct ipcm4 *))
{
    struct inet_sock *in = inet_sk(so);
    struct udp_sock *us = udp_sk(so);
    struct berth_stack *st = so->st;
    /* inet_send_prepare: autobind first, whatever comes next. */
    if (!inet_num(in) && inet_autobind(in))
        return -EAGAIN;
    if (total > 0xffff)
        return -EMSGSIZE;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    bool corkreq = (us->cork && us->cork->on) || (flags & MSG_MORE);
    /* Pending data: this send is appended whatever address it names, but
     * not to an IPv6 datagram (udp_sendmsg: "pending != AF_INET"). */
    if (udp_pending(us))
        return udp_pending_v4(us) ? udp_cork_append(us, msg, total, corkreq) : -EINVAL;
    struct in_addr dst;
    uint16_t dport;
    if (msg->msg_name) {
        struct sockaddr_in sin;
        if (msg->msg_namelen < sizeof(sin))
            return -EINVAL;
        memcpy(&sin, msg->msg_name, sizeof(sin));
        if (sin.sin_family != AF_INET && sin.sin_family != AF_UNSPEC)
            return -EAFNOSUPPORT;
        dst = sin.sin_addr;
        dport = sin.sin_port;
        if (dport == 0)
            return -EINVAL;
    } else {
        if (in->state != INET_ESTABLISHED)
            return -EDESTADDRREQ;
        dst = in->daddr;
        dport = in->dport;
    }
    struct ipcm4 c;
    struct in_addr saddr;
    int crc = ip4_send_cmsgs(in, msg, cmsg, &c, &saddr);
    if (crc)
        return crc;
    dst = route_dst(dst, saddr);
    struct in_addr nexthop, src;
    berth_netif *ifp = ip4_route_output(st, dst, saddr, &nexthop, &src);
    if (!ifp) {
        SNMP_INC(st, Ip, OutNoRoutes);
        return -ENETUNREACH;
    }
    uint8_t tos = (uint8_t)(c.tos >= 0 ? c.tos : in->tos);
    if (ip4_is_bcast(st, dst) && !so->broadcast)
        return -EACCES;
    /* __ip_append_data: the datagram must fit in one IP packet. */
    if (total > UDP_MAX_PAYLOAD)
        return -EMSGSIZE;
    /* sock_alloc_send_pskb: pending error, then shutdown. */
    int err = sock_take_error(so);
    if (err)
        return err;
    if (so->shut & SEND_SHUTDOWN)
        return -EPIPE;
    if (corkreq && !udp_cork_get(us)) {
        SNMP_INC(st, Udp, SndbufErrors);
        return -ENOBUFS;
    }
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, UDP_HLEN + total);
    if (!p) {
        SNMP_INC(st, Udp, SndbufErrors);
        return -ENOBUFS;
    }
    if (iov_gather(p->data + UDP_HLEN, msg, total)) {
        pkt_free(st, p);
        return -EFAULT;
    }
    if (corkreq) {
        /* The first corked send fixes the flow (udp_sendmsg's "cork the
         * socket to pend data"); the header is written at the push. */
        struct udp_hdr uh = {.dest = dport};
        memcpy(p->data, &uh, sizeof(uh));
        p->src = inet_addr_from4(src);
        p->dst = inet_addr_from4(dst);
        p->tos = tos;
        p->ttl = (uint8_t)c.ttl;
        us->cork->p = p;
        us->cork->max = UDP_HLEN + UDP_MAX_PAYLOAD;
        return (ssize_t)total;
    }
    int rc = udp_send_dgram(in, p, ifp, nexthop, src, dst, dport, tos, (uint8_t)c.ttl);
    if (rc)
        return rc;
    return (ssize_t)total;
}

/* sendto, send, write: no control messages (the ops table's). */
static ssize_t udp_sendmsg_plain(struct bsock *so, const struct msghdr *msg, size_t total,
                                 int flags)
{
    return udp_send(so, msg, total, flags, NULL);
}

/* sendmsg (sock_sendmsg_by_id[]), and udp6's for a v4-mapped destination:
 * the control messages too (ip_cmsg_send). */
ssize_t udp_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    return udp_send(so, msg, total, flags, ip4_cmsg_send);
}

/* __skb_recv_udp: the first queued datagram (*out, left queued; 1), or
 * a pending error, EAGAIN, 0 at SHUT_RD, or the wait's error (EINTR,
 * timeout). Shared by UDP and ping sockets. */
int udp_recv_wait(struct bsock *so, int flags, struct pkt **out)
{
    struct udp_sock *us = udp_sk(so);
    if (flags & MSG_ERRQUEUE)
        return -EAGAIN; /* no error queue yet: IP_RECVERR records are not kept */
    uint64_t deadline = sock_deadline(so, true);
    for (;;) {
        int err = sock_take_error(so);
        if (err)
            return err;
        *out = udp_rxq_head(us);
        if (*out)
            return 1;
        /* A non-blocking call never waits, so it sees EAGAIN even after
         * SHUT_RD; a blocking one returns 0. */
        if (flags & MSG_DONTWAIT)
            return -EAGAIN;
        if (so->shut & RCV_SHUTDOWN)
            return 0;
        int rc = sock_wait(so, deadline);
        if (rc)
            return rc;
    }
}

/* udp_recv_wait for a MSG_PEEK with SO_PEEK_OFF on: the datagram the
 * offset falls in and the offset into it (*off). The offset skips whole
 * datagrams it reaches the end of (__skb_try_recv_from_queue); when it
 * passes them all, the call waits or fails as on an empty queue. */
static int udp_peek_wait(struct bsock *so, int flags, struct pkt **out, size_t *off)
{
    struct udp_sock *us = udp_sk(so);
    uint64_t deadline = sock_deadline(so, true);
    for (;;) {
        int err = sock_take_error(so);
        if (err)
            return err;
        size_t skip = (size_t)sock_peek_off(so);
        struct pkt *head = udp_rxq_head(us), *p = head;
        while (p) {
            size_t ulen = p->len - UDP_HLEN;
            if (skip < ulen || !skip) /* at 0 an empty datagram is taken */
                break;
            skip -= ulen;
            p = p == us->rxq_tail ? NULL : p->next;
        }
        if (p) {
            *out = p;
            *off = skip;
            return 1;
        }
        if (flags & MSG_DONTWAIT)
            return -EAGAIN;
        if (so->shut & RCV_SHUTDOWN)
            return 0;
        int rc = sock_wait(so, deadline);
        if (rc)
            return rc;
    }
}

int ip4_send_cmsgs(struct inet_sock *in, const struct msghdr *msg,
                   int (*cmsg)(const struct msghdr *, bool, struct ipcm4 *), struct ipcm4 *c,
                   struct in_addr *saddr)
{
    struct berth_stack *st = in->sk.st;
    *c = (struct ipcm4){.ttl = 0, .tos = -1, .oif = 0, .addr = {0}};
    if (cmsg && msg->msg_control && msg->msg_controllen) {
        int rc = cmsg(msg, sock_family(&in->sk) == AF_INET6, c);
        if (rc)
            return rc;
    }
    *saddr = c->addr.s_addr ? c->addr : in->saddr;
    if (c->addr.s_addr) {
        /* __ip_route_output_key: a multicast or broadcast source is
         * EINVAL, one that is not ours finds no route. */
        if (ip4_is_multicast(c->addr) || c->addr.s_addr == INADDR_BROADCAST)
            return -EINVAL;
        if (ip4_addr_type(st, c->addr) != IP_ADDR_LOCAL) {
            SNMP_INC(st, Ip, OutNoRoutes);
            return -ENETUNREACH;
        }
    }
    /* An interface that does not exist is ENODEV. (Routing does not follow
     * the interface: berth's IPv4 routes by destination, deviations.md.) */
    if (c->oif && !berth_netif_by_index(st, c->oif))
        return -ENODEV;
    return 0;
}

/* udp_recvmsg, with `put` writing an IPv4 datagram's control messages
 * (NULL: the caller has no control buffer). */
static ssize_t udp_recv(struct bsock *so, struct msghdr *msg, int flags,
                        void (*put)(struct inet_sock *, struct msghdr *, const struct pkt *))
{
    struct udp_sock *us = udp_sk(so);
    struct berth_stack *st = so->st;
    struct pkt *p;
    size_t off = 0;
    bool peek_at_off = (flags & (MSG_PEEK | MSG_ERRQUEUE)) == MSG_PEEK && sock_peek_off(so) >= 0;
    int rc = peek_at_off ? udp_peek_wait(so, flags, &p, &off) : udp_recv_wait(so, flags, &p);
    if (rc <= 0)
        return rc;
    size_t ulen = p->len - UDP_HLEN;
    size_t want = 0;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen; i++)
        want += msg->msg_iov[i].iov_len;
    /* udp_recvmsg: a peek offset copies from `off` in; MSG_TRUNC is still
     * measured against the whole datagram. */
    size_t copied = want;
    if (copied > ulen - off)
        copied = ulen - off;
    else if (copied < ulen)
        msg->msg_flags |= MSG_TRUNC;
    if (iov_scatter(msg, p->data + UDP_HLEN + off, copied)) {
        /* Linux drops the datagram it could not copy (unless peeking). */
        if (!(flags & MSG_PEEK)) {
            UDPX_INC(st, pkt_is_v6(p), InErrors);
            pkt_free(st, udp_rxq_pop(us));
        }
        return -EFAULT;
    }
#if BERTH_WITH_IPV6
    if (sock_family(so) == AF_INET6) {
        /* udpv6_recvmsg: counted in the datagram's family; the name is a
         * sockaddr_in6 either way */
        if (msg->msg_name)
            udp6_put_name(msg, p);
        inet6_put_cmsgs(&us->inet, msg, p);
    } else
#endif
    {
        if (msg->msg_name) {
            struct sockaddr_in sin;
            memset(&sin, 0, sizeof(sin));
            sin.sin_family = AF_INET;
            memcpy(&sin.sin_port, p->data, 2);
            sin.sin_addr = pkt_src4(p);
            memcpy(msg->msg_name, &sin, sizeof(sin));
            msg->msg_namelen = sizeof(sin);
        }
        if (put)
            put(&us->inet, msg, p);
    }
    size_t ret = (flags & MSG_TRUNC) ? ulen : copied;
    /* skb_consume_udp: SO_PEEK_OFF moves by what is returned. */
    sock_peek_off_move(so, flags & MSG_PEEK, ret);
    if (!(flags & MSG_PEEK)) {
        UDPX_INC(st, pkt_is_v6(p), InDatagrams);
        pkt_free(st, udp_rxq_pop(us));
    }
    return (ssize_t)ret;
}

/* recvfrom, recv, read: no control buffer, so no control messages (Linux
 * would only set MSG_CTRUNC, which recvfrom does not return). udp4's ops
 * table's. */
static ssize_t udp_recvmsg_plain(struct bsock *so, struct msghdr *msg, int flags)
{
    return udp_recv(so, msg, flags, NULL);
}

/* recvmsg (sock_recvmsg_by_id[]), and udp6's ops table's. */
ssize_t udp_recvmsg(struct bsock *so, struct msghdr *msg, int flags)
{
    return udp_recv(so, msg, flags, inet_put_cmsgs);
}

int udp_shutdown(struct bsock *so, int how)
{
    struct inet_sock *in = inet_sk(so);
    /* inet_shutdown: an unconnected socket reports ENOTCONN but still
     * records the shutdown (it wakes pollers with POLLHUP). */
    so->shut |= (unsigned)how;
    sock_wake(so);
    return in->state == INET_CLOSE ? -ENOTCONN : 0;
}

unsigned udp_poll(struct bsock *so)
{
    struct udp_sock *us = udp_sk(so);
    unsigned m = 0;
    if (so->so_error)
        m |= POLLERR;
    if (so->shut & RCV_SHUTDOWN)
        m |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (so->shut == (RCV_SHUTDOWN | SEND_SHUTDOWN))
        m |= POLLHUP;
    if (udp_rxq_head(us))
        m |= POLLIN | POLLRDNORM;
    m |= POLLOUT | POLLWRNORM | POLLWRBAND; /* datagrams never wait for buffer space here */
    return m;
}

int udp_ioctl(struct bsock *so, unsigned long req, void *arg)
{
    struct udp_sock *us = udp_sk(so);
    int v;
    switch (req) {
    case SIOCINQ: /* == FIONREAD: size of the next datagram's payload */
        v = udp_rxq_head(us) ? (int)(udp_rxq_head(us)->len - UDP_HLEN) : 0;
        break;
    case SIOCOUTQ:
        /* Sends complete synchronously: only a corked datagram is held
         * (Linux counts its buffer, sk_wmem_alloc). */
        v = udp_pending(us) ? (int)us->cork->p->truesize : 0;
        break;
    default:
        return -ENOTTY;
    }
    return copy_to_user(arg, &v, sizeof(v));
}

/* udp_lib_setsockopt: SOL_UDP options. Only UDP_CORK is built; the
 * others (UDP_SEGMENT, UDP_GRO, UDP_ENCAP...) are ENOPROTOOPT. */
static int udp_lib_setsockopt(struct udp_sock *us, int name, const void *val, socklen_t len)
{
    int v;
    if (len < (socklen_t)sizeof(int))
        return -EINVAL;
    if (copy_from_user(&v, val, sizeof(v)))
        return -EFAULT;
    if (name != UDP_CORK)
        return -ENOPROTOOPT;
    if (v) {
        struct udp_cork *ck = udp_cork_get(us);
        if (!ck)
            return -ENOMEM;
        ck->on = true;
    } else if (us->cork) {
        us->cork->on = false;
        udp_push_pending(us); /* its error is not the call's (Linux ignores it) */
    }
    return 0;
}

static int udp_lib_getsockopt(struct udp_sock *us, int name, void *val, socklen_t *len)
{
    int ulen;
    if (copy_from_user(&ulen, len, sizeof(ulen)))
        return -EFAULT;
    if (ulen < 0)
        return -EINVAL;
    if (ulen > (int)sizeof(int))
        ulen = sizeof(int);
    if (name != UDP_CORK)
        return -ENOPROTOOPT;
    int v = us->cork && us->cork->on;
    socklen_t out = (socklen_t)ulen;
    if (copy_to_user(len, &out, sizeof(out)))
        return -EFAULT;
    return copy_to_user(val, &v, (size_t)ulen);
}

int udp_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    if (level == SOL_SOCKET) {
        inet_sync_node(inet_sk(so)); /* SO_REUSEADDR etc. count from now on */
        return 0;
    }
    if (level == IPPROTO_UDP)
        return udp_lib_setsockopt(udp_sk(so), name, val, len);
    if (level != IPPROTO_IP)
        return -ENOPROTOOPT;
    return ip_setsockopt(so, name, val, len);
}

int udp_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    if (level == SOL_SOCKET)
        return name == SO_ACCEPTCONN ? (*(int *)val = 0, 0) : -ENOPROTOOPT;
    if (level == IPPROTO_UDP)
        return udp_lib_getsockopt(udp_sk(so), name, val, len);
    if (level != IPPROTO_IP)
        return -EOPNOTSUPP;
    return ip_getsockopt(so, name, val, len);
}

const struct sock_ops udp4_ops = {
    .family = AF_INET,
    .type = SOCK_DGRAM,
    .obj_size = sizeof(struct udp_sock),
    .resolve_protocol = udp_resolve_protocol,
    .init = udp_init,
    .release = udp_release,
    .bind = inet_bind,
    .sendmsg = udp_sendmsg_plain,
    .recvmsg = udp_recvmsg_plain,
};
/* The calls a firmware may never make (sock.h). udp6 shares the last three. */
const struct sock_connect_ops udp4_connect_ops = {udp_connect};
const struct sock_sendmsg_ops udp4_sendmsg_ops = {udp_sendmsg};
const struct sock_recvmsg_ops udp4_recvmsg_ops = {udp_recvmsg};
const struct sock_opt_ops udp4_opt_ops = {udp_setsockopt, udp_getsockopt};
const struct sock_shutdown_ops udp_shutdown_ops = {udp_shutdown};
const struct sock_poll_ops udp_poll_ops = {udp_poll};
const struct sock_ioctl_ops udp_ioctl_ops = {udp_ioctl};
