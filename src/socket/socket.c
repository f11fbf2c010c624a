/* socket.c — the public BSD socket calls: descriptor table, the argument
 * checks Linux's syscall layer makes before a protocol sees the call (in the
 * same order, so the same mistake gives the same errno), and dispatch through
 * the per-(family, type) ops table. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>

#include "berth/socket.h"
#include "core/stack_impl.h"
#include "socket/sock.h"
#include "socket/sock_registry.h"

/* Linux's limits: NPROTO address families, SOCK_MAX types, IPPROTO_MAX. */
#define LINUX_NPROTO 46
#define LINUX_SOCK_MAX 11
#define LINUX_UIO_MAXIOV 1024

/* Double the descriptor table, up to cfg.max_fds (expand_fdtable). */
static int fd_table_grow(struct berth_stack *st)
{
    unsigned n = st->fds_len > st->cfg.max_fds / 2 ? st->cfg.max_fds : st->fds_len * 2;
    if (n < 1)
        n = 1;
    struct bsock **t = st_zalloc(st, sizeof(*t) * n);
    if (!t)
        return -ENOMEM;
    memcpy(t, st->fds, sizeof(*t) * st->fds_len);
    st_free(st, st->fds);
    st->fds = t;
    st->fds_len = n;
    return 0;
}

/* Lowest free descriptor (Linux's rule), or -EMFILE / -ENOMEM. fd_hint
 * skips the prefix known to be in use, so allocation does not rescan the
 * whole table. */
static int fd_lowest_free(struct berth_stack *st)
{
    for (;;) {
        for (unsigned i = st->fd_hint; i < st->fds_len; i++)
            if (!st->fds[i]) {
                st->fd_hint = i;
                return (int)i;
            }
        st->fd_hint = st->fds_len;
        if (st->fds_len >= st->cfg.max_fds)
            return -EMFILE;
        int rc = fd_table_grow(st);
        if (rc < 0)
            return rc;
    }
}

/* An open descriptor of this stack? */
static bool fd_open(const struct berth_stack *st, int fd)
{
    return fd >= 0 && (unsigned)fd < st->fds_len && st->fds[fd];
}

struct bsock *sock_fd_lookup(struct berth_stack *st, int fd)
{
    return fd_open(st, fd) ? st->fds[fd] : NULL;
}

int sock_fd_install(struct berth_stack *st, struct bsock *so, bool cloexec)
{
    int fd = fd_lowest_free(st);
    if (fd < 0)
        return fd;
    st->fds[fd] = so;
    if (cloexec)
        so->fl |= SOCKF_CLOEXEC;
    return fd;
}

/* Enter the stack and look up fd: EBADF if it is not an open socket. */
static struct bsock *fd_enter(struct berth_stack *st, int fd)
{
    st_lock(st);
    if (!fd_open(st, fd)) {
        st_unlock(st);
        errno = EBADF;
        return NULL;
    }
    return st->fds[fd];
}

/* Leave the stack with a kernel-style result. */
static long leave(struct berth_stack *st, long rc)
{
    st_unlock(st);
    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return rc;
}

int berth_fd_valid(berth_stack *st, int fd)
{
    st_lock(st);
    int ok = fd_open(st, fd);
    st_unlock(st);
    return ok;
}

