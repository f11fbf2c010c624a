/* demo.c — UDP echo across a lossy simulated link, in virtual time.
 *
 * Two hosts, "client" (192.0.2.1/24) and "server" (192.0.2.2/24), share a
 * vlink: 5 ms one way, 10 Mbit/s, 10 % loss each way. The server answers on
 * port 7 from its simulation app hook (it runs whenever the simulation has
 * delivered something); the client is ordinary blocking socket code: send a
 * numbered request, recv with SO_RCVTIMEO 200 ms, retry up to 5 times.
 * While the client blocks, its wait runs the simulation, so 200 ms
 * timeouts cost no real time. The seed fixes every loss: run it twice, get
 * the same trace and the same pcap.
 *
 *   berth-demo [--seed N] [--loss P] [--pcap FILE] [-v]
 *   (defaults: seed 1, loss 0.1, demo.pcap; -v adds the stacks' own trace)
 *
 * Exit status 0 only if every request got its reply.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "berth/netif.h"
#include "berth/pcap.h"
#include "berth/sim.h"
#include "berth/socket.h"

#define REQUESTS 20
#define TRIES 5
#define TIMEOUT_MS 200
#define ECHO_PORT 7

struct demo {
    berth_sim *sim;
    berth_vlink *link;
    berth_stack *client, *server;
    int cfd, sfd;
};

static void say(const struct demo *d, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(const struct demo *d, const char *who, const char *fmt, ...)
{
    uint64_t t = berth_sim_now(d->sim);
    printf("%4llu.%03llu ms  %-6s  ", (unsigned long long)(t / 1000),
           (unsigned long long)(t % 1000), who);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void trace_line(void *arg, const char *line)
{
    (void)arg;
    printf("            trace   %s\n", line);
}

static uint64_t link_lost(const struct demo *d)
{
    struct berth_vlink_stats s;
    berth_vlink_stats(d->link, &s);
    return s.lost;
}

/* The echo server: drain the socket without blocking, answer each datagram. */
static void server_app(void *arg, berth_stack *host)
{
    struct demo *d = arg;
    char buf[256];
    struct sockaddr_in from;
    for (;;) {
        socklen_t fl = sizeof(from);
        ssize_t n = berth_recvfrom(host, d->sfd, buf, sizeof(buf) - 1, MSG_DONTWAIT,
                                   (struct sockaddr *)&from, &fl);
        if (n < 0)
            return; /* EAGAIN: nothing more for now */
        buf[n] = 0;
        uint64_t lost = link_lost(d);
        berth_sendto(host, d->sfd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
        say(d, "server", "<- \"%s\", echo%s", buf,
            link_lost(d) > lost ? "   ** echo lost on the wire" : "");
    }
}

static int setup_host(berth_stack *st, berth_netif *ifp, const char *prefix)
{
    struct in_addr a;
    unsigned plen;
    if (!st || !ifp || berth_parse_prefix(prefix, &a, &plen) || berth_netif_addr_add(ifp, a, plen))
        return -1;
    return 0;
}

static struct sockaddr_in addr4(const char *ip, uint16_t port)
{
    struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &s.sin_addr);
    return s;
}

/* One request with retries: true when its reply came back. */
static bool exchange(struct demo *d, unsigned seq, unsigned *retries)
{
    struct sockaddr_in srv = addr4("192.0.2.2", ECHO_PORT);
    for (unsigned try = 1; try <= TRIES; try++) {
        char msg[64], buf[256];
        int len = snprintf(msg, sizeof(msg), "req %u try %u", seq, try);
        if (try > 1)
            (*retries)++;
        uint64_t lost = link_lost(d);
        if (berth_sendto(d->client, d->cfd, msg, (size_t)len, 0, (struct sockaddr *)&srv,
                         sizeof(srv)) < 0) {
            say(d, "client", "sendto: %s", strerror(errno));
            return false;
        }
        say(d, "client", "-> \"%s\"%s", msg,
            link_lost(d) > lost ? "   ** request lost on the wire" : "");
        for (;;) {
            ssize_t n = berth_recv(d->client, d->cfd, buf, sizeof(buf) - 1, 0);
            if (n < 0) {
                if (errno != EAGAIN) {
                    say(d, "client", "recv: %s", strerror(errno));
                    return false;
                }
                say(d, "client", "timeout after %d ms%s", TIMEOUT_MS,
                    try < TRIES ? ", retrying" : ", giving up");
                break;
            }
            buf[n] = 0;
            unsigned rseq = 0, rtry = 0;
            if (sscanf(buf, "req %u try %u", &rseq, &rtry) == 2 && rseq == seq) {
                say(d, "client", "<- \"%s\", request %u answered", buf, seq);
                return true;
            }
            say(d, "client", "<- \"%s\", stale, ignored", buf); /* a late echo */
        }
    }
    return false;
}

