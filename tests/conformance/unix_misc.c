/* unix_misc: SIGPIPE (a stream's EPIPE raises it unless MSG_NOSIGNAL; a
 * datagram or seqpacket socket's does not), SO_RCVLOWAT on a stream,
 * scatter/gather through several iovecs, a datagram socket connected to
 * itself, accept4 flags, a listener shut down for reading, SO_TYPE and
 * SO_DOMAIN of accepted sockets, and SO_SNDBUF/SO_RCVBUF defaults. */
#include "unix_fs.h"
#include <signal.h>

static volatile sig_atomic_t pipes;
static void on_pipe(int sig)
{
    (void)sig;
    pipes++;
}

static int getint(int fd, int opt)
{
    int v = -7;
    socklen_t l = sizeof v;
    return getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0 ? -errno : v;
}

int main(void)
{
    unix_enter_tmp();
    signal(SIGPIPE, on_pipe);
    char buf[64];
    int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    const char *tn[] = {"stream", "dgram", "seqpacket"};
    for (int t = 0; t < 3; t++) {
        int p[2];
        MUST(socketpair(AF_UNIX, types[t], 0, p));
        CHECK(shutdown(p[0], SHUT_WR));
        pipes = 0;
        CHECK(send(p[0], "x", 1, 0));
        conf_printf("%s: SIGPIPE after own SHUT_WR: %d\n", tn[t], (int)pipes);
        pipes = 0;
        CHECK(send(p[0], "x", 1, MSG_NOSIGNAL));
        conf_printf("%s: SIGPIPE with MSG_NOSIGNAL: %d\n", tn[t], (int)pipes);
        close(p[0]);
        pipes = 0;
        CHECK(send(p[1], "x", 1, 0));
        conf_printf("%s: SIGPIPE after the peer closed: %d\n", tn[t], (int)pipes);
        pipes = 0;
        CHECK(send(p[1], "", 0, 0));
        conf_printf("%s: SIGPIPE for a zero-length send: %d\n", tn[t], (int)pipes);
        close(p[1]);
        MUST(socketpair(AF_UNIX, types[t], 0, p));
        CHECK(getint(p[0], SO_SNDBUF));
        CHECK(getint(p[0], SO_RCVBUF));
        CHECK(getint(p[0], SO_TYPE));
        /* scatter/gather */
        struct iovec out[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
        struct msghdr mh;
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = out;
        mh.msg_iovlen = 3;
        CHECK(sendmsg(p[0], &mh, 0));
        char b1[3] = {0}, b2[8] = {0};
        struct iovec in[2] = {{b1, 3}, {b2, 8}};
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = in;
        mh.msg_iovlen = 2;
        CHECK(recvmsg(p[1], &mh, 0));
        conf_printf("  %.3s|%.8s\n", b1, b2);
        /* MSG_WAITALL on records is ignored; MSG_TRUNC on a stream is not
         * a datagram length */
        CHECK(send(p[0], "12345", 5, 0));
        CHECK(recv(p[1], buf, 10, MSG_WAITALL | MSG_DONTWAIT));
        CHECK(send(p[0], "12345", 5, 0));
        CHECK(recv(p[1], buf, 2, MSG_TRUNC));
        CHECK(recv(p[1], buf, sizeof buf, MSG_DONTWAIT));
        close(p[0]);
        close(p[1]);
    }

    /* SO_RCVLOWAT on a stream */
    int p[2];
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
    int lw = 5;
    CHECK(setsockopt(p[1], SOL_SOCKET, SO_RCVLOWAT, &lw, sizeof lw));
    CHECK(send(p[0], "abc", 3, 0));
    CHECK(recv(p[1], buf, sizeof buf, MSG_DONTWAIT));
    CHECK(send(p[0], "abcdef", 6, 0));
    CHECK(recv(p[1], buf, sizeof buf, 0));
    close(p[0]);
    close(p[1]);

    /* a datagram socket connected to itself */
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un da = unix_path("self");
    MUST(bind(d, SA(&da), sizeof da));
    CHECK(connect(d, SA(&da), sizeof da));
    CHECK(send(d, "me", 2, 0));
    CHECK(recv(d, buf, sizeof buf, 0));
    PEERNAME_UN(d);
    close(d);

    /* accept4 flags, accepted sockets' type, a listener shut for reading */
    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    struct sockaddr_un la = unix_path("l");
    MUST(bind(l, SA(&la), sizeof la));
    MUST(listen(l, 4));
    int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    MUST(connect(c, SA(&la), sizeof la));
    int a = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    CHECKL("accept4 >= 0", a >= 0);
    CHECK((fcntl(a, F_GETFL) & O_NONBLOCK) != 0);
    CHECK((fcntl(a, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(getint(a, SO_TYPE));
    CHECK(getint(a, SO_DOMAIN));
    CHECK(getint(a, SO_PROTOCOL));
    CHECK(recv(a, buf, sizeof buf, 0));
    CHECK(accept4(l, NULL, NULL, 0x1234));
    CHECK(shutdown(l, SHUT_RD));
    CHECK(accept(l, NULL, NULL));
    int c2 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(connect(c2, SA(&la), sizeof la));
    close(c2);
    close(a);
    close(c);
    close(l);
    unix_leave_tmp();
    return 0;
}
