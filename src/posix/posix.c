/* posix.c — the default stack behind berth/posix.h, and the mapping from OS
 * placeholder descriptors to berth descriptors. */
#define BERTH_POSIX_NO_MACROS
#include "berth/posix.h"

#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "berth/socket.h"
#include "posix_impl.h"
#include "posix_real.h"
#include "socket/sock.h" /* user_ptr_bad: berth's EFAULT rule */

static int libc_fcntl(int fd, int cmd, long arg) { return __real_fcntl(fd, cmd, arg); }
static int devnull_open(int type, bool accepted)
{
    (void)accepted;
    return open("/dev/null", O_RDWR | ((type & SOCK_CLOEXEC) ? O_CLOEXEC : 0));
}
static void devnull_abort(int fd) { __real_close(fd); }
static const struct posix_os libc_os = {
    .close = __real_close,
    .fcntl = libc_fcntl,
    .placeholder_open = devnull_open,
    .placeholder_abort = devnull_abort,
};
static const struct posix_os *os = &libc_os;

void posix_set_os(const struct posix_os *o) { os = o ? o : &libc_os; }

static berth_stack *g_stack;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t g_map_mu = PTHREAD_MUTEX_INITIALIZER;
static int *g_map; /* OS fd -> berth fd + 1 (0: not a berth socket) */
static size_t g_map_len;

static pid_t g_pid; /* getpid(), refreshed in a forked child */

static void at_fork_prepare(void) { pthread_mutex_lock(&g_map_mu); }
static void at_fork_release(void) { pthread_mutex_unlock(&g_map_mu); }
static void at_fork_child(void)
{
    g_pid = getpid();
    pthread_mutex_unlock(&g_map_mu);
}

/* berth_config.cred_current: the calling thread's credentials as the kernel
 * sees them right now. Linux consults them at socket(), bind(), privileged
 * setsockopt() and AF_UNIX sends (sock_i_uid, ns_capable(current), scm
 * credentials), and a program may change them at any time: seteuid() (glibc
 * changes every thread), a raw setresuid system call (this thread only),
 * capset(). The stack asks at exactly those moments, so nothing is cached
 * that a change could outrun and the data path pays nothing. */
static void os_cred_current(void *arg, struct berth_cred *c)
{
    (void)arg;
    c->pid = g_pid;
    uid_t ru, su;
    gid_t rg, sg;
    if (getresuid(&ru, &c->euid, &su) != 0)
        c->euid = geteuid();
    if (getresgid(&rg, &c->egid, &sg) != 0)
        c->egid = getegid();
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) == 0) {
        c->cap_net_bind_service =
            d[CAP_NET_BIND_SERVICE / 32].effective >> (CAP_NET_BIND_SERVICE % 32) & 1;
        c->cap_net_admin = d[CAP_NET_ADMIN / 32].effective >> (CAP_NET_ADMIN % 32) & 1;
        c->cap_net_raw = d[CAP_NET_RAW / 32].effective >> (CAP_NET_RAW % 32) & 1;
    } else {
        c->cap_net_bind_service = c->cap_net_admin = c->cap_net_raw = c->euid == 0;
    }
}

/* fs.nr_open: the most descriptors any process may have (1,048,576 by
 * default). */
static unsigned nr_open(void)
{
    unsigned n = 1u << 20;
    FILE *f = fopen("/proc/sys/fs/nr_open", "re");
    if (f) {
        if (fscanf(f, "%u", &n) != 1 || n < 1024)
            n = 1u << 20;
        fclose(f);
    }
    return n;
}

static void init_default(void)
{
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.name = "posix";
    /* Every berth socket holds an OS placeholder descriptor, so the OS
     * enforces RLIMIT_NOFILE (EMFILE at the soft limit, whatever it is set
     * to later). berth's own table must never run out first: it may grow to
     * the kernel's ceiling on any process's limit, fs.nr_open. */
    cfg.max_fds = cfg.max_sockets = nr_open();
    cfg.cred_current = os_cred_current;
    g_stack = berth_stack_new(&cfg);
    if (!g_stack)
        abort();
    g_pid = getpid();
    pthread_atfork(at_fork_prepare, at_fork_release, at_fork_child);
    if (os->configure)
        os->configure(g_stack);
}

berth_stack *berth_posix_stack(void)
{
    pthread_once(&g_once, init_default);
    return g_stack;
}

int berth_posix_fd(int fd)
{
    int r = -1;
    pthread_mutex_lock(&g_map_mu);
    if (fd >= 0 && (size_t)fd < g_map_len)
        r = g_map[fd] - 1;
    pthread_mutex_unlock(&g_map_mu);
    return r;
}

