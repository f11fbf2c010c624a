/* psock.c — the socketpair placeholder and its pump (docs/posix.md).
 *
 * Two threads, both asleep unless something can move:
 *   the pump sleeps in berth_poll on the berth sockets that can move data
 *   (and a berth UDP socket on 127.0.0.1, its doorbell) and does all the
 *   moving;
 *   the watcher sleeps in epoll_wait on the B ends (EPOLLONESHOT) and rings
 *   the doorbell when one is ready.
 * Wrapped calls also pump their own socket inline, so a call sees what
 * berth has without waiting for a thread. */
#define BERTH_POSIX_NO_MACROS
#include "psock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "berth/posix.h"
#include "berth/socket.h"
#include "posix/posix_impl.h"
#include "preload_real.h"

#define PUMP_BUF 65536

bool ps_in_child;
__thread bool ps_busy;

static berth_stack *g_st;
static pthread_mutex_t g_tab_mu = PTHREAD_MUTEX_INITIALIZER;
static struct psock **g_tab; /* by berth descriptor */
static size_t g_tab_len;
static uint32_t g_gen;
static int g_kep = -1; /* the watcher's epoll */
static int g_db = -1;  /* the doorbell (berth UDP socket) */
static struct sockaddr_in g_db_addr;
static atomic_bool g_rung;

/* Handed from placeholder_open to placeholder_attach (same thread, one
 * call apart). */
static __thread int t_pend_b = -1;
static __thread size_t t_pend_filler;
static __thread bool t_pend_accepted;

static __thread char *t_buf;
static char *buf(void)
{
    if (!t_buf && !(t_buf = malloc(PUMP_BUF)))
        abort();
    return t_buf;
}

/* ---- internal descriptors ---- */

static pthread_mutex_t g_int_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *g_int;
static size_t g_int_len;

bool ps_internal(int fd)
{
    return fd >= 0 && (size_t)fd < g_int_len && g_int &&
           __atomic_load_n(&g_int[fd], __ATOMIC_RELAXED);
}

void ps_mark_internal(int fd, bool on)
{
    if (fd < 0)
        return;
    pthread_mutex_lock(&g_int_mu);
    if ((size_t)fd >= g_int_len) {
        size_t n = g_int_len ? g_int_len : 1024;
        while (n <= (size_t)fd)
            n *= 2;
        uint8_t *m = realloc(g_int, n);
        if (m) {
            memset(m + g_int_len, 0, n - g_int_len);
            g_int = m;
            g_int_len = n;
        }
    }
    if ((size_t)fd < g_int_len)
        g_int[fd] = on;
    pthread_mutex_unlock(&g_int_mu);
}

void ps_after_fork_child(void)
{
    ps_in_child = true;
    for (size_t i = 0; i < g_int_len; i++)
        if (g_int[i]) {
            R.close((int)i);
            g_int[i] = 0;
        }
}

/* ---- the table ---- */

struct psock *ps_lookup(int fd)
{
    int bfd = fd < 0 ? -1 : berth_posix_fd(fd);
    if (bfd < 0)
        return NULL;
    struct psock *ps = NULL;
    if (!ps_in_child)
        pthread_mutex_lock(&g_tab_mu);
    if ((size_t)bfd < g_tab_len && (ps = g_tab[bfd]))
        ps->refs++;
    if (!ps_in_child)
        pthread_mutex_unlock(&g_tab_mu);
    if (!ps)
        return NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || sb.st_ino != ps->ino) {
        /* The number was closed behind our back and reused. */
        ps_put(ps);
        if (!ps_in_child)
            posix_map_set(fd, -1);
        return NULL;
    }
    return ps;
}

void ps_put(struct psock *ps)
{
    if (ps_in_child)
        return; /* the parent's memory: never freed here */
    pthread_mutex_lock(&g_tab_mu);
    bool last = --ps->refs == 0;
    pthread_mutex_unlock(&g_tab_mu);
    if (last) {
        pthread_mutex_destroy(&ps->mu);
        free(ps->q);
        free(ps);
    }
}

void ps_ring(void)
{
    if (g_db < 0 || atomic_exchange(&g_rung, true))
        return;
    if (berth_sendto(g_st, g_db, "", 1, MSG_DONTWAIT, (struct sockaddr *)&g_db_addr,
                     sizeof g_db_addr) != 1) {
        fprintf(stderr, "berth-preload: doorbell: %s\n", strerror(errno));
        atomic_store(&g_rung, false);
    }
}

