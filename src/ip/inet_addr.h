/* inet_addr.h — one address type for both families, for the 4-tuples the
 * transports key on (Linux keeps IPv4 in sk_rcv_saddr/sk_daddr and IPv6 in
 * sk_v6_*; berth has one type so TCP and UDP serve both with one path).
 *
 * An IPv4 address is stored v4-mapped (::ffff:a.b.c.d, RFC 4291 2.5.5.2):
 * every address compares as 16 bytes, and the IPv4 part is the last word,
 * so an IPv4 caller reads or hashes one 32-bit word as before. The family
 * of a native IPv6 address is never ambiguous: berth's IPv6 input drops
 * v4-mapped sources and destinations, as Linux's ipv6_rcv does.
 */
#ifndef BERTH_IP_INET_ADDR_H
#define BERTH_IP_INET_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

union inet_addr {
    struct in6_addr in6;
    uint32_t w[4]; /* network order; w[3] holds an IPv4 address */
};

static inline bool inet_addr_is_v4(const union inet_addr *a)
{
    return a->w[0] == 0 && a->w[1] == 0 && a->w[2] == htonl(0x0000ffffu);
}
static inline struct in_addr inet_addr_v4(const union inet_addr *a)
{
    struct in_addr v = {a->w[3]};
    return v;
}
static inline union inet_addr inet_addr_from4(struct in_addr v)
{
    union inet_addr a = {.w = {0, 0, htonl(0x0000ffffu), v.s_addr}};
    return a;
}
static inline union inet_addr inet_addr_from6(const struct in6_addr *v)
{
    union inet_addr a;
    memcpy(&a.in6, v, sizeof(a.in6));
    return a;
}
static inline bool inet_addr_eq(const union inet_addr *a, const union inet_addr *b)
{
    return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) |
            (a->w[3] ^ b->w[3])) == 0;
}
/* One word for hashing a 4-tuple: an IPv4 address's own word (so IPv4
 * keys hash as they did before the type existed), the XOR of all four
 * for IPv6. */
static inline uint32_t inet_addr_fold(const union inet_addr *a)
{
    return inet_addr_is_v4(a) ? a->w[3] : a->w[0] ^ a->w[1] ^ a->w[2] ^ a->w[3];
}
/* The wildcard of a's family: 0.0.0.0 (v4-mapped) or ::. */
static inline union inet_addr inet_addr_any_of(const union inet_addr *a)
{
    union inet_addr z = {.w = {0, 0, inet_addr_is_v4(a) ? htonl(0x0000ffffu) : 0, 0}};
    return z;
}
/* 127.0.0.0/8 or ::1 (ipv4_is_loopback / ipv6_addr_loopback). */
static inline bool inet_addr_is_loopback(const union inet_addr *a)
{
    if (inet_addr_is_v4(a))
        return (ntohl(a->w[3]) >> 24) == 127;
    return (a->w[0] | a->w[1] | a->w[2]) == 0 && a->w[3] == htonl(1);
}
/* 0.0.0.0 or ::, the wildcard of its family. */
static inline bool inet_addr_is_any(const union inet_addr *a)
{
    return a->w[3] == 0 && (inet_addr_is_v4(a) || (a->w[0] | a->w[1] | a->w[2]) == 0);
}

#endif
