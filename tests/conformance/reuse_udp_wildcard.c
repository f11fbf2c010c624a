/* UDP port sharing between the wildcard and specific loopback addresses,
 * and who receives a datagram when both are bound (most specific wins). */
#include "conf.h"

static int b(const char *ip, int port)
{
    int s;
    char l[64];
    struct sockaddr_in a = conf_sin(ip, port);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    snprintf(l, sizeof l, "bind(udp, %s:%d)", ip, port);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    return s;
}

int main(void)
{
    /* Two different specific addresses: fine. Then the wildcard: no. */
    b("127.0.0.1", 5000);
    b("127.0.0.2", 5000);
    b("0.0.0.0", 5000);
    b("127.0.0.3", 5000);

    /* Wildcard first, then a specific one with SO_REUSEADDR on both. */
    int one = 1, w, sp;
    struct sockaddr_in wa = conf_sin("0.0.0.0", 6000);
    struct sockaddr_in sa = conf_sin("127.0.0.1", 6000);
    MUST(w = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(sp = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(setsockopt(w, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    MUST(setsockopt(sp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    CHECK(bind(w, SA(&wa), sizeof wa));
    CHECK(bind(sp, SA(&sa), sizeof sa));

    /* A datagram to 127.0.0.1 goes to the specific socket, one to
     * 127.0.0.2 to the wildcard. */
    int s = b("127.0.0.5", 6001);
    struct sockaddr_in t1 = conf_sin("127.0.0.1", 6000);
    struct sockaddr_in t2 = conf_sin("127.0.0.2", 6000);
    MUST(sendto(s, "to-1", 4, 0, SA(&t1), sizeof t1));
    MUST(sendto(s, "to-2", 4, 0, SA(&t2), sizeof t2));
    conf_wait(w, POLLIN, 200);
    conf_wait(sp, POLLIN, 200);
    char buf[8];
    for (int i = 0; i < 2; i++) {
        memset(buf, 0, sizeof buf);
        CHECKL("recv(wildcard)", recv(w, buf, sizeof buf, MSG_DONTWAIT));
        conf_printf("  \"%s\"\n", buf);
        memset(buf, 0, sizeof buf);
        CHECKL("recv(specific)", recv(sp, buf, sizeof buf, MSG_DONTWAIT));
        conf_printf("  \"%s\"\n", buf);
    }
    /* The wildcard socket's getsockname stays 0.0.0.0. */
    SOCKNAME("wildcard", w, 0);
    return 0;
}
