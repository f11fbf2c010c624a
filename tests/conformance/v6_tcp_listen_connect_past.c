/* v6_tcp_listen_connect_past.c - an AF_INET6 socket that listened, then
 * connect()s: EINVAL after the route checks (as tcp_listen_connect_past for
 * IPv4), and what the failure leaves bound (difffuzz seed 18094).
 *
 * Linux 6.x writes the route's source into the socket's bound address
 * before failing (inet_bhash2_update_saddr) and takes it back only when
 * the address was never locked. The lock (SOCK_BINDADDR_LOCK) is set by
 * any bind() to a specific address and never cleared by a later bind() to
 * [::], so a socket that was bound to an address, listened, stopped
 * listening and was rebound to [::]:P ends bound to [::1]:P after the
 * failed connect: an IPv4 bind() to 127.0.0.2:P then succeeds (no
 * dual-stack wildcard holds P any more). Without that history it stays
 * [::]:P and the IPv4 bind() is EADDRINUSE. A later connect() to a
 * v4-mapped peer (tcp_v4_connect: the IPv4 view of the source is still 0)
 * writes 127.0.0.1 over that, in both views. */
#include "conf.h"

static void bind6(int s, const char *ip, int port)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    char label[80];
    snprintf(label, sizeof label, "  bind [%s]:%d", ip, port);
    CHECKL(label, bind(s, SA(&a), sizeof a));
    SOCKNAME("    name", s, CONF_PORT_EPH);
}

int main(void)
{
    /* the first bind: none (listen's autobind), v4-mapped, ::1, :: */
    const char *pre[] = {NULL, "::ffff:127.0.0.1", "::1", "::"};
    const int ports[] = {0, 7322};
    struct sockaddr_in6 peer = {.sin6_family = AF_INET6, .sin6_port = htons(7323)};
    inet_pton(AF_INET6, "::1", &peer.sin6_addr);
    struct sockaddr_in6 mpeer = peer;
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &mpeer.sin6_addr);
    for (int p = 0; p < 4; p++)
        for (int q = 0; q < 2; q++) {
            printf("first bind %s, rebind to port %d\n", pre[p] ? pre[p] : "(none)", ports[q]);
            int s = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (pre[p])
                bind6(s, pre[p], 0);
            CHECKL("  listen", listen(s, 4));
            CHECKL("  shutdown(SHUT_RDWR)", shutdown(s, SHUT_RDWR));
            SOCKNAME("    name", s, CONF_PORT_EPH);
            bind6(s, "::", ports[q]);
            CHECKL("  connect [::1]", connect(s, SA(&peer), sizeof peer));
            SOCKNAME("    name", s, CONF_PORT_EPH);
            if (q == 0 && p < 2) {
                /* then a v4-mapped peer: tcp_v4_connect writes its route's
                 * source over the bound address when the IPv4 view of the
                 * source is 0 (difffuzz seed 34903) */
                CHECKL("  connect [::ffff:127.0.0.1]", connect(s, SA(&mpeer), sizeof mpeer));
                SOCKNAME("    name", s, CONF_PORT_EPH);
            }
            if (ports[q]) {
                int s4 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
                struct sockaddr_in a4 = conf_sin("127.0.0.2", ports[q]);
                CHECKL("  AF_INET bind 127.0.0.2, same port", bind(s4, SA(&a4), sizeof a4));
                close(s4);
                int s6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
                struct sockaddr_in6 any = {.sin6_family = AF_INET6,
                                           .sin6_port = htons((uint16_t)ports[q])};
                CHECKL("  AF_INET6 bind [::], same port", bind(s6, SA(&any), sizeof any));
                close(s6);
            }
            close(s);
        }
    return 0;
}
