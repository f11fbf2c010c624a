/* Scatter/gather on UDP: writev/readv, sendmsg/recvmsg with several iovecs,
 * empty iovecs, and a datagram spread over buffers too small for it.
 * Note: writev()/readv() of zero total bytes return 0 without touching the
 * socket, while write(fd, "", 0) sends an empty datagram. */
#include "conf.h"
#include <sys/uio.h>

int main(void)
{
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    MUST(connect(b, SA(&to), sizeof to));

    struct iovec w[4] = {{"abc", 3}, {"", 0}, {"defgh", 5}, {"ij", 2}};
    CHECK(writev(b, w, 4));
    CHECK(writev(b, w, 0));
    CHECK(writev(b, &w[1], 1));
    conf_wait(a, POLLIN, 1000);

    char r1[4], r2[3], r3[8];
    memset(r1, 0, sizeof r1);
    memset(r2, 0, sizeof r2);
    memset(r3, 0, sizeof r3);
    struct iovec r[3] = {{r1, 4}, {r2, 3}, {r3, 8}};
    CHECK(fcntl(a, F_SETFL, O_NONBLOCK));
    CHECK(readv(a, r, 3));
    conf_printf("  \"%.4s\" \"%.3s\" \"%.8s\"\n", r1, r2, r3);
    CHECK(readv(a, r, 3));
    CHECK(readv(a, r, 0));

    /* Too small: the tail is cut; recvmsg says MSG_TRUNC. */
    CHECK(writev(b, w, 4));
    conf_wait(a, POLLIN, 1000);
    struct iovec small[2] = {{r1, 2}, {r2, 3}};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = small;
    m.msg_iovlen = 2;
    memset(r1, 0, sizeof r1);
    memset(r2, 0, sizeof r2);
    CHECK(recvmsg(a, &m, 0));
    conf_printf("  \"%.2s\" \"%.3s\" trunc=%d\n", r1, r2, !!(m.msg_flags & MSG_TRUNC));

    /* sendmsg/recvmsg with no iovecs at all: an empty datagram. */
    memset(&m, 0, sizeof m);
    CHECK(sendmsg(b, &m, 0));
    conf_wait(a, POLLIN, 1000);
    CHECK(recvmsg(a, &m, 0));
    CHECK(recvmsg(a, &m, 0));

    /* sendmsg on a connected socket with msg_name set to the same peer. */
    memset(&m, 0, sizeof m);
    m.msg_iov = w;
    m.msg_iovlen = 4;
    m.msg_name = &to;
    m.msg_namelen = sizeof to;
    CHECK(sendmsg(b, &m, 0));
    /* iovlen above IOV_MAX */
    m.msg_iovlen = 100000;
    CHECK(sendmsg(b, &m, 0));
    conf_wait(a, POLLIN, 1000);
    CHECK(recv(a, r3, sizeof r3, 0));
    CHECK(recv(a, r3, sizeof r3, 0));
    return 0;
}