/* ---- the placeholder ---- */

/* Berth's B ends live high in the descriptor space, out of the way of the
 * numbers the application expects (the lowest free one). */
static int move_high(int fd)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < 256)
        return fd;
    int h = R.fcntl(fd, F_DUPFD_CLOEXEC, (int)(rl.rlim_cur / 4 * 3));
    if (h < 0)
        return fd;
    R.close(fd);
    return h;
}

int ps_placeholder_open(int type, bool accepted)
{
    int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    int kt = base == SOCK_STREAM ? SOCK_STREAM : SOCK_SEQPACKET;
    int sv[2];
    if (socketpair(AF_UNIX, kt | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    int a = sv[0], b = move_high(sv[1]);
    if (!(type & SOCK_CLOEXEC))
        R.fcntl(a, F_SETFD, 0);
    R.fcntl(b, F_SETFL, O_NONBLOCK);
    /* A fresh TCP socket is neither readable nor writable until connect()
     * finishes: fill A's send buffer with filler that waits unread in B. */
    size_t filler = 0;
    if (kt == SOCK_STREAM && !accepted) {
        static const char zero[16384];
        ssize_t n;
        while ((n = R.send(a, zero, sizeof zero, MSG_DONTWAIT | MSG_NOSIGNAL)) > 0)
            filler += (size_t)n;
    }
    if (type & SOCK_NONBLOCK)
        R.fcntl(a, F_SETFL, O_NONBLOCK);
    ps_mark_internal(b, true);
    t_pend_b = b;
    t_pend_filler = filler;
    t_pend_accepted = accepted;
    return a;
}

void ps_placeholder_abort(int fd)
{
    R.close(fd);
    if (t_pend_b >= 0) {
        ps_mark_internal(t_pend_b, false);
        R.close(t_pend_b);
        t_pend_b = -1;
    }
}

static void record_names(struct psock *ps)
{
    ps->llen = sizeof ps->local;
    if (berth_getsockname(g_st, ps->bfd, (struct sockaddr *)&ps->local, &ps->llen) != 0)
        ps->llen = 0;
    ps->plen = sizeof ps->peer;
    if (berth_getpeername(g_st, ps->bfd, (struct sockaddr *)&ps->peer, &ps->plen) != 0)
        ps->plen = 0;
}

int ps_placeholder_attach(int fd, int bfd)
{
    struct psock *ps = calloc(1, sizeof *ps);
    struct stat sb;
    if (!ps || fstat(fd, &sb) != 0) {
        free(ps);
        errno = ENOMEM;
        return -1;
    }
    pthread_mutex_init(&ps->mu, NULL);
    ps->refs = 1;
    ps->bfd = bfd;
    ps->b = t_pend_b;
    t_pend_b = -1;
    ps->ino = sb.st_ino;
    int type = 0;
    socklen_t tl = sizeof type;
    berth_getsockopt(g_st, bfd, SOL_SOCKET, SO_TYPE, &type, &tl);
    ps->type = type;
    ps->filler = t_pend_filler;
    ps->state = type != SOCK_STREAM || t_pend_accepted ? PS_ESTAB : PS_FRESH;
    ps->karmed = -1;
    /* berth's side never blocks: the application blocks on A, in the
     * kernel, where signals and timeouts work as they always do. */
    int fl = berth_fcntl(g_st, bfd, F_GETFL, 0);
    berth_fcntl(g_st, bfd, F_SETFL, fl | O_NONBLOCK);
    if (t_pend_accepted)
        record_names(ps);
    pthread_mutex_lock(&g_tab_mu);
    if ((size_t)bfd >= g_tab_len) {
        size_t n = g_tab_len ? g_tab_len : 64;
        while (n <= (size_t)bfd)
            n *= 2;
        struct psock **t = realloc(g_tab, n * sizeof *t);
        if (!t) {
            pthread_mutex_unlock(&g_tab_mu);
            pthread_mutex_destroy(&ps->mu);
            free(ps);
            errno = ENOMEM;
            return -1;
        }
        memset(t + g_tab_len, 0, (n - g_tab_len) * sizeof *t);
        g_tab = t;
        g_tab_len = n;
    }
    ps->key = (uint64_t)(uint32_t)bfd | (uint64_t)++g_gen << 32;
    g_tab[bfd] = ps;
    pthread_mutex_unlock(&g_tab_mu);
    struct epoll_event ev = {.events = EPOLLONESHOT, .data.u64 = ps->key};
    epoll_ctl(g_kep, EPOLL_CTL_ADD, ps->b, &ev);
    pthread_mutex_lock(&ps->mu);
    ps_pump(ps);
    pthread_mutex_unlock(&ps->mu);
    return 0;
}

/* ---- orphans ---- */

/* A berth connection whose descriptor is gone but whose bytes or FIN are
 * not yet acknowledged: kept open (shut down for sending) until they are,
 * so that process exit can wait for it (ps_exit_flush). Linux's orphans. */
static pthread_mutex_t g_orph_mu = PTHREAD_MUTEX_INITIALIZER;
static int *g_orph;
static size_t g_norph, g_corph;

static bool tcp_sending(int bfd)
{
    struct tcp_info ti;
    socklen_t l = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (berth_getsockopt(g_st, bfd, IPPROTO_TCP, TCP_INFO, &ti, &l) != 0)
        return false;
    return ti.tcpi_state == TCP_ESTABLISHED || ti.tcpi_state == TCP_CLOSE_WAIT ||
           ti.tcpi_state == TCP_FIN_WAIT1 || ti.tcpi_state == TCP_LAST_ACK ||
           ti.tcpi_state == TCP_CLOSING || ti.tcpi_state == TCP_SYN_SENT ||
           ti.tcpi_state == TCP_SYN_RECV;
}

static void orphan_add(int bfd)
{
    pthread_mutex_lock(&g_orph_mu);
    if (g_norph == g_corph) {
        size_t c = g_corph ? g_corph * 2 : 16;
        int *t = realloc(g_orph, c * sizeof *t);
        if (!t) {
            pthread_mutex_unlock(&g_orph_mu);
            berth_close(g_st, bfd);
            return;
        }
        g_orph = t;
        g_corph = c;
    }
    g_orph[g_norph++] = bfd;
    pthread_mutex_unlock(&g_orph_mu);
}

/* Close the orphans that are done; how many are left. */
static size_t orphan_reap(void)
{
    pthread_mutex_lock(&g_orph_mu);
    for (size_t i = 0; i < g_norph;) {
        if (!tcp_sending(g_orph[i])) {
            berth_close(g_st, g_orph[i]);
            g_orph[i] = g_orph[--g_norph];
        } else {
            i++;
        }
    }
    size_t n = g_norph;
    pthread_mutex_unlock(&g_orph_mu);
    return n;
}

/* ---- pumping ---- */

/* Both ends are finished with: close the berth socket (as the last close()
 * of a kernel socket would) and B. */
static void finish(struct psock *ps)
{
    ps->dead = true;
    posix_map_forget(ps->bfd);
    pthread_mutex_lock(&g_tab_mu);
    g_tab[ps->bfd] = NULL;
    ps->refs--; /* the table's; the caller holds another */
    pthread_mutex_unlock(&g_tab_mu);
    epoll_ctl(g_kep, EPOLL_CTL_DEL, ps->b, NULL);
    if (ps->type == SOCK_STREAM && ps->state == PS_ESTAB && tcp_sending(ps->bfd)) {
        if (!ps->out_eof)
            berth_shutdown(g_st, ps->bfd, SHUT_WR);
        orphan_add(ps->bfd);
        ps_ring();
    } else {
        berth_close(g_st, ps->bfd);
    }
    ps_mark_internal(ps->b, false);
    R.close(ps->b);
    ps->b = -1;
}

static void drain_filler(struct psock *ps)
{
    while (ps->filler) {
        size_t n = ps->filler < PUMP_BUF ? ps->filler : PUMP_BUF;
        ssize_t r = R.recv(ps->b, buf(), n, MSG_DONTWAIT);
        if (r <= 0)
            break;
        ps->filler -= (size_t)r;
    }
}

static void connect_check(struct psock *ps)
{
    struct pollfd p = {ps->bfd, POLLOUT, 0};
    berth_poll(g_st, &p, 1, 0);
    if (!(p.revents & (POLLOUT | POLLERR | POLLHUP)))
        return;
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    if (berth_getpeername(g_st, ps->bfd, (struct sockaddr *)&ss, &l) == 0) {
        ps->state = PS_ESTAB;
        record_names(ps);
    } else {
        /* Failed: A becomes writable and reads EOF, waking every kind of
         * waiter; SO_ERROR (berth's) says why. */
        ps->state = PS_FAILED;
        ps->in_eof = true;
        R.shutdown(ps->b, SHUT_WR);
    }
    drain_filler(ps);
}

static void listener_token(struct psock *ps)
{
    if (ps->token)
        return;
    struct pollfd p = {ps->bfd, POLLIN, 0};
    berth_poll(g_st, &p, 1, 0);
    if ((p.revents & POLLIN) && R.send(ps->b, "t", 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
        ps->token = true;
}

/* berth -> B (stream). */
static void in_stream(struct psock *ps)
{
    char *p = buf();
    while (!ps->in_eof && !ps->b_full) {
        ssize_t n = berth_recv(g_st, ps->bfd, p, PUMP_BUF, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0) {
            ssize_t w = R.send(ps->b, p, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (w <= 0) {
                ps->b_full = true; /* EAGAIN; EPIPE: A is gone, HUP follows */
                break;
            }
            /* What B took leaves berth without a second copy (MSG_TRUNC
             * discards, as tcp_recvmsg does). */
            berth_recv(g_st, ps->bfd, p, (size_t)w, MSG_DONTWAIT | MSG_TRUNC);
            if (w < n)
                ps->b_full = true;
        } else if (n == 0) {
            ps->in_eof = true;
            R.shutdown(ps->b, SHUT_WR);
        } else {
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                ps->err = errno;
                ps->in_eof = true;
                R.shutdown(ps->b, SHUT_WR);
            }
            break;
        }
    }
}

/* B -> berth (stream). */
static void out_stream(struct psock *ps)
{
    char *p = buf();
    while (!ps->out_eof && !ps->berth_full) {
        ssize_t n = R.recv(ps->b, p, PUMP_BUF, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0) {
            ssize_t s = berth_send(g_st, ps->bfd, p, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (s < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                ps->berth_full = true;
                break;
            }
            if (s < 0) {
                /* The connection is gone: the bytes go where a reset
                 * connection's send queue goes. */
                if (!ps->err)
                    ps->err = errno;
                s = n;
            }
            R.recv(ps->b, p, (size_t)s, MSG_DONTWAIT);
            if (s < n)
                ps->berth_full = true;
        } else if (n == 0) {
            ps->out_eof = true;
            berth_shutdown(g_st, ps->bfd, SHUT_WR);
        } else {
            break;
        }
    }
}

static bool q_push(struct psock *ps, const struct sockaddr_storage *sa, socklen_t len, size_t dlen)
{
    if (ps->qlen == ps->qcap) {
        unsigned n = ps->qcap ? ps->qcap * 2 : 64;
        struct ps_addr *q = malloc(n * sizeof *q);
        if (!q)
            return false;
        for (unsigned i = 0; i < ps->qlen; i++)
            q[i] = ps->q[(ps->qhead + i) % ps->qcap];
        free(ps->q);
        ps->q = q;
        ps->qcap = n;
        ps->qhead = 0;
    }
    struct ps_addr *e = &ps->q[(ps->qhead + ps->qlen++) % ps->qcap];
    e->sa = *sa;
    e->len = len;
    e->dlen = dlen;
    return true;
}

/* berth -> B (datagrams): each datagram's source waits in ps->q. */
static void in_dgram(struct psock *ps)
{
    char *p = buf();
    while (!ps->b_full) {
        struct sockaddr_storage sa;
        socklen_t sl = sizeof sa;
        ssize_t n = berth_recvfrom(g_st, ps->bfd, p, PUMP_BUF, MSG_PEEK | MSG_DONTWAIT,
                                   (struct sockaddr *)&sa, &sl);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            ps->err = errno; /* ECONNREFUSED...: reported by the next wrapped call */
            continue;
        }
        if (ps->qlen >= 65536 || R.send(ps->b, p, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
            ps->b_full = true;
            break;
        }
        if (!q_push(ps, &sa, sl, (size_t)n))
            sl = 0;
        berth_recv(g_st, ps->bfd, p, PUMP_BUF, MSG_DONTWAIT);
    }
}

static bool b_hup(struct psock *ps)
{
    struct pollfd p = {ps->b, POLLIN, 0};
    return R.poll(&p, 1, 0) > 0 && (p.revents & POLLHUP);
}

/* B -> berth (datagrams written to A by code that bypassed the wrappers). */
static void out_dgram(struct psock *ps)
{
    char *p = buf();
    for (;;) {
        ssize_t n = R.recv(ps->b, p, PUMP_BUF, MSG_DONTWAIT);
        if (n < 0 || (n == 0 && b_hup(ps)))
            break;
        berth_send(g_st, ps->bfd, p, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
}

/* What was written to A after the connection failed goes nowhere. */
static void out_discard(struct psock *ps)
{
    while (R.recv(ps->b, buf(), PUMP_BUF, MSG_DONTWAIT) > 0) {
    }
}

static void rearm(struct psock *ps, int wk)
{
    if (ps->karmed == wk)
        return;
    struct epoll_event ev = {.events = (uint32_t)wk | EPOLLONESHOT, .data.u64 = ps->key};
    if (epoll_ctl(g_kep, EPOLL_CTL_MOD, ps->b, &ev) == 0)
        ps->karmed = wk;
}

void ps_pump(struct psock *ps)
{
    if (ps->dead || ps_in_child || ps->b < 0)
        return;
    int old = ps->want_berth;
    ps->b_full = ps->berth_full = false;
    if (ps->state == PS_CONNECTING)
        connect_check(ps);
    switch (ps->state) {
    case PS_LISTEN:
        listener_token(ps);
        break;
    case PS_FAILED:
        out_discard(ps);
        break;
    case PS_ESTAB:
        if (ps->type == SOCK_STREAM) {
            in_stream(ps);
            out_stream(ps);
        } else {
            in_dgram(ps);
            out_dgram(ps);
        }
        break;
    default:
        break;
    }
    /* The last close of A anywhere (or both directions ended): B hangs
     * up. A stream's remaining bytes were forwarded first (out_eof). */
    bool can_finish = ps->state != PS_ESTAB || ps->type != SOCK_STREAM || ps->out_eof;
    if (can_finish && b_hup(ps)) {
        finish(ps);
        ps->want_berth = 0;
        return;
    }
    int wb = 0, wk = 0;
    switch (ps->state) {
    case PS_CONNECTING:
        wb = POLLOUT;
        break;
    case PS_LISTEN:
        wb = ps->token ? 0 : POLLIN;
        break;
    case PS_FAILED:
        wk = EPOLLIN;
        break;
    case PS_ESTAB:
        if (!ps->in_eof && !ps->b_full)
            wb |= POLLIN;
        if (ps->berth_full)
            wb |= POLLOUT;
        if (!ps->out_eof && !ps->berth_full)
            wk |= EPOLLIN;
        if (ps->b_full)
            wk |= EPOLLOUT;
        break;
    default:
        break;
    }
    ps->want_berth = wb;
    rearm(ps, wk);
    if (wb != old)
        ps_ring();
}

void ps_pump_try(struct psock *ps)
{
    if (ps_in_child)
        return;
    if (pthread_mutex_trylock(&ps->mu) == 0) {
        ps_pump(ps);
        pthread_mutex_unlock(&ps->mu);
    } else {
        ps_ring();
    }
}

/* ---- the threads ---- */

static struct psock **snapshot(size_t *n)
{
    static struct psock **v;
    static size_t cap;
    pthread_mutex_lock(&g_tab_mu);
    size_t k = 0;
    for (size_t i = 0; i < g_tab_len; i++) {
        if (!g_tab[i])
            continue;
        if (k == cap) {
            size_t c = cap ? cap * 2 : 64;
            struct psock **t = realloc(v, c * sizeof *t);
            if (!t)
                break;
            v = t;
            cap = c;
        }
        g_tab[i]->refs++;
        v[k++] = g_tab[i];
    }
    pthread_mutex_unlock(&g_tab_mu);
    *n = k;
    return v;
}

static void *pump_thread(void *arg)
{
    (void)arg;
    struct pollfd *pf = NULL;
    size_t pcap = 0;
    for (;;) {
        /* Drain first, then re-enable ringing: a ring that lands between
         * the two leaves a datagram behind (one spare wake), never a raised
         * flag with no datagram (a lost wake: the flag would stop every
         * later ring). */
        while (berth_recv(g_st, g_db, buf(), 16, MSG_DONTWAIT) >= 0) {
        }
        atomic_store(&g_rung, false);
        size_t n;
        struct psock **v = snapshot(&n);
        if (n + 1 > pcap) {
            pcap = (n + 1) * 2;
            struct pollfd *t = realloc(pf, pcap * sizeof *pf);
            if (!t)
                abort();
            pf = t;
        }
        pf[0] = (struct pollfd){g_db, POLLIN, 0};
        for (size_t i = 0; i < n; i++) {
            struct psock *ps = v[i];
            pthread_mutex_lock(&ps->mu);
            if (ps->kready) {
                ps->kready = false;
                ps_pump(ps);
            }
            pf[i + 1] = (struct pollfd){ps->want_berth && !ps->dead ? ps->bfd : -1,
                                        (short)ps->want_berth, 0};
            pthread_mutex_unlock(&ps->mu);
        }
        /* Orphans finish without an event berth_poll could wait for: a
         * look every 100 ms while there are any (none when idle). */
        int r = berth_poll(g_st, pf, n + 1, orphan_reap() ? 100 : -1);
        for (size_t i = 0; r > 0 && i < n; i++) {
            if (!pf[i + 1].revents)
                continue;
            pthread_mutex_lock(&v[i]->mu);
            ps_pump(v[i]);
            pthread_mutex_unlock(&v[i]->mu);
        }
        for (size_t i = 0; i < n; i++)
            ps_put(v[i]);
    }
    return NULL;
}

static void *watch_thread(void *arg)
{
    (void)arg;
    struct epoll_event ev[64];
    for (;;) {
        int n = epoll_wait(g_kep, ev, 64, -1);
        for (int i = 0; i < n; i++) {
            uint64_t key = ev[i].data.u64;
            size_t bfd = (uint32_t)key;
            struct psock *ps = NULL;
            pthread_mutex_lock(&g_tab_mu);
            if (bfd < g_tab_len && g_tab[bfd] && g_tab[bfd]->key == key)
                (ps = g_tab[bfd])->refs++;
            pthread_mutex_unlock(&g_tab_mu);
            if (!ps)
                continue;
            pthread_mutex_lock(&ps->mu);
            ps->karmed = -1;
            ps->kready = true;
            pthread_mutex_unlock(&ps->mu);
            ps_put(ps);
        }
        if (n > 0)
            ps_ring();
    }
    return NULL;
}

int ps_start(berth_stack *st)
{
    g_st = st;
    g_kep = epoll_create1(EPOLL_CLOEXEC);
    if (g_kep < 0)
        return -1;
    ps_mark_internal(g_kep, true);
    g_db = berth_socket(st, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    g_db_addr =
        (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof g_db_addr;
    if (g_db < 0 || berth_bind(st, g_db, (struct sockaddr *)&g_db_addr, sizeof g_db_addr) != 0 ||
        berth_getsockname(st, g_db, (struct sockaddr *)&g_db_addr, &l) != 0)
        return -1;
    /* The threads take no signal meant for the application. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    int e = pthread_create(&t, &at, pump_thread, NULL);
    if (!e)
        e = pthread_create(&t, &at, watch_thread, NULL);
    pthread_attr_destroy(&at);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

/* Linux lets a connection outlive its process: exit closes the descriptors
 * and the kernel goes on sending what was queued, then the FIN, with no
 * process left. Here the stack dies with the process, so at exit() the
 * library forwards what waits in each B, shuts the berth side down (what
 * the exit's close does) and waits, at most max_ms, until every byte and
 * the FIN are acknowledged. A process killed by a signal cannot do this:
 * its peers see the connection stop (docs/posix.md). */
void ps_exit_flush(int max_ms)
{
    if (ps_in_child || !g_st)
        return;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        size_t n;
        struct psock **v = snapshot(&n);
        bool pending = false;
        for (size_t i = 0; i < n; i++) {
            struct psock *ps = v[i];
            pthread_mutex_lock(&ps->mu);
            if (!ps->dead && ps->type == SOCK_STREAM && ps->state == PS_ESTAB) {
                ps_pump(ps);
                int q = 0;
                if (!ps->dead && ps->b >= 0 && R.ioctl(ps->b, FIONREAD, &q) == 0 && q > 0) {
                    pending = true;
                } else if (!ps->dead) {
                    if (!ps->out_eof) {
                        ps->out_eof = true;
                        berth_shutdown(g_st, ps->bfd, SHUT_WR);
                    }
                    if (tcp_sending(ps->bfd))
                        pending = true;
                }
            }
            pthread_mutex_unlock(&ps->mu);
        }
        for (size_t i = 0; i < n; i++)
            ps_put(v[i]);
        if (orphan_reap())
            pending = true;
        clock_gettime(CLOCK_MONOTONIC, &t);
        long ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (!pending || ms >= max_ms)
            return;
        struct timespec d = {0, 5000000};
        nanosleep(&d, NULL);
    }
}
