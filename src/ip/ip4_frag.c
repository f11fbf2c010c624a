/* ip4_frag.c — IPv4 fragmentation (RFC 791) and reassembly, with Linux's
 * policy (net/ipv4/ip_fragment.c, net/ipv4/inet_fragment.c).
 *
 * Reassembly
 * ----------
 * One queue per (source, destination, id, protocol), as Linux's ipq. A
 * queue keeps its fragments in a list sorted by offset, grouped in "runs"
 * exactly as Linux groups them: a fragment that starts where the queue's
 * highest fragment ends extends that fragment's run, any other fragment
 * starts a run of its own. A new fragment that lies wholly inside one run
 * is a duplicate and is ignored; one that overlaps anything else makes the
 * whole datagram be discarded (RFC 5722, and Linux since 4.19/5.x).
 *
 * Memory: every queue and every fragment is one allocation, and the sum of
 * their sizes over all queues never exceeds cfg.ipfrag_high_thresh:
 *  - a fragment that would create a queue is refused when the queue and
 *    the fragment do not fit (Linux: inet_frag_find refuses new queues over
 *    high_thresh);
 *  - a fragment for an existing queue makes room by evicting the oldest
 *    other queues (each counts ReasmFails), and if even that is not enough
 *    the queue itself is discarded. Linux lets existing queues grow past
 *    the threshold; berth keeps it a hard bound for small targets.
 * Fragment payloads are copied into compact nodes (the received packet,
 * with its headroom, is freed at once), so tiny fragments cost only their
 * bytes plus a 24-byte node.
 *
 * Expiry: all queues live ipfrag_time_s seconds from their first fragment
 * (never extended: RFC 791's per-fragment TTL refresh is wrong, says Linux).
 * Because every queue gets the same lifetime, creation order is expiry
 * order: one stack timer, armed for the oldest queue, does all expiries in
 * O(1) per queue.
 *
 * Fragmentation
 * -------------
 * ip4_fragment splits a datagram like Linux's ip_do_fragment: each fragment
 * carries (mtu - hlen) & ~7 payload bytes except the last, the header is
 * copied (options without the "copied" flag are replaced by NOPs in the
 * non-first fragments, as ip_options_fragment does — berth itself never
 * sends options) and every fragment goes to the driver in offset order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "netif/netif_impl.h"

#define IPQ_FIRST_IN 0x1
#define IPQ_LAST_IN 0x2

/* ECN codepoints seen among a datagram's fragments (Linux's IPFRAG_ECN_*). */
#define IPFRAG_ECN_NOT_ECT 0x01
#define IPFRAG_ECN_ECT_1 0x02
#define IPFRAG_ECN_ECT_0 0x04
#define IPFRAG_ECN_CE 0x08
#define INET_ECN_CE 3

/* One received fragment's payload, bytes [off, end) of the datagram. */
struct ip4_frag {
    struct ip4_frag *next; /* sorted by offset */
    uint32_t off, end;
    /* Run heads only: end of the contiguous run this fragment starts; 0 for
     * fragments that are not run heads (a head always has run_end > 0). */
    uint32_t run_end;
    uint8_t data[];
};

/* An incomplete datagram. */
struct ipq {
    struct ipq *hnext;         /* hash chain */
    struct ipq *older, *newer; /* age list (= expiry order) */
    uint32_t saddr, daddr;     /* network order */
    uint16_t id;               /* network order */
    uint8_t protocol;
    uint8_t flags;        /* IPQ_FIRST_IN | IPQ_LAST_IN */
    uint8_t ecn;          /* IPFRAG_ECN_* bits */
    uint8_t hlen;         /* header length of the offset-0 fragment */
    uint32_t len;         /* total payload length (final once LAST_IN) */
    uint32_t meat;        /* payload bytes held */
    uint32_t max_size;    /* largest fragment (header included) */
    uint32_t max_df_size; /* largest fragment that had DF set */
    unsigned iif;         /* interface of the latest fragment */
    uint64_t created;     /* arrival of the first fragment */
    size_t mem;           /* bytes of this queue (struct + nodes) */
    struct ip4_frag *frags, *tail, *last_run_head;
    uint8_t hdr[60]; /* IP header of the offset-0 fragment */
};

