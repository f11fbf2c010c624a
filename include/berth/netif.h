/* berth/netif.h — network interfaces, addresses and routes.
 *
 * A netif is a name, an index, an MTU, flags, a list of IPv4 addresses and a
 * driver. Drivers carry raw IP packets (no link header) at this stage; the
 * Ethernet layer slots in between later. berth calls the driver's transmit
 * hook with a packet; the driver hands received packets to berth_netif_input.
 */
#ifndef BERTH_NETIF_H
#define BERTH_NETIF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct berth_netif berth_netif;

#define BERTH_IFF_UP 0x1
#define BERTH_IFF_LOOPBACK 0x8
#define BERTH_IFF_BROADCAST 0x2

struct berth_netif_driver {
    /* Send one raw IP packet. Called under the stack lock; must not call back
     * into the same stack synchronously (queue, then berth_netif_input later).
     * Returns 0 or an errno value (counted as a drop). */
    int (*transmit)(void *drv_ctx, berth_netif *ifp, const void *pkt, size_t len);
    /* Interface removed: release drv_ctx. May be NULL. */
    void (*detach)(void *drv_ctx, berth_netif *ifp);
};

/* Add an interface (down, no address). Returns NULL with errno EEXIST (name
 * taken), EINVAL or ENOMEM. */
berth_netif *berth_netif_add(berth_stack *st, const char *name, unsigned mtu, unsigned flags,
                             const struct berth_netif_driver *drv, void *drv_ctx);
int berth_netif_remove(berth_netif *ifp);
berth_netif *berth_netif_by_name(berth_stack *st, const char *name);
berth_netif *berth_netif_by_index(berth_stack *st, unsigned index);
unsigned berth_netif_index(const berth_netif *ifp);
const char *berth_netif_name(const berth_netif *ifp);
unsigned berth_netif_mtu(const berth_netif *ifp);
berth_stack *berth_netif_stack(const berth_netif *ifp);
int berth_netif_set_up(berth_netif *ifp, bool up);

/* Addresses. Adding one also adds the connected route for its prefix, as
 * Linux does. EEXIST if present, EADDRNOTAVAIL on delete if absent. */
int berth_netif_addr_add(berth_netif *ifp, struct in_addr addr, unsigned prefixlen);
int berth_netif_addr_del(berth_netif *ifp, struct in_addr addr, unsigned prefixlen);

/* IPv6 addresses (bind() honours them; the IPv6 packet path comes later). */
int berth_netif_addr6_add(berth_netif *ifp, const struct in6_addr *addr, unsigned prefixlen);
int berth_netif_addr6_del(berth_netif *ifp, const struct in6_addr *addr, unsigned prefixlen);

/* Deliver a received raw IP packet. The data is copied; the call may be made
 * from a driver thread (it takes the stack lock) or from a simulation. */
void berth_netif_input(berth_netif *ifp, const void *pkt, size_t len);

/* Routes: longest prefix match; gateway 0.0.0.0 for an on-link route. */
int berth_route_add(berth_stack *st, struct in_addr dst, unsigned prefixlen, struct in_addr gw,
                    berth_netif *ifp);
int berth_route_del(berth_stack *st, struct in_addr dst, unsigned prefixlen);

/* Parse "192.0.2.1/24" into address and prefix length; 0 or -1/EINVAL. */
int berth_parse_prefix(const char *s, struct in_addr *addr, unsigned *prefixlen);

#ifdef __cplusplus
}
#endif
#endif
