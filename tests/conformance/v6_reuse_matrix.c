/* Dual-stack port sharing: two sockets on one port, each one of
 *   0.0.0.0 and 127.0.0.1 (AF_INET),
 *   [::] (IPV6_V6ONLY off), [::] v6only, [::1], [::ffff:127.0.0.1]
 *   (AF_INET6),
 * every ordered pair, with no option, SO_REUSEADDR on both, SO_REUSEPORT on
 * both, for TCP (bound, not listening) and UDP. [::] without V6ONLY also
 * holds the IPv4 wildcard; V6ONLY does not; a v4-mapped address is the IPv4
 * address; [::1] and 127.0.0.1 never clash. Mirrors inet_bind_conflict /
 * inet_rcv_saddr_equal / ipv6_rcv_saddr_equal. */
#include "confx.h"

struct ep {
    const char *name;
    int family, v6only;
    const char *ip;
};

static const struct ep eps[] = {
    {"0.0.0.0", AF_INET, 0, "0.0.0.0"}, {"127.0.0.1", AF_INET, 0, "127.0.0.1"},
    {"[::]", AF_INET6, 0, "::"},        {"[::]v6only", AF_INET6, 1, "::"},
    {"[::1]", AF_INET6, 0, "::1"},      {"[::ffff:127.0.0.1]", AF_INET6, 0, "::ffff:127.0.0.1"},
};
#define NEPS (int)(sizeof eps / sizeof eps[0])

static int open_ep(const struct ep *e, int type, int ra, int rp)
{
    int s = conf_sock(e->family, type, ra, rp);
    if (e->family == AF_INET6)
        MUST(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &e->v6only, sizeof e->v6only));
    return s;
}

static int bind_ep(int s, const struct ep *e, int port)
{
    if (e->family == AF_INET)
        return conf_bind4(s, e->ip, port);
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, e->ip, &a.sin6_addr);
    errno = 0;
    return bind(s, SA(&a), sizeof a) < 0 ? -errno : 0;
}

int main(void)
{
    static const char *optname[] = {"none", "ra", "rp"};
    int port = 26000;
    for (int t = 0; t < 2; t++)
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < NEPS; i++)
                for (int j = 0; j < NEPS; j++) {
                    int type = t ? SOCK_DGRAM : SOCK_STREAM;
                    int p = port++;
                    int s1 = open_ep(&eps[i], type, o == 1, o == 2);
                    int s2 = open_ep(&eps[j], type, o == 1, o == 2);
                    int r1 = bind_ep(s1, &eps[i], p);
                    int r2 = r1 ? 1 : bind_ep(s2, &eps[j], p);
                    conf_printf("%s %s %s vs %s: %s\n", t ? "udp" : "tcp", optname[o], eps[i].name,
                                eps[j].name, r1 ? "first socket failed" : conf_res(r2));
                    close(s1);
                    close(s2);
                }
    return 0;
}