struct ip4_reasm {
    struct btimer timer; /* armed for the oldest queue's expiry */
    struct ipq *oldest, *newest;
    size_t mem; /* bytes held by all queues */
    unsigned nqueues;
    unsigned nbuckets; /* power of two */
    struct ipq *buckets[];
};

/* ---- queue table ---- */

static unsigned bucket_of(const struct berth_stack *st, const struct ip4_reasm *r, uint32_t saddr,
                          uint32_t daddr, uint16_t id, uint8_t proto)
{
    uint32_t key[3] = {saddr, daddr, ((uint32_t)id << 16) | proto};
    return stack_hash32(st, key, sizeof(key)) & (r->nbuckets - 1);
}

static void reasm_expire(struct berth_stack *st, struct btimer *t);

static struct ip4_reasm *reasm_get(struct berth_stack *st)
{
    if (st->reasm)
        return st->reasm;
    /* About one bucket per 4 KiB of allowed memory, 16..4096. */
    size_t want = st->cfg.ipfrag_high_thresh / 4096;
    unsigned n = 16;
    while (n < want && n < 4096)
        n <<= 1;
    struct ip4_reasm *r = st_zalloc(st, sizeof(*r) + n * sizeof(r->buckets[0]));
    if (!r)
        return NULL;
    r->nbuckets = n;
    timer_init(&r->timer, reasm_expire);
    st->reasm = r;
    return r;
}

static struct ipq *ipq_find(struct berth_stack *st, struct ip4_reasm *r, const struct ip4_hdr *h)
{
    unsigned b = bucket_of(st, r, h->saddr, h->daddr, h->id, h->protocol);
    for (struct ipq *q = r->buckets[b]; q; q = q->hnext)
        if (q->saddr == h->saddr && q->daddr == h->daddr && q->id == h->id &&
            q->protocol == h->protocol)
            return q;
    return NULL;
}

/* Every queue lives ipfrag_time_s from its first fragment. The lifetime is
 * read when needed, so creation order stays expiry order even if the
 * setting changes (it then applies to the queues already waiting too). */
static uint64_t ipq_expiry(const struct berth_stack *st, const struct ipq *q)
{
    return q->created + (uint64_t)st->cfg.ipfrag_time_s * 1000000u;
}

static struct ipq *ipq_create(struct berth_stack *st, struct ip4_reasm *r, const struct ip4_hdr *h)
{
    struct ipq *q = st_zalloc(st, sizeof(*q));
    if (!q)
        return NULL;
    q->saddr = h->saddr;
    q->daddr = h->daddr;
    q->id = h->id;
    q->protocol = h->protocol;
    q->mem = sizeof(*q);
    q->created = st_now(st);
    unsigned b = bucket_of(st, r, h->saddr, h->daddr, h->id, h->protocol);
    q->hnext = r->buckets[b];
    r->buckets[b] = q;
    q->older = r->newest;
    if (r->newest)
        r->newest->newer = q;
    else
        r->oldest = q;
    r->newest = q;
    r->nqueues++;
    r->mem += q->mem;
    uint64_t when = ipq_expiry(st, r->oldest);
    if (!r->timer.armed || r->timer.when != when)
        timer_arm(st, &r->timer, when);
    return q;
}

/* Unlink q and free it with its fragments (Linux's inet_frag_kill +
 * inet_frag_destroy). Counters are the caller's business. */
static void ipq_kill(struct berth_stack *st, struct ip4_reasm *r, struct ipq *q)
{
    unsigned b = bucket_of(st, r, q->saddr, q->daddr, q->id, q->protocol);
    for (struct ipq **pp = &r->buckets[b]; *pp; pp = &(*pp)->hnext)
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
    r->nqueues--;
    r->mem -= q->mem;
    struct ip4_frag *f = q->frags;
    while (f) {
        struct ip4_frag *n = f->next;
        st_free(st, f);
        f = n;
    }
    st_free(st, q);
    /* A timer left armed for a queue killed early just re-arms itself for
     * the next oldest; with no queue left nothing needs to wake the stack. */
    if (!r->oldest)
        timer_cancel(st, &r->timer);
}

