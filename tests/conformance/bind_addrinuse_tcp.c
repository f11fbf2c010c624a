/* bind(): EADDRINUSE for TCP; TCP and UDP ports are separate. */
#include "conf.h"

static int b(int type, const char *ip, int port)
{
    int s;
    char l[64];
    struct sockaddr_in a = conf_sin(ip, port);
    MUST(s = socket(AF_INET, type, 0));
    snprintf(l, sizeof l, "bind(%s, %s:%d)", type == SOCK_STREAM ? "tcp" : "udp", ip, port);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    return s;
}

int main(void)
{
    int t1 = b(SOCK_STREAM, "127.0.0.1", 5000);
    b(SOCK_STREAM, "127.0.0.1", 5000);
    b(SOCK_STREAM, "0.0.0.0", 5000);
    b(SOCK_STREAM, "127.0.0.2", 5000);
    b(SOCK_DGRAM, "127.0.0.1", 5000); /* other protocol */
    b(SOCK_STREAM, "0.0.0.0", 6000);
    b(SOCK_STREAM, "127.0.0.1", 6000);
    b(SOCK_DGRAM, "0.0.0.0", 6000);
    CHECK(close(t1));
    b(SOCK_STREAM, "127.0.0.1", 5000); /* never listened: port free again */
    return 0;
}
