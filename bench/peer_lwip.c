/* peer_lwip.c — lwIP from Debian's liblwip-dev, through its raw API.
 *
 * Why the raw API: Debian builds lwIP with the GNU Hurd's lwipopts.h
 * (NO_SYS=0, LWIP_TCPIP_CORE_LOCKING, MEMP_MEM_MALLOC). Its sockets API needs
 * the tcpip thread and is limited to NUM_SOCKETS = MEMP_NUM_NETCONN = 4
 * sockets, so it can neither run single-threaded nor bind 1000 sockets. The
 * raw API (udp_new, udp_bind, udp_connect, udp_sendto, udp_recv callbacks,
 * udp_remove; tcp_new, tcp_bind, tcp_close) has neither limit and is what an
 * lwIP firmware uses on its fast path.
 *
 * Bind figures: port 0 is lwIP's own allocator (udp_new_port, tcp_new_port:
 * a counter over its compiled-in range 0xc000-0xffff, each candidate checked
 * by walking every pcb list), explicit ports its list-walking conflict
 * check. lwIP has no SO_REUSEPORT; Debian's build has SO_REUSE, under which
 * pcbs that all carry SOF_REUSEADDR may share a port: the reuseport figures
 * use that.
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
#include <stdlib.h>
#include <string.h>

#include "lwip/api.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/priv/tcp_priv.h" /* tcp_tw_pcbs, tcp_fasttmr */

#include "bench.h"

/* The figures name protocols by their IPPROTO_ numbers; lwIP's headers
 * (without its sockets API) do not define them. */
#ifndef IPPROTO_TCP
#define IPPROTO_TCP 6
#endif

static struct netif g_lo;
static int g_inited;

/* berth defines tcp_abort and tcp_err too (and ip4_input, ip4_output,
 * tcp_input, tcp_send_fin, udp_input): in this executable those names bind
 * to berth's. lwIP's two that this file calls are looked up in liblwip
 * itself. */
static void (*g_lw_tcp_abort)(struct tcp_pcb *pcb);
static void (*g_lw_tcp_err)(struct tcp_pcb *pcb, tcp_err_fn err);
#define tcp_abort(pcb) g_lw_tcp_abort(pcb)
#define tcp_err(pcb, fn) g_lw_tcp_err(pcb, fn)

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
           "udp_new/udp_bind/udp_connect/udp_sendto + udp_recv callback, tcp_new/tcp_bind/"
           "tcp_close, tcp_connect/tcp_accept/tcp_write/tcp_output/tcp_recved + tcp_recv callback, "
           "netif lo 127.0.0.1/8 and ::1 via LWIP_NETIF_LOOPBACK; the netif_poll it posts to "
           "the tcpip thread runs inline instead (tcpip_try_callback interposed), so one thread "
           "and no tcpip thread; ephemeral ports from its compiled-in range 49152-65535 (TCP "
           "never picks 65535)";
}

static int lwip_peer_init(char *why, size_t n)
{
    if (g_inited)
        return 0;
    /* Our tcpip_try_callback must be the one the library calls. */
    void *seen = dlsym(RTLD_DEFAULT, "tcpip_try_callback");
    if (seen != (void *)tcpip_try_callback)
        return bench_fail(why, n,
                          "tcpip_try_callback is not interposed (the executable does "
                          "not export it), lwIP's loopback would need a tcpip thread");
    *(void **)&g_lw_tcp_abort = dlsym(RTLD_NEXT, "tcp_abort");
    *(void **)&g_lw_tcp_err = dlsym(RTLD_NEXT, "tcp_err");
    if (!g_lw_tcp_abort || !g_lw_tcp_err)
        return bench_fail(why, n, "lwIP's tcp_abort/tcp_err not found with dlsym(RTLD_NEXT)");
    lwip_init();
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 127, 0, 0, 1);
    IP4_ADDR(&mask, 255, 0, 0, 0);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    if (!netif_add(&g_lo, &addr, &mask, &gw, NULL, lo_init, ip_input))
        return bench_fail(why, n, "netif_add failed");
    /* ::1 too, valid at once (no DAD on it): the IPv6 figures. ip6_output
     * loops a packet to one of the netif's own addresses back through
     * netif_loop_output, as it does 127.0.0.1. */
    ip6_addr_t lo6;
    IP6_ADDR(&lo6, 0, 0, 0, PP_HTONL(1));
    netif_ip6_addr_set(&g_lo, 0, &lo6);
    netif_ip6_addr_set_state(&g_lo, 0, IP6_ADDR_VALID);
    netif_set_default(&g_lo);
    netif_set_up(&g_lo);
    netif_set_link_up(&g_lo);
    run_pending();
    g_inited = 1;
    return 0;
}

