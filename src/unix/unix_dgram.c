/* unix_dgram.c — SOCK_DGRAM and SOCK_SEQPACKET data (Linux's
 * unix_dgram_connect, unix_dgram_sendmsg, unix_dgram_recvmsg and the
 * seqpacket wrappers). Every send is one message and every receive takes
 * one whole message: what does not fit is cut off (MSG_TRUNC). */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "unix/unix.h"

/* unix_recvq_full: more than max_dgram_qlen messages queued (compared as
 * unsigned, as the kernel's u32 sk_max_ack_backlog). */
bool unix_recvq_full(const struct unix_sock *u) { return u->rq_len > u->max_qlen; }

/* unix_may_send: a socket connected elsewhere takes nothing from us. */
static bool may_send(const struct unix_sock *from, const struct unix_sock *to)
{
    return to->peer == NULL || to->peer == from;
}

static void set_peer(struct unix_sock *u, struct unix_sock *other)
{
    struct unix_sock *old = u->peer;
    if (other)
        sock_hold(&other->sk);
    u->peer = other;
    u->state = other ? UNIX_ESTABLISHED : UNIX_CLOSE;
    if (old) {
        if (old != other && u->rq_head) {
            /* unix_dgram_disconnected: what the old peer sent is lost, and
             * it hears ECONNRESET if it was connected to us. */
            unix_purge(u);
            if (!old->dead && old->peer == u) {
                old->sk.so_error = ECONNRESET;
                sock_wake(&old->sk);
            }
        }
        sock_put(&old->sk);
    }
}

/* unix_dgram_connect: AF_UNSPEC disconnects; otherwise the named socket
 * becomes the only one this socket sends to and receives from. */
int unix_dgram_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct unix_sock *u = unix_sk(so);
    if (len < sizeof(sa_family_t))
        return -EINVAL;
    if (sa->sa_family == AF_UNSPEC) {
        set_peer(u, NULL);
        return 0;
    }
    int rc = unix_validate_addr(sa, len);
    if (rc)
        return rc;
    if (u->passcred && (rc = unix_autobind(u)))
        return rc;
    struct unix_sock *other = unix_find_other(so->st, sa, len, SOCK_DGRAM, &rc);
    if (!other)
        return rc;
    if (!may_send(u, other))
        return -EPERM;
    set_peer(u, other);
    return 0;
}

ssize_t unix_dgram_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    struct unix_sock *u = unix_sk(so);
    struct berth_stack *st = so->st;
    const struct sockaddr *sa = NULL;
    struct unix_msg scm;
    int rc = unix_scm_parse(u, msg, &scm);
    if (rc)
        return rc;
    struct unix_msg *m = NULL;
    if (flags & MSG_OOB) {
        rc = -EOPNOTSUPP;
    } else if (msg->msg_namelen) {
        sa = msg->msg_name;
        rc = unix_validate_addr(sa, msg->msg_namelen);
    } else if (!u->peer) {
        rc = -ENOTCONN;
    }
    if (!rc && u->passcred)
        rc = unix_autobind(u);
    if (!rc && total > (size_t)so->sndbuf - 32)
        rc = -EMSGSIZE;
    if (!rc)
        m = unix_msg_new(u, total, flags, &rc);
    if (m) {
        unix_scm_attach(m, &scm);
        rc = iov_gather(m->data, msg, total);
        if (rc)
            unix_msg_free(st, m);
    }
    if (rc) {
        unix_scm_destroy(st, &scm);
        return rc;
    }
    uint64_t deadline = sock_deadline(so, false);
    struct unix_sock *other = NULL;
    for (;;) {
        if (sa) {
            other = unix_find_other(st, sa, msg->msg_namelen, sock_type(so), &rc);
        } else {
            other = u->peer;
            rc = -ECONNRESET;
        }
        if (!other)
            break;
        rc = 0;
        if (!may_send(u, other)) {
            rc = -EPERM;
            break;
        }
        if (other->dead) {
            /* Our connected peer closed: a seqpacket sender sees EPIPE; a
             * datagram sender is disconnected and told ECONNREFUSED. */
            if (sock_type(so) == SOCK_SEQPACKET) {
                rc = -EPIPE;
            } else {
                set_peer(u, NULL);
                rc = -ECONNREFUSED;
            }
            break;
        }
        if (other->sk.shut & RCV_SHUTDOWN) {
            rc = -EPIPE;
            break;
        }
        if (m->nfds && other->no_rights) {
            rc = -EPERM; /* unix_dgram_sendmsg: SO_PASSRIGHTS off */
            break;
        }
        if (other == u || other->peer == u || !unix_recvq_full(other))
            break;
        /* The receiver's queue is full: wait for it, or EAGAIN. */
        if (flags & MSG_DONTWAIT) {
            rc = -EAGAIN;
            break;
        }
        sock_hold(&other->sk);
        rc = sock_wait(so, deadline);
        sock_put(&other->sk);
        if (rc)
            break;
    }
    if (rc) {
        unix_msg_free(st, m);
        return rc;
    }
    unix_msg_creds(m, u, other);
    unix_queue(other, m);
    return (ssize_t)total;
}

