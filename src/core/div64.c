/* div64.c — see div64.h. */
#include "core/div64.h"

uint64_t berth_div64_soft(uint64_t n, uint32_t d)
{
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
    uint32_t qhi = hi / d, r = hi % d, qlo = 0;
    /* r < d throughout; (r << 1 | bit) needs 33 bits, the carry is `top`:
     * when it is set the true value is >= 2^32 > d, and the 32-bit
     * difference is exact because the result is below d. */
    for (int i = 31; i >= 0; i--) {
        uint32_t top = r >> 31;
        r = r << 1 | (lo >> i & 1u);
        if (top || r >= d) {
            r -= d;
            qlo |= 1u << i;
        }
    }
    return (uint64_t)qhi << 32 | qlo;
}
