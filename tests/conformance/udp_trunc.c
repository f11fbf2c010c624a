/* Short buffers: the rest of the datagram is lost; MSG_TRUNC reports the
 * real length, and recvmsg sets MSG_TRUNC in msg_flags. */
#include "conf.h"

static void rmsg(int fd, size_t buflen, int flags)
{
    char buf[64];
    struct iovec iov = {.iov_base = buf, .iov_len = buflen};
    struct msghdr m;
    struct sockaddr_in from;
    memset(&m, 0, sizeof m);
    memset(buf, 0, sizeof buf);
    m.msg_name = &from;
    m.msg_namelen = sizeof from;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_flags = 0x7fff0000; /* input value is ignored */
    errno = 0;
    long r = recvmsg(fd, &m, flags);
    int e = errno;
    char l[80];
    snprintf(l, sizeof l, "recvmsg(buflen %zu, flags 0x%x)", buflen, (unsigned)flags);
    conf_report(l, r, e);
    if (r >= 0)
        conf_printf("  data \"%.*s\" msg_flags%s%s namelen=%u\n", (int)buflen, buf,
                    (m.msg_flags & MSG_TRUNC) ? " MSG_TRUNC" : "",
                    (m.msg_flags & ~MSG_TRUNC) ? " +other" : "", (unsigned)m.msg_namelen);
}

int main(void)
{
    char buf[64];
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    for (int i = 0; i < 6; i++)
        MUST(sendto(b, "0123456789", 10, 0, SA(&to), sizeof to));
    conf_wait(a, POLLIN, 1000);

    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, 4, 0));
    conf_printf("got \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, 4, MSG_TRUNC));
    conf_printf("got \"%s\"\n", buf);
    CHECK(recv(a, NULL, 0, MSG_TRUNC)); /* length of next, discarding it */
    rmsg(a, 4, 0);
    rmsg(a, 10, 0);
    rmsg(a, 4, MSG_TRUNC);
    rmsg(a, 4, MSG_DONTWAIT);
    return 0;
}
