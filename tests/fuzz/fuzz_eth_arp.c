/* fuzz_eth_arp.c — libFuzzer harness for the Ethernet and ARP paths
 * (src/link/), driven together with the interface, address, route and
 * neighbour calls that change what those paths see.
 *
 * Each input is a fresh host (inline platform, virtual clock, fixed seed):
 * lo, and eth0 (BERTH_LINK_ETHERNET, MAC 02:00:00:00:00:01) with
 * 192.0.2.1/24, up, and a UDP socket on port 7 with SO_BROADCAST. The input
 * is a sequence of operations, one byte each, then its arguments:
 *
 *   0  a raw frame (length byte, bytes) to berth_netif_input
 *   1  an ARP packet built from pools: op, Ethernet destination, sender and
 *      target MAC and address (5 bytes)
 *   2  an IPv4 frame built from pools: ICMP echo request or UDP to port 7,
 *      from a pool address and MAC (so replies must resolve them) (3 bytes)
 *   3  the clock advances (0 .. 121 s) and timers run
 *   4  the socket sends to a pool address (ARP output, queues, broadcast,
 *      multicast, gateways)
 *   5  an address is added or removed (192.0.2.1/24, 198.51.100.1/24,
 *      192.0.2.7/24, 203.0.113.1/32 — documentation ranges only)
 *   6  a route is added or removed (default via a pool gateway, 224/4,
 *      198.51.100.0/24)
 *   7  ARP parameters: small gc thresholds, solicit counts, arp_accept,
 *      queue bytes, timers (so limits and forced collection are reached)
 *   8  neighbour administration: add (PERMANENT/REACHABLE/STALE), del,
 *      flush, resolve, lookup, list
 *   9  interface down/up, or a new MAC
 *  10  the socket's queue (and error queue) is drained
 *
 * Oracles: ASan/UBSan and leak checks at the end of each input; the
 * BERTH_INVARIANT checks (fuzz build); and every frame the stack
 * transmits: from our current MAC, ARP packets 42 bytes and well formed
 * with our MAC as sender, IPv4 packets as fz_check_ip4 requires.
 *
 * Build and run: see README.md beside this file. */
#include <arpa/inet.h>
#include <stdbool.h>

#include "berth/arp.h"
#include "berth/nd6.h"
#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/socket.h"
#include "berth/stack.h"
#include "fuzz_common.h"

#define MTU 1500

static uint8_t cur_mac[6];

