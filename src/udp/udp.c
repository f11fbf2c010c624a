/* udp.c — UDP receive path for both families: validation, demux through
 * the bind table, and ICMP / ICMPv6 error delivery (Linux's __udp4_lib_rcv /
 * __udp6_lib_rcv, __udp4_lib_lookup / __udp6_lib_lookup, __udp4_lib_err /
 * __udp6_lib_err). An IPv6 datagram reaches only AF_INET6 sockets; an IPv4
 * one reaches AF_INET sockets and dual-stack AF_INET6 ones (v4-mapped). */
#include "udp/udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "bind/bind.h"
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "ip/ip_proto.h"
#include "udp/udp_sock.h"

/* The peer a socket is connected to, for a datagram from saddr: an IPv4
 * one through inet_daddr (0: none), an IPv6 one through sk_v6_daddr (::
 * none; Linux's disconnect leaves it, so it keeps filtering). */
static int peer_score(struct inet_sock *in, const union inet_addr *saddr)
{
    if (inet_addr_is_v4(saddr)) {
        if (!in->daddr.s_addr)
            return 0;
        return in->daddr.s_addr == saddr->w[3] ? 4 : -1;
    }
#if BERTH_WITH_IPV6
    const struct in6_addr *peer = &inet6_info(in)->daddr;
    if (IN6_IS_ADDR_UNSPECIFIED(peer))
        return 0;
    return memcmp(peer, &saddr->in6, sizeof(*peer)) == 0 ? 4 : -1;
#else
    return -1;
#endif
}

/* compute_score(): -1 if sk cannot take the datagram; higher is better.
 * Connected peers and bound devices each add 4, as in Linux. (Only
 * AF_INET6 owners match an IPv6 destination: bind_node_match.) */
static int score(const struct bind_node *n, const union inet_addr *saddr, uint16_t sport,
                 const union inet_addr *daddr, unsigned ifindex)
{
    struct inet_sock *in = inet_of_node(n);
    if (!in || !bind_node_match(n, daddr))
        return -1;
    int s = bind_node_v6(n) ? 1 : 2; /* a plain IPv4 socket wins a tie */
    int ps = peer_score(in, saddr);
    if (ps < 0)
        return -1;
    s += ps;
    if (in->dport) {
        if (in->dport != sport)
            return -1;
        s += 4;
    }
    if (n->bound_if) {
        if (n->bound_if != ifindex)
            return -1;
        s += 4;
    }
    return s;
}

/* Best socket for a unicast datagram: specific local address first, then
 * the wildcard (Linux's two hslot2 passes). Among equals, SO_REUSEPORT
 * groups are spread by a hash of the 4-tuple; otherwise the newest wins. */
static struct udp_sock *lookup(struct berth_stack *st, const union inet_addr *saddr, uint16_t sport,
                               const union inet_addr *daddr, uint16_t dport, unsigned ifindex)
{
    struct bind_node *owners = bind_owners(st->udp_bind, ntohs(dport));
    union inet_addr pass[2] = {*daddr, inet_addr_any_of(daddr)};
    for (int i = 0; i < 2; i++) {
        struct bind_node *best = NULL;
        int best_score = -1, matches = 0;
        for (struct bind_node *n = owners; n; n = n->next) {
            int s = score(n, saddr, sport, &pass[i], ifindex);
            if (s > best_score) {
                best = n;
                best_score = s;
                matches = 1;
            } else if (s == best_score && s >= 0 && n->reuseport && best->reuseport) {
                matches++;
            }
        }
        if (best && matches > 1) {
            uint32_t tuple[3] = {inet_addr_fold(saddr), inet_addr_fold(daddr),
                                 ((uint32_t)sport << 16) | dport};
            uint32_t pick = stack_hash32(st, tuple, sizeof(tuple)) % (uint32_t)matches;
            for (struct bind_node *n = owners; n; n = n->next)
                if (score(n, saddr, sport, &pass[i], ifindex) == best_score && n->reuseport &&
                    pick-- == 0) {
                    best = n;
                    break;
                }
        }
        if (best)
            return udp_sk(inet_node_sock(best));
        if (inet_addr_is_any(daddr))
            break;
    }
    return NULL;
}

