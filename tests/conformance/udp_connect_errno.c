/* connect() on UDP: EBADF, ENOTSOCK, EINVAL, EAFNOSUPPORT; getpeername
 * ENOTCONN. Each failing connect() uses a fresh socket, and getsockname
 * afterwards shows whether the failed call autobound it (Linux autobinds
 * before it checks the address, except for AF_UNSPEC and len < 2). */
#include "conf.h"

static void try(const char *label, int family, const char *ip, socklen_t len)
{
    int s;
    struct sockaddr_storage ss;
    struct sockaddr_in a = conf_sin(ip, 5000);
    a.sin_family = (sa_family_t)family;
    memset(&ss, 0, sizeof ss);
    memcpy(&ss, &a, sizeof a);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECKL(label, connect(s, SA(&ss), len));
    PEERNAME(label, s, 0);
    SOCKNAME(label, s, CONF_PORT_EPH);
    close(s);
}

int main(void)
{
    int s, p[2], dead;
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    MUST(pipe(p));
    MUST(dead = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(close(dead));

    CHECK(connect(-1, SA(&a), sizeof a));
    CHECK(connect(dead, SA(&a), sizeof a));
    CHECK(connect(p[0], SA(&a), sizeof a));
    CHECK(connect(0, SA(&a), sizeof a));
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(connect(s, NULL, 0));
    CHECK(connect(s, SA(&a), (socklen_t)-1));

    try("connect(AF_INET, len 0)", AF_INET, "127.0.0.1", 0);
    try("connect(AF_INET, len 1)", AF_INET, "127.0.0.1", 1);
    try("connect(AF_INET, len 2)", AF_INET, "127.0.0.1", 2);
    try("connect(AF_INET, len 15)", AF_INET, "127.0.0.1", 15);
    try("connect(AF_INET, len 16)", AF_INET, "127.0.0.1", 16);
    try("connect(AF_INET, len 128)", AF_INET, "127.0.0.1", 128);
    try("connect(AF_INET, len 129)", AF_INET, "127.0.0.1", 129);
    try("connect(AF_INET6, len 16)", AF_INET6, "127.0.0.1", 16);
    try("connect(AF_INET6, len 8)", AF_INET6, "127.0.0.1", 8);
    try("connect(family 255, len 16)", 255, "127.0.0.1", 16);
    /* Broadcast destinations need SO_BROADCAST (and a route). */
    try("connect(255.255.255.255)", AF_INET, "255.255.255.255", 16);
    try("connect(127.255.255.255)", AF_INET, "127.255.255.255", 16);
    return 0;
}
