/* fuzz_ip4_input.c — libFuzzer harness for the IPv4 receive path.
 *
 * Each input is a fresh host (inline platform, virtual clock, fixed seed):
 * interface eth0 192.0.2.1/24, a UDP echo socket on 0.0.0.0:7 and a UDP
 * socket on 192.0.2.1:8 connected to 192.0.2.2:9 (a target for ICMP errors).
 * Byte 0 of the input configures the host: bits 0-1 the MTU (1500, 576, 68,
 * 9000), bits 2-3 ipfrag_high_thresh (256 KiB, 16 KiB, 3 KiB, 0 = no
 * reassembly), bit 4 ipfrag_time 1 s instead of 30 s. The rest is a sequence
 * of records, so one input can carry all the fragments of a datagram, or a
 * datagram and the ICMP error about it:
 *
 *   byte 0    control: bit 0 fix the IP header checksum,
 *                      bit 1 fix the UDP/ICMP checksum (whole datagrams),
 *                      bits 2-4 advance the clock first (0, 1 ms, 100 ms,
 *                               1 s, 5 s, 15 s, 31 s, 61 s),
 *                      bit 5 the echo socket answers what it received,
 *                      bit 6 the record describes a fragment to build
 *                            (below) instead of carrying a raw packet
 *   bytes 1-2 length of the record, big endian (cut to what is left)
 *   bytes 3.. the packet, handed to berth_netif_input
 *
 * A built fragment (bit 6) comes from 192.0.2.2 to 192.0.2.1 with a valid
 * header; its record is 5 bytes: [id 0-3 (bits 0-1) | protocol UDP, ICMP,
 * 253 or UDP to the broadcast address (bits 2-3) | MF (bit 4) | DF (bit 5) |
 * ECN (bits 6-7)], offset in 8-byte units (2 bytes, 13 bits), payload length
 * (2 bytes). The payload is cut from a fixed 64 KiB image of a datagram that
 * starts with a UDP header to port 7 of length 8 and checksum 0, so any
 * reassembled UDP datagram is delivered (as an empty one). This lets the
 * fuzzer drive the reassembly state machine (orders, overlaps, duplicates,
 * runs, ends, memory limit, timeouts) without having to forge checksums.
 *
 * Oracles: AddressSanitizer/UBSan (out-of-bounds reads, overflows, leaks at
 * the end of each input), plus checks on every packet the stack transmits:
 * no larger than the MTU, a valid IPv4 header with a correct checksum and a
 * tot_len equal to the frame's length.
 *
 * Built with -DFUZZ_FRAGMENTS_ONLY (fuzz_ip4_frag), every record is a built
 * fragment, so the whole budget goes to reassembly.
 *
 * Build and run: see README.md beside this file.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/socket.h"
#include "berth/stack.h"

static unsigned cur_mtu;

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
    while (n > 1) {
        sum += (uint32_t)((p[0] << 8) | p[1]);
        p += 2;
        n -= 2;
    }
    if (n)
        sum += (uint32_t)(p[0] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static int fz_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    (void)ctx, (void)ifp;
    const uint8_t *p = pkt;
    if (len > cur_mtu || len < 20 || (p[0] >> 4) != 4 || (p[0] & 0x0f) < 5 ||
        (size_t)(p[0] & 0x0f) * 4 > len || (size_t)((p[2] << 8) | p[3]) != len ||
        csum(p, (size_t)(p[0] & 0x0f) * 4, 0) != 0) {
        fprintf(stderr, "fuzz: stack transmitted a malformed packet (%zu bytes, mtu %u)\n", len,
                cur_mtu);
        abort();
    }
    return 0;
}

static const struct berth_netif_driver fz_driver = {.transmit = fz_transmit};

static void fix_checksums(uint8_t *p, size_t len, int ctl)
{
    if (len < 20)
        return;
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    if (ihl < 20 || ihl > len)
        return;
    if (ctl & 2) {
        size_t tot = (size_t)((p[2] << 8) | p[3]);
        if (tot > len)
            tot = len;
        if (tot > ihl && !((p[6] & 0x3f) | p[7])) { /* whole datagrams only: no MF, offset 0 */
            uint8_t *t = p + ihl;
            size_t tl = tot - ihl;
            if (p[9] == IPPROTO_UDP && tl >= 8) {
                size_t ul = (size_t)((t[4] << 8) | t[5]);
                if (ul >= 8 && ul <= tl) {
                    uint32_t s = 0;
                    for (int i = 12; i < 20; i += 2)
                        s += (uint32_t)((p[i] << 8) | p[i + 1]);
                    s += IPPROTO_UDP + (uint32_t)ul;
                    t[6] = t[7] = 0;
                    uint16_t c = csum(t, ul, s);
                    if (c == 0)
                        c = 0xffff;
                    t[6] = (uint8_t)(c >> 8);
                    t[7] = (uint8_t)c;
                }
            } else if (p[9] == IPPROTO_ICMP && tl >= 4) {
                t[2] = t[3] = 0;
                uint16_t c = csum(t, tl, 0);
                t[2] = (uint8_t)(c >> 8);
                t[3] = (uint8_t)c;
            }
        }
    }
    if (ctl & 1) {
        p[10] = p[11] = 0;
        uint16_t c = csum(p, ihl, 0);
        p[10] = (uint8_t)(c >> 8);
        p[11] = (uint8_t)c;
    }
}

