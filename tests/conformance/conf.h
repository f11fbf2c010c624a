/*
 * conf.h - helpers shared by the berth conformance programs.
 *
 * Every program in tests/conformance/ is an ordinary POSIX C11 program: it
 * contains nothing berth-specific. The runner builds it twice, once against
 * the C library (the Linux kernel is the oracle) and once with
 * `-include berth/posix.h` (berth), runs both and diffs what they print.
 *
 * So everything printed must be a pure function of the socket semantics:
 * return values, errno NAMES (from our own table, never strerror(), whose
 * wording differs between libcs), addresses and fixed ports. Never print
 * ephemeral port numbers, pointers or timings: use conf_port() which prints
 * ephemeral ports as facts ("eph" / "eph,odd").
 *
 * Output is unbuffered so a crash still leaves every earlier line on record.
 */
#ifndef BERTH_CONFORMANCE_CONF_H
#define BERTH_CONFORMANCE_CONF_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* Linux's default net.ipv4.ip_local_port_range. */
#define CONF_EPH_LOW 32768
#define CONF_EPH_HIGH 60999

/* A pointer that is never valid user memory (the zero page). Read from a
 * volatile so compilers do not reason about the constant. */
static volatile uintptr_t conf_badaddr = 1;
#define CONF_BADPTR ((void *)conf_badaddr)

#define SA(p) ((struct sockaddr *)(p))

/* ---- errno names ------------------------------------------------------ */

/* clang-format off */
static const struct {
    int e;
    const char *name;
} conf_errnames[] = {
#define CONF_E(x) {x, #x}
    CONF_E(EPERM), CONF_E(ENOENT), CONF_E(ESRCH), CONF_E(EINTR),
    CONF_E(EIO), CONF_E(ENXIO), CONF_E(E2BIG), CONF_E(ENOEXEC),
    CONF_E(EBADF), CONF_E(ECHILD), CONF_E(EAGAIN), CONF_E(ENOMEM),
    CONF_E(EACCES), CONF_E(EFAULT), CONF_E(EBUSY), CONF_E(EEXIST),
    CONF_E(EXDEV), CONF_E(ENODEV), CONF_E(ENOTDIR), CONF_E(EISDIR),
    CONF_E(EINVAL), CONF_E(ENFILE), CONF_E(EMFILE), CONF_E(ENOTTY),
    CONF_E(EFBIG), CONF_E(ENOSPC), CONF_E(ESPIPE), CONF_E(EROFS),
    CONF_E(EMLINK), CONF_E(EPIPE), CONF_E(EDOM), CONF_E(ERANGE),
    CONF_E(EDEADLK), CONF_E(ENAMETOOLONG), CONF_E(ENOLCK), CONF_E(ENOSYS),
    CONF_E(ENOTEMPTY), CONF_E(ELOOP), CONF_E(ENOMSG), CONF_E(EIDRM),
    CONF_E(ENOSTR), CONF_E(ENODATA), CONF_E(ETIME), CONF_E(ENOSR),
    CONF_E(ENOLINK), CONF_E(EPROTO), CONF_E(EMULTIHOP), CONF_E(EBADMSG),
    CONF_E(EOVERFLOW), CONF_E(EILSEQ), CONF_E(ENOTSOCK), CONF_E(EDESTADDRREQ),
    CONF_E(EMSGSIZE), CONF_E(EPROTOTYPE), CONF_E(ENOPROTOOPT), CONF_E(EPROTONOSUPPORT),
    CONF_E(ESOCKTNOSUPPORT), CONF_E(EOPNOTSUPP), CONF_E(EPFNOSUPPORT), CONF_E(EAFNOSUPPORT),
    CONF_E(EADDRINUSE), CONF_E(EADDRNOTAVAIL), CONF_E(ENETDOWN), CONF_E(ENETUNREACH),
    CONF_E(ENETRESET), CONF_E(ECONNABORTED), CONF_E(ECONNRESET), CONF_E(ENOBUFS),
    CONF_E(EISCONN), CONF_E(ENOTCONN), CONF_E(ESHUTDOWN), CONF_E(ETOOMANYREFS),
    CONF_E(ETIMEDOUT), CONF_E(ECONNREFUSED), CONF_E(EHOSTDOWN), CONF_E(EHOSTUNREACH),
    CONF_E(EALREADY), CONF_E(EINPROGRESS), CONF_E(ESTALE), CONF_E(EDQUOT),
    CONF_E(ECANCELED), CONF_E(EOWNERDEAD), CONF_E(ENOTRECOVERABLE),
#undef CONF_E
};
/* clang-format on */

