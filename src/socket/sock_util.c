/* sock_util.c — socket object lifetime, waiting, user-memory helpers. */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "socket/sock.h"
#include "socket/sock_registry.h"

const struct sock_opts sock_opts_default = {.rcvlowat = 1, .peek_off = -1};

struct bsock *sock_alloc(struct berth_stack *st, const struct sock_ops *ops, int protocol)
{
    unsigned id = 0;
    while (id < sock_ops_count && sock_ops_by_id[id] != ops)
        id++;
    if (id == sock_ops_count)
        return NULL; /* not a registered table */
    struct bsock *so = st_zalloc(st, ops->obj_size);
    if (!so)
        return NULL;
    so->st = st;
    so->ops_id = (uint8_t)id;
    so->protocol = (uint8_t)protocol;
    so->refs = 1;
    so->rcvbuf = st->net.rmem_default;
    so->sndbuf = st->net.wmem_default;
    struct berth_cred cred;
    stack_cred_current(st, &cred);
    so->uid = cred.euid;
    so->cap_net_bind_service = cred.cap_net_bind_service;
    st->nsockets++;
    return so;
}

/* ---- rarely-set options: a per-stack hash from socket to block ---- */

static unsigned opt_hash(const struct berth_stack *st, const struct bsock *so)
{
    uint64_t h = (uint64_t)((uintptr_t)so >> 3) * 0x9e3779b97f4a7c15ull;
    return (unsigned)(h >> 32) & st->sockopt_mask;
}

const struct sock_opts *sock_opt_find(const struct bsock *so)
{
    const struct berth_stack *st = so->st;
    for (const struct sock_opts *o = st->sockopt_hash[opt_hash(st, so)]; o; o = o->next)
        if (o->owner == so)
            return o;
    return &sock_opts_default; /* not reached: has_opt means it is filed */
}

/* Double the hash (16 heads at first). On allocation failure the old one
 * stays: chains get longer, nothing is lost. */
static void opt_grow(struct berth_stack *st)
{
    unsigned n = st->sockopt_hash ? st->sockopt_mask + 1 : 0;
    unsigned nn = n ? 2 * n : 16;
    struct sock_opts **nb = st_zalloc(st, nn * sizeof(*nb));
    if (!nb)
        return;
    struct sock_opts **old = st->sockopt_hash;
    st->sockopt_hash = nb;
    st->sockopt_mask = nn - 1;
    for (unsigned i = 0; i < n; i++) {
        struct sock_opts *o = old[i], *next;
        for (; o; o = next) {
            next = o->next;
            unsigned h = opt_hash(st, o->owner);
            o->next = nb[h];
            nb[h] = o;
        }
    }
    if (old)
        st_free(st, old);
}

struct sock_opts *sock_opt_w(struct bsock *so)
{
    if (so->has_opt)
        return (struct sock_opts *)sock_opt_find(so);
    struct berth_stack *st = so->st;
    if (!st->sockopt_hash || st->sockopt_count > st->sockopt_mask)
        opt_grow(st);
    if (!st->sockopt_hash)
        return NULL;
    struct sock_opts *o = st_alloc(st, sizeof(*o));
    if (!o)
        return NULL;
    *o = sock_opts_default;
    o->owner = so;
    unsigned h = opt_hash(st, so);
    o->next = st->sockopt_hash[h];
    st->sockopt_hash[h] = o;
    st->sockopt_count++;
    so->has_opt = true;
    return o;
}

static void opt_remove(struct bsock *so)
{
    struct berth_stack *st = so->st;
    struct sock_opts **pp = &st->sockopt_hash[opt_hash(st, so)];
    while (*pp && (*pp)->owner != so)
        pp = &(*pp)->next;
    if (*pp) {
        struct sock_opts *o = *pp;
        *pp = o->next;
        st_free(st, o);
        st->sockopt_count--;
    }
    so->has_opt = false;
}

void sock_opts_release(struct berth_stack *st)
{
    if (st->sockopt_hash)
        st_free(st, st->sockopt_hash);
    st->sockopt_hash = NULL;
    st->sockopt_mask = st->sockopt_count = 0;
}

int sock_set_bound_if(struct bsock *so, unsigned ifindex)
{
    if (!ifindex && !so->has_opt)
        return 0;
    struct sock_opts *o = sock_opt_w(so);
    if (!o)
        return -ENOMEM;
    o->bound_ifindex = ifindex;
    return 0;
}

int sock_inherit(struct bsock *so, const struct bsock *from)
{
    so->reuseaddr = from->reuseaddr;
    so->reuseport = from->reuseport;
    so->broadcast = from->broadcast;
    so->keepalive = from->keepalive;
    so->dontroute = from->dontroute;
    so->oobinline = from->oobinline;
    so->rcvbuf_locked = from->rcvbuf_locked;
    so->sndbuf_locked = from->sndbuf_locked;
    so->uid = from->uid;
    so->cap_net_bind_service = from->cap_net_bind_service;
    so->rcvbuf = from->rcvbuf;
    so->sndbuf = from->sndbuf;
    if (from->has_opt) {
        struct sock_opts *o = sock_opt_w(so);
        if (!o)
            return -ENOMEM;
        struct sock_opts *next = o->next;
        *o = *sock_opt(from);
        o->owner = so;
        o->next = next;
        /* IP_LOCAL_PORT_RANGE is not carried over (the child's port is its
         * listener's). */
        o->port_range_lo = o->port_range_hi = 0;
    }
    return 0;
}

