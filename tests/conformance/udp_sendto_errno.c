/* sendto() on UDP: EBADF, ENOTSOCK, EINVAL, EAFNOSUPPORT, destination rules. */
#include "conf.h"

int main(void)
{
    int s, p[2], dead;
    char buf[16];
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    int r = conf_udp_bound("127.0.0.1", 5000);
    MUST(pipe(p));
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(dead = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(close(dead));

    CHECK(sendto(-1, "x", 1, 0, SA(&to), sizeof to));
    CHECK(sendto(dead, "x", 1, 0, SA(&to), sizeof to));
    CHECK(sendto(p[1], "x", 1, 0, SA(&to), sizeof to));
    CHECK(send(p[1], "x", 1, 0));
    CHECK(recv(p[0], buf, sizeof buf, 0));
    CHECK(recvfrom(-1, buf, sizeof buf, 0, NULL, NULL));
    CHECK(recvfrom(dead, buf, sizeof buf, 0, NULL, NULL));
    CHECK(recvfrom(p[0], buf, sizeof buf, 0, NULL, NULL));

    /* Address length. */
    CHECK(sendto(s, "x", 1, 0, SA(&to), 0));
    CHECK(sendto(s, "x", 1, 0, SA(&to), 1));
    CHECK(sendto(s, "x", 1, 0, SA(&to), 15));
    CHECK(sendto(s, "x", 1, 0, SA(&to), 129));
    CHECK(sendto(s, "x", 1, 0, SA(&to), (socklen_t)-1));

    /* Family: AF_UNSPEC is taken as AF_INET for sendto. */
    to.sin_family = AF_INET6;
    CHECKL("sendto(family AF_INET6)", sendto(s, "x", 1, 0, SA(&to), sizeof to));
    to.sin_family = 255;
    CHECKL("sendto(family 255)", sendto(s, "x", 1, 0, SA(&to), sizeof to));
    to.sin_family = AF_UNSPEC;
    CHECKL("sendto(family AF_UNSPEC)", sendto(s, "u", 1, 0, SA(&to), sizeof to));
    to.sin_family = AF_INET;

    /* Port 0 as the destination. */
    struct sockaddr_in z = conf_sin("127.0.0.1", 0);
    CHECK(sendto(s, "x", 1, 0, SA(&z), sizeof z));

    /* 0.0.0.0 as the destination means this host. */
    struct sockaddr_in any = conf_sin("0.0.0.0", 5000);
    CHECK(sendto(s, "a", 1, 0, SA(&any), sizeof any));

    /* Other loopback addresses are local, but nobody is bound there. */
    struct sockaddr_in other = conf_sin("127.0.0.9", 5000);
    CHECK(sendto(s, "o", 1, 0, SA(&other), sizeof other));

    conf_wait(r, POLLIN, 1000);
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        memset(buf, 0, sizeof buf);
        CHECK(recvfrom(r, buf, sizeof buf, MSG_DONTWAIT, SA(&from), &fl));
        conf_printf("got \"%s\" from %s\n", buf, conf_fmt_sa(&from, fl, CONF_PORT_EPH));
    }
    CHECK(recv(r, buf, sizeof buf, MSG_DONTWAIT));
    /* sendto with an address on a connected UDP socket is allowed. */
    int c = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in peer = conf_sin("127.0.0.1", 5999);
    MUST(connect(c, SA(&peer), sizeof peer));
    CHECK(sendto(c, "c", 1, 0, SA(&to), sizeof to));
    conf_wait(r, POLLIN, 1000);
    memset(buf, 0, sizeof buf);
    CHECK(recv(r, buf, sizeof buf, MSG_DONTWAIT));
    conf_printf("got \"%s\"\n", buf);
    return 0;
}
