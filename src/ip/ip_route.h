/* ip_route.h — the questions transports and sockets ask the network layer
 * about addresses and routes: is this address ours, a broadcast, a
 * multicast group (Linux's inet_addr_type / ipv6_chk_addr); which source
 * and MTU a destination gets (the answers Linux's dst_entry carries).
 *
 * Only src/ip and src/netif know an interface's internals; src/tcp,
 * src/udp and src/socket ask here instead of reading netif_impl.h.
 */
#ifndef BERTH_IP_IP_ROUTE_H
#define BERTH_IP_IP_ROUTE_H

#include <stdbool.h>
#include <netinet/in.h>

struct berth_stack;
struct berth_netif;

/* What an IPv4 address is to this host (Linux's RTN_* answers of
 * inet_addr_type). A subnet or limited broadcast address is BROADCAST even
 * if it is also assigned; everything not ours is UNICAST. */
enum ip_addr_type { IP_ADDR_UNICAST, IP_ADDR_LOCAL, IP_ADDR_BROADCAST, IP_ADDR_MULTICAST };
enum ip_addr_type ip4_addr_type(struct berth_stack *st, struct in_addr a);
/* A subnet or limited broadcast address of some interface. */
bool ip4_is_bcast(struct berth_stack *st, struct in_addr a);
/* ipv6_chk_addr(strict = 0): is a assigned here? With ifindex, host- and
 * link-scope addresses must be on that interface. */
bool ip6_chk_addr(struct berth_stack *st, const struct in6_addr *a, unsigned ifindex);

/* The way to an IPv4 destination for a socket whose source is saddr
 * (INADDR_ANY: not fixed): the source the route gives and its MTU. */
struct ip_route_res {
    struct in_addr src;
    unsigned mtu;
};
/* 0, or -ENETUNREACH when no route (the caller counts OutNoRoutes). */
int ip4_route_source(struct berth_stack *st, struct in_addr dst, struct in_addr saddr,
                     struct ip_route_res *res);
/* The MTU of the route to dst; 0 when there is none. */
unsigned ip4_route_mtu(struct berth_stack *st, struct in_addr dst, struct in_addr saddr);

/* The IPv6 twins (route6.c). oif: the socket's bound device or the
 * destination's scope id (0: none). A fixed source saddr (not ::) must be
 * local. res->src is the source the route gives (saddr if fixed),
 * res->mtu the path MTU, res->ifindex the output interface. 0,
 * -ENETUNREACH (no route; the caller counts Ip6 OutNoRoutes) or
 * -EADDRNOTAVAIL (no usable source). */
struct ip6_route_res {
    struct in6_addr src;
    unsigned mtu;
    unsigned ifindex;
};
int ip6_route_source(struct berth_stack *st, const struct in6_addr *dst,
                     const struct in6_addr *saddr, unsigned oif, struct ip6_route_res *res);

#endif
