/* fuzz_tcp.c — libFuzzer harness for TCP input against live connections in
 * every state, and (built with -DFUZZ_ICMP_ERRORS, as fuzz_icmp_err) for
 * ICMP errors quoting those connections.
 *
 * Each input is a fresh host (inline platform, virtual clock, fixed seed):
 * eth0 (raw IP) 192.0.2.1/24 and a peer, 192.0.2.2, played by the harness.
 * Before reading the input the harness builds, by exchanging real segments,
 * one connection in each state:
 *
 *   0 LISTEN (port 80)      4 ESTABLISHED, active    8 LAST_ACK
 *   1 SYN_RECV              5 FIN_WAIT1              9 CLOSING
 *   2 ESTABLISHED, passive  6 FIN_WAIT2             10 TIME_WAIT
 *     (unread data queued)  7 CLOSE_WAIT            11 ESTABLISHED, 3000
 *   3 SYN_SENT                                         bytes in flight
 *
 * and keeps, for each, the next sequence number on both sides as seen on
 * the wire — so the input can aim at the window without guessing initial
 * sequence numbers. The input is a sequence of operations (byte, then its
 * arguments):
 *
 *   0-3  a segment to connection c: flags, seq and ack as signed 16-bit
 *        offsets from the two next sequence numbers, window, options
 *        (length byte + bytes, padded), payload length (x4); the peer's
 *        next sequence number follows what it sent in order
 *   4    the clock advances (0 .. 121 s) and timers run
 *   5    the application acts on c's socket: send, recv, shutdown, close,
 *        TCP_NODELAY/SO_LINGER/TCP_MAXSEG, or a new connect
 *   6    an ICMP error quoting c (type/code from a table, seq offset,
 *        next-hop MTU)
 *   7    a raw TCP header and payload from the input, IP header and
 *        checksum added
 *
 * With FUZZ_ICMP_ERRORS, operations 0-3 are ICMP errors too, and 7 an
 * ICMP message whose body after the quoted IP header comes from the input.
 *
 * Oracles: ASan/UBSan and leak checks; the BERTH_INVARIANT checks of the
 * fuzz build (snd_una <= snd_nxt <= snd_max, packet bounds, port bitmap);
 * every packet transmitted passes fz_check_ip4 (header, length, MTU, TCP
 * checksum).
 *
 * Build and run: see README.md beside this file. */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdbool.h>

#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/socket.h"
#include "berth/stack.h"
#include "fuzz_common.h"

#define MTU 1500
#define NCONN 12

struct conn {
    uint16_t lport, rport; /* berth's port, the peer's port */
    int fd;
    uint32_t peer_nxt;  /* the peer's next sequence number */
    uint32_t berth_nxt; /* past the highest sequence berth has sent */
    bool seen;          /* berth has sent something on it */
};

static struct conn conns[NCONN];
static berth_stack *st;
static berth_netif *ifp;
static struct berth_platform plat;

static const uint8_t SELF[4] = {192, 0, 2, 1}, PEER[4] = {192, 0, 2, 2};

static struct conn *by_rport(uint16_t rport)
{
    for (int i = 0; i < NCONN; i++)
        if (conns[i].rport == rport)
            return &conns[i];
    return NULL;
}

static int seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

/* Every packet berth sends is checked, and its TCP sequence space noted. */
static int fz_transmit(void *ctx, berth_netif *i, const void *pkt, size_t len)
{
    (void)ctx, (void)i;
    const uint8_t *p = pkt;
    fz_check_ip4(p, len, MTU);
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    if (p[9] != 6 || ((p[6] & 0x3f) | p[7]))
        return 0;
    const uint8_t *t = p + ihl;
    struct conn *c = by_rport((uint16_t)((t[2] << 8) | t[3]));
    if (!c)
        return 0;
    uint32_t seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
    size_t dlen = len - ihl - (size_t)(t[12] >> 4) * 4;
    uint32_t end = seq + (uint32_t)dlen + ((t[13] & 0x02) ? 1 : 0) + ((t[13] & 0x01) ? 1 : 0);
    if (t[13] & 0x04)
        return 0; /* a reset says nothing of the sequence space */
    c->lport = (uint16_t)((t[0] << 8) | t[1]);
    if (!c->seen || seq_after(end, c->berth_nxt))
        c->berth_nxt = end;
    c->seen = true;
    return 0;
}

static const struct berth_netif_driver fz_driver = {.transmit = fz_transmit};

