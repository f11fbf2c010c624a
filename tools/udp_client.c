/* udp_client.c — `berth udp`: a berth host on a TAP/TUN device that sends
 * datagrams from one connected UDP socket, optionally waits for each to be
 * echoed, and reports every error the socket returns by its errno name
 * (ECONNREFUSED after an ICMP port unreachable, EHOSTUNREACH after ARP
 * failed with IP_RECVERR...). The interop tests drive it. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "berth/arp.h"
#include "berth/socket.h"
#include "berth_tool.h"
#include "pattern.h"
#include "sha256.h"

void usage_udp(FILE *f)
{
    fprintf(f, "usage: berth udp --tap NAME --addr A.B.C.D/LEN --to A.B.C.D:PORT [options]\n"
               "\n"
               "Send datagrams from a berth host through a connected UDP socket.\n"
               "\n"
               "  --to A.B.C.D:PORT   destination (connect(2)ed)\n"
               "  --bind PORT         local port (default: ephemeral)\n"
               "  --count N           datagrams to send (default 1)\n"
               "  --size BYTES        datagram size (default 64, at least 8); numbered pattern\n"
               "  --pps N             at most N datagrams per second (default: no limit)\n"
               "  --interval MS       pause between datagrams\n"
               "  --expect-echo       wait for each datagram to come back and compare it\n"
               "  --timeout MS        how long to wait for an echo (default 2000)\n"
               "  --recverr           set IP_RECVERR (all ICMP errors reach the socket)\n"
               "  --expect-error NAME succeed only if a call fails with NAME (ECONNREFUSED...)\n"
               "  --linger MS         wait before leaving (default 200; lets queued frames out)\n"
               "  --resolve           resolve the next hop (ARP) before sending, like arping\n"
               "\n");
    usage_common(f);
}

static void sleep_us(uint64_t us)
{
    struct timespec ts = {.tv_sec = (time_t)(us / 1000000u),
                          .tv_nsec = (long)(us % 1000000u) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int parse_num(const char *opt, const char *v, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || *end || end == v || *v == '-' || x < min || x > max) {
        fprintf(stderr, "berth: bad value '%s' for %s: expected a number from %llu to %llu\n", v,
                opt, (unsigned long long)min, (unsigned long long)max);
        return -1;
    }
    *out = x;
    return 0;
}

/* The next hop towards dst: dst itself on a subnet of ours, else the
 * gateway of the longest matching --route. */
static struct in_addr nexthop_of(const struct host_opts *o, struct in_addr dst)
{
    for (int i = 0; i < o->naddrs; i++) {
        uint32_t m = o->addrs[i].plen ? htonl(~0u << (32 - o->addrs[i].plen)) : 0;
        if ((dst.s_addr & m) == (o->addrs[i].addr.s_addr & m))
            return dst;
    }
    int best = -1;
    for (int i = 0; i < o->nroutes; i++) {
        uint32_t m = o->routes[i].plen ? htonl(~0u << (32 - o->routes[i].plen)) : 0;
        if ((dst.s_addr & m) == (o->routes[i].dst.s_addr & m) &&
            (best < 0 || o->routes[i].plen > o->routes[best].plen))
            best = i;
    }
    return best >= 0 ? o->routes[best].gw : dst;
}

/* --resolve: ARP for the next hop first and wait (up to 4 s: three
 * requests and the last one's second) so no datagram waits in, or is
 * dropped from, the unresolved queue. */
static int resolve_nexthop(struct host *h, struct in_addr dst)
{
    struct in_addr nh = nexthop_of(&h->o, dst);
    char a[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &nh, a, sizeof(a));
    uint64_t deadline = mono_us() + 4000000;
    for (;;) {
        if (berth_arp_resolve(h->ifp, nh) == 0) {
            struct berth_neigh n;
            berth_arp_lookup(h->ifp, nh, &n);
            printf("resolved %s: %02x:%02x:%02x:%02x:%02x:%02x\n", a, n.hwaddr[0], n.hwaddr[1],
                   n.hwaddr[2], n.hwaddr[3], n.hwaddr[4], n.hwaddr[5]);
            return 0;
        }
        if (errno != EINPROGRESS || mono_us() >= deadline || h->stop) {
            printf("resolve %s: %s\n", a, errno == EINPROGRESS ? "no answer" : strerror(errno));
            return -1;
        }
        sleep_us(10000);
    }
}