static int lwip_has(const struct figspec *f)
{
    /* tcp_bulk_tap_MBps: lwIP has no TAP driver in this build. */
    return f->op != OP_RTT_VLINK && f->op != OP_TCP_BULK_VLINK && f->op != OP_TCP_BULK_TAP &&
           !bench_is_unix(f); /* lwIP has no AF_UNIX */
}

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

/* The figure's loopback address: 127.0.0.1, or ::1 for the IPv6 ones. */
static ip_addr_t g_lo_ip;

static struct udp_pcb *bound_pcb(u16_t port, struct rx *r, char *why, size_t n)
{
    struct udp_pcb *pcb = udp_new_ip_type(IP_GET_TYPE(&g_lo_ip));
    if (!pcb) {
        bench_fail(why, n, "udp_new failed");
        return NULL;
    }
    err_t e = udp_bind(pcb, &g_lo_ip, port);
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
    ip_addr_t lo = g_lo_ip;
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

/* ---- pcbs of either protocol ---- */

/* lwIP's ephemeral ranges are compiled in (udp.c, tcp.c): 0xc000-0xffff;
 * tcp_new_port() wraps when it reaches 0xffff, so TCP never picks 65535. */
#define LWIP_EPH_LO 0xc000u
#define LWIP_EPH_HI_UDP 0xffffu
#define LWIP_EPH_HI_TCP 0xfffeu

static void *pcb_new(int proto, int reuse)
{
    if (proto == IPPROTO_TCP) {
        struct tcp_pcb *p = tcp_new_ip_type(IP_GET_TYPE(&g_lo_ip));
        if (p && reuse)
            ip_set_option(p, SOF_REUSEADDR);
        return p;
    }
    struct udp_pcb *p = udp_new_ip_type(IP_GET_TYPE(&g_lo_ip));
    if (p && reuse)
        ip_set_option(p, SOF_REUSEADDR);
    return p;
}

static err_t pcb_bind(int proto, void *pcb, u16_t port)
{
    return proto == IPPROTO_TCP ? tcp_bind(pcb, &g_lo_ip, port) : udp_bind(pcb, &g_lo_ip, port);
}

static void pcb_free(int proto, void *pcb)
{
    if (proto == IPPROTO_TCP) {
        if (tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb);
    } else {
        udp_remove(pcb);
    }
}

static int make_pcbs(int proto, void **pcbs, unsigned cnt, int reuse, char *why, size_t n)
{
    for (unsigned i = 0; i < cnt; i++)
        pcbs[i] = NULL;
    for (unsigned i = 0; i < cnt; i++)
        if (!(pcbs[i] = pcb_new(proto, reuse)))
            return bench_fail(why, n, "%s_new #%u failed", proto == IPPROTO_TCP ? "tcp" : "udp", i);
    return 0;
}

static void free_pcbs(int proto, void **pcbs, unsigned cnt)
{
    /* Newest first: each is then at the head of its list. */
    for (unsigned i = cnt; i-- > 0;)
        if (pcbs[i]) {
            pcb_free(proto, pcbs[i]);
            pcbs[i] = NULL;
        }
}

static int run_socket_close(int proto, uint64_t iters, double *ns, char *why, size_t n)
{
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        void *pcb = pcb_new(proto, 0);
        if (!pcb)
            return bench_fail(why, n, "pcb allocation failed");
        pcb_free(proto, pcb);
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    return 0;
}

/* bind pcbs[i] to 127.0.0.1:(port + i), or all to port when same_port.
 * Returns the index that failed and its error, or -1. */
static long bind_loop(int proto, void **pcbs, unsigned cnt, unsigned port, int same_port,
                      err_t *err)
{
    for (unsigned i = 0; i < cnt; i++) {
        err_t e = pcb_bind(proto, pcbs[i], (u16_t)(same_port ? port : port + i));
        if (e != ERR_OK) {
            *err = e;
            return i;
        }
    }
    return -1;
}

static long connect_loop(void **pcbs, unsigned cnt, unsigned dport, err_t *err)
{
    for (unsigned i = 0; i < cnt; i++) {
        err_t e = udp_connect(pcbs[i], &g_lo_ip, (u16_t)(dport + i));
        if (e != ERR_OK) {
            *err = e;
            return i;
        }
    }
    return -1;
}

/* ---- the state a figure keeps across runs (as in peer_berth.c) ---- */

enum { ST_NONE, ST_FILL, ST_REUSE, ST_CONN };
static struct {
    int kind, proto;
    unsigned n;
    unsigned lo, size;
    uint32_t *order;
    void **pcbs;
    unsigned count;
} g_ps;

static void ps_drop(void)
{
    if (g_ps.pcbs)
        free_pcbs(g_ps.proto, g_ps.pcbs, g_ps.count);
    free(g_ps.pcbs);
    free(g_ps.order);
    memset(&g_ps, 0, sizeof(g_ps));
}

static int ps_ensure(const struct figspec *f, char *why, size_t n)
{
    int kind = f->op == OP_BIND0 || f->op == OP_BIND0_FAIL ? ST_FILL
               : f->op == OP_REUSEPORT                     ? ST_REUSE
               : f->op == OP_CONNECT                       ? ST_CONN
                                                           : ST_NONE;
    unsigned fn = kind == ST_FILL ? 0 : f->n;
    if (g_ps.kind != kind || g_ps.proto != f->proto || g_ps.n != fn)
        ps_drop();
    if (kind == ST_NONE)
        return 0;
    if (!g_ps.pcbs) {
        g_ps.kind = kind;
        g_ps.proto = f->proto;
        g_ps.n = fn;
        unsigned cap = f->n;
        if (kind == ST_FILL) {
            g_ps.lo = LWIP_EPH_LO;
            g_ps.size =
                (f->proto == IPPROTO_TCP ? LWIP_EPH_HI_TCP : LWIP_EPH_HI_UDP) - LWIP_EPH_LO + 1;
            g_ps.order = malloc(sizeof(*g_ps.order) * g_ps.size);
            if (!g_ps.order)
                return bench_fail(why, n, "out of memory");
            bench_fill_order(g_ps.size, g_ps.order);
            cap = g_ps.size;
        }
        g_ps.pcbs = calloc(cap, sizeof(*g_ps.pcbs));
        if (!g_ps.pcbs)
            return bench_fail(why, n, "out of memory");
    }
    unsigned want = kind == ST_FILL    ? bench_fill_count(g_ps.size, f->occ)
                    : kind == ST_REUSE ? f->n - f->batch
                                       : f->n;
    if (g_ps.count > want) {
        free_pcbs(f->proto, g_ps.pcbs + want, g_ps.count - want);
        g_ps.count = want;
    }
    if (g_ps.count < want) {
        unsigned add = want - g_ps.count;
        void **pcbs = g_ps.pcbs + g_ps.count;
        int rc = make_pcbs(f->proto, pcbs, add, kind == ST_REUSE, why, n);
        long bad = -1;
        err_t e = ERR_OK;
        if (rc == 0) {
            if (kind == ST_FILL) {
                for (unsigned i = 0; i < add && bad < 0; i++)
                    if (bind_loop(f->proto, pcbs + i, 1, g_ps.lo + g_ps.order[g_ps.count + i], 0,
                                  &e) >= 0)
                        bad = i;
            } else if (kind == ST_REUSE) {
                bad = bind_loop(f->proto, pcbs, add, BENCH_REUSE_PORT, 1, &e);
            } else {
                bad = connect_loop(pcbs, add, BENCH_CONNECT_DPORT + g_ps.count, &e);
            }
        }
        g_ps.count += add;
        if (rc != 0)
            return -1;
        if (bad >= 0)
            return bench_fail(why, n, "setting up: pcb #%ld: err %d",
                              (long)(g_ps.count - add) + bad, (int)e);
    }
    return 0;
}

/* ---- the bind figures ---- */

static int run_bind_explicit(const struct figspec *f, uint64_t rounds, double *ns, char *why,
                             size_t n)
{
    void **pcbs = calloc(f->n, sizeof(*pcbs));
    if (!pcbs)
        return bench_fail(why, n, "out of memory");
    uint64_t total = 0;
    int rc = 0;
    for (uint64_t r = 0; r < rounds && rc == 0; r++) {
        rc = make_pcbs(f->proto, pcbs, f->n, 0, why, n);
        if (rc == 0) {
            err_t e = ERR_OK;
            uint64_t t0 = bench_now_ns();
            long bad = bind_loop(f->proto, pcbs, f->n, BENCH_EXPLICIT_BASE, 0, &e);
            total += bench_now_ns() - t0;
            if (bad >= 0)
                rc = bench_fail(why, n, "bind port %ld: err %d", BENCH_EXPLICIT_BASE + bad, (int)e);
        }
        free_pcbs(f->proto, pcbs, f->n);
    }
    free(pcbs);
    *ns = (double)total / (double)(rounds * f->n);
    return rc;
}

static int run_bind0(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    void *pcbs[BENCH_BIND0_CHUNK];
    uint64_t total = 0, done = 0;
    while (done < iters) {
        unsigned c =
            iters - done < BENCH_BIND0_CHUNK ? (unsigned)(iters - done) : BENCH_BIND0_CHUNK;
        if (make_pcbs(f->proto, pcbs, c, 0, why, n) != 0) {
            free_pcbs(f->proto, pcbs, c);
            return -1;
        }
        err_t e = ERR_OK;
        long bad = -1;
        uint64_t t0 = bench_now_ns();
        for (unsigned i = 0; i < c; i++) {
            e = pcb_bind(f->proto, pcbs[i], 0);
            if (e != ERR_OK) {
                bad = i;
                break;
            }
            pcb_free(f->proto, pcbs[i]);
            pcbs[i] = NULL;
        }
        total += bench_now_ns() - t0;
        free_pcbs(f->proto, pcbs, c);
        if (bad >= 0)
            return bench_fail(why, n, "bind(0) at %u/%u ports in use: err %d", g_ps.count,
                              g_ps.size, (int)e);
        done += c;
    }
    *ns = (double)total / (double)iters;
    return 0;
}

static int run_bind0_fail(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    void *pcb = pcb_new(f->proto, 0);
    if (!pcb)
        return bench_fail(why, n, "pcb allocation failed");
    err_t e = ERR_OK;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        e = pcb_bind(f->proto, pcb, 0);
        if (e == ERR_OK)
            break;
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    if (e == ERR_OK)
        return bench_fail(why, n, "bind(0) with the range full succeeded");
    pcb_free(f->proto, pcb);
    return 0;
}

static int run_batch(const struct figspec *f, uint64_t rounds, double *ns, char *why, size_t n)
{
    void *pcbs[BENCH_REUSE_BATCH > BENCH_CONNECT_BATCH ? BENCH_REUSE_BATCH : BENCH_CONNECT_BATCH];
    uint64_t total = 0;
    int reuse = f->op == OP_REUSEPORT;
    for (uint64_t r = 0; r < rounds; r++) {
        int rc = make_pcbs(f->proto, pcbs, f->batch, reuse, why, n);
        long bad = -1;
        err_t e = ERR_OK;
        if (rc == 0) {
            uint64_t t0 = bench_now_ns();
            bad = reuse ? bind_loop(f->proto, pcbs, f->batch, BENCH_REUSE_PORT, 1, &e)
                        : connect_loop(pcbs, f->batch, BENCH_CONNECT_DPORT + f->n, &e);
            total += bench_now_ns() - t0;
        }
        free_pcbs(f->proto, pcbs, f->batch);
        if (rc)
            return -1;
        if (bad >= 0)
            return bench_fail(why, n, "%s #%ld: err %d", reuse ? "bind" : "connect",
                              (long)g_ps.count + bad, (int)e);
    }
    *ns = (double)total / (double)(rounds * f->batch);
    return 0;
}

/* ---- TCP (raw API, one thread) ---- */

/* lwIP's TIME_WAIT pcbs live until tcp_slowtmr sees 2*MSL pass; nothing
 * runs its timers here, and tcp_new_port() skips every port a pcb of any
 * list holds (TIME_WAIT included), so 16383 closed connections would use
 * up its ephemeral range. Between runs, and untimed every
 * LWIP_TW_PURGE connections, TIME_WAIT pcbs are freed (tcp_abort frees a
 * TIME_WAIT pcb without sending anything), standing in for that timer. */
#define LWIP_TW_PURGE 8192

static unsigned tw_purge(void)
{
    unsigned k = 0;
    while (tcp_tw_pcbs) {
        tcp_abort(tcp_tw_pcbs);
        k++;
    }
    return k;
}

struct tcp_side {
    struct tcp_pcb *srv; /* accepted */
    int connected, fin, err;
    uint64_t got;
    char *rbuf;
};

static err_t on_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct tcp_side *t = arg;
    (void)err;
    if (!p) {
        t->fin = 1;
        return ERR_OK;
    }
    /* What a reader does: copy the bytes out (BENCH_TCP_WRITE at a time). */
    u16_t off = 0;
    while (off < p->tot_len) {
        u16_t k =
            pbuf_copy_partial(p, t->rbuf, BENCH_TCP_WRITE < 65535 ? BENCH_TCP_WRITE : 65535, off);
        if (!k)
            break;
        off = (u16_t)(off + k);
    }
    t->got += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void on_tcp_err(void *arg, err_t err)
{
    struct tcp_side *t = arg;
    t->err = err ? err : -1;
}

static err_t on_tcp_accept(void *arg, struct tcp_pcb *npcb, err_t err)
{
    struct tcp_side *t = arg;
    if (err != ERR_OK || !npcb)
        return ERR_VAL;
    t->srv = npcb;
    tcp_arg(npcb, t);
    tcp_recv(npcb, on_tcp_recv);
    return ERR_OK;
}

static err_t on_tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct tcp_side *t = arg;
    (void)pcb;
    t->connected = err == ERR_OK;
    return ERR_OK;
}