/* Room for `cost` more bytes in queue q: evict the oldest other queues.
 * False when even an otherwise empty table cannot hold it. */
static bool make_room(struct berth_stack *st, struct ip4_reasm *r, struct ipq *q, size_t cost)
{
    size_t limit = st->cfg.ipfrag_high_thresh;
    while (r->mem + cost > limit) {
        struct ipq *victim = r->oldest == q ? q->newer : r->oldest;
        if (!victim)
            return false;
        TRACE(st, "ip reasm: memory full, evicting a queue of %u bytes", (unsigned)victim->mem);
        ipq_kill(st, r, victim);
        SNMP_INC(st, Ip, ReasmFails);
    }
    return true;
}

/* ---- expiry ---- */

/* ICMP time exceeded, code 1, quoting the first fragment (ip_expire). */
static void send_time_exceeded(struct berth_stack *st, const struct ipq *q)
{
    if (!(q->flags & IPQ_FIRST_IN) || !q->frags || q->frags->off != 0)
        return;
    struct in_addr dst = {q->daddr};
    /* icmp_send refuses datagrams received as broadcast or multicast, and
     * Linux needs the receiving interface to still exist. */
    if (netif_is_bcast4(st, dst) || ip4_is_multicast(dst))
        return;
    berth_netif *ifp = berth_netif_by_index(st, q->iif);
    if (!ifp)
        return;
    const struct ip4_frag *head = q->frags;
    size_t dlen = head->end - head->off;
    if (dlen > 576)
        dlen = 576; /* icmp4_send_error quotes less than that anyway */
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, q->hlen + dlen);
    if (!p)
        return;
    memcpy(p->data, q->hdr, q->hlen);
    memcpy(p->data + q->hlen, head->data, dlen);
    p->nh = p->data;
    p->ifp = ifp;
    p->src = inet_addr_from4((struct in_addr){q->saddr});
    p->dst = inet_addr_from4((struct in_addr){q->daddr});
    icmp4_send_error(st, p, ICMP_TIME_EXCEEDED, 1 /* ICMP_EXC_FRAGTIME */, 0);
    pkt_free(st, p);
}

static void reasm_expire(struct berth_stack *st, struct btimer *t)
{
    (void)t;
    struct ip4_reasm *r = st->reasm;
    uint64_t now = st_now(st);
    while (r->oldest && ipq_expiry(st, r->oldest) <= now) {
        struct ipq *q = r->oldest;
        SNMP_INC(st, Ip, ReasmFails);
        SNMP_INC(st, Ip, ReasmTimeout);
        TRACE(st, "ip reasm: timeout, id %u, %u of %u bytes", ntohs(q->id), (unsigned)q->meat,
              (unsigned)q->len);
        send_time_exceeded(st, q);
        ipq_kill(st, r, q);
    }
    if (r->oldest)
        timer_arm(st, &r->timer, ipq_expiry(st, r->oldest));
}

/* ---- fragment insertion ---- */

enum ins_kind { INS_NEW_RUN_TAIL, INS_APPEND_RUN, INS_NEW_RUN_MID, INS_DUP, INS_OVERLAP };

/* Where does [off, end) go? Linux's inet_frag_queue_insert on a sorted
 * list: *after receives the fragment to link it behind (NULL: list head). */
