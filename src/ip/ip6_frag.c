/* ip6_frag.c — IPv6 fragmentation and reassembly (RFC 8200 section 4.5)
 * with Linux's policy (net/ipv6/reassembly.c, ip6_output.c's
 * ip6_fragment, net/ipv4/inet_fragment.c).
 *
 * Reassembly
 * ----------
 * One queue per (source, destination, identification), plus the
 * receiving interface when the destination is link-local or multicast
 * (Linux's fq_find key). The queue keeps fragment payloads in a list
 * sorted by offset and grouped in runs exactly as ip4_frag.c (and
 * Linux's inet_frag_queue_insert) does: a fragment lying wholly inside a
 * run is a duplicate and is ignored; any other overlap discards the whole
 * datagram (RFC 5722), and a later fragment of it starts a new queue that
 * will only time out.
 *
 * What is refused before a queue is touched, in ipv6_frag_rcv's order:
 *  - a payload length of 0 (a jumbogram) or a fragment header that is not
 *    all there: Ip6 InHdrErrors, parameter problem code 0 pointing at the
 *    fragment header;
 *  - an atomic fragment (offset 0, M clear; RFC 6946): not a fragment at
 *    all, the datagram goes on without its fragment header (ReasmOKs);
 *  - a first fragment that does not hold the whole header chain up to
 *    the upper-layer header (RFC 7112 / RFC 8200 4.5): InHdrErrors,
 *    parameter problem code 3, pointer 0 (ipv6frag_thdr_truncated).
 * Then the queue is found or created, and inside it (ip6_frag_queue):
 *  - a datagram that would end beyond 65535 bytes: InHdrErrors, parameter
 *    problem code 0 pointing at the fragment offset field;
 *  - a non-last fragment whose length is not a multiple of 8: InHdrErrors,
 *    parameter problem code 0 pointing at the payload length (RFC 8200);
 *  (in both cases the queue Linux has just created stays, empty, and
 *  times out: ReasmTimeout, ReasmFails, no ICMPv6)
 *  - a last fragment contradicting the known end, a fragment beyond a
 *    known end, an empty fragment, an overlap: the datagram is discarded
 *    (ReasmFails).
 *
 * Memory and time: the limits of IPv4's reassembly (docs/ip.md), with
 * IPv6's own pool (cfg.ip6frag_high_thresh, 4 MiB) and lifetime
 * (cfg.ip6frag_time_s, 60 s): a hard bound over queue structs, the first
 * fragment's headers and fragment payloads; a new queue is refused when
 * it does not fit, an existing one evicts the oldest others. On expiry a
 * queue whose first fragment arrived sends ICMPv6 time exceeded code 1
 * quoting it (ip6frag_expire_frag_queue).
 *
 * Fragmentation
 * -------------
 * ip6_fragment splits a packet whose only header is the fixed one
 * (ip6_output never adds extension headers) like Linux's ip6_fragment:
 * every fragment but the last carries (mtu - 48) & ~7 payload bytes, all
 * share one identification from ip6_select_ident below.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip6.h"
#include "netif/netif_impl.h"

#define IP6Q_FIRST_IN 0x1
#define IP6Q_LAST_IN 0x2

#define FRAG_HLEN 8 /* sizeof(struct ip6_frag_hdr) */

/* ECN codepoints seen among a datagram's fragments (Linux's IPFRAG_ECN_*). */
#define IPFRAG_ECN_NOT_ECT 0x01
#define IPFRAG_ECN_CE 0x08
#define INET_ECN_CE 3

/* One received fragment's payload, bytes [off, end) of the fragmentable
 * part. */
struct ip6_frag {
    struct ip6_frag *next; /* sorted by offset */
    uint32_t off, end;
    uint32_t run_end; /* run heads only (> 0); 0 inside a run */
    uint8_t data[];
};

/* An incomplete datagram. */
struct ip6q {
    struct ip6q *hnext;
    struct ip6q *older, *newer; /* age list (= expiry order) */
    struct in6_addr saddr, daddr;
    uint32_t id;     /* network order */
    unsigned keyiif; /* receiving interface for link-local/multicast, else 0 */
    uint8_t flags;   /* IP6Q_FIRST_IN | IP6Q_LAST_IN */
    uint8_t ecn;     /* IPFRAG_ECN_* bits */
    uint16_t nhoff;  /* first fragment: offset of the next-header byte naming the fragment header */
    uint32_t hlen;   /* first fragment: bytes before its fragment header */
    uint32_t len;    /* fragmentable part's length (final once LAST_IN) */
    uint32_t meat;   /* bytes held */
    unsigned iif;    /* interface of the latest fragment */
    uint64_t created;
    size_t mem;   /* bytes of this queue (struct, hdr, nodes) */
    uint8_t *hdr; /* first fragment's headers and fragment header: hlen + 8 bytes */
    struct ip6_frag *frags, *tail, *last_run_head;
};

