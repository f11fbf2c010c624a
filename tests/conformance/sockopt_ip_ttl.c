/* IP_TTL: default 64, 1..255 allowed, 0 and 256 EINVAL, -1 resets. */
#include "conf.h"

int main(void)
{
    int u, t;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    GETINT(u, IPPROTO_IP, IP_TTL);
    GETINT(t, IPPROTO_IP, IP_TTL);
    static const int vals[] = {1, 255, 0, 256, -2, 100, -1, 128, 1000, -1};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        SETINT(u, IPPROTO_IP, IP_TTL, vals[i]);
        GETINT(u, IPPROTO_IP, IP_TTL);
    }
    SETINT(t, IPPROTO_IP, IP_TTL, 33);
    GETINT(t, IPPROTO_IP, IP_TTL);
    /* IP-level integer options also take a one-byte optval. */
    unsigned char c = 7;
    CHECK(setsockopt(u, IPPROTO_IP, IP_TTL, &c, 1));
    GETINT(u, IPPROTO_IP, IP_TTL);
    CHECK(setsockopt(u, IPPROTO_IP, IP_TTL, &c, 0));
    CHECK(setsockopt(u, IPPROTO_IP, IP_TTL, &c, 2));
    /* The TTL is what a receiver sees: IP_RECVTTL control message. */
    int r = conf_udp_bound("127.0.0.1", 5000);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    SETINT(r, IPPROTO_IP, IP_RECVTTL, 1);
    SETINT(u, IPPROTO_IP, IP_TTL, 9);
    CHECK(sendto(u, "x", 1, 0, SA(&to), sizeof to));
    conf_wait(r, POLLIN, 1000);
    char buf[4], cbuf[64];
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    CHECK(recvmsg(r, &m, 0));
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
        int ttl = -1;
        if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL)
            memcpy(&ttl, CMSG_DATA(cm), sizeof ttl);
        conf_printf("  cmsg level=%d type=%d len=%zu ttl=%d\n", cm->cmsg_level, cm->cmsg_type,
                    (size_t)cm->cmsg_len, ttl);
    }
    return 0;
}
