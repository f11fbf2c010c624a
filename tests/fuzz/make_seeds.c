/* make_seeds.c — writes a seed corpus for fuzz_ip4_input into a directory:
 * valid packets of each kind the IPv4 input path handles, in the harness's
 * record format (see fuzz_ip4_input.c). Usage: make_seeds DIR */
#include <stdio.h>

#include "../unit/iptest.h"

#define SELF "192.0.2.1"
#define PEER "192.0.2.2"

static uint8_t out[200000];
static size_t outlen;
static uint8_t conf; /* the input's first byte: MTU, memory limit, timeout */
static uint8_t dg[70000], seg[70000], body[70000];

static void rec(uint8_t ctl, const uint8_t *p, size_t len)
{
    out[outlen++] = ctl;
    out[outlen++] = (uint8_t)(len >> 8);
    out[outlen++] = (uint8_t)len;
    memcpy(out + outlen, p, len);
    outlen += len;
}

static void emit(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputc(conf, f);
    fwrite(out, 1, outlen, f);
    fclose(f);
    outlen = 0;
    conf = 0;
}

static void synth(uint8_t flags, uint16_t off8, uint16_t len)
{
    uint8_t r[5] = {flags, (uint8_t)(off8 >> 8), (uint8_t)off8, (uint8_t)(len >> 8), (uint8_t)len};
    rec(0x40 | 0x20, r, sizeof(r));
}

static size_t udp_dg(uint8_t *buf, const char *dst, uint16_t dport, size_t dlen, uint16_t id)
{
    for (size_t i = 0; i < dlen; i++)
        body[i] = (uint8_t)(i * 13);
    size_t ul = iptest_udp(seg, ipa(PEER), 4000, ipa(dst), dport, body, dlen);
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(dst), .proto = IPPROTO_UDP, .id = id};
    return iptest_ip(buf, &ip, seg, ul);
}

static size_t echo_dg(uint8_t *buf, size_t dlen, uint16_t id)
{
    memset(body, 'e', dlen);
    size_t ml = iptest_icmp(seg, ICMP_ECHO, 0, 0x11110001, body, dlen);
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_ICMP, .id = id};
    return iptest_ip(buf, &ip, seg, ml);
}

