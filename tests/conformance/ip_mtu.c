/* IP_MTU: the MTU of the socket's route, so ENOTCONN without a peer (UDP
 * unconnected, TCP fresh or listening), lo's 65536 once connected; read
 * only (setsockopt ENOPROTOOPT). IP_MTU_DISCOVER: WANT by default, 0..5
 * accepted, others EINVAL. */
#include "conf.h"

int main(void)
{
    int u, t, l;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    GETINT(u, IPPROTO_IP, IP_MTU);
    GETINT(t, IPPROTO_IP, IP_MTU);
    SETINT(u, IPPROTO_IP, IP_MTU, 1400);
    struct sockaddr_in to = conf_sin("127.0.0.1", 9);
    CHECK(connect(u, SA(&to), sizeof to));
    GETINT(u, IPPROTO_IP, IP_MTU);
    struct sockaddr_in un = {.sin_family = AF_UNSPEC};
    CHECK(connect(u, SA(&un), sizeof un));
    GETINT(u, IPPROTO_IP, IP_MTU);

    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in la = conf_sin("127.0.0.1", 5555);
    CHECK(bind(l, SA(&la), sizeof la));
    CHECK(listen(l, 4));
    GETINT(l, IPPROTO_IP, IP_MTU);
    CHECK(connect(t, SA(&la), sizeof la));
    GETINT(t, IPPROTO_IP, IP_MTU);
    int a;
    MUST(a = accept(l, NULL, NULL));
    GETINT(a, IPPROTO_IP, IP_MTU);

    GETINT(u, IPPROTO_IP, IP_MTU_DISCOVER);
    GETINT(t, IPPROTO_IP, IP_MTU_DISCOVER);
    for (int v = -1; v <= 6; v++) {
        SETINT(u, IPPROTO_IP, IP_MTU_DISCOVER, v);
        GETINT(u, IPPROTO_IP, IP_MTU_DISCOVER);
    }
    SETINT(t, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO);
    GETINT(t, IPPROTO_IP, IP_MTU_DISCOVER);
    return 0;
}
