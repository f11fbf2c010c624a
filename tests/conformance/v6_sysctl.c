/* The knobs as seen by AF_INET6 sockets:
 *  - net.ipv6.bindv6only: the IPV6_V6ONLY default of new sockets (sockets
 *    that exist keep theirs), so [::] stops holding the IPv4 port;
 *  - net.ipv6.ip_nonlocal_bind: non-local IPv6 addresses may be bound;
 *    a v4-mapped address follows net.ipv4.ip_nonlocal_bind instead (the
 *    IPv4 rules apply to it), and neither knob crosses over otherwise;
 *  - net.ipv4.ip_unprivileged_port_start also governs AF_INET6 ports. */
#include "confx.h"

static int bind6(int s, const char *ip, int port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    errno = 0;
    return bind(s, SA(&a), sizeof a) < 0 ? -errno : 0;
}

static void try6(int type, const char *ip, int port)
{
    int s = conf_sock(AF_INET6, type, 0, 0);
    conf_printf("%s6 bind [%s]:%d: %s\n", type == SOCK_STREAM ? "tcp" : "udp", ip, port,
                conf_res(bind6(s, ip, port)));
    close(s);
}

static void try4(int type, const char *ip, int port)
{
    int s = conf_sock(AF_INET, type, 0, 0);
    conf_printf("%s4 bind %s:%d: %s\n", type == SOCK_STREAM ? "tcp" : "udp", ip, port,
                conf_res(conf_bind4(s, ip, port)));
    close(s);
}

int main(void)
{
    int before = conf_sock(AF_INET6, SOCK_STREAM, 0, 0);
    GETINT(before, IPPROTO_IPV6, IPV6_V6ONLY);
    SYSCTL("net.ipv6.bindv6only", "1");
    int after = conf_sock(AF_INET6, SOCK_STREAM, 0, 0);
    GETINT(after, IPPROTO_IPV6, IPV6_V6ONLY);
    GETINT(before, IPPROTO_IPV6, IPV6_V6ONLY);
    int u = conf_sock(AF_INET6, SOCK_DGRAM, 0, 0);
    GETINT(u, IPPROTO_IPV6, IPV6_V6ONLY);
    conf_printf("tcp6 [::]:7000 (v6only by default now): %s\n", conf_res(bind6(after, "::", 7000)));
    int v4 = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("tcp4 0.0.0.0:7000 beside it: %s\n", conf_res(conf_bind4(v4, "0.0.0.0", 7000)));
    conf_printf("tcp6 [::]:7001 (created before the change): %s\n",
                conf_res(bind6(before, "::", 7001)));
    int v4b = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("tcp4 0.0.0.0:7001 beside it: %s\n", conf_res(conf_bind4(v4b, "0.0.0.0", 7001)));
    conf_printf("udp6 [::ffff:127.0.0.1]:7002 (v6only by default now): %s\n",
                conf_res(bind6(u, "::ffff:127.0.0.1", 7002)));
    SYSCTL("net.ipv6.bindv6only", "0");
    int z = conf_sock(AF_INET6, SOCK_DGRAM, 0, 0);
    GETINT(z, IPPROTO_IPV6, IPV6_V6ONLY);

    try6(SOCK_DGRAM, "2001:db8::1", 7100);
    try6(SOCK_DGRAM, "::ffff:192.0.2.1", 7101);
    SYSCTL("net.ipv4.ip_nonlocal_bind", "1");
    try6(SOCK_DGRAM, "2001:db8::1", 7102);
    try6(SOCK_DGRAM, "::ffff:192.0.2.1", 7103);
    try4(SOCK_DGRAM, "192.0.2.1", 7104);
    SYSCTL("net.ipv4.ip_nonlocal_bind", "0");
    SYSCTL("net.ipv6.ip_nonlocal_bind", "1");
    try6(SOCK_DGRAM, "2001:db8::1", 7105);
    try6(SOCK_STREAM, "2001:db8::1", 7106);
    try6(SOCK_DGRAM, "::ffff:192.0.2.1", 7107);
    try6(SOCK_DGRAM, "fe80::1", 7108);
    try6(SOCK_STREAM, "ff02::1", 7109);
    try4(SOCK_DGRAM, "192.0.2.1", 7110);
    SYSCTL("net.ipv6.ip_nonlocal_bind", "0");
    try6(SOCK_DGRAM, "2001:db8::1", 7111);

    conf_as(1000, 0);
    try6(SOCK_STREAM, "::1", 1000);
    conf_as_root();
    SYSCTL("net.ipv4.ip_unprivileged_port_start", "900");
    conf_as(1000, 0);
    try6(SOCK_STREAM, "::1", 1000);
    try6(SOCK_STREAM, "::1", 899);
    try6(SOCK_DGRAM, "::", 900);
    conf_as_root();
    return 0;
}
