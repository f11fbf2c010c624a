/* IPPROTO_TCP options across a connection's life: TCP_MAXSEG before and
 * after the handshake (with and without a user MSS), TCP_INFO's state and
 * negotiated options, TCP_CONGESTION (default, setting, unknown names,
 * length rules; not the default, which is the host's), TCP_LINGER2, TCP_SYNCNT, TCP_USER_TIMEOUT,
 * TCP_WINDOW_CLAMP, and what a listener passes on to the sockets it accepts. */
#include "conf.h"

static void info(const char *label, int fd)
{
    struct tcp_info ti;
    memset(&ti, 0, sizeof ti);
    socklen_t l = sizeof ti;
    int r = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &l);
    conf_printf("%s: TCP_INFO=%d state=%d options=%s%s%s retransmits=%d\n", label, r, ti.tcpi_state,
                (ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? "ts," : "",
                (ti.tcpi_options & TCPI_OPT_SACK) ? "sack," : "",
                (ti.tcpi_options & TCPI_OPT_WSCALE) ? "wscale" : "", ti.tcpi_retransmits);
}

static void cong(const char *label, int fd)
{
    char name[32];
    memset(name, 'X', sizeof name);
    socklen_t l = sizeof name;
    int r = getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &l);
    conf_printf("%s: TCP_CONGESTION=%d '%.*s' len=%u\n", label, r, (int)strnlen(name, l), name,
                (unsigned)l);
}

int main(void)
{
    int l, c, s;
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    info("fresh", l);
    /* (the default algorithm is the host's net.ipv4.tcp_congestion_control:
     * not printed; berth's is cubic, Linux's build default) */
    struct sockaddr_in a = conf_sin("127.0.0.1", 6500);
    MUST(bind(l, SA(&a), sizeof a));
    SETINT(l, IPPROTO_TCP, TCP_NODELAY, 1);
    SETINT(l, IPPROTO_TCP, TCP_KEEPIDLE, 123);
    SETINT(l, IPPROTO_TCP, TCP_MAXSEG, 1000);
    MUST(listen(l, 8));
    info("listening", l);
    GETINT(l, IPPROTO_TCP, TCP_MAXSEG);

    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    GETINT(c, IPPROTO_TCP, TCP_MAXSEG);
    MUST(connect(c, SA(&a), sizeof a));
    MUST(s = accept(l, NULL, NULL));
    info("client", c);
    info("accepted", s);
    GETINT(c, IPPROTO_TCP, TCP_MAXSEG); /* the server announced 1000 */
    GETINT(s, IPPROTO_TCP, TCP_MAXSEG);
    GETINT(s, IPPROTO_TCP, TCP_NODELAY); /* inherited */
    GETINT(s, IPPROTO_TCP, TCP_KEEPIDLE);
    GETINT(c, IPPROTO_TCP, TCP_NODELAY);
    /* TCP_CONGESTION */
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "reno", 4));
    cong("after reno", c);
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5));
    cong("after cubic", c);
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "nosuchcc", 8));
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "reno", 0));
    CHECK(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "renoXYZ", 4));
    cong("after 'reno' from a longer buffer", c);
    char small[4];
    socklen_t sl = 2;
    CHECK(getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, small, &sl));
    conf_printf("  len=%u '%.2s'\n", (unsigned)sl, small);
    /* others */
    GETINT(c, IPPROTO_TCP, TCP_LINGER2);
    SETINT(c, IPPROTO_TCP, TCP_LINGER2, 30);
    GETINT(c, IPPROTO_TCP, TCP_LINGER2);
    SETINT(c, IPPROTO_TCP, TCP_LINGER2, 1000);
    GETINT(c, IPPROTO_TCP, TCP_LINGER2);
    SETINT(c, IPPROTO_TCP, TCP_LINGER2, -5);
    GETINT(c, IPPROTO_TCP, TCP_LINGER2);
    GETINT(c, IPPROTO_TCP, TCP_SYNCNT);
    SETINT(c, IPPROTO_TCP, TCP_SYNCNT, 3);
    GETINT(c, IPPROTO_TCP, TCP_SYNCNT);
    SETINT(c, IPPROTO_TCP, TCP_USER_TIMEOUT, 5000);
    GETINT(c, IPPROTO_TCP, TCP_USER_TIMEOUT);
    SETINT(c, IPPROTO_TCP, TCP_USER_TIMEOUT, -1);
    SETINT(c, IPPROTO_TCP, TCP_CORK, 1);
    GETINT(c, IPPROTO_TCP, TCP_CORK);
    SETINT(c, IPPROTO_TCP, TCP_CORK, 0);
    SETINT(c, IPPROTO_TCP, TCP_QUICKACK, 1);
    GETINT(c, IPPROTO_TCP, TCP_QUICKACK);
    SETINT(c, IPPROTO_TCP, TCP_WINDOW_CLAMP, 0);
    SETINT(c, IPPROTO_TCP, TCP_MAXSEG, 2000);
    GETINT(c, IPPROTO_TCP, TCP_MAXSEG); /* connected: the current MSS, not the option */
    GETINT(s, SOL_SOCKET, SO_ACCEPTCONN);
    GETINT(s, SOL_SOCKET, SO_KEEPALIVE);
    SETINT(s, SOL_SOCKET, SO_KEEPALIVE, 1);
    GETINT(s, SOL_SOCKET, SO_KEEPALIVE);
    close(c); /* its TCP_LINGER2 is -1: no FIN_WAIT2, a reset once the FIN is acked */
    conf_wait(s, POLLIN, 1000);
    poll(NULL, 0, 100); /* the FIN's delayed ACK, then the reset */
    info("accepted after the client closed", s);
    close(s);
    close(l);
    info("closed", l);
    return 0;
}
