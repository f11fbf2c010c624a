/* tcp_buf.c — byte queues: the send queue ([snd_una, write_seq)), the
 * in-order receive queue ([copied_seq, rcv_nxt)) and the out-of-order queue
 * (sorted, disjoint ranges above rcv_nxt).
 *
 * A queue is a list of chunks allocated as bytes arrive and freed as they
 * are acknowledged or read, so an idle connection costs no buffer memory,
 * and a retransmission copies straight from the chunk holding the bytes. */
#include <errno.h>
#include <string.h>

#include "tcp/tcp.h"

#define CHUNK_MIN BERTH_TCP_CHUNK_MIN /* berth/config.h */
/* A full chunk with its header is 16 KiB: one of the buffer cache's classes. */
#define CHUNK_MAX (16384u - (uint32_t)sizeof(struct tcp_chunk))

static struct tcp_chunk *chunk_new(struct berth_stack *st, uint32_t seq, uint32_t cap)
{
    size_t got;
    struct tcp_chunk *c = bufcache_alloc(st, sizeof(*c) + cap, &got);
    if (!c)
        return NULL;
    c->next = NULL;
    c->seq = seq;
    c->off = c->len = 0;
    c->cap = (uint32_t)(got - sizeof(*c)); /* a recycled block may be larger */
    return c;
}

/* Chunks go back through the stack's buffer cache: a bulk receiver frees
 * and allocates them in lock step (core/bufcache.h). */
static void chunk_free(struct berth_stack *st, struct tcp_chunk *c)
{
    bufcache_free(st, c, sizeof(*c) + c->cap);
}

/* A chunk leaves q: the floor stays with the queue, idle. */
static void chunk_release(struct berth_stack *st, struct tcp_bufq *q, struct tcp_chunk *c)
{
    if (c == q->floor)
        c->next = c; /* idle */
    else
        chunk_free(st, c);
}

static void push_tail(struct tcp_bufq *q, struct tcp_chunk *c)
{
    c->next = NULL;
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    q->nchunks++;
    q->bytes += c->len;
}

uint8_t *tcp_bufq_room(struct berth_stack *st, struct tcp_bufq *q, uint32_t seq, uint32_t want,
                       uint32_t hint, uint32_t *room)
{
    struct tcp_chunk *t = q->tail;
    if (t && t->seq + t->len == seq && t->off + t->len < t->cap) {
        uint32_t r = t->cap - t->off - t->len;
        *room = r < want ? r : want;
        return t->data + t->off + t->len;
    }
    uint32_t cap = hint < CHUNK_MIN ? CHUNK_MIN : hint > CHUNK_MAX ? CHUNK_MAX : hint;
    struct tcp_chunk *c;
    /* When memory is short (a small fragmented arena), smaller chunks may
     * still be found: the bytes need not be contiguous. */
    while (!(c = chunk_new(st, seq, cap))) {
        if (cap <= CHUNK_MIN) {
            /* Nothing left (or only holes): the floor, when idle, is this
             * queue's guaranteed memory (tcp_forced_mem_schedule for an
             * empty receive queue; the wmem[0] minimum for a sender). */
            if (!q->floor || q->floor->next != q->floor)
                return NULL;
            c = q->floor;
            c->seq = seq;
            c->off = c->len = 0;
            cap = c->cap;
            break;
        }
        cap = cap / 2 < CHUNK_MIN ? CHUNK_MIN : cap / 2;
    }
    push_tail(q, c);
    *room = cap < want ? cap : want;
    return c->data;
}

void tcp_bufq_commit(struct tcp_bufq *q, uint32_t n)
{
    q->tail->len += n;
    q->bytes += n;
}

int tcp_bufq_append(struct berth_stack *st, struct tcp_bufq *q, uint32_t seq, const void *data,
                    uint32_t len, uint32_t hint)
{
    const uint8_t *s = data;
    while (len) {
        uint32_t room;
        uint8_t *d = tcp_bufq_room(st, q, seq, len, hint > len ? hint : len, &room);
        if (!d)
            return -ENOMEM;
        memcpy(d, s, room);
        tcp_bufq_commit(q, room);
        s += room;
        seq += room;
        len -= room;
    }
    return 0;
}

void tcp_bufq_purge(struct berth_stack *st, struct tcp_bufq *q)
{
    struct tcp_chunk *c = q->head;
    while (c) {
        struct tcp_chunk *n = c->next;
        chunk_release(st, q, c);
        c = n;
    }
    q->head = q->tail = NULL;
    q->bytes = q->nchunks = 0;
}

int tcp_bufq_floor_get(struct berth_stack *st, struct tcp_bufq *q, uint32_t cap)
{
    if (q->floor)
        return 0;
    /* Not from the buffer cache: the floor is never freed while the
     * connection lives, and its size is exact. */
    struct tcp_chunk *c = st_alloc(st, sizeof(*c) + cap);
    if (!c)
        return -ENOBUFS;
    c->next = c; /* idle */
    c->seq = c->off = c->len = 0;
    c->cap = cap;
    q->floor = c;
    return 0;
}

