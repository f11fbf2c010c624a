/* unix_sock.c — the AF_UNIX operations tables and what every type shares
 * (Linux's unix_create, unix_release_sock, unix_stream_connect,
 * unix_listen, unix_accept, unix_shutdown, unix_poll / unix_dgram_poll,
 * unix_ioctl, unix_socketpair, SO_PASSCRED and SO_PEERCRED). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "core/stack_impl.h"
#include "socket/sock_registry.h"
#include "unix/unix.h"

void unix_sigpipe(int flags)
{
#if BERTH_WITH_POSIX && defined(SIGPIPE) /* no signals on bare metal */
    if (!(flags & MSG_NOSIGNAL))
        raise(SIGPIPE);
#else
    (void)flags;
#endif
}

/* unix_create: protocol 0 or PF_UNIX; SO_PROTOCOL reads 0 either way
 * (unix_create1 does not record it). */
static int unix_resolve_protocol(int protocol)
{
    if (protocol != 0 && protocol != PF_UNIX)
        return -EPROTONOSUPPORT;
    return 0;
}

static bool connection_type(const struct bsock *so) { return sock_type(so) != SOCK_DGRAM; }

/* init_peercred: the credentials of the task that connects, listens or
 * creates the pair. */
static void init_peercred(struct unix_sock *u) { unix_cred_now(u->sk.st, &u->peercred); }

/* unix_release_sock: the name goes (a path's node stays in the file
 * system), a connected peer of a connection type sees the end (and
 * ECONNRESET when this side had unread data or never was accepted),
 * queued messages are freed, and connections waiting on a listener are
 * torn down the same way. */
static void release_sock(struct unix_sock *u, bool embryo)
{
    struct bsock *so = &u->sk;
    u->dead = true;
    so->shut = RCV_SHUTDOWN | SEND_SHUTDOWN;
    unix_unhash(u);
    u->state = UNIX_CLOSE;
    struct unix_sock *pair = u->peer;
    u->peer = NULL;
    if (pair) {
        if (connection_type(so)) {
            pair->sk.shut = RCV_SHUTDOWN | SEND_SHUTDOWN;
            if (u->rq_head || embryo)
                pair->sk.so_error = ECONNRESET;
            sock_wake(&pair->sk);
        }
        sock_put(&pair->sk);
    }
    unix_purge(u);
    struct unix_sock *e;
    while ((e = u->aq_head)) {
        u->aq_head = e->qnext;
        u->aq_len--;
        e->qnext = NULL;
        release_sock(e, true);
        sock_put(&e->sk); /* the accept queue's reference */
    }
    u->aq_tail = NULL;
    sock_wake(so);
}

static void unix_release(struct bsock *so) { release_sock(unix_sk(so), false); }

static void unix_destruct(struct bsock *so)
{
    struct unix_sock *u = unix_sk(so);
    unix_addr_put(so->st, u->addr);
    u->addr = NULL;
}

static int unix_init(struct bsock *so)
{
    unix_sk(so)->state = UNIX_CLOSE;
    unix_sk(so)->max_qlen = (uint32_t)so->st->net.unix_max_dgram_qlen;
    unix_sk(so)->peek_off = -1;
    return 0;
}

/* unix_listen: stream and seqpacket only, bound (no autobind), not
 * connected; the listener's credentials are recorded for its clients. */
static int unix_listen(struct bsock *so, int backlog)
{
    struct unix_sock *u = unix_sk(so);
    if (!connection_type(so))
        return -EOPNOTSUPP;
    if (!u->addr)
        return -EINVAL;
    if (u->state != UNIX_CLOSE && u->state != UNIX_LISTEN)
        return -EINVAL;
    u->backlog = backlog;
    u->state = UNIX_LISTEN;
    init_peercred(u);
    sock_wake(so);
    return 0;
}

static bool acceptq_full(const struct unix_sock *l) { return l->aq_len > (uint32_t)l->backlog; }

