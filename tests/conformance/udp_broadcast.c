/* Broadcast destinations: EACCES without SO_BROADCAST. With it, both the
 * loopback broadcast 127.255.255.255 and 255.255.255.255 (from a socket
 * bound to 127.0.0.1) reach a wildcard-bound receiver. */
#include "conf.h"

int main(void)
{
    char buf[16];
    int r = conf_udp_bound("0.0.0.0", 5000);
    int s = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in lim = conf_sin("255.255.255.255", 5000);
    struct sockaddr_in lob = conf_sin("127.255.255.255", 5000);

    GETINT(s, SOL_SOCKET, SO_BROADCAST);
    CHECKL("sendto(255.255.255.255)", sendto(s, "b", 1, 0, SA(&lim), sizeof lim));
    CHECKL("sendto(127.255.255.255)", sendto(s, "b", 1, 0, SA(&lob), sizeof lob));

    SETINT(s, SOL_SOCKET, SO_BROADCAST, 1);
    GETINT(s, SOL_SOCKET, SO_BROADCAST);
    CHECKL("sendto(255.255.255.255) SO_BROADCAST", sendto(s, "b", 1, 0, SA(&lim), sizeof lim));
    CHECKL("sendto(127.255.255.255) SO_BROADCAST", sendto(s, "c", 1, 0, SA(&lob), sizeof lob));
    conf_printf("poll wildcard receiver = %s\n", conf_pollbits(conf_wait(r, POLLIN, 1000)));
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    memset(buf, 0, sizeof buf);
    CHECK(recvfrom(r, buf, sizeof buf, MSG_DONTWAIT, SA(&from), &fl));
    conf_printf("got \"%s\" from %s\n", buf, conf_fmt_sa(&from, fl, 0));
    memset(buf, 0, sizeof buf);
    fl = sizeof from;
    CHECK(recvfrom(r, buf, sizeof buf, MSG_DONTWAIT, SA(&from), &fl));
    conf_printf("got \"%s\" from %s\n", buf, conf_fmt_sa(&from, fl, 0));
    CHECK(recv(r, buf, sizeof buf, MSG_DONTWAIT));

    /* An unbound sender has no source address to route 255.255.255.255. */
    int u;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    SETINT(u, SOL_SOCKET, SO_BROADCAST, 1);
    CHECKL("unbound sendto(255.255.255.255) SO_BROADCAST",
           sendto(u, "d", 1, 0, SA(&lim), sizeof lim));
    CHECKL("unbound connect(255.255.255.255) SO_BROADCAST", connect(u, SA(&lim), sizeof lim));
    CHECKL("unbound sendto(127.255.255.255) SO_BROADCAST",
           sendto(u, "e", 1, 0, SA(&lob), sizeof lob));
    conf_wait(r, POLLIN, 1000);
    memset(buf, 0, sizeof buf);
    fl = sizeof from;
    CHECK(recvfrom(r, buf, sizeof buf, MSG_DONTWAIT, SA(&from), &fl));
    conf_printf("got \"%s\" from %s\n", buf, conf_fmt_sa(&from, fl, CONF_PORT_EPH));
    CHECK(recv(r, buf, sizeof buf, MSG_DONTWAIT));

    SETINT(s, SOL_SOCKET, SO_BROADCAST, 0);
    CHECKL("sendto(127.255.255.255) after clearing", sendto(s, "b", 1, 0, SA(&lob), sizeof lob));
    return 0;
}
