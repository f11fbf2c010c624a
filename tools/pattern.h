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

/* The byte stream of `berth tcp --send-bytes`: byte i of the stream is byte
 * i % 8 (little-endian) of splitmix64(i / 8). Any slice can be made (or
 * checked) from its offset alone, and it does not compress. */
static inline uint64_t stream_word(uint64_t w)
{
    uint64_t z = w + 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline void stream_fill(uint8_t *buf, size_t len, uint64_t off)
{
    size_t i = 0;
    while (i < len) {
        uint64_t pos = off + i, v = stream_word(pos / 8);
        unsigned b = (unsigned)(pos % 8);
        if (b == 0 && len - i >= 8) {
            for (unsigned k = 0; k < 8; k++)
                buf[i + k] = (uint8_t)(v >> (8 * k));
            i += 8;
        } else {
            buf[i++] = (uint8_t)(v >> (8 * b));
        }
    }
}

#endif
