/* pd_interface.h — the table of calls packetdrill's --so_filename mode
 * expects from a shared object (packetdrill's struct packetdrill_interface
 * in gtests/net/packetdrill/packetdrill.h), declared here so berth builds
 * without packetdrill's sources. The order and types of the members are
 * that ABI: packetdrill calls packetdrill_interface_init(flags, &table) and
 * then the function pointers, each with `userdata` first. Returns and errno
 * are those of the system call of the same name.
 */
#ifndef BERTH_PD_INTERFACE_H
#define BERTH_PD_INTERFACE_H

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

struct pd_interface {
    void *userdata;
    void (*free)(void *userdata);
    int (*socket)(void *userdata, int domain, int type, int protocol);
    int (*bind)(void *userdata, int fd, const struct sockaddr *addr, socklen_t addrlen);
    int (*listen)(void *userdata, int fd, int backlog);
    int (*accept)(void *userdata, int fd, struct sockaddr *addr, socklen_t *addrlen);
    int (*connect)(void *userdata, int fd, const struct sockaddr *addr, socklen_t addrlen);
    ssize_t (*read)(void *userdata, int fd, void *buf, size_t count);
    ssize_t (*readv)(void *userdata, int fd, const struct iovec *iov, int iovcnt);
    ssize_t (*recv)(void *userdata, int fd, void *buf, size_t len, int flags);
    ssize_t (*recvfrom)(void *userdata, int fd, void *buf, size_t len, int flags,
                        struct sockaddr *src, socklen_t *addrlen);
    ssize_t (*recvmsg)(void *userdata, int fd, struct msghdr *msg, int flags);
    ssize_t (*write)(void *userdata, int fd, const void *buf, size_t count);
    ssize_t (*writev)(void *userdata, int fd, const struct iovec *iov, int iovcnt);
    ssize_t (*send)(void *userdata, int fd, const void *buf, size_t len, int flags);
    ssize_t (*sendto)(void *userdata, int fd, const void *buf, size_t len, int flags,
                      const struct sockaddr *dst, socklen_t addrlen);
    ssize_t (*sendmsg)(void *userdata, int fd, const struct msghdr *msg, int flags);
    int (*fcntl)(void *userdata, int fd, int cmd, ...);
    int (*ioctl)(void *userdata, int fd, unsigned long request, ...);
    int (*close)(void *userdata, int fd);
    int (*shutdown)(void *userdata, int fd, int how);
    int (*getsockopt)(void *userdata, int fd, int level, int name, void *val, socklen_t *len);
    int (*setsockopt)(void *userdata, int fd, int level, int name, const void *val, socklen_t len);
    int (*poll)(void *userdata, struct pollfd *fds, nfds_t nfds, int timeout);
    /* A packet from the script to the stack: 0, or -1. */
    int (*netdev_send)(void *userdata, const void *buf, size_t count);
    /* The next packet the stack sent: *count in = room, out = length (0:
     * nothing), *time_usecs = when it left (gettimeofday clock). 0 or -1. */
    int (*netdev_receive)(void *userdata, void *buf, size_t *count, long long *time_usecs);
    int (*usleep)(void *userdata, useconds_t usec);
    int (*gettimeofday)(void *userdata, struct timeval *tv, void *tz);
    int (*epoll_create)(void *userdata, int size);
    int (*epoll_ctl)(void *userdata, int epfd, int op, int fd, struct epoll_event *event);
    int (*epoll_wait)(void *userdata, int epfd, struct epoll_event *events, int maxevents,
                      int timeout);
    int (*pipe)(void *userdata, int pipefd[2]);
    int (*splice)(void *userdata, int fd_in, loff_t *off_in, int fd_out, loff_t *off_out,
                  size_t len, unsigned int flags);
};

#endif
