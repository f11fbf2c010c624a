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
 * ENOMEM/ENOBUFS, sendto() with ENOBUFS, a TCP send waits for memory (or
 * EAGAIN), an arriving packet is dropped and counted, a TCP segment waits
 * for the retransmission timer — as Linux does under memory pressure;
 * nothing crashes, and everything works again once memory is freed.
 *
 * A region at the top of the arena (berth_arena_set_reserve; by default a
 * quarter of it, at most BERTH_ARENA_RESERVE_MAX) is left to the platform's
 * alloc_reserve hook, which berth uses only for received frames and pure
 * ACKs/RSTs: however much the sockets' queues hold, an arriving ACK can
 * still be received and processed, and it is what frees the send queues
 * (without it a full arena stalls every connection for good). And on a
 * platform with alloc_reserve every TCP connection owns a receive and a send
 * floor (BERTH_TCP_RMEM_FLOOR / BERTH_TCP_WMEM_FLOOR, berth/config.h), so the
 * others' queues cannot starve it of the memory its next segment needs
 * (docs/porting.md, "Floors"). One arena per stack. Not thread-safe
 * by itself: berth only allocates under the stack lock.
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
/* Bytes kept for received frames and ACKs (see above); 0 turns the reserve
 * off. EINVAL if p is not an arena or bytes exceeds it. */
int berth_arena_set_reserve(struct berth_platform *p, size_t bytes);
/* The reserve berth_arena_init chooses for an arena of `size` usable bytes:
 * size / 4, at most BERTH_ARENA_RESERVE_MAX (two full-size Ethernet frames
 * as packets: one received, one sent while it is processed). */
#define BERTH_ARENA_RESERVE_MAX 3584u
size_t berth_arena_default_reserve(size_t size);
/* Give *p back its original hooks (after berth_stack_free). */
void berth_arena_release(struct berth_platform *p);

struct berth_arena_stats {
    size_t size;       /* usable bytes after the arena's own bookkeeping */
    size_t used;       /* bytes in allocated blocks, headers included */
    size_t peak;       /* highest `used` seen */
    size_t largest;    /* largest block that can be allocated now */
    unsigned blocks;   /* allocated blocks */
    unsigned failures; /* allocations refused */
    size_t reserve;    /* bytes only alloc_reserve may use */
};
/* p must be a platform berth_arena_init wrapped. */
void berth_arena_stats(const struct berth_platform *p, struct berth_arena_stats *out);

#ifdef __cplusplus
}
#endif
#endif
