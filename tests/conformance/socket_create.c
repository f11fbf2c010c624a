/* socket(): successful creation; fd numbers, protocol 0 vs explicit. */
#include "conf.h"

int main(void)
{
    int u, t, u2, t2;
    CHECK(u = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(t = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(u2 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP));
    CHECK(t2 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
    CHECK(socket(PF_INET, SOCK_DGRAM, 0) > t2);
    GETINT(u2, SOL_SOCKET, SO_PROTOCOL);
    GETINT(t2, SOL_SOCKET, SO_PROTOCOL);
    GETINT(u, SOL_SOCKET, SO_TYPE);
    GETINT(t, SOL_SOCKET, SO_TYPE);
    SOCKNAME("udp fresh", u, 0);
    SOCKNAME("tcp fresh", t, 0);
    PEERNAME("udp fresh", u, 0);
    PEERNAME("tcp fresh", t, 0);
    CHECK(close(u));
    CHECK(close(t));
    CHECK(close(u2));
    CHECK(close(t2));
    return 0;
}
