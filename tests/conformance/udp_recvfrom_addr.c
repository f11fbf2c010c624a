/* recvfrom(): source address and the addrlen in/out rules. */
#include "conf.h"

static int a, b, c;
static struct sockaddr_in to;

static void send2(void)
{
    MUST(sendto(b, "from-b", 6, 0, SA(&to), sizeof to));
    MUST(sendto(c, "from-c", 6, 0, SA(&to), sizeof to));
    conf_wait(a, POLLIN, 1000);
}

static void recv_len(socklen_t in)
{
    unsigned char ss[64];
    char buf[16];
    socklen_t len = in;
    char l[64];
    memset(ss, 0xAA, sizeof ss);
    snprintf(l, sizeof l, "recvfrom(addrlen in %u)", (unsigned)in);
    CHECKL(l, recvfrom(a, buf, sizeof buf, 0, SA(ss), &len));
    conf_printf("  addrlen out=%u bytes:", (unsigned)len);
    for (int i = 0; i < 20; i++)
        conf_printf(" %02x", ss[i]);
    conf_printf("\n");
}

int main(void)
{
    a = conf_udp_bound("0.0.0.0", 5000);
    b = conf_udp_bound("127.0.0.1", 5001);
    c = conf_udp_bound("127.0.0.2", 5002);
    to = conf_sin("127.0.0.1", 5000);

    /* Source address and port are the sender's. */
    send2();
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    char buf[16];
    CHECK(recvfrom(a, buf, sizeof buf, 0, SA(&from), &fl));
    conf_printf("from %s len=%u\n", conf_fmt_sa(&from, fl, 0), (unsigned)fl);
    fl = sizeof from;
    CHECK(recvfrom(a, buf, sizeof buf, 0, SA(&from), &fl));
    conf_printf("from %s len=%u\n", conf_fmt_sa(&from, fl, 0), (unsigned)fl);

    /* addrlen larger, exact, shorter than sockaddr_in, zero. */
    send2();
    recv_len(64);
    recv_len(16);
    send2();
    recv_len(8);
    recv_len(0);
    send2();
    recv_len(2);
    recv_len(1);

    /* NULL address with a length: fine. */
    send2();
    fl = sizeof from;
    CHECK(recvfrom(a, buf, sizeof buf, 0, NULL, &fl));
    conf_printf("  addrlen out=%u\n", (unsigned)fl);
    CHECK(recvfrom(a, buf, sizeof buf, 0, NULL, NULL));

    /* Address with a NULL length, or a negative length: the error comes
     * after the datagram was dequeued, so the datagram is lost. */
    send2();
    CHECK(recvfrom(a, buf, sizeof buf, 0, SA(&from), NULL));
    memset(buf, 0, sizeof buf);
    CHECK(recvfrom(a, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL));
    conf_printf("  next \"%s\"\n", buf);
    send2();
    fl = (socklen_t)-1;
    CHECK(recvfrom(a, buf, sizeof buf, 0, SA(&from), &fl));
    memset(buf, 0, sizeof buf);
    CHECK(recvfrom(a, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL));
    conf_printf("  next \"%s\"\n", buf);
    CHECK(recvfrom(a, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL));

    /* recvmsg: msg_namelen in/out. */
    send2();
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_name = &from;
    m.msg_namelen = 100;
    CHECK(recvmsg(a, &m, 0));
    conf_printf("  msg_namelen=%u from %s\n", (unsigned)m.msg_namelen,
                conf_fmt_sa(&from, m.msg_namelen, 0));
    m.msg_name = NULL;
    m.msg_namelen = 100;
    CHECK(recvmsg(a, &m, 0));
    conf_printf("  msg_namelen=%u\n", (unsigned)m.msg_namelen);
    return 0;
}
