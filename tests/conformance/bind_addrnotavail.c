/* bind(): which IPv4 addresses count as local. */
#include "conf.h"

static void try(int type, const char *ip)
{
    int s;
    char l[64];
    struct sockaddr_in a = conf_sin(ip, 5000);
    MUST(s = socket(AF_INET, type, 0));
    snprintf(l, sizeof l, "bind(%s, %s:5000)", type == SOCK_STREAM ? "tcp" : "udp", ip);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    close(s);
}

int main(void)
{
    static const char *addrs[] = {
        "192.0.2.1",       /* TEST-NET-1, not configured */
        "198.51.100.7",    /* TEST-NET-2, not configured */
        "127.0.0.0",       /* loopback network address */
        "127.255.255.255", /* loopback broadcast */
        "255.255.255.255", /* limited broadcast */
        "224.0.0.1",       /* multicast */
        "239.1.2.3",       /* multicast */
        "240.0.0.1",       /* class E */
        "0.0.0.1",         "127.0.0.1",
    };
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        try(SOCK_DGRAM, addrs[i]);
        try(SOCK_STREAM, addrs[i]);
    }
    return 0;
}
