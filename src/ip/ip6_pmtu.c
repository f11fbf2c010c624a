/* ip6_pmtu.c — path MTU towards IPv6 destinations (RFC 8201).
 * First version: no cache yet; the path MTU is the link's. */
#include "core/stack_impl.h"
#include "ip/ip6.h"
#include "netif/netif_impl.h"

void ip6_pmtu_update(struct berth_stack *st, const struct in6_addr *dst, unsigned mtu)
{
    (void)st;
    (void)dst;
    (void)mtu;
}

unsigned ip6_path_mtu(struct berth_stack *st, const struct in6_addr *dst,
                      const struct berth_netif *ifp)
{
    (void)st;
    (void)dst;
    return ifp->mtu;
}
