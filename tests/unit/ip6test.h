/* ip6test.h — the IPv6 side of the IP-layer test host (iptest.h): the
 * recording interface gets 2001:db8::1/64 beside 192.0.2.1/24, and these
 * build crafted IPv6 packets (fixed header, extension headers, fragments,
 * UDP, ICMPv6 with checksums) and read the recorded ones. Header-only. */
#ifndef BERTH_TESTS_IP6TEST_H
#define BERTH_TESTS_IP6TEST_H

#include "iptest.h"

#define IP6T_SELF "2001:db8::1"
#define IP6T_PEER "2001:db8::2"

static inline struct in6_addr ip6a(const char *s)
{
    struct in6_addr a;
    inet_pton(AF_INET6, s, &a);
    return a;
}

/* The iptest host (eth0, 192.0.2.1/24, mtu) with 2001:db8::1/64 too. */
static inline int ip6test_init_cfg(struct iptest *h, unsigned mtu, const struct berth_config *cfg)
{
    if (iptest_init_cfg(h, "192.0.2.1/24", mtu, cfg) != 0)
        return -1;
    struct in6_addr a = ip6a(IP6T_SELF);
    if (berth_netif_addr6_add(h->ifp, &a, 64) != 0)
        return -1;
    berth_stack_poll(h->st);
    iptest_clear(h);
    return 0;
}

static inline int ip6test_init(struct iptest *h, unsigned mtu)
{
    return ip6test_init_cfg(h, mtu, NULL);
}

