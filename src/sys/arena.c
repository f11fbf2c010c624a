/* arena.c — the static-arena allocator behind berth/arena.h.
 *
 * Blocks sit back to back in the buffer. Each starts with an 8-byte header:
 * its own size (a multiple of 8, low bit set while allocated) and the size
 * of the block physically before it, so free() can merge with both
 * neighbours in O(1) (boundary tags, as in Knuth's TAOCP 2.5). Free blocks
 * are also on a doubly linked list whose links (offsets from the buffer's
 * start, so 8 bytes whatever the pointer width) live in their payload;
 * alloc() takes the first that fits and splits off the rest. Offsets are
 * 32-bit: an arena holds at most 4 GiB.
 */
#include "berth/arena.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define HDR 8u
#define MIN_BLOCK 16u /* header + the two free-list links */
#define USED 1u
#define NONE UINT32_MAX

_Static_assert(HDR == BERTH_ARENA_OVERHEAD, "documented overhead");

struct blk {
    uint32_t size; /* this block, header included; | USED */
    uint32_t prev; /* size of the block before it, 0 for the first */
    /* free blocks only: */
    uint32_t next_free, prev_free;
};

struct arena {
    struct berth_platform inner; /* the wrapped platform's own hooks */
    uint8_t *base, *end;
    uint32_t free_head;
    size_t used, peak;
    unsigned blocks, failures;
};

static struct blk *at(struct arena *a, uint32_t off)
{
    return (struct blk *)(void *)(a->base + off);
}
static uint32_t off_of(struct arena *a, struct blk *b)
{
    return (uint32_t)((uint8_t *)b - a->base);
}
static uint32_t bsize(const struct blk *b) { return b->size & ~USED; }

static struct blk *next_phys(struct arena *a, struct blk *b)
{
    uint8_t *n = (uint8_t *)b + bsize(b);
    return n < a->end ? (struct blk *)(void *)n : NULL;
}

static struct blk *prev_phys(struct blk *b)
{
    return b->prev ? (struct blk *)(void *)((uint8_t *)b - b->prev) : NULL;
}

static void list_remove(struct arena *a, struct blk *b)
{
    if (b->prev_free != NONE)
        at(a, b->prev_free)->next_free = b->next_free;
    else
        a->free_head = b->next_free;
    if (b->next_free != NONE)
        at(a, b->next_free)->prev_free = b->prev_free;
}

static void list_push(struct arena *a, struct blk *b)
{
    uint32_t o = off_of(a, b);
    b->prev_free = NONE;
    b->next_free = a->free_head;
    if (a->free_head != NONE)
        at(a, a->free_head)->prev_free = o;
    a->free_head = o;
}

/* The block after b learns b's new size. */
static void fix_next(struct arena *a, struct blk *b)
{
    struct blk *n = next_phys(a, b);
    if (n)
        n->prev = bsize(b);
}

static void *arena_alloc(void *ctx, size_t n)
{
    struct arena *a = ctx;
    size_t cap = (size_t)(a->end - a->base);
    if (n > cap) {
        a->failures++;
        return NULL;
    }
    uint32_t need = (uint32_t)((n + HDR + 7u) & ~(size_t)7u);
    if (need < MIN_BLOCK)
        need = MIN_BLOCK;
    for (uint32_t o = a->free_head; o != NONE; o = at(a, o)->next_free) {
        struct blk *b = at(a, o);
        uint32_t sz = bsize(b);
        if (sz < need)
            continue;
        list_remove(a, b);
        if (sz - need >= MIN_BLOCK) {
            struct blk *rest = (struct blk *)(void *)((uint8_t *)b + need);
            rest->size = sz - need;
            rest->prev = need;
            fix_next(a, rest);
            list_push(a, rest);
            sz = need;
        }
        b->size = sz | USED;
        a->used += sz;
        if (a->used > a->peak)
            a->peak = a->used;
        a->blocks++;
        return (uint8_t *)b + HDR;
    }
    a->failures++;
    return NULL;
}