static void usage(void)
{
    fprintf(stderr, "usage: berth-demo [--seed N] [--loss P] [--pcap FILE] [-v]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    unsigned long long seed = 1; /* a run with a triple retry */
    double loss = 0.10;
    const char *pcap = "demo.pcap";
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            seed = strtoull(argv[++i], &end, 0);
        } else if (!strcmp(argv[i], "--loss") && i + 1 < argc) {
            loss = strtod(argv[++i], &end);
            if (loss < 0 || loss > 1)
                usage();
        } else if (!strcmp(argv[i], "--pcap") && i + 1 < argc) {
            pcap = argv[++i];
        } else if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else {
            usage();
        }
        if (end && *end)
            usage();
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    struct demo d = {.sim = berth_sim_new(seed)};
    struct berth_link_params lp;
    berth_link_params_init(&lp);
    lp.latency_us = 5000;
    lp.bandwidth_bps = 10000000;
    lp.loss = loss;
    d.link = berth_vlink_new(d.sim, &lp);
    d.client = berth_sim_add_host(d.sim, "client", NULL);
    d.server = berth_sim_add_host(d.sim, "server", NULL);
    berth_netif *cif = d.client ? berth_vlink_attach(d.link, d.client, "eth0", 1500) : NULL;
    berth_netif *sif = d.server ? berth_vlink_attach(d.link, d.server, "eth0", 1500) : NULL;
    if (setup_host(d.client, cif, "192.0.2.1/24") || setup_host(d.server, sif, "192.0.2.2/24")) {
        perror("berth-demo: setup");
        return 1;
    }
    if (berth_pcap_open(cif, pcap) != 0) {
        fprintf(stderr, "berth-demo: %s: %s\n", pcap, strerror(errno));
        return 1;
    }
    if (verbose) {
        berth_stack_set_trace(d.client, trace_line, NULL);
        berth_stack_set_trace(d.server, trace_line, NULL);
    }

    struct sockaddr_in sa = addr4("192.0.2.2", ECHO_PORT);
    d.sfd = berth_socket(d.server, AF_INET, SOCK_DGRAM, 0);
    d.cfd = berth_socket(d.client, AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {.tv_sec = 0, .tv_usec = TIMEOUT_MS * 1000};
    if (d.sfd < 0 || d.cfd < 0 ||
        berth_bind(d.server, d.sfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        berth_setsockopt(d.client, d.cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
        perror("berth-demo: sockets");
        return 1;
    }
    berth_sim_set_app(d.sim, d.server, server_app, &d);

    printf("berth-demo: seed %llu, link 5 ms / 10 Mbit/s / %.0f %% loss, capture %s\n\n", seed,
           loss * 100, pcap);
    unsigned replies = 0, retries = 0;
    for (unsigned seq = 1; seq <= REQUESTS; seq++)
        if (exchange(&d, seq, &retries))
            replies++;
    berth_sim_run_idle(d.sim, 1000000); /* let stray echoes land */

    clock_gettime(CLOCK_MONOTONIC, &t1);
    double real_ms =
        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    uint64_t vt = berth_sim_now(d.sim);
    struct berth_vlink_stats s;
    berth_vlink_stats(d.link, &s);
    printf("\nsummary: %u requests, %u replies, %u retries\n", REQUESTS, replies, retries);
    printf("time:    %llu.%06llu s virtual, %.1f ms real\n", (unsigned long long)(vt / 1000000),
           (unsigned long long)(vt % 1000000), real_ms);
    printf("link:    %llu sent, %llu delivered, %llu lost, %llu duplicated, %llu reordered, "
           "%llu queue drops\n",
           (unsigned long long)s.sent, (unsigned long long)s.delivered, (unsigned long long)s.lost,
           (unsigned long long)s.duplicated, (unsigned long long)s.reordered,
           (unsigned long long)s.queue_drops);
    printf("pcap:    %s (the client's eth0)\n", pcap);
    berth_sim_free(d.sim); /* closes the capture with the interface */
    return replies == REQUESTS ? 0 : 1;
}