struct ip6_reasm {
    struct btimer timer; /* armed for the oldest queue's expiry */
    struct ip6q *oldest, *newest;
    size_t mem;
    unsigned nbuckets; /* power of two */
    struct ip6q *buckets[];
};

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static bool addr_linklocal_or_mc(const struct in6_addr *a)
{
    return a->s6_addr[0] == 0xff || (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80);
}

/* ---- queue table ---- */

static unsigned bucket_of(const struct berth_stack *st, const struct ip6_reasm *r,
                          const struct in6_addr *s, const struct in6_addr *d, uint32_t id,
                          unsigned iif)
{
    uint32_t key[10];
    memcpy(key, s, 16);
    memcpy(key + 4, d, 16);
    key[8] = id;
    key[9] = iif;
    return stack_hash32(st, key, sizeof(key)) & (r->nbuckets - 1);
}

static void reasm_expire(struct berth_stack *st, struct btimer *t);

static struct ip6_reasm *reasm_get(struct berth_stack *st)
{
    if (st->reasm6)
        return st->reasm6;
    size_t want = st->cfg.ip6frag_high_thresh / 4096;
    unsigned n = 16;
    while (n < want && n < 4096)
        n <<= 1;
    struct ip6_reasm *r = st_zalloc(st, sizeof(*r) + n * sizeof(r->buckets[0]));
    if (!r)
        return NULL;
    r->nbuckets = n;
    timer_init(&r->timer, reasm_expire);
    st->reasm6 = r;
    return r;
}

static uint64_t q_expiry(const struct berth_stack *st, const struct ip6q *q)
{
    return q->created + (uint64_t)st->cfg.ip6frag_time_s * 1000000u;
}

static struct ip6q *q_find(struct berth_stack *st, struct ip6_reasm *r, const struct in6_addr *s,
                           const struct in6_addr *d, uint32_t id, unsigned iif)
{
    for (struct ip6q *q = r->buckets[bucket_of(st, r, s, d, id, iif)]; q; q = q->hnext)
        if (q->id == id && q->keyiif == iif && !memcmp(&q->saddr, s, 16) &&
            !memcmp(&q->daddr, d, 16))
            return q;
    return NULL;
}

static struct ip6q *q_create(struct berth_stack *st, struct ip6_reasm *r, const struct in6_addr *s,
                             const struct in6_addr *d, uint32_t id, unsigned iif)
{
    struct ip6q *q = st_zalloc(st, sizeof(*q));
    if (!q)
        return NULL;
    q->saddr = *s;
    q->daddr = *d;
    q->id = id;
    q->keyiif = iif;
    q->mem = sizeof(*q);
    q->created = st_now(st);
    unsigned b = bucket_of(st, r, s, d, id, iif);
    q->hnext = r->buckets[b];
    r->buckets[b] = q;
    q->older = r->newest;
    if (r->newest)
        r->newest->newer = q;
    else
        r->oldest = q;
    r->newest = q;
    r->mem += q->mem;
    uint64_t when = q_expiry(st, r->oldest);
    if (!r->timer.armed || r->timer.when != when)
        timer_arm(st, &r->timer, when);
    return q;
}

/* Unlink q and free it with everything it holds (inet_frag_kill +
 * inet_frag_destroy); counters are the caller's. */
static void q_kill(struct berth_stack *st, struct ip6_reasm *r, struct ip6q *q)
{
    unsigned b = bucket_of(st, r, &q->saddr, &q->daddr, q->id, q->keyiif);
    for (struct ip6q **pp = &r->buckets[b]; *pp; pp = &(*pp)->hnext)
        if (*pp == q) {
            *pp = q->hnext;
            break;
        }
    if (q->older)
        q->older->newer = q->newer;
    else
        r->oldest = q->newer;
    if (q->newer)
        q->newer->older = q->older;
    else
        r->newest = q->older;
    r->mem -= q->mem;
    for (struct ip6_frag *f = q->frags, *n; f; f = n) {
        n = f->next;
        st_free(st, f);
    }
    st_free(st, q->hdr);
    st_free(st, q);
    if (!r->oldest)
        timer_cancel(st, &r->timer);
}