static void ip_hdr(uint8_t *ip, const uint8_t *src, const uint8_t *dst, uint8_t proto, size_t tot)
{
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(tot >> 8);
    ip[3] = (uint8_t)tot;
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    uint16_t ck = fz_csum(ip, 20, 0);
    ip[10] = (uint8_t)(ck >> 8);
    ip[11] = (uint8_t)ck;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint8_t pkt[65536];

/* The peer sends a segment to berth (tcp header + options + payload). */
static void send_seg(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                     uint16_t win, const uint8_t *opt, size_t olen, const uint8_t *data,
                     size_t dlen)
{
    size_t given = olen < 40 ? olen : 40;
    olen = (given + 3) & ~(size_t)3; /* zero-padded (EOL) to a word */
    uint8_t *t = pkt + 20;
    size_t tl = 20 + olen + dlen;
    memset(t, 0, 20 + olen);
    t[0] = (uint8_t)(sport >> 8), t[1] = (uint8_t)sport;
    t[2] = (uint8_t)(dport >> 8), t[3] = (uint8_t)dport;
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = (uint8_t)(((20 + olen) / 4) << 4);
    t[13] = flags;
    t[14] = (uint8_t)(win >> 8), t[15] = (uint8_t)win;
    if (opt && given)
        memcpy(t + 20, opt, given);
    if (dlen)
        memcpy(t + 20 + olen, data, dlen);
    ip_hdr(pkt, PEER, SELF, 6, 20 + tl);
    uint16_t ck = fz_csum(t, tl, fz_pseudo(pkt, 6, tl));
    t[16] = (uint8_t)(ck >> 8), t[17] = (uint8_t)ck;
    berth_netif_input(ifp, pkt, 20 + tl);
}

static uint8_t zeros[8192];

/* The peer's segment on c, in order: its next sequence number follows. */
static void peer(struct conn *c, uint8_t flags, const uint8_t *data, size_t dlen)
{
    static const uint8_t mss[4] = {2, 4, 0x05, 0xb4};
    bool syn = flags & 0x02;
    send_seg(c->rport, c->lport, c->peer_nxt, c->berth_nxt, flags, 65535, syn ? mss : NULL,
             syn ? 4 : 0, data, dlen);
    c->peer_nxt += (uint32_t)dlen + (syn ? 1 : 0) + ((flags & 0x01) ? 1 : 0);
}

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

static int active(struct conn *c, uint16_t rport)
{
    c->rport = rport;
    c->peer_nxt = 7000u * rport;
    c->fd = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(rport)};
    memcpy(&to.sin_addr, PEER, 4);
    berth_connect(st, c->fd, (struct sockaddr *)&to, sizeof(to));
    return c->seen ? 0 : -1;
}

static void established(struct conn *c, uint16_t rport)
{
    if (active(c, rport) == 0)
        peer(c, SYN | ACK, NULL, 0);
}

/* Build every connection of the table above. */
static void build(void)
{
    memset(conns, 0, sizeof(conns));
    for (int i = 0; i < NCONN; i++)
        conns[i].fd = -1;
    struct conn *c = conns;
    c->fd = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    berth_setsockopt(st, c->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80)};
    berth_bind(st, c->fd, (struct sockaddr *)&sin, sizeof(sin));
    berth_listen(st, c->fd, 8);
    c->lport = 80;
    c->rport = 999; /* new SYNs come from here */
    c->peer_nxt = 1000;
    /* 1: SYN_RECV; 2: ESTABLISHED through accept, with unread data. */
    for (int i = 1; i <= 2; i++) {
        c = &conns[i];
        c->lport = 80;
        c->rport = (uint16_t)(1000 + i);
        c->peer_nxt = 100000u * (uint32_t)i;
        peer(c, SYN, NULL, 0);
    }
    peer(&conns[2], ACK, NULL, 0);
    conns[2].fd = berth_accept4(st, conns[0].fd, NULL, NULL, SOCK_NONBLOCK);
    peer(&conns[2], ACK | PSH, zeros, 100);
    /* 3: SYN_SENT; 4..11 from ESTABLISHED. */
    active(&conns[3], 3003);
    for (int i = 4; i < NCONN; i++)
        established(&conns[i], (uint16_t)(3000 + i));
    berth_shutdown(st, conns[5].fd, SHUT_WR); /* FIN_WAIT1 */
    berth_shutdown(st, conns[6].fd, SHUT_WR); /* FIN_WAIT2 */
    peer(&conns[6], ACK, NULL, 0);
    peer(&conns[7], FIN | ACK, NULL, 0); /* CLOSE_WAIT */
    peer(&conns[8], FIN | ACK, NULL, 0); /* LAST_ACK */
    berth_close(st, conns[8].fd);
    conns[8].fd = -1;
    berth_shutdown(st, conns[9].fd, SHUT_WR); /* CLOSING: their FIN crosses ours */
    conns[9].berth_nxt--;
    peer(&conns[9], FIN | ACK, NULL, 0);
    conns[9].berth_nxt++;
    berth_shutdown(st, conns[10].fd, SHUT_WR); /* TIME_WAIT */
    peer(&conns[10], ACK, NULL, 0);
    peer(&conns[10], FIN | ACK, NULL, 0);
    berth_close(st, conns[10].fd);
    conns[10].fd = -1;
    berth_send(st, conns[11].fd, zeros, 3000, MSG_DONTWAIT | MSG_NOSIGNAL); /* in flight */
}

