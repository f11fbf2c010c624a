/* fuzz_common.h — pieces the libFuzzer harnesses share: a byte reader over
 * the input, the Internet checksum, the clock steps, and the check every
 * transmitted IPv4 packet must pass. Header-only. */
#ifndef BERTH_FUZZ_COMMON_H
#define BERTH_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fz_in {
    const uint8_t *d;
    size_t n, pos;
};

static inline int fz_more(const struct fz_in *in) { return in->pos < in->n; }

/* Next byte; 0 once the input is used up (so every read is defined). */
static inline uint8_t fz_u8(struct fz_in *in) { return in->pos < in->n ? in->d[in->pos++] : 0; }

static inline uint16_t fz_u16(struct fz_in *in)
{
    uint16_t hi = fz_u8(in);
    return (uint16_t)((hi << 8) | fz_u8(in));
}

/* Up to max bytes: a length byte, then that many bytes (cut to what is left). */
static inline size_t fz_bytes(struct fz_in *in, const uint8_t **p, size_t max)
{
    size_t len = fz_u8(in);
    if (len > max)
        len = max;
    if (len > in->n - in->pos)
        len = in->n - in->pos;
    *p = in->d + in->pos;
    in->pos += len;
    return len;
}

static inline uint16_t fz_csum(const uint8_t *p, size_t n, uint32_t sum)
{
    while (n > 1) {
        sum += (uint32_t)((p[0] << 8) | p[1]);
        p += 2;
        n -= 2;
    }
    if (n)
        sum += (uint32_t)(p[0] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Pseudo-header sum of an IPv4 packet's addresses, protocol and length. */
static inline uint32_t fz_pseudo(const uint8_t *ip, uint8_t proto, size_t len)
{
    uint32_t s = 0;
    for (int i = 12; i < 20; i += 2)
        s += (uint32_t)((ip[i] << 8) | ip[i + 1]);
    return s + proto + (uint32_t)len;
}

static inline void fz_fail(const char *what, size_t len)
{
    fprintf(stderr, "fuzz: the stack transmitted %s (%zu bytes)\n", what, len);
    abort();
}

/* An IPv4 packet berth transmits: a valid header with a right checksum,
 * tot_len equal to the packet's length, no larger than mtu; a TCP segment
 * must carry a right checksum too. */
static inline void fz_check_ip4(const uint8_t *p, size_t len, unsigned mtu)
{
    if (len > mtu || len < 20 || (p[0] >> 4) != 4 || (p[0] & 0x0f) < 5 ||
        (size_t)(p[0] & 0x0f) * 4 > len || (size_t)((p[2] << 8) | p[3]) != len ||
        fz_csum(p, (size_t)(p[0] & 0x0f) * 4, 0) != 0)
        fz_fail("a malformed IPv4 packet", len);
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    if (p[9] == 6 && !((p[6] & 0x3f) | p[7])) {
        if (len - ihl < 20 || (size_t)(p[ihl + 12] >> 4) * 4 < 20 ||
            (size_t)(p[ihl + 12] >> 4) * 4 > len - ihl)
            fz_fail("a malformed TCP header", len);
        if (fz_csum(p + ihl, len - ihl, fz_pseudo(p, 6, len - ihl)) != 0)
            fz_fail("a TCP segment with a wrong checksum", len);
    }
}

static const uint64_t fz_steps_us[8] = {0,       1000,     100000,   1000000,
                                        5000000, 15000000, 31000000, 121000000};

#endif
