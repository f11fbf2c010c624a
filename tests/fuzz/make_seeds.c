/* make_seeds.c — writes the seed corpora of the fuzz harnesses into
 * DIR/seeds-<harness>: for fuzz_ip4_input valid packets of each kind the
 * IPv4 input path handles, in the harness's record format (see
 * fuzz_ip4_input.c), the built-fragment ones also for fuzz_ip4_frag; and
 * short operation sequences for fuzz_eth_arp, fuzz_tcp and fuzz_icmp_err
 * (formats in those files). Generated at build time, so no binary corpus
 * is committed. Usage: make_seeds DIR */
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

static void write_seed(const char *dir, const char *sub, const char *name, const uint8_t *head,
                       size_t hlen, const uint8_t *body, size_t blen)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/seeds-%s/%s", dir, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(head, 1, hlen, f);
    fwrite(body, 1, blen, f);
    fclose(f);
}

/* A seed for fuzz_ip4_input; the built-fragment ones (synth_*) are
 * fuzz_ip4_frag's seeds too. */
static void emit(const char *dir, const char *name)
{
    write_seed(dir, "ip4_input", name, &conf, 1, out, outlen);
    if (!strncmp(name, "synth_", 6))
        write_seed(dir, "ip4_frag", name, &conf, 1, out, outlen);
    outlen = 0;
    conf = 0;
}

#define SEED(dir, sub, name, ...)                                                                  \
    do {                                                                                           \
        static const uint8_t b_[] = {__VA_ARGS__};                                                 \
        write_seed(dir, sub, name, NULL, 0, b_, sizeof(b_));                                       \
    } while (0)

/* fuzz_nd6: operation sequences (see the table in fuzz_nd6.c). */
static void nd6_seeds(const char *d)
{
    /* DAD on the link-local address passes, RS goes out, time passes */
    SEED(d, "nd6", "dad_rs", 4, 3, 4, 3, 4, 3, 4, 5, 4, 5);
    /* an NS for our address with a source link-layer option, answered */
    SEED(d, "nd6", "ns_na", 4, 3, 4, 3, 4, 3, 1, 1, 5, 0, 1, 4, 3, 4, 6);
    /* a router advertisement: default route, SLAAC address through DAD */
    SEED(d, "nd6", "ra_slaac", 4, 3, 4, 3, 4, 3, 3, 2, 4, 0, 0x1b, 4, 3, 4, 3, 4, 6);
    /* resolving an absent neighbour fails; NA for an unknown target */
    SEED(d, "nd6", "resolve_fail", 4, 3, 4, 3, 4, 3, 6, 4, 1, 4, 3, 4, 3, 4, 3, 2, 0x21, 1, 5);
    /* an added address meets another node's DAD */
    SEED(d, "nd6", "dad_conflict", 4, 3, 4, 3, 4, 3, 5, 0, 1, 3, 5, 7, 0, 4, 3, 4, 3);
    /* an MLD query, down/up, a new MAC, small cache */
    SEED(d, "nd6", "mld_admin", 4, 3, 8, 0x05, 4, 4, 9, 0x05, 0, 7, 0, 7, 2, 7, 3, 4, 3, 6, 7, 0);
}

/* fuzz_eth_arp: operation sequences (see the table in fuzz_eth_arp.c). */
static void eth_arp_seeds(const char *d)
{
    /* send to 192.0.2.2, its reply, time passes, send again */
    SEED(d, "eth_arp", "resolve_reply", 4, 1, 1, 0x20, 0, 1, 0, 4, 3, 3, 4, 1, 3, 6, 3, 6, 4, 1, 3,
         4, 3, 3);
    /* the use-after-free of issue 12: cache of one, a datagram waits for
     * 192.0.2.3, its source address goes, resolution fails */
    SEED(d, "eth_arp", "fail_icmp_gc", 7, 0, 0, 0, 5, 1, 6, 0x10, 4, 2, 5, 4, 3, 4, 3, 4);
    /* a request for us, an echo request from an unresolved host */
    SEED(d, "eth_arp", "request_echo", 1, 0x14, 0, 1, 0, 0, 2, 0, 2, 0, 2, 0x10, 1, 0, 3, 3, 3, 3,
         3, 3);
    /* arp_accept, gratuitous ARP, list, flush, down/up, a new MAC */
    SEED(d, "eth_arp", "garp_admin", 7, 0x40, 0, 0, 1, 0x24, 0, 1, 1, 2, 8, 7, 0, 8, 0, 0x41, 8, 2,
         1, 8, 3, 0, 9, 0, 9, 2, 9, 5, 8, 4, 2, 3, 5);
    /* broadcast and multicast through a default route and a 224/4 route */
    SEED(d, "eth_arp", "bcast_mcast", 6, 0, 4, 9, 4, 8, 4, 15, 6, 1, 4, 14, 4, 6, 10);
    /* REACHABLE -> STALE -> DELAY -> PROBE -> FAILED */
    SEED(d, "eth_arp", "probe_fail", 4, 1, 1, 0x20, 0, 1, 0, 4, 3, 6, 3, 6, 4, 1, 3, 4, 3, 3, 3, 3,
         3, 3, 3, 3);
    /* what fuzz_eth_arp found on its own, from an empty corpus, in 48 s on
     * the code before the fix (commit bb7c6a4): a datagram waits, a default
     * route, small thresholds, its source address removed — the entry
     * timer's ICMP ran the forced collection on the failing entry */
    SEED(d, "eth_arp", "found_uaf_timer", 0x1a, 0x01, 0x53, 0x53, 0xad, 0xac, 0x53, 0xad, 0xac,
         0xac, 0xac, 0xac, 0xac, 0xac, 0x89, 0x5c, 0x33);
    /* flush with waiting packets and a small cache */
    SEED(d, "eth_arp", "flush_waiting", 7, 0x04, 0, 0, 5, 1, 6, 0x10, 4, 1, 4, 2, 5, 4, 8, 3, 0, 3,
         4);
}