int posix_map_set(int fd, int bfd)
{
    int rc = 0;
    pthread_mutex_lock(&g_map_mu);
    if ((size_t)fd >= g_map_len) {
        size_t n = g_map_len ? g_map_len : 64;
        while (n <= (size_t)fd)
            n *= 2;
        int *m = realloc(g_map, n * sizeof(*m));
        if (!m) {
            rc = -1;
        } else {
            for (size_t i = g_map_len; i < n; i++)
                m[i] = 0;
            g_map = m;
            g_map_len = n;
        }
    }
    if (rc == 0)
        g_map[fd] = bfd + 1;
    pthread_mutex_unlock(&g_map_mu);
    return rc;
}

void posix_map_forget(int bfd)
{
    pthread_mutex_lock(&g_map_mu);
    for (size_t i = 0; i < g_map_len; i++)
        if (g_map[i] == bfd + 1)
            g_map[i] = 0;
    pthread_mutex_unlock(&g_map_mu);
}

/* Resolve an OS descriptor for a socket call: EBADF if it is not open,
 * ENOTSOCK if it is open but not a berth socket (Linux's order). */
static int sock_fd(int fd)
{
    int b = berth_posix_fd(fd);
    if (b >= 0)
        return b;
    errno = os->fcntl(fd, F_GETFD, 0) == -1 ? EBADF : ENOTSOCK;
    return -1;
}

/* An OS placeholder descriptor (what the application sees) for a socket
 * (posix_os.placeholder_open: /dev/null here, a socketpair end in the
 * preload library). */
static int placeholder_open(int type) { return os->placeholder_open(type, false); }

/* Map placeholder fd to berth descriptor bfd; on failure both are closed
 * (ENOMEM, or the placeholder's own error). Returns fd or -1. */
static int placeholder_map(int fd, int bfd)
{
    int e = ENOMEM;
    if (posix_map_set(fd, bfd) == 0) {
        if (!os->placeholder_attach || os->placeholder_attach(fd, bfd) == 0)
            return fd;
        e = errno;
        posix_map_set(fd, -1);
    }
    os->placeholder_abort(fd);
    berth_close(g_stack, bfd);
    errno = e;
    return -1;
}

/* Give berth descriptor bfd an OS placeholder. socket() allocates the
 * descriptor after the socket, as Linux (sock_map_fd) does: an argument
 * error comes before EMFILE. */
static int wrap_new(int bfd, int flags)
{
    if (bfd < 0)
        return -1;
    int fd = placeholder_open(flags);
    if (fd < 0) {
        int e = errno;
        berth_close(g_stack, bfd);
        errno = e;
        return -1;
    }
    return placeholder_map(fd, bfd);
}

int berth_posix_socket(int domain, int type, int protocol)
{
    berth_stack *st = berth_posix_stack();
    return wrap_new(berth_socket(st, domain, type, protocol), type);
}

/* socketpair(): two placeholders for the two berth descriptors. The
 * vector is checked first, as __sys_socketpair writes it before it creates
 * anything. */
int berth_posix_socketpair(int domain, int type, int protocol, int sv[2])
{
    berth_stack *st = berth_posix_stack();
    if ((uintptr_t)sv < 4096) {
        errno = EFAULT;
        return -1;
    }
    int b[2];
    if (berth_socketpair(st, domain, type, protocol, b) < 0)
        return -1;
    int fd0 = placeholder_open(type);
    int fd1 = fd0 < 0 ? -1 : placeholder_open(type);
    if (fd1 < 0) {
        int e = errno;
        if (fd0 >= 0)
            os->close(fd0);
        berth_close(st, b[0]);
        berth_close(st, b[1]);
        errno = e;
        return -1;
    }
    if (posix_map_set(fd0, b[0]) || posix_map_set(fd1, b[1])) {
        os->close(fd0);
        os->close(fd1);
        berth_close(st, b[0]);
        berth_close(st, b[1]);
        errno = ENOMEM;
        return -1;
    }
    sv[0] = fd0;
    sv[1] = fd1;
    return 0;
}

/* SCM_RIGHTS carries descriptor numbers: the application's are OS
 * placeholders, berth's core wants its own. On the way out each one is
 * translated (a descriptor that is not a berth socket becomes -1, which
 * berth refuses with EBADF: docs/deviations.md); on the way in each berth
 * descriptor received gets a placeholder. `out` receives a translated copy
 * of the control buffer when there is anything to translate. */