static inline void wr16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline unsigned rd16(const uint8_t *p) { return (unsigned)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The fixed header (hop limit 64) at buf; returns 40. */
static inline size_t ip6t_hdr(uint8_t *buf, struct in6_addr src, struct in6_addr dst, uint8_t nxt,
                              size_t plen)
{
    memset(buf, 0, 40);
    buf[0] = 0x60;
    wr16(buf + 4, (unsigned)plen);
    buf[6] = nxt;
    buf[7] = 64;
    memcpy(buf + 8, &src, 16);
    memcpy(buf + 24, &dst, 16);
    return 40;
}

/* The upper-layer checksum of ul[0, len) for src -> dst with next header
 * nxt, written at ul + ckoff (UDP: 6, ICMPv6: 2). */
static inline void ip6t_l4sum(uint8_t *ul, size_t len, struct in6_addr src, struct in6_addr dst,
                              uint8_t nxt, size_t ckoff)
{
    uint32_t s = 0;
    const uint8_t *a = (const uint8_t *)&src, *b = (const uint8_t *)&dst;
    for (int i = 0; i < 16; i += 2)
        s += (uint32_t)(a[i] << 8 | a[i + 1]) + (uint32_t)(b[i] << 8 | b[i + 1]);
    s += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nxt;
    ul[ckoff] = ul[ckoff + 1] = 0;
    uint16_t c = iptest_csum(ul, len, s); /* network order */
    if (c == 0 && nxt == IPPROTO_UDP)
        c = 0xffff;
    memcpy(ul + ckoff, &c, 2);
}

/* An ICMPv6 message (type, code, 32-bit rest, body) at buf, checksummed
 * for src -> dst; returns its length. */
static inline size_t ip6t_icmp(uint8_t *buf, struct in6_addr src, struct in6_addr dst, uint8_t type,
                               uint8_t code, uint32_t rest, const void *body, size_t blen)
{
    buf[0] = type;
    buf[1] = code;
    uint32_t r = htonl(rest);
    memcpy(buf + 4, &r, 4);
    if (blen)
        memmove(buf + 8, body, blen);
    ip6t_l4sum(buf, 8 + blen, src, dst, IPPROTO_ICMPV6, 2);
    return 8 + blen;
}

/* A whole packet: header + ICMPv6 message. */
static inline size_t ip6t_icmp_pkt(uint8_t *buf, struct in6_addr src, struct in6_addr dst,
                                   uint8_t type, uint8_t code, uint32_t rest, const void *body,
                                   size_t blen)
{
    size_t n = ip6t_icmp(buf + 40, src, dst, type, code, rest, body, blen);
    ip6t_hdr(buf, src, dst, IPPROTO_ICMPV6, n);
    return 40 + n;
}

/* An echo request of dlen data bytes (id 0x1234, seq) as an ICMPv6
 * message at buf (no IPv6 header); returns its length. */
static inline size_t ip6t_echo(uint8_t *buf, struct in6_addr src, struct in6_addr dst, uint16_t seq,
                               size_t dlen)
{
    uint8_t body[65536];
    for (size_t i = 0; i < dlen; i++)
        body[i] = (uint8_t)(i * 7 + seq);
    return ip6t_icmp(buf, src, dst, 128, 0, (uint32_t)0x1234 << 16 | seq, body, dlen);
}

/* A UDP datagram (header + dlen bytes) at buf for src:sport -> dst:dport. */
static inline size_t ip6t_udp(uint8_t *buf, struct in6_addr src, uint16_t sport,
                              struct in6_addr dst, uint16_t dport, size_t dlen)
{
    wr16(buf, sport);
    wr16(buf + 2, dport);
    wr16(buf + 4, (unsigned)(8 + dlen));
    for (size_t i = 0; i < dlen; i++)
        buf[8 + i] = (uint8_t)i;
    ip6t_l4sum(buf, 8 + dlen, src, dst, IPPROTO_UDP, 6);
    return 8 + dlen;
}

/* A fragment PEER -> SELF: header, fragment header (id, byte offset, M)
 * and n bytes of the fragmentable part; returns its length. */
static inline size_t ip6t_frag_to(uint8_t *buf, struct in6_addr src, struct in6_addr dst,
                                  uint32_t id, size_t off, bool m, uint8_t nxt, const uint8_t *d,
                                  size_t n)
{
    ip6t_hdr(buf, src, dst, 44, 8 + n);
    buf[40] = nxt;
    buf[41] = 0;
    wr16(buf + 42, (unsigned)(off | (m ? 1 : 0)));
    uint32_t nid = htonl(id);
    memcpy(buf + 44, &nid, 4);
    memmove(buf + 48, d, n);
    return 48 + n;
}

static inline size_t ip6t_frag(uint8_t *buf, uint32_t id, size_t off, bool m, uint8_t nxt,
                               const uint8_t *d, size_t n)
{
    return ip6t_frag_to(buf, ip6a(IP6T_PEER), ip6a(IP6T_SELF), id, off, m, nxt, d, n);
}

/* Recorded IPv6 packets carrying ICMPv6 `type` (and code, -1: any). */
static inline bool ip6t_is_icmp(const struct iptest_pkt *p, int type, int code)
{
    return p->len >= 48 && (p->data[0] >> 4) == 6 && p->data[6] == IPPROTO_ICMPV6 &&
           p->data[40] == type && (code < 0 || p->data[41] == code);
}

static inline size_t ip6t_count_icmp(const struct iptest *h, int type, int code)
{
    size_t n = 0;
    for (size_t i = 0; i < h->ntx; i++)
        n += ip6t_is_icmp(&h->tx[i], type, code);
    return n;
}

/* The first recorded ICMPv6 message of type/code, or NULL. */
static inline const struct iptest_pkt *ip6t_find_icmp(const struct iptest *h, int type, int code)
{
    for (size_t i = 0; i < h->ntx; i++)
        if (ip6t_is_icmp(&h->tx[i], type, code))
            return &h->tx[i];
    return NULL;
}

static inline uint64_t ip6t_ctr(struct iptest *h, const char *n) { return iptest_ctr(h, "Ip6", n); }
static inline uint64_t icmp6t_ctr(struct iptest *h, const char *n)
{
    return iptest_ctr(h, "Icmp6", n);
}

#endif
