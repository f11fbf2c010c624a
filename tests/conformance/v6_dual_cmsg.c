/* v6_dual_cmsg.c - control messages on the IPv4 send path (ip_cmsg_send),
 * from an AF_INET socket and from a dual-stack AF_INET6 one sending to a
 * v4-mapped peer: IP_TTL, IP_TOS, IP_PKTINFO (interface and source),
 * IPV6_PKTINFO with a v4-mapped source (AF_INET6 only), the errno of bad
 * ones, and what the receiver sees (IP_RECVTTL, IP_RECVTOS, IP_PKTINFO). */
#include "v6_udp.h"

#include <net/if.h>

static ssize_t send_cmsg(int fd, const char *text, const void *to, socklen_t tolen, int level,
                         int type, const void *data, size_t dlen, size_t clen)
{
    union {
        char buf[CMSG_SPACE(64)];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = (void *)text, .iov_len = strlen(text)};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    memset(&u, 0, sizeof u);
    m.msg_name = (void *)to;
    m.msg_namelen = tolen;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = CMSG_SPACE(dlen);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = clen;
    memcpy(CMSG_DATA(c), data, dlen);
    return sendmsg(fd, &m, 0);
}

static void run(const char *who, int s, const void *to, socklen_t tolen, int r, unsigned lo_if)
{
    char l[128];
    int v;
    unsigned char byte;
#define L(x) (snprintf(l, sizeof l, "%s %s", who, x), l)
    v = 9;
    CHECKL(L("IP_TTL 9"),
           send_cmsg(s, "ttl", to, tolen, IPPROTO_IP, IP_TTL, &v, sizeof v, CMSG_LEN(sizeof v)));
    v6_recv("  recvmsg", r, CONF_PORT_EPH);
    v = 0;
    CHECKL(L("IP_TTL 0"),
           send_cmsg(s, "x", to, tolen, IPPROTO_IP, IP_TTL, &v, sizeof v, CMSG_LEN(sizeof v)));
    v = 256;
    CHECKL(L("IP_TTL 256"),
           send_cmsg(s, "x", to, tolen, IPPROTO_IP, IP_TTL, &v, sizeof v, CMSG_LEN(sizeof v)));
    byte = 9;
    CHECKL(L("IP_TTL one byte"),
           send_cmsg(s, "x", to, tolen, IPPROTO_IP, IP_TTL, &byte, 1, CMSG_LEN(1)));
    v = 0x28;
    CHECKL(L("IP_TOS 0x28"),
           send_cmsg(s, "tos", to, tolen, IPPROTO_IP, IP_TOS, &v, sizeof v, CMSG_LEN(sizeof v)));
    v6_recv("  recvmsg", r, CONF_PORT_EPH);
    byte = 0x48;
    CHECKL(L("IP_TOS one byte 0x48"),
           send_cmsg(s, "tos1", to, tolen, IPPROTO_IP, IP_TOS, &byte, 1, CMSG_LEN(1)));
    v6_recv("  recvmsg", r, CONF_PORT_EPH);
    v = 256;
    CHECKL(L("IP_TOS 256"),
           send_cmsg(s, "x", to, tolen, IPPROTO_IP, IP_TOS, &v, sizeof v, CMSG_LEN(sizeof v)));
    struct in_pktinfo pi;
    memset(&pi, 0, sizeof pi);
    pi.ipi_ifindex = (int)lo_if;
    inet_pton(AF_INET, "127.0.0.2", &pi.ipi_spec_dst);
    CHECKL(
        L("IP_PKTINFO lo, spec_dst 127.0.0.2"),
        send_cmsg(s, "pi", to, tolen, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi, CMSG_LEN(sizeof pi)));
    v6_recv("  recvmsg", r, CONF_PORT_EPH);
    pi.ipi_ifindex = 99;
    CHECKL(L("IP_PKTINFO ifindex 99"), send_cmsg(s, "x", to, tolen, IPPROTO_IP, IP_PKTINFO, &pi,
                                                 sizeof pi, CMSG_LEN(sizeof pi)));
    pi.ipi_ifindex = 0;
    inet_pton(AF_INET, "192.0.2.1", &pi.ipi_spec_dst);
    CHECKL(
        L("IP_PKTINFO spec_dst 192.0.2.1 (not local)"),
        send_cmsg(s, "x", to, tolen, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi, CMSG_LEN(sizeof pi)));
    CHECKL(L("IP_PKTINFO short"), send_cmsg(s, "x", to, tolen, IPPROTO_IP, IP_PKTINFO, &pi,
                                            sizeof pi, CMSG_LEN(sizeof pi - 1)));
    v = 1;
    CHECKL(L("IP_RECVTTL (not a send message)"),
           send_cmsg(s, "x", to, tolen, IPPROTO_IP, IP_RECVTTL, &v, sizeof v, CMSG_LEN(sizeof v)));
    struct in6_pktinfo p6;
    memset(&p6, 0, sizeof p6);
    inet_pton(AF_INET6, "::ffff:127.0.0.3", &p6.ipi6_addr);
    CHECKL(L("IPV6_PKTINFO ::ffff:127.0.0.3"),
           send_cmsg(s, "pi6", to, tolen, IPPROTO_IPV6, IPV6_PKTINFO, &p6, sizeof p6,
                     CMSG_LEN(sizeof p6)));
    v6_recv("  recvmsg", r, CONF_PORT_EPH);
    inet_pton(AF_INET6, "::1", &p6.ipi6_addr);
    CHECKL(L("IPV6_PKTINFO ::1"), send_cmsg(s, "pi61", to, tolen, IPPROTO_IPV6, IPV6_PKTINFO, &p6,
                                            sizeof p6, CMSG_LEN(sizeof p6)));
    v6_recv("  recvmsg (AF_INET ignores IPV6_PKTINFO)", r, CONF_PORT_EPH);
    v = 5;
    CHECKL(L("IPV6_HOPLIMIT (ignored on IPv4)"),
           send_cmsg(s, "hl6", to, tolen, IPPROTO_IPV6, IPV6_HOPLIMIT, &v, sizeof v,
                     CMSG_LEN(sizeof v)));
    v6_recv("  recvmsg", r, CONF_PORT_EPH);
#undef L
}

int main(void)
{
    unsigned lo_if = if_nametoindex("lo");
    struct sockaddr_in lo4 = conf_sin("127.0.0.1", 7395);
    int r = socket(AF_INET, SOCK_DGRAM, 0);
    MUST(bind(r, SA(&lo4), sizeof lo4));
    int one = 1;
    setsockopt(r, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
    setsockopt(r, IPPROTO_IP, IP_RECVTOS, &one, sizeof one);
    setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    int s4 = socket(AF_INET, SOCK_DGRAM, 0);
    run("AF_INET", s4, &lo4, sizeof lo4, r, lo_if);
    close(s4);
    int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 m = v6_addr("::ffff:127.0.0.1", 7395);
    run("AF_INET6", s6, &m, sizeof m, r, lo_if);
    close(s6);
    close(r);
    return 0;
}
