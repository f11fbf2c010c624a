/* tcp_sock.c — AF_INET/SOCK_STREAM, first stage: the socket exists, owns a
 * place in the TCP port namespace (bind, SO_REUSEADDR/SO_REUSEPORT rules,
 * getsockname), takes options and closes. The TCP protocol itself (listen,
 * connect, accept, data) is not implemented yet: those calls fail with
 * EOPNOTSUPP (listed in docs/deviations.md). */
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>

#include "core/stack_impl.h"
#include "socket/inet_sock.h"
#include "socket/sock_registry.h"

/* Linux's limits (include/net/tcp.h). */
#ifndef TCP_MSS_DEFAULT
#define TCP_MSS_DEFAULT 536
#endif
#define TCP_MIN_MSS 88
#define MAX_TCP_WINDOW 32767
#define MAX_TCP_KEEPIDLE 32767
#define MAX_TCP_KEEPINTVL 32767
#define MAX_TCP_KEEPCNT 127
#define MAX_TCP_SYNCNT 127

struct tcp_sock {
    struct inet_sock inet;
    /* IPPROTO_TCP options (0 = the stack default where that applies) */
    bool nodelay, cork;
    int user_mss;
    int keepidle, keepintvl, keepcnt; /* seconds / probes */
    int syncnt;
    unsigned user_timeout; /* ms */
};

static inline struct tcp_sock *tcp_sk(struct bsock *so) { return (struct tcp_sock *)so; }

static int tcp_resolve_protocol(int protocol)
{
    if (protocol == 0 || protocol == IPPROTO_TCP)
        return IPPROTO_TCP;
    return -EPROTONOSUPPORT;
}

static int tcp_init(struct bsock *so)
{
    struct tcp_sock *tp = tcp_sk(so);
    inet_sock_init(&tp->inet, so->st->tcp_bind);
    tp->keepidle = 7200; /* net.ipv4.tcp_keepalive_time */
    tp->keepintvl = 75;  /* net.ipv4.tcp_keepalive_intvl */
    tp->keepcnt = 9;     /* net.ipv4.tcp_keepalive_probes */
    return 0;
}

static void tcp_release(struct bsock *so) { inet_unhash(inet_sk(so)); }

static int tcp_not_yet(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    (void)so, (void)sa, (void)len;
    return -EOPNOTSUPP;
}

static int tcp_listen_not_yet(struct bsock *so, int backlog)
{
    (void)so, (void)backlog;
    return -EOPNOTSUPP;
}

static unsigned tcp_poll(struct bsock *so)
{
    /* tcp_poll on a socket that never connected (TCP_CLOSE): hung up,
     * writable, and readable once SHUT_RD was asked for. */
    unsigned m = POLLOUT | POLLWRNORM | POLLHUP;
    if (so->shut & RCV_SHUTDOWN)
        m |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (so->so_error)
        m |= POLLERR;
    return m;
}

static int tcp_shutdown(struct bsock *so, int how)
{
    /* inet_shutdown on TCP_CLOSE: ENOTCONN, but the bits are recorded. */
    so->shut |= (unsigned)how;
    sock_wake(so);
    return -ENOTCONN;
}

static ssize_t tcp_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    (void)msg, (void)total;
    /* sk_stream_wait_connect on a closed socket, then sk_stream_error. */
    int err = sock_take_error(so);
    if (!err)
        err = -EPIPE;
#ifdef SIGPIPE
    if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
        raise(SIGPIPE);
#endif
    return err;
}

static ssize_t tcp_recvmsg(struct bsock *so, struct msghdr *msg, int flags)
{
    (void)msg, (void)flags;
    int err = sock_take_error(so);
    if (err)
        return err;
    if (so->shut & RCV_SHUTDOWN)
        return 0;
    return -ENOTCONN; /* "read from a never connected socket" */
}

