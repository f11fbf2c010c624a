/* tcp_shutdown_pending.c - the shutdown bits a failed shutdown() records act
 * later (issue 12).
 *
 * inet_shutdown() on a closed TCP socket returns ENOTCONN but still ORs the
 * bits into sk_shutdown. listen() does not clear them and sk_clone_lock
 * copies them to every child: SHUT_RD makes the child's recv return 0,
 * SHUT_WR makes its send EPIPE and, as the handshake completes in SYN_RECV
 * (tcp_rcv_state_process), sends its FIN. A later active connect keeps them
 * too (tcp_disconnect is what clears them). */
#include "conf.h"

static int tcp(void) { return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0); }

static void child_case(const char *label, int how)
{
    struct sockaddr_in la = conf_sin("127.0.0.1", 7331);
    char buf[8];
    conf_printf("%s\n", label);
    int l = tcp();
    int one = 1;
    MUST(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    MUST(bind(l, SA(&la), sizeof la));
    CHECKL("  shutdown before listen", shutdown(l, how));
    CHECKL("  listen", listen(l, 4));
    int c = tcp();
    connect(c, SA(&la), sizeof la);
    conf_wait(c, POLLOUT, 1000);
    conf_wait(l, POLLIN, 1000);
    int a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
    CHECKL("  accept", a >= 0);
    conf_wait(c, POLLIN, 200);
    CHECKL("  client recv (FIN from the child?)", recv(c, buf, sizeof buf, 0));
    CHECKL("  client send", send(c, "x", 1, MSG_NOSIGNAL));
    conf_wait(a, POLLIN, 200);
    CHECKL("  child recv", recv(a, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("  child send", send(a, "y", 1, MSG_NOSIGNAL));
    close(a);
    close(c);
    close(l);
}

int main(void)
{
    child_case("SHUT_RD", SHUT_RD);
    child_case("SHUT_WR", SHUT_WR);
    child_case("SHUT_RDWR", SHUT_RDWR);

    /* a later connection of the socket itself */
    struct sockaddr_in la = conf_sin("127.0.0.1", 7332);
    char buf[8];
    int l = tcp();
    MUST(bind(l, SA(&la), sizeof la));
    MUST(listen(l, 4));
    int s = tcp();
    CHECKL("shutdown(SHUT_WR) before connect", shutdown(s, SHUT_WR));
    CHECK(connect(s, SA(&la), sizeof la));
    conf_wait(s, POLLOUT, 1000);
    CHECKL("  send", send(s, "x", 1, MSG_NOSIGNAL));
    CHECKL("  send 0 bytes", send(s, "", 0, MSG_NOSIGNAL));
    int a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
    CHECKL("  accept", a >= 0);
    CHECKL("  peer recv", recv(a, buf, sizeof buf, MSG_DONTWAIT));
    close(a);
    close(s);

    /* connect to itself (simultaneous open through SYN_RECV): the FIN goes */
    s = tcp();
    struct sockaddr_in self = conf_sin("127.0.0.1", 7333);
    MUST(bind(s, SA(&self), sizeof self));
    CHECKL("self: shutdown(SHUT_RDWR)", shutdown(s, SHUT_RDWR));
    CHECKL("  connect(self)", connect(s, SA(&self), sizeof self));
    conf_wait(s, POLLOUT, 1000);
    CHECKL("  connect again", connect(s, SA(&self), sizeof self));
    CHECKL("  shutdown(SHUT_RD)", shutdown(s, SHUT_RD));
    close(s);
    close(l);
    return 0;
}
