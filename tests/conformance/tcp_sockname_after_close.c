/* tcp_sockname_after_close.c - getsockname() of a TCP socket that gave its
 * port back (issue 12).
 *
 * tcp_set_state(TCP_CLOSE) releases an automatic port (inet_put_port clears
 * inet_num) but inet_getname() reports inet_sport, which stays: after a
 * refused connect or connect(AF_UNSPEC) Linux still shows the old port (and
 * the address tcp_disconnect reset). A listen() on such a socket picks a
 * new port. */
#include "conf.h"

static int tcp(void) { return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0); }

int main(void)
{
    struct sockaddr_in closed = conf_sin("127.0.0.1", 7302), lis = conf_sin("127.0.0.1", 7301);
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};

    int s = tcp();
    CHECK(connect(s, SA(&closed), sizeof closed));
    conf_wait(s, POLLOUT, 1000);
    SOCKNAME("refused, still connecting", s, CONF_PORT_EPH);
    CHECK(connect(s, SA(&closed), sizeof closed));
    SOCKNAME("refused, error taken", s, CONF_PORT_EPH);
    /* the port is free again: another socket can bind it */
    int t = tcp();
    struct sockaddr_in old;
    socklen_t len = sizeof old;
    MUST(getsockname(s, SA(&old), &len));
    old.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECKL("bind(other, old port)", bind(t, SA(&old), sizeof old));
    close(t);
    close(s);

    int l = tcp();
    MUST(bind(l, SA(&lis), sizeof lis));
    MUST(listen(l, 4));
    s = tcp();
    CHECK(connect(s, SA(&lis), sizeof lis));
    conf_wait(s, POLLOUT, 1000);
    SOCKNAME("connected", s, CONF_PORT_EPH);
    CHECK(connect(s, SA(&unspec), sizeof unspec));
    SOCKNAME("after AF_UNSPEC", s, CONF_PORT_EPH);
    PEERNAME("after AF_UNSPEC", s, 0);
    close(s);

    /* explicitly bound: the port is kept, the address too */
    s = tcp();
    struct sockaddr_in b = conf_sin("127.0.0.1", 7303);
    MUST(bind(s, SA(&b), sizeof b));
    CHECK(connect(s, SA(&closed), sizeof closed));
    conf_wait(s, POLLOUT, 1000);
    CHECK(connect(s, SA(&closed), sizeof closed));
    SOCKNAME("bound, refused", s, 0);
    close(s);

    /* AF_INET6, v4-mapped */
    s = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 m = {.sin6_family = AF_INET6, .sin6_port = htons(7302)};
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &m.sin6_addr);
    CHECK(connect(s, SA(&m), sizeof m));
    conf_wait(s, POLLOUT, 1000);
    CHECK(connect(s, SA(&m), sizeof m));
    struct sockaddr_in6 n6;
    len = sizeof n6;
    CHECKL("getsockname(v6 refused)", getsockname(s, SA(&n6), &len));
    conf_printf("  port %s, address %s\n", conf_port(ntohs(n6.sin6_port), CONF_PORT_EPH),
                IN6_IS_ADDR_UNSPECIFIED(&n6.sin6_addr) ? "::" : "not ::");
    close(s);
    close(l);
    return 0;
}
