/* test_socket_api.c — the socket layer and UDP through the native API on an
 * inline (virtual-time) stack: descriptors, errno cases, datagram semantics,
 * timeouts in virtual time, counters. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <cmocka.h>

#include "core/stack_impl.h"
#include "testutil.h"

struct fixture {
    struct berth_platform plat;
    berth_stack *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->st = test_stack_inline(&f->plat, 11);
    *state = f;
    return f->st ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    berth_stack_free(f->st);
    berth_platform_inline_release(&f->plat);
    free(f);
    return 0;
}

#define ST (((struct fixture *)*state)->st)

static int udp(berth_stack *st) { return berth_socket(st, AF_INET, SOCK_DGRAM, 0); }

static void descriptors_lowest_free_first(void **state)
{
    int a = udp(ST), b = udp(ST), c = udp(ST);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(c, 2);
    assert_int_equal(berth_close(ST, b), 0);
    assert_int_equal(udp(ST), 1);
    assert_int_equal(berth_close(ST, b), 0);
    assert_int_equal(berth_close(ST, b), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(berth_close(ST, -1), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(berth_close(ST, 100000), -1);
    assert_int_equal(errno, EBADF);
}

static void emfile_and_enfile(void **state)
{
    (void)state;
    struct berth_platform plat;
    berth_platform_inline(&plat, 0, 1);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.max_fds = 4;
    berth_stack *st = berth_stack_new(&cfg);
    for (int i = 0; i < 4; i++)
        assert_int_equal(udp(st), i);
    assert_int_equal(udp(st), -1);
    assert_int_equal(errno, EMFILE);
    berth_stack_free(st);

    cfg.max_fds = 16;
    cfg.max_sockets = 2;
    st = berth_stack_new(&cfg);
    assert_int_equal(udp(st), 0);
    assert_int_equal(udp(st), 1);
    assert_int_equal(udp(st), -1);
    assert_int_equal(errno, ENFILE);
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
}

static void socket_errnos(void **state)
{
    assert_int_equal(berth_socket(ST, 9999, SOCK_DGRAM, 0), -1);
    assert_int_equal(errno, EAFNOSUPPORT);
    assert_int_equal(berth_socket(ST, AF_INET, 42, 0), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_socket(ST, AF_INET, SOCK_DGRAM | 0x10000000, 0), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_socket(ST, AF_INET, SOCK_DGRAM, IPPROTO_TCP), -1);
    assert_int_equal(errno, EPROTONOSUPPORT);
    assert_int_equal(berth_socket(ST, AF_INET, SOCK_SEQPACKET, 0), -1);
    assert_int_equal(errno, ESOCKTNOSUPPORT);
    assert_int_equal(berth_socket(ST, AF_INET, SOCK_DGRAM, -1), -1);
    assert_int_equal(errno, EINVAL);
    int s = berth_socket(ST, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    assert_int_equal(berth_fcntl(ST, s, F_GETFL, 0), O_RDWR | O_NONBLOCK);
    assert_int_equal(berth_fcntl(ST, s, F_GETFD, 0), FD_CLOEXEC);
}

static void bind_errnos(void **state)
{
    int s = udp(ST), t = udp(ST);
    struct sockaddr_in a = sin4("127.0.0.1", 6000);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a) - 1), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_bind(ST, s, (struct sockaddr *)1, sizeof(a)), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(berth_bind(ST, s, SA(a), 200), -1);
    assert_int_equal(errno, EINVAL);
    struct sockaddr_in bad = a;
    bad.sin_family = AF_INET6;
    assert_int_equal(berth_bind(ST, s, SA(bad), sizeof(bad)), -1);
    assert_int_equal(errno, EAFNOSUPPORT);
    struct sockaddr_in nonlocal = sin4("192.0.2.1", 6000);
    assert_int_equal(berth_bind(ST, s, SA(nonlocal), sizeof(nonlocal)), -1);
    assert_int_equal(errno, EADDRNOTAVAIL);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_bind(ST, t, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EADDRINUSE);
    /* all of 127/8 is local */
    struct sockaddr_in two = sin4("127.0.0.2", 6000);
    assert_int_equal(berth_bind(ST, t, SA(two), sizeof(two)), 0);
}

