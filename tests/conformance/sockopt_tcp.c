/* A TCP socket that is only created and bound: options and close. */
#include "conf.h"

int main(void)
{
    int t;
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    GETINT(t, IPPROTO_TCP, TCP_NODELAY);
    GETINT(t, IPPROTO_TCP, TCP_MAXSEG);
    GETINT(t, IPPROTO_TCP, TCP_KEEPIDLE);
    GETINT(t, IPPROTO_TCP, TCP_KEEPINTVL);
    GETINT(t, IPPROTO_TCP, TCP_KEEPCNT);
    GETINT(t, IPPROTO_TCP, TCP_QUICKACK);
    SETINT(t, IPPROTO_TCP, TCP_NODELAY, 1);
    GETINT(t, IPPROTO_TCP, TCP_NODELAY);
    SETINT(t, IPPROTO_TCP, TCP_KEEPIDLE, 30);
    GETINT(t, IPPROTO_TCP, TCP_KEEPIDLE);
    SETINT(t, IPPROTO_TCP, TCP_KEEPIDLE, 0);
    SETINT(t, IPPROTO_TCP, TCP_KEEPINTVL, 0);
    SETINT(t, IPPROTO_TCP, TCP_KEEPCNT, 0);
    SETINT(t, IPPROTO_TCP, TCP_KEEPCNT, 200);
    SETINT(t, IPPROTO_TCP, TCP_MAXSEG, 1000);
    GETINT(t, IPPROTO_TCP, TCP_MAXSEG);
    SETINT(t, IPPROTO_TCP, TCP_MAXSEG, 10);
    SETINT(t, IPPROTO_TCP, TCP_MAXSEG, 70000);
    GETINT(t, SOL_SOCKET, SO_KEEPALIVE);
    GETINT(t, SOL_SOCKET, SO_ERROR);
    GETINT(t, IPPROTO_IP, IP_TTL);
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    CHECK(bind(t, SA(&a), sizeof a));
    GETINT(t, SOL_SOCKET, SO_ACCEPTCONN);
    /* data calls on an unconnected TCP socket */
    char buf[4];
    CHECK(send(t, "x", 1, MSG_NOSIGNAL));
    CHECK(recv(t, buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recv(t, buf, sizeof buf, 0));
    CHECK(close(t));
    return 0;
}
