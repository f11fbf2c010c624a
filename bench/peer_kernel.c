/* peer_kernel.c — the Linux kernel's own UDP, through real syscalls.
 *
 * The timed figures run in a child process that first moves into a fresh
 * network namespace (unshare(CLONE_NEWNET); when that is refused to a
 * non-root user, unshare(CLONE_NEWUSER | CLONE_NEWNET)) and brings its lo up
 * with SIOCSIFFLAGS. Only 127.0.0.1 is ever addressed, and the namespace dies
 * with the child. The parent sends "figure, iterations" requests down a pipe;
 * the child times the loop itself and answers with ns per operation, so the
 * pipe never sits inside a timed region.
 *
 * RAM is not measured but read: the object size of the UDP slab cache
 * (/sys/kernel/slab/UDP/object_size, else /proc/slabinfo) — struct udp_sock
 * alone, without the socket inode, struct file, dentry or any buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

struct kreq {
    int fig; /* -1: exit */
    uint64_t iters;
};

struct kresp {
    int rc;
    double ns;
    char why[BENCH_WHY];
};

static pid_t g_child = -1;
static int g_to_child = -1, g_from_child = -1;
static char g_mode[64] = "net";

static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* ---- in the child ---- */

static struct sockaddr_in lo_addr(uint16_t port)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(port);
    return sin;
}

static int k_bound_socket(struct sockaddr_in *out, char *why, size_t n)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return bench_fail(why, n, "socket: %s", strerror(errno));
    struct sockaddr_in sin = lo_addr(0);
    socklen_t len = sizeof(*out);
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        getsockname(fd, (struct sockaddr *)out, &len) != 0) {
        bench_fail(why, n, "bind: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int k_rtt(uint64_t iters, double *ns, char *why, size_t n)
{
    struct sockaddr_in sa, sb;
    int a = k_bound_socket(&sa, why, n);
    if (a < 0)
        return -1;
    int b = k_bound_socket(&sb, why, n);
    if (b < 0) {
        close(a);
        return -1;
    }
    char out[BENCH_PAYLOAD], in[2048];
    memset(out, 'x', sizeof(out));
    int rc = 0;
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof(from);
        if (sendto(a, out, sizeof(out), 0, (struct sockaddr *)&sb, sizeof(sb)) != BENCH_PAYLOAD ||
            recvfrom(b, in, sizeof(in), 0, (struct sockaddr *)&from, &fromlen) != BENCH_PAYLOAD ||
            sendto(b, in, BENCH_PAYLOAD, 0, (struct sockaddr *)&from, fromlen) != BENCH_PAYLOAD ||
            recvfrom(a, in, sizeof(in), 0, NULL, NULL) != BENCH_PAYLOAD) {
            rc = bench_fail(why, n, "round trip failed: %s", strerror(errno));
            break;
        }
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    close(a);
    close(b);
    return rc;
}

static int k_socket_close(uint64_t iters, double *ns, char *why, size_t n)
{
    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < iters; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0)
            return bench_fail(why, n, "socket: %s", strerror(errno));
        if (close(fd) != 0)
            return bench_fail(why, n, "close: %s", strerror(errno));
    }
    *ns = (double)(bench_now_ns() - t0) / (double)iters;
    return 0;
}

static int k_bind(uint64_t rounds, double *ns, char *why, size_t n)
{
    static int fds[BENCH_NSOCK];
    uint64_t total = 0;
    int rc = 0;
    for (uint64_t r = 0; r < rounds && rc == 0; r++) {
        int made = 0;
        for (; made < BENCH_NSOCK; made++) {
            fds[made] = socket(AF_INET, SOCK_DGRAM, 0);
            if (fds[made] < 0) {
                rc = bench_fail(why, n, "socket #%d: %s", made, strerror(errno));
                break;
            }
        }
        if (rc == 0) {
            uint64_t t0 = bench_now_ns();
            for (int i = 0; i < BENCH_NSOCK; i++) {
                struct sockaddr_in sin = lo_addr((uint16_t)(BENCH_PORT_BASE + i));
                if (bind(fds[i], (struct sockaddr *)&sin, sizeof(sin)) != 0) {
                    rc = bench_fail(why, n, "bind port %d: %s", BENCH_PORT_BASE + i,
                                    strerror(errno));
                    break;
                }
            }
            total += bench_now_ns() - t0;
        }
        for (int i = 0; i < made; i++)
            close(fds[i]);
    }
    *ns = (double)total / (double)(rounds * BENCH_NSOCK);
    return rc;
}