/* Room for `cost` more bytes in q, evicting the oldest other queues. */
static bool make_room(struct berth_stack *st, struct ip6_reasm *r, struct ip6q *q, size_t cost)
{
    while (r->mem + cost > st->cfg.ip6frag_high_thresh) {
        struct ip6q *victim = r->oldest == q ? q->newer : r->oldest;
        if (!victim)
            return false;
        TRACE(st, "ip6 reasm: memory full, evicting a queue of %u bytes", (unsigned)victim->mem);
        q_kill(st, r, victim);
        SNMP_INC(st, Ip6, ReasmFails);
    }
    return true;
}

/* ---- expiry ---- */

/* ICMPv6 time exceeded, code 1 ("fragment reassembly time exceeded"),
 * quoting the first fragment as received (ip6frag_expire_frag_queue). */
static void send_time_exceeded(struct berth_stack *st, const struct ip6q *q, berth_netif *ifp)
{
    if (!(q->flags & IP6Q_FIRST_IN) || !q->frags || q->frags->off != 0 || !q->hdr)
        return;
    const struct ip6_frag *head = q->frags;
    size_t hl = q->hlen + FRAG_HLEN;
    size_t dlen = head->end - head->off;
    if (hl + dlen > IP6_MIN_MTU) /* icmp6_send_error quotes less than that */
        dlen = hl < IP6_MIN_MTU ? IP6_MIN_MTU - hl : 0;
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, hl + dlen);
    if (!p)
        return;
    memcpy(p->data, q->hdr, hl);
    memcpy(p->data + hl, head->data, dlen);
    p->nh = p->data;
    p->ifp = ifp;
    memcpy(&p->src, &q->saddr, 16);
    memcpy(&p->dst, &q->daddr, 16);
    p->ip_hlen = (uint16_t)(hl > 0x7fff ? 0x7fff : hl);
    icmp6_send_error(st, p, ICMP6_TIME_EXCEEDED, 1 /* ICMPV6_EXC_FRAGTIME */, 0);
    pkt_free(st, p);
}

static void reasm_expire(struct berth_stack *st, struct btimer *t)
{
    (void)t;
    struct ip6_reasm *r = st->reasm6;
    uint64_t now = st_now(st);
    while (r->oldest && q_expiry(st, r->oldest) <= now) {
        struct ip6q *q = r->oldest;
        /* Linux counts only when the receiving interface still exists. */
        berth_netif *ifp = q->iif ? berth_netif_by_index(st, q->iif) : NULL;
        if (ifp) {
            SNMP_INC(st, Ip6, ReasmFails);
            SNMP_INC(st, Ip6, ReasmTimeout);
            send_time_exceeded(st, q, ifp);
        }
        TRACE(st, "ip6 reasm: timeout, id %08x, %u of %u bytes", (unsigned)ntohl(q->id),
              (unsigned)q->meat, (unsigned)q->len);
        q_kill(st, r, q);
    }
    if (r->oldest)
        timer_arm(st, &r->timer, q_expiry(st, r->oldest));
}

/* ---- fragment insertion (inet_frag_queue_insert, as ip4_frag.c) ---- */

enum ins_kind { INS_NEW_RUN_TAIL, INS_APPEND_RUN, INS_NEW_RUN_MID, INS_DUP, INS_OVERLAP };

static enum ins_kind frag_classify(const struct ip6q *q, uint32_t off, uint32_t end,
                                   struct ip6_frag **after)
{
    struct ip6_frag *last = q->tail;
    *after = last;
    if (!last)
        return INS_NEW_RUN_TAIL;
    if (last->end < end) {
        if (off < last->end)
            return INS_OVERLAP;
        return off == last->end ? INS_APPEND_RUN : INS_NEW_RUN_TAIL;
    }
    struct ip6_frag *prev = NULL;
    for (struct ip6_frag *f = q->frags; f; prev = f, f = f->next) {
        if (!f->run_end)
            continue;
        if (end <= f->off) {
            *after = prev;
            return INS_NEW_RUN_MID;
        }
        if (off >= f->run_end)
            continue;
        if (off >= f->off && end <= f->run_end)
            return INS_DUP;
        return INS_OVERLAP;
    }
    return INS_OVERLAP;
}

