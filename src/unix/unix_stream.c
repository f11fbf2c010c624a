/* unix_stream.c — SOCK_STREAM data (Linux's unix_stream_sendmsg and
 * unix_stream_read_generic). A send is cut into messages of at most half
 * of SO_SNDBUF; the reader joins them back into one byte stream, except
 * that it never joins data from writers with different credentials (when
 * it asked for them) and stops after a message that carried descriptors. */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "unix/unix.h"

/* Copy n bytes of the sender's vector, starting `at` bytes in. */
static int gather_at(uint8_t *d, const struct msghdr *msg, size_t at, size_t n)
{
    size_t i = 0;
    while (i < (size_t)msg->msg_iovlen && at >= msg->msg_iov[i].iov_len)
        at -= msg->msg_iov[i++].iov_len;
    for (; i < (size_t)msg->msg_iovlen && n; i++, at = 0) {
        size_t c = msg->msg_iov[i].iov_len - at;
        if (c > n)
            c = n;
        if (copy_from_user(d, (const uint8_t *)msg->msg_iov[i].iov_base + at, c))
            return -EFAULT;
        d += c;
        n -= c;
    }
    return 0;
}

/* One message of `size` bytes from offset `at` of the vector, carrying the
 * control data if it has not gone yet, queued on the peer; with `oob` it
 * becomes the peer's urgent byte (queue_oob). 0 or -errno. */
static int send_piece(struct unix_sock *u, const struct msghdr *msg, size_t at, size_t size,
                      int flags, struct unix_msg *scm, bool oob)
{
    struct bsock *so = &u->sk;
    int err;
    struct unix_msg *m = unix_msg_new(u, size, flags, &err);
    if (!m)
        return err;
    err = gather_at(m->data, msg, at, size);
    if (err) {
        unix_msg_free(so->st, m);
        return err;
    }
    unix_scm_attach(m, scm);
    /* The peer may have gone while this call waited for room. */
    struct unix_sock *other = u->peer;
    if (!other || other->dead || (other->sk.shut & RCV_SHUTDOWN)) {
        unix_msg_free(so->st, m);
        return -EPIPE;
    }
    if (m->nfds && other->no_rights) {
        /* unix_stream_sendmsg: the receiver turned SO_PASSRIGHTS off */
        unix_msg_free(so->st, m);
        return -EPERM;
    }
    unix_msg_creds(m, u, other);
    if (oob)
        other->oob = m; /* an older urgent byte becomes ordinary data */
    unix_queue(other, m);
    return 0;
}

ssize_t unix_stream_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags)
{
    struct unix_sock *u = unix_sk(so);
    struct unix_msg scm;
    int err = unix_scm_parse(u, msg, &scm);
    if (err)
        return err;
    struct unix_sock *other = u->peer;
    bool oob = flags & MSG_OOB;
    /* MSG_OOB (CONFIG_AF_UNIX_OOB): the last byte is urgent; none is
     * EOPNOTSUPP. */
    if (oob && !total)
        err = -EOPNOTSUPP;
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
    size_t len = oob ? total - 1 : total, sent = 0;
    /* A zero-length send queues nothing (its control data is dropped). */
    while (sent < len) {
        size_t size = len - sent;
        size_t cap = (size_t)(so->sndbuf >> 1) - 64;
        if (size > cap)
            size = cap;
        err = send_piece(u, msg, sent, size, flags, &scm, false);
        if (err)
            break;
        sent += size;
    }
    if (!err && oob) {
        err = send_piece(u, msg, len, 1, flags, &scm, true);
        if (!err)
            sent++; /* queue_oob's EPIPE comes without SIGPIPE */
    } else if (err == -EPIPE && !sent) {
        unix_sigpipe(flags);
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

/* Take m out of the queue wherever it is, and free it. */
static void unlink_msg(struct unix_sock *u, struct unix_msg *m)
{
    struct unix_msg **pp = &u->rq_head, *prev = NULL;
    while (*pp && *pp != m) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp)
        return;
    *pp = m->next;
    if (u->rq_tail == m)
        u->rq_tail = prev;
    u->rq_len--;
    u->rq_bytes -= m->len - m->off;
    if (u->oob == m)
        u->oob = NULL;
    unix_msg_free(u->sk.st, m);
}

/* manage_oob: what a reader meets at m when there is an urgent byte or a
 * read one (an empty message) in the queue. Returns the message to read
 * from, or NULL: *stop when the read must end before it (a reader never
 * reads across the mark), else nothing is readable. Without SO_OOBINLINE
 * a reader reaching the urgent byte drops it; a read urgent byte is
 * removed when a reader passes it. */
static struct unix_msg *manage_oob(struct unix_sock *u, struct unix_msg *m, int flags,
                                   size_t copied, bool *stop)
{
    bool peek = flags & MSG_PEEK;
    *stop = false;
    if (m->len != m->off && m != u->oob)
        return m;
    if (m->len == m->off) {
        if (copied && (!u->oob || m == u->oob)) {
            *stop = true;
            return NULL;
        }
        struct unix_msg *next = m->next;
        if (!peek)
            unlink_msg(u, m);
        m = next;
        if (!m)
            return NULL;
    }
    if (m != u->oob)
        return m;
    if (copied) {
        *stop = true;
        return NULL;
    }
    if (!peek) {
        u->oob = NULL;
        if (!u->sk.oobinline) {
            struct unix_msg *next = m->next;
            unlink_msg(u, m);
            return next;
        }
    } else if (!u->sk.oobinline) {
        return m->next;
    }
    return m;
}

/* unix_stream_recv_urg: the urgent byte itself (EINVAL without one, or
 * with SO_OOBINLINE); it stays in the queue as a read, empty message. */
static ssize_t recv_urg(struct unix_sock *u, struct msghdr *msg, int flags)
{
    struct unix_msg *m = u->oob;
    if (u->sk.oobinline || !m)
        return -EINVAL;
    size_t want = iov_len(msg);
    if (want) {
        if (iov_scatter(msg, m->data + m->off, 1))
            return -EFAULT;
    } else {
        msg->msg_flags |= MSG_TRUNC;
    }
    if (!(flags & MSG_PEEK)) {
        u->oob = NULL;
        m->off = m->len;
        u->rq_bytes -= 1;
    }
    msg->msg_flags |= MSG_OOB;
    return want ? 1 : 0;
}

ssize_t unix_stream_recvmsg(struct bsock *so, struct msghdr *msg, int flags)
{
    struct unix_sock *u = unix_sk(so);
    if (u->state != UNIX_ESTABLISHED)
        return -EINVAL;
    if (flags & MSG_OOB)
        return recv_urg(u, msg, flags);
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
        /* The urgent byte, or one already read, is in the queue. */
        if (u->oob || m->len == m->off) {
            bool stop;
            m = manage_oob(u, m, flags, copied, &stop);
            if (!m) {
                if (copied)
                    break;
                continue; /* nothing readable: as an empty queue */
            }
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
        if (u->recvmsg_inq) {
            /* unix_stream_read_generic: what is left to read, after
             * this call, as SCM_INQ (SIOCINQ's number) */
            int inq = (int)u->rq_bytes;
            put_cmsg(msg, SOL_SOCKET, SCM_INQ, &inq, sizeof(inq));
        }
    }
    return copied ? (ssize_t)copied : err;
}
