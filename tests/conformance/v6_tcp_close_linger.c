/* IPv6 (::1) twin of tcp_close_linger.c: the same calls over native IPv6, so TCP
 * behaves the same over both families. Its own text follows.
 *
 * close() of TCP sockets: with unread data (the peer sees a reset), with
 * SO_LINGER 0 (abort: reset, no TIME_WAIT), with SO_LINGER and a timeout
 * (close waits for the FIN's acknowledgement), the orderly close (the
 * active closer keeps its port in TIME_WAIT; SO_REUSEADDR lets a new socket
 * in), and close of a listener with connections not yet accepted. */
#include "confx.h"
#include "v6_tcp.h"

static void pair(int l, const struct sockaddr_in6 *a, int *c, int *s, int cport)
{
    int one = 1;
    MUST(*c = socket(AF_INET6, SOCK_STREAM, 0));
    if (cport) {
        struct sockaddr_in6 b = v6_sin6("::1", cport);
        MUST(setsockopt(*c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
        MUST(bind(*c, SA(&b), sizeof b));
    }
    MUST(connect(*c, SA(a), sizeof *a));
    MUST(*s = accept(l, NULL, NULL));
}

static const char *try_bind(int port, int reuse)
{
    int n = conf_sock(AF_INET6, SOCK_STREAM, reuse, 0);
    struct sockaddr_in6 a = v6_sin6("::1", port);
    const char *r = conf_res(bind(n, SA(&a), sizeof a) < 0 ? -errno : 0);
    close(n);
    return r;
}

int main(void)
{
    int l, c, s;
    char buf[16];
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 a = v6_sin6("::1", 6400);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 8));

    /* unread data: RST instead of FIN */
    pair(l, &a, &c, &s, 6401);
    send(c, "unread", 6, 0);
    conf_wait(s, POLLIN, 1000);
    CHECKL("close(with unread data)", close(s));
    conf_wait(c, POLLIN, 1000);
    CHECKL("peer recv", recv(c, buf, sizeof buf, 0));
    CHECKL("peer recv again", recv(c, buf, sizeof buf, 0));
    close(c);
    conf_printf("port 6401 after the reset, no SO_REUSEADDR: %s\n", try_bind(6401, 0));

    /* SO_LINGER 0: abort */
    pair(l, &a, &c, &s, 6402);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    MUST(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    CHECKL("close(SO_LINGER 0)", close(c));
    conf_wait(s, POLLIN, 1000);
    CHECKL("peer recv", recv(s, buf, sizeof buf, 0));
    close(s);
    conf_printf("port 6402 after the abort: %s\n", try_bind(6402, 0));

    /* SO_LINGER 1 s: close waits for the FIN to be acknowledged */
    pair(l, &a, &c, &s, 6403);
    lg.l_linger = 1;
    MUST(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    send(c, "bye", 3, 0);
    CHECKL("close(SO_LINGER 1)", close(c));
    CHECKL("peer recv data", recv(s, buf, sizeof buf, 0));
    CHECKL("peer recv EOF", recv(s, buf, sizeof buf, 0));
    close(s);
    conf_printf("port 6403 in TIME_WAIT, no SO_REUSEADDR: %s\n", try_bind(6403, 0));
    conf_printf("port 6403 in TIME_WAIT, SO_REUSEADDR: %s\n", try_bind(6403, 1));

    /* orderly close, the server first: the server side holds TIME_WAIT */
    pair(l, &a, &c, &s, 6404);
    CHECKL("close(server side)", close(s));
    conf_wait(c, POLLIN, 1000);
    CHECKL("client recv EOF", recv(c, buf, sizeof buf, 0));
    CHECKL("client send after the peer closed", send(c, "x", 1, MSG_NOSIGNAL));
    conf_wait(c, POLLIN, 1000);
    CHECKL("client recv after its data hit a closed socket", recv(c, buf, sizeof buf, 0));
    close(c);
    conf_printf("port 6404 (client, passive closer): %s\n", try_bind(6404, 0));

    /* close a listener with a connection it never accepted */
    int l2, c2;
    MUST(l2 = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 a2 = v6_sin6("::1", 6410);
    MUST(bind(l2, SA(&a2), sizeof a2));
    MUST(listen(l2, 8));
    MUST(c2 = socket(AF_INET6, SOCK_STREAM, 0));
    MUST(connect(c2, SA(&a2), sizeof a2));
    send(c2, "hi", 2, 0);
    CHECKL("close(listener with a queued connection)", close(l2));
    conf_wait(c2, POLLIN, 1000);
    CHECKL("queued client recv", recv(c2, buf, sizeof buf, 0));
    close(c2);
    conf_printf("port 6410 after the listener closed: %s\n", try_bind(6410, 0));

    /* close twice, close of a shut-down socket */
    pair(l, &a, &c, &s, 0);
    shutdown(c, SHUT_RDWR);
    CHECKL("close(after SHUT_RDWR)", close(c));
    CHECKL("close again", close(c));
    close(s);
    close(l);
    return 0;
}