static void privileged_port_needs_capability(void **state)
{
    /* Linux checks CAP_NET_BIND_SERVICE of the caller at bind() time. */
    struct berth_cred user = {.euid = 1000, .cap_net_bind_service = false};
    struct berth_cred root = {.euid = 0, .cap_net_bind_service = true};
    int s = udp(ST);
    berth_cred_set(ST, &user);
    struct sockaddr_in a = sin4("0.0.0.0", 80);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EACCES);
    a.sin_port = htons(1024);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), 0);
    berth_cred_set(ST, &root);
    int r = udp(ST);
    a.sin_port = htons(80);
    assert_int_equal(berth_bind(ST, r, SA(a), sizeof(a)), 0);
}

static void udp_exchange_peek_trunc_fionread(void **state)
{
    int s = udp(ST), c = udp(ST);
    struct sockaddr_in a = sin4("127.0.0.1", 7000);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_sendto(ST, c, "hello world", 11, 0, SA(a), sizeof(a)), 11);
    int n = -1;
    assert_int_equal(berth_ioctl(ST, s, FIONREAD, &n), 0);
    assert_int_equal(n, 11);
    char buf[32];
    assert_int_equal(berth_recv(ST, s, buf, 5, MSG_PEEK), 5);
    assert_memory_equal(buf, "hello", 5);
    /* MSG_TRUNC: the real length comes back, the datagram is consumed. */
    assert_int_equal(berth_recv(ST, s, buf, 5, MSG_TRUNC), 11);
    assert_int_equal(berth_recv(ST, s, buf, sizeof(buf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
    /* recvmsg reports truncation in msg_flags and the sender's address. */
    assert_int_equal(berth_sendto(ST, c, "0123456789", 10, 0, SA(a), sizeof(a)), 10);
    struct sockaddr_in from;
    struct iovec iov = {.iov_base = buf, .iov_len = 4};
    struct msghdr m = {
        .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1};
    assert_int_equal(berth_recvmsg(ST, s, &m, 0), 4);
    assert_true(m.msg_flags & MSG_TRUNC);
    assert_int_equal(m.msg_namelen, sizeof(from));
    struct sockaddr_in cname;
    socklen_t cl = sizeof(cname);
    assert_int_equal(berth_getsockname(ST, c, SA(cname), &cl), 0);
    assert_int_equal(from.sin_port, cname.sin_port);
    assert_true(ntohs(cname.sin_port) >= 32768 && ntohs(cname.sin_port) <= 60999);
    assert_int_equal(snmp(ST, "Udp", "InDatagrams"), 2);
    assert_int_equal(snmp(ST, "Udp", "OutDatagrams"), 2);
}

static void emsgsize_and_broadcast(void **state)
{
    int s = udp(ST);
    static char big[65508];
    struct sockaddr_in a = sin4("127.0.0.1", 7001);
    int r = udp(ST);
    assert_int_equal(berth_bind(ST, r, SA(a), sizeof(a)), 0);
    int sz = 200000;
    berth_setsockopt(ST, r, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    assert_int_equal(berth_sendto(ST, s, big, 65507, 0, SA(a), sizeof(a)), 65507);
    assert_int_equal(berth_sendto(ST, s, big, 65508, 0, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EMSGSIZE);
    assert_int_equal(berth_recv(ST, r, big, sizeof(big), 0), 65507);
    struct sockaddr_in b = sin4("127.255.255.255", 7001);
    assert_int_equal(berth_sendto(ST, s, "x", 1, 0, SA(b), sizeof(b)), -1);
    assert_int_equal(errno, EACCES);
    int on = 1;
    assert_int_equal(berth_setsockopt(ST, s, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)), 0);
    assert_int_equal(berth_sendto(ST, s, "x", 1, 0, SA(b), sizeof(b)), 1);
    struct sockaddr_in l = sin4("255.255.255.255", 7001);
    assert_int_equal(berth_sendto(ST, s, "x", 1, 0, SA(l), sizeof(l)), -1);
    assert_int_equal(errno, ENETUNREACH); /* no route for it with only lo */
}

static void connect_refused_and_unspec(void **state)
{
    int s = udp(ST);
    struct sockaddr_in closed = sin4("127.0.0.1", 9);
    assert_int_equal(berth_connect(ST, s, SA(closed), sizeof(closed)), 0);
    struct sockaddr_in peer;
    socklen_t pl = sizeof(peer);
    assert_int_equal(berth_getpeername(ST, s, SA(peer), &pl), 0);
    assert_int_equal(ntohs(peer.sin_port), 9);
    assert_int_equal(berth_send(ST, s, "x", 1, 0), 1);
    char b[4];
    assert_int_equal(berth_recv(ST, s, b, sizeof(b), MSG_DONTWAIT), -1);
    assert_int_equal(errno, ECONNREFUSED);
    assert_int_equal(berth_recv(ST, s, b, sizeof(b), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN); /* the error is reported once */
    assert_int_equal(snmp(ST, "Udp", "NoPorts"), 1);
    assert_int_equal(snmp(ST, "Icmp", "OutDestUnreachs"), 1);
    struct sockaddr un = {.sa_family = AF_UNSPEC};
    assert_int_equal(berth_connect(ST, s, &un, sizeof(un)), 0);
    assert_int_equal(berth_getpeername(ST, s, SA(peer), &pl), -1);
    assert_int_equal(errno, ENOTCONN);
    /* autobound port released on disconnect (Linux __udp_disconnect) */
    struct sockaddr_in me;
    socklen_t ml = sizeof(me);
    assert_int_equal(berth_getsockname(ST, s, SA(me), &ml), 0);
    assert_int_equal(me.sin_port, 0);
    /* unconnected sockets are not told about ICMP errors */
    int u = udp(ST);
    assert_int_equal(berth_sendto(ST, u, "x", 1, 0, SA(closed), sizeof(closed)), 1);
    assert_int_equal(berth_recv(ST, u, b, sizeof(b), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(berth_send(ST, u, "x", 1, 0), -1);
    assert_int_equal(errno, EDESTADDRREQ);
}

static void rcvtimeo_in_virtual_time(void **state)
{
    struct fixture *f = *state;
    int s = udp(ST);
    struct sockaddr_in a = sin4("127.0.0.1", 7002);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), 0);
    struct timeval tv = {.tv_sec = 2, .tv_usec = 500000};
    assert_int_equal(berth_setsockopt(ST, s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    uint64_t t0 = f->plat.now_us(f->plat.ctx);
    char b[4];
    assert_int_equal(berth_recv(ST, s, b, sizeof(b), 0), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(f->plat.now_us(f->plat.ctx) - t0, 2500000);
    /* No timeout and nothing that could ever arrive: EDEADLK, not a hang. */
    tv.tv_sec = tv.tv_usec = 0;
    berth_setsockopt(ST, s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    assert_int_equal(berth_recv(ST, s, b, sizeof(b), 0), -1);
    assert_int_equal(errno, EDEADLK);
    /* poll with a timeout advances virtual time the same way */
    struct pollfd p = {.fd = s, .events = POLLIN};
    t0 = f->plat.now_us(f->plat.ctx);
    assert_int_equal(berth_poll(ST, &p, 1, 30), 0);
    assert_int_equal(f->plat.now_us(f->plat.ctx) - t0, 30000);
}

static void rcvbuf_drops_are_counted(void **state)
{
    int s = udp(ST), c = udp(ST);
    struct sockaddr_in a = sin4("127.0.0.1", 7003);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), 0);
    int sz = 1; /* clamps to the minimum, 2304 */
    assert_int_equal(berth_setsockopt(ST, s, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)), 0);
    socklen_t l = sizeof(sz);
    assert_int_equal(berth_getsockopt(ST, s, SOL_SOCKET, SO_RCVBUF, &sz, &l), 0);
    assert_int_equal(sz, 2304);
    char d[500] = {0};
    for (int i = 0; i < 50; i++)
        assert_int_equal(berth_sendto(ST, c, d, sizeof(d), 0, SA(a), sizeof(a)), 500);
    uint64_t drops = snmp(ST, "Udp", "RcvbufErrors");
    assert_true(drops > 0 && drops < 50);
    int got = 0;
    while (berth_recv(ST, s, d, sizeof(d), MSG_DONTWAIT) == 500)
        got++;
    assert_int_equal((uint64_t)got + drops, 50);
}

static void poll_bits(void **state)
{
    int s = udp(ST), c = udp(ST);
    struct sockaddr_in a = sin4("127.0.0.1", 7004);
    assert_int_equal(berth_bind(ST, s, SA(a), sizeof(a)), 0);
    struct pollfd p[3] = {{.fd = s, .events = POLLIN | POLLOUT},
                          {.fd = -1, .events = POLLIN},
                          {.fd = 77, .events = POLLIN}};
    assert_int_equal(berth_poll(ST, p, 3, 0), 2);
    assert_int_equal(p[0].revents, POLLOUT);
    assert_int_equal(p[1].revents, 0);
    assert_int_equal(p[2].revents, POLLNVAL);
    berth_sendto(ST, c, "x", 1, 0, SA(a), sizeof(a));
    assert_int_equal(berth_poll(ST, p, 1, 0), 1);
    assert_int_equal(p[0].revents, POLLIN | POLLOUT);
    assert_int_equal(berth_shutdown(ST, s, SHUT_RDWR), -1);
    assert_int_equal(errno, ENOTCONN);
    p[0].events = POLLIN;
    assert_int_equal(berth_poll(ST, p, 1, 0), 1);
    assert_int_equal(p[0].revents, POLLIN | POLLHUP);
    assert_int_equal(berth_shutdown(ST, s, 7), -1);
    assert_int_equal(errno, EINVAL);
}

static void sockopt_errnos(void **state)
{
    int s = udp(ST), v = 0;
    socklen_t l = sizeof(v);
    assert_int_equal(berth_getsockopt(ST, s, SOL_SOCKET, SO_TYPE, &v, &l), 0);
    assert_int_equal(v, SOCK_DGRAM);
    assert_int_equal(berth_getsockopt(ST, s, SOL_SOCKET, 9999, &v, &l), -1);
    assert_int_equal(errno, ENOPROTOOPT);
    assert_int_equal(berth_setsockopt(ST, s, SOL_SOCKET, SO_REUSEADDR, &v, 2), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_setsockopt(ST, s, SOL_SOCKET, SO_REUSEADDR, (void *)8, 4), -1);
    assert_int_equal(errno, EFAULT);
    v = 0;
    assert_int_equal(berth_setsockopt(ST, s, IPPROTO_IP, IP_TTL, &v, sizeof(v)), -1);
    assert_int_equal(errno, EINVAL);
    v = 255;
    assert_int_equal(berth_setsockopt(ST, s, IPPROTO_IP, IP_TTL, &v, sizeof(v)), 0);
    v = -1;
    assert_int_equal(berth_setsockopt(ST, s, IPPROTO_IP, IP_TTL, &v, sizeof(v)), 0);
    l = sizeof(v);
    assert_int_equal(berth_getsockopt(ST, s, IPPROTO_IP, IP_TTL, &v, &l), 0);
    assert_int_equal(v, 64);
    struct timeval tv = {0, 1000000};
    assert_int_equal(berth_setsockopt(ST, s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), -1);
    assert_int_equal(errno, EDOM);
    /* timeouts read back rounded to jiffies (HZ 250) */
    tv.tv_usec = 1;
    assert_int_equal(berth_setsockopt(ST, s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    l = sizeof(tv);
    assert_int_equal(berth_getsockopt(ST, s, SOL_SOCKET, SO_RCVTIMEO, &tv, &l), 0);
    assert_int_equal(tv.tv_usec, 4000);
}

/* The rarely-set options live in a per-stack block filed by socket: each
 * socket reads back its own values (defaults when it never set any), across
 * the hash's growth and sockets closing and reusing memory; setting a
 * default allocates nothing; an accepted socket inherits its listener's. */
static void rare_options_per_socket(void **state)
{
    struct berth_stack *st = ST;
    enum { N = 300 };
    int fd[N];
    unsigned base = st->sockopt_count;
    for (int i = 0; i < N; i++) {
        fd[i] = udp(st);
        assert_true(fd[i] >= 0);
        int zero = 0, one = 1;
        /* defaults: nothing is allocated */
        assert_int_equal(berth_setsockopt(st, fd[i], SOL_SOCKET, SO_PRIORITY, &zero, sizeof(zero)),
                         0);
        assert_int_equal(berth_setsockopt(st, fd[i], SOL_SOCKET, SO_RCVLOWAT, &one, sizeof(one)),
                         0);
        struct linger off = {0, 0};
        assert_int_equal(berth_setsockopt(st, fd[i], SOL_SOCKET, SO_LINGER, &off, sizeof(off)), 0);
        assert_int_equal(st->sockopt_count, base + (unsigned)(i + 2) / 3);
        if (i % 3)
            continue;
        int prio = i % 7, lowat = i + 2;
        struct linger lg = {1, i};
        struct timeval tv = {.tv_sec = i, .tv_usec = 4000};
        assert_int_equal(berth_setsockopt(st, fd[i], SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)),
                         0);
        assert_int_equal(
            berth_setsockopt(st, fd[i], SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)), 0);
        assert_int_equal(berth_setsockopt(st, fd[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
        assert_int_equal(berth_setsockopt(st, fd[i], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
    }
    assert_int_equal(st->sockopt_count, base + (N + 2) / 3);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            if (fd[i] < 0)
                continue;
            bool set = i % 3 == 0;
            int v;
            socklen_t l = sizeof(v);
            assert_int_equal(berth_getsockopt(st, fd[i], SOL_SOCKET, SO_PRIORITY, &v, &l), 0);
            assert_int_equal(v, set ? i % 7 : 0);
            assert_int_equal(berth_getsockopt(st, fd[i], SOL_SOCKET, SO_RCVLOWAT, &v, &l), 0);
            assert_int_equal(v, set ? i + 2 : 1);
            struct linger lg;
            l = sizeof(lg);
            assert_int_equal(berth_getsockopt(st, fd[i], SOL_SOCKET, SO_LINGER, &lg, &l), 0);
            assert_int_equal(lg.l_onoff, set);
            assert_int_equal(lg.l_linger, set ? i : 0);
            struct timeval tv;
            l = sizeof(tv);
            assert_int_equal(berth_getsockopt(st, fd[i], SOL_SOCKET, SO_SNDTIMEO, &tv, &l), 0);
            assert_int_equal(tv.tv_sec, set ? i : 0);
            assert_int_equal(tv.tv_usec, set ? 4000 : 0);
        }
        if (round)
            break;
        /* close every other socket, open as many new ones (never set) */
        for (int i = 0; i < N; i += 2) {
            assert_int_equal(berth_close(st, fd[i]), 0);
            fd[i] = -1;
        }
        for (int i = 0; i < N; i += 2) {
            int s = udp(st);
            int v;
            socklen_t l = sizeof(v);
            assert_int_equal(berth_getsockopt(st, s, SOL_SOCKET, SO_PRIORITY, &v, &l), 0);
            assert_int_equal(v, 0);
            assert_int_equal(berth_getsockopt(st, s, SOL_SOCKET, SO_RCVLOWAT, &v, &l), 0);
            assert_int_equal(v, 1);
            assert_int_equal(berth_close(st, s), 0);
        }
    }
    for (int i = 0; i < N; i++)
        if (fd[i] >= 0)
            berth_close(st, fd[i]);
    assert_int_equal(st->sockopt_count, base);
#if BERTH_WITH_TCP
    /* accept() copies the listener's block */
    int l = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    int prio = 5, lowat = 7;
    assert_int_equal(berth_setsockopt(st, l, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)), 0);
    assert_int_equal(berth_setsockopt(st, l, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)), 0);
    struct sockaddr_in a = sin4("127.0.0.1", 7010);
    assert_int_equal(berth_bind(st, l, SA(a), sizeof(a)), 0);
    assert_int_equal(berth_listen(st, l, 4), 0);
    int c = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    assert_int_equal(berth_connect(st, c, SA(a), sizeof(a)), 0);
    int s = berth_accept4(st, l, NULL, NULL, 0);
    assert_true(s >= 0);
    int v;
    socklen_t vl = sizeof(v);
    assert_int_equal(berth_getsockopt(st, s, SOL_SOCKET, SO_PRIORITY, &v, &vl), 0);
    assert_int_equal(v, 5);
    assert_int_equal(berth_getsockopt(st, s, SOL_SOCKET, SO_RCVLOWAT, &v, &vl), 0);
    assert_int_equal(v, 7);
    assert_int_equal(berth_getsockopt(st, c, SOL_SOCKET, SO_PRIORITY, &v, &vl), 0);
    assert_int_equal(v, 0);
    assert_int_equal(st->sockopt_count, base + 2);
    berth_close(st, c);
    berth_close(st, s);
    berth_close(st, l);
#endif
}

/* Out of memory for the options block: setsockopt fails with ENOMEM and
 * the socket keeps its defaults; a failed doubling of the hash only makes
 * chains longer. */
static void *(*real_alloc)(void *ctx, size_t n);
static int fail_in = -1; /* the allocation after this many fails; -1: none */
static void *flaky_alloc(void *ctx, size_t n)
{
    if (fail_in == 0) {
        fail_in = -1;
        return NULL;
    }
    if (fail_in > 0)
        fail_in--;
    return real_alloc(ctx, n);
}

static void rare_options_out_of_memory(void **state)
{
    struct berth_stack *st = ST;
    enum { N = 40 };
    int fd[N], prio, v;
    socklen_t l = sizeof(v);
    for (int i = 0; i < N; i++)
        fd[i] = udp(st);
    real_alloc = st->plat.alloc;
    st->plat.alloc = flaky_alloc;
    /* no hash yet, and it cannot be made */
    fail_in = 0;
    prio = 3;
    assert_int_equal(berth_setsockopt(st, fd[0], SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)), -1);
    assert_int_equal(errno, ENOMEM);
    assert_int_equal(berth_getsockopt(st, fd[0], SOL_SOCKET, SO_PRIORITY, &v, &l), 0);
    assert_int_equal(v, 0);
    for (int i = 0; i < 16; i++) { /* 16 blocks fill the hash's 16 heads */
        prio = 1 + i % 6;
        assert_int_equal(berth_setsockopt(st, fd[i], SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)),
                         0);
    }
    assert_int_equal(st->sockopt_mask, 15);
    /* the doubling fails: the block still goes in, on a longer chain */
    fail_in = 0;
    prio = 1 + 16 % 6;
    assert_int_equal(berth_setsockopt(st, fd[16], SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)), 0);
    assert_int_equal(st->sockopt_mask, 15);
    prio = 1 + 17 % 6;
    assert_int_equal(berth_setsockopt(st, fd[17], SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)), 0);
    assert_int_equal(st->sockopt_mask, 31);
    /* the block itself cannot be allocated */
    fail_in = 0;
    prio = 5;
    assert_int_equal(berth_setsockopt(st, fd[18], SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)),
                     -1);
    assert_int_equal(errno, ENOMEM);
    for (int i = 18; i < N; i++) {
        prio = 1 + i % 6;
        assert_int_equal(berth_setsockopt(st, fd[i], SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)),
                         0);
    }
    st->plat.alloc = real_alloc;
    for (int i = 0; i < N; i++) {
        assert_int_equal(berth_getsockopt(st, fd[i], SOL_SOCKET, SO_PRIORITY, &v, &l), 0);
        assert_int_equal(v, 1 + i % 6);
    }
    assert_int_equal(st->sockopt_count, N);
    for (int i = 0; i < N; i++)
        berth_close(st, fd[i]);
    assert_int_equal(st->sockopt_count, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(descriptors_lowest_free_first),
        T(emfile_and_enfile),
        T(socket_errnos),
        T(bind_errnos),
        T(privileged_port_needs_capability),
        T(udp_exchange_peek_trunc_fionread),
        T(emsgsize_and_broadcast),
        T(connect_refused_and_unspec),
        T(rcvtimeo_in_virtual_time),
        T(rcvbuf_drops_are_counted),
        T(poll_bits),
        T(sockopt_errnos),
        T(rare_options_per_socket),
        T(rare_options_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