static struct tcp_pcb *lwip_listener(u16_t port, struct tcp_side *t, char *why, size_t n)
{
    struct tcp_pcb *p = tcp_new_ip_type(IP_GET_TYPE(&g_lo_ip));
    if (!p) {
        bench_fail(why, n, "tcp_new failed");
        return NULL;
    }
    ip_set_option(p, SOF_REUSEADDR);
    err_t e = tcp_bind(p, &g_lo_ip, port);
    if (e != ERR_OK) {
        bench_fail(why, n, "tcp_bind port %u: err %d", port, (int)e);
        tcp_abort(p);
        return NULL;
    }
    struct tcp_pcb *l = tcp_listen_with_backlog(p, 128);
    if (!l) {
        bench_fail(why, n, "tcp_listen failed");
        tcp_abort(p);
        return NULL;
    }
    tcp_arg(l, t);
    tcp_accept(l, on_tcp_accept);
    return l;
}

/* A client connected to port and the accepted pcb in t->srv. */
static struct tcp_pcb *lwip_connect(u16_t port, struct tcp_side *t)
{
    struct tcp_pcb *c = tcp_new_ip_type(IP_GET_TYPE(&g_lo_ip));
    if (!c)
        return NULL;
    tcp_arg(c, t);
    tcp_err(c, on_tcp_err);
    t->connected = 0;
    t->srv = NULL;
    if (tcp_connect(c, &g_lo_ip, port, on_tcp_connected) != ERR_OK) {
        tcp_abort(c);
        return NULL;
    }
    run_pending();
    if (!t->connected || !t->srv)
        return NULL; /* c is then owned by lwIP's error path */
    return c;
}

