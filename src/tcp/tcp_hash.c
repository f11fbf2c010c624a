/* tcp_hash.c — TCP's per-stack state and who gets a segment: the
 * established table (sockets with a peer, connection requests, TIME_WAIT
 * entries, keyed by 4-tuple), listeners found through the bind table, ISNs
 * (RFC 6528), and connect()'s local port (RFC 6056 algorithm 5, Linux's
 * __inet_hash_connect). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "bind/bind.h"
#include "tcp/tcp.h"
#include "tcp/tcp_ip.h"

#define EHASH_MIN BERTH_TCP_EHASH_MIN /* berth/config.h */
#define EHASH_MAX (1u << 20)

int tcp_stack_init(struct berth_stack *st)
{
    struct tcp_stack *ts = st_zalloc(st, sizeof(*ts));
    if (!ts)
        return -1;
    ts->ehash = st_zalloc(st, EHASH_MIN * sizeof(*ts->ehash));
    if (!ts->ehash) {
        st_free(st, ts);
        return -1;
    }
    ts->ehash_mask = EHASH_MIN - 1;
    ts->syn_retries = TCP_SYN_RETRIES;
    ts->synack_retries = TCP_SYNACK_RETRIES;
    ts->fin_timeout = TCP_FIN_TIMEOUT_S;
    ts->tw_reuse = 2;
    ts->tw_reuse_delay_ms = 1000;
    ts->max_tw_buckets = 262144;
    ts->timestamps = BERTH_WITH_TCP_TIMESTAMPS; /* Linux: 1 */
    ts->sack = BERTH_WITH_SACK;
    ts->window_scaling = BERTH_WITH_WSCALE;
    ts->rfc1337 = 0;
    ts->challenge_ack_limit = 1000;
    ts->retries2 = TCP_RETRIES2;
    ts->orphan_retries = 0;
    ts->rmem[0] = 4096, ts->rmem[1] = 131072, ts->rmem[2] = 6291456;
    ts->wmem[0] = 4096, ts->wmem[1] = 16384, ts->wmem[2] = 4194304;
    ts->keepalive_time = TCP_KEEPALIVE_TIME_S;
    ts->keepalive_intvl = TCP_KEEPALIVE_INTVL_S;
    ts->keepalive_probes = TCP_KEEPALIVE_PROBES;
    ts->syncookies = BERTH_WITH_SYNCOOKIES; /* Linux: 1 */
    ts->early_retrans = TCP_EARLY_RETRANS;
    ts->fastopen = TCP_FASTOPEN_DEFAULT;
    ts->max_syn_backlog = 4096; /* Linux: max(128, ehash entries / 128) */
    ts->cc_default = tcp_cc_default();
    st->plat.random(st->plat.ctx, ts->perturb, sizeof(ts->perturb));
    st->tcp = ts;
    tcp_tw_timer_init(st);
    return 0;
}

void tcp_stack_fini(struct berth_stack *st)
{
    struct tcp_stack *ts = st->tcp;
    if (!ts)
        return;
    /* Every connection still in the table ends here: orphans, requests,
     * TIME_WAIT entries. Destroying a node unhashes it. */
    for (unsigned i = 0; i <= ts->ehash_mask; i++) {
        struct tcp_eh *n;
        while ((n = ts->ehash[i])) {
            switch (n->kind) {
            case TCP_EH_SOCK:
                tcp_destroy((struct tcp_sock *)((char *)n - offsetof(struct tcp_sock, eh)));
                break;
            case TCP_EH_REQ:
                tcp_req_drop(st, (struct tcp_req *)n);
                break;
            default:
                tcp_tw_kill(st, (struct tcp_tw *)n);
                break;
            }
        }
    }
    tcp_tw_fini(st);
    st_free(st, ts->ehash);
    st_free(st, ts);
    st->tcp = NULL;
}

/* ---- the established table ---- */

/* The keyed hash of two addresses and a few more words: an IPv4 pair as
 * one word each ({a, b, extra...}, the keys these hashes always had), any
 * IPv6 address makes it all 32 address bytes (RFC 6528 hashes the whole
 * connection-id). */
static uint32_t tuple_hash(struct berth_stack *st, const union inet_addr *a,
                           const union inet_addr *b, const uint32_t *extra, unsigned nextra)
{
    uint32_t k[8 + 3];
    unsigned n = 0;
    if (inet_addr_is_v4(a) && inet_addr_is_v4(b)) {
        k[n++] = a->w[3];
        k[n++] = b->w[3];
    } else {
        memcpy(k, a->w, 16);
        memcpy(k + 4, b->w, 16);
        n = 8;
    }
    for (unsigned i = 0; i < nextra && i < 3; i++)
        k[n++] = extra[i];
    return stack_hash32(st, k, n * sizeof(uint32_t));
}

