/* SO_PEEK_OFF on UDP and TCP sockets (IPv4 and IPv6), as Linux implements
 * it: the value starts at -1 (off); udp_set_peek_off / tcp_set_peek_offset
 * take any int. A MSG_PEEK starts that many bytes in and moves the offset
 * forward by what it returned (sk_peek_offset_fwd); a read moves it back
 * (sk_peek_offset_bwd, never below 0). UDP counts across datagrams
 * (__skb_try_recv_from_queue skips whole datagrams the offset passes) and
 * a MSG_TRUNC read moves it by the datagram's full length; TCP counts
 * bytes of the stream. Sockets without the option (ping) say EOPNOTSUPP
 * both ways (sock_setsockopt / sk_getsockopt, no set_peek_off). */
#include "confx.h"

static void peekoff(const char *what, int fd)
{
    int v = -12345;
    socklen_t len = sizeof v;
    errno = 0;
    int r = getsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &v, &len);
    if (r < 0)
        conf_printf("  %s: peek_off -1 %s\n", what, conf_errname(errno));
    else
        conf_printf("  %s: peek_off %d\n", what, v);
}

static void rd(const char *label, int fd, size_t n, int flags)
{
    char buf[64];
    memset(buf, 0, sizeof buf);
    errno = 0;
    ssize_t r = recv(fd, buf, n, flags | MSG_DONTWAIT);
    int e = errno;
    if (r < 0)
        conf_printf("%s = -1 %s\n", label, conf_errname(e));
    else {
        size_t shown = (size_t)r < n ? (size_t)r : n;
        conf_printf("%s = %ld \"%.*s\"\n", label, (long)r, (int)shown, buf);
    }
    peekoff("after", fd);
}

static socklen_t loop_addr(int af, struct sockaddr_storage *ss, unsigned short port)
{
    memset(ss, 0, sizeof *ss);
    if (af == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)ss;
        s->sin_family = AF_INET;
        s->sin_port = htons(port);
        s->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof *s;
    }
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    s6->sin6_addr = in6addr_loopback;
    return sizeof *s6;
}

static void set_off(int fd, int v)
{
    char l[64];
    snprintf(l, sizeof l, "setsockopt(SO_PEEK_OFF, %d)", v);
    CHECKL(l, setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &v, sizeof v));
    peekoff("now", fd);
}

static void udp_case(int af, unsigned short port)
{
    struct sockaddr_storage a;
    socklen_t al = loop_addr(af, &a, port);
    int r, s;
    MUST(r = socket(af, SOCK_DGRAM, 0));
    MUST(s = socket(af, SOCK_DGRAM, 0));
    MUST(bind(r, SA(&a), al));
    MUST(connect(s, SA(&a), al));
    conf_printf("UDP/%s\n", af == AF_INET ? "IPv4" : "IPv6");
    peekoff("fresh", r);
    set_off(r, -5);
    set_off(r, 2);
    MUST(send(s, "abcd", 4, 0));
    MUST(send(s, "efg", 3, 0));
    MUST(send(s, "hi", 2, 0));
    conf_wait(r, POLLIN, 200);
    rd("peek 1 at 2", r, 1, MSG_PEEK);
    rd("peek 10 at 3", r, 10, MSG_PEEK);
    rd("peek 2 at 4 (next datagram)", r, 2, MSG_PEEK);
    rd("peek 1 trunc at 6", r, 1, MSG_PEEK | MSG_TRUNC);
    rd("peek at 9 (past the queue)", r, 10, MSG_PEEK);
    rd("peek at 9 again", r, 10, MSG_PEEK);
    set_off(r, 5);
    rd("read 2 (first datagram, truncated)", r, 2, 0);
    rd("read with MSG_TRUNC", r, 1, MSG_TRUNC);
    rd("peek at 0", r, 10, MSG_PEEK);
    set_off(r, -1);
    rd("peek (off)", r, 10, MSG_PEEK);
    rd("read", r, 10, 0);
    close(r);
    close(s);
}

static void tcp_case(int af, unsigned short port)
{
    struct sockaddr_storage a;
    socklen_t al = loop_addr(af, &a, port);
    int l, c, r;
    MUST(l = socket(af, SOCK_STREAM, 0));
    MUST(c = socket(af, SOCK_STREAM, 0));
    conf_printf("TCP/%s\n", af == AF_INET ? "IPv4" : "IPv6");
    peekoff("fresh", c);
    set_off(c, 3);
    MUST(bind(l, SA(&a), al));
    MUST(listen(l, 1));
    peekoff("listener", l);
    set_off(l, 4);
    MUST(connect(c, SA(&a), al));
    peekoff("connected", c);
    MUST(r = accept(l, NULL, NULL));
    peekoff("accepted", r);
    MUST(send(c, "abcdef", 6, 0));
    MUST(send(c, "ghij", 4, 0));
    conf_wait(r, POLLIN, 200);
    usleep(50000);
    set_off(r, 1);
    rd("peek 2 at 1", r, 2, MSG_PEEK);
    rd("peek 20 at 3", r, 20, MSG_PEEK);
    rd("peek at 10 (end)", r, 20, MSG_PEEK);
    set_off(r, 4);
    rd("read 3", r, 3, 0);
    rd("peek 2 at 1", r, 2, MSG_PEEK);
    rd("read 10", r, 10, 0);
    set_off(r, -7);
    rd("peek (off)", r, 4, MSG_PEEK);
    set_off(r, 0);
    MUST(send(c, "xyz", 3, 0));
    conf_wait(r, POLLIN, 200);
    usleep(50000);
    rd("peek trunc 2", r, 2, MSG_PEEK | MSG_TRUNC);
    rd("read trunc 2", r, 2, MSG_TRUNC);
    rd("read 5", r, 5, 0);
    close(r);
    close(c);
    close(l);
}

int main(void)
{
    udp_case(AF_INET, 7301);
    udp_case(AF_INET6, 7302);
    tcp_case(AF_INET, 7303);
    tcp_case(AF_INET6, 7304);

    /* ping sockets: no set_peek_off (inet_sockraw_ops) */
    SYSCTL("net.ipv4.ping_group_range", "0 2147483647");
    int p = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    if (p >= 0) {
        conf_printf("ping\n");
        peekoff("fresh", p);
        set_off(p, 0);
        close(p);
    } else
        conf_printf("ping socket: %s\n", conf_errname(errno));
    return 0;
}
