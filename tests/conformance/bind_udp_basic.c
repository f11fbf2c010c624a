/* bind(): UDP to loopback addresses and the wildcard; getsockname after. */
#include "conf.h"

static void try_bind(const char *ip, int port)
{
    int s;
    char l[64];
    struct sockaddr_in a = conf_sin(ip, port);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    snprintf(l, sizeof l, "bind(udp, %s:%d)", ip, port);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    SOCKNAME(l, s, 0);
    PEERNAME(l, s, 0);
    close(s);
}

int main(void)
{
    try_bind("127.0.0.1", 5000);
    try_bind("127.0.0.2", 5000); /* all of 127/8 is local */
    try_bind("127.255.255.254", 5000);
    try_bind("127.1.2.3", 5001);
    try_bind("0.0.0.0", 5002);
    try_bind("127.0.0.1", 65535);
    try_bind("127.0.0.1", 1); /* root may bind low ports */
    return 0;
}
