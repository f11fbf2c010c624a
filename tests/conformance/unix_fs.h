/*
 * unix_fs.h - helpers for the AF_UNIX conformance programs (unix_*.c):
 * a fresh directory to work in, addresses, and switching the effective uid
 * for file-system permission checks.
 *
 * Path names are relative to a fresh mkdtemp() directory the program
 * changes into, so what is printed is the same in every run. The file
 * system is the host's in both builds (berth keeps path names as socket
 * nodes in the real file system), so permission checks follow the
 * process's effective uid: unix_as() changes it (confx.h's conf_as).
 */
#ifndef BERTH_CONFORMANCE_UNIX_FS_H
#define BERTH_CONFORMANCE_UNIX_FS_H

#include "confx.h"
#include <sys/stat.h>
#include <sys/un.h>

static char unix_dir[64];

/* Make and enter a fresh directory (setup). */
static inline void unix_enter_tmp(void)
{
    snprintf(unix_dir, sizeof unix_dir, "/tmp/berth-unix-XXXXXX");
    MUST(mkdtemp(unix_dir) ? 0 : -1);
    MUST(chdir(unix_dir));
    umask(022);
}

/* Leave and remove the directory and everything below it. */
static inline void unix_leave_tmp(void)
{
    MUST(chdir("/"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", unix_dir);
    if (system(cmd) != 0)
        conf_printf("cleanup failed\n");
}

/* A path address; its length is sizeof(struct sockaddr_un). */
static inline struct sockaddr_un unix_path(const char *path)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, path, sizeof a.sun_path);
    return a;
}

/* An abstract address "\0name"; *len receives its length. */
static inline struct sockaddr_un unix_abstract(const char *name, socklen_t *len)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    size_t n = strlen(name);
    memcpy(a.sun_path + 1, name, n);
    *len = (socklen_t)(sizeof(sa_family_t) + 1 + n);
    return a;
}

/* Effective uid for the calls that follow (file system and berth: both
 * builds make the same system calls, confx.h's conf_as). */
static inline void unix_as(int uid)
{
    conf_printf("as uid=%d\n", uid);
    conf_as(uid, uid == 0);
}

/* Print a name as getsockname/getpeername report it. */
static inline void unix_print_name(const char *label, const struct sockaddr_un *a, socklen_t len)
{
    conf_printf("%s: len %u", label, (unsigned)len);
    if (len >= sizeof(sa_family_t))
        conf_printf(" family %d", a->sun_family);
    conf_printf(" path \"");
    const unsigned char *p = (const unsigned char *)a->sun_path;
    for (socklen_t i = sizeof(sa_family_t); i < len && i < sizeof *a; i++) {
        unsigned char c = p[i - sizeof(sa_family_t)];
        if (c >= 32 && c < 127 && c != '"' && c != '\\')
            conf_printf("%c", c);
        else
            conf_printf("\\x%02x", c);
    }
    conf_printf("\"\n");
}

#define UNIX_NAME(label, fd, fn)                                                                   \
    do {                                                                                           \
        struct sockaddr_un un_;                                                                    \
        memset(&un_, 0xee, sizeof un_);                                                            \
        socklen_t ul_ = sizeof un_;                                                                \
        errno = 0;                                                                                 \
        if (fn((fd), SA(&un_), &ul_) < 0)                                                          \
            conf_printf("%s = -1 %s\n", (label), conf_errname(errno));                             \
        else                                                                                       \
            unix_print_name((label), &un_, ul_);                                                   \
    } while (0)
#define SOCKNAME_UN(fd) UNIX_NAME("getsockname(" #fd ")", fd, getsockname)
#define PEERNAME_UN(fd) UNIX_NAME("getpeername(" #fd ")", fd, getpeername)

/* Print what poll() reports for fd at once, asked for IN, OUT and RDHUP
 * (plus `extra`): "poll(label) = n revents IN OUT RDHUP HUP ERR". */
static inline void unix_show_poll(const char *label, int fd, short extra)
{
    struct pollfd p = {.fd = fd, .events = (short)(POLLIN | POLLOUT | POLLRDHUP | extra)};
    int n = poll(&p, 1, 0);
    conf_printf("poll(%s) = %d revents", label, n);
    if (p.revents & POLLIN)
        conf_printf(" IN");
    if (p.revents & POLLOUT)
        conf_printf(" OUT");
    if (p.revents & POLLRDHUP)
        conf_printf(" RDHUP");
    if (p.revents & POLLHUP)
        conf_printf(" HUP");
    if (p.revents & POLLERR)
        conf_printf(" ERR");
    conf_printf("\n");
}

#endif
