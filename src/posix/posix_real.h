/* posix_real.h — the OS's own descriptor calls, as berth's internals make
 * them.
 *
 * A program can put its socket calls on berth at link time instead of with
 * berth/posix.h's macros: `-Wl,--wrap=read` and friends (the list is
 * berth-wrap.flags, posix_wrap.c defines the __wrap_ side). The linker then
 * sends every undefined reference to read() in every object — libberth.a's
 * too — to __wrap_read, which would bring berth's own passthrough and its
 * TAP driver back into berth. So berth calls the OS as __real_read():
 * with --wrap the linker makes that libc's read(); without it,
 * posix_real.c's weak definitions do. */
#ifndef BERTH_POSIX_REAL_H
#define BERTH_POSIX_REAL_H

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

int __real_socket(int domain, int type, int protocol);
int __real_close(int fd);
ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __real_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t __real_writev(int fd, const struct iovec *iov, int iovcnt);
int __real_fcntl(int fd, int cmd, ...);
int __real_ioctl(int fd, unsigned long request, ...);
int __real_poll(struct pollfd *fds, nfds_t nfds, int timeout);
off_t __real_lseek(int fd, off_t off, int whence);
ssize_t __real_pread(int fd, void *buf, size_t len, off_t off);
ssize_t __real_pwrite(int fd, const void *buf, size_t len, off_t off);
int __real_fstat(int fd, struct stat *sb);

#endif
