/* bind_lock_sticky.c - bind()'s address and port locks are only ever set
 * (issue 12).
 *
 * __inet_bind / __inet6_bind OR SOCK_BINDADDR_LOCK and SOCK_BINDPORT_LOCK
 * into sk_userlocks; nothing clears them. A socket that was once bound to a
 * specific address keeps the source address a later connect chose when it
 * disconnects, even after a later wildcard bind. ::ffff:0.0.0.0 is not the
 * IPv6 wildcard: it sets the address lock too, so the source address a
 * failed connect() chose stays (here the EINVAL connect of a former
 * listener, tcp_listen_connect_past). */
#include "conf.h"

int main(void)
{
    struct sockaddr_in lo0 = conf_sin("127.0.0.1", 0), any1 = conf_sin("0.0.0.0", 7441);
    struct sockaddr_in any2 = conf_sin("0.0.0.0", 7442), peer = conf_sin("127.0.0.1", 7449);
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECKL("udp bind(127.0.0.1:0)", bind(u, SA(&lo0), sizeof lo0));
    CHECKL("  connect", connect(u, SA(&peer), sizeof peer));
    CHECKL("  connect(AF_UNSPEC)", connect(u, SA(&unspec), sizeof unspec));
    SOCKNAME("  name", u, CONF_PORT_EPH);
    CHECKL("  bind(0.0.0.0:7441)", bind(u, SA(&any1), sizeof any1));
    CHECKL("  connect", connect(u, SA(&peer), sizeof peer));
    CHECKL("  connect(AF_UNSPEC)", connect(u, SA(&unspec), sizeof unspec));
    SOCKNAME("  name", u, 0);
    close(u);

    int t = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECKL("tcp bind(127.0.0.1:0)", bind(t, SA(&lo0), sizeof lo0));
    CHECKL("  connect(refused)", connect(t, SA(&peer), sizeof peer));
    conf_wait(t, POLLOUT, 1000);
    CHECKL("  connect(refused)", connect(t, SA(&peer), sizeof peer));
    CHECKL("  bind(0.0.0.0:7442)", bind(t, SA(&any2), sizeof any2));
    CHECKL("  connect(refused)", connect(t, SA(&peer), sizeof peer));
    conf_wait(t, POLLOUT, 1000);
    CHECKL("  connect(refused)", connect(t, SA(&peer), sizeof peer));
    SOCKNAME("  name", t, 0);
    close(t);

    int s6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in6 m0 = {.sin6_family = AF_INET6, .sin6_port = htons(7443)};
    struct sockaddr_in6 p6 = {.sin6_family = AF_INET6, .sin6_port = htons(7449)};
    inet_pton(AF_INET6, "::ffff:0.0.0.0", &m0.sin6_addr);
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &p6.sin6_addr);
    CHECKL("tcp6 bind([::ffff:0.0.0.0]:7443)", bind(s6, SA(&m0), sizeof m0));
    CHECKL("  listen", listen(s6, 4));
    CHECKL("  shutdown(SHUT_RD)", shutdown(s6, SHUT_RD));
    CHECKL("  connect", connect(s6, SA(&p6), sizeof p6));
    struct sockaddr_in6 n6;
    socklen_t len = sizeof n6;
    char ip[INET6_ADDRSTRLEN];
    CHECKL("  getsockname", getsockname(s6, SA(&n6), &len));
    conf_printf("  name [%s]:%u\n", inet_ntop(AF_INET6, &n6.sin6_addr, ip, sizeof ip),
                ntohs(n6.sin6_port));
    close(s6);
    return 0;
}
