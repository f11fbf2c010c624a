/* A 60000-byte datagram arrives intact (checksum printed), also through a
 * connected socket and with recvmsg into several buffers. */
#include "conf.h"

int main(void)
{
    static unsigned char out[60000], in[65536];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (unsigned char)((i * 2654435761u) >> 13);
    conf_printf("sent cksum = %08x\n", conf_cksum(out, sizeof out));
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.2", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);

    CHECK(sendto(b, out, sizeof out, 0, SA(&to), sizeof to));
    conf_wait(a, POLLIN, 1000);
    int n = -1;
    CHECK(ioctl(a, FIONREAD, &n));
    conf_printf("FIONREAD = %d\n", n);
    memset(in, 0, sizeof in);
    long r;
    CHECK(r = recv(a, in, sizeof in, 0));
    conf_printf("recv cksum = %08x\n", conf_cksum(in, r > 0 ? (size_t)r : 0));

    MUST(connect(b, SA(&to), sizeof to));
    CHECK(write(b, out, sizeof out));
    conf_wait(a, POLLIN, 1000);
    static unsigned char p1[1000], p2[30000], p3[40000];
    struct iovec iov[3] = {{p1, sizeof p1}, {p2, sizeof p2}, {p3, sizeof p3}};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = 3;
    CHECK(r = recvmsg(a, &m, 0));
    memcpy(in, p1, sizeof p1);
    memcpy(in + sizeof p1, p2, sizeof p2);
    memcpy(in + sizeof p1 + sizeof p2, p3, sizeof out - sizeof p1 - sizeof p2);
    conf_printf("recvmsg cksum = %08x flags=%d\n", conf_cksum(in, sizeof out), m.msg_flags);

    /* sendmsg gathering from several buffers. */
    struct iovec oiov[3] = {{out, 100}, {out + 100, 29900}, {out + 30000, 30000}};
    memset(&m, 0, sizeof m);
    m.msg_iov = oiov;
    m.msg_iovlen = 3;
    CHECK(sendmsg(b, &m, 0));
    conf_wait(a, POLLIN, 1000);
    memset(in, 0, sizeof in);
    CHECK(r = recv(a, in, sizeof in, 0));
    conf_printf("recv cksum = %08x\n", conf_cksum(in, r > 0 ? (size_t)r : 0));
    return 0;
}