static uint32_t eh_hash(struct berth_stack *st, const union inet_addr *laddr, uint16_t lport,
                        const union inet_addr *raddr, uint16_t rport)
{
    uint32_t ports = ((uint32_t)lport << 16) | rport;
    if (inet_addr_is_v4(laddr) && inet_addr_is_v4(raddr)) {
        uint32_t k4[3] = {laddr->w[3], raddr->w[3], ports}; /* as tuple_hash's */
        return stack_hash32(st, k4, sizeof(k4));
    }
    /* inet6_ehashfn: of the local address only its last 32 bits (the
     * stack's own addresses, not a peer's to vary), the whole remote one
     * and the ports, keyed. 6 words instead of 9: this hash runs about 15
     * times per connection (lookups, inserts, removes). Only the bucket
     * depends on it. */
    uint32_t k[6] = {laddr->w[3], raddr->w[0], raddr->w[1], raddr->w[2], raddr->w[3], ports};
    return stack_hash32(st, k, sizeof(k));
}

void tcp_eh_local(const struct tcp_eh *e, union inet_addr *addr, uint16_t *port)
{
    struct in_addr a;
    switch (e->kind) {
    case TCP_EH_SOCK: {
        struct tcp_sock *tp = (struct tcp_sock *)((char *)e - offsetof(struct tcp_sock, eh));
        *port = htons(tp->inet.bnode.port);
        if (e->v6) { /* sk_v6_rcv_saddr, what __inet6_lookup_established matches */
            *addr = inet_addr_from6(&inet6_info(&tp->inet)->rcv_saddr);
            return;
        }
        a = tp->inet.saddr;
        break;
    }
    case TCP_EH_REQ: {
        const struct tcp_req *r = (const struct tcp_req *)e;
        *port = r->lport;
        if (e->v6) {
            *addr = inet_addr_from6(&r->addr6[0]);
            return;
        }
        a = r->laddr;
        break;
    }
    default:
        tcp_tw_local((const struct tcp_tw *)e, &a, port);
        if (e->v6) {
            struct in6_addr l6 = tcp_tw_local6((const struct tcp_tw *)e);
            *addr = inet_addr_from6(&l6);
            return;
        }
        break;
    }
    *addr = inet_addr_from4(a);
}

union inet_addr tcp_eh_remote6(const struct tcp_eh *e)
{
    switch (e->kind) {
    case TCP_EH_SOCK: {
        struct tcp_sock *tp = (struct tcp_sock *)((char *)e - offsetof(struct tcp_sock, eh));
        return inet_addr_from6(&inet6_info(&tp->inet)->daddr);
    }
    case TCP_EH_REQ:
        return inet_addr_from6(&((const struct tcp_req *)e)->addr6[1]);
    default: {
        struct in6_addr r6 = tcp_tw_remote6((const struct tcp_tw *)e);
        return inet_addr_from6(&r6);
    }
    }
}

void tcp_req_set_tuple(struct tcp_req *req, const struct tcp_seg *seg)
{
    req->lport = seg->dport;
    req->eh.rport = seg->sport;
    req->eh.raddr.s_addr = inet_addr_fold(&seg->saddr);
    if (inet_addr_is_v4(&seg->saddr)) {
        req->laddr = inet_addr_v4(&seg->daddr);
        return;
    }
    req->eh.v6 = 1;
    req->addr6[0] = seg->daddr.in6;
    req->addr6[1] = seg->saddr.in6;
}

static unsigned node_hash(struct berth_stack *st, const struct tcp_eh *e)
{
    union inet_addr la, ra = tcp_eh_remote(e);
    uint16_t lp;
    tcp_eh_local(e, &la, &lp);
    return eh_hash(st, &la, lp, &ra, e->rport);
}

static void eh_grow(struct berth_stack *st)
{
    struct tcp_stack *ts = tcp_of(st);
    unsigned n = (ts->ehash_mask + 1) * 2;
    struct tcp_eh **h = st_zalloc(st, n * sizeof(*h));
    if (!h)
        return; /* keep the old size: longer chains, still correct */
    for (unsigned i = 0; i <= ts->ehash_mask; i++) {
        struct tcp_eh *e = ts->ehash[i];
        while (e) {
            struct tcp_eh *next = e->next;
            unsigned b = node_hash(st, e) & (n - 1);
            e->next = h[b];
            h[b] = e;
            e = next;
        }
    }
    st_free(st, ts->ehash);
    ts->ehash = h;
    ts->ehash_mask = n - 1;
}

