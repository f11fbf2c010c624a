/* preload.c — libberth-preload.so: the socket and descriptor calls of an
 * unmodified program, shadowed at the symbol level (docs/posix.md).
 *
 * AF_INET and AF_INET6 sockets are berth's; every other descriptor goes to
 * the next definition (libc) untouched. The control calls share posix.c's
 * code (berth_posix_*: the descriptor checks and their errno order); the
 * data calls go through the application's end A of the socketpair, which
 * the pump (psock.c) connects to the berth socket. */
#define BERTH_POSIX_NO_MACROS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "berth/posix.h"
#include "berth/socket.h"
#include "posix/posix_impl.h"
#include "preload_env.h"
#include "preload_real.h"
#include "psock.h"

#define EXPORT __attribute__((visibility("default")))

static int real_fcntl(int fd, int cmd, long arg) { return R.fcntl(fd, cmd, arg); }

static const struct posix_os preload_os = {
    .close = NULL, /* filled in the constructor */
    .fcntl = real_fcntl,
    .placeholder_open = ps_placeholder_open,
    .placeholder_attach = ps_placeholder_attach,
    .placeholder_abort = ps_placeholder_abort,
    .configure = preload_configure,
};
static struct posix_os g_os;

static void at_fork_child(void) { ps_after_fork_child(); }

__attribute__((constructor)) static void preload_init(void)
{
    preload_real_init();
    g_os = preload_os;
    g_os.close = R.close;
    posix_set_os(&g_os);
    pthread_atfork(NULL, NULL, at_fork_child);
}

/* BERTH_EXIT_LINGER_MS (default 10000): how long exit() waits for the
 * process's connections to deliver what they queued (docs/posix.md). */
__attribute__((destructor)) static void preload_fini(void)
{
    const char *s = getenv("BERTH_EXIT_LINGER_MS");
    ps_exit_flush(s ? atoi(s) : 10000);
    if (!ps_in_child)
        preload_env_exit();
}

static berth_stack *st(void) { return berth_posix_stack(); }

