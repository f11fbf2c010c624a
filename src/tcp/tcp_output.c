/* tcp_output.c — building and sending segments: options, the advertised
 * window, what may be sent now (send window, congestion window, Nagle,
 * cork, silly-window avoidance), retransmissions, and the replies made
 * without a socket (RST, ACKs from TIME_WAIT and requests). */
#include <inttypes.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ip/ip4.h"
#if BERTH_WITH_IPV6
#include "ip/ip6.h"
#endif
#include "ip/ip_route.h"
#include "tcp/tcp.h"

/* ---- options ---- */

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    v = htonl(v);
    memcpy(p, &v, 4);
    return p + 4;
}

/* Linux's tcp_options_write order: MSS, SACK-permitted folded with the
 * timestamp, window scale, SACK blocks, Fast Open. Returns the length (a
 * multiple of 4). */
int tcp_build_options(uint8_t *buf, const struct tcp_out_opts *o)
{
    uint8_t *p = buf;
    if (o->mss)
        p = put32(p, (TCPOPT_MSS << 24) | (4 << 16) | o->mss_val);
    if (o->ts) {
        if (o->sack_perm)
            p = put32(p, (TCPOPT_SACK_PERM << 24) | (2 << 16) | (TCPOPT_TS << 8) | 10);
        else
            p = put32(p, (TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) | (TCPOPT_TS << 8) | 10);
        p = put32(p, o->tsval);
        p = put32(p, o->tsecr);
    } else if (o->sack_perm) {
        p = put32(p, (TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) | (TCPOPT_SACK_PERM << 8) | 2);
    }
    if (o->ws)
        p = put32(p, (TCPOPT_NOP << 24) | (TCPOPT_WS << 16) | (3 << 8) | o->ws_val);
    if (o->nsack) {
        p = put32(p, (TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) | (TCPOPT_SACK << 8) |
                         (2u + 8u * o->nsack));
        for (unsigned i = 0; i < o->nsack; i++) {
            p = put32(p, o->sack[i][0]);
            p = put32(p, o->sack[i][1]);
        }
    }
    /* An empty cookie, the request of RFC 7413 4.1.1, padded to a word
     * with two NOPs as Linux does; or RFC 6994's experimental form. */
    if (BERTH_WITH_FASTOPEN && o->fastopen == TCP_FO_OPT_RFC)
        p = put32(p, (TCPOPT_FASTOPEN << 24) | (2 << 16) | (TCPOPT_NOP << 8) | TCPOPT_NOP);
    else if (BERTH_WITH_FASTOPEN && o->fastopen == TCP_FO_OPT_EXP)
        p = put32(p, ((uint32_t)TCPOPT_EXP << 24) | (4u << 16) | TCPOPT_FASTOPEN_MAGIC);
    return (int)(p - buf);
}

/* SACK blocks for the out-of-order queue: the range holding the latest
 * arrival first (RFC 2018), then the others in sequence order. The walk
 * goes on until that range is found: the latest arrival may lie above any
 * number of holes (reporting only the lowest ranges then hides it from the
 * sender, which retransmits data that arrived long ago). */
static unsigned sack_blocks(const struct tcp_sock *tp, uint32_t out[4][2], unsigned max)
{
    uint32_t r[4][2];
    unsigned n = 0, k = 0;
    bool have_first = false;
    const struct tcp_chunk *c = tp->c->ooq.head;
    while (c && max) {
        uint32_t s = c->seq, e = c->seq + c->len;
        for (c = c->next; c && c->seq == e; c = c->next)
            e = c->seq + c->len;
        if (!have_first && seq_leq(s, tp->c->last_ooo_seq) && seq_lt(tp->c->last_ooo_seq, e)) {
            out[0][0] = s;
            out[0][1] = e;
            have_first = true;
        } else if (n < max) {
            r[n][0] = s;
            r[n][1] = e;
            n++;
        }
        if (have_first && n + 1 >= max)
            break;
    }
    if (have_first)
        k = 1;
    for (unsigned i = 0; i < n && k < max; i++) {
        out[k][0] = r[i][0];
        out[k][1] = r[i][1];
        k++;
    }
    return k;
}

/* tcp_current_mss: payload per segment now, less the SACK blocks an ACK
 * carries while out-of-order data waits (the packet must fit the MTU). */
uint32_t tcp_current_mss(const struct tcp_sock *tp)
{
    uint32_t mss = tp->c->mss_cache;
    if (TCP_SACK(tp->sack_ok) && tp->c->ooq.head) {
        unsigned n = 0, max = TCP_TS(tp->ts_ok) ? 3 : 4;
        uint32_t end = 0;
        for (const struct tcp_chunk *c = tp->c->ooq.head; c && n < max + 1; c = c->next) {
            if (!n || c->seq != end)
                n++;
            end = c->seq + c->len;
        }
        if (n > max)
            n = max;
        mss -= 4 + 8 * n;
    }
    return mss;
}

/* ---- windows ---- */

uint32_t tcp_rcv_space(const struct tcp_sock *tp)
{
    int64_t space = (int64_t)tp->inet.sk.rcvbuf / 2 - (int64_t)tp->c->rcvq.bytes - tp->c->ooq.bytes;
    return space > 0 ? (uint32_t)space : 0;
}

/* __tcp_select_window, simplified: offer the free receive space, never move
 * the right edge left, and avoid silly windows (RFC 1122 4.2.3.3): a window
 * below one segment while the buffer is more than half full is offered as
 * zero. Records what is offered. Returns the header value. */
uint32_t tcp_select_window(struct tcp_sock *tp)
{
    uint32_t space = tcp_rcv_space(tp);
    uint32_t full = (uint32_t)tp->inet.sk.rcvbuf / 2;
    uint32_t max_wnd = 65535u << tp->c->rcv_wscale;
    if (tp->window_clamp && (uint32_t)tp->window_clamp < max_wnd)
        max_wnd = (uint32_t)tp->window_clamp;
    if (space > max_wnd)
        space = max_wnd;
    uint32_t mss = tp->c->rcv_mss ? tp->c->rcv_mss : tp->c->advmss;
    if (space < full / 2 && space < mss)
        space = 0;
    uint32_t gran = 1u << tp->c->rcv_wscale;
    space &= ~(gran - 1);
    int32_t cur = (int32_t)(tp->c->rcv_wup + tp->c->rcv_wnd - tp->c->rcv_nxt);
    if (cur < 0)
        cur = 0;
    if (space < (uint32_t)cur)
        space = ((uint32_t)cur + gran - 1) & ~(gran - 1);
    tp->c->rcv_wnd = space;
    tp->c->rcv_wup = tp->c->rcv_nxt;
    uint32_t w = space >> tp->c->rcv_wscale;
    return w > 65535 ? 65535 : w;
}

