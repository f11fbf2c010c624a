/* peer_kernel.c — the Linux kernel's own UDP and TCP, through real syscalls.
 *
 * The timed figures run in a child process that first moves into a fresh
 * network namespace (unshare(CLONE_NEWNET); when that is refused to a
 * non-root user, unshare(CLONE_NEWUSER | CLONE_NEWNET)) and brings its lo up
 * with SIOCSIFFLAGS (and into another one for each connection-rate figure,
 * see k_run). Only 127.0.0.1 is ever addressed — except by
 * tcp_bulk_tap_MBps, which joins this namespace to a second one with a veth
 * pair (198.51.100.0/24, below) — and the namespaces die with the child.
 * The parent sends "figure, iterations" requests down a pipe; the child
 * times the loop itself and answers with ns per operation, so the pipe
 * never sits inside a timed region. The namespace's sysctls are left
 * at a fresh namespace's defaults (ip_local_port_range 32768-60999).
 *
 * Descriptors: the child raises RLIMIT_NOFILE to what the biggest figure
 * needs (60000 sockets at once). When it cannot, the sockets beyond its
 * limit are created, bound and held by "holder" processes forked from the
 * child — same namespace, same uid — each timing its own binds and holding
 * its sockets until told to exit; the figures then sum their times.
 * (BERTH_BENCH_KERNEL_NOFILE=N in the environment forces a limit of N, to
 * exercise that path.)
 *
 * RAM is not measured but read: slab object sizes (/sys/kernel/slab/<cache>/
 * object_size, else /proc/slabinfo) — struct udp_sock, struct tcp_sock,
 * struct inet_timewait_sock, without the socket inode, struct file, dentry
 * or any buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <pthread.h>

#include "bench.h"

/* Sockets the biggest figure holds at once, plus the per-run batches. */
#define K_NOFILE_WANT 70000
/* Descriptors kept free for batches, pipes and stdio. */
#define K_FD_RESERVE 600
#define K_MAX_HOLDERS 256

struct kreq {
    int cmd; /* 1: run, 0: exit */
    struct figspec spec;
    uint64_t iters;
};

struct kresp {
    int rc;
    double ns;
    char why[BENCH_WHY];
    char note[BENCH_NOTE];
};

static pid_t g_child = -1;
static int g_to_child = -1, g_from_child = -1;
static char g_mode[64] = "net";

static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* ---- in the child ---- */

static unsigned g_fdcap;  /* sockets this process holds at most (RLIMIT_NOFILE - reserve) */
static char g_limit[160]; /* how the limit was obtained, for the notes */
static unsigned g_eph_lo = 32768, g_eph_hi = 60999;

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

