/* fuzz_nd6.c — libFuzzer harness for IPv6 neighbour discovery, DAD,
 * router advertisements / SLAAC and MLD on an Ethernet interface
 * (src/ip/nd6.c, addrconf6.c, mld6.c, src/link/neigh.c), mixed with the
 * calls that change what they see. General IPv6 input has its own
 * harness; this one builds NDP messages from pools so they pass the
 * checksum and reach the NDP code.
 *
 * Each input is a fresh host (inline platform, virtual clock, fixed seed):
 * eth0 (BERTH_LINK_ETHERNET, MAC 02:00:00:00:00:01), up, so it has
 * fe80::ff:fe00:1 (tentative until DAD). The input is a sequence of
 * operations, one byte each, then its arguments:
 *
 *   0  a raw frame (length byte, bytes) to berth_netif_input
 *   1  NS from pools: source, destination, target, hop limit, options (4 B)
 *   2  NA from pools: flags, target, destination, option (3 B)
 *   3  RA from pools: source, router lifetime, prefix, its flags, lengths
 *      and lifetimes, reachable/retrans times (4 B)
 *   4  the clock advances (0 .. 121 s) and timers run
 *   5  an address is added or removed (2001:db8::1/64, fe80::1/64,
 *      2001:db8:1::ff:fe00:1/64, 2001:db8::2/128)
 *   6  neighbour administration: resolve, add, del, flush, lookup, list
 *   7  interface down/up, or a new MAC
 *   8  an MLD query (v1 or v2 length, general or for a group)
 *   9  parameters: small gc thresholds, solicit counts, dad_transmits,
 *      rtr_solicits, accept_ra, autoconf
 *
 * Oracles: ASan/UBSan and leak checks; the BERTH_INVARIANT checks; and
 * every frame transmitted: from our current MAC, IPv6 with a payload
 * length equal to the frame's, to 33:33 + the group's last 32 bits when
 * the destination is multicast, ICMPv6 (after a router alert hop-by-hop
 * header for MLD) with a right checksum; NDP with hop limit 255, MLD with
 * hop limit 1.
 *
 * Build and run: see README.md beside this file. */
#include <arpa/inet.h>
#include <stdbool.h>

#include "berth/nd6.h"
#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/stack.h"
#include "fuzz_common.h"

#define MTU 1500

static uint8_t cur_mac[6];

static const uint8_t macs[4][6] = {{0x02, 0, 0, 0, 0, 0x02},
                                   {0x02, 0, 0, 0, 0, 0xfe},
                                   {0x02, 0, 0, 0, 0, 0x99},
                                   {0x33, 0x33, 0, 0, 0, 1}};

static const char *const ips[16] = {"fe80::ff:fe00:1", "fe80::2",
                                    "fe80::fe",        "::",
                                    "ff02::1",         "ff02::1:ff00:1",
                                    "ff02::2",         "2001:db8::1",
                                    "2001:db8::2",     "2001:db8:1::",
                                    "ff02::1:ff00:2",  "2001:db8:1::ff:fe00:1",
                                    "fe80::1",         "::1",
                                    "ff05::1",         "::ffff:192.0.2.1"};

static struct in6_addr ip_of(unsigned i)
{
    struct in6_addr a;
    inet_pton(AF_INET6, ips[i & 15], &a);
    return a;
}

static uint32_t pseudo6(const uint8_t *ip, uint32_t len)
{
    uint32_t s = 0;
    for (int i = 8; i < 40; i += 2)
        s += (uint32_t)((ip[i] << 8) | ip[i + 1]);
    return s + 58 + len;
}