static int run_tcp_bulk(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    static struct tcp_side t;
    memset(&t, 0, sizeof(t));
    tw_purge();
    char *buf = malloc(BENCH_TCP_WRITE);
    t.rbuf = malloc(BENCH_TCP_WRITE);
    int rc = -1;
    struct tcp_pcb *l = NULL, *c = NULL;
    if (!buf || !t.rbuf) {
        bench_fail(why, n, "out of memory");
        goto out;
    }
    memset(buf, 'x', BENCH_TCP_WRITE);
    l = lwip_listener(BENCH_TCP_LISTEN_PORT, &t, why, n);
    if (!l)
        goto out;
    c = lwip_connect(BENCH_TCP_LISTEN_PORT, &t);
    if (!c) {
        bench_fail(why, n, "tcp_connect on loopback failed");
        goto out;
    }
    uint64_t bytes = (uint64_t)f->n * iters << 20, sent = 0;
    size_t off = 0;
    unsigned long stalls = 0;
    uint64_t t0 = bench_now_ns();
    while (t.got < bytes && !t.err) {
        int moved = 0;
        while (sent < bytes) {
            size_t len = BENCH_TCP_WRITE - off;
            if (len > bytes - sent)
                len = (size_t)(bytes - sent);
            size_t room = tcp_sndbuf(c);
            if (len > room)
                len = room;
            if (len > 0xffff)
                len = 0xffff; /* tcp_write takes a u16_t */
            if (!len || tcp_write(c, buf + off, (u16_t)len, TCP_WRITE_FLAG_COPY) != ERR_OK)
                break;
            moved = 1;
            sent += len;
            off = (off + len) % BENCH_TCP_WRITE;
        }
        tcp_output(c);
        uint64_t before = t.got;
        run_pending();
        if (t.got != before)
            moved = 1;
        if (!moved) {
            /* A delayed ACK holds the window: what lwIP's 250 ms tcp_fasttmr
             * would send, sent now. */
            stalls++;
            tcp_fasttmr();
            run_pending();
            if (stalls > 1000000)
                break;
        }
    }
    uint64_t t1 = bench_now_ns();
    if (t.got < bytes) {
        bench_fail(why, n, "TCP bulk stalled at %llu of %llu bytes (err %d)",
                   (unsigned long long)t.got, (unsigned long long)bytes, t.err);
        goto out;
    }
    *ns = (double)(t1 - t0) / (double)(f->n * iters);
    rc = 0;
out:
    if (c && !t.err && tcp_close(c) != ERR_OK)
        tcp_abort(c);
    if (t.srv) {
        tcp_arg(t.srv, NULL);
        tcp_recv(t.srv, NULL);
        if (tcp_close(t.srv) != ERR_OK)
            tcp_abort(t.srv);
    }
    run_pending();
    if (l)
        tcp_close(l);
    tw_purge();
    free(buf);
    free(t.rbuf);
    t.rbuf = NULL;
    return rc;
}

