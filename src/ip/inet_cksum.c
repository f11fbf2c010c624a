/* inet_cksum.c — the Internet checksum (RFC 1071), summed 16 bits at a time
 * in network order so the result needs no byte swapping. */
#include <arpa/inet.h>
#include <string.h>

#include "ip/ip4.h"
#include "ip/ip6.h"

uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t s = sum;
    while (len >= 8) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + 4, 4);
        s += (uint64_t)a + b;
        p += 8;
        len -= 8;
    }
    while (len >= 2) {
        uint16_t w;
        memcpy(&w, p, 2);
        s += w;
        p += 2;
        len -= 2;
    }
    if (len) {
        uint16_t w = 0;
        memcpy(&w, p, 1); /* pad with zero in network order */
        s += w;
    }
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)s;
}

uint16_t inet_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t inet_pseudo4(struct in_addr src, struct in_addr dst, uint8_t proto, uint16_t len)
{
    /* Sum of 16-bit words in network order, folded once: same value as
     * summing the 12-byte pseudo header, without the general loop. */
    uint64_t s = (uint64_t)src.s_addr + dst.s_addr + htons(proto) + htons(len);
    s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)((s & 0xffffffffu) + (s >> 32));
}

uint32_t inet_pseudo6(const struct in6_addr *src, const struct in6_addr *dst, uint8_t next,
                      uint32_t len)
{
    /* As inet_pseudo4: 32-bit words in network order summed into 64 bits
     * and folded, the same one's-complement sum as the 40-byte header. */
    uint32_t w[8];
    memcpy(w, src, 16);
    memcpy(w + 4, dst, 16);
    uint64_t s = (uint64_t)htonl(len) + htonl(next);
    for (unsigned i = 0; i < 8; i++)
        s += w[i];
    s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)((s & 0xffffffffu) + (s >> 32));
}
