/* peer_lwip.c — lwIP from Debian's liblwip-dev, through its raw API.
 *
 * Why the raw API: Debian builds lwIP with the GNU Hurd's lwipopts.h
 * (NO_SYS=0, LWIP_TCPIP_CORE_LOCKING, MEMP_MEM_MALLOC). Its sockets API needs
 * the tcpip thread and is limited to NUM_SOCKETS = MEMP_NUM_NETCONN = 4
 * sockets, so it can neither run single-threaded nor bind 1000 sockets. The
 * raw API (udp_new, udp_bind, udp_sendto, udp_recv callbacks, udp_remove)
 * has neither limit and is what an lwIP firmware uses on its fast path.
 *
 * Loopback: this build has LWIP_NETIF_LOOPBACK and no loop interface of its
 * own (LWIP_HAVE_LOOPIF=0), so we add a netif "lo" with 127.0.0.1/8; packets
 * to it go through netif_loop_output(), which queues them and — with
 * LWIP_NETIF_LOOPBACK_MULTITHREADING — asks the tcpip thread to run
 * netif_poll() via tcpip_try_callback(). There is no tcpip thread here:
 * this file defines tcpip_try_callback() itself (the executable's definition
 * interposes on the library's, which calls it through its PLT) and runs the
 * requested netif_poll() inline right after the send, in the same thread —
 * exactly what a NO_SYS=1 lwIP main loop does with netif_poll_all(). lwIP
 * is never given a thread; lwip_init() is called directly.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "lwip/api.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"

#include "bench.h"

static struct netif g_lo;
static int g_inited;

/* ---- running lwIP's deferred work inline ---- */

static struct netif *g_poll_netif; /* netif_poll() requested */
static struct {
    tcpip_callback_fn fn;
    void *ctx;
} g_deferred[16];
static unsigned g_ndeferred;
static unsigned long g_interposed; /* calls seen: proves the interposition works */

err_t tcpip_try_callback(tcpip_callback_fn function, void *ctx)
{
    g_interposed++;
    if (function == (tcpip_callback_fn)netif_poll) {
        g_poll_netif = ctx;
        return ERR_OK;
    }
    if (g_ndeferred < sizeof(g_deferred) / sizeof(g_deferred[0])) {
        g_deferred[g_ndeferred].fn = function;
        g_deferred[g_ndeferred].ctx = ctx;
        g_ndeferred++;
        return ERR_OK;
    }
    return ERR_MEM; /* lwIP retries later (netif->reschedule_poll etc.) */
}

/* What the main loop of a NO_SYS lwIP does between calls. */
static void run_pending(void)
{
    while (g_poll_netif || g_ndeferred) {
        if (g_poll_netif) {
            struct netif *nf = g_poll_netif;
            g_poll_netif = NULL;
            netif_poll(nf);
        }
        while (g_ndeferred) {
            g_ndeferred--;
            g_deferred[g_ndeferred].fn(g_deferred[g_ndeferred].ctx);
        }
    }
}

/* ---- the loopback netif ---- */

static unsigned long g_lo_drops;

static err_t lo_output(struct netif *nf, struct pbuf *p, const ip4_addr_t *dst)
{
    (void)nf, (void)p, (void)dst;
    g_lo_drops++; /* only 127/8 and our own address are used: never reached */
    return ERR_OK;
}

static err_t lo_init(struct netif *nf)
{
    nf->name[0] = 'l';
    nf->name[1] = 'o';
    nf->mtu = 65535 - 1; /* u16 */
    nf->output = lo_output;
    nf->flags = 0;
    return ERR_OK;
}

static const char *lwip_describe(void)
{
    return "lwIP " LWIP_VERSION_STRING " (Debian liblwip, NO_SYS=0 build) raw API: "
           "udp_new/udp_bind/udp_sendto + udp_recv callback, netif lo 127.0.0.1/8 via "
           "LWIP_NETIF_LOOPBACK; the netif_poll it posts to the tcpip thread runs inline instead "
           "(tcpip_try_callback interposed), so one thread and no tcpip thread";
}