static int run_tcp_conn(uint64_t iters, double *ns, char *why, size_t n)
{
    static struct tcp_side t;
    static uint64_t k;
    static char rbuf[BENCH_TCP_WRITE];
    memset(&t, 0, sizeof(t));
    t.rbuf = rbuf;
    struct tcp_pcb *l[BENCH_TCP_NLISTEN];
    unsigned nl = 0;
    int rc = -1;
    tw_purge();
    for (; nl < BENCH_TCP_NLISTEN; nl++)
        if (!(l[nl] = lwip_listener((u16_t)(BENCH_TCP_LISTEN_PORT + nl), &t, why, n)))
            goto out;
    uint64_t total = 0, t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++, k++) {
        if (i && i % LWIP_TW_PURGE == 0) {
            total += bench_now_ns() - t0;
            tw_purge();
            t0 = bench_now_ns();
        }
        struct tcp_pcb *c =
            lwip_connect((u16_t)(BENCH_TCP_LISTEN_PORT + k % BENCH_TCP_NLISTEN), &t);
        if (!c) {
            bench_fail(why, n, "connection %llu: connect failed", (unsigned long long)k);
            goto out;
        }
        struct tcp_pcb *s = t.srv;
        t.fin = 0;
        tcp_arg(c, NULL);
        tcp_err(c, NULL);
        if (tcp_close(c) != ERR_OK) { /* FIN_WAIT_1; lwIP owns it from here */
            bench_fail(why, n, "connection %llu: tcp_close(client) failed", (unsigned long long)k);
            goto out;
        }
        run_pending();
        if (!t.fin) {
            bench_fail(why, n, "connection %llu: no FIN at the server", (unsigned long long)k);
            goto out;
        }
        tcp_arg(s, NULL);
        tcp_recv(s, NULL);
        if (tcp_close(s) != ERR_OK) { /* LAST_ACK; freed when its FIN is acknowledged */
            bench_fail(why, n, "connection %llu: tcp_close(server) failed", (unsigned long long)k);
            goto out;
        }
        run_pending();
    }
    total += bench_now_ns() - t0;
    *ns = (double)total / (double)iters;
    rc = 0;
