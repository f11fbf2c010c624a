/* tcp_sock.c — AF_INET/SOCK_STREAM, first stage: the socket exists, owns a
 * place in the TCP port namespace (bind, SO_REUSEADDR/SO_REUSEPORT rules,
 * getsockname), takes options and closes. The TCP protocol itself (listen,
 * connect, accept, data) is not implemented yet: those calls fail with
 * EOPNOTSUPP (listed in docs/deviations.md). */
#include <errno.h>
#include <poll.h>

#include "core/stack_impl.h"
#include "socket/inet_sock.h"
#include "socket/sock_registry.h"

struct tcp_sock {
    struct inet_sock inet;
};

static int tcp_resolve_protocol(int protocol)
{
    if (protocol == 0 || protocol == IPPROTO_TCP)
        return IPPROTO_TCP;
    return -EPROTONOSUPPORT;
}

static int tcp_init(struct bsock *so)
{
    inet_sock_init(inet_sk(so), so->st->tcp_bind);
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
    /* tcp_poll on a socket that never connected: writable and hung up. */
    (void)so;
    return POLLOUT | POLLWRNORM | POLLHUP;
}

static int tcp_shutdown(struct bsock *so, int how)
{
    (void)so, (void)how;
    return -ENOTCONN;
}

static int tcp_setsockopt(struct bsock *so, int level, int name, const void *val, socklen_t len)
{
    if (level == SOL_SOCKET)
        return 0;
    if (level == IPPROTO_IP)
        return ip_setsockopt(so, name, val, len);
    return -ENOPROTOOPT;
}

static int tcp_getsockopt(struct bsock *so, int level, int name, void *val, socklen_t *len)
{
    if (level == SOL_SOCKET)
        return name == SO_ACCEPTCONN ? (*(int *)val = inet_sk(so)->state == INET_LISTEN, 0)
                                     : -ENOPROTOOPT;
    if (level == IPPROTO_IP)
        return ip_getsockopt(so, name, val, len);
    return -EOPNOTSUPP;
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
    .getname = inet_getname,
    .setsockopt = tcp_setsockopt,
    .getsockopt = tcp_getsockopt,
    .shutdown = tcp_shutdown,
    .poll = tcp_poll,
};
