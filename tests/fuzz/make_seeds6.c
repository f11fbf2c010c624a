/* make_seeds6.c — writes the seed corpus of fuzz_ip6_input into
 * DIR/seeds-ip6_input: well-formed IPv6 inputs of each kind the input path
 * handles, in the harness's record format (fuzz_ip6_input.c), so the
 * fuzzer starts from packets that get past validation: UDP to the echo
 * socket, echo requests, extension-header chains (hop-by-hop, destination
 * options, routing types 0 and 2, with and without a fragment header),
 * fragments in and out of order, overlapping, atomic and tiny fragments,
 * ICMPv6 errors quoting berth's own packets and quoting garbage, Packet
 * Too Big with small and large MTUs, NDP messages (NS, NA, RS, RA with
 * prefix and MTU options, redirect) with the right and a forged hop limit,
 * a TCP SYN, and packets that must be dropped (v4-mapped source, multicast
 * source, unknown next header). Generated at build time: nothing binary is
 * committed. Usage: make_seeds6 DIR */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ip6.h"

#define RAW_ME "2001:db8::1"
#define RAW_PEER "2001:db8::2"
#define ETH_ME "2001:db8:1::1"
#define ETH_PEER "2001:db8:1::2"
#define LL_PEER "fe80::2"

/* control bits of a record (fuzz_ip6_input.c) */
#define C_LEN 0x01
#define C_SUM 0x02
#define C_ECHO 0x20
#define C_ETH 0x40
#define C_MCAST 0x80
#define C_FIX (C_LEN | C_SUM)

static uint8_t out[300000];
static size_t outlen;
static uint8_t pk[70000];
static const char *g_dir;

static void rec(uint8_t ctl, const uint8_t *p, size_t len)
{
    out[outlen++] = ctl;
    out[outlen++] = (uint8_t)(len >> 8);
    out[outlen++] = (uint8_t)len;
    memcpy(out + outlen, p, len);
    outlen += len;
}

/* Write the records so far as seed `name` with configuration byte conf. */
static void emit(const char *name, uint8_t conf)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/seeds-ip6_input/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(&conf, 1, 1, f);
    fwrite(out, 1, outlen, f);
    fclose(f);
    outlen = 0;
}

/* The fixed header; returns 40. Payload length is set by C_LEN or by hand. */
static size_t hdr(uint8_t *p, const char *src, const char *dst, uint8_t next, uint8_t hlim)
{
    memset(p, 0, 40);
    p[0] = 0x60;
    p[6] = next;
    p[7] = hlim;
    inet_pton(AF_INET6, src, p + 8);
    inet_pton(AF_INET6, dst, p + 24);
    return 40;
}

static size_t put(uint8_t *p, const void *b, size_t n)
{
    memcpy(p, b, n);
    return n;
}

static size_t udp(uint8_t *p, uint16_t sport, uint16_t dport, const char *payload)
{
    size_t n = strlen(payload);
    uint8_t h[8] = {(uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8), (uint8_t)dport};
    memcpy(p, h, 8);
    memcpy(p + 8, payload, n);
    return 8 + n;
}

static void setlen(uint8_t *p, size_t total)
{
    p[4] = (uint8_t)((total - 40) >> 8);
    p[5] = (uint8_t)(total - 40);
}

static size_t echo_req(uint8_t *p, uint16_t seq)
{
    uint8_t m[16] = {128, 0,   0,   0,   0x12, 0x34, (uint8_t)(seq >> 8), (uint8_t)seq, 'b', 'e',
                     'r', 't', 'h', '6', '!',  '!'};
    return put(p, m, sizeof(m));
}

/* The UDP datagram berth's connected socket sends ([RAW_ME]:8 ->
 * [RAW_PEER]:9, "hi"), as an ICMPv6 error would quote it. */
static size_t berth_udp(uint8_t *p)
{
    size_t n = hdr(p, RAW_ME, RAW_PEER, FZ6_UDP, 64);
    n += udp(p + n, 8, 9, "hi");
    setlen(p, n);
    fz6_fix(p, n, 1, 1);
    return n;
}