static int lwip_peer_init(char *why, size_t n)
{
    if (g_inited)
        return 0;
    /* Our tcpip_try_callback must be the one the library calls. */
    void *seen = dlsym(RTLD_DEFAULT, "tcpip_try_callback");
    if (seen != (void *)tcpip_try_callback)
        return bench_fail(why, n, "tcpip_try_callback is not interposed (the executable does "
                                  "not export it), lwIP's loopback would need a tcpip thread");
    lwip_init();
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 127, 0, 0, 1);
    IP4_ADDR(&mask, 255, 0, 0, 0);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    if (!netif_add(&g_lo, &addr, &mask, &gw, NULL, lo_init, ip_input))
        return bench_fail(why, n, "netif_add failed");
    netif_set_default(&g_lo);
    netif_set_up(&g_lo);
    netif_set_link_up(&g_lo);
    run_pending();
    g_inited = 1;
    return 0;
}

static void lwip_peer_fini(void)
{
    /* lwIP has no teardown; the netif stays until exit. */
}

static int lwip_has(enum fig f) { return f != FIG_RTT_VLINK; }

struct rx {
    unsigned got;
    u16_t len;
    u16_t port;
    ip_addr_t addr;
    char buf[2048];
};

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                    u16_t port)
{
    (void)pcb;
    struct rx *r = arg;
    r->len = pbuf_copy_partial(p, r->buf, sizeof(r->buf), 0);
    ip_addr_copy(r->addr, *addr);
    r->port = port;
    r->got++;
    pbuf_free(p);
}

static struct udp_pcb *bound_pcb(u16_t port, struct rx *r, char *why, size_t n)
{
    struct udp_pcb *pcb = udp_new();
    if (!pcb) {
        bench_fail(why, n, "udp_new failed");
        return NULL;
    }
    ip_addr_t lo;
    IP_ADDR4(&lo, 127, 0, 0, 1);
    err_t e = udp_bind(pcb, &lo, port);
    if (e != ERR_OK) {
        bench_fail(why, n, "udp_bind port %u: err %d", port, (int)e);
        udp_remove(pcb);
        return NULL;
    }
    if (r)
        udp_recv(pcb, on_recv, r);
    return pcb;
}

/* Copy len bytes into a fresh pbuf and send it (what lwip_sendto does with
 * a user buffer, minus the netconn message). */
static err_t send_copy(struct udp_pcb *pcb, const void *data, u16_t len, const ip_addr_t *to,
                       u16_t port)
{
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, len, PBUF_RAM);
    if (!p)
        return ERR_MEM;
    pbuf_take(p, data, len);
    err_t e = udp_sendto(pcb, p, to, port);
    pbuf_free(p);
    return e;
}

static int run_rtt(uint64_t iters, double *ns, char *why, size_t n)
{
    static struct rx ra, rb;
    memset(&ra, 0, sizeof(ra));
    memset(&rb, 0, sizeof(rb));
    struct udp_pcb *a = bound_pcb(0, &ra, why, n);
    if (!a)
        return -1;
    struct udp_pcb *b = bound_pcb(0, &rb, why, n);
    if (!b) {
        udp_remove(a);
        return -1;
    }
    ip_addr_t lo;
    IP_ADDR4(&lo, 127, 0, 0, 1);
    u16_t bport = b->local_port;
    char out[BENCH_PAYLOAD];
    memset(out, 'x', sizeof(out));
    int rc = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        if (send_copy(a, out, sizeof(out), &lo, bport) != ERR_OK)
            goto fail;
        run_pending();
        if (rb.got != 1 || rb.len != BENCH_PAYLOAD)
            goto fail;
        rb.got = 0;
        if (send_copy(b, rb.buf, rb.len, &rb.addr, rb.port) != ERR_OK)
            goto fail;
        run_pending();
        if (ra.got != 1 || ra.len != BENCH_PAYLOAD)
            goto fail;
        ra.got = 0;
        continue;
    fail:
        rc = bench_fail(why, n, "round trip %llu failed (a got %u, b got %u)",
                        (unsigned long long)i, ra.got, rb.got);
        break;
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    udp_remove(a);
    udp_remove(b);
    return rc;
}

static int run_socket_close(uint64_t iters, double *ns, char *why, size_t n)
{
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        struct udp_pcb *pcb = udp_new();
        if (!pcb)
            return bench_fail(why, n, "udp_new failed");
        udp_remove(pcb);
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    return 0;
}

