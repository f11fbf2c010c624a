/* tcp_accept_reset_peer.c - accept() of a connection that was reset while
 * queued (issue 12).
 *
 * Linux hands the connection out and reports its peer (inet_getname with
 * peer == 2 skips the state check); getpeername() on it is ENOTCONN and
 * the first recv() is ECONNRESET. */
#include "conf.h"

int main(void)
{
    struct sockaddr_in la = conf_sin("127.0.0.1", 7431);
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    MUST(bind(l, SA(&la), sizeof la));
    MUST(listen(l, 4));
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(connect(c, SA(&la), sizeof la));
    conf_wait(c, POLLOUT, 1000);
    CHECKL("client connect(AF_UNSPEC): RST", connect(c, SA(&unspec), sizeof unspec));
    conf_wait(l, POLLIN, 200);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    memset(&peer, 0, sizeof peer);
    int a = accept4(l, SA(&peer), &len, SOCK_NONBLOCK);
    CHECKL("accept4", a >= 0 ? 0 : -1);
    conf_printf("  peer %s\n", conf_fmt_sa(&peer, len, CONF_PORT_EPH));
    PEERNAME("  accepted", a, CONF_PORT_EPH);
    char ch;
    CHECKL("  recv", recv(a, &ch, 1, 0));
    close(a);
    close(c);
    close(l);
    return 0;
}