static void seeds_basic(void)
{
    size_t n = hdr(pk, RAW_PEER, RAW_ME, FZ6_UDP, 64);
    n += udp(pk + n, 4000, 7, "hello berth over IPv6");
    rec(C_FIX | C_ECHO, pk, n);
    emit("udp_echo", 0);

    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_ICMP6, 64);
    n += echo_req(pk + n, 1);
    rec(C_FIX, pk, n);
    n = hdr(pk, RAW_PEER, "ff02::1", FZ6_ICMP6, 1);
    n += echo_req(pk + n, 2);
    rec(C_FIX, pk, n);
    emit("icmp6_echo", 1);

    /* a TCP SYN to the listener, then its ACK would need the ISN: the SYN alone */
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_TCP, 64);
    uint8_t syn[24] = {0x9c, 0x40, 0,    80,   0, 0, 0x10, 0, 0, 0, 0,    0,
                       0x60, 0x02, 0xff, 0xff, 0, 0, 0,    0, 2, 4, 0x05, 0xa0};
    n += put(pk + n, syn, sizeof(syn));
    rec(C_FIX, pk, n);
    emit("tcp_syn", 1);

    /* dropped: v4-mapped source, multicast source, unknown next header, no next header */
    n = hdr(pk, "::ffff:192.0.2.2", RAW_ME, FZ6_UDP, 64);
    n += udp(pk + n, 4000, 7, "mapped");
    rec(C_FIX, pk, n);
    n = hdr(pk, "ff02::1", RAW_ME, FZ6_UDP, 64);
    n += udp(pk + n, 4000, 7, "mcast src");
    rec(C_FIX, pk, n);
    n = hdr(pk, RAW_PEER, RAW_ME, 253, 64);
    n += put(pk + n, "experimental", 12);
    rec(C_FIX, pk, n);
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_NONE, 64);
    rec(C_FIX, pk, n);
    emit("dropped", 0);
}

static void seeds_ext(void)
{
    /* hop-by-hop (PadN) -> destination options (Pad1s) -> UDP: delivered */
    size_t n = hdr(pk, RAW_PEER, RAW_ME, FZ6_HBH, 64);
    uint8_t hbh[8] = {FZ6_DSTOPTS, 0, 1, 4, 0, 0, 0, 0};
    uint8_t dst[8] = {FZ6_UDP, 0, 0, 0, 0, 0, 0, 0};
    n += put(pk + n, hbh, 8);
    n += put(pk + n, dst, 8);
    n += udp(pk + n, 4000, 7, "through options");
    rec(C_FIX | C_ECHO, pk, n);
    emit("ext_hbh_dst_udp", 0);

    /* routing type 0 with segments left (RFC 5095: parameter problem) */
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_ROUTING, 64);
    uint8_t rh0[24] = {FZ6_UDP, 2, 0, 1, 0, 0, 0, 0};
    inet_pton(AF_INET6, "2001:db8::99", rh0 + 8);
    n += put(pk + n, rh0, sizeof(rh0));
    n += udp(pk + n, 4000, 7, "rh0");
    rec(C_FIX, pk, n);
    /* routing type 0, segments left 0: ignored, delivered */
    rh0[3] = 0;
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_ROUTING, 64);
    n += put(pk + n, rh0, sizeof(rh0));
    n += udp(pk + n, 4000, 7, "rh0 done");
    rec(C_FIX, pk, n);
    /* routing type 2 (mobile IPv6 home address) */
    uint8_t rh2[24] = {FZ6_UDP, 2, 2, 1, 0, 0, 0, 0};
    inet_pton(AF_INET6, RAW_ME, rh2 + 8);
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_ROUTING, 64);
    n += put(pk + n, rh2, sizeof(rh2));
    n += udp(pk + n, 4000, 7, "rh2");
    rec(C_FIX, pk, n);
    emit("ext_routing", 0);

    /* hop-by-hop not first (RFC 8200: only right after the header) */
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_DSTOPTS, 64);
    uint8_t d2h[8] = {FZ6_HBH, 0, 1, 4, 0, 0, 0, 0};
    uint8_t h2u[8] = {FZ6_UDP, 0, 1, 4, 0, 0, 0, 0};
    n += put(pk + n, d2h, 8);
    n += put(pk + n, h2u, 8);
    n += udp(pk + n, 4000, 7, "late hbh");
    rec(C_FIX, pk, n);
    /* an unknown option whose type says "discard and send parameter problem" (10xxxxxx) */
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_DSTOPTS, 64);
    uint8_t unk[8] = {FZ6_UDP, 0, 0x87, 4, 0, 0, 0, 0};
    n += put(pk + n, unk, 8);
    n += udp(pk + n, 4000, 7, "unknown opt");
    rec(C_FIX, pk, n);
    /* a jumbo payload option with payload length 0 (RFC 2675), no jumbogram */
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_HBH, 64);
    uint8_t jumbo[8] = {FZ6_UDP, 0, 0xc2, 4, 0, 1, 0, 0};
    n += put(pk + n, jumbo, 8);
    n += udp(pk + n, 4000, 7, "jumbo");
    rec(C_SUM, pk, n);
    /* a long chain: 12 destination options headers */
    n = hdr(pk, RAW_PEER, RAW_ME, FZ6_DSTOPTS, 64);
    for (int i = 0; i < 12; i++) {
        uint8_t d[8] = {i == 11 ? FZ6_UDP : FZ6_DSTOPTS, 0, 1, 4, 0, 0, 0, 0};
        n += put(pk + n, d, 8);
    }
    n += udp(pk + n, 4000, 7, "long chain");
    rec(C_FIX, pk, n);
    emit("ext_odd", 0);
}

