/* ip6_kernel_oracle.c — what Linux does with bad IPv6 input, the oracle
 * for test_ip6_input_bad, test_ip6_frag and test_ip6_icmp (docs/ip6.md).
 *
 * Crafted packets (from 2001:db8::2) go into a TUN device holding
 * 2001:db8::1/64 in a fresh network namespace; the program prints every
 * ICMPv6 message the kernel sends back (NDP/MLD noise left out) and the
 * /proc/net/snmp6 counters that moved. Nothing leaves the namespace.
 * Not built by CMake (it needs root and /dev/net/tun):
 *
 *   cc -O1 -Wall -o ip6_kernel_oracle tests/oracle/ip6_kernel_oracle.c
 *   sudo unshare -n ./ip6_kernel_oracle [case]   # e.g. "ratelimit", "tiny"
 *
 * The reassembly timeout is set to 2 s (net.ipv6.ip6frag_time) so the
 * timeout cases run quickly. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int tfd;
static struct in6_addr ME, PEER;

struct ctr {
    char name[64];
    unsigned long long v;
};
static struct ctr before[200];
static int nbefore;

static int read_snmp(struct ctr *c)
{
    FILE *f = fopen("/proc/net/snmp6", "r");
    int n = 0;
    while (n < 200 && fscanf(f, "%63s %llu", c[n].name, &c[n].v) == 2)
        n++;
    fclose(f);
    return n;
}

static void snap(void) { nbefore = read_snmp(before); }

static void diff(void)
{
    struct ctr now[200];
    int n = read_snmp(now);
    printf("  counters:");
    for (int i = 0; i < n; i++) {
        unsigned long long b = 0;
        for (int j = 0; j < nbefore; j++)
            if (!strcmp(before[j].name, now[i].name))
                b = before[j].v;
        if (now[i].v != b && !strstr(now[i].name, "Octets") && !strstr(now[i].name, "ECT"))
            printf(" %s+%llu", now[i].name, now[i].v - b);
    }
    printf("\n");
}

static uint16_t csum(const void *d, size_t n, uint32_t sum)
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
    return (uint16_t)~sum;
}

/* Upper-layer checksum at off (relative to the upper-layer start ul) */
static void l4sum(uint8_t *pkt, size_t ul, size_t ullen, uint8_t nxt, size_t ckoff)
{
    uint32_t s = 0;
    for (int i = 8; i < 40; i += 2)
        s += (uint32_t)((pkt[i] << 8) | pkt[i + 1]);
    s += (uint32_t)(ullen >> 16) + (uint32_t)(ullen & 0xffff) + nxt;
    pkt[ul + ckoff] = pkt[ul + ckoff + 1] = 0;
    uint16_t c = csum(pkt + ul, ullen, s);
    if (c == 0 && nxt == 17)
        c = 0xffff;
    pkt[ul + ckoff] = (uint8_t)(c >> 8);
    pkt[ul + ckoff + 1] = (uint8_t)c;
}

static size_t hdr(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst, uint8_t nxt,
                  size_t plen)
{
    memset(p, 0, 40);
    p[0] = 0x60;
    p[4] = (uint8_t)(plen >> 8);
    p[5] = (uint8_t)plen;
    p[6] = nxt;
    p[7] = 64;
    memcpy(p + 8, src, 16);
    memcpy(p + 24, dst, 16);
    return 40;
}

static void show(const uint8_t *b, size_t n)
{
    if (n < 40) {
        printf("  reply: %zu bytes\n", n);
        return;
    }
    char s[64], d[64];
    inet_ntop(AF_INET6, b + 8, s, sizeof s);
    inet_ntop(AF_INET6, b + 24, d, sizeof d);
    if (b[6] == 58 && n >= 48) {
        uint32_t info = (uint32_t)b[44] << 24 | b[45] << 16 | b[46] << 8 | b[47];
        if (b[40] == 135 || b[40] == 143 || b[40] == 133)
            return; /* NDP / MLD noise */
        printf("  reply: icmp6 type %u code %u info %u len %zu %s > %s hlim %u\n", b[40], b[41],
               info, n, s, d, b[7]);
    } else {
        printf("  reply: nxt %u len %zu %s > %s\n", b[6], n, s, d);
    }
}