void tcp_bufq_floor_put(struct berth_stack *st, struct tcp_bufq *q)
{
    tcp_bufq_purge(st, q);
    if (q->floor)
        st_free(st, q->floor);
    q->floor = NULL;
}

void tcp_bufq_trim_front(struct berth_stack *st, struct tcp_bufq *q, uint32_t seq,
                         struct tcp_chunk **hint)
{
    struct tcp_chunk *c;
    while ((c = q->head) && seq_gt(seq, c->seq)) {
        uint32_t n = seq - c->seq;
        if (n < c->len) {
            c->seq += n;
            c->off += n;
            c->len -= n;
            q->bytes -= n;
            return;
        }
        q->bytes -= c->len;
        q->head = c->next;
        if (!q->head)
            q->tail = NULL;
        q->nchunks--;
        if (hint && *hint == c)
            *hint = NULL;
        chunk_release(st, q, c);
    }
}

void tcp_bufq_copy(const struct tcp_bufq *q, struct tcp_chunk **hint, uint32_t seq, void *dst,
                   uint32_t len)
{
    struct tcp_chunk *c = (hint && *hint && seq_leq((*hint)->seq, seq)) ? *hint : q->head;
    struct tcp_chunk *first = NULL;
    uint8_t *d = dst;
    while (c && len) {
        if (seq_geq(seq, c->seq + c->len)) {
            c = c->next;
            continue;
        }
        if (!first)
            first = c;
        uint32_t o = seq - c->seq;
        uint32_t n = c->len - o < len ? c->len - o : len;
        memcpy(d, c->data + c->off + o, n);
        d += n;
        seq += n;
        len -= n;
        if (len)
            c = c->next;
    }
    /* The hint is the chunk where this copy started, not where it ended: a
     * segment the interface refuses is built again from the same sequence
     * number, and a hint past a chunk boundary would send every retry (and
     * every later segment: snd_nxt never catches up with it) on a walk from
     * the head of a send queue of hundreds of chunks. The next segment
     * starts one or two chunks on. */
    if (hint && first)
        *hint = first;
}

/* ---- out of order ---- */

static int ooq_piece(struct berth_stack *st, struct tcp_bufq *q, struct tcp_chunk **link,
                     uint32_t seq, const uint8_t *data, uint32_t len)
{
    struct tcp_chunk *c = chunk_new(st, seq, len);
    if (!c)
        return -ENOMEM;
    memcpy(c->data, data, len);
    c->len = len;
    c->next = *link;
    *link = c;
    if (!c->next)
        q->tail = c;
    q->nchunks++;
    q->bytes += len;
    return 0;
}

int tcp_ooq_insert(struct berth_stack *st, struct tcp_bufq *q, uint32_t seq, const uint8_t *data,
                   uint32_t len)
{
    uint32_t end = seq + len, cur = seq;
    int added = 0;
    struct tcp_chunk **link = &q->head;
    while (*link && seq_lt(cur, end)) {
        struct tcp_chunk *c = *link;
        uint32_t cend = c->seq + c->len;
        if (seq_leq(cend, cur)) {
            link = &c->next;
            continue;
        }
        if (seq_lt(cur, c->seq)) {
            uint32_t pend = seq_min(c->seq, end);
            if (ooq_piece(st, q, link, cur, data + (cur - seq), pend - cur))
                return added ? added : -ENOMEM;
            added += (int)(pend - cur);
            link = &(*link)->next; /* now at c again */
        }
        cur = seq_max(cur, cend);
        link = &c->next;
    }
    if (seq_lt(cur, end)) {
        if (ooq_piece(st, q, link, cur, data + (cur - seq), end - cur))
            return added ? added : -ENOMEM;
        added += (int)(end - cur);
    }
    return added;
}

uint32_t tcp_ooq_drain(struct berth_stack *st, struct tcp_bufq *ooq, struct tcp_bufq *rcvq,
                       uint32_t *rcv_nxt)
{
    uint32_t moved = 0;
    struct tcp_chunk *c;
    while ((c = ooq->head) && seq_leq(c->seq, *rcv_nxt)) {
        ooq->head = c->next;
        if (!ooq->head)
            ooq->tail = NULL;
        ooq->nchunks--;
        ooq->bytes -= c->len;
        uint32_t cend = c->seq + c->len;
        if (seq_leq(cend, *rcv_nxt)) {
            chunk_free(st, c);
            continue;
        }
        uint32_t skip = *rcv_nxt - c->seq;
        c->seq += skip;
        c->off += skip;
        c->len -= skip;
        push_tail(rcvq, c);
        moved += c->len;
        *rcv_nxt = cend;
    }
    return moved;
}