int berth_socket(berth_stack *st, int domain, int type, int protocol)
{
    int flags = type & ~0xf;
    type &= 0xf;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) {
        errno = EINVAL;
        return -1;
    }
    if (domain < 0 || domain >= LINUX_NPROTO) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if (type < 0 || type >= LINUX_SOCK_MAX) {
        errno = EINVAL;
        return -1;
    }
    const struct sock_ops *ops = NULL;
    int rc = sock_registry_find(domain, type, protocol, &ops);
    if (rc < 0) {
        errno = -rc;
        return -1;
    }
    protocol = rc;
    st_lock(st);
    int fd = fd_lowest_free(st);
    if (fd < 0)
        return (int)leave(st, fd);
    if (st->nsockets >= st->cfg.max_sockets)
        return (int)leave(st, -ENFILE);
    struct bsock *so = sock_alloc(st, ops, protocol);
    if (!so)
        return (int)leave(st, -ENOBUFS);
    if (flags & SOCK_NONBLOCK)
        so->fl |= SOCKF_NONBLOCK;
    if (flags & SOCK_CLOEXEC)
        so->fl |= SOCKF_CLOEXEC;
    rc = ops->init ? ops->init(so) : 0;
    if (rc < 0) {
        sock_put(so);
        return (int)leave(st, rc);
    }
    st->fds[fd] = so;
    return (int)leave(st, fd);
}

/* __sys_socketpair: both descriptors are reserved first (EMFILE), the
 * vector must be writable (EFAULT), then two sockets are created with
 * socket()'s checks and joined by the protocol (EOPNOTSUPP when it has no
 * pairs, as AF_INET). */
int berth_socketpair(berth_stack *st, int domain, int type, int protocol, int sv[2])
{
    int flags = type & ~0xf;
    type &= 0xf;
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) {
        errno = EINVAL;
        return -1;
    }
    st_lock(st);
    int fd1 = fd_lowest_free(st);
    if (fd1 < 0)
        return (int)leave(st, fd1);
    int fd2 = fd1 + 1; /* the next free one, growing the table if need be */
    while ((unsigned)fd2 < st->fds_len && st->fds[fd2])
        fd2++;
    if ((unsigned)fd2 >= st->fds_len) {
        if (st->fds_len >= st->cfg.max_fds)
            return (int)leave(st, -EMFILE);
        int rc = fd_table_grow(st);
        if (rc < 0)
            return (int)leave(st, rc);
    }
    int pair[2] = {fd1, fd2};
    if (copy_to_user(sv, pair, sizeof(pair)))
        return (int)leave(st, -EFAULT);
    int rc;
    const struct sock_ops *ops = NULL;
    if (domain < 0 || domain >= LINUX_NPROTO)
        rc = -EAFNOSUPPORT;
    else if (type < 0 || type >= LINUX_SOCK_MAX)
        rc = -EINVAL;
    else
        rc = sock_registry_find(domain, type, protocol, &ops);
    if (rc < 0)
        return (int)leave(st, rc);
    protocol = rc;
    if (st->nsockets + 2 > st->cfg.max_sockets)
        return (int)leave(st, -ENFILE);
    struct bsock *a = sock_alloc(st, ops, protocol);
    struct bsock *b = a ? sock_alloc(st, ops, protocol) : NULL;
    rc = (a && b) ? 0 : -ENOBUFS;
    if (!rc && ops->init && ((rc = ops->init(a)) < 0 || (rc = ops->init(b)) < 0))
        rc = rc < 0 ? rc : -ENOBUFS;
    if (!rc)
        rc =
            sock_pair_by_id[a->ops_id] ? sock_pair_by_id[a->ops_id]->socketpair(a, b) : -EOPNOTSUPP;
    if (rc < 0) {
        if (b)
            sock_put(b);
        if (a)
            sock_put(a);
        return (int)leave(st, rc);
    }
    unsigned fl = ((flags & SOCK_NONBLOCK) ? SOCKF_NONBLOCK : 0) |
                  ((flags & SOCK_CLOEXEC) ? SOCKF_CLOEXEC : 0);
    a->fl = b->fl = fl & 3u;
    st->fds[fd1] = a;
    st->fds[fd2] = b;
    return (int)leave(st, 0);
}

/* move_addr_to_kernel(): length bounds, then the copy. */
static int addr_in(struct sockaddr_storage *k, const struct sockaddr *u, socklen_t len)
{
    if ((int)len < 0 || len > sizeof(*k))
        return -EINVAL;
    memset(k, 0, sizeof(*k));
    if (len == 0)
        return 0;
    return copy_from_user(k, u, len);
}

