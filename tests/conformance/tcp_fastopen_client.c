/* TCP Fast Open, client side, with no cookie cached (RFC 7413; Linux's
 * tcp_sendmsg_fastopen and tcp_fastopen_defer_connect): sendto() with
 * MSG_FASTOPEN on an unconnected socket connects (the SYN asks for a
 * cookie) and, when blocking, sends the data once the handshake is done;
 * non-blocking it gives EINPROGRESS and takes no data. TCP_FASTOPEN_CONNECT
 * makes connect() ask for a cookie too. The options' rules, and
 * net.ipv4.tcp_fastopen (1 by default: client on; 0 turns it off). */
#include "confx.h"

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN 23
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef TCP_FASTOPEN_NO_COOKIE
#define TCP_FASTOPEN_NO_COOKIE 34
#endif

static int l; /* the listener */

/* tcpi_fastopen_client_fail (Linux 5.5): two bits of struct tcp_info's
 * eighth byte, after tcpi_delivery_rate_app_limited (not in every libc's
 * struct tcp_info, so read by offset). 1 = TFO_COOKIE_UNAVAILABLE. */
static void client_fail(const char *label, int fd)
{
    unsigned char ti[104];
    socklen_t tl = sizeof ti;
    memset(ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &tl) < 0)
        conf_printf("%s: TCP_INFO = -1 %s\n", label, conf_errname(errno));
    else
        conf_printf("%s: tcpi_fastopen_client_fail = %d\n", label, (ti[7] >> 1) & 3);
}

/* Accepts the next connection and prints what it received. */
static void peer_reads(const char *label)
{
    int a = accept(l, NULL, NULL);
    if (a < 0) {
        conf_printf("%s: accept = -1 %s\n", label, conf_errname(errno));
        return;
    }
    char buf[64];
    conf_wait(a, POLLIN, 1000);
    ssize_t n = recv(a, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0)
        conf_printf("%s: peer recv = -1 %s\n", label, conf_errname(errno));
    else
        conf_printf("%s: peer recv = %zd \"%.*s\"\n", label, n, (int)n, buf);
    close(a);
}