static const uint8_t macs[4][6] = {{0x02, 0, 0, 0, 0, 0x02},
                                   {0x02, 0, 0, 0, 0, 0xfe},
                                   {0x02, 0, 0, 0, 0, 0x99},
                                   {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

static const char *const ips[16] = {
    "192.0.2.1",     "192.0.2.2",       "192.0.2.3",   "192.0.2.254",
    "198.51.100.1",  "198.51.100.254",  "192.0.2.255", "0.0.0.0",
    "224.0.0.1",     "255.255.255.255", "127.0.0.1",   "192.0.2.7",
    "198.51.100.77", "203.0.113.1",     "239.1.2.3",   "198.51.100.255"};

static struct in_addr ip_of(unsigned i)
{
    struct in_addr a;
    inet_pton(AF_INET, ips[i & 15], &a);
    return a;
}

static int fz_transmit(void *ctx, berth_netif *ifp, const void *frame, size_t len)
{
    (void)ctx, (void)ifp;
    const uint8_t *f = frame;
    if (len < 14)
        fz_fail("a runt frame", len);
    if (memcmp(f + 6, cur_mac, 6) != 0)
        fz_fail("a frame from another MAC", len);
    uint16_t type = (uint16_t)((f[12] << 8) | f[13]);
    if (type == 0x0806) {
        static const uint8_t hdr[6] = {0, 1, 8, 0, 6, 4};
        if (len != 42 || memcmp(f + 14, hdr, 6) != 0 || f[20] != 0 || (f[21] != 1 && f[21] != 2) ||
            memcmp(f + 22, cur_mac, 6) != 0)
            fz_fail("a malformed ARP packet", len);
    } else if (type == 0x0800) {
        fz_check_ip4(f + 14, len - 14, MTU);
    } else {
        fz_fail("an unknown EtherType", len);
    }
    return 0;
}

static const struct berth_netif_driver fz_driver = {.transmit = fz_transmit,
                                                    .link = BERTH_LINK_ETHERNET};

static size_t eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
    return 14;
}

static const uint8_t *edst_of(unsigned k)
{
    static const uint8_t mc[6] = {0x01, 0x00, 0x5e, 0, 0, 1};
    switch (k & 3) {
    case 0:
        return cur_mac;
    case 1:
        return macs[3];
    case 2:
        return macs[2];
    default:
        return mc;
    }
}

static void arp_packet(berth_netif *ifp, struct fz_in *in)
{
    uint8_t a = fz_u8(in), b = fz_u8(in), c = fz_u8(in), d = fz_u8(in), e = fz_u8(in);
    uint8_t f[42];
    const uint8_t *sha = macs[a & 3];
    eth_hdr(f, edst_of(a >> 2), sha, 0x0806);
    static const uint8_t hdr[6] = {0, 1, 8, 0, 6, 4};
    memcpy(f + 14, hdr, 6);
    f[20] = 0;
    f[21] = (uint8_t)((a >> 4) & 3); /* 0 and 3: malformed op */
    if (a & 0x40)
        f[15] = 6; /* ARPHRD_IEEE802 */
    memcpy(f + 22, (e & 1) ? macs[b & 3] : sha, 6);
    struct in_addr sip = ip_of(c), tip = ip_of(d);
    if (e & 2)
        tip = sip; /* gratuitous */
    memcpy(f + 28, &sip, 4);
    memcpy(f + 32, (e & 4) ? cur_mac : macs[(b >> 2) & 3], 6);
    memcpy(f + 38, &tip, 4);
    berth_netif_input(ifp, f, (a & 0x80) ? 41 : 42);
}

static void ip_packet(berth_netif *ifp, struct fz_in *in)
{
    uint8_t a = fz_u8(in), b = fz_u8(in), c = fz_u8(in);
    uint8_t f[14 + 20 + 8 + 16];
    size_t n = eth_hdr(f, edst_of(a), macs[(a >> 2) & 3], 0x0800);
    uint8_t *ip = f + n, *t = ip + 20;
    struct in_addr src = ip_of(b), dst = ip_of(c);
    size_t tlen = 8 + 16;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = 0;
    ip[3] = (uint8_t)(20 + tlen);
    ip[8] = 64;
    memcpy(ip + 12, &src, 4);
    memcpy(ip + 16, &dst, 4);
    memset(t, 0x5a, tlen);
    if (a & 0x10) {
        ip[9] = 17;
        t[0] = 0x0f, t[1] = 0xa0, t[2] = 0, t[3] = 7, t[4] = 0, t[5] = (uint8_t)tlen;
        t[6] = t[7] = 0;
    } else {
        ip[9] = 1;
        t[0] = 8, t[1] = 0, t[2] = t[3] = 0;
        uint16_t ck = fz_csum(t, tlen, 0);
        t[2] = (uint8_t)(ck >> 8), t[3] = (uint8_t)ck;
    }
    uint16_t ck = fz_csum(ip, 20, 0);
    ip[10] = (uint8_t)(ck >> 8), ip[11] = (uint8_t)ck;
    berth_netif_input(ifp, f, n + 20 + tlen);
}

static void set_params(berth_netif *ifp, struct fz_in *in)
{
    uint8_t a = fz_u8(in), b = fz_u8(in), c = fz_u8(in);
    struct berth_arp_params p;
    berth_arp_params_init(&p);
    p.gc_thresh1 = a & 3;
    p.gc_thresh2 = p.gc_thresh1 + ((a >> 2) & 3);
    p.gc_thresh3 = p.gc_thresh2 + 1 + ((a >> 4) & 3);
    p.arp_accept = (a >> 6) & 1;
    p.arp_notify = (a >> 7) & 1;
    p.mcast_solicit = 1 + (b & 3);
    p.ucast_solicit = 1 + ((b >> 2) & 3);
    p.retrans_time_ms = (b & 0x10) ? 100 : 1000;
    p.unres_qlen_bytes = (b & 0x20) ? 1000 : 212992;
    p.locktime_ms = (b & 0x40) ? 0 : 1000;
    p.base_reachable_time_ms = (b & 0x80) ? 1000 : 30000;
    p.delay_first_probe_time_ms = (c & 1) ? 100 : 5000;
    p.gc_stale_time_ms = (c & 2) ? 1000 : 60000;
    berth_arp_params_set(ifp, &p);
}

static void print_counter(void *arg, const char *g, const char *n, uint64_t v)
{
    (void)arg;
    if (v)
        fprintf(stderr, "  %s %s %llu\n", g, n, (unsigned long long)v);
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
    berth_netif_addr_add(ifp, ip_of(0), 24);
    /* IPv4 and ARP only: IPv6's own frames are fuzz_nd6's (the fuzz
     * build always has IPv6). */
    struct berth_nd6_params np;
    berth_nd6_params_get(ifp, &np);
    np.disable_ipv6 = true;
    berth_nd6_params_set(ifp, &np);
    berth_netif_set_up(ifp, true);
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    int one = 1;
    berth_setsockopt(st, fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
    berth_setsockopt(st, fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7)};
    berth_bind(st, fd, (struct sockaddr *)&sin, sizeof(sin));

    static const struct {
        const char *a;
        unsigned len;
    } addrs[4] = {{"192.0.2.1", 24}, {"198.51.100.1", 24}, {"192.0.2.7", 24}, {"203.0.113.1", 32}};
    struct fz_in in = {data, size, 0};
    uint8_t buf[2048];
    while (fz_more(&in)) {
        uint8_t op = fz_u8(&in);
        switch (op % 11) {
        case 0: {
            const uint8_t *p;
            size_t n = fz_bytes(&in, &p, 255);
            memcpy(buf, p, n);
            berth_netif_input(ifp, buf, n);
            break;
        }
        case 1:
            arp_packet(ifp, &in);
            break;
        case 2:
            ip_packet(ifp, &in);
            break;
        case 3:
            berth_platform_inline_advance(&plat, fz_steps_us[fz_u8(&in) & 7]);
            berth_stack_poll(st);
            break;
        case 4: {
            uint8_t a = fz_u8(&in);
            struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
            to.sin_addr = ip_of(a);
            memset(buf, a, 64);
            berth_sendto(st, fd, buf, (a & 0x10) ? 1400 : 16, MSG_DONTWAIT, (struct sockaddr *)&to,
                         sizeof(to));
            break;
        }
        case 5: {
            uint8_t a = fz_u8(&in);
            struct in_addr x;
            inet_pton(AF_INET, addrs[a & 3].a, &x);
            if (a & 4)
                berth_netif_addr_del(ifp, x, addrs[a & 3].len);
            else
                berth_netif_addr_add(ifp, x, addrs[a & 3].len);
            break;
        }
        case 6: {
            uint8_t a = fz_u8(&in);
            static const struct {
                const char *dst;
                unsigned len;
            } routes[4] = {{"0.0.0.0", 0}, {"224.0.0.0", 4}, {"198.51.100.0", 24}, {"0.0.0.0", 0}};
            struct in_addr dst, gw = ip_of((a & 0x10) ? 5 : 3);
            inet_pton(AF_INET, routes[a & 3].dst, &dst);
            if ((a & 3) == 2)
                gw.s_addr = 0;
            if (a & 4)
                berth_route_del(st, dst, routes[a & 3].len);
            else
                berth_route_add(st, dst, routes[a & 3].len, gw, ifp);
            break;
        }
        case 7:
            set_params(ifp, &in);
            break;
        case 8: {
            uint8_t a = fz_u8(&in), b = fz_u8(&in);
            static const unsigned states[3] = {BERTH_NUD_PERMANENT, BERTH_NUD_REACHABLE,
                                               BERTH_NUD_STALE};
            struct berth_neigh nb[8];
            switch (a & 7) {
            case 0:
            case 1:
                berth_arp_add(ifp, ip_of(b), macs[(b >> 4) & 3], states[(b >> 6) % 3]);
                break;
            case 2:
                berth_arp_del(ifp, ip_of(b));
                break;
            case 3:
                berth_arp_flush(ifp);
                break;
            case 4:
            case 5:
                berth_arp_resolve(ifp, ip_of(b));
                break;
            case 6:
                berth_arp_lookup(ifp, ip_of(b), nb);
                break;
            default:
                berth_arp_list(ifp, nb, 8);
                break;
            }
            break;
        }
        case 9: {
            uint8_t a = fz_u8(&in);
            if (a & 1) {
                uint8_t m[6] = {0x02, 0, 0, 0, 1, (uint8_t)(a >> 1)};
                uint8_t old[6];
                memcpy(old, cur_mac, 6);
                memcpy(cur_mac, m, 6); /* the announcements leave from it */
                if (berth_netif_set_hwaddr(ifp, m) != 0)
                    memcpy(cur_mac, old, 6);
            } else {
                berth_netif_set_up(ifp, (a >> 1) & 1);
            }
            break;
        }
        default: {
            while (berth_recv(st, fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
                ;
            while (berth_recv(st, fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_ERRQUEUE) >= 0)
                ;
            break;
        }
        }
    }
    /* Everything pending runs out; then the host goes away. */
    for (int i = 0; i < 4; i++) {
        berth_platform_inline_advance(&plat, 31000000);
        berth_stack_poll(st);
    }
    if (getenv("BERTH_FUZZ_VERBOSE"))
        berth_snmp_foreach(st, print_counter, NULL);
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    return 0;
}
