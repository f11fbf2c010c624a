/* TCP automatic ports that need connect()/listen() (__inet_hash_connect,
 * inet_csk_get_port), with ip_local_port_range = 40000-40003:
 *  - connect()'s autobind tries even offsets from the range's low end first
 *    (bind(0) does the opposite);
 *  - it skips ports owned by an explicit bind (even a bound socket that
 *    never listens) and reserved ports;
 *  - connections to different destinations share a local port (the
 *    4-tuple must be unique, not the port);
 *  - exhaustion: connect() fails with EADDRNOTAVAIL, listen()'s autobind
 *    with EADDRINUSE;
 *  - IP_BIND_ADDRESS_NO_PORT defers the port to connect().
 * Needs TCP connect/listen: see docs/deviations.md until berth has them. */
#include "confx.h"

static int conn(const char *dst, int port)
{
    int s = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    struct sockaddr_in a = conf_sin(dst, port);
    if (connect(s, SA(&a), sizeof a) < 0) {
        int e = errno;
        close(s);
        return -e;
    }
    return s;
}

static int listener(int port)
{
    int l = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    MUST(conf_bind4(l, "127.0.0.1", port));
    MUST(listen(l, 64));
    return l;
}

int main(void)
{
    int l1 = listener(5000), l2 = listener(5001);
    SYSCTL("net.ipv4.ip_local_port_range", "40000 40003");

    char seq[32] = "";
    int c[8], n = 0, e = 0;
    for (;;) {
        int s = conn("127.0.0.1", 5000);
        if (s < 0) {
            e = -s;
            break;
        }
        unsigned p = conf_local_port(s);
        snprintf(seq + strlen(seq), sizeof seq - strlen(seq), "%c",
                 p < 40000 || p > 40003 ? '?'
                 : (p & 1)              ? 'o'
                                        : 'e');
        c[n++] = s;
        if (n == 6)
            break;
    }
    conf_printf("connect to :5000: %d connections, offset parity %s, then %s\n", n, seq,
                conf_errname(e));
    int d = conn("127.0.0.1", 5001);
    int shared = 0;
    if (d >= 0)
        for (int i = 0; i < n; i++)
            shared |= conf_local_port(c[i]) == conf_local_port(d);
    conf_printf("connect to :5001 with every port in use: %s, shares a port=%d\n",
                d >= 0 ? "0" : conf_errname(-d), shared);
    int d2 = conn("127.0.0.2", 5000);
    conf_printf("connect to 127.0.0.2:5000 (nobody listens): %s\n",
                d2 >= 0 ? "0" : conf_errname(-d2));
    int lx = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    CHECKL("listen() autobind with every port in use", listen(lx, 5));
    int bx = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("bind(0) with every port used by connections: %s\n",
                conf_res(conf_bind4(bx, "127.0.0.1", 0)));
    for (int i = 0; i < n; i++)
        close(c[i]);
    if (d >= 0)
        close(d);
    close(lx);
    close(bx);

    /* Explicitly bound ports are never shared by connect(). Fresh range so
     * that TIME_WAIT from the connections above does not matter. */
    SYSCTL("net.ipv4.ip_local_port_range", "40100 40103");
    int x = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("explicit bind 127.0.0.1:40100: %s\n", conf_res(conf_bind4(x, "127.0.0.1", 40100)));
    SYSCTL("net.ipv4.ip_local_reserved_ports", "40102");
    n = 0;
    int got_bound = 0, got_reserved = 0;
    for (;;) {
        int s = conn("127.0.0.1", 5000);
        if (s < 0) {
            e = -s;
            break;
        }
        got_bound |= conf_local_port(s) == 40100;
        got_reserved |= conf_local_port(s) == 40102;
        c[n++] = s;
        if (n == 6)
            break;
    }
    conf_printf("connect with 40100 bound, 40102 reserved: %d connections, used 40100=%d, used "
                "40102=%d, then %s\n",
                n, got_bound, got_reserved, conf_errname(e));

    /* IP_BIND_ADDRESS_NO_PORT: the address now, the port at connect(). */
    int y = conf_sock(AF_INET, SOCK_STREAM, 0, 0), one = 1;
    MUST(setsockopt(y, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one));
    conf_printf("NO_PORT bind 127.0.0.2:0: %s\n", conf_res(conf_bind4(y, "127.0.0.2", 0)));
    struct sockaddr_in a = conf_sin("127.0.0.1", 5001);
    CHECKL("  connect to :5001", connect(y, SA(&a), sizeof a));
    unsigned p = conf_local_port(y);
    conf_printf("  local port in range=%d\n", p >= 40100 && p <= 40103);
    close(l1);
    close(l2);
    return 0;
}