static enum ins_kind frag_classify(const struct ipq *q, uint32_t off, uint32_t end,
                                   struct ip4_frag **after)
{
    struct ip4_frag *last = q->tail;
    *after = last;
    if (!last)
        return INS_NEW_RUN_TAIL;
    if (last->end < end) {
        /* The common case: beyond everything held. */
        if (off < last->end)
            return INS_OVERLAP;
        return off == last->end ? INS_APPEND_RUN : INS_NEW_RUN_TAIL;
    }
    struct ip4_frag *prev = NULL;
    for (struct ip4_frag *f = q->frags; f; prev = f, f = f->next) {
        if (!f->run_end)
            continue; /* inside a run: its head decided already */
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
    return INS_OVERLAP; /* unreachable: the tail's run ends at or after `end` */
}

static void frag_link(struct ipq *q, struct ip4_frag *f, enum ins_kind kind, struct ip4_frag *after)
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
    default: /* INS_NEW_RUN_MID: its own run; tail and last run unchanged */
        f->run_end = f->end;
        break;
    }
}

/* Linux's ip_frag_ecn_table: -1 for an invalid mix, else the ECN value to
 * OR into the reassembled header's TOS. */
static int ecn_combine(uint8_t bits)
{
    if ((bits & IPFRAG_ECN_NOT_ECT) && (bits & ~IPFRAG_ECN_NOT_ECT))
        return -1;
    if ((bits & IPFRAG_ECN_CE) && (bits & (IPFRAG_ECN_ECT_0 | IPFRAG_ECN_ECT_1)))
        return INET_ECN_CE;
    return 0;
}

/* Build the datagram (ip_frag_reasm). The caller kills q either way. */
static struct pkt *ipq_build(struct berth_stack *st, struct ipq *q, const struct pkt *last)
{
    int ecn = ecn_combine(q->ecn);
    if (ecn < 0) {
        TRACE(st, "ip reasm: invalid ECN mix, id %u", ntohs(q->id));
        return NULL;
    }
    size_t tot = (size_t)q->hlen + q->len;
    if (tot > IP4_MAXPACKET) {
        TRACE(st, "ip reasm: oversized datagram, id %u", ntohs(q->id));
        return NULL;
    }
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, tot);
    if (!p)
        return NULL;
    memcpy(p->data, q->hdr, q->hlen);
    uint8_t *payload = p->data + q->hlen;
    uint32_t covered = 0;
    for (const struct ip4_frag *f = q->frags; f; f = f->next) {
        if (f->off != covered || f->end > q->len) { /* cannot happen: meat == len */
            pkt_free(st, p);
            return NULL;
        }
        memcpy(payload + f->off, f->data, f->end - f->off);
        covered = f->end;
    }
    if (covered != q->len) {
        pkt_free(st, p);
        return NULL;
    }
    struct ip4_hdr h;
    memcpy(&h, p->data, sizeof(h));
    h.tot_len = htons((uint16_t)tot);
    h.tos = (uint8_t)(h.tos | ecn);
    /* DF only when the largest fragment had DF (see ip_frag_reasm). */
    h.frag_off = htons(q->max_df_size == q->max_size ? IP4_DF : 0);
    h.check = 0;
    memcpy(p->data, &h, sizeof(h));
    h.check = inet_csum_fold(inet_csum_add(0, p->data, q->hlen));
    memcpy(p->data + offsetof(struct ip4_hdr, check), &h.check, sizeof(h.check));
    p->nh = p->data;
    p->ifp = last->ifp;
    return p;
}

static struct pkt *reasm_fail(struct berth_stack *st, struct pkt *p, const char *why)
{
    SNMP_INC(st, Ip, ReasmFails);
    TRACE(st, "ip reasm: %s", why);
    pkt_free(st, p);
    return NULL;
}

struct pkt *ip4_reasm(struct berth_stack *st, struct pkt *p)
{
    SNMP_INC(st, Ip, ReasmReqds);
    struct ip4_hdr h;
    if (p->len < IP4_HLEN)
        return reasm_fail(st, p, "short header");
    memcpy(&h, p->data, sizeof(h));
    unsigned ihl = (unsigned)(h.ver_ihl & 0x0f) * 4;
    if (ihl < IP4_HLEN || ihl > p->len)
        return reasm_fail(st, p, "bad header length");
    uint16_t fo = ntohs(h.frag_off);
    bool mf = (fo & IP4_MF) != 0;
    uint32_t off = (uint32_t)(fo & IP4_OFFMASK) << 3;
    uint32_t plen = p->len - ihl;
    uint32_t end = off + plen;
    if (mf)
        end &= ~7u; /* non-last fragments carry multiples of 8: the excess is cut */

