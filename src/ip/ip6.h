/* ip6.h — IPv6 (RFC 8200) constants and helpers shared by the IPv6 data
 * path and the transports. berth carries no IPv6 packets yet (issue 11):
 * this holds what the data path builds on. */
#ifndef BERTH_IP_IP6_H
#define BERTH_IP_IP6_H

#include <stdint.h>
#include <netinet/in.h>

#define IP6_HLEN 40 /* the fixed header, RFC 8200 section 3 */
#define IP6_MIN_MTU 1280

/* The IPv6 pseudo-header sum for UDP, TCP and ICMPv6 (RFC 8200 section
 * 8.1: source, destination, the upper-layer length as 32 bits, three
 * zero bytes and the next header), before folding; feed it to
 * inet_csum_add / inet_csum_fold as inet_pseudo4's. */
uint32_t inet_pseudo6(const struct in6_addr *src, const struct in6_addr *dst, uint8_t next,
                      uint32_t len);

#endif
