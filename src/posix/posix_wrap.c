/* posix_wrap.c — berth/posix.h at link time, without its macros.
 *
 * Linked with the flags in berth-wrap.flags (`-Wl,--wrap=socket`, ...), a
 * program's calls to socket(), read(), close()... reach these __wrap_*
 * functions and so berth's default stack — the program is compiled as it
 * is, with no header included first (its feature-test macros stay its
 * own), and calls through struct members (`io->read(...)`), function
 * pointers and C++ methods named write() are left alone by the compiler:
 * only the linker's references to the C library's functions change. A
 * descriptor that is not a berth socket goes on to the OS (__real_*, see
 * posix_real.h). The glibc fortify entry points (__read_chk...) that
 * -D_FORTIFY_SOURCE calls instead are wrapped too. */
#define BERTH_POSIX_NO_MACROS
#include "berth/posix.h"

#include <stdarg.h>
#include <stdlib.h>

#include "posix_real.h"

int __wrap_socket(int domain, int type, int protocol)
{
    return berth_posix_socket(domain, type, protocol);
}
int __wrap_socketpair(int domain, int type, int protocol, int sv[2])
{
    return berth_posix_socketpair(domain, type, protocol, sv);
}
int __wrap_bind(int fd, const struct sockaddr *a, socklen_t l)
{
    return berth_posix_bind(fd, a, l);
}
int __wrap_connect(int fd, const struct sockaddr *a, socklen_t l)
{
    return berth_posix_connect(fd, a, l);
}
int __wrap_listen(int fd, int backlog) { return berth_posix_listen(fd, backlog); }
int __wrap_accept(int fd, struct sockaddr *a, socklen_t *l) { return berth_posix_accept(fd, a, l); }
int __wrap_accept4(int fd, struct sockaddr *a, socklen_t *l, int flags)
{
    return berth_posix_accept4(fd, a, l, flags);
}
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
    return berth_posix_send(fd, buf, len, flags);
}
ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
                      socklen_t tolen)
{
    return berth_posix_sendto(fd, buf, len, flags, to, tolen);
}
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
    return berth_posix_sendmsg(fd, msg, flags);
}
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
    return berth_posix_recv(fd, buf, len, flags);
}
ssize_t __wrap_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                        socklen_t *fromlen)
{
    return berth_posix_recvfrom(fd, buf, len, flags, from, fromlen);
}
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
    return berth_posix_recvmsg(fd, msg, flags);
}
int __wrap_getsockname(int fd, struct sockaddr *a, socklen_t *l)
{
    return berth_posix_getsockname(fd, a, l);
}
int __wrap_getpeername(int fd, struct sockaddr *a, socklen_t *l)
{
    return berth_posix_getpeername(fd, a, l);
}
int __wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    return berth_posix_setsockopt(fd, level, name, val, len);
}
int __wrap_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    return berth_posix_getsockopt(fd, level, name, val, len);
}
int __wrap_shutdown(int fd, int how) { return berth_posix_shutdown(fd, how); }
int __wrap_close(int fd) { return berth_posix_close(fd); }
ssize_t __wrap_read(int fd, void *buf, size_t len) { return berth_posix_read(fd, buf, len); }
ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
    return berth_posix_write(fd, buf, len);
}
int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    return berth_posix_poll(fds, nfds, timeout);
}
ssize_t __wrap_readv(int fd, const struct iovec *iov, int iovcnt)
{
    return berth_posix_readv(fd, iov, iovcnt);
}
ssize_t __wrap_writev(int fd, const struct iovec *iov, int iovcnt)
{
    return berth_posix_writev(fd, iov, iovcnt);
}
int __wrap_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long); /* every fcntl argument fits in a long */
    va_end(ap);
    return berth_posix_fcntl(fd, cmd, arg);
}
int __wrap_ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return berth_posix_ioctl(fd, request, arg);
}
int __wrap_sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
    return berth_posix_sendmmsg(fd, vec, vlen, flags);
}
int __wrap_recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
                    struct timespec *timeout)
{
    return berth_posix_recvmmsg(fd, vec, vlen, flags, timeout);
}
off_t __wrap_lseek(int fd, off_t off, int whence) { return berth_posix_lseek(fd, off, whence); }
ssize_t __wrap_pread(int fd, void *buf, size_t len, off_t off)
{
    return berth_posix_pread(fd, buf, len, off);
}
ssize_t __wrap_pwrite(int fd, const void *buf, size_t len, off_t off)
{
    return berth_posix_pwrite(fd, buf, len, off);
}
int __wrap_fstat(int fd, struct stat *sb) { return berth_posix_fstat(fd, sb); }
unsigned __wrap_if_nametoindex(const char *name) { return berth_posix_if_nametoindex(name); }
char *__wrap_if_indextoname(unsigned index, char *buf)
{
    return berth_posix_if_indextoname(index, buf);
}
struct if_nameindex *__wrap_if_nameindex(void) { return berth_posix_if_nameindex(); }
void __wrap_if_freenameindex(struct if_nameindex *v) { berth_posix_if_freenameindex(v); }
int __wrap_getifaddrs(struct ifaddrs **out) { return berth_posix_getifaddrs(out); }
void __wrap_freeifaddrs(struct ifaddrs *ifa) { berth_posix_freeifaddrs(ifa); }

/* glibc's _FORTIFY_SOURCE entry points: the buffer-size check, then the
 * call (a failed check aborts, as __chk_fail does). */
ssize_t __wrap___read_chk(int fd, void *buf, size_t len, size_t buflen)
{
    if (len > buflen)
        abort();
    return berth_posix_read(fd, buf, len);
}
ssize_t __wrap___recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
    if (len > buflen)
        abort();
    return berth_posix_recv(fd, buf, len, flags);
}
ssize_t __wrap___recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
                              struct sockaddr *from, socklen_t *fromlen)
{
    if (len > buflen)
        abort();
    return berth_posix_recvfrom(fd, buf, len, flags, from, fromlen);
}
ssize_t __wrap___pread_chk(int fd, void *buf, size_t len, off_t off, size_t buflen)
{
    if (len > buflen)
        abort();
    return berth_posix_pread(fd, buf, len, off);
}
int __wrap___poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen)
{
    if (fdslen / sizeof(*fds) < nfds)
        abort();
    return berth_posix_poll(fds, nfds, timeout);
}