static bool rights_out(const struct msghdr *msg, struct msghdr *copy, void **buf)
{
    *buf = NULL;
    if (!msg || (uintptr_t)msg < 4096 || !msg->msg_control ||
        msg->msg_controllen < sizeof(struct cmsghdr) || (uintptr_t)msg->msg_control < 4096 ||
        msg->msg_controllen > 65536)
        return false;
    bool any = false;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            any = true;
    if (!any)
        return false;
    *copy = *msg;
    *buf = malloc(msg->msg_controllen);
    if (!*buf)
        return false;
    memcpy(*buf, msg->msg_control, msg->msg_controllen);
    copy->msg_control = *buf;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(copy); c; c = CMSG_NXTHDR(copy, c)) {
        /* Only well-formed headers inside the buffer (the stack refuses
         * the others with EINVAL, untranslated). */
        size_t at = (size_t)((char *)c - (char *)*buf);
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
            c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > msg->msg_controllen - at)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
            fd = berth_posix_fd(fd);
            memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(fd));
        }
    }
    return true;
}

static void rights_in(struct msghdr *msg, int flags)
{
    if (!msg->msg_control || msg->msg_controllen < sizeof(struct cmsghdr))
        return;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
            continue;
        int *fdv = (int *)CMSG_DATA(c);
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd = placeholder_open((flags & MSG_CMSG_CLOEXEC) ? SOCK_CLOEXEC : 0);
            if (fd < 0 || posix_map_set(fd, fdv[i])) {
                if (fd >= 0)
                    os->close(fd);
                berth_close(g_stack, fdv[i]);
                fdv[i] = -1;
                continue;
            }
            fdv[i] = fd;
        }
    }
}

#define SOCKCALL(fd, expr)                                                                         \
    do {                                                                                           \
        berth_stack *st = berth_posix_stack();                                                     \
        int b = sock_fd(fd);                                                                       \
        if (b < 0)                                                                                 \
            return -1;                                                                             \
        return expr;                                                                               \
    } while (0)

int berth_posix_bind(int fd, const struct sockaddr *a, socklen_t l)
{
    SOCKCALL(fd, berth_bind(st, b, a, l));
}
/* __sys_connect() copies the address in (move_addr_to_kernel: EINVAL for a
 * bad length, EFAULT for unreadable memory) after fdget() and before
 * sock_from_file(): connect(0, NULL, 16) on an open descriptor that is not a
 * socket is EFAULT, not ENOTSOCK. (bind() looks the socket up first.) */
int berth_posix_connect(int fd, const struct sockaddr *a, socklen_t l)
{
    if (berth_posix_fd(fd) < 0 && os->fcntl(fd, F_GETFD, 0) != -1) {
        if ((int)l < 0 || l > sizeof(struct sockaddr_storage))
            errno = EINVAL;
        else
            errno = l && user_ptr_bad(a, l) ? EFAULT : ENOTSOCK;
        return -1;
    }
    SOCKCALL(fd, berth_connect(st, b, a, l));
}
int berth_posix_listen(int fd, int backlog) { SOCKCALL(fd, berth_listen(st, b, backlog)); }

/* Linux (__sys_accept4_file) reserves the new descriptor before it looks at
 * the socket or takes a connection off the queue: at RLIMIT_NOFILE accept
 * fails with EMFILE — even on a descriptor that is not a socket — and the
 * connection stays queued for a later accept. So the placeholder is opened
 * first, and given back if the accept fails. */
int berth_posix_accept4(int fd, struct sockaddr *a, socklen_t *l, int flags)
{
    berth_stack *st = berth_posix_stack();
    /* __sys_accept4: fdget() (EBADF) before the flags (EINVAL). */
    if (os->fcntl(fd, F_GETFD, 0) == -1) {
        errno = EBADF;
        return -1;
    }
    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) {
        errno = EINVAL;
        return -1;
    }
    int pfd = os->placeholder_open(SOCK_STREAM | flags, true);
    if (pfd < 0)
        return -1; /* EMFILE / ENFILE from the OS, as Linux's get_unused_fd */
    int b = sock_fd(fd), nb = b < 0 ? -1 : berth_accept4(st, b, a, l, flags);
    if (nb < 0) {
        int e = errno;
        os->placeholder_abort(pfd);
        errno = e;
        return -1;
    }
    return placeholder_map(pfd, nb);
}

int berth_posix_accept(int fd, struct sockaddr *a, socklen_t *l)
{
    return berth_posix_accept4(fd, a, l, 0);
}

ssize_t berth_posix_send(int fd, const void *buf, size_t len, int flags)
{
    SOCKCALL(fd, berth_send(st, b, buf, len, flags));
}

