/* Binding a port that a TIME_WAIT connection holds. The server side closes
 * first, so its connection 127.0.0.1:P <-> client sits in TIME_WAIT (60 s)
 * after every socket is closed; then a new socket binds P.
 *  - TIME_WAIT keeps the flags of its socket (an accepted socket inherits
 *    the listener's SO_REUSEADDR / SO_REUSEPORT);
 *  - SO_REUSEADDR on both sides lets the new socket in (the TIME_WAIT entry
 *    is not listening), SO_REUSEPORT on both too, with no uid check;
 *  - listen() on the new socket re-checks and succeeds;
 *  - the client's own explicit port is held the same way when the client
 *    closes first.
 * Needs TCP connections: see docs/deviations.md until berth has them. */
#include "confx.h"

static const char *addrs[] = {"0.0.0.0", "127.0.0.1", "127.0.0.2"};
static int port = 24000;

/* Leaves 127.0.0.1:p in TIME_WAIT, owned by a socket with (ra, rp). */
static int make_timewait(int p, int ra, int rp)
{
    int l = conf_sock(AF_INET, SOCK_STREAM, ra, rp);
    int c = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    struct sockaddr_in a = conf_sin("127.0.0.1", p);
    if (bind(l, SA(&a), sizeof a) < 0 || listen(l, 5) < 0 || connect(c, SA(&a), sizeof a) < 0)
        return -errno;
    int s = accept(l, NULL, NULL);
    if (s < 0)
        return -errno;
    close(l);
    close(s); /* active close: this side gets TIME_WAIT */
    conf_wait(c, POLLIN, 1000);
    close(c);
    poll(NULL, 0, 20);
    return 0;
}

int main(void)
{
    for (int o1 = 0; o1 < 3; o1++)
        for (int o2 = 0; o2 < 4; o2++)
            for (int j = 0; j < 3; j++) {
                int p = port++;
                int r = make_timewait(p, o1 == 1, o1 == 2);
                int s = conf_sock(AF_INET, SOCK_STREAM, o2 & 1, o2 >> 1);
                int b = r ? r : conf_bind4(s, addrs[j], p);
                int l = b ? 1 : (listen(s, 5) < 0 ? -errno : 0);
                conf_printf(
                    "tcp time-wait ra=%d rp=%d 127.0.0.1, new ra=%d rp=%d %s: bind %s%s%s\n",
                    o1 == 1, o1 == 2, o2 & 1, o2 >> 1, addrs[j], conf_res(b), b ? "" : ", listen ",
                    b ? "" : conf_res(l));
                close(s);
            }

    /* SO_REUSEPORT against TIME_WAIT skips the uid check. */
    int p = port++;
    int r = make_timewait(p, 0, 1);
    AS(1000, 0);
    int s = conf_sock(AF_INET, SOCK_STREAM, 0, 1);
    conf_printf("uid 1000 rp vs root's rp time-wait: %s\n",
                r ? conf_res(r) : conf_res(conf_bind4(s, "127.0.0.1", p)));
    close(s);
    conf_as_root();

    /* Client side: an explicitly bound client that closes first. */
    int srv = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    MUST(conf_bind4(srv, "127.0.0.1", 24900));
    MUST(listen(srv, 5));
    int cl = conf_sock(AF_INET, SOCK_STREAM, 1, 0);
    MUST(conf_bind4(cl, "127.0.0.1", 24901));
    struct sockaddr_in sa = conf_sin("127.0.0.1", 24900);
    CHECKL("connect(client 127.0.0.1:24901)", connect(cl, SA(&sa), sizeof sa));
    int acc = accept(srv, NULL, NULL);
    close(cl);
    conf_wait(acc, POLLIN, 1000);
    close(acc);
    poll(NULL, 0, 20);
    int n1 = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("client port in time-wait, new without SO_REUSEADDR: %s\n",
                conf_res(conf_bind4(n1, "127.0.0.1", 24901)));
    int n2 = conf_sock(AF_INET, SOCK_STREAM, 1, 0);
    conf_printf("client port in time-wait, new with SO_REUSEADDR: %s\n",
                conf_res(conf_bind4(n2, "127.0.0.1", 24901)));
    /* Reconnecting the same 4-tuple from the reused port: connect() checks
     * the 4-tuple against TIME_WAIT and, with net.ipv4.tcp_tw_reuse = 2 (the
     * default: loopback only) and timestamps, takes the entry over. */
    CHECKL("connect(same 4-tuple)", connect(n2, SA(&sa), sizeof sa));
    return 0;
}
