/* TCP over IPv6 on ::1 through the whole state machine: connect and
 * accept (the names on both sides, the address accept returns), data
 * both ways, TCP_MAXSEG set on the listener reaching both ends (less the
 * timestamp option), half close and EOF, the port held by
 * TIME_WAIT (bind without and with SO_REUSEADDR, an IPv4 bind beside
 * it), connect to [::] meaning ::1, a RST from a closed port
 * (ECONNREFUSED), and SO_LINGER 0 resetting the peer (ECONNRESET). */
#include "conf.h"
#include "v6_tcp.h"

int main(void)
{
    char buf[64];
    int l = v6_listener("::1", 6700, -1), c, s;
    v6_name("listener", l, 0, CONF_PORT_EXACT);
    SETINT(l, IPPROTO_TCP, TCP_MAXSEG, 1000);
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 to = v6_sin6("::1", 6700);
    CHECKL("connect([::1]:6700)", connect(c, SA(&to), sizeof to));
    v6_name("client", c, 0, CONF_PORT_EPH);
    v6_name("client", c, 1, CONF_PORT_EXACT);
    s = v6_accept("[::1]", l, CONF_PORT_EPH);
    v6_name("server", s, 0, CONF_PORT_EXACT);
    v6_name("server", s, 1, CONF_PORT_EPH);
    GETINT(s, IPPROTO_IPV6, IPV6_V6ONLY);
    GETINT(c, IPPROTO_TCP, TCP_MAXSEG);
    GETINT(s, IPPROTO_TCP, TCP_MAXSEG);
    CHECKL("connect again", connect(c, SA(&to), sizeof to));
    CHECKL("send(c)", send(c, "hello over v6", 13, 0));
    CHECKL("recv(s)", recv(s, buf, sizeof buf, 0));
    CHECKL("send(s)", send(s, "pong", 4, 0));
    CHECKL("recv(c)", recv(c, buf, sizeof buf, 0));

    /* the client half-closes: the server reads EOF, can still send */
    CHECKL("shutdown(c, SHUT_WR)", shutdown(c, SHUT_WR));
    CHECKL("recv(s) after FIN", recv(s, buf, sizeof buf, 0));
    CHECKL("send(s) after FIN", send(s, "late", 4, 0));
    CHECKL("recv(c) after its FIN", recv(c, buf, sizeof buf, 0));
    CHECKL("close(s)", close(s));
    CHECKL("recv(c) EOF", recv(c, buf, sizeof buf, 0));
    CHECKL("close(c)", close(c));
    CHECKL("close(l)", close(l));

    /* TIME_WAIT holds an explicitly bound client port */
    l = v6_listener("::1", 6701, -1);
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 cb = v6_sin6("::1", 6711);
    MUST(bind(c, SA(&cb), sizeof cb));
    to = v6_sin6("::1", 6701);
    CHECKL("connect from [::1]:6711", connect(c, SA(&to), sizeof to));
    MUST(s = accept(l, NULL, NULL));
    CHECKL("close(c) first", close(c));
    CHECKL("recv(s) EOF", recv(s, buf, sizeof buf, 0));
    CHECKL("close(s)", close(s));
    conf_wait(l, POLLIN, 50); /* let the last ACK arrive */
    int b;
    MUST(b = socket(AF_INET6, SOCK_STREAM, 0));
    CHECKL("bind [::1]:6711 in TIME_WAIT", bind(b, SA(&cb), sizeof cb));
    int one = 1;
    MUST(setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    CHECKL("bind [::1]:6711 SO_REUSEADDR", bind(b, SA(&cb), sizeof cb));
    close(b);
    MUST(b = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 any = v6_sin6("::", 6711);
    CHECKL("bind [::]:6711 in TIME_WAIT", bind(b, SA(&any), sizeof any));
    close(b);
    MUST(b = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in b4 = conf_sin("127.0.0.1", 6711);
    CHECKL("bind 127.0.0.1:6711 beside it", bind(b, SA(&b4), sizeof b4));
    close(b);
    close(l);

    /* connect to [::] is a connect to ::1 */
    l = v6_listener("::1", 6702, -1);
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 z = v6_sin6("::", 6702);
    CHECKL("connect([::]:6702)", connect(c, SA(&z), sizeof z));
    v6_name("client", c, 1, CONF_PORT_EXACT);
    MUST(s = accept(l, NULL, NULL));
    close(s);
    close(c);
    close(l);

    /* a closed port answers with RST */
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    to = v6_sin6("::1", 6799);
    CHECKL("connect(closed port)", connect(c, SA(&to), sizeof to));
    GETINT(c, SOL_SOCKET, SO_ERROR);
    CHECKL("connect(closed port) again", connect(c, SA(&to), sizeof to));
    close(c);
    MUST(c = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECKL("non-blocking connect(closed port)", connect(c, SA(&to), sizeof to));
    conf_wait(c, POLLOUT, 1000);
    GETINT(c, SOL_SOCKET, SO_ERROR);
    close(c);

    /* SO_LINGER 0: the peer is reset */
    l = v6_listener("::1", 6703, -1);
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    to = v6_sin6("::1", 6703);
    CHECKL("connect([::1]:6703)", connect(c, SA(&to), sizeof to));
    MUST(s = accept(l, NULL, NULL));
    struct linger lg = {1, 0};
    MUST(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    CHECKL("close(c) with SO_LINGER 0", close(c));
    conf_wait(s, POLLIN, 1000);
    CHECKL("recv(s) after RST", recv(s, buf, sizeof buf, 0));
    CHECKL("recv(s) again", recv(s, buf, sizeof buf, 0));
    CHECKL("send(s) after RST", send(s, "x", 1, MSG_NOSIGNAL));
    close(s);
    close(l);
    return 0;
}
