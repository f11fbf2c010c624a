/* ip6_nofrag.c — IPv6 without fragmentation or reassembly
 * (BERTH_WITH_FRAG=OFF), as ip4_nofrag.c for IPv4: an arriving fragment
 * is dropped and counted as a reassembly failure, except an atomic one
 * (RFC 6946: offset 0 and no M flag), which is the whole datagram; a
 * packet above the path MTU is not sent (EMSGSIZE, Ip6 FragFails). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip6.h"

struct pkt *ip6_reasm(struct berth_stack *st, struct pkt *p, unsigned prev, unsigned off)
{
    struct ip6_frag_hdr fh;
    memcpy(&fh, p->nh + off, sizeof(fh));
    if (ntohs(fh.off_m) & (IP6_FRAG_OFFMASK | IP6_FRAG_MF)) {
        SNMP_INC(st, Ip6, ReasmReqds);
        SNMP_INC(st, Ip6, ReasmFails);
        TRACE(st, "ip6 drop: fragment (reassembly compiled out)");
        pkt_free(st, p);
        return NULL;
    }
    /* Atomic: take the fragment header out and fix the chain. */
    SNMP_INC(st, Ip6, ReasmOKs);
    size_t total = (size_t)(p->data + p->len - p->nh);
    p->nh[prev] = fh.nxt;
    memmove(p->nh + sizeof(fh), p->nh, off);
    p->nh += sizeof(fh);
    p->data = p->nh;
    p->len = (uint32_t)(total - sizeof(fh));
    uint16_t plen = htons((uint16_t)(p->len - IP6_HLEN));
    memcpy(p->nh + 4, &plen, 2);
    return p;
}

void ip6_reasm_fini(struct berth_stack *st) { (void)st; }

size_t ip6_reasm_mem(const struct berth_stack *st)
{
    (void)st;
    return 0;
}

unsigned ip6_reasm_queues(const struct berth_stack *st)
{
    (void)st;
    return 0;
}

int ip6_fragment(struct berth_stack *st, struct pkt *p, struct berth_netif *ifp, unsigned mtu,
                 const struct in6_addr *nexthop)
{
    (void)ifp;
    (void)mtu;
    (void)nexthop;
    SNMP_INC(st, Ip6, FragFails);
    pkt_free(st, p);
    return EMSGSIZE;
}
