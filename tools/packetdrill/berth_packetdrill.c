/* berth_packetdrill.c — berth as a packetdrill shared object.
 *
 * packetdrill (github.com/google/packetdrill) loads this library with
 * --so_filename, calls packetdrill_interface_init() and then drives berth
 * through struct pd_interface: socket calls from its script (some of
 * them from its own system-call thread, where a blocking call really blocks),
 * packets it injects (netdev_send) and packets it sniffs (netdev_receive).
 * See docs/testing.md for how to fetch, build and run packetdrill.
 *
 * Choices:
 *  - posix platform, real time. packetdrill measures time with the
 *    library's gettimeofday() and waits with its usleep() while it spins on
 *    that clock, and blocking calls run in a second thread that must sleep
 *    until a packet from the main thread wakes it: that is the posix
 *    flavour, not the single-threaded virtual clock of the inline one.
 *  - Descriptors come from berth/posix.h: every socket has a real
 *    placeholder descriptor (/dev/null), so numbers are the kernel's.
 *  - One interface, "pd0", carrying raw IPv4 packets: its transmit hook
 *    queues a copy with a gettimeofday() timestamp for netdev_receive.
 *    Address 192.0.2.1/24, default route via 192.0.2.2 (packetdrill's
 *    --local_ip=192.0.2.1 --remote_ip=192.0.2.2 --gateway_ip=192.0.2.2).
 *  - berth runs timers only when a call leaves the stack or waits, so a
 *    ticker thread polls the stack (never later than 1 ms after a timer is
 *    due) for retransmissions, delayed ACKs and TIME_WAIT with nobody in a
 *    call.
 *
 * so_flags (packetdrill --so_flags), space or comma separated:
 *   local=A.B.C.D/LEN   the interface address (default 192.0.2.1/24)
 *   gw=A.B.C.D          the default route's gateway (default 192.0.2.2)
 *   local=2001:db8::1/64  an IPv6 address on pd0 too, for packetdrill's
 *                       --ip_version=ipv6 (issue 11): run it with
 *                       --local_ip=2001:db8::1 --remote_ip=2001:db8::2, an
 *                       on-link peer, so no IPv6 route is needed. Without it
 *                       pd0 has no IPv6 address (IPv4 and ipv4-mapped-ipv6
 *                       scripts see no IPv6 packet from berth)
 *   mtu=N               pd0's MTU (default 1500; packetdrill's IPv6 variant
 *                       runs with --mtu=1520 so that the scripts' MSS 1460
 *                       holds over IPv6's 40-byte header)
 *   sniff_timeout=SEC   netdev_receive gives up after SEC seconds without a
 *                       packet (default 70) and hands packetdrill an empty
 *                       packet, which fails the script instead of hanging it
 *   sysctl=NAME=VALUE   a berth_sysctl_set before the script starts
 *   proc_sysctls        follow the script's own sysctl writes: packetdrill
 *                       scripts configure the stack with shell commands
 *                       (`sysctl -q net.ipv4.tcp_rmem=...`, set_sysctls.py
 *                       writing /proc/sys), which only reach the kernel.
 *                       With this flag every knob berth knows
 *                       (berth_sysctl_foreach) is read from /proc/sys at
 *                       init and again at each socket(); a value that
 *                       changed since is written to berth. berth's own
 *                       defaults stay for everything the script leaves
 *                       alone. Run packetdrill in a private network
 *                       namespace (unshare -n, as scripts/packetdrill.sh
 *                       does) so that those writes never touch the host.
 *   trace               berth's trace lines on stderr
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BERTH_POSIX_NO_MACROS
#include <berth/netif.h>
#include <berth/posix.h>
#include <berth/socket.h>
#include <berth/stack.h>
#include <berth/sysctl.h>

#include "pd_interface.h"

#define PD_EXPORT __attribute__((visibility("default")))

struct pd_pkt {
    struct pd_pkt *next;
    long long time_us;
    size_t len;
    unsigned char data[];
};

struct pd_berth {
    berth_stack *st;
    berth_netif *ifp;
    /* Packets berth sent, oldest first, waiting for netdev_receive. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pd_pkt *head, **tail;
    unsigned sniff_timeout_s;
    /* The ticker thread. */
    pthread_t ticker;
    bool ticker_started;
    volatile bool stop;
    /* proc_sysctls: berth's knobs and the /proc/sys text last seen. */
    bool proc_sysctls;
    pthread_mutex_t knob_mu;
    struct pd_knob *knobs;
    size_t nknobs, knob_cap;
};

