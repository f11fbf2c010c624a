/* TCP between AF_INET and AF_INET6 sockets over IPv4: a dual-stack [::]
 * listener takes IPv4 clients (names are ::ffff:a.b.c.d), an AF_INET6
 * client reaches an IPv4 listener through a v4-mapped address, a V6ONLY
 * listener takes no IPv4 client, a V6ONLY socket cannot connect to a
 * v4-mapped address, and an AF_INET6 socket rejects short or foreign
 * addresses. (Native IPv6 on the same listeners: v6_tcp_dualstack.) */
#include "conf.h"

static int l6(int port, int v6only)
{
    int l;
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    MUST(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only));
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 8));
    return l;
}

static struct sockaddr_in6 mapped(const char *v4, int port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    a.sin6_addr.s6_addr[10] = a.sin6_addr.s6_addr[11] = 0xff;
    inet_pton(AF_INET, v4, &a.sin6_addr.s6_addr[12]);
    return a;
}

/* getsockname/getpeername with the IPv6 address printed (conf_name does
 * IPv4 only). */
static void name6(const char *label, int fd, int peer, int flags)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    int r = peer ? getpeername(fd, SA(&ss), &l) : getsockname(fd, SA(&ss), &l);
    if (r < 0 || ss.ss_family != AF_INET6) {
        conf_printf("%s: %d %s family=%d\n", label, r, r < 0 ? conf_errname(errno) : "",
                    ss.ss_family);
        return;
    }
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
    char ip[64];
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    conf_printf("%s: [%s]:%s len=%u\n", label, ip, conf_port(ntohs(a->sin6_port), flags),
                (unsigned)l);
}

int main(void)
{
    char buf[16];
    int l = l6(6600, 0), c, s;
    struct sockaddr_in a4 = conf_sin("127.0.0.1", 6600);
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    CHECKL("IPv4 client to [::] listener", connect(c, SA(&a4), sizeof a4));
    MUST(s = accept(l, NULL, NULL));
    name6("accepted peer", s, 1, CONF_PORT_EPH);
    name6("accepted local", s, 0, CONF_PORT_EXACT);
    PEERNAME("client peer", c, CONF_PORT_EXACT);
    CHECKL("send", send(c, "hey", 3, 0));
    CHECKL("recv", recv(s, buf, sizeof buf, 0));
    close(c);
    close(s);

    int l4;
    MUST(l4 = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in b4 = conf_sin("127.0.0.1", 6601);
    MUST(bind(l4, SA(&b4), sizeof b4));
    MUST(listen(l4, 8));
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    CHECKL("connect(AF_INET6, sockaddr_in)", connect(c, SA(&b4), sizeof b4));
    struct sockaddr_in6 m = mapped("127.0.0.1", 6601);
    CHECKL("connect(AF_INET6, ::ffff:127.0.0.1)", connect(c, SA(&m), sizeof m));
    name6("v6 client local", c, 0, CONF_PORT_EPH);
    name6("v6 client peer", c, 1, CONF_PORT_EXACT);
    MUST(s = accept(l4, NULL, NULL));
    PEERNAME("IPv4 server's peer", s, CONF_PORT_EPH);
    CHECKL("send", send(s, "back", 4, 0));
    CHECKL("recv", recv(c, buf, sizeof buf, 0));
    close(c);
    close(s);

    int v6o;
    MUST(v6o = socket(AF_INET6, SOCK_STREAM, 0));
    int one = 1;
    MUST(setsockopt(v6o, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
    CHECKL("V6ONLY connect to ::ffff:127.0.0.1", connect(v6o, SA(&m), sizeof m));
    close(v6o);

    int lo = l6(6602, 1);
    struct sockaddr_in c4 = conf_sin("127.0.0.1", 6602);
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    CHECKL("IPv4 client to a V6ONLY listener", connect(c, SA(&c4), sizeof c4));
    close(c);
    close(lo);
    close(l4);
    close(l);
    return 0;
}
