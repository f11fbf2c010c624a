/* test_unix.c — AF_UNIX on an inline (virtual-time) stack: path names in
 * the per-stack table when there is no file system (berth_config.fs NULL,
 * the bare-metal case), the berth_fs hook contract through an in-memory
 * file system, data and timeouts, and that descriptors in flight and
 * queued connections are released (no socket left behind). The behaviour
 * against the kernel is in tests/conformance/unix_*.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <cmocka.h>

#include "core/stack_impl.h"
#include "testutil.h"

#if !BERTH_WITH_UNIX
int main(void)
{
    puts("test_unix: berth built with BERTH_WITH_UNIX=OFF, nothing to test");
    return 0;
}
#else

/* ---- an in-memory file system behind struct berth_fs ---- */

#define MEMFS_MAX 16
struct memfs {
    struct {
        char path[112];
        uint64_t ino;
        bool sock;
    } node[MEMFS_MAX];
    uint64_t next_ino;
    unsigned mknods, unlinks;
    unsigned last_mode;
};

static int memfs_find(struct memfs *m, const char *path)
{
    for (int i = 0; i < MEMFS_MAX; i++)
        if (m->node[i].ino && strcmp(m->node[i].path, path) == 0)
            return i;
    return -1;
}

static int memfs_mknod(void *ctx, const char *path, unsigned mode, struct berth_fs_node *out)
{
    struct memfs *m = ctx;
    m->mknods++;
    m->last_mode = mode;
    if (memfs_find(m, path) >= 0)
        return -EEXIST;
    if (strncmp(path, "ro/", 3) == 0)
        return -EROFS;
    for (int i = 0; i < MEMFS_MAX; i++)
        if (!m->node[i].ino) {
            snprintf(m->node[i].path, sizeof(m->node[i].path), "%s", path);
            m->node[i].ino = ++m->next_ino;
            m->node[i].sock = true;
            out->dev = 1;
            out->ino = m->node[i].ino;
            out->is_sock = 1;
            return 0;
        }
    return -ENOSPC;
}

static int memfs_unlink(void *ctx, const char *path)
{
    struct memfs *m = ctx;
    m->unlinks++;
    int i = memfs_find(m, path);
    if (i < 0)
        return -ENOENT;
    m->node[i].ino = 0;
    return 0;
}

static int memfs_lookup(void *ctx, const char *path, struct berth_fs_node *out)
{
    struct memfs *m = ctx;
    int i = memfs_find(m, path);
    if (i < 0)
        return -ENOENT;
    out->dev = 1;
    out->ino = m->node[i].ino;
    out->is_sock = m->node[i].sock;
    return 0;
}

struct fixture {
    struct berth_platform plat;
    berth_stack *st;
    struct memfs memfs;
    struct berth_fs fs;
};

static int setup_with(void **state, bool with_fs)
{
    struct fixture *f = calloc(1, sizeof(*f));
    berth_platform_inline(&f->plat, 1000000, 5);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &f->plat;
    cfg.fs = NULL;
    if (with_fs) {
        f->fs = (struct berth_fs){.ctx = &f->memfs,
                                  .mknod_sock = memfs_mknod,
                                  .unlink = memfs_unlink,
                                  .lookup = memfs_lookup};
        cfg.fs = &f->fs;
    }
    f->st = berth_stack_new(&cfg);
    *state = f;
    return f->st ? 0 : -1;
}
static int setup_table(void **state) { return setup_with(state, false); }
static int setup_memfs(void **state) { return setup_with(state, true); }

static int teardown(void **state)
{
    struct fixture *f = *state;
    berth_stack_free(f->st);
    berth_platform_inline_release(&f->plat);
    free(f);
    return 0;
}

#define F ((struct fixture *)*state)
#define ST (F->st)

static struct sockaddr_un upath(const char *p)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", p);
    return a;
}

static int usock(berth_stack *st, int type) { return berth_socket(st, AF_UNIX, type, 0); }

/* No file system: a path name lives while its socket does; the same
 * errors arise where they can (EADDRINUSE, ENOENT, EPROTOTYPE). */
