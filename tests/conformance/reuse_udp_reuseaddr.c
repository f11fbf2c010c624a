/* SO_REUSEADDR on UDP: two sockets may share a port only if both set it. */
#include "conf.h"

static int sock(int reuse, const char *ip, int port)
{
    int s;
    char l[80];
    struct sockaddr_in a = conf_sin(ip, port);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    if (reuse)
        MUST(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse));
    snprintf(l, sizeof l, "bind(udp%s, %s:%d)", reuse ? " REUSEADDR" : "", ip, port);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    return s;
}

int main(void)
{
    sock(1, "127.0.0.1", 5000);
    sock(1, "127.0.0.1", 5000); /* both: ok */
    sock(0, "127.0.0.1", 5000); /* new one without: EADDRINUSE */
    sock(1, "0.0.0.0", 5000);   /* wildcard over specific, both reuse */

    sock(0, "127.0.0.1", 5001);
    sock(1, "127.0.0.1", 5001); /* old one without: EADDRINUSE */

    sock(1, "0.0.0.0", 5002);
    sock(1, "127.0.0.1", 5002);
    sock(0, "127.0.0.2", 5002); /* conflicts with the wildcard */

    /* Setting it after bind does not help the later socket's partner. */
    int a = sock(0, "127.0.0.1", 5003);
    int one = 1;
    CHECK(setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    sock(1, "127.0.0.1", 5003); /* Linux checks the current flag: ok */

    /* Who receives? With shared unicast ports the last bound socket wins. */
    int r1 = sock(1, "127.0.0.1", 6000);
    int r2 = sock(1, "127.0.0.1", 6000);
    int s = conf_udp_bound("127.0.0.1", 6001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 6000);
    MUST(sendto(s, "x", 1, 0, SA(&to), sizeof to));
    conf_wait(r2, POLLIN, 200);
    char b[4];
    CHECKL("recv(first)", recv(r1, b, sizeof b, MSG_DONTWAIT));
    CHECKL("recv(second)", recv(r2, b, sizeof b, MSG_DONTWAIT));
    return 0;
}
