/* A connected UDP socket learns ECONNREFUSED from ICMP port unreachable. */
#include "conf.h"

int main(void)
{
    int s;
    char buf[16];
    struct sockaddr_in closed = conf_sin("127.0.0.1", 5999);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(connect(s, SA(&closed), sizeof closed));

    CHECKL("send(connected to closed port)", send(s, "ping", 4, 0));
    conf_printf("poll after ICMP = %s\n", conf_pollbits(conf_wait(s, POLLIN, 1000)));
    CHECKL("recv(error pending)", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    /* The error is reported once. */
    CHECKL("recv(error consumed)", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    conf_printf("poll after consume = %s\n", conf_pollbits(conf_wait(s, POLLIN, 0)));

    /* A pending error is also returned by the next send. */
    CHECKL("send(connected to closed port) 2", send(s, "ping", 4, 0));
    conf_wait(s, POLLIN, 1000);
    CHECKL("send(error pending)", send(s, "ping", 4, 0));
    CHECKL("send(error consumed)", send(s, "ping", 4, 0));
    conf_wait(s, POLLIN, 1000);

    /* ... and by a blocking recv (it does not block). */
    CHECKL("recv(blocking, error pending)", recv(s, buf, sizeof buf, 0));

    /* sendto() with an explicit address on the connected socket. */
    CHECKL("sendto(closed port)", sendto(s, "p", 1, 0, SA(&closed), sizeof closed));
    conf_wait(s, POLLIN, 1000);
    CHECKL("recvfrom(error pending)", recvfrom(s, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL));
    return 0;
}
