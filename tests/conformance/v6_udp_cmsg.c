/* v6_udp_cmsg.c - control messages of AF_INET6 UDP sockets over ::1: what
 * IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS, IPV6_FLOWINFO and
 * the RFC 2292 forms put on received datagrams (and on IPv4 ones reaching
 * a dual-stack socket), how IPV6_UNICAST_HOPS and IPV6_TCLASS show on the
 * wire, and the send-side IPV6_PKTINFO / IPV6_HOPLIMIT / IPV6_TCLASS /
 * IPV6_DONTFRAG messages with the errno of each bad one (ip6_datagram_send_ctl). */
#include "v6_udp.h"

#ifndef IPV6_AUTOFLOWLABEL
#define IPV6_AUTOFLOWLABEL 70
#endif

static void on(int fd, int opt)
{
    int one = 1;
    setsockopt(fd, IPPROTO_IPV6, opt, &one, sizeof one);
}

int main(void)
{
    struct sockaddr_in6 lo = v6_addr("::1", 7371), any = v6_addr("::", 7371);
    int r = socket(AF_INET6, SOCK_DGRAM, 0);
    MUST(bind(r, SA(&any), sizeof any));
    int s = socket(AF_INET6, SOCK_DGRAM, 0);

    CHECKL("sendto, no cmsgs asked", sendto(s, "plain", 5, 0, SA(&lo), sizeof lo));
    v6_recv("recvmsg", r, CONF_PORT_EPH);

    on(r, IPV6_RECVPKTINFO);
    on(r, IPV6_RECVHOPLIMIT);
    on(r, IPV6_RECVTCLASS);
    CHECKL("sendto, pktinfo+hoplimit+tclass asked", sendto(s, "all", 3, 0, SA(&lo), sizeof lo));
    v6_recv("recvmsg", r, CONF_PORT_EPH);

    SETINT(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 7);
    SETINT(s, IPPROTO_IPV6, IPV6_TCLASS, 0xb8);
    CHECKL("sendto, hops 7 tclass 0xb8", sendto(s, "opts", 4, 0, SA(&lo), sizeof lo));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    SETINT(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, -1);
    SETINT(s, IPPROTO_IPV6, IPV6_TCLASS, -1);
    GETINT(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
    GETINT(s, IPPROTO_IPV6, IPV6_TCLASS);

    /* send-side control messages */
    CHECKL("sendmsg IPV6_HOPLIMIT 3",
           v6_send_cmsg_int(s, "hl3", &lo, IPPROTO_IPV6, IPV6_HOPLIMIT, 3, CMSG_LEN(sizeof(int))));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    CHECKL("sendmsg IPV6_HOPLIMIT -1", v6_send_cmsg_int(s, "hl-1", &lo, IPPROTO_IPV6, IPV6_HOPLIMIT,
                                                        -1, CMSG_LEN(sizeof(int))));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    CHECKL("sendmsg IPV6_HOPLIMIT 256",
           v6_send_cmsg_int(s, "x", &lo, IPPROTO_IPV6, IPV6_HOPLIMIT, 256, CMSG_LEN(sizeof(int))));
    CHECKL("sendmsg IPV6_HOPLIMIT, short",
           v6_send_cmsg_int(s, "x", &lo, IPPROTO_IPV6, IPV6_HOPLIMIT, 3, CMSG_LEN(2)));
    CHECKL("sendmsg IPV6_TCLASS 0x28",
           v6_send_cmsg_int(s, "tc", &lo, IPPROTO_IPV6, IPV6_TCLASS, 0x28, CMSG_LEN(sizeof(int))));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    SETINT(s, IPPROTO_IPV6, IPV6_TCLASS, 0x10);
    CHECKL("sendmsg IPV6_TCLASS -1 (socket has 0x10)",
           v6_send_cmsg_int(s, "tc-1", &lo, IPPROTO_IPV6, IPV6_TCLASS, -1, CMSG_LEN(sizeof(int))));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    SETINT(s, IPPROTO_IPV6, IPV6_TCLASS, 0);
    CHECKL("sendmsg IPV6_TCLASS 256",
           v6_send_cmsg_int(s, "x", &lo, IPPROTO_IPV6, IPV6_TCLASS, 256, CMSG_LEN(sizeof(int))));
    CHECKL("sendmsg IPV6_DONTFRAG 1",
           v6_send_cmsg_int(s, "df", &lo, IPPROTO_IPV6, IPV6_DONTFRAG, 1, CMSG_LEN(sizeof(int))));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    CHECKL("sendmsg IPV6_DONTFRAG 2",
           v6_send_cmsg_int(s, "x", &lo, IPPROTO_IPV6, IPV6_DONTFRAG, 2, CMSG_LEN(sizeof(int))));
    CHECKL("sendmsg IPV6_FLOWINFO 0",
           v6_send_cmsg_int(s, "fi0", &lo, IPPROTO_IPV6, IPV6_FLOWINFO, 0, CMSG_LEN(sizeof(int))));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    CHECKL("sendmsg IPV6_FLOWINFO label 5",
           v6_send_cmsg_int(s, "fi5", &lo, IPPROTO_IPV6, IPV6_FLOWINFO, (int)htonl(5),
                            CMSG_LEN(sizeof(int))));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    CHECKL("sendmsg IPV6_RTHDR",
           v6_send_cmsg_int(s, "x", &lo, IPPROTO_IPV6, IPV6_RTHDR, 0, CMSG_LEN(sizeof(int))));
    CHECKL("sendmsg unknown IPv6 type 99",
           v6_send_cmsg_int(s, "x", &lo, IPPROTO_IPV6, 99, 0, CMSG_LEN(sizeof(int))));
    CHECKL("sendmsg cmsg_len too big",
           v6_send_cmsg_int(s, "x", &lo, IPPROTO_IPV6, IPV6_HOPLIMIT, 1, CMSG_LEN(64)));
    CHECKL("sendmsg cmsg_len too small",
           v6_send_cmsg_int(s, "x", &lo, IPPROTO_IPV6, IPV6_HOPLIMIT, 1, 4));
    CHECKL("sendmsg IP level (ignored)",
           v6_send_cmsg_int(s, "iplevel", &lo, IPPROTO_IP, IP_TTL, 9, CMSG_LEN(sizeof(int))));
    v6_recv("recvmsg", r, CONF_PORT_EPH);

    CHECKL("sendmsg IPV6_PKTINFO ::1 if 0", v6_send_pktinfo(s, "pi", &lo, "::1", 0));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    CHECKL("sendmsg IPV6_PKTINFO :: if 1 (lo)", v6_send_pktinfo(s, "pi1", &lo, "::", 1));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    CHECKL("sendmsg IPV6_PKTINFO 2001:db8::1 (not local)",
           v6_send_pktinfo(s, "x", &lo, "2001:db8::1", 0));
    CHECKL("sendmsg IPV6_PKTINFO if 99", v6_send_pktinfo(s, "x", &lo, "::", 99));
    CHECKL("sendmsg IPV6_PKTINFO fe80::1 if 0", v6_send_pktinfo(s, "x", &lo, "fe80::1", 0));
    CHECKL("sendmsg IPV6_PKTINFO ::ffff:127.0.0.1",
           v6_send_pktinfo(s, "x", &lo, "::ffff:127.0.0.1", 0));

    /* RFC 2292 forms and IPV6_FLOWINFO */
    int one = 0;
    setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one);
    setsockopt(r, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof one);
    setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    on(r, IPV6_2292PKTINFO);
    on(r, IPV6_2292HOPLIMIT);
    on(r, IPV6_FLOWINFO);
    SETINT(s, IPPROTO_IPV6, IPV6_TCLASS, 0x20);
    CHECKL("sendto, 2292 forms and flowinfo", sendto(s, "rfc2292", 7, 0, SA(&lo), sizeof lo));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    SETINT(s, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1);
    struct sockaddr_in6 fl = lo;
    fl.sin6_flowinfo = htonl(0x12345);
    CHECKL("sendto flowinfo label 0x12345 with FLOWINFO_SEND",
           sendto(s, "fl", 2, 0, SA(&fl), sizeof fl));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    fl.sin6_flowinfo = htonl(0x4400000);
    CHECKL("sendto flowinfo tclass bits only with FLOWINFO_SEND",
           sendto(s, "fitc", 4, 0, SA(&fl), sizeof fl));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    SETINT(s, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, 0);
    SETINT(s, IPPROTO_IPV6, IPV6_TCLASS, 0);
    CHECKL("sendto, no auto flow label, tclass 0", sendto(s, "noauto", 6, 0, SA(&lo), sizeof lo));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    SETINT(s, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, 1);
    SETINT(s, IPPROTO_IPV6, IPV6_TCLASS, 0x20);
    int c = socket(AF_INET6, SOCK_DGRAM, 0);
    on(c, IPV6_FLOWINFO_SEND);
    CHECKL("connect flowinfo label 0x12345 with FLOWINFO_SEND", connect(c, SA(&fl), sizeof fl));
    fl.sin6_flowinfo = htonl(0x0300000);
    CHECKL("connect flowinfo tclass bits with FLOWINFO_SEND", connect(c, SA(&fl), sizeof fl));
    v6_name("", c, 1, CONF_PORT_EXACT);
    close(c);
    c = socket(AF_INET6, SOCK_DGRAM, 0);
    CHECKL("connect flowinfo tclass bits without FLOWINFO_SEND", connect(c, SA(&fl), sizeof fl));
    v6_name("", c, 1, CONF_PORT_EXACT);
    close(c);

    /* IPv4 datagrams on a dual-stack socket: IPV6_PKTINFO (v4-mapped), then
     * the IP_* ones; the IPv6-only ones are not given */
    setsockopt(r, IPPROTO_IPV6, IPV6_2292PKTINFO, &one, sizeof one);
    setsockopt(r, IPPROTO_IPV6, IPV6_2292HOPLIMIT, &one, sizeof one);
    on(r, IPV6_RECVPKTINFO);
    on(r, IPV6_RECVHOPLIMIT);
    on(r, IPV6_RECVTCLASS);
    int four = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in lo4 = conf_sin("127.0.0.1", 7371);
    CHECKL("IPv4 sendto 127.0.0.1", sendto(four, "v4", 2, 0, SA(&lo4), sizeof lo4));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    one = 1;
    setsockopt(r, IPPROTO_IP, IP_RECVTTL, &one, sizeof one);
    setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    CHECKL("IPv4 sendto, IP_RECVTTL and IP_PKTINFO too",
           sendto(four, "v4b", 3, 0, SA(&lo4), sizeof lo4));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    CHECKL("IPv6 sendto, IP_RECVTTL and IP_PKTINFO set", sendto(s, "v6", 2, 0, SA(&lo), sizeof lo));
    v6_recv("recvmsg", r, CONF_PORT_EPH);
    close(four);
    close(s);
    close(r);
    return 0;
}
