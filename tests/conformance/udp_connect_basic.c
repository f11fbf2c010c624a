/* connect() on UDP: peer name, autobind, source address choice. */
#include "conf.h"

int main(void)
{
    int s, b, t;
    struct sockaddr_in p = conf_sin("127.0.0.1", 5000);
    struct sockaddr_in p2 = conf_sin("127.0.0.2", 6000);
    struct sockaddr_in any = conf_sin("0.0.0.0", 7000);

    /* Unbound socket: connect autobinds an ephemeral port. */
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECKL("connect(udp, 127.0.0.1:5000)", connect(s, SA(&p), sizeof p));
    PEERNAME("connected", s, 0);
    SOCKNAME("connected", s, CONF_PORT_EPH);
    unsigned port = conf_local_port(s);

    /* UDP may connect again; the local port stays. */
    CHECKL("connect(udp, 127.0.0.2:6000)", connect(s, SA(&p2), sizeof p2));
    PEERNAME("reconnected", s, 0);
    SOCKNAME("reconnected", s, CONF_PORT_EPH);
    conf_printf("local port kept = %d\n", conf_local_port(s) == port);

    /* Connecting to 0.0.0.0 means the loopback address. */
    CHECKL("connect(udp, 0.0.0.0:7000)", connect(s, SA(&any), sizeof any));
    PEERNAME("connected to any", s, 0);

    /* Bound to the wildcard: connect fills in the source address. */
    struct sockaddr_in w = conf_sin("0.0.0.0", 5100);
    MUST(b = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(b, SA(&w), sizeof w));
    CHECKL("connect(wild-bound udp, 127.0.0.2:6000)", connect(b, SA(&p2), sizeof p2));
    SOCKNAME("wild-bound connected", b, 0);
    PEERNAME("wild-bound connected", b, 0);

    /* Bound to a specific address: it stays. */
    struct sockaddr_in l2 = conf_sin("127.0.0.3", 5200);
    MUST(t = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(t, SA(&l2), sizeof l2));
    CHECKL("connect(127.0.0.3-bound udp, 127.0.0.1:5000)", connect(t, SA(&p), sizeof p));
    SOCKNAME("127.0.0.3-bound connected", t, 0);

    /* Port 0 as the destination. */
    struct sockaddr_in z = conf_sin("127.0.0.1", 0);
    CHECKL("connect(udp, 127.0.0.1:0)", connect(t, SA(&z), sizeof z));
    PEERNAME("connected to port 0", t, 0);
    CHECKL("send(connected to port 0)", send(t, "x", 1, 0));
    return 0;
}
