/* connect_any_own_addr.c - connect() to 0.0.0.0 means "this host": the
 * socket's own source address when it has one, else 127.0.0.1
 * (ip_route_output_key_hash_rcu), for TCP and UDP (issue 12). */
#include "conf.h"

int main(void)
{
    struct sockaddr_in b2 = conf_sin("127.0.0.2", 0), any = conf_sin("0.0.0.0", 7421);
    struct sockaddr_in l2 = conf_sin("127.0.0.2", 7421);

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    MUST(bind(u, SA(&b2), sizeof b2));
    CHECKL("udp bound to 127.0.0.2: connect(0.0.0.0)", connect(u, SA(&any), sizeof any));
    PEERNAME("  peer", u, 0);
    close(u);
    u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECKL("udp unbound: connect(0.0.0.0)", connect(u, SA(&any), sizeof any));
    PEERNAME("  peer", u, 0);
    SOCKNAME("  name", u, CONF_PORT_EPH);
    close(u);

    /* sendto(0.0.0.0) from a socket bound to 127.0.0.2 reaches 127.0.0.2 */
    int r = socket(AF_INET, SOCK_DGRAM, 0);
    MUST(bind(r, SA(&l2), sizeof l2));
    u = socket(AF_INET, SOCK_DGRAM, 0);
    MUST(bind(u, SA(&b2), sizeof b2));
    CHECKL("udp bound to 127.0.0.2: sendto(0.0.0.0)", sendto(u, "x", 1, 0, SA(&any), sizeof any));
    conf_wait(r, POLLIN, 1000);
    char c;
    CHECKL("  received at 127.0.0.2", recv(r, &c, 1, MSG_DONTWAIT));
    close(u);
    close(r);

    int l = socket(AF_INET, SOCK_STREAM, 0);
    MUST(bind(l, SA(&l2), sizeof l2));
    MUST(listen(l, 4));
    int t = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    MUST(bind(t, SA(&b2), sizeof b2));
    CHECKL("tcp bound to 127.0.0.2: connect(0.0.0.0)", connect(t, SA(&any), sizeof any));
    conf_wait(t, POLLOUT, 1000);
    PEERNAME("  peer", t, 0);
    close(t);
    close(l);
    return 0;
}
