/* tcp6x — TCP over IPv6 between a berth stack on a TAP device and the
 * kernel (interop.tcp6_bulk_*): berth is 2001:db8::2/64, the kernel
 * 2001:db8::1 on its side of tap0. First the kernel sends to berth
 * ([::]:9, a dual-stack listener: the peer must be native IPv6), then
 * berth sends MIB MiB of a fixed pattern to the kernel at
 * [2001:db8::1]:5001. Each direction prints its byte count, sha256 and
 * rate, for the script to compare with the kernel's side. LOSS % of the
 * frames each way are lost (and, with loss, 2 % held back 5 ms) by the
 * TAP driver's fault model, as tcp_bulk.sh does for IPv4.
 *
 *   tcp6x TAPDEV LOSS MIB */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "berth/netif.h"
#include "berth/socket.h"
#include "berth/stack.h"
#include "berth/tap.h"
#include "sha256.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void faults(struct berth_link_params *p, double loss)
{
    berth_link_params_init(p);
    if (loss > 0) {
        p->loss = loss / 100.0;
        p->reorder = 0.02;
        p->reorder_us = 5000;
    }
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tcp6x TAPDEV LOSS MIB\n");
        return 2;
    }
    double loss = atof(argv[2]);
    uint64_t total = (uint64_t)atoi(argv[3]) * 1048576u;
    setvbuf(stdout, NULL, _IOLBF, 0);
    berth_stack *st = berth_stack_new(NULL);
    struct berth_tap_config cfg;
    berth_tap_config_init(&cfg);
    faults(&cfg.tx, loss);
    faults(&cfg.rx, loss);
    cfg.seed = 7;
    berth_netif *ifp = st ? berth_tap_attach(st, argv[1], &cfg) : NULL;
    struct in6_addr me;
    inet_pton(AF_INET6, "2001:db8::2", &me);
    if (!ifp || berth_netif_addr6_add(ifp, &me, 64) || berth_netif_set_up(ifp, true)) {
        perror("tcp6x: setup");
        return 1;
    }
    sleep(3); /* duplicate address detection: a random delay below 1 s, one NS, 1 s */

    /* kernel -> berth */
    int l = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    int one = 1;
    berth_setsockopt(st, l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
    if (berth_bind(st, l, (struct sockaddr *)&any, sizeof any) || berth_listen(st, l, 4)) {
        perror("tcp6x: listen");
        return 1;
    }
    printf("ready\n");
    struct sockaddr_in6 peer;
    socklen_t pl = sizeof peer;
    int s = berth_accept4(st, l, (struct sockaddr *)&peer, &pl, 0);
    if (s < 0) {
        perror("tcp6x: accept");
        return 1;
    }
    char pip[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &peer.sin6_addr, pip, sizeof pip);
    printf("accepted [%s]:%u len %u\n", pip, ntohs(peer.sin6_port), (unsigned)pl);
    static uint8_t buf[65536];
    struct sha256 h;
    sha256_init(&h);
    uint64_t got = 0;
    double t0 = now_s();
    for (;;) {
        ssize_t n = berth_recv(st, s, buf, sizeof buf, 0);
        if (n < 0) {
            perror("tcp6x: recv");
            return 1;
        }
        if (n == 0)
            break;
        sha256_update(&h, buf, (size_t)n);
        got += (uint64_t)n;
    }
    double dt = now_s() - t0;
    uint8_t d[32];
    char hex[65];
    sha256_final(&h, d);
    sha256_hex(d, hex);
    printf("in %llu bytes in %.2f s (%.1f MB/s) sha256 %s\n", (unsigned long long)got, dt,
           (double)got / 1e6 / dt, hex);
    berth_close(st, s);
    berth_close(st, l);

    /* berth -> kernel */
    int c = berth_socket(st, AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons(5001)};
    inet_pton(AF_INET6, "2001:db8::1", &to.sin6_addr);
    if (berth_connect(st, c, (struct sockaddr *)&to, sizeof to)) {
        perror("tcp6x: connect");
        return 1;
    }
    sha256_init(&h);
    uint64_t sent = 0, x = 0x243f6a8885a308d3ull;
    t0 = now_s();
    while (sent < total) {
        size_t n = total - sent < sizeof buf ? (size_t)(total - sent) : sizeof buf;
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            buf[i] = (uint8_t)(x >> 56);
        }
        sha256_update(&h, buf, n);
        size_t off = 0;
        while (off < n) {
            ssize_t w = berth_send(st, c, buf + off, n - off, 0);
            if (w < 0) {
                perror("tcp6x: send");
                return 1;
            }
            off += (size_t)w;
        }
        sent += n;
    }
    berth_shutdown(st, c, SHUT_WR);
    if (berth_recv(st, c, buf, sizeof buf, 0) != 0) { /* the kernel's FIN */
        perror("tcp6x: EOF");
        return 1;
    }
    dt = now_s() - t0;
    sha256_final(&h, d);
    sha256_hex(d, hex);
    uint64_t rtx = 0;
    berth_snmp_get(st, "Tcp", "RetransSegs", &rtx);
    printf("out %llu bytes in %.2f s (%.1f MB/s) sha256 %s retrans %llu\n",
           (unsigned long long)sent, dt, (double)sent / 1e6 / dt, hex, (unsigned long long)rtx);
    berth_close(st, c);
    berth_stack_free(st);
    return 0;
}
