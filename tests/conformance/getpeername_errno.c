/* getpeername(): ENOTCONN, EBADF, ENOTSOCK, EINVAL, addrlen rules. */
#include "conf.h"

int main(void)
{
    int u, t, p[2], dead;
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    MUST(pipe(p));
    MUST(dead = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(close(dead));

    CHECK(getpeername(u, SA(&a), &len));
    CHECK(getpeername(t, SA(&a), &len));
    struct sockaddr_in l = conf_sin("127.0.0.1", 5000);
    MUST(bind(u, SA(&l), sizeof l));
    MUST(bind(t, SA(&l), sizeof l));
    CHECK(getpeername(u, SA(&a), &len));
    CHECK(getpeername(t, SA(&a), &len));

    CHECK(getpeername(-1, SA(&a), &len));
    CHECK(getpeername(dead, SA(&a), &len));
    CHECK(getpeername(p[1], SA(&a), &len));
    /* Negative length on an unconnected socket: which check wins? */
    len = (socklen_t)-1;
    CHECK(getpeername(u, SA(&a), &len));

    struct sockaddr_in peer = conf_sin("127.0.0.2", 6000);
    MUST(connect(u, SA(&peer), sizeof peer));
    len = (socklen_t)-1;
    CHECK(getpeername(u, SA(&a), &len));
    unsigned char b[32];
    memset(b, 0xAA, sizeof b);
    len = 6;
    CHECK(getpeername(u, SA(b), &len));
    conf_printf("  addrlen out=%u bytes: %02x %02x %02x %02x %02x %02x %02x %02x\n", (unsigned)len,
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
    len = 0;
    CHECK(getpeername(u, SA(b), &len));
    conf_printf("  addrlen out=%u\n", (unsigned)len);
    return 0;
}