static int k_bound_socket(unsigned v6, struct sockaddr_storage *out, socklen_t *outlen, char *why,
                          size_t n)
{
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return bench_fail(why, n, "socket: %s", strerror(errno));
    struct sockaddr_storage sin;
    socklen_t sl = bench_lo_addr(v6, 0, &sin);
    *outlen = sizeof(*out);
    if (bind(fd, (struct sockaddr *)&sin, sl) != 0 ||
        getsockname(fd, (struct sockaddr *)out, outlen) != 0) {
        bench_fail(why, n, "bind: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int k_rtt(unsigned v6, uint64_t iters, double *ns, char *why, size_t n)
{
    struct sockaddr_storage sa, sb;
    socklen_t la, lb;
    int a = k_bound_socket(v6, &sa, &la, why, n);
    if (a < 0)
        return -1;
    int b = k_bound_socket(v6, &sb, &lb, why, n);
    if (b < 0) {
        close(a);
        return -1;
    }
    char out[BENCH_PAYLOAD], in[2048];
    memset(out, 'x', sizeof(out));
    int rc = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof(from);
        if (sendto(a, out, sizeof(out), 0, (struct sockaddr *)&sb, lb) != BENCH_PAYLOAD ||
            recvfrom(b, in, sizeof(in), 0, (struct sockaddr *)&from, &fromlen) != BENCH_PAYLOAD ||
            sendto(b, in, BENCH_PAYLOAD, 0, (struct sockaddr *)&from, fromlen) != BENCH_PAYLOAD ||
            recvfrom(a, in, sizeof(in), 0, NULL, NULL) != BENCH_PAYLOAD) {
            rc = bench_fail(why, n, "round trip failed: %s", strerror(errno));
            break;
        }
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    close(a);
    close(b);
    return rc;
}

static int k_socket_close(int proto, uint64_t iters, double *ns, char *why, size_t n)
{
    int type = sock_type(proto);
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        int fd = socket(AF_INET, type, 0);
        if (fd < 0)
            return bench_fail(why, n, "socket: %s", strerror(errno));
        if (close(fd) != 0)
            return bench_fail(why, n, "close: %s", strerror(errno));
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    return 0;
}

/* ---- sockets in bulk, in this process or in holders ---- */

/* What is done to socket number i of a set. */
enum kact {
    KA_BIND_SEQ,  /* bind 127.0.0.1:(BENCH_EXPLICIT_BASE + i) */
    KA_BIND_FILL, /* bind 127.0.0.1:(eph_lo + order[i]) */
    KA_REUSE,     /* SO_REUSEPORT, bind 127.0.0.1:BENCH_REUSE_PORT */
    KA_CONNECT,   /* connect 127.0.0.1:(BENCH_CONNECT_DPORT + i) */
};

static void close_fds(int *fds, unsigned cnt)
{
    for (unsigned i = cnt; i-- > 0;)
        if (fds[i] >= 0) {
            close(fds[i]);
            fds[i] = -1;
        }
}

/* Create sockets from..from+cnt-1 of a set into fds[0..cnt) and apply act
 * to each; *op_ns gets the time spent in the bind/connect calls only. */
static int k_make(int proto, enum kact act, const uint32_t *order, unsigned from, unsigned cnt,
                  int *fds, uint64_t *op_ns, char *why, size_t n)
{
    for (unsigned i = 0; i < cnt; i++)
        fds[i] = -1;
    for (unsigned i = 0; i < cnt; i++) {
        fds[i] = socket(AF_INET, sock_type(proto), 0);
        if (fds[i] < 0)
            return bench_fail(why, n, "socket #%u: %s", from + i, strerror(errno));
        int one = 1;
        if (act == KA_REUSE && setsockopt(fds[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)
            return bench_fail(why, n, "SO_REUSEPORT: %s", strerror(errno));
    }
    uint64_t t0 = bench_now_ns();
    for (unsigned i = 0; i < cnt; i++) {
        unsigned k = from + i;
        unsigned port = act == KA_BIND_SEQ    ? BENCH_EXPLICIT_BASE + k
                        : act == KA_BIND_FILL ? g_eph_lo + order[k]
                        : act == KA_REUSE     ? BENCH_REUSE_PORT
                                              : BENCH_CONNECT_DPORT + k;
        struct sockaddr_in sin = lo_addr((uint16_t)port);
        int rc = act == KA_CONNECT ? connect(fds[i], (struct sockaddr *)&sin, sizeof(sin))
                                   : bind(fds[i], (struct sockaddr *)&sin, sizeof(sin));
        if (rc != 0) {
            int e = errno;
            *op_ns = bench_now_ns() - t0;
            return bench_fail(why, n, "%s port %u (socket #%u): %s",
                              act == KA_CONNECT ? "connect" : "bind", port, k, strerror(e));
        }
    }
    *op_ns = bench_now_ns() - t0;
    return 0;
}

struct holder {
    pid_t pid;
    int ctl; /* our end: closing it tells the holder to close its sockets and exit */
};

/* A set of sockets: up to g_fdcap in this process, the rest in holders. */
struct kset {
    int proto;
    enum kact act;
    const uint32_t *order;
    int *fds;
    unsigned nfds; /* in this process */
    struct holder h[K_MAX_HOLDERS];
    unsigned nh;
    unsigned count; /* in all */
};

static struct kset *g_sets[2]; /* live sets: a holder must not inherit their sockets */

static void kset_init(struct kset *s, int proto, enum kact act, const uint32_t *order)
{
    memset(s, 0, sizeof(*s));
    s->proto = proto;
    s->act = act;
    s->order = order;
}

static void kset_clear(struct kset *s)
{
    if (s->fds)
        close_fds(s->fds, s->nfds);
    free(s->fds);
    s->fds = NULL;
    s->nfds = 0;
    for (unsigned i = 0; i < s->nh; i++)
        close(s->h[i].ctl);
    for (unsigned i = 0; i < s->nh; i++)
        waitpid(s->h[i].pid, NULL, 0); /* its sockets are closed when it is gone */
    s->nh = 0;
    s->count = 0;
}

/* Fork a holder that makes sockets from..from+cnt-1 of s and keeps them. */
static int kset_spawn(struct kset *s, unsigned from, unsigned cnt, uint64_t *op_ns, char *why,
                      size_t n)
{
    if (s->nh == K_MAX_HOLDERS)
        return bench_fail(why, n, "more than %d holder processes needed", K_MAX_HOLDERS);
    int ctl[2], res[2];
    if (pipe(ctl) != 0)
        return bench_fail(why, n, "pipe: %s", strerror(errno));
    if (pipe(res) != 0) {
        close(ctl[0]), close(ctl[1]);
        return bench_fail(why, n, "pipe: %s", strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(ctl[0]), close(ctl[1]), close(res[0]), close(res[1]);
        return bench_fail(why, n, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* Keep nothing of the parent's: not its sockets (a port stays bound
         * while any copy is open), not other holders' control pipes. */
        int keep_a = ctl[0] < res[1] ? ctl[0] : res[1];
        int keep_b = ctl[0] < res[1] ? res[1] : ctl[0];
        if (keep_a > 3)
            close_range(3, (unsigned)keep_a - 1, 0);
        if (keep_b > keep_a + 1)
            close_range((unsigned)keep_a + 1, (unsigned)keep_b - 1, 0);
        close_range((unsigned)keep_b + 1, ~0u, 0);
        struct kresp r;
        memset(&r, 0, sizeof(r));
        int *fds = malloc(sizeof(*fds) * cnt);
        uint64_t t = 0;
        r.rc = fds ? k_make(s->proto, s->act, s->order, from, cnt, fds, &t, r.why, sizeof(r.why))
                   : bench_fail(r.why, sizeof(r.why), "out of memory");
        r.ns = (double)t;
        if (write_full(res[1], &r, sizeof(r)) != 0 || r.rc != 0)
            _exit(1);
        char c;
        while (read(ctl[0], &c, 1) != 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(ctl[0]);
    close(res[1]);
    struct kresp r;
    int got = read_full(res[0], &r, sizeof(r));
    close(res[0]);
    s->h[s->nh].pid = pid;
    s->h[s->nh].ctl = ctl[1];
    s->nh++;
    if (got != 0)
        return bench_fail(why, n, "holder process died");
    r.why[sizeof(r.why) - 1] = 0;
    if (r.rc != 0) {
        snprintf(why, n, "holder: %.200s", r.why);
        return -1;
    }
    *op_ns += (uint64_t)r.ns;
    return 0;
}

/* Grow s to `want` sockets; *op_ns += the time of their binds/connects. */
static int kset_grow(struct kset *s, unsigned want, uint64_t *op_ns, char *why, size_t n)
{
    if (!s->fds) {
        s->fds = malloc(sizeof(*s->fds) * (g_fdcap ? g_fdcap : 1));
        if (!s->fds)
            return bench_fail(why, n, "out of memory");
    }
    unsigned used = 0; /* this process's sockets in other live sets */
    for (int i = 0; i < 2; i++)
        if (g_sets[i] && g_sets[i] != s)
            used += g_sets[i]->nfds;
    while (s->count < want) {
        unsigned room = g_fdcap > used + s->nfds ? g_fdcap - used - s->nfds : 0;
        if (s->nh == 0 && room > 0) {
            unsigned c = want - s->count < room ? want - s->count : room;
            uint64_t t = 0;
            int rc = k_make(s->proto, s->act, s->order, s->count, c, s->fds + s->nfds, &t, why, n);
            *op_ns += t;
            s->nfds += c; /* the -1 slots of a failure are skipped when closing */
            s->count += c;
            if (rc != 0)
                return -1;
        } else {
            unsigned c = want - s->count < g_fdcap ? want - s->count : g_fdcap;
            if (kset_spawn(s, s->count, c, op_ns, why, n) != 0)
                return -1;
            s->count += c;
        }
    }
    return 0;
}

/* Shrink s to `want` sockets: possible in place only while all are ours. */
static int kset_shrink(struct kset *s, unsigned want)
{
    if (s->nh)
        return -1;
    close_fds(s->fds + want, s->nfds - want);
    s->nfds = s->count = want;
    return 0;
}

/* ---- the state a figure keeps across runs (as in peer_berth.c) ---- */

enum { ST_NONE, ST_FILL, ST_REUSE, ST_CONN };
static struct {
    int kind, proto;
    unsigned n;
    unsigned size;
    uint32_t *order;
    struct kset set;
} g_ps;

static void ps_drop(void)
{
    kset_clear(&g_ps.set);
    free(g_ps.order);
    memset(&g_ps, 0, sizeof(g_ps));
    g_sets[0] = NULL;
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
    if (!g_ps.kind) {
        g_ps.kind = kind;
        g_ps.proto = f->proto;
        g_ps.n = fn;
        if (kind == ST_FILL) {
            g_ps.size = g_eph_hi - g_eph_lo + 1;
            g_ps.order = malloc(sizeof(*g_ps.order) * g_ps.size);
            if (!g_ps.order)
                return bench_fail(why, n, "out of memory");
            bench_fill_order(g_ps.size, g_ps.order);
        }
        kset_init(&g_ps.set, f->proto,
                  kind == ST_FILL    ? KA_BIND_FILL
                  : kind == ST_REUSE ? KA_REUSE
                                     : KA_CONNECT,
                  g_ps.order);
        g_sets[0] = &g_ps.set;
    }
    unsigned want = kind == ST_FILL    ? bench_fill_count(g_ps.size, f->occ)
                    : kind == ST_REUSE ? f->n - f->batch
                                       : f->n;
    if (g_ps.set.count > want && kset_shrink(&g_ps.set, want) != 0)
        kset_clear(&g_ps.set); /* held by holders: start again */
    uint64_t t = 0;
    return kset_grow(&g_ps.set, want, &t, why, n);
}

static void spread_note(const struct kset *s, char *note, size_t n)
{
    if (s->nh)
        snprintf(note, n,
                 "kernel: %s; %u sockets held by this process, %u by %u holder "
                 "process(es) in the same namespace",
                 g_limit, s->nfds, s->count - s->nfds, s->nh);
}

/* ---- the bind figures ---- */

static int k_bind_explicit(const struct figspec *f, uint64_t rounds, double *ns, char *note,
                           char *why, size_t n)
{
    static struct kset s;
    uint64_t total = 0;
    int rc = 0;
    for (uint64_t r = 0; r < rounds && rc == 0; r++) {
        kset_init(&s, f->proto, KA_BIND_SEQ, NULL);
        g_sets[1] = &s;
        rc = kset_grow(&s, f->n, &total, why, n);
        spread_note(&s, note, BENCH_NOTE);
        kset_clear(&s);
        g_sets[1] = NULL;
    }
    *ns = (double)total / (double)(rounds * f->n);
    return rc;
}

static int k_bind0(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    int fds[BENCH_BIND0_CHUNK];
    uint64_t total = 0, done = 0;
    struct sockaddr_in sin = lo_addr(0);
    while (done < iters) {
        unsigned c =
            iters - done < BENCH_BIND0_CHUNK ? (unsigned)(iters - done) : BENCH_BIND0_CHUNK;
        for (unsigned i = 0; i < c; i++)
            fds[i] = -1;
        for (unsigned i = 0; i < c; i++)
            if ((fds[i] = socket(AF_INET, sock_type(f->proto), 0)) < 0) {
                int e = errno;
                close_fds(fds, c);
                return bench_fail(why, n, "socket: %s", strerror(e));
            }
        long bad = -1;
        uint64_t t0 = bench_now_ns();
        for (unsigned i = 0; i < c; i++) {
            if (bind(fds[i], (struct sockaddr *)&sin, sizeof(sin)) != 0) {
                bad = i;
                break;
            }
            close(fds[i]);
            fds[i] = -1;
        }
        total += bench_now_ns() - t0;
        int e = errno;
        close_fds(fds, c);
        if (bad >= 0)
            return bench_fail(why, n, "bind(0) at %u/%u ports in use: %s", g_ps.set.count,
                              g_ps.size, strerror(e));
        done += c;
    }
    *ns = (double)total / (double)iters;
    return 0;
}

static int k_bind0_fail(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    int fd = socket(AF_INET, sock_type(f->proto), 0);
    if (fd < 0)
        return bench_fail(why, n, "socket: %s", strerror(errno));
    struct sockaddr_in sin = lo_addr(0);
    int bad = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters && !bad; i++)
        bad = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 || errno != EADDRINUSE;
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    int e = errno;
    close(fd);
    if (bad)
        return bench_fail(why, n, "bind(0) with the range full did not fail with EADDRINUSE: %s",
                          strerror(e));
    return 0;
}

static int k_batch(const struct figspec *f, uint64_t rounds, double *ns, char *why, size_t n)
{
    int fds[BENCH_REUSE_BATCH > BENCH_CONNECT_BATCH ? BENCH_REUSE_BATCH : BENCH_CONNECT_BATCH];
    enum kact act = f->op == OP_REUSEPORT ? KA_REUSE : KA_CONNECT;
    /* A connect batch takes the destination ports after the n held ones. */
    unsigned from = act == KA_CONNECT ? f->n : g_ps.set.count;
    uint64_t total = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        uint64_t t = 0;
        int rc = k_make(f->proto, act, NULL, from, f->batch, fds, &t, why, n);
        total += t;
        close_fds(fds, f->batch);
        if (rc)
            return -1;
    }
    *ns = (double)total / (double)(rounds * f->batch);
    return 0;
}

/* ---- TCP on loopback (as in peer_berth.c) ---- */

static int k_listener(unsigned v6, uint16_t port, char *why, size_t n)
{
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return bench_fail(why, n, "socket: %s", strerror(errno));
    int one = 1;
    struct sockaddr_storage sin;
    socklen_t sl = bench_lo_addr(v6, port, &sin);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&sin, sl) != 0 || listen(fd, 128) != 0) {
        bench_fail(why, n, "TCP listener on port %u: %s", port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The same single-threaded loop as bench_berth_tcp_bulk_loop. */
static int k_bulk_loop(int c, int s, uint64_t bytes, const char *buf, char *rbuf)
{
    uint64_t sent = 0, got = 0;
    size_t off = 0;
    while (got < bytes) {
        int moved = 0;
        while (sent < bytes) {
            size_t len = BENCH_TCP_WRITE - off;
            if (len > bytes - sent)
                len = (size_t)(bytes - sent);
            ssize_t w = send(c, buf + off, len, MSG_DONTWAIT);
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
            ssize_t r = recv(s, rbuf, BENCH_TCP_WRITE, MSG_DONTWAIT);
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
            if (poll(pfd, sent < bytes ? 2 : 1, 1000) <= 0) {
                if (errno == 0)
                    errno = ETIMEDOUT;
                return -1;
            }
        }
    }
    return 0;
}

static int k_tcp_bulk(const struct figspec *f, uint64_t iters, double *ns, char *why, size_t n)
{
    int lfd = k_listener(f->v6, BENCH_TCP_LISTEN_PORT, why, n);
    if (lfd < 0)
        return -1;
    int rc = -1, c = -1, s = -1;
    char *buf = malloc(BENCH_TCP_WRITE), *rbuf = malloc(BENCH_TCP_WRITE);
    if (!buf || !rbuf) {
        bench_fail(why, n, "out of memory");
        goto out;
    }
    memset(buf, 'x', BENCH_TCP_WRITE);
    struct sockaddr_storage to;
    socklen_t tolen = bench_lo_addr(f->v6, BENCH_TCP_LISTEN_PORT, &to);
    c = socket(to.ss_family, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&to, tolen) != 0 ||
        (s = accept(lfd, NULL, NULL)) < 0) {
        bench_fail(why, n, "connect/accept: %s", strerror(errno));
        goto out;
    }
    uint64_t bytes = (uint64_t)f->n * iters << 20;
    uint64_t t0 = bench_now_ns();
    rc = k_bulk_loop(c, s, bytes, buf, rbuf);
    uint64_t t1 = bench_now_ns();
    if (rc)
        bench_fail(why, n, "TCP bulk transfer failed: %s", strerror(errno));
    *ns = (double)(t1 - t0) / (double)(f->n * iters);
out:
    if (c >= 0)
        close(c);
    if (s >= 0)
        close(s);
    close(lfd);
    free(buf);
    free(rbuf);
    return rc;
}

static long read_long_file(const char *path);

static int k_tcp_conn(unsigned v6, uint64_t iters, double *ns, char *note, char *why, size_t n)
{
    static uint64_t k; /* across runs: the listeners take turns */
    int lfd[BENCH_TCP_NLISTEN];
    struct sockaddr_storage to[BENCH_TCP_NLISTEN];
    socklen_t tolen = 0;
    int rc = -1;
    unsigned nl = 0;
    for (; nl < BENCH_TCP_NLISTEN; nl++) {
        lfd[nl] = k_listener(v6, (uint16_t)(BENCH_TCP_LISTEN_PORT + nl), why, n);
        if (lfd[nl] < 0)
            goto out;
        tolen = bench_lo_addr(v6, (uint16_t)(BENCH_TCP_LISTEN_PORT + nl), &to[nl]);
    }
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++, k++) {
        unsigned l = (unsigned)(k % BENCH_TCP_NLISTEN);
        int c = socket(to[l].ss_family, SOCK_STREAM, 0);
        if (c < 0)
            goto fail;
        if (connect(c, (struct sockaddr *)&to[l], tolen) != 0) {
            int e = errno;
            close(c);
            errno = e;
            goto fail;
        }
        int s = accept(lfd[l], NULL, NULL);
        if (s < 0)
            goto fail;
        close(c);
        close(s);
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    rc = 0;
    snprintf(note, BENCH_NOTE,
             "kernel: namespace defaults net.ipv4.tcp_tw_reuse=%ld (2: loopback only), "
             "tcp_max_tw_buckets=%ld; %u listeners, %llu connections so far",
             read_long_file("/proc/sys/net/ipv4/tcp_tw_reuse"),
             read_long_file("/proc/sys/net/ipv4/tcp_max_tw_buckets"), BENCH_TCP_NLISTEN,
             (unsigned long long)k);
    goto out;
fail:
    bench_fail(why, n, "connection %llu: %s", (unsigned long long)k, strerror(errno));
out:
    while (nl-- > 0)
        close(lfd[nl]);
    return rc;
}

/* ---- tcp_bulk_tap_MBps, the kernel's column: kernel <-> kernel over veth ----
 *
 * This child's namespace ("a", 198.51.100.1/24) and a second one ("b",
 * 198.51.100.2/24) that a thread creates with unshare(CLONE_NEWNET), joined
 * by a veth pair made over rtnetlink (bkveth0 here, bkveth1 in b). The
 * thread also opens, in b, the socket used to address bkveth1 and the
 * listener; then it exits, and b lives as long as the listener (the veth
 * pair goes with it). Each run: a far-end thread (wire.c) serves one
 * connection in b; this thread connects from a, sends, then receives, with
 * blocking calls. The same amounts, 64 KiB writes and default buffers as
 * berth's TAP transfer. */
#define VETH_A "bkveth0"
#define VETH_B "bkveth1"
#define VETH_A_ADDR "198.51.100.1"
#define VETH_B_ADDR "198.51.100.2"

static struct {
    int built;
    int lfd;
    struct bench_wire_stats ws;
} g_veth = {.lfd = -1};

struct veth_b {
    int rc;
    int nsfd, ctl, lfd;
    char why[BENCH_WHY];
};

static void *veth_b_thread(void *arg)
{
    struct veth_b *b = arg;
    b->rc = -1;
    if (unshare(CLONE_NEWNET) != 0) {
        snprintf(b->why, sizeof(b->why), "second namespace: unshare(CLONE_NEWNET): %s",
                 strerror(errno));
        return NULL;
    }
    bench_no_ipv6();
    b->nsfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (b->nsfd < 0) { /* before Linux 3.17 */
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/task/%ld/ns/net", (long)gettid());
        b->nsfd = open(path, O_RDONLY | O_CLOEXEC);
    }
    b->ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (b->nsfd < 0 || b->ctl < 0 || b->lfd < 0) {
        snprintf(b->why, sizeof(b->why), "second namespace: %s", strerror(errno));
        return NULL;
    }
    b->rc = 0;
    return NULL;
}

/* rtnetlink attributes */
static struct rtattr *nl_attr(struct nlmsghdr *nh, size_t cap, int type, const void *data,
                              size_t len)
{
    size_t off = NLMSG_ALIGN(nh->nlmsg_len);
    if (off + RTA_SPACE(len) > cap)
        return NULL;
    struct rtattr *rta = (struct rtattr *)((char *)nh + off);
    rta->rta_type = (unsigned short)type;
    rta->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(rta), data, len);
    nh->nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
    return rta;
}

static void nl_nest_end(struct nlmsghdr *nh, struct rtattr *nest)
{
    nest->rta_len = (unsigned short)((char *)nh + nh->nlmsg_len - (char *)nest);
}

/* ip link add name type veth peer name peer netns <peer_nsfd> */
static int veth_create(const char *name, const char *peer, int peer_nsfd, char *why, size_t n)
{
    union {
        struct nlmsghdr nh;
        char buf[1024];
    } req;
    memset(&req, 0, sizeof(req));
    struct nlmsghdr *nh = &req.nh;
    nh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    nh->nlmsg_type = RTM_NEWLINK;
    nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
    nh->nlmsg_seq = 1;
    ((struct ifinfomsg *)NLMSG_DATA(nh))->ifi_family = AF_UNSPEC;
    struct ifinfomsg peer_ifi;
    memset(&peer_ifi, 0, sizeof(peer_ifi));
    uint32_t fd32 = (uint32_t)peer_nsfd;
    struct rtattr *li, *data, *pi;
    if (!nl_attr(nh, sizeof(req), IFLA_IFNAME, name, strlen(name) + 1) ||
        !(li = nl_attr(nh, sizeof(req), IFLA_LINKINFO, NULL, 0)) ||
        !nl_attr(nh, sizeof(req), IFLA_INFO_KIND, "veth", 5) ||
        !(data = nl_attr(nh, sizeof(req), IFLA_INFO_DATA, NULL, 0)) ||
        !(pi = nl_attr(nh, sizeof(req), VETH_INFO_PEER, &peer_ifi, sizeof(peer_ifi))) ||
        !nl_attr(nh, sizeof(req), IFLA_IFNAME, peer, strlen(peer) + 1) ||
        !nl_attr(nh, sizeof(req), IFLA_NET_NS_FD, &fd32, sizeof(fd32)))
        return bench_fail(why, n, "veth: netlink request too long");
    nl_nest_end(nh, pi);
    nl_nest_end(nh, data);
    nl_nest_end(nh, li);
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0)
        return bench_fail(why, n, "veth: netlink socket: %s", strerror(errno));
    bench_set_timeouts(s, 5);
    struct sockaddr_nl kern = {.nl_family = AF_NETLINK};
    int rc = -1;
    if (sendto(s, nh, nh->nlmsg_len, 0, (struct sockaddr *)&kern, sizeof(kern)) < 0) {
        bench_fail(why, n, "veth: netlink send: %s", strerror(errno));
        goto out;
    }
    union {
        struct nlmsghdr nh;
        char buf[4096];
    } ans;
    ssize_t r = recv(s, &ans, sizeof(ans), 0);
    if (r < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || ans.nh.nlmsg_type != NLMSG_ERROR) {
        bench_fail(why, n, "veth: no netlink answer (%s)", r < 0 ? strerror(errno) : "short");
        goto out;
    }
    int err = ((struct nlmsgerr *)NLMSG_DATA(&ans.nh))->error;
    if (err) {
        bench_fail(why, n, "creating a veth pair: %s%s", strerror(-err),
                   -err == EOPNOTSUPP ? " (no veth driver?)" : "");
        goto out;
    }
    rc = 0;
out:
    close(s);
    return rc;
}

static void veth_drop(void)
{
    if (g_veth.lfd >= 0)
        close(g_veth.lfd); /* namespace b and the veth pair go */
    memset(&g_veth, 0, sizeof(g_veth));
    g_veth.lfd = -1;
}

static int veth_build(char *why, size_t n)
{
    struct veth_b b;
    memset(&b, 0, sizeof(b));
    b.nsfd = b.ctl = b.lfd = -1;
    pthread_t th;
    int e = pthread_create(&th, NULL, veth_b_thread, &b);
    if (e)
        return bench_fail(why, n, "pthread_create: %s", strerror(e));
    pthread_join(th, NULL);
    int rc = -1, ctl_a = -1;
    if (b.rc) {
        snprintf(why, n, "%s", b.why);
        goto out;
    }
    bench_no_ipv6();
    if (veth_create(VETH_A, VETH_B, b.nsfd, why, n) != 0)
        goto out;
    ctl_a = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (ctl_a < 0) {
        bench_fail(why, n, "socket: %s", strerror(errno));
        goto out;
    }
    if (bench_if_config(ctl_a, VETH_A, VETH_A_ADDR, 24, why, n) != 0 ||
        bench_if_config(b.ctl, VETH_B, VETH_B_ADDR, 24, why, n) != 0)
        goto out;
    int one = 1;
    struct sockaddr_in sin = lo_addr(BENCH_TCP_LISTEN_PORT);
    inet_pton(AF_INET, VETH_B_ADDR, &sin.sin_addr);
    if (setsockopt(b.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(b.lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(b.lfd, 128) != 0 ||
        bench_set_timeouts(b.lfd, BENCH_WIRE_TIMEOUT_S) != 0) {
        bench_fail(why, n, "listener on %s: %s", VETH_B_ADDR, strerror(errno));
        goto out;
    }
    g_veth.lfd = b.lfd;
    b.lfd = -1;
    g_veth.built = 1;
    rc = 0;
out:
    if (ctl_a >= 0)
        close(ctl_a);
    if (b.ctl >= 0)
        close(b.ctl);
    if (b.nsfd >= 0)
        close(b.nsfd);
    if (b.lfd >= 0)
        close(b.lfd);
    /* On failure nothing holds namespace b any more: it goes, and a veth
     * pair goes with either of its ends. */
    return rc;
}

static int k_tcp_veth(const struct figspec *f, uint64_t iters, double *ns, char *note, char *why,
                      size_t n)
{
    if (!g_veth.built && veth_build(why, n) != 0)
        return -1;
    if (iters == 0) {
        memset(&g_veth.ws, 0, sizeof(g_veth.ws));
        g_veth.ws.skip = 1;
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
        w.lfd = g_veth.lfd;
        w.sfd = -1;
        w.bytes = (uint64_t)f->n << 20;
        pthread_t th;
        int e = pthread_create(&th, NULL, bench_wire_far_side, &w);
        if (e) {
            bench_fail(why, n, "pthread_create: %s", strerror(e));
            goto out;
        }
        struct sockaddr_in to = lo_addr(BENCH_TCP_LISTEN_PORT);
        inet_pton(AF_INET, VETH_B_ADDR, &to.sin_addr);
        int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int lrc = -1;
        uint64_t t1_start = 0, t2_end = 0, sent = 0, got = 0;
        if (c < 0 || bench_set_timeouts(c, BENCH_WIRE_TIMEOUT_S) != 0 ||
            connect(c, (struct sockaddr *)&to, sizeof(to)) != 0) {
            bench_fail(why, n, "veth: connect to %s: %s", VETH_B_ADDR, strerror(errno));
        } else {
            t1_start = bench_now_ns();
            while (sent < w.bytes) {
                size_t len =
                    w.bytes - sent < BENCH_TCP_WRITE ? (size_t)(w.bytes - sent) : BENCH_TCP_WRITE;
                ssize_t k = send(c, buf, len, MSG_NOSIGNAL);
                if (k <= 0)
                    break;
                sent += (uint64_t)k;
            }
            while (sent == w.bytes && got < w.bytes) {
                ssize_t k = recv(c, rbuf, BENCH_TCP_WRITE, 0);
                if (k <= 0)
                    break;
                got += (uint64_t)k;
            }
            t2_end = bench_now_ns();
            if (got == w.bytes)
                lrc = 0;
            else
                bench_fail(why, n, "veth: transfer failed at %llu bytes sent, %llu received: %s",
                           (unsigned long long)sent, (unsigned long long)got, strerror(errno));
        }
        long retrans = c >= 0 ? bench_tcp_retrans(c) : -1;
        if (lrc)
            bench_wire_abort(&w);
        pthread_join(th, NULL);
        if (c >= 0)
            close(c);
        if (lrc)
            goto out;
        if (w.rc) {
            snprintf(why, n, "%s", w.why);
            goto out;
        }
        uint64_t d1 = w.t1_end - t1_start, d2 = t2_end - w.t2_start;
        total += d1 + d2;
        bench_wire_record(&g_veth.ws, (double)f->n * 1e9 / (double)d1,
                          (double)f->n * 1e9 / (double)d2, retrans, w.retrans);
    }
    *ns = (double)total / (double)(2 * f->n * iters);
    rc = 0;
    if (g_veth.ws.n) {
        double m1, m2;
        bench_wire_medians(&g_veth.ws, &m1, &m2);
        snprintf(note, BENCH_NOTE,
                 "kernel: NOT over TAP: kernel<->kernel over a veth pair between two namespaces, "
                 "%s <-> %s, MTU 1500, veth's default offloads (TSO/GSO: 64 KiB segments "
                 "cross the pair, no checksums), %u MiB each way per run: a->b %.0f MBps, b->a "
                 "%.0f MBps (medians of %u runs); segments retransmitted: %llu, %llu",
                 VETH_A_ADDR, VETH_B_ADDR, f->n, m1, m2, g_veth.ws.n,
                 (unsigned long long)g_veth.ws.retrans_near,
                 (unsigned long long)g_veth.ws.retrans_far);
    }
out:
    free(buf);
    free(rbuf);
    return rc;
}

static int k_accept(int fd, struct sockaddr *a, socklen_t *l) { return accept(fd, a, l); }
static const struct bench_unix_api kernel_unix_api = {
    socket, socketpair, bind, connect, listen, k_accept, send, recv, sendto, recvfrom, close,
};

static int lo_up(char *why, size_t n);

/* A new namespace for the child, lo up: no TIME_WAIT sockets of an
 * earlier figure (see k_run). The old namespace goes when its last socket
 * does (its TIME_WAIT sockets are purged with it). Inside the user
 * namespace of a non-root start the child may still make network ones. */
static int fresh_netns(char *why, size_t n)
{
    if (unshare(CLONE_NEWNET) != 0)
        return bench_fail(why, n, "a new namespace for the figure: unshare(CLONE_NEWNET): %s",
                          strerror(errno));
    return lo_up(why, n);
}

static int k_run(const struct figspec *f, uint64_t iters, double *ns, char *note, char *why,
                 size_t n)
{
    if (bench_is_unix(f))
        return iters ? bench_unix_run(&kernel_unix_api, f, iters, ns, why, n) : 0;
    if (f->op == OP_TCP_BULK_TAP)
        return k_tcp_veth(f, iters, ns, note, why, n);
    if (g_veth.built)
        veth_drop(); /* namespace b goes once the figure is done */
    if (ps_ensure(f, why, n) != 0) {
        ps_drop();
        return -1;
    }
    spread_note(&g_ps.set, note, BENCH_NOTE);
    /* Every connection figure starts in a new namespace, as berth's on a
     * new stack: tcp6_conn_per_s does not inherit tcp_conn_per_s's
     * TIME_WAIT sockets. */
    if (iters == 0 && f->op == OP_TCP_CONN && fresh_netns(why, n) != 0)
        return -1;
    if (iters == 0)
        return 0;
    switch (f->op) {
    case OP_RTT_LO:
        return k_rtt(f->v6, iters, ns, why, n);
    case OP_SOCKET_CLOSE:
        return k_socket_close(f->proto, iters, ns, why, n);
    case OP_BIND_EXPLICIT:
        return k_bind_explicit(f, iters, ns, note, why, n);
    case OP_BIND0:
        return k_bind0(f, iters, ns, why, n);
    case OP_BIND0_FAIL:
        return k_bind0_fail(f, iters, ns, why, n);
    case OP_REUSEPORT:
    case OP_CONNECT:
        return k_batch(f, iters, ns, why, n);
    case OP_TCP_BULK_LO:
        return k_tcp_bulk(f, iters, ns, why, n);
    case OP_TCP_CONN:
        return k_tcp_conn(f->v6, iters, ns, note, why, n);
    default:
        return bench_fail(why, n, "no such figure");
    }
}

static int lo_up(char *why, size_t n)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        return bench_fail(why, n, "socket: %s", strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    int e = errno;
    close(s);
    if (rc != 0)
        return bench_fail(why, n, "bringing lo up (SIOCSIFFLAGS): %s", strerror(e));
    return 0;
}

/* RLIMIT_NOFILE: as much as the biggest figure needs, or as much as we may. */
static void raise_nofile(void)
{
    struct rlimit rl;
    const char *force = getenv("BERTH_BENCH_KERNEL_NOFILE");
    if (force && atoi(force) > K_FD_RESERVE) {
        rl.rlim_cur = rl.rlim_max = (rlim_t)atoi(force);
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
        snprintf(g_limit, sizeof(g_limit), "RLIMIT_NOFILE forced to %llu",
                 (unsigned long long)rl.rlim_cur);
    } else {
        struct rlimit old;
        getrlimit(RLIMIT_NOFILE, &old);
        rl.rlim_cur = K_NOFILE_WANT;
        rl.rlim_max = old.rlim_max > K_NOFILE_WANT ? old.rlim_max : K_NOFILE_WANT;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            /* Above the hard limit needs CAP_SYS_RESOURCE: go as high as it. */
            rl.rlim_cur = rl.rlim_max = old.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
        getrlimit(RLIMIT_NOFILE, &rl);
        snprintf(g_limit, sizeof(g_limit), "RLIMIT_NOFILE %llu (wanted %d)",
                 (unsigned long long)rl.rlim_cur, K_NOFILE_WANT);
    }
    g_fdcap = rl.rlim_cur > K_FD_RESERVE + 64 ? (unsigned)rl.rlim_cur - K_FD_RESERVE : 64;
}

static void child_main(int rfd, int wfd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    static struct kresp resp;
    memset(&resp, 0, sizeof(resp));
    snprintf(resp.why, sizeof(resp.why), "net");
    if (unshare(CLONE_NEWNET) != 0) {
        int e = errno;
        if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) {
            snprintf(resp.why, sizeof(resp.why), "user+net");
        } else {
            resp.rc = bench_fail(resp.why, sizeof(resp.why), "unshare(CLONE_NEWNET) failed: %s%s",
                                 strerror(e), e == EPERM ? " (not root?)" : "");
        }
    }
    if (resp.rc == 0) {
        char why[BENCH_WHY];
        if (lo_up(why, sizeof(why)) != 0) {
            resp.rc = -1;
            snprintf(resp.why, sizeof(resp.why), "%s", why);
        }
    }
    /* The namespace's own range (a fresh namespace: 32768-60999). */
    FILE *pr = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (pr) {
        unsigned lo, hi;
        if (fscanf(pr, "%u %u", &lo, &hi) == 2 && lo <= hi)
            g_eph_lo = lo, g_eph_hi = hi;
        fclose(pr);
    }
    raise_nofile();
    if (write_full(wfd, &resp, sizeof(resp)) != 0 || resp.rc != 0)
        _exit(1);
    struct kreq req;
    while (read_full(rfd, &req, sizeof(req)) == 0 && req.cmd) {
        memset(&resp, 0, sizeof(resp));
        resp.rc = k_run(&req.spec, req.iters, &resp.ns, resp.note, resp.why, sizeof(resp.why));
        if (write_full(wfd, &resp, sizeof(resp)) != 0)
            break;
    }
    ps_drop();
    _exit(0);
}

/* ---- in the parent ---- */

static const char *kernel_describe(void)
{
    static char d[300];
    snprintf(d, sizeof(d),
             "real syscalls in a child process in a fresh %s namespace (unshare), lo up, "
             "127.0.0.1 only (tcp_bulk_tap_MBps: a veth pair to a second namespace, "
             "198.51.100.0/24), sysctls at their defaults",
             g_mode);
    return d;
}

static int kernel_init(char *why, size_t n)
{
    int down[2], up[2];
    if (pipe2(down, O_CLOEXEC) != 0)
        return bench_fail(why, n, "pipe: %s", strerror(errno));
    if (pipe2(up, O_CLOEXEC) != 0) {
        close(down[0]);
        close(down[1]);
        return bench_fail(why, n, "pipe: %s", strerror(errno));
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(down[0]), close(down[1]), close(up[0]), close(up[1]);
        return bench_fail(why, n, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        child_main(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    g_child = pid;
    g_to_child = down[1];
    g_from_child = up[0];
    static struct kresp resp;
    if (read_full(g_from_child, &resp, sizeof(resp)) != 0) {
        bench_fail(why, n, "kernel child died during setup");
        goto fail;
    }
    resp.why[sizeof(resp.why) - 1] = 0;
    if (resp.rc != 0) {
        snprintf(why, n, "%s", resp.why);
        goto fail;
    }
    snprintf(g_mode, sizeof(g_mode), "%.40s", resp.why);
    return 0;
fail:
    close(g_to_child);
    close(g_from_child);
    waitpid(g_child, NULL, 0);
    g_child = -1;
    return -1;
}

static void kernel_fini(void)
{
    if (g_child < 0)
        return;
    struct kreq req;
    memset(&req, 0, sizeof(req));
    write_full(g_to_child, &req, sizeof(req));
    close(g_to_child);
    close(g_from_child);
    waitpid(g_child, NULL, 0);
    g_child = -1;
}

static int kernel_has(const struct figspec *f)
{
    return f->op != OP_RTT_VLINK && f->op != OP_TCP_BULK_VLINK;
}

static long read_long_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long v = -1;
    if (fscanf(f, "%ld", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

/* Object size of a slab cache: sysfs (SLUB), else /proc/slabinfo. *src
 * names the place the number came from. */
static long slab_object_size(const char *cache, const char **src)
{
    char path[128];
    snprintf(path, sizeof(path), "/sys/kernel/slab/%s/object_size", cache);
    long v = read_long_file(path);
    if (v > 0) {
        *src = "/sys/kernel/slab/<cache>/object_size";
        return v;
    }
    FILE *f = fopen("/proc/slabinfo", "r");
    if (!f)
        return -1;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char name[64];
        long active, num, objsize;
        if (sscanf(line, "%63s %ld %ld %ld", name, &active, &num, &objsize) == 4 &&
            strcmp(name, cache) == 0) {
            fclose(f);
            *src = "/proc/slabinfo objsize";
            return objsize;
        }
    }
    fclose(f);
    return -1;
}

static int kernel_ram(const struct figspec *f, double *bytes, char *note, char *why, size_t n)
{
    const char *src = NULL, *src2 = NULL;
    const char *cache = f->op == OP_RAM_TW        ? "tw_sock_TCP"
                        : f->proto == IPPROTO_TCP ? "TCP"
                                                  : "UDP";
    const char *what = f->op == OP_RAM_TW        ? "struct inet_timewait_sock"
                       : f->proto == IPPROTO_TCP ? "struct tcp_sock"
                                                 : "struct udp_sock";
    long obj = slab_object_size(cache, &src);
    if (obj <= 0)
        return bench_fail(why, n,
                          "neither /sys/kernel/slab/%s/object_size nor /proc/slabinfo "
                          "readable",
                          cache);
    *bytes = (double)obj;
    if (f->op == OP_RAM_TW) {
        snprintf(note, BENCH_NOTE,
                 "kernel: object size of the %s slab cache (%s) from %s; a TIME_WAIT entry has "
                 "no socket inode, file or dentry (its tcp_bind_bucket / tcp_bind2_bucket "
                 "are shared per port)",
                 cache, what, src);
        return 0;
    }
    if (f->op == OP_RAM_EST) {
        snprintf(note, BENCH_NOTE,
                 "kernel: per endpoint, the object size of the %s slab cache (%s) from %s; "
                 "buffers (skbs) not counted (an idle connection holds none queued), nor the "
                 "socket inode, struct file, dentry, or the shared tcp_bind_bucket",
                 cache, what, src);
        return 0;
    }
    long ino = slab_object_size("sock_inode_cache", &src2);
    long filp = slab_object_size("filp", &src2);
    long dentry = slab_object_size("dentry", &src2);
    if (ino > 0 && filp > 0 && dentry > 0)
        snprintf(note, BENCH_NOTE,
                 "kernel: object size of the %s slab cache (%s) from %s; excludes "
                 "buffers (skbs), the socket inode (sock_inode_cache %ld), struct file (filp %ld) "
                 "and dentry (%ld): %ld B with those",
                 cache, what, src, ino, filp, dentry, obj + ino + filp + dentry);
    else
        snprintf(note, BENCH_NOTE,
                 "kernel: object size of the %s slab cache (%s) from %s; excludes "
                 "buffers (skbs), socket inode, struct file and dentry",
                 cache, what, src);
    return 0;
}

static int kernel_run(const struct figspec *f, uint64_t iters, double *ns, char *note, char *why,
                      size_t n)
{
    if (f->op == OP_RAM_BOUND || f->op == OP_RAM_IDLE || f->op == OP_RAM_TW || f->op == OP_RAM_EST)
        return kernel_ram(f, ns, note, why, n);
    if (g_child < 0)
        return bench_fail(why, n, "no kernel child");
    struct kreq req;
    memset(&req, 0, sizeof(req));
    req.cmd = 1;
    req.spec = *f;
    req.iters = iters;
    static struct kresp resp;
    if (write_full(g_to_child, &req, sizeof(req)) != 0 ||
        read_full(g_from_child, &resp, sizeof(resp)) != 0)
        return bench_fail(why, n, "kernel child died");
    resp.why[sizeof(resp.why) - 1] = 0;
    resp.note[sizeof(resp.note) - 1] = 0;
    if (resp.note[0])
        snprintf(note, BENCH_NOTE, "%s", resp.note);
    if (resp.rc != 0) {
        snprintf(why, n, "%s", resp.why);
        return -1;
    }
    *ns = resp.ns;
    return 0;
}

const struct bench_peer bench_peer_kernel = {
    .name = "kernel",
    .init = kernel_init,
    .describe = kernel_describe,
    .has = kernel_has,
    .run = kernel_run,
    .fini = kernel_fini,
};