static bool nonblocking(int fd) { return (R.fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

/* Wait on A in the kernel (signals interrupt it as they would the real
 * call). 0, or -1 with errno (EINTR). */
static int wait_a(int fd, short events, int timeout_ms)
{
    struct pollfd p = {fd, events, 0};
    int r = R.poll(&p, 1, timeout_ms);
    if (r == 0) {
        errno = EAGAIN;
        return -1;
    }
    return r < 0 ? -1 : 0;
}

/* SO_RCVTIMEO as poll's timeout (-1: none). */
static int rcvtimeo_ms(struct psock *ps)
{
    struct timeval tv;
    socklen_t l = sizeof tv;
    if (berth_getsockopt(st(), ps->bfd, SOL_SOCKET, SO_RCVTIMEO, &tv, &l) != 0 ||
        (tv.tv_sec == 0 && tv.tv_usec == 0))
        return -1;
    return (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
}

static int fail(struct psock *ps, int e)
{
    if (ps)
        ps_put(ps);
    errno = e;
    return -1;
}

/* ---- creating and naming ---- */

EXPORT int socket(int domain, int type, int protocol)
{
    preload_real_init();
    if ((domain != AF_INET && domain != AF_INET6) || ps_busy)
        return R.socket(domain, type, protocol);
    if (ps_in_child) {
        errno = EAFNOSUPPORT; /* the stack lives in the parent */
        return -1;
    }
    return berth_posix_socket(domain, type, protocol);
}

EXPORT int bind(int fd, const struct sockaddr *a, socklen_t l)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.bind(fd, a, l);
    if (ps_in_child)
        return fail(ps, EOPNOTSUPP);
    int r = berth_posix_bind(fd, a, l);
    int e = errno;
    if (r == 0) {
        ps->llen = sizeof ps->local;
        berth_getsockname(st(), ps->bfd, (struct sockaddr *)&ps->local, &ps->llen);
    }
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT int listen(int fd, int backlog)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.listen(fd, backlog);
    if (ps_in_child)
        return fail(ps, EOPNOTSUPP);
    int r = berth_posix_listen(fd, backlog);
    int e = errno;
    if (r == 0 && ps->type == SOCK_STREAM) {
        pthread_mutex_lock(&ps->mu);
        ps->state = PS_LISTEN;
        ps_pump(ps);
        pthread_mutex_unlock(&ps->mu);
    }
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT int connect(int fd, const struct sockaddr *a, socklen_t l)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.connect(fd, a, l);
    if (ps_in_child)
        return fail(ps, EOPNOTSUPP);
    int r = berth_posix_connect(fd, a, l);
    int e = errno;
    if (ps->type != SOCK_STREAM) {
        if (r == 0) {
            ps->plen = sizeof ps->peer;
            berth_getpeername(st(), ps->bfd, (struct sockaddr *)&ps->peer, &ps->plen);
        }
        ps_put(ps);
        errno = e;
        return r;
    }
    if (r == 0 || e == EINPROGRESS) {
        pthread_mutex_lock(&ps->mu);
        if (ps->state == PS_FRESH)
            ps->state = PS_CONNECTING;
        ps_pump(ps);
        pthread_mutex_unlock(&ps->mu);
    }
    if (r < 0 && e == EINPROGRESS && !nonblocking(fd)) {
        /* A blocking connect: wait in the kernel until the pump makes A
         * writable (established) or readable at EOF (failed). */
        for (;;) {
            pthread_mutex_lock(&ps->mu);
            ps_pump(ps);
            int s = ps->state;
            pthread_mutex_unlock(&ps->mu);
            if (s != PS_CONNECTING)
                break;
            if (wait_a(fd, POLLOUT | POLLIN, -1) != 0 && errno == EINTR)
                return fail(ps, EINTR);
        }
        if (ps->state == PS_ESTAB) {
            r = 0;
        } else {
            int soe = 0;
            socklen_t sl = sizeof soe;
            berth_getsockopt(st(), ps->bfd, SOL_SOCKET, SO_ERROR, &soe, &sl);
            e = soe ? soe : ECONNREFUSED;
        }
    }
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT int accept4(int fd, struct sockaddr *a, socklen_t *l, int flags)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.accept4(fd, a, l, flags);
    if (ps_in_child)
        return fail(ps, EOPNOTSUPP);
    for (;;) {
        int r = berth_posix_accept4(fd, a, l, flags);
        int e = errno;
        if (ps->state == PS_LISTEN) {
            /* The token in A said "connections wait": take it; the pump
             * puts it back while more wait. */
            pthread_mutex_lock(&ps->mu);
            if (ps->token) {
                char c;
                R.recv(fd, &c, 1, MSG_DONTWAIT);
                ps->token = false;
            }
            ps_pump(ps);
            pthread_mutex_unlock(&ps->mu);
        }
        if (r >= 0 || e != EAGAIN || nonblocking(fd)) {
            ps_put(ps);
            errno = e;
            return r;
        }
        if (wait_a(fd, POLLIN, -1) != 0 && errno == EINTR)
            return fail(ps, EINTR);
    }
}

EXPORT int accept(int fd, struct sockaddr *a, socklen_t *l) { return accept4(fd, a, l, 0); }

EXPORT int getsockname(int fd, struct sockaddr *a, socklen_t *l)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.getsockname(fd, a, l);
    int r;
    if (ps_in_child) {
        /* Recorded in the parent; the socket's own name never changes
         * after connect or accept. */
        socklen_t n = *l < ps->llen ? *l : ps->llen;
        memcpy(a, &ps->local, n);
        *l = ps->llen;
        r = 0;
    } else {
        r = berth_posix_getsockname(fd, a, l);
    }
    int e = errno;
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT int getpeername(int fd, struct sockaddr *a, socklen_t *l)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.getpeername(fd, a, l);
    int r;
    if (ps_in_child) {
        if (!ps->plen)
            return fail(ps, ENOTCONN);
        socklen_t n = *l < ps->plen ? *l : ps->plen;
        memcpy(a, &ps->peer, n);
        *l = ps->plen;
        r = 0;
    } else {
        r = berth_posix_getpeername(fd, a, l);
    }
    int e = errno;
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.getsockopt(fd, level, name, val, len);
    if (ps_in_child)
        return fail(ps, EOPNOTSUPP);
    int r = berth_posix_getsockopt(fd, level, name, val, len);
    int e = errno;
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.setsockopt(fd, level, name, val, len);
    if (ps_in_child)
        return fail(ps, EOPNOTSUPP);
    int r = berth_posix_setsockopt(fd, level, name, val, len);
    int e = errno;
    /* Blocking reads and writes wait on A in the kernel: it must time out
     * and wake as the socket would. */
    if (r == 0 && level == SOL_SOCKET &&
        (name == SO_RCVTIMEO || name == SO_SNDTIMEO || name == SO_RCVLOWAT || name == 66 ||
         name == 67)) /* SO_RCVTIMEO_NEW, SO_SNDTIMEO_NEW */
        R.setsockopt(fd, level, name, val, len);
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT int shutdown(int fd, int how)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.shutdown(fd, how);
    if (ps_in_child || (ps->type == SOCK_STREAM && ps->state == PS_ESTAB &&
                        (how == SHUT_RD || how == SHUT_WR || how == SHUT_RDWR))) {
        /* Through A, so that everything written before the shutdown is
         * sent before the FIN. */
        if (!ps_in_child && (how == SHUT_RD || how == SHUT_RDWR))
            berth_shutdown(st(), ps->bfd, SHUT_RD);
        int r = R.shutdown(fd, how);
        int e = errno;
        ps_pump_try(ps);
        ps_put(ps);
        errno = e;
        return r;
    }
    int r = berth_posix_shutdown(fd, how);
    int e = errno;
    ps_put(ps);
    errno = e;
    return r;
}

/* ---- data ---- */

static ssize_t ps_sendmsg(struct psock *ps, int fd, const struct msghdr *m, int flags)
{
    if (ps->type == SOCK_STREAM &&
        (ps_in_child || ps->state == PS_ESTAB || ps->state == PS_CONNECTING)) {
        if (!ps_in_child && ps->err && ps->in_eof) {
            /* The connection was reset or timed out: its error first, as
             * tcp_sendmsg's sk_stream_error gives it. */
            errno = ps->err;
            ps->err = 0;
            return -1;
        }
        struct msghdr m2 = *m;
        m2.msg_name = NULL;
        m2.msg_namelen = 0;
        ssize_t r = R.sendmsg(fd, &m2, flags & ~(MSG_MORE | MSG_FASTOPEN | MSG_CONFIRM));
        int e = errno;
        if (r > 0)
            ps_pump_try(ps);
        errno = e;
        return r;
    }
    if (ps_in_child) {
        if (m->msg_name) {
            errno = EOPNOTSUPP;
            return -1;
        }
        return R.sendmsg(fd, m, flags);
    }
    return berth_sendmsg(st(), ps->bfd, m, flags);
}

/* Take the source address of the datagram just read (ps->mu held). */
static void take_addr(struct psock *ps, struct msghdr *m, ssize_t got, bool peek)
{
    socklen_t cap = m->msg_name ? m->msg_namelen : 0;
    m->msg_namelen = 0;
    if (!ps->qlen)
        return;
    struct ps_addr *e = &ps->q[ps->qhead];
    (void)got;
    if (m->msg_name) {
        memcpy(m->msg_name, &e->sa, cap < e->len ? cap : e->len);
        m->msg_namelen = e->len;
    }
    if (!peek) {
        ps->qhead = (ps->qhead + 1) % ps->qcap;
        ps->qlen--;
    }
}

static bool iov_len_nonzero(const struct msghdr *m)
{
    for (size_t i = 0; i < m->msg_iovlen; i++)
        if (m->msg_iov[i].iov_len)
            return true;
    return false;
}

static ssize_t ps_recvmsg(struct psock *ps, int fd, struct msghdr *m, int flags)
{
    if (ps->type == SOCK_STREAM) {
        if (!ps_in_child &&
            (ps->state == PS_FRESH || ps->state == PS_LISTEN || ps->state == PS_FAILED))
            return berth_recvmsg(st(), ps->bfd, m, flags);
        ps_pump_try(ps);
        struct msghdr m2 = *m;
        m2.msg_name = NULL;
        m2.msg_namelen = 0;
        ssize_t r = R.recvmsg(fd, &m2, flags);
        int e = errno;
        m->msg_namelen = 0;
        m->msg_flags = m2.msg_flags;
        m->msg_controllen = m2.msg_controllen;
        if (r == 0 && ps->err && iov_len_nonzero(m)) {
            /* berth's error, where the kernel's read gives EOF */
            e = ps->err;
            ps->err = 0;
            r = -1;
        }
        errno = e;
        return r;
    }
    if (ps_in_child) {
        struct msghdr m2 = *m;
        m2.msg_name = NULL;
        m2.msg_namelen = 0;
        ssize_t r = R.recvmsg(fd, &m2, flags);
        m->msg_namelen = 0;
        m->msg_flags = m2.msg_flags;
        return r;
    }
    bool block = !(flags & MSG_DONTWAIT) && !nonblocking(fd);
    int tmo = block ? rcvtimeo_ms(ps) : 0;
    for (;;) {
        pthread_mutex_lock(&ps->mu);
        ps_pump(ps);
        if (ps->err && !(flags & MSG_ERRQUEUE)) {
            errno = ps->err; /* sock_error(): a pending ICMP error first */
            ps->err = 0;
            pthread_mutex_unlock(&ps->mu);
            return -1;
        }
        struct msghdr m2 = *m;
        m2.msg_name = NULL;
        m2.msg_namelen = 0;
        ssize_t r = R.recvmsg(fd, &m2, flags | MSG_DONTWAIT);
        int e = errno;
        if (r >= 0) {
            take_addr(ps, m, r, flags & MSG_PEEK);
            m->msg_flags = m2.msg_flags;
            m->msg_controllen = 0;
        }
        pthread_mutex_unlock(&ps->mu);
        if (r >= 0 || !block || (e != EAGAIN && e != EWOULDBLOCK)) {
            errno = e;
            return r;
        }
        if (wait_a(fd, POLLIN, tmo) != 0)
            return -1; /* EINTR, or EAGAIN at SO_RCVTIMEO */
    }
}

#define DATA_CALL(fd, realcall, body)                                                              \
    do {                                                                                           \
        preload_real_init();                                                                       \
        struct psock *ps = ps_lookup(fd);                                                          \
        if (!ps)                                                                                   \
            return realcall;                                                                       \
        ssize_t r_ = body;                                                                         \
        int e_ = errno;                                                                            \
        ps_put(ps);                                                                                \
        errno = e_;                                                                                \
        return r_;                                                                                 \
    } while (0)

EXPORT ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
    DATA_CALL(fd, R.sendmsg(fd, m, flags), ps_sendmsg(ps, fd, m, flags));
}

