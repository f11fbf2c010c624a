/* v6_tcp.h — what the v6_tcp_*.c conformance programs share: IPv6
 * socket addresses and a name printer that shows the IPv6 fields
 * (address, port, flowinfo, scope id, length). Include after conf.h. */
#ifndef BERTH_CONFORMANCE_V6_TCP_H
#define BERTH_CONFORMANCE_V6_TCP_H

/* [ip]:port; ip is an IPv6 literal ("::1", "::ffff:127.0.0.1", "::"). */
static inline struct sockaddr_in6 v6_sin6(const char *ip, int port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, ip, &a.sin6_addr) != 1)
        abort();
    return a;
}

static inline const char *v6_fmt(const struct sockaddr_storage *ss, socklen_t len, int flags)
{
    static char buf[4][128];
    static int n;
    char *b = buf[n++ & 3];
    if (ss->ss_family != AF_INET6)
        return conf_fmt_sa(ss, len, flags);
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    snprintf(b, sizeof buf[0], "[%s]:%s flow=%u scope=%u", ip,
             conf_port(ntohs(a->sin6_port), flags), (unsigned)ntohl(a->sin6_flowinfo),
             (unsigned)a->sin6_scope_id);
    return b;
}

/* getsockname / getpeername with the IPv6 fields. */
static inline void v6_name(const char *label, int fd, int peer, int flags)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    int r = peer ? getpeername(fd, SA(&ss), &len) : getsockname(fd, SA(&ss), &len);
    if (r < 0)
        conf_printf("%s %s = -1 %s\n", peer ? "getpeername" : "getsockname", label,
                    conf_errname(errno));
    else
        conf_printf("%s %s = %s len=%u\n", peer ? "getpeername" : "getsockname", label,
                    v6_fmt(&ss, len, flags), (unsigned)len);
}

/* accept() printing the address it returns. */
static inline int v6_accept(const char *label, int l, int flags)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    int s = accept(l, SA(&ss), &len);
    if (s < 0)
        conf_printf("accept %s = -1 %s\n", label, conf_errname(errno));
    else
        conf_printf("accept %s = ok %s len=%u\n", label, v6_fmt(&ss, len, flags), (unsigned)len);
    return s;
}

/* An AF_INET6 listener on [ip]:port (setup, not under test). */
static inline int v6_listener(const char *ip, int port, int v6only)
{
    int l;
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    if (v6only >= 0)
        MUST(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only));
    struct sockaddr_in6 a = v6_sin6(ip, port);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 8));
    return l;
}

#endif