ssize_t berth_posix_sendto(int fd, const void *buf, size_t len, int flags,
                           const struct sockaddr *to, socklen_t tolen)
{
    SOCKCALL(fd, berth_sendto(st, b, buf, len, flags, to, tolen));
}

ssize_t berth_posix_sendmsg(int fd, const struct msghdr *msg, int flags)
{
    struct msghdr copy;
    void *buf;
    if (berth_posix_fd(fd) >= 0 && rights_out(msg, &copy, &buf)) {
        ssize_t r = berth_sendmsg(berth_posix_stack(), berth_posix_fd(fd), &copy, flags);
        int e = errno;
        free(buf);
        errno = e;
        return r;
    }
    SOCKCALL(fd, berth_sendmsg(st, b, msg, flags));
}

ssize_t berth_posix_recv(int fd, void *buf, size_t len, int flags)
{
    SOCKCALL(fd, berth_recv(st, b, buf, len, flags));
}

ssize_t berth_posix_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                             socklen_t *fromlen)
{
    SOCKCALL(fd, berth_recvfrom(st, b, buf, len, flags, from, fromlen));
}

ssize_t berth_posix_recvmsg(int fd, struct msghdr *msg, int flags)
{
    berth_stack *st = berth_posix_stack();
    int b = sock_fd(fd);
    if (b < 0)
        return -1;
    ssize_t r = berth_recvmsg(st, b, msg, flags);
    if (r >= 0)
        rights_in(msg, flags);
    return r;
}

int berth_posix_getsockname(int fd, struct sockaddr *a, socklen_t *l)
{
    SOCKCALL(fd, berth_getsockname(st, b, a, l));
}
int berth_posix_getpeername(int fd, struct sockaddr *a, socklen_t *l)
{
    SOCKCALL(fd, berth_getpeername(st, b, a, l));
}

int berth_posix_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    SOCKCALL(fd, berth_setsockopt(st, b, level, name, val, len));
}

int berth_posix_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    SOCKCALL(fd, berth_getsockopt(st, b, level, name, val, len));
}

int berth_posix_shutdown(int fd, int how) { SOCKCALL(fd, berth_shutdown(st, b, how)); }

int berth_posix_close(int fd)
{
    int b = berth_posix_fd(fd);
    if (b < 0)
        return os->close(fd);
    posix_map_set(fd, -1);
    berth_close(berth_posix_stack(), b);
    return os->close(fd);
}

ssize_t berth_posix_read(int fd, void *buf, size_t len)
{
    int b = berth_posix_fd(fd);
    return b < 0 ? __real_read(fd, buf, len) : berth_read(berth_posix_stack(), b, buf, len);
}

ssize_t berth_posix_write(int fd, const void *buf, size_t len)
{
    int b = berth_posix_fd(fd);
    return b < 0 ? __real_write(fd, buf, len) : berth_write(berth_posix_stack(), b, buf, len);
}

/* sock_read_iter / sock_write_iter: an empty vector never reaches the
 * socket. */
static size_t iov_total(const struct iovec *iov, int cnt)
{
    size_t t = 0;
    for (int i = 0; i < cnt; i++)
        t += iov[i].iov_len;
    return t;
}

/* readv/writev on a berth socket: as recvmsg/sendmsg without flags. */
static ssize_t vec_io(int b, const struct iovec *iov, int iovcnt, bool out)
{
    if (iovcnt < 0 || iovcnt > 1024) {
        errno = EINVAL;
        return -1;
    }
    if (iov_total(iov, iovcnt) == 0)
        return 0;
    struct msghdr m = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt};
    return out ? berth_sendmsg(berth_posix_stack(), b, &m, 0)
               : berth_recvmsg(berth_posix_stack(), b, &m, 0);
}

ssize_t berth_posix_readv(int fd, const struct iovec *iov, int iovcnt)
{
    int b = berth_posix_fd(fd);
    return b < 0 ? __real_readv(fd, iov, iovcnt) : vec_io(b, iov, iovcnt, false);
}

ssize_t berth_posix_writev(int fd, const struct iovec *iov, int iovcnt)
{
    int b = berth_posix_fd(fd);
    return b < 0 ? __real_writev(fd, iov, iovcnt) : vec_io(b, iov, iovcnt, true);
}

int berth_posix_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long); /* every fcntl argument fits in a long */
    va_end(ap);
    int b = berth_posix_fd(fd);
    if (b < 0)
        return __real_fcntl(fd, cmd, arg);
    switch (cmd) {
    case F_GETFL:
    case F_SETFL:
        return berth_fcntl(berth_posix_stack(), b, cmd, arg);
    case F_SETFD:
        berth_fcntl(berth_posix_stack(), b, cmd, arg);
        return __real_fcntl(fd, cmd, arg);
    default:
        return __real_fcntl(fd, cmd, arg);
    }
}