static inline const char *conf_errname(int e)
{
    static char buf[32];
    if (e == 0)
        return "0";
    for (size_t i = 0; i < sizeof conf_errnames / sizeof conf_errnames[0]; i++)
        if (conf_errnames[i].e == e)
            return conf_errnames[i].name;
    snprintf(buf, sizeof buf, "E#%d", e);
    return buf;
}

/* ---- printing --------------------------------------------------------- */

static inline void conf_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/* "label = value" on success, "label = -1 ENAME" on failure. */
static inline void conf_report(const char *label, long r, int e)
{
    if (r < 0)
        conf_printf("%s = %ld %s\n", label, r, conf_errname(e));
    else
        conf_printf("%s = %ld\n", label, r);
}

/*
 * CHECK(expr)          prints the expression's source text as the label.
 * CHECKL(label, expr)  prints a label of your choice.
 * errno is cleared before the call and captured right after it.
 */
#define CHECKL(label, ...)                                                                         \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long conf_r_ = (long)(__VA_ARGS__);                                                        \
        int conf_e_ = errno;                                                                       \
        conf_report((label), conf_r_, conf_e_);                                                    \
    } while (0)
#define CHECK(...) CHECKL(#__VA_ARGS__, __VA_ARGS__)

/* Abort the program on a failed setup step (not part of what is compared,
 * but printed so a berth failure here shows up in the diff). */
#define MUST(...)                                                                                  \
    do {                                                                                           \
        errno = 0;                                                                                 \
        if ((long)(__VA_ARGS__) < 0) {                                                             \
            conf_printf("SETUP FAILED: %s: %s\n", #__VA_ARGS__, conf_errname(errno));              \
            exit(2);                                                                               \
        }                                                                                          \
    } while (0)

/* ---- addresses -------------------------------------------------------- */

static inline struct sockaddr_in conf_sin(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        conf_printf("SETUP FAILED: bad address %s\n", ip);
        exit(2);
    }
    return a;
}

/* Port formatting flags for conf_port / conf_fmt_sa. */
#define CONF_PORT_EXACT 0  /* print the number */
#define CONF_PORT_EPH 1    /* ephemeral: print "eph" if in range */
#define CONF_PORT_PARITY 2 /* with CONF_PORT_EPH: also print odd/even */

/* Formats a port; ephemeral ports are printed as facts, not numbers. */
static inline const char *conf_port(unsigned port, int flags)
{
    static char buf[4][32];
    static int n;
    char *b = buf[n++ & 3];
    if (!(flags & CONF_PORT_EPH) || port == 0)
        snprintf(b, 32, "%u", port);
    else if (port < CONF_EPH_LOW || port > CONF_EPH_HIGH)
        snprintf(b, 32, "NOT-EPHEMERAL(%u)", port);
    else if (flags & CONF_PORT_PARITY)
        snprintf(b, 32, "eph,%s", (port & 1) ? "odd" : "even");
    else
        snprintf(b, 32, "eph");
    return b;
}

/* Formats a socket address of length len (as returned by the call). */
static inline const char *conf_fmt_sa(const void *sa, socklen_t len, int flags)
{
    static char buf[4][96];
    static int n;
    char *b = buf[n++ & 3];
    const struct sockaddr *s = sa;
    if (len < sizeof(sa_family_t)) {
        snprintf(b, 96, "<len %u>", (unsigned)len);
        return b;
    }
    if (s->sa_family == AF_INET) {
        struct sockaddr_in in;
        char ip[INET_ADDRSTRLEN];
        memset(&in, 0, sizeof in);
        memcpy(&in, sa, len < sizeof in ? len : sizeof in);
        inet_ntop(AF_INET, &in.sin_addr, ip, sizeof ip);
        snprintf(b, 96, "%s:%s", ip, conf_port(ntohs(in.sin_port), flags));
    } else if (s->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        char ip[INET6_ADDRSTRLEN];
        memset(&in6, 0, sizeof in6);
        memcpy(&in6, sa, len < sizeof in6 ? len : sizeof in6);
        inet_ntop(AF_INET6, &in6.sin6_addr, ip, sizeof ip);
        int k = snprintf(b, 96, "[%s]:%s", ip, conf_port(ntohs(in6.sin6_port), flags));
        if (in6.sin6_scope_id && k > 0 && k < 96)
            k += snprintf(b + k, 96 - (size_t)k, " scope %u", (unsigned)in6.sin6_scope_id);
        if (in6.sin6_flowinfo && k > 0 && k < 96)
            snprintf(b + k, 96 - (size_t)k, " flowinfo 0x%x", (unsigned)ntohl(in6.sin6_flowinfo));
    } else if (s->sa_family == AF_UNSPEC) {
        snprintf(b, 96, "AF_UNSPEC");
    } else {
        snprintf(b, 96, "family=%d", s->sa_family);
    }
    return b;
}

