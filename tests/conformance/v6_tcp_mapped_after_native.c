/* v6_tcp_mapped_after_native.c - an AF_INET6 socket bound to [::1] whose
 * native connect failed, then (IPV6_V6ONLY cleared) connected to a
 * v4-mapped peer (difffuzz seed 41404).
 *
 * Linux: bind() to a native address sets the socket's IPv4 view of its
 * source to LOOPBACK4_IPV6 (127.0.0.6, __inet6_bind); tcp_v6_connect
 * leaves it; tcp_v4_connect keeps a nonzero source, and 127.0.0.6 is a
 * loopback address, so the IPv4 connection leaves from 127.0.0.6; after it
 * succeeds tcp_v6_connect rewrites both IPv6 views from the IPv4 ones: the
 * name reads [::ffff:127.0.0.6] and the peer sees 127.0.0.6. */
#include "conf.h"

int main(void)
{
    struct sockaddr_in lis = conf_sin("127.0.0.1", 7331);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    MUST(bind(l, SA(&lis), sizeof lis));
    MUST(listen(l, 4));

    for (int bound = 0; bound < 2; bound++) {
        printf("%s\n", bound ? "bound to [::1]:0" : "not bound");
        int s = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in6 lo6 = {.sin6_family = AF_INET6};
        lo6.sin6_addr = in6addr_loopback;
        if (bound)
            CHECKL("  bind [::1]:0", bind(s, SA(&lo6), sizeof lo6));
        struct sockaddr_in6 closed = lo6;
        closed.sin6_port = htons(7332);
        CHECKL("  connect [::1]:7332 (closed)", connect(s, SA(&closed), sizeof closed));
        conf_wait(s, POLLOUT, 1000);
        int err = 0;
        socklen_t el = sizeof err;
        getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
        printf("  SO_ERROR %s\n", conf_errname(err));
        SOCKNAME("    name", s, CONF_PORT_EPH);
        /* the connect after a refused one reports the end of the attempt
         * (__inet_stream_connect: ECONNABORTED) and leaves it closed */
        CHECKL("  connect [::1]:7332 again", connect(s, SA(&closed), sizeof closed));
        SOCKNAME("    name", s, CONF_PORT_EPH);
        int off = 0;
        CHECKL("  IPV6_V6ONLY 0", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off));
        struct sockaddr_in6 mapped = {.sin6_family = AF_INET6, .sin6_port = htons(7331)};
        inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr);
        CHECKL("  connect [::ffff:127.0.0.1]:7331", connect(s, SA(&mapped), sizeof mapped));
        conf_wait(s, POLLOUT, 1000);
        SOCKNAME("    name", s, CONF_PORT_EPH);
        PEERNAME("    peer", s, CONF_PORT_EPH);
        conf_wait(l, POLLIN, 1000);
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        int c = accept(l, SA(&from), &fl);
        printf("  accepted from %s\n", c < 0 ? "nothing" : conf_fmt_sa(&from, fl, CONF_PORT_EPH));
        if (c >= 0)
            close(c);
        close(s);
    }
    return 0;
}