/* tcp_mtu_to_mss + tcp_sync_mss: payload per segment for a path MTU, under
 * the peer's MSS option and TCP_MAXSEG, less the timestamp option. */
void tcp_sync_mss(struct tcp_sock *tp, unsigned pmtu)
{
    int mss = (int)pmtu - (int)tcp_net_hlen(tcp_is_v6(tp)) - TCP_HLEN;
    if (tp->c->mss_clamp && mss > tp->c->mss_clamp)
        mss = tp->c->mss_clamp;
    if (TCP_TS(tp->ts_ok))
        mss -= 12;
    if (mss < 48)
        mss = 48;
    tp->c->mss_cache = (uint16_t)mss;
}

uint32_t tcp_flight(const struct tcp_sock *tp)
{
    if (TCP_SACK(tp->sack_ok) && tp->c->nsacked)
        return tcp_sack_pipe(tp);
    return tp->c->snd_nxt - tp->c->snd_una;
}

unsigned tcp_path_mtu(struct tcp_sock *tp)
{
#if BERTH_WITH_IPV6
    if (tcp_is_v6(tp)) {
        /* The path MTU (Packet Too Big lowers it, RFC 8201); IPV6_MIN_MTU
         * when there is no route any more. */
        struct inet6_info *np = inet6_info(&tp->inet);
        struct ip6_route_res rt;
        if (ip6_route_source(tcp_st(tp), &np->daddr, &np->saddr, sock_bound_if(tcp_bs(tp)), &rt))
            return IP6_MIN_MTU;
        return rt.mtu < IP6_MIN_MTU ? IP6_MIN_MTU : rt.mtu;
    }
#endif
    unsigned mtu = ip4_route_mtu(tcp_st(tp), tp->inet.daddr, tp->inet.saddr);
    return mtu ? mtu : 576;
}

uint16_t tcp_advmss(const struct tcp_sock *tp, unsigned mtu, bool v6)
{
    int adv = (int)mtu - (int)tcp_net_hlen(v6) - TCP_HLEN;
    if (tp->user_mss && adv > tp->user_mss)
        adv = tp->user_mss;
    return (uint16_t)adv;
}

/* ---- transmission ---- */

static uint32_t ts_val(struct tcp_sock *tp) { return tcp_ts_now(tcp_st(tp)) + tp->c->ts_off; }

/* Hand a segment to the IP layer of its family. TCP sends Not-ECT: the
 * ECN bits of IPV6_TCLASS never reach the wire (seen on 6.18: a socket
 * with traffic class 0xb9 sends 0xb8; Linux masks them when the option
 * is set on a stream socket). An IPv6 segment is never
 * fragmented (ip6_xmit: TCP sizes its segments to the path MTU, and one
 * that is too big fails with EMSGSIZE); ttl is the hop limit, tos the
 * traffic class, label the flow label (host order; TCP_LABEL_FLOW: the
 * flow's hash). */
static int out_ip(struct berth_stack *st, struct pkt *p, const union inet_addr *src,
                  const union inet_addr *dst, uint8_t ttl, uint8_t tos, bool df, unsigned oif,
                  uint32_t label)
{
    SNMP_INC(st, Tcp, OutSegs);
#if BERTH_WITH_IPV6
    if (!inet_addr_is_v4(dst)) {
        struct ip6_out o = {.src = src->in6,
                            .dst = dst->in6,
                            .proto = IPPROTO_TCP,
                            .hlim = ttl,
                            .tclass = tos,
                            .dontfrag = true,
                            .flowlabel = label};
        if (label == TCP_LABEL_FLOW) {
            uint16_t ports[2]; /* the TCP header's first words, network order */
            memcpy(ports, p->data, sizeof(ports));
            o.flowlabel = ip6_flow_hash_label(st, &src->in6, &dst->in6, ports[0], ports[1]);
        }
        /* A device to keep to (flowi6_oif: the socket's, or a link-local
         * peer's interface): routed here within it, so a local
         * destination still goes through lo. */
        struct in6_addr nh;
        if (oif) {
            o.oif = ip6_route_lookup(st, &dst->in6, oif, &nh);
            if (!o.oif) {
                SNMP_INC(st, Ip6, OutNoRoutes);
                pkt_free(st, p);
                return ENETUNREACH;
            }
            o.nexthop = &nh;
        }
        return ip6_output(st, p, &o);
    }
#endif
    (void)oif;
    (void)label;
    struct ip4_out o = {.src = inet_addr_v4(src),
                        .dst = inet_addr_v4(dst),
                        .proto = IPPROTO_TCP,
                        .ttl = ttl,
                        .tos = tos,
                        .df = df};
    return ip4_output(st, p, &o);
}

/* The pseudo-header sum of the segment's family (RFC 9293 3.1, RFC 8200 8.1). */
static uint32_t pseudo_sum(const union inet_addr *src, const union inet_addr *dst, uint32_t len)
{
#if BERTH_WITH_IPV6
    if (!inet_addr_is_v4(dst))
        return inet_pseudo6(&src->in6, &dst->in6, IPPROTO_TCP, len);
#endif
    return inet_pseudo4(inet_addr_v4(src), inet_addr_v4(dst), IPPROTO_TCP, (uint16_t)len);
}

static void fill_hdr(struct pkt *p, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                     uint8_t flags, uint16_t wnd, const uint8_t *opt, unsigned optlen,
                     const union inet_addr *src, const union inet_addr *dst)
{
    struct tcp_hdr h = {.source = sport,
                        .dest = dport,
                        .seq = htonl(seq),
                        .ack_seq = htonl(ack),
                        .doff = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4),
                        .flags = flags,
                        .window = htons(wnd),
                        .check = 0,
                        .urg_ptr = 0};
    memcpy(p->data, &h, TCP_HLEN);
    if (optlen)
        memcpy(p->data + TCP_HLEN, opt, optlen);
    uint32_t sum = pseudo_sum(src, dst, p->len);
    uint16_t ck = inet_csum_fold(inet_csum_add(sum, p->data, p->len));
    memcpy(p->data + 16, &ck, 2);
}