static void frag_link(struct ip6q *q, struct ip6_frag *f, enum ins_kind kind,
                      struct ip6_frag *after)
{
    if (after) {
        f->next = after->next;
        after->next = f;
    } else {
        f->next = q->frags;
        q->frags = f;
    }
    switch (kind) {
    case INS_APPEND_RUN:
        f->run_end = 0;
        q->last_run_head->run_end = f->end;
        q->tail = f;
        break;
    case INS_NEW_RUN_TAIL:
        f->run_end = f->end;
        q->last_run_head = f;
        q->tail = f;
        break;
    default:
        f->run_end = f->end;
        break;
    }
}

/* Linux's ip_frag_ecn_table: -1 for an invalid mix, else the ECN bits to
 * OR into the traffic class. */
static int ecn_combine(uint8_t bits)
{
    if ((bits & IPFRAG_ECN_NOT_ECT) && (bits & ~IPFRAG_ECN_NOT_ECT))
        return -1;
    if ((bits & IPFRAG_ECN_CE) && (bits & ~IPFRAG_ECN_CE))
        return INET_ECN_CE;
    return 0;
}

/* ip6_frag_reasm: the unfragmentable part of the first fragment, its
 * fragment header removed and the next header it named written where
 * the fragment header was named, then the payload. NULL on failure (the
 * caller kills q and counts). */
static struct pkt *q_build(struct berth_stack *st, struct ip6q *q, berth_netif *ifp)
{
    int ecn = ecn_combine(q->ecn);
    size_t plen = (size_t)q->hlen - IP6_HLEN + q->len;
    if (ecn < 0 || plen > IP6_MAXPLEN || !q->hdr) {
        TRACE(st, "ip6 reasm: %s, id %08x", ecn < 0 ? "invalid ECN mix" : "oversized datagram",
              (unsigned)ntohl(q->id));
        return NULL;
    }
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, q->hlen + q->len);
    if (!p)
        return NULL;
    uint8_t *d = p->data;
    memcpy(d, q->hdr, q->hlen);
    d[q->nhoff] = q->hdr[q->hlen]; /* the fragment header's next header */
    uint32_t covered = 0;
    for (const struct ip6_frag *f = q->frags; f; f = f->next) {
        if (f->off != covered || f->end > q->len) { /* cannot happen: meat == len */
            pkt_free(st, p);
            return NULL;
        }
        memcpy(d + q->hlen + f->off, f->data, f->end - f->off);
        covered = f->end;
    }
    if (covered != q->len) {
        pkt_free(st, p);
        return NULL;
    }
    wr16(d + 4, (uint16_t)plen);
    d[1] = (uint8_t)(d[1] | (ecn << 4)); /* ECN: the traffic class's low two bits */
    p->nh = p->data;
    p->ifp = ifp;
    /* What ip6_input gave the fragments, from the first one's header. */
    p->src = inet_addr_from6(&q->saddr);
    p->dst = inet_addr_from6(&q->daddr);
    p->ttl = d[7];
    p->tos = (uint8_t)((d[0] & 0x0f) << 4 | d[1] >> 4);
    return p;
}

/* Walk the headers after the first fragment's fragment header as Linux's
 * ipv6_skip_exthdr does (an extension header whose first two bytes are
 * missing, or No Next Header, ends the walk without a verdict) and say
 * whether the upper-layer header's first bytes are missing
 * (ipv6frag_thdr_truncated, RFC 7112). */
static bool chain_truncated(const uint8_t *nh, size_t len, size_t pos, uint8_t nxt)
{
    for (;;) {
        if (nxt == IP6_NH_NONE)
            return false;
        if (nxt != IP6_NH_HOPOPTS && nxt != IP6_NH_ROUTING && nxt != IP6_NH_FRAGMENT &&
            nxt != IP6_NH_DSTOPTS && nxt != 51 /* AH */)
            break;
        if (pos + 2 > len)
            return false;
        size_t hl;
        if (nxt == IP6_NH_FRAGMENT) {
            if (pos + 4 > len)
                return false;
            if (rd16(nh + pos + 2) & ~7u)
                return false; /* a non-first fragment's header: no verdict */
            hl = FRAG_HLEN;
        } else if (nxt == 51) {
            hl = ((size_t)nh[pos + 1] + 2) * 4;
        } else {
            hl = ((size_t)nh[pos + 1] + 1) * 8;
        }
        nxt = nh[pos];
        pos += hl;
    }
    switch (nxt) {
    case IPPROTO_TCP:
        pos += 20;
        break;
    case IPPROTO_UDP:
    case IP6_NH_ICMPV6:
        pos += 8;
        break;
    default:
        pos += 1;
    }
    return pos > len;
}

