/* tcptest.h — helpers for the TCP tests: two simulated hosts on a vlink
 * (a = 192.0.2.1, b = 192.0.2.2), a deterministic byte stream with a hash,
 * and a transfer driver that runs both ends from the simulation's app hooks
 * with non-blocking calls. */
#ifndef BERTH_TCPTEST_H
#define BERTH_TCPTEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>

#include "berth/sim.h"
#include "testutil.h"

/* ---- a byte stream anyone can regenerate ---- */
struct tt_gen {
    uint64_t s;
};
static inline void tt_gen_init(struct tt_gen *g, uint64_t seed)
{
    g->s = seed * 0x9e3779b97f4a7c15ull + 1;
}
static inline uint8_t tt_gen_byte(struct tt_gen *g)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return (uint8_t)(g->s >> 24);
}
/* FNV-1a 64 */
static inline uint64_t tt_hash(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
#define TT_HASH0 0xcbf29ce484222325ull

/* ---- the network ---- */
struct tt_net {
    berth_sim *sim;
    berth_vlink *link;
    berth_stack *a, *b;
    berth_netif *ia, *ib;
    int family; /* of tt_transfer's connection: AF_INET (0) or AF_INET6 */
};

static inline berth_netif *tt_plug(berth_vlink *l, berth_stack *st, const char *prefix,
                                   unsigned mtu)
{
    struct in_addr a;
    unsigned plen;
    berth_netif *ifp = berth_vlink_attach(l, st, "eth0", mtu);
    if (!ifp)
        return NULL;
    berth_parse_prefix(prefix, &a, &plen);
    berth_netif_addr_add(ifp, a, plen);
    return ifp;
}

static inline void tt_net_init(struct tt_net *n, uint64_t seed, const struct berth_link_params *p,
                               unsigned mtu)
{
    n->sim = berth_sim_new(seed);
    n->link = berth_vlink_new(n->sim, p);
    n->a = berth_sim_add_host(n->sim, "a", NULL);
    n->b = berth_sim_add_host(n->sim, "b", NULL);
    n->ia = tt_plug(n->link, n->a, "192.0.2.1/24", mtu);
    n->ib = tt_plug(n->link, n->b, "192.0.2.2/24", mtu);
    n->family = AF_INET;
}

/* The same network with IPv6 too (a = 2001:db8::1, b = 2001:db8::2 on
 * the link), tt_transfer connecting over IPv6. */
static inline void tt_net_init6(struct tt_net *n, uint64_t seed, const struct berth_link_params *p,
                                unsigned mtu)
{
    tt_net_init(n, seed, p, mtu);
    struct in6_addr a6, b6;
    inet_pton(AF_INET6, "2001:db8::1", &a6);
    inet_pton(AF_INET6, "2001:db8::2", &b6);
    berth_netif_addr6_add(n->ia, &a6, 64);
    berth_netif_addr6_add(n->ib, &b6, 64);
    n->family = AF_INET6;
}

static inline void tt_net_free(struct tt_net *n) { berth_sim_free(n->sim); }

/* ip:port of either family ("192.0.2.2" or "2001:db8::2"). */
static inline socklen_t tt_addr(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
    memset(ss, 0, sizeof(*ss));
    if (strchr(ip, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        inet_pton(AF_INET6, ip, &a->sin6_addr);
        return sizeof(*a);
    }
    struct sockaddr_in a = sin4(ip, port);
    memcpy(ss, &a, sizeof(a));
    return sizeof(a);
}

/* A listener on b:port (blocking calls are fine: setup only). */
static inline int tt_listen(berth_stack *st, const char *ip, uint16_t port, int backlog)
{
    struct sockaddr_storage s;
    socklen_t sl = tt_addr(&s, ip, port);
    int fd = berth_socket(st, s.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    berth_setsockopt(st, fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (berth_bind(st, fd, SA(s), sl) || berth_listen(st, fd, backlog))
        return -1;
    return fd;
}

/* ---- a two-way transfer ---- */
struct tt_end {
    berth_stack *st;
    int fd;  /* connected socket (-1 until accepted) */
    int lfd; /* listener (server side) */
    uint64_t to_send, sent, rcvd;
    struct tt_gen gs, gr;
    uint64_t hs, hr; /* hashes of what was sent / received */
    uint8_t pend[65536];
    size_t pend_off, pend_len;
    bool shut, eof, bad;
    uint64_t t_done; /* virtual time the peer's stream ended here */
    int err;
};

static inline void tt_end_init(struct tt_end *e, berth_stack *st, uint64_t to_send, uint64_t seed_s,
                               uint64_t seed_r)
{
    memset(e, 0, sizeof(*e));
    e->st = st;
    e->fd = e->lfd = -1;
    e->to_send = to_send;
    tt_gen_init(&e->gs, seed_s);
    tt_gen_init(&e->gr, seed_r);
    e->hs = e->hr = TT_HASH0;
}

struct tt_xfer {
    berth_sim *sim;
    struct tt_end ea, eb;
};

static inline void tt_pump(struct tt_xfer *x, struct tt_end *e)
{
    berth_stack *st = e->st;
    if (e->fd < 0) {
        if (e->lfd < 0)
            return;
        e->fd = berth_accept4(st, e->lfd, NULL, NULL, SOCK_NONBLOCK);
        if (e->fd < 0)
            return;
    }
    for (;;) {
        if (!e->pend_len && e->sent < e->to_send) {
            uint64_t left = e->to_send - e->sent;
            size_t n = left < sizeof(e->pend) ? (size_t)left : sizeof(e->pend);
            for (size_t i = 0; i < n; i++)
                e->pend[i] = tt_gen_byte(&e->gs);
            e->hs = tt_hash(e->hs, e->pend, n);
            e->pend_off = 0;
            e->pend_len = n;
            e->sent += n;
        }
        if (!e->pend_len)
            break;
        ssize_t w =
            berth_send(st, e->fd, e->pend + e->pend_off, e->pend_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno != EAGAIN)
                e->err = errno;
            break;
        }
        e->pend_off += (size_t)w;
        e->pend_len -= (size_t)w;
    }
    if (!e->pend_len && e->sent == e->to_send && !e->shut) {
        berth_shutdown(st, e->fd, SHUT_WR);
        e->shut = true;
    }
    static uint8_t buf[65536];
    while (!e->eof) {
        ssize_t r = berth_recv(st, e->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (r < 0) {
            if (errno != EAGAIN)
                e->err = errno;
            break;
        }
        if (r == 0) {
            e->eof = true;
            e->t_done = berth_sim_now(x->sim);
            break;
        }
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] != tt_gen_byte(&e->gr))
                e->bad = true;
        e->hr = tt_hash(e->hr, buf, (size_t)r);
        e->rcvd += (uint64_t)r;
    }
}

static inline void tt_app_a(void *arg, berth_stack *host)
{
    (void)host;
    struct tt_xfer *x = arg;
    tt_pump(x, &x->ea);
}
static inline void tt_app_b(void *arg, berth_stack *host)
{
    (void)host;
    struct tt_xfer *x = arg;
    tt_pump(x, &x->eb);
}

struct tt_result {
    bool ok;        /* both streams complete, bytes and hashes equal */
    uint64_t t_end; /* virtual us when the last stream ended */
    uint64_t a_rcvd, b_rcvd;
    int err;
};

/* a connects to b:80 and each sends `bytes_ab` / `bytes_ba`; runs until both
 * ends saw EOF or `limit_us` of virtual time passed. */
static inline struct tt_result tt_transfer(struct tt_net *n, uint64_t bytes_ab, uint64_t bytes_ba,
                                           uint64_t limit_us, void (*tune)(berth_stack *, int))
{
    struct tt_xfer *x = calloc(1, sizeof(*x));
    x->sim = n->sim;
    tt_end_init(&x->ea, n->a, bytes_ab, 11, 22);
    tt_end_init(&x->eb, n->b, bytes_ba, 22, 11);
    const char *bip = n->family == AF_INET6 ? "2001:db8::2" : "192.0.2.2";
    x->eb.lfd = tt_listen(n->b, bip, 80, 16);
    if (tune)
        tune(n->b, x->eb.lfd);
    struct sockaddr_storage to;
    socklen_t tl = tt_addr(&to, bip, 80);
    int fd = berth_socket(n->a, to.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (tune)
        tune(n->a, fd);
    berth_connect(n->a, fd, SA(to), tl);
    x->ea.fd = fd;
    berth_sim_set_app(n->sim, n->a, tt_app_a, x);
    berth_sim_set_app(n->sim, n->b, tt_app_b, x);
    uint64_t start = berth_sim_now(n->sim);
    while (!(x->ea.eof && x->eb.eof) && berth_sim_now(n->sim) - start < limit_us && !x->ea.err &&
           !x->eb.err) {
        unsigned long ev = berth_sim_run_until(n->sim, berth_sim_now(n->sim) + 100000);
        tt_pump(x, &x->ea);
        tt_pump(x, &x->eb);
        (void)ev;
    }
    struct tt_result r = {0};
    r.a_rcvd = x->ea.rcvd;
    r.b_rcvd = x->eb.rcvd;
    r.err = x->ea.err ? x->ea.err : x->eb.err;
    r.ok = x->ea.eof && x->eb.eof && !x->ea.bad && !x->eb.bad && x->ea.rcvd == bytes_ba &&
           x->eb.rcvd == bytes_ab && x->ea.hr == x->eb.hs && x->eb.hr == x->ea.hs;
    uint64_t te = x->ea.t_done > x->eb.t_done ? x->ea.t_done : x->eb.t_done;
    r.t_end = te - start;
    berth_sim_set_app(n->sim, n->a, NULL, NULL);
    berth_sim_set_app(n->sim, n->b, NULL, NULL);
    berth_close(n->a, x->ea.fd);
    if (x->eb.fd >= 0)
        berth_close(n->b, x->eb.fd);
    berth_close(n->b, x->eb.lfd);
    free(x);
    return r;
}

#endif
