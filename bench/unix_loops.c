/* unix_loops.c — the AF_UNIX figures, one loop for every peer: each peer
 * hands in its socket calls (struct bench_unix_api: the kernel's system
 * calls, or berth_* on its stack), so berth and the kernel run exactly the
 * same code around them.
 *
 *   unix_stream_*_MBps   a byte stream through a connected pair (a
 *                        socketpair, or listen/connect/accept on a path
 *                        name), BENCH_TCP_WRITE-byte sends each read back
 *                        before the next (one thread);
 *   unix_dgram_rtt_*_ns  a BENCH_PAYLOAD-byte datagram there and back (a
 *                        socketpair with send/recv, or two path-bound
 *                        sockets with sendto/recvfrom, the name looked up
 *                        on every send);
 *   unix_bind_path_ns    socket + bind to a path + close + unlink.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench.h"

static struct sockaddr_un un_path(const char *dir, const char *name)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, name);
    return a;
}

/* A connected pair of `type` in fd[2]: a socketpair, or through a
 * listener on dir/l (path). */
static int make_pair(const struct bench_unix_api *api, int type, int path, const char *dir,
                     int fd[2], char *why, size_t n)
{
    if (!path) {
        if (api->socketpair(AF_UNIX, type, 0, fd) != 0)
            return bench_fail(why, n, "socketpair: %s", strerror(errno));
        return 0;
    }
    if (type == SOCK_DGRAM) {
        struct sockaddr_un a = un_path(dir, "a"), b = un_path(dir, "b");
        fd[0] = api->socket(AF_UNIX, SOCK_DGRAM, 0);
        fd[1] = api->socket(AF_UNIX, SOCK_DGRAM, 0);
        if (fd[0] < 0 || fd[1] < 0 || api->bind(fd[0], (struct sockaddr *)&a, sizeof(a)) != 0 ||
            api->bind(fd[1], (struct sockaddr *)&b, sizeof(b)) != 0)
            return bench_fail(why, n, "bound datagram sockets: %s", strerror(errno));
        return 0;
    }
    struct sockaddr_un l = un_path(dir, "l");
    int lfd = api->socket(AF_UNIX, type, 0);
    fd[0] = api->socket(AF_UNIX, type, 0);
    if (lfd < 0 || fd[0] < 0 || api->bind(lfd, (struct sockaddr *)&l, sizeof(l)) != 0 ||
        api->listen(lfd, 1) != 0 || api->connect(fd[0], (struct sockaddr *)&l, sizeof(l)) != 0 ||
        (fd[1] = api->accept(lfd, NULL, NULL)) < 0)
        return bench_fail(why, n, "listen/connect/accept on %s: %s", l.sun_path, strerror(errno));
    api->close(lfd);
    return 0;
}

__attribute__((noinline)) static int stream_loop(const struct bench_unix_api *api, int a, int b,
                                                 uint64_t bytes, char *buf, char *rbuf)
{
    for (uint64_t done = 0; done < bytes; done += BENCH_TCP_WRITE) {
        if (api->send(a, buf, BENCH_TCP_WRITE, 0) != BENCH_TCP_WRITE)
            return -1;
        size_t got = 0;
        while (got < BENCH_TCP_WRITE) {
            ssize_t r = api->recv(b, rbuf + got, BENCH_TCP_WRITE - got, 0);
            if (r <= 0)
                return -1;
            got += (size_t)r;
        }
    }
    return 0;
}