static int tcp_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    struct tcp_sock *tp = tcp_sk(so);
    if (level == SOL_SOCKET) {
        inet_sync_node(&tp->inet);
        return 0;
    }
    if (level == IPPROTO_IP)
        return ip_setsockopt(so, name, val, len);
    if (level != IPPROTO_TCP)
        return -ENOPROTOOPT;
    /* do_tcp_setsockopt: every option here takes an int. */
    switch (name) {
    case TCP_NODELAY: case TCP_CORK: case TCP_MAXSEG: case TCP_KEEPIDLE: case TCP_KEEPINTVL:
    case TCP_KEEPCNT: case TCP_SYNCNT: case TCP_USER_TIMEOUT: case TCP_QUICKACK:
        break;
    default:
        return -ENOPROTOOPT;
    }
    int v;
    if (len < sizeof(int))
        return -EINVAL;
    if (copy_from_user(&v, val, sizeof(v)))
        return -EFAULT;
    switch (name) {
    case TCP_NODELAY:
        tp->nodelay = v != 0;
        return 0;
    case TCP_CORK:
        tp->cork = v != 0;
        return 0;
    case TCP_MAXSEG:
        if (v && (v < TCP_MIN_MSS || v > MAX_TCP_WINDOW))
            return -EINVAL;
        tp->user_mss = v;
        return 0;
    case TCP_KEEPIDLE:
        if (v < 1 || v > MAX_TCP_KEEPIDLE)
            return -EINVAL;
        tp->keepidle = v;
        return 0;
    case TCP_KEEPINTVL:
        if (v < 1 || v > MAX_TCP_KEEPINTVL)
            return -EINVAL;
        tp->keepintvl = v;
        return 0;
    case TCP_KEEPCNT:
        if (v < 1 || v > MAX_TCP_KEEPCNT)
            return -EINVAL;
        tp->keepcnt = v;
        return 0;
    case TCP_SYNCNT:
        if (v < 1 || v > MAX_TCP_SYNCNT)
            return -EINVAL;
        tp->syncnt = v;
        return 0;
    case TCP_USER_TIMEOUT:
        if (v < 0)
            return -EINVAL;
        tp->user_timeout = (unsigned)v;
        return 0;
    case TCP_QUICKACK:
        return 0; /* no delayed-ACK state before a connection exists */
    }
    return -ENOPROTOOPT;
}

static int tcp_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    struct tcp_sock *tp = tcp_sk(so);
    if (level == SOL_SOCKET)
        return name == SO_ACCEPTCONN ? (*(int *)val = tp->inet.state == INET_LISTEN, 0)
                                     : -ENOPROTOOPT;
    if (level == IPPROTO_IP)
        return ip_getsockopt(so, name, val, len);
    if (level != IPPROTO_TCP)
        return -EOPNOTSUPP;
    int v;
    switch (name) {
    case TCP_NODELAY:
        v = tp->nodelay;
        break;
    case TCP_CORK:
        v = tp->cork;
        break;
    case TCP_MAXSEG:
        v = tp->user_mss ? tp->user_mss : (int)TCP_MSS_DEFAULT;
        break;
    case TCP_KEEPIDLE:
        v = tp->keepidle;
        break;
    case TCP_KEEPINTVL:
        v = tp->keepintvl;
        break;
    case TCP_KEEPCNT:
        v = tp->keepcnt;
        break;
    case TCP_SYNCNT:
        v = tp->syncnt ? tp->syncnt : 6; /* net.ipv4.tcp_syn_retries */
        break;
    case TCP_USER_TIMEOUT:
        v = (int)tp->user_timeout;
        break;
    case TCP_QUICKACK:
        v = 1;
        break;
    default:
        return -ENOPROTOOPT;
    }
    /* do_tcp_getsockopt: min(len, sizeof(int)) bytes, no single-byte form. */
    int ulen;
    if (copy_from_user(&ulen, len, sizeof(ulen)))
        return -EFAULT;
    if (ulen < 0)
        return -EINVAL;
    socklen_t n = (socklen_t)ulen < sizeof(int) ? (socklen_t)ulen : sizeof(int);
    if (copy_to_user(len, &n, sizeof(n)) || copy_to_user(val, &v, n))
        return -EFAULT;
    return 0;
}

const struct sock_ops tcp4_ops = {
    .family = AF_INET,
    .type = SOCK_STREAM,
    .obj_size = sizeof(struct tcp_sock),
    .resolve_protocol = tcp_resolve_protocol,
    .init = tcp_init,
    .release = tcp_release,
    .bind = inet_bind,
    .connect = tcp_not_yet,
    .listen = tcp_listen_not_yet,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg,
    .getname = inet_getname,
    .setsockopt = tcp_setsockopt,
    .getsockopt = tcp_getsockopt,
    .shutdown = tcp_shutdown,
    .poll = tcp_poll,
};

static int tcp6_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    if (level == IPPROTO_IPV6)
        return ipv6_setsockopt(so, name, val, len);
    return tcp_setsockopt(so, level, name, val, len);
}

static int tcp6_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    if (level == IPPROTO_IPV6)
        return ipv6_getsockopt(so, name, val, len);
    if (level != SOL_SOCKET && level != IPPROTO_TCP && level != IPPROTO_IP)
        return -ENOPROTOOPT;
    return tcp_getsockopt(so, level, name, val, len);
}

const struct sock_ops tcp6_ops = {
    .family = AF_INET6,
    .type = SOCK_STREAM,
    .obj_size = sizeof(struct tcp_sock),
    .resolve_protocol = tcp_resolve_protocol,
    .init = tcp_init,
    .release = tcp_release,
    .bind = inet6_bind,
    .connect = tcp_not_yet,
    .listen = tcp_listen_not_yet,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg,
    .getname = inet6_getname,
    .setsockopt = tcp6_setsockopt,
    .getsockopt = tcp6_getsockopt,
    .shutdown = tcp_shutdown,
    .poll = tcp_poll,
};
