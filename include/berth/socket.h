/* berth/socket.h — the BSD socket calls on a berth stack.
 *
 * Same signatures, return values and errno as Linux, plus the stack handle.
 * Descriptors are small integers private to the stack (lowest free first).
 * Errors: -1 and errno set, exactly as the kernel would set it.
 */
#ifndef BERTH_SOCKET_H
#define BERTH_SOCKET_H

#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "stack.h"

#ifdef __cplusplus
extern "C" {
#endif

int berth_socket(berth_stack *st, int domain, int type, int protocol);
/* Two connected sockets (AF_UNIX); sv receives their descriptors. */
int berth_socketpair(berth_stack *st, int domain, int type, int protocol, int sv[2]);
int berth_bind(berth_stack *st, int fd, const struct sockaddr *addr, socklen_t addrlen);
int berth_connect(berth_stack *st, int fd, const struct sockaddr *addr, socklen_t addrlen);
int berth_listen(berth_stack *st, int fd, int backlog);
int berth_accept4(berth_stack *st, int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
ssize_t berth_send(berth_stack *st, int fd, const void *buf, size_t len, int flags);
ssize_t berth_sendto(berth_stack *st, int fd, const void *buf, size_t len, int flags,
                     const struct sockaddr *to, socklen_t tolen);
ssize_t berth_sendmsg(berth_stack *st, int fd, const struct msghdr *msg, int flags);
ssize_t berth_recv(berth_stack *st, int fd, void *buf, size_t len, int flags);
ssize_t berth_recvfrom(berth_stack *st, int fd, void *buf, size_t len, int flags,
                       struct sockaddr *from, socklen_t *fromlen);
ssize_t berth_recvmsg(berth_stack *st, int fd, struct msghdr *msg, int flags);
/* Batches of sendmsg/recvmsg (Linux's sendmmsg/recvmmsg): the number of
 * entries done, each with its msg_len. */
int berth_sendmmsg(berth_stack *st, int fd, struct mmsghdr *vec, unsigned vlen, int flags);
int berth_recvmmsg(berth_stack *st, int fd, struct mmsghdr *vec, unsigned vlen, int flags,
                   struct timespec *timeout);
int berth_getsockname(berth_stack *st, int fd, struct sockaddr *addr, socklen_t *addrlen);
int berth_getpeername(berth_stack *st, int fd, struct sockaddr *addr, socklen_t *addrlen);
int berth_setsockopt(berth_stack *st, int fd, int level, int name, const void *val, socklen_t len);
int berth_getsockopt(berth_stack *st, int fd, int level, int name, void *val, socklen_t *len);
int berth_shutdown(berth_stack *st, int fd, int how);
int berth_close(berth_stack *st, int fd);
int berth_poll(berth_stack *st, struct pollfd *fds, nfds_t nfds, int timeout_ms);
/* F_GETFL, F_SETFL (O_NONBLOCK), F_GETFD, F_SETFD (FD_CLOEXEC). */
int berth_fcntl(berth_stack *st, int fd, int cmd, long arg);
/* FIONBIO, FIONREAD (SIOCINQ), SIOCOUTQ. */
int berth_ioctl(berth_stack *st, int fd, unsigned long request, void *arg);
ssize_t berth_read(berth_stack *st, int fd, void *buf, size_t len);
ssize_t berth_write(berth_stack *st, int fd, const void *buf, size_t len);

/* Is fd an open berth descriptor? */
int berth_fd_valid(berth_stack *st, int fd);

#ifdef __cplusplus
}
#endif
#endif