void tcp_eh_insert(struct berth_stack *st, struct tcp_eh *n)
{
    struct tcp_stack *ts = tcp_of(st);
    if (ts->ehash_count >= 2 * (ts->ehash_mask + 1) && ts->ehash_mask + 1 < EHASH_MAX)
        eh_grow(st);
    unsigned b = node_hash(st, n) & ts->ehash_mask;
    n->next = ts->ehash[b];
    ts->ehash[b] = n;
    ts->ehash_count++;
}

void tcp_eh_remove(struct berth_stack *st, struct tcp_eh *n)
{
    struct tcp_stack *ts = tcp_of(st);
    unsigned b = node_hash(st, n) & ts->ehash_mask;
    for (struct tcp_eh **pp = &ts->ehash[b]; *pp; pp = &(*pp)->next)
        if (*pp == n) {
            *pp = n->next;
            n->next = NULL;
            ts->ehash_count--;
            return;
        }
}

struct tcp_eh *tcp_eh_lookup(struct berth_stack *st, const union inet_addr *laddr, uint16_t lport,
                             const union inet_addr *raddr, uint16_t rport)
{
    struct tcp_stack *ts = tcp_of(st);
    unsigned b = eh_hash(st, laddr, lport, raddr, rport) & ts->ehash_mask;
    for (struct tcp_eh *e = ts->ehash[b]; e; e = e->next) {
        /* the node's remote word first: one compare rejects most nodes */
        if (e->rport != rport || e->raddr.s_addr != inet_addr_fold(raddr))
            continue;
        union inet_addr la, ra = tcp_eh_remote(e);
        uint16_t lp;
        tcp_eh_local(e, &la, &lp);
        if (lp == lport && inet_addr_eq(&la, laddr) && inet_addr_eq(&ra, raddr))
            return e;
    }
    return NULL;
}

/* ---- listeners ---- */

/* compute_score() of inet_hashtables.c: -1 if the listener cannot take the
 * segment; a bound device adds one, a plain IPv4 socket beats a dual-stack
 * IPv6 one. */
static int listen_score(const struct bind_node *n, const union inet_addr *daddr, unsigned ifindex)
{
    if (n->timewait || !n->listening)
        return -1;
    if (tcp_state(tcp_sk(inet_node_sock(n))) != TCPS_LISTEN)
        return -1;
    if (!bind_node_match(n, daddr))
        return -1;
    int s = 1;
    if (n->bound_if) {
        if (n->bound_if != ifindex)
            return -1;
        s = 2;
    }
    if (!bind_node_v6(n))
        s++;
    return s;
}

struct tcp_sock *tcp_lookup_listener(struct berth_stack *st, const union inet_addr *saddr,
                                     uint16_t sport, const union inet_addr *daddr, uint16_t dport,
                                     unsigned ifindex)
{
    struct bind_node *owners = bind_owners(st->tcp_bind, ntohs(dport));
    if (!owners)
        return NULL;
    union inet_addr pass[2] = {*daddr, inet_addr_any_of(daddr)};
    for (int i = 0; i < 2; i++) {
        struct bind_node *best = NULL;
        int best_score = -1, matches = 0;
        for (struct bind_node *n = owners; n; n = n->next) {
            int s = listen_score(n, &pass[i], ifindex);
            if (s > best_score) {
                best = n;
                best_score = s;
                matches = 1;
            } else if (s == best_score && s >= 0 && n->reuseport && best->reuseport) {
                matches++;
            }
        }
        if (best && matches > 1) {
            /* An SO_REUSEPORT group: spread connections by a hash of the
             * 4-tuple (reuseport_select_sock). */
            uint32_t k[3] = {inet_addr_fold(saddr), inet_addr_fold(daddr),
                             ((uint32_t)sport << 16) | dport};
            uint32_t pick = stack_hash32(st, k, sizeof(k)) % (uint32_t)matches;
            for (struct bind_node *n = owners; n; n = n->next)
                if (listen_score(n, &pass[i], ifindex) == best_score && n->reuseport &&
                    pick-- == 0) {
                    best = n;
                    break;
                }
        }
        if (best)
            return tcp_sk(inet_node_sock(best));
        if (inet_addr_is_any(daddr))
            break;
    }
    return NULL;
}