static const uint8_t icmp_types[16][2] = {{3, 0}, {3, 1},  {3, 2},  {3, 3},  {3, 4},  {3, 4},
                                          {3, 9}, {3, 10}, {3, 13}, {11, 0}, {11, 1}, {12, 0},
                                          {4, 0}, {5, 1},  {3, 15}, {0, 0}};

/* An ICMP error from a router (or the peer) quoting a segment of c. */
static void icmp_error(struct fz_in *in, const uint8_t *body, size_t blen)
{
    struct conn *c = &conns[fz_u8(in) % NCONN];
    uint8_t k = fz_u8(in);
    int16_t dseq = (int16_t)fz_u16(in);
    uint16_t mtu = fz_u16(in);
    uint8_t *m = pkt + 20, *q = m + 8;
    m[0] = icmp_types[k & 15][0];
    m[1] = icmp_types[k & 15][1];
    m[2] = m[3] = 0;
    m[4] = m[5] = 0;
    m[6] = (uint8_t)(mtu >> 8), m[7] = (uint8_t)mtu;
    if (m[0] == 12)
        m[4] = (uint8_t)(k >> 4); /* parameter problem pointer */
    /* The quoted datagram: berth's segment, header and 8 bytes at least. */
    ip_hdr(q, SELF, PEER, 6, (k & 0x10) ? 40 : 60 + (size_t)(k >> 5));
    uint8_t *t = q + 20;
    t[0] = (uint8_t)(c->lport >> 8), t[1] = (uint8_t)c->lport;
    t[2] = (uint8_t)(c->rport >> 8), t[3] = (uint8_t)c->rport;
    put32(t + 4, c->berth_nxt + (uint32_t)(int32_t)dseq);
    size_t qlen = 28;
    if (blen) {
        if (blen > 1000)
            blen = 1000;
        memcpy(t + 8, body, blen);
        qlen += blen;
    } else if (k & 0x80) {
        put32(t + 8, c->peer_nxt);
        t[12] = 0x50, t[13] = ACK;
        qlen = 40;
    }
    size_t ml = 8 + qlen;
    uint16_t ck = fz_csum(m, ml, 0);
    m[2] = (uint8_t)(ck >> 8), m[3] = (uint8_t)ck;
    ip_hdr(pkt, (k & 0x40) ? PEER : (const uint8_t[4]){198, 51, 100, 1}, SELF, 1, 20 + ml);
    berth_netif_input(ifp, pkt, 20 + ml);
}

static void segment(struct fz_in *in)
{
    struct conn *c = &conns[fz_u8(in) % NCONN];
    uint8_t flags = fz_u8(in);
    int16_t dseq = (int16_t)fz_u16(in), dack = (int16_t)fz_u16(in);
    uint16_t win = fz_u16(in);
    const uint8_t *opt;
    size_t olen = fz_bytes(in, &opt, 40);
    size_t dlen = (size_t)fz_u8(in) * 4;
    uint32_t seq = c->peer_nxt + (uint32_t)(int32_t)dseq;
    send_seg(c->rport, c->lport, seq, c->berth_nxt + (uint32_t)(int32_t)dack, flags, win, opt, olen,
             zeros, dlen);
    if (seq == c->peer_nxt && !(flags & RST))
        c->peer_nxt += (uint32_t)dlen + ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0);
}

