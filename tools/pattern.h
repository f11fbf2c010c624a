/* pattern.h — the datagram pattern of the bulk transfers (berth udp
 * --pattern, berth host's discard summary, tests/interop/udpx): datagram
 * number `seq` of `size` bytes (size >= 8) starts with seq in big-endian
 * order, then byte j is (seq * 131 + j * 7 + 1) mod 256. Each datagram
 * says where it belongs and any damage shows. Header-only. */
#ifndef BERTH_TOOLS_PATTERN_H
#define BERTH_TOOLS_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATTERN_MIN 8

static inline void pattern_fill(uint8_t *buf, size_t size, uint64_t seq)
{
    for (int i = 0; i < 8 && (size_t)i < size; i++)
        buf[i] = (uint8_t)(seq >> (56 - 8 * i));
    for (size_t j = 8; j < size; j++)
        buf[j] = (uint8_t)(seq * 131u + j * 7u + 1u);
}

static inline uint64_t pattern_seq(const uint8_t *buf)
{
    uint64_t s = 0;
    for (int i = 0; i < 8; i++)
        s = s << 8 | buf[i];
    return s;
}

/* Is buf a well-formed pattern datagram of exactly size bytes? */
static inline bool pattern_check(const uint8_t *buf, size_t len, size_t size)
{
    if (len != size || len < PATTERN_MIN)
        return false;
    uint64_t seq = pattern_seq(buf);
    for (size_t j = 8; j < len; j++)
        if (buf[j] != (uint8_t)(seq * 131u + j * 7u + 1u))
            return false;
    return true;
}

#endif