static const uint64_t advance_us[8] = {0,       1000,     100000,   1000000,
                                       5000000, 15000000, 31000000, 61000000};
static const unsigned mtus[4] = {1500, 576, 68, 9000};
static const size_t threshes[4] = {256 * 1024, 16 * 1024, 3 * 1024, 0};

static uint8_t image[65536]; /* the datagram fragments are cut from */

static void image_init(void)
{
    if (image[1] == 7)
        return;
    for (size_t i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)(i * 31 + (i >> 8));
    static const uint8_t udp[8] = {0x0f, 0xa0, 0, 7, 0, 8, 0, 0}; /* 4000 -> 7, len 8, no sum */
    memcpy(image, udp, sizeof(udp));
}

/* Build the fragment a bit-6 record describes; returns its length. */
static size_t synth_fragment(uint8_t *p, const uint8_t *rec, size_t reclen)
{
    uint8_t r[5] = {0};
    memcpy(r, rec, reclen < 5 ? reclen : 5);
    static const uint8_t protos[4] = {IPPROTO_UDP, IPPROTO_ICMP, 253, IPPROTO_UDP};
    unsigned off = ((unsigned)(r[1] << 8) | r[2]) & 0x1fff;
    size_t plen = (size_t)((r[3] << 8) | r[4]);
    if (plen > 65535 - 20)
        plen = 65535 - 20;
    size_t start = (size_t)off * 8;
    size_t tot = 20 + plen;
    uint16_t fo = (uint16_t)(off | ((r[0] & 0x10) ? 0x2000 : 0) | ((r[0] & 0x20) ? 0x4000 : 0));
    p[0] = 0x45;
    p[1] = (uint8_t)(r[0] >> 6);
    p[2] = (uint8_t)(tot >> 8);
    p[3] = (uint8_t)tot;
    p[4] = 0x12;
    p[5] = (uint8_t)(r[0] & 3);
    p[6] = (uint8_t)(fo >> 8);
    p[7] = (uint8_t)fo;
    p[8] = 64;
    p[9] = protos[(r[0] >> 2) & 3];
    static const uint8_t src[4] = {192, 0, 2, 2}, dst[4] = {192, 0, 2, 1}, bc[4] = {192, 0, 2, 255};
    memcpy(p + 12, src, 4);
    memcpy(p + 16, ((r[0] >> 2) & 3) == 3 ? bc : dst, 4);
    p[10] = p[11] = 0;
    uint16_t c = csum(p, 20, 0);
    p[10] = (uint8_t)(c >> 8);
    p[11] = (uint8_t)c;
    /* The image repeats every 64 KiB (offset + length may pass 65535). */
    size_t first = plen < sizeof(image) - start ? plen : sizeof(image) - start;
    memcpy(p + 20, image + start, first);
    memcpy(p + 20 + first, image, plen - first);
    return tot;
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
    if (size == 0)
        return 0;
    image_init();
    uint8_t conf = data[0];
    struct berth_platform plat;
    if (berth_platform_inline(&plat, 1000000, 1) != 0)
        return 0;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.max_fds = 16;
    cfg.ipfrag_high_thresh = threshes[(conf >> 2) & 3]; /* small, so the limit is reached */
    cfg.ipfrag_time_s = (conf & 0x10) ? 1 : 30;
    berth_stack *st = berth_stack_new(&cfg);
    if (!st) {
        berth_platform_inline_release(&plat);
        return 0;
    }
    cur_mtu = mtus[conf & 3];
    berth_netif *ifp = berth_netif_add(st, "eth0", cur_mtu, BERTH_IFF_BROADCAST, &fz_driver, NULL);
    struct in_addr a;
    inet_pton(AF_INET, "192.0.2.1", &a);
    berth_netif_addr_add(ifp, a, 24);
    berth_netif_set_up(ifp, true);

    int echo = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(7)};
    berth_bind(st, echo, (struct sockaddr *)&sin, sizeof(sin));
    int conn = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    sin.sin_port = htons(8);
    sin.sin_addr = a;
    berth_bind(st, conn, (struct sockaddr *)&sin, sizeof(sin));
    struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(9)};
    inet_pton(AF_INET, "192.0.2.2", &peer.sin_addr);
    berth_connect(st, conn, (struct sockaddr *)&peer, sizeof(peer));
    berth_send(st, conn, "hi", 2, 0);

    static uint8_t pkt[65536], rbuf[65536];
    size_t pos = 1;
    while (pos < size) {
        int ctl = data[pos++];
#ifdef FUZZ_FRAGMENTS_ONLY
        ctl |= 0x40; /* fuzz_ip4_frag: every record is a built fragment */
#endif
        size_t len = 0;
        if (pos + 2 <= size) {
            len = (size_t)((data[pos] << 8) | data[pos + 1]);
            pos += 2;
        } else {
            pos = size;
        }
        if (len > size - pos)
            len = size - pos;
        if (ctl & 0x40) {
            size_t rl = len;
            len = synth_fragment(pkt, data + pos, rl);
            pos += rl;
        } else {
            memcpy(pkt, data + pos, len);
            pos += len;
            fix_checksums(pkt, len, ctl);
        }
        if ((ctl >> 2) & 7) {
            berth_platform_inline_advance(&plat, advance_us[(ctl >> 2) & 7]);
            berth_stack_poll(st);
        }
        berth_netif_input(ifp, pkt, len);
        for (;;) {
            struct sockaddr_in from;
            socklen_t fl = sizeof(from);
            ssize_t n = berth_recvfrom(st, echo, rbuf, sizeof(rbuf), MSG_DONTWAIT,
                                       (struct sockaddr *)&from, &fl);
            if (n < 0)
                break;
            if (ctl & 0x20)
                berth_sendto(st, echo, rbuf, (size_t)n, 0, (struct sockaddr *)&from, fl);
        }
        berth_recv(st, conn, rbuf, sizeof(rbuf), MSG_DONTWAIT);
    }
    /* Everything still pending expires; then the host goes away. */
    berth_platform_inline_advance(&plat, 61000000);
    berth_stack_poll(st);
    if (getenv("BERTH_FUZZ_VERBOSE")) /* replaying one input: what happened */
        berth_snmp_foreach(st, print_counter, NULL);
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    return 0;
}
