/* The names of an AF_INET6 stream socket through its life over native
 * IPv6: unbound, bound to [::]:0, connected to ::1 (the route's source
 * becomes the bound address), after a refused connect, after
 * connect(AF_UNSPEC) (the automatic address goes back; the port as
 * Linux keeps it), a second connect from the same socket, an accepted
 * socket's names after its peer's RST (ENOTCONN: it is CLOSE), after a
 * shutdown and after both FINs, and IPV6_V6ONLY once connected. */
#include "conf.h"
#include "v6_tcp.h"

int main(void)
{
    char b[8];
    int l = v6_listener("::1", 6740, -1), c, s;
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    v6_name("unbound", c, 0, CONF_PORT_EXACT);
    v6_name("unbound", c, 1, CONF_PORT_EXACT);
    struct sockaddr_in6 any = v6_sin6("::", 0);
    CHECKL("bind([::]:0)", bind(c, SA(&any), sizeof any));
    v6_name("bound [::]:0", c, 0, CONF_PORT_EPH | CONF_PORT_PARITY);
    struct sockaddr_in6 closed = v6_sin6("::1", 6799);
    CHECKL("connect(closed port)", connect(c, SA(&closed), sizeof closed));
    v6_name("after the refusal", c, 0, CONF_PORT_EPH);
    struct sockaddr_in6 to = v6_sin6("::1", 6740);
    CHECKL("connect([::1]:6740)", connect(c, SA(&to), sizeof to));
    v6_name("connected", c, 0, CONF_PORT_EPH);
    v6_name("connected", c, 1, CONF_PORT_EXACT);
    MUST(s = accept(l, NULL, NULL));
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    CHECKL("connect(AF_UNSPEC)", connect(c, &unspec, sizeof unspec));
    v6_name("disconnected", c, 0, CONF_PORT_EPH);
    v6_name("disconnected", c, 1, CONF_PORT_EXACT);
    conf_wait(s, POLLIN, 1000);
    CHECKL("recv(s) after the peer's RST", recv(s, b, sizeof b, 0));
    v6_name("accepted, peer reset", s, 0, CONF_PORT_EXACT);
    v6_name("accepted, peer reset", s, 1, CONF_PORT_EPH);
    close(s);
    CHECKL("connect again", connect(c, SA(&to), sizeof to));
    v6_name("reconnected", c, 0, CONF_PORT_EPH);
    MUST(s = accept(l, NULL, NULL));
    CHECKL("listen(connected)", listen(c, 1));
    CHECKL("shutdown(c, SHUT_RDWR)", shutdown(c, SHUT_RDWR));
    v6_name("shut down", c, 1, CONF_PORT_EXACT);
    CHECKL("recv(s) EOF", recv(s, b, sizeof b, 0));
    CHECKL("close(s)", close(s));
    conf_wait(c, POLLIN, 1000);
    v6_name("after both FINs", c, 1, CONF_PORT_EXACT);
    close(c);

    /* IPV6_V6ONLY set after a native connect: EINVAL (bound) */
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    CHECKL("connect([::1]:6740)", connect(c, SA(&to), sizeof to));
    int one = 1;
    CHECKL("IPV6_V6ONLY after connect", setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
    GETINT(c, IPPROTO_IPV6, IPV6_V6ONLY);
    MUST(s = accept(l, NULL, NULL));
    close(s);
    close(c);
    close(l);
    return 0;
}