int tcp_transmit(struct tcp_sock *tp, uint32_t seq, uint32_t len, uint8_t flags)
{
    struct berth_stack *st = tcp_st(tp);
    struct inet_sock *in = &tp->inet;
    struct tcp_out_opts o = {0};
    uint8_t opt[TCP_MAX_OPTLEN];
    bool syn = flags & TH_SYN;
    if (syn) {
        struct tcp_stack *ts = tcp_of(st);
        o.mss = true;
        o.mss_val = tp->c->advmss;
        o.ts = TCP_TS(ts->timestamps) != 0 && (tcp_state(tp) == TCPS_SYN_SENT || TCP_TS(tp->ts_ok));
        o.sack_perm =
            TCP_SACK(ts->sack) != 0 && (tcp_state(tp) == TCPS_SYN_SENT || TCP_SACK(tp->sack_ok));
        o.ws = TCP_WS(ts->window_scaling) != 0 &&
               (tcp_state(tp) == TCPS_SYN_SENT || TCP_WS(tp->wscale_ok));
        o.ws_val = tp->c->rcv_wscale;
        /* tcp_syn_options: 4 bytes are always left for it (at most 20 used) */
        if (BERTH_WITH_FASTOPEN && tcp_state(tp) == TCPS_SYN_SENT)
            o.fastopen = tcp_fastopen_syn_option(tp);
    } else {
        o.ts = TCP_TS(tp->ts_ok);
        if (TCP_SACK(tp->sack_ok) && tp->c->ooq.head)
            o.nsack = (uint8_t)sack_blocks(tp, o.sack, TCP_TS(tp->ts_ok) ? 3 : 4);
    }
    if (o.ts) {
        o.tsval = ts_val(tp);
        o.tsecr = tp->c->ts_recent;
    }
    unsigned optlen = (unsigned)tcp_build_options(opt, &o);
    struct pkt *p = pkt_alloc_atomic(st, PKT_HEADROOM, TCP_HLEN + optlen + len);
    if (!p)
        return ENOBUFS;
    if (len)
        tcp_bufq_copy(&tp->c->sndq, seq == tp->c->snd_nxt ? &tp->c->snd_hint : NULL, seq,
                      p->data + TCP_HLEN + optlen, len);
    uint32_t ack = 0;
    if (tcp_state(tp) != TCPS_SYN_SENT || (flags & TH_ACK)) {
        flags |= TH_ACK;
        ack = tp->c->rcv_nxt;
    }
    uint16_t wnd;
    if (syn) {
        /* RFC 7323: the window of a SYN is never scaled. */
        uint32_t w = tcp_rcv_space(tp);
        tp->c->rcv_wnd = w > 65535 ? 65535 : w;
        tp->c->rcv_wup = tp->c->rcv_nxt;
        wnd = (uint16_t)tp->c->rcv_wnd;
    } else {
        wnd = (uint16_t)tcp_select_window(tp);
    }
    union inet_addr src, dst;
    tcp_sock_addrs(tp, &src, &dst);
    fill_hdr(p, htons(inet_num(in)), in->dport, seq, ack, flags, wnd, opt, optlen, &src, &dst);
    if (flags & TH_ACK) {
        tp->c->ack_pending = 0;
        tcp_timer_clear(tp, TCP_T_DELACK);
    }
    TRACE(st,
          "tcp out %u>%u seq %" PRIu32 " ack %" PRIu32 " len %" PRIu32
          " flags %02x wnd %u state %d",
          inet_num(in), ntohs(in->dport), seq, ack, len, flags, wnd, tcp_state(tp));
    TCP_INFO_ADD(tp, segs_out, 1);
    if (len) {
        TCP_INFO_ADD(tp, data_segs_out, 1);
        tp->c->lsndtime = st_now(st);
        /* tcp_event_data_sent: data sent within ato of the last data
         * received is a reply; a reply makes the connection interactive
         * (pingpong), whose ACKs are delayed, hoping to ride on data. */
        if (tp->c->ato_us && tp->c->lsndtime - tp->c->lrcvtime < tp->c->ato_us &&
            tp->c->pingpong < UINT8_MAX)
            tp->c->pingpong++;
    }
    int rc;
#if BERTH_WITH_IPV6
    if (!inet_addr_is_v4(&dst))
        rc = out_ip(st, p, &src, &dst, inet6_hlim(in), inet6_tclass(in) & ~3u, true,
                    sock_bound_if(&in->sk), tcp_v6_label(tp));
    else
#endif
        rc = out_ip(st, p, &src, &dst, (uint8_t)inet_ttl(in), in->tos,
                    in->pmtudisc != IP_PMTUDISC_DONT, 0, 0);
    return rc;
}

void tcp_send_ack(struct tcp_sock *tp)
{
    if (tcp_state(tp) == TCPS_CLOSE || tcp_state(tp) == TCPS_LISTEN ||
        tcp_state(tp) == TCPS_SYN_SENT)
        return;
    /* Linux's tcp_acceptable_seq: the highest sequence sent (its snd_nxt,
     * berth's snd_max; berth's snd_nxt goes back to snd_una on a timeout),
     * or the window's right edge if the window shrank below it. An ACK
     * carrying the rewound snd_nxt is below the peer's rcv_wup, and the
     * peer drops it unread (tcp_sequence): two ends both in timeout
     * recovery without SACK then ignore each other's ACKs for good. */
    uint32_t seq = tp->c->snd_max, wend = tp->c->snd_una + tp->c->snd_wnd;
    if (seq_gt(seq, wend) && !(TCP_WS(tp->wscale_ok) && seq - wend < (1u << tp->c->rcv_wscale)))
        seq = wend;
    tcp_transmit(tp, seq, 0, TH_ACK);
}

void tcp_send_syn(struct tcp_sock *tp)
{
    uint8_t flags = TH_SYN;
    if (tcp_state(tp) == TCPS_SYN_RECV)
        flags |= TH_ACK;
    tcp_transmit(tp, tp->c->iss, 0, flags);
}

void tcp_send_active_rst(struct tcp_sock *tp)
{
    /* tcp_send_active_reset: seq is the next to send, ACK set. */
    SNMP_INC(tcp_st(tp), Tcp, OutRsts);
    tcp_transmit(tp, tp->c->snd_nxt, 0, TH_RST | TH_ACK);
}

