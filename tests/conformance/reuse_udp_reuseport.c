/* SO_REUSEPORT on UDP: sharing needs it on all sockets (same user). */
#include "conf.h"

static int sock(int rport, int raddr, const char *ip, int port)
{
    int s, one = 1;
    char l[96];
    struct sockaddr_in a = conf_sin(ip, port);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    if (rport)
        MUST(setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one));
    if (raddr)
        MUST(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    snprintf(l, sizeof l, "bind(udp%s%s, %s:%d)", rport ? " REUSEPORT" : "",
             raddr ? " REUSEADDR" : "", ip, port);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    return s;
}

int main(void)
{
    sock(1, 0, "127.0.0.1", 5000);
    sock(1, 0, "127.0.0.1", 5000);
    sock(1, 0, "127.0.0.1", 5000);
    sock(0, 0, "127.0.0.1", 5000); /* without: EADDRINUSE */
    sock(0, 1, "127.0.0.1", 5000); /* REUSEADDR alone does not match */
    sock(1, 0, "0.0.0.0", 5000);   /* wildcard in the same group */

    sock(0, 0, "127.0.0.1", 5001);
    sock(1, 0, "127.0.0.1", 5001);

    sock(1, 0, "0.0.0.0", 5002);
    sock(0, 0, "127.0.0.1", 5002);
    sock(1, 0, "127.0.0.1", 5002);

    /* bind(0) never joins an existing group: distinct ports. */
    int a = sock(1, 0, "127.0.0.1", 0);
    int b = sock(1, 0, "127.0.0.1", 0);
    conf_printf("bind(0) ports differ = %d\n", conf_local_port(a) != conf_local_port(b));

    /* A group receives each datagram exactly once. */
    int g1 = sock(1, 0, "127.0.0.1", 6000);
    int g2 = sock(1, 0, "127.0.0.1", 6000);
    int s = conf_udp_bound("127.0.0.1", 6001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 6000);
    for (int i = 0; i < 10; i++)
        MUST(sendto(s, "x", 1, 0, SA(&to), sizeof to));
    conf_wait(g1, POLLIN, 200);
    int total = 0;
    char buf[4];
    while (recv(g1, buf, sizeof buf, MSG_DONTWAIT) == 1)
        total++;
    while (recv(g2, buf, sizeof buf, MSG_DONTWAIT) == 1)
        total++;
    conf_printf("datagrams received by the group = %d\n", total);
    return 0;
}
