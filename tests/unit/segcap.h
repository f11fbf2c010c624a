/* segcap.h — a driver that keeps what berth transmits on a raw IPv4
 * interface, and the parser of the TCP segments in it: the other half of
 * segtest.h for tests that talk to a connection segment by segment. */
#ifndef BERTH_TEST_SEGCAP_H
#define BERTH_TEST_SEGCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "berth/netif.h"
#include "testutil.h"

#define MAXOUT 64
static struct outpkt {
    uint8_t b[2048];
    size_t len;
} out[MAXOUT];
static unsigned nout; /* datagrams kept (the test resets it) */

static int drv_tx(void *ctx, berth_netif *ifp, const void *p, size_t len)
{
    (void)ctx, (void)ifp;
    if (nout < MAXOUT && len <= sizeof(out[0].b)) {
        memcpy(out[nout].b, p, len);
        out[nout].len = len;
        nout++;
    }
    return 0;
}
static const struct berth_netif_driver drv = {.transmit = drv_tx};

/* A segment berth sent, parsed. */
struct seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    unsigned optlen, len;
    const uint8_t *opt;
};

/* The i-th kept datagram as a TCP segment; false if there is none. */
static bool parse(unsigned i, struct seg *s)
{
    if (i >= nout)
        return false;
    const uint8_t *p = out[i].b;
    unsigned ihl = (p[0] & 15u) * 4u;
    const uint8_t *t = p + ihl;
    unsigned tot = ((unsigned)p[2] << 8) | p[3];
    s->sport = (uint16_t)((t[0] << 8) | t[1]);
    s->dport = (uint16_t)((t[2] << 8) | t[3]);
    s->seq = ((uint32_t)t[4] << 24) | ((uint32_t)t[5] << 16) | ((uint32_t)t[6] << 8) | t[7];
    s->ack = ((uint32_t)t[8] << 24) | ((uint32_t)t[9] << 16) | ((uint32_t)t[10] << 8) | t[11];
    unsigned doff = (t[12] >> 4) * 4u;
    s->flags = t[13];
    s->wnd = (uint16_t)((t[14] << 8) | t[15]);
    s->opt = t + 20;
    s->optlen = doff - 20;
    s->len = tot - ihl - doff;
    return true;
}

/* The last datagram kept, as a segment. */
static bool last(struct seg *s) { return nout && parse(nout - 1, s); }

/* The fixture: an inline stack whose raw interface raw0 (10.0.0.1/24)
 * transmits into out[]. */
static struct berth_platform plat;
static berth_stack *st;
static berth_netif *raw;

static int segcap_setup(uint64_t seed)
{
    st = test_stack_inline(&plat, seed);
    raw = berth_netif_add(st, "raw0", 1500, 0, &drv, NULL);
    struct in_addr a;
    inet_pton(AF_INET, "10.0.0.1", &a);
    berth_netif_addr_add(raw, a, 24);
    berth_netif_set_up(raw, true);
    nout = 0;
    return 0;
}

static int segcap_teardown(void)
{
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    return 0;
}

#endif
