/* The UDP port-sharing matrix: two sockets on one port, every combination of
 * SO_REUSEADDR / SO_REUSEPORT on each (none, ra, rp, both), every ordered
 * pair of addresses among 0.0.0.0, 127.0.0.1, 127.0.0.2; the first socket
 * only bound, then connected (connect() gives a wildcard-bound UDP socket
 * the source address as its bound address, so it stops clashing with other
 * specific addresses), then connected and disconnected again (AF_UNSPEC:
 * back to the wildcard). One line per scenario: the second bind's result.
 * Mirrors udp_lib_get_port / udp_lib_lport_inuse. */
#include "confx.h"

static const char *addrs[] = {"0.0.0.0", "127.0.0.1", "127.0.0.2"};
static const char *mode_name[] = {"", " (first connected)", " (first connected+disconnected)"};

static int port = 20000;

static void scenario(int ra1, int rp1, int ra2, int rp2, const char *a1, const char *a2, int mode)
{
    int p = port++;
    int s1 = conf_sock(AF_INET, SOCK_DGRAM, ra1, rp1);
    int s2 = conf_sock(AF_INET, SOCK_DGRAM, ra2, rp2);
    int r1 = conf_bind4(s1, a1, p);
    if (r1 == 0 && mode >= 1) {
        struct sockaddr_in peer = conf_sin("127.0.0.1", 9);
        if (connect(s1, SA(&peer), sizeof peer) < 0)
            r1 = -errno;
    }
    if (r1 == 0 && mode == 2) {
        struct sockaddr un = {.sa_family = AF_UNSPEC};
        if (connect(s1, &un, sizeof un) < 0)
            r1 = -errno;
    }
    int r2 = r1 == 0 ? conf_bind4(s2, a2, p) : 1;
    conf_printf("udp ra=%d/%d rp=%d/%d %s vs %s%s: %s\n", ra1, ra2, rp1, rp2, a1, a2,
                mode_name[mode], r1 ? "first socket failed" : conf_res(r2));
    close(s1);
    close(s2);
}

int main(void)
{
    for (int mode = 0; mode < 3; mode++)
        for (int o1 = 0; o1 < 4; o1++)
            for (int o2 = 0; o2 < 4; o2++)
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) {
                        /* connected+disconnected only matters for a wildcard first */
                        if (mode == 2 && i != 0)
                            continue;
                        scenario(o1 & 1, o1 >> 1, o2 & 1, o2 >> 1, addrs[i], addrs[j], mode);
                    }
    return 0;
}