static int fz_transmit(void *ctx, berth_netif *ifp, const void *frame, size_t len)
{
    (void)ctx, (void)ifp;
    const uint8_t *f = frame;
    if (len < 14 || memcmp(f + 6, cur_mac, 6) != 0)
        fz_fail("a runt frame or one from another MAC", len);
    uint16_t type = (uint16_t)((f[12] << 8) | f[13]);
    if (type != 0x86dd)
        return 0; /* ARP and IPv4: fuzz_eth_arp's business */
    const uint8_t *ip = f + 14;
    size_t n = len - 14;
    if (n < 40 || (ip[0] >> 4) != 6 || (size_t)((ip[4] << 8) | ip[5]) + 40 != n || n > MTU)
        fz_fail("a malformed IPv6 header", len);
    if (ip[24] == 0xff && (f[0] != 0x33 || f[1] != 0x33 || memcmp(f + 2, ip + 36, 4) != 0))
        fz_fail("a multicast packet to the wrong MAC", len);
    size_t off = 40;
    uint8_t nxt = ip[6];
    if (nxt == 0) { /* MLD: the router alert */
        if (n < 48 || ip[40] != 58 || ip[41] != 0 || ip[42] != 5 || ip[7] != 1)
            fz_fail("a bad hop-by-hop header", len);
        off = 48;
        nxt = 58;
    }
    if (nxt != 58)
        return 0; /* echo replies and errors: the IPv6 harness's business */
    const uint8_t *m = ip + off;
    size_t ml = n - off;
    if (ml < 4 || fz_csum(m, ml, pseudo6(ip, (uint32_t)ml)) != 0)
        fz_fail("an ICMPv6 message with a bad checksum", len);
    if (m[0] >= 133 && m[0] <= 137 && ip[7] != 255)
        fz_fail("NDP without hop limit 255", len);
    if (m[0] == 143 && ip[7] != 1)
        fz_fail("an MLD report without hop limit 1", len);
    return 0;
}

static const struct berth_netif_driver fz_driver = {.transmit = fz_transmit,
                                                    .link = BERTH_LINK_ETHERNET};

/* Frame around an ICMPv6 message msg[len], checksum filled. */
static void send_icmp6(berth_netif *ifp, const uint8_t *emac, const struct in6_addr *src,
                       const struct in6_addr *dst, uint8_t hlim, uint8_t *msg, size_t len)
{
    uint8_t f[14 + 40 + 128];
    if (len > 128)
        len = 128;
    const uint8_t *edst = emac;
    uint8_t mc[6] = {0x33, 0x33};
    if (dst->s6_addr[0] == 0xff) {
        memcpy(mc + 2, dst->s6_addr + 12, 4);
        edst = mc;
    }
    memcpy(f, edst, 6);
    memcpy(f + 6, macs[0], 6);
    f[12] = 0x86, f[13] = 0xdd;
    uint8_t *ip = f + 14;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    ip[4] = (uint8_t)(len >> 8), ip[5] = (uint8_t)len;
    ip[6] = 58;
    ip[7] = hlim;
    memcpy(ip + 8, src, 16);
    memcpy(ip + 24, dst, 16);
    msg[2] = msg[3] = 0;
    uint16_t c = fz_csum(msg, len, pseudo6(ip, (uint32_t)len));
    msg[2] = (uint8_t)(c >> 8), msg[3] = (uint8_t)c;
    memcpy(ip + 40, msg, len);
    berth_netif_input(ifp, f, 14 + 40 + len);
}

static size_t put_opt(uint8_t *o, uint8_t type, uint8_t sel)
{
    o[0] = type;
    o[1] = (sel & 3) == 3 ? 0 : (sel & 3) == 2 ? 2 : 1; /* 0 and 2: malformed */
    memcpy(o + 2, macs[(sel >> 2) & 3], 6);
    if (o[1] == 2)
        memset(o + 8, 0, 8);
    return o[1] ? o[1] * 8u : 8;
}

static void ns(berth_netif *ifp, struct fz_in *in)
{
    uint8_t a = fz_u8(in), b = fz_u8(in), c = fz_u8(in), d = fz_u8(in);
    uint8_t m[64] = {135, (uint8_t)((d & 0x80) ? 1 : 0)};
    struct in6_addr t = ip_of(c), s = ip_of(a), dst = ip_of(b);
    memcpy(m + 8, &t, 16);
    size_t n = 24;
    if (d & 1)
        n += put_opt(m + n, 1, d >> 1);
    if (d & 8) { /* a nonce */
        m[n] = 14, m[n + 1] = 1;
        memset(m + n + 2, d, 6);
        n += 8;
    }
    send_icmp6(ifp, cur_mac, &s, &dst, (d & 0x40) ? 254 : 255, m, n);
}

