/* berth/posix.h — run a plain POSIX sockets program on berth.
 *
 * Two modes (docs/posix.md). Link-time: compile the program as it is and
 * link it with libberth.a and the options in berth-wrap.flags
 * (`-Wl,--wrap=socket ...`); nothing of this header reaches the program.
 * Compile-time, described here: include it first (or compile with `-include berth/posix.h`) and
 * link with libberth: the socket calls below go to a default berth stack created on first use, with
 * lo up and 127.0.0.1/8 — the starting point of a fresh Linux network namespace.
 *
 * Descriptors: every berth socket is backed by a real placeholder descriptor
 * (an open /dev/null), so socket() returns the number the kernel would,
 * close()/read()/write()/fcntl()/ioctl()/poll() on it reach berth, and on any
 * other descriptor they reach the OS unchanged. A descriptor that is open but
 * not a socket gives ENOTSOCK, a closed one EBADF — as in Linux.
 *
 * Interfaces: if_nametoindex/if_indextoname/if_nameindex, getifaddrs and the
 * SIOCGIF* ioctls answer for the default stack's interfaces; IP_MTU gives
 * the route's MTU (ENOTCONN unconnected).
 *
 * Limits: dup()/dup2() of a socket copy only the placeholder; select() is
 * not wrapped (use poll); poll() mixing sockets with OS descriptors polls both in
 * 1 ms steps. Threads: any number may call in at once (posix platform).
 * fork(): the child gets its own copy of the stack and may go on using it
 * with no background thread.
 *
 * Credentials and limits follow the OS as the kernel's do: socket(), bind()
 * and privileged setsockopt() see the calling thread's current euid, egid and
 * capabilities (a seteuid() or capset() counts at the next call), and the
 * number of sockets is bounded by RLIMIT_NOFILE (each holds a placeholder
 * descriptor), not by a table size.
 */
#ifndef BERTH_POSIX_H
#define BERTH_POSIX_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "socket.h"
#include "stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default stack (created on first call). */
berth_stack *berth_posix_stack(void);
/* Map an OS descriptor to the berth descriptor behind it, -1 if none. */
int berth_posix_fd(int fd);

int berth_posix_socket(int domain, int type, int protocol);
int berth_posix_socketpair(int domain, int type, int protocol, int sv[2]);
int berth_posix_bind(int fd, const struct sockaddr *addr, socklen_t len);
int berth_posix_connect(int fd, const struct sockaddr *addr, socklen_t len);
int berth_posix_listen(int fd, int backlog);
int berth_posix_accept(int fd, struct sockaddr *addr, socklen_t *len);
int berth_posix_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
ssize_t berth_posix_send(int fd, const void *buf, size_t len, int flags);
ssize_t berth_posix_sendto(int fd, const void *buf, size_t len, int flags,
                           const struct sockaddr *to, socklen_t tolen);
ssize_t berth_posix_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t berth_posix_recv(int fd, void *buf, size_t len, int flags);
ssize_t berth_posix_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                             socklen_t *fromlen);
ssize_t berth_posix_recvmsg(int fd, struct msghdr *msg, int flags);
int berth_posix_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int berth_posix_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int berth_posix_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int berth_posix_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int berth_posix_shutdown(int fd, int how);
int berth_posix_close(int fd);
ssize_t berth_posix_read(int fd, void *buf, size_t len);
ssize_t berth_posix_write(int fd, const void *buf, size_t len);
int berth_posix_poll(struct pollfd *fds, nfds_t nfds, int timeout);
ssize_t berth_posix_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t berth_posix_writev(int fd, const struct iovec *iov, int iovcnt);
int berth_posix_fcntl(int fd, int cmd, ...);
int berth_posix_ioctl(int fd, unsigned long request, ...);
int berth_posix_sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags);
int berth_posix_recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
                         struct timespec *timeout);
