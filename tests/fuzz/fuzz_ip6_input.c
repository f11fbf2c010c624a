/* fuzz_ip6_input.c — libFuzzer harness for IPv6 input (issue 11): raw IPv6
 * packets on a raw-IP interface, and Ethernet frames carrying IPv6 (NDP
 * included) on an Ethernet interface.
 *
 * Each input is a fresh host (inline platform, virtual clock, fixed seed):
 *   raw0  raw IP, 2001:db8::1/64 and 192.0.2.1/24
 *   eth0  Ethernet, MAC 02:00:00:00:00:01, 2001:db8:1::1/64 (and whatever
 *         link-local address and neighbour state berth gives it)
 * and sockets: a dual-stack UDP echo socket on [::]:7, a UDP socket on
 * [2001:db8::1]:8 connected to [2001:db8::2]:9 and a TCP socket connecting
 * from eth0's prefix to [2001:db8:1::2]:80 (targets for ICMPv6 errors and
 * Packet Too Big), and a TCP listener on [::]:80.
 *
 * Byte 0 of the input configures the host: bits 0-1 raw0's MTU (1280,
 * 1500, 9000, 1400), bits 2-3 ipfrag_high_thresh (256 KiB, 16 KiB, 3 KiB,
 * 0 = no reassembly), bit 4 ipfrag_time 1 s instead of 30 s. The rest is a
 * sequence of records:
 *
 *   byte 0    control: bit 0 set the payload length from the record's length,
 *                      bit 1 fix the UDP/TCP/ICMPv6 checksum (whole datagrams;
 *                            the extension-header chain is walked),
 *                      bits 2-4 advance the clock first (0, 1 ms, 100 ms,
 *                               1 s, 5 s, 15 s, 31 s, 121 s),
 *                      bit 5 the echo socket answers what it received,
 *                      bit 6 send on eth0 in an Ethernet frame (else raw0),
 *                      bit 7 (eth0) to the multicast MAC of the packet's
 *                            destination (33:33:xx:xx:xx:xx), else to eth0's
 *   bytes 1-2 length of the record, big endian (cut to what is left)
 *   bytes 3.. the IPv6 packet (or anything: the version is not forced)
 *
 * Oracles: AddressSanitizer/UBSan (out-of-bounds reads, overflows, leaks at
 * the end of each input), the invariants of the BERTH_FUZZ_BUILD library,
 * and a check of everything the stack transmits (fuzz_ip6.h: a well-formed
 * IPv6 packet no larger than the MTU with right upper-layer checksums, or a
 * well-formed IPv4 packet; on eth0 frames from eth0's own MAC).
 *
 * Seeds: make_seeds6.c (extension-header chains, fragments, ICMPv6 errors
 * quoting garbage and quoting berth's own packets, NDP messages). Build and
 * run: README.md beside this file. Another harness may cover NDP's state
 * machine in depth; this one is about the input path as a whole.
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
#include "fuzz_ip6.h"

static const uint8_t eth0_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

static unsigned raw_mtu;
#define ETH_MTU 1500

static void check_ip(const uint8_t *p, size_t len, unsigned mtu)
{
    if (len && (p[0] >> 4) == 4)
        fz_check_ip4(p, len, mtu);
    else
        fz_check_ip6(p, len, mtu);
}

static int raw_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    (void)ctx, (void)ifp;
    check_ip(pkt, len, raw_mtu);
    return 0;
}

static int eth_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    (void)ctx, (void)ifp;
    const uint8_t *f = pkt;
    if (len < 14 || memcmp(f + 6, eth0_mac, 6) != 0)
        fz_fail("a frame that is not from eth0's MAC", len);
    unsigned type = (unsigned)(f[12] << 8 | f[13]);
    if (type == 0x86dd) {
        fz_check_ip6(f + 14, len - 14, ETH_MTU);
        /* IPv6 multicast goes to 33:33 + the group's last 32 bits (RFC 2464) */
        if (f[14 + 24] == 0xff &&
            (f[0] != 0x33 || f[1] != 0x33 || memcmp(f + 2, f + 14 + 36, 4) != 0))
            fz_fail("an IPv6 multicast frame to the wrong MAC", len);
    } else if (type == 0x0800) {
        fz_check_ip4(f + 14, len - 14, ETH_MTU);
    }
    return 0;
}

static const struct berth_netif_driver raw_driver = {.transmit = raw_transmit,
                                                     .link = BERTH_LINK_RAW};
static const struct berth_netif_driver eth_driver = {.transmit = eth_transmit,
                                                     .link = BERTH_LINK_ETHERNET};

static const unsigned mtus[4] = {1280, 1500, 9000, 1400};
static const size_t threshes[4] = {256 * 1024, 16 * 1024, 3 * 1024, 0};

static void print_counter(void *arg, const char *g, const char *n, uint64_t v)
{
    (void)arg;
    if (v)
        fprintf(stderr, "  %s %s %llu\n", g, n, (unsigned long long)v);
}

static void addr6(berth_netif *ifp, const char *a, unsigned plen)
{
    struct in6_addr x;
    inet_pton(AF_INET6, a, &x);
    berth_netif_addr6_add(ifp, &x, plen);
}