void sock_hold(struct bsock *so) { so->refs++; }

void sock_put(struct bsock *so)
{
    if (--so->refs)
        return;
    struct berth_stack *st = so->st;
    st->nsockets--;
    if (so_ops(so)->destruct)
        so_ops(so)->destruct(so);
    if (so->has_opt)
        opt_remove(so);
    st_free(st, so);
}

int sock_file_get(struct bsock *so)
{
    if (so->xfiles == UINT8_MAX)
        return -ETOOMANYREFS;
    so->xfiles++;
    sock_hold(so);
    return 0;
}

void sock_file_put(struct bsock *so)
{
    if (so->xfiles) {
        so->xfiles--;
        if (so_ops(so)->file_dropped)
            so_ops(so)->file_dropped(so);
        sock_put(so);
        return;
    }
    so->closed = true;
    so_ops(so)->release(so);
    sock_wake(so);
    sock_put(so);
}

void sock_close_fd(struct berth_stack *st, int fd)
{
    struct bsock *so = st->fds[fd];
    st->fds[fd] = NULL;
    if ((unsigned)fd < st->fd_hint)
        st->fd_hint = (unsigned)fd;
    sock_file_put(so);
}

uint64_t sock_deadline(struct bsock *so, bool rcv)
{
    const struct sock_opts *o = sock_opt(so);
    uint64_t t = rcv ? o->rcvtimeo_us : o->sndtimeo_us;
    if (!t)
        return BERTH_FOREVER;
    return st_now(so->st) + t;
}

int sock_wait(struct bsock *so, uint64_t deadline)
{
    if (so->closed)
        return -EBADF;
    sock_hold(so);
    int rc = stack_wait(so->st, deadline);
    bool closed = so->closed;
    sock_put(so);
    if (closed)
        return -EBADF;
    if (rc == ETIMEDOUT)
        return -EAGAIN;
    if (rc == EDEADLK)
        return -EDEADLK;
    return 0;
}

void sock_wake(struct bsock *so) { st_wake(so->st); }

int sock_take_error(struct bsock *so)
{
    int e = so->so_error;
    so->so_error = 0;
    return -e;
}

bool user_ptr_bad(const void *p, size_t len)
{
    uintptr_t a = (uintptr_t)p;
    if (len == 0)
        return false;
    return a < 4096 || a + len < a;
}

int copy_from_user(void *dst, const void *src, size_t len)
{
    if (user_ptr_bad(src, len))
        return -EFAULT;
    if (len)
        memcpy(dst, src, len);
    return 0;
}

int copy_to_user(void *dst, const void *src, size_t len)
{
    if (user_ptr_bad(dst, len))
        return -EFAULT;
    if (len)
        memcpy(dst, src, len);
    return 0;
}

int iov_gather(void *dst, const struct msghdr *msg, size_t len)
{
    uint8_t *d = dst;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen && len; i++) {
        size_t n = msg->msg_iov[i].iov_len < len ? msg->msg_iov[i].iov_len : len;
        if (copy_from_user(d, msg->msg_iov[i].iov_base, n))
            return -EFAULT;
        d += n;
        len -= n;
    }
    return 0;
}

int iov_scatter(const struct msghdr *msg, const void *src, size_t len)
{
    const uint8_t *s = src;
    for (size_t i = 0; i < (size_t)msg->msg_iovlen && len; i++) {
        size_t n = msg->msg_iov[i].iov_len < len ? msg->msg_iov[i].iov_len : len;
        if (copy_to_user(msg->msg_iov[i].iov_base, s, n))
            return -EFAULT;
        s += n;
        len -= n;
    }
    return 0;
}

void put_cmsg(struct msghdr *msg, int level, int type, const void *data, size_t len)
{
    if (!msg->msg_control || msg->msg_controllen < sizeof(struct cmsghdr)) {
        msg->msg_flags |= MSG_CTRUNC;
        return;
    }
    size_t cmlen = CMSG_LEN(len);
    if (msg->msg_controllen < cmlen) {
        msg->msg_flags |= MSG_CTRUNC;
        cmlen = msg->msg_controllen;
    }
    struct cmsghdr h = {.cmsg_len = cmlen, .cmsg_level = level, .cmsg_type = type};
    if (copy_to_user(msg->msg_control, &h, sizeof(h)))
        return;
    if (cmlen > sizeof(h) &&
        copy_to_user((char *)msg->msg_control + CMSG_LEN(0), data, cmlen - CMSG_LEN(0)))
        return;
    size_t adv = CMSG_SPACE(len) < msg->msg_controllen ? CMSG_SPACE(len) : msg->msg_controllen;
    msg->msg_control = (char *)msg->msg_control + adv;
    msg->msg_controllen -= adv;
}