static struct pkt *hdr_error(struct berth_stack *st, struct pkt *p, uint8_t code, uint32_t ptr)
{
    SNMP_INC(st, Ip6, InHdrErrors);
    icmp6_send_error(st, p, ICMP6_PARAM_PROB, code, ptr);
    pkt_free(st, p);
    return NULL;
}

static struct pkt *reasm_fail(struct berth_stack *st, struct pkt *p, const char *why)
{
    SNMP_INC(st, Ip6, ReasmFails);
    TRACE(st, "ip6 reasm: %s", why);
    pkt_free(st, p);
    return NULL;
}

/* RFC 6946: an atomic fragment is the datagram itself; take the fragment
 * header out in place (Linux just skips it). */
static struct pkt *atomic_fragment(struct berth_stack *st, struct pkt *p, unsigned prev,
                                   unsigned off, size_t total)
{
    SNMP_INC(st, Ip6, ReasmOKs);
    uint8_t *nh = p->nh;
    nh[prev] = nh[off]; /* the fragment header's next header */
    wr16(nh + 4, (uint16_t)(rd16(nh + 4) - FRAG_HLEN));
    memmove(nh + FRAG_HLEN, nh, off);
    p->nh = p->data = nh + FRAG_HLEN;
    p->len = (uint32_t)(total - FRAG_HLEN);
    return p;
}

struct pkt *ip6_reasm(struct berth_stack *st, struct pkt *p, unsigned prev, unsigned off)
{
    SNMP_INC(st, Ip6, ReasmReqds);
    uint8_t *nh = p->nh;
    uint8_t *pend = p->data + p->len;
    if (!nh || nh < p->buf || nh > pend || (size_t)(pend - nh) < IP6_HLEN || prev >= off) {
        /* not a packet ip6_input parsed: nothing to quote */
        SNMP_INC(st, Ip6, InHdrErrors);
        pkt_free(st, p);
        return NULL;
    }
    uint16_t plen = rd16(nh + 4);
    /* The datagram ends at the payload length (ip6_input trims the link's
     * padding; a shorter packet never gets here). */
    size_t total = (size_t)(pend - nh);
    if ((size_t)plen + IP6_HLEN < total)
        total = (size_t)plen + IP6_HLEN;
    /* A jumbogram cannot carry a fragment header; the fragment header must
     * be all there (ipv6_frag_rcv's fail_hdr). */
    if (plen == 0 || (size_t)off + FRAG_HLEN > total)
        return hdr_error(st, p, ICMP6_PARAMPROB_HEADER, off);
    uint8_t fnxt = nh[off];
    uint16_t fo = rd16(nh + off + 2);
    uint32_t id;
    memcpy(&id, nh + off + 4, 4);

    if (!(fo & (IP6_FRAG_OFFMASK | IP6_FRAG_MF)))
        return atomic_fragment(st, p, prev, off, total);

    uint32_t foff = fo & IP6_FRAG_OFFMASK;
    if (foff == 0 && chain_truncated(nh, total, off + FRAG_HLEN, fnxt))
        return hdr_error(st, p, 3 /* ICMPV6_HDR_INCOMP */, 0);

    struct in6_addr saddr, daddr;
    memcpy(&saddr, nh + 8, 16);
    memcpy(&daddr, nh + 24, 16);
    unsigned rxif = p->ifp ? berth_netif_index(p->ifp) : 0;
    unsigned keyiif = addr_linklocal_or_mc(&daddr) ? rxif : 0;