static int drain(int ms)
{
    uint8_t b[70000];
    int cnt = 0;
    struct pollfd pf = {tfd, POLLIN, 0};
    while (poll(&pf, 1, ms) > 0) {
        ssize_t n = read(tfd, b, sizeof b);
        if (n <= 0)
            break;
        if (n >= 41 && b[6] == 58 && (b[40] == 135 || b[40] == 143 || b[40] == 133))
            continue;
        show(b, (size_t)n);
        cnt++;
    }
    return cnt;
}

static void tx(const uint8_t *p, size_t n)
{
    if (write(tfd, p, n) != (ssize_t)n)
        perror("write");
}

static void quiet(int ms) { drain(ms); }

static uint8_t P[70000];

/* A UDP datagram PEER:5000 -> ME:port with dlen bytes, as payload bytes
 * (UDP header + data, checksummed) in out; returns its length. */
static size_t udp_payload(uint8_t *out, uint16_t port, size_t dlen)
{
    uint8_t tmp[70000];
    hdr(tmp, &PEER, &ME, 17, 8 + dlen);
    uint8_t *u = tmp + 40;
    u[0] = 0x13;
    u[1] = 0x88;
    u[2] = (uint8_t)(port >> 8);
    u[3] = (uint8_t)port;
    u[4] = (uint8_t)((8 + dlen) >> 8);
    u[5] = (uint8_t)(8 + dlen);
    for (size_t i = 0; i < dlen; i++)
        u[8 + i] = (uint8_t)i;
    l4sum(tmp, 40, 8 + dlen, 17, 6);
    memcpy(out, u, 8 + dlen);
    return 8 + dlen;
}

/* fragment: header + frag header (id, off bytes, m) + bytes */
static size_t frag(uint8_t *p, uint32_t id, size_t off, int m, uint8_t nxt, const uint8_t *d,
                   size_t n)
{
    hdr(p, &PEER, &ME, 44, 8 + n);
    p[40] = nxt;
    p[41] = 0;
    uint16_t fo = (uint16_t)(off | (m ? 1 : 0));
    p[42] = (uint8_t)(fo >> 8);
    p[43] = (uint8_t)fo;
    p[44] = (uint8_t)(id >> 24);
    p[45] = (uint8_t)(id >> 16);
    p[46] = (uint8_t)(id >> 8);
    p[47] = (uint8_t)id;
    memcpy(p + 48, d, n);
    return 48 + n;
}

static void title(const char *t)
{
    quiet(20);
    printf("== %s\n", t);
    snap();
}

