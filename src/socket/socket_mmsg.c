/* socket_mmsg.c — sendmmsg() and recvmmsg(): a batch of sendmsg/recvmsg.
 *
 * As Linux's __sys_sendmmsg / do_recvmmsg: the vector is walked one entry at
 * a time through the ordinary calls, each entry's msg_len gets its count,
 * and the number of entries done is returned. vlen is capped at UIO_MAXIOV.
 * An error on the first entry is the call's error; after that, sendmmsg
 * drops it (the caller sees a short count and finds the error by sending
 * again) and recvmmsg keeps it as the socket's pending error, reported by
 * the next call, unless it is EAGAIN. recvmmsg's timeout is looked at only
 * between entries (a documented quirk of Linux's: the call may block past
 * it waiting for the next datagram); MSG_WAITFORONE makes every entry after
 * the first non-blocking.
 */
#include <errno.h>
#include <time.h>

#include "berth/socket.h"
#include "core/stack_impl.h"
#include "socket/sock.h"

#define LINUX_UIO_MAXIOV 1024

int berth_sendmmsg(berth_stack *st, int fd, struct mmsghdr *vec, unsigned vlen, int flags)
{
    if (!berth_fd_valid(st, fd)) {
        errno = EBADF;
        return -1;
    }
    if (vlen > LINUX_UIO_MAXIOV)
        vlen = LINUX_UIO_MAXIOV;
    unsigned done = 0;
    for (; done < vlen; done++) {
        if (user_ptr_bad(&vec[done], sizeof(vec[done]))) {
            errno = EFAULT;
            break;
        }
        ssize_t n = berth_sendmsg(st, fd, &vec[done].msg_hdr, flags);
        if (n < 0)
            break;
        vec[done].msg_len = (unsigned)n;
    }
    return done ? (int)done : (vlen ? -1 : 0);
}

static uint64_t ts_us(const struct timespec *t)
{
    return (uint64_t)t->tv_sec * 1000000u + (uint64_t)t->tv_nsec / 1000u;
}

/* The stack's clock (virtual in a simulation), never the OS's. */
static uint64_t mono_us(berth_stack *st)
{
    const struct berth_platform *p = berth_stack_platform(st);
    return p->now_us(p->ctx);
}

int berth_recvmmsg(berth_stack *st, int fd, struct mmsghdr *vec, unsigned vlen, int flags,
                   struct timespec *timeout)
{
    /* __sys_recvmmsg: the timeout is read and checked before the fd. */
    struct timespec to;
    if (timeout) {
        if (copy_from_user(&to, timeout, sizeof(to))) {
            errno = EFAULT;
            return -1;
        }
        if (to.tv_sec < 0 || to.tv_nsec < 0 || to.tv_nsec >= 1000000000) {
            errno = EINVAL;
            return -1;
        }
    }
    if (!berth_fd_valid(st, fd)) {
        errno = EBADF;
        return -1;
    }
    if (vlen > LINUX_UIO_MAXIOV)
        vlen = LINUX_UIO_MAXIOV;
    uint64_t end = timeout ? mono_us(st) + ts_us(&to) : 0;
    unsigned done = 0;
    int err = 0;
    for (; done < vlen; done++) {
        if (user_ptr_bad(&vec[done], sizeof(vec[done]))) {
            err = EFAULT;
            break;
        }
        ssize_t n = berth_recvmsg(st, fd, &vec[done].msg_hdr, flags);
        if (n < 0) {
            err = errno;
            break;
        }
        vec[done].msg_len = (unsigned)n;
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (timeout && mono_us(st) >= end) {
            done++;
            break;
        }
        if (vec[done].msg_hdr.msg_flags & MSG_OOB)
            break;
    }
    if (timeout) {
        uint64_t now = mono_us(st), left = now < end ? end - now : 0;
        timeout->tv_sec = (time_t)(left / 1000000u);
        timeout->tv_nsec = (long)(left % 1000000u) * 1000;
    }
    if (!err)
        return (int)done;
    if (!done) {
        errno = err;
        return -1;
    }
    if (err != EAGAIN)
        socket_defer_error(st, fd, err);
    return (int)done;
}