struct pd_knob {
    char name[64];
    char proc[256]; /* the /proc/sys text last read; "" when unreadable */
};

static long long wall_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
}

/* ---- the interface ---- */

/* Called by berth under its stack lock: copy and queue, never call back. */
static int pd_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    (void)ifp;
    struct pd_berth *pd = ctx;
    struct pd_pkt *p = malloc(sizeof(*p) + len);
    if (!p)
        return ENOBUFS;
    p->next = NULL;
    p->time_us = wall_us();
    p->len = len;
    memcpy(p->data, pkt, len);
    pthread_mutex_lock(&pd->mu);
    *pd->tail = p;
    pd->tail = &p->next;
    pthread_cond_broadcast(&pd->cv);
    pthread_mutex_unlock(&pd->mu);
    return 0;
}

static const struct berth_netif_driver pd_driver = {
    .transmit = pd_transmit,
    .detach = NULL,
    .link = BERTH_LINK_RAW,
};

static int pd_netdev_send(void *userdata, const void *buf, size_t count)
{
    struct pd_berth *pd = userdata;
    berth_netif_input(pd->ifp, buf, count);
    berth_stack_poll(pd->st); /* process it now, as the kernel's tun write does */
    return 0;
}

static int pd_netdev_receive(void *userdata, void *buf, size_t *count, long long *time_usecs)
{
    struct pd_berth *pd = userdata;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += pd->sniff_timeout_s;
    pthread_mutex_lock(&pd->mu);
    while (!pd->head) {
        if (pthread_cond_timedwait(&pd->cv, &pd->mu, &until) == ETIMEDOUT && !pd->head) {
            pthread_mutex_unlock(&pd->mu);
            fprintf(stderr, "berth_packetdrill: no packet from berth in %u s\n",
                    pd->sniff_timeout_s);
            *count = 0; /* packetdrill rejects an empty packet: the script fails */
            *time_usecs = wall_us();
            return 0;
        }
    }
    struct pd_pkt *p = pd->head;
    pd->head = p->next;
    if (!pd->head)
        pd->tail = &pd->head;
    pthread_mutex_unlock(&pd->mu);
    size_t n = p->len < *count ? p->len : *count;
    memcpy(buf, p->data, n);
    *count = n;
    *time_usecs = p->time_us;
    free(p);
    return 0;
}

/* ---- timers ---- */

static void *pd_ticker(void *arg)
{
    struct pd_berth *pd = arg;
    const struct berth_platform *plat = berth_stack_platform(pd->st);
    while (!pd->stop) {
        berth_stack_poll(pd->st);
        uint64_t next = berth_stack_next_deadline(pd->st);
        uint64_t now = plat->now_us(plat->ctx);
        uint64_t sleep_us = 1000;
        if (next != BERTH_FOREVER && next > now && next - now < sleep_us)
            sleep_us = next - now;
        else if (next != BERTH_FOREVER && next <= now)
            sleep_us = 0;
        if (sleep_us)
            usleep((useconds_t)sleep_us);
    }
    return NULL;
}

/* ---- proc_sysctls ---- */

/* The text of /proc/sys/<name> with the final newline removed, or "" when
 * the file cannot be read (a knob this kernel lacks). */
static void pd_proc_read(const char *name, char *buf, size_t len)
{
    char path[128] = "/proc/sys/";
    size_t o = strlen(path);
    for (const char *c = name; *c && o + 1 < sizeof(path); c++)
        path[o++] = *c == '.' ? '/' : *c;
    path[o] = '\0';
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
}

static void pd_knob_add(void *arg, const char *name, const char *value)
{
    (void)value;
    struct pd_berth *pd = arg;
    if (strlen(name) >= sizeof(pd->knobs[0].name))
        return;
    if (pd->nknobs == pd->knob_cap) {
        size_t cap = pd->knob_cap ? 2 * pd->knob_cap : 32;
        struct pd_knob *k = realloc(pd->knobs, cap * sizeof(*k));
        if (!k)
            return;
        pd->knobs = k;
        pd->knob_cap = cap;
    }
    snprintf(pd->knobs[pd->nknobs++].name, sizeof(pd->knobs[0].name), "%s", name);
}

/* Called before each socket(): what the script wrote to /proc/sys since
 * the last look goes to berth too. */
