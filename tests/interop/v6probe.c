/* v6probe.c — does this berth carry IPv6 yet? Asked of the stack itself, in
 * process, so that an IPv6 interop test skips (exit 77) while a piece of
 * issue 11 is not on main and fails once it is there but wrong; never a
 * build flag that someone forgets to flip.
 *
 *   v6probe FEATURE...     exit 0 if berth has every FEATURE, 77 if not
 *                          (what is missing on stdout)
 *
 * Features, each a behaviour the interop tests rely on:
 *   core    a UDP datagram from [::1] to [::1] arrives (IPv6 input and
 *           output, loopback ::1, UDP over IPv6)
 *   tcp     a TCP connection to [::1] is accepted
 *   icmp6   an ICMPv6 echo request to 2001:db8::2 on a raw-IP interface is
 *           answered with an echo reply (RFC 4443 section 4.2)
 *   ndp     a neighbour solicitation for 2001:db8::2 on an Ethernet
 *           interface is answered with a neighbour advertisement (RFC 4861
 *           section 7.2.4), within 3 s of the interface coming up (DAD)
 *
 * Nothing here touches the kernel's network: the interfaces are berth's,
 * their drivers are this file's functions. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "berth/netif.h"
#include "berth/socket.h"
#include "berth/stack.h"

/* The frames or packets berth transmitted: ICMPv6 types seen. */
static bool g_seen[256];

/* The ICMPv6 type of an IPv6 packet whose next header is ICMPv6 (no
 * extension headers: berth sends none with echo replies or NDP), or -1. */
static int icmp6_type(const uint8_t *p, size_t len)
{
    if (len < 41 || (p[0] >> 4) != 6 || p[6] != 58)
        return -1;
    return p[40];
}

