/* pkt.c — packet buffer allocation and queues. */
#include "core/pkt.h"

#include <string.h>

#include "core/stack_impl.h"

/* Large packets come from the stack's buffer cache (core/bufcache.h), so
 * loopback's 64 KiB segments do not make malloc trim and regrow its heap. */
static size_t pkt_bytes(const struct pkt *p) { return sizeof(*p) + p->cap; }

struct pkt *pkt_alloc(struct berth_stack *st, size_t headroom, size_t len)
{
    size_t cap = headroom + len, got;
    struct pkt *p = bufcache_alloc(st, sizeof(*p) + cap, &got);
    if (!p)
        return NULL;
    memset(p, 0, sizeof(*p));
    p->cap = (uint32_t)(got - sizeof(*p)); /* a recycled buffer may be larger */
    p->data = p->buf + headroom;
    p->len = (uint32_t)len;
    /* A socket is charged what was asked for, recycled buffer or not, so
     * receive-buffer accounting does not depend on the cache's history. */
    p->truesize = (uint32_t)(sizeof(*p) + cap);
    return p;
}

struct pkt *pkt_alloc_atomic(struct berth_stack *st, size_t headroom, size_t len)
{
    struct pkt *p = pkt_alloc(st, headroom, len);
    if (p || !st->plat.alloc_reserve)
        return p;
    size_t cap = headroom + len;
    if (!(p = st->plat.alloc_reserve(st->plat.ctx, sizeof(*p) + cap)))
        return NULL;
    memset(p, 0, sizeof(*p));
    p->cap = (uint32_t)cap; /* exact: not a size class bufcache_free keeps */
    p->data = p->buf + headroom;
    p->len = (uint32_t)len;
    p->truesize = (uint32_t)(sizeof(*p) + cap);
    p->reserve = 1;
    return p;
}

void pkt_free(struct berth_stack *st, struct pkt *p)
{
    if (p)
        bufcache_free(st, p, pkt_bytes(p));
}

void pkt_free_chain(struct berth_stack *st, struct pkt *p)
{
    while (p) {
        struct pkt *n = p->next;
        pkt_free(st, p);
        p = n;
    }
}

struct pkt *pkt_clone(struct berth_stack *st, const struct pkt *p)
{
    struct pkt *c = st_alloc(st, sizeof(*p) + p->cap);
    if (!c)
        return NULL;
    memcpy(c, p, sizeof(*p) + p->cap);
    c->next = NULL;
    c->data = c->buf + (p->data - p->buf);
    if (p->nh)
        c->nh = c->buf + (p->nh - p->buf);
    return c;
}

void pktq_push(struct pktq *q, struct pkt *p)
{
    p->next = NULL;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->count++;
    q->bytes += p->truesize;
}

struct pkt *pktq_pop(struct pktq *q)
{
    struct pkt *p = q->head;
    if (!p)
        return NULL;
    q->head = p->next;
    if (!q->head)
        q->tail = NULL;
    p->next = NULL;
    q->count--;
    q->bytes -= p->truesize;
    return p;
}

void pktq_purge(struct berth_stack *st, struct pktq *q)
{
    struct pkt *p;
    while ((p = pktq_pop(q)))
        pkt_free(st, p);
}
