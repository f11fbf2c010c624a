/* pcap.c — capture an interface's packets to a classic pcap file.
 *
 * The writer is the interface's tap (netif_set_tap): netif.c calls it under
 * the stack lock for every packet handed to the driver and every packet
 * received, as the driver sees it: whole Ethernet frames (LINKTYPE_ETHERNET,
 * ARP included) on an Ethernet interface, raw IP (LINKTYPE_RAW) on the
 * others. Headers are written in host byte order with the standard
 * magic, which is how readers learn the byte order.
 *
 * Loopback taps see each packet twice (once out, once straight back in);
 * only the outbound copy is recorded, so a capture on lo lists every packet
 * once, as tcpdump -i lo does on Linux.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth/pcap.h"
#include "core/stack_impl.h"
#include "netif/netif_impl.h"

#define PCAP_MAGIC 0xa1b2c3d4u /* microsecond timestamps */
#define PCAP_SNAPLEN 65535u
#define LINKTYPE_ETHERNET 1u
#define LINKTYPE_RAW 101u

struct pcap_writer {
    FILE *f;
};

static void put32(uint8_t *b, uint32_t v) { memcpy(b, &v, 4); }
static void put16(uint8_t *b, uint16_t v) { memcpy(b, &v, 2); }

static void pcap_tap(void *arg, berth_netif *ifp, bool out, const uint8_t *p, size_t len)
{
    struct pcap_writer *w = arg;
    if (ifp->is_loopback && !out)
        return;
    uint64_t now = st_now(ifp->st);
    size_t incl = len < PCAP_SNAPLEN ? len : PCAP_SNAPLEN;
    uint8_t rec[16];
    put32(rec, (uint32_t)(now / 1000000));
    put32(rec + 4, (uint32_t)(now % 1000000));
    put32(rec + 8, (uint32_t)incl);
    put32(rec + 12, (uint32_t)len);
    /* A write error cannot be reported from here; the capture is best
     * effort, like a full disk under tcpdump. */
    if (fwrite(rec, sizeof(rec), 1, w->f) == 1)
        (void)fwrite(p, 1, incl, w->f);
}

static void pcap_tap_close(void *arg)
{
    struct pcap_writer *w = arg;
    fclose(w->f);
    free(w);
}

int berth_pcap_open(berth_netif *ifp, const char *path)
{
    struct pcap_writer *w = malloc(sizeof(*w));
    if (!w) {
        errno = ENOMEM;
        return -1;
    }
    if (!(w->f = fopen(path, "wb"))) {
        int e = errno;
        free(w);
        errno = e;
        return -1;
    }
    uint8_t hdr[24];
    put32(hdr, PCAP_MAGIC);
    put16(hdr + 4, 2); /* version 2.4 */
    put16(hdr + 6, 4);
    put32(hdr + 8, 0);  /* thiszone: timestamps are UTC (or virtual) */
    put32(hdr + 12, 0); /* sigfigs */
    put32(hdr + 16, PCAP_SNAPLEN);
    put32(hdr + 20,
          berth_netif_link(ifp) == BERTH_LINK_ETHERNET ? LINKTYPE_ETHERNET : LINKTYPE_RAW);
    if (fwrite(hdr, sizeof(hdr), 1, w->f) != 1) {
        int e = errno ? errno : EIO;
        pcap_tap_close(w);
        errno = e;
        return -1;
    }
    struct berth_stack *st = ifp->st;
    st_lock(st);
    netif_set_tap(ifp, pcap_tap, pcap_tap_close, w); /* closes a previous capture */
    st_unlock(st);
    return 0;
}

void berth_pcap_close(berth_netif *ifp)
{
    struct berth_stack *st = ifp->st;
    st_lock(st);
    if (ifp->tap == pcap_tap)
        netif_set_tap(ifp, NULL, NULL, NULL); /* the close hook flushes */
    st_unlock(st);
}