    struct ip4_reasm *r = reasm_get(st);
    /* A fragment in the memory reserve cannot wait in a queue: as when
     * ip_find finds no memory for one. */
    if (!r || p->reserve)
        return reasm_fail(st, p, "no memory");
    struct ipq *q = ipq_find(st, r, &h);

    /* Fragments that always kill their queue (Linux creates the queue and
     * discards it at once; the counters are the same): nothing left after
     * trimming, or data beyond the largest possible datagram. */
    if (end == off || end + IP4_HLEN > IP4_MAXPACKET) {
        if (q)
            ipq_kill(st, r, q);
        return reasm_fail(st, p, end == off ? "empty fragment" : "fragment beyond 65535");
    }

    size_t cost = sizeof(struct ip4_frag) + (end - off);
    if (!q) {
        size_t limit = st->cfg.ipfrag_high_thresh;
        if (limit == 0 || r->mem + sizeof(struct ipq) + cost > limit)
            return reasm_fail(st, p, "reassembly memory full, new datagram refused");
        q = ipq_create(st, r, &h);
        if (!q)
            return reasm_fail(st, p, "no memory");
    }

    /* ip_frag_queue: the final fragment fixes the length; nothing may lie
     * beyond it, and it may not change. */
    if (!mf) {
        if (end < q->len || ((q->flags & IPQ_LAST_IN) && end != q->len))
            goto discard_qp;
        q->flags |= IPQ_LAST_IN;
        q->len = end;
    } else if (end > q->len) {
        if (q->flags & IPQ_LAST_IN)
            goto discard_qp;
        q->len = end;
    }

    struct ip4_frag *after;
    enum ins_kind kind = frag_classify(q, off, end, &after);
    if (kind == INS_DUP) {
        TRACE(st, "ip reasm: duplicate fragment [%u,%u) ignored", (unsigned)off, (unsigned)end);
        pkt_free(st, p);
        return NULL;
    }
    if (kind == INS_OVERLAP) {
        TRACE(st, "ip reasm: overlapping fragment [%u,%u), datagram discarded", (unsigned)off,
              (unsigned)end);
        goto discard_qp;
    }
    if (!make_room(st, r, q, cost))
        goto discard_qp;
    struct ip4_frag *f = st_alloc(st, cost);
    if (!f)
        goto discard_qp;
    f->off = off;
    f->end = end;
    memcpy(f->data, p->data + ihl, end - off);
    frag_link(q, f, kind, after);
    q->mem += cost;
    r->mem += cost;
    q->meat += end - off;
    q->ecn |= (uint8_t)(1u << (h.tos & 3));
    if (p->ifp)
        q->iif = berth_netif_index(p->ifp);
    if (off == 0) {
        q->flags |= IPQ_FIRST_IN;
        q->hlen = (uint8_t)ihl;
        memcpy(q->hdr, p->data, ihl);
    }
    uint32_t fragsize = (end - off) + ihl;
    if (fragsize > q->max_size)
        q->max_size = fragsize;
    if ((fo & IP4_DF) && fragsize > q->max_df_size)
        q->max_df_size = fragsize;

    if (q->flags == (IPQ_FIRST_IN | IPQ_LAST_IN) && q->meat == q->len) {
        struct pkt *d = ipq_build(st, q, p);
        ipq_kill(st, r, q);
        pkt_free(st, p);
        if (!d) {
            SNMP_INC(st, Ip, ReasmFails);
            return NULL;
        }
        SNMP_INC(st, Ip, ReasmOKs);
        return d;
    }
    pkt_free(st, p);
    return NULL;

discard_qp:
    ipq_kill(st, r, q);
    return reasm_fail(st, p, "datagram discarded");
}

