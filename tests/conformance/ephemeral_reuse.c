/* Automatic port choice and the reuse options (inet_csk_find_open_port,
 * udp_lib_get_port), with small ip_local_port_range values:
 *  - TCP bind(0) with SO_REUSEADDR searches the lower half of the range
 *    first (odd offsets first within it), without it the whole range;
 *  - with every port held by bound (not listening) SO_REUSEADDR TCP
 *    sockets, a SO_REUSEADDR bind(0) still fails unless
 *    net.ipv4.ip_autobind_reuse = 1, which lets it share (but not when
 *    both sockets also have SO_REUSEPORT);
 *  - UDP bind(0) applies the explicit-bind conflict rule to each candidate
 *    port (udp_lib_get_port's bitmap): on a range full of owners it shares
 *    a port when both sockets have SO_REUSEADDR, or both SO_REUSEPORT (same
 *    user: it joins the group).
 * Prints only facts about the chosen ports (half, offset parity, shared). */
#include "confx.h"

static int lo, hi;

static void range(const char *v, int l, int h)
{
    SYSCTL("net.ipv4.ip_local_port_range", v);
    lo = l;
    hi = h;
}

/* bind(0) on 127.0.0.1 with options; returns fd or -errno. */
static int bind0(int type, int ra, int rp)
{
    int s = conf_sock(AF_INET, type, ra, rp);
    int r = conf_bind4(s, "127.0.0.1", 0);
    if (r < 0) {
        close(s);
        return r;
    }
    return s;
}

/* Fill the range with TCP bind(0) (ra, rp); print the half (L/U) and
 * offset parity of each choice. */
static void tcp_halves(int ra, int *s, int *n)
{
    char seq[64] = "";
    int half = lo + (((hi + 1 - lo) >> 2) << 1);
    *n = 0;
    for (;;) {
        int fd = bind0(SOCK_STREAM, ra, 0);
        if (fd < 0) {
            conf_printf("tcp ra=%d bind(0) sequence (half, offset parity): %s then %s\n", ra, seq,
                        conf_errname(-fd));
            return;
        }
        int p = (int)conf_local_port(fd);
        /* Without SO_REUSEADDR the half is random: print only parity. */
        snprintf(seq + strlen(seq), sizeof seq - strlen(seq), "%s%c%c", *n ? " " : "",
                 p < lo || p > hi ? '?'
                 : !ra            ? '-'
                 : p < half       ? 'L'
                                  : 'U',
                 ((p - lo) & 1) ? 'o' : 'e');
        s[(*n)++] = fd;
        if (*n == 20) {
            conf_printf("tcp ra=%d bind(0) sequence (half, offset parity): %s\n", ra, seq);
            return;
        }
    }
}

/* Fill lo..hi with explicit binds on 127.0.0.1 with the given options. */
static int fill(int type, int ra, int rp, int *s)
{
    int n = 0;
    for (int p = lo; p <= hi; p++) {
        int fd = conf_sock(AF_INET, type, ra, rp);
        if (conf_bind4(fd, "127.0.0.1", p) == 0)
            s[n++] = fd;
        else
            close(fd);
    }
    return n;
}

static void closeall(int *s, int n)
{
    for (int i = 0; i < n; i++)
        close(s[i]);
}

int main(void)
{
    int s[24], n, t[24], m;
    /* L/U: lower or upper half of the range; o/e: odd or even offset from
     * its low end. */
    range("40000 40019", 40000, 40019);
    tcp_halves(1, s, &n);
    closeall(s, n);
    tcp_halves(0, s, &n);
    closeall(s, n);

    /* Every port held by a bound SO_REUSEADDR TCP socket. */
    range("40100 40103", 40100, 40103);
    n = fill(SOCK_STREAM, 1, 0, s);
    conf_printf("tcp range of 4 filled by ra sockets: %d\n", n);
    static const struct {
        int ra, rp;
    } opt[] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    for (int a = 0; a < 2; a++) {
        if (a)
            SYSCTL("net.ipv4.ip_autobind_reuse", "1");
        for (int i = 0; i < 4; i++) {
            int fd = bind0(SOCK_STREAM, opt[i].ra, opt[i].rp);
            int shared =
                fd >= 0 && (int)conf_local_port(fd) >= lo && (int)conf_local_port(fd) <= hi;
            conf_printf("tcp autobind_reuse=%d ra=%d rp=%d bind(0) on a full range: %s\n", a,
                        opt[i].ra, opt[i].rp,
                        fd >= 0 ? (shared ? "shares a port" : "?") : conf_errname(-fd));
            if (fd >= 0)
                close(fd);
        }
    }
    closeall(s, n);
    /* The same with reuseport owners: ra+rp everywhere. */
    n = fill(SOCK_STREAM, 1, 1, s);
    for (int i = 0; i < 4; i++) {
        int fd = bind0(SOCK_STREAM, opt[i].ra, opt[i].rp);
        conf_printf("tcp autobind_reuse=1 ra=%d rp=%d bind(0), range full of ra+rp: %s\n",
                    opt[i].ra, opt[i].rp, fd >= 0 ? "shares a port" : conf_errname(-fd));
        if (fd >= 0)
            close(fd);
    }
    closeall(s, n);
    SYSCTL("net.ipv4.ip_autobind_reuse", "0");

    /* UDP: a range full of owners with various options. */
    for (int o = 0; o < 4; o++) {
        m = fill(SOCK_DGRAM, opt[o].ra, opt[o].rp, t);
        for (int i = 0; i < 4; i++) {
            int fd = bind0(SOCK_DGRAM, opt[i].ra, opt[i].rp);
            conf_printf("udp range full of ra=%d rp=%d (%d), bind(0) ra=%d rp=%d: %s\n", opt[o].ra,
                        opt[o].rp, m, opt[i].ra, opt[i].rp,
                        fd >= 0 ? "shares a port" : conf_errname(-fd));
            if (fd >= 0)
                close(fd);
        }
        closeall(t, m);
    }
    return 0;
}