/* A socket is not seekable (ESPIPE) and fstat() says S_IFSOCK. */
off_t berth_posix_lseek(int fd, off_t off, int whence);
ssize_t berth_posix_pread(int fd, void *buf, size_t len, off_t off);
ssize_t berth_posix_pwrite(int fd, const void *buf, size_t len, off_t off);
int berth_posix_fstat(int fd, struct stat *sb);
/* The default stack's interfaces, as the kernel answers for its own (also
 * ioctl's SIOCGIFINDEX/NAME/MTU/FLAGS/ADDR/NETMASK/BRDADDR/HWADDR/CONF on a
 * berth socket). getifaddrs lists each IPv4 address (no AF_PACKET or
 * AF_INET6 entries). */
unsigned berth_posix_if_nametoindex(const char *name);
char *berth_posix_if_indextoname(unsigned index, char buf[IF_NAMESIZE]);
struct if_nameindex *berth_posix_if_nameindex(void);
void berth_posix_if_freenameindex(struct if_nameindex *v);
int berth_posix_getifaddrs(struct ifaddrs **out);
void berth_posix_freeifaddrs(struct ifaddrs *ifa);

#ifndef BERTH_POSIX_NO_MACROS
#define socket(...) berth_posix_socket(__VA_ARGS__)
#define socketpair(...) berth_posix_socketpair(__VA_ARGS__)
#define bind(...) berth_posix_bind(__VA_ARGS__)
#define connect(...) berth_posix_connect(__VA_ARGS__)
#define listen(...) berth_posix_listen(__VA_ARGS__)
#define accept(...) berth_posix_accept(__VA_ARGS__)
#define accept4(...) berth_posix_accept4(__VA_ARGS__)
#define send(...) berth_posix_send(__VA_ARGS__)
#define sendto(...) berth_posix_sendto(__VA_ARGS__)
#define sendmsg(...) berth_posix_sendmsg(__VA_ARGS__)
#define recv(...) berth_posix_recv(__VA_ARGS__)
#define recvfrom(...) berth_posix_recvfrom(__VA_ARGS__)
#define recvmsg(...) berth_posix_recvmsg(__VA_ARGS__)
#define getsockname(...) berth_posix_getsockname(__VA_ARGS__)
#define getpeername(...) berth_posix_getpeername(__VA_ARGS__)
#define setsockopt(...) berth_posix_setsockopt(__VA_ARGS__)
#define getsockopt(...) berth_posix_getsockopt(__VA_ARGS__)
#define shutdown(...) berth_posix_shutdown(__VA_ARGS__)
#define close(...) berth_posix_close(__VA_ARGS__)
#define read(...) berth_posix_read(__VA_ARGS__)
#define write(...) berth_posix_write(__VA_ARGS__)
#define poll(...) berth_posix_poll(__VA_ARGS__)
#define readv(...) berth_posix_readv(__VA_ARGS__)
#define writev(...) berth_posix_writev(__VA_ARGS__)
#define fcntl(...) berth_posix_fcntl(__VA_ARGS__)
#define ioctl(...) berth_posix_ioctl(__VA_ARGS__)
#define sendmmsg(...) berth_posix_sendmmsg(__VA_ARGS__)
#define recvmmsg(...) berth_posix_recvmmsg(__VA_ARGS__)
#define lseek(...) berth_posix_lseek(__VA_ARGS__)
#define pread(...) berth_posix_pread(__VA_ARGS__)
#define pwrite(...) berth_posix_pwrite(__VA_ARGS__)
#define fstat(...) berth_posix_fstat(__VA_ARGS__)
#define if_nametoindex(...) berth_posix_if_nametoindex(__VA_ARGS__)
#define if_indextoname(...) berth_posix_if_indextoname(__VA_ARGS__)
#define if_nameindex(...) berth_posix_if_nameindex(__VA_ARGS__)
#define if_freenameindex(...) berth_posix_if_freenameindex(__VA_ARGS__)
#define getifaddrs(...) berth_posix_getifaddrs(__VA_ARGS__)
#define freeifaddrs(...) berth_posix_freeifaddrs(__VA_ARGS__)
#endif

#ifdef __cplusplus
}
#endif
#endif