/* ---- ISNs and timestamp offsets (RFC 6528, RFC 7323 section 5.4) ---- */

uint32_t tcp_isn(struct berth_stack *st, const union inet_addr *laddr, uint16_t lport,
                 const union inet_addr *raddr, uint16_t rport)
{
    uint32_t x[2] = {((uint32_t)lport << 16) | rport, 0x49534e31};
    /* F(4-tuple, secret) + M, M ticking every 64 ns as Linux's. */
    uint64_t ticks = (st_now(st) * 1000u) >> 6;
    return tuple_hash(st, laddr, raddr, x, 2) + (uint32_t)ticks;
}

uint32_t tcp_txhash(const struct berth_stack *st, uint32_t a, uint32_t b)
{
    uint32_t key[3] = {a, b, 0x54584831};
    uint32_t h = stack_hash32(st, key, sizeof(key));
    return h ? h : 1;
}

uint32_t tcp_ts_offset(struct berth_stack *st, const union inet_addr *laddr,
                       const union inet_addr *raddr)
{
    uint32_t tag = 0x54534f46;
    return tuple_hash(st, laddr, raddr, &tag, 1);
}

/* ---- SYN cookies (Linux's net/ipv4/syncookies.c) ----
 *
 * The ISN of a SYN-ACK sent without keeping a request:
 *   H1(4-tuple) + peer's ISN + (count << 24) + ((H2(4-tuple, count) + mss index) mod 2^24)
 * with count a minute counter and H1, H2 keyed hashes (the stack secret).
 * The final ACK gives back the ISN (ack - 1) and the peer's ISN (seq - 1):
 * a cookie at most two minutes old whose low 24 bits decode to a valid MSS
 * index recreates the connection. With timestamps the SYN-ACK's TSval
 * carries the peer's window scale and SACK permission in its low 6 bits,
 * and the ACK's echo returns them; without timestamps the SYN-ACK offers
 * neither (Linux's tcp_clear_options). */
#define COOKIE_BITS 24
#define COOKIE_MASK ((1u << COOKIE_BITS) - 1)
#define COOKIE_MAX_AGE 2 /* minutes (MAX_SYNCOOKIE_AGE) */
#define TS_OPT_WSCALE_MASK 0xfu
#define TS_OPT_SACK (1u << 4)
#define TSBITS 6
static const uint16_t cookie_msstab[] = {536, 1300, 1440, 1460};

static uint32_t cookie_count(struct berth_stack *st)
{
    return (uint32_t)berth_div64(st_now(st), 60000000u);
}

static uint32_t cookie_hash(struct berth_stack *st, const struct tcp_seg *seg, uint32_t count,
                            uint32_t c)
{
    uint32_t x[3] = {((uint32_t)seg->sport << 16) | seg->dport, count, 0x434b4900u + c};
    return tuple_hash(st, &seg->saddr, &seg->daddr, x, 3);
}

uint32_t tcp_cookie_isn(struct berth_stack *st, struct tcp_req *req, const struct tcp_seg *seg)
{
    uint16_t mss = seg->has_mss ? seg->mss : TCP_MSS_DEFAULT;
    uint32_t idx = 0;
    for (uint32_t i = sizeof(cookie_msstab) / sizeof(cookie_msstab[0]); i-- > 0;)
        if (mss >= cookie_msstab[i]) {
            idx = i;
            break;
        }
    req->mss_clamp = cookie_msstab[idx];
    uint32_t count = cookie_count(st);
    return cookie_hash(st, seg, 0, 0) + seg->seq + (count << COOKIE_BITS) +
           ((cookie_hash(st, seg, count, 1) + idx) & COOKIE_MASK);
}

uint32_t tcp_cookie_tsval(struct berth_stack *st, const struct tcp_req *req)
{
    uint32_t now = tcp_ts_now(st);
    uint32_t opt = TCP_WS(req->wscale_ok) ? req->snd_wscale : TS_OPT_WSCALE_MASK;
    if (TCP_SACK(req->sack_ok))
        opt |= TS_OPT_SACK;
    uint32_t ts = ((now >> TSBITS) << TSBITS) | opt;
    if (ts > now)
        ts -= 1u << TSBITS;
    return ts;
}