EXPORT ssize_t sendto(int fd, const void *b, size_t n, int flags, const struct sockaddr *to,
                      socklen_t tl)
{
    struct iovec v = {(void *)b, n};
    struct msghdr m = {.msg_name = (void *)to, .msg_namelen = tl, .msg_iov = &v, .msg_iovlen = 1};
    DATA_CALL(fd, R.sendmsg(fd, &m, flags), ps_sendmsg(ps, fd, &m, flags));
}

EXPORT ssize_t send(int fd, const void *b, size_t n, int flags)
{
    struct iovec v = {(void *)b, n};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
    DATA_CALL(fd, R.send(fd, b, n, flags), ps_sendmsg(ps, fd, &m, flags));
}

EXPORT ssize_t write(int fd, const void *b, size_t n)
{
    struct iovec v = {(void *)b, n};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
    DATA_CALL(fd, R.write(fd, b, n), ps_sendmsg(ps, fd, &m, 0));
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = cnt < 0 ? 0 : (size_t)cnt};
    DATA_CALL(fd, R.writev(fd, iov, cnt),
              cnt < 0 || cnt > 1024 ? (errno = EINVAL, -1) : ps_sendmsg(ps, fd, &m, 0));
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
    DATA_CALL(fd, R.recvmsg(fd, m, flags), ps_recvmsg(ps, fd, m, flags));
}

