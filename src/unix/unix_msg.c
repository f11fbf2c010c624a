/* unix_msg.c — what travels between two AF_UNIX sockets: messages and
 * their memory accounting (sock_alloc_send_pskb / sock_wfree), the receive
 * queue, credentials (maybe_add_creds, SCM_CREDENTIALS) and descriptors in
 * flight (SCM_RIGHTS: scm_fp_copy, scm_detach_fds). */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "unix/unix.h"

/* What a message costs its sender, modelled on an skb's truesize on
 * x86-64: the 256-byte sk_buff plus the kmalloc'ed head (payload aligned
 * to 64 plus 320 bytes of skb_shared_info, rounded up to a power of two),
 * or page-sized fragments beyond 32 KiB. A 1-byte datagram costs 768, so
 * SO_SNDBUF fills after as many messages as on Linux. */
size_t unix_truesize(size_t len)
{
    size_t head = ((len + 63) & ~(size_t)63) + 320;
    if (head > 32768)
        return 256 + ((len + 4095) & ~(size_t)4095) + 512;
    size_t k = 64;
    while (k < head)
        k <<= 1;
    return 256 + k;
}

void unix_cred_now(struct berth_stack *st, struct unix_cred *c)
{
    struct berth_cred bc;
    stack_cred_current(st, &bc);
    c->set = true;
    c->pid = (int32_t)bc.pid;
    c->uid = (uint32_t)bc.euid;
    c->gid = (uint32_t)bc.egid;
}

/* sock_alloc_send_pskb: the pending error, then SEND_SHUTDOWN (EPIPE),
 * then room below SO_SNDBUF — a sender may go over it by one message, and
 * waits (or gets EAGAIN) only when it is already at or over. */
struct unix_msg *unix_msg_new(struct unix_sock *from, size_t len, int flags, int *err)
{
    struct bsock *so = &from->sk;
    uint64_t deadline = sock_deadline(so, false);
    for (;;) {
        int e = sock_take_error(so);
        if (e) {
            *err = e;
            return NULL;
        }
        if (so->shut & SEND_SHUTDOWN) {
            *err = -EPIPE;
            return NULL;
        }
        if (from->wmem < (uint32_t)so->sndbuf)
            break;
        if (flags & MSG_DONTWAIT) {
            *err = -EAGAIN;
            return NULL;
        }
        int rc = sock_wait(so, deadline);
        if (rc) {
            *err = rc;
            return NULL;
        }
    }
    struct unix_msg *m = st_alloc(so->st, sizeof(*m) + len);
    if (!m) {
        *err = -ENOBUFS;
        return NULL;
    }
    memset(m, 0, sizeof(*m));
    m->len = (uint32_t)len;
    m->truesize = (uint32_t)unix_truesize(len);
    m->from = from;
    from->wmem += m->truesize;
    if (from->msgs_out++ == 0)
        sock_hold(so); /* the sender lives while its messages do */
    return m;
}

void unix_msg_free(struct berth_stack *st, struct unix_msg *m)
{
    for (unsigned i = 0; i < m->nfds; i++) {
        unix_inflight_del(m->fds[i]);
        sock_file_put(m->fds[i]); /* a descriptor that was never received */
    }
    if (m->fds)
        st_free(st, m->fds);
    struct unix_sock *from = m->from;
    from->wmem -= m->truesize;
    sock_wake(&from->sk); /* room for a blocked sender (sock_wfree) */
    st_free(st, m);
    if (--from->msgs_out == 0)
        sock_put(&from->sk);
}

/* maybe_add_creds: the sender's credentials go with the message when the
 * sender or the receiver has SO_PASSCRED (or the receiver is gone). */
void unix_msg_creds(struct unix_msg *m, struct unix_sock *from, struct unix_sock *to)
{
    if (m->cred.set)
        return;
    if (from->passcred || !to || to->passcred)
        unix_cred_now(from->sk.st, &m->cred);
}

/* scm_check_creds: a sender may claim its own pid, uid and gid; root
 * (CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID) may claim any. */
static int check_creds(struct berth_stack *st, const struct ucred *uc)
{
    struct berth_cred bc;
    stack_cred_current(st, &bc);
    bool root = bc.euid == 0;
    if ((uc->pid == bc.pid || root) && (uc->uid == bc.euid || root) && (uc->gid == bc.egid || root))
        return 0;
    return -EPERM;
}

