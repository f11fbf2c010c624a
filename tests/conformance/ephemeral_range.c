/* net.ipv4.ip_local_port_range with a 10-port range (40000-40009):
 *  - every automatic port (bind(0), UDP connect/sendto autobind, TCP
 *    listen autobind) is in the range, and no port is handed out twice;
 *  - TCP bind(0) hands out the ports at an odd offset from the range's low
 *    end first, then the even ones (inet_csk_find_open_port: with the
 *    default even low end, odd ports first); it scans high - low ports
 *    rounded down to even, so in a range of odd size the top port is never
 *    handed out (a one-port range still gives its port); UDP covers the
 *    whole range with no parity rule;
 *  - exhaustion: bind(0) fails with EADDRINUSE, UDP connect()'s and
 *    sendto()'s autobind with EAGAIN; "exhausted" means every port
 *    conflicts: with all ports held on 127.0.0.1, bind(127.0.0.2:0) still
 *    finds one;
 *  - closing a socket frees its port for the next bind(0);
 *  - an explicit bind outside the range still works; TCP and UDP ports are
 *    separate spaces.
 * Never prints a port number: only range, parity and uniqueness facts. */
#include "confx.h"

#define N 10

static int lo = 40000, hi = 40009;

static int bind0(int type, const char *ip)
{
    int s = conf_sock(AF_INET, type, 0, 0);
    int r = conf_bind4(s, ip, 0);
    if (r < 0) {
        close(s);
        errno = -r;
        return -1;
    }
    return s;
}

/* Binds port 0 until it fails; prints the facts: how many, all in range,
 * all distinct, the sorted offsets from the range's low end, for TCP the
 * parity of each offset in order of allocation. Returns the count. */
static int fill(const char *label, int type, const char *ip, int *s)
{
    char parity[N + 3], offs[8 * (N + 3)] = "";
    int n = 0, inr = 1, uniq = 1, e = 0;
    unsigned char used[N + 3] = {0};
    for (;;) {
        int fd = bind0(type, ip);
        if (fd < 0) {
            e = errno;
            break;
        }
        int p = (int)conf_local_port(fd);
        inr &= p >= lo && p <= hi;
        for (int i = 0; i < n; i++)
            if ((int)conf_local_port(s[i]) == p)
                uniq = 0;
        if (p >= lo && p - lo < N + 3)
            used[p - lo] = 1;
        parity[n] = ((p - lo) & 1) ? 'o' : 'e';
        s[n++] = fd;
        if (n == N + 2)
            break;
    }
    parity[n] = 0;
    for (int i = 0; i < N + 3; i++)
        if (used[i])
            snprintf(offs + strlen(offs), sizeof offs - strlen(offs), "%s%d", offs[0] ? "," : "",
                     i);
    conf_printf("%s: %d ports, all in range=%d, distinct=%d, then %s\n", label, n, inr, uniq,
                conf_errname(e));
    if (hi - lo < N)
        conf_printf("%s: offsets from the low end: %s\n", label, offs);
    if (type == SOCK_STREAM)
        conf_printf("%s: offset parity in order of allocation: %s\n", label, parity);
    return n;
}

static void range(const char *value, int l, int h)
{
    SYSCTL("net.ipv4.ip_local_port_range", value);
    lo = l;
    hi = h;
}