static ssize_t recvfrom_impl(int fd, void *b, size_t n, int flags, struct sockaddr *from,
                             socklen_t *fl)
{
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.recvmsg ? (ssize_t)-2 : -1; /* caller uses the real call */
    struct iovec v = {b, n};
    struct msghdr m = {
        .msg_name = from, .msg_namelen = fl ? *fl : 0, .msg_iov = &v, .msg_iovlen = 1};
    if (!from)
        m.msg_namelen = 0;
    ssize_t r = ps_recvmsg(ps, fd, &m, flags);
    int e = errno;
    if (r >= 0 && from && fl)
        *fl = m.msg_namelen;
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT ssize_t recvfrom(int fd, void *b, size_t n, int flags, struct sockaddr *from, socklen_t *fl)
{
    preload_real_init();
    ssize_t r = recvfrom_impl(fd, b, n, flags, from, fl);
    if (r == -2) {
        struct iovec v = {b, n};
        struct msghdr m = {
            .msg_name = from, .msg_namelen = fl ? *fl : 0, .msg_iov = &v, .msg_iovlen = 1};
        r = R.recvmsg(fd, &m, flags);
        if (r >= 0 && from && fl)
            *fl = m.msg_namelen;
    }
    return r;
}

EXPORT ssize_t recv(int fd, void *b, size_t n, int flags)
{
    struct iovec v = {b, n};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
    DATA_CALL(fd, R.recv(fd, b, n, flags), ps_recvmsg(ps, fd, &m, flags));
}

EXPORT ssize_t read(int fd, void *b, size_t n)
{
    struct iovec v = {b, n};
    struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
    DATA_CALL(fd, R.read(fd, b, n), ps_recvmsg(ps, fd, &m, 0));
}

EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
    struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = cnt < 0 ? 0 : (size_t)cnt};
    DATA_CALL(fd, R.readv(fd, iov, cnt),
              cnt < 0 || cnt > 1024 ? (errno = EINVAL, -1) : ps_recvmsg(ps, fd, &m, 0));
}

