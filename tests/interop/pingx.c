/* pingx — berth's ICMP ping sockets against the kernel over a TAP device
 * (interop.ping_sock): berth is 192.0.2.2/24 and 2001:db8::2/64 on TAPDEV,
 * the kernel 192.0.2.1 and 2001:db8::1. First socket() must refuse ping
 * sockets (EACCES: net.ipv4.ping_group_range "1 0"); then, with the range
 * opened, an AF_INET ping socket sends COUNT echo requests to 192.0.2.1
 * and an AF_INET6 one COUNT to 2001:db8::1. Each reply must be the
 * kernel's echo of that request: type 0 / 129, code 0, the socket's
 * identifier, the sequence sent, the payload intact, a good checksum, from
 * the kernel's address. Prints one line per reply and a summary per
 * family; then one request the kernel cannot forward, whose ICMP error
 * must reach the socket. Exits 0 when all went right.
 *
 *   pingx TAPDEV COUNT */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "berth/netif.h"
#include "berth/socket.h"
#include "berth/stack.h"
#include "berth/sysctl.h"
#include "berth/tap.h"

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The ICMPv6 pseudo-header's sum (RFC 8200 8.1). */
static uint32_t pseudo6(const struct in6_addr *s, const struct in6_addr *d, size_t len)
{
    uint32_t sum = 0;
    for (int i = 0; i < 16; i += 2)
        sum += (uint32_t)(s->s6_addr[i] << 8 | s->s6_addr[i + 1]) +
               (uint32_t)(d->s6_addr[i] << 8 | d->s6_addr[i + 1]);
    return sum + (uint32_t)len + IPPROTO_ICMPV6;
}

static int run(berth_stack *st, int family, int count)
{
    int v6 = family == AF_INET6;
    const char *name = v6 ? "v6" : "v4";
    int s = berth_socket(st, family, SOCK_DGRAM, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (s < 0) {
        printf("%s: socket: %s\n", name, strerror(errno));
        return 1;
    }
    struct timeval tv = {2, 0};
    berth_setsockopt(st, s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_storage to;
    socklen_t tolen;
    struct in6_addr me6, peer6;
    inet_pton(AF_INET6, "2001:db8::2", &me6);
    inet_pton(AF_INET6, "2001:db8::1", &peer6);
    memset(&to, 0, sizeof to);
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to;
        a->sin6_family = AF_INET6;
        a->sin6_addr = peer6;
        tolen = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&to;
        a->sin_family = AF_INET;
        inet_pton(AF_INET, "192.0.2.1", &a->sin_addr);
        tolen = sizeof *a;
    }
    int good = 0;
    unsigned ident = 0;
    for (int seq = 1; seq <= count; seq++) {
        uint8_t req[64], rep[256];
        memset(req, 0, sizeof req);
        req[0] = v6 ? 128 : 8;
        req[6] = (uint8_t)(seq >> 8);
        req[7] = (uint8_t)seq;
        for (size_t i = 8; i < sizeof req; i++)
            req[i] = (uint8_t)(i * 7 + (size_t)seq);
        if (berth_sendto(st, s, req, sizeof req, 0, (struct sockaddr *)&to, tolen) !=
            (ssize_t)sizeof req) {
            printf("%s seq %d: sendto: %s\n", name, seq, strerror(errno));
            continue;
        }
        if (seq == 1) {
            struct sockaddr_storage me;
            socklen_t ml = sizeof me;
            berth_getsockname(st, s, (struct sockaddr *)&me, &ml);
            ident = ntohs(v6 ? ((struct sockaddr_in6 *)&me)->sin6_port
                             : ((struct sockaddr_in *)&me)->sin_port);
            printf("%s: ident %u\n", name, ident);
        }
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        ssize_t n = berth_recvfrom(st, s, rep, sizeof rep, 0, (struct sockaddr *)&from, &fl);
        if (n < 0) {
            printf("%s seq %d: recvfrom: %s\n", name, seq, strerror(errno));
            continue;
        }
        char src[INET6_ADDRSTRLEN] = "?";
        if (from.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from)->sin6_addr, src, sizeof src);
        else
            inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr, src, sizeof src);
        unsigned id = (unsigned)(rep[4] << 8 | rep[5]), rseq = (unsigned)(rep[6] << 8 | rep[7]);
        uint16_t ck =
            v6 ? csum(rep, (size_t)n, pseudo6(&peer6, &me6, (size_t)n)) : csum(rep, (size_t)n, 0);
        int ok = n == (ssize_t)sizeof req && rep[0] == (v6 ? 129 : 0) && rep[1] == 0 &&
                 id == ident && rseq == (unsigned)seq && memcmp(rep + 8, req + 8, n - 8) == 0 &&
                 ck == 0 && strcmp(src, v6 ? "2001:db8::1" : "192.0.2.1") == 0;
        printf("%s reply: %zd bytes from %s type %u code %u id %u seq %u checksum %s %s\n", name, n,
               src, rep[0], rep[1], id, rseq, ck == 0 ? "good" : "BAD", ok ? "ok" : "WRONG");
        good += ok;
    }
    printf("%s: %d sent, %d good replies\n", name, count, good);
    berth_close(st, s);
    return good == count ? 0 : 1;
}