/* unix_stream_connect (SOCK_STREAM and SOCK_SEQPACKET): the address, then
 * the listener (ECONNREFUSED when it is not one or is shut down), room in
 * its backlog (EAGAIN or wait), and only then this socket's own state
 * (EISCONN, EINVAL). The connection exists at once: an embryonic socket
 * joined to this one waits on the listener's queue for accept(). */
static int unix_stream_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct unix_sock *u = unix_sk(so);
    struct berth_stack *st = so->st;
    int rc = unix_validate_addr(sa, len);
    if (rc)
        return rc;
    if (u->passcred && (rc = unix_autobind(u)))
        return rc;
    uint64_t deadline = sock_deadline(so, false);
    struct unix_sock *other;
    for (;;) {
        other = unix_find_other(st, sa, len, sock_type(so), &rc);
        if (!other)
            return rc;
        if (other->state != UNIX_LISTEN || (other->sk.shut & RCV_SHUTDOWN))
            return -ECONNREFUSED;
        if (!acceptq_full(other))
            break;
        if (so->fl & SOCKF_NONBLOCK)
            return -EAGAIN;
        rc = sock_wait(so, deadline);
        if (rc)
            return rc;
    }
    if (u->state == UNIX_ESTABLISHED)
        return -EISCONN;
    if (u->state != UNIX_CLOSE)
        return -EINVAL;
    if (st->nsockets >= st->cfg.max_sockets)
        return -ENFILE;
    struct bsock *nso = sock_alloc(st, so_ops(so), so->protocol);
    if (!nso)
        return -ENOMEM;
    struct unix_sock *n = unix_sk(nso);
    unix_init(nso);
    n->state = UNIX_ESTABLISHED;
    /* The embryo refuses descriptors as its listener does, before
     * accept() (unix_stream_connect copies sk_scm_rights). */
    n->no_rights = other->no_rights;
    init_peercred(n);
    if (other->addr) {
        other->addr->refs++;
        n->addr = other->addr;
    }
    u->peercred = other->peercred; /* copy_peercred */
    u->state = UNIX_ESTABLISHED;
    sock_hold(nso);
    u->peer = n;
    sock_hold(so);
    n->peer = u;
    /* The queue owns the embryo's first reference. */
    if (other->aq_tail)
        other->aq_tail->qnext = n;
    else
        other->aq_head = n;
    other->aq_tail = n;
    other->aq_len++;
    sock_wake(&other->sk);
    return 0;
}

/* unix_accept: stream and seqpacket only, listening (EINVAL), the first
 * waiting connection; a listener shut down for reading gives EINVAL. */
static int unix_accept(struct bsock *so, struct bsock **child, int flags)
{
    struct unix_sock *u = unix_sk(so);
    if (!connection_type(so))
        return -EOPNOTSUPP;
    if (u->state != UNIX_LISTEN)
        return -EINVAL;
    uint64_t deadline = sock_deadline(so, true);
    for (;;) {
        int e = sock_take_error(so);
        if (e)
            return e;
        if (u->aq_head)
            break;
        if (so->shut & RCV_SHUTDOWN)
            return -EINVAL;
        if (flags & O_NONBLOCK)
            return -EAGAIN;
        int rc = sock_wait(so, deadline);
        if (rc)
            return rc;
        if (u->state != UNIX_LISTEN)
            return -EINVAL;
    }
    struct unix_sock *n = u->aq_head;
    u->aq_head = n->qnext;
    if (!u->aq_head)
        u->aq_tail = NULL;
    u->aq_len--;
    n->qnext = NULL;
    /* sock_graft: the new socket takes its listener's SOL_SOCKET state?
     * Linux does not copy options for AF_UNIX; only SO_PASSCRED follows
     * (the accepted socket inherits the listener's socket flags). */
    n->passcred = u->passcred;
    sock_wake(so); /* room in the backlog for a waiting connect */
    *child = &n->sk;
    return 0;
}

/* unix_shutdown: never ENOTCONN; a connection's peer sees the mirror
 * image (our SHUT_WR is its end of input). */
