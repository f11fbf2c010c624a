/* size_probe.c — a minimal firmware: the program the size report
 * (scripts/size-report.sh) measures and the `baremetal` ctest links.
 *
 * It is what an application on a microcontroller does with berth, and no
 * more: a platform of its own (a clock, a wait, a random source), the stack's
 * memory from a static arena (berth/arena.h, no malloc), an Ethernet
 * interface whose driver hands frames to the wire (here: drops them), and
 * the socket calls — socket/bind/sendto/recvfrom on UDP, and with PROBE_TCP
 * also listen/connect/accept/send/recv on TCP — over the loopback
 * interface, so every call really runs. PROBE_SOCKETS sockets of each kind
 * exchange a PROBE_MSG-byte message each way.
 *
 * The arena's use is recorded in `probe_report` (at start, with every
 * socket open, peak). With PROBE_REPORT (the size report's run under
 * qemu-system-arm -semihosting) it is also printed; the measured build
 * prints nothing, so no printf is linked.
 *
 * Exit status 0 when every message came back intact.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "berth/arena.h"
#include "berth/netif.h"
#include "berth/socket.h"
#include "berth/stack.h"

#ifndef PROBE_TCP
#define PROBE_TCP BERTH_WITH_TCP
#endif
#ifndef PROBE_SOCKETS
#define PROBE_SOCKETS 4
#endif
#ifndef PROBE_MSG
#define PROBE_MSG 512
#endif
#ifndef PROBE_ARENA
#define PROBE_ARENA (64 * 1024)
#endif

static unsigned char arena[PROBE_ARENA] __attribute__((aligned(8)));

struct probe_report {
    unsigned long heap_start;   /* arena bytes in use after berth_stack_new */
    unsigned long heap_sockets; /* ... with every socket open, data exchanged */
    unsigned long heap_peak;
    unsigned long per_udp; /* one more UDP socket, bound */
    unsigned long per_tcp; /* one more TCP connection (both ends) */
    int failed_step;       /* 0: all good */
};
volatile struct probe_report probe_report;

/* ---- the firmware's platform: a clock, a wait, a random source -------- */

struct probe_plat {
    uint64_t now_us;
    uint32_t rnd;
};
static struct probe_plat pp = {0, 0x2545f491u};

static uint64_t pp_now(void *c) { return ((struct probe_plat *)c)->now_us; }
static void pp_nop(void *c) { (void)c; }
/* No other thread or interrupt can make progress while the one program
 * waits: jump the clock to the next timer (a real board sleeps until its
 * timer or Ethernet interrupt, docs/porting.md). */
static int pp_wait(void *c, berth_stack *st, uint64_t deadline)
{
    (void)st;
    struct probe_plat *p = c;
    if (deadline == BERTH_FOREVER)
        return EDEADLK; /* nothing could ever wake this caller */
    if (deadline > p->now_us)
        p->now_us = deadline;
    return ETIMEDOUT;
}
/* xorshift32: a firmware would use its TRNG. */
static void pp_random(void *c, void *buf, size_t n)
{
    struct probe_plat *p = c;
    unsigned char *b = buf;
    for (size_t i = 0; i < n; i++) {
        p->rnd ^= p->rnd << 13;
        p->rnd ^= p->rnd >> 17;
        p->rnd ^= p->rnd << 5;
        b[i] = (unsigned char)p->rnd;
    }
}

static int eth_transmit(void *drv, berth_netif *ifp, const void *frame, size_t len)
{
    (void)drv;
    (void)ifp;
    (void)frame;
    (void)len;
    return 0; /* the wire: a real driver copies the frame to its MAC's FIFO */
}

static const struct berth_netif_driver eth_driver = {.transmit = eth_transmit,
                                                     .link = BERTH_LINK_ETHERNET};

static unsigned long arena_used(const struct berth_platform *p)
{
    struct berth_arena_stats s;
    berth_arena_stats(p, &s);
    return (unsigned long)s.used;
}