static void na(berth_netif *ifp, struct fz_in *in)
{
    uint8_t a = fz_u8(in), b = fz_u8(in), c = fz_u8(in);
    uint8_t m[64] = {136, 0, 0, 0, (uint8_t)(a & 0xe0)};
    struct in6_addr t = ip_of(b), s = ip_of(b >> 4), dst = ip_of(c);
    memcpy(m + 8, &t, 16);
    size_t n = 24;
    if (a & 1)
        n += put_opt(m + n, 2, a >> 1);
    send_icmp6(ifp, cur_mac, &s, &dst, (c & 0x10) ? 64 : 255, m, n);
}

static void ra(berth_netif *ifp, struct fz_in *in)
{
    uint8_t a = fz_u8(in), b = fz_u8(in), c = fz_u8(in), d = fz_u8(in);
    static const uint32_t lfts[4] = {0, 60, 7200, 0xffffffffu};
    static const uint16_t rlt[4] = {0, 1, 1800, 9000};
    uint8_t m[128] = {134, 0, 0, 0, (uint8_t)(b & 0x80 ? 0 : 64), 0};
    m[6] = (uint8_t)(rlt[a & 3] >> 8), m[7] = (uint8_t)rlt[a & 3];
    if (b & 1)
        m[10] = 0x75, m[11] = 0x30; /* reachable time 30000 ms */
    if (b & 2)
        m[15] = 50; /* retrans 50 ms: raised to 100 */
    size_t n = 16;
    if (b & 4)
        n += put_opt(m + n, 1, b >> 3);
    uint8_t *o = m + n;
    o[0] = 3, o[1] = (c & 0x80) ? 3 : 4;
    static const uint8_t plens[4] = {64, 64, 48, 128};
    o[2] = plens[c & 3];
    o[3] = (uint8_t)(c & 0xc0 ? (c & 0x0c) << 4 : 0xc0);
    uint32_t v = lfts[(d >> 0) & 3], p = lfts[(d >> 2) & 3];
    for (int k = 0; k < 4; k++) {
        o[4 + k] = (uint8_t)(v >> (24 - 8 * k));
        o[8 + k] = (uint8_t)(p >> (24 - 8 * k));
    }
    struct in6_addr pfx = ip_of((d & 0x10) ? 9 : (d >> 4));
    memcpy(o + 16, &pfx, 16);
    n += 32;
    if (d & 0x80) { /* a second prefix option, another prefix */
        memcpy(m + n, o, 32);
        m[n + 16 + 7] = 0x42;
        n += 32;
    }
    struct in6_addr s = ip_of((a & 4) ? 7 : 2 - ((a >> 3) & 1)), dst = ip_of(4);
    send_icmp6(ifp, cur_mac, &s, &dst, (a & 0x20) ? 64 : 255, m, n);
}

static void mld_query(berth_netif *ifp, struct fz_in *in)
{
    uint8_t a = fz_u8(in);
    uint8_t m[28] = {130, 0, 0, 0, (uint8_t)(a & 0x8f), (uint8_t)a};
    struct in6_addr g = ip_of((a & 0x10) ? 5 : 3), s = ip_of(2), dst = ip_of(4);
    memcpy(m + 8, &g, 16);
    send_icmp6(ifp, cur_mac, &s, &dst, (a & 0x20) ? 2 : 1, m, (a & 0x40) ? 24 : 28);
}