out:
    while (nl-- > 0)
        tcp_close(l[nl]);
    tw_purge();
    return rc;
}

/* ---- RAM ---- */

static int run_ram(const struct figspec *f, double *bytes, char *note, char *why, size_t n)
{
    if (!g_inited && lwip_peer_init(why, n) != 0)
        return -1;
    int tcp = f->proto == IPPROTO_TCP;
    size_t sz = tcp ? sizeof(struct tcp_pcb) : sizeof(struct udp_pcb);
    /* memp_malloc(MEMP_UDP_PCB / MEMP_TCP_PCB) with MEMP_MEM_MALLOC +
     * MEM_LIBC_MALLOC: malloc(LWIP_MEM_ALIGN_SIZE(sizeof(struct ..._pcb)));
     * udp_bind / tcp_bind allocate nothing more (they link the pcb into
     * udp_pcbs / tcp_bound_pcbs). */
    size_t req = LWIP_MEM_ALIGN_SIZE(sz);
    *bytes = (double)req;
    if (f->op == OP_RAM_EST) {
        snprintf(note, BENCH_NOTE,
                 "lwip: per endpoint, sizeof(struct tcp_pcb) = %zu B rounded to MEM_ALIGNMENT "
                 "(raw API; buffers are pbufs allocated as data moves, none while idle)",
                 sz);
        return 0;
    }
    if (f->op == OP_RAM_TW) {
        snprintf(note, BENCH_NOTE,
                 "lwip: a TIME_WAIT connection stays a full struct tcp_pcb (%zu B, rounded to "
                 "MEM_ALIGNMENT) on tcp_tw_pcbs until its 2*MSL timer; there is no smaller "
                 "TIME_WAIT record",
                 sz);
        return 0;
    }
    static void *pcbs[BENCH_NSOCK];
    struct mallinfo2 m0 = mallinfo2();
    int rc = make_pcbs(f->proto, pcbs, BENCH_NSOCK, 0, why, n);
    err_t e = ERR_OK;
    if (rc == 0 && f->op == OP_RAM_BOUND &&
        bind_loop(f->proto, pcbs, BENCH_NSOCK, BENCH_EXPLICIT_BASE, 0, &e) >= 0)
        rc = bench_fail(why, n, "bind: err %d", (int)e);
    struct mallinfo2 m1 = mallinfo2();
    free_pcbs(f->proto, pcbs, BENCH_NSOCK);
    if (rc)
        return -1;
    char heap[64] = "glibc chunk overhead unknown";
    if (m1.uordblks >= m0.uordblks + req * BENCH_NSOCK)
        snprintf(heap, sizeof(heap), "%.0f B with glibc chunk overhead",
                 (double)(m1.uordblks - m0.uordblks) / BENCH_NSOCK);
    snprintf(note, BENCH_NOTE,
             "lwip: raw API, sizeof(struct %s_pcb) = %zu rounded to MEM_ALIGNMENT, what "
             "memp_malloc asks malloc for (%s, mallinfo2 over %d %s_new%s); its sockets API "
             "would add struct netconn (%zu B) + struct lwip_sock + a receive mbox per socket",
             tcp ? "tcp" : "udp", sz, heap, BENCH_NSOCK, tcp ? "tcp" : "udp",
             f->op == OP_RAM_BOUND ? (tcp ? "+tcp_bind" : "+udp_bind") : "",
             sizeof(struct netconn));
    return 0;
}