static void pd_proc_sync(struct pd_berth *pd)
{
    if (!pd->proc_sysctls)
        return;
    pthread_mutex_lock(&pd->knob_mu);
    for (size_t i = 0; i < pd->nknobs; i++) {
        struct pd_knob *k = &pd->knobs[i];
        char now[sizeof(k->proc)];
        pd_proc_read(k->name, now, sizeof(now));
        if (!now[0] || strcmp(now, k->proc) == 0)
            continue;
        if (berth_sysctl_set(pd->st, k->name, now) < 0)
            fprintf(stderr, "berth_packetdrill: sysctl %s=%s: %s (ignored)\n", k->name, now,
                    strerror(errno));
        snprintf(k->proc, sizeof(k->proc), "%s", now);
    }
    pthread_mutex_unlock(&pd->knob_mu);
}

/* ---- socket calls ---- */

static int pd_socket(void *u, int domain, int type, int protocol)
{
    pd_proc_sync(u);
    return berth_posix_socket(domain, type, protocol);
}
static int pd_bind(void *u, int fd, const struct sockaddr *a, socklen_t l)
{
    (void)u;
    return berth_posix_bind(fd, a, l);
}
static int pd_listen(void *u, int fd, int backlog)
{
    (void)u;
    return berth_posix_listen(fd, backlog);
}
static int pd_accept(void *u, int fd, struct sockaddr *a, socklen_t *l)
{
    (void)u;
    return berth_posix_accept(fd, a, l);
}
static int pd_connect(void *u, int fd, const struct sockaddr *a, socklen_t l)
{
    (void)u;
    return berth_posix_connect(fd, a, l);
}
static ssize_t pd_read(void *u, int fd, void *buf, size_t n)
{
    (void)u;
    return berth_posix_read(fd, buf, n);
}
static ssize_t pd_readv(void *u, int fd, const struct iovec *iov, int cnt)
{
    (void)u;
    return berth_posix_readv(fd, iov, cnt);
}
static ssize_t pd_recv(void *u, int fd, void *buf, size_t n, int flags)
{
    (void)u;
    return berth_posix_recv(fd, buf, n, flags);
}
static ssize_t pd_recvfrom(void *u, int fd, void *buf, size_t n, int flags, struct sockaddr *a,
                           socklen_t *l)
{
    (void)u;
    return berth_posix_recvfrom(fd, buf, n, flags, a, l);
}
static ssize_t pd_recvmsg(void *u, int fd, struct msghdr *m, int flags)
{
    (void)u;
    return berth_posix_recvmsg(fd, m, flags);
}
static ssize_t pd_write(void *u, int fd, const void *buf, size_t n)
{
    (void)u;
    return berth_posix_write(fd, buf, n);
}
static ssize_t pd_writev(void *u, int fd, const struct iovec *iov, int cnt)
{
    (void)u;
    return berth_posix_writev(fd, iov, cnt);
}
static ssize_t pd_send(void *u, int fd, const void *buf, size_t n, int flags)
{
    (void)u;
    return berth_posix_send(fd, buf, n, flags);
}
static ssize_t pd_sendto(void *u, int fd, const void *buf, size_t n, int flags,
                         const struct sockaddr *a, socklen_t l)
{
    (void)u;
    return berth_posix_sendto(fd, buf, n, flags, a, l);
}
static ssize_t pd_sendmsg(void *u, int fd, const struct msghdr *m, int flags)
{
    (void)u;
    return berth_posix_sendmsg(fd, m, flags);
}
static int pd_fcntl(void *u, int fd, int cmd, ...)
{
    (void)u;
    va_list ap;
    va_start(ap, cmd);
    long arg = 0;
    switch (cmd) {
    case F_SETFL:
    case F_SETFD:
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
    case F_SETOWN:
    case F_SETSIG:
        arg = (long)va_arg(ap, int);
        break;
    default:
        break;
    }
    va_end(ap);
    return berth_posix_fcntl(fd, cmd, arg);
}
static int pd_ioctl(void *u, int fd, unsigned long request, ...)
{
    (void)u;
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return berth_posix_ioctl(fd, request, arg);
}
static int pd_close(void *u, int fd)
{
    (void)u;
    return berth_posix_close(fd);
}
static int pd_shutdown(void *u, int fd, int how)
{
    (void)u;
    return berth_posix_shutdown(fd, how);
}
static int pd_getsockopt(void *u, int fd, int level, int name, void *val, socklen_t *len)
{
    (void)u;
    return berth_posix_getsockopt(fd, level, name, val, len);
}
static int pd_setsockopt(void *u, int fd, int level, int name, const void *val, socklen_t len)
{
    (void)u;
    return berth_posix_setsockopt(fd, level, name, val, len);
}
static int pd_poll(void *u, struct pollfd *fds, nfds_t n, int timeout)
{
    (void)u;
    return berth_posix_poll(fds, n, timeout);
}
static int pd_usleep(void *u, useconds_t us)
{
    (void)u;
    return usleep(us);
}
static int pd_gettimeofday(void *u, struct timeval *tv, void *tz)
{
    (void)u;
    (void)tz;
    return gettimeofday(tv, NULL);
}

