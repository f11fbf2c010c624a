/* unix_stream.c — SOCK_STREAM data (Linux's unix_stream_sendmsg and
 * unix_stream_read_generic). A send is cut into messages of at most half
 * of SO_SNDBUF; the reader joins them back into one byte stream, except
 * that it never joins data from writers with different credentials (when
 * it asked for them) and stops after a message that carried descriptors. */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "unix/unix.h"

ssize_t unix_stream_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    struct unix_sock *u = unix_sk(so);
    struct unix_msg scm;
    int err = unix_scm_parse(u, msg, &scm);
    if (err)
        return err;
    struct unix_sock *other = u->peer;
    if (flags & MSG_OOB)
        err = -EOPNOTSUPP; /* CONFIG_AF_UNIX_OOB is not modelled (deviations.md) */
    else if (msg->msg_namelen)
        err = u->state == UNIX_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
    else if (!other)
        err = -ENOTCONN;
    else if (so->shut & SEND_SHUTDOWN) {
        unix_sigpipe(flags);
        err = -EPIPE;
    }
    if (err) {
        unix_scm_destroy(so->st, &scm);
        return err;
    }
    size_t sent = 0;
    /* A zero-length send queues nothing (its control data is dropped). */
    while (sent < total) {
        size_t size = total - sent;
        size_t cap = (size_t)(so->sndbuf >> 1) - 64;
        if (size > cap)
            size = cap;
        struct unix_msg *m = unix_msg_new(u, size, flags, &err);
        if (!m)
            break;
        /* Data and control of this piece: a bad buffer costs the piece. */
        struct msghdr part = *msg;
        if (sent) {
            /* iov_gather from an offset: walk the vector past `sent`. */
            size_t skip = sent, i = 0;
            while (i < (size_t)part.msg_iovlen && skip >= part.msg_iov[i].iov_len)
                skip -= part.msg_iov[i++].iov_len;
            uint8_t *d = m->data;
            size_t left = size;
            for (; i < (size_t)part.msg_iovlen && left; i++, skip = 0) {
                size_t n = part.msg_iov[i].iov_len - skip;
                if (n > left)
                    n = left;
                if (copy_from_user(d, (const uint8_t *)part.msg_iov[i].iov_base + skip, n)) {
                    err = -EFAULT;
                    break;
                }
                d += n;
                left -= n;
            }
        } else {
            err = iov_gather(m->data, msg, size);
        }
        if (!err)
            unix_scm_attach(m, &scm); /* the first piece carries it */
        if (err) {
            unix_msg_free(so->st, m);
            break;
        }
        /* The peer may have gone while this call waited for room. */
        other = u->peer;
        if (!other || other->dead || (other->sk.shut & RCV_SHUTDOWN)) {
            unix_msg_free(so->st, m);
            if (!sent)
                unix_sigpipe(flags);
            err = -EPIPE;
            break;
        }
        unix_msg_creds(m, u, other);
        unix_queue(other, m);
        sent += size;
    }
    unix_scm_destroy(so->st, &scm);
    return sent ? (ssize_t)sent : err;
}

static bool same_cred(const struct unix_cred *a, const struct unix_cred *b)
{
    return a->set == b->set &&
           (!a->set || (a->pid == b->pid && a->uid == b->uid && a->gid == b->gid));
}

static size_t iov_len(const struct msghdr *msg)
{
    size_t n = 0;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen; i++)
        n += msg->msg_iov[i].iov_len;
    return n;
}

/* Copy n bytes of m from offset `at` to the reader's vector at `done`. */
static int copy_out(const struct msghdr *msg, size_t done, const struct unix_msg *m, size_t at,
                    size_t n)
{
    size_t skip = done, i = 0;
    while (i < (size_t)msg->msg_iovlen && skip >= msg->msg_iov[i].iov_len)
        skip -= msg->msg_iov[i++].iov_len;
    const uint8_t *s = m->data + at;
    for (; i < (size_t)msg->msg_iovlen && n; i++, skip = 0) {
        size_t c = msg->msg_iov[i].iov_len - skip;
        if (c > n)
            c = n;
        if (copy_to_user((uint8_t *)msg->msg_iov[i].iov_base + skip, s, c))
            return -EFAULT;
        s += c;
        n -= c;
    }
    return 0;
}