/* tcp_xmit_probe_skb: a segment the peer must answer with its window, made
 * of an already acknowledged sequence number. */
void tcp_send_probe(struct tcp_sock *tp) { tcp_transmit(tp, tp->c->snd_una - 1, 0, TH_ACK); }

/* ---- what to send now ---- */

uint32_t tcp_send_headroom(const struct tcp_sock *tp)
{
    uint32_t end = tp->c->snd_una + tp->c->snd_wnd;
    return seq_gt(end, tp->c->snd_nxt) ? end - tp->c->snd_nxt : 0;
}

/* May len more bytes go out with `flight` bytes in flight? */
static bool cwnd_room(const struct tcp_sock *tp, uint32_t flight, uint32_t len)
{
    /* Limited transmit (RFC 3042): a new segment for each of the first two
     * duplicate ACKs. With SACK blocks the pipe (tcp_sack_pipe) already
     * leaves out the SACKed segments, which is how Linux lets those
     * segments go (sacked_out lowers tcp_packets_in_flight); counting the
     * duplicate ACKs as well sent two new segments on the first one. */
    uint32_t extra = tp->c->ca_state == TCPCA_DISORDER && !(TCP_SACK(tp->sack_ok) && tp->c->nsacked)
                         ? (tp->c->dupacks < 2 ? tp->c->dupacks : 2)
                         : 0;
    uint64_t cw = (uint64_t)(tp->c->cwnd + extra) * tp->c->mss_cache;
    return flight == 0 || flight + len <= cw;
}

static bool cwnd_allows(const struct tcp_sock *tp, uint32_t len)
{
    return cwnd_room(tp, tcp_flight(tp), len);
}

/* Skip SACKed bytes when resending after a timeout. */
static uint32_t sacked_end(const struct tcp_sock *tp, uint32_t seq)
{
    for (unsigned i = 0; i < tp->c->nsacked; i++)
        if (seq_leq(tp->c->sacked[i][0], seq) && seq_lt(seq, tp->c->sacked[i][1]))
            return tp->c->sacked[i][1];
    return seq;
}

static uint32_t next_sacked_start(const struct tcp_sock *tp, uint32_t seq)
{
    uint32_t best = 0;
    bool found = false;
    for (unsigned i = 0; i < tp->c->nsacked; i++)
        if (seq_gt(tp->c->sacked[i][0], seq) && (!found || seq_lt(tp->c->sacked[i][0], best))) {
            best = tp->c->sacked[i][0];
            found = true;
        }
    return found ? best : seq + 0x7fffffffu;
}

/* Would tcp_push send another segment right after [seq, seq + len)?
 * The checks of the loop below, with that segment counted as sent (SACK
 * skipping left out): more data, window, cwnd, SWS, Nagle and cork. Only
 * used to place PSH, so an approximation costs nothing but a flag. */
static bool next_follows(const struct tcp_sock *tp, uint32_t seq, uint32_t len, uint32_t mss,
                         bool more)
{
    uint32_t next = seq + len;
    if (!seq_lt(next, tp->c->write_seq))
        return false;
    uint32_t avail = tp->c->write_seq - next;
    uint32_t n = avail < mss ? avail : mss;
    uint32_t end = tp->c->snd_una + tp->c->snd_wnd;
    uint32_t room = seq_gt(end, next) ? end - next : 0;
    bool wnd_limited = n > room;
    if (wnd_limited)
        n = room;
    if (!n)
        return false;
    if (!cwnd_room(tp, tcp_flight(tp) + len, n))
        return false;
    bool retx = seq_lt(next, tp->c->snd_max);
    bool final_fin = tp->fin_queued && next + n == tp->c->write_seq && room > n;
    if (n < mss && !retx && !final_fin) {
        if (wnd_limited)
            return n >= tp->c->max_window / 2;
        if (n == avail &&
            (tp->cork || more || (!tp->nodelay && seq_gt(tp->c->snd_sml, tp->c->snd_una))))
            return false;
    }
    return true;
}

/* How many segments Linux would put in one TSO/GSO packet now:
 * tcp_tso_autosize (about 1 ms at the pacing rate of tcp_update_pacing_rate,
 * 200 % of cwnd per RTT in slow start, 120 % after; plus 64 KB >> (min_rtt
 * / 512 us) on short paths; at most 64 KB; at least tcp_min_tso_segs, 2),
 * and no more than half the cwnd (tcp_cwnd_test: "at least 2 GSO packets
 * in flight"). */
static unsigned gso_segs(const struct tcp_sock *tp, uint32_t mss)
{
    uint64_t rate = (uint64_t)mss * ((1000000u / 100) << 3); /* srtt_us is x8 */
    rate *= tp->c->cwnd < tp->c->ssthresh / 2 ? 200 : 120;
    rate *= tp->c->cwnd;
    if (tp->c->srtt_us)
        rate = berth_div64(rate, tp->c->srtt_us);
    uint64_t bytes = rate >> 10;
    uint32_t r = tp->c->min_rtt_us >> 9;
    if (r < 32)
        bytes += 65536u >> r;
    if (bytes > 65536)
        bytes = 65536;
    unsigned segs = (unsigned)((uint32_t)bytes / mss); /* bytes <= 65536 */
    if (segs < 2)
        segs = 2;
    unsigned half = tp->c->cwnd >> 1 ? tp->c->cwnd >> 1 : 1;
    return segs < half ? segs : half;
}

/* tcp_write_xmit. `probe` is Linux's push_one == 2, a tail loss probe: one
 * new segment, whatever the congestion window, Nagle and cork say (the
 * receiver's window still rules). Returns true when new data (or a new FIN)
 * went out. */
