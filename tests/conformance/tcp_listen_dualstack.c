/* Dual-stack port sharing against a listening TCP socket: the first socket
 * (one of 0.0.0.0, 127.0.0.1, [::], [::] v6only, [::1], [::ffff:127.0.0.1])
 * listens, the second binds; no option, SO_REUSEADDR on both (no help
 * against a listener), SO_REUSEPORT on both (a listener group). The bound-only
 * variants are in v6_reuse_matrix.
 * Needs TCP listen(): see docs/deviations.md until berth has it. */
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

static int open_ep(const struct ep *e, int ra, int rp)
{
    int s = conf_sock(e->family, SOCK_STREAM, ra, rp);
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
    int port = 27000;
    for (int o = 0; o < 3; o++)
        for (int i = 0; i < NEPS; i++)
            for (int j = 0; j < NEPS; j++) {
                int p = port++;
                int s1 = open_ep(&eps[i], o == 1, o == 2);
                int s2 = open_ep(&eps[j], o == 1, o == 2);
                int r1 = bind_ep(s1, &eps[i], p);
                if (r1 == 0 && listen(s1, 5) < 0)
                    r1 = -errno;
                int r2 = r1 ? 1 : bind_ep(s2, &eps[j], p);
                conf_printf("tcp %s listening %s vs %s: %s\n", optname[o], eps[i].name, eps[j].name,
                            r1 ? conf_res(r1) : conf_res(r2));
                close(s1);
                close(s2);
            }
    return 0;
}