void ip4_reasm_fini(struct berth_stack *st)
{
    struct ip4_reasm *r = st->reasm;
    if (!r)
        return;
    while (r->oldest)
        ipq_kill(st, r, r->oldest);
    timer_cancel(st, &r->timer);
    st_free(st, r);
    st->reasm = NULL;
}

/* ---- fragmentation ---- */

/* Linux's ip_options_fragment: in the header of non-first fragments,
 * options whose "copied" bit is clear become NOPs (the length stays). */
static void options_fragment(uint8_t *opt, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t type = opt[i];
        if (type == 0 /* IPOPT_END */)
            return;
        if (type == 1 /* IPOPT_NOOP */) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            return;
        size_t olen = opt[i + 1];
        if (olen < 2 || olen > len - i)
            return;
        if (!(type & 0x80))
            memset(opt + i, 1, olen);
        i += olen;
    }
}

int ip4_fragment(struct berth_stack *st, struct pkt *p, struct berth_netif *ifp, unsigned mtu)
{
    struct ip4_hdr h;
    int err = 0;
    if (p->len < IP4_HLEN) {
        err = EINVAL;
        goto fail;
    }
    memcpy(&h, p->data, sizeof(h));
    unsigned hlen = (unsigned)(h.ver_ihl & 0x0f) * 4;
    unsigned tot = ntohs(h.tot_len);
    uint16_t fo = ntohs(h.frag_off);
    if (hlen < IP4_HLEN || tot < hlen || tot > p->len) {
        err = EINVAL;
        goto fail;
    }
    if ((fo & IP4_DF) || mtu < hlen + 8) {
        err = EMSGSIZE;
        goto fail;
    }
    /* Header of the non-first fragments. */
    uint8_t hdr_rest[60];
    memcpy(hdr_rest, p->data, hlen);
    options_fragment(hdr_rest + IP4_HLEN, hlen - IP4_HLEN);

    const uint8_t *payload = p->data + hlen;
    unsigned plen = tot - hlen;
    unsigned chunk_max = (mtu - hlen) & ~7u;
    /* Refragmenting a fragment: keep its offset, and its MF on the last. */
    unsigned base = (unsigned)(fo & IP4_OFFMASK) << 3;
    bool last_mf = (fo & IP4_MF) != 0;
    unsigned off = 0;
    do {
        unsigned chunk = plen - off < chunk_max ? plen - off : chunk_max;
        bool last = off + chunk >= plen;
        struct pkt *fp = pkt_alloc(st, PKT_HEADROOM, hlen + chunk);
        if (!fp) {
            err = ENOBUFS;
            goto fail;
        }
        uint8_t *d = fp->data;
        memcpy(d, off == 0 ? p->data : hdr_rest, hlen);
        memcpy(d + hlen, payload + off, chunk);
        struct ip4_hdr fh;
        memcpy(&fh, d, sizeof(fh));
        fh.tot_len = htons((uint16_t)(hlen + chunk));
        fh.frag_off = htons(
            (uint16_t)((((base + off) >> 3) & IP4_OFFMASK) | ((!last || last_mf) ? IP4_MF : 0)));
        fh.check = 0;
        memcpy(d, &fh, sizeof(fh));
        fh.check = inet_csum_fold(inet_csum_add(0, d, hlen));
        memcpy(d + offsetof(struct ip4_hdr, check), &fh.check, sizeof(fh.check));
        fp->nh = fp->data;
        SNMP_INC(st, Ip, FragCreates);
        SNMP_INC(st, Ip, OutTransmits);
        int rc = netif_output(ifp, fp);
        if (rc) {
            SNMP_INC(st, Ip, OutDiscards);
            err = rc == ENETDOWN ? ENETUNREACH : ENOBUFS;
            goto fail;
        }
        off += chunk;
    } while (off < plen);
    SNMP_INC(st, Ip, FragOKs);
    pkt_free(st, p);
    return 0;
fail:
    SNMP_INC(st, Ip, FragFails);
    pkt_free(st, p);
    return err;
}