static void arena_free(void *ctx, void *p)
{
    struct arena *a = ctx;
    if (!p)
        return;
    uint8_t *q = (uint8_t *)p - HDR;
    if (q < a->base || q >= a->end || ((uintptr_t)q & 7u))
        return; /* not ours: ignore rather than corrupt the arena */
    struct blk *b = (struct blk *)(void *)q;
    if (!(b->size & USED))
        return; /* double free */
    uint32_t sz = bsize(b);
    a->used -= sz;
    a->blocks--;
    b->size = sz;
    struct blk *n = next_phys(a, b);
    if (n && !(n->size & USED)) {
        list_remove(a, n);
        b->size += bsize(n);
    }
    struct blk *pv = prev_phys(b);
    if (pv && !(pv->size & USED)) {
        list_remove(a, pv);
        pv->size += b->size;
        b = pv;
    }
    fix_next(a, b);
    list_push(a, b);
}

/* Every other hook goes to the wrapped platform with its own context. */
static uint64_t arena_now(void *ctx)
{
    struct arena *a = ctx;
    return a->inner.now_us(a->inner.ctx);
}
static void arena_lock(void *ctx)
{
    struct arena *a = ctx;
    if (a->inner.lock)
        a->inner.lock(a->inner.ctx);
}
static void arena_unlock(void *ctx)
{
    struct arena *a = ctx;
    if (a->inner.unlock)
        a->inner.unlock(a->inner.ctx);
}
static int arena_wait(void *ctx, struct berth_stack *st, uint64_t deadline)
{
    struct arena *a = ctx;
    return a->inner.wait(a->inner.ctx, st, deadline);
}
static void arena_wake(void *ctx)
{
    struct arena *a = ctx;
    if (a->inner.wake)
        a->inner.wake(a->inner.ctx);
}
static void arena_random(void *ctx, void *buf, size_t n)
{
    struct arena *a = ctx;
    a->inner.random(a->inner.ctx, buf, n);
}

int berth_arena_init(struct berth_platform *p, void *mem, size_t n)
{
    uintptr_t start = ((uintptr_t)mem + 7u) & ~(uintptr_t)7u;
    size_t skip = (size_t)(start - (uintptr_t)mem);
    size_t head = (sizeof(struct arena) + 7u) & ~(size_t)7u;
    if (!p || !mem || n < skip + head + MIN_BLOCK)
        return EINVAL;
    size_t cap = (n - skip - head) & ~(size_t)7u;
    if (cap > 0xfffffff8u)
        cap = 0xfffffff8u;
    struct arena *a = (struct arena *)start;
    memset(a, 0, sizeof(*a));
    a->inner = *p;
    a->base = (uint8_t *)start + head;
    a->end = a->base + cap;
    struct blk *b = (struct blk *)(void *)a->base;
    b->size = (uint32_t)cap;
    b->prev = 0;
    a->free_head = NONE;
    list_push(a, b);
    *p = (struct berth_platform){.ctx = a,
                                 .now_us = arena_now,
                                 .lock = arena_lock,
                                 .unlock = arena_unlock,
                                 .wait = arena_wait,
                                 .wake = arena_wake,
                                 .random = arena_random,
                                 .alloc = arena_alloc,
                                 .free = arena_free};
    return 0;
}

void berth_arena_release(struct berth_platform *p)
{
    if (p && p->alloc == arena_alloc)
        *p = ((struct arena *)p->ctx)->inner;
}

void berth_arena_stats(const struct berth_platform *p, struct berth_arena_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!p || p->alloc != arena_alloc)
        return;
    struct arena *a = p->ctx;
    out->size = (size_t)(a->end - a->base);
    out->used = a->used;
    out->peak = a->peak;
    out->blocks = a->blocks;
    out->failures = a->failures;
    for (uint32_t o = a->free_head; o != NONE; o = at(a, o)->next_free) {
        size_t s = bsize(at(a, o)) - HDR;
        if (s > out->largest)
            out->largest = s;
    }
}