static struct sockaddr_in6 sa6(const char *a, uint16_t port)
{
    struct sockaddr_in6 s = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    inet_pton(AF_INET6, a, &s.sin6_addr);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t conf = data[0];
    struct berth_platform plat;
    if (berth_platform_inline(&plat, 1000000, 1) != 0)
        return 0;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.max_fds = 16;
    cfg.ipfrag_high_thresh = threshes[(conf >> 2) & 3];
    cfg.ipfrag_time_s = (conf & 0x10) ? 1 : 30;
    berth_stack *st = berth_stack_new(&cfg);
    if (!st) {
        berth_platform_inline_release(&plat);
        return 0;
    }
    raw_mtu = mtus[conf & 3];
    berth_netif *raw = berth_netif_add(st, "raw0", raw_mtu, 0, &raw_driver, NULL);
    berth_netif *eth = berth_netif_add(st, "eth0", ETH_MTU, BERTH_IFF_BROADCAST, &eth_driver, NULL);
    if (!raw || !eth) {
        berth_stack_free(st);
        berth_platform_inline_release(&plat);
        return 0;
    }
    struct in_addr a4;
    inet_pton(AF_INET, "192.0.2.1", &a4);
    berth_netif_addr_add(raw, a4, 24);
    addr6(raw, "2001:db8::1", 64);
    berth_netif_set_hwaddr(eth, eth0_mac);
    addr6(eth, "2001:db8:1::1", 64);
    berth_netif_set_up(raw, true);
    berth_netif_set_up(eth, true);
    /* Past DAD (RFC 4862: about a second), so the addresses are usable. */
    berth_platform_inline_advance(&plat, 3000000);
    berth_stack_poll(st);

    int echo = berth_socket(st, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 s = sa6("::", 7);
    berth_bind(st, echo, (struct sockaddr *)&s, sizeof(s));
    int conn = berth_socket(st, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    s = sa6("2001:db8::1", 8);
    berth_bind(st, conn, (struct sockaddr *)&s, sizeof(s));
    s = sa6("2001:db8::2", 9);
    berth_connect(st, conn, (struct sockaddr *)&s, sizeof(s));
    berth_send(st, conn, "hi", 2, 0);
    int lis = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    s = sa6("::", 80);
    berth_bind(st, lis, (struct sockaddr *)&s, sizeof(s));
    berth_listen(st, lis, 4);
    int tcp = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    s = sa6("2001:db8:1::2", 80);
    berth_connect(st, tcp, (struct sockaddr *)&s, sizeof(s));

    static uint8_t pkt[14 + 65536], rbuf[65536];
    size_t pos = 1;
    while (pos < size) {
        int ctl = data[pos++];
        size_t len = 0;
        if (pos + 2 <= size) {
            len = (size_t)((data[pos] << 8) | data[pos + 1]);
            pos += 2;
        } else {
            pos = size;
        }
        if (len > size - pos)
            len = size - pos;
        uint8_t *ip = pkt + 14;
        memcpy(ip, data + pos, len);
        pos += len;
        fz6_fix(ip, len, ctl & 1, ctl & 2);
        if ((ctl >> 2) & 7) {
            berth_platform_inline_advance(&plat, fz_steps_us[(ctl >> 2) & 7]);
            berth_stack_poll(st);
        }
        if (ctl & 0x40) {
            if ((ctl & 0x80) && len >= 40) {
                pkt[0] = pkt[1] = 0x33;
                memcpy(pkt + 2, ip + 36, 4);
            } else {
                memcpy(pkt, eth0_mac, 6);
            }
            memcpy(pkt + 6, peer_mac, 6);
            pkt[12] = 0x86, pkt[13] = 0xdd;
            berth_netif_input(eth, pkt, 14 + len);
        } else {
            berth_netif_input(raw, ip, len);
        }
        for (;;) {
            struct sockaddr_storage from;
            socklen_t fl = sizeof(from);
            ssize_t n = berth_recvfrom(st, echo, rbuf, sizeof(rbuf), MSG_DONTWAIT,
                                       (struct sockaddr *)&from, &fl);
            if (n < 0)
                break;
            if (ctl & 0x20)
                berth_sendto(st, echo, rbuf, (size_t)n, 0, (struct sockaddr *)&from, fl);
        }
        berth_recv(st, conn, rbuf, sizeof(rbuf), MSG_DONTWAIT);
        int c = berth_accept4(st, lis, NULL, NULL, SOCK_NONBLOCK);
        if (c >= 0) {
            berth_send(st, c, rbuf, 3000, MSG_DONTWAIT | MSG_NOSIGNAL);
            berth_close(st, c);
        }
        berth_send(st, tcp, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    /* Everything still pending expires; then the host goes away. */
    berth_platform_inline_advance(&plat, 121000000);
    berth_stack_poll(st);
    if (getenv("BERTH_FUZZ_VERBOSE")) /* replaying one input: what happened */
        berth_snmp_foreach(st, print_counter, NULL);
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
    return 0;
}
