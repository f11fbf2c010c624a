/* v6_udp_exchange.c - UDP over native IPv6 on ::1: datagrams both ways,
 * the names recvfrom / getsockname / getpeername report (sockaddr_in6,
 * flowinfo 0, scope 0 for ::1), connect to ::1 and to [::] (self), a
 * refused send (ECONNREFUSED on a connected socket, nothing on an
 * unconnected one), the largest datagram with and without fragmentation
 * allowed (IPV6_DONTFRAG, IPV6_MTU_DISCOVER, IPV6_MTU), IPV6_MTU of a
 * connected socket, MSG_OOB, and corking (UDP_CORK, MSG_MORE). */
#include "v6_udp.h"

#include <netinet/udp.h>

static char big[65600];

static void send_size(const char *label, int fd, const struct sockaddr_in6 *to, size_t n)
{
    char l[96];
    snprintf(l, sizeof l, "%s %zu", label, n);
    CHECKL(l, sendto(fd, big, n, 0, SA(to), sizeof *to));
}

static void drain(int fd)
{
    char b[70000];
    while (recv(fd, b, sizeof b, MSG_DONTWAIT) >= 0)
        ;
}

int main(void)
{
    struct sockaddr_in6 lo = v6_addr("::1", 7361), any = v6_addr("::", 7361);
    struct sockaddr_in6 lo2 = v6_addr("::1", 7362), nobody = v6_addr("::1", 7369);
    struct sockaddr_in6 self0 = v6_addr("::", 7362);

    int a = socket(AF_INET6, SOCK_DGRAM, 0), b = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("bind a [::1]:7361", bind(a, SA(&lo), sizeof lo));
    v6_name("a", a, 0, CONF_PORT_EXACT);
    CHECKL("b sendto [::1]:7361", sendto(b, "hello", 5, 0, SA(&lo), sizeof lo));
    v6_name("b after autobind", b, 0, CONF_PORT_EPH);
    v6_recv("a recvmsg", a, CONF_PORT_EPH);
    CHECKL("bind b [::]:7362 (already bound)", bind(b, SA(&lo2), sizeof lo2));
    close(b);

    b = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("bind b [::1]:7362", bind(b, SA(&lo2), sizeof lo2));
    CHECKL("a sendto [::1]:7362", sendto(a, "reply", 5, 0, SA(&lo2), sizeof lo2));
    v6_recv("b recvmsg", b, CONF_PORT_EXACT);
    CHECKL("b connect [::1]:7361", connect(b, SA(&lo), sizeof lo));
    v6_name("b", b, 0, CONF_PORT_EXACT);
    v6_name("b", b, 1, CONF_PORT_EXACT);
    CHECKL("b send", send(b, "via connect", 11, 0));
    v6_recv("a recvmsg", a, CONF_PORT_EXACT);
    /* a connected socket takes only its peer's datagrams */
    int c = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("c sendto [::1]:7362", sendto(c, "stranger", 8, 0, SA(&lo2), sizeof lo2));
    v6_recv("b recvmsg (stranger dropped)", b, CONF_PORT_EXACT);
    CHECKL("a sendto [::1]:7362", sendto(a, "peer", 4, 0, SA(&lo2), sizeof lo2));
    v6_recv("b recvmsg", b, CONF_PORT_EXACT);
    close(c);

    /* connect to [::] means this host (::1 for a native socket) */
    c = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("c connect [::]:7362", connect(c, SA(&self0), sizeof self0));
    v6_name("c", c, 0, CONF_PORT_EPH);
    v6_name("c", c, 1, CONF_PORT_EXACT);
    close(c);
    /* sendto [::] as well */
    c = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("c sendto [::]:7361", sendto(c, "to any", 6, 0, SA(&any), sizeof any));
    v6_recv("a recvmsg", a, CONF_PORT_EPH);
    close(c);

    /* refused: connected sockets learn of the port unreachable */
    c = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("c connect [::1]:7369 (nobody)", connect(c, SA(&nobody), sizeof nobody));
    CHECKL("c send", send(c, "x", 1, 0));
    conf_wait(c, POLLERR, 1000);
    GETINT(c, SOL_SOCKET, SO_ERROR);
    CHECKL("c send", send(c, "x", 1, 0));
    conf_wait(c, POLLERR, 1000);
    CHECKL("c recv", recv(c, big, 10, MSG_DONTWAIT));
    CHECKL("c recv again", recv(c, big, 10, MSG_DONTWAIT));
    close(c);
    c = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("c sendto [::1]:7369 unconnected", sendto(c, "x", 1, 0, SA(&nobody), sizeof nobody));
    conf_wait(c, POLLERR, 200);
    CHECKL("c recv unconnected", recv(c, big, 10, MSG_DONTWAIT));
    GETINT(c, SOL_SOCKET, SO_ERROR);
    /* with IPV6_RECVERR an unconnected socket hears of it too */
    SETINT(c, IPPROTO_IPV6, IPV6_RECVERR, 1);
    CHECKL("c sendto [::1]:7369 with IPV6_RECVERR",
           sendto(c, "x", 1, 0, SA(&nobody), sizeof nobody));
    conf_wait(c, POLLERR, 1000);
    CHECKL("c recv", recv(c, big, 10, MSG_DONTWAIT));
    close(c);

    /* sizes: one IPv6 packet holds 65527 bytes of UDP payload */
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    int rcv = 1 << 20;
    setsockopt(a, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    send_size("sendto", s, &lo, 65527);
    send_size("sendto", s, &lo, 65528);
    send_size("sendto", s, &lo, 70000);
    SETINT(s, IPPROTO_IPV6, IPV6_DONTFRAG, 1);
    send_size("sendto (DONTFRAG)", s, &lo, 65488);
    send_size("sendto (DONTFRAG)", s, &lo, 65489);
    SETINT(s, IPPROTO_IPV6, IPV6_DONTFRAG, 0);
    SETINT(s, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO);
    send_size("sendto (PMTUDISC_DO)", s, &lo, 65488);
    send_size("sendto (PMTUDISC_DO)", s, &lo, 65489);
    SETINT(s, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_OMIT);
    send_size("sendto (PMTUDISC_OMIT)", s, &lo, 65527);
    SETINT(s, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_WANT);
    SETINT(s, IPPROTO_IPV6, IPV6_MTU, 1280);
    send_size("sendto (IPV6_MTU 1280)", s, &lo, 5000);
    SETINT(s, IPPROTO_IPV6, IPV6_DONTFRAG, 1);
    send_size("sendto (IPV6_MTU 1280, DONTFRAG)", s, &lo, 1232);
    send_size("sendto (IPV6_MTU 1280, DONTFRAG)", s, &lo, 1233);
    close(s);
    conf_wait(a, POLLIN, 500);
    int n = 0;
    char *rb = malloc(70000);
    for (;;) {
        ssize_t r = recv(a, rb, 70000, MSG_DONTWAIT);
        if (r < 0)
            break;
        conf_printf("a recv %zd bytes\n", r);
        n++;
    }
    free(rb);

    /* IPV6_MTU (getsockopt) needs a connected socket */
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    GETINT(s, IPPROTO_IPV6, IPV6_MTU);
    MUST(connect(s, SA(&lo), sizeof lo));
    GETINT(s, IPPROTO_IPV6, IPV6_MTU);
    close(s);

    /* MSG_OOB is not refused over IPv6 */
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("sendto MSG_OOB", sendto(s, "oob", 3, MSG_OOB, SA(&lo), sizeof lo));
    v6_recv("a recvmsg", a, CONF_PORT_EPH);

    /* corking */
    SETINT(s, IPPROTO_UDP, UDP_CORK, 1);
    CHECKL("corked sendto 1", sendto(s, "one,", 4, 0, SA(&lo), sizeof lo));
    CHECKL("corked sendto 2 (other address)", sendto(s, "two,", 4, 0, SA(&lo2), sizeof lo2));
    CHECKL("corked send 3 (no address)", send(s, "three", 5, 0));
    int q = -1;
    ioctl(a, FIONREAD, &q);
    conf_printf("a FIONREAD before uncork = %d\n", q);
    SETINT(s, IPPROTO_UDP, UDP_CORK, 0);
    v6_recv("a recvmsg", a, CONF_PORT_EPH);
    v6_recv("b recvmsg (nothing)", b, CONF_PORT_EPH);
    CHECKL("MSG_MORE sendto", sendto(s, "more-", 5, MSG_MORE, SA(&lo), sizeof lo));
    struct sockaddr_in m4 = conf_sin("127.0.0.1", 7361);
    struct sockaddr_in6 mapped = v6_addr("::ffff:127.0.0.1", 7361);
    CHECKL("  sendto AF_INET while IPv6 is pending", sendto(s, "x", 1, 0, SA(&m4), sizeof m4));
    CHECKL("  sendto v4-mapped while IPv6 is pending",
           sendto(s, "x", 1, 0, SA(&mapped), sizeof mapped));
    CHECKL("  sendto last", sendto(s, "last", 4, 0, SA(&lo), sizeof lo));
    v6_recv("a recvmsg", a, CONF_PORT_EPH);
    CHECKL("MSG_MORE sendto v4-mapped",
           sendto(s, "four-", 5, MSG_MORE, SA(&mapped), sizeof mapped));
    CHECKL("  sendto [::1] while IPv4 is pending (joins it)",
           sendto(s, "six", 3, 0, SA(&lo), sizeof lo));
    v6_recv("a recvmsg", a, CONF_PORT_EPH);
    CHECKL("MSG_MORE sendto", sendto(s, "big-", 4, MSG_MORE, SA(&lo), sizeof lo));
    CHECKL("  sendto past one packet", sendto(s, big, 65524, MSG_MORE, SA(&lo), sizeof lo));
    CHECKL("  send (the pending data was dropped)", send(s, "x", 1, 0));
    v6_recv("a recvmsg", a, CONF_PORT_EPH);
    close(s);
    drain(a);
    close(a);
    close(b);
    return 0;
}