/* _FORTIFY_SOURCE builds call these instead (glibc's own versions call
 * internal names that cannot be shadowed). */
EXPORT ssize_t __read_chk(int fd, void *b, size_t n, size_t bl)
{
    if (n > bl)
        abort();
    return read(fd, b, n);
}
EXPORT ssize_t __recv_chk(int fd, void *b, size_t n, size_t bl, int flags)
{
    if (n > bl)
        abort();
    return recv(fd, b, n, flags);
}
EXPORT ssize_t __recvfrom_chk(int fd, void *b, size_t n, size_t bl, int flags,
                              struct sockaddr *from, socklen_t *fl)
{
    if (n > bl)
        abort();
    return recvfrom(fd, b, n, flags, from, fl);
}

EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
    preload_real_init();
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.sendmmsg(fd, vec, vlen, flags);
    int r;
    if (ps->type != SOCK_STREAM && !ps_in_child) {
        r = berth_posix_sendmmsg(fd, vec, vlen, flags);
    } else {
        unsigned i = 0;
        for (; i < vlen && i < 1024; i++) {
            ssize_t n = ps_sendmsg(ps, fd, &vec[i].msg_hdr, flags);
            if (n < 0)
                break;
            vec[i].msg_len = (unsigned)n;
        }
        r = i ? (int)i : -1;
    }
    int e = errno;
    ps_put(ps);
    errno = e;
    return r;
}

EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *tmo)
{
    preload_real_init();
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.recvmmsg(fd, vec, vlen, flags, tmo);
    unsigned i = 0;
    int f = flags & ~MSG_WAITFORONE;
    for (; i < vlen && i < 1024; i++) {
        ssize_t n = ps_recvmsg(ps, fd, &vec[i].msg_hdr, f);
        if (n < 0)
            break;
        vec[i].msg_len = (unsigned)n;
        if (flags & MSG_WAITFORONE)
            f |= MSG_DONTWAIT;
    }
    int e = errno;
    ps_put(ps);
    errno = e;
    return i ? (int)i : -1;
}

/* ---- descriptors ---- */

EXPORT int close(int fd)
{
    preload_real_init();
    if (ps_internal(fd))
        return 0; /* berth's own (a close-all loop): left open, see docs/posix.md */
    struct psock *ps = berth_posix_fd(fd) >= 0 ? ps_lookup(fd) : NULL;
    if (berth_posix_fd(fd) >= 0)
        posix_map_set(fd, -1);
    int r = R.close(fd);
    int e = errno;
    if (ps) {
        /* The last reference: B hangs up now, and the berth socket closes
         * before close() returns, as the kernel's does (a listener refuses
         * the next connect at once). */
        if (!ps_in_child) {
            pthread_mutex_lock(&ps->mu);
            ps_pump(ps);
            pthread_mutex_unlock(&ps->mu);
        }
        ps_put(ps);
    }
    errno = e;
    return r;
}

EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
    preload_real_init();
    if (!R.close_range) {
        errno = ENOSYS;
        return -1;
    }
    /* Around berth's own descriptors. */
    unsigned lo = first;
    for (unsigned fd = first; fd <= last && fd < (1u << 20); fd++) {
        if (!ps_internal((int)fd))
            continue;
        if (fd > lo && R.close_range(lo, fd - 1, flags) != 0)
            return -1;
        lo = fd + 1;
        if (lo == 0)
            return 0;
    }
    if (lo > last)
        return 0;
    return R.close_range(lo, last, flags);
}

/* The copy shares the berth socket, as a dup'd kernel socket shares its
 * file. */