    struct ip6_reasm *r = reasm_get(st);
    if (!r || p->reserve)
        return reasm_fail(st, p, "no memory");
    struct ip6q *q = q_find(st, r, &saddr, &daddr, id, keyiif);
    if (!q) {
        /* inet_frag_find refuses new queues over the threshold; berth
         * refuses one whose first fragment would not fit either, so new
         * datagrams never push out the ones already waiting (as
         * ip4_frag.c; docs/ip.md "Limits"). */
        size_t need = sizeof(struct ip6q) + sizeof(struct ip6_frag) + (total - off - FRAG_HLEN) +
                      (foff == 0 ? (size_t)off + FRAG_HLEN : 0);
        if (st->cfg.ip6frag_high_thresh == 0 || r->mem + need > st->cfg.ip6frag_high_thresh)
            return reasm_fail(st, p, "reassembly memory full, new datagram refused");
        q = q_create(st, r, &saddr, &daddr, id, keyiif);
        if (!q)
            return reasm_fail(st, p, "no memory");
    }
    q->iif = rxif;

    /* ip6_frag_queue */
    size_t fhend = (size_t)off + FRAG_HLEN;
    uint32_t end = foff + (uint32_t)(total - fhend);
    if (end > IP6_MAXPLEN)
        return hdr_error(st, p, ICMP6_PARAMPROB_HEADER, off + 2);
    if (!(fo & IP6_FRAG_MF)) {
        if (end < q->len || ((q->flags & IP6Q_LAST_IN) && end != q->len))
            goto discard_q;
        q->flags |= IP6Q_LAST_IN;
        q->len = end;
    } else {
        /* RFC 8200 4.5: a non-last fragment's length is a multiple of 8. */
        if (end & 7)
            return hdr_error(st, p, ICMP6_PARAMPROB_HEADER, 4);
        if (end > q->len) {
            if (q->flags & IP6Q_LAST_IN)
                goto discard_q;
            q->len = end;
        }
    }
    if (end == foff)
        goto discard_q;

    struct ip6_frag *after;
    enum ins_kind kind = frag_classify(q, foff, end, &after);
    if (kind == INS_DUP) {
        TRACE(st, "ip6 reasm: duplicate fragment [%u,%u) ignored", (unsigned)foff, (unsigned)end);
        pkt_free(st, p);
        return NULL;
    }
    if (kind == INS_OVERLAP) {
        TRACE(st, "ip6 reasm: overlapping fragment [%u,%u), datagram discarded (RFC 5722)",
              (unsigned)foff, (unsigned)end);
        goto discard_q;
    }
    size_t cost = sizeof(struct ip6_frag) + (end - foff);
    size_t hcost = foff == 0 && !q->hdr ? fhend : 0;
    if (!make_room(st, r, q, cost + hcost))
        goto discard_q;
    struct ip6_frag *f = st_alloc(st, cost);
    uint8_t *hdr = hcost ? st_alloc(st, hcost) : NULL;
    if (!f || (hcost && !hdr)) {
        st_free(st, f);
        st_free(st, hdr);
        goto discard_q;
    }
    f->off = foff;
    f->end = end;
    memcpy(f->data, nh + fhend, end - foff);
    frag_link(q, f, kind, after);
    q->mem += cost + hcost;
    r->mem += cost + hcost;
    q->meat += end - foff;
    q->ecn |= (uint8_t)(1u << ((nh[1] >> 4) & 3)); /* ip6_frag_ecn */
    if (foff == 0) {
        q->flags |= IP6Q_FIRST_IN;
        if (hdr) {
            q->hdr = hdr;
            q->hlen = off;
            q->nhoff = (uint16_t)prev;
            memcpy(hdr, nh, fhend);
        }
    }

    if (q->flags == (IP6Q_FIRST_IN | IP6Q_LAST_IN) && q->meat == q->len) {
        struct pkt *d = q_build(st, q, p->ifp);
        q_kill(st, r, q);
        pkt_free(st, p);
        if (!d) {
            SNMP_INC(st, Ip6, ReasmFails);
            return NULL;
        }
        SNMP_INC(st, Ip6, ReasmOKs);
        return d;
    }
    pkt_free(st, p);
    return NULL;

discard_q:
    q_kill(st, r, q);
    return reasm_fail(st, p, "datagram discarded");
}

void ip6_reasm_fini(struct berth_stack *st)
{
    struct ip6_reasm *r = st->reasm6;
    if (!r)
        return;
    while (r->oldest)
        q_kill(st, r, r->oldest);
    timer_cancel(st, &r->timer);
    st_free(st, r);
    st->reasm6 = NULL;
}

size_t ip6_reasm_mem(const struct berth_stack *st) { return st->reasm6 ? st->reasm6->mem : 0; }