static int add_rights(struct unix_msg *m, const int *fdv, size_t n)
{
    struct berth_stack *st = m->from->sk.st;
    if (n == 0)
        return 0;
    if (m->nfds + n > UNIX_SCM_MAX_FD)
        return -EINVAL;
    struct bsock **nv = st_alloc(st, (m->nfds + n) * sizeof(*nv));
    if (!nv)
        return -ENOMEM;
    /* Look every descriptor up before taking references: EBADF leaves
     * nothing behind. */
    for (size_t i = 0; i < n; i++) {
        struct bsock *so = sock_fd_lookup(st, fdv[i]);
        if (!so) {
            st_free(st, nv);
            return -EBADF;
        }
        nv[m->nfds + i] = so;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = sock_file_get(nv[m->nfds + i]);
        if (rc) {
            while (i--)
                sock_file_put(nv[m->nfds + i]);
            st_free(st, nv);
            return rc;
        }
    }
    for (size_t i = 0; i < n; i++)
        unix_inflight_add(nv[m->nfds + i]);
    if (m->fds) {
        memcpy(nv, m->fds, m->nfds * sizeof(*nv));
        st_free(st, m->fds);
    }
    m->fds = nv;
    m->nfds = (uint16_t)(m->nfds + n);
    return 0;
}

/* __scm_send: every control message must fit (EINVAL); other levels are
 * skipped; SOL_SOCKET knows SCM_RIGHTS and SCM_CREDENTIALS only. */
int unix_msg_control(struct unix_msg *m, const struct msghdr *msg)
{
    if (!msg->msg_controllen)
        return 0;
    if (msg->msg_controllen > (size_t)INT32_MAX)
        return -ENOBUFS;
    if (user_ptr_bad(msg->msg_control, msg->msg_controllen))
        return -EFAULT;
    const uint8_t *base = msg->msg_control;
    size_t total = msg->msg_controllen, off = 0;
    while (off + sizeof(struct cmsghdr) <= total) {
        struct cmsghdr h;
        memcpy(&h, base + off, sizeof(h));
        if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > total - off)
            return -EINVAL;
        const uint8_t *data = base + off + CMSG_LEN(0);
        size_t dlen = h.cmsg_len - CMSG_LEN(0);
        if (h.cmsg_level == SOL_SOCKET) {
            int rc;
            switch (h.cmsg_type) {
            case SCM_RIGHTS: {
                size_t n = dlen / sizeof(int);
                int fdv[UNIX_SCM_MAX_FD];
                if (n > UNIX_SCM_MAX_FD)
                    return -EINVAL;
                memcpy(fdv, data, n * sizeof(int));
                rc = add_rights(m, fdv, n);
                if (rc)
                    return rc;
                break;
            }
            case SCM_CREDENTIALS: {
                struct ucred uc;
                if (h.cmsg_len != CMSG_LEN(sizeof(uc)))
                    return -EINVAL;
                memcpy(&uc, data, sizeof(uc));
                rc = check_creds(m->from->sk.st, &uc);
                if (rc)
                    return rc;
                m->cred.set = true;
                m->cred.pid = uc.pid;
                m->cred.uid = uc.uid;
                m->cred.gid = uc.gid;
                break;
            }
            default:
                return -EINVAL;
            }
        }
        size_t adv = CMSG_ALIGN(h.cmsg_len);
        if (adv > total - off)
            break;
        off += adv;
    }
    return 0;
}

int unix_scm_parse(struct unix_sock *u, const struct msghdr *msg, struct unix_msg *scm)
{
    memset(scm, 0, sizeof(*scm));
    scm->from = u; /* for the stack and the credential check only */
    int rc = unix_msg_control(scm, msg);
    if (rc)
        unix_scm_destroy(u->sk.st, scm);
    return rc;
}

void unix_scm_attach(struct unix_msg *m, struct unix_msg *scm)
{
    m->fds = scm->fds;
    m->nfds = scm->nfds;
    if (scm->cred.set)
        m->cred = scm->cred;
    scm->fds = NULL;
    scm->nfds = 0;
    scm->cred.set = false;
}

void unix_scm_destroy(struct berth_stack *st, struct unix_msg *scm)
{
    for (unsigned i = 0; i < scm->nfds; i++) {
        unix_inflight_del(scm->fds[i]);
        sock_file_put(scm->fds[i]);
    }
    if (scm->fds)
        st_free(st, scm->fds);
    scm->fds = NULL;
    scm->nfds = 0;
}

