/* ethtest.h — a test host for the link-layer unit tests (test_ethernet.c,
 * test_arp.c): one stack on the inline platform (virtual clock) with one
 * Ethernet interface whose driver records every frame it is given, plus
 * builders and parsers for Ethernet, ARP, IPv4 and UDP. Header-only.
 *
 * The platform's allocator counts live bytes, so a test can check that the
 * ARP cache and its queues give everything back.
 */
#ifndef BERTH_TESTS_ETHTEST_H
#define BERTH_TESTS_ETHTEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "berth/arp.h"
#include "berth/nd6.h"
#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/socket.h"
#include "berth/stack.h"

static size_t eth_live_bytes;

struct eth_alloc_hdr {
    size_t n;
    size_t pad;
};

static inline void *eth_alloc(void *ctx, size_t n)
{
    (void)ctx;
    struct eth_alloc_hdr *h = malloc(sizeof(*h) + n);
    if (!h)
        return NULL;
    h->n = n;
    eth_live_bytes += n;
    return h + 1;
}

static inline void eth_free(void *ctx, void *p)
{
    (void)ctx;
    if (!p)
        return;
    struct eth_alloc_hdr *h = (struct eth_alloc_hdr *)p - 1;
    eth_live_bytes -= h->n;
    free(h);
}

struct eframe {
    uint8_t *data;
    size_t len;
};

struct ethtest {
    struct berth_platform plat;
    berth_stack *st;
    berth_netif *ifp;
    struct eframe *tx;
    size_t ntx, cap;
    int tx_error;
};

static const uint8_t ET_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};   /* ours */
static const uint8_t PEER_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02}; /* 192.0.2.2 */
static const uint8_t GW_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};   /* 192.0.2.254 */
static const uint8_t OTHER_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};
static const uint8_t BCAST_MAC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static inline int et_transmit(void *ctx, berth_netif *ifp, const void *p, size_t len)
{
    (void)ifp;
    struct ethtest *h = ctx;
    if (h->tx_error)
        return h->tx_error;
    if (h->ntx == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->tx = realloc(h->tx, h->cap * sizeof(*h->tx));
    }
    h->tx[h->ntx].data = malloc(len);
    memcpy(h->tx[h->ntx].data, p, len);
    h->tx[h->ntx].len = len;
    h->ntx++;
    return 0;
}

static const struct berth_netif_driver et_driver = {.transmit = et_transmit,
                                                    .link = BERTH_LINK_ETHERNET};

static inline struct in_addr et_ip(const char *s)
{
    struct in_addr a;
    inet_pton(AF_INET, s, &a);
    return a;
}

/* A host with eth0 = ET_MAC, 192.0.2.1/24, not yet up when up == false. */
static inline int et_init2(struct ethtest *h, bool up)
{
    memset(h, 0, sizeof(*h));
    if (berth_platform_inline(&h->plat, 1000000, 7) != 0)
        return -1;
    h->plat.alloc = eth_alloc;
    h->plat.free = eth_free;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &h->plat;
    cfg.name = "ethtest";
    cfg.buffer_cache = 0; /* the live-byte counts must see every free */
    if (!(h->st = berth_stack_new(&cfg)))
        return -1;
    if (!(h->ifp = berth_netif_add(h->st, "eth0", 1500, 0, &et_driver, h)))
        return -1;
    if (berth_netif_set_hwaddr(h->ifp, ET_MAC) != 0)
        return -1;
    if (berth_netif_addr_add(h->ifp, et_ip("192.0.2.1"), 24) != 0)
        return -1;
#if BERTH_WITH_IPV6
    /* The IPv4 tests count every frame: no link-local address, DAD, RS
     * or MLD reports (net.ipv6.conf.eth0.disable_ipv6 = 1). */
    struct berth_nd6_params np;
    berth_nd6_params_get(h->ifp, &np);
    np.disable_ipv6 = true;
    berth_nd6_params_set(h->ifp, &np);
#endif
    if (up)
        berth_netif_set_up(h->ifp, true);
    return 0;
}

static inline int et_init(struct ethtest *h) { return et_init2(h, true); }

static inline void et_clear(struct ethtest *h)
{
    for (size_t i = 0; i < h->ntx; i++)
        free(h->tx[i].data);
    h->ntx = 0;
}

static inline void et_fini(struct ethtest *h)
{
    et_clear(h);
    free(h->tx);
    berth_stack_free(h->st);
    berth_platform_inline_release(&h->plat);
}

static inline void et_input(struct ethtest *h, const void *f, size_t len)
{
    berth_netif_input(h->ifp, f, len);
}

/* Let us of virtual time pass, running timers as they fall due (in steps
 * of at most 10 ms, as a live system would). */
static inline void et_advance(struct ethtest *h, uint64_t us)
{
    while (us) {
        uint64_t step = us < 10000 ? us : 10000;
        berth_platform_inline_advance(&h->plat, step);
        berth_stack_poll(h->st);
        us -= step;
    }
}

static inline uint64_t et_now(struct ethtest *h) { return h->plat.now_us(h->plat.ctx); }

static inline uint64_t et_snmp(struct ethtest *h, const char *g, const char *n)
{
    uint64_t v = 0;
    berth_snmp_get(h->st, g, n, &v);
    return v;
}

static inline struct berth_arp_stats et_arp(struct ethtest *h)
{
    struct berth_arp_stats s;
    berth_arp_stats(h->ifp, &s);
    return s;
}

static inline struct berth_netif_stats et_ifstats(struct ethtest *h)
{
    struct berth_netif_stats s;
    berth_netif_stats(h->ifp, &s);
    return s;
}

