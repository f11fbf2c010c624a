/* berth/arena.h — no malloc: the stack's memory from one caller-provided
 * buffer (a static array in a firmware).
 *
 *     static uint8_t net_mem[12 * 1024] __attribute__((aligned(8)));
 *     struct berth_platform plat = { ...clock, lock, wait, random... };
 *     berth_arena_init(&plat, net_mem, sizeof(net_mem));
 *     cfg.platform = &plat;
 *
 * berth_arena_init wraps a filled-in platform: alloc and free then come from
 * the buffer, every other hook still reaches the original with its own ctx.
 * The buffer is the stack's memory cap: when it is full, socket() fails with
 * ENOMEM/ENOBUFS, sendto() with ENOBUFS, an arriving packet is dropped and
 * counted, a TCP segment waits for the retransmission timer — as Linux does
 * under memory pressure; nothing crashes, and everything works again once
 * memory is freed. One arena per stack. Not thread-safe by itself: berth only
 * allocates under the stack lock.
 *
 * The allocator is first fit over an address-ordered free list with
 * neighbour coalescing; each block costs BERTH_ARENA_OVERHEAD bytes of
 * header and is rounded up to 8 bytes (docs/porting.md: the memory budget).
 */
#ifndef BERTH_ARENA_H
#define BERTH_ARENA_H

#include <stddef.h>

#include "platform.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Header bytes per allocated block (plus rounding up to 8). */
#define BERTH_ARENA_OVERHEAD 8u

/* Wrap *p so its alloc/free use mem[0..n). The arena keeps its bookkeeping
 * (about 48 bytes) at the start of mem. Returns 0, or EINVAL when n is too
 * small. */
int berth_arena_init(struct berth_platform *p, void *mem, size_t n);
/* Give *p back its original hooks (after berth_stack_free). */
void berth_arena_release(struct berth_platform *p);

struct berth_arena_stats {
    size_t size;       /* usable bytes after the arena's own bookkeeping */
    size_t used;       /* bytes in allocated blocks, headers included */
    size_t peak;       /* highest `used` seen */
    size_t largest;    /* largest block that can be allocated now */
    unsigned blocks;   /* allocated blocks */
    unsigned failures; /* allocations refused */
};
/* p must be a platform berth_arena_init wrapped. */
void berth_arena_stats(const struct berth_platform *p, struct berth_arena_stats *out);

#ifdef __cplusplus
}
#endif
#endif
