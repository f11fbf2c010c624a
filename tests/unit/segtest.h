/* segtest.h — hand-made IPv4 + TCP segments for tests that inject them
 * into an interface as if they came off the wire. */
#ifndef BERTH_TEST_SEGTEST_H
#define BERTH_TEST_SEGTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "ip/ip4.h"

struct seg_spec {
    struct in_addr src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    const uint8_t *opt; /* padded to a multiple of 4 by the caller */
    unsigned optlen;
    const void *data;
    unsigned len;
    int doff_override; /* not 0: the data-offset byte, verbatim */
    bool bad_csum;
};

/* Write the datagram into buf (room for 40 + optlen + len bytes) and
 * return its length. */
static inline unsigned seg_build(uint8_t *buf, const struct seg_spec *s)
{
    unsigned tl = 20 + s->optlen + s->len;
    memset(buf, 0, 20 + tl);
    buf[0] = 0x45;
    buf[2] = (uint8_t)((20 + tl) >> 8);
    buf[3] = (uint8_t)(20 + tl);
    buf[8] = 64;
    buf[9] = IPPROTO_TCP;
    memcpy(buf + 12, &s->src, 4);
    memcpy(buf + 16, &s->dst, 4);
    uint16_t ck = inet_csum_fold(inet_csum_add(0, buf, 20));
    memcpy(buf + 10, &ck, 2);
    uint8_t *t = buf + 20;
    t[0] = (uint8_t)(s->sport >> 8), t[1] = (uint8_t)s->sport;
    t[2] = (uint8_t)(s->dport >> 8), t[3] = (uint8_t)s->dport;
    uint32_t ns = htonl(s->seq), na = htonl(s->ack);
    memcpy(t + 4, &ns, 4);
    memcpy(t + 8, &na, 4);
    t[12] = s->doff_override ? (uint8_t)s->doff_override : (uint8_t)(((20 + s->optlen) / 4) << 4);
    t[13] = s->flags;
    t[14] = (uint8_t)(s->wnd >> 8), t[15] = (uint8_t)s->wnd;
    if (s->optlen)
        memcpy(t + 20, s->opt, s->optlen);
    if (s->len)
        memcpy(t + 20 + s->optlen, s->data, s->len);
    uint32_t sum = inet_pseudo4(s->src, s->dst, IPPROTO_TCP, (uint16_t)tl);
    ck = inet_csum_fold(inet_csum_add(sum, t, tl));
    if (s->bad_csum)
        ck ^= 0x5555;
    memcpy(t + 16, &ck, 2);
    return 20 + tl;
}

#endif
