/* Credentials follow the calling thread on every call (Linux 6.x), even when
 * the program changes them behind the socket layer's back with seteuid(),
 * setresuid() or capset():
 *  - a socket records its owner uid when it is created (sock_i_uid), and
 *    SO_REUSEPORT compares those: after seteuid(20), a new socket cannot
 *    join a group that uid 10 created (EADDRINUSE);
 *  - bind() checks CAP_NET_BIND_SERVICE of the caller at the call;
 *  - SO_PRIORITY above 6 and SO_MARK need CAP_NET_RAW or CAP_NET_ADMIN,
 *    SO_RCVBUFFORCE / SO_SNDBUFFORCE CAP_NET_ADMIN, all of the caller;
 *  - SO_PEERCRED on a TCP socket reports no credentials (pid 0 and the
 *    overflow uid/gid 65534).
 * Unlike the priv_* programs this one changes credentials with the plain
 * system calls in both builds (no berth_cred_set): berth must notice. */
#include <linux/capability.h>
#include <sys/syscall.h>

#include "conf.h"

/* Effective capabilities: all of the permitted set, or none; then
 * CAP_NET_BIND_SERVICE added or removed. */
static void caps(int all, int bind_service)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    MUST(syscall(SYS_capget, &h, d));
    for (int i = 0; i < 2; i++)
        d[i].effective = all ? d[i].permitted : 0;
    uint32_t bit = 1u << (CAP_NET_BIND_SERVICE % 32);
    if (bind_service)
        d[CAP_NET_BIND_SERVICE / 32].effective |= d[CAP_NET_BIND_SERVICE / 32].permitted & bit;
    else
        d[CAP_NET_BIND_SERVICE / 32].effective &= ~bit;
    MUST(syscall(SYS_capset, &h, d));
}

static void euid(int uid)
{
    conf_printf("seteuid(%d)\n", uid);
    MUST(seteuid(0)); /* the real uid is 0: always allowed */
    MUST(seteuid((uid_t)uid));
}

static int rp_sock(int type)
{
    int s, one = 1;
    MUST(s = socket(AF_INET, type, 0));
    MUST(setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one));
    return s;
}

static int bind4(int s, int port)
{
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    return bind(s, SA(&a), sizeof a);
}

static void reuseport(int type)
{
    const char *t = type == SOCK_STREAM ? "tcp" : "udp";
    euid(10);
    int a = rp_sock(type), b = rp_sock(type);
    conf_printf("%s uid 10 first owner of :7000\n", t);
    CHECK(bind4(a, 7000));
    CHECK(bind4(b, 7000)); /* same uid: joins */
    euid(20);
    int c = rp_sock(type);
    conf_printf("%s uid 20 joins uid 10's group\n", t);
    CHECK(bind4(c, 7000));
    euid(10);
    conf_printf("%s the same socket, bound as uid 10 (owner is still 20)\n", t);
    CHECK(bind4(c, 7000));
    int d = rp_sock(type);
    conf_printf("%s a socket created as uid 10\n", t);
    CHECK(bind4(d, 7000));
    euid(0);
    caps(1, 1);
    close(a);
    close(b);
    close(c);
    close(d);
}

static void privileged(void)
{
    int s;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    euid(10);
    conf_printf("root's socket, bound by uid 10 to :80\n");
    CHECK(bind4(s, 80));
    euid(0);
    caps(1, 1);
    conf_printf("bound by root to :80\n");
    CHECK(bind4(s, 80));
    close(s);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    conf_printf("capset: CAP_NET_BIND_SERVICE dropped, still euid 0\n");
    caps(1, 0);
    CHECK(bind4(s, 81));
    caps(1, 1);
    conf_printf("capset: back\n");
    CHECK(bind4(s, 81));
    close(s);
    conf_printf("setresuid(-1, 30, -1), then bind :82\n");
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(setresuid((uid_t)-1, 30, (uid_t)-1));
    CHECK(bind4(s, 82));
    CHECK(bind4(s, 2000));
    MUST(setresuid((uid_t)-1, 0, (uid_t)-1));
    caps(1, 1);
    close(s);
}

static void options(void)
{
    int s, v = 7;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    conf_printf("root: SO_PRIORITY 7, SO_MARK, SO_RCVBUFFORCE, SO_SNDBUFFORCE\n");
    CHECK(setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof v));
    CHECK(setsockopt(s, SOL_SOCKET, SO_MARK, &v, sizeof v));
    v = 65536;
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v));
    CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof v));
    euid(10);
    conf_printf("uid 10 on root's socket: the same\n");
    v = 7;
    CHECK(setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof v));
    v = 6;
    CHECK(setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof v));
    CHECK(setsockopt(s, SOL_SOCKET, SO_MARK, &v, sizeof v));
    v = 65536;
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v));
    CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof v));
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
    euid(0);
    caps(1, 1);
    close(s);
}

static void peercred(void)
{
    int l, c, a;
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    MUST(bind4(l, 7100));
    MUST(listen(l, 4));
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in sa = conf_sin("127.0.0.1", 7100);
    MUST(connect(c, SA(&sa), sizeof sa));
    MUST(a = accept(l, NULL, NULL));
    int fds[3] = {l, c, a};
    const char *names[3] = {"listener", "client", "accepted"};
    for (int i = 0; i < 3; i++) {
        struct ucred u;
        socklen_t ul = sizeof u;
        memset(&u, 0x55, sizeof u);
        int r = getsockopt(fds[i], SOL_SOCKET, SO_PEERCRED, &u, &ul);
        conf_printf("SO_PEERCRED %s: %d len %u pid %d uid %d gid %d\n", names[i], r, (unsigned)ul,
                    (int)u.pid, (int)u.uid, (int)u.gid);
    }
    int small;
    socklen_t sl = sizeof small;
    CHECK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &small, &sl));
    conf_printf("short buffer len %u\n", (unsigned)sl);
    close(a);
    close(c);
    close(l);
}

int main(void)
{
    reuseport(SOCK_DGRAM);
    reuseport(SOCK_STREAM);
    privileged();
    options();
    peercred();
    return 0;
}