/* The first message a peek at offset *skip looks into: whole messages
 * the offset covers are stepped over (__skb_try_recv_from_queue). */
static struct unix_msg *peek_at(struct unix_sock *u, size_t *skip)
{
    struct unix_msg *m = u->rq_head;
    while (m && *skip && *skip >= m->len) {
        *skip -= m->len;
        m = m->next;
    }
    return m;
}

ssize_t unix_dgram_recvmsg(struct bsock *so, struct msghdr *msg, int flags)
{
    struct unix_sock *u = unix_sk(so);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    uint64_t deadline = sock_deadline(so, true);
    bool peek = flags & MSG_PEEK;
    struct unix_msg *m;
    size_t skip;
    for (;;) {
        int err = sock_take_error(so);
        if (err)
            return err;
        /* SO_PEEK_OFF: a peek starts that many bytes in. */
        skip = peek && u->peek_off > 0 ? (size_t)u->peek_off : 0;
        m = peek ? peek_at(u, &skip) : u->rq_head;
        if (m)
            break;
        /* A seqpacket socket whose peer is gone reads end of file, even
         * when it would not wait; a datagram socket only when it would. */
        if (flags & MSG_DONTWAIT)
            return (sock_type(so) == SOCK_SEQPACKET && (so->shut & RCV_SHUTDOWN)) ? 0 : -EAGAIN;
        if (so->shut & RCV_SHUTDOWN)
            return 0;
        int rc = sock_wait(so, deadline);
        if (rc)
            return rc;
    }
    unix_copy_addr(msg, m->from);
    size_t want = 0;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen; i++)
        want += msg->msg_iov[i].iov_len;
    size_t mlen = m->len - skip;
    size_t copied = want < mlen ? want : mlen;
    if (copied < mlen)
        msg->msg_flags |= MSG_TRUNC;
    if (!peek)
        unix_dequeue(u);
    int rc = iov_scatter(msg, m->data + skip, copied);
    if (!rc)
        unix_msg_recv_control(u, m, msg, flags);
    if (peek) {
        if (u->peek_off >= 0)
            u->peek_off += (int32_t)copied; /* sk_peek_offset_fwd */
    } else {
        if (u->peek_off >= 0) /* sk_peek_offset_bwd */
            u->peek_off = u->peek_off > (int32_t)m->len ? u->peek_off - (int32_t)m->len : 0;
        unix_msg_free(so->st, m);
    }
    if (rc)
        return rc;
    return (ssize_t)((flags & MSG_TRUNC) ? mlen : copied);
}

/* unix_seqpacket_sendmsg: a connection first; an address is ignored. */
ssize_t unix_seqpacket_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    int err = sock_take_error(so);
    if (err)
        return err;
    if (unix_sk(so)->state != UNIX_ESTABLISHED)
        return -ENOTCONN;
    struct msghdr m = *msg;
    m.msg_name = NULL;
    m.msg_namelen = 0;
    return unix_dgram_sendmsg(so, &m, total, flags);
}

ssize_t unix_seqpacket_recvmsg(struct bsock *so, struct msghdr *msg, int flags)
{
    if (unix_sk(so)->state != UNIX_ESTABLISHED)
        return -ENOTCONN;
    return unix_dgram_recvmsg(so, msg, flags);
}