/* A UDP datagram to the echo port of `len` payload bytes, its checksum
 * right, in whole[]; returns the length of its fragmentable part. */
static uint8_t whole[70000];
static size_t whole_dgram(size_t len)
{
    size_t n = hdr(whole, RAW_PEER, RAW_ME, FZ6_UDP, 64);
    whole[n] = 0x0f, whole[n + 1] = 0xa0, whole[n + 2] = 0, whole[n + 3] = 7;
    for (size_t i = 0; i < len; i++)
        whole[n + 8 + i] = (uint8_t)(i * 7 + 3);
    n += 8 + len;
    setlen(whole, n);
    fz6_fix(whole, n, 1, 1);
    return n - 40;
}

/* One fragment of whole[]: bytes [from, to) of its fragmentable part. */
static void frag_piece(uint32_t id, size_t from, size_t to, int more, uint8_t ctl)
{
    size_t m = hdr(pk, RAW_PEER, RAW_ME, FZ6_FRAG, 64);
    uint16_t offm = (uint16_t)((from & ~(size_t)7) | (more ? 1 : 0));
    uint8_t fh[8] = {FZ6_UDP,
                     0,
                     (uint8_t)(offm >> 8),
                     (uint8_t)offm,
                     (uint8_t)(id >> 24),
                     (uint8_t)(id >> 16),
                     (uint8_t)(id >> 8),
                     (uint8_t)id};
    m += put(pk + m, fh, 8);
    m += put(pk + m, whole + 40 + from, to - from);
    rec(ctl | C_LEN, pk, m);
}

/* The datagram of len payload bytes cut at cuts[] (multiples of 8),
 * sent in order[] (NULL: in order); only the first nsend pieces. */
static void fragments(uint32_t id, size_t len, const size_t *cuts, int ncuts, const int *order,
                      int nsend, uint8_t ctl)
{
    size_t total = whole_dgram(len);
    for (int k = 0; k < nsend; k++) {
        int i = order ? order[k] : k;
        size_t to = i + 1 < ncuts ? cuts[i + 1] : total;
        frag_piece(id, cuts[i], to, i + 1 < ncuts, ctl);
    }
}

