/* The errnos of listen(), accept(), connect(), send() and recv() on TCP
 * sockets that the other TCP programs do not provoke: descriptors that are
 * not sockets or not open (EBADF, ENOTSOCK before anything else), unreadable
 * or unwritable user memory (EFAULT), accept() at the descriptor limit
 * (EMFILE, the connection stays queued), connect() to broadcast, multicast
 * and unroutable addresses, and send/recv on listening, shut-down and
 * never-connected sockets. */
#include <signal.h>
#include <sys/resource.h>

#include "conf.h"

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    int devnull, l, c, s;
    char buf[64];
    MUST(devnull = open("/dev/null", O_RDWR));

    /* listen() */
    CHECK(listen(-1, 5));
    CHECK(listen(9999, 5));
    CHECK(listen(devnull, 5));

    /* accept() */
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    CHECK(accept(-1, SA(&peer), &pl));
    CHECK(accept(devnull, SA(&peer), &pl));
    CHECK(accept4(devnull, SA(&peer), &pl, SOCK_NONBLOCK));

    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in la = conf_sin("127.0.0.1", 6200);
    MUST(bind(l, SA(&la), sizeof la));
    MUST(listen(l, 8));
    MUST(fcntl(l, F_SETFL, O_NONBLOCK)); /* a lost connection fails, not hangs */

    /* EFAULT for the address or its length: the connection is taken off
     * the queue all the same (Linux copies the address out after the
     * accept), so each case uses a connection of its own. */
    int cl[4];
    for (int i = 0; i < 4; i++) {
        MUST(cl[i] = socket(AF_INET, SOCK_STREAM, 0));
        MUST(connect(cl[i], SA(&la), sizeof la));
    }
    pl = sizeof peer;
    CHECKL("accept(addr bad)", (s = accept(l, CONF_BADPTR, &pl)));
    if (s >= 0)
        close(s);
    CHECKL("accept(addrlen bad)", (s = accept(l, SA(&peer), CONF_BADPTR)));
    if (s >= 0)
        close(s);
    CHECKL("accept(addr NULL, addrlen NULL)", (s = accept(l, NULL, NULL)));
    if (s >= 0)
        close(s);

    /* EMFILE: with RLIMIT_NOFILE at the descriptors already open, accept
     * fails and the connection is not lost: after raising the limit again
     * accept returns it. */
    int udp;
    MUST(udp = socket(AF_INET, SOCK_DGRAM, 0));
    struct rlimit old, lim;
    MUST(getrlimit(RLIMIT_NOFILE, &old));
    int top;
    MUST(top = dup(devnull));
    close(top);
    lim = old;
    lim.rlim_cur = (rlim_t)top;
    MUST(setrlimit(RLIMIT_NOFILE, &lim));
    CHECKL("accept at RLIMIT_NOFILE", (s = accept(l, NULL, NULL)));
    if (s >= 0)
        close(s);
    CHECKL("accept(not a socket) at RLIMIT_NOFILE", accept(devnull, NULL, NULL));
    CHECKL("accept(UDP socket) at RLIMIT_NOFILE", accept(udp, NULL, NULL));
    CHECKL("socket at RLIMIT_NOFILE", (s = socket(AF_INET, SOCK_STREAM, 0)));
    if (s >= 0)
        close(s);
    MUST(setrlimit(RLIMIT_NOFILE, &old));
    CHECKL("accept after raising the limit", (s = accept(l, NULL, NULL)) >= 0 ? 0 : -1);
    if (s >= 0)
        close(s);
    CHECKL("accept, queue empty", accept(l, NULL, NULL));
    for (int i = 0; i < 4; i++)
        close(cl[i]);
    close(udp);

    /* connect() */
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(connect(-1, SA(&la), sizeof la));
    CHECK(connect(devnull, SA(&la), sizeof la));
    CHECK(connect(c, CONF_BADPTR, sizeof la));
    CHECK(connect(c, SA(&la), 129));
    struct sockaddr_in to = conf_sin("255.255.255.255", 80);
    CHECKL("connect(255.255.255.255)", connect(c, SA(&to), sizeof to));
    to = conf_sin("224.0.0.1", 80);
    CHECKL("connect(224.0.0.1)", connect(c, SA(&to), sizeof to));
    to = conf_sin("192.0.2.1", 80);
    CHECKL("connect(192.0.2.1, no route)", connect(c, SA(&to), sizeof to));
    to = conf_sin("0.0.0.0", 6200);
    CHECKL("connect(0.0.0.0 = this host)", connect(c, SA(&to), sizeof to));
    PEERNAME("peer", c, CONF_PORT_EXACT);
    close(c);
    MUST(s = accept(l, NULL, NULL)); /* that connection, ended */
    CHECKL("recv on it", recv(s, buf, sizeof buf, 0));
    close(s);

    /* send() and recv() */
    CHECK(send(-1, "x", 1, 0));
    CHECK(send(devnull, "x", 1, 0));
    CHECK(recv(-1, buf, sizeof buf, 0));
    CHECK(recv(devnull, buf, sizeof buf, 0));
    CHECKL("send(listener)", send(l, "x", 1, MSG_NOSIGNAL));
    CHECKL("recv(listener)", recv(l, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("recv(listener, MSG_PEEK)", recv(l, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT));

    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, SA(&la), sizeof la));
    MUST(s = accept(l, NULL, NULL));
    CHECKL("send(bad buffer)", send(c, CONF_BADPTR, 10, 0));
    CHECKL("send(NULL, 0)", send(c, NULL, 0, 0));
    CHECKL("sendto(connected, other address)", sendto(c, "abc", 3, 0, SA(&to), sizeof to));
    CHECKL("sendto(connected, bad address)", sendto(c, "abc", 3, 0, CONF_BADPTR, sizeof to));
    CHECKL("sendto(connected, addrlen 3)", sendto(c, "abc", 3, 0, SA(&to), 3));
    CHECKL("recv 6 bytes", recv(s, buf, sizeof buf, MSG_WAITALL | MSG_DONTWAIT));
    MUST(send(c, "hello", 5, 0));
    conf_wait(s, POLLIN, 1000);
    CHECKL("recv(bad buffer)", recv(s, CONF_BADPTR, 5, 0));
    CHECKL("recv after EFAULT", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("recv(MSG_OOB)", recv(s, buf, sizeof buf, MSG_OOB | MSG_DONTWAIT));
    CHECKL("recv(MSG_ERRQUEUE)", recv(s, buf, sizeof buf, MSG_ERRQUEUE | MSG_DONTWAIT));
    CHECKL("recv(len 0)", recv(s, buf, 0, MSG_DONTWAIT));
    MUST(shutdown(c, SHUT_WR));
    conf_wait(s, POLLIN, 1000);
    CHECKL("recv after peer's FIN", recv(s, buf, sizeof buf, 0));
    CHECKL("recv after peer's FIN, again", recv(s, buf, sizeof buf, 0));
    CHECKL("send after own SHUT_WR", send(c, "x", 1, MSG_NOSIGNAL));
    CHECKL("send to the peer that sent FIN", send(s, "back", 4, 0));
    conf_wait(c, POLLIN, 1000);
    CHECKL("recv on the half-closed side", recv(c, buf, sizeof buf, MSG_DONTWAIT));
    close(c);
    close(s);
    close(l);
    close(devnull);
    return 0;
}
