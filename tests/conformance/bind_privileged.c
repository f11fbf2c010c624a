/* bind(): root may bind ports below 1024 (EACCES needs a non-root user,
 * which the oracle does not have, so it is not tested here). */
#include "conf.h"

static void try(int type, const char *ip, int port)
{
    int s;
    char l[64];
    struct sockaddr_in a = conf_sin(ip, port);
    MUST(s = socket(AF_INET, type, 0));
    snprintf(l, sizeof l, "bind(%s, %s:%d)", type == SOCK_STREAM ? "tcp" : "udp", ip, port);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    SOCKNAME(l, s, 0);
}

int main(void)
{
    try(SOCK_DGRAM, "127.0.0.1", 80);
    try(SOCK_STREAM, "127.0.0.1", 80);
    try(SOCK_DGRAM, "0.0.0.0", 1);
    try(SOCK_STREAM, "0.0.0.0", 1023);
    try(SOCK_DGRAM, "127.0.0.1", 1024);
    return 0;
}
