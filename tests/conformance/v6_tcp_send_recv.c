/* IPv6 (::1) twin of tcp_send_recv.c: the same calls over native IPv6, so TCP
 * behaves the same over both families. Its own text follows.
 *
 * send() and recv() on TCP: never-connected and listening sockets, the
 * flags (MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, MSG_TRUNC, MSG_OOB,
 * MSG_NOSIGNAL), EPIPE with SIGPIPE after SHUT_WR and after a reset,
 * ECONNRESET, EOF after the peer's FIN, SIOCINQ / SIOCOUTQ, zero-length
 * calls, and an address given to sendto() on a connected socket. */
#include <linux/sockios.h>
#include <signal.h>

#include "conf.h"
#include "v6_tcp.h"

static volatile int sigpipes;
static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

static void pair(int l, const struct sockaddr_in6 *a, int *c, int *s)
{
    MUST(*c = socket(AF_INET6, SOCK_STREAM, 0));
    MUST(connect(*c, SA(a), sizeof *a));
    MUST(*s = accept(l, NULL, NULL));
}

int main(void)
{
    signal(SIGPIPE, on_sigpipe);
    char buf[64];
    int l, c, s, u;
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 a = v6_sin6("::1", 6200);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 8));
    CHECKL("recv(listener)", recv(l, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("send(listener)", send(l, "x", 1, 0));
    conf_printf("sigpipes=%d\n", sigpipes);
    MUST(u = socket(AF_INET6, SOCK_STREAM, 0));
    CHECKL("send(never connected)", send(u, "x", 1, 0));
    conf_printf("sigpipes=%d\n", sigpipes);
    CHECKL("sendto(never connected, with address)",
           sendto(u, "x", 1, MSG_NOSIGNAL, SA(&a), sizeof a));
    CHECKL("recv(never connected)", recv(u, buf, sizeof buf, 0));
    CHECKL("recv(never connected, len 0)", recv(u, buf, 0, 0));
    CHECKL("recv(never connected, MSG_OOB)", recv(u, buf, 1, MSG_OOB));
    close(u);

    pair(l, &a, &c, &s);
    CHECKL("recv(MSG_DONTWAIT, empty)", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("send(len 0)", send(c, "", 0, 0));
    CHECKL("send", send(c, "hello world", 11, 0));
    conf_wait(s, POLLIN, 1000);
    int v = -1;
    CHECKL("ioctl(SIOCINQ)", ioctl(s, SIOCINQ, &v));
    conf_printf("  inq=%d\n", v);
    CHECKL("ioctl(SIOCOUTQ, sender)", ioctl(c, SIOCOUTQ, &v));
    conf_printf("  outq=%d\n", v);
    CHECKL("recv(MSG_PEEK 5)", recv(s, buf, 5, MSG_PEEK));
    conf_printf("  '%.5s'\n", buf);
    CHECKL("recv(5)", recv(s, buf, 5, 0));
    conf_printf("  '%.5s'\n", buf);
    CHECKL("recv(MSG_TRUNC 3)", recv(s, NULL, 3, MSG_TRUNC | MSG_DONTWAIT));
    CHECKL("recv(rest)", recv(s, buf, sizeof buf, 0));
    conf_printf("  '%.3s'\n", buf);
    CHECKL("recv(MSG_OOB, none)", recv(s, buf, 1, MSG_OOB));
    CHECKL("recv(len 0)", recv(s, buf, 0, MSG_DONTWAIT));
    CHECKL("sendto(connected, other address)", sendto(c, "ab", 2, 0, SA(&a), sizeof a));
    CHECKL("send(MSG_MORE)", send(c, "cd", 2, MSG_MORE));
    CHECKL("send", send(c, "ef", 2, 0));
    CHECKL("recv(MSG_WAITALL 6)", recv(s, buf, 6, MSG_WAITALL));
    conf_printf("  '%.6s'\n", buf);
    struct sockaddr_in6 from;
    socklen_t fl = sizeof from;
    send(c, "zz", 2, 0);
    conf_wait(s, POLLIN, 1000);
    CHECKL("recvfrom(with address)", recvfrom(s, buf, sizeof buf, 0, SA(&from), &fl));
    conf_printf("  fromlen=%u\n", (unsigned)fl);
    /* SHUT_WR: EPIPE and SIGPIPE, unless MSG_NOSIGNAL */
    CHECKL("shutdown(c, SHUT_WR)", shutdown(c, SHUT_WR));
    CHECKL("send after SHUT_WR", send(c, "x", 1, 0));
    conf_printf("sigpipes=%d\n", sigpipes);
    CHECKL("send after SHUT_WR, MSG_NOSIGNAL", send(c, "x", 1, MSG_NOSIGNAL));
    conf_printf("sigpipes=%d\n", sigpipes);
    CHECKL("peer recv: EOF", recv(s, buf, sizeof buf, 0));
    CHECKL("peer recv: EOF again", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("peer send after our SHUT_WR", send(s, "back", 4, 0));
    CHECKL("recv on the half-closed side", recv(c, buf, sizeof buf, 0));
    close(c);
    close(s);

    /* MSG_WAITALL returns early at EOF */
    pair(l, &a, &c, &s);
    send(c, "abc", 3, 0);
    shutdown(c, SHUT_WR);
    CHECKL("recv(MSG_WAITALL 10, EOF after 3)", recv(s, buf, 10, MSG_WAITALL));
    close(c);
    close(s);

    /* SHUT_RD: reads give EOF, even with data waiting */
    pair(l, &a, &c, &s);
    CHECKL("shutdown(s, SHUT_RD)", shutdown(s, SHUT_RD));
    CHECKL("recv after SHUT_RD", recv(s, buf, sizeof buf, 0));
    CHECKL("send after the peer's SHUT_RD", send(c, "late", 4, 0));
    conf_wait(s, POLLIN, 100);
    CHECKL("recv after SHUT_RD, data came", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    close(c);
    close(s);

    /* reset by the peer: ECONNRESET once, then EPIPE */
    pair(l, &a, &c, &s);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    MUST(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    close(s);
    conf_wait(c, POLLIN, 1000);
    CHECKL("send after RST", send(c, "x", 1, 0));
    conf_printf("sigpipes=%d\n", sigpipes);
    CHECKL("send after RST again", send(c, "x", 1, 0));
    conf_printf("sigpipes=%d\n", sigpipes);
    CHECKL("recv after RST", recv(c, buf, sizeof buf, 0));
    GETINT(c, SOL_SOCKET, SO_ERROR);
    close(c);

    pair(l, &a, &c, &s);
    MUST(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    send(s, "data", 4, 0);
    conf_wait(c, POLLIN, 1000);
    close(s);
    conf_wait(c, POLLIN, 1000);
    CHECKL("recv: data before the RST", recv(c, buf, sizeof buf, 0));
    CHECKL("recv: then the RST", recv(c, buf, sizeof buf, 0));
    CHECKL("recv: then EOF", recv(c, buf, sizeof buf, 0));
    close(c);
    close(l);
    return 0;
}