static struct sockaddr_in sin_of(uint16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static unsigned char msg[PROBE_MSG], got[PROBE_MSG];

/* A UDP socket on port, bound; sends msg to itself and reads it back. */
static int udp_echo(berth_stack *st, uint16_t port)
{
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = sin_of(port), from;
    socklen_t fl = sizeof(from);
    if (fd < 0 || berth_bind(st, fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        berth_sendto(st, fd, msg, sizeof(msg), 0, (struct sockaddr *)&a, sizeof(a)) !=
            (ssize_t)sizeof(msg) ||
        berth_recvfrom(st, fd, got, sizeof(got), 0, (struct sockaddr *)&from, &fl) !=
            (ssize_t)sizeof(got) ||
        memcmp(msg, got, sizeof(msg)) != 0)
        return -1;
    return fd;
}

#if PROBE_TCP
/* One connection through the listener: msg each way. Returns the client's
 * descriptor, *srv the accepted one. */
static int tcp_pair(berth_stack *st, int lfd, uint16_t port, int *srv)
{
    struct sockaddr_in a = sin_of(port);
    int c = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    if (c < 0 || berth_connect(st, c, (struct sockaddr *)&a, sizeof(a)) != 0)
        return -1;
    int s = berth_accept4(st, lfd, NULL, NULL, 0);
    if (s < 0 || berth_send(st, c, msg, sizeof(msg), 0) != (ssize_t)sizeof(msg) ||
        berth_recv(st, s, got, sizeof(got), MSG_WAITALL) != (ssize_t)sizeof(got) ||
        memcmp(msg, got, sizeof(msg)) != 0 ||
        berth_send(st, s, got, sizeof(got), 0) != (ssize_t)sizeof(got) ||
        berth_recv(st, c, got, sizeof(got), MSG_WAITALL) != (ssize_t)sizeof(got) ||
        memcmp(msg, got, sizeof(msg)) != 0)
        return -1;
    *srv = s;
    return c;
}
#endif

static int run(void)
{
    struct berth_platform plat = {.ctx = &pp,
                                  .now_us = pp_now,
                                  .lock = pp_nop,
                                  .unlock = pp_nop,
                                  .wait = pp_wait,
                                  .wake = pp_nop,
                                  .random = pp_random};
    if (berth_arena_init(&plat, arena, sizeof(arena)) != 0)
        return 1;
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.name = "probe";
    cfg.max_fds = 16;
    cfg.max_sockets = 16;
    berth_stack *st = berth_stack_new(&cfg);
    if (!st)
        return 2;
    probe_report.heap_start = arena_used(&plat);

    berth_netif *eth = berth_netif_add(st, "eth0", 1500, BERTH_IFF_BROADCAST, &eth_driver, NULL);
    static const uint8_t mac[BERTH_ETH_ALEN] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    struct in_addr ip;
    ip.s_addr = htonl(0xc0000201); /* 192.0.2.1 */
    if (!eth || berth_netif_set_hwaddr(eth, mac) != 0 || berth_netif_addr_add(eth, ip, 24) != 0 ||
        berth_netif_set_up(eth, true) != 0)
        return 3;

    for (unsigned i = 0; i < sizeof(msg); i++)
        msg[i] = (unsigned char)(i * 7 + 1);

    unsigned long before = arena_used(&plat);
    for (int i = 0; i < PROBE_SOCKETS; i++) {
        if (udp_echo(st, (uint16_t)(7000 + i)) < 0)
            return 10 + i;
        if (i == 0)
            probe_report.per_udp = arena_used(&plat) - before;
    }
#if PROBE_TCP
    int lfd = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in la = sin_of(7);
    if (lfd < 0 || berth_bind(st, lfd, (struct sockaddr *)&la, sizeof(la)) != 0 ||
        berth_listen(st, lfd, 4) != 0)
        return 20;
    for (int i = 0; i < PROBE_SOCKETS / 2; i++) {
        int srv;
        before = arena_used(&plat);
        if (tcp_pair(st, lfd, 7, &srv) < 0)
            return 21 + i;
        if (i == 0)
            probe_report.per_tcp = arena_used(&plat) - before;
    }
#endif
    struct berth_arena_stats s;
    berth_arena_stats(&plat, &s);
    probe_report.heap_sockets = (unsigned long)s.used;
    probe_report.heap_peak = (unsigned long)s.peak;
    berth_stack_free(st);
    return 0;
}

#ifdef PROBE_REPORT
#include <stdio.h>
/* Booted by qemu-system-arm -M mps2-an386 -semihosting -kernel: the
 * Cortex-M vector table (initial stack pointer, reset handler) at address
 * 0 (linked with -Wl,--section-start=.vectors=0 -Wl,--undefined=probe_vectors),
 * the reset handler being
 * newlib's rdimon crt0, which sets up the C runtime through semihosting. */
extern void _start(void);
__attribute__((section(".vectors"), used))
const void *const probe_vectors[2] = {(void *)0x20100000, (void *)_start};
#endif

int main(void)
{
    int rc = run();
    probe_report.failed_step = rc;
#ifdef PROBE_REPORT
    printf("probe rc=%d heap_start=%lu heap_sockets=%lu heap_peak=%lu per_udp=%lu per_tcp=%lu\n",
           rc, probe_report.heap_start, probe_report.heap_sockets, probe_report.heap_peak,
           probe_report.per_udp, probe_report.per_tcp);
#endif
    return rc;
}
