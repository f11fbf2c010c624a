/* sendto() on an unbound UDP socket autobinds it to 0.0.0.0:ephemeral. */
#include "conf.h"

int main(void)
{
    int s, r;
    char buf[8];
    r = conf_udp_bound("127.0.0.1", 5000);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    SOCKNAME("before", s, CONF_PORT_EPH);
    CHECK(sendto(s, "a", 1, 0, SA(&to), sizeof to));
    SOCKNAME("after sendto", s, CONF_PORT_EPH);
    unsigned port = conf_local_port(s);

    /* The reply reaches the autobound port. */
    conf_wait(r, POLLIN, 1000);
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    CHECK(recvfrom(r, buf, sizeof buf, 0, SA(&from), &fl));
    conf_printf("  from %s, same port as getsockname = %d\n", conf_fmt_sa(&from, fl, CONF_PORT_EPH),
                ntohs(from.sin_port) == port);
    CHECK(sendto(r, "b", 1, 0, SA(&from), fl));
    conf_wait(s, POLLIN, 1000);
    CHECK(recv(s, buf, sizeof buf, MSG_DONTWAIT));

    /* A second sendto keeps the port. */
    CHECK(sendto(s, "c", 1, 0, SA(&to), sizeof to));
    conf_printf("port unchanged = %d\n", conf_local_port(s) == port);
    /* bind after autobind: EINVAL */
    struct sockaddr_in b = conf_sin("127.0.0.1", 5001);
    CHECK(bind(s, SA(&b), sizeof b));

    /* A failed sendto (EMSGSIZE) still autobinds. */
    static char big[65508];
    int s2;
    MUST(s2 = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendto(s2, big, sizeof big, 0, SA(&to), sizeof to));
    SOCKNAME("after failed sendto", s2, CONF_PORT_EPH);
    /* ... but an address error does not (checked before autobind?) */
    int s3;
    MUST(s3 = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendto(s3, "x", 1, 0, SA(&to), 4));
    SOCKNAME("after EINVAL sendto", s3, CONF_PORT_EPH);
    return 0;
}
