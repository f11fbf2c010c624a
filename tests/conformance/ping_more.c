/* ICMP ping sockets, the corners: MSG_TRUNC in flags (the call still
 * returns what it copied), disconnect (AF_UNSPEC) dropping an automatic
 * ident but keeping a bound one, echo to 0.0.0.0 and ::, broadcast without
 * SO_BROADCAST, SO_BINDTODEVICE to lo, link-local IPv6 without a scope id,
 * shutdown and poll, IPPROTO_UDP options, a full receive buffer. */
#include "confx.h"

#include <net/if.h>

static unsigned port_of(int s)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    if (getsockname(s, SA(&ss), &l) < 0)
        return 99999;
    return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                         : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static size_t echo(unsigned char *b, int type, int seq, size_t len)
{
    memset(b, 0, len);
    b[0] = (unsigned char)type;
    b[6] = (unsigned char)(seq >> 8);
    b[7] = (unsigned char)seq;
    for (size_t i = 8; i < len; i++)
        b[i] = (unsigned char)i;
    return len;
}

static void reply(const char *label, int s, size_t cap, int flags)
{
    unsigned char b[2048];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    if (conf_wait(s, POLLIN, 1000) <= 0) {
        conf_printf("%s: no reply\n", label);
        return;
    }
    errno = 0;
    ssize_t n = recvfrom(s, b, cap, flags, SA(&from), &fl);
    if (n < 0)
        conf_printf("%s: -1 %s\n", label, conf_errname(errno));
    else
        conf_printf("%s: %zd type %u seq %u\n", label, n, b[0], n >= 8 ? (unsigned)b[7] : 0);
}

int main(void)
{
    unsigned char b[2048];
    int s, one = 1;
    SYSCTL_MUST("net.ipv4.ping_group_range", "0 2147483647");
    struct sockaddr_in lo = conf_sin("127.0.0.1", 0), any = conf_sin("0.0.0.0", 0),
                       bc = conf_sin("255.255.255.255", 0);

    MUST(s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    CHECKL("sendto 0.0.0.0", sendto(s, b, echo(b, 8, 1, 40), 0, SA(&any), sizeof any));
    reply("reply to 0.0.0.0", s, sizeof b, 0);
    CHECKL("sendto 127.0.0.1", sendto(s, b, echo(b, 8, 2, 40), 0, SA(&lo), sizeof lo));
    reply("MSG_TRUNC into 12", s, 12, MSG_TRUNC);
    CHECKL("sendto 255.255.255.255", sendto(s, b, echo(b, 8, 3, 40), 0, SA(&bc), sizeof bc));
    GETINT(s, SOL_SOCKET, SO_ERROR);
    CHECKL("setsockopt IPPROTO_UDP UDP_CORK", setsockopt(s, IPPROTO_UDP, 1, &one, sizeof one));
    int v;
    socklen_t vl = sizeof v;
    CHECKL("getsockopt IPPROTO_UDP UDP_CORK", getsockopt(s, IPPROTO_UDP, 1, &v, &vl));
    CHECKL("setsockopt IPPROTO_IPV6", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
    close(s);

    /* disconnect: an automatic ident goes, a bound one stays */
    MUST(s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    CHECK(connect(s, SA(&lo), sizeof lo));
    conf_printf("after connect: ident %s\n", port_of(s) ? "nonzero" : "0");
    struct sockaddr un = {.sa_family = AF_UNSPEC};
    CHECKL("connect AF_UNSPEC", connect(s, &un, sizeof un));
    conf_printf("after disconnect: ident %s\n", port_of(s) ? "nonzero" : "0");
    CHECKL("send unconnected", send(s, b, echo(b, 8, 4, 40), 0));
    close(s);
    MUST(s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    struct sockaddr_in a = conf_sin("0.0.0.0", 5151);
    CHECK(bind(s, SA(&a), sizeof a));
    CHECK(connect(s, SA(&lo), sizeof lo));
    CHECKL("connect AF_UNSPEC", connect(s, &un, sizeof un));
    SOCKNAME("bound ident kept", s, CONF_PORT_EXACT);

    /* shutdown, poll */
    CHECK(shutdown(s, SHUT_RD));
    CHECK(poll(&(struct pollfd){s, POLLIN | POLLOUT, 0}, 1, 0));
    CHECKL("recv after SHUT_RD", recv(s, b, sizeof b, 0));
    CHECK(shutdown(s, SHUT_WR));
    CHECKL("sendto after SHUT_WR", sendto(s, b, echo(b, 8, 5, 40), 0, SA(&lo), sizeof lo));
    close(s);

    /* SO_BINDTODEVICE lo: replies still come back (they arrive on lo) */
    MUST(s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    CHECK(setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3));
    CHECKL("sendto 127.0.0.1 bound to lo", sendto(s, b, echo(b, 8, 6, 40), 0, SA(&lo), sizeof lo));
    reply("reply on lo", s, sizeof b, 0);
    close(s);

    /* a small receive buffer: replies beyond it are dropped */
    MUST(s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    int small = 1; /* raised to the minimum */
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small));
    for (int i = 0; i < 20; i++)
        sendto(s, b, echo(b, 8, 10 + i, 1000), 0, SA(&lo), sizeof lo);
    int got = 0;
    while (recv(s, b, sizeof b, MSG_DONTWAIT) > 0)
        got++;
    conf_printf("20 replies of 1000 bytes into the minimum SO_RCVBUF: %s\n",
                got > 0 && got < 20 ? "some dropped"
                : got == 20         ? "all kept"
                                    : "none");
    close(s);

    /* IPv6 */
    struct sockaddr_in6 six = {.sin6_family = AF_INET6}, ll = six;
    inet_pton(AF_INET6, "fe80::1", &ll.sin6_addr);
    MUST(s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6));
    CHECKL("sendto ::", sendto(s, b, echo(b, 128, 7, 40), 0, SA(&six), sizeof six));
    reply("reply to ::", s, sizeof b, 0);
    CHECKL("sendto fe80::1 without scope",
           sendto(s, b, echo(b, 128, 8, 40), 0, SA(&ll), sizeof ll));
    CHECKL("bind fe80::1 without scope", bind(s, SA(&ll), sizeof ll));
    ll.sin6_scope_id = 999;
    CHECKL("bind fe80::1 scope 999", bind(s, SA(&ll), sizeof ll));
    ll.sin6_scope_id = if_nametoindex("lo");
    CHECKL("bind fe80::1 scope lo", bind(s, SA(&ll), sizeof ll));
    CHECKL("setsockopt IPPROTO_IP IP_TTL", setsockopt(s, IPPROTO_IP, IP_TTL, &one, sizeof one));
    CHECKL("setsockopt IPPROTO_UDP", setsockopt(s, IPPROTO_UDP, 1, &one, sizeof one));
    CHECKL("setsockopt IPPROTO_IPV6 IPV6_CHECKSUM",
           setsockopt(s, IPPROTO_IPV6, IPV6_CHECKSUM, &one, sizeof one));
    GETINT(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
    close(s);
    return 0;
}