/* State of the neighbour entry for ip (BERTH_NUD_NONE if absent). */
static inline unsigned et_state(struct ethtest *h, const char *ip)
{
    struct berth_neigh n;
    if (berth_arp_lookup(h->ifp, et_ip(ip), &n) != 0)
        return BERTH_NUD_NONE;
    return n.state;
}

/* ---- builders ---- */

static inline size_t eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
    return 14;
}

/* An Ethernet frame carrying an ARP packet; returns its length (42). */
static inline size_t arp_frame(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, uint16_t op,
                               const uint8_t *sha, const char *sip, const uint8_t *tha,
                               const char *tip)
{
    static const uint8_t zero[6];
    size_t n = eth_hdr(f, edst, esrc, 0x0806);
    uint8_t *a = f + n;
    a[0] = 0, a[1] = 1, a[2] = 0x08, a[3] = 0x00, a[4] = 6, a[5] = 4;
    a[6] = (uint8_t)(op >> 8), a[7] = (uint8_t)op;
    memcpy(a + 8, sha, 6);
    struct in_addr s = et_ip(sip), t = et_ip(tip);
    memcpy(a + 14, &s, 4);
    memcpy(a + 18, tha ? tha : zero, 6);
    memcpy(a + 24, &t, 4);
    return n + 28;
}

/* A reply from ip/mac to us (unicast). */
static inline void et_reply(struct ethtest *h, const char *ip, const uint8_t *mac)
{
    uint8_t f[64];
    size_t n = arp_frame(f, ET_MAC, mac, 2, mac, ip, ET_MAC, "192.0.2.1");
    et_input(h, f, n);
}

static inline uint16_t et_csum(const void *d, size_t n, uint32_t sum)
{
    const uint8_t *p = d;
    while (n > 1) {
        sum += (uint32_t)((p[0] << 8) | p[1]);
        p += 2;
        n -= 2;
    }
    if (n)
        sum += (uint32_t)(p[0] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t)~sum);
}

/* An Ethernet frame with an IPv4/UDP datagram; returns its length. */
static inline size_t udp_frame(uint8_t *f, const uint8_t *edst, const uint8_t *esrc,
                               const char *src, uint16_t sport, const char *dst, uint16_t dport,
                               const void *data, size_t dlen)
{
    size_t n = eth_hdr(f, edst, esrc, 0x0800);
    uint8_t *ip = f + n, *u = ip + 20;
    size_t ulen = 8 + dlen, tot = 20 + ulen;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(tot >> 8), ip[3] = (uint8_t)tot;
    ip[8] = 64, ip[9] = 17;
    struct in_addr s = et_ip(src), d = et_ip(dst);
    memcpy(ip + 12, &s, 4);
    memcpy(ip + 16, &d, 4);
    uint16_t ck = et_csum(ip, 20, 0);
    memcpy(ip + 10, &ck, 2);
    u[0] = (uint8_t)(sport >> 8), u[1] = (uint8_t)sport;
    u[2] = (uint8_t)(dport >> 8), u[3] = (uint8_t)dport;
    u[4] = (uint8_t)(ulen >> 8), u[5] = (uint8_t)ulen;
    u[6] = u[7] = 0; /* no checksum */
    memcpy(u + 8, data, dlen);
    return n + tot;
}

/* ---- parsers of recorded frames ---- */

static inline uint16_t fr_type(const struct eframe *f)
{
    return (uint16_t)((f->data[12] << 8) | f->data[13]);
}
static inline bool fr_is_arp(const struct eframe *f)
{
    return f->len >= 42 && fr_type(f) == 0x0806;
}
static inline uint16_t fr_arp_op(const struct eframe *f)
{
    return (uint16_t)((f->data[20] << 8) | f->data[21]);
}
static inline const uint8_t *fr_arp_sha(const struct eframe *f) { return f->data + 22; }
static inline struct in_addr fr_arp_sip(const struct eframe *f)
{
    struct in_addr a;
    memcpy(&a, f->data + 28, 4);
    return a;
}
static inline const uint8_t *fr_arp_tha(const struct eframe *f) { return f->data + 32; }
static inline struct in_addr fr_arp_tip(const struct eframe *f)
{
    struct in_addr a;
    memcpy(&a, f->data + 38, 4);
    return a;
}
static inline struct in_addr fr_ip_dst(const struct eframe *f)
{
    struct in_addr a;
    memcpy(&a, f->data + 14 + 16, 4);
    return a;
}

static inline size_t et_count_arp(const struct ethtest *h, uint16_t op)
{
    size_t n = 0;
    for (size_t i = 0; i < h->ntx; i++)
        if (fr_is_arp(&h->tx[i]) && fr_arp_op(&h->tx[i]) == op)
            n++;
    return n;
}

static inline size_t et_count_ip(const struct ethtest *h)
{
    size_t n = 0;
    for (size_t i = 0; i < h->ntx; i++)
        if (fr_type(&h->tx[i]) == 0x0800)
            n++;
    return n;
}

/* A connected UDP socket 192.0.2.1:5000 -> ip:port (optionally IP_RECVERR). */
static inline int et_udp_connected(struct ethtest *h, const char *ip, uint16_t port, bool recverr)
{
    int fd = berth_socket(h->st, AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    if (recverr && berth_setsockopt(h->st, fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)))
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr = et_ip(ip);
    if (berth_connect(h->st, fd, (struct sockaddr *)&a, sizeof(a)) != 0)
        return -1;
    return fd;
}

#endif
