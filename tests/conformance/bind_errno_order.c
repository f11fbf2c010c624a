/* The order of bind()'s checks on AF_INET sockets (__inet_bind): address
 * length, then family (AF_UNSPEC accepted only with INADDR_ANY), then the
 * address must be local (or wildcard, multicast, broadcast, or allowed by
 * IP_FREEBIND / ip_nonlocal_bind), then the privileged port, then "already
 * bound" (EINVAL), then the port conflict (EADDRINUSE). Each line combines
 * two or more faults to show which one wins. Runs as root except where a
 * line says uid 1000. */
#include "confx.h"

static int bind_raw(int s, int family, const char *ip, int port, socklen_t len)
{
    struct sockaddr_in a = conf_sin(ip, port);
    a.sin_family = (sa_family_t)family;
    errno = 0;
    return bind(s, SA(&a), len) < 0 ? -errno : 0;
}

static void line(const char *what, int r) { conf_printf("%s: %s\n", what, conf_res(r)); }

int main(void)
{
    int holder_u = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    int holder_t = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    MUST(conf_bind4(holder_u, "127.0.0.1", 7000));
    MUST(conf_bind4(holder_t, "127.0.0.1", 7000));
    int priv_u = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    int priv_t = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    MUST(conf_bind4(priv_u, "127.0.0.1", 900));
    MUST(conf_bind4(priv_t, "127.0.0.1", 900));
    for (int t = 0; t < 2; t++) {
        int type = t ? SOCK_DGRAM : SOCK_STREAM;
        const char *n = t ? "udp" : "tcp";
        char l[160];
#define L(...) (snprintf(l, sizeof l, __VA_ARGS__), l)
        int s = conf_sock(AF_INET, type, 0, 0);
        line(L("%s short length + bad family", n), bind_raw(s, AF_INET6, "127.0.0.1", 7000, 8));
        line(L("%s bad family + non-local address", n),
             bind_raw(s, AF_INET6, "192.0.2.1", 7000, 16));
        line(L("%s AF_UNSPEC + non-local address", n),
             bind_raw(s, AF_UNSPEC, "192.0.2.1", 7000, 16));
        line(L("%s AF_UNSPEC + 127.0.0.1 (in use)", n),
             bind_raw(s, AF_UNSPEC, "127.0.0.1", 7000, 16));
        line(L("%s non-local + in-use port", n), conf_bind4(s, "192.0.2.1", 7000));
        line(L("%s class E + port 80", n), conf_bind4(s, "240.0.0.1", 80));
        line(L("%s 0.0.0.1 + in-use port", n), conf_bind4(s, "0.0.0.1", 7000));
        line(L("%s in-use port", n), conf_bind4(s, "127.0.0.1", 7000));
        line(L("%s in-use port via the wildcard", n), conf_bind4(s, "0.0.0.0", 7000));
        line(L("%s AF_UNSPEC + INADDR_ANY + port 7001", n),
             bind_raw(s, AF_UNSPEC, "0.0.0.0", 7001, 16));
        /* now bound */
        line(L("%s already bound + non-local", n), conf_bind4(s, "192.0.2.1", 7002));
        line(L("%s already bound + in-use port", n), conf_bind4(s, "127.0.0.1", 7000));
        line(L("%s already bound + bad family", n), bind_raw(s, AF_INET6, "127.0.0.1", 7003, 16));
        line(L("%s already bound + AF_UNSPEC non-any", n),
             bind_raw(s, AF_UNSPEC, "127.0.0.1", 7003, 16));
        line(L("%s already bound + short length", n), bind_raw(s, AF_INET, "127.0.0.1", 7003, 15));
        line(L("%s already bound, same address again", n), conf_bind4(s, "0.0.0.0", 7001));
        close(s);

        /* As uid 1000: privileged port against the other faults. */
        conf_as(1000, 0);
        s = conf_sock(AF_INET, type, 0, 0);
        line(L("%s uid1000 non-local + port 80", n), conf_bind4(s, "192.0.2.1", 80));
        line(L("%s uid1000 bad family + port 80", n), bind_raw(s, AF_INET6, "127.0.0.1", 80, 16));
        line(L("%s uid1000 AF_UNSPEC INADDR_ANY + port 80", n),
             bind_raw(s, AF_UNSPEC, "0.0.0.0", 80, 16));
        line(L("%s uid1000 multicast + port 80", n), conf_bind4(s, "224.0.0.1", 80));
        line(L("%s uid1000 in-use privileged port", n), conf_bind4(s, "127.0.0.1", 900));
        line(L("%s uid1000 bind 127.0.0.1:7004", n), conf_bind4(s, "127.0.0.1", 7004));
        line(L("%s uid1000 already bound + port 80", n), conf_bind4(s, "127.0.0.1", 80));
        line(L("%s uid1000 already bound + non-local + port 80", n),
             conf_bind4(s, "192.0.2.1", 80));
        conf_as_root();
        close(s);

        /* Connected UDP (autobound by connect) and listening TCP are "bound". */
        if (type == SOCK_DGRAM) {
            s = conf_sock(AF_INET, type, 0, 0);
            struct sockaddr_in peer = conf_sin("127.0.0.1", 9);
            MUST(connect(s, SA(&peer), sizeof peer));
            line("udp connected + in-use port", conf_bind4(s, "127.0.0.1", 7000));
            line("udp connected + non-local", conf_bind4(s, "192.0.2.1", 7005));
            close(s);
        }
    }
    int h = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    MUST(conf_bind4(h, "127.0.0.1", 901));
    conf_as(1000, 0);
    int s = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    line("udp uid1000 127.0.0.1:901 held by root", conf_bind4(s, "127.0.0.1", 901));
    conf_as_root();
    line("udp root, same socket, 127.0.0.1:901 held by root", conf_bind4(s, "127.0.0.1", 901));
    return 0;
}