static void seeds_frag(void)
{
    const size_t cuts3[3] = {0, 1232, 2464};
    fragments(1, 3000, cuts3, 3, NULL, 3, C_ECHO);
    emit("frag_in_order", 0);
    const int rev[3] = {2, 0, 1};
    fragments(2, 3000, cuts3, 3, rev, 3, C_ECHO);
    emit("frag_out_of_order", 0);
    /* overlap: the second piece starts inside the first (RFC 5722: the
     * whole datagram is dropped), then a duplicate of the first */
    size_t total = whole_dgram(3000);
    frag_piece(3, 0, 1232, 1, 0);
    frag_piece(3, 1224, total, 0, 0);
    frag_piece(3, 0, 1232, 1, 0);
    emit("frag_overlap", 0);
    /* atomic fragment (offset 0, M clear: RFC 6946, processed on its own) */
    const size_t one[1] = {0};
    fragments(4, 100, one, 1, NULL, 1, C_ECHO);
    emit("frag_atomic", 0);
    /* tiny first fragment: 8 bytes, the UDP header only, then the rest */
    const size_t tiny[2] = {0, 8};
    fragments(5, 2000, tiny, 2, NULL, 2, C_ECHO);
    emit("frag_tiny", 0);
    /* a non-last fragment whose length is not a multiple of 8 */
    total = whole_dgram(3000);
    frag_piece(8, 0, 1230, 1, 0);
    emit("frag_odd_length", 0);
    /* only the first of three, then time passes: reassembly times out
     * (ICMPv6 time exceeded, code 1) */
    fragments(6, 3000, cuts3, 3, NULL, 1, 0);
    size_t n = hdr(pk, RAW_PEER, RAW_ME, FZ6_ICMP6, 64);
    n += echo_req(pk + n, 9);
    rec(C_FIX | (6 << 2), pk, n); /* 31 s later */
    emit("frag_timeout", 0x10);
    /* a 60000-byte datagram in 49 fragments (raw0 MTU 1280: the echo goes
     * back in fragments) */
    static size_t big[49];
    for (int i = 0; i < 49; i++)
        big[i] = (size_t)i * 1232;
    fragments(7, 60000, big, 49, NULL, 49, C_ECHO);
    emit("frag_big", 0);
}

/* An ICMPv6 error of type/code with the 4-byte field `param`, quoting q. */
static size_t icmp6_err(uint8_t *p, const char *src, uint8_t type, uint8_t code, uint32_t param,
                        const uint8_t *q, size_t qlen)
{
    size_t n = hdr(p, src, RAW_ME, FZ6_ICMP6, 64);
    uint8_t h[8] = {type,
                    code,
                    0,
                    0,
                    (uint8_t)(param >> 24),
                    (uint8_t)(param >> 16),
                    (uint8_t)(param >> 8),
                    (uint8_t)param};
    n += put(p + n, h, 8);
    n += put(p + n, q, qlen);
    return n;
}

