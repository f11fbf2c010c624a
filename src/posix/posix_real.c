/* posix_real.c — __real_*() when the program is not linked with --wrap
 * (posix_real.h): weak, so that a wrapped link, whose linker turns every
 * reference to __real_read into one to libc's read, never needs them. This
 * file must hold nothing else: with --wrap nothing pulls it in. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "posix_real.h"

#define WEAK __attribute__((weak))

WEAK int __real_socket(int domain, int type, int protocol)
{
    return socket(domain, type, protocol);
}
WEAK int __real_close(int fd) { return close(fd); }
WEAK ssize_t __real_read(int fd, void *buf, size_t len) { return read(fd, buf, len); }
WEAK ssize_t __real_write(int fd, const void *buf, size_t len) { return write(fd, buf, len); }
WEAK ssize_t __real_readv(int fd, const struct iovec *iov, int iovcnt)
{
    return readv(fd, iov, iovcnt);
}
WEAK ssize_t __real_writev(int fd, const struct iovec *iov, int iovcnt)
{
    return writev(fd, iov, iovcnt);
}
WEAK int __real_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long); /* every fcntl argument fits in a long */
    va_end(ap);
    return fcntl(fd, cmd, arg);
}
WEAK int __real_ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return ioctl(fd, request, arg);
}
WEAK int __real_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    return poll(fds, nfds, timeout);
}
WEAK off_t __real_lseek(int fd, off_t off, int whence) { return lseek(fd, off, whence); }
WEAK ssize_t __real_pread(int fd, void *buf, size_t len, off_t off)
{
    return pread(fd, buf, len, off);
}
WEAK ssize_t __real_pwrite(int fd, const void *buf, size_t len, off_t off)
{
    return pwrite(fd, buf, len, off);
}
WEAK int __real_fstat(int fd, struct stat *sb) { return fstat(fd, sb); }