static void fragments(uint8_t ctl_first, uint8_t ctl_rest, const uint8_t *d, size_t len,
                      size_t chunk, bool reverse)
{
    struct iptest_pkt fr[64];
    size_t n = iptest_split(d, len, chunk, fr, 64);
    for (size_t i = 0; i < n; i++) {
        size_t k = reverse ? n - 1 - i : i;
        rec(i == 0 ? ctl_first : ctl_rest, fr[k].data, fr[k].len);
    }
    iptest_pkts_free(fr, n);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    size_t n;

    n = udp_dg(dg, SELF, 7, 32, 1);
    rec(0x20, dg, n);
    emit(dir, "udp_echo");

    n = udp_dg(dg, "192.0.2.255", 7, 16, 2);
    rec(0x20, dg, n);
    n = udp_dg(dg, SELF, 1234, 16, 3); /* closed port */
    rec(0, dg, n);
    emit(dir, "udp_bcast_closed");

    n = echo_dg(dg, 56, 4);
    rec(0, dg, n);
    emit(dir, "icmp_echo");

    n = udp_dg(dg, SELF, 7, 4000, 5);
    fragments(0x20, 0x20, dg, n, 1480, false);
    emit(dir, "frag_udp_inorder");
    conf = 2; /* mtu 68: the echo goes out in 48-byte fragments */
    fragments(0x20, 0x20, dg, n, 512, true);
    emit(dir, "frag_udp_reverse_mtu68");

    n = echo_dg(dg, 3000, 6);
    conf = 1; /* mtu 576 */
    fragments(0, 0, dg, n, 800, true);
    emit(dir, "frag_echo");

    n = udp_dg(dg, SELF, 7, 3000, 7);
    {
        struct iptest_pkt fr[8];
        size_t k = iptest_split(dg, n, 1480, fr, 8);
        rec(0, fr[0].data, fr[0].len);
        rec(0x18, fr[2].data, fr[2].len); /* 31 s later: the first one expired */
        rec(0, fr[1].data, fr[1].len);
        rec(0, fr[0].data, fr[0].len);
        rec(0, fr[0].data, fr[0].len); /* duplicate */
        rec(0x1c, (const uint8_t *)"", 0);
        iptest_pkts_free(fr, k);
    }
    emit(dir, "frag_timeout_dup");

    /* Overlap: [0,1480) then [1000,2000). */
    n = udp_dg(dg, SELF, 7, 3000, 8);
    {
        struct iptest_pkt fr[8];
        size_t k = iptest_split(dg, n, 1480, fr, 8);
        rec(0, fr[0].data, fr[0].len);
        struct iptest_ip ip = {.src = ipa(PEER),
                               .dst = ipa(SELF),
                               .proto = IPPROTO_UDP,
                               .id = 8,
                               .frag_off = 0x2000 | 125};
        size_t l = iptest_ip(seg, &ip, body, 1000);
        rec(0, seg, l);
        rec(0, fr[1].data, fr[1].len);
        rec(0, fr[2].data, fr[2].len);
        iptest_pkts_free(fr, k);
    }
    emit(dir, "frag_overlap");

    /* Port unreachable about the harness's connected socket's datagram. */
    {
        size_t ul = iptest_udp(seg, ipa(SELF), 8, ipa(PEER), 9, "hi", 2);
        struct iptest_ip qi = {.src = ipa(SELF), .dst = ipa(PEER), .proto = IPPROTO_UDP};
        uint8_t q[64];
        size_t ql = iptest_ip(q, &qi, seg, ul);
        size_t ml = iptest_icmp(body, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, q, ql);
        struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_ICMP};
        n = iptest_ip(dg, &ip, body, ml);
        rec(0, dg, n);
        emit(dir, "icmp_port_unreach");
    }

    /* Options and an unknown protocol. */
    {
        static const uint8_t opt[12] = {1, 1, 7, 7, 4, 0, 0, 0, 0, 0x44, 4, 5};
        size_t ul = iptest_udp(seg, ipa(PEER), 4000, ipa(SELF), 7, "opts", 4);
        struct iptest_ip ip = {
            .src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_UDP, .opts = opt, .optlen = 12};
        n = iptest_ip(dg, &ip, seg, ul);
        rec(0x20, dg, n);
        ip.proto = 132;
        ip.optlen = 0;
        n = iptest_ip(dg, &ip, "sctp?", 5);
        rec(0, dg, n);
        emit(dir, "options_unknown_proto");
    }
    /* Built fragments (control bit 6): [flags] [offset/8 (2)] [length (2)]. */
    synth(0x10, 0, 1480);
    synth(0x10, 185, 1480);
    synth(0x10, 370, 1480);
    synth(0x00, 555, 100);
    emit(dir, "synth_inorder");
    synth(0x00, 555, 100);
    synth(0x10, 370, 1480);
    synth(0x10, 185, 1480);
    synth(0x10, 0, 1480);
    emit(dir, "synth_reverse");
    synth(0x10, 0, 1480);
    synth(0x10, 185, 1480);
    synth(0x10, 125, 1000); /* inside the run: duplicate */
    synth(0x10, 370, 1480);
    synth(0x10 | 1, 185, 1480);
    synth(0x10 | 1, 0, 1480);
    synth(0x10 | 1, 125, 1000); /* across two runs: overlap */
    synth(0x00, 555, 100);
    emit(dir, "synth_runs");
    conf = 0x04 | 0x10; /* 16 KiB, 1 s */
    for (uint8_t id = 0; id < 4; id++)
        for (uint16_t k = 0; k < 4; k++)
            synth((uint8_t)(0x10 | id), (uint16_t)(k * 185), 1480);
    synth(0x10 | 3, 1000, 8);
    out[outlen - 8] |= 0x1c;  /* 61 s later */
    synth(0x10 | 0xc0, 0, 8); /* CE */
    synth(0x00 | 0x80, 1, 8); /* ECT(0) */
    emit(dir, "synth_memory_timeout_ecn");
    synth(0x10 | 0x0c, 0, 1000); /* UDP to broadcast */
    synth(0x00 | 0x0c, 125, 1000);
    synth(0x10 | 0x04, 0, 600); /* ICMP */
    synth(0x10 | 0x08, 0, 600); /* unknown protocol */
    synth(0x00 | 0x08, 75, 13);
    synth(0x10, 8191, 8); /* beyond 64 KiB */
    emit(dir, "synth_kinds");
    return 0;
}