static bool push(struct tcp_sock *tp, bool more, bool probe)
{
    int state = tcp_state(tp);
    if (!(TCPF(state) & (TCPF(TCPS_ESTABLISHED) | TCPF(TCPS_CLOSE_WAIT) | TCPF(TCPS_FIN_WAIT1) |
                         TCPF(TCPS_LAST_ACK) | TCPF(TCPS_CLOSING))))
        return false;
    uint32_t mss = tcp_current_mss(tp);
    bool sent = false, failed = false, sent_new = false;
    unsigned gso = gso_segs(tp, mss), group = 0; /* see the PSH rule below */
    tp->cwnd_limited = false;
    for (;;) {
        if (TCP_SACK(tp->sack_ok) && tp->c->nsacked && seq_lt(tp->c->snd_nxt, tp->c->snd_max)) {
            uint32_t s = sacked_end(tp, tp->c->snd_nxt);
            if (s != tp->c->snd_nxt) {
                tp->c->snd_nxt = s;
                if (tp->c->snd_hint && seq_gt(tp->c->snd_hint->seq, s))
                    tp->c->snd_hint = NULL;
                continue;
            }
        }
        uint32_t seq = tp->c->snd_nxt;
        uint32_t avail = seq_lt(seq, tp->c->write_seq) ? tp->c->write_seq - seq : 0;
        bool fin = tp->fin_queued && seq == tp->c->write_seq;
        if (!avail && !fin)
            break;
        if (fin) {
            /* A bare FIN needs one byte of window. */
            if (!tcp_send_headroom(tp))
                break;
            /* The FIN waits for cwnd like data: Linux 6.10 removed the
             * "final FIN" exception from tcp_cwnd_test (commit "tcp: remove
             * dubious FIN exception from tcp_cwnd_test()"). A loss probe
             * is the exception (the kernel sends a held FIN as its TLP). */
            if (!probe && !cwnd_allows(tp, 1)) {
                tp->cwnd_limited = true;
                break;
            }
            bool retx = seq_lt(seq, tp->c->snd_max);
            if (tcp_transmit(tp, seq, 0, TH_FIN | TH_ACK)) {
                failed = true;
                break;
            }
            tp->c->snd_nxt = seq + 1;
            if (seq_gt(tp->c->snd_nxt, tp->c->snd_max))
                tp->c->snd_max = tp->c->snd_nxt;
            TCP_CHECK_SND(tp->c);
            if (retx) {
                tp->c->total_retrans++;
                SNMP_INC(tcp_st(tp), Tcp, RetransSegs);
            } else {
                tp->c->last_seg_seq = seq;
                sent_new = true;
            }
            sent = true;
            break;
        }
        uint32_t len = avail < mss ? avail : mss;
        if (TCP_SACK(tp->sack_ok) && tp->c->nsacked && seq_lt(seq, tp->c->snd_max)) {
            uint32_t lim = next_sacked_start(tp, seq) - seq;
            if (len > lim)
                len = lim;
        }
        uint32_t room = tcp_send_headroom(tp);
        bool wnd_limited = false;
        if (len > room) {
            len = room;
            wnd_limited = true;
        }
        if (!len)
            break;
        if (!probe && !cwnd_allows(tp, len)) {
            tp->cwnd_limited = true;
            break;
        }
        bool retx = seq_lt(seq, tp->c->snd_max);
        /* The last segment of data, carrying the FIN, is not held by Nagle
         * or cork: Linux's tcp_nagle_test exempts a FIN skb ("don't use
         * the nagle rule for urgent data (or for the final FIN)"), so
         * close() after a small write sends data and FIN at once. */
        bool final_fin =
            tp->fin_queued && seq + len == tp->c->write_seq && tcp_send_headroom(tp) > len;
        if (len < mss && !retx && !final_fin && !probe) {
            if (wnd_limited) {
                /* Sender silly-window avoidance: a partial segment only
                 * when it is at least half the largest window seen, or
                 * nothing is in flight. */
                if (len < tp->c->max_window / 2 && tcp_flight(tp))
                    break;
            } else if (len == avail) {
                /* Nagle (Minshall's variant) and cork: the tail waits
                 * while a small segment is unacknowledged, or while the
                 * application said more is coming. */
                if (tp->cork || more)
                    break;
                if (!tp->nodelay && seq_gt(tp->c->snd_sml, tp->c->snd_una) && tcp_flight(tp))
                    break;
            }
        }
        uint8_t flags = TH_ACK;
        bool with_fin = tp->fin_queued && seq + len == tp->c->write_seq;
        if (seq + len == tp->c->write_seq && !tp->more_tail)
            flags |= TH_PSH;
        /* Linux sends a burst as TSO/GSO packets and forces PSH on every
         * packet of more than one segment (__tcp_transmit_skb: "to
         * expedite GRO flush at receiver"); GSO leaves it on the packet's
         * last segment. berth sends segments: it counts them into packets
         * of gso_segs() (the last one of a burst may be shorter) and sets
         * PSH where a packet of two or more would end. */
        if (++group >= gso || !next_follows(tp, seq, len, mss, more)) {
            if (group >= 2)
                flags |= TH_PSH;
            group = 0;
        }
        if (with_fin) {
            if (tcp_send_headroom(tp) > len)
                flags |= TH_FIN;
            else
                with_fin = false;
        }
        if (!retx && !TCP_TS(tp->ts_ok) && !tp->rtt_timing) {
            tp->rtt_timing = true;
            tp->c->rtt_seq = seq + len;
            tp->c->rtt_start = st_now(tcp_st(tp));
        }
        if (tcp_transmit(tp, seq, len, flags)) {
            /* The interface queue is full (or the route is gone): the
             * segment stays unsent and goes out with a later ACK or the
             * retransmission timer, as Linux keeps it in its write queue. */
            if (!retx && tp->c->rtt_seq == seq + len)
                tp->rtt_timing = false;
            failed = true;
            break;
        }
        if (retx) {
            tp->c->total_retrans++;
            TCP_INFO_ADD(tp, bytes_retrans, len);
            SNMP_INC(tcp_st(tp), Tcp, RetransSegs);
        } else {
            TCP_INFO_ADD(tp, bytes_sent, len);
            tp->c->last_seg_seq = seq;
            sent_new = true;
        }
        tp->c->snd_nxt = seq + len + (with_fin ? 1 : 0);
        if (seq_gt(tp->c->snd_nxt, tp->c->snd_max))
            tp->c->snd_max = tp->c->snd_nxt;
        TCP_CHECK_SND(tp->c);
        if (len < mss)
            tp->c->snd_sml = seq + len;
        sent = true;
        if (with_fin || probe)
            break;
    }
    if ((sent || failed) && !tp->c->t_when[TCP_T_RTX])
        tcp_rearm_rto(tp);
    /* "Send one loss probe per tail loss episode": new data re-arms the
     * probe timeout, except the probe's own. */
    if (sent_new && !probe)
        tcp_schedule_loss_probe(tp, false);
    /* Data waits for a window that is closed and nothing in flight will
     * open it: probe (the persist timer). */
    bool pending = seq_lt(tp->c->snd_nxt, tp->c->write_seq) ||
                   (tp->fin_queued && seq_leq(tp->c->snd_nxt, tp->c->write_seq));
    if (pending && tp->c->snd_una == tp->c->snd_max && !tp->c->t_when[TCP_T_RTX]) {
        tp->c->rtx_kind = TCP_RTX_PROBE;
        uint64_t t = (uint64_t)tp->c->rto_us << (tp->c->backoff < 16 ? tp->c->backoff : 16);
        if (t > TCP_RTO_MAX_US)
            t = TCP_RTO_MAX_US;
        tcp_timer_set(tp, TCP_T_RTX, st_now(tcp_st(tp)) + t);
    }
    return sent_new;
}

