/* IP_BIND_ADDRESS_NO_PORT with a small ip_local_port_range (40000-40003):
 * bind(addr, 0) with the option takes no port, so it succeeds even when the
 * range is exhausted; the port is chosen at connect()/sendto() time (UDP:
 * EAGAIN when none is left), within the range and skipping reserved ports.
 * Prints only range facts. */
#include "confx.h"

static int opt_sock(void)
{
    int s = conf_sock(AF_INET, SOCK_DGRAM, 0, 0), one = 1;
    MUST(setsockopt(s, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one));
    return s;
}

static const char *where(int s)
{
    unsigned p = conf_local_port(s);
    return p == 0 ? "no port" : (p >= 40000 && p <= 40003) ? "in range" : "OUT OF RANGE";
}

int main(void)
{
    SYSCTL("net.ipv4.ip_local_port_range", "40000 40003");
    SYSCTL("net.ipv4.ip_local_reserved_ports", "40000");
    struct sockaddr_in peer = conf_sin("127.0.0.1", 9);
    int held[4], n = 0; /* kept open: each holds its port */
    for (int i = 0; i < 4; i++) {
        int s = opt_sock();
        int r = conf_bind4(s, "127.0.0.2", 0);
        conf_printf("NO_PORT bind(127.0.0.2:0) #%d: %s, %s\n", i, conf_res(r), where(s));
        r = connect(s, SA(&peer), sizeof peer) < 0 ? -errno : 0;
        conf_printf("  connect: %s, %s\n", conf_res(r), where(s));
        held[n++] = s;
    }
    /* All three unreserved ports are taken on 127.0.0.2 now. */
    int s = opt_sock();
    int r = conf_bind4(s, "127.0.0.2", 0);
    conf_printf("NO_PORT bind(127.0.0.2:0), range used up: %s, %s\n", conf_res(r), where(s));
    CHECKL("  sendto", sendto(s, "x", 1, 0, SA(&peer), sizeof peer));
    CHECKL("  connect", connect(s, SA(&peer), sizeof peer));
    /* Another address still has every port. */
    int t = opt_sock();
    conf_printf("NO_PORT bind(127.0.0.3:0): %s\n", conf_res(conf_bind4(t, "127.0.0.3", 0)));
    CHECKL("  sendto", sendto(t, "x", 1, 0, SA(&peer), sizeof peer));
    conf_printf("  after sendto: %s\n", where(t));
    /* Without the option the same bind fails at once. */
    int u = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    conf_printf("plain bind(127.0.0.2:0), range used up: %s\n",
                conf_res(conf_bind4(u, "127.0.0.2", 0)));
    for (int i = 0; i < n; i++)
        close(held[i]);
    return 0;
}