static int lo_up(char *why, size_t n)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        return bench_fail(why, n, "socket: %s", strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    int e = errno;
    close(s);
    if (rc != 0)
        return bench_fail(why, n, "bringing lo up (SIOCSIFFLAGS): %s", strerror(e));
    return 0;
}

static void child_main(int rfd, int wfd)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct kresp resp = {0};
    snprintf(resp.why, sizeof(resp.why), "net");
    if (unshare(CLONE_NEWNET) != 0) {
        int e = errno;
        if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) {
            snprintf(resp.why, sizeof(resp.why), "user+net");
        } else {
            resp.rc = bench_fail(resp.why, sizeof(resp.why), "unshare(CLONE_NEWNET) failed: %s%s",
                                 strerror(e), e == EPERM ? " (not root?)" : "");
        }
    }
    if (resp.rc == 0) {
        char why[BENCH_WHY];
        if (lo_up(why, sizeof(why)) != 0) {
            resp.rc = -1;
            snprintf(resp.why, sizeof(resp.why), "%s", why);
        }
    }
    /* BENCH_NSOCK sockets at once plus a few descriptors. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (write_full(wfd, &resp, sizeof(resp)) != 0 || resp.rc != 0)
        _exit(1);
    struct kreq req;
    while (read_full(rfd, &req, sizeof(req)) == 0 && req.fig >= 0) {
        memset(&resp, 0, sizeof(resp));
        switch ((enum fig)req.fig) {
        case FIG_RTT_LO:
            resp.rc = k_rtt(req.iters, &resp.ns, resp.why, sizeof(resp.why));
            break;
        case FIG_SOCKET_CLOSE:
            resp.rc = k_socket_close(req.iters, &resp.ns, resp.why, sizeof(resp.why));
            break;
        case FIG_BIND_1000:
            resp.rc = k_bind(req.iters, &resp.ns, resp.why, sizeof(resp.why));
            break;
        default:
            resp.rc = bench_fail(resp.why, sizeof(resp.why), "no such figure");
            break;
        }
        if (write_full(wfd, &resp, sizeof(resp)) != 0)
            break;
    }
    _exit(0);
}

/* ---- in the parent ---- */

static const char *kernel_describe(void)
{
    static char d[160];
    snprintf(d, sizeof(d),
             "real syscalls in a child process in a fresh %s namespace (unshare), lo up, "
             "127.0.0.1 only",
             g_mode);
    return d;
}