static void set_params(berth_netif *ifp, struct fz_in *in)
{
    uint8_t a = fz_u8(in), b = fz_u8(in);
    struct berth_arp_params p;
    berth_arp_params_init(&p);
    p.gc_thresh1 = a & 3;
    p.gc_thresh2 = p.gc_thresh1 + ((a >> 2) & 3);
    p.gc_thresh3 = p.gc_thresh2 + 1 + ((a >> 4) & 3);
    p.mcast_solicit = 1 + (b & 3);
    p.ucast_solicit = 1 + ((b >> 2) & 3);
    p.unres_qlen_bytes = (b & 0x10) ? 1000 : 212992;
    berth_nd6_cache_params_set(ifp, &p);
    struct berth_nd6_params q;
    berth_nd6_params_get(ifp, &q);
    q.dad_transmits = (a >> 6) & 3;
    q.rtr_solicits = (b & 0x20) ? 3 : -1;
    q.accept_ra = !(b & 0x40);
    q.autoconf = !(b & 0x80);
    berth_nd6_params_set(ifp, &q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct berth_platform plat;
    if (berth_platform_inline(&plat, 1000000, 1) != 0)
        return 0;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.max_fds = 8;
    berth_stack *st = berth_stack_new(&cfg);
    if (!st) {
        berth_platform_inline_release(&plat);
        return 0;
    }
    static const uint8_t mac0[6] = {0x02, 0, 0, 0, 0, 0x01};
    memcpy(cur_mac, mac0, 6);
    berth_netif *ifp = berth_netif_add(st, "eth0", MTU, 0, &fz_driver, NULL);
    berth_netif_set_hwaddr(ifp, mac0);
    berth_netif_set_up(ifp, true);

    static const struct {
        const char *a;
        unsigned len;
    } addrs[4] = {
        {"2001:db8::1", 64}, {"fe80::1", 64}, {"2001:db8:1::ff:fe00:1", 64}, {"2001:db8::2", 128}};
    struct fz_in in = {data, size, 0};
    uint8_t buf[2048];
    while (fz_more(&in)) {
        uint8_t op = fz_u8(&in);
        switch (op % 10) {
        case 0: {
            const uint8_t *p;
            size_t n = fz_bytes(&in, &p, 255);
            memcpy(buf, p, n);
            berth_netif_input(ifp, buf, n);
            break;
        }
        case 1:
            ns(ifp, &in);
            break;
        case 2:
            na(ifp, &in);
            break;
        case 3:
            ra(ifp, &in);
            break;
        case 4:
            berth_platform_inline_advance(&plat, fz_steps_us[fz_u8(&in) & 7]);
            berth_stack_poll(st);
            break;
        case 5: {
            uint8_t a = fz_u8(&in);
            struct in6_addr x;
            inet_pton(AF_INET6, addrs[a & 3].a, &x);
            if (a & 4)
                berth_netif_addr6_del(ifp, &x, addrs[a & 3].len);
            else
                berth_netif_addr6_add(ifp, &x, addrs[a & 3].len);
            break;
        }
        case 6: {
            uint8_t a = fz_u8(&in), b = fz_u8(&in);
            static const unsigned states[3] = {BERTH_NUD_PERMANENT, BERTH_NUD_REACHABLE,
                                               BERTH_NUD_STALE};
            struct berth_neigh6 nb[8];
            struct in6_addr x = ip_of(b);
            switch (a & 7) {
            case 0:
            case 1:
                berth_nd6_add(ifp, &x, macs[(b >> 4) & 3], states[(b >> 6) % 3]);
                break;
            case 2:
                berth_nd6_del(ifp, &x);
                break;
            case 3:
                berth_nd6_flush(ifp);
                break;
            case 4:
            case 5:
                berth_nd6_resolve(ifp, &x);
                break;
            case 6:
                berth_nd6_lookup(ifp, &x, nb);
                break;
            default:
                berth_nd6_list(ifp, nb, 8);
                break;
            }
            break;
        }
        case 7: {
            uint8_t a = fz_u8(&in);
            if (a & 1) {
                uint8_t m[6] = {0x02, 0, 0, 0, 1, (uint8_t)(a >> 1)};
                uint8_t old[6];
                memcpy(old, cur_mac, 6);
                memcpy(cur_mac, m, 6);
                if (berth_netif_set_hwaddr(ifp, m) != 0)
                    memcpy(cur_mac, old, 6);
            } else {
                berth_netif_set_up(ifp, (a >> 1) & 1);
            }
            break;
        }
        case 8:
            mld_query(ifp, &in);
            break;
        default:
            set_params(ifp, &in);
            break;
        }
    }
    /* Everything pending runs out; then the host goes away. */
    for (int i = 0; i < 4; i++) {
        berth_platform_inline_advance(&plat, 31000000);
        berth_stack_poll(st);
    }
    struct berth_ifaddr6 l[8];
    berth_netif_addrs6(ifp, l, 8);
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    return 0;
}
