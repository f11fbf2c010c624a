/* connect() on TCP sockets: argument errors, refusal, the socket states
 * (EISCONN after a connect, on an accepted socket and on a listener),
 * EALREADY while a SYN is outstanding, EADDRNOTAVAIL for a 4-tuple in use,
 * ENETUNREACH, connect(AF_UNSPEC) to disconnect and connect again. */
#include "conf.h"

static int listener(int port, int backlog)
{
    int l;
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, backlog));
    return l;
}

int main(void)
{
    int s, l = listener(6000, 5);
    struct sockaddr_in a = conf_sin("127.0.0.1", 6000);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    /* arguments */
    CHECK(connect(s, SA(&a), 0));
    CHECK(connect(s, SA(&a), 1));
    CHECK(connect(s, SA(&a), 15));
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    CHECK(connect(s, SA(&a6), sizeof a6));
    struct sockaddr_in bad = a;
    bad.sin_family = 255;
    CHECK(connect(s, SA(&bad), sizeof bad));
    /* refused, then the same socket connects */
    struct sockaddr_in closed = conf_sin("127.0.0.1", 6001);
    CHECK(connect(s, SA(&closed), sizeof closed));
    GETINT(s, SOL_SOCKET, SO_ERROR);
    CHECK(connect(s, SA(&a), sizeof a));
    PEERNAME("peer", s, CONF_PORT_EXACT);
    SOCKNAME("local", s, CONF_PORT_EPH);
    CHECK(connect(s, SA(&a), sizeof a));
    CHECK(connect(s, SA(&closed), sizeof closed));
    int c;
    MUST(c = accept(l, NULL, NULL));
    CHECKL("connect(accepted socket)", connect(c, SA(&closed), sizeof closed));
    CHECKL("connect(listening socket)", connect(l, SA(&a), sizeof a));
    /* connect(AF_UNSPEC): the connection is reset, the socket reusable */
    struct sockaddr un = {.sa_family = AF_UNSPEC};
    CHECKL("connect(AF_UNSPEC)", connect(s, &un, sizeof un));
    GETINT(s, SOL_SOCKET, SO_ERROR);
    PEERNAME("peer after AF_UNSPEC", s, CONF_PORT_EXACT);
    char b;
    CHECKL("peer recv after AF_UNSPEC", recv(c, &b, 1, 0));
    CHECKL("connect again", connect(s, SA(&a), sizeof a));
    close(c);
    close(s);
    /* an explicit port whose 4-tuple is taken */
    int x, y;
    MUST(x = socket(AF_INET, SOCK_STREAM, 0));
    MUST(y = socket(AF_INET, SOCK_STREAM, 0));
    int one = 1;
    MUST(setsockopt(x, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    MUST(setsockopt(y, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in xa = conf_sin("127.0.0.1", 6010);
    CHECKL("bind x", bind(x, SA(&xa), sizeof xa));
    CHECKL("bind y (same port, SO_REUSEADDR)", bind(y, SA(&xa), sizeof xa));
    CHECKL("connect x", connect(x, SA(&a), sizeof a));
    CHECKL("connect y (same 4-tuple)", connect(y, SA(&a), sizeof a));
    int z;
    MUST(z = socket(AF_INET, SOCK_STREAM, 0));
    MUST(setsockopt(z, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    CHECKL("bind z (same port)", bind(z, SA(&xa), sizeof xa));
    struct sockaddr_in other = conf_sin("127.0.0.2", 6000);
    CHECKL("connect z (other peer address: refused)", connect(z, SA(&other), sizeof other));
    close(x);
    close(y);
    close(z);
    /* EALREADY: backlog 0 takes one connection; the next SYN is dropped */
    int l2 = listener(6020, 0);
    struct sockaddr_in a2 = conf_sin("127.0.0.1", 6020);
    int n1, n2;
    MUST(n1 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    MUST(n2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECKL("connect n1", connect(n1, SA(&a2), sizeof a2));
    conf_wait(n1, POLLOUT, 1000);
    CHECKL("connect n1 again", connect(n1, SA(&a2), sizeof a2));
    CHECKL("connect n2 (queue full)", connect(n2, SA(&a2), sizeof a2));
    CHECKL("connect n2 again", connect(n2, SA(&a2), sizeof a2));
    conf_printf("n2 poll: %s\n", conf_pollbits(conf_wait(n2, POLLOUT, 0)));
    GETINT(n2, SOL_SOCKET, SO_ERROR);
    PEERNAME("n2 peer while connecting", n2, CONF_PORT_EXACT);
    close(n1);
    close(n2);
    close(l2);
    /* no route */
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in far = conf_sin("192.0.2.1", 80);
    CHECKL("connect(192.0.2.1)", connect(s, SA(&far), sizeof far));
    SOCKNAME("local after ENETUNREACH", s, CONF_PORT_EPH);
    close(s);
    close(l);
    return 0;
}
