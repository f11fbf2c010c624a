/* connect() on an AF_INET6 stream socket: the errno of each refusal
 * (short address, wrong family, multicast, link-local without a scope id,
 * no route), the address a V6ONLY or IPv6-bound socket may reach, and
 * the state a failed connect leaves (a later connect works). */
#include "conf.h"
#include "v6_tcp.h"

static void try(const char *label, int s, const void *a, socklen_t len)
{
    CHECKL(label, connect(s, (const struct sockaddr *)a, len));
}

int main(void)
{
    int s;
    int l = v6_listener("::1", 6730, -1);
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 a = v6_sin6("::1", 6730);
    try("len 23", s, &a, 23);
    try("len 24 (RFC 2133)", s, &a, 24);
    int c1;
    MUST(c1 = accept(l, NULL, NULL));
    close(c1);
    close(s);
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 f = a;
    f.sin6_family = AF_INET;
    try("family AF_INET, len 28", s, &f, sizeof f);
    struct sockaddr_in6 m = v6_sin6("ff02::1", 6730);
    try("multicast ff02::1", s, &m, sizeof m);
    struct sockaddr_in6 ll = v6_sin6("fe80::1", 6730);
    try("link-local without scope id", s, &ll, sizeof ll);
    try("link-local, len 24 (no scope id field)", s, &ll, 24);
    close(s);
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    ll.sin6_scope_id = 99;
    try("link-local, scope id 99 (no such interface)", s, &ll, sizeof ll);
    close(s);
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    ll.sin6_scope_id = 1;
    try("link-local, scope id 1 (lo)", s, &ll, sizeof ll);
    close(s);
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 nr = v6_sin6("2001:db8::1", 6730);
    try("2001:db8::1 (no route)", s, &nr, sizeof nr);
    GETINT(s, SOL_SOCKET, SO_ERROR);
    v6_name("after the failures", s, 0, CONF_PORT_EXACT);
    try("then [::1]:6730", s, &a, sizeof a);
    MUST(c1 = accept(l, NULL, NULL));
    close(c1);
    close(s);

    /* bound to ::1: connect to an IPv4 peer */
    int l4;
    MUST(l4 = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in b4 = conf_sin("127.0.0.1", 6731);
    MUST(bind(l4, SA(&b4), sizeof b4));
    MUST(listen(l4, 8));
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 lb = v6_sin6("::1", 0);
    MUST(bind(s, SA(&lb), sizeof lb));
    GETINT(s, IPPROTO_IPV6, IPV6_V6ONLY);
    struct sockaddr_in6 mp = v6_sin6("::ffff:127.0.0.1", 6731);
    try("bound to ::1, to ::ffff:127.0.0.1", s, &mp, sizeof mp);
    close(s);
    /* bound to ::ffff:127.0.0.1: connect to ::1 */
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 mb = v6_sin6("::ffff:127.0.0.1", 0);
    MUST(bind(s, SA(&mb), sizeof mb));
    try("bound to ::ffff:127.0.0.1, to ::1", s, &a, sizeof a);
    try("bound to ::ffff:127.0.0.1, to 2001:db8::1 (no route)", s, &nr, sizeof nr);
    close(s);
    /* V6ONLY: ::1 yes, v4-mapped no */
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    int one = 1;
    MUST(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
    try("V6ONLY to ::ffff:127.0.0.1", s, &mp, sizeof mp);
    try("V6ONLY to ::1", s, &a, sizeof a);
    v6_name("V6ONLY client", s, 0, CONF_PORT_EPH);
    MUST(c1 = accept(l, NULL, NULL));
    close(c1);
    close(s);
    /* a socket bound to a port keeps it across a refused connect */
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 pb = v6_sin6("::", 6732);
    MUST(bind(s, SA(&pb), sizeof pb));
    struct sockaddr_in6 closed = v6_sin6("::1", 6799);
    try("bound [::]:6732, to a closed port", s, &closed, sizeof closed);
    v6_name("after the refusal", s, 0, CONF_PORT_EXACT);
    try("then [::1]:6730", s, &a, sizeof a);
    v6_name("connected", s, 0, CONF_PORT_EXACT);
    MUST(c1 = accept(l, NULL, NULL));
    v6_name("its peer", c1, 1, CONF_PORT_EXACT); /* the bound port */
    close(c1);
    close(s);
    close(l4);
    close(l);
    return 0;
}
