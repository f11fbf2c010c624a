/* bind(): EADDRINUSE for UDP, specific and wildcard addresses. */
#include "conf.h"

static int b(const char *ip, int port)
{
    int s;
    char l[64];
    struct sockaddr_in a = conf_sin(ip, port);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    snprintf(l, sizeof l, "bind(udp, %s:%d)", ip, port);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    return s;
}

int main(void)
{
    int s1 = b("127.0.0.1", 5000);
    b("127.0.0.1", 5000); /* same address */
    b("0.0.0.0", 5000);   /* wildcard over specific */
    b("127.0.0.2", 5000); /* other local address: fine */
    b("127.0.0.1", 5001); /* other port: fine */

    b("0.0.0.0", 6000);
    b("127.0.0.1", 6000); /* specific under wildcard */
    b("0.0.0.0", 6000);

    /* close frees the port at once (no TIME_WAIT for UDP) */
    CHECK(close(s1));
    b("127.0.0.1", 5000);
    return 0;
}
