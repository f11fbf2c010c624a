/* bufcache.c — recycled large buffers (see bufcache.h for why). */
#include "core/bufcache.h"

#include "core/stack_impl.h"

/* A cached block holds the link to the next block of its class. */
struct cached {
    struct cached *next;
};

/* The class of a block size in [BUFCACHE_MIN, BUFCACHE_MAX]: sizes are
 * multiples of 4 KiB once rounded, so class k holds exactly (k + 1) * 4 KiB. */
static unsigned class_of(size_t rounded) { return (unsigned)(rounded / BUFCACHE_STEP) - 1; }

void *bufcache_alloc(struct berth_stack *st, size_t need, size_t *got)
{
    struct bufcache *bc = &st->bufcache;
    if (!bc->limit || need < BUFCACHE_MIN || need > BUFCACHE_MAX) {
        *got = need;
        return st_alloc(st, need);
    }
    size_t rounded = (need + BUFCACHE_STEP - 1) / BUFCACHE_STEP * BUFCACHE_STEP;
    unsigned k = class_of(rounded);
    struct cached *c = bc->head[k];
    if (c) {
        bc->head[k] = c->next;
        bc->bytes -= rounded;
    } else {
        c = st_alloc(st, rounded);
        if (!c)
            return NULL;
    }
    *got = rounded;
    return c;
}

void bufcache_free(struct berth_stack *st, void *p, size_t size)
{
    struct bufcache *bc = &st->bufcache;
    if (!p)
        return;
    /* Only blocks this cache rounded (a multiple of the step, in range)
     * have a class; the limit is checked now, so lowering nothing later
     * can strand memory. */
    if (bc->limit && size >= BUFCACHE_MIN && size <= BUFCACHE_MAX && size % BUFCACHE_STEP == 0 &&
        bc->bytes + size <= bc->limit) {
        struct cached *c = p;
        unsigned k = class_of(size);
        c->next = bc->head[k];
        bc->head[k] = c;
        bc->bytes += size;
        return;
    }
    st_free(st, p);
}

void bufcache_drain(struct berth_stack *st)
{
    struct bufcache *bc = &st->bufcache;
    for (unsigned k = 0; k < BUFCACHE_CLASSES; k++) {
        struct cached *c = bc->head[k];
        while (c) {
            struct cached *n = c->next;
            st_free(st, c);
            c = n;
        }
        bc->head[k] = NULL;
    }
    bc->bytes = 0;
}