static void done(int ms)
{
    drain(ms);
    diff();
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    system("ip link set lo up");
    tfd = open("/dev/net/tun", O_RDWR);
    struct ifreq ifr = {0};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strcpy(ifr.ifr_name, "tun0");
    if (ioctl(tfd, TUNSETIFF, &ifr) < 0) {
        perror("TUNSETIFF");
        return 77;
    }
    system("sysctl -qw net.ipv6.conf.tun0.accept_dad=0; ip link set tun0 up; ip addr add "
           "2001:db8::1/64 dev tun0 nodad; sysctl -qw net.ipv6.ip6frag_time=2");
    inet_pton(AF_INET6, "2001:db8::1", &ME);
    inet_pton(AF_INET6, "2001:db8::2", &PEER);
    usleep(200000);
    quiet(100);
    uint8_t u[70000];
    size_t n;
#define CASE(name) if (!only || strstr(name, only))

    CASE("atomic")
    {
        title("atomic fragment, UDP to closed port 9");
        size_t ul = udp_payload(u, 9, 8);
        n = frag(P, 1, 0, 0, 17, u, ul);
        tx(P, n);
        done(50);
    }
    CASE("tiny")
    {
        title("tiny first fragment: UDP header split (4 bytes, M)");
        size_t ul = udp_payload(u, 9, 100);
        n = frag(P, 2, 0, 1, 17, u, 4);
        tx(P, n);
        done(50);
        title("first fragment: dst opts then no upper header (M)");
        uint8_t d[16] = {17, 0, 1, 4, 0, 0, 0, 0};
        n = frag(P, 3, 0, 1, 60, d, 8);
        tx(P, n);
        done(50);
        title("first fragment: dstopts of 16 declared, 8 present, then nothing (M)");
        uint8_t d2[8] = {60, 1, 1, 4, 0, 0, 0, 0};
        n = frag(P, 4, 0, 1, 60, d2, 8);
        tx(P, n);
        done(50);
        (void)ul;
    }
    CASE("notmul8")
    {
        title("non-last fragment of 12 bytes");
        size_t ul = udp_payload(u, 9, 100);
        n = frag(P, 5, 0, 1, 17, u, 12);
        tx(P, n);
        done(50);
        (void)ul;
        title("...then the timeout of the queue it left (2 s)");
        done(2600);
    }
    CASE("big")
    {
        title("fragment ending beyond 65535");
        n = frag(P, 6, 65528, 1, 17, u, 16);
        tx(P, n);
        done(50);
        title("last fragment ending at 65535 exactly + first: plen check");
        size_t ul = udp_payload(u, 9, 100);
        n = frag(P, 7, 65528, 0, 17, u, 7);
        tx(P, n);
        n = frag(P, 7, 0, 1, 17, u, 16);
        tx(P, n);
        done(50);
        (void)ul;
        title("...timeout");
        done(2600);
    }
    CASE("overlap")
    {
        title("overlap: [0,16) M then [8,24) M then [0,32) last... ");
        size_t ul = udp_payload(u, 9, 24);
        n = frag(P, 8, 0, 1, 17, u, 16);
        tx(P, n);
        n = frag(P, 8, 8, 1, 17, u + 8, 16);
        tx(P, n);
        n = frag(P, 8, 16, 0, 17, u + 16, ul - 16);
        tx(P, n);
        done(50);
        title("duplicate: [0,16) M twice then [16,end)");
        n = frag(P, 9, 0, 1, 17, u, 16);
        tx(P, n);
        tx(P, n);
        n = frag(P, 9, 16, 0, 17, u + 16, ul - 16);
        tx(P, n);
        done(50);
        title("after overlap, later fragment of same id");
        n = frag(P, 10, 0, 1, 17, u, 16);
        tx(P, n);
        n = frag(P, 10, 8, 1, 17, u + 8, 16);
        tx(P, n);
        n = frag(P, 10, 16, 0, 17, u + 16, ul - 16);
        tx(P, n);
        done(2600);
    }
    CASE("timeout")
    {
        title("first fragment only, timeout 2 s");
        size_t ul = udp_payload(u, 9, 24);
        n = frag(P, 11, 0, 1, 17, u, 16);
        tx(P, n);
        done(2600);
        title("second fragment only, timeout");
        n = frag(P, 12, 16, 0, 17, u + 16, ul - 16);
        tx(P, n);
        done(2600);
    }
    CASE("reasm")
    {
        title("good 3-fragment datagram to closed port");
        size_t ul = udp_payload(u, 9, 40);
        n = frag(P, 13, 0, 1, 17, u, 16);
        tx(P, n);
        n = frag(P, 13, 16, 1, 17, u + 16, 16);
        tx(P, n);
        n = frag(P, 13, 32, 0, 17, u + 32, ul - 32);
        tx(P, n);
        done(50);
    }
    CASE("ratelimit")
    {
        title("30 UDP to closed port back to back");
        size_t ul = udp_payload(u, 9, 8);
        hdr(P, &PEER, &ME, 17, ul);
        memcpy(P + 40, u, ul);
        for (int i = 0; i < 30; i++)
            tx(P, 40 + ul);
        done(50);
        title("then 30 more, 10 ms apart");
        for (int i = 0; i < 30; i++) {
            tx(P, 40 + ul);
            usleep(10000);
        }
        done(50);
    }
    CASE("rate2")
    {
        for (int k = 0; k < 2; k++) {
            struct in6_addr src = PEER;
            if (k == 1) {
                system("ip -6 route add default via 2001:db8::2 dev tun0");
                inet_pton(AF_INET6, "2001:db8:77::5", &src);
            }
            size_t ul = udp_payload(u, 9, 8);
            hdr(P, &src, &ME, 17, ul);
            memcpy(P + 40, u, ul);
            l4sum(P, 40, ul, 17, 6);
            printf("== rate via %s: 30 back to back (fresh peer)\n", k ? "default route" : "/64");
            snap();
            for (int i = 0; i < 30; i++)
                tx(P, 40 + ul);
            printf("   sent %d\n", drain(30));
            diff();
            usleep(1000000);
            printf("== after 1 s idle, 30 back to back\n");
            for (int i = 0; i < 30; i++)
                tx(P, 40 + ul);
            printf("   sent %d\n", drain(30));
            printf("== one every 5 ms for 1 s\n");
            int got = 0;
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (;;) {
                clock_gettime(CLOCK_MONOTONIC, &t1);
                if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 1000)
                    break;
                tx(P, 40 + ul);
                got += drain(5);
            }
            printf("   sent %d\n", got + drain(10));
        }
    }
    CASE("manyopts")
    {
        int counts[] = {12, 13, 1000};
        system("ip link set tun0 mtu 9000");
        for (int c = 0; c < 3; c++) {
            int N = counts[c];
            char t[80];
            snprintf(t, sizeof t, "%d dst opts headers then UDP closed port", N);
            title(t);
            hdr(P, &PEER, &ME, 60, 8 * N + 8);
            for (int i = 0; i < N; i++) {
                uint8_t *o = P + 40 + 8 * i;
                o[0] = i == N - 1 ? 17 : 60;
                o[1] = 0;
                o[2] = 1;
                o[3] = 4;
                memset(o + 4, 0, 4);
            }
            size_t ul = udp_payload(u, 9, 0);
            memcpy(P + 40 + 8 * N, u, ul);
            l4sum(P, 40 + 8 * N, 8, 17, 6);
            tx(P, 40 + 8 * N + 8);
            done(50);
        }
    }
    CASE("bigopts")
    {
        int counts[] = {7, 8, 12};
        for (int c = 0; c < 3; c++) {
            int N = counts[c];
            char t[80];
            snprintf(t, sizeof t, "%d dst opts headers of 16 bytes then UDP closed port", N);
            title(t);
            hdr(P, &PEER, &ME, 60, 16 * N + 8);
            for (int i = 0; i < N; i++) {
                uint8_t *o = P + 40 + 16 * i;
                uint8_t b[16] = {(uint8_t)(i == N - 1 ? 17 : 60),
                                 1,
                                 0x1e,
                                 4,
                                 0,
                                 0,
                                 0,
                                 0,
                                 0x1e,
                                 4,
                                 0,
                                 0,
                                 0,
                                 0,
                                 1,
                                 0};
                memcpy(o, b, 16);
            }
            size_t ul = udp_payload(u, 9, 0);
            memcpy(P + 40 + 16 * N, u, ul);
            l4sum(P, 40 + 16 * N, 8, 17, 6);
            tx(P, 40 + 16 * N + 8);
            done(50);
        }
        title("one dst opts header of 200 bytes (PadN-separated unknown skip options) then UDP");
        {
            int L = 200; /* multiple of 8 */
            hdr(P, &PEER, &ME, 60, L + 8);
            uint8_t *o = P + 40;
            memset(o, 0, L);
            o[0] = 17;
            o[1] = (uint8_t)(L / 8 - 1);
            int pos = 2;
            while (pos + 8 <= L) {
                o[pos] = 1;
                o[pos + 1] = 4;
                pos += 6;
                o[pos] = 1;
                o[pos + 1] = 0;
                pos += 2;
            }
            while (pos < L)
                o[pos++] = 0;
            size_t ul = udp_payload(u, 9, 0);
            memcpy(P + 40 + L, u, ul);
            l4sum(P, 40 + L, 8, 17, 6);
            tx(P, 40 + L + 8);
            done(50);
        }
    }
    CASE("limitrule")
    {
        /* variants: hbh + N dst; N dst + atomic frag; N routing(sl=0) */
        for (int v = 0; v < 3; v++)
            for (int N = 11; N <= 12; N++) {
                char t[96];
                snprintf(t, sizeof t, "variant %d: %s + %d dst opts + UDP", v,
                         v == 0   ? "hbh"
                         : v == 1 ? "atomic frag (after dst)"
                                  : "routing sl0",
                         N);
                title(t);
                int pos = 40;
                uint8_t first = 60;
                if (v == 0 || v == 2) {
                    first = v == 0 ? 0 : 43;
                    uint8_t b[8] = {60, 0, 1, 4, 0, 0, 0, 0};
                    if (v == 2) {
                        b[2] = 0;
                        b[3] = 0;
                        b[1] = 0;
                    }
                    memcpy(P + pos, b, 8);
                    if (v == 2) {
                        P[pos + 2] = 77;
                        P[pos + 3] = 0;
                    }
                    pos += 8;
                }
                for (int i = 0; i < N; i++) {
                    uint8_t nx = i == N - 1 ? (v == 1 ? 44 : 17) : 60;
                    uint8_t b[8] = {nx, 0, 1, 4, 0, 0, 0, 0};
                    memcpy(P + pos, b, 8);
                    pos += 8;
                }
                if (v == 1) {
                    uint8_t b[8] = {17, 0, 0, 0, 0, 0, 0, 9};
                    memcpy(P + pos, b, 8);
                    pos += 8;
                }
                size_t ul = udp_payload(u, 9, 0);
                memcpy(P + pos, u, ul);
                hdr(P, &PEER, &ME, first, pos - 40 + 8);
                l4sum(P, pos, 8, 17, 6);
                tx(P, pos + 8);
                done(50);
            }
    }
    CASE("shorticmp")
    {
        for (int len = 2; len <= 8; len += 2) {
            char t[80];
            snprintf(t, sizeof t, "ICMPv6 echo request of %d bytes, valid checksum", len);
            title(t);
            hdr(P, &PEER, &ME, 58, len);
            memset(P + 40, 0, 8);
            P[40] = 128;
            l4sum(P, 40, len, 58, len >= 4 ? 2 : 0);
            if (len < 4) { /* no room for the checksum field: make the sum right through byte 1 */
                P[40] = 128;
                P[41] = 0;
            }
            tx(P, 40 + len);
            done(50);
        }
        title("ICMPv6 dest unreach of 6 bytes, valid checksum");
        hdr(P, &PEER, &ME, 58, 6);
        memset(P + 40, 0, 8);
        P[40] = 1;
        l4sum(P, 40, 6, 58, 2);
        tx(P, 46);
        done(50);
    }
    CASE("fragout")
    {
        title("UDP send of 3000 bytes to 2001:db8::2 over tun0 (MTU 1500)");
        int us = socket(AF_INET6, SOCK_DGRAM, 0);
        struct sockaddr_in6 sa = {
            .sin6_family = AF_INET6, .sin6_port = htons(9), .sin6_addr = PEER};
        static char buf[3000];
        sendto(us, buf, sizeof buf, 0, (void *)&sa, sizeof sa);
        uint8_t b[70000];
        struct pollfd pf = {tfd, POLLIN, 0};
        while (poll(&pf, 1, 50) > 0) {
            ssize_t n = read(tfd, b, sizeof b);
            if (n > 0 && b[6] == 44)
                printf("  fragment: %zd bytes, off %u M %u id %08x\n", n,
                       (unsigned)((b[42] << 8 | b[43]) & 0xfff8), b[43] & 1,
                       (unsigned)(b[44] << 24 | b[45] << 16 | b[46] << 8 | b[47]));
        }
        diff();
    }
    CASE("echo")
    {
        title("echo request to ff02::1");
        struct in6_addr mc;
        inet_pton(AF_INET6, "ff02::1", &mc);
        hdr(P, &PEER, &mc, 58, 16);
        memset(P + 40, 0, 16);
        P[40] = 128;
        P[44] = 0x12;
        l4sum(P, 40, 16, 58, 2);
        tx(P, 56);
        done(50);
    }
    CASE("garbage")
    {
        title("dest unreachable quoting 20 bytes");
        hdr(P, &PEER, &ME, 58, 8 + 20);
        memset(P + 40, 0, 28);
        P[40] = 1;
        P[41] = 4;
        P[48] = 0x60;
        l4sum(P, 40, 28, 58, 2);
        tx(P, 68);
        done(50);
        title("dest unreachable quoting ipv6 hdr with dstopts chain running off");
        hdr(P, &PEER, &ME, 58, 8 + 40 + 8);
        memset(P + 40, 0, 56);
        P[40] = 1;
        P[41] = 4;
        hdr(P + 48, &ME, &PEER, 60, 100);
        P[88] = 17;
        P[89] = 5; /* 48 bytes of options, 8 present */
        l4sum(P, 40, 56, 58, 2);
        tx(P, 96);
        done(50);
        title("dest unreachable quoting ipv6+udp to no socket");
        hdr(P, &PEER, &ME, 58, 8 + 48);
        memset(P + 40, 0, 56);
        P[40] = 1;
        P[41] = 4;
        hdr(P + 48, &ME, &PEER, 17, 8);
        P[88] = 0x30;
        P[89] = 0x39;
        P[90] = 0;
        P[91] = 53;
        P[93] = 8;
        l4sum(P, 40, 56, 58, 2);
        tx(P, 96);
        done(50);
        title("ICMPv6 of 3 bytes");
        hdr(P, &PEER, &ME, 58, 3);
        P[40] = 1;
        P[41] = 0;
        P[42] = 0;
        tx(P, 43);
        done(50);
        title("ICMPv6 bad checksum");
        hdr(P, &PEER, &ME, 58, 8);
        memset(P + 40, 0, 8);
        P[40] = 128;
        tx(P, 48);
        done(50);
        title("unknown error type 100, 8 bytes");
        hdr(P, &PEER, &ME, 58, 8);
        memset(P + 40, 0, 8);
        P[40] = 100;
        l4sum(P, 40, 8, 58, 2);
        tx(P, 48);
        done(50);
        title("unknown info type 200");
        P[40] = 200;
        l4sum(P, 40, 8, 58, 2);
        tx(P, 48);
        done(50);
    }
    CASE("ptbsock")
    {
        struct in6_addr far;
        inet_pton(AF_INET6, "2001:db8::3", &far);
        int us = socket(AF_INET6, SOCK_DGRAM, 0);
        struct sockaddr_in6 sa = {
            .sin6_family = AF_INET6, .sin6_port = htons(53), .sin6_addr = far};
        struct sockaddr_in6 la = {
            .sin6_family = AF_INET6, .sin6_port = htons(12345), .sin6_addr = ME};
        bind(us, (void *)&la, sizeof la);
        connect(us, (void *)&sa, sizeof sa);
        unsigned mtus[] = {1000, 1400, 1450, 1300, 1280};
        for (int k = 0; k < 5; k++) {
            unsigned mtu = mtus[k];
            char t[80];
            snprintf(t, sizeof t, "PTB mtu %u about a connected UDP socket's packet", mtu);
            title(t);
            hdr(P, &PEER, &ME, 58, 8 + 48);
            memset(P + 40, 0, 56);
            P[40] = 2;
            P[44] = (uint8_t)(mtu >> 24);
            P[45] = (uint8_t)(mtu >> 16);
            P[46] = (uint8_t)(mtu >> 8);
            P[47] = (uint8_t)mtu;
            hdr(P + 48, &ME, &far, 17, 8);
            P[88] = 0x30;
            P[89] = 0x39;
            P[91] = 53;
            P[93] = 8;
            l4sum(P, 40, 56, 58, 2);
            tx(P, 96);
            done(50);
            int m = 0;
            socklen_t ml = sizeof m;
            getsockopt(us, IPPROTO_IPV6, IPV6_MTU, &m, &ml);
            printf("  IPV6_MTU %d\n", m);
            system("ip -6 route get 2001:db8::3 | head -1");
        }
    }
    CASE("ptb")
    {
        struct in6_addr far;
        inet_pton(AF_INET6, "2001:db8::3", &far);
        for (int k = 0; k < 3; k++) {
            unsigned mtu = k == 0 ? 1000 : k == 1 ? 1400 : 1300;
            char t[80];
            snprintf(t, sizeof t, "PTB mtu %u about ME->::3 udp", mtu);
            title(t);
            hdr(P, &PEER, &ME, 58, 8 + 48);
            memset(P + 40, 0, 56);
            P[40] = 2;
            P[44] = (uint8_t)(mtu >> 24);
            P[45] = (uint8_t)(mtu >> 16);
            P[46] = (uint8_t)(mtu >> 8);
            P[47] = (uint8_t)mtu;
            hdr(P + 48, &ME, &far, 17, 8);
            P[88] = 0x30;
            P[89] = 0x39;
            P[91] = 53;
            P[93] = 8;
            l4sum(P, 40, 56, 58, 2);
            tx(P, 96);
            done(50);
            system("ip -6 route get 2001:db8::3 | head -1");
        }
    }
    CASE("ext")
    {
        title("truncated: 30-byte packet");
        hdr(P, &PEER, &ME, 59, 0);
        tx(P, 30);
        done(50);
        title("plen 100, 20 present");
        hdr(P, &PEER, &ME, 59, 100);
        memset(P + 40, 0, 20);
        tx(P, 60);
        done(50);
        title("1000 dst opts headers (PadN 6) then none");
        hdr(P, &PEER, &ME, 60, 8000);
        for (int i = 0; i < 1000; i++) {
            uint8_t *o = P + 40 + 8 * i;
            o[0] = i == 999 ? 59 : 60;
            o[1] = 0;
            o[2] = 1;
            o[3] = 4;
            memset(o + 4, 0, 4);
        }
        tx(P, 8040);
        done(50);
        title("dst opts with 9 Pad1 options + PadN (8 bytes+) ");
        hdr(P, &PEER, &ME, 60, 16);
        memset(P + 40, 0, 16);
        P[40] = 59;
        P[41] = 1;
        for (int i = 2; i < 11; i++)
            P[40 + i] = 0; /* Pad1 x9 */
        P[51] = 1;
        P[52] = 3;
        tx(P, 56);
        done(50);
        title("dst opts with 9 PadN(0) options, 24 bytes");
        hdr(P, &PEER, &ME, 60, 24);
        memset(P + 40, 0, 24);
        P[40] = 59;
        P[41] = 2;
        for (int i = 0; i < 9; i++) {
            P[42 + 2 * i] = 1;
            P[43 + 2 * i] = 0;
        }
        P[60] = 1;
        P[61] = 2;
        tx(P, 64);
        done(50);
        for (int act = 0; act < 4; act++) {
            for (int mc = 0; mc < 2; mc++) {
                char t[80];
                snprintf(t, sizeof t, "unknown dst option action %d to %s", act,
                         mc ? "ff02::1" : "unicast");
                title(t);
                struct in6_addr d;
                inet_pton(AF_INET6, mc ? "ff02::1" : "2001:db8::1", &d);
                hdr(P, &PEER, &d, 60, 8 + 8);
                memset(P + 40, 0, 16);
                P[40] = 17;
                P[41] = 0;
                P[42] = (uint8_t)((act << 6) | 0x1e);
                P[43] = 4;
                size_t ul = udp_payload(u, 9, 0);
                memcpy(P + 48, u, ul);
                /* recompute UDP checksum for this dst */
                l4sum(P, 48, 8, 17, 6);
                tx(P, 56);
                done(50);
            }
        }
        title("hop-by-hop unknown option action 2 (param prob)");
        hdr(P, &PEER, &ME, 0, 8);
        memset(P + 40, 0, 8);
        P[40] = 59;
        P[42] = 0x9e;
        P[43] = 4;
        tx(P, 48);
        done(50);
        title("hop-by-hop not first (after dst opts)");
        hdr(P, &PEER, &ME, 60, 16);
        memset(P + 40, 0, 16);
        P[40] = 0;
        P[42] = 1;
        P[43] = 4;
        P[48] = 59;
        P[50] = 1;
        P[51] = 4;
        tx(P, 56);
        done(50);
        for (int sl = 0; sl < 2; sl++) {
            char t[80];
            snprintf(t, sizeof t, "routing header type 0, segments left %d", sl);
            title(t);
            hdr(P, &PEER, &ME, 43, 24);
            memset(P + 40, 0, 24);
            P[40] = 59;
            P[41] = 2;
            P[42] = 0;
            P[43] = (uint8_t)sl;
            memcpy(P + 48, &PEER, 16);
            tx(P, 64);
            done(50);
        }
        title("routing header type 2 segments left 1 (unknown to a host?)");
        hdr(P, &PEER, &ME, 43, 24);
        memset(P + 40, 0, 24);
        P[40] = 59;
        P[41] = 2;
        P[42] = 2;
        P[43] = 1;
        memcpy(P + 48, &PEER, 16);
        tx(P, 64);
        done(50);
        title("routing header type 77 segments left 1");
        P[42] = 77;
        tx(P, 64);
        done(50);
        title("routing header type 77 segments left 0, then UDP closed port");
        hdr(P, &PEER, &ME, 43, 8 + 8);
        memset(P + 40, 0, 16);
        P[40] = 17;
        P[41] = 0;
        P[42] = 77;
        P[43] = 0;
        {
            size_t ul = udp_payload(u, 9, 0);
            memcpy(P + 48, u, ul);
            l4sum(P, 48, 8, 17, 6);
        }
        tx(P, 56);
        done(50);
        title("unknown next header 253");
        hdr(P, &PEER, &ME, 253, 8);
        memset(P + 40, 0, 8);
        tx(P, 48);
        done(50);
        title("version 4 in an IPv6 frame");
        hdr(P, &PEER, &ME, 59, 0);
        P[0] = 0x40;
        tx(P, 40);
        done(50);
        title("v4-mapped source");
        hdr(P, &PEER, &ME, 59, 0);
        memset(P + 8, 0, 16);
        P[18] = P[19] = 0xff;
        P[20] = 192;
        P[21] = 0;
        P[22] = 2;
        P[23] = 9;
        tx(P, 40);
        done(50);
        title("multicast source");
        hdr(P, &PEER, &ME, 59, 0);
        P[8] = 0xff;
        tx(P, 40);
        done(50);
        title("loopback dest ::1 from outside");
        hdr(P, &PEER, &ME, 59, 0);
        memset(P + 24, 0, 16);
        P[39] = 1;
        tx(P, 40);
        done(50);
        title("dest not ours 2001:db8::99");
        hdr(P, &PEER, &ME, 59, 0);
        P[39] = 0x99;
        tx(P, 40);
        done(50);
        title("fragment header with plen 0 (jumbo marker)");
        n = frag(P, 20, 0, 1, 17, u, 8);
        P[4] = P[5] = 0;
        tx(P, n);
        done(50);
        title("fragment header cut: plen 4 after ipv6 header");
        n = frag(P, 21, 8, 1, 17, u, 8);
        P[4] = 0;
        P[5] = 4;
        tx(P, 44);
        done(50);
        title("two fragment headers (atomic inside atomic)");
        {
            size_t ul = udp_payload(u, 9, 8);
            hdr(P, &PEER, &ME, 44, 16 + ul);
            memset(P + 40, 0, 16);
            P[40] = 44;
            P[48] = 17;
            memcpy(P + 56, u, ul);
            tx(P, 56 + ul);
            done(50);
        }
    }
    return 0;
}
