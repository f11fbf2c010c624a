/* The TCP port-sharing matrix with a listening socket: every combination of
 * SO_REUSEADDR / SO_REUSEPORT (none, ra, rp, both) on two sockets, every
 * ordered pair among 0.0.0.0, 127.0.0.1, 127.0.0.2.
 *  - "listening vs": the first socket listens, then the second binds
 *    (SO_REUSEADDR no longer helps against a listener; SO_REUSEPORT does).
 *  - "both bound, listen": both bind first (where allowed), then the first
 *    listens and the second listens: listen() re-checks the port
 *    (inet_csk_listen_start -> get_port), so two SO_REUSEADDR sockets may
 *    bind the same address but only one may listen.
 * Needs TCP listen(): see docs/deviations.md until berth has it. */
#include "confx.h"

static const char *addrs[] = {"0.0.0.0", "127.0.0.1", "127.0.0.2"};
static int port = 22000;

static void listening_vs(int ra1, int rp1, int ra2, int rp2, const char *a1, const char *a2)
{
    int p = port++;
    int s1 = conf_sock(AF_INET, SOCK_STREAM, ra1, rp1);
    int s2 = conf_sock(AF_INET, SOCK_STREAM, ra2, rp2);
    int r1 = conf_bind4(s1, a1, p);
    if (r1 == 0 && listen(s1, 5) < 0)
        r1 = -errno;
    int r2 = r1 == 0 ? conf_bind4(s2, a2, p) : 1;
    conf_printf("tcp ra=%d/%d rp=%d/%d listening %s vs %s: %s\n", ra1, ra2, rp1, rp2, a1, a2,
                r1 ? conf_res(r1) : conf_res(r2));
    close(s1);
    close(s2);
}

static void both_bound(int ra1, int rp1, int ra2, int rp2, const char *a1, const char *a2)
{
    int p = port++;
    int s1 = conf_sock(AF_INET, SOCK_STREAM, ra1, rp1);
    int s2 = conf_sock(AF_INET, SOCK_STREAM, ra2, rp2);
    int b1 = conf_bind4(s1, a1, p);
    int b2 = conf_bind4(s2, a2, p);
    if (b1 == 0 && b2 == 0) {
        int l1 = listen(s1, 5) < 0 ? -errno : 0;
        int l2 = listen(s2, 5) < 0 ? -errno : 0;
        conf_printf("tcp ra=%d/%d rp=%d/%d bound %s and %s, listen both: %s %s\n", ra1, ra2, rp1,
                    rp2, a1, a2, conf_res(l1), conf_res(l2));
    }
    close(s1);
    close(s2);
}

int main(void)
{
    for (int o1 = 0; o1 < 4; o1++)
        for (int o2 = 0; o2 < 4; o2++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    listening_vs(o1 & 1, o1 >> 1, o2 & 1, o2 >> 1, addrs[i], addrs[j]);
    for (int o1 = 0; o1 < 4; o1++)
        for (int o2 = 0; o2 < 4; o2++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    both_bound(o1 & 1, o1 >> 1, o2 & 1, o2 >> 1, addrs[i], addrs[j]);

    /* listen() on an unbound socket autobinds (an ephemeral port), and a
     * bound-then-closed listener frees its port at once (no TIME_WAIT without
     * a connection). */
    int u = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    CHECKL("listen(unbound)", listen(u, 5));
    SOCKNAME("listen(unbound)", u, CONF_PORT_EPH | CONF_PORT_PARITY);
    close(u);
    int l = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("bind 127.0.0.1:23000: %s\n", conf_res(conf_bind4(l, "127.0.0.1", 23000)));
    CHECKL("listen", listen(l, 5));
    close(l);
    int m = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("bind 127.0.0.1:23000 after closing the listener: %s\n",
                conf_res(conf_bind4(m, "127.0.0.1", 23000)));
    close(m);
    return 0;
}