int main(void)
{
    char v[32];
    if (conf_sysctl_get("net.ipv4.tcp_fastopen", v, sizeof v) == 0)
        conf_printf("tcp_fastopen default = %s\n", v);
    struct sockaddr_in la = conf_sin("127.0.0.1", 6100);
    struct sockaddr_in closed = conf_sin("127.0.0.1", 6101);
    int s, one = 1;
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    MUST(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    MUST(bind(l, SA(&la), sizeof la));
    MUST(listen(l, 16));

    conf_printf("-- blocking sendto(MSG_FASTOPEN): connects, then sends\n");
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    client_fail("fresh", s);
    CHECK(sendto(s, "hello", 5, MSG_FASTOPEN, SA(&la), sizeof la));
    PEERNAME("s", s, 0);
    client_fail("connected", s);
    peer_reads("unbound");
    CHECK(sendto(s, "again", 5, MSG_FASTOPEN, SA(&la), sizeof la));
    CHECK(sendto(s, "again", 5, MSG_FASTOPEN, NULL, 0));
    CHECK(send(s, "again", 5, MSG_FASTOPEN));
    close(s);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    {
        struct sockaddr_in ba = conf_sin("127.0.0.1", 6102);
        MUST(bind(s, SA(&ba), sizeof ba));
    }
    CHECK(sendto(s, "bound", 5, MSG_FASTOPEN, SA(&la), sizeof la));
    SOCKNAME("s", s, 0);
    peer_reads("bound");
    close(s);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(sendto(s, "", 0, MSG_FASTOPEN, SA(&la), sizeof la));
    PEERNAME("s", s, 0);
    CHECK(send(s, "after", 5, 0));
    peer_reads("zero length");
    close(s);

    conf_printf("-- non-blocking: EINPROGRESS, the data is not taken\n");
    MUST(s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECK(sendto(s, "first", 5, MSG_FASTOPEN, SA(&la), sizeof la));
    conf_printf("poll: %s\n", conf_pollbits(conf_wait(s, POLLOUT, 1000)));
    CHECK(sendto(s, "second", 6, MSG_FASTOPEN, SA(&la), sizeof la));
    CHECK(sendto(s, "third", 5, MSG_FASTOPEN, SA(&la), sizeof la));
    CHECK(connect(s, SA(&la), sizeof la));
    peer_reads("non-blocking");
    close(s);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(sendto(s, "dw", 2, MSG_FASTOPEN | MSG_DONTWAIT, SA(&la), sizeof la));
    conf_wait(s, POLLOUT, 1000);
    CHECK(send(s, "dw", 2, 0));
    peer_reads("MSG_DONTWAIT");
    close(s);

    conf_printf("-- errors\n");
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(send(s, "x", 1, MSG_FASTOPEN));
    {
        struct sockaddr un = {.sa_family = AF_UNSPEC};
        CHECK(sendto(s, "x", 1, MSG_FASTOPEN, &un, sizeof un));
        struct sockaddr_in6 six = {.sin6_family = AF_INET6};
        CHECK(sendto(s, "x", 1, MSG_FASTOPEN, SA(&six), sizeof six));
    }
    CHECK(sendto(s, "x", 1, MSG_FASTOPEN, SA(&la), 8));
    CHECK(sendto(s, "x", 1, MSG_FASTOPEN, SA(&la), 1));
    CHECK(sendto(l, "x", 1, MSG_FASTOPEN, SA(&la), sizeof la));
    CHECK(sendto(s, "x", 1, MSG_FASTOPEN, SA(&closed), sizeof closed));
    GETINT(s, SOL_SOCKET, SO_ERROR);
    client_fail("refused", s);
    CHECK(sendto(s, "retry", 5, MSG_FASTOPEN, SA(&la), sizeof la));
    peer_reads("after a refusal");
    close(s);
    MUST(s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECK(sendto(s, "x", 1, MSG_FASTOPEN, SA(&closed), sizeof closed));
    conf_wait(s, POLLOUT, 1000);
    CHECK(sendto(s, "x", 1, MSG_FASTOPEN, SA(&closed), sizeof closed));
    GETINT(s, SOL_SOCKET, SO_ERROR);
    close(s);

    conf_printf("-- AF_INET6 socket, v4-mapped peer\n");
    {
        struct sockaddr_in6 m6;
        memset(&m6, 0, sizeof m6);
        m6.sin6_family = AF_INET6;
        m6.sin6_port = htons(6100);
        inet_pton(AF_INET6, "::ffff:127.0.0.1", &m6.sin6_addr);
        MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
        CHECK(sendto(s, "six", 3, MSG_FASTOPEN, SA(&m6), sizeof m6));
        peer_reads("v4-mapped");
        GETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT);
        close(s);
    }

    conf_printf("-- options\n");
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN);
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT);
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 2);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, -1);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN, -1);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN, 5);
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN, 100000); /* min(v, somaxconn) */
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN, 0);
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, 2);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, 0);
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE);
    {
        short sh = 1;
        CHECK(setsockopt(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &sh, sizeof sh));
        CHECK(setsockopt(s, IPPROTO_TCP, TCP_FASTOPEN, &sh, sizeof sh));
        char c[4] = {0};
        socklen_t cl = 1;
        CHECK(getsockopt(s, IPPROTO_TCP, TCP_FASTOPEN, c, &cl));
        conf_printf("  1-byte read: len=%u\n", (unsigned)cl);
    }
    SETINT(l, IPPROTO_TCP, TCP_FASTOPEN, 7);
    GETINT(l, IPPROTO_TCP, TCP_FASTOPEN);
    SETINT(l, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1);
    SETINT(l, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, 1);
    SETINT(l, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, 0);
    close(s);

    conf_printf("-- TCP_FASTOPEN_CONNECT without a cookie: a plain connect\n");
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1);
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT);
    CHECK(connect(s, SA(&la), sizeof la));
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 0);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN, 3);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, 1);
    CHECK(send(s, "fc", 2, MSG_FASTOPEN)); /* its request is still held */
    CHECK(send(s, "fc", 2, 0));
    peer_reads("TCP_FASTOPEN_CONNECT");
    close(s);
    MUST(s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1);
    CHECK(connect(s, SA(&la), sizeof la));
    CHECK(send(s, "y", 1, MSG_FASTOPEN));
    CHECK(sendto(s, "y", 1, MSG_FASTOPEN, SA(&la), sizeof la));
    conf_wait(s, POLLOUT, 1000);
    CHECK(connect(s, SA(&la), sizeof la));
    CHECK(connect(s, SA(&la), sizeof la));
    CHECK(send(s, "nb", 2, 0));
    peer_reads("TCP_FASTOPEN_CONNECT non-blocking");
    client_fail("TCP_FASTOPEN_CONNECT", s);
    {
        struct sockaddr un = {.sa_family = AF_UNSPEC};
        CHECK(connect(s, &un, sizeof un)); /* disconnect drops the request */
    }
    client_fail("disconnected", s);
    GETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT);
    close(s);

    conf_printf("-- what an accepted socket inherits\n");
    {
        struct sockaddr_in l2a = conf_sin("127.0.0.1", 6103);
        int l2, c, a;
        MUST(l2 = socket(AF_INET, SOCK_STREAM, 0));
        SETINT(l2, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1);
        SETINT(l2, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, 1);
        SETINT(l2, IPPROTO_TCP, TCP_FASTOPEN, 9);
        MUST(bind(l2, SA(&l2a), sizeof l2a));
        MUST(listen(l2, 4));
        GETINT(l2, IPPROTO_TCP, TCP_FASTOPEN);
        MUST(c = socket(AF_INET, SOCK_STREAM, 0));
        MUST(connect(c, SA(&l2a), sizeof l2a));
        MUST(a = accept(l2, NULL, NULL));
        GETINT(a, IPPROTO_TCP, TCP_FASTOPEN);
        GETINT(a, IPPROTO_TCP, TCP_FASTOPEN_CONNECT);
        GETINT(a, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE);
        client_fail("accepted", a);
        CHECK(send(a, "z", 1, MSG_FASTOPEN));
        close(a);
        close(c);
        close(l2);
    }

    conf_printf("-- net.ipv4.tcp_fastopen = 0\n");
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1);
    SYSCTL("net.ipv4.tcp_fastopen", "0");
    CHECK(sendto(s, "x", 1, MSG_FASTOPEN, SA(&la), sizeof la));
    CHECK(sendto(s, "x", 1, MSG_FASTOPEN | MSG_NOSIGNAL, SA(&la), sizeof la));
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 0);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 2);
    SETINT(s, IPPROTO_TCP, TCP_FASTOPEN, 2);
    {
        int t;
        MUST(t = socket(AF_INET, SOCK_STREAM, 0));
        SETINT(t, IPPROTO_TCP, TCP_FASTOPEN_NO_COOKIE, 1);
        close(t);
    }
    CHECK(connect(s, SA(&la), sizeof la)); /* set before: still a plain connect */
    CHECK(send(s, "off", 3, 0));
    peer_reads("tcp_fastopen=0");
    close(s);
    SYSCTL("net.ipv4.tcp_fastopen", "-5");
    if (conf_sysctl_get("net.ipv4.tcp_fastopen", v, sizeof v) == 0)
        conf_printf("tcp_fastopen = %s\n", v);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(sendto(s, "odd", 3, MSG_FASTOPEN, SA(&la), sizeof la)); /* -5 has bit 1 */
    peer_reads("tcp_fastopen=-5");
    close(s);
    SYSCTL("net.ipv4.tcp_fastopen", "2");
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(sendto(s, "x", 1, MSG_FASTOPEN, SA(&la), sizeof la));
    close(s);
    SYSCTL("net.ipv4.tcp_fastopen", "1");
    return 0;
}
