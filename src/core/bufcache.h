/* bufcache.h — recycled large buffers, per stack.
 *
 * Bulk transfers allocate and free large blocks in waves: a 64 KiB loopback
 * segment is allocated, queued, copied into the receiver's byte queue and
 * freed; a send queue of a few MiB of 16 KiB chunks is filled by the
 * application and freed as the peer acknowledges it. A general-purpose
 * malloc answers that pattern badly: glibc's free() of memory at the top
 * of the heap returns it to the kernel once more than M_TRIM_THRESHOLD
 * (128 KiB) is free there, and the next malloc() takes it back, so every
 * wave cost brk() calls and page faults. berth-bench measured loopback TCP
 * at 0.1-0.3 GB/s instead of ~5 GB/s whenever the stack's buffers were the
 * heap's top (which is what a program that does little else sees).
 *
 * Like Linux's slab caches, freed blocks of BUFCACHE_MIN bytes and more
 * (up to BUFCACHE_MAX) are kept on free lists, one per 4 KiB size class,
 * up to `berth_config.buffer_cache` bytes per stack (default 8 MiB, 0 in the
 * sanitizer build so ASan sees every free; 0 turns the cache off and blocks are allocated at their
 * exact size). With the cache on, such a block is allocated rounded up to its class, and the caller
 * learns the real size so it can use the extra room. Everything runs under the stack lock. */
#ifndef BERTH_CORE_BUFCACHE_H
#define BERTH_CORE_BUFCACHE_H

#include <stddef.h>

#include "berth/config.h"

#define BUFCACHE_STEP 4096u
#define BUFCACHE_MIN BUFCACHE_STEP
#define BUFCACHE_MAX BERTH_BUFCACHE_MAX /* berth/config.h: 128 KiB, 4 KiB when small */
#define BUFCACHE_CLASSES (BUFCACHE_MAX / BUFCACHE_STEP)

struct berth_stack;

struct bufcache {
    void *head[BUFCACHE_CLASSES]; /* class k: blocks of (k + 1) * 4 KiB */
    size_t bytes;                 /* held on the lists */
    size_t limit;                 /* berth_config.buffer_cache */
};

/* A block of at least `need` bytes; *got is its real size (>= need). */
void *bufcache_alloc(struct berth_stack *st, size_t need, size_t *got);
/* Give back a block of `size` bytes (its real size, as *got said). */
void bufcache_free(struct berth_stack *st, void *p, size_t size);
/* Return every cached block to the platform allocator (stack teardown). */
void bufcache_drain(struct berth_stack *st);

#endif