int main(void)
{
    char buf[64];
    SYSCTL("net.ipv4.ip_local_port_range", "40000 40009");
    conf_sysctl_get("net.ipv4.ip_local_port_range", buf, sizeof buf);
    conf_printf("ip_local_port_range reads \"%s\"\n", buf[5] == '\t' ? "40000<TAB>40009" : buf);

    int u[N + 4], t[N + 4];
    int nu = fill("udp bind(127.0.0.1:0)", SOCK_DGRAM, "127.0.0.1", u);
    int nt = fill("tcp bind(127.0.0.1:0)", SOCK_STREAM, "127.0.0.1", t);

    /* Exhausted: autobind through connect() and sendto(). */
    int c = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    struct sockaddr_in peer = conf_sin("127.0.0.1", 9);
    CHECKL("udp connect() with the range exhausted", connect(c, SA(&peer), sizeof peer));
    CHECKL("udp sendto() with the range exhausted", sendto(c, "x", 1, 0, SA(&peer), sizeof peer));
    conf_printf("udp bind(0.0.0.0:0) exhausted: %s\n", conf_res(conf_bind4(c, "0.0.0.0", 0)));
    conf_printf("udp bind(127.0.0.2:0) exhausted: %s\n", conf_res(conf_bind4(c, "127.0.0.2", 0)));
    /* bind(0) looks for a port without a *conflict*, not an unused one:
     * every port has an owner on 127.0.0.1, but 127.0.0.2 clashes with
     * none of them (the wildcard clashes with all). */
    int c2 = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("tcp bind(0.0.0.0:0) exhausted: %s\n", conf_res(conf_bind4(c2, "0.0.0.0", 0)));
    conf_printf("tcp bind(127.0.0.2:0) exhausted: %s\n", conf_res(conf_bind4(c2, "127.0.0.2", 0)));
    int c3 = conf_sock(AF_INET, SOCK_STREAM, 1, 0);
    conf_printf("tcp SO_REUSEADDR bind(127.0.0.1:0) exhausted: %s\n",
                conf_res(conf_bind4(c3, "127.0.0.1", 0)));
    close(c2);
    close(c3);

    /* An explicit port outside the range is fine; inside it, EADDRINUSE
     * for the taken ports. */
    int x = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    conf_printf("udp bind explicit 40010: %s\n", conf_res(conf_bind4(x, "127.0.0.1", 40010)));
    int y = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    conf_printf("udp bind explicit 40005 (taken): %s\n",
                conf_res(conf_bind4(y, "127.0.0.1", 40005)));

    /* Closing one frees exactly that port. */
    unsigned freed = conf_local_port(u[3]);
    close(u[3]);
    int z = bind0(SOCK_DGRAM, "127.0.0.1");
    conf_printf("udp bind(0) after a close gets the freed port: %d\n",
                z >= 0 && conf_local_port(z) == freed);
    freed = conf_local_port(t[7]);
    close(t[7]);
    z = bind0(SOCK_STREAM, "127.0.0.1");
    conf_printf("tcp bind(0) after a close gets the freed port: %d\n",
                z >= 0 && conf_local_port(z) == freed);

    /* A range of one port. */
    for (int i = 0; i < nu; i++)
        if (i != 3)
            close(u[i]);
    for (int i = 0; i < nt; i++)
        if (i != 7)
            close(t[i]);
    range("40100 40100", 40100, 40100);
    int a = bind0(SOCK_DGRAM, "127.0.0.1");
    conf_printf("one-port range: udp bind(0) -> %s\n",
                a >= 0 && conf_local_port(a) == 40100 ? "40100" : "?");
    int b = bind0(SOCK_DGRAM, "127.0.0.1");
    conf_printf("one-port range: second udp bind(0) -> %s\n",
                b >= 0 ? "bound" : conf_errname(errno));
    int d = bind0(SOCK_STREAM, "127.0.0.1");
    conf_printf("one-port range: tcp bind(0) -> %s\n",
                d >= 0 && conf_local_port(d) == 40100 ? "40100" : "?");

    /* An odd-sized range and an even-sized one starting odd. */
    range("40201 40204", 40201, 40204);
    int v[N + 3], nv = fill("tcp range 40201-40204", SOCK_STREAM, "127.0.0.1", v);
    for (int i = 0; i < nv; i++)
        close(v[i]);
    range("40300 40302", 40300, 40302);
    nv = fill("tcp range 40300-40302", SOCK_STREAM, "127.0.0.1", v);
    for (int i = 0; i < nv; i++)
        close(v[i]);
    nv = fill("udp range 40300-40302", SOCK_DGRAM, "127.0.0.1", v);
    for (int i = 0; i < nv; i++)
        close(v[i]);
    /* (A 7-port range is not checked: each TCP bind(0) draws a new odd
     * start offset and wraps by the even-rounded size, so whether offset 0
     * or offset 6 is ever reached depends on the draws.) */
    range("40500 40501", 40500, 40501);
    nv = fill("tcp range 40500-40501", SOCK_STREAM, "127.0.0.1", v);
    for (int i = 0; i < nv; i++)
        close(v[i]);
    return 0;
}