static void app(struct fz_in *in)
{
    struct conn *c = &conns[fz_u8(in) % NCONN];
    uint8_t a = fz_u8(in);
    static uint8_t buf[65536];
    if (c->fd < 0 && (a & 7) != 7)
        return;
    switch (a & 7) {
    case 0:
        berth_send(st, c->fd, zeros, (size_t)(a >> 3) * 200 + 1, MSG_DONTWAIT | MSG_NOSIGNAL);
        break;
    case 1:
        berth_recv(st, c->fd, buf, (a & 8) ? 1 : sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
        break;
    case 2:
        berth_shutdown(st, c->fd, (a >> 3) % 3);
        break;
    case 3:
        if (c != conns) { /* the listener stays: new SYNs need it */
            if (a & 8) {
                struct linger l = {1, 0}; /* close with a reset */
                berth_setsockopt(st, c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
            }
            berth_close(st, c->fd);
            c->fd = -1;
        }
        break;
    case 4: {
        int v = a >> 4;
        berth_setsockopt(st, c->fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v));
        break;
    }
    case 5: {
        int v = 64 + (a >> 3) * 40;
        berth_setsockopt(st, c->fd, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v));
        break;
    }
    case 6: {
        int fd = berth_accept4(st, conns[0].fd, NULL, NULL, SOCK_NONBLOCK);
        if (fd >= 0)
            berth_close(st, fd);
        break;
    }
    default:
        if (c == conns)
            break; /* the listener stays: new SYNs need it */
        if (c->fd >= 0)
            berth_close(st, c->fd);
        c->fd = -1;
        c->seen = false;
        active(c, c->rport); /* a new connection to the same peer port */
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (berth_platform_inline(&plat, 1000000, 1) != 0)
        return 0;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.max_fds = 32;
    st = berth_stack_new(&cfg);
    if (!st) {
        berth_platform_inline_release(&plat);
        return 0;
    }
    ifp = berth_netif_add(st, "eth0", MTU, 0, &fz_driver, NULL);
    struct in_addr a;
    memcpy(&a, SELF, 4);
    berth_netif_addr_add(ifp, a, 24);
    berth_netif_set_up(ifp, true);
    build();
    if (getenv("BERTH_FUZZ_VERBOSE")) /* the states built (TCP_INFO's numbering) */
        for (int i = 0; i < NCONN; i++) {
            struct tcp_info ti = {0};
            socklen_t tl = sizeof(ti);
            int r = conns[i].fd >= 0
                        ? berth_getsockopt(st, conns[i].fd, IPPROTO_TCP, TCP_INFO, &ti, &tl)
                        : -1;
            fprintf(stderr, "conn %d: fd %d state %d lport %u seen %d\n", i, conns[i].fd,
                    r == 0 ? ti.tcpi_state : -1, conns[i].lport, conns[i].seen);
        }

    struct fz_in in = {data, size, 0};
    while (fz_more(&in)) {
        uint8_t op = fz_u8(&in) & 7;
#ifdef FUZZ_ICMP_ERRORS
        if (op < 4)
            op = 6;
#endif
        switch (op) {
        case 4:
            berth_platform_inline_advance(&plat, fz_steps_us[fz_u8(&in) & 7]);
            berth_stack_poll(st);
            break;
        case 5:
            app(&in);
            break;
        case 6:
            icmp_error(&in, NULL, 0);
            break;
        case 7: {
            const uint8_t *p;
            size_t n = fz_bytes(&in, &p, 255);
#ifdef FUZZ_ICMP_ERRORS
            icmp_error(&in, p, n);
#else
            if (n >= 20) { /* the input's TCP header, to our address */
                uint8_t *t = pkt + 20;
                memcpy(t, p, n);
                ip_hdr(pkt, PEER, SELF, 6, 20 + n);
                t[16] = t[17] = 0;
                uint16_t ck = fz_csum(t, n, fz_pseudo(pkt, 6, n));
                t[16] = (uint8_t)(ck >> 8), t[17] = (uint8_t)ck;
                berth_netif_input(ifp, pkt, 20 + n);
            }
#endif
            break;
        }
        default:
            segment(&in);
            break;
        }
    }
    /* Every timer runs out (TIME_WAIT, retransmissions, keepalives). */
    for (int i = 0; i < 20; i++) {
        berth_platform_inline_advance(&plat, 61000000);
        berth_stack_poll(st);
    }
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    return 0;
}
