/* loopback.c — lo: every packet sent comes straight back in (netif_output
 * short-circuits it onto the input queue). As on Linux, 127.0.0.0/8 is all
 * local and lo's MTU is 65536 (capped to the IPv4 maximum here). */
#include <arpa/inet.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "netif/netif_impl.h"

static int lo_transmit(void *ctx, berth_netif *ifp, const void *p, size_t len)
{
    (void)ctx, (void)ifp, (void)p, (void)len;
    return 0; /* never called: netif_output loops packets back itself */
}

static const struct berth_netif_driver lo_driver = {.transmit = lo_transmit};

berth_netif *loopback_create(struct berth_stack *st)
{
    berth_netif *lo = berth_netif_add(st, "lo", 65535, BERTH_IFF_LOOPBACK, &lo_driver, NULL);
    if (!lo)
        return NULL;
    lo->is_loopback = true;
    struct in_addr a = {htonl(INADDR_LOOPBACK)}; /* 127.0.0.1 */
    if (berth_netif_addr_add(lo, a, 8) != 0)
        return NULL;
    struct in_addr net = {htonl(0x7f000000)}, gw = {0}; /* 127.0.0.0/8 */
    st_lock(st);
    ip4_route_add_locked(st, net, 8, gw, lo, a);
    st_unlock(st);
#if BERTH_WITH_IPV6
    berth_netif_addr6_add(lo, &in6addr_loopback, 128);
#endif
    berth_netif_set_up(lo, true);
    return lo;
}