void udp_queue_rcv(struct berth_stack *st, struct udp_sock *us, struct pkt *p)
{
    struct bsock *so = &us->inet.sk;
    /* __udp_enqueue_schedule_skb: refuse once the queue is over rcvbuf (so
     * the last datagram admitted may overshoot it, as in Linux). */
    bool v6 = pkt_is_v6(p);
    if (so->rmem_alloc > (size_t)so->rcvbuf) {
        UDPX_INC(st, v6, RcvbufErrors);
        UDPX_INC(st, v6, InErrors);
        TRACE(st, "udp drop: receive buffer full on port %u", inet_num(&us->inet));
        pkt_free(st, p);
        return;
    }
    /* A datagram held by the memory reserve cannot be charged to the
     * socket: dropped as __udp_enqueue_schedule_skb drops one when
     * sk_rmem_schedule fails under udp_mem pressure (ENOBUFS: MemErrors). */
    if (p->reserve) {
        UDPX_INC(st, v6, MemErrors);
        UDPX_INC(st, v6, InErrors);
        pkt_free(st, p);
        return;
    }
    udp_rxq_push(us, p);
    sock_wake(so);
}

/* May socket in take a multicast or broadcast datagram p from sport?
 * (__udp_is_mcast_sock / __udp_v6_is_mcast_sock; group membership is the
 * interface's, not checked per socket.) */
static bool mcast_sock(const struct bind_node *n, const struct pkt *p, uint16_t sport)
{
    struct inet_sock *in = inet_of_node(n);
    if (!in || (in->dport && in->dport != sport))
        return false;
    if (n->bound_if && (!p->ifp || n->bound_if != berth_netif_index(p->ifp)))
        return false;
    if (!pkt_is_v6(p)) {
        if (n->v6only || (n->addr.s_addr && n->addr.s_addr != p->dst.w[3]))
            return false;
        return !in->daddr.s_addr || in->daddr.s_addr == p->src.w[3];
    }
#if BERTH_WITH_IPV6
    if (!bind_node_v6(n))
        return false;
    const struct inet6_info *np = inet6_info(in);
    if (!IN6_IS_ADDR_UNSPECIFIED(&np->rcv_saddr) &&
        memcmp(&np->rcv_saddr, &p->dst.in6, sizeof(struct in6_addr)) != 0)
        return false;
    return IN6_IS_ADDR_UNSPECIFIED(&np->daddr) ||
           memcmp(&np->daddr, &p->src.in6, sizeof(struct in6_addr)) == 0;
#else
    return false;
#endif
}

static void deliver_multi(struct berth_stack *st, struct pkt *p, uint16_t sport, uint16_t dport)
{
    struct bsock *last = NULL;
    for (struct bind_node *n = bind_owners(st->udp_bind, ntohs(dport)); n; n = n->next) {
        if (!mcast_sock(n, p, sport))
            continue;
        if (last) {
            struct pkt *c = pkt_clone(st, p);
            if (c)
                udp_queue_rcv(st, udp_sk(last), c);
        }
        last = inet_node_sock(n);
    }
    if (last)
        udp_queue_rcv(st, udp_sk(last), p);
    else {
        UDPX_INC(st, pkt_is_v6(p), IgnoredMulti);
        pkt_free(st, p);
    }
}

/* The datagram's checksum is right (the pseudo-header of its family). */
static bool csum_ok(const struct pkt *p, unsigned ulen)
{
    uint32_t sum;
#if BERTH_WITH_IPV6
    if (pkt_is_v6(p))
        sum = inet_pseudo6(&p->src.in6, &p->dst.in6, IPPROTO_UDP, ulen);
    else
#endif
        sum = inet_pseudo4(pkt_src4(p), pkt_dst4(p), IPPROTO_UDP, (uint16_t)ulen);
    return inet_csum_fold(inet_csum_add(sum, p->data, ulen)) == 0;
}

