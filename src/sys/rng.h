/* rng.h — xoshiro256** seeded through splitmix64: a small, fast, reproducible
 * generator for virtual platforms and link fault injection (never for
 * secrets on a real network: the posix flavour uses getrandom). */
#ifndef BERTH_SYS_RNG_H
#define BERTH_SYS_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
void rng_fill(struct rng *r, void *buf, size_t n);
/* Uniform double in [0, 1). */
double rng_unit(struct rng *r);

#endif