void tcp_push(struct tcp_sock *tp, bool more) { push(tp, more, false); }

void tcp_send_fin(struct tcp_sock *tp)
{
    tp->fin_queued = true;
    tcp_push(tp, false);
}

/* Retransmit the first unacknowledged segment (fast retransmit, RTO). */
uint32_t tcp_retransmit_head(struct tcp_sock *tp)
{
    uint32_t seq = tp->c->snd_una;
    if (seq == tp->c->iss && (tcp_state(tp) == TCPS_SYN_SENT || tcp_state(tp) == TCPS_SYN_RECV)) {
        tcp_send_syn(tp);
        return 1;
    }
    /* Only what was sent before (segment sizes change with the options,
     * so a retransmission must not reach past snd_max). */
    uint32_t data_max =
        seq_lt(tp->c->snd_max, tp->c->write_seq) ? tp->c->snd_max : tp->c->write_seq;
    uint32_t avail = seq_lt(seq, data_max) ? data_max - seq : 0;
    uint32_t mss = tcp_current_mss(tp);
    uint32_t len = avail < mss ? avail : mss;
    uint8_t flags = TH_ACK;
    bool fin = tp->fin_queued && seq + len == tp->c->write_seq && seq_lt(seq + len, tp->c->snd_max);
    if (!len && !fin)
        return 0;
    if (fin)
        flags |= TH_FIN;
    if (len && seq + len == tp->c->write_seq && !tp->more_tail)
        flags |= TH_PSH;
    if (tcp_transmit(tp, seq, len, flags))
        return 0;
    tp->c->head_rtx_max = tp->c->snd_max;
    if (seq_gt(seq + len, tp->c->high_rxt))
        tp->c->high_rxt = seq + len;
    tp->c->total_retrans++;
    TCP_INFO_ADD(tp, bytes_retrans, len);
    tp->rtt_timing = false; /* Karn */
    SNMP_INC(tcp_st(tp), Tcp, RetransSegs);
    return len + (fin ? 1u : 0u);
}

/* ---- tail loss probe (RFC 8985 section 7, Linux's TLP) ---- */

/* tcp_schedule_loss_probe. Linux probes on SACK connections in the Open
 * (or CWR) state with tcp_early_retrans 3 or 4: PTO = 2 SRTT, plus the
 * minimum RTO when one segment is in flight (the peer may be delaying its
 * ACK), else plus TCP_TIMEOUT_MIN; 1 s without an RTT sample; never later
 * than the RTO would fire. */
bool tcp_schedule_loss_probe(struct tcp_sock *tp, bool advancing_rto)
{
    struct berth_stack *st = tcp_st(tp);
    int er = tcp_of(st)->early_retrans;
    int state = tcp_state(tp);
    if ((er != 3 && er != 4) || tp->c->snd_una == tp->c->snd_max || !TCP_SACK(tp->sack_ok) ||
        tp->c->ca_state != TCPCA_OPEN || state == TCPS_SYN_SENT || state == TCPS_SYN_RECV)
        return false;
    uint64_t now = st_now(st);
    uint64_t pto;
    if (tp->c->srtt_us) {
        pto = tp->c->srtt_us >> 2; /* srtt is kept x8 */
        /* packets_out == 1: only the last segment sent is unacknowledged */
        pto += seq_geq(tp->c->snd_una, tp->c->last_seg_seq) ? TCP_RTO_MIN_US : TCP_TIMEOUT_MIN_US;
    } else {
        pto = TCP_TIMEOUT_INIT_US;
    }
    /* Where the RTO is: restarting now (an ACK of new data), else where it
     * stands. Linux measures it from the head's transmission; berth from
     * when it was armed. */
    uint64_t deadline;
    if (advancing_rto || !tp->c->t_when[TCP_T_RTX] || tp->c->rtx_kind == TCP_RTX_PROBE)
        deadline = now + tcp_backed_off_rto(tp);
    else if (tp->c->rtx_kind == TCP_RTX_TLP)
        deadline = tp->c->rto_when;
    else
        deadline = tp->c->t_when[TCP_T_RTX];
    if (deadline <= now)
        deadline = now + 1;
    if (deadline - now < pto)
        pto = deadline - now;
    tp->c->rto_when = deadline;
    tp->c->rtx_kind = TCP_RTX_TLP;
    tcp_timer_set(tp, TCP_T_RTX, now + pto);
    return true;
}

/* Resend the last segment sent (Linux: the last skb of the retransmission
 * queue, its last MSS if it holds more), with the FIN if the FIN is out. */
static bool retransmit_tail(struct tcp_sock *tp)
{
    uint32_t data_end =
        seq_lt(tp->c->snd_max, tp->c->write_seq) ? tp->c->snd_max : tp->c->write_seq;
    bool fin = tp->fin_queued && tp->c->snd_max == tp->c->write_seq + 1;
    uint32_t start = seq_max(tp->c->snd_una, tp->c->last_seg_seq);
    if (seq_gt(start, data_end))
        start = data_end;
    uint32_t len = data_end - start;
    uint32_t mss = tcp_current_mss(tp);
    if (len > mss) {
        start = data_end - ((len - 1) % mss + 1);
        len = data_end - start;
    }
    if (!len && !fin)
        return false;
    /* __tcp_retransmit_skb: not beyond a window the peer shrank (unless it
     * is the head: then it serves as a window probe). */
    if (!seq_lt(start, tp->c->snd_una + tp->c->snd_wnd) && start != tp->c->snd_una)
        return false;
    uint8_t flags = TH_ACK;
    if (fin)
        flags |= TH_FIN;
    if (len && start + len == tp->c->write_seq && !tp->more_tail)
        flags |= TH_PSH;
    if (tcp_transmit(tp, start, len, flags))
        return false;
    tp->c->total_retrans++;
    TCP_INFO_ADD(tp, bytes_retrans, len);
    if (tp->rtt_timing && seq_gt(tp->c->rtt_seq, start))
        tp->rtt_timing = false; /* Karn */
    SNMP_INC(tcp_st(tp), Tcp, RetransSegs);
    return true;
}