int cmd_udp(int argc, char **argv)
{
    static struct host h;
    memset(&h, 0, sizeof(h));
    host_opts_init(&h.o);
    struct sockaddr_in to;
    bool have_to = false, expect_echo = false, recverr = false, resolve = false;
    uint64_t count = 1, size = 64, rate = 0, interval_ms = 0, timeout_ms = 2000, bind_port = 0,
             linger_ms = 200;
    int expect_error = 0;
    for (int i = 0; i < argc; i++) {
        int r = host_opt(&h.o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_udp(stdout);
            return 0;
        }
        if (!strcmp(a, "--expect-echo")) {
            expect_echo = true;
            continue;
        }
        if (!strcmp(a, "--recverr")) {
            recverr = true;
            continue;
        }
        if (!strcmp(a, "--resolve")) {
            resolve = true;
            continue;
        }
        static const char *const valued[] = {"--to",   "--count",        "--size",
                                             "--pps",  "--interval",     "--timeout",
                                             "--bind", "--expect-error", "--linger"};
        const char *v;
        if (cmd_opt_value("udp", valued, sizeof(valued) / sizeof(valued[0]), argc, argv, &i, &v))
            return EXIT_USAGE;
        int bad = 0;
        if (!strcmp(a, "--to")) {
            if (parse_hostport(v, &to) || !to.sin_port) {
                fprintf(stderr, "berth: bad value '%s' for --to: expected A.B.C.D:PORT\n", v);
                bad = -1;
            }
            have_to = true;
        } else if (!strcmp(a, "--count")) {
            bad = parse_num(a, v, 1, 100000000, &count);
        } else if (!strcmp(a, "--size")) {
            bad = parse_num(a, v, PATTERN_MIN, 65507, &size);
        } else if (!strcmp(a, "--pps")) {
            bad = parse_num(a, v, 1, 10000000, &rate);
        } else if (!strcmp(a, "--interval")) {
            bad = parse_num(a, v, 0, 3600000, &interval_ms);
        } else if (!strcmp(a, "--timeout")) {
            bad = parse_num(a, v, 1, 3600000, &timeout_ms);
        } else if (!strcmp(a, "--linger")) {
            bad = parse_num(a, v, 0, 3600000, &linger_ms);
        } else if (!strcmp(a, "--bind")) {
            bad = parse_num(a, v, 1, 65535, &bind_port);
        } else if (!strcmp(a, "--expect-error")) {
            if (!(expect_error = errno_from_name(v))) {
                fprintf(stderr, "berth: unknown errno name '%s' (like ECONNREFUSED)\n", v);
                bad = -1;
            }
        }
        if (bad)
            return EXIT_USAGE;
    }
    int rc = host_opts_check(&h.o);
    if (rc)
        return rc;
    if (!have_to) {
        fprintf(stderr, "berth udp: where to? --to A.B.C.D:PORT is required\n");
        return EXIT_USAGE;
    }
    if ((rc = host_start(&h)) != 0) {
        host_stop(&h);
        return rc;
    }
    berth_stack *st = h.st;
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    int one = 1;
    if (fd < 0 ||
        (recverr && berth_setsockopt(st, fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)))) {
        fprintf(stderr, "berth: socket: %s\n", strerror(errno));
        host_stop(&h);
        return EXIT_FAIL;
    }
    if (bind_port) {
        struct sockaddr_in b = {.sin_family = AF_INET, .sin_port = htons((uint16_t)bind_port)};
        if (berth_bind(st, fd, (struct sockaddr *)&b, sizeof(b)) != 0) {
            fprintf(stderr, "berth: bind to port %llu: %s (%s)\n", (unsigned long long)bind_port,
                    strerror(errno), errno_name(errno));
            host_stop(&h);
            return EXIT_FAIL;
        }
    }
    char tos[INET_ADDRSTRLEN + 8];
    inet_ntop(AF_INET, &to.sin_addr, tos, INET_ADDRSTRLEN);
    snprintf(tos + strlen(tos), 8, ":%u", ntohs(to.sin_port));
    if (berth_connect(st, fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
        int e = errno;
        printf("connect %s: %s (%s)\n", tos, errno_name(e), strerror(e));
        host_stop(&h);
        return e == expect_error ? 0 : EXIT_FAIL;
    }

    if (resolve && !h.o.tun && resolve_nexthop(&h, to.sin_addr) != 0) {
        host_stop(&h);
        return EXIT_FAIL;
    }

    uint8_t *buf = malloc(size), *rbuf = malloc(65536);
    struct sha256 sha;
    sha256_init(&sha);
    uint64_t sent = 0, echoed = 0, bad_echo = 0, lost = 0, errors = 0;
    int seen_error = 0;
    uint64_t t0 = mono_us();
    for (uint64_t i = 0; i < count && !h.stop && buf && rbuf; i++) {
        if (rate) { /* pace: datagram i leaves at t0 + i / rate */
            uint64_t due = t0 + i * 1000000u / rate, now = mono_us();
            if (due > now)
                sleep_us(due - now);
        }
        if (interval_ms && i)
            sleep_us(interval_ms * 1000);
        pattern_fill(buf, size, i);
        ssize_t n = berth_send(st, fd, buf, size, 0);
        if (n < 0) {
            int e = errno;
            printf("send #%llu: %s (%s)\n", (unsigned long long)i, errno_name(e), strerror(e));
            errors++;
            if (!seen_error)
                seen_error = e;
            if (e == expect_error)
                break;
            continue;
        }
        sent++;
        sha256_update(&sha, buf, size);
        if (!expect_echo)
            continue;
        uint64_t deadline = mono_us() + timeout_ms * 1000;
        for (;;) {
            uint64_t now = mono_us();
            if (now >= deadline) {
                lost++;
                break;
            }
            struct pollfd p = {.fd = fd, .events = POLLIN};
            int r = berth_poll(st, &p, 1, (int)((deadline - now + 999) / 1000));
            if (r <= 0 || h.stop) {
                if (r == 0)
                    continue;
                break;
            }
            ssize_t m = berth_recv(st, fd, rbuf, 65536, MSG_DONTWAIT);
            if (m < 0) {
                int e = errno;
                if (e == EAGAIN)
                    continue;
                printf("recv after #%llu: %s (%s)\n", (unsigned long long)i, errno_name(e),
                       strerror(e));
                errors++;
                if (!seen_error)
                    seen_error = e;
                break;
            }
            if ((size_t)m == size && memcmp(rbuf, buf, size) == 0) {
                echoed++;
                break;
            }
            if (pattern_check(rbuf, (size_t)m, size) && pattern_seq(rbuf) < i)
                continue; /* a late echo of an earlier datagram */
            bad_echo++;
            break;
        }
        if (seen_error == expect_error && expect_error)
            break;
    }
    uint64_t el = mono_us() - t0;
    uint8_t d[32];
    char hex[65];
    sha256_final(&sha, d);
    sha256_hex(d, hex);
    printf("sent %llu datagrams of %llu bytes to %s in %.3f s, sha256 %s\n",
           (unsigned long long)sent, (unsigned long long)size, tos, (double)el / 1e6, hex);
    if (expect_echo)
        printf("echoes: %llu good, %llu bad, %llu missing\n", (unsigned long long)echoed,
               (unsigned long long)bad_echo, (unsigned long long)lost);
    if (!errors)
        printf("errors: none\n");
    if (linger_ms && !h.stop)
        sleep_us(linger_ms * 1000);
    if (!h.o.quiet)
        host_print_stats(&h, stdout);
    free(buf);
    free(rbuf);
    host_stop(&h);
    if (expect_error)
        rc = seen_error == expect_error ? 0 : EXIT_FAIL;
    else
        rc = errors || bad_echo || lost || h.stop ? EXIT_FAIL : 0;
    if (expect_error && rc)
        printf("expected %s, got %s\n", errno_name(expect_error),
               seen_error ? errno_name(seen_error) : "no error");
    return rc;
}
