/* sock_util.c — socket object lifetime, waiting, user-memory helpers. */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "socket/sock.h"

struct bsock *sock_alloc(struct berth_stack *st, const struct sock_ops *ops, int protocol)
{
    struct bsock *so = st_zalloc(st, ops->obj_size);
    if (!so)
        return NULL;
    so->st = st;
    so->ops = ops;
    so->fd = -1;
    so->family = ops->family;
    so->type = ops->type;
    so->protocol = protocol;
    so->refs = 1;
    so->rcvbuf = st->net.rmem_default;
    so->sndbuf = st->net.wmem_default;
    so->rcvlowat = 1;
    stack_cred_current(st, &so->cred);
    st->nsockets++;
    return so;
}

void sock_hold(struct bsock *so) { so->refs++; }

void sock_put(struct bsock *so)
{
    if (--so->refs)
        return;
    struct berth_stack *st = so->st;
    st->nsockets--;
    st_free(st, so);
}

void sock_close_fd(struct berth_stack *st, int fd)
{
    struct bsock *so = st->fds[fd];
    st->fds[fd] = NULL;
    if ((unsigned)fd < st->fd_hint)
        st->fd_hint = (unsigned)fd;
    so->fd = -1;
    so->closed = true;
    so->ops->release(so);
    sock_wake(so);
    sock_put(so);
}

uint64_t sock_deadline(struct bsock *so, bool rcv)
{
    uint64_t t = rcv ? so->rcvtimeo_us : so->sndtimeo_us;
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
    if (cmlen > sizeof(h) && copy_to_user((char *)msg->msg_control + CMSG_LEN(0), data, cmlen - CMSG_LEN(0)))
        return;
    size_t adv = CMSG_SPACE(len) < msg->msg_controllen ? CMSG_SPACE(len) : msg->msg_controllen;
    msg->msg_control = (char *)msg->msg_control + adv;
    msg->msg_controllen -= adv;
}
