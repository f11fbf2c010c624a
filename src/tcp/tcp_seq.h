/* tcp_seq.h — sequence-number arithmetic (RFC 9293 3.4): comparisons
 * modulo 2^32, as Linux's before()/after()/between(). */
#ifndef BERTH_TCP_SEQ_H
#define BERTH_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/invariant.h"

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
/* lo <= s <= hi, modulo 2^32 (Linux's between()). */
static inline bool seq_between(uint32_t s, uint32_t lo, uint32_t hi) { return hi - lo >= s - lo; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }

/* snd_una <= snd_nxt <= snd_max, checked where they move (sanitizer and fuzz
 * builds only, see core/invariant.h). */
#define TCP_CHECK_SND(c)                                                                           \
    BERTH_INVARIANT(seq_leq((c)->snd_una, (c)->snd_nxt) && seq_leq((c)->snd_nxt, (c)->snd_max))

/* The same for 32-bit millisecond clocks (timestamps, TIME_WAIT expiry). */
static inline bool time32_after(uint32_t a, uint32_t b) { return (int32_t)(b - a) < 0; }

#endif