/* move_addr_to_user(): copy what fits, report the full length. */
static int addr_out(const struct sockaddr_storage *k, socklen_t klen, struct sockaddr *u,
                    socklen_t *ulen)
{
    socklen_t len;
    if (copy_from_user(&len, ulen, sizeof(len)))
        return -EFAULT;
    if ((int)len < 0)
        return -EINVAL;
    if (len > klen)
        len = klen;
    if (len && copy_to_user(u, k, len))
        return -EFAULT;
    return copy_to_user(ulen, &klen, sizeof(klen));
}

int berth_bind(berth_stack *st, int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    struct sockaddr_storage k;
    int rc = addr_in(&k, addr, addrlen);
    if (rc == 0)
        rc = so_ops(so)->bind ? so_ops(so)->bind(so, (struct sockaddr *)&k, addrlen) : -EOPNOTSUPP;
    return (int)leave(st, rc);
}

int berth_connect(berth_stack *st, int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    struct sockaddr_storage k;
    int rc = addr_in(&k, addr, addrlen);
    if (rc == 0)
        rc = sock_connect_by_id[so->ops_id]
                 ? sock_connect_by_id[so->ops_id]->connect(so, (struct sockaddr *)&k, addrlen)
                 : -EOPNOTSUPP;
    return (int)leave(st, rc);
}

int berth_listen(berth_stack *st, int fd, int backlog)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    if ((unsigned)backlog > (unsigned)st->net.somaxconn)
        backlog = st->net.somaxconn;
    const struct sock_listen_ops *lo = sock_listen_by_id[so->ops_id];
    int rc = lo ? lo->listen(so, backlog) : -EOPNOTSUPP;
    return (int)leave(st, rc);
}

int berth_accept4(berth_stack *st, int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) {
        errno = EINVAL;
        return -1;
    }
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    /* Linux reserves the descriptor first: EMFILE before EOPNOTSUPP, and
     * before a connection leaves the accept queue. */
    int rfd = fd_lowest_free(st);
    if (rfd < 0)
        return (int)leave(st, rfd);
    const struct sock_listen_ops *lo = sock_listen_by_id[so->ops_id];
    if (!lo)
        return (int)leave(st, -EOPNOTSUPP);
    struct bsock *child = NULL;
    /* The protocol only needs to know whether to wait (SOCK_NONBLOCK in
     * accept4's flags is the child's, applied below). */
    int rc = lo->accept(so, &child, (so->fl & SOCKF_NONBLOCK) ? O_NONBLOCK : 0);
    if (rc < 0)
        return (int)leave(st, rc);
    /* The descriptor table may have changed while accept blocked. */
    int nfd = fd_lowest_free(st);
    if (nfd < 0) {
        child->closed = true;
        so_ops(child)->release(child); /* a real close: the connection is reset */
        sock_put(child);
        return (int)leave(st, nfd);
    }
    child->fl = ((flags & SOCK_NONBLOCK) ? SOCKF_NONBLOCK : 0) |
                ((flags & SOCK_CLOEXEC) ? SOCKF_CLOEXEC : 0);
    st->fds[nfd] = child;
    if (addr) {
        struct sockaddr_storage ss;
        socklen_t len = 0;
        rc = sock_name_by_id[child->ops_id]->getname(child, &ss, &len, 2);
        if (rc == 0)
            rc = addr_out(&ss, len, addr, addrlen);
        if (rc < 0) {
            sock_close_fd(st, nfd);
            return (int)leave(st, rc);
        }
    }
    return (int)leave(st, nfd);
}