/* The message holding unread byte `skip` of the queue, and the offset
 * into its unread part; NULL when the queue is shorter. */
static struct unix_msg *skip_bytes(struct unix_sock *u, size_t skip, size_t *off)
{
    struct unix_msg *m = u->rq_head;
    while (m && skip >= m->len - m->off) {
        skip -= m->len - m->off;
        m = m->next;
    }
    *off = m ? skip : 0;
    return m;
}

ssize_t unix_stream_recvmsg(struct bsock *so, struct msghdr *msg, int flags)
{
    struct unix_sock *u = unix_sk(so);
    if (u->state != UNIX_ESTABLISHED)
        return -EINVAL;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    size_t size = iov_len(msg);
    /* sock_rcvlowat: MSG_WAITALL waits for everything asked. */
    size_t target = (flags & MSG_WAITALL) ? size : (size_t)sock_opt(so)->rcvlowat;
    if (target > size)
        target = size;
    if (!target)
        target = 1;
    uint64_t deadline = sock_deadline(so, true);
    bool peek = flags & MSG_PEEK;
    size_t copied = 0;
    int err = 0;
    bool name_done = false, have_cred = false;
    struct unix_cred cred = {0};
    struct unix_msg *ctl = NULL; /* the message whose control data is delivered */
    /* MSG_PEEK starts SO_PEEK_OFF bytes in (0 when it is off). */
    size_t skip0 = peek && u->peek_off > 0 ? (size_t)u->peek_off : 0;
    size_t peek_off = 0; /* MSG_PEEK: bytes of m already looked at */
    struct unix_msg *m = peek ? skip_bytes(u, skip0, &peek_off) : u->rq_head;
    while (copied < size) {
        if (!m) {
            /* A peek never waits for more once it has something. */
            if (copied >= target || (peek && copied))
                break;
            err = sock_take_error(so);
            if (err)
                break;
            if (so->shut & RCV_SHUTDOWN)
                break;
            if (flags & MSG_DONTWAIT) {
                err = -EAGAIN;
                break;
            }
            err = sock_wait(so, deadline);
            if (err)
                break;
            if (u->state != UNIX_ESTABLISHED && !u->rq_head) {
                err = 0;
                break;
            }
            /* Start over (a peek has copied nothing yet). */
            peek_off = 0;
            m = peek ? skip_bytes(u, skip0, &peek_off) : u->rq_head;
            continue;
        }
        /* Never glue data from writers with different credentials. */
        if (have_cred) {
            if (!same_cred(&cred, &m->cred))
                break;
        } else if (u->passcred) {
            cred = m->cred;
            have_cred = true;
        }
        if (!name_done) {
            unix_copy_addr(msg, m->from);
            name_done = true;
        }
        size_t avail = m->len - m->off - peek_off;
        size_t chunk = size - copied < avail ? size - copied : avail;
        if (copy_out(msg, copied, m, m->off + peek_off, chunk)) {
            if (!copied)
                err = -EFAULT;
            break;
        }
        copied += chunk;
        if (peek) {
            if (u->peek_off >= 0)
                u->peek_off += (int32_t)chunk; /* sk_peek_offset_fwd */
            if (m->nfds) {
                ctl = m;
                break;
            }
            m = m->next;
            peek_off = 0;
            continue;
        }
        m->off += chunk;
        u->rq_bytes -= (uint32_t)chunk;
        if (u->peek_off >= 0) /* sk_peek_offset_bwd */
            u->peek_off = u->peek_off > (int32_t)chunk ? u->peek_off - (int32_t)chunk : 0;
        if (m->nfds && !ctl) {
            ctl = m; /* its descriptors go to this reader */
            unix_msg_recv_control(u, m, msg, flags);
        }
        if (m->off < m->len)
            break;
        struct unix_msg *done = unix_dequeue(u);
        bool had_fds = ctl == done;
        unix_msg_free(so->st, done);
        if (had_fds)
            break;
        m = u->rq_head;
    }
    if (copied || !err) {
        if (ctl && peek)
            unix_msg_recv_control(u, ctl, msg, flags);
        else if (!ctl && u->passcred && have_cred) {
            struct unix_msg fake;
            memset(&fake, 0, sizeof(fake));
            fake.cred = cred;
            unix_msg_recv_control(u, &fake, msg, flags);
        }
    }
    return copied ? (ssize_t)copied : err;
}
