/* ip4_frag.c — placeholder: fragments are dropped and counted, datagrams
 * larger than the MTU fail. Replaced by the real reassembly. */
#include <errno.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"

struct pkt *ip4_reasm(struct berth_stack *st, struct pkt *p)
{
    SNMP_INC(st, Ip, ReasmReqds);
    SNMP_INC(st, Ip, ReasmFails);
    pkt_free(st, p);
    return NULL;
}

void ip4_reasm_fini(struct berth_stack *st) { (void)st; }

int ip4_fragment(struct berth_stack *st, struct pkt *p, struct berth_netif *ifp, unsigned mtu)
{
    (void)ifp, (void)mtu;
    SNMP_INC(st, Ip, FragFails);
    pkt_free(st, p);
    return EMSGSIZE;
}