static int probe_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    (void)ctx;
    const uint8_t *p = pkt;
    if (berth_netif_link(ifp) == BERTH_LINK_ETHERNET) {
        if (len < 14 || p[12] != 0x86 || p[13] != 0xdd)
            return 0;
        p += 14, len -= 14;
    }
    int t = icmp6_type(p, len);
    if (t >= 0)
        g_seen[t] = true;
    return 0;
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (; n > 1; p += 2, n -= 2)
        sum += (uint32_t)(p[0] << 8 | p[1]);
    if (n)
        sum += (uint32_t)(p[0] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* An IPv6 packet carrying the ICMPv6 message msg (checksum filled in). */
static size_t icmp6_packet(uint8_t *out, const char *src, const char *dst, uint8_t hlim,
                           const uint8_t *msg, size_t mlen)
{
    memset(out, 0, 40);
    out[0] = 0x60;
    out[4] = (uint8_t)(mlen >> 8);
    out[5] = (uint8_t)mlen;
    out[6] = 58;
    out[7] = hlim;
    inet_pton(AF_INET6, src, out + 8);
    inet_pton(AF_INET6, dst, out + 24);
    memcpy(out + 40, msg, mlen);
    /* pseudo-header (RFC 8200 section 8.1): addresses, length, next header */
    uint32_t sum = (uint32_t)mlen + 58;
    for (int i = 8; i < 40; i += 2)
        sum += (uint32_t)(out[i] << 8 | out[i + 1]);
    out[42] = out[43] = 0;
    uint16_t c = csum(out + 40, mlen, sum);
    out[42] = (uint8_t)(c >> 8);
    out[43] = (uint8_t)c;
    return 40 + mlen;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Let berth run its timers and input for ms milliseconds. */
static void run_for(berth_stack *st, int ms)
{
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    berth_poll(st, &p, 1, ms);
    berth_close(st, fd);
}

static bool probe_core(berth_stack *st)
{
    int fd = berth_socket(st, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    socklen_t al = sizeof(a);
    char buf[8];
    bool ok = fd >= 0 && berth_bind(st, fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
              berth_getsockname(st, fd, (struct sockaddr *)&a, &al) == 0 &&
              berth_sendto(st, fd, "v6", 2, 0, (struct sockaddr *)&a, sizeof(a)) == 2;
    if (ok) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        berth_poll(st, &p, 1, 1000);
        ok = berth_recv(st, fd, buf, sizeof(buf), MSG_DONTWAIT) == 2;
    }
    if (fd >= 0)
        berth_close(st, fd);
    return ok;
}

static bool probe_tcp(berth_stack *st)
{
    int l = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    int c = berth_socket(st, AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    socklen_t al = sizeof(a);
    bool ok = l >= 0 && c >= 0 && berth_bind(st, l, (struct sockaddr *)&a, sizeof(a)) == 0 &&
              berth_listen(st, l, 1) == 0 &&
              berth_getsockname(st, l, (struct sockaddr *)&a, &al) == 0;
    if (ok) {
        int r = berth_connect(st, c, (struct sockaddr *)&a, sizeof(a));
        ok = r == 0 || errno == EINPROGRESS;
    }
    if (ok) {
        struct pollfd p = {.fd = l, .events = POLLIN};
        ok = berth_poll(st, &p, 1, 1000) == 1;
    }
    if (ok) {
        int s = berth_accept4(st, l, NULL, NULL, SOCK_NONBLOCK);
        ok = s >= 0;
        if (s >= 0)
            berth_close(st, s);
    }
    if (c >= 0)
        berth_close(st, c);
    if (l >= 0)
        berth_close(st, l);
    return ok;
}

/* Send `pkt` (a raw packet or a frame) every 200 ms until berth transmits
 * an ICMPv6 message of type `want` or 3 s pass. */
static bool expect_answer(berth_stack *st, berth_netif *ifp, const uint8_t *pkt, size_t len,
                          int want)
{
    uint64_t end = now_ms() + 3000;
    while (now_ms() < end) {
        berth_netif_input(ifp, pkt, len);
        run_for(st, 200);
        if (g_seen[want])
            return true;
    }
    return false;
}

static const struct berth_netif_driver raw_drv = {.transmit = probe_transmit,
                                                  .link = BERTH_LINK_RAW};
static const struct berth_netif_driver eth_drv = {.transmit = probe_transmit,
                                                  .link = BERTH_LINK_ETHERNET};

static bool probe_icmp6(berth_stack *st)
{
    berth_netif *ifp = berth_netif_add(st, "probe0", 1500, 0, &raw_drv, NULL);
    struct in6_addr me;
    inet_pton(AF_INET6, "2001:db8::2", &me);
    if (!ifp || berth_netif_addr6_add(ifp, &me, 64) != 0 || berth_netif_set_up(ifp, true) != 0)
        return false;
    const uint8_t echo[12] = {128, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'r', 'o', 'b'};
    uint8_t pkt[64];
    size_t n = icmp6_packet(pkt, "2001:db8::1", "2001:db8::2", 64, echo, sizeof(echo));
    return expect_answer(st, ifp, pkt, n, 129);
}

static bool probe_ndp(berth_stack *st)
{
    berth_netif *ifp = berth_netif_add(st, "probe1", 1500, BERTH_IFF_BROADCAST, &eth_drv, NULL);
    const uint8_t mine[6] = {0x02, 0, 0, 0, 0, 0x02}, peer[6] = {0x02, 0, 0, 0, 0, 0x01};
    struct in6_addr me;
    inet_pton(AF_INET6, "2001:db8::2", &me);
    if (!ifp || berth_netif_set_hwaddr(ifp, mine) != 0 || berth_netif_addr6_add(ifp, &me, 64) ||
        berth_netif_set_up(ifp, true) != 0)
        return false;
    /* NS: type 135, target 2001:db8::2, source link-layer address option */
    uint8_t ns[32] = {135, 0, 0, 0, 0, 0, 0, 0};
    memcpy(ns + 8, &me, 16);
    ns[24] = 1, ns[25] = 1;
    memcpy(ns + 26, peer, 6);
    uint8_t frame[14 + 40 + 32];
    /* to the solicited-node group ff02::1:ff00:2, 33:33:ff:00:00:02 */
    const uint8_t dmac[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x02};
    memcpy(frame, dmac, 6);
    memcpy(frame + 6, peer, 6);
    frame[12] = 0x86, frame[13] = 0xdd;
    size_t n = icmp6_packet(frame + 14, "2001:db8::1", "ff02::1:ff00:2", 255, ns, sizeof(ns));
    return expect_answer(st, ifp, frame, 14 + n, 136);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: v6probe core|tcp|icmp6|ndp...\n");
        return 2;
    }
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.name = "v6probe";
    berth_stack *st = berth_stack_new(&cfg);
    if (!st) {
        perror("berth_stack_new");
        return 1;
    }
    int missing = 0;
    for (int i = 1; i < argc; i++) {
        bool ok;
        if (!strcmp(argv[i], "core"))
            ok = probe_core(st);
        else if (!strcmp(argv[i], "tcp"))
            ok = probe_tcp(st);
        else if (!strcmp(argv[i], "icmp6"))
            ok = probe_icmp6(st);
        else if (!strcmp(argv[i], "ndp"))
            ok = probe_ndp(st);
        else {
            fprintf(stderr, "v6probe: unknown feature %s\n", argv[i]);
            berth_stack_free(st);
            return 2;
        }
        printf("%s%s", i > 1 ? ", " : "", argv[i]);
        printf(ok ? " yes" : " NO");
        missing += !ok;
    }
    printf("\n");
    berth_stack_free(st);
    return missing ? 77 : 0;
}