static int unix_shutdown(struct bsock *so, int how)
{
    struct unix_sock *u = unix_sk(so);
    so->shut |= (unsigned)how;
    sock_wake(so);
    struct unix_sock *other = u->peer;
    if (other && connection_type(so)) {
        unsigned peer_mode = 0;
        if (how & RCV_SHUTDOWN)
            peer_mode |= SEND_SHUTDOWN;
        if (how & SEND_SHUTDOWN)
            peer_mode |= RCV_SHUTDOWN;
        other->sk.shut |= peer_mode;
        sock_wake(&other->sk);
    }
    return 0;
}

/* unix_writable: not a listener, and at most a quarter of SO_SNDBUF in
 * flight. */
static bool unix_writable(const struct unix_sock *u)
{
    return u->state != UNIX_LISTEN && (uint64_t)u->wmem * 4 <= (uint64_t)u->sk.sndbuf;
}

static unsigned unix_poll(struct bsock *so)
{
    struct unix_sock *u = unix_sk(so);
    unsigned m = 0;
    if (so->so_error)
        m |= POLLERR;
    if (so->shut == (RCV_SHUTDOWN | SEND_SHUTDOWN))
        m |= POLLHUP;
    if (so->shut & RCV_SHUTDOWN)
        m |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (u->rq_head || u->aq_head)
        m |= POLLIN | POLLRDNORM;
    if (u->oob)
        m |= POLLPRI;
    if (sock_type(so) == SOCK_STREAM) {
        if (u->state == UNIX_CLOSE)
            m |= POLLHUP;
        if (unix_writable(u))
            m |= POLLOUT | POLLWRNORM | POLLWRBAND;
        return m;
    }
    /* unix_dgram_poll */
    if (sock_type(so) == SOCK_SEQPACKET && u->state == UNIX_CLOSE)
        m |= POLLHUP;
    bool writable = unix_writable(u);
    struct unix_sock *other = u->peer;
    if (writable && other && other->peer != u && unix_recvq_full(other))
        writable = false;
    if (writable)
        m |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return m;
}

/* unix_ioctl: SIOCINQ is the unread bytes of a connection, the next
 * datagram's size otherwise (EINVAL on a listener); SIOCOUTQ the memory of
 * this socket's messages not yet read. */
static int unix_ioctl(struct bsock *so, unsigned long req, void *arg)
{
    struct unix_sock *u = unix_sk(so);
    int v;
    switch (req) {
    case SIOCINQ:
        if (u->state == UNIX_LISTEN)
            return -EINVAL;
        if (connection_type(so))
            v = (int)u->rq_bytes;
        else
            v = u->rq_head ? (int)u->rq_head->len : 0;
        break;
    case SIOCOUTQ:
        v = (int)u->wmem;
        break;
    case SIOCATMARK: {
        /* At the urgent byte, or at a read one with nothing urgent (or the
         * urgent byte) right behind it. */
        struct unix_msg *h = u->rq_head;
        v = h && (h == u->oob || (h->len == h->off && (!u->oob || h->next == u->oob)));
        break;
    }
    default:
        return -ENOTTY;
    }
    return copy_to_user(arg, &v, sizeof(v));
}

static int unix_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP; /* sock_no_setsockopt-like: AF_UNIX has no other level */
    if (name == SO_PASSCRED || name == SO_PEEK_OFF || name == SO_INQ || name == SO_PASSRIGHTS) {
        int v;
        if (copy_from_user(&v, val, sizeof(v)))
            return -EFAULT;
        (void)len; /* the socket layer checked len >= sizeof(int) */
        if (name == SO_PASSCRED)
            unix_sk(so)->passcred = v != 0;
        else if (name == SO_PASSRIGHTS)
            unix_sk(so)->no_rights = !v; /* sk_scm_rights = valbool */
        else if (name == SO_INQ) {
            /* unix_setsockopt: 0 or 1 (stream only, checked before);
             * there is no getsockopt for it (ENOPROTOOPT). */
            if (v < 0 || v > 1)
                return -EINVAL;
            unix_sk(so)->recvmsg_inq = v;
        } else
            unix_sk(so)->peek_off = v; /* unix_set_peek_off: any value */
    }
    return 0;
}

