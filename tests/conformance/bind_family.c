/* bind(): sa_family checks. EAFNOSUPPORT, and AF_UNSPEC + INADDR_ANY. */
#include "conf.h"

static void try(const char *label, int type, int family, const char *ip, int port)
{
    int s;
    struct sockaddr_in a = conf_sin(ip, port);
    a.sin_family = (sa_family_t)family;
    MUST(s = socket(AF_INET, type, 0));
    CHECKL(label, bind(s, SA(&a), sizeof a));
    SOCKNAME(label, s, port ? 0 : CONF_PORT_EPH);
    close(s);
}

int main(void)
{
    try("udp AF_INET6 127.0.0.1:5000", SOCK_DGRAM, AF_INET6, "127.0.0.1", 5000);
    try("udp AF_UNIX 127.0.0.1:5000", SOCK_DGRAM, AF_UNIX, "127.0.0.1", 5000);
    try("udp family 255 127.0.0.1:5000", SOCK_DGRAM, 255, "127.0.0.1", 5000);
    try("udp AF_UNSPEC 127.0.0.1:5000", SOCK_DGRAM, AF_UNSPEC, "127.0.0.1", 5000);
    /* Linux accepts AF_UNSPEC when the address is INADDR_ANY. */
    try("udp AF_UNSPEC 0.0.0.0:5000", SOCK_DGRAM, AF_UNSPEC, "0.0.0.0", 5000);
    try("udp AF_UNSPEC 0.0.0.0:0", SOCK_DGRAM, AF_UNSPEC, "0.0.0.0", 0);
    try("tcp AF_INET6 127.0.0.1:5000", SOCK_STREAM, AF_INET6, "127.0.0.1", 5000);
    try("tcp AF_UNSPEC 127.0.0.1:5000", SOCK_STREAM, AF_UNSPEC, "127.0.0.1", 5000);
    try("tcp AF_UNSPEC 0.0.0.0:5000", SOCK_STREAM, AF_UNSPEC, "0.0.0.0", 5000);

    /* Length is checked before family. */
    int s;
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    a.sin_family = AF_INET6;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(bind(s, SA(&a), 8));
    return 0;
}
