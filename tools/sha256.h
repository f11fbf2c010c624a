/* sha256.h — SHA-256 (FIPS 180-4), small and dependency-free, for the
 * berth program's transfer summaries and the interop test helpers. */
#ifndef BERTH_TOOLS_SHA256_H
#define BERTH_TOOLS_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t n;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* out: 65 bytes, lower-case hex and a NUL, like sha256sum prints. */
void sha256_hex(const uint8_t digest[32], char out[65]);

#endif
