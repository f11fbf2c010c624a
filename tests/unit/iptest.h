/* iptest.h — a test host for the IP-layer unit tests (test_ip4_*.c,
 * test_icmp4.c): one stack on the inline platform with one interface whose
 * driver records every transmitted packet, plus builders for crafted IPv4,
 * UDP and ICMP packets. Header-only; everything is static.
 *
 * Memory: the platform's allocator is wrapped to count live bytes, so tests
 * can check that reassembly memory stays bounded and is all given back.
 */
#ifndef BERTH_TESTS_IPTEST_H
#define BERTH_TESTS_IPTEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/socket.h"
#include "berth/stack.h"
#include "ip/ip4.h" /* ICMP_* constants */

/* ---- counting allocator (all stacks of the test process) ---- */

static size_t iptest_live_bytes;
/* Allocations left before the allocator fails (-1: never fails). */
static long iptest_alloc_budget = -1;

struct iptest_hdr {
    size_t n;
    size_t pad; /* keep 16-byte alignment */
};

static inline void *iptest_alloc(void *ctx, size_t n)
{
    (void)ctx;
    if (iptest_alloc_budget == 0)
        return NULL;
    if (iptest_alloc_budget > 0)
        iptest_alloc_budget--;
    struct iptest_hdr *h = malloc(sizeof(*h) + n);
    if (!h)
        return NULL;
    h->n = n;
    iptest_live_bytes += n;
    return h + 1;
}

static inline void iptest_free(void *ctx, void *p)
{
    (void)ctx;
    if (!p)
        return;
    struct iptest_hdr *h = (struct iptest_hdr *)p - 1;
    iptest_live_bytes -= h->n;
    free(h);
}

/* ---- the test host ---- */

struct iptest_pkt {
    uint8_t *data;
    size_t len;
};

struct iptest {
    struct berth_platform plat;
    berth_stack *st;
    berth_netif *ifp;
    struct iptest_pkt *tx; /* recorded transmissions */
    size_t ntx, cap;
    bool record;     /* false: count only */
    size_t tx_total; /* every transmission, recorded or not */
    int tx_error;    /* what transmit returns (0: success) */
};

static inline int iptest_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    (void)ifp;
    struct iptest *h = ctx;
    h->tx_total++;
    if (h->tx_error)
        return h->tx_error;
    if (!h->record)
        return 0;
    if (h->ntx == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->tx = realloc(h->tx, h->cap * sizeof(*h->tx));
    }
    h->tx[h->ntx].data = malloc(len ? len : 1);
    memcpy(h->tx[h->ntx].data, pkt, len);
    h->tx[h->ntx].len = len;
    h->ntx++;
    return 0;
}

static const struct berth_netif_driver iptest_driver = {.transmit = iptest_transmit};

static inline struct in_addr ipa(const char *s)
{
    struct in_addr a;
    inet_pton(AF_INET, s, &a);
    return a;
}

/* A host with interface "eth0" (prefix "192.0.2.1/24", mtu) on a stack
 * configured by cfg (NULL: defaults). Returns 0 or -1. */
static inline int iptest_init_cfg(struct iptest *h, const char *prefix, unsigned mtu,
                                  const struct berth_config *cfg_in)
{
    memset(h, 0, sizeof(*h));
    h->record = true;
    if (berth_platform_inline(&h->plat, 1000000, 42) != 0)
        return -1;
    h->plat.alloc = iptest_alloc;
    h->plat.free = iptest_free;
    struct berth_config cfg;
    if (cfg_in)
        cfg = *cfg_in;
    else
        berth_config_init(&cfg);
    cfg.platform = &h->plat;
    cfg.name = "iptest";
    cfg.buffer_cache = 0; /* the live-byte counts must see every free */
    h->st = berth_stack_new(&cfg);
    if (!h->st)
        return -1;
    h->ifp = berth_netif_add(h->st, "eth0", mtu, BERTH_IFF_BROADCAST, &iptest_driver, h);
    if (!h->ifp)
        return -1;
    struct in_addr a;
    unsigned plen;
    if (berth_parse_prefix(prefix, &a, &plen) != 0 || berth_netif_addr_add(h->ifp, a, plen) != 0)
        return -1;
    berth_netif_set_up(h->ifp, true);
    return 0;
}

static inline int iptest_init(struct iptest *h, const char *prefix, unsigned mtu)
{
    return iptest_init_cfg(h, prefix, mtu, NULL);
}

