/* icmp6_rate.h — ICMPv6 output rate limiting (icmp6_rate.c). */
#ifndef BERTH_IP_ICMP6_RATE_H
#define BERTH_IP_ICMP6_RATE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct berth_stack;
struct berth_netif;

/* May an ICMPv6 message of `type` go to dst now? in_ifp: the interface the
 * offending packet came in on (NULL: none). Counts Icmp6 OutRateLimitHost
 * when the destination's bucket refuses; takes a token of the global
 * bucket when it allows (Linux's icmpv6_global_allow + icmpv6_xrlim_allow). */
bool icmp6_rate_allow(struct berth_stack *st, uint8_t type, const struct in6_addr *dst,
                      const struct berth_netif *in_ifp);
/* Is `type` in net.ipv6.icmp.ratemask (0-1,3-127)? */
bool icmp6_type_ratelimited(uint8_t type);
/* Free the destination buckets (stack teardown). */
void icmp6_rate_fini(struct berth_stack *st);

#endif
