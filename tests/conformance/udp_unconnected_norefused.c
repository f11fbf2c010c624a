/* An unconnected UDP socket does not see ICMP port unreachable errors. */
#include "conf.h"

int main(void)
{
    int s;
    char buf[16];
    struct sockaddr_in closed = conf_sin("127.0.0.1", 5999);
    struct sockaddr_in here = conf_sin("127.0.0.1", 5000);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(s, SA(&here), sizeof here));

    CHECKL("sendto(closed port)", sendto(s, "ping", 4, 0, SA(&closed), sizeof closed));
    /* Send ourselves a datagram so we know the ICMP error came first. */
    CHECKL("sendto(self)", sendto(s, "self", 4, 0, SA(&here), sizeof here));
    conf_printf("poll = %s\n", conf_pollbits(conf_wait(s, POLLIN, 1000)));
    CHECKL("recv", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("recv again", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    GETINT(s, SOL_SOCKET, SO_ERROR);
    CHECKL("sendto(closed port) 2", sendto(s, "ping", 4, 0, SA(&closed), sizeof closed));
    CHECKL("sendto(closed port) 3", sendto(s, "ping", 4, 0, SA(&closed), sizeof closed));
    return 0;
}