static void seeds_icmp6(void)
{
    static uint8_t q[2000];
    size_t ql = berth_udp(q);
    size_t n = icmp6_err(pk, RAW_PEER, 1, 4, 0, q, ql); /* port unreachable */
    rec(C_FIX, pk, n);
    emit("err_port_unreach", 0);
    n = icmp6_err(pk, "2001:db8::fe", 1, 0, 0, q, ql); /* no route, from a router */
    rec(C_FIX, pk, n);
    n = icmp6_err(pk, "2001:db8::fe", 1, 3, 0, q, ql); /* address unreachable */
    rec(C_FIX, pk, n);
    n = icmp6_err(pk, "2001:db8::fe", 3, 0, 0, q, ql); /* hop limit exceeded */
    rec(C_FIX, pk, n);
    n = icmp6_err(pk, RAW_PEER, 4, 0, 6, q, ql); /* parameter problem, pointer 6 */
    rec(C_FIX, pk, n);
    emit("err_kinds", 0);
    /* Packet Too Big about the datagram: 1280, below the minimum, huge */
    n = icmp6_err(pk, "2001:db8::fe", 2, 0, 1280, q, ql);
    rec(C_FIX, pk, n);
    n = icmp6_err(pk, "2001:db8::fe", 2, 0, 500, q, ql);
    rec(C_FIX | C_ECHO, pk, n);
    n = icmp6_err(pk, "2001:db8::fe", 2, 0, 0xffffffffu, q, ql);
    rec(C_FIX, pk, n);
    emit("err_ptb", 1);
    /* quoting garbage: a truncated header, a wrong version, a quote whose
     * extension headers run off its end, a quote of nothing */
    static const uint8_t junk[16] = {0x60, 0, 0, 0, 0xff, 0xff, FZ6_HBH, 64, 1, 2, 3, 4};
    n = icmp6_err(pk, RAW_PEER, 1, 4, 0, junk, sizeof(junk));
    rec(C_FIX, pk, n);
    static uint8_t v4[48];
    memcpy(v4, q, 48);
    v4[0] = 0x45;
    n = icmp6_err(pk, RAW_PEER, 1, 4, 0, v4, sizeof(v4));
    rec(C_FIX, pk, n);
    static uint8_t chain[48];
    memcpy(chain, q, 40);
    chain[6] = FZ6_HBH;
    chain[40] = FZ6_DSTOPTS, chain[41] = 200; /* 1608 bytes claimed, 8 present */
    n = icmp6_err(pk, RAW_PEER, 2, 0, 1280, chain, sizeof(chain));
    rec(C_FIX, pk, n);
    n = icmp6_err(pk, RAW_PEER, 1, 4, 0, NULL, 0);
    rec(C_FIX, pk, n);
    /* an error about an error (never answered) and an unknown error type */
    static uint8_t inner[2100];
    size_t il = icmp6_err(inner, RAW_ME, 1, 4, 0, q, ql);
    inet_pton(AF_INET6, RAW_PEER, inner + 24); /* as berth would have sent it */
    setlen(inner, il);
    fz6_fix(inner, il, 1, 1);
    n = icmp6_err(pk, RAW_PEER, 1, 4, 0, inner, il);
    rec(C_FIX, pk, n);
    n = icmp6_err(pk, RAW_PEER, 99, 0, 0, q, ql);
    rec(C_FIX, pk, n);
    emit("err_garbage", 0);
}

/* NDP on eth0, from fe80::2 (MAC 02:00:00:00:00:02). */
static size_t nd_msg(uint8_t *p, const char *src, const char *dst, uint8_t hlim, const uint8_t *m,
                     size_t mlen)
{
    size_t n = hdr(p, src, dst, FZ6_ICMP6, hlim);
    n += put(p + n, m, mlen);
    return n;
}

