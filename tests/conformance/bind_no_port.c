/* IP_BIND_ADDRESS_NO_PORT: bind(addr, port 0) defers the port choice. */
#include "conf.h"

int main(void)
{
    int u, t, one = 1;
    struct sockaddr_in a = conf_sin("127.0.0.2", 0);
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(setsockopt(u, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one));
    CHECKL("bind(udp NO_PORT, 127.0.0.2:0)", bind(u, SA(&a), sizeof a));
    SOCKNAME("udp after bind", u, CONF_PORT_EPH);
    /* no port was taken, so the socket still counts as unbound */
    CHECKL("bind(udp NO_PORT, 127.0.0.2:0) again", bind(u, SA(&a), sizeof a));
    struct sockaddr_in p = conf_sin("127.0.0.1", 5000);
    CHECKL("connect(udp, 127.0.0.1:5000)", connect(u, SA(&p), sizeof p));
    SOCKNAME("udp after connect", u, CONF_PORT_EPH);

    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(setsockopt(t, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one));
    CHECKL("bind(tcp NO_PORT, 127.0.0.2:0)", bind(t, SA(&a), sizeof a));
    SOCKNAME("tcp after bind", t, CONF_PORT_EPH);

    /* With an explicit port the option changes nothing. */
    int w;
    struct sockaddr_in b = conf_sin("127.0.0.2", 5001);
    MUST(w = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(setsockopt(w, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one));
    CHECKL("bind(udp NO_PORT, 127.0.0.2:5001)", bind(w, SA(&b), sizeof b));
    SOCKNAME("udp explicit port", w, 0);

    /* sendto autobinds the port, keeping the address. */
    int x;
    MUST(x = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(setsockopt(x, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one));
    struct sockaddr_in c = conf_sin("127.0.0.3", 0);
    CHECKL("bind(udp NO_PORT, 127.0.0.3:0)", bind(x, SA(&c), sizeof c));
    CHECKL("sendto(127.0.0.2:5001)", sendto(x, "x", 1, 0, SA(&b), sizeof b));
    SOCKNAME("udp after sendto", x, CONF_PORT_EPH);
    conf_wait(w, POLLIN, 1000);
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    CHECK(recvfrom(w, (char[4]){0}, 4, 0, SA(&from), &fl));
    conf_printf("  from %s\n", conf_fmt_sa(&from, fl, CONF_PORT_EPH));
    return 0;
}
