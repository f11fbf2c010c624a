/* Whose credentials count, and when (Linux 6.x):
 *  - CAP_NET_BIND_SERVICE is checked at bind() time against the caller,
 *    not against whoever created the socket;
 *  - SO_REUSEPORT compares the sockets' owner uids, fixed when each socket
 *    was created (the creator's fsuid, which follows the euid): a socket
 *    created by uid 1000 and bound by root is still uid 1000's;
 *  - a different user cannot join a SO_REUSEPORT group (EADDRINUSE), on a
 *    specific address or the wildcard, TCP or UDP; SO_REUSEADDR has no
 *    uid check (UDP: two users may share with it);
 *  - the errno order with credentials: a non-local address is
 *    EADDRNOTAVAIL before the privileged-port EACCES (IPv4), EACCES comes
 *    before "already bound" EINVAL and before EADDRINUSE. */
#include "confx.h"

static const char *tn(int type) { return type == SOCK_STREAM ? "tcp" : "udp"; }

static void timing(int type)
{
    int s = conf_sock(AF_INET, type, 0, 0); /* created by root */
    conf_as(1000, 0);
    conf_printf("%s created by root, bound by uid 1000 to :80: %s\n", tn(type),
                conf_res(conf_bind4(s, "127.0.0.1", 80)));
    int t = conf_sock(AF_INET, type, 0, 0); /* created by uid 1000 */
    conf_as_root();
    conf_printf("%s created by uid 1000, bound by root to :81: %s\n", tn(type),
                conf_res(conf_bind4(t, "127.0.0.1", 81)));
    conf_as(0, 0);
    int u = conf_sock(AF_INET, type, 0, 0);
    conf_as_root();
    conf_printf("%s created by root-cap, bound by root to :82: %s\n", tn(type),
                conf_res(conf_bind4(u, "127.0.0.1", 82)));
    int v = conf_sock(AF_INET, type, 0, 0);
    conf_as(0, 0);
    conf_printf("%s created by root, bound by root-cap to :83: %s\n", tn(type),
                conf_res(conf_bind4(v, "127.0.0.1", 83)));
    conf_as_root();
    close(s);
    close(t);
    close(u);
    close(v);
}

/* First socket created by uid c1, bound by b1; second created by c2, bound
 * by b2; options ra/rp on both; addresses a1/a2 on port p. */
static void share(int type, int ra, int rp, int c1, int b1, const char *a1, int c2, int b2,
                  const char *a2, int p)
{
    conf_as(c1, 0);
    int s1 = conf_sock(AF_INET, type, ra, rp);
    conf_as(b1, 0);
    int r1 = conf_bind4(s1, a1, p);
    conf_as(c2, 0);
    int s2 = conf_sock(AF_INET, type, ra, rp);
    conf_as(b2, 0);
    int r2 = conf_bind4(s2, a2, p);
    conf_as_root();
    conf_printf("%s %s owner %d (bound by %d) %s, then owner %d (bound by %d) %s: %s %s\n",
                tn(type),
                ra && rp ? "ra+rp"
                : ra     ? "ra"
                : rp     ? "rp"
                         : "none",
                c1, b1, a1, c2, b2, a2, conf_res(r1), conf_res(r2));
    close(s1);
    close(s2);
}

static void errno_order(void)
{
    conf_as(1000, 0);
    int s = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    conf_printf("uid 1000 udp 192.0.2.1:80 (non-local, privileged): %s\n",
                conf_res(conf_bind4(s, "192.0.2.1", 80)));
    conf_printf("uid 1000 udp 127.0.0.1:5000: %s\n", conf_res(conf_bind4(s, "127.0.0.1", 5000)));
    conf_printf("uid 1000 udp again 127.0.0.1:80 (bound, privileged): %s\n",
                conf_res(conf_bind4(s, "127.0.0.1", 80)));
    conf_printf("uid 1000 udp again 192.0.2.1:6000 (bound, non-local): %s\n",
                conf_res(conf_bind4(s, "192.0.2.1", 6000)));
    conf_printf("uid 1000 udp again 127.0.0.1:6000 (bound): %s\n",
                conf_res(conf_bind4(s, "127.0.0.1", 6000)));
    int t = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    conf_as_root();
    int holder = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    MUST(conf_bind4(holder, "127.0.0.1", 99));
    conf_as(1000, 0);
    conf_printf("uid 1000 udp 127.0.0.1:99 (in use, privileged): %s\n",
                conf_res(conf_bind4(t, "127.0.0.1", 99)));
    conf_as_root();
    conf_printf("root udp 127.0.0.1:99 (in use) with the same socket: %s\n",
                conf_res(conf_bind4(t, "127.0.0.1", 99)));
    close(s);
    close(t);
    close(holder);
}

int main(void)
{
    timing(SOCK_STREAM);
    timing(SOCK_DGRAM);
    int p = 30000;
    static const char *pairs[][2] = {{"127.0.0.1", "127.0.0.1"},
                                     {"0.0.0.0", "0.0.0.0"},
                                     {"0.0.0.0", "127.0.0.1"},
                                     {"127.0.0.1", "0.0.0.0"}};
    for (int t = 0; t < 2; t++) {
        int type = t ? SOCK_DGRAM : SOCK_STREAM;
        for (int i = 0; i < 4; i++) {
            share(type, 0, 1, 0, 0, pairs[i][0], 1000, 1000, pairs[i][1], p++);
            share(type, 0, 1, 1000, 1000, pairs[i][0], 1000, 1000, pairs[i][1], p++);
            share(type, 0, 1, 1000, 1000, pairs[i][0], 1001, 1001, pairs[i][1], p++);
            share(type, 1, 0, 0, 0, pairs[i][0], 1000, 1000, pairs[i][1], p++);
            share(type, 1, 1, 0, 0, pairs[i][0], 1000, 1000, pairs[i][1], p++);
        }
        /* Creation uid, not bind-time uid. */
        share(type, 0, 1, 0, 0, "127.0.0.1", 1000, 0, "127.0.0.1", p++);
        share(type, 0, 1, 0, 0, "127.0.0.1", 0, 1000, "127.0.0.1", p++);
        share(type, 0, 1, 1000, 0, "127.0.0.1", 1000, 1000, "127.0.0.1", p++);
        share(type, 0, 1, 1000, 0, "127.0.0.1", 0, 1000, "127.0.0.1", p++);
    }
    /* Closing the other user's socket frees the port for the group. */
    conf_as(1000, 0);
    int a = conf_sock(AF_INET, SOCK_DGRAM, 0, 1);
    conf_printf("uid 1000 udp rp 127.0.0.1:31000: %s\n",
                conf_res(conf_bind4(a, "127.0.0.1", 31000)));
    conf_as_root();
    int b = conf_sock(AF_INET, SOCK_DGRAM, 0, 1);
    conf_printf("root udp rp 127.0.0.1:31000: %s\n", conf_res(conf_bind4(b, "127.0.0.1", 31000)));
    close(a);
    conf_printf("root udp rp 127.0.0.1:31000 after uid 1000 closed: %s\n",
                conf_res(conf_bind4(b, "127.0.0.1", 31000)));
    close(b);
    errno_order();
    return 0;
}