static void seeds_ndp(void)
{
    uint8_t m[200];
    const uint8_t sll[8] = {1, 1, 0x02, 0, 0, 0, 0, 0x02};
    /* NS for our address to its solicited-node group, with SLLA */
    memset(m, 0, sizeof(m));
    m[0] = 135;
    inet_pton(AF_INET6, ETH_ME, m + 8);
    memcpy(m + 24, sll, 8);
    size_t n = nd_msg(pk, LL_PEER, "ff02::1:ff00:1", 255, m, 32);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    /* DAD probe for our address from :: (a duplicate) */
    n = nd_msg(pk, "::", "ff02::1:ff00:1", 255, m, 24);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    /* the same NS with a forged hop limit (RFC 4861 7.1.1: dropped) */
    n = nd_msg(pk, LL_PEER, "ff02::1:ff00:1", 64, m, 32);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    emit("ndp_ns", 0);

    /* unsolicited NA with override for the peer, then one for our own address */
    memset(m, 0, sizeof(m));
    m[0] = 136;
    m[4] = 0x20; /* O */
    inet_pton(AF_INET6, ETH_PEER, m + 8);
    const uint8_t tll[8] = {2, 1, 0x02, 0, 0, 0, 0, 0x02};
    memcpy(m + 24, tll, 8);
    n = nd_msg(pk, ETH_PEER, "ff02::1", 255, m, 32);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    m[4] = 0x60; /* S|O to a multicast destination: invalid */
    n = nd_msg(pk, ETH_PEER, "ff02::1", 255, m, 32);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    inet_pton(AF_INET6, ETH_ME, m + 8);
    m[4] = 0xa0;
    n = nd_msg(pk, ETH_PEER, "ff02::1", 255, m, 32);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    emit("ndp_na", 0);

    /* a UDP datagram from the peer, then the peer's NA answering berth's NS */
    n = hdr(pk, ETH_PEER, ETH_ME, FZ6_UDP, 64);
    n += udp(pk + n, 4000, 7, "needs resolution");
    rec(C_FIX | C_ETH | C_ECHO, pk, n);
    m[4] = 0x60; /* S|O */
    inet_pton(AF_INET6, ETH_PEER, m + 8);
    n = nd_msg(pk, ETH_PEER, ETH_ME, 255, m, 32);
    rec(C_FIX | C_ETH | (1 << 2), pk, n);
    emit("ndp_resolve", 0);

    /* RS (berth is a host: ignored) and an RA: router lifetime 1800 s,
     * MTU 1400, prefix 2001:db8:5::/64 on-link and autonomous, SLLA */
    memset(m, 0, sizeof(m));
    m[0] = 133;
    memcpy(m + 8, sll, 8);
    n = nd_msg(pk, LL_PEER, "ff02::2", 255, m, 16);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    memset(m, 0, sizeof(m));
    m[0] = 134;
    m[4] = 64;                /* cur hop limit */
    m[6] = 0x07, m[7] = 0x08; /* router lifetime 1800 */
    memcpy(m + 16, sll, 8);   /* SLLA */
    const uint8_t mtu[8] = {5, 1, 0, 0, 0, 0, 0x05, 0x78};
    memcpy(m + 24, mtu, 8);
    uint8_t pi[32] = {3, 4, 64, 0xc0, 0, 0x27, 0x8d, 0, 0, 0, 0x38, 0x40};
    inet_pton(AF_INET6, "2001:db8:5::", pi + 16);
    memcpy(m + 32, pi, 32);
    n = nd_msg(pk, LL_PEER, "ff02::1", 255, m, 64);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    /* the same RA from a global address (RFC 4861 6.1.2: must be link-local) */
    n = nd_msg(pk, ETH_PEER, "ff02::1", 255, m, 64);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    /* then a datagram through the learned default route */
    n = hdr(pk, "2001:db8:77::1", ETH_ME, FZ6_UDP, 60);
    n += udp(pk + n, 4000, 7, "off-link");
    rec(C_FIX | C_ETH | C_ECHO | (2 << 2), pk, n);
    emit("ndp_ra", 0);

    /* redirect: 2001:db8:77::1 is better reached at the peer */
    memset(m, 0, sizeof(m));
    m[0] = 137;
    inet_pton(AF_INET6, ETH_PEER, m + 8);
    inet_pton(AF_INET6, "2001:db8:77::1", m + 24);
    memcpy(m + 40, tll, 8);
    n = nd_msg(pk, LL_PEER, ETH_ME, 255, m, 48);
    rec(C_FIX | C_ETH, pk, n);
    /* an option of length 0 (RFC 4861 4.6: the message is dropped) */
    memset(m, 0, sizeof(m));
    m[0] = 135;
    inet_pton(AF_INET6, ETH_ME, m + 8);
    m[24] = 1, m[25] = 0;
    n = nd_msg(pk, LL_PEER, "ff02::1:ff00:1", 255, m, 32);
    rec(C_FIX | C_ETH | C_MCAST, pk, n);
    emit("ndp_odd", 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds6 DIR\n");
        return 2;
    }
    g_dir = argv[1];
    seeds_basic();
    seeds_ext();
    seeds_frag();
    seeds_icmp6();
    seeds_ndp();
    return 0;
}
