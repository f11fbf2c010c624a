/* getsockname(): EBADF, ENOTSOCK, EINVAL, and the addrlen in/out rules. */
#include "conf.h"

static void name_len(int fd, socklen_t in)
{
    unsigned char b[32];
    socklen_t len = in;
    char l[64];
    memset(b, 0xAA, sizeof b);
    snprintf(l, sizeof l, "getsockname(addrlen in %u)", (unsigned)in);
    CHECKL(l, getsockname(fd, SA(b), &len));
    conf_printf("  addrlen out=%u bytes:", (unsigned)len);
    for (int i = 0; i < 18; i++)
        conf_printf(" %02x", b[i]);
    conf_printf("\n");
}

int main(void)
{
    int s, p[2], dead;
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(pipe(p));
    MUST(dead = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(close(dead));

    CHECK(getsockname(-1, SA(&a), &len));
    CHECK(getsockname(dead, SA(&a), &len));
    CHECK(getsockname(p[0], SA(&a), &len));
    CHECK(getsockname(0, SA(&a), &len));
    len = (socklen_t)-1;
    CHECK(getsockname(s, SA(&a), &len));
    len = 0x80000000u;
    CHECK(getsockname(s, SA(&a), &len));

    struct sockaddr_in b = conf_sin("127.0.0.1", 4660);
    MUST(bind(s, SA(&b), sizeof b));
    name_len(s, 32);
    name_len(s, 16);
    name_len(s, 15);
    name_len(s, 4);
    name_len(s, 1);
    name_len(s, 0);
    return 0;
}
