/* wire.c — what the two sides of tcp_bulk_tap_MBps share: berth over a TAP
 * device (peer_berth.c) and the kernel over a veth pair (peer_kernel.c).
 *
 * Both transfers have the same shape: the "far" end is a kernel socket in a
 * namespace the bench created, driven by a thread running
 * bench_wire_far_side(): it accepts one connection, receives `bytes`
 * (phase 1: near -> far), then sends `bytes` back (phase 2: far -> near),
 * 64 KiB at a time, blocking, default buffers. The near end (berth, or a
 * kernel socket in the other namespace) connects, sends, then receives.
 * Phase 1 runs from the near end's first send to the far end's last
 * receive, phase 2 from the far end's first send to the near end's last
 * receive; both clocks are CLOCK_MONOTONIC.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

int bench_set_timeouts(int fd, unsigned sec)
{
    struct timeval tv = {.tv_sec = (time_t)sec};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
        return -1;
    return 0;
}

int bench_if_config(int sock, const char *ifname, const char *addr, unsigned prefix, char *why,
                    size_t n)
{
    struct ifreq ifr;
    struct sockaddr_in sin;
    memset(&ifr, 0, sizeof(ifr));
    memset(&sin, 0, sizeof(sin));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    sin.sin_family = AF_INET;
    if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
        return bench_fail(why, n, "bad address %s", addr);
    memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
    if (ioctl(sock, SIOCSIFADDR, &ifr) != 0)
        return bench_fail(why, n, "%s: SIOCSIFADDR %s: %s", ifname, addr, strerror(errno));
    sin.sin_addr.s_addr = htonl(prefix ? ~0u << (32 - prefix) : 0);
    memcpy(&ifr.ifr_netmask, &sin, sizeof(sin));
    if (ioctl(sock, SIOCSIFNETMASK, &ifr) != 0)
        return bench_fail(why, n, "%s: SIOCSIFNETMASK: %s", ifname, strerror(errno));
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0)
        return bench_fail(why, n, "%s: SIOCGIFFLAGS: %s", ifname, strerror(errno));
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr) != 0)
        return bench_fail(why, n, "%s: SIOCSIFFLAGS up: %s", ifname, strerror(errno));
    return 0;
}

void bench_no_ipv6(void)
{
    /* /proc/sys/net is the opening thread's namespace. Best effort: with
     * IPv6 off, interfaces created from now on send no router
     * solicitations, DAD or MLD frames during a transfer. */
    int fd = open("/proc/sys/net/ipv6/conf/default/disable_ipv6", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t w = write(fd, "1\n", 2);
    (void)w;
    close(fd);
}

long bench_tcp_retrans(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return -1;
    return (long)ti.tcpi_total_retrans;
}

void *bench_wire_far_side(void *arg)
{
    struct bench_wire *w = arg;
    char *buf = malloc(BENCH_TCP_WRITE);
    int s = -1;
    w->rc = -1;
    if (!buf) {
        snprintf(w->why, sizeof(w->why), "far end: out of memory");
        return NULL;
    }
    memset(buf, 'y', BENCH_TCP_WRITE);
    s = accept4(w->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (s < 0) {
        snprintf(w->why, sizeof(w->why), "far end: accept: %s", strerror(errno));
        goto out;
    }
    __atomic_store_n(&w->sfd, s, __ATOMIC_RELEASE);
    bench_set_timeouts(s, BENCH_WIRE_TIMEOUT_S);
    uint64_t got = 0, sent = 0;
    while (got < w->bytes) {
        ssize_t r = recv(s, buf, BENCH_TCP_WRITE, 0);
        if (r <= 0) {
            snprintf(w->why, sizeof(w->why), "far end: recv at %llu of %llu bytes: %s",
                     (unsigned long long)got, (unsigned long long)w->bytes,
                     r == 0 ? "connection closed" : strerror(errno));
            goto out;
        }
        got += (uint64_t)r;
    }
    w->t1_end = bench_now_ns();
    w->t2_start = bench_now_ns();
    while (sent < w->bytes) {
        size_t len =
            w->bytes - sent < BENCH_TCP_WRITE ? (size_t)(w->bytes - sent) : BENCH_TCP_WRITE;
        ssize_t k = send(s, buf, len, MSG_NOSIGNAL);
        if (k <= 0) {
            snprintf(w->why, sizeof(w->why), "far end: send at %llu of %llu bytes: %s",
                     (unsigned long long)sent, (unsigned long long)w->bytes, strerror(errno));
            goto out;
        }
        sent += (uint64_t)k;
    }
    w->rc = 0;
out:
    if (s >= 0) {
        w->retrans = bench_tcp_retrans(s);
        /* close() still delivers what is queued, then the FIN. */
        __atomic_store_n(&w->sfd, -1, __ATOMIC_RELEASE);
        close(s);
    }
    free(buf);
    return NULL;
}

void bench_wire_abort(struct bench_wire *w)
{
    int s = __atomic_load_n(&w->sfd, __ATOMIC_ACQUIRE);
    if (s >= 0)
        shutdown(s, SHUT_RDWR);
    shutdown(w->lfd, SHUT_RDWR); /* an accept() still waiting returns */
}

/* Median of v[0..n) (sorts v). */
static double med(double *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    if (!n)
        return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_wire_record(struct bench_wire_stats *ws, double mbps1, double mbps2, long retrans_near,
                       long retrans_far)
{
    if (ws->skip) {
        ws->skip = 0; /* the warm-up run */
        return;
    }
    if (ws->n < BENCH_WIRE_MAXRUNS) {
        ws->d1[ws->n] = mbps1;
        ws->d2[ws->n] = mbps2;
        ws->n++;
    }
    if (retrans_near > 0)
        ws->retrans_near += (uint64_t)retrans_near;
    if (retrans_far > 0)
        ws->retrans_far += (uint64_t)retrans_far;
}

void bench_wire_medians(const struct bench_wire_stats *ws, double *m1, double *m2)
{
    double a[BENCH_WIRE_MAXRUNS], b[BENCH_WIRE_MAXRUNS];
    memcpy(a, ws->d1, sizeof(a));
    memcpy(b, ws->d2, sizeof(b));
    *m1 = med(a, ws->n);
    *m2 = med(b, ws->n);
}
