/* unix_stream: SOCK_STREAM connections — listen/accept rules and names,
 * the backlog, a byte stream with MSG_PEEK / MSG_WAITALL / MSG_DONTWAIT /
 * MSG_TRUNC, SIOCINQ/SIOCOUTQ, shutdown in both directions, and how the
 * end of a connection shows (EOF, EPIPE, ECONNRESET, POLLHUP). */
#include "unix_fs.h"
#include <signal.h>
#include <linux/sockios.h>

static int sock(void)
{
    int s;
    MUST(s = socket(AF_UNIX, SOCK_STREAM, 0));
    return s;
}

static void show_poll(const char *label, int fd) { unix_show_poll(label, fd, POLLPRI); }

static void inq(const char *label, int fd)
{
    int v = -1;
    errno = 0;
    int r = ioctl(fd, SIOCINQ, &v);
    if (r < 0)
        conf_printf("SIOCINQ(%s) = -1 %s\n", label, conf_errname(errno));
    else
        conf_printf("SIOCINQ(%s) = %d\n", label, v);
}

static int getint(int fd, int opt)
{
    int v = -7;
    socklen_t l = sizeof v;
    return getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0 ? -errno : v;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    unix_enter_tmp();
    char buf[64];

    /* listen and accept on the wrong sockets */
    int s = sock();
    CHECK(listen(s, 5)); /* unbound: EINVAL, no autobind */
    CHECK(accept(s, NULL, NULL));
    struct sockaddr_un la = unix_path("srv");
    CHECK(bind(s, SA(&la), sizeof la));
    CHECK(getint(s, SO_ACCEPTCONN));
    CHECK(accept(s, NULL, NULL));
    show_poll("bound", s);
    CHECK(listen(s, 0));
    CHECK(listen(s, 1)); /* again: the backlog changes */
    CHECK(getint(s, SO_ACCEPTCONN));
    show_poll("listener", s);
    inq("listener", s);
    CHECK(fcntl(s, F_SETFL, O_NONBLOCK));
    CHECK(accept(s, NULL, NULL));
    CHECK(recv(s, buf, 1, 0));
    CHECK(send(s, "x", 1, 0));

    /* the backlog: qlen > backlog is full; a non-blocking connect gets
     * EAGAIN, a blocking one would wait */
    int c1 = sock(), c2 = sock(), c3 = sock(), c4 = sock();
    CHECK(connect(c1, SA(&la), sizeof la));
    CHECK(connect(c2, SA(&la), sizeof la));
    CHECK(fcntl(c3, F_SETFL, O_NONBLOCK));
    CHECK(connect(c3, SA(&la), sizeof la));
    show_poll("listener with 2", s);
    show_poll("c1 connected", c1);
    PEERNAME_UN(c1);
    SOCKNAME_UN(c1);
    /* the client may send before accept */
    CHECK(send(c1, "early", 5, 0));
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    int a1 = accept(s, SA(&from), &fl);
    CHECKL("accept(s) >= 0", a1 >= 0);
    unix_print_name("accept's address (unbound client)", &from, fl);
    SOCKNAME_UN(a1);
    PEERNAME_UN(a1);
    CHECK(connect(c3, SA(&la), sizeof la)); /* room again */
    /* a bound client is named */
    struct sockaddr_un ca = unix_path("client4");
    CHECK(bind(c4, SA(&ca), sizeof ca));
    fl = sizeof from;
    int a2 = accept(s, SA(&from), &fl);
    unix_print_name("accept's address (c2)", &from, fl);
    fl = sizeof from;
    int a3 = accept(s, SA(&from), &fl);
    unix_print_name("accept's address (c3)", &from, fl);
    CHECK(connect(c4, SA(&la), sizeof la));
    fl = sizeof from;
    int a4 = accept(s, SA(&from), &fl);
    unix_print_name("accept's address (bound c4)", &from, fl);
    PEERNAME_UN(c4);
    CHECK(accept(s, NULL, NULL));
    CHECK(getint(a1, SO_ACCEPTCONN));

    /* a byte stream: sends join, reads split */
    inq("a1", a1);
    CHECK(send(c1, "hello", 5, 0));
    CHECK(send(c1, "world", 5, 0));
    inq("a1", a1);
    int outq = -1;
    CHECK(ioctl(c1, SIOCOUTQ, &outq));
    CHECKL("SIOCOUTQ(c1) > 0", outq > 0);
    memset(buf, 0, sizeof buf);
    CHECK(recv(a1, buf, 3, MSG_PEEK));
    conf_printf("  %.3s\n", buf);
    CHECK(recv(a1, buf, sizeof buf, MSG_PEEK));
    conf_printf("  %.15s\n", buf);
    CHECK(recv(a1, buf, 7, MSG_TRUNC));
    conf_printf("  %.7s\n", buf);
    CHECK(recv(a1, buf, sizeof buf, 0));
    conf_printf("  %.8s\n", buf);
    CHECK(ioctl(c1, SIOCOUTQ, &outq));
    conf_printf("  outq %d\n", outq);
    CHECK(recv(a1, buf, sizeof buf, MSG_DONTWAIT));
    struct sockaddr_un rf;
    socklen_t rl = sizeof rf;
    CHECK(send(c4, "n", 1, 0));
    CHECK(recvfrom(a4, buf, sizeof buf, 0, SA(&rf), &rl));
    unix_print_name("recvfrom a4", &rf, rl);
    rl = sizeof rf;
    CHECK(send(a4, "m", 1, 0));
    CHECK(recvfrom(c4, buf, sizeof buf, 0, SA(&rf), &rl));
    unix_print_name("recvfrom c4", &rf, rl);
    CHECK(sendto(c1, "x", 1, 0, SA(&la), sizeof la)); /* EISCONN */
    CHECK(send(c1, "", 0, 0));

    /* MSG_WAITALL gathers several sends */
    CHECK(send(c1, "ab", 2, 0));
    CHECK(send(c1, "cd", 2, 0));
    CHECK(recv(a1, buf, 4, MSG_WAITALL));
    CHECK(send(c1, "ef", 2, 0));
    CHECK(recv(a1, buf, 4, MSG_WAITALL | MSG_DONTWAIT));
    /* unconnected and listening sockets */
    int u = sock();
    CHECK(send(u, "x", 1, 0));
    CHECK(sendto(u, "x", 1, 0, SA(&la), sizeof la));
    CHECK(recv(u, buf, 1, 0));
    CHECK(shutdown(u, SHUT_RDWR));
    show_poll("unconnected after shutdown", u);
    close(u);
    u = sock();
    show_poll("unconnected", u);
    close(u);

    /* shutdown: our SHUT_WR is the peer's end of file */
    CHECK(shutdown(c2, SHUT_WR));
    show_poll("c2 after SHUT_WR", c2);
    show_poll("a2 (peer shut WR)", a2);
    CHECK(recv(a2, buf, sizeof buf, 0));
    CHECK(send(c2, "x", 1, 0));
    CHECK(send(a2, "back", 4, 0));
    CHECK(recv(c2, buf, sizeof buf, 0));
    CHECK(shutdown(a2, SHUT_RD));
    show_poll("a2 after SHUT_RD", a2);
    show_poll("c2 (peer shut RD)", c2);
    CHECK(send(c2, "x", 1, 0));
    CHECK(shutdown(c2, 7));
    CHECK(shutdown(c2, -1));

    /* closing: the peer reads what was sent, then EOF; sending is EPIPE */
    CHECK(send(a3, "last", 4, 0));
    close(a3);
    show_poll("c3 (peer closed)", c3);
    CHECK(recv(c3, buf, sizeof buf, 0));
    CHECK(recv(c3, buf, sizeof buf, 0));
    CHECK(send(c3, "x", 1, 0));
    CHECK(send(c3, "x", 1, MSG_NOSIGNAL));
    PEERNAME_UN(c3);
    /* closing with unread data: ECONNRESET once, then EOF */
    CHECK(send(c4, "unread", 6, 0));
    close(a4);
    show_poll("c4 (peer closed with unread data)", c4);
    CHECK(getint(c4, SO_ERROR));
    CHECK(send(c4, "x", 1, 0));
    CHECK(recv(c4, buf, sizeof buf, 0));
    CHECK(recv(c4, buf, sizeof buf, 0));
    /* ... ECONNRESET from recv when SO_ERROR was not read */
    CHECK(send(a1, "zz", 2, 0));
    CHECK(send(c1, "unread", 6, 0));
    close(a1);
    CHECK(recv(c1, buf, sizeof buf, 0));
    CHECK(recv(c1, buf, sizeof buf, 0));
    CHECK(recv(c1, buf, sizeof buf, 0));

    /* a listener closed with a connection still queued */
    int c5 = sock();
    CHECK(connect(c5, SA(&la), sizeof la));
    CHECK(send(c5, "lost", 4, 0));
    close(s);
    show_poll("c5 (listener closed)", c5);
    CHECK(recv(c5, buf, sizeof buf, 0));
    CHECK(recv(c5, buf, sizeof buf, 0));
    CHECK(send(c5, "x", 1, 0));
    CHECK(connect(c5, SA(&la), sizeof la));
    int c6 = sock();
    CHECK(connect(c6, SA(&la), sizeof la)); /* the node is still there */

    close(c1);
    close(c2);
    close(c3);
    close(c4);
    close(c5);
    close(c6);
    close(a2);
    unix_leave_tmp();
    return 0;
}