__attribute__((noinline)) static int rtt_loop(const struct bench_unix_api *api, int a, int b,
                                              const struct sockaddr_un *to_b, uint64_t iters)
{
    char out[BENCH_PAYLOAD], in[2048];
    memset(out, 'x', sizeof(out));
    for (uint64_t i = 0; i < iters; i++) {
        struct sockaddr_un from;
        socklen_t fl = sizeof(from);
        if (to_b) {
            if (api->sendto(a, out, sizeof(out), 0, (const struct sockaddr *)to_b, sizeof(*to_b)) !=
                    BENCH_PAYLOAD ||
                api->recvfrom(b, in, sizeof(in), 0, (struct sockaddr *)&from, &fl) !=
                    BENCH_PAYLOAD ||
                api->sendto(b, in, BENCH_PAYLOAD, 0, (struct sockaddr *)&from, fl) != BENCH_PAYLOAD)
                return -1;
        } else if (api->send(a, out, sizeof(out), 0) != BENCH_PAYLOAD ||
                   api->recv(b, in, sizeof(in), 0) != BENCH_PAYLOAD ||
                   api->send(b, in, BENCH_PAYLOAD, 0) != BENCH_PAYLOAD) {
            return -1;
        }
        if (api->recv(a, in, sizeof(in), 0) != BENCH_PAYLOAD)
            return -1;
    }
    return 0;
}

__attribute__((noinline)) static int bind_loop(const struct bench_unix_api *api, const char *dir,
                                               uint64_t iters)
{
    struct sockaddr_un a = un_path(dir, "bound");
    for (uint64_t i = 0; i < iters; i++) {
        int fd = api->socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || api->bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || api->close(fd) != 0 ||
            unlink(a.sun_path) != 0)
            return -1;
    }
    return 0;
}

static void rm_dir(const char *dir)
{
    static const char *names[] = {"a", "b", "l", "bound"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char p[128];
        snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

int bench_unix_run(const struct bench_unix_api *api, const struct figspec *f, uint64_t iters,
                   double *ns, char *why, size_t n)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/berth-bench-unix-XXXXXX");
    if (!mkdtemp(dir))
        return bench_fail(why, n, "mkdtemp: %s", strerror(errno));
    int path = f->occ != 0, rc = 0, fd[2] = {-1, -1};
    char *buf = NULL, *rbuf = NULL;
    uint64_t t0 = 0, t1 = 0;
    switch (f->op) {
    case OP_UNIX_STREAM: {
        buf = malloc(BENCH_TCP_WRITE);
        rbuf = malloc(BENCH_TCP_WRITE);
        if (!buf || !rbuf) {
            rc = bench_fail(why, n, "out of memory");
            break;
        }
        memset(buf, 'x', BENCH_TCP_WRITE);
        if ((rc = make_pair(api, SOCK_STREAM, path, dir, fd, why, n)) != 0)
            break;
        uint64_t bytes = (uint64_t)f->n * iters << 20;
        t0 = bench_now_ns();
        rc = stream_loop(api, fd[0], fd[1], bytes, buf, rbuf);
        t1 = bench_now_ns();
        if (rc)
            bench_fail(why, n, "stream transfer failed: %s", strerror(errno));
        *ns = (double)(t1 - t0) / (double)(f->n * iters);
        break;
    }
    case OP_UNIX_DGRAM_RTT: {
        if ((rc = make_pair(api, SOCK_DGRAM, path, dir, fd, why, n)) != 0)
            break;
        struct sockaddr_un to_b = un_path(dir, "b");
        t0 = bench_now_ns();
        rc = rtt_loop(api, fd[0], fd[1], path ? &to_b : NULL, iters);
        t1 = bench_now_ns();
        if (rc)
            bench_fail(why, n, "datagram round trip failed: %s", strerror(errno));
        *ns = (double)(t1 - t0) / (double)iters;
        break;
    }
    case OP_UNIX_BIND_PATH:
        t0 = bench_now_ns();
        rc = bind_loop(api, dir, iters);
        t1 = bench_now_ns();
        if (rc)
            bench_fail(why, n, "socket/bind/close/unlink failed: %s", strerror(errno));
        *ns = (double)(t1 - t0) / (double)iters;
        break;
    default:
        rc = bench_fail(why, n, "no such figure");
    }
    if (fd[0] >= 0)
        api->close(fd[0]);
    if (fd[1] >= 0)
        api->close(fd[1]);
    free(buf);
    free(rbuf);
    rm_dir(dir);
    return rc;
}
