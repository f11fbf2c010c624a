/* bind() on AF_INET6 sockets (__inet6_bind): address validity and the order
 * of the checks, which differs from IPv4: the privileged port (EACCES) is
 * checked before the address (a non-local address on a privileged port is
 * EACCES for IPv6, EADDRNOTAVAIL for IPv4). Link-local addresses need a
 * scope id (EINVAL without, ENODEV for an unknown interface); a multicast
 * address on a stream socket is EINVAL; a v4-mapped address on a V6ONLY
 * socket is EINVAL; IPv4-mapped addresses follow the IPv4 rules. The
 * namespace has only lo: ::1 and 127.0.0.0/8. */
#include <net/if.h>

#include "confx.h"

static struct sockaddr_in6 sin6(const char *ip, int port, unsigned scope)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    a.sin6_scope_id = scope;
    if (inet_pton(AF_INET6, ip, &a.sin6_addr) != 1) {
        conf_printf("SETUP FAILED: bad address %s\n", ip);
        exit(2);
    }
    return a;
}

static const char *tn(int type) { return type == SOCK_STREAM ? "tcp" : "udp"; }

static char *fmt6(const struct sockaddr_in6 *a, socklen_t len)
{
    static char b[128];
    char ip[INET6_ADDRSTRLEN];
    if (len < sizeof(sa_family_t) || a->sin6_family != AF_INET6) {
        snprintf(b, sizeof b, "family=%d len=%u", len >= sizeof(sa_family_t) ? a->sin6_family : -1,
                 (unsigned)len);
        return b;
    }
    char port[16];
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    unsigned p = ntohs(a->sin6_port);
    if (p >= CONF_EPH_LOW && p <= CONF_EPH_HIGH)
        snprintf(port, sizeof port, "eph");
    else
        snprintf(port, sizeof port, "%u", p);
    snprintf(b, sizeof b, "[%s%%%u]:%s len=%u", ip, (unsigned)a->sin6_scope_id, port,
             (unsigned)len);
    return b;
}

/* A fresh socket (v6only as given, -1: default) binds a; prints the result
 * and getsockname. */
static void try(int type, int v6only, const char *ip, int port, unsigned scope, socklen_t len)
{
    int s = conf_sock(AF_INET6, type, 0, 0);
    if (v6only >= 0)
        MUST(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only));
    struct sockaddr_in6 a = sin6(ip, port, scope);
    errno = 0;
    int r = bind(s, SA(&a), len) < 0 ? -errno : 0;
    struct sockaddr_in6 n;
    socklen_t nl = sizeof n;
    memset(&n, 0, sizeof n);
    getsockname(s, SA(&n), &nl);
    conf_printf("%s%s bind [%s%%%u]:%d len=%u: %s  name %s\n", tn(type),
                v6only == 1 ? " v6only" : "", ip, scope, port, (unsigned)len, conf_res(r),
                fmt6(&n, nl));
    close(s);
}

int main(void)
{
    unsigned lo = if_nametoindex("lo");
    socklen_t L = sizeof(struct sockaddr_in6);
    conf_printf("lo index found: %d\n", lo != 0);
    for (int t = 0; t < 2; t++) {
        int type = t ? SOCK_DGRAM : SOCK_STREAM;
        try(type, -1, "::", 6000, 0, L);
        try(type, -1, "::1", 6001, 0, L);
        try(type, -1, "::1", 6002, 99, L); /* scope id ignored off link-local */
        try(type, -1, "::ffff:127.0.0.1", 6003, 0, L);
        try(type, -1, "::ffff:127.0.0.2", 6004, 0, L);
        try(type, -1, "::ffff:0.0.0.0", 6005, 0, L);
        try(type, 1, "::ffff:127.0.0.1", 6006, 0, L);
        try(type, 1, "::ffff:0.0.0.0", 6007, 0, L);
        try(type, -1, "::ffff:192.0.2.1", 6008, 0, L);
        try(type, -1, "::ffff:255.255.255.255", 6009, 0, L);
        try(type, -1, "::ffff:224.0.0.1", 6010, 0, L);
        try(type, -1, "2001:db8::1", 6011, 0, L);
        try(type, -1, "fe80::1", 6012, 0, L);
        try(type, -1, "fe80::1", 6013, 9999, L);
        try(type, -1, "fe80::1", 6014, lo, L);
        try(type, -1, "ff02::1", 6015, 0, L);
        try(type, -1, "ff02::1", 6016, lo, L);
        try(type, -1, "ff02::1", 6017, 9999, L);
        try(type, -1, "ff05::1", 6018, 0, L);
        try(type, -1, "ff01::1", 6019, 0, L);
        try(type, -1, "::2", 6020, 0, L);
        try(type, -1, "::127.0.0.1", 6021, 0, L); /* IPv4-compatible: not mapped */
        try(type, -1, "::1", 6022, 0, 24);
        try(type, -1, "::1", 6023, 0, 23);
        try(type, -1, "::1", 6024, 0, 0);
        try(type, -1, "::1", 6025, 0, (socklen_t)sizeof(struct sockaddr_storage) + 1);
        try(type, -1, "::1", 0, 0, L);
    }

    /* Family checks. */
    int s = conf_sock(AF_INET6, SOCK_DGRAM, 0, 0);
    struct sockaddr_in v4 = conf_sin("127.0.0.1", 6100);
    struct sockaddr_in6 pad;
    memset(&pad, 0, sizeof pad);
    memcpy(&pad, &v4, sizeof v4);
    CHECKL("udp6 bind(AF_INET sockaddr_in, len 16)", bind(s, SA(&v4), sizeof v4));
    CHECKL("udp6 bind(AF_INET, len 28)", bind(s, SA(&pad), sizeof pad));
    pad.sin6_family = AF_UNSPEC;
    CHECKL("udp6 bind(AF_UNSPEC, ::, len 28)", bind(s, SA(&pad), sizeof pad));
    struct sockaddr_in6 a = sin6("::1", 6101, 0);
    a.sin6_flowinfo = htonl(0x12345);
    CHECKL("udp6 bind([::1]:6101 with flowinfo)", bind(s, SA(&a), sizeof a));
    CHECKL("udp6 bind again", bind(s, SA(&a), sizeof a));
    close(s);
    /* An AF_INET socket given a sockaddr_in6. */
    s = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    a = sin6("::1", 6102, 0);
    CHECKL("udp4 bind(AF_INET6 [::1])", bind(s, SA(&a), sizeof a));
    close(s);

    /* The errno order with credentials: port before address. */
    conf_as(1000, 0);
    for (int t = 0; t < 2; t++) {
        int type = t ? SOCK_DGRAM : SOCK_STREAM;
        try(type, -1, "2001:db8::1", 80, 0, L);
        try(type, -1, "fe80::1", 80, 0, L);
        try(type, -1, "fe80::1", 80, 9999, L);
        try(type, 1, "::ffff:127.0.0.1", 80, 0, L);
        try(type, -1, "::ffff:192.0.2.1", 80, 0, L);
        try(type, -1, "ff02::1", 80, 0, L);
        try(type, -1, "::1", 80, 0, L);
        try(type, -1, "::1", 80, 0, 23);
    }
    conf_as_root();
    return 0;
}