bool tcp_cookie_check(struct berth_stack *st, struct tcp_sock *l, const struct tcp_seg *seg,
                      struct tcp_req *req)
{
    struct tcp_stack *ts = tcp_of(st);
    /* __cookie_v4_check */
    uint32_t cookie = seg->ack - 1, sseq = seg->seq - 1;
    cookie -= cookie_hash(st, seg, 0, 0) + sseq;
    uint32_t count = cookie_count(st);
    uint32_t diff = (count - (cookie >> COOKIE_BITS)) & 0xffu;
    if (diff >= COOKIE_MAX_AGE)
        return false;
    uint32_t idx = (cookie - cookie_hash(st, seg, count - diff, 1)) & COOKIE_MASK;
    if (idx >= sizeof(cookie_msstab) / sizeof(cookie_msstab[0]))
        return false;
    memset(req, 0, sizeof(*req));
    req->eh.kind = TCP_EH_REQ;
    req->cookie = true;
    tcp_req_set_tuple(req, seg);
    req->listener = l;
    req->iss = seg->ack - 1;
    req->irs = sseq;
    req->mss_clamp = cookie_msstab[idx];
    req->ifindex = seg->ifindex;
    /* cookie_timestamp_decode */
    if (seg->has_ts) {
        if (!TCP_TS(ts->timestamps))
            return false;
        uint32_t ts_off =
            TCP_TS(ts->timestamps) == 1 ? tcp_ts_offset(st, &seg->daddr, &seg->saddr) : 0;
        uint32_t opt = (seg->tsecr - ts_off) & ((1u << TSBITS) - 1);
        uint32_t ws = opt & TS_OPT_WSCALE_MASK;
        req->ts_ok = true;
        req->ts_off = ts_off;
        req->ts_recent = seg->tsval;
        if ((opt & TS_OPT_SACK) && !TCP_SACK(ts->sack))
            return false;
        req->sack_ok = (opt & TS_OPT_SACK) != 0;
        if (ws != TS_OPT_WSCALE_MASK) {
            if (!TCP_WS(ts->window_scaling) || ws > TCP_MAX_WSCALE)
                return false;
            req->wscale_ok = true;
            req->snd_wscale = (uint8_t)ws;
            req->rcv_wscale = tcp_pick_wscale(l);
        }
    }
    return true;
}

/* ---- connect()'s port ---- */

/* tcp_twsk_unique(): may tp take the 4-tuple a TIME_WAIT entry holds? With
 * an explicit port (autobind false) whenever timestamps protect the new
 * incarnation; on the autobind path only with net.ipv4.tcp_tw_reuse (2:
 * loopback) and after tcp_tw_reuse_delay. */
static bool tw_unique(struct tcp_sock *tp, struct tcp_tw *tw, bool autobind)
{
    struct berth_stack *st = tcp_st(tp);
    struct tcp_stack *ts = tcp_of(st);
    int reuse = ts->tw_reuse;
    const struct tcp_eh *e = (const struct tcp_eh *)tw;
    union inet_addr la, ra = tcp_eh_remote(e);
    uint16_t lp;
    tcp_eh_local(e, &la, &lp);
    if (tcp_tw_fin_wait2(tw))
        reuse = 0;
    if (reuse == 2 && !inet_addr_is_loopback(&ra) && !inet_addr_is_loopback(&la))
        reuse = 0;
    uint32_t ts_recent;
    if (!tcp_tw_ts(tw, &ts_recent))
        return false;
    if (autobind && !(reuse && tcp_tw_age_ms(st, tw) > (uint32_t)ts->tw_reuse_delay_ms))
        return false;
    uint32_t seq = tcp_tw_snd_nxt(tw) + 65535 + 2;
    tp->c->write_seq = seq ? seq : 1;
    tp->c->ts_recent = ts_recent;
    tp->c->ts_recent_stamp = (uint32_t)berth_div64(st_now(st), 1000000);
    SNMP_INC(st, TcpExt, TWRecycled);
    tcp_tw_kill(st, tw);
    return true;
}

bool tcp_tuple_unique(struct tcp_sock *tp, uint16_t lport, bool autobind)
{
    struct inet_sock *in = &tp->inet;
    union inet_addr la, ra;
    tcp_sock_addrs(tp, &la, &ra);
    struct tcp_eh *e = tcp_eh_lookup(tcp_st(tp), &la, htons(lport), &ra, in->dport);
    if (!e)
        return true;
    if (e->kind != TCP_EH_TW)
        return false;
    return tw_unique(tp, (struct tcp_tw *)e, autobind);
}