/* An echo request the kernel cannot forward (198.51.100.77, or
 * 2001:db8:1::77, through it: it forwards, but has no route there): its
 * net unreachable / no route must reach the socket as ENETUNREACH with
 * IP_RECVERR / IPV6_RECVERR (ping_err). */
static int unreachable(berth_stack *st, berth_netif *ifp, int family)
{
    int v6 = family == AF_INET6, one = 1;
    struct sockaddr_storage to;
    memset(&to, 0, sizeof to);
    socklen_t tolen;
    if (v6) {
        struct in6_addr net, gw;
        inet_pton(AF_INET6, "2001:db8:1::", &net);
        inet_pton(AF_INET6, "2001:db8::1", &gw);
        if (berth_route6_add(st, &net, 64, &gw, ifp)) {
            perror("pingx: route6");
            return 1;
        }
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to;
        a->sin6_family = AF_INET6;
        inet_pton(AF_INET6, "2001:db8:1::77", &a->sin6_addr);
        tolen = sizeof *a;
    } else {
        struct in_addr net, gw;
        inet_pton(AF_INET, "198.51.100.0", &net);
        inet_pton(AF_INET, "192.0.2.1", &gw);
        if (berth_route_add(st, net, 24, gw, ifp)) {
            perror("pingx: route");
            return 1;
        }
        struct sockaddr_in *a = (struct sockaddr_in *)&to;
        a->sin_family = AF_INET;
        inet_pton(AF_INET, "198.51.100.77", &a->sin_addr);
        tolen = sizeof *a;
    }
    int s = berth_socket(st, family, SOCK_DGRAM, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    struct timeval tv = {2, 0};
    berth_setsockopt(st, s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (v6)
        berth_setsockopt(st, s, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
    else
        berth_setsockopt(st, s, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
    uint8_t req[16] = {v6 ? 128 : 8, 0, 0, 0, 0, 0, 0, 1}, rep[64];
    ssize_t n = berth_sendto(st, s, req, sizeof req, 0, (struct sockaddr *)&to, tolen);
    errno = 0;
    ssize_t r = n < 0 ? -1 : berth_recvfrom(st, s, rep, sizeof rep, 0, NULL, NULL);
    int e = errno;
    printf("unreachable %s: sendto %zd, recvfrom %zd %s\n", v6 ? "v6" : "v4", n, r,
           r < 0 ? strerror(e) : "");
    berth_close(st, s);
    return r < 0 && e == ENETUNREACH ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pingx TAPDEV COUNT\n");
        return 2;
    }
    int count = atoi(argv[2]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    berth_stack *st = berth_stack_new(NULL);
    struct berth_tap_config cfg;
    berth_tap_config_init(&cfg);
    berth_netif *ifp = st ? berth_tap_attach(st, argv[1], &cfg) : NULL;
    struct in_addr me4;
    struct in6_addr me6;
    inet_pton(AF_INET, "192.0.2.2", &me4);
    inet_pton(AF_INET6, "2001:db8::2", &me6);
    if (!ifp || berth_netif_addr_add(ifp, me4, 24) || berth_netif_addr6_add(ifp, &me6, 64) ||
        berth_netif_set_up(ifp, true)) {
        perror("pingx: setup");
        return 1;
    }
    sleep(3); /* duplicate address detection of 2001:db8::2 */
    int s = berth_socket(st, AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    printf("default range: socket %s\n", s < 0 ? strerror(errno) : "opened");
    if (s >= 0)
        return 1;
    if (berth_sysctl_set(st, "net.ipv4.ping_group_range", "0 2147483647")) {
        perror("pingx: sysctl");
        return 1;
    }
    int rc = run(st, AF_INET, count) | run(st, AF_INET6, count) | unreachable(st, ifp, AF_INET) |
             unreachable(st, ifp, AF_INET6);
    berth_stack_free(st);
    return rc;
}