unsigned ip6_reasm_queues(const struct berth_stack *st)
{
    unsigned n = 0;
    for (const struct ip6q *q = st->reasm6 ? st->reasm6->oldest : NULL; q; q = q->newer)
        n++;
    return n;
}

/* ---- fragmentation ---- */

/* ipv6_select_ident: a counter per keyed hash of (destination, source),
 * so an off-path host cannot predict the next identification towards a
 * destination. The counters are IPv4's (Linux shares ip_idents between
 * the families too); berth's are 16 bits, so the hash's high half
 * completes the 32-bit value. 0 is never used (Linux: 1 << 31). */
static uint32_t ip6_select_ident(struct berth_stack *st, const struct in6_addr *dst,
                                 const struct in6_addr *src)
{
    uint32_t key[8];
    memcpy(key, dst, 16);
    memcpy(key + 4, src, 16);
    uint32_t h = stack_hash32(st, key, sizeof(key));
    uint16_t *c = &st->ip_idents[h & (BERTH_IP_IDENTS - 1)];
    if (*c == 0)
        *c = (uint16_t)stack_random32(st);
    uint32_t id = (h & 0xffff0000u) | (*c)++;
    return id ? id : 1u << 31;
}

int ip6_fragment(struct berth_stack *st, struct pkt *p, struct berth_netif *ifp, unsigned mtu,
                 const struct in6_addr *nexthop)
{
    int err = 0;
    if (p->len < IP6_HLEN) {
        err = EINVAL;
        goto fail;
    }
    const uint8_t *h = p->data;
    size_t plen = rd16(h + 4);
    if (plen + IP6_HLEN > p->len || plen == 0) {
        err = EINVAL;
        goto fail;
    }
    /* The fragments' headers must fit with at least 8 bytes of payload;
     * IPv6 links have an MTU of 1280 or more (RFC 8200 section 5). */
    if (mtu < IP6_MIN_MTU) {
        err = EMSGSIZE;
        goto fail;
    }
    struct in6_addr src, dst;
    memcpy(&src, h + 8, 16);
    memcpy(&dst, h + 24, 16);
    uint32_t id = htonl(ip6_select_ident(st, &dst, &src));
    uint8_t nxt = h[6];
    const uint8_t *payload = h + IP6_HLEN;
    size_t chunk_max = (mtu - IP6_HLEN - FRAG_HLEN) & ~(size_t)7;
    size_t off = 0;
    do {
        size_t chunk = plen - off < chunk_max ? plen - off : chunk_max;
        bool last = off + chunk >= plen;
        struct pkt *fp = pkt_alloc(st, PKT_HEADROOM, IP6_HLEN + FRAG_HLEN + chunk);
        if (!fp) {
            err = ENOBUFS;
            goto fail;
        }
        uint8_t *d = fp->data;
        memcpy(d, h, IP6_HLEN);
        d[6] = IP6_NH_FRAGMENT;
        wr16(d + 4, (uint16_t)(FRAG_HLEN + chunk));
        d[IP6_HLEN] = nxt;
        d[IP6_HLEN + 1] = 0;
        wr16(d + IP6_HLEN + 2, (uint16_t)(off | (last ? 0 : IP6_FRAG_MF)));
        memcpy(d + IP6_HLEN + 4, &id, 4);
        memcpy(d + IP6_HLEN + FRAG_HLEN, payload + off, chunk);
        fp->nh = fp->data;
        /* Linux 6.18 counts each fragment as a transmission (with its
         * octets) and the datagram once in OutRequests (ip6_output's). */
        SNMP_INC(st, Ip6, FragCreates);
        SNMP_INC(st, Ip6, OutTransmits);
        SNMP_ADD(st, Ip6, OutOctets, fp->len);
        if (dst.s6_addr[0] == 0xff) {
            SNMP_INC(st, Ip6, OutMcastPkts);
            SNMP_ADD(st, Ip6, OutMcastOctets, fp->len);
        }
        int rc = netif_output_nh6(ifp, fp, nexthop ? nexthop : &dst);
        if (rc) {
            SNMP_INC(st, Ip6, OutDiscards);
            err = rc == ENETDOWN ? ENETUNREACH : ENOBUFS;
            goto fail;
        }
        off += chunk;
    } while (off < plen);
    SNMP_INC(st, Ip6, FragOKs);
    pkt_free(st, p);
    return 0;
fail:
    SNMP_INC(st, Ip6, FragFails);
    pkt_free(st, p);
    return err;
}
