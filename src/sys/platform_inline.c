/* platform_inline.c — the inline flavour: no threads, a virtual clock.
 *
 * A blocking call's wait jumps the clock to the deadline it is given (the
 * stack passes the earlier of its own deadline and its next timer), so
 * timeouts and back-offs cost no real time. With no deadline at all nothing
 * could ever wake the caller: wait reports EDEADLK instead of hanging.
 */
#include <errno.h>
#include <stdlib.h>

#include "berth/platform.h"
#include "sys/rng.h"

struct inline_ctx {
    uint64_t now;
    struct rng rng;
};

static uint64_t il_now(void *ctx) { return ((struct inline_ctx *)ctx)->now; }
static void il_nop(void *ctx) { (void)ctx; }

static int il_wait(void *ctx, struct berth_stack *st, uint64_t deadline)
{
    (void)st;
    struct inline_ctx *c = ctx;
    if (deadline == BERTH_FOREVER)
        return EDEADLK;
    if (deadline > c->now)
        c->now = deadline;
    return ETIMEDOUT;
}

static void il_random(void *ctx, void *buf, size_t n)
{
    rng_fill(&((struct inline_ctx *)ctx)->rng, buf, n);
}

static void *il_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void il_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

int berth_platform_inline(struct berth_platform *out, uint64_t start_us, uint64_t seed)
{
    struct inline_ctx *c = malloc(sizeof(*c));
    if (!c)
        return ENOMEM;
    c->now = start_us;
    rng_seed(&c->rng, seed);
    *out = (struct berth_platform){.ctx = c,
                                   .now_us = il_now,
                                   .lock = il_nop,
                                   .unlock = il_nop,
                                   .wait = il_wait,
                                   .wake = il_nop,
                                   .random = il_random,
                                   .alloc = il_alloc,
                                   .free = il_free};
    return 0;
}

void berth_platform_inline_release(struct berth_platform *p)
{
    free(p->ctx);
    p->ctx = NULL;
}

void berth_platform_inline_advance(struct berth_platform *p, uint64_t us)
{
    ((struct inline_ctx *)p->ctx)->now += us;
}