/* tcp_send_loss_probe: the probe timeout fired. One new segment if the
 * send queue has one and the peer's window takes it, else the last segment
 * again; at most one probe outstanding. Then the RTO: from now after a
 * probe, at its old deadline otherwise. */
void tcp_send_loss_probe(struct tcp_sock *tp)
{
    struct berth_stack *st = tcp_st(tp);
    uint64_t now = st_now(st);
    if (tp->c->snd_una == tp->c->snd_max)
        return; /* everything was acknowledged meanwhile */
    if (tp->tlp_out)
        goto rearm;
    tp->tlp_retrans = false;
    uint32_t avail =
        seq_lt(tp->c->snd_nxt, tp->c->write_seq) ? tp->c->write_seq - tp->c->snd_nxt : 0;
    bool fin = tp->fin_queued && tp->c->snd_nxt == tp->c->write_seq;
    if (avail || fin) {
        /* tcp_snd_wnd_test: the first segment of the send head fits. */
        uint32_t mss = tcp_current_mss(tp);
        uint32_t need = avail ? (avail < mss ? avail : mss) : 1;
        if (tcp_send_headroom(tp) >= need) {
            if (push(tp, false, true))
                goto sent;
            goto rearm;
        }
    }
    if (!retransmit_tail(tp))
        goto rearm;
    tp->tlp_retrans = true;
sent:
    tp->c->tlp_high_seq = tp->c->snd_max;
    tp->tlp_out = true;
    SNMP_INC(st, TcpExt, TCPLossProbes);
    TRACE(st, "tcp %u: loss probe (%s), una %" PRIu32 " max %" PRIu32 "", inet_num(&tp->inet),
          tp->tlp_retrans ? "tail again" : "new data", tp->c->snd_una, tp->c->snd_max);
    tcp_rearm_rto(tp);
    return;
rearm:
    tp->c->rtx_kind = TCP_RTX_RETRANS;
    tcp_timer_set(tp, TCP_T_RTX, tp->c->rto_when > now ? tp->c->rto_when : now + 1);
}

/* ---- SACK-based recovery (RFC 6675) ---- */

static uint32_t sacked_above(const struct tcp_sock *tp, uint32_t seq, unsigned *ranges)
{
    uint32_t n = 0;
    unsigned r = 0;
    for (unsigned i = 0; i < tp->c->nsacked; i++)
        if (seq_geq(tp->c->sacked[i][0], seq)) {
            n += tp->c->sacked[i][1] - tp->c->sacked[i][0];
            r++;
        } else if (seq_gt(tp->c->sacked[i][1], seq)) {
            n += tp->c->sacked[i][1] - seq;
            r++;
        }
    if (ranges)
        *ranges = r;
    return n;
}

uint32_t tcp_sacked_bytes(const struct tcp_sock *tp, uint32_t seq)
{
    return sacked_above(tp, seq, NULL);
}

/* IsLost(): three segments' worth of SACKed bytes (or three ranges) above. */
static bool is_lost(const struct tcp_sock *tp, uint32_t seq)
{
    unsigned ranges;
    uint32_t above = sacked_above(tp, seq, &ranges);
    return above >= (uint32_t)tp->c->reordering * tp->c->mss_cache || ranges >= tp->c->reordering;
}

uint32_t tcp_sack_pipe(const struct tcp_sock *tp)
{
    /* Bytes outstanding, less SACKed ones and holes deemed lost that were
     * not retransmitted yet (RFC 6675 SetPipe, by ranges). */
    uint32_t out = tp->c->snd_nxt - tp->c->snd_una;
    uint32_t sacked = sacked_above(tp, tp->c->snd_una, NULL);
    if (sacked > out)
        return 0;
    out -= sacked;
    if (tp->c->ca_state == TCPCA_RECOVERY) {
        /* Holes below high_rxt were retransmitted (in flight again);
         * lost holes above it are not in the network. */
        uint32_t seq = seq_max(tp->c->snd_una, tp->c->high_rxt);
        while (seq_lt(seq, tp->c->snd_nxt)) {
            uint32_t s = sacked_end(tp, seq);
            if (s != seq) {
                seq = s;
                continue;
            }
            uint32_t e = next_sacked_start(tp, seq);
            if (seq_gt(e, tp->c->snd_nxt))
                e = tp->c->snd_nxt;
            if (!is_lost(tp, seq))
                break;
            uint32_t hole = e - seq;
            out = out > hole ? out - hole : 0;
            seq = e;
        }
    }
    return out;
}

void tcp_sack_retransmit(struct tcp_sock *tp)
{
    uint32_t mss = tcp_current_mss(tp);
    for (int guard = 0; guard < 64; guard++) {
        uint32_t seq = seq_max(tp->c->snd_una, tp->c->high_rxt);
        seq = sacked_end(tp, seq);
        /* next hole below the highest SACKed byte */
        uint32_t hi = tp->c->snd_una;
        for (unsigned i = 0; i < tp->c->nsacked; i++)
            hi = seq_max(hi, tp->c->sacked[i][1]);
        if (seq_geq(seq, hi) || seq_geq(seq, tp->c->snd_max))
            return;
        uint32_t e = next_sacked_start(tp, seq);
        if (seq_gt(e, hi))
            e = hi;
        if (!is_lost(tp, seq))
            return;
        uint32_t len = e - seq < mss ? e - seq : mss;
        uint32_t data_max =
            seq_lt(tp->c->snd_max, tp->c->write_seq) ? tp->c->snd_max : tp->c->write_seq;
        if (seq_gt(seq + len, data_max))
            len = seq_lt(seq, data_max) ? data_max - seq : 0;
        if (!len)
            return;
        uint64_t cw = (uint64_t)tp->c->cwnd * mss;
        if (tcp_sack_pipe(tp) + len > cw)
            return;
        if (tcp_transmit(tp, seq, len, TH_ACK))
            return;
        if (seq == tp->c->snd_una)
            tp->c->head_rtx_max = tp->c->snd_max;
        tp->c->total_retrans++;
        TCP_INFO_ADD(tp, bytes_retrans, len);
        tp->rtt_timing = false;
        SNMP_INC(tcp_st(tp), Tcp, RetransSegs);
        tp->c->high_rxt = seq + len;
    }
}