static int lwip_run(const struct figspec *f, uint64_t iters, double *ns, char *note, char *why,
                    size_t n)
{
    if (f->op == OP_RAM_BOUND || f->op == OP_RAM_IDLE || f->op == OP_RAM_TW || f->op == OP_RAM_EST)
        return run_ram(f, ns, note, why, n);
    if (!g_inited)
        return bench_fail(why, n, "lwIP not initialised");
    if (f->v6)
        IP_ADDR6(&g_lo_ip, 0, 0, 0, PP_HTONL(1));
    else
        IP_ADDR4(&g_lo_ip, 127, 0, 0, 1);
    if (ps_ensure(f, why, n) != 0) {
        ps_drop();
        return -1;
    }
    if (iters == 0)
        return 0;
    switch (f->op) {
    case OP_RTT_LO:
        return run_rtt(iters, ns, why, n);
    case OP_SOCKET_CLOSE:
        return run_socket_close(f->proto, iters, ns, why, n);
    case OP_BIND_EXPLICIT:
        return run_bind_explicit(f, iters, ns, why, n);
    case OP_BIND0:
        return run_bind0(f, iters, ns, why, n);
    case OP_BIND0_FAIL:
        return run_bind0_fail(f, iters, ns, why, n);
    case OP_REUSEPORT:
    case OP_CONNECT:
        return run_batch(f, iters, ns, why, n);
    case OP_TCP_BULK_LO:
        return run_tcp_bulk(f, iters, ns, why, n);
    case OP_TCP_CONN:
        return run_tcp_conn(iters, ns, why, n);
    default:
        return bench_fail(why, n, "no such figure");
    }
}

static void lwip_peer_fini(void)
{
    ps_drop();
    /* lwIP has no teardown; the netif stays until exit. */
}

const struct bench_peer bench_peer_lwip = {
    .name = "lwip",
    .init = lwip_peer_init,
    .describe = lwip_describe,
    .has = lwip_has,
    .run = lwip_run,
    .fini = lwip_peer_fini,
};