/* Prints getsockname() or getpeername() of fd: result, address, addrlen. */
static inline void conf_name(const char *label, int fd, int peer, int flags)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0xAA, sizeof ss);
    errno = 0;
    int r = peer ? getpeername(fd, SA(&ss), &len) : getsockname(fd, SA(&ss), &len);
    int e = errno;
    if (r < 0)
        conf_printf("%s %s = -1 %s\n", peer ? "getpeername" : "getsockname", label,
                    conf_errname(e));
    else
        conf_printf("%s %s = %d %s len=%u\n", peer ? "getpeername" : "getsockname", label, r,
                    conf_fmt_sa(&ss, len, flags), (unsigned)len);
}
#define SOCKNAME(label, fd, flags) conf_name((label), (fd), 0, (flags))
#define PEERNAME(label, fd, flags) conf_name((label), (fd), 1, (flags))

/* Returns the local port of fd (0 on error). */
static inline unsigned conf_local_port(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    if (getsockname(fd, SA(&a), &len) < 0)
        return 0;
    return ntohs(a.sin_port);
}

/* ---- socket options --------------------------------------------------- */

/* getsockopt of an int: prints result, value and returned optlen. */
static inline void conf_getint(const char *label, int fd, int level, int opt)
{
    int v = -12345;
    socklen_t len = sizeof v;
    errno = 0;
    int r = getsockopt(fd, level, opt, &v, &len);
    int e = errno;
    if (r < 0)
        conf_printf("getsockopt(%s) = -1 %s\n", label, conf_errname(e));
    else
        conf_printf("getsockopt(%s) = %d val=%d len=%u\n", label, r, v, (unsigned)len);
}
#define GETINT(fd, level, opt) conf_getint(#level ", " #opt, (fd), (level), (opt))

/* setsockopt of an int value. */
static inline void conf_setint(const char *label, int fd, int level, int opt, int v)
{
    char l[160];
    snprintf(l, sizeof l, "setsockopt(%s, %d)", label, v);
    CHECKL(l, setsockopt(fd, level, opt, &v, sizeof v));
}
#define SETINT(fd, level, opt, v) conf_setint(#level ", " #opt, (fd), (level), (opt), (v))

/* ---- misc ------------------------------------------------------------- */

/* Waits up to ms milliseconds for events on fd; returns revents (0 on
 * timeout). Used to let asynchronous things (ICMP errors) settle; the
 * elapsed time is never printed. */
static inline int conf_wait(int fd, short events, int ms)
{
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    if (poll(&p, 1, ms) <= 0)
        return 0;
    return p.revents;
}

/* Names of poll bits, in a fixed order. */
static inline const char *conf_pollbits(int rev)
{
    static char bufs[4][128];
    static int nb;
    char *buf = bufs[nb++ & 3];
    static const struct {
        int bit;
        const char *name;
    } bits[] = {
        {POLLIN, "POLLIN"},         {POLLPRI, "POLLPRI"},       {POLLOUT, "POLLOUT"},
        {POLLERR, "POLLERR"},       {POLLHUP, "POLLHUP"},       {POLLNVAL, "POLLNVAL"},
        {POLLRDNORM, "POLLRDNORM"}, {POLLWRNORM, "POLLWRNORM"},
#ifdef POLLRDHUP
        {POLLRDHUP, "POLLRDHUP"},
#endif
    };
    buf[0] = 0;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (rev & bits[i].bit) {
            if (buf[0])
                strcat(buf, "|");
            strcat(buf, bits[i].name);
            rev &= ~bits[i].bit;
        }
    if (rev)
        snprintf(buf + strlen(buf), 128 - strlen(buf), "%s0x%x", buf[0] ? "|" : "", rev);
    if (!buf[0])
        strcpy(buf, "0");
    return buf;
}

/* FNV-1a over a buffer: print this instead of large payloads. */
static inline uint32_t conf_cksum(const void *p, size_t n)
{
    const unsigned char *c = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 16777619u;
    return h;
}

/* Creates a UDP socket bound to ip:port (setup step). */
static inline int conf_udp_bound(const char *ip, int port)
{
    int s;
    struct sockaddr_in a = conf_sin(ip, port);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(s, SA(&a), sizeof a));
    return s;
}

#endif