static int dup_map(int oldfd, int newfd)
{
    if (newfd >= 0 && newfd != oldfd)
        posix_map_set(newfd, berth_posix_fd(oldfd));
    return newfd;
}

EXPORT int dup(int fd)
{
    preload_real_init();
    return dup_map(fd, R.dup(fd));
}

EXPORT int dup2(int fd, int nfd)
{
    preload_real_init();
    if (ps_internal(nfd) && fd != nfd) {
        errno = EBADF;
        return -1;
    }
    return dup_map(fd, R.dup2(fd, nfd));
}

EXPORT int dup3(int fd, int nfd, int flags)
{
    preload_real_init();
    if (ps_internal(nfd)) {
        errno = EBADF;
        return -1;
    }
    return dup_map(fd, R.dup3(fd, nfd, flags));
}

EXPORT int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    preload_real_init();
    int r = R.fcntl(fd, cmd, arg);
    if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
        dup_map(fd, r);
    return r;
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return fcntl(fd, cmd, arg);
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    preload_real_init();
    struct psock *ps = ps_lookup(fd);
    if (!ps)
        return R.ioctl(fd, req, arg);
    int r;
    if (req == FIONBIO || ps_in_child) {
        r = R.ioctl(fd, req, arg); /* A's O_NONBLOCK is the socket's */
    } else if ((req == FIONREAD || req == SIOCOUTQ) && ps->state == PS_ESTAB) {
        /* What waits in A (received) or B (sent), plus what berth holds. */
        pthread_mutex_lock(&ps->mu);
        ps_pump(ps);
        int k = 0, b = 0;
        if (req == FIONREAD) {
            R.ioctl(fd, FIONREAD, &k);
            if (ps->type == SOCK_STREAM)
                berth_ioctl(st(), ps->bfd, FIONREAD, &b);
        } else {
            R.ioctl(ps->b, FIONREAD, &k);
            berth_ioctl(st(), ps->bfd, SIOCOUTQ, &b);
        }
        pthread_mutex_unlock(&ps->mu);
        if (arg == NULL || (uintptr_t)arg < 4096) {
            errno = EFAULT;
            r = -1;
        } else {
            *(int *)arg = k + b;
            r = 0;
        }
    } else {
        r = berth_posix_ioctl(fd, req, arg);
    }
    int e = errno;
    ps_put(ps);
    errno = e;
    return r;
}

/* ---- interfaces: berth's, not the kernel's (glibc asks the kernel over
 * netlink with internal calls that cannot be shadowed) ---- */

/* In a forked child the stack (and its lock) is the parent's, and while
 * berth sets up its TAP device it asks the kernel about it: the kernel's
 * answers then, from the next definitions. */
#define NEXT_FN(type, name) ((type)dlsym(RTLD_NEXT, name))

EXPORT unsigned int if_nametoindex(const char *name)
{
    if (ps_in_child || ps_busy)
        return NEXT_FN(unsigned (*)(const char *), "if_nametoindex")(name);
    return berth_posix_if_nametoindex(name);
}

EXPORT char *if_indextoname(unsigned int index, char buf[IF_NAMESIZE])
{
    if (ps_in_child || ps_busy)
        return NEXT_FN(char *(*)(unsigned, char *), "if_indextoname")(index, buf);
    return berth_posix_if_indextoname(index, buf);
}

/* Both lists come from berth_posix_* in the parent and from libc in a
 * child; the free functions tell them apart by the process they run in
 * (a list is not carried across fork by programs that free it there). */
EXPORT struct if_nameindex *if_nameindex(void)
{
    if (ps_in_child || ps_busy)
        return NEXT_FN(struct if_nameindex * (*)(void), "if_nameindex")();
    return berth_posix_if_nameindex();
}

EXPORT void if_freenameindex(struct if_nameindex *v)
{
    if (ps_in_child || ps_busy)
        NEXT_FN(void (*)(struct if_nameindex *), "if_freenameindex")(v);
    else
        berth_posix_if_freenameindex(v);
}

EXPORT int getifaddrs(struct ifaddrs **out)
{
    if (ps_in_child || ps_busy)
        return NEXT_FN(int (*)(struct ifaddrs **), "getifaddrs")(out);
    return berth_posix_getifaddrs(out);
}

EXPORT void freeifaddrs(struct ifaddrs *ifa)
{
    if (ps_in_child || ps_busy)
        NEXT_FN(void (*)(struct ifaddrs *), "freeifaddrs")(ifa);
    else
        berth_posix_freeifaddrs(ifa);
}