static void table_path_names(void **state)
{
    struct sockaddr_un a = upath("/run/x");
    int s = usock(ST, SOCK_STREAM), d = usock(ST, SOCK_DGRAM);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_bind(ST, d, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EADDRINUSE); /* one name whatever the type */
    assert_int_equal(berth_listen(ST, s, 1), 0);
    int c = usock(ST, SOCK_STREAM);
    assert_int_equal(berth_connect(ST, c, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_sendto(ST, d, "x", 1, 0, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EPROTOTYPE);
    struct sockaddr_un b = upath("/run/none");
    assert_int_equal(berth_connect(ST, d, SA(b), sizeof(b)), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(berth_close(ST, s), 0);
    int c2 = usock(ST, SOCK_STREAM);
    assert_int_equal(berth_connect(ST, c2, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, ENOENT); /* released with its socket */
    assert_int_equal(berth_bind(ST, d, SA(a), sizeof(a)), 0);
    assert_non_null(ST->unix_names);
    berth_close(ST, c);
    berth_close(ST, c2);
    berth_close(ST, d);
    assert_null(ST->unix_names); /* the table goes with its last name */
}

/* The hook contract: mknod with 0777 (the fs applies the umask), EEXIST
 * is EADDRINUSE, a node made for a bound socket is unlinked again, a node
 * stays after close, a file that is not a socket is ECONNREFUSED. */
static void fs_hook_contract(void **state)
{
    struct memfs *m = &F->memfs;
    struct sockaddr_un a = upath("srv");
    int s = usock(ST, SOCK_DGRAM);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), 0);
    assert_int_equal(m->last_mode, 0777);
    assert_int_equal(memfs_find(m, "srv") >= 0, 1);
    struct sockaddr_un b = upath("other");
    assert_int_equal(berth_bind(ST, s, SA(b), sizeof(b)), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(memfs_find(m, "other"), -1);
    assert_int_equal(m->unlinks, 1);
    int t = usock(ST, SOCK_DGRAM);
    assert_int_equal(berth_bind(ST, t, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EADDRINUSE);
    struct sockaddr_un r = upath("ro/s");
    assert_int_equal(berth_bind(ST, t, SA(r), sizeof(r)), -1);
    assert_int_equal(errno, EROFS);
    assert_int_equal(berth_sendto(ST, t, "hi", 2, 0, SA(a), sizeof(a)), 2);
    char buf[4];
    assert_int_equal(berth_recv(ST, s, buf, sizeof(buf), 0), 2);
    berth_close(ST, s);
    assert_int_equal(memfs_find(m, "srv") >= 0, 1); /* the node stays */
    assert_int_equal(berth_sendto(ST, t, "hi", 2, 0, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, ECONNREFUSED);
    m->node[memfs_find(m, "srv")].sock = false;
    assert_int_equal(berth_sendto(ST, t, "hi", 2, 0, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, ECONNREFUSED);
    /* The node is removed and a new socket binds the path: the new owner
     * is found by its node. */
    memfs_unlink(m, "srv");
    int u = usock(ST, SOCK_DGRAM);
    assert_int_equal(berth_bind(ST, u, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_sendto(ST, t, "ok", 2, 0, SA(a), sizeof(a)), 2);
    assert_int_equal(berth_recv(ST, u, buf, sizeof(buf), MSG_DONTWAIT), 2);
    berth_close(ST, t);
    berth_close(ST, u);
}

/* Autobind never hands out a name twice. */
static void autobind_distinct(void **state)
{
    enum { N = 200 };
    int fd[N];
    struct sockaddr_un names[N];
    for (int i = 0; i < N; i++) {
        fd[i] = usock(ST, SOCK_DGRAM);
        sa_family_t fam = AF_UNIX;
        assert_int_equal(berth_bind(ST, fd[i], (struct sockaddr *)&fam, sizeof(fam)), 0);
        socklen_t l = sizeof(names[i]);
        assert_int_equal(berth_getsockname(ST, fd[i], SA(names[i]), &l), 0);
        assert_int_equal(l, 8);
        for (int j = 0; j < i; j++)
            assert_memory_not_equal(names[i].sun_path, names[j].sun_path, 6);
    }
    for (int i = 0; i < N; i++)
        berth_close(ST, fd[i]);
    assert_null(ST->unix_names);
}

/* Virtual time: SO_RCVTIMEO expires as EAGAIN; a stream moves a large
 * buffer through a small SO_SNDBUF in pieces. */
static void stream_data_and_timeout(void **state)
{
    int sv[2];
    assert_int_equal(berth_socketpair(ST, AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct timeval tv = {0, 200000};
    assert_int_equal(berth_setsockopt(ST, sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    char buf[64];
    uint64_t t0 = berth_stack_platform(ST)->now_us(berth_stack_platform(ST)->ctx);
    assert_int_equal(berth_recv(ST, sv[1], buf, sizeof(buf), 0), -1);
    assert_int_equal(errno, EAGAIN);
    uint64_t t1 = berth_stack_platform(ST)->now_us(berth_stack_platform(ST)->ctx);
    assert_true(t1 - t0 >= 200000);
    static char big[100000], got[100000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7);
    int sz = 8192;
    assert_int_equal(berth_setsockopt(ST, sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)), 0);
    size_t sent = 0, rcvd = 0;
    while (rcvd < sizeof(big)) {
        if (sent < sizeof(big)) {
            ssize_t n = berth_send(ST, sv[0], big + sent, sizeof(big) - sent, MSG_DONTWAIT);
            if (n > 0)
                sent += (size_t)n;
            else
                assert_int_equal(errno, EAGAIN);
        }
        ssize_t n = berth_recv(ST, sv[1], got + rcvd, sizeof(got) - rcvd, MSG_DONTWAIT);
        if (n > 0)
            rcvd += (size_t)n;
    }
    assert_memory_equal(big, got, sizeof(big));
    berth_close(ST, sv[0]);
    berth_close(ST, sv[1]);
}

/* Descriptors in flight, queued connections and datagrams from closed
 * senders: when everything is closed no socket is left. */
static void nothing_left_behind(void **state)
{
    unsigned before = ST->nsockets;
    int sv[2], q[2];
    assert_int_equal(berth_socketpair(ST, AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    assert_int_equal(berth_socketpair(ST, AF_UNIX, SOCK_STREAM, 0, q), 0);
    int udp = berth_socket(ST, AF_INET, SOCK_DGRAM, 0);
    char cbuf[CMSG_SPACE(3 * sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    int fds[3] = {q[0], q[1], udp};
    struct iovec iov = {"x", 1};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(fds));
    memcpy(CMSG_DATA(c), fds, sizeof(fds));
    assert_int_equal(berth_sendmsg(ST, sv[0], &mh, 0), 1);
    berth_close(ST, q[0]);
    berth_close(ST, q[1]);
    berth_close(ST, udp);
    assert_int_equal(ST->nsockets, before + 5); /* in flight */
    /* A listener with a connection waiting, its client gone. */
    int l = usock(ST, SOCK_STREAM), cl = usock(ST, SOCK_STREAM);
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, "\0lst", 4);
    assert_int_equal(berth_bind(ST, l, SA(a), 6), 0);
    assert_int_equal(berth_listen(ST, l, 4), 0);
    assert_int_equal(berth_connect(ST, cl, SA(a), 6), 0);
    assert_int_equal(berth_send(ST, cl, "data", 4, 0), 4);
    berth_close(ST, cl);
    berth_close(ST, l);
    berth_close(ST, sv[0]);
    berth_close(ST, sv[1]); /* the receiver closes with the message queued */
    assert_int_equal(ST->nsockets, before);
}

static int send_fd(berth_stack *st, int via, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = {"f", 1};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    return (int)berth_sendmsg(st, via, &mh, 0);
}

/* Sockets only reachable from their own queues are collected (unix_gc):
 * a socket sent over itself, two sent over each other, a cycle that also
 * holds a UDP socket; a cycle still reachable from a live socket's queue
 * is kept until that socket goes. */
static void cycles_are_collected(void **state)
{
    unsigned before = ST->nsockets;
    int a[2], b[2];
    /* b[1]'s own descriptor in b[1]'s queue */
    assert_int_equal(berth_socketpair(ST, AF_UNIX, SOCK_DGRAM, 0, b), 0);
    assert_int_equal(send_fd(ST, b[0], b[1]), 1);
    berth_close(ST, b[0]);
    berth_close(ST, b[1]);
    assert_int_equal(ST->nsockets, before);
    assert_null(ST->unix_inflight);
    /* two stream pairs, each end in the other pair's queue, plus a UDP
     * socket inside the cycle */
    assert_int_equal(berth_socketpair(ST, AF_UNIX, SOCK_STREAM, 0, a), 0);
    assert_int_equal(berth_socketpair(ST, AF_UNIX, SOCK_STREAM, 0, b), 0);
    int udp = berth_socket(ST, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = sin4("127.0.0.1", 4444);
    assert_int_equal(berth_bind(ST, udp, SA(sin), sizeof(sin)), 0);
    assert_int_equal(send_fd(ST, a[0], b[1]), 1); /* b[1] queued on a[1] */
    assert_int_equal(send_fd(ST, b[0], a[1]), 1); /* a[1] queued on b[1] */
    assert_int_equal(send_fd(ST, a[0], udp), 1);
    berth_close(ST, udp);
    berth_close(ST, a[0]);
    berth_close(ST, b[0]);
    berth_close(ST, a[1]);
    /* b[1] still has a descriptor: a[1], b[1] and the UDP socket live, and
     * the closed a[0] and b[0] as their peers. */
    assert_int_equal(ST->nsockets, before + 5);
    /* A live socket holds the cycle: kept. */
    int h[2];
    assert_int_equal(berth_socketpair(ST, AF_UNIX, SOCK_DGRAM, 0, h), 0);
    assert_int_equal(send_fd(ST, h[0], b[1]), 1);
    berth_close(ST, b[1]);
    assert_int_equal(ST->nsockets, before + 7);
    berth_close(ST, h[0]);
    berth_close(ST, h[1]); /* its queue goes: now the cycle is garbage */
    assert_int_equal(ST->nsockets, before);
    assert_null(ST->unix_inflight);
    int again = berth_socket(ST, AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(berth_bind(ST, again, SA(sin), sizeof(sin)), 0); /* the port is free */
    berth_close(ST, again);
}

/* Random operations on a few descriptors (every call non-blocking), with
 * descriptors passed around: nothing may crash (run under ASan), and once
 * everything is closed nothing may be left: no socket, no name, nothing in
 * flight. */
static void random_operations_leave_nothing(void **state)
{
    enum { NFD = 12, OPS = 200000 };
    unsigned passed = 0, received = 0;
    int fd[NFD];
    for (int i = 0; i < NFD; i++)
        fd[i] = -1;
    /* BERTH_UNIX_SEED explores other sequences (the default is fixed). */
    const char *seed = getenv("BERTH_UNIX_SEED");
    uint32_t x = seed ? (uint32_t)strtoul(seed, NULL, 0) | 1u : 12345;
#define RND() (x ^= x << 13, x ^= x >> 17, x ^= x << 5, x)
    const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    char buf[256];
    for (int op = 0; op < OPS; op++) {
        int i = (int)(RND() % NFD);
        int j = (int)(RND() % NFD);
        struct sockaddr_un a;
        memset(&a, 0, sizeof(a));
        a.sun_family = AF_UNIX;
        socklen_t al = (socklen_t)(sizeof(sa_family_t) + 2);
        a.sun_path[1] = (char)('a' + RND() % 4);
        if (RND() % 3 == 0) {
            a.sun_path[0] = '/';
            al = sizeof(a);
        }
        switch (RND() % 12) {
        case 0:
            if (fd[i] < 0)
                fd[i] = berth_socket(ST, AF_UNIX, types[RND() % 3] | SOCK_NONBLOCK, 0);
            break;
        case 1:
            if (fd[i] < 0 && fd[j] < 0 && i != j) {
                int sv[2];
                if (berth_socketpair(ST, AF_UNIX, types[RND() % 3] | SOCK_NONBLOCK, 0, sv) == 0) {
                    fd[i] = sv[0];
                    fd[j] = sv[1];
                }
            }
            break;
        case 2:
            berth_bind(ST, fd[i], SA(a), RND() % 4 == 0 ? sizeof(sa_family_t) : al);
            break;
        case 3:
            berth_listen(ST, fd[i], (int)(RND() % 3));
            break;
        case 4:
            berth_connect(ST, fd[i], SA(a), al);
            break;
        case 5: {
            int k = fd[j] < 0 ? -1 : berth_accept4(ST, fd[j], NULL, NULL, SOCK_NONBLOCK);
            if (k >= 0 && fd[i] < 0)
                fd[i] = k;
            else if (k >= 0)
                berth_close(ST, k);
            break;
        }
        case 6: {
            size_t n = RND() % sizeof(buf);
            int oob = RND() % 4 == 0 ? MSG_OOB : 0;
            berth_send(ST, fd[i], buf, n, MSG_DONTWAIT | MSG_NOSIGNAL | oob);
            break;
        }
        case 7:
            berth_sendto(ST, fd[i], buf, RND() % 64, MSG_DONTWAIT | MSG_NOSIGNAL, SA(a), al);
            break;
        case 8: {
            char cbuf[CMSG_SPACE(2 * sizeof(int))];
            memset(cbuf, 0, sizeof(cbuf));
            struct iovec iov = {buf, 1 + RND() % 8};
            struct msghdr mh = {.msg_iov = &iov,
                                .msg_iovlen = 1,
                                .msg_control = cbuf,
                                .msg_controllen = sizeof(cbuf)};
            struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(2 * sizeof(int));
            int other = (int)(RND() % NFD);
            int two[2] = {fd[j], RND() % 2 ? fd[j] : fd[other]};
            memcpy(CMSG_DATA(c), two, sizeof(two));
            if (berth_sendmsg(ST, fd[i], &mh, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
                passed++;
            break;
        }
        case 9: {
            char cbuf[CMSG_SPACE(sizeof(int))];
            struct iovec iov = {buf, RND() % 16};
            struct msghdr mh = {.msg_iov = &iov,
                                .msg_iovlen = 1,
                                .msg_control = RND() % 2 ? cbuf : NULL,
                                .msg_controllen = sizeof(cbuf)};
            int flags = MSG_DONTWAIT | (RND() % 4 == 0 ? MSG_PEEK : 0);
            flags |= RND() % 6 == 0 ? MSG_OOB : 0;
            if (berth_recvmsg(ST, fd[i], &mh, flags) >= 0 && mh.msg_controllen) {
                received++;
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                if (c && c->cmsg_type == SCM_RIGHTS) {
                    int got;
                    memcpy(&got, CMSG_DATA(c), sizeof(got));
                    if (fd[j] < 0)
                        fd[j] = got;
                    else
                        berth_close(ST, got);
                }
            }
            break;
        }
        case 10:
            if (RND() % 2) {
                berth_shutdown(ST, fd[i], (int)(RND() % 3));
            } else {
                int off = (int)(RND() % 12) - 1;
                int opt = RND() % 2 ? SO_PEEK_OFF : SO_OOBINLINE;
                berth_setsockopt(ST, fd[i], SOL_SOCKET, opt, &off, sizeof(off));
            }
            break;
        case 11:
            if (fd[i] >= 0) {
                berth_close(ST, fd[i]);
                /* another slot may hold the same number if it was reused */
                for (int k = 0; k < NFD; k++)
                    if (k != i && fd[k] == fd[i])
                        fd[k] = -1;
                fd[i] = -1;
            }
            break;
        }
        /* A number closed elsewhere may have been reused: keep slots unique. */
        for (int k = 0; k < NFD; k++)
            if (fd[k] >= 0 && !berth_fd_valid(ST, fd[k]))
                fd[k] = -1;
        for (int k = 0; k < NFD; k++)
            for (int m = k + 1; m < NFD; m++)
                if (fd[k] >= 0 && fd[k] == fd[m])
                    fd[m] = -1;
    }
#undef RND
    /* The run must have exercised descriptor passing both ways. */
    print_message("passed %u received %u\n", passed, received);
    assert_true(passed > 500);
    assert_true(received > 100);
    /* Descriptors received but never stored in a slot. */
    for (int k = 0; k < (int)ST->cfg.max_fds; k++)
        if (berth_fd_valid(ST, k))
            berth_close(ST, k);
    assert_int_equal(ST->nsockets, 0);
    assert_null(ST->unix_inflight);
    assert_null(ST->unix_names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(table_path_names, setup_table, teardown),
        cmocka_unit_test_setup_teardown(fs_hook_contract, setup_memfs, teardown),
        cmocka_unit_test_setup_teardown(autobind_distinct, setup_table, teardown),
        cmocka_unit_test_setup_teardown(stream_data_and_timeout, setup_table, teardown),
        cmocka_unit_test_setup_teardown(nothing_left_behind, setup_table, teardown),
        cmocka_unit_test_setup_teardown(cycles_are_collected, setup_table, teardown),
        cmocka_unit_test_setup_teardown(random_operations_leave_nothing, setup_table, teardown),
        cmocka_unit_test_setup_teardown(random_operations_leave_nothing, setup_memfs, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