/* ---- replies without a socket ---- */

void tcp_send_bare(struct berth_stack *st, const union inet_addr *src, const union inet_addr *dst,
                   uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                   uint16_t wnd, const struct tcp_out_opts *o, uint8_t tos, uint8_t ttl,
                   unsigned oif, uint32_t flowlabel)
{
    uint8_t opt[TCP_MAX_OPTLEN];
    unsigned optlen = o ? (unsigned)tcp_build_options(opt, o) : 0;
    struct pkt *p = pkt_alloc_atomic(st, PKT_HEADROOM, TCP_HLEN + optlen);
    if (!p)
        return;
    fill_hdr(p, sport, dport, seq, ack, flags, wnd, opt, optlen, src, dst);
    if (!ttl) /* ip_default_ttl; IPv6: net.ipv6.conf's hop_limit, 64 */
        ttl = inet_addr_is_v4(dst) ? (uint8_t)st->net.ip_default_ttl : 64;
    out_ip(st, p, src, dst, ttl, tos, true, oif, flowlabel);
}

/* A segment's traffic class as Linux's tcp_v6_send_reset reflects it:
 * the DS field without the ECN bits. IPv4 resets carry TOS 0 as before. */
static uint8_t reply_tos(const struct tcp_seg *seg)
{
    return inet_addr_is_v4(&seg->saddr) ? 0 : (uint8_t)(seg->p ? seg->p->tos & ~3u : 0);
}

void tcp_send_reset(struct berth_stack *st, const struct tcp_seg *seg)
{
    tcp_send_reset_label(st, seg, TCP_LABEL_FLOW);
}

/* tcp_v6_send_reset: without a socket the label is the flow's hash
 * (flowlabel_reflect 0); a TIME_WAIT entry's is its connection's. */
void tcp_send_reset_label(struct berth_stack *st, const struct tcp_seg *seg, uint32_t label)
{
    /* tcp_v4_send_reset / tcp_v6_send_reset: never answer a RST; never to
     * a non-unicast destination (IPv6 input already dropped multicast). */
    if (seg->flags & TH_RST)
        return;
    if (inet_addr_is_v4(&seg->daddr)) {
        struct in_addr daddr = inet_addr_v4(&seg->daddr);
        if (ip4_is_bcast(st, daddr) || ip4_is_multicast(daddr))
            return;
    }
    SNMP_INC(st, Tcp, OutRsts);
    unsigned oif = tcp_v6_oif(&seg->saddr, seg->ifindex);
    if (seg->flags & TH_ACK)
        tcp_send_bare(st, &seg->daddr, &seg->saddr, seg->dport, seg->sport, seg->ack, 0, TH_RST, 0,
                      NULL, reply_tos(seg), 0, oif, label);
    else
        tcp_send_bare(st, &seg->daddr, &seg->saddr, seg->dport, seg->sport, 0, seg->end_seq,
                      TH_RST | TH_ACK, 0, NULL, reply_tos(seg), 0, oif, label);
}

/* A request's addresses (tcp_eh_local / tcp_eh_remote). */
static void req_addrs(const struct tcp_req *req, union inet_addr *la, union inet_addr *ra)
{
    uint16_t lp;
    tcp_eh_local(&req->eh, la, &lp);
    *ra = tcp_eh_remote(&req->eh);
}

#if BERTH_WITH_IPV6
unsigned tcp_req_oif(const struct tcp_req *req)
{
    unsigned bif = sock_bound_if(&req->listener->inet.sk);
    union inet_addr ra = tcp_eh_remote(&req->eh);
    return bif ? bif : tcp_v6_oif(&ra, req->ifindex);
}
#endif

void tcp_send_synack(struct berth_stack *st, struct tcp_req *req)
{
    struct tcp_sock *l = req->listener;
    union inet_addr la, ra;
    req_addrs(req, &la, &ra);
    bool v6 = req->eh.v6;
    struct tcp_out_opts o = {0};
    o.mss = true;
    unsigned mtu;
#if BERTH_WITH_IPV6
    struct ip6_route_res rt6;
    if (v6)
        mtu =
            ip6_route_source(st, &ra.in6, &la.in6, tcp_req_oif(req), &rt6) ? IP6_MIN_MTU : rt6.mtu;
    else
#endif
        mtu = ip4_route_mtu(st, req->eh.raddr, req->laddr);
    if (!mtu)
        mtu = 576;
    o.mss_val = tcp_advmss(l, mtu, v6);
    o.sack_perm = TCP_SACK(req->sack_ok);
    o.ts = TCP_TS(req->ts_ok);
    if (o.ts) {
        o.tsval = (req->cookie ? tcp_cookie_tsval(st, req) : tcp_ts_now(st)) + req->ts_off;
        o.tsecr = req->ts_recent;
    }
    o.ws = TCP_WS(req->wscale_ok);
    o.ws_val = req->rcv_wscale;
    uint32_t w = tcp_rcv_space(l);
    uint16_t wnd = (uint16_t)(w > 65535 ? 65535 : w);
    req->snt_synack = (uint32_t)st_now(st);
    /* tcp_v6_send_synack: the listener's hop limit and traffic class; the
     * flow label from the request's txhash unless the listener opted out
     * (ip6_xmit with the listener: ip6_autoflowlabel). */
#if BERTH_WITH_IPV6
    if (v6)
        tcp_send_bare(st, &la, &ra, req->lport, req->eh.rport, req->iss, req->irs + 1,
                      TH_SYN | TH_ACK, wnd, &o, inet6_tclass(&l->inet) & ~3u, inet6_hlim(&l->inet),
                      tcp_req_oif(req),
                      inet6_info(&l->inet)->noautoflow ? 0 : ip6_txhash_label(req->txhash));
    else
#endif
        tcp_send_bare(st, &la, &ra, req->lport, req->eh.rport, req->iss, req->irs + 1,
                      TH_SYN | TH_ACK, wnd, &o, l->inet.tos, (uint8_t)inet_ttl(&l->inet), 0, 0);
}

void tcp_sync_mss_route(struct tcp_sock *tp) { tcp_sync_mss(tp, tcp_path_mtu(tp)); }
