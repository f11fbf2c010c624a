/* tcp_child_port_release.c - an accepted socket whose connection ended gives
 * its listener's port back (issue 12).
 *
 * The child takes the listener's port (__inet_inherit_port) but not its
 * SOCK_BINDPORT_LOCK, so tcp_set_state(TCP_CLOSE) releases it: once the
 * listener is closed, another socket can bind the port while the accepted
 * descriptor is still open (after a RST or connect(AF_UNSPEC) on it); not
 * while the child is still connected or its connection is in TIME_WAIT. */
#include "conf.h"

static int tcp(void) { return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0); }

static void run(const char *label, int how, int explicit_bind)
{
    struct sockaddr_in la = conf_sin("127.0.0.1", 7321);
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};
    int l = tcp();
    conf_printf("%s (listener %s)\n", label, explicit_bind ? "bound to 7321" : "autobound");
    if (explicit_bind) {
        MUST(bind(l, SA(&la), sizeof la));
    }
    MUST(listen(l, 4));
    socklen_t n = sizeof la;
    MUST(getsockname(l, SA(&la), &n));
    la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int c = tcp();
    connect(c, SA(&la), sizeof la);
    conf_wait(c, POLLOUT, 1000);
    int a = accept(l, NULL, NULL);
    CHECKL("  accept", a >= 0);
    char ch;
    if (how == 0) {
        struct linger lg = {1, 0};
        MUST(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
        close(c);
        conf_wait(a, POLLIN, 1000);
        CHECKL("  child recv after RST", recv(a, &ch, 1, 0));
    } else if (how == 1) {
        CHECKL("  child connect(AF_UNSPEC)", connect(a, SA(&unspec), sizeof unspec));
        close(c);
    } else {
        CHECKL("  child still connected", 0);
    }
    SOCKNAME("  child", a, CONF_PORT_EPH);
    close(l);
    int t = tcp();
    CHECKL("  bind(other socket, listener's port)", bind(t, SA(&la), sizeof la));
    close(t);
    close(a);
    if (how == 2)
        close(c);
}

int main(void)
{
    run("RST", 0, 1);
    run("AF_UNSPEC", 1, 1);
    run("RST", 0, 0);
    run("AF_UNSPEC", 1, 0);
    run("connected", 2, 0);
    return 0;
}
