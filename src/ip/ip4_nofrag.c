/* ip4_nofrag.c — IPv4 without fragmentation or reassembly
 * (BERTH_WITH_FRAG=OFF, for a microcontroller that saves ip4_frag.c's code
 * and its reassembly memory).
 *
 * An arriving fragment is dropped and counted as a reassembly failure (Ip
 * ReasmReqds, ReasmFails), as Linux counts one it cannot reassemble. A
 * datagram larger than the interface MTU is not sent: the call fails with
 * EMSGSIZE and Ip FragFails counts it, as Linux does for one that may not
 * be fragmented (docs/deviations.md, docs/porting.md).
 */
#include <errno.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"

struct pkt *ip4_reasm(struct berth_stack *st, struct pkt *p)
{
    SNMP_INC(st, Ip, ReasmReqds);
    SNMP_INC(st, Ip, ReasmFails);
    TRACE(st, "ip drop: fragment (reassembly compiled out)");
    pkt_free(st, p);
    return NULL;
}

void ip4_reasm_fini(struct berth_stack *st) { (void)st; }

int ip4_fragment(struct berth_stack *st, struct pkt *p, struct berth_netif *ifp, unsigned mtu)
{
    (void)ifp;
    (void)mtu;
    SNMP_INC(st, Ip, FragFails);
    pkt_free(st, p);
    return EMSGSIZE;
}
