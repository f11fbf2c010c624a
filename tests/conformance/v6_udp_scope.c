/* v6_udp_scope.c - scope ids on an AF_INET6 UDP socket with only lo: a
 * link-local destination needs sin6_scope_id or a bound device (EINVAL),
 * an interface that does not exist is ENODEV, the scope id of a global
 * destination is ignored, and what getsockname/getpeername report
 * (sin6_scope_id only for link-scope addresses). */
#include "conf.h"

static struct sockaddr_in6 a6(const char *ip, int port, unsigned scope)
{
    struct sockaddr_in6 s = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    inet_pton(AF_INET6, ip, &s.sin6_addr);
    s.sin6_scope_id = scope;
    return s;
}

static void name6(const char *label, int fd, int peer)
{
    struct sockaddr_in6 s;
    socklen_t len = sizeof s;
    memset(&s, 0xAA, sizeof s);
    errno = 0;
    int r = peer ? getpeername(fd, SA(&s), &len) : getsockname(fd, SA(&s), &len);
    if (r < 0) {
        conf_report(label, r, errno);
        return;
    }
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &s.sin6_addr, ip, sizeof ip);
    conf_printf("%s = 0 [%s]:%s flowinfo=%u scope=%u len=%u\n", label, ip,
                conf_port(ntohs(s.sin6_port), CONF_PORT_EPH), (unsigned)ntohl(s.sin6_flowinfo),
                (unsigned)s.sin6_scope_id, (unsigned)len);
}

int main(void)
{
    struct sockaddr_in6 ll = a6("fe80::1", 7351, 0), ll1 = a6("fe80::1", 7351, 1);
    struct sockaddr_in6 ll99 = a6("fe80::1", 7351, 99), g99 = a6("::1", 7351, 99);
    struct sockaddr_in6 mc1 = a6("ff02::1", 7351, 1), mc99 = a6("ff02::1", 7351, 99);
    struct sockaddr_in6 lo = a6("::1", 7351, 0), ll2 = a6("fe80::1", 7351, 2);

    int u = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECKL("sendto [fe80::1]", sendto(u, "x", 1, 0, SA(&ll), sizeof ll));
    CHECKL("sendto [fe80::1%99]", sendto(u, "x", 1, 0, SA(&ll99), sizeof ll99));
    CHECKL("sendto [fe80::1%1] (lo)", sendto(u, "x", 1, 0, SA(&ll1), sizeof ll1));
    CHECKL("sendto [fe80::1%1], 24-byte address", sendto(u, "x", 1, 0, SA(&ll1), 24));
    CHECKL("sendto [ff02::1%1]", sendto(u, "x", 1, 0, SA(&mc1), sizeof mc1));
    CHECKL("sendto [ff02::1%99]", sendto(u, "x", 1, 0, SA(&mc99), sizeof mc99));
    CHECKL("sendto [::1%99]", sendto(u, "x", 1, 0, SA(&g99), sizeof g99));
    name6("getsockname after sends", u, 0);
    close(u);

    u = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECKL("connect [fe80::1]", connect(u, SA(&ll), sizeof ll));
    CHECKL("connect [fe80::1%99]", connect(u, SA(&ll99), sizeof ll99));
    name6("  getsockname", u, 0);
    name6("  getpeername", u, 1);
    CHECKL("connect [fe80::1%1]", connect(u, SA(&ll1), sizeof ll1));
    name6("  getsockname", u, 0);
    name6("  getpeername", u, 1);
    close(u);

    u = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECKL("connect [fe80::1%1]", connect(u, SA(&ll1), sizeof ll1));
    name6("  getsockname", u, 0);
    name6("  getpeername", u, 1);
    CHECKL("  send", send(u, "x", 1, 0));
    CHECKL("connect [fe80::1%2] (another scope)", connect(u, SA(&ll2), sizeof ll2));
    CHECKL("connect [::1%99]", connect(u, SA(&g99), sizeof g99));
    name6("  getsockname", u, 0);
    name6("  getpeername", u, 1);
    close(u);

    u = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECKL("connect [ff02::1%1]", connect(u, SA(&mc1), sizeof mc1));
    name6("  getpeername", u, 1);
    close(u);

    u = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECKL("connect [::1]:7351", connect(u, SA(&lo), sizeof lo));
    name6("  getsockname", u, 0);
    name6("  getpeername", u, 1);
    close(u);
    return 0;
}