/* send: the ops table's sendmsg, or sendmsg's own (sock_sendmsg_by_id[]). */
static ssize_t do_sendmsg(struct berth_stack *st, struct bsock *so, const struct msghdr *m,
                          int flags,
                          ssize_t (*send)(struct bsock *, const struct msghdr *, size_t, int))
{
    size_t total = 0;
    for (size_t i = 0; i < (size_t)m->msg_iovlen; i++) {
        if (m->msg_iov[i].iov_len > SSIZE_MAX - total)
            return -EINVAL;
        total += m->msg_iov[i].iov_len;
    }
    if (so->fl & SOCKF_NONBLOCK)
        flags |= MSG_DONTWAIT;
    (void)st;
    if (!send)
        return -EOPNOTSUPP;
    return send(so, m, total, flags);
}

ssize_t berth_sendto(berth_stack *st, int fd, const void *buf, size_t len, int flags,
                     const struct sockaddr *to, socklen_t tolen)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    struct sockaddr_storage k;
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (len > INT_MAX - 4096) /* MAX_RW_COUNT */
        iov.iov_len = INT_MAX - 4096 + 1;
    if (to) {
        int rc = addr_in(&k, to, tolen);
        if (rc < 0)
            return leave(st, rc);
        m.msg_name = &k;
        m.msg_namelen = tolen;
    }
    return leave(st, do_sendmsg(st, so, &m, flags, so_ops(so)->sendmsg));
}

ssize_t berth_send(berth_stack *st, int fd, const void *buf, size_t len, int flags)
{
    return berth_sendto(st, fd, buf, len, flags, NULL, 0);
}

ssize_t berth_write(berth_stack *st, int fd, const void *buf, size_t len)
{
    return berth_sendto(st, fd, buf, len, 0, NULL, 0);
}

ssize_t berth_sendmsg(berth_stack *st, int fd, const struct msghdr *msg, int flags)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    struct msghdr m;
    if (copy_from_user(&m, msg, sizeof(m)))
        return leave(st, -EFAULT);
    if (m.msg_iovlen > LINUX_UIO_MAXIOV)
        return leave(st, -EMSGSIZE);
    if (m.msg_iovlen && user_ptr_bad(m.msg_iov, m.msg_iovlen * sizeof(struct iovec)))
        return leave(st, -EFAULT);
    struct sockaddr_storage k;
    if (m.msg_name) {
        int rc = addr_in(&k, m.msg_name, m.msg_namelen);
        if (rc < 0)
            return leave(st, rc);
        m.msg_name = &k;
    } else {
        m.msg_namelen = 0;
    }
    /* Control messages go to the protocol's sendmsg for them, if it has
     * one: sendto never carries any, so a firmware that never calls
     * sendmsg does not link their parsing. */
    const struct sock_sendmsg_ops *sm = sock_sendmsg_by_id[so->ops_id];
    return leave(st, do_sendmsg(st, so, &m, flags, sm ? sm->sendmsg : so_ops(so)->sendmsg));
}

/* receive: the ops table's recvmsg, or recvmsg's own (sock_recvmsg_by_id[]). */
static ssize_t do_recvmsg(struct bsock *so, struct msghdr *m, int flags,
                          ssize_t (*recv)(struct bsock *, struct msghdr *, int))
{
    if (so->fl & SOCKF_NONBLOCK)
        flags |= MSG_DONTWAIT;
    if (!recv)
        return -EOPNOTSUPP;
    return recv(so, m, flags);
}

ssize_t berth_recvfrom(berth_stack *st, int fd, void *buf, size_t len, int flags,
                       struct sockaddr *from, socklen_t *fromlen)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    struct sockaddr_storage k;
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (from) {
        m.msg_name = &k;
        m.msg_namelen = 0;
    }
    ssize_t rc = do_recvmsg(so, &m, flags, so_ops(so)->recvmsg);
    if (rc >= 0 && from) {
        int e = addr_out(&k, m.msg_namelen, from, fromlen);
        if (e < 0)
            rc = e;
    }
    return leave(st, rc);
}

