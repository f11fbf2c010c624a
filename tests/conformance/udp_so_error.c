/* SO_ERROR reports a pending ICMP error once, then reads 0. */
#include "conf.h"

int main(void)
{
    int s;
    struct sockaddr_in closed = conf_sin("127.0.0.1", 5999);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    GETINT(s, SOL_SOCKET, SO_ERROR);
    MUST(connect(s, SA(&closed), sizeof closed));
    CHECKL("send(closed port)", send(s, "x", 1, 0));
    conf_printf("poll = %s\n", conf_pollbits(conf_wait(s, POLLIN, 1000)));

    int v = -1;
    socklen_t len = sizeof v;
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len));
    conf_printf("SO_ERROR = %s len=%u\n", conf_errname(v), (unsigned)len);
    CHECK(getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len));
    conf_printf("SO_ERROR = %s len=%u\n", conf_errname(v), (unsigned)len);
    conf_printf("poll after read = %s\n", conf_pollbits(conf_wait(s, POLLIN, 0)));
    CHECKL("recv", recv(s, (char[4]){0}, 4, MSG_DONTWAIT));

    /* SO_ERROR is read-only. */
    SETINT(s, SOL_SOCKET, SO_ERROR, 0);
    return 0;
}
