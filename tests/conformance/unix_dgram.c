/* unix_dgram: SOCK_DGRAM — datagram boundaries, MSG_PEEK / MSG_TRUNC,
 * the sender's name as recvfrom reports it, zero-length datagrams,
 * EMSGSIZE at SO_SNDBUF - 32, a full receiver (EAGAIN for MSG_DONTWAIT,
 * POLLOUT of a connected sender), a connected peer that closes
 * (ECONNREFUSED once, then ENOTCONN), shutdown, SIOCINQ, and the
 * socketpair form. */
#include "unix_fs.h"
#include <linux/sockios.h>

static int sock(void)
{
    int s;
    MUST(s = socket(AF_UNIX, SOCK_DGRAM, 0));
    return s;
}

static void show_poll(const char *label, int fd) { unix_show_poll(label, fd, 0); }

int main(void)
{
    unix_enter_tmp();
    char buf[256];
    int r = sock(), s = sock();
    struct sockaddr_un ra = unix_path("r"), sa = unix_path("s");
    MUST(bind(r, SA(&ra), sizeof ra));
    show_poll("r empty", r);
    CHECK(sendto(s, "one", 3, 0, SA(&ra), sizeof ra));
    CHECK(sendto(s, "two!", 4, 0, SA(&ra), sizeof ra));
    CHECK(sendto(s, "", 0, 0, SA(&ra), sizeof ra));
    show_poll("r with 3", r);
    int v = -1;
    CHECK(ioctl(r, SIOCINQ, &v));
    conf_printf("  inq %d\n", v);
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    memset(buf, 0, sizeof buf);
    CHECK(recvfrom(r, buf, 2, MSG_PEEK, SA(&from), &fl));
    conf_printf("  fromlen %u\n", (unsigned)fl);
    CHECK(recv(r, buf, 2, MSG_PEEK | MSG_TRUNC));
    CHECK(recv(r, buf, 2, 0));
    CHECK(recv(r, buf, sizeof buf, 0));
    conf_printf("  %.4s\n", buf);
    CHECK(recv(r, buf, sizeof buf, 0));
    CHECK(recv(r, buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recv(s, buf, sizeof buf, MSG_DONTWAIT));
    /* a bound sender is named */
    MUST(bind(s, SA(&sa), sizeof sa));
    CHECK(sendto(s, "named", 5, 0, SA(&ra), sizeof ra));
    fl = sizeof from;
    CHECK(recvfrom(r, buf, sizeof buf, 0, SA(&from), &fl));
    unix_print_name("from", &from, fl);
    struct msghdr mh;
    struct iovec iov = {buf, 1};
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_name = &from;
    mh.msg_namelen = sizeof from;
    CHECK(sendto(s, "trunc", 5, 0, SA(&ra), sizeof ra));
    CHECK(recvmsg(r, &mh, 0));
    conf_printf("  flags%s namelen %u\n", (mh.msg_flags & MSG_TRUNC) ? " TRUNC" : "",
                (unsigned)mh.msg_namelen);
    /* sending to oneself */
    CHECK(sendto(s, "me", 2, 0, SA(&sa), sizeof sa));
    CHECK(recv(s, buf, sizeof buf, 0));

    /* EMSGSIZE: more than SO_SNDBUF - 32 */
    int sb = 4096;
    CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sb, sizeof sb));
    static char big[8192];
    CHECK(sendto(s, big, 8192 - 32, 0, SA(&ra), sizeof ra));
    CHECK(sendto(s, big, 8192 - 31, 0, SA(&ra), sizeof ra));
    CHECK(recv(r, big, sizeof big, 0));

    /* a connected pair: the peer's queue fills (sender's SO_SNDBUF or the
     * receiver's max_dgram_qlen), then EAGAIN */
    int c = sock();
    CHECK(connect(c, SA(&ra), sizeof ra));
    show_poll("c connected", c);
    int n = 0;
    while (n < 5000 && send(c, "d", 1, MSG_DONTWAIT) == 1)
        n++;
    conf_printf("sent before EAGAIN (max_dgram_qlen 10): %d %s\n", n, conf_errname(errno));
    CHECK(send(c, "d", 1, MSG_DONTWAIT));
    show_poll("c (peer full)", c);
    CHECK(recv(r, buf, sizeof buf, 0));
    while (recv(r, buf, sizeof buf, MSG_DONTWAIT) > 0)
        ;
    show_poll("c (peer drained)", c);
    CHECK(send(c, "d", 1, MSG_DONTWAIT));
    CHECK(recv(r, buf, sizeof buf, 0));
    PEERNAME_UN(c);

    /* the connected peer closes: ECONNREFUSED once, then not connected */
    close(r);
    show_poll("c (peer closed)", c);
    CHECK(send(c, "x", 1, 0));
    CHECK(send(c, "x", 1, 0));
    PEERNAME_UN(c);
    CHECK(sendto(c, "x", 1, 0, SA(&ra), sizeof ra)); /* the node stays */
    close(c);

    /* shutdown of a datagram socket */
    int p[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, p));
    PEERNAME_UN(p[0]);
    SOCKNAME_UN(p[0]);
    CHECK(send(p[0], "a", 1, 0));
    CHECK(shutdown(p[1], SHUT_RD));
    show_poll("p1 after SHUT_RD", p[1]);
    CHECK(send(p[0], "b", 1, 0));
    CHECK(recv(p[1], buf, sizeof buf, 0));
    CHECK(recv(p[1], buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recv(p[1], buf, sizeof buf, 0));
    CHECK(shutdown(p[0], SHUT_WR));
    CHECK(send(p[0], "c", 1, 0));
    show_poll("p0 after SHUT_WR", p[0]);
    CHECK(send(p[1], "d", 1, 0));
    CHECK(recv(p[0], buf, sizeof buf, 0));
    close(p[1]);
    show_poll("p0 (pair closed)", p[0]);
    CHECK(send(p[0], "e", 1, 0));
    CHECK(recv(p[0], buf, sizeof buf, MSG_DONTWAIT));
    close(p[0]);
    /* a pair is limited by the sender's SO_SNDBUF only */
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, p));
    n = 0;
    while (n < 5000 && send(p[0], "d", 1, MSG_DONTWAIT) == 1)
        n++;
    conf_printf("pair: sent before EAGAIN > 100: %d %s\n", n > 100 && n < 5000,
                conf_errname(errno));
    show_poll("p0 (sndbuf full)", p[0]);
    CHECK(recv(p[1], buf, sizeof buf, 0));
    show_poll("p0 (one read)", p[0]);
    close(p[0]);
    close(p[1]);
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, p));
    close(p[1]);
    CHECK(send(p[0], "e", 1, 0));
    CHECK(send(p[0], "e", 1, 0));
    close(p[0]);
    /* listen and accept on a datagram socket */
    CHECK(listen(s, 1));
    CHECK(accept(s, NULL, NULL));
    CHECK(send(s, "x", 1, MSG_OOB));
    close(s);
    unix_leave_tmp();
    return 0;
}