ssize_t berth_recv(berth_stack *st, int fd, void *buf, size_t len, int flags)
{
    return berth_recvfrom(st, fd, buf, len, flags, NULL, NULL);
}

ssize_t berth_read(berth_stack *st, int fd, void *buf, size_t len)
{
    return berth_recvfrom(st, fd, buf, len, 0, NULL, NULL);
}

ssize_t berth_recvmsg(berth_stack *st, int fd, struct msghdr *msg, int flags)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    struct msghdr m;
    if (copy_from_user(&m, msg, sizeof(m)))
        return leave(st, -EFAULT);
    if (m.msg_iovlen > LINUX_UIO_MAXIOV)
        return leave(st, -EMSGSIZE);
    if (m.msg_iovlen && user_ptr_bad(m.msg_iov, m.msg_iovlen * sizeof(struct iovec)))
        return leave(st, -EFAULT);
    struct sockaddr *uname = m.msg_name;
    struct sockaddr_storage k;
    if (uname) {
        m.msg_name = &k;
        m.msg_namelen = 0;
    }
    m.msg_flags = 0;
    /* Control messages come from the protocol's recvmsg for them, if it
     * has one: a firmware that never calls recvmsg does not link them. */
    const struct sock_recvmsg_ops *rm = sock_recvmsg_by_id[so->ops_id];
    ssize_t rc = do_recvmsg(so, &m, flags, rm ? rm->recvmsg : so_ops(so)->recvmsg);
    if (rc >= 0) {
        /* Linux copies the name back with its real length when one was
         * asked for (msg_namelen in = buffer size). */
        if (uname && m.msg_namelen) {
            socklen_t n = m.msg_namelen < msg->msg_namelen ? m.msg_namelen : msg->msg_namelen;
            if (copy_to_user(uname, &k, n))
                rc = -EFAULT;
        }
        if (uname)
            msg->msg_namelen = m.msg_namelen;
        msg->msg_flags = m.msg_flags;
        /* What is left of the control buffer becomes the length used. */
        msg->msg_controllen -= m.msg_controllen;
    }
    return leave(st, rc);
}

static int getname(berth_stack *st, int fd, struct sockaddr *addr, socklen_t *addrlen, int peer)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    struct sockaddr_storage ss;
    socklen_t len = 0;
    int rc = sock_name_by_id[so->ops_id]->getname(so, &ss, &len, peer);
    if (rc == 0)
        rc = addr_out(&ss, len, addr, addrlen);
    return (int)leave(st, rc);
}

int berth_getsockname(berth_stack *st, int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return getname(st, fd, addr, addrlen, 0);
}

int berth_getpeername(berth_stack *st, int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return getname(st, fd, addr, addrlen, 1);
}

int berth_setsockopt(berth_stack *st, int fd, int level, int name, const void *val, socklen_t len)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    int rc;
    if ((int)len < 0)
        rc = -EINVAL;
    else if (level == SOL_SOCKET)
        rc = sock_setsockopt(so, name, val, len);
    else if (so_opt_ops(so)->setsockopt)
        rc = so_opt_ops(so)->setsockopt(so, level, name, val, len);
    else
        rc = -EOPNOTSUPP;
    return (int)leave(st, rc);
}

int berth_getsockopt(berth_stack *st, int fd, int level, int name, void *val, socklen_t *len)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    int rc;
    if (level == SOL_SOCKET)
        rc = sock_getsockopt(so, name, val, len);
    else if (so_opt_ops(so)->getsockopt)
        rc = so_opt_ops(so)->getsockopt(so, level, name, val, len);
    else
        rc = -EOPNOTSUPP;
    return (int)leave(st, rc);
}

