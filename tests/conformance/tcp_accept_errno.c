/* listen() and accept() on TCP: EINVAL on a socket that does not listen,
 * EAGAIN non-blocking and after SO_RCVTIMEO, accept4() flags, the peer
 * address and its truncation, listen() again (a new backlog) and on a
 * connected socket, SHUT_RD on a listener (it stops listening), EOPNOTSUPP
 * for UDP. */
#include "conf.h"

int main(void)
{
    int l, u, s;
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    CHECKL("accept(unbound, not listening)", accept(l, NULL, NULL));
    struct sockaddr_in a = conf_sin("127.0.0.1", 6100);
    MUST(bind(l, SA(&a), sizeof a));
    CHECKL("accept(bound, not listening)", accept(l, NULL, NULL));
    CHECK(listen(l, 5));
    GETINT(l, SOL_SOCKET, SO_ACCEPTCONN);
    CHECK(listen(l, 10)); /* again: only the backlog changes */
    CHECKL("accept4(bad flags)", accept4(l, NULL, NULL, 0x40000000));
    int fl = fcntl(l, F_GETFL);
    MUST(fcntl(l, F_SETFL, fl | O_NONBLOCK));
    CHECKL("accept(O_NONBLOCK, empty)", accept(l, NULL, NULL));
    MUST(fcntl(l, F_SETFL, fl));
    struct timeval tv = {.tv_sec = 0, .tv_usec = 40000};
    MUST(setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    CHECKL("accept(SO_RCVTIMEO 40 ms, empty)", accept(l, NULL, NULL));
    /* a connection: the address, full and truncated */
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(s, SA(&a), sizeof a));
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int c = accept4(l, SA(&peer), &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    conf_report("accept4(NONBLOCK|CLOEXEC)", c < 0 ? -1 : 0, errno);
    conf_printf("  peer %s len=%u\n", conf_fmt_sa(&peer, pl, CONF_PORT_EPH), (unsigned)pl);
    conf_printf("  O_NONBLOCK=%d FD_CLOEXEC=%d\n", (fcntl(c, F_GETFL) & O_NONBLOCK) != 0,
                (fcntl(c, F_GETFD) & FD_CLOEXEC) != 0);
    SOCKNAME("accepted local", c, CONF_PORT_EXACT);
    GETINT(c, SOL_SOCKET, SO_ACCEPTCONN);
    CHECKL("listen(accepted socket)", listen(c, 5));
    CHECKL("listen(connected socket)", listen(s, 5));
    close(c);
    close(s);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(s, SA(&a), sizeof a));
    struct sockaddr_in small;
    memset(&small, 0xee, sizeof small);
    socklen_t sl = 4;
    c = accept(l, SA(&small), &sl);
    conf_report("accept(addrlen 4)", c < 0 ? -1 : 0, errno);
    conf_printf("  addrlen=%u family=%d\n", (unsigned)sl, small.sin_family);
    close(c);
    close(s);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(s, SA(&a), sizeof a));
    socklen_t neg = (socklen_t)-1;
    c = accept(l, SA(&small), &neg);
    conf_report("accept(addrlen -1)", c < 0 ? -1 : 0, errno);
    if (c >= 0)
        close(c);
    close(s);
    /* a pending connection makes the listener readable */
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    conf_printf("listener poll, idle: %s\n", conf_pollbits(conf_wait(l, POLLIN | POLLOUT, 0)));
    MUST(connect(s, SA(&a), sizeof a));
    conf_printf("listener poll, pending: %s\n", conf_pollbits(conf_wait(l, POLLIN | POLLOUT, 0)));
    /* SHUT_WR does nothing to a listener; SHUT_RD stops it */
    CHECKL("shutdown(listener, SHUT_WR)", shutdown(l, SHUT_WR));
    GETINT(l, SOL_SOCKET, SO_ACCEPTCONN);
    CHECKL("shutdown(listener, SHUT_RD)", shutdown(l, SHUT_RD));
    GETINT(l, SOL_SOCKET, SO_ACCEPTCONN);
    CHECKL("accept after SHUT_RD", accept(l, NULL, NULL));
    char b;
    CHECKL("recv on the connection it dropped", recv(s, &b, 1, 0));
    int s2;
    MUST(s2 = socket(AF_INET, SOCK_STREAM, 0));
    CHECKL("connect to it", connect(s2, SA(&a), sizeof a));
    CHECKL("listen again", listen(l, 5));
    CHECKL("connect again", connect(s2, SA(&a), sizeof a));
    close(s2);
    close(s);
    close(l);
    /* UDP */
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    CHECKL("listen(UDP)", listen(u, 5));
    CHECKL("accept(UDP)", accept(u, NULL, NULL));
    close(u);
    return 0;
}
