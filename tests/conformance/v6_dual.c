/* v6_dual.c - dual-stack UDP: a [::] socket takes IPv4 (as ::ffff:a.b.c.d)
 * and IPv6 (natively) and answers both; IPV6_V6ONLY refuses IPv4 on the
 * wire (port unreachable: ECONNREFUSED at a connected IPv4 sender) and
 * shares its port with an AF_INET socket; an AF_INET socket never sees
 * IPv6; a socket connected to one family ignores the other; a v4-mapped
 * source cannot send to an IPv6 peer. */
#include "v6_udp.h"

static void refused(const char *label, int fd)
{
    char b[16];
    conf_wait(fd, POLLERR, 1000);
    CHECKL(label, recv(fd, b, sizeof b, MSG_DONTWAIT));
}

int main(void)
{
    struct sockaddr_in6 any1 = v6_addr("::", 7381), lo1 = v6_addr("::1", 7381);
    struct sockaddr_in lo41 = conf_sin("127.0.0.1", 7381);

    int d = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("bind [::]:7381", bind(d, SA(&any1), sizeof any1));
    GETINT(d, IPPROTO_IPV6, IPV6_V6ONLY);
    int s4 = socket(AF_INET, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("IPv4 sendto 127.0.0.1:7381", sendto(s4, "from4", 5, 0, SA(&lo41), sizeof lo41));
    CHECKL("IPv6 sendto [::1]:7381", sendto(s6, "from6", 5, 0, SA(&lo1), sizeof lo1));
    char buf[64];
    struct sockaddr_in6 from4, from6;
    socklen_t l4 = sizeof from4, l6 = sizeof from6;
    conf_wait(d, POLLIN, 1000);
    ssize_t r = recvfrom(d, buf, sizeof buf, MSG_DONTWAIT, SA(&from4), &l4);
    conf_printf("recvfrom = %zd from %s\n", r, v6_fmt(&from4, l4, CONF_PORT_EPH));
    r = recvfrom(d, buf, sizeof buf, MSG_DONTWAIT, SA(&from6), &l6);
    conf_printf("recvfrom = %zd from %s\n", r, v6_fmt(&from6, l6, CONF_PORT_EPH));
    CHECKL("reply to the v4-mapped sender", sendto(d, "r4", 2, 0, SA(&from4), l4));
    CHECKL("reply to the IPv6 sender", sendto(d, "r6", 2, 0, SA(&from6), l6));
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    conf_wait(s4, POLLIN, 1000);
    r = recvfrom(s4, buf, sizeof buf, MSG_DONTWAIT, SA(&ss), &sl);
    conf_printf("IPv4 sender recvfrom = %zd from %s\n", r, v6_fmt(&ss, sl, CONF_PORT_EXACT));
    sl = sizeof ss;
    conf_wait(s6, POLLIN, 1000);
    r = recvfrom(s6, buf, sizeof buf, MSG_DONTWAIT, SA(&ss), &sl);
    conf_printf("IPv6 sender recvfrom = %zd from %s\n", r, v6_fmt(&ss, sl, CONF_PORT_EXACT));
    close(s4);
    close(s6);

    /* connected to an IPv4 peer: IPv6 datagrams are not for it */
    struct sockaddr_in6 m42 = v6_addr("::ffff:127.0.0.1", 7382);
    int p4 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in lo42 = conf_sin("127.0.0.1", 7382);
    MUST(bind(p4, SA(&lo42), sizeof lo42));
    CHECKL("connect [::]:7381 to [::ffff:127.0.0.1]:7382", connect(d, SA(&m42), sizeof m42));
    v6_name("", d, 0, CONF_PORT_EXACT);
    v6_name("", d, 1, CONF_PORT_EXACT);
    s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("IPv6 sendto [::1]:7381", sendto(s6, "x", 1, 0, SA(&lo1), sizeof lo1));
    CHECKL("recv on the IPv4-connected socket",
           (conf_wait(d, POLLIN, 300), recv(d, buf, sizeof buf, MSG_DONTWAIT)));
    CHECKL("send to the IPv4 peer", send(d, "to4", 3, 0));
    conf_wait(p4, POLLIN, 1000);
    CHECKL("IPv4 peer recv", recv(p4, buf, sizeof buf, MSG_DONTWAIT));
    /* reconnected natively: IPv4 datagrams are not for it */
    struct sockaddr_in6 lo3 = v6_addr("::1", 7383);
    int p6 = socket(AF_INET6, SOCK_DGRAM, 0);
    MUST(bind(p6, SA(&lo3), sizeof lo3));
    struct sockaddr_in un = {.sin_family = AF_UNSPEC};
    CHECKL("disconnect", connect(d, SA(&un), sizeof un));
    v6_name("", d, 0, CONF_PORT_EXACT);
    CHECKL("connect [::]:7381 to [::1]:7383", connect(d, SA(&lo3), sizeof lo3));
    v6_name("", d, 0, CONF_PORT_EXACT);
    v6_name("", d, 1, CONF_PORT_EXACT);
    s4 = socket(AF_INET, SOCK_DGRAM, 0);
    CHECKL("IPv4 connect 127.0.0.1:7381", connect(s4, SA(&lo41), sizeof lo41));
    CHECKL("IPv4 send", send(s4, "x", 1, 0));
    refused("IPv4 sender recv", s4);
    CHECKL("recv on the IPv6-connected socket", recv(d, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("send to the IPv6 peer", send(d, "to6", 3, 0));
    conf_wait(p6, POLLIN, 1000);
    CHECKL("IPv6 peer recv", recv(p6, buf, sizeof buf, MSG_DONTWAIT));
    close(s4);
    close(s6);
    close(p4);
    close(p6);
    close(d);

    /* IPV6_V6ONLY: the port's IPv4 side is free, and IPv4 is refused */
    struct sockaddr_in6 any4 = v6_addr("::", 7384);
    struct sockaddr_in lo44 = conf_sin("127.0.0.1", 7384), any44 = conf_sin("0.0.0.0", 7384);
    struct sockaddr_in6 lo4 = v6_addr("::1", 7384), m44 = v6_addr("::ffff:127.0.0.1", 7384);
    int o = socket(AF_INET6, SOCK_DGRAM, 0);
    SETINT(o, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    CHECKL("bind v6only [::]:7384", bind(o, SA(&any4), sizeof any4));
    s4 = socket(AF_INET, SOCK_DGRAM, 0);
    CHECKL("IPv4 connect 127.0.0.1:7384", connect(s4, SA(&lo44), sizeof lo44));
    CHECKL("IPv4 send", send(s4, "x", 1, 0));
    refused("IPv4 sender recv", s4);
    s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("IPv6 sendto [::1]:7384", sendto(s6, "six", 3, 0, SA(&lo4), sizeof lo4));
    conf_wait(o, POLLIN, 1000);
    CHECKL("v6only recv", recv(o, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("v6only connect AF_INET", connect(o, SA(&lo44), sizeof lo44));
    CHECKL("v6only connect v4-mapped", connect(o, SA(&m44), sizeof m44));
    CHECKL("v6only sendto AF_INET", sendto(o, "x", 1, 0, SA(&lo44), sizeof lo44));
    CHECKL("v6only sendto v4-mapped", sendto(o, "x", 1, 0, SA(&m44), sizeof m44));
    int f = socket(AF_INET, SOCK_DGRAM, 0);
    CHECKL("AF_INET bind 0.0.0.0:7384 beside it", bind(f, SA(&any44), sizeof any44));
    CHECKL("IPv4 send", send(s4, "four", 4, 0));
    conf_wait(f, POLLIN, 1000);
    CHECKL("AF_INET recv", recv(f, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("IPv6 sendto [::1]:7384", sendto(s6, "six", 3, 0, SA(&lo4), sizeof lo4));
    conf_wait(o, POLLIN, 1000);
    CHECKL("v6only recv", recv(o, buf, sizeof buf, MSG_DONTWAIT));
    CHECKL("AF_INET recv (nothing)", recv(f, buf, sizeof buf, MSG_DONTWAIT));
    close(o);
    /* an AF_INET socket never sees IPv6 */
    CHECKL("IPv6 connect [::1]:7384 (only AF_INET left)", connect(s6, SA(&lo4), sizeof lo4));
    CHECKL("IPv6 send", send(s6, "x", 1, 0));
    refused("IPv6 sender recv", s6);
    CHECKL("AF_INET recv (nothing)", recv(f, buf, sizeof buf, MSG_DONTWAIT));
    close(f);
    close(s4);
    close(s6);

    /* a v4-mapped source and an IPv6 destination */
    struct sockaddr_in6 m0 = v6_addr("::ffff:127.0.0.1", 0), lo5 = v6_addr("::1", 7385);
    o = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("bind [::ffff:127.0.0.1]:0", bind(o, SA(&m0), sizeof m0));
    CHECKL("sendto [::1]:7385", sendto(o, "x", 1, 0, SA(&lo5), sizeof lo5));
    CHECKL("connect [::1]:7385", connect(o, SA(&lo5), sizeof lo5));
    v6_name("", o, 0, CONF_PORT_EPH);
    close(o);
    /* bound to ::1: IPv4 goes nowhere */
    o = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("bind [::1]:7385", bind(o, SA(&lo5), sizeof lo5));
    CHECKL("sendto [::ffff:127.0.0.1]:7381", sendto(o, "x", 1, 0, SA(&m42), sizeof m42));
    CHECKL("connect [::ffff:127.0.0.1]:7382", connect(o, SA(&m42), sizeof m42));
    close(o);
    return 0;
}
