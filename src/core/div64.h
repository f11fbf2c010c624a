/* div64.h — 64-bit by 32-bit division without the C library's 64-bit
 * divide. A 32-bit core (Cortex-M) has a 32-bit hardware divide only, so
 * `uint64_t / uint32_t` calls libgcc's __aeabi_uldivmod/__udivmoddi4
 * (about 800 bytes of .text); TCP's clocks (microseconds to ms or s) and
 * rates are such divisions. On a 64-bit host the plain operator is one
 * instruction and is what berth_div64 uses; berth_div64_soft is always
 * built so the host's unit test checks it against the operator. */
#ifndef BERTH_CORE_DIV64_H
#define BERTH_CORE_DIV64_H

#include <stdint.h>

/* n / d, d != 0: one 32-bit hardware divide for the high word, then 32
 * shift-subtract steps for the low word (Knuth's algorithm D with a
 * one-digit divisor, digit = 1 bit). */
uint64_t berth_div64_soft(uint64_t n, uint32_t d);

static inline uint64_t berth_div64(uint64_t n, uint32_t d)
{
#if UINTPTR_MAX > 0xffffffffu
    return n / d;
#else
    return berth_div64_soft(n, d);
#endif
}

#endif
