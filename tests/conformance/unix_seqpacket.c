/* unix_seqpacket: SOCK_SEQPACKET — a connection (listen/accept, names)
 * that keeps record boundaries: MSG_TRUNC, MSG_PEEK, an ignored address,
 * ENOTCONN before the connection, EOF and EPIPE after the peer is gone. */
#include "unix_fs.h"
#include <signal.h>

static int sock(void)
{
    int s;
    MUST(s = socket(AF_UNIX, SOCK_SEQPACKET, 0));
    return s;
}

static void show_poll(const char *label, int fd) { unix_show_poll(label, fd, 0); }

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    unix_enter_tmp();
    char buf[64];
    int l = sock();
    socklen_t al;
    struct sockaddr_un la = unix_abstract("conf-seqpacket", &al);
    show_poll("unbound", l);
    CHECK(send(l, "x", 1, 0));
    CHECK(recv(l, buf, 1, MSG_DONTWAIT));
    CHECK(bind(l, SA(&la), al));
    CHECK(listen(l, 2));
    show_poll("listener", l);
    CHECK(recv(l, buf, 1, MSG_DONTWAIT));
    int c = sock();
    CHECK(connect(c, SA(&la), al));
    show_poll("listener with one", l);
    int a = accept(l, NULL, NULL);
    CHECKL("accept >= 0", a >= 0);
    SOCKNAME_UN(a);
    PEERNAME_UN(c);
    CHECK(send(c, "first", 5, 0));
    CHECK(send(c, "second", 6, 0));
    CHECK(send(c, "", 0, 0));
    CHECK(sendto(c, "addr", 4, 0, SA(&la), al)); /* the address is ignored */
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    CHECK(recvfrom(a, buf, 3, MSG_PEEK, SA(&from), &fl));
    conf_printf("  fromlen %u\n", (unsigned)fl);
    CHECK(recv(a, buf, 3, MSG_TRUNC));
    struct msghdr mh;
    struct iovec iov = {buf, 4};
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    CHECK(recvmsg(a, &mh, 0));
    conf_printf("  flags%s\n", (mh.msg_flags & MSG_TRUNC) ? " TRUNC" : "");
    CHECK(recv(a, buf, sizeof buf, 0));
    CHECK(recv(a, buf, sizeof buf, 0));
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recv(a, buf, 10, MSG_WAITALL | MSG_DONTWAIT));
    /* shutdown */
    CHECK(shutdown(c, SHUT_WR));
    CHECK(send(c, "x", 1, 0));
    show_poll("a (peer SHUT_WR)", a);
    CHECK(recv(a, buf, sizeof buf, 0));
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    /* the peer closes */
    CHECK(send(a, "bye", 3, 0));
    close(a);
    show_poll("c (peer closed)", c);
    CHECK(recv(c, buf, sizeof buf, 0));
    CHECK(recv(c, buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recv(c, buf, sizeof buf, 0));
    CHECK(send(c, "x", 1, MSG_NOSIGNAL));
    close(c);
    /* a pair */
    int p[2];
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, p));
    CHECK(send(p[0], "abc", 3, 0));
    CHECK(recv(p[1], buf, 1, 0));
    CHECK(recv(p[1], buf, 1, MSG_DONTWAIT));
    close(p[1]);
    CHECK(send(p[0], "x", 1, 0));
    CHECK(recv(p[0], buf, 1, MSG_DONTWAIT));
    close(p[0]);
    close(l);
    unix_leave_tmp();
    return 0;
}
