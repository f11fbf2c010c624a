/* IPv6 (::1) twin of tcp_shutdown_poll.c: the same calls over native IPv6, so TCP
 * behaves the same over both families. Its own text follows.
 *
 * shutdown() and poll() through a TCP connection's life: the poll bits of
 * a fresh, a listening, a connected socket, after each direction is shut,
 * after the peer's FIN and after its RST; shutdown() errors (ENOTCONN,
 * EINVAL) and shutting twice. */
#include "conf.h"
#include "v6_tcp.h"

static void show(const char *what, int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP | POLLPRI};
    int n = poll(&p, 1, 0);
    conf_printf("%s: poll=%d %s\n", what, n, conf_pollbits(p.revents));
}

static void pair(int l, const struct sockaddr_in6 *a, int *c, int *s)
{
    MUST(*c = socket(AF_INET6, SOCK_STREAM, 0));
    MUST(connect(*c, SA(a), sizeof *a));
    MUST(*s = accept(l, NULL, NULL));
}

int main(void)
{
    int f, l, c, s;
    char buf[16];
    MUST(f = socket(AF_INET6, SOCK_STREAM, 0));
    show("fresh", f);
    CHECKL("shutdown(fresh, SHUT_RDWR)", shutdown(f, SHUT_RDWR));
    CHECKL("shutdown(fresh, 3)", shutdown(f, 3));
    show("fresh after shutdown", f);
    close(f);
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 a = v6_sin6("::1", 6300);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 8));
    show("listening", l);

    pair(l, &a, &c, &s);
    show("connected", c);
    send(c, "x", 1, 0);
    conf_wait(s, POLLIN, 1000);
    show("with data", s);
    recv(s, buf, sizeof buf, 0);
    CHECKL("shutdown(c, SHUT_WR)", shutdown(c, SHUT_WR));
    show("c after SHUT_WR", c);
    conf_wait(s, POLLIN, 1000);
    show("s after the peer's FIN", s);
    CHECKL("shutdown(c, SHUT_WR) again", shutdown(c, SHUT_WR));
    CHECKL("shutdown(s, SHUT_WR)", shutdown(s, SHUT_WR));
    conf_wait(c, POLLIN, 1000);
    show("c after both FINs", c);
    show("s after both FINs", s);
    CHECKL("shutdown(c, SHUT_RD) after both FINs", shutdown(c, SHUT_RD));
    close(c);
    close(s);

    pair(l, &a, &c, &s);
    CHECKL("shutdown(c, SHUT_RD)", shutdown(c, SHUT_RD));
    show("c after SHUT_RD", c);
    CHECKL("shutdown(c, SHUT_RDWR)", shutdown(c, SHUT_RDWR));
    show("c after SHUT_RDWR", c);
    conf_wait(s, POLLIN, 1000);
    show("s, peer shut both", s);
    close(c);
    close(s);

    pair(l, &a, &c, &s);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    MUST(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    close(s);
    conf_wait(c, POLLIN, 1000);
    show("c after the peer's RST", c);
    GETINT(c, SOL_SOCKET, SO_ERROR);
    show("c after reading SO_ERROR", c);
    CHECKL("shutdown(c, SHUT_WR) after RST", shutdown(c, SHUT_WR));
    close(c);

    /* a connect in progress */
    int l0, n1, n2;
    MUST(l0 = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 a0 = v6_sin6("::1", 6301);
    MUST(bind(l0, SA(&a0), sizeof a0));
    MUST(listen(l0, 0));
    MUST(n1 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0));
    MUST(n2 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0));
    connect(n1, SA(&a0), sizeof a0);
    conf_wait(n1, POLLOUT, 1000);
    connect(n2, SA(&a0), sizeof a0); /* its SYN is dropped: the queue is full */
    show("connecting", n2);
    CHECKL("shutdown(connecting, SHUT_WR)", shutdown(n2, SHUT_WR));
    show("connecting after shutdown", n2);
    CHECKL("connect after that", connect(n2, SA(&a0), sizeof a0));
    close(n1);
    close(n2);
    close(l0);
    close(l);
    return 0;
}