/* fuzz_tcp and fuzz_icmp_err (see fuzz_tcp.c). */
static void tcp_seeds(const char *d)
{
    SEED(d, "tcp", "data_in_order", 0, 2, 0x18, 0, 0, 0, 0, 0xff, 0xff, 0, 25, 5, 2, 1, 4, 3);
    SEED(d, "tcp", "ack_inflight_dupacks", 4, 3, 0, 11, 0x10, 0, 0, 0xf4, 0x48, 0xff, 0xff, 0, 0, 0,
         11, 0x10, 0, 0, 0xf4, 0x48, 0xff, 0xff, 0, 0, 0, 11, 0x10, 0, 0, 0xf4, 0x48, 0xff, 0xff, 0,
         0, 0, 11, 0x10, 0, 0, 0, 0, 0xff, 0xff, 0, 0);
    SEED(d, "tcp", "syn_to_listener", 0, 0, 0x02, 0, 0, 0, 0, 0xff, 0xff, 4, 2, 4, 5, 0xb4, 0, 5, 0,
         6, 4, 3);
    SEED(d, "tcp", "synack_to_synsent", 0, 3, 0x12, 0, 0, 0, 0, 0xff, 0xff, 4, 2, 4, 5, 0xb4, 0, 5,
         3, 0, 4, 4);
    SEED(d, "tcp", "rst_each", 0, 1, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x14, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 5, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0x04, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 10, 0x14, 0, 0, 0, 0, 0, 0, 0, 0);
    SEED(d, "tcp", "fin_each", 0, 4, 0x11, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 5, 0x11, 0, 0, 0, 0,
         0xff, 0xff, 0, 0, 0, 6, 0x11, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 8, 0x10, 0, 0, 0, 0, 0xff,
         0xff, 0, 0, 0, 9, 0x10, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 4, 7);
    SEED(d, "tcp", "app_close_send", 5, 4, 0x03, 5, 11, 0xf8, 5, 7, 0x08, 5, 2, 0x0a, 4, 3, 4, 7);
    SEED(d, "tcp", "window_probe", 0, 11, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 4, 4, 4, 5, 0, 11,
         0x10, 0, 0, 0, 0, 0xff, 0xff, 0, 0);
    SEED(d, "tcp", "timestamps_sack", 0, 4, 0x10, 0, 0, 0, 0, 0xff, 0xff, 12, 1, 1, 8, 10, 0, 0, 0,
         1, 0, 0, 0, 0, 0);
    SEED(d, "tcp", "icmp_each", 6, 4, 0x04, 0, 0, 0x02, 0x40, 6, 11, 0x84, 0xf4, 0x48, 0x02, 0x40,
         6, 3, 0x01, 0, 0, 0, 0, 6, 2, 0x03, 0, 0, 0, 0, 6, 1, 0x09, 0, 0, 0, 0);
    SEED(d, "icmp_err", "frag_needed", 6, 4, 0x04, 0, 0, 0x02, 0x40, 6, 11, 0x84, 0xf4, 0x48, 0x02,
         0x40, 4, 3);
    SEED(d, "icmp_err", "unreach_synsent", 6, 3, 0x01, 0xff, 0xff, 0, 0, 4, 4, 6, 3, 0x03, 0xff,
         0xff, 0, 0);
    SEED(d, "icmp_err", "each_kind", 0, 4, 0x00, 0, 0, 0, 0, 1, 5, 0x02, 0, 0, 0, 0, 2, 6, 0x09, 0,
         0, 0, 0, 3, 7, 0x0b, 0, 0, 0, 0, 0, 8, 0x0c, 0, 0, 0, 0, 1, 9, 0x0d, 0, 0, 0, 0);
    SEED(d, "icmp_err", "raw_body", 7, 8, 0x10, 0, 0, 0, 0, 0x50, 0x10, 0, 0, 1, 0x04, 0, 0, 0x05,
         0xdc);
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
    eth_arp_seeds(dir);
    nd6_seeds(dir);
    tcp_seeds(dir);
    return 0;
}
