/* udp.c — UDP receive path: validation, demux through the bind table, and
 * ICMP error delivery (Linux's __udp4_lib_rcv / __udp4_lib_lookup /
 * __udp4_lib_err). */
#include "udp/udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "bind/bind.h"
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip_proto.h"
#include "udp/udp_sock.h"

/* compute_score(): -1 if sk cannot take the datagram; higher is better.
 * Connected peers and bound devices each add 4, as in Linux. */
static int score(const struct bind_node *n, const union inet_addr *saddr, uint16_t sport,
                 const union inet_addr *daddr, unsigned ifindex)
{
    const struct inet_sock *in = inet_of_node(n);
    if (!in || !bind_node_match(n, daddr))
        return -1;
    int s = bind_node_v6(n) ? 1 : 2; /* a plain IPv4 socket wins a tie */
    if (in->daddr.s_addr) {
        /* a connected peer: IPv4 ones only so far */
        if (!inet_addr_is_v4(saddr) || in->daddr.s_addr != saddr->w[3])
            return -1;
        s += 4;
    }
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
    if (so->rmem_alloc > (size_t)so->rcvbuf) {
        SNMP_INC(st, Udp, RcvbufErrors);
        SNMP_INC(st, Udp, InErrors);
        TRACE(st, "udp drop: receive buffer full on port %u", inet_num(&us->inet));
        pkt_free(st, p);
        return;
    }
    /* A datagram held by the memory reserve cannot be charged to the
     * socket: dropped as __udp_enqueue_schedule_skb drops one when
     * sk_rmem_schedule fails under udp_mem pressure (ENOBUFS: MemErrors). */
    if (p->reserve) {
        SNMP_INC(st, Udp, MemErrors);
        SNMP_INC(st, Udp, InErrors);
        pkt_free(st, p);
        return;
    }
    udp_rxq_push(us, p);
    sock_wake(so);
}

static void deliver_multi(struct berth_stack *st, struct pkt *p, uint16_t sport, uint16_t dport)
{
    struct bsock *last = NULL;
    for (struct bind_node *n = bind_owners(st->udp_bind, ntohs(dport)); n; n = n->next) {
        const struct inet_sock *in = inet_of_node(n);
        if (!in || n->v6only || (n->addr.s_addr && n->addr.s_addr != p->dst.w[3]))
            continue;
        if ((in->daddr.s_addr && in->daddr.s_addr != p->src.w[3]) ||
            (in->dport && in->dport != sport))
            continue;
        if (n->bound_if && (!p->ifp || n->bound_if != berth_netif_index(p->ifp)))
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
        SNMP_INC(st, Udp, IgnoredMulti);
        pkt_free(st, p);
    }
}

void udp_input(struct berth_stack *st, struct pkt *p, bool multi)
{
    if (p->len < UDP_HLEN)
        goto short_packet;
    struct udp_hdr uh;
    memcpy(&uh, p->data, sizeof(uh));
    unsigned ulen = ntohs(uh.len);
    if (ulen > p->len || ulen < UDP_HLEN)
        goto short_packet;
    pkt_trim(p, ulen);
    if (uh.check) {
        uint32_t sum = inet_pseudo4(pkt_src4(p), pkt_dst4(p), IPPROTO_UDP, (uint16_t)ulen);
        if (inet_csum_fold(inet_csum_add(sum, p->data, ulen)) != 0) {
            SNMP_INC(st, Udp, InCsumErrors);
            SNMP_INC(st, Udp, InErrors);
            TRACE(st, "udp drop: bad checksum");
            pkt_free(st, p);
            return;
        }
    }
    if (multi) {
        deliver_multi(st, p, uh.source, uh.dest);
        return;
    }
    struct udp_sock *us =
        lookup(st, &p->src, uh.source, &p->dst, uh.dest, p->ifp ? berth_netif_index(p->ifp) : 0);
    if (!us) {
        SNMP_INC(st, Udp, NoPorts);
        TRACE(st, "udp: no socket on port %u, port unreachable", ntohs(uh.dest));
        icmp4_send_error(st, p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
        pkt_free(st, p);
        return;
    }
    udp_queue_rcv(st, us, p);
    return;
short_packet:
    SNMP_INC(st, Udp, InErrors);
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
    struct udp_sock *us = lookup(st, &e->dst, uh.dest, &e->src, uh.source, 0);
    if (!us)
        return;
    struct inet_sock *in = &us->inet;
    /* Without IP_RECVERR only hard errors on connected sockets are
     * reported (__udp4_lib_err). */
    if (!in->recverr && (!fatal || in->state != INET_ESTABLISHED))
        return;
    in->sk.so_error = err;
    TRACE(st, "udp: ICMP error %d reported to port %u", err, inet_num(in));
    sock_wake(&in->sk);
}
