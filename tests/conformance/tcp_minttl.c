/* tcp_minttl.c - IP_MINTTL (RFC 5082; do_ip_setsockopt, tcp_v4_rcv): its
 * range and lengths (an int or one byte), then a listener that wants a TTL
 * of 255: a SYN sent with TTL 64 is dropped (no RST: the connect stays in
 * progress), one with 255 connects; the child inherits it and drops data
 * sent with 64 until the client sends with 255 (the retransmission gets
 * through). An AF_INET6 listener's IP_MINTTL filters its IPv4 (v4-mapped)
 * peers; its IPV6_MINHOPCOUNT does not. */
#include "conf.h"

#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif

static struct sockaddr_in lo4(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* a non-blocking connect with TTL ttl to a: does it complete in 200 ms? */
static void try_connect(const char *label, struct sockaddr_in a, int ttl)
{
    int c;
    MUST(c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    MUST(setsockopt(c, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    CHECKL(label, connect(c, SA(&a), sizeof a));
    CHECKL("  poll", conf_wait(c, POLLOUT, 200));
    close(c);
}

int main(void)
{
    int l, c, s;
    char b[4];
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    GETINT(l, IPPROTO_IP, IP_MINTTL);
    SETINT(l, IPPROTO_IP, IP_MINTTL, -1);
    SETINT(l, IPPROTO_IP, IP_MINTTL, 256);
    unsigned char one = 200;
    CHECKL("setsockopt(IP_MINTTL, 1 byte 200)", setsockopt(l, IPPROTO_IP, IP_MINTTL, &one, 1));
    GETINT(l, IPPROTO_IP, IP_MINTTL);
    CHECKL("setsockopt(IP_MINTTL, len 0)", setsockopt(l, IPPROTO_IP, IP_MINTTL, &one, 0));
    socklen_t bl = 1;
    CHECKL("getsockopt(IP_MINTTL, len 1)", getsockopt(l, IPPROTO_IP, IP_MINTTL, b, &bl));
    conf_printf("  byte=%u len=%u\n", (unsigned char)b[0], (unsigned)bl);
    SETINT(l, IPPROTO_IP, IP_MINTTL, 255);
    struct sockaddr_in a = lo4(6780);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, 4));
    try_connect("connect, TTL 64", a, 64);
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    SETINT(c, IPPROTO_IP, IP_TTL, 255);
    CHECKL("connect, TTL 255", connect(c, SA(&a), sizeof a));
    MUST(s = accept(l, NULL, NULL));
    GETINT(s, IPPROTO_IP, IP_MINTTL);
    SETINT(c, IPPROTO_IP, IP_TTL, 64);
    CHECKL("send, TTL 64", send(c, "ab", 2, 0));
    CHECKL("  poll(child)", conf_wait(s, POLLIN, 100));
    SETINT(c, IPPROTO_IP, IP_TTL, 255);
    CHECKL("  poll(child) once sent with TTL 255", conf_wait(s, POLLIN, 3000));
    CHECKL("  recv(child)", recv(s, b, sizeof b, MSG_DONTWAIT));
    close(s);
    close(c);
    close(l);

    /* AF_INET6 listeners and IPv4 peers */
    struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_port = htons(6781)};
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    SETINT(l, IPPROTO_IPV6, IPV6_MINHOPCOUNT, 255);
    MUST(bind(l, SA(&any), sizeof any));
    MUST(listen(l, 4));
    try_connect("[::] listener, IPV6_MINHOPCOUNT 255: connect, TTL 64", lo4(6781), 64);
    close(l);
    any.sin6_port = htons(6782);
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    SETINT(l, IPPROTO_IP, IP_MINTTL, 255);
    GETINT(l, IPPROTO_IP, IP_MINTTL);
    MUST(bind(l, SA(&any), sizeof any));
    MUST(listen(l, 4));
    try_connect("[::] listener, IP_MINTTL 255: connect, TTL 64", lo4(6782), 64);
    try_connect("[::] listener, IP_MINTTL 255: connect, TTL 255", lo4(6782), 255);
    close(l);
    return 0;
}