static int kernel_init(char *why, size_t n)
{
    int down[2], up[2];
    if (pipe2(down, O_CLOEXEC) != 0)
        return bench_fail(why, n, "pipe: %s", strerror(errno));
    if (pipe2(up, O_CLOEXEC) != 0) {
        close(down[0]);
        close(down[1]);
        return bench_fail(why, n, "pipe: %s", strerror(errno));
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(down[0]), close(down[1]), close(up[0]), close(up[1]);
        return bench_fail(why, n, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        child_main(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    g_child = pid;
    g_to_child = down[1];
    g_from_child = up[0];
    struct kresp resp;
    if (read_full(g_from_child, &resp, sizeof(resp)) != 0) {
        bench_fail(why, n, "kernel child died during setup");
        goto fail;
    }
    resp.why[sizeof(resp.why) - 1] = 0;
    if (resp.rc != 0) {
        snprintf(why, n, "%s", resp.why);
        goto fail;
    }
    snprintf(g_mode, sizeof(g_mode), "%.40s", resp.why);
    return 0;
fail:
    close(g_to_child);
    close(g_from_child);
    waitpid(g_child, NULL, 0);
    g_child = -1;
    return -1;
}

static void kernel_fini(void)
{
    if (g_child < 0)
        return;
    struct kreq req = {.fig = -1};
    write_full(g_to_child, &req, sizeof(req));
    close(g_to_child);
    close(g_from_child);
    waitpid(g_child, NULL, 0);
    g_child = -1;
}

static int kernel_has(enum fig f) { return f != FIG_RTT_VLINK; }

static long read_long_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long v = -1;
    if (fscanf(f, "%ld", &v) != 1)
        v = -1;
    fclose(f);
    return v;
}

/* Object size of a slab cache: sysfs (SLUB), else /proc/slabinfo. *src
 * names the place the number came from. */
static long slab_object_size(const char *cache, const char **src)
{
    char path[128];
    snprintf(path, sizeof(path), "/sys/kernel/slab/%s/object_size", cache);
    long v = read_long_file(path);
    if (v > 0) {
        *src = "/sys/kernel/slab/<cache>/object_size";
        return v;
    }
    FILE *f = fopen("/proc/slabinfo", "r");
    if (!f)
        return -1;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char name[64];
        long active, num, objsize;
        if (sscanf(line, "%63s %ld %ld %ld", name, &active, &num, &objsize) == 4 &&
            strcmp(name, cache) == 0) {
            fclose(f);
            *src = "/proc/slabinfo objsize";
            return objsize;
        }
    }
    fclose(f);
    return -1;
}

static int kernel_ram(double *bytes, char *note, char *why, size_t n)
{
    const char *src = NULL, *src2 = NULL;
    long udp = slab_object_size("UDP", &src);
    if (udp <= 0)
        return bench_fail(why, n, "neither /sys/kernel/slab/UDP/object_size nor /proc/slabinfo "
                                  "readable");
    *bytes = (double)udp;
    long ino = slab_object_size("sock_inode_cache", &src2);
    long filp = slab_object_size("filp", &src2);
    long dentry = slab_object_size("dentry", &src2);
    if (ino > 0 && filp > 0 && dentry > 0)
        snprintf(note, BENCH_NOTE,
                 "kernel: object size of the UDP slab cache (struct udp_sock) from %s; excludes "
                 "buffers (skbs), the socket inode (sock_inode_cache %ld), struct file (filp %ld) "
                 "and dentry (%ld): %ld B with those",
                 src, ino, filp, dentry, udp + ino + filp + dentry);
    else
        snprintf(note, BENCH_NOTE,
                 "kernel: object size of the UDP slab cache (struct udp_sock) from %s; excludes "
                 "buffers (skbs), socket inode, struct file and dentry",
                 src);
    return 0;
}

static int kernel_run(enum fig f, uint64_t iters, double *ns, char *note, char *why, size_t n)
{
    if (f == FIG_RAM)
        return kernel_ram(ns, note, why, n);
    if (g_child < 0)
        return bench_fail(why, n, "no kernel child");
    struct kreq req = {.fig = (int)f, .iters = iters};
    struct kresp resp;
    if (write_full(g_to_child, &req, sizeof(req)) != 0 ||
        read_full(g_from_child, &resp, sizeof(resp)) != 0)
        return bench_fail(why, n, "kernel child died");
    resp.why[sizeof(resp.why) - 1] = 0;
    if (resp.rc != 0) {
        snprintf(why, n, "%s", resp.why);
        return -1;
    }
    *ns = resp.ns;
    return 0;
}

const struct bench_peer bench_peer_kernel = {
    .name = "kernel",
    .init = kernel_init,
    .describe = kernel_describe,
    .has = kernel_has,
    .run = kernel_run,
    .fini = kernel_fini,
};