/* May connect() share this occupied port? Only when every owner got it
 * from connect() too (Linux: the bucket's fastreuse and fastreuseport are
 * both -1); an explicit bind, even one that never listens, keeps it. */
static bool port_shareable(const struct bind_table *t, uint16_t port)
{
    for (struct bind_node *n = bind_owners(t, port); n; n = n->next) {
        if (n->timewait) {
            if (!tcp_tw_conn_bound(tcp_tw_of_bnode(n)))
                return false;
        } else if (!tcp_sk(inet_node_sock(n))->conn_bound) {
            return false;
        }
    }
    return true;
}

void tcp_eh_hash_sock(struct tcp_sock *tp)
{
    struct inet_sock *in = &tp->inet;
    tp->eh.kind = TCP_EH_SOCK;
    tp->eh.v6 = 0;
    tp->eh.raddr = in->daddr;
    /* Native IPv6: no IPv4 peer, and an IPv6 one (the AF_INET6 view may
     * not be v4-mapped yet when an IPv4 connect hashes the socket). */
    if (sock_family(&in->sk) == AF_INET6 && !in->daddr.s_addr &&
        !IN6_IS_ADDR_V4MAPPED(&inet6_info(in)->daddr) &&
        !IN6_IS_ADDR_UNSPECIFIED(&inet6_info(in)->daddr)) {
        union inet_addr d = inet_addr_from6(&inet6_info(in)->daddr);
        tp->eh.v6 = 1;
        tp->eh.raddr.s_addr = inet_addr_fold(&d);
    }
    tp->eh.rport = in->dport;
    tcp_eh_insert(tcp_st(tp), &tp->eh);
}

int tcp_hash_connect(struct tcp_sock *tp)
{
    struct inet_sock *in = &tp->inet;
    struct berth_stack *st = tcp_st(tp);
    struct bind_table *t = inet_table(in);
    if (inet_num(in)) {
        if (!tcp_tuple_unique(tp, inet_num(in), false))
            return -EADDRNOTAVAIL;
        tcp_eh_hash_sock(tp);
        return 0;
    }
    struct bind_req req;
    inet_bind_req(in, true, &req);
    unsigned low = req.lo, high = req.hi + 1;
    if (low >= high)
        return -EADDRNOTAVAIL;
    unsigned remaining = high - low;
    if (remaining > 1)
        remaining &= ~1u;
    /* RFC 6056's F(local address, remote address, remote port): an IPv4
     * pair as its words, an IPv6 one folded. */
    union inet_addr la, ra;
    tcp_sock_addrs(tp, &la, &ra);
    bool v6 = !inet_addr_is_v4(&ra);
    uint32_t k[3] = {inet_addr_fold(&la), inet_addr_fold(&ra), in->dport};
    uint32_t h = stack_hash32(st, k, sizeof(k));
    uint32_t k2[4] = {k[0], k[1], k[2], 0x5052544f};
    uint32_t h2 = stack_hash32(st, k2, sizeof(k2));
    struct tcp_stack *ts = tcp_of(st);
    unsigned idx = h & (TCP_PERTURB - 1);
    unsigned offset = (ts->perturb[idx] + h2) % remaining;
    inet_sync_node(in);
    if (!v6) /* a native IPv6 connection's IPv4 view is LOOPBACK4_IPV6 */
        in->bnode.addr = in->saddr;
    /* First ports of the range's low end parity (bind(0) takes the other
     * first), then the rest. */
    offset &= ~1u;
    unsigned i = 0, port = 0;
    for (;;) {
        port = low + offset;
        for (i = 0; i < remaining; i += 2, port += 2) {
            if (port >= high)
                port -= remaining;
            if (net_port_reserved(&st->net, port))
                continue;
            if (!bind_port_used(t, (uint16_t)port))
                goto ok;
            if (!port_shareable(t, (uint16_t)port))
                continue;
            if (tcp_tuple_unique(tp, (uint16_t)port, true))
                goto ok;
        }
        offset++;
        if (!((offset & 1) && remaining > 1))
            break;
    }
    return -EADDRNOTAVAIL;
ok:
    if (bind_add_owner(st, t, &in->bnode, (uint16_t)port))
        return -ENOBUFS;
    tp->conn_bound = true;
    /* A little randomness for the next choice (Linux: max(i, rand(8)*2)). */
    unsigned r = (stack_random32(st) % 8) * 2;
    ts->perturb[idx] += (i > r ? i : r) + 2;
    tcp_eh_hash_sock(tp);
    return 0;
}
