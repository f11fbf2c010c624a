/* Boolean SOL_SOCKET / IPPROTO_IP options: any non-zero value reads back 1. */
#include "conf.h"

static void cycle(int fd, int level, int opt, const char *name)
{
    static const int vals[] = {1, 0, 5, -1, 0};
    int v;
    socklen_t len;
    len = sizeof v;
    v = -7;
    CHECKL(name, getsockopt(fd, level, opt, &v, &len));
    conf_printf("  default %d len=%u\n", v, (unsigned)len);
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char l[80];
        snprintf(l, sizeof l, "set %s %d", name, vals[i]);
        CHECKL(l, setsockopt(fd, level, opt, &vals[i], sizeof vals[i]));
        len = sizeof v;
        v = -7;
        getsockopt(fd, level, opt, &v, &len);
        conf_printf("  reads %d len=%u\n", v, (unsigned)len);
    }
}

int main(void)
{
    int u, t;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    cycle(u, SOL_SOCKET, SO_REUSEADDR, "udp SO_REUSEADDR");
    cycle(u, SOL_SOCKET, SO_REUSEPORT, "udp SO_REUSEPORT");
    cycle(u, SOL_SOCKET, SO_BROADCAST, "udp SO_BROADCAST");
    cycle(u, SOL_SOCKET, SO_KEEPALIVE, "udp SO_KEEPALIVE");
    cycle(u, SOL_SOCKET, SO_DONTROUTE, "udp SO_DONTROUTE");
    cycle(u, SOL_SOCKET, SO_OOBINLINE, "udp SO_OOBINLINE");
    cycle(t, SOL_SOCKET, SO_REUSEADDR, "tcp SO_REUSEADDR");
    cycle(t, SOL_SOCKET, SO_KEEPALIVE, "tcp SO_KEEPALIVE");
    cycle(u, IPPROTO_IP, IP_FREEBIND, "udp IP_FREEBIND");
    cycle(u, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, "udp IP_BIND_ADDRESS_NO_PORT");
    cycle(u, IPPROTO_IP, IP_RECVERR, "udp IP_RECVERR");
    cycle(u, IPPROTO_IP, IP_PKTINFO, "udp IP_PKTINFO");
    cycle(t, IPPROTO_TCP, TCP_NODELAY, "tcp TCP_NODELAY");

    /* optlen longer than an int is fine for setsockopt; getsockopt trims. */
    long long big = 1;
    CHECK(setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &big, sizeof big));
    big = -1;
    socklen_t len = sizeof big;
    CHECK(getsockopt(u, SOL_SOCKET, SO_REUSEADDR, &big, &len));
    conf_printf("  len=%u\n", (unsigned)len);
    return 0;
}