static int unix_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    struct unix_sock *u = unix_sk(so);
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    switch (name) {
    case SO_ACCEPTCONN:
        *(int *)val = u->state == UNIX_LISTEN;
        return 0;
    case SO_PASSCRED:
        return sockopt_put_int(u->passcred, val, len);
    case SO_PASSRIGHTS:
        return sockopt_put_int(!u->no_rights, val, len);
    case SO_PEEK_OFF:
        return sockopt_put_int(u->peek_off, val, len);
    case SO_PEERCRED: {
        /* cred_to_ucred: no peer credentials read as pid 0, uid and gid -1. */
        struct ucred uc = {.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
        if (u->peercred.set) {
            uc.pid = u->peercred.pid;
            uc.uid = u->peercred.uid;
            uc.gid = u->peercred.gid;
        }
        int ulen;
        if (copy_from_user(&ulen, len, sizeof(ulen)))
            return -EFAULT;
        if (ulen < 0)
            return -EINVAL;
        socklen_t n = (socklen_t)ulen < sizeof(uc) ? (socklen_t)ulen : sizeof(uc);
        if (copy_to_user(val, &uc, n))
            return -EFAULT;
        return copy_to_user(len, &n, sizeof(n));
    }
    default:
        return -ENOPROTOOPT;
    }
}

/* unix_socketpair: each end is the other's peer, both connected, both
 * with the caller's credentials. */
static int unix_socketpair(struct bsock *a, struct bsock *b)
{
    struct unix_sock *ua = unix_sk(a), *ub = unix_sk(b);
    sock_hold(a);
    sock_hold(b);
    ua->peer = ub;
    ub->peer = ua;
    init_peercred(ua);
    init_peercred(ub);
    ua->state = ub->state = UNIX_ESTABLISHED;
    return 0;
}

#define UNIX_COMMON                                                                                \
    .family = AF_UNIX, .obj_size = sizeof(struct unix_sock),                                       \
    .resolve_protocol = unix_resolve_protocol, .init = unix_init, .release = unix_release,         \
    .destruct = unix_destruct, .bind = unix_bind, .file_dropped = unix_file_dropped

const struct sock_ops unix_stream_ops = {
    UNIX_COMMON,
    .type = SOCK_STREAM,
    .sendmsg = unix_stream_sendmsg,
    .recvmsg = unix_stream_recvmsg,
};

const struct sock_ops unix_seqpacket_ops = {
    UNIX_COMMON,
    .type = SOCK_SEQPACKET,
    .sendmsg = unix_seqpacket_sendmsg,
    .recvmsg = unix_seqpacket_recvmsg,
};

const struct sock_ops unix_dgram_ops = {
    UNIX_COMMON,
    .type = SOCK_DGRAM,
    .sendmsg = unix_dgram_sendmsg,
    .recvmsg = unix_dgram_recvmsg,
};

/* The calls a firmware may never make (sock.h), shared by the three types
 * but for connect. */
const struct sock_connect_ops unix_stream_connect_ops = {unix_stream_connect};
const struct sock_connect_ops unix_dgram_connect_ops = {unix_dgram_connect};
const struct sock_listen_ops unix_listen_ops = {unix_listen, unix_accept};
const struct sock_name_ops unix_name_ops = {unix_getname};
const struct sock_opt_ops unix_opt_ops = {unix_setsockopt, unix_getsockopt};
const struct sock_shutdown_ops unix_shutdown_ops = {unix_shutdown};
const struct sock_poll_ops unix_poll_ops = {unix_poll};
const struct sock_ioctl_ops unix_ioctl_ops = {unix_ioctl};
const struct sock_pair_ops unix_pair_ops = {unix_socketpair};