static struct udp_pcb *g_pcbs[BENCH_NSOCK];

static int bind_all(uint64_t *bind_ns, char *why, size_t n)
{
    memset(g_pcbs, 0, sizeof(g_pcbs));
    for (int i = 0; i < BENCH_NSOCK; i++) {
        g_pcbs[i] = udp_new();
        if (!g_pcbs[i])
            return bench_fail(why, n, "udp_new #%d failed", i);
    }
    ip_addr_t lo;
    IP_ADDR4(&lo, 127, 0, 0, 1);
    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < BENCH_NSOCK; i++) {
        err_t e = udp_bind(g_pcbs[i], &lo, (u16_t)(BENCH_PORT_BASE + i));
        if (e != ERR_OK)
            return bench_fail(why, n, "udp_bind port %d: err %d", BENCH_PORT_BASE + i, (int)e);
    }
    *bind_ns = bench_now_ns() - t0;
    return 0;
}

static void remove_all(void)
{
    /* Newest first: udp_remove finds each at the head of udp_pcbs. */
    for (int i = BENCH_NSOCK - 1; i >= 0; i--)
        if (g_pcbs[i])
            udp_remove(g_pcbs[i]);
}

static int run_bind(uint64_t rounds, double *ns, char *why, size_t n)
{
    uint64_t total = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        uint64_t t;
        int rc = bind_all(&t, why, n);
        remove_all();
        if (rc)
            return -1;
        total += t;
    }
    *ns = (double)total / (double)(rounds * BENCH_NSOCK);
    return 0;
}

static int run_ram(double *bytes, char *note, char *why, size_t n)
{
    if (!g_inited && lwip_peer_init(why, n) != 0)
        return -1;
    struct mallinfo2 m0 = mallinfo2();
    uint64_t t;
    int rc = bind_all(&t, why, n);
    struct mallinfo2 m1 = mallinfo2();
    remove_all();
    if (rc)
        return -1;
    /* memp_malloc(MEMP_UDP_PCB) with MEMP_MEM_MALLOC + MEM_LIBC_MALLOC:
     * malloc(LWIP_MEM_ALIGN_SIZE(sizeof(struct udp_pcb))); udp_bind
     * allocates nothing more (it links the pcb into udp_pcbs). */
    size_t req = LWIP_MEM_ALIGN_SIZE(sizeof(struct udp_pcb));
    *bytes = (double)req;
    char heap[64] = "glibc chunk overhead unknown";
    if (m1.uordblks >= m0.uordblks + req * BENCH_NSOCK)
        snprintf(heap, sizeof(heap), "%.0f B with glibc chunk overhead",
                 (double)(m1.uordblks - m0.uordblks) / BENCH_NSOCK);
    snprintf(note, BENCH_NOTE,
             "lwip: raw API, sizeof(struct udp_pcb) = %zu rounded to MEM_ALIGNMENT, what "
             "memp_malloc(MEMP_UDP_PCB) asks malloc for (%s, mallinfo2 over %d "
             "udp_new+udp_bind); its sockets API would add struct netconn (%zu B) + struct "
             "lwip_sock + a receive mbox per socket",
             sizeof(struct udp_pcb), heap, BENCH_NSOCK, sizeof(struct netconn));
    return 0;
}

static int lwip_run(enum fig f, uint64_t iters, double *ns, char *note, char *why, size_t n)
{
    if (!g_inited && f != FIG_RAM)
        return bench_fail(why, n, "lwIP not initialised");
    switch (f) {
    case FIG_RTT_LO:
        return run_rtt(iters, ns, why, n);
    case FIG_SOCKET_CLOSE:
        return run_socket_close(iters, ns, why, n);
    case FIG_BIND_1000:
        return run_bind(iters, ns, why, n);
    case FIG_RAM:
        return run_ram(ns, note, why, n);
    default:
        return bench_fail(why, n, "no such figure");
    }
}

const struct bench_peer bench_peer_lwip = {
    .name = "lwip",
    .init = lwip_peer_init,
    .describe = lwip_describe,
    .has = lwip_has,
    .run = lwip_run,
    .fini = lwip_peer_fini,
};