static inline void iptest_clear(struct iptest *h)
{
    for (size_t i = 0; i < h->ntx; i++)
        free(h->tx[i].data);
    h->ntx = 0;
}

static inline void iptest_fini(struct iptest *h)
{
    iptest_clear(h);
    free(h->tx);
    h->tx = NULL;
    h->cap = 0;
    berth_stack_free(h->st);
    berth_platform_inline_release(&h->plat);
}

static inline void iptest_input(struct iptest *h, const void *p, size_t len)
{
    berth_netif_input(h->ifp, p, len);
    berth_stack_poll(h->st);
}

/* Move the virtual clock and run what fell due. */
static inline void iptest_advance(struct iptest *h, uint64_t us)
{
    berth_platform_inline_advance(&h->plat, us);
    berth_stack_poll(h->st);
}

static inline uint64_t iptest_ctr(struct iptest *h, const char *g, const char *n)
{
    uint64_t v = 0;
    if (berth_snmp_get(h->st, g, n, &v) != 0)
        return UINT64_MAX;
    return v;
}

/* UDP socket bound to 0.0.0.0:port (or addr:port). */
static inline int iptest_udp_bind(struct iptest *h, const char *addr, uint16_t port)
{
    int fd = berth_socket(h->st, AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in s;
    memset(&s, 0, sizeof(s));
    s.sin_family = AF_INET;
    s.sin_port = htons(port);
    if (addr)
        s.sin_addr = ipa(addr);
    if (berth_bind(h->st, fd, (struct sockaddr *)&s, sizeof(s)) != 0)
        return -1;
    return fd;
}

/* ---- packet builders ---- */

static inline uint16_t iptest_csum(const void *d, size_t n, uint32_t sum)
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

static inline bool iptest_csum_ok(const void *d, size_t n) { return iptest_csum(d, n, 0) == 0; }

struct iptest_ip {
    struct in_addr src, dst;
    uint8_t proto, ttl, tos;
    uint16_t id;
    uint16_t frag_off; /* host order: flags | offset in 8-byte units */
    const uint8_t *opts;
    size_t optlen; /* multiple of 4, at most 40 */
};

/* Write an IPv4 header + payload into buf; returns the total length. */
static inline size_t iptest_ip(uint8_t *buf, const struct iptest_ip *ip, const void *payload,
                               size_t plen)
{
    size_t hlen = 20 + ip->optlen;
    size_t tot = hlen + plen;
    buf[0] = (uint8_t)(0x40 | (hlen / 4));
    buf[1] = ip->tos;
    buf[2] = (uint8_t)(tot >> 8);
    buf[3] = (uint8_t)tot;
    buf[4] = (uint8_t)(ip->id >> 8);
    buf[5] = (uint8_t)ip->id;
    buf[6] = (uint8_t)(ip->frag_off >> 8);
    buf[7] = (uint8_t)ip->frag_off;
    buf[8] = ip->ttl ? ip->ttl : 64;
    buf[9] = ip->proto;
    buf[10] = buf[11] = 0;
    memcpy(buf + 12, &ip->src, 4);
    memcpy(buf + 16, &ip->dst, 4);
    if (ip->optlen)
        memcpy(buf + 20, ip->opts, ip->optlen);
    uint16_t ck = iptest_csum(buf, hlen, 0);
    memcpy(buf + 10, &ck, 2);
    if (plen)
        memmove(buf + hlen, payload, plen);
    return tot;
}

/* Recompute the header checksum of the IPv4 packet in buf. */
static inline void iptest_fix_ipsum(uint8_t *buf)
{
    size_t hlen = (size_t)(buf[0] & 0x0f) * 4;
    buf[10] = buf[11] = 0;
    uint16_t ck = iptest_csum(buf, hlen, 0);
    memcpy(buf + 10, &ck, 2);
}

/* A UDP segment (header + data) with its checksum; returns its length. */
static inline size_t iptest_udp(uint8_t *buf, struct in_addr src, uint16_t sport,
                                struct in_addr dst, uint16_t dport, const void *data, size_t dlen)
{
    size_t ulen = 8 + dlen;
    buf[0] = (uint8_t)(sport >> 8);
    buf[1] = (uint8_t)sport;
    buf[2] = (uint8_t)(dport >> 8);
    buf[3] = (uint8_t)dport;
    buf[4] = (uint8_t)(ulen >> 8);
    buf[5] = (uint8_t)ulen;
    buf[6] = buf[7] = 0;
    if (dlen)
        memmove(buf + 8, data, dlen);
    uint8_t ph[12];
    memcpy(ph, &src, 4);
    memcpy(ph + 4, &dst, 4);
    ph[8] = 0;
    ph[9] = IPPROTO_UDP;
    ph[10] = (uint8_t)(ulen >> 8);
    ph[11] = (uint8_t)ulen;
    uint32_t sum = 0;
    for (int i = 0; i < 12; i += 2)
        sum += (uint32_t)((ph[i] << 8) | ph[i + 1]);
    uint16_t ck = iptest_csum(buf, ulen, sum);
    if (ck == 0)
        ck = 0xffff;
    memcpy(buf + 6, &ck, 2);
    return ulen;
}

/* An ICMP message (type, code, 4 bytes rest-of-header, body) with its
 * checksum; returns its length. */
static inline size_t iptest_icmp(uint8_t *buf, uint8_t type, uint8_t code, uint32_t rest,
                                 const void *body, size_t blen)
{
    buf[0] = type;
    buf[1] = code;
    buf[2] = buf[3] = 0;
    uint32_t r = htonl(rest);
    memcpy(buf + 4, &r, 4);
    if (blen)
        memmove(buf + 8, body, blen);
    uint16_t ck = iptest_csum(buf, 8 + blen, 0);
    memcpy(buf + 2, &ck, 2);
    return 8 + blen;
}

/* Split the datagram dg (header of hlen bytes + payload) into fragments of
 * at most `chunk` payload bytes (a multiple of 8). Returns the count; the
 * fragments are malloc'ed into out[] (free with iptest_pkts_free). */
static inline size_t iptest_split(const uint8_t *dg, size_t len, size_t chunk,
                                  struct iptest_pkt *out, size_t max)
{
    size_t hlen = (size_t)(dg[0] & 0x0f) * 4;
    size_t plen = len - hlen, n = 0;
    for (size_t off = 0; off < plen && n < max; off += chunk) {
        size_t c = plen - off < chunk ? plen - off : chunk;
        bool last = off + c == plen;
        uint8_t *f = malloc(hlen + c);
        memcpy(f, dg, hlen);
        memcpy(f + hlen, dg + hlen + off, c);
        size_t tot = hlen + c;
        f[2] = (uint8_t)(tot >> 8);
        f[3] = (uint8_t)tot;
        uint16_t fo = (uint16_t)((off / 8) | (last ? 0 : 0x2000));
        fo = (uint16_t)(fo | (((dg[6] << 8) | dg[7]) & 0x4000)); /* keep DF */
        f[6] = (uint8_t)(fo >> 8);
        f[7] = (uint8_t)fo;
        iptest_fix_ipsum(f);
        out[n].data = f;
        out[n].len = tot;
        n++;
    }
    return n;
}

static inline void iptest_pkts_free(struct iptest_pkt *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].data);
}

