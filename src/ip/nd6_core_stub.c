/* nd6_core_stub.c — TEMPORARY weak stand-ins for the IPv6 core functions
 * neighbour discovery calls (route6.c, icmp6.c) until they are on main.
 * The real definitions are strong and win at link time; delete this file
 * when merging a main that has them. */
#include <errno.h>

#include "core/stack_impl.h"
#include "ip/ip6.h"

__attribute__((weak)) int ip6_route_add_locked(struct berth_stack *st, const struct in6_addr *dst,
                                               unsigned prefixlen, const struct in6_addr *gw,
                                               struct berth_netif *ifp, uint64_t expires)
{
    (void)st, (void)dst, (void)prefixlen, (void)gw, (void)ifp, (void)expires;
    return ENOSYS;
}

__attribute__((weak)) int ip6_route_del_locked(struct berth_stack *st, const struct in6_addr *dst,
                                               unsigned prefixlen, struct berth_netif *ifp)
{
    (void)st, (void)dst, (void)prefixlen, (void)ifp;
    return ENOSYS;
}

__attribute__((weak)) void icmp6_send_error(struct berth_stack *st, const struct pkt *p,
                                            uint8_t type, uint8_t code, uint32_t info)
{
    (void)st, (void)p, (void)type, (void)code, (void)info;
}