int berth_shutdown(berth_stack *st, int fd, int how)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    /* inet_shutdown(): SHUT_RD/WR/RDWR become the bit masks 1/2/3. */
    unsigned mask = (unsigned)how + 1;
    int rc;
    if (mask & ~3u || !mask)
        rc = -EINVAL;
    else
        rc = sock_shutdown_by_id[so->ops_id]
                 ? sock_shutdown_by_id[so->ops_id]->shutdown(so, (int)mask)
                 : -EOPNOTSUPP;
    return (int)leave(st, rc);
}

int berth_close(berth_stack *st, int fd)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    sock_close_fd(st, fd);
    return (int)leave(st, 0);
}

static short poll_one(struct berth_stack *st, struct pollfd *p)
{
    if (p->fd < 0)
        return 0;
    if (!fd_open(st, p->fd))
        return POLLNVAL;
    struct bsock *so = st->fds[p->fd];
    unsigned m = sock_poll_by_id[so->ops_id]->poll(so);
    return (short)(m & ((unsigned)(unsigned short)p->events | POLLERR | POLLHUP | POLLNVAL));
}

int berth_poll(berth_stack *st, struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    if (nfds > st->cfg.max_fds) {
        errno = EINVAL;
        return -1;
    }
    if (nfds && user_ptr_bad(fds, nfds * sizeof(*fds))) {
        errno = EFAULT;
        return -1;
    }
    st_lock(st);
    uint64_t deadline = timeout_ms < 0 ? BERTH_FOREVER : st_now(st) + (uint64_t)timeout_ms * 1000u;
    for (;;) {
        stack_run_pending(st);
        int n = 0;
        for (nfds_t i = 0; i < nfds; i++) {
            fds[i].revents = poll_one(st, &fds[i]);
            if (fds[i].revents)
                n++;
        }
        if (n || timeout_ms == 0)
            return (int)leave(st, n);
        int rc = stack_wait(st, deadline);
        if (rc == ETIMEDOUT)
            return (int)leave(st, 0);
        if (rc == EDEADLK)
            return (int)leave(st, -EDEADLK);
    }
}

int berth_fcntl(berth_stack *st, int fd, int cmd, long arg)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    long rc;
    switch (cmd) {
    case F_GETFL:
        rc = O_RDWR | ((so->fl & SOCKF_NONBLOCK) ? O_NONBLOCK : 0);
        break;
    case F_SETFL:
        if (arg & O_NONBLOCK)
            so->fl |= SOCKF_NONBLOCK;
        else
            so->fl &= ~SOCKF_NONBLOCK;
        rc = 0;
        break;
    case F_GETFD:
        rc = (so->fl & SOCKF_CLOEXEC) ? FD_CLOEXEC : 0;
        break;
    case F_SETFD:
        if (arg & FD_CLOEXEC)
            so->fl |= SOCKF_CLOEXEC;
        else
            so->fl &= ~SOCKF_CLOEXEC;
        rc = 0;
        break;
    default:
        rc = -EINVAL;
    }
    return (int)leave(st, rc);
}

int berth_ioctl(berth_stack *st, int fd, unsigned long request, void *arg)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return -1;
    int rc;
    if (request == FIONBIO) {
        int v;
        rc = copy_from_user(&v, arg, sizeof(v));
        if (rc == 0) {
            if (v)
                so->fl |= SOCKF_NONBLOCK;
            else
                so->fl &= ~SOCKF_NONBLOCK;
        }
    } else {
        rc = sock_ioctl_by_id[so->ops_id] ? sock_ioctl_by_id[so->ops_id]->ioctl(so, request, arg)
                                          : -ENOTTY;
    }
    return (int)leave(st, rc);
}

/* recvmmsg's error after the first entry waits as the socket's pending
 * error, reported by the next call (do_recvmmsg: sk->sk_err = -err). */
void socket_defer_error(berth_stack *st, int fd, int err)
{
    struct bsock *so = fd_enter(st, fd);
    if (!so)
        return;
    if (err > 0 && err < 256)
        so->so_error = (uint8_t)err;
    leave(st, 0);
}