/* Deterministic PRNG for the tests (splitmix64). */
static inline uint64_t iptest_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline void iptest_shuffle(struct iptest_pkt *p, size_t n, uint64_t *seed)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(iptest_rand(seed) % i);
        struct iptest_pkt t = p[i - 1];
        p[i - 1] = p[j];
        p[j] = t;
    }
}

/* Fields of a recorded packet. */
static inline uint8_t iptest_proto(const struct iptest_pkt *p) { return p->data[9]; }
static inline size_t iptest_hlen(const struct iptest_pkt *p)
{
    return (size_t)(p->data[0] & 0x0f) * 4;
}
static inline uint16_t iptest_fragoff(const struct iptest_pkt *p)
{
    return (uint16_t)((p->data[6] << 8) | p->data[7]);
}

/* Number of recorded ICMP messages of a type (and code, -1: any). */
static inline size_t iptest_count_icmp(const struct iptest *h, int type, int code)
{
    size_t n = 0;
    for (size_t i = 0; i < h->ntx; i++) {
        const struct iptest_pkt *p = &h->tx[i];
        if (p->len < 28 || iptest_proto(p) != IPPROTO_ICMP)
            continue;
        const uint8_t *ic = p->data + iptest_hlen(p);
        if (ic[0] == type && (code < 0 || ic[1] == code))
            n++;
    }
    return n;
}

#endif
