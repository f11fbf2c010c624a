/* setsockopt/getsockopt: ENOPROTOOPT, EINVAL, EBADF, ENOTSOCK. */
#include "conf.h"

int main(void)
{
    int u, t, p[2], dead, one = 1, v;
    socklen_t len;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    MUST(pipe(p));
    MUST(dead = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(close(dead));

    /* Unknown level. */
    CHECK(setsockopt(u, 9999, 1, &one, sizeof one));
    CHECK(getsockopt(u, 9999, 1, &v, &(socklen_t){sizeof v}));
    CHECK(setsockopt(t, 9999, 1, &one, sizeof one));
    CHECK(getsockopt(t, 9999, 1, &v, &(socklen_t){sizeof v}));
    /* A level that belongs to another protocol. */
    CHECK(setsockopt(u, IPPROTO_TCP, 1, &one, sizeof one));
    CHECK(getsockopt(u, IPPROTO_TCP, 1, &v, &(socklen_t){sizeof v}));
    CHECK(setsockopt(t, IPPROTO_UDP, 1, &one, sizeof one));
    CHECK(getsockopt(t, IPPROTO_UDP, 1, &v, &(socklen_t){sizeof v}));
    CHECK(setsockopt(u, IPPROTO_IPV6, 1, &one, sizeof one));
    CHECK(getsockopt(u, IPPROTO_IPV6, 1, &v, &(socklen_t){sizeof v}));

    /* Unknown option at a known level. */
    CHECK(setsockopt(u, SOL_SOCKET, 9999, &one, sizeof one));
    CHECK(getsockopt(u, SOL_SOCKET, 9999, &v, &(socklen_t){sizeof v}));
    CHECK(setsockopt(u, IPPROTO_IP, 9999, &one, sizeof one));
    CHECK(getsockopt(u, IPPROTO_IP, 9999, &v, &(socklen_t){sizeof v}));
    CHECK(setsockopt(u, IPPROTO_UDP, 9999, &one, sizeof one));
    CHECK(getsockopt(u, IPPROTO_UDP, 9999, &v, &(socklen_t){sizeof v}));
    CHECK(setsockopt(t, IPPROTO_TCP, 9999, &one, sizeof one));
    CHECK(getsockopt(t, IPPROTO_TCP, 9999, &v, &(socklen_t){sizeof v}));

    /* Read-only options cannot be set. */
    CHECK(setsockopt(u, SOL_SOCKET, SO_TYPE, &one, sizeof one));
    CHECK(setsockopt(u, SOL_SOCKET, SO_PROTOCOL, &one, sizeof one));
    CHECK(setsockopt(u, SOL_SOCKET, SO_DOMAIN, &one, sizeof one));
    CHECK(setsockopt(u, SOL_SOCKET, SO_ACCEPTCONN, &one, sizeof one));

    /* optlen too short for setsockopt. */
    CHECK(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, 0));
    CHECK(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, 2));
    CHECK(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, 3));
    CHECK(setsockopt(u, SOL_SOCKET, SO_RCVBUF, &one, 3));
    CHECK(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, NULL, 0));
    CHECK(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, 2));
    /* negative optlen for getsockopt */
    len = (socklen_t)-1;
    CHECK(getsockopt(u, SOL_SOCKET, SO_TYPE, &v, &len));
    len = (socklen_t)-1;
    CHECK(getsockopt(u, IPPROTO_IP, IP_TTL, &v, &len));

    /* Bad descriptors. */
    CHECK(setsockopt(-1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    CHECK(getsockopt(-1, SOL_SOCKET, SO_TYPE, &v, &(socklen_t){sizeof v}));
    CHECK(setsockopt(dead, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    CHECK(getsockopt(dead, SOL_SOCKET, SO_TYPE, &v, &(socklen_t){sizeof v}));
    CHECK(setsockopt(p[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    CHECK(getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &(socklen_t){sizeof v}));
    CHECK(getsockopt(0, SOL_SOCKET, SO_TYPE, &v, &(socklen_t){sizeof v}));
    /* fd check before level check */
    CHECK(setsockopt(p[0], 9999, 1, &one, sizeof one));
    return 0;
}