static void port_unreachable(struct berth_stack *st, struct pkt *p)
{
#if BERTH_WITH_IPV6
    if (pkt_is_v6(p)) {
        icmp6_send_error(st, p, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0);
        return;
    }
#endif
    icmp4_send_error(st, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
}

void udp_input(struct berth_stack *st, struct pkt *p, bool multi)
{
    bool v6 = pkt_is_v6(p);
    if (p->len < UDP_HLEN)
        goto short_packet;
    struct udp_hdr uh;
    memcpy(&uh, p->data, sizeof(uh));
    unsigned ulen = ntohs(uh.len);
    /* __udp6_lib_rcv: a length of 0 over IPv6 means the whole payload
     * (RFC 2675's jumbograms; berth has none, but takes the rule). */
    if (v6 && ulen == 0)
        ulen = p->len;
    if (ulen > p->len || ulen < UDP_HLEN)
        goto short_packet;
    pkt_trim(p, ulen);
    if (v6 && !uh.check) {
        /* RFC 8200 8.1: a zero checksum is not allowed over IPv6 (Linux
         * counts it as a checksum error, udp6_csum_zero_error). */
        TRACE(st, "udp6 drop: zero checksum");
        goto csum_error;
    }
    if (uh.check && !csum_ok(p, ulen)) {
        TRACE(st, "udp drop: bad checksum");
        goto csum_error;
    }
    if (multi) {
        deliver_multi(st, p, uh.source, uh.dest);
        return;
    }
    struct udp_sock *us =
        lookup(st, &p->src, uh.source, &p->dst, uh.dest, p->ifp ? berth_netif_index(p->ifp) : 0);
    if (!us) {
        UDPX_INC(st, v6, NoPorts);
        TRACE(st, "udp: no socket on port %u, port unreachable", ntohs(uh.dest));
        port_unreachable(st, p);
        pkt_free(st, p);
        return;
    }
    udp_queue_rcv(st, us, p);
    return;
csum_error:
    UDPX_INC(st, v6, InCsumErrors);
    UDPX_INC(st, v6, InErrors);
    pkt_free(st, p);
    return;
short_packet:
    UDPX_INC(st, v6, InErrors);
    TRACE(st, "udp drop: short packet");
    pkt_free(st, p);
}

void udp_err(struct berth_stack *st, const struct ip_err *e)
{
    struct udp_hdr uh;
    memcpy(&uh, e->th, sizeof(uh));
    int err = e->err;
    bool fatal = e->fatal;
    /* The datagram went from src:source to dst:dest; find its sender. */
    struct udp_sock *us = lookup(st, &e->dst, uh.dest, &e->src, uh.source, e->ifindex);
    if (!us) {
#if BERTH_WITH_IPV6
        /* __udp6_lib_err: an error for no socket is Icmp6 InErrors */
        if (!inet_addr_is_v4(&e->src))
            SNMP_INC(st, Icmp6, InErrors);
#endif
        return;
    }
    struct inet_sock *in = &us->inet;
    /* IPv4 errors follow IP_RECVERR (also on an AF_INET6 socket), IPv6
     * ones IPV6_RECVERR. */
    bool recverr = in->recverr;
#if BERTH_WITH_IPV6
    if (!inet_addr_is_v4(&e->src)) {
        const struct inet6_info *np = inet6_info(in);
        recverr = np->recverr;
        /* __udp6_lib_err: a Packet Too Big is ignored by a socket that
         * does not take path MTUs (ip6_sk_accept_pmtu: INTERFACE, OMIT),
         * and is a hard error unless it does no discovery (DONT). */
        if (e->type == ICMP6_PACKET_TOO_BIG) {
            if (np->pmtudisc == IPV6_PMTUDISC_INTERFACE || np->pmtudisc == IPV6_PMTUDISC_OMIT)
                return;
            if (np->pmtudisc != IPV6_PMTUDISC_DONT)
                fatal = true;
        }
    }
#endif
    /* Without IP_RECVERR / IPV6_RECVERR only hard errors on connected
     * sockets are reported (__udp4_lib_err, __udp6_lib_err). */
    if (!recverr && (!fatal || in->state != INET_ESTABLISHED))
        return;
    in->sk.so_error = (uint8_t)err;
    TRACE(st, "udp: ICMP error %d reported to port %u", err, inet_num(in));
    sock_wake(&in->sk);
}
