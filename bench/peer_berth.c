/* peer_berth.c — berth through its public API (berth/socket.h) on a berth_stack.
 *
 * Timed figures run on one stack with the default (posix) platform — what
 * berth/posix.h gives a program: pthread mutex as the stack lock, malloc,
 * CLOCK_MONOTONIC. Loopback datagrams are delivered before sendto returns
 * (the stack runs its input queue when it drops the lock), so the
 * round trip is one thread, no waits.
 *
 * The timed loops are named noinline functions (bench_berth_*_loop) so that
 * callgrind can collect exactly them: --toggle-collect=bench_berth_bind_loop.
 *
 * RAM: a second stack whose platform wraps the posix one with a counting
 * allocator; bytes asked for while creating (and binding) BENCH_NSOCK
 * sockets, divided by BENCH_NSOCK.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/socket.h"
#include "berth/stack.h"
#include "berth/sysctl.h"
#if BERTH_WITH_SIM
#include "berth/sim.h"
#endif

#if BERTH_WITH_TAP && BERTH_WITH_TCP
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "berth/tap.h"
#endif

#include "bench.h"

/* 60000 explicit binds plus a chunk, with room to spare. */
#define BERTH_BENCH_FDS 70000

static berth_stack *g_st;

static const char *berth_describe(void)
{
    return "berth_* API on one berth_stack, posix platform (pthread mutex, malloc), lo 127.0.0.1/8";
}

static int berth_init(char *why, size_t n)
{
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.name = "bench";
    cfg.max_fds = BERTH_BENCH_FDS;
    cfg.max_sockets = BERTH_BENCH_FDS;
    g_st = berth_stack_new(&cfg);
    if (!g_st)
        return bench_fail(why, n, "berth_stack_new: %s", strerror(errno));
    return 0;
}

static int berth_has(const struct figspec *f)
{
    (void)f;
    return 1;
}

static struct sockaddr_in lo_addr(uint16_t port)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(port);
    return sin;
}

static int sock_type(int proto) { return proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM; }

/* A UDP socket on st bound to addr:0; its address in *out. */
static int bound_socket(berth_stack *st, struct in_addr addr, struct sockaddr_in *out, char *why,
                        size_t n)
{
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return bench_fail(why, n, "berth_socket: %s", strerror(errno));
    struct sockaddr_in sin = lo_addr(0);
    sin.sin_addr = addr;
    socklen_t len = sizeof(*out);
    if (berth_bind(st, fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        berth_getsockname(st, fd, (struct sockaddr *)out, &len) != 0) {
        bench_fail(why, n, "berth_bind: %s", strerror(errno));
        berth_close(st, fd);
        return -1;
    }
    return fd;
}

__attribute__((noinline)) int bench_berth_rtt_loop(struct berth_stack *st, int a, int b,
                                                   const void *to_b, unsigned tolen, uint64_t iters)
{
    char out[BENCH_PAYLOAD], in[2048];
    memset(out, 'x', sizeof(out));
    for (uint64_t i = 0; i < iters; i++) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof(from);
        if (berth_sendto(st, a, out, sizeof(out), 0, to_b, tolen) != BENCH_PAYLOAD)
            return -1;
        if (berth_recvfrom(st, b, in, sizeof(in), 0, (struct sockaddr *)&from, &fromlen) !=
            BENCH_PAYLOAD)
            return -1;
        if (berth_sendto(st, b, in, BENCH_PAYLOAD, 0, (struct sockaddr *)&from, fromlen) !=
            BENCH_PAYLOAD)
            return -1;
        if (berth_recvfrom(st, a, in, sizeof(in), 0, NULL, NULL) != BENCH_PAYLOAD)
            return -1;
    }
    return 0;
}

/* A UDP socket bound to the loopback address of the family, port 0; its
 * address in *out. */
