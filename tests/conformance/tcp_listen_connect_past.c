/* tcp_listen_connect_past.c - what a TCP socket's past forbids (issue 12).
 *
 * On Linux 6.x a socket that was connecting or connected (or was accepted)
 * cannot listen() any more, even when it is closed again (refused,
 * connect(AF_UNSPEC)): EINVAL, after the port was chosen or checked, and
 * the port it picked stays bound. A socket that listened cannot connect()
 * after connect(AF_UNSPEC) or shutdown(SHUT_RD) stopped it: EINVAL after
 * the address and route checks; it may listen again. A connect that failed
 * before sending a SYN (no route) leaves no trace. */
#include "conf.h"

static int tcp(void) { return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0); }

int main(void)
{
    struct sockaddr_in closed = conf_sin("127.0.0.1", 7312), lis = conf_sin("127.0.0.1", 7311);
    struct sockaddr_in bcast = conf_sin("255.255.255.255", 7312);
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_port = htons(7312)};

    int s = tcp();
    CHECKL("connect(no route)", connect(s, SA(&bcast), sizeof bcast));
    CHECKL("  listen", listen(s, 4));
    close(s);

    s = tcp();
    CHECKL("connect(refused)", connect(s, SA(&closed), sizeof closed));
    conf_wait(s, POLLOUT, 1000);
    CHECKL("  listen (still SS_CONNECTING)", listen(s, 4));
    CHECKL("  connect(refused, error taken)", connect(s, SA(&closed), sizeof closed));
    CHECKL("  listen", listen(s, 4));
    SOCKNAME("  port chosen by the failed listen", s, CONF_PORT_EPH);
    CHECKL("  listen again", listen(s, 4));
    CHECKL("  bind (has a port now)", bind(s, SA(&closed), sizeof closed));
    close(s);

    int l = tcp();
    MUST(bind(l, SA(&lis), sizeof lis));
    MUST(listen(l, 4));
    s = tcp();
    CHECKL("connect(listener)", connect(s, SA(&lis), sizeof lis));
    conf_wait(s, POLLOUT, 1000);
    CHECKL("  connect(AF_UNSPEC)", connect(s, SA(&unspec), sizeof unspec));
    CHECKL("  listen", listen(s, 4));
    int a = accept(l, NULL, NULL);
    CHECKL("accept", a >= 0);
    CHECKL("  accepted: connect(AF_UNSPEC)", connect(a, SA(&unspec), sizeof unspec));
    CHECKL("  accepted: listen", listen(a, 4));
    close(a);
    close(s);
    close(l);

    s = tcp();
    CHECKL("listen(autobind)", listen(s, 4));
    CHECKL("  connect(AF_UNSPEC)", connect(s, SA(&unspec), sizeof unspec));
    CHECKL("  connect(AF_INET6 address)", connect(s, SA(&v6), sizeof v6));
    CHECKL("  connect(no route)", connect(s, SA(&bcast), sizeof bcast));
    CHECKL("  connect", connect(s, SA(&closed), sizeof closed));
    CHECKL("  listen again", listen(s, 4));
    CHECKL("  connect while listening", connect(s, SA(&closed), sizeof closed));
    close(s);

    s = tcp();
    MUST(bind(s, SA(&lis), sizeof lis));
    CHECKL("listen(bound)", listen(s, 4));
    CHECKL("  shutdown(SHUT_RD)", shutdown(s, SHUT_RD));
    CHECKL("  connect", connect(s, SA(&closed), sizeof closed));
    SOCKNAME("  name", s, 0);
    close(s);

    s = tcp();
    CHECKL("shutdown(SHUT_RD) unconnected", shutdown(s, SHUT_RD));
    CHECKL("  listen", listen(s, 4));
    CHECKL("  connect(AF_UNSPEC)", connect(s, SA(&unspec), sizeof unspec));
    CHECKL("  connect", connect(s, SA(&closed), sizeof closed));
    close(s);
    return 0;
}