/* Not in berth (yet): epoll and splice fail with ENOSYS; pipe() is the OS's. */
static int pd_epoll_create(void *u, int size)
{
    (void)u;
    (void)size;
    errno = ENOSYS;
    return -1;
}
static int pd_epoll_ctl(void *u, int epfd, int op, int fd, struct epoll_event *ev)
{
    (void)u;
    (void)epfd;
    (void)op;
    (void)fd;
    (void)ev;
    errno = ENOSYS;
    return -1;
}
static int pd_epoll_wait(void *u, int epfd, struct epoll_event *ev, int max, int timeout)
{
    (void)u;
    (void)epfd;
    (void)ev;
    (void)max;
    (void)timeout;
    errno = ENOSYS;
    return -1;
}
static int pd_pipe(void *u, int fds[2])
{
    (void)u;
    return pipe(fds);
}
static int pd_splice(void *u, int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len,
                     unsigned int flags)
{
    (void)u;
    (void)fd_in;
    (void)off_in;
    (void)fd_out;
    (void)off_out;
    (void)len;
    (void)flags;
    errno = ENOSYS;
    return -1;
}

/* ---- setup ---- */

static void pd_trace(void *arg, const char *line)
{
    (void)arg;
    fprintf(stderr, "berth: %s\n", line);
}

static void pd_free(void *userdata)
{
    struct pd_berth *pd = userdata;
    if (!pd)
        return;
    pd->stop = true;
    if (pd->ticker_started)
        pthread_join(pd->ticker, NULL);
    /* The posix stack is process-wide and lives until exit; so does pd0.
     * Drop the packets nobody sniffed. */
    pthread_mutex_lock(&pd->mu);
    while (pd->head) {
        struct pd_pkt *p = pd->head;
        pd->head = p->next;
        free(p);
    }
    pd->tail = &pd->head;
    pthread_mutex_unlock(&pd->mu);
}

static void die(const char *what, int err)
{
    fprintf(stderr, "berth_packetdrill: %s: %s\n", what, strerror(err));
    exit(EXIT_FAILURE);
}

PD_EXPORT void packetdrill_interface_init(const char *flags, struct pd_interface *ifc);