static int lo_bound_socket(unsigned v6, struct sockaddr_storage *out, socklen_t *outlen, char *why,
                           size_t n)
{
    int fd = berth_socket(g_st, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return bench_fail(why, n, "berth_socket: %s", strerror(errno));
    struct sockaddr_storage ss;
    socklen_t sl = bench_lo_addr(v6, 0, &ss);
    *outlen = sizeof(*out);
    if (berth_bind(g_st, fd, (struct sockaddr *)&ss, sl) != 0 ||
        berth_getsockname(g_st, fd, (struct sockaddr *)out, outlen) != 0) {
        bench_fail(why, n, "berth_bind: %s", strerror(errno));
        berth_close(g_st, fd);
        return -1;
    }
    return fd;
}

static int run_rtt(unsigned v6, uint64_t iters, double *ns, char *why, size_t n)
{
    struct sockaddr_storage sa, sb;
    socklen_t la, lb;
    int a = lo_bound_socket(v6, &sa, &la, why, n);
    if (a < 0)
        return -1;
    int b = lo_bound_socket(v6, &sb, &lb, why, n);
    if (b < 0) {
        berth_close(g_st, a);
        return -1;
    }
    uint64_t t0 = bench_now_ns();
    int rc = bench_berth_rtt_loop(g_st, a, b, &sb, lb, iters);
    uint64_t t1 = bench_now_ns();
    if (rc)
        bench_fail(why, n, "round trip failed: %s", strerror(errno));
    berth_close(g_st, a);
    berth_close(g_st, b);
    *ns = (double)(t1 - t0) / (double)iters;
    return rc;
}

static int run_socket_close(int proto, uint64_t iters, double *ns, char *why, size_t n)
{
    int type = sock_type(proto);
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        int fd = berth_socket(g_st, AF_INET, type, 0);
        if (fd < 0)
            return bench_fail(why, n, "berth_socket: %s", strerror(errno));
        if (berth_close(g_st, fd) != 0)
            return bench_fail(why, n, "berth_close: %s", strerror(errno));
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    return 0;
}

/* ---- sockets in bulk ---- */

/* Create cnt unbound sockets into fds (untimed parts of the figures). With
 * reuseport, SO_REUSEPORT is set on each. */
static int make_socks(berth_stack *st, int proto, int *fds, unsigned cnt, int reuseport, char *why,
                      size_t n)
{
    for (unsigned i = 0; i < cnt; i++)
        fds[i] = -1;
    for (unsigned i = 0; i < cnt; i++) {
        fds[i] = berth_socket(st, AF_INET, sock_type(proto), 0);
        if (fds[i] < 0)
            return bench_fail(why, n, "berth_socket #%u: %s", i, strerror(errno));
        int one = 1;
        if (reuseport &&
            berth_setsockopt(st, fds[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)
            return bench_fail(why, n, "SO_REUSEPORT: %s", strerror(errno));
    }
    return 0;
}

static void close_socks(berth_stack *st, int *fds, unsigned cnt)
{
    /* Newest first, as a program tearing down would. */
    for (unsigned i = cnt; i-- > 0;)
        if (fds[i] >= 0) {
            berth_close(st, fds[i]);
            fds[i] = -1;
        }
}

/* The timed loops. Each returns the index that failed, or -1. */

/* bind fds[i] to 127.0.0.1:(port + i), or to 127.0.0.1:port for all when
 * same_port. */
static long bind_range(berth_stack *st, const int *fds, unsigned cnt, unsigned port, int same_port)
{
    for (unsigned i = 0; i < cnt; i++) {
        struct sockaddr_in sin = lo_addr((uint16_t)(same_port ? port : port + i));
        if (berth_bind(st, fds[i], (struct sockaddr *)&sin, sizeof(sin)) != 0)
            return i;
    }
    return -1;
}

/* The timed binds only (the untimed set-up binds go through bind_range
 * directly, so that callgrind's --toggle-collect sees just these). */
__attribute__((noinline)) long bench_berth_bind_loop(berth_stack *st, const int *fds, unsigned cnt,
                                                     unsigned port, int same_port)
{
    return bind_range(st, fds, cnt, port, same_port);
}

/* bind(127.0.0.1:0) + close for each of fds, one after the other. */
__attribute__((noinline)) long bench_berth_bind0_loop(berth_stack *st, int *fds, unsigned cnt)
{
    struct sockaddr_in sin = lo_addr(0);
    for (unsigned i = 0; i < cnt; i++) {
        if (berth_bind(st, fds[i], (struct sockaddr *)&sin, sizeof(sin)) != 0)
            return i;
        berth_close(st, fds[i]);
        fds[i] = -1;
    }
    return -1;
}

/* bind(127.0.0.1:0) of one socket, iters times; each must fail EADDRINUSE. */
__attribute__((noinline)) long bench_berth_bind0_fail_loop(berth_stack *st, int fd, uint64_t iters)
{
    struct sockaddr_in sin = lo_addr(0);
    for (uint64_t i = 0; i < iters; i++)
        if (berth_bind(st, fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 || errno != EADDRINUSE)
            return (long)i;
    return -1;
}

/* connect fds[i] to 127.0.0.1:(dport + i). */
static long connect_range(berth_stack *st, const int *fds, unsigned cnt, unsigned dport)
{
    for (unsigned i = 0; i < cnt; i++) {
        struct sockaddr_in sin = lo_addr((uint16_t)(dport + i));
        if (berth_connect(st, fds[i], (struct sockaddr *)&sin, sizeof(sin)) != 0)
            return i;
    }
    return -1;
}

__attribute__((noinline)) long bench_berth_connect_loop(berth_stack *st, const int *fds,
                                                        unsigned cnt, unsigned dport)
{
    return connect_range(st, fds, cnt, dport);
}

/* ---- the state a figure keeps across runs ---- *
 *
 * bind0_*: the ephemeral range filled to the occupancy (the first k ports of
 * bench_fill_order); moving to another occupancy of the same protocol binds
 * or closes only the difference. reuseport_*: n - BENCH_REUSE_BATCH sockets
 * on BENCH_REUSE_PORT. connect_*: n connected sockets. */

enum { ST_NONE, ST_FILL, ST_REUSE, ST_CONN };
static struct {
    int kind, proto;
    unsigned n; /* ST_REUSE / ST_CONN: the figure's n */
    unsigned lo, size;
    uint32_t *order;
    int *fds;
    unsigned count;
} g_ps;

static void ps_drop(void)
{
    if (g_ps.fds)
        close_socks(g_st, g_ps.fds, g_ps.count);
    free(g_ps.fds);
    free(g_ps.order);
    memset(&g_ps, 0, sizeof(g_ps));
}

static int range_of(unsigned *lo, unsigned *hi, char *why, size_t n)
{
    char buf[64];
    if (berth_sysctl_get(g_st, "net.ipv4.ip_local_port_range", buf, sizeof(buf)) < 0 ||
        sscanf(buf, "%u %u", lo, hi) != 2 || *lo > *hi)
        return bench_fail(why, n, "net.ipv4.ip_local_port_range: %s", strerror(errno));
    return 0;
}

/* Bring g_ps to what figure f needs. */
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
    if (!g_ps.fds) {
        g_ps.kind = kind;
        g_ps.proto = f->proto;
        g_ps.n = fn;
        unsigned cap = f->n;
        if (kind == ST_FILL) {
            unsigned lo, hi;
            if (range_of(&lo, &hi, why, n) != 0)
                return -1;
            g_ps.lo = lo;
            g_ps.size = hi - lo + 1;
            g_ps.order = malloc(sizeof(*g_ps.order) * g_ps.size);
            if (!g_ps.order)
                return bench_fail(why, n, "out of memory");
            bench_fill_order(g_ps.size, g_ps.order);
            cap = g_ps.size;
        }
        g_ps.fds = malloc(sizeof(*g_ps.fds) * cap);
        if (!g_ps.fds)
            return bench_fail(why, n, "out of memory");
    }
    unsigned want = kind == ST_FILL    ? bench_fill_count(g_ps.size, f->occ)
                    : kind == ST_REUSE ? f->n - f->batch
                                       : f->n;
    if (g_ps.count > want) {
        close_socks(g_st, g_ps.fds + want, g_ps.count - want);
        g_ps.count = want;
    }
    if (g_ps.count < want) {
        unsigned add = want - g_ps.count;
        int *fds = g_ps.fds + g_ps.count;
        int rc = make_socks(g_st, f->proto, fds, add, kind == ST_REUSE, why, n);
        long bad = -1;
        if (rc == 0) {
            if (kind == ST_FILL) {
                for (unsigned i = 0; i < add; i++)
                    if (bind_range(g_st, fds + i, 1, g_ps.lo + g_ps.order[g_ps.count + i], 0) >=
                        0) {
                        bad = i;
                        break;
                    }
            } else if (kind == ST_REUSE) {
                bad = bind_range(g_st, fds, add, BENCH_REUSE_PORT, 1);
            } else {
                bad = connect_range(g_st, fds, add, BENCH_CONNECT_DPORT + g_ps.count);
            }
        }
        g_ps.count += add; /* close_socks skips the -1 slots */
        if (rc != 0)
            return -1;
        if (bad >= 0)
            return bench_fail(why, n, "setting up: socket #%ld: %s", (long)g_ps.count - add + bad,
                              strerror(errno));
    }
    return 0;
}

/* ---- the bind figures ---- */

static int run_bind_explicit(const struct figspec *f, uint64_t rounds, double *ns, char *why,
                             size_t n)
{
    int *fds = malloc(sizeof(*fds) * f->n);
    if (!fds)
        return bench_fail(why, n, "out of memory");
    uint64_t total = 0;
    int rc = 0;
    for (uint64_t r = 0; r < rounds && rc == 0; r++) {
        rc = make_socks(g_st, f->proto, fds, f->n, 0, why, n);
        if (rc == 0) {
            uint64_t t0 = bench_now_ns();
            long bad = bench_berth_bind_loop(g_st, fds, f->n, BENCH_EXPLICIT_BASE, 0);
            total += bench_now_ns() - t0;
            if (bad >= 0)
                rc = bench_fail(why, n, "berth_bind port %ld: %s", BENCH_EXPLICIT_BASE + bad,
                                strerror(errno));
        }
        close_socks(g_st, fds, f->n);
    }
    free(fds);
    *ns = (double)total / (double)(rounds * f->n);
    return rc;
}

static int run_bind0(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    int fds[BENCH_BIND0_CHUNK];
    uint64_t total = 0, done = 0;
    while (done < iters) {
        unsigned c =
            iters - done < BENCH_BIND0_CHUNK ? (unsigned)(iters - done) : BENCH_BIND0_CHUNK;
        if (make_socks(g_st, f->proto, fds, c, 0, why, n) != 0) {
            close_socks(g_st, fds, c);
            return -1;
        }
        uint64_t t0 = bench_now_ns();
        long bad = bench_berth_bind0_loop(g_st, fds, c);
        total += bench_now_ns() - t0;
        close_socks(g_st, fds, c);
        if (bad >= 0)
            return bench_fail(why, n, "bind(0) at %u/%u ports in use: %s", g_ps.count, g_ps.size,
                              strerror(errno));
        done += c;
    }
    *ns = (double)total / (double)iters;
    return 0;
}

static int run_bind0_fail(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    int fd;
    if (make_socks(g_st, f->proto, &fd, 1, 0, why, n) != 0)
        return -1;
    uint64_t t0 = bench_now_ns();
    long bad = bench_berth_bind0_fail_loop(g_st, fd, iters);
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    berth_close(g_st, fd);
    if (bad >= 0)
        return bench_fail(why, n, "bind(0) with the range full did not fail with EADDRINUSE: %s",
                          strerror(errno));
    return 0;
}

static int run_reuseport(const struct figspec *f, uint64_t rounds, double *ns, char *why, size_t n)
{
    int fds[BENCH_REUSE_BATCH];
    uint64_t total = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        int rc = make_socks(g_st, f->proto, fds, f->batch, 1, why, n);
        long bad = -1;
        if (rc == 0) {
            uint64_t t0 = bench_now_ns();
            bad = bench_berth_bind_loop(g_st, fds, f->batch, BENCH_REUSE_PORT, 1);
            total += bench_now_ns() - t0;
        }
        close_socks(g_st, fds, f->batch);
        if (rc)
            return -1;
        if (bad >= 0)
            return bench_fail(why, n, "SO_REUSEPORT bind #%ld: %s", g_ps.count + bad,
                              strerror(errno));
    }
    *ns = (double)total / (double)(rounds * f->batch);
    return 0;
}

static int run_connect(const struct figspec *f, uint64_t rounds, double *ns, char *why, size_t n)
{
    int fds[BENCH_CONNECT_BATCH];
    uint64_t total = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        int rc = make_socks(g_st, f->proto, fds, f->batch, 0, why, n);
        long bad = -1;
        if (rc == 0) {
            uint64_t t0 = bench_now_ns();
            bad = bench_berth_connect_loop(g_st, fds, f->batch, BENCH_CONNECT_DPORT + f->n);
            total += bench_now_ns() - t0;
        }
        close_socks(g_st, fds, f->batch);
        if (rc)
            return -1;
        if (bad >= 0)
            return bench_fail(why, n, "connect #%ld: %s", f->n + bad, strerror(errno));
    }
    *ns = (double)total / (double)(rounds * f->batch);
    return 0;
}

/* ---- TCP on loopback ---- */

/* A listener on addr:port (SO_REUSEADDR, backlog 128). */
static int tcp_listener(berth_stack *st, struct in_addr addr, uint16_t port, char *why, size_t n)
{
    int fd = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return bench_fail(why, n, "berth_socket: %s", strerror(errno));
    int one = 1;
    struct sockaddr_in sin = lo_addr(port);
    sin.sin_addr = addr;
    if (berth_setsockopt(st, fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        berth_bind(st, fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        berth_listen(st, fd, 128) != 0) {
        bench_fail(why, n, "TCP listener on port %u: %s", port, strerror(errno));
        berth_close(st, fd);
        return -1;
    }
    return fd;
}

/* A listener on the loopback address of the family. */
static int lo_listener(unsigned v6, uint16_t port, char *why, size_t n)
{
    if (!v6) {
        struct in_addr lo = {htonl(INADDR_LOOPBACK)};
        return tcp_listener(g_st, lo, port, why, n);
    }
    int fd = berth_socket(g_st, AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return bench_fail(why, n, "berth_socket: %s", strerror(errno));
    int one = 1;
    struct sockaddr_storage ss;
    socklen_t sl = bench_lo_addr(1, port, &ss);
    if (berth_setsockopt(g_st, fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        berth_bind(g_st, fd, (struct sockaddr *)&ss, sl) != 0 || berth_listen(g_st, fd, 128) != 0) {
        bench_fail(why, n, "TCP listener on [::1]:%u: %s", port, strerror(errno));
        berth_close(g_st, fd);
        return -1;
    }
    return fd;
}

/* Connect a new socket to *to and accept it on lfd: *c, *s. */
static int tcp_pair_sa(berth_stack *st, int lfd, const struct sockaddr *to, socklen_t tolen, int *c,
                       int *s, char *why, size_t n)
{
    *c = berth_socket(st, to->sa_family, SOCK_STREAM, 0);
    if (*c < 0)
        return bench_fail(why, n, "berth_socket: %s", strerror(errno));
    if (berth_connect(st, *c, to, tolen) != 0) {
        bench_fail(why, n, "berth_connect: %s", strerror(errno));
        berth_close(st, *c);
        return -1;
    }
    *s = berth_accept4(st, lfd, NULL, NULL, 0);
    if (*s < 0) {
        bench_fail(why, n, "berth_accept4: %s", strerror(errno));
        berth_close(st, *c);
        return -1;
    }
    return 0;
}

static int tcp_pair(berth_stack *st, int lfd, const struct sockaddr_in *to, int *c, int *s,
                    char *why, size_t n)
{
    return tcp_pair_sa(st, lfd, (const struct sockaddr *)to, sizeof(*to), c, s, why, n);
}

/* One thread moves `bytes` from c to s: non-blocking sends of what is left
 * of the current BENCH_TCP_WRITE-byte write until the send buffer is full,
 * then non-blocking reads of BENCH_TCP_WRITE bytes until the receive queue
 * is empty, and again. (Loopback segments are delivered before send
 * returns.) Should neither side move — data held for a timer — it blocks
 * in poll. 0, or -1 with errno. */
__attribute__((noinline)) int bench_berth_tcp_bulk_loop(berth_stack *st, int c, int s,
                                                        uint64_t bytes, const char *buf, char *rbuf)
{
    uint64_t sent = 0, got = 0;
    size_t off = 0;
    while (got < bytes) {
        int moved = 0;
        while (sent < bytes) {
            size_t len = BENCH_TCP_WRITE - off;
            if (len > bytes - sent)
                len = (size_t)(bytes - sent);
            ssize_t w = berth_send(st, c, buf + off, len, MSG_DONTWAIT);
            if (w < 0) {
                if (errno == EAGAIN)
                    break;
                return -1;
            }
            moved = 1;
            sent += (uint64_t)w;
            off = (off + (size_t)w) % BENCH_TCP_WRITE;
            if ((size_t)w < len)
                break;
        }
        for (;;) {
            ssize_t r = berth_recv(st, s, rbuf, BENCH_TCP_WRITE, MSG_DONTWAIT);
            if (r < 0) {
                if (errno == EAGAIN)
                    break;
                return -1;
            }
            if (r == 0) {
                errno = EPIPE;
                return -1;
            }
            moved = 1;
            got += (uint64_t)r;
        }
        if (!moved) {
            struct pollfd pfd[2] = {{.fd = s, .events = POLLIN}, {.fd = c, .events = POLLOUT}};
            if (berth_poll(st, pfd, sent < bytes ? 2 : 1, 1000) <= 0) {
                if (errno == 0)
                    errno = ETIMEDOUT;
                return -1;
            }
        }
    }
    return 0;
}

static int run_tcp_bulk(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    int lfd = lo_listener(f->v6, BENCH_TCP_LISTEN_PORT, why, n);
    if (lfd < 0)
        return -1;
    struct sockaddr_storage to;
    socklen_t tolen = bench_lo_addr(f->v6, BENCH_TCP_LISTEN_PORT, &to);
    int c, s, rc = -1;
    char *buf = malloc(BENCH_TCP_WRITE), *rbuf = malloc(BENCH_TCP_WRITE);
    if (!buf || !rbuf) {
        bench_fail(why, n, "out of memory");
        goto out;
    }
    memset(buf, 'x', BENCH_TCP_WRITE);
    if (tcp_pair_sa(g_st, lfd, (struct sockaddr *)&to, tolen, &c, &s, why, n) != 0)
        goto out;
    uint64_t bytes = (uint64_t)f->n * iters << 20;
    uint64_t t0 = bench_now_ns();
    rc = bench_berth_tcp_bulk_loop(g_st, c, s, bytes, buf, rbuf);
    uint64_t t1 = bench_now_ns();
    if (rc)
        bench_fail(why, n, "TCP bulk transfer failed: %s", strerror(errno));
    *ns = (double)(t1 - t0) / (double)(f->n * iters);
    berth_close(g_st, c);
    berth_close(g_st, s);
out:
    free(buf);
    free(rbuf);
    berth_close(g_st, lfd);
    return rc;
}

/* connect + accept + close (the client first, then the accepted socket),
 * iters times; connection k goes to listener k % BENCH_TCP_NLISTEN. On
 * loopback every segment is delivered before the call that sent it
 * returns, so when close(s) returns the client is in TIME_WAIT and the
 * server's socket is gone (its last ACK came back). */
__attribute__((noinline)) int bench_berth_tcp_conn_loop(berth_stack *st, const int *lfd,
                                                        const struct sockaddr_storage *to,
                                                        socklen_t tolen, uint64_t iters,
                                                        uint64_t *k)
{
    for (uint64_t i = 0; i < iters; i++, (*k)++) {
        unsigned l = (unsigned)(*k % BENCH_TCP_NLISTEN);
        int c = berth_socket(st, to[l].ss_family, SOCK_STREAM, 0);
        if (c < 0)
            return -1;
        if (berth_connect(st, c, (const struct sockaddr *)&to[l], tolen) != 0) {
            int e = errno;
            berth_close(st, c);
            errno = e;
            return -1;
        }
        int s = berth_accept4(st, lfd[l], NULL, NULL, 0);
        if (s < 0)
            return -1;
        if (berth_close(st, c) != 0 || berth_close(st, s) != 0)
            return -1;
    }
    return 0;
}

static int run_tcp_conn(unsigned v6, uint64_t iters, double *ns, char *why, size_t n)
{
    static uint64_t k; /* across runs: the listeners take turns */
    int lfd[BENCH_TCP_NLISTEN];
    struct sockaddr_storage to[BENCH_TCP_NLISTEN];
    socklen_t tolen = 0;
    int rc = -1;
    unsigned nl = 0;
    for (; nl < BENCH_TCP_NLISTEN; nl++) {
        lfd[nl] = lo_listener(v6, (uint16_t)(BENCH_TCP_LISTEN_PORT + nl), why, n);
        if (lfd[nl] < 0)
            goto out;
        tolen = bench_lo_addr(v6, (uint16_t)(BENCH_TCP_LISTEN_PORT + nl), &to[nl]);
    }
    uint64_t t0 = bench_now_ns();
    rc = bench_berth_tcp_conn_loop(g_st, lfd, to, tolen, iters, &k);
    uint64_t t1 = bench_now_ns();
    if (rc)
        bench_fail(why, n, "connection %llu: %s", (unsigned long long)k, strerror(errno));
    *ns = (double)(t1 - t0) / (double)iters;
out:
    while (nl-- > 0)
        berth_close(g_st, lfd[nl]);
    return rc;
}

/* ---- RAM: a platform that counts what the stack allocates ---- */

struct count_ctx {
    struct berth_platform inner;
    size_t live;    /* bytes requested and not yet freed */
    size_t nallocs; /* live allocations */
};

/* A header in front of every block keeps the requested size (16 bytes, so
 * the block stays aligned for any type). */
#define COUNT_HDR 16

static struct berth_platform *inner(void *c) { return &((struct count_ctx *)c)->inner; }
static uint64_t cnt_now(void *c) { return inner(c)->now_us(inner(c)->ctx); }
static void cnt_lock(void *c) { inner(c)->lock(inner(c)->ctx); }
static void cnt_unlock(void *c) { inner(c)->unlock(inner(c)->ctx); }
static int cnt_wait(void *c, struct berth_stack *st, uint64_t d)
{
    return inner(c)->wait(inner(c)->ctx, st, d);
}
static void cnt_wake(void *c) { inner(c)->wake(inner(c)->ctx); }
static void cnt_random(void *c, void *buf, size_t n) { inner(c)->random(inner(c)->ctx, buf, n); }
static void *cnt_alloc(void *c, size_t n)
{
    struct count_ctx *cc = c;
    unsigned char *p = malloc(n + COUNT_HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    cc->live += n;
    cc->nallocs++;
    return p + COUNT_HDR;
}
static void cnt_free(void *c, void *q)
{
    struct count_ctx *cc = c;
    if (!q)
        return;
    unsigned char *p = (unsigned char *)q - COUNT_HDR;
    size_t n;
    memcpy(&n, p, sizeof(n));
    cc->live -= n;
    cc->nallocs--;
    free(p);
}

static struct berth_platform count_platform(struct count_ctx *cc)
{
    struct berth_platform plat = {.ctx = cc,
                                  .now_us = cnt_now,
                                  .lock = cnt_lock,
                                  .unlock = cnt_unlock,
                                  .wait = cnt_wait,
                                  .wake = cnt_wake,
                                  .random = cnt_random,
                                  .alloc = cnt_alloc,
                                  .free = cnt_free};
    return plat;
}

/* Bytes per socket: BENCH_NSOCK sockets of proto, bound to explicit ports
 * when bind. */
static int run_ram(int proto, int bind, double *bytes, char *note, char *why, size_t n)
{
    struct count_ctx cc = {0};
    int e = berth_platform_posix(&cc.inner);
    if (e)
        return bench_fail(why, n, "berth_platform_posix: %s", strerror(e));
    struct berth_platform plat = count_platform(&cc);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.max_fds = 4096;
    berth_stack *st = berth_stack_new(&cfg);
    int rc = -1;
    static int fds[BENCH_NSOCK];
    if (!st) {
        bench_fail(why, n, "berth_stack_new: %s", strerror(errno));
        goto out;
    }
    size_t base = cc.live, base_n = cc.nallocs;
    struct mallinfo2 m0 = mallinfo2();
    if (make_socks(st, proto, fds, BENCH_NSOCK, 0, why, n) == 0 &&
        (!bind || bind_range(st, fds, BENCH_NSOCK, BENCH_EXPLICIT_BASE, 0) < 0)) {
        struct mallinfo2 m1 = mallinfo2();
        size_t used = cc.live - base, blocks = cc.nallocs - base_n;
        *bytes = (double)used / BENCH_NSOCK;
        /* glibc's view, minus our own headers; meaningless when malloc is
         * not glibc's (valgrind, sanitizers). */
        char heap[64] = "glibc chunk overhead unknown";
        if (m1.uordblks >= m0.uordblks + blocks * COUNT_HDR + used)
            snprintf(heap, sizeof(heap), "%.0f B with glibc chunk overhead",
                     (double)(m1.uordblks - m0.uordblks - blocks * COUNT_HDR) / BENCH_NSOCK);
        snprintf(note, BENCH_NOTE,
                 "berth: bytes requested from the platform allocator for %d %s sockets%s / %d "
                 "(%.1f blocks each; %s, mallinfo2; the fd table, 8 B x max_fds, is allocated "
                 "with the stack)",
                 BENCH_NSOCK, proto == IPPROTO_TCP ? "TCP" : "UDP",
                 bind ? " bound to explicit ports" : ", unbound", BENCH_NSOCK,
                 (double)blocks / BENCH_NSOCK, heap);
        rc = 0;
    } else if (bind) {
        bench_fail(why, n, "berth_bind: %s", strerror(errno));
    }
    close_socks(st, fds, BENCH_NSOCK);
    berth_stack_free(st);
out:
    berth_platform_posix_release(&cc.inner);
    return rc;
}

/* TCP RAM on a counting stack: a listener on 127.0.0.1, then
 * BENCH_TCP_NCONN loopback connections (connect + accept, default buffers,
 * no data). OP_RAM_EST: the bytes they added / (2 x BENCH_TCP_NCONN), both
 * endpoints counted separately. OP_RAM_TW: close every client, then every
 * accepted socket (the clients go to TIME_WAIT, the servers are freed when
 * their FIN is acknowledged); the bytes left / BENCH_TCP_NCONN. */
static int run_ram_tcp(int op, double *bytes, char *note, char *why, size_t n)
{
    struct count_ctx cc = {0};
    int e = berth_platform_posix(&cc.inner);
    if (e)
        return bench_fail(why, n, "berth_platform_posix: %s", strerror(e));
    struct berth_platform plat = count_platform(&cc);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.max_fds = 4096;
    berth_stack *st = berth_stack_new(&cfg);
    static int cfd[BENCH_TCP_NCONN], sfd[BENCH_TCP_NCONN];
    int rc = -1, lfd = -1;
    unsigned made = 0;
    if (!st) {
        bench_fail(why, n, "berth_stack_new: %s", strerror(errno));
        goto out;
    }
    struct in_addr lo = {htonl(INADDR_LOOPBACK)};
    lfd = tcp_listener(st, lo, BENCH_TCP_LISTEN_PORT, why, n);
    if (lfd < 0)
        goto out;
    struct sockaddr_in to = lo_addr(BENCH_TCP_LISTEN_PORT);
    size_t base = cc.live, base_n = cc.nallocs;
    for (; made < BENCH_TCP_NCONN; made++)
        if (tcp_pair(st, lfd, &to, &cfd[made], &sfd[made], why, n) != 0)
            goto out;
    size_t est = cc.live - base, est_n = cc.nallocs - base_n;
    for (unsigned i = 0; i < made; i++)
        berth_close(st, cfd[i]);
    for (unsigned i = 0; i < made; i++)
        berth_close(st, sfd[i]);
    size_t tw = cc.live - base, tw_n = cc.nallocs - base_n;
    made = 0;
    if (op == OP_RAM_EST) {
        *bytes = (double)est / (2.0 * BENCH_TCP_NCONN);
        snprintf(note, BENCH_NOTE,
                 "berth: bytes requested from the platform allocator by %d idle loopback "
                 "connections (connect + accept, default buffers, no data: buffer chunks are "
                 "allocated only as bytes arrive) / %d endpoints (%.1f blocks each; includes the "
                 "established-table growth)",
                 BENCH_TCP_NCONN, 2 * BENCH_TCP_NCONN, (double)est_n / (2.0 * BENCH_TCP_NCONN));
    } else {
        *bytes = (double)tw / BENCH_TCP_NCONN;
        snprintf(note, BENCH_NOTE,
                 "berth: bytes left with the platform allocator after %d loopback connections "
                 "were closed (client first: %d TIME_WAIT entries, the servers' sockets freed) / "
                 "%d (%.2f blocks each: the 72-B entry, which is also the bind-table owner of "
                 "its ephemeral port, and amortized port-index leaves and established-table "
                 "growth)",
                 BENCH_TCP_NCONN, BENCH_TCP_NCONN, BENCH_TCP_NCONN, (double)tw_n / BENCH_TCP_NCONN);
    }
    rc = 0;
out:
    for (unsigned i = 0; i < made; i++) {
        berth_close(st, cfd[i]);
        berth_close(st, sfd[i]);
    }
    if (st) {
        if (lfd >= 0)
            berth_close(st, lfd);
        berth_stack_free(st);
    }
    berth_platform_posix_release(&cc.inner);
    return rc;
}

/* ---- vlink: two simulated hosts on a zero-latency wire ---- */

#if BERTH_WITH_SIM
/* Two hosts, a (192.0.2.1) and b (192.0.2.2), on a zero-latency,
 * infinite-bandwidth vlink, MTU 1500: documentation addresses of hosts that
 * exist only inside this process. Returns the simulation (the caller frees
 * it, with the hosts and their sockets), NULL with `why` filled. */
static berth_sim *two_hosts(berth_stack **ha, berth_stack **hb, struct in_addr *a_addr,
                            struct in_addr *b_addr, char *why, size_t n)
{
    berth_sim *sim = berth_sim_new(1);
    if (!sim) {
        bench_fail(why, n, "berth_sim_new: %s", strerror(errno));
        return NULL;
    }
    *ha = berth_sim_add_host(sim, "a", NULL);
    *hb = berth_sim_add_host(sim, "b", NULL);
    struct berth_link_params lp;
    berth_link_params_init(&lp);
    lp.latency_us = 0;
    lp.jitter_us = 0;
    lp.bandwidth_bps = 0;
    berth_vlink *link = *ha && *hb ? berth_vlink_new(sim, &lp) : NULL;
    berth_netif *ia = link ? berth_vlink_attach(link, *ha, "eth0", 1500) : NULL;
    berth_netif *ib = link ? berth_vlink_attach(link, *hb, "eth0", 1500) : NULL;
    if (!ia || !ib) {
        bench_fail(why, n, "simulation setup failed: %s", strerror(errno));
        berth_sim_free(sim);
        return NULL;
    }
    inet_pton(AF_INET, "192.0.2.1", a_addr);
    inet_pton(AF_INET, "192.0.2.2", b_addr);
    if (berth_netif_addr_add(ia, *a_addr, 24) || berth_netif_addr_add(ib, *b_addr, 24)) {
        bench_fail(why, n, "berth_netif_addr_add: %s", strerror(errno));
        berth_sim_free(sim);
        return NULL;
    }
    return sim;
}

static int run_vlink(uint64_t iters, double *ns, char *why, size_t n)
{
    int rc = -1;
    berth_stack *ha, *hb;
    struct in_addr a_addr, b_addr;
    berth_sim *sim = two_hosts(&ha, &hb, &a_addr, &b_addr, why, n);
    if (!sim)
        return -1;
    struct sockaddr_in sa, sb;
    int a = bound_socket(ha, a_addr, &sa, why, n);
    int b = a < 0 ? -1 : bound_socket(hb, b_addr, &sb, why, n);
    if (a < 0 || b < 0)
        goto out;
    /* A broken simulation must not hang the benchmark: 1 s of virtual time. */
    struct timeval tv = {.tv_sec = 1};
    berth_setsockopt(ha, a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    berth_setsockopt(hb, b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char out[BENCH_PAYLOAD], in[2048];
    memset(out, 'x', sizeof(out));
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof(from);
        if (berth_sendto(ha, a, out, sizeof(out), 0, (struct sockaddr *)&sb, sizeof(sb)) !=
                BENCH_PAYLOAD ||
            berth_recvfrom(hb, b, in, sizeof(in), 0, (struct sockaddr *)&from, &fromlen) !=
                BENCH_PAYLOAD ||
            berth_sendto(hb, b, in, BENCH_PAYLOAD, 0, (struct sockaddr *)&from, fromlen) !=
                BENCH_PAYLOAD ||
            berth_recvfrom(ha, a, in, sizeof(in), 0, NULL, NULL) != BENCH_PAYLOAD) {
            bench_fail(why, n, "vlink round trip %llu failed: %s", (unsigned long long)i,
                       strerror(errno));
            goto out;
        }
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    rc = 0;
out:
    berth_sim_free(sim); /* frees the hosts and their sockets */
    return rc;
}

/* TCP bulk between two simulated hosts: a's blocking sends run the
 * simulation; b's application callback drains its socket after every
 * event. */
struct vl_rx {
    int fd;
    uint64_t got;
    int err;
    char *buf;
};

static void vl_drain(void *arg, berth_stack *host)
{
    struct vl_rx *r = arg;
    for (;;) {
        ssize_t k = berth_recv(host, r->fd, r->buf, BENCH_TCP_WRITE, MSG_DONTWAIT);
        if (k > 0) {
            r->got += (uint64_t)k;
            continue;
        }
        if (k == 0 || errno != EAGAIN)
            r->err = k == 0 ? EPIPE : errno;
        return;
    }
}

static int run_tcp_vlink(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    int rc = -1;
    char *buf = malloc(BENCH_TCP_WRITE);
    struct vl_rx rx = {.fd = -1, .buf = malloc(BENCH_TCP_WRITE)};
    berth_stack *ha, *hb;
    struct in_addr a_addr, b_addr;
    berth_sim *sim = NULL;
    if (!buf || !rx.buf) {
        bench_fail(why, n, "malloc: %s", strerror(errno));
        goto out;
    }
    sim = two_hosts(&ha, &hb, &a_addr, &b_addr, why, n);
    if (!sim)
        goto out;
    memset(buf, 'x', BENCH_TCP_WRITE);
    int lfd = tcp_listener(hb, b_addr, BENCH_TCP_LISTEN_PORT, why, n);
    if (lfd < 0)
        goto out;
    struct sockaddr_in to = lo_addr(BENCH_TCP_LISTEN_PORT);
    to.sin_addr = b_addr;
    /* The hosts and their sockets go with sim. */
    int c = berth_socket(ha, AF_INET, SOCK_STREAM, 0);
    if (c < 0 || berth_connect(ha, c, (struct sockaddr *)&to, sizeof(to)) != 0) {
        bench_fail(why, n, "vlink connect: %s", strerror(errno));
        goto out;
    }
    int s = berth_accept4(hb, lfd, NULL, NULL, 0);
    if (s < 0) {
        bench_fail(why, n, "vlink accept: %s", strerror(errno));
        goto out;
    }
    /* A broken simulation must not hang the benchmark: 1 s of virtual time. */
    struct timeval tv = {.tv_sec = 1};
    berth_setsockopt(ha, c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    berth_setsockopt(hb, s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    rx.fd = s;
    uint64_t bytes = (uint64_t)f->n * iters << 20, sent = 0;
    uint64_t t0 = bench_now_ns();
    berth_sim_set_app(sim, hb, vl_drain, &rx);
    while (sent < bytes && !rx.err) {
        size_t len = bytes - sent < BENCH_TCP_WRITE ? (size_t)(bytes - sent) : BENCH_TCP_WRITE;
        ssize_t w = berth_send(ha, c, buf, len, 0);
        if (w <= 0) {
            bench_fail(why, n, "vlink send at %llu bytes: %s", (unsigned long long)sent,
                       strerror(errno));
            goto out;
        }
        sent += (uint64_t)w;
    }
    berth_sim_set_app(sim, hb, NULL, NULL);
    while (rx.got < bytes && !rx.err) {
        ssize_t k = berth_recv(hb, s, rx.buf, BENCH_TCP_WRITE, 0);
        if (k <= 0) {
            rx.err = k == 0 ? EPIPE : errno;
            break;
        }
        rx.got += (uint64_t)k;
    }
    uint64_t t1 = bench_now_ns();
    if (rx.err) {
        bench_fail(why, n, "vlink receive at %llu bytes: %s", (unsigned long long)rx.got,
                   strerror(rx.err));
        goto out;
    }
    *ns = (double)(t1 - t0) / (double)(f->n * iters);
    rc = 0;
out:
    if (sim)
        berth_sim_free(sim);
    free(buf);
    free(rx.buf);
    return rc;
}
#endif

/* ---- tcp_bulk_tap_MBps: berth <-> the kernel over a TAP device ---- *
 *
 * A thread moves into a new network namespace (unshare(CLONE_NEWNET)),
 * creates the TAP device there through berth_tap_attach (create, no_thread),
 * addresses the kernel's side (192.0.2.1/24) and berth's (192.0.2.2/24),
 * and opens the kernel's listener; then it exits. The namespace lives as
 * long as the listener and the TAP descriptor, which tap_drop() closes (and
 * the kernel closes for us should the bench die). Each run: a far-end
 * thread (wire.c) serves one connection with kernel sockets; this thread
 * drives berth alone — berth_tap_service() when the TAP descriptor is
 * readable, non-blocking berth_send/berth_recv, and ppoll() on the
 * descriptor until the stack's next timer when nothing moved. */
#if BERTH_WITH_TAP && BERTH_WITH_TCP
#define TAP_DEV "bbench0"
#define TAP_KERNEL_ADDR "192.0.2.1"
#define TAP_BERTH_ADDR "192.0.2.2"

static struct {
    int built;
    berth_stack *st;
    berth_netif *ifp;
    int tfd, lfd;
    struct bench_wire_stats ws;
} g_tap = {.tfd = -1, .lfd = -1};

struct tap_setup {
    int rc, na;
    char why[BENCH_WHY];
};

static void tap_drop(void)
{
    if (g_tap.st)
        berth_stack_free(g_tap.st); /* closes the TAP: the device goes */
    if (g_tap.lfd >= 0)
        close(g_tap.lfd); /* the last reference to the namespace */
    memset(&g_tap, 0, sizeof(g_tap));
    g_tap.tfd = g_tap.lfd = -1;
}

static void *tap_setup_thread(void *arg)
{
    struct tap_setup *ts = arg;
    ts->rc = -1;
    if (unshare(CLONE_NEWNET) != 0) {
        int e = errno;
        ts->na = 1;
        snprintf(ts->why, sizeof(ts->why), "unshare(CLONE_NEWNET): %s%s", strerror(e),
                 e == EPERM ? " (needs root)" : "");
        return NULL;
    }
    bench_no_ipv6();
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.name = "bench-tap";
    g_tap.st = berth_stack_new(&cfg);
    if (!g_tap.st) {
        snprintf(ts->why, sizeof(ts->why), "berth_stack_new: %s", strerror(errno));
        return NULL;
    }
    struct berth_tap_config tc;
    berth_tap_config_init(&tc);
    tc.create = true;
    tc.no_thread = true;
    g_tap.ifp = berth_tap_attach(g_tap.st, TAP_DEV, &tc);
    if (!g_tap.ifp) {
        int e = errno;
        ts->na = e == ENOENT || e == EACCES || e == EPERM;
        snprintf(ts->why, sizeof(ts->why), "berth_tap_attach(%s): %s%s", TAP_DEV, strerror(e),
                 e == ENOENT ? " (no /dev/net/tun)" : "");
        return NULL;
    }
    g_tap.tfd = berth_tap_fd(g_tap.ifp);
    /* From here on the kernel's side: a failure is the environment's (n/a). */
    ts->na = 1;
    int ks = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (ks < 0) {
        snprintf(ts->why, sizeof(ts->why), "socket: %s", strerror(errno));
        return NULL;
    }
    int rc = bench_if_config(ks, TAP_DEV, TAP_KERNEL_ADDR, 24, ts->why, sizeof(ts->why));
    close(ks);
    if (rc)
        return NULL;
    struct in_addr a;
    inet_pton(AF_INET, TAP_BERTH_ADDR, &a);
    if (berth_netif_addr_add(g_tap.ifp, a, 24) != 0 || berth_netif_set_up(g_tap.ifp, true) != 0) {
        ts->na = 0;
        snprintf(ts->why, sizeof(ts->why), "berth: address/up on %s: %s", TAP_DEV, strerror(errno));
        return NULL;
    }
    g_tap.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in sin = lo_addr(BENCH_TCP_LISTEN_PORT);
    inet_pton(AF_INET, TAP_KERNEL_ADDR, &sin.sin_addr);
    if (g_tap.lfd < 0 || setsockopt(g_tap.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(g_tap.lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(g_tap.lfd, 128) != 0 ||
        bench_set_timeouts(g_tap.lfd, BENCH_WIRE_TIMEOUT_S) != 0) {
        snprintf(ts->why, sizeof(ts->why), "kernel listener on %s:%d: %s", TAP_KERNEL_ADDR,
                 BENCH_TCP_LISTEN_PORT, strerror(errno));
        return NULL;
    }
    ts->rc = 0;
    return NULL;
}

static int tap_build(char *why, size_t n)
{
    struct tap_setup ts;
    memset(&ts, 0, sizeof(ts));
    pthread_t th;
    int e = pthread_create(&th, NULL, tap_setup_thread, &ts);
    if (e)
        return bench_fail(why, n, "pthread_create: %s", strerror(e));
    pthread_join(th, NULL);
    if (ts.rc != 0) {
        tap_drop();
        snprintf(why, n, "%s", ts.why);
        return ts.na ? BENCH_NA : -1;
    }
    g_tap.built = 1;
    return 0;
}

/* Nothing moved: sleep in ppoll() on the TAP descriptor until a frame
 * comes, the stack's next timer, or limit_ns. */
static void tap_wait(uint64_t limit_ns)
{
    uint64_t next = berth_tap_next_deadline(g_tap.ifp); /* us, CLOCK_MONOTONIC */
    uint64_t until = limit_ns;
    if (next != BERTH_FOREVER && next * 1000u < until)
        until = next * 1000u;
    uint64_t now = bench_now_ns(), d = until > now ? until - now : 0;
    struct timespec ts = {.tv_sec = (time_t)(d / 1000000000u), .tv_nsec = (long)(d % 1000000000u)};
    struct pollfd pf = {.fd = g_tap.tfd, .events = POLLIN};
    ppoll(&pf, 1, &ts, NULL);
}

/* Connect c (non-blocking) to the kernel's listener, servicing the TAP. */
static int tap_connect(int c, uint64_t limit_ns)
{
    struct sockaddr_in to = lo_addr(BENCH_TCP_LISTEN_PORT);
    inet_pton(AF_INET, TAP_KERNEL_ADDR, &to.sin_addr);
    if (berth_connect(g_tap.st, c, (struct sockaddr *)&to, sizeof(to)) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return -1;
    for (;;) {
        if (berth_tap_service(g_tap.ifp) < 0)
            return -1;
        struct pollfd pf = {.fd = c, .events = POLLOUT};
        if (berth_poll(g_tap.st, &pf, 1, 0) > 0)
            break;
        if (bench_now_ns() > limit_ns) {
            errno = ETIMEDOUT;
            return -1;
        }
        tap_wait(limit_ns);
    }
    int err = 0;
    socklen_t len = sizeof(err);
    if (berth_getsockopt(g_tap.st, c, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return -1;
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

/* Send `bytes` on c, then receive `bytes` (the far end sends them once it
 * has all of ours), in one loop: service the TAP, send what the send
 * buffer takes, read what has arrived; wait only when none of the three
 * moved. *t2_end: when the last byte was read. 0, or -1 with errno (and
 * *where: bytes sent or received so far). */
__attribute__((noinline)) int bench_berth_tcp_tap_loop(berth_stack *st, berth_netif *ifp, int c,
                                                       uint64_t bytes, const char *buf, char *rbuf,
                                                       uint64_t limit_ns, uint64_t *t2_end,
                                                       uint64_t *where)
{
    uint64_t sent = 0, got = 0;
    size_t off = 0;
    while (got < bytes) {
        int moved = berth_tap_service(ifp);
        if (moved < 0)
            return -1;
        while (sent < bytes) {
            size_t len = BENCH_TCP_WRITE - off;
            if (len > bytes - sent)
                len = (size_t)(bytes - sent);
            ssize_t w = berth_send(st, c, buf + off, len, MSG_DONTWAIT);
            if (w < 0) {
                if (errno == EAGAIN)
                    break;
                *where = sent;
                return -1;
            }
            moved = 1;
            sent += (uint64_t)w;
            off = (off + (size_t)w) % BENCH_TCP_WRITE;
            if ((size_t)w < len)
                break;
        }
        while (got < bytes) { /* not further: the far end's FIN follows its data */
            ssize_t r = berth_recv(st, c, rbuf, BENCH_TCP_WRITE, MSG_DONTWAIT);
            if (r < 0) {
                if (errno == EAGAIN)
                    break;
                *where = got;
                return -1;
            }
            if (r == 0) {
                *where = got;
                errno = EPIPE;
                return -1;
            }
            moved = 1;
            got += (uint64_t)r;
        }
        if (!moved) {
            if (bench_now_ns() > limit_ns) {
                *where = sent < bytes ? sent : got;
                errno = ETIMEDOUT;
                return -1;
            }
            tap_wait(limit_ns);
        }
    }
    *t2_end = bench_now_ns();
    return 0;
}

static int run_tcp_tap(const struct figspec *f, uint64_t iters, double *ns, char *note, char *why,
                       size_t n)
{
    if (!g_tap.built) {
        int rc = tap_build(why, n);
        if (rc != 0)
            return rc;
    }
    if (iters == 0) {
        memset(&g_tap.ws, 0, sizeof(g_tap.ws));
        g_tap.ws.skip = 1;
        return 0;
    }
    char *buf = malloc(BENCH_TCP_WRITE), *rbuf = malloc(BENCH_TCP_WRITE);
    int rc = -1;
    uint64_t total = 0;
    if (!buf || !rbuf) {
        bench_fail(why, n, "out of memory");
        goto out;
    }
    memset(buf, 'x', BENCH_TCP_WRITE);
    for (uint64_t it = 0; it < iters; it++) {
        struct bench_wire w;
        memset(&w, 0, sizeof(w));
        w.lfd = g_tap.lfd;
        w.sfd = -1;
        w.bytes = (uint64_t)f->n << 20;
        pthread_t th;
        int e = pthread_create(&th, NULL, bench_wire_far_side, &w);
        if (e) {
            bench_fail(why, n, "pthread_create: %s", strerror(e));
            goto out;
        }
        uint64_t limit = bench_now_ns() + BENCH_WIRE_TIMEOUT_S * 1000000000ull;
        int c = berth_socket(g_tap.st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int lrc = c < 0 ? -1 : tap_connect(c, limit);
        uint64_t t1_start = bench_now_ns(), t2_end = 0, where = 0;
        if (lrc == 0) {
            lrc = bench_berth_tcp_tap_loop(g_tap.st, g_tap.ifp, c, w.bytes, buf, rbuf, limit,
                                           &t2_end, &where);
            if (lrc)
                bench_fail(why, n, "berth over TAP: transfer failed at %llu bytes: %s",
                           (unsigned long long)where, strerror(errno));
        } else {
            bench_fail(why, n, "berth over TAP: connect to %s: %s", TAP_KERNEL_ADDR,
                       strerror(errno));
        }
        struct tcp_info ti;
        socklen_t tlen = sizeof(ti);
        memset(&ti, 0, sizeof(ti));
        long retrans =
            c >= 0 && berth_getsockopt(g_tap.st, c, IPPROTO_TCP, TCP_INFO, &ti, &tlen) == 0
                ? (long)ti.tcpi_total_retrans
                : -1;
        if (lrc)
            bench_wire_abort(&w);
        pthread_join(th, NULL);
        if (c >= 0)
            berth_close(g_tap.st, c);
        if (lrc)
            goto out;
        if (w.rc) {
            snprintf(why, n, "%s", w.why);
            goto out;
        }
        uint64_t d1 = w.t1_end - t1_start, d2 = t2_end - w.t2_start;
        total += d1 + d2;
        bench_wire_record(&g_tap.ws, (double)f->n * 1e9 / (double)d1,
                          (double)f->n * 1e9 / (double)d2, retrans, w.retrans);
    }
    *ns = (double)total / (double)(2 * f->n * iters);
    rc = 0;
    if (g_tap.ws.n) {
        double m1, m2;
        bench_wire_medians(&g_tap.ws, &m1, &m2);
        snprintf(note, BENCH_NOTE,
                 "berth: berth<->kernel over a TAP device (berth_tap_attach, no_thread: one "
                 "thread polls the TAP fd and calls berth_tap_service), %s <-> %s, MTU %u, "
                 "%u MiB each way per run: berth->kernel %.0f MBps, kernel->berth %.0f MBps "
                 "(medians of %u runs; the figure is 2 x %u MiB / the time of both); segments "
                 "retransmitted in those runs: by berth %llu, by the kernel %llu",
                 TAP_BERTH_ADDR, TAP_KERNEL_ADDR, berth_netif_mtu(g_tap.ifp), f->n, m1, m2,
                 g_tap.ws.n, f->n, (unsigned long long)g_tap.ws.retrans_near,
                 (unsigned long long)g_tap.ws.retrans_far);
    }
out:
    free(buf);
    free(rbuf);
    return rc;
}
#endif

#if BERTH_WITH_UNIX
/* The AF_UNIX figures' calls: berth_* on the bench stack. */
static int bu_socket(int d, int t, int p) { return berth_socket(g_st, d, t, p); }
static int bu_socketpair(int d, int t, int p, int sv[2])
{
    return berth_socketpair(g_st, d, t, p, sv);
}
static int bu_bind(int fd, const struct sockaddr *a, socklen_t l)
{
    return berth_bind(g_st, fd, a, l);
}
static int bu_connect(int fd, const struct sockaddr *a, socklen_t l)
{
    return berth_connect(g_st, fd, a, l);
}
static int bu_listen(int fd, int b) { return berth_listen(g_st, fd, b); }
static int bu_accept(int fd, struct sockaddr *a, socklen_t *l)
{
    return berth_accept4(g_st, fd, a, l, 0);
}
static ssize_t bu_send(int fd, const void *b, size_t n, int fl)
{
    return berth_send(g_st, fd, b, n, fl);
}
static ssize_t bu_recv(int fd, void *b, size_t n, int fl) { return berth_recv(g_st, fd, b, n, fl); }
static ssize_t bu_sendto(int fd, const void *b, size_t n, int fl, const struct sockaddr *a,
                         socklen_t l)
{
    return berth_sendto(g_st, fd, b, n, fl, a, l);
}
static ssize_t bu_recvfrom(int fd, void *b, size_t n, int fl, struct sockaddr *a, socklen_t *l)
{
    return berth_recvfrom(g_st, fd, b, n, fl, a, l);
}
static int bu_close(int fd) { return berth_close(g_st, fd); }
static const struct bench_unix_api berth_unix_api = {
    bu_socket, bu_socketpair, bu_bind,   bu_connect,  bu_listen, bu_accept,
    bu_send,   bu_recv,       bu_sendto, bu_recvfrom, bu_close,
};
#endif

/* Does this berth carry IPv6 packets? Asked of the stack, not of a build
 * flag: a datagram to [::1] from an unbound AF_INET6 socket. Before the
 * IPv6 data path (issue 11) berth's AF_INET6 sockets carry only IPv4 and
 * answer ENETUNREACH; the IPv6 figures are then n/a, not failures. */
static bool berth_has_ipv6_path(char *why, size_t n)
{
    int fd = berth_socket(g_st, AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0) {
        snprintf(why, n, "berth has no AF_INET6 sockets: %s", strerror(errno));
        return false;
    }
    struct sockaddr_storage ss;
    socklen_t sl = bench_lo_addr(1, 9, &ss); /* discard: nobody listens */
    char b = 0;
    ssize_t r = berth_sendto(g_st, fd, &b, 1, 0, (struct sockaddr *)&ss, sl);
    int e = errno;
    berth_close(g_st, fd);
    if (r < 0 && (e == ENETUNREACH || e == EAFNOSUPPORT || e == EADDRNOTAVAIL)) {
        snprintf(why, n, "berth has no IPv6 data path yet (sendto [::1]: %s)", strerror(e));
        return false;
    }
    return true;
}

static int berth_run(const struct figspec *f, uint64_t iters, double *ns, char *note, char *why,
                     size_t n)
{
    if (bench_is_unix(f)) {
#if BERTH_WITH_UNIX
        return iters ? bench_unix_run(&berth_unix_api, f, iters, ns, why, n) : 0;
#else
        snprintf(why, n, "berth built with BERTH_WITH_UNIX=OFF");
        return BENCH_NA;
#endif
    }
#if !BERTH_WITH_TCP
    if (f->proto == IPPROTO_TCP) {
        snprintf(why, n, "berth built with BERTH_WITH_TCP=OFF");
        return BENCH_NA;
    }
#endif
    if (f->op == OP_RAM_TW || f->op == OP_RAM_EST) {
        /* Does this berth connect TCP at all? (127.0.0.1:1 has no listener.) */
        int fd = berth_socket(g_st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in sin = lo_addr(1);
        int e = fd < 0                                                          ? errno
                : berth_connect(g_st, fd, (struct sockaddr *)&sin, sizeof(sin)) ? errno
                                                                                : 0;
        if (fd >= 0)
            berth_close(g_st, fd);
        if (e == EOPNOTSUPP) {
            snprintf(why, n, "berth has no TCP state machine (connect is EOPNOTSUPP)");
            return BENCH_NA;
        }
        return run_ram_tcp(f->op, ns, note, why, n);
    }
    if (f->op == OP_RAM_BOUND || f->op == OP_RAM_IDLE)
        return run_ram(f->proto, f->op == OP_RAM_BOUND, ns, note, why, n);
#if BERTH_WITH_TAP && BERTH_WITH_TCP
    if (f->op == OP_TCP_BULK_TAP)
        return run_tcp_tap(f, iters, ns, note, why, n);
    if (g_tap.built)
        tap_drop(); /* the namespace goes once the figure is done */
#else
    if (f->op == OP_TCP_BULK_TAP) {
        snprintf(why, n, "berth built with BERTH_WITH_TAP=OFF (no TAP driver)");
        return BENCH_NA;
    }
#endif
    if (f->v6 && !berth_has_ipv6_path(why, n))
        return BENCH_NA;
    if (ps_ensure(f, why, n) != 0) {
        ps_drop();
        return -1;
    }
    if (iters == 0 && f->op == OP_TCP_CONN) {
        /* Every connection figure starts on a new stack: no TIME_WAIT
         * entries of an earlier figure (tcp6_conn_per_s would otherwise
         * inherit tcp_conn_per_s's, which fill the whole ephemeral range,
         * so that every connect steps over occupied ports). The kernel
         * gets a new namespace for the same reason. */
        berth_stack_free(g_st);
        g_st = NULL;
        if (berth_init(why, n) != 0)
            return -1;
    }
    if (iters == 0)
        return 0; /* state built */
    switch (f->op) {
    case OP_RTT_LO:
        return run_rtt(f->v6, iters, ns, why, n);
    case OP_SOCKET_CLOSE:
        return run_socket_close(f->proto, iters, ns, why, n);
    case OP_BIND_EXPLICIT:
        return run_bind_explicit(f, iters, ns, why, n);
    case OP_BIND0:
        return run_bind0(f, iters, ns, why, n);
    case OP_BIND0_FAIL:
        return run_bind0_fail(f, iters, ns, why, n);
    case OP_REUSEPORT:
        return run_reuseport(f, iters, ns, why, n);
    case OP_CONNECT:
        return run_connect(f, iters, ns, why, n);
    case OP_TCP_BULK_LO:
        return run_tcp_bulk(f, iters, ns, why, n);
    case OP_TCP_CONN:
        return run_tcp_conn(f->v6, iters, ns, why, n);
    case OP_TCP_BULK_VLINK:
#if BERTH_WITH_SIM
        return run_tcp_vlink(f, iters, ns, why, n);
#else
        snprintf(why, n, "berth built with BERTH_WITH_SIM=OFF (no src/netif/sim.c)");
        return BENCH_NA;
#endif
    case OP_RTT_VLINK:
#if BERTH_WITH_SIM
        return run_vlink(iters, ns, why, n);
#else
        snprintf(why, n, "berth built with BERTH_WITH_SIM=OFF (no src/netif/sim.c)");
        return BENCH_NA;
#endif
    default:
        return bench_fail(why, n, "no such figure");
    }
}

static void berth_fini(void)
{
#if BERTH_WITH_TAP && BERTH_WITH_TCP
    tap_drop();
#endif
    ps_drop();
    berth_stack_free(g_st);
    g_st = NULL;
}

const struct bench_peer bench_peer_berth = {
    .name = "berth",
    .init = berth_init,
    .describe = berth_describe,
    .has = berth_has,
    .run = berth_run,
    .fini = berth_fini,
};
