/* fuzz_ip6.h — IPv6 packet pieces shared by fuzz_ip6_input.c and its seed
 * generator make_seeds6.c: the upper-layer checksum with the RFC 8200
 * section 8.1 pseudo-header, a walk over the extension-header chain to find
 * the upper layer, and the check every IPv6 packet berth transmits must
 * pass. Header-only; uses fuzz_common.h's checksum. */
#ifndef BERTH_FUZZ_IP6_H
#define BERTH_FUZZ_IP6_H

#include "fuzz_common.h"

#define FZ6_HBH 0
#define FZ6_TCP 6
#define FZ6_UDP 17
#define FZ6_ROUTING 43
#define FZ6_FRAG 44
#define FZ6_ICMP6 58
#define FZ6_NONE 59
#define FZ6_DSTOPTS 60

/* Pseudo-header sum: source, destination, upper-layer length, next header. */
static inline uint32_t fz6_pseudo(const uint8_t *ip6, uint8_t next, size_t len)
{
    uint32_t s = 0;
    for (int i = 8; i < 40; i += 2)
        s += (uint32_t)((ip6[i] << 8) | ip6[i + 1]);
    return s + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + next;
}

/* Walk the extension headers of the IPv6 packet p (len bytes, payload as
 * long as the packet says or as there is): the offset of the upper-layer
 * header and its protocol in *proto. *frag is set when a fragment header
 * that is not an atomic fragment (offset or M set) was crossed. Returns 0
 * when the chain runs off the end. */
static inline size_t fz6_upper(const uint8_t *p, size_t len, uint8_t *proto, int *frag)
{
    *frag = 0;
    if (len < 40)
        return 0;
    uint8_t nh = p[6];
    size_t off = 40;
    for (int n = 0; n < 16; n++) {
        if (nh == FZ6_HBH || nh == FZ6_ROUTING || nh == FZ6_DSTOPTS) {
            if (off + 8 > len)
                return 0;
            uint8_t next = p[off];
            off += ((size_t)p[off + 1] + 1) * 8;
            nh = next;
        } else if (nh == FZ6_FRAG) {
            if (off + 8 > len)
                return 0;
            if (((p[off + 2] << 8 | p[off + 3]) & 0xfff9) != 0)
                *frag = 1;
            nh = p[off];
            off += 8;
        } else {
            break;
        }
    }
    if (off > len)
        return 0;
    *proto = nh;
    return off;
}

/* Fill in the payload length (fix_len) and the UDP/TCP/ICMPv6 checksum of a
 * whole (unfragmented) datagram (fix_sum). */
static inline void fz6_fix(uint8_t *p, size_t len, int fix_len, int fix_sum)
{
    if (len < 40 || (p[0] >> 4) != 6)
        return;
    if (fix_len && len - 40 <= 0xffff) {
        p[4] = (uint8_t)((len - 40) >> 8);
        p[5] = (uint8_t)(len - 40);
    }
    if (!fix_sum)
        return;
    size_t plen = (size_t)(p[4] << 8 | p[5]);
    size_t end = 40 + plen < len ? 40 + plen : len;
    uint8_t proto;
    int frag;
    size_t off = fz6_upper(p, end, &proto, &frag);
    if (!off || frag)
        return;
    uint8_t *t = p + off;
    size_t tl = end - off;
    size_t co = proto == FZ6_UDP ? 6 : proto == FZ6_TCP ? 16 : proto == FZ6_ICMP6 ? 2 : 0;
    if (!co || tl < co + 2)
        return;
    if (proto == FZ6_UDP) {
        t[4] = (uint8_t)(tl >> 8);
        t[5] = (uint8_t)tl;
    }
    t[co] = t[co + 1] = 0;
    uint16_t c = fz_csum(t, tl, fz6_pseudo(p, proto, tl));
    if (c == 0 && proto == FZ6_UDP)
        c = 0xffff; /* RFC 8200 section 8.1: a zero UDP checksum is sent as 0xffff */
    t[co] = (uint8_t)(c >> 8);
    t[co + 1] = (uint8_t)c;
}

/* An IPv6 packet berth transmits: version 6, payload length equal to the
 * packet's, no larger than mtu, a hop limit, a source that is not
 * multicast; a UDP, TCP or ICMPv6 payload right after the fixed header (or
 * after extension headers, unfragmented) with a right checksum. */
static inline void fz_check_ip6(const uint8_t *p, size_t len, unsigned mtu)
{
    if (len > mtu || len < 40 || (p[0] >> 4) != 6 || (size_t)(p[4] << 8 | p[5]) + 40 != len)
        fz_fail("a malformed IPv6 packet", len);
    if (p[7] == 0)
        fz_fail("an IPv6 packet with hop limit 0", len);
    if (p[8] == 0xff)
        fz_fail("an IPv6 packet from a multicast source", len);
    uint8_t proto;
    int frag;
    size_t off = fz6_upper(p, len, &proto, &frag);
    if (!off)
        fz_fail("an IPv6 packet whose extension headers run off its end", len);
    if (frag || (proto != FZ6_UDP && proto != FZ6_TCP && proto != FZ6_ICMP6))
        return;
    size_t tl = len - off;
    if ((proto == FZ6_UDP && tl < 8) || (proto == FZ6_TCP && tl < 20) ||
        (proto == FZ6_ICMP6 && tl < 4))
        fz_fail("a truncated upper-layer header in IPv6", len);
    if (proto == FZ6_UDP && (size_t)(p[off + 4] << 8 | p[off + 5]) != tl)
        fz_fail("a UDP length that is not the IPv6 payload's", len);
    if (proto == FZ6_UDP && !(p[off + 6] | p[off + 7]))
        fz_fail("a UDP checksum of zero over IPv6 (RFC 8200 section 8.1)", len);
    if (fz_csum(p + off, tl, fz6_pseudo(p, proto, tl)) != 0)
        fz_fail("an IPv6 upper-layer checksum that does not verify", len);
}

#endif
