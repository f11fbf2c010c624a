/* The TCP port-sharing matrix for sockets that are bound but not listening:
 * two sockets on one port, every combination of SO_REUSEADDR / SO_REUSEPORT
 * on each (none, ra, rp, both), every ordered pair of addresses among
 * 0.0.0.0, 127.0.0.1, 127.0.0.2. One line per scenario: the second bind's
 * result. Mirrors inet_csk_get_port / inet_bind_conflict with relax = true
 * (the listening variants are in tcp_listen_matrix). A third block binds a
 * third socket after two sharing ones, and a fourth checks that a port is
 * free again once its owner is closed. */
#include "confx.h"

static const char *addrs[] = {"0.0.0.0", "127.0.0.1", "127.0.0.2"};
static int port = 21000;

static void scenario(int ra1, int rp1, int ra2, int rp2, const char *a1, const char *a2)
{
    int p = port++;
    int s1 = conf_sock(AF_INET, SOCK_STREAM, ra1, rp1);
    int s2 = conf_sock(AF_INET, SOCK_STREAM, ra2, rp2);
    int r1 = conf_bind4(s1, a1, p);
    int r2 = r1 == 0 ? conf_bind4(s2, a2, p) : 1;
    conf_printf("tcp ra=%d/%d rp=%d/%d %s vs %s: %s\n", ra1, ra2, rp1, rp2, a1, a2,
                r1 ? "first socket failed" : conf_res(r2));
    close(s1);
    close(s2);
}

/* Three sockets: a and b share the port, then c with its own options. */
static void three(int oa, int ob, int oc, const char *aa, const char *ab, const char *ac)
{
    int p = port++;
    int s[3] = {conf_sock(AF_INET, SOCK_STREAM, oa & 1, oa >> 1),
                conf_sock(AF_INET, SOCK_STREAM, ob & 1, ob >> 1),
                conf_sock(AF_INET, SOCK_STREAM, oc & 1, oc >> 1)};
    int r0 = conf_bind4(s[0], aa, p), r1 = conf_bind4(s[1], ab, p), r2 = conf_bind4(s[2], ac, p);
    conf_printf("tcp three ra=%d/%d/%d rp=%d/%d/%d %s, %s, %s: %s %s %s\n", oa & 1, ob & 1, oc & 1,
                oa >> 1, ob >> 1, oc >> 1, aa, ab, ac, conf_res(r0), conf_res(r1), conf_res(r2));
    for (int i = 0; i < 3; i++)
        close(s[i]);
}

int main(void)
{
    for (int o1 = 0; o1 < 4; o1++)
        for (int o2 = 0; o2 < 4; o2++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    scenario(o1 & 1, o1 >> 1, o2 & 1, o2 >> 1, addrs[i], addrs[j]);

    /* A wildcard and a specific owner that share through one option each. */
    three(1, 1, 1, "0.0.0.0", "127.0.0.1", "127.0.0.2");
    three(1, 1, 0, "0.0.0.0", "127.0.0.1", "127.0.0.2");
    three(1, 1, 2, "0.0.0.0", "127.0.0.1", "127.0.0.2");
    three(2, 2, 2, "0.0.0.0", "127.0.0.1", "127.0.0.2");
    three(2, 2, 1, "0.0.0.0", "127.0.0.1", "127.0.0.1");
    three(0, 0, 1, "127.0.0.1", "127.0.0.2", "0.0.0.0");
    three(1, 1, 1, "127.0.0.1", "127.0.0.2", "0.0.0.0");
    three(2, 1, 3, "127.0.0.1", "127.0.0.2", "0.0.0.0");
    three(3, 3, 2, "127.0.0.1", "127.0.0.1", "127.0.0.1");
    three(3, 3, 1, "127.0.0.1", "127.0.0.1", "127.0.0.1");
    three(3, 2, 1, "0.0.0.0", "0.0.0.0", "0.0.0.0");
    three(3, 1, 2, "0.0.0.0", "0.0.0.0", "0.0.0.0");

    /* Closing the owner frees the port (never listened, no TIME_WAIT). */
    int p = port++;
    int a = conf_sock(AF_INET, SOCK_STREAM, 0, 0), b = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("tcp bind a 127.0.0.1: %s\n", conf_res(conf_bind4(a, "127.0.0.1", p)));
    conf_printf("tcp bind b 0.0.0.0 while a bound: %s\n", conf_res(conf_bind4(b, "0.0.0.0", p)));
    close(a);
    conf_printf("tcp bind b 0.0.0.0 after close(a): %s\n", conf_res(conf_bind4(b, "0.0.0.0", p)));
    close(b);
    return 0;
}
