/* connect(AF_UNSPEC) dissolves a UDP association. */
#include "conf.h"

int main(void)
{
    int s, b;
    struct sockaddr_in p = conf_sin("127.0.0.1", 5000);
    struct sockaddr un;
    memset(&un, 0, sizeof un);
    un.sa_family = AF_UNSPEC;

    /* Autobound by connect: dissolving also drops the autobound port. */
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECKL("connect(udp, 127.0.0.1:5000)", connect(s, SA(&p), sizeof p));
    SOCKNAME("connected", s, CONF_PORT_EPH);
    CHECKL("connect(udp, AF_UNSPEC)", connect(s, &un, sizeof un));
    PEERNAME("dissolved", s, 0);
    SOCKNAME("dissolved", s, CONF_PORT_EPH);
    CHECKL("send(dissolved)", send(s, "x", 1, 0));
    /* Dissolving an unconnected socket is fine. */
    CHECKL("connect(udp, AF_UNSPEC) again", connect(s, &un, sizeof un));

    /* Explicitly bound: the binding survives. */
    struct sockaddr_in l = conf_sin("127.0.0.2", 5100);
    MUST(b = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(b, SA(&l), sizeof l));
    CHECKL("connect(bound udp, 127.0.0.1:5000)", connect(b, SA(&p), sizeof p));
    CHECKL("connect(bound udp, AF_UNSPEC)", connect(b, &un, sizeof un));
    SOCKNAME("bound dissolved", b, 0);
    PEERNAME("bound dissolved", b, 0);

    /* Bound to the wildcard with a port: the port survives, the source
     * address chosen by connect goes away. */
    struct sockaddr_in w = conf_sin("0.0.0.0", 5200);
    int c;
    MUST(c = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(c, SA(&w), sizeof w));
    CHECKL("connect(wild-bound udp, 127.0.0.1:5000)", connect(c, SA(&p), sizeof p));
    SOCKNAME("wild-bound connected", c, 0);
    CHECKL("connect(wild-bound udp, AF_UNSPEC)", connect(c, &un, sizeof un));
    SOCKNAME("wild-bound dissolved", c, 0);

    /* AF_UNSPEC needs only the family field. */
    CHECKL("connect(bound udp, AF_UNSPEC, len 2)", connect(b, &un, 2));
    CHECKL("connect(bound udp, AF_UNSPEC, len 1)", connect(b, &un, 1));
    CHECKL("connect(bound udp, AF_UNSPEC, len 0)", connect(b, &un, 0));
    /* A sockaddr_in with family AF_UNSPEC also dissolves. */
    struct sockaddr_in u2 = conf_sin("127.0.0.1", 5000);
    u2.sin_family = AF_UNSPEC;
    CHECKL("connect(bound udp, 127.0.0.1:5000)", connect(b, SA(&p), sizeof p));
    CHECKL("connect(bound udp, AF_UNSPEC 127.0.0.1:5000)", connect(b, SA(&u2), sizeof u2));
    PEERNAME("bound dissolved 2", b, 0);
    return 0;
}
