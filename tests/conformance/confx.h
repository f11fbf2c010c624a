/*
 * confx.h - the two operations a conformance program needs beyond plain
 * POSIX sockets, implemented identically for both builds:
 *
 *   conf_sysctl(name, value)   set a stack-wide knob by its Linux sysctl name
 *                              ("net.ipv4.ip_local_port_range", "40000 40009")
 *   conf_sysctl_get(name, buf, len)   read it back (text as /proc/sys shows
 *                              it, final newline removed)
 *   conf_as(uid, keep_cap)     act as effective uid `uid`, with or without
 *                              CAP_NET_BIND_SERVICE, for the calls that follow
 *   conf_as_root()             back to root with every capability
 *
 * Kernel build: the program runs as root in a fresh network namespace, so it
 * writes /proc/sys/<name with '.' -> '/'> directly (the namespace dies with
 * it), and switches credentials with setresuid(-1, uid, -1) plus the raw
 * capget/capset system calls (no libcap): the real and saved uids stay 0, so
 * the permitted set is kept and conf_as_root() can always come back.
 * berth build (berth/posix.h was included first): berth_sysctl_set/get on
 * berth_posix_stack(); credentials change with the same system calls as in
 * the kernel build, and berth/posix.h picks them up on the next call.
 *
 * Linux semantics the programs rely on (observed on 6.x, see the priv_*
 * programs): bind() checks CAP_NET_BIND_SERVICE of the *calling* task at
 * bind time, whoever created the socket; SO_REUSEPORT compares the owner uids
 * of the sockets, recorded when each socket was created (the fsuid of its
 * creator, which follows the euid). So a program creates sockets and calls
 * bind() under whichever identity a scenario needs.
 *
 * Call conf_sysctl as root: an unprivileged euid cannot write /proc/sys.
 * SYSCTL(name, value) and AS(uid, keep) print one line each, the same in
 * both builds.
 */
#ifndef BERTH_CONFORMANCE_CONFX_H
#define BERTH_CONFORMANCE_CONFX_H

#include "conf.h"

#ifdef BERTH_POSIX_H
#include <berth/stack.h>
#include <berth/sysctl.h>
#endif
#include <linux/capability.h>
#include <sys/syscall.h>

/* ---- sysctl ------------------------------------------------------------- */

#ifndef BERTH_POSIX_H
static inline void conf_sysctl_path(const char *name, char *path, size_t len)
{
    int slash = strchr(name, '/') != NULL;
    size_t o = (size_t)snprintf(path, len, "/proc/sys/");
    for (; *name && o + 1 < len; name++)
        path[o++] = (!slash && *name == '.') ? '/' : *name;
    path[o] = 0;
}
#endif

/* Returns 0, or -1 with errno (EINVAL: the value is refused). */
static inline int conf_sysctl(const char *name, const char *value)
{
#ifdef BERTH_POSIX_H
    return berth_sysctl_set(berth_posix_stack(), name, value);
#else
    char path[256];
    conf_sysctl_path(name, path, sizeof path);
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t r = write(fd, value, strlen(value));
    int e = errno;
    close(fd);
    errno = e;
    return r < 0 ? -1 : 0;
#endif
}

/* Reads a knob into buf (final newline removed). Returns 0 or -1/errno. */
static inline int conf_sysctl_get(const char *name, char *buf, size_t len)
{
#ifdef BERTH_POSIX_H
    return berth_sysctl_get(berth_posix_stack(), name, buf, len) < 0 ? -1 : 0;
#else
    char path[256];
    conf_sysctl_path(name, path, sizeof path);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    int e = errno;
    close(fd);
    if (n < 0) {
        errno = e;
        return -1;
    }
    buf[n] = 0;
    if (n > 0 && buf[n - 1] == '\n')
        buf[n - 1] = 0;
    return 0;
#endif
}

/* Prints `sysctl NAME = "VALUE" -> 0` or `-> -1 EINVAL`. */
static inline void conf_sysctl_print(const char *name, const char *value)
{
    char l[256], v[96];
    size_t o = 0;
    for (const char *p = value; *p && o + 3 < sizeof v; p++) {
        if (*p == '\n') {
            v[o++] = '\\';
            v[o++] = 'n';
        } else if (*p == '\t') {
            v[o++] = '\\';
            v[o++] = 't';
        } else
            v[o++] = *p;
    }
    v[o] = 0;
    snprintf(l, sizeof l, "sysctl %s = \"%s\"", name, v);
    CHECKL(l, conf_sysctl(name, value));
}
#define SYSCTL(name, value) conf_sysctl_print((name), (value))

/* Must succeed (setup step). */
#define SYSCTL_MUST(name, value) MUST(conf_sysctl((name), (value)))

/* ---- credentials --------------------------------------------------------- */

static inline int conf_capset_effective(int uid, int keep)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0)
        return -1;
    int w = CAP_NET_BIND_SERVICE / 32;
    uint32_t bit = 1u << (CAP_NET_BIND_SERVICE % 32);
    for (int i = 0; i < 2; i++) {
        if (uid == 0)
            d[i].effective = d[i].permitted; /* root: everything ... */
        else
            d[i].effective = 0; /* a user: nothing ... */
        if (i == w) {
            if (keep)
                d[i].effective |= d[i].permitted & bit; /* ... plus the capability */
            else
                d[i].effective &= ~bit; /* ... minus it */
        }
    }
    return (int)syscall(SYS_capset, &h, d);
}

/* Act as effective uid `uid`; with CAP_NET_BIND_SERVICE iff keep_cap (root
 * keeps every other capability either way; another uid has no other). */
static inline void conf_as(int uid, int keep_cap)
{
    /* The same system calls in both builds: berth/posix.h reads the
     * caller's credentials from the OS on every call, as the kernel does.
     * Back to euid 0 first (allowed: the real uid is 0), then to uid; leaving
     * euid 0 clears the effective set, coming back restores it. */
    if (setresuid((uid_t)-1, 0, (uid_t)-1) < 0 || setresuid((uid_t)-1, (uid_t)uid, (uid_t)-1) < 0 ||
        conf_capset_effective(uid, keep_cap) < 0) {
        conf_printf("SETUP FAILED: conf_as(%d, %d): %s\n", uid, keep_cap, conf_errname(errno));
        exit(2);
    }
}
static inline void conf_as_root(void) { conf_as(0, 1); }

/* Prints "as uid=U cap_net_bind_service=K", then switches. */
#define AS(uid, keep)                                                                              \
    do {                                                                                           \
        conf_printf("as uid=%d cap_net_bind_service=%d\n", (int)(uid), (keep) ? 1 : 0);            \
        conf_as((uid), (keep));                                                                    \
    } while (0)

/* ---- small helpers shared by the bind matrix programs --------------------- */

/* A socket of `type` with SO_REUSEADDR / SO_REUSEPORT as asked (setup). */
static inline int conf_sock(int family, int type, int reuseaddr, int reuseport)
{
    int s, one = 1;
    MUST(s = socket(family, type, 0));
    if (reuseaddr)
        MUST(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    if (reuseport)
        MUST(setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one));
    return s;
}

/* bind() to ip:port; returns 0 or -errno (nothing printed). */
static inline int conf_bind4(int s, const char *ip, int port)
{
    struct sockaddr_in a = conf_sin(ip, port);
    errno = 0;
    return bind(s, SA(&a), sizeof a) < 0 ? -errno : 0;
}

/* "0" or the errno name of a -errno result. */
static inline const char *conf_res(int r) { return r < 0 ? conf_errname(-r) : "0"; }

#endif
