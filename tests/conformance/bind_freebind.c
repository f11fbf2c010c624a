/* IP_FREEBIND lets a socket bind an address that is not local. */
#include "conf.h"

int main(void)
{
    int s, t, one = 1;
    struct sockaddr_in a = conf_sin("192.0.2.1", 5000);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECKL("bind(udp, 192.0.2.1:5000)", bind(s, SA(&a), sizeof a));
    CHECK(setsockopt(s, IPPROTO_IP, IP_FREEBIND, &one, sizeof one));
    CHECKL("bind(udp FREEBIND, 192.0.2.1:5000)", bind(s, SA(&a), sizeof a));
    SOCKNAME("udp freebind", s, 0);

    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(setsockopt(t, IPPROTO_IP, IP_FREEBIND, &one, sizeof one));
    CHECKL("bind(tcp FREEBIND, 192.0.2.1:5000)", bind(t, SA(&a), sizeof a));
    SOCKNAME("tcp freebind", t, 0);

    /* The port is taken for that address like any other. */
    int u;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(setsockopt(u, IPPROTO_IP, IP_FREEBIND, &one, sizeof one));
    CHECKL("bind(udp FREEBIND, 192.0.2.1:5000) again", bind(u, SA(&a), sizeof a));
    struct sockaddr_in b2 = conf_sin("192.0.2.1", 0);
    CHECKL("bind(udp FREEBIND, 192.0.2.1:0)", bind(u, SA(&b2), sizeof b2));
    SOCKNAME("udp freebind port 0", u, CONF_PORT_EPH);

    /* With IP_FREEBIND even a class E address is accepted. */
    int v;
    struct sockaddr_in e = conf_sin("240.0.0.1", 5000);
    MUST(v = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(setsockopt(v, IPPROTO_IP, IP_FREEBIND, &one, sizeof one));
    CHECKL("bind(udp FREEBIND, 240.0.0.1:5000)", bind(v, SA(&e), sizeof e));
    return 0;
}