void unix_queue(struct unix_sock *to, struct unix_msg *m)
{
    m->next = NULL;
    if (to->rq_tail)
        to->rq_tail->next = m;
    else
        to->rq_head = m;
    to->rq_tail = m;
    to->rq_len++;
    to->rq_bytes += m->len - m->off;
    sock_wake(&to->sk);
}

struct unix_msg *unix_dequeue(struct unix_sock *u)
{
    struct unix_msg *m = u->rq_head;
    if (!m)
        return NULL;
    u->rq_head = m->next;
    if (!u->rq_head)
        u->rq_tail = NULL;
    u->rq_len--;
    u->rq_bytes -= m->len - m->off;
    if (u->oob == m)
        u->oob = NULL;
    return m;
}

void unix_purge(struct unix_sock *u)
{
    struct unix_msg *m;
    while ((m = unix_dequeue(u)))
        unix_msg_free(u->sk.st, m);
}

/* unix_copy_addr: the sender's name as it is now, or no name at all. */
void unix_copy_addr(struct msghdr *msg, struct unix_sock *from)
{
    if (!msg->msg_name)
        return;
    if (from && from->addr) {
        memcpy(msg->msg_name, from->addr->name, from->addr->len);
        msg->msg_namelen = from->addr->len;
    } else {
        msg->msg_namelen = 0;
    }
}

/* scm_detach_fds: a descriptor for every socket that fits in the control
 * buffer; the rest are closed and MSG_CTRUNC is set. Peeking installs
 * descriptors too (each a new reference), as unix_peek_fds does. */
static void detach_fds(struct unix_sock *u, struct unix_msg *m, struct msghdr *msg, int flags)
{
    struct berth_stack *st = u->sk.st;
    bool peek = flags & MSG_PEEK;
    size_t room = 0;
    if (msg->msg_control && msg->msg_controllen > CMSG_LEN(0))
        room = (msg->msg_controllen - CMSG_LEN(0)) / sizeof(int);
    size_t n = m->nfds < room ? m->nfds : room;
    int fdv[UNIX_SCM_MAX_FD];
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        struct bsock *so = m->fds[i];
        if (peek && sock_file_get(so))
            break;
        int fd = sock_fd_install(st, so, flags & MSG_CMSG_CLOEXEC);
        if (fd < 0) {
            if (peek)
                sock_file_put(so);
            break;
        }
        if (!peek) {
            unix_inflight_del(so);
            m->fds[i] = NULL; /* the in-flight reference becomes the descriptor's */
        }
        fdv[got++] = fd;
    }
    if (got)
        put_cmsg(msg, SOL_SOCKET, SCM_RIGHTS, fdv, got * sizeof(int));
    if (got < m->nfds)
        msg->msg_flags |= MSG_CTRUNC;
    if (!peek) {
        /* Whatever did not fit is closed now (its reference dropped). */
        for (size_t i = 0; i < m->nfds; i++)
            if (m->fds[i]) {
                unix_inflight_del(m->fds[i]);
                sock_file_put(m->fds[i]);
            }
        st_free(st, m->fds);
        m->fds = NULL;
        m->nfds = 0;
    }
}

/* scm_recv_unix: SCM_CREDENTIALS first (when the receiver has
 * SO_PASSCRED), then SCM_RIGHTS. Without a control buffer both are lost
 * and MSG_CTRUNC says so. */
void unix_msg_recv_control(struct unix_sock *u, struct unix_msg *m, struct msghdr *msg, int flags)
{
    if (!msg->msg_control) {
        if (u->passcred || m->nfds)
            msg->msg_flags |= MSG_CTRUNC;
        if (m->nfds && !(flags & MSG_PEEK)) {
            for (size_t i = 0; i < m->nfds; i++) {
                unix_inflight_del(m->fds[i]);
                sock_file_put(m->fds[i]);
            }
            st_free(u->sk.st, m->fds);
            m->fds = NULL;
            m->nfds = 0;
        }
        return;
    }
    if (u->passcred) {
        struct ucred uc = {.pid = 0, .uid = 65534, .gid = 65534}; /* overflowuid/gid */
        if (m->cred.set) {
            uc.pid = m->cred.pid;
            uc.uid = m->cred.uid;
            uc.gid = m->cred.gid;
        }
        put_cmsg(msg, SOL_SOCKET, SCM_CREDENTIALS, &uc, sizeof(uc));
    }
    if (m->nfds)
        detach_fds(u, m, msg, flags);
}