void packetdrill_interface_init(const char *flags, struct pd_interface *ifc)
{
    static struct pd_berth pd_storage;
    struct pd_berth *pd = &pd_storage;
    memset(pd, 0, sizeof(*pd));
    pthread_mutex_init(&pd->mu, NULL);
    pthread_cond_init(&pd->cv, NULL);
    pthread_mutex_init(&pd->knob_mu, NULL);
    pd->tail = &pd->head;
    pd->sniff_timeout_s = 70;

    char local[64] = "192.0.2.1/24", gw[64] = "192.0.2.2", local6[64] = "";
    unsigned mtu = 1500;
    bool trace = false;
    pd->st = berth_posix_stack();
    if (!pd->st)
        die("berth_posix_stack", errno);

    char *opts = strdup(flags ? flags : "");
    if (!opts)
        die("strdup", ENOMEM);
    char *save = NULL;
    for (char *tok = strtok_r(opts, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
        if (strncmp(tok, "local=", 6) == 0 && strchr(tok + 6, ':')) {
            snprintf(local6, sizeof(local6), "%s", tok + 6);
        } else if (strncmp(tok, "local=", 6) == 0) {
            snprintf(local, sizeof(local), "%s", tok + 6);
        } else if (strncmp(tok, "mtu=", 4) == 0) {
            char *end;
            unsigned long m = strtoul(tok + 4, &end, 10);
            if (*end || m < 68 || m > 65535)
                die(tok, EINVAL);
            mtu = (unsigned)m;
        } else if (strncmp(tok, "gw=", 3) == 0) {
            snprintf(gw, sizeof(gw), "%s", tok + 3);
        } else if (strncmp(tok, "sniff_timeout=", 14) == 0) {
            pd->sniff_timeout_s = (unsigned)strtoul(tok + 14, NULL, 10);
        } else if (strncmp(tok, "sysctl=", 7) == 0) {
            char *eq = strchr(tok + 7, '=');
            if (!eq)
                die(tok, EINVAL);
            *eq = '\0';
            if (berth_sysctl_set(pd->st, tok + 7, eq + 1) < 0)
                die(tok + 7, errno);
        } else if (strcmp(tok, "trace") == 0) {
            trace = true;
        } else if (strcmp(tok, "proc_sysctls") == 0) {
            pd->proc_sysctls = true;
        } else {
            die(tok, EINVAL);
        }
    }
    free(opts);
    if (trace)
        berth_stack_set_trace(pd->st, pd_trace, NULL);
    if (pd->proc_sysctls) {
        /* The baseline: only later changes are the script's. */
        berth_sysctl_foreach(pd->st, pd_knob_add, pd);
        for (size_t i = 0; i < pd->nknobs; i++)
            pd_proc_read(pd->knobs[i].name, pd->knobs[i].proc, sizeof(pd->knobs[i].proc));
    }

    struct in_addr addr, gw_addr, any = {0};
    unsigned plen;
    if (berth_parse_prefix(local, &addr, &plen) < 0)
        die(local, EINVAL);
    if (inet_pton(AF_INET, gw, &gw_addr) != 1)
        die(gw, EINVAL);
    pd->ifp = berth_netif_add(pd->st, "pd0", mtu, 0, &pd_driver, pd);
    if (!pd->ifp)
        die("berth_netif_add", errno);
    int err = berth_netif_addr_add(pd->ifp, addr, plen);
    if (err)
        die("berth_netif_addr_add", err > 0 ? err : errno);
    if (local6[0]) {
        /* "2001:db8::1/64" */
        char a6[64];
        snprintf(a6, sizeof(a6), "%s", local6);
        char *slash = strchr(a6, '/');
        unsigned plen6 = 64;
        if (slash) {
            *slash = '\0';
            plen6 = (unsigned)strtoul(slash + 1, NULL, 10);
        }
        struct in6_addr addr6;
        if (inet_pton(AF_INET6, a6, &addr6) != 1 || plen6 > 128)
            die(local6, EINVAL);
        err = berth_netif_addr6_add(pd->ifp, &addr6, plen6);
        if (err)
            die("berth_netif_addr6_add", err > 0 ? err : errno);
    }
    err = berth_netif_set_up(pd->ifp, true);
    if (err)
        die("berth_netif_set_up", err > 0 ? err : errno);
    err = berth_route_add(pd->st, any, 0, gw_addr, pd->ifp);
    if (err)
        die("berth_route_add", err > 0 ? err : errno);

    if ((err = pthread_create(&pd->ticker, NULL, pd_ticker, pd)) != 0)
        die("pthread_create", err);
    pd->ticker_started = true;

    memset(ifc, 0, sizeof(*ifc));
    ifc->userdata = pd;
    ifc->free = pd_free;
    ifc->socket = pd_socket;
    ifc->bind = pd_bind;
    ifc->listen = pd_listen;
    ifc->accept = pd_accept;
    ifc->connect = pd_connect;
    ifc->read = pd_read;
    ifc->readv = pd_readv;
    ifc->recv = pd_recv;
    ifc->recvfrom = pd_recvfrom;
    ifc->recvmsg = pd_recvmsg;
    ifc->write = pd_write;
    ifc->writev = pd_writev;
    ifc->send = pd_send;
    ifc->sendto = pd_sendto;
    ifc->sendmsg = pd_sendmsg;
    ifc->fcntl = pd_fcntl;
    ifc->ioctl = pd_ioctl;
    ifc->close = pd_close;
    ifc->shutdown = pd_shutdown;
    ifc->getsockopt = pd_getsockopt;
    ifc->setsockopt = pd_setsockopt;
    ifc->poll = pd_poll;
    ifc->netdev_send = pd_netdev_send;
    ifc->netdev_receive = pd_netdev_receive;
    ifc->usleep = pd_usleep;
    ifc->gettimeofday = pd_gettimeofday;
    ifc->epoll_create = pd_epoll_create;
    ifc->epoll_ctl = pd_epoll_ctl;
    ifc->epoll_wait = pd_epoll_wait;
    ifc->pipe = pd_pipe;
    ifc->splice = pd_splice;
}
