/* One [::] listener takes both families: an IPv4 client is seen as
 * ::ffff:a.b.c.d, an IPv6 client natively; IPV6_V6ONLY refuses IPv4 with
 * a RST (ECONNREFUSED) and still takes ::1; listeners bound to ::1 or to
 * ::ffff:127.0.0.1 take only their own family; an IPv4 listener and a
 * V6ONLY listener share a port, each taking its family. */
#include "conf.h"
#include "v6_tcp.h"

static void client4(const char *label, int port)
{
    int c;
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    CHECKL(label, connect(c, SA(&a), sizeof a));
    close(c);
}

static int client6(const char *label, const char *ip, int port)
{
    int c;
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 a = v6_sin6(ip, port);
    CHECKL(label, connect(c, SA(&a), sizeof a));
    return c;
}

int main(void)
{
    char buf[16];
    int l = v6_listener("::", 6720, 0), c, s;
    v6_name("[::] listener", l, 0, CONF_PORT_EXACT);
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a4 = conf_sin("127.0.0.1", 6720);
    CHECKL("IPv4 client", connect(c, SA(&a4), sizeof a4));
    s = v6_accept("IPv4 client", l, CONF_PORT_EPH);
    v6_name("its local", s, 0, CONF_PORT_EXACT);
    CHECKL("send", send(c, "four", 4, 0));
    CHECKL("recv", recv(s, buf, sizeof buf, 0));
    close(s);
    close(c);
    c = client6("IPv6 client", "::1", 6720);
    s = v6_accept("IPv6 client", l, CONF_PORT_EPH);
    v6_name("its local", s, 0, CONF_PORT_EXACT);
    v6_name("client local", c, 0, CONF_PORT_EPH);
    CHECKL("send", send(s, "six", 3, 0));
    CHECKL("recv", recv(c, buf, sizeof buf, 0));
    close(s);
    close(c);
    c = client6("v4-mapped client", "::ffff:127.0.0.1", 6720);
    s = v6_accept("v4-mapped client", l, CONF_PORT_EPH);
    v6_name("v4-mapped client local", c, 0, CONF_PORT_EPH);
    close(s);
    close(c);
    close(l);

    l = v6_listener("::", 6721, 1);
    client4("IPv4 client to V6ONLY", 6721);
    c = client6("IPv6 client to V6ONLY", "::1", 6721);
    s = v6_accept("V6ONLY", l, CONF_PORT_EPH);
    GETINT(s, IPPROTO_IPV6, IPV6_V6ONLY);
    close(s);
    close(c);
    close(l);

    l = v6_listener("::1", 6722, -1);
    client4("IPv4 client to [::1]", 6722);
    c = client6("v4-mapped client to [::1]", "::ffff:127.0.0.1", 6722);
    close(c);
    close(l);
    l = v6_listener("::ffff:127.0.0.1", 6723, -1);
    c = client6("IPv6 client to [::ffff:127.0.0.1]", "::1", 6723);
    close(c);
    client4("IPv4 client to [::ffff:127.0.0.1]", 6723);
    s = v6_accept("mapped listener", l, CONF_PORT_EPH);
    close(s);
    close(l);

    /* one port, two listeners */
    int l4;
    MUST(l4 = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in b4 = conf_sin("0.0.0.0", 6724);
    MUST(bind(l4, SA(&b4), sizeof b4));
    MUST(listen(l4, 8));
    l = v6_listener("::", 6724, 1);
    client4("IPv4 client, shared port", 6724);
    c = client6("IPv6 client, shared port", "::1", 6724);
    s = v6_accept("on the IPv6 listener", l, CONF_PORT_EPH);
    close(s);
    int s4;
    MUST(s4 = accept(l4, NULL, NULL));
    PEERNAME("on the IPv4 listener", s4, CONF_PORT_EPH);
    close(s4);
    close(c);
    close(l);
    close(l4);
    return 0;
}