int berth_posix_ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    int b = berth_posix_fd(fd);
    if (b < 0)
        return __real_ioctl(fd, request, arg);
    int r = posix_if_ioctl(berth_posix_stack(), request, arg);
    if (r != -2)
        return r;
    return berth_ioctl(berth_posix_stack(), b, request, arg);
}

int berth_posix_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    berth_stack *st = berth_posix_stack();
    /* do_sys_poll: more entries than RLIMIT_NOFILE is EINVAL, then the
     * array must be readable. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && nfds > rl.rlim_cur) {
        errno = EINVAL;
        return -1;
    }
    if (nfds && (uintptr_t)fds < 4096) {
        errno = EFAULT;
        return -1;
    }
    struct pollfd small[16];
    struct pollfd *bf = nfds <= 16 ? small : calloc(nfds, sizeof(*bf));
    if (!bf) {
        errno = ENOMEM;
        return -1;
    }
    bool mixed = false;
    for (nfds_t i = 0; i < nfds; i++) {
        bf[i] = fds[i];
        if (fds[i].fd < 0)
            continue;
        int b = berth_posix_fd(fds[i].fd);
        if (b < 0)
            mixed = true;
        bf[i].fd = b < 0 ? -1 : b;
    }
    int n;
    if (!mixed) {
        n = berth_poll(st, bf, nfds, timeout);
    } else {
        /* OS descriptors too: poll both sides without blocking, 1 ms apart. */
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (;;) {
            n = berth_poll(st, bf, nfds, 0);
            if (n < 0)
                break;
            for (nfds_t i = 0; i < nfds; i++) {
                if (fds[i].fd >= 0 && berth_posix_fd(fds[i].fd) < 0) {
                    struct pollfd one = fds[i];
                    if (__real_poll(&one, 1, 0) > 0) {
                        bf[i].revents = one.revents;
                        n++;
                    }
                }
            }
            struct timespec t1;
            clock_gettime(CLOCK_MONOTONIC, &t1);
            long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
            if (n || timeout == 0 || (timeout > 0 && ms >= timeout))
                break;
            struct timespec d = {0, 1000000};
            nanosleep(&d, NULL);
        }
    }
    if (n >= 0)
        for (nfds_t i = 0; i < nfds; i++)
            fds[i].revents = bf[i].revents;
    if (bf != small)
        free(bf);
    return n;
}

int berth_posix_sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
    SOCKCALL(fd, berth_sendmmsg(st, b, vec, vlen, flags));
}

int berth_posix_recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags,
                         struct timespec *timeout)
{
    berth_stack *st = berth_posix_stack();
    int b = berth_posix_fd(fd);
    if (b < 0) {
        if (os->fcntl(fd, F_GETFD, 0) != -1) {
            errno = ENOTSOCK;
            return -1;
        }
        b = INT_MAX; /* EBADF from berth, after its timeout checks */
    }
    return berth_recvmmsg(st, b, vec, vlen, flags, timeout);
}

/* A socket's file has no position: lseek (no_llseek), pread and pwrite
 * (FMODE_PREAD/PWRITE unset) are ESPIPE. */
off_t berth_posix_lseek(int fd, off_t off, int whence)
{
    if (berth_posix_fd(fd) >= 0) {
        errno = ESPIPE;
        return -1;
    }
    return __real_lseek(fd, off, whence);
}

ssize_t berth_posix_pread(int fd, void *buf, size_t len, off_t off)
{
    if (berth_posix_fd(fd) >= 0) {
        errno = ESPIPE;
        return -1;
    }
    return __real_pread(fd, buf, len, off);
}

ssize_t berth_posix_pwrite(int fd, const void *buf, size_t len, off_t off)
{
    if (berth_posix_fd(fd) >= 0) {
        errno = ESPIPE;
        return -1;
    }
    return __real_pwrite(fd, buf, len, off);
}

/* The placeholder's own status (a character device), reshaped as a
 * socket's: sockfs inodes are S_IFSOCK | 0777 with size 0. */
int berth_posix_fstat(int fd, struct stat *sb)
{
    int rc = __real_fstat(fd, sb);
    if (rc == 0 && berth_posix_fd(fd) >= 0) {
        sb->st_mode = S_IFSOCK | 0777;
        sb->st_size = 0;
        sb->st_rdev = 0;
        sb->st_blocks = 0;
        sb->st_blksize = 4096;
    }
    return rc;
}
