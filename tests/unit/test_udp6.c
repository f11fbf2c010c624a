/* test_udp6.c — UDP over native IPv6 on a raw interface (src/udp/udp.c,
 * udp6_sock.c): what is delivered to which socket and what is counted
 * (Udp6 counters, named as /proc/net/snmp6), the checks Linux's
 * __udp6_lib_rcv makes (a zero checksum is an error over IPv6, RFC 8200
 * 8.1; length 0 is the whole payload), port unreachable, the header of
 * what is sent (checksum, hop limit, traffic class, auto flow label), and
 * ICMPv6 errors reaching sockets (__udp6_lib_err). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "iptest.h"

#include "core/stack_impl.h"
#include "ip/ip6.h"

#define SELF "2001:db8::1"
#define PEER "2001:db8::2"
#define PORT 7000

static struct in6_addr ip6a(const char *s)
{
    struct in6_addr a;
    inet_pton(AF_INET6, s, &a);
    return a;
}

static int setup(void **state)
{
    struct iptest *h = calloc(1, sizeof(*h));
    *state = h;
    if (iptest_init(h, "192.0.2.1/24", 1500) != 0)
        return -1;
    struct in6_addr a = ip6a(SELF);
    return berth_netif_addr6_add(h->ifp, &a, 64);
}

static int teardown(void **state)
{
    struct iptest *h = *state;
    iptest_fini(h);
    free(h);
    return 0;
}

static uint64_t ctr(struct iptest *h, const char *g, const char *n) { return iptest_ctr(h, g, n); }

/* An IPv6 packet carrying a UDP datagram src:sport -> dst:dport. ulen
 * overrides the UDP length (0: the right one); csum: 1 right, 0 zero, -1
 * wrong. Returns the packet length. */
static size_t udp6_pkt(uint8_t *b, const char *src, uint16_t sport, const char *dst, uint16_t dport,
                       const char *data, int csum, int ulen)
{
    size_t dl = strlen(data), plen = 8 + dl;
    memset(b, 0, IP6_HLEN + 8);
    b[0] = 0x60;
    b[4] = (uint8_t)(plen >> 8);
    b[5] = (uint8_t)plen;
    b[6] = IPPROTO_UDP;
    b[7] = 64;
    struct in6_addr s = ip6a(src), d = ip6a(dst);
    memcpy(b + 8, &s, 16);
    memcpy(b + 24, &d, 16);
    uint8_t *u = b + IP6_HLEN;
    uint16_t v = htons(sport);
    memcpy(u, &v, 2);
    v = htons(dport);
    memcpy(u + 2, &v, 2);
    v = htons((uint16_t)(ulen >= 0 ? (ulen ? ulen : (int)plen) : 0));
    if (ulen < 0)
        v = 0;
    memcpy(u + 4, &v, 2);
    memcpy(u + 8, data, dl);
    if (csum) {
        uint16_t ck = inet_csum_fold(
            inet_csum_add(inet_pseudo6(&s, &d, IPPROTO_UDP, (uint32_t)plen), u, plen));
        if (ck == 0)
            ck = 0xffff;
        if (csum < 0)
            ck ^= 0x0101;
        memcpy(u + 6, &ck, 2);
    }
    return IP6_HLEN + plen;
}

static int sock6(struct iptest *h, const char *addr, uint16_t port)
{
    int fd = berth_socket(h->st, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert_true(fd >= 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    if (addr)
        a.sin6_addr = ip6a(addr);
    assert_int_equal(berth_bind(h->st, fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* recvfrom: the payload length (or -errno), the sender in *from. */
static long rcv(struct iptest *h, int fd, struct sockaddr_in6 *from)
{
    char b[256];
    struct sockaddr_in6 tmp;
    socklen_t fl = sizeof(tmp);
    ssize_t r = berth_recvfrom(h->st, fd, b, sizeof(b), 0, (struct sockaddr *)&tmp, &fl);
    if (r < 0)
        return -errno;
    if (from)
        *from = tmp;
    return r;
}

static void delivered_natively(void **state)
{
    struct iptest *h = *state;
    int fd = sock6(h, NULL, PORT);
    uint8_t b[256];
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, SELF, PORT, "hello", 1, 0));
    struct sockaddr_in6 from;
    assert_int_equal(rcv(h, fd, &from), 5);
    assert_int_equal(from.sin6_family, AF_INET6);
    assert_int_equal(ntohs(from.sin6_port), 5000);
    struct in6_addr peer = ip6a(PEER);
    assert_memory_equal(&from.sin6_addr, &peer, 16);
    assert_int_equal(from.sin6_scope_id, 0); /* a global source */
    assert_int_equal(from.sin6_flowinfo, 0);
    assert_int_equal(ctr(h, "Udp6", "InDatagrams"), 1);
    assert_int_equal(ctr(h, "Udp", "InDatagrams"), 0);
    assert_int_equal(h->ntx, 0);
    /* length 0 over IPv6: the whole payload (__udp6_lib_rcv) */
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, SELF, PORT, "whole", 1, -1));
    assert_int_equal(rcv(h, fd, NULL), 5);
}

static void zero_and_bad_checksums(void **state)
{
    struct iptest *h = *state;
    int fd = sock6(h, NULL, PORT);
    uint8_t b[256];
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, SELF, PORT, "zero", 0, 0));
    assert_int_equal(rcv(h, fd, NULL), -EAGAIN);
    assert_int_equal(ctr(h, "Udp6", "InCsumErrors"), 1);
    assert_int_equal(ctr(h, "Udp6", "InErrors"), 1);
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, SELF, PORT, "bad", -1, 0));
    assert_int_equal(rcv(h, fd, NULL), -EAGAIN);
    assert_int_equal(ctr(h, "Udp6", "InCsumErrors"), 2);
    assert_int_equal(ctr(h, "Udp6", "InErrors"), 2);
    /* to a port nobody has: still a checksum error, no port unreachable */
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, SELF, PORT + 1, "zero", 0, 0));
    assert_int_equal(ctr(h, "Udp6", "InCsumErrors"), 3);
    assert_int_equal(ctr(h, "Udp6", "NoPorts"), 0);
    assert_int_equal(h->ntx, 0);
    /* a UDP length beyond the packet, or below the header */
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, SELF, PORT, "long", 1, 40));
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, SELF, PORT, "tiny", 1, 7));
    assert_int_equal(ctr(h, "Udp6", "InErrors"), 5);
    assert_int_equal(ctr(h, "Udp6", "InCsumErrors"), 3);
    assert_int_equal(ctr(h, "Udp", "InErrors"), 0);
}

static void port_unreachable(void **state)
{
    struct iptest *h = *state;
    /* an AF_INET socket on the port does not take IPv6 */
    int fd4 = iptest_udp_bind(h, NULL, PORT);
    assert_true(fd4 >= 0);
    uint8_t b[256];
    size_t n = udp6_pkt(b, PEER, 5000, SELF, PORT, "nobody", 1, 0);
    iptest_input(h, b, n);
    assert_int_equal(ctr(h, "Udp6", "NoPorts"), 1);
    assert_int_equal(ctr(h, "Udp", "NoPorts"), 0);
    assert_int_equal(h->ntx, 1);
    const uint8_t *r = h->tx[0].data;
    assert_int_equal(r[0] >> 4, 6);
    assert_int_equal(r[6], IPPROTO_ICMPV6);
    assert_int_equal(r[IP6_HLEN], ICMP6_DST_UNREACH);
    assert_int_equal(r[IP6_HLEN + 1], ICMP6_DST_UNREACH_NOPORT);
    assert_memory_equal(r + IP6_HLEN + 8, b, n); /* the whole datagram quoted */
    assert_int_equal(ctr(h, "Icmp6", "OutDestUnreachs"), 1);
    char c;
    assert_int_equal(berth_recv(h->st, fd4, &c, 1, MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
}

static void connected_and_v6only(void **state)
{
    struct iptest *h = *state;
    int fd = sock6(h, NULL, PORT);
    struct sockaddr_in6 peer = {.sin6_family = AF_INET6, .sin6_port = htons(5000)};
    peer.sin6_addr = ip6a(PEER);
    assert_int_equal(berth_connect(h->st, fd, (struct sockaddr *)&peer, sizeof(peer)), 0);
    uint8_t b[256];
    iptest_input(h, b, udp6_pkt(b, PEER, 5001, SELF, PORT, "other port", 1, 0));
    iptest_input(h, b, udp6_pkt(b, "2001:db8::3", 5000, SELF, PORT, "other host", 1, 0));
    assert_int_equal(rcv(h, fd, NULL), -EAGAIN);
    assert_int_equal(ctr(h, "Udp6", "NoPorts"), 2);
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, SELF, PORT, "peer", 1, 0));
    assert_int_equal(rcv(h, fd, NULL), 4);
    /* the connected socket's own address is the route's source */
    struct sockaddr_in6 me;
    socklen_t ml = sizeof(me);
    assert_int_equal(berth_getsockname(h->st, fd, (struct sockaddr *)&me, &ml), 0);
    struct in6_addr self = ip6a(SELF);
    assert_memory_equal(&me.sin6_addr, &self, 16);
    /* an IPv4 datagram is not for a socket connected to an IPv6 peer */
    uint8_t seg[64], pkt[128];
    size_t ul = iptest_udp(seg, ipa("192.0.2.2"), 5000, ipa("192.0.2.1"), PORT, "v4", 2);
    struct iptest_ip ip = {
        .src = ipa("192.0.2.2"), .dst = ipa("192.0.2.1"), .proto = 17, .ttl = 64};
    size_t n4 = iptest_ip(pkt, &ip, seg, ul);
    iptest_input(h, pkt, n4);
    assert_int_equal(ctr(h, "Udp", "NoPorts"), 1);
    assert_int_equal(rcv(h, fd, NULL), -EAGAIN);
}

/* The header of a datagram sent to PEER:port from fd, as transmitted. */
static const uint8_t *sent_to(struct iptest *h, int fd, uint16_t port, const char *text)
{
    struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    to.sin6_addr = ip6a(PEER);
    size_t before = h->ntx;
    assert_int_equal(
        berth_sendto(h->st, fd, text, strlen(text), 0, (struct sockaddr *)&to, sizeof(to)),
        (ssize_t)strlen(text));
    berth_stack_poll(h->st);
    assert_int_equal(h->ntx, before + 1);
    return h->tx[h->ntx - 1].data;
}

static const uint8_t *sent(struct iptest *h, int fd, const char *text)
{
    return sent_to(h, fd, 5000, text);
}

static uint32_t label_of(const uint8_t *r)
{
    uint32_t vtf;
    memcpy(&vtf, r, 4);
    return ntohl(vtf) & 0xfffff;
}

static void what_is_sent(void **state)
{
    struct iptest *h = *state;
    int fd = sock6(h, NULL, PORT);
    const uint8_t *r = sent(h, fd, "abc");
    assert_int_equal(r[6], IPPROTO_UDP);
    assert_int_equal(r[7], 64); /* the default hop limit */
    uint32_t vtf;
    memcpy(&vtf, r, 4);
    vtf = ntohl(vtf);
    assert_int_equal((vtf >> 20) & 0xff, 0);
    assert_int_not_equal(vtf & 0xfffff, 0); /* an auto flow label */
    uint32_t label = vtf & 0xfffff;
    struct in6_addr s, d;
    memcpy(&s, r + 8, 16);
    memcpy(&d, r + 24, 16);
    struct in6_addr self = ip6a(SELF), peer = ip6a(PEER);
    assert_memory_equal(&s, &self, 16);
    assert_memory_equal(&d, &peer, 16);
    assert_int_equal(r[IP6_HLEN + 4] << 8 | r[IP6_HLEN + 5], 11);
    assert_int_equal(
        inet_csum_fold(inet_csum_add(inet_pseudo6(&s, &d, IPPROTO_UDP, 11), r + IP6_HLEN, 11)), 0);
    assert_int_equal(ctr(h, "Udp6", "OutDatagrams"), 1);
    assert_int_equal(ctr(h, "Udp", "OutDatagrams"), 0);
    /* the same flow keeps its label */
    r = sent(h, fd, "again");
    memcpy(&vtf, r, 4);
    assert_int_equal(ntohl(vtf) & 0xfffff, label);
    /* another flow from the same socket has its own label, kept as well;
     * the first flow's is the same again afterwards (the socket caches
     * the last flow's label: a cache miss and a hit give one answer) */
    uint32_t other = label_of(sent_to(h, fd, 5001, "other"));
    assert_int_equal(label_of(sent_to(h, fd, 5001, "other")), other);
    assert_int_equal(label_of(sent(h, fd, "back")), label);
    /* IPV6_UNICAST_HOPS, IPV6_TCLASS; IPV6_AUTOFLOWLABEL off */
    int v = 9;
    assert_int_equal(berth_setsockopt(h->st, fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)),
                     0);
    v = 0xb8;
    assert_int_equal(berth_setsockopt(h->st, fd, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)), 0);
    v = 0;
    assert_int_equal(
        berth_setsockopt(h->st, fd, IPPROTO_IPV6, 70 /* IPV6_AUTOFLOWLABEL */, &v, sizeof(v)), 0);
    r = sent(h, fd, "opts");
    assert_int_equal(r[7], 9);
    memcpy(&vtf, r, 4);
    assert_int_equal(ntohl(vtf), 6u << 28 | 0xb8u << 20);
}

/* An ICMPv6 error from PEER quoting the datagram q (its IPv6 header on). */
static size_t icmp6_err(uint8_t *b, uint8_t type, uint8_t code, uint32_t info, const uint8_t *q,
                        size_t qlen)
{
    size_t plen = 8 + qlen;
    memset(b, 0, IP6_HLEN + 8);
    b[0] = 0x60;
    b[4] = (uint8_t)(plen >> 8);
    b[5] = (uint8_t)plen;
    b[6] = IPPROTO_ICMPV6;
    b[7] = 64;
    struct in6_addr s = ip6a(PEER), d = ip6a(SELF);
    memcpy(b + 8, &s, 16);
    memcpy(b + 24, &d, 16);
    uint8_t *m = b + IP6_HLEN;
    m[0] = type;
    m[1] = code;
    uint32_t i = htonl(info);
    memcpy(m + 4, &i, 4);
    memcpy(m + 8, q, qlen);
    uint16_t ck = inet_csum_fold(
        inet_csum_add(inet_pseudo6(&s, &d, IPPROTO_ICMPV6, (uint32_t)plen), m, plen));
    memcpy(m + 2, &ck, 2);
    return IP6_HLEN + plen;
}

static int so_error(struct iptest *h, int fd)
{
    int e = -1;
    socklen_t l = sizeof(e);
    assert_int_equal(berth_getsockopt(h->st, fd, SOL_SOCKET, SO_ERROR, &e, &l), 0);
    return e;
}

static void icmp6_errors_reach_sockets(void **state)
{
    struct iptest *h = *state;
    uint8_t q[256], b[512];
    /* unconnected: a port unreachable is not reported without IPV6_RECVERR */
    int u = sock6(h, NULL, PORT);
    const uint8_t *r = sent(h, u, "x");
    size_t ql = IP6_HLEN + 9;
    memcpy(q, r, ql);
    iptest_input(h, b, icmp6_err(b, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0, q, ql));
    assert_int_equal(so_error(h, u), 0);
    int one = 1;
    assert_int_equal(berth_setsockopt(h->st, u, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one)), 0);
    iptest_input(h, b, icmp6_err(b, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0, q, ql));
    assert_int_equal(so_error(h, u), ECONNREFUSED);
    /* IP_RECVERR is for IPv4 errors only */
    int c = sock6(h, NULL, PORT + 1);
    assert_int_equal(berth_setsockopt(h->st, c, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)), 0);
    r = sent(h, c, "y");
    memcpy(q, r, ql);
    iptest_input(h, b, icmp6_err(b, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0, q, ql));
    assert_int_equal(so_error(h, c), 0);
    /* connected: port unreachable is ECONNREFUSED on the next call */
    struct sockaddr_in6 peer = {.sin6_family = AF_INET6, .sin6_port = htons(5000)};
    peer.sin6_addr = ip6a(PEER);
    assert_int_equal(berth_connect(h->st, c, (struct sockaddr *)&peer, sizeof(peer)), 0);
    iptest_input(h, b, icmp6_err(b, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0, q, ql));
    char ch;
    assert_int_equal(berth_recv(h->st, c, &ch, 1, MSG_DONTWAIT), -1);
    assert_int_equal(errno, ECONNREFUSED);
    /* a Packet Too Big is a hard error (EMSGSIZE) unless PMTUDISC_DONT */
    iptest_input(h, b, icmp6_err(b, ICMP6_PACKET_TOO_BIG, 0, 1280, q, ql));
    assert_int_equal(so_error(h, c), EMSGSIZE);
    int dont = IPV6_PMTUDISC_DONT;
    assert_int_equal(
        berth_setsockopt(h->st, c, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &dont, sizeof(dont)), 0);
    iptest_input(h, b, icmp6_err(b, ICMP6_PACKET_TOO_BIG, 0, 1280, q, ql));
    assert_int_equal(so_error(h, c), 0);
    /* an error about a port nobody has: Icmp6 InErrors */
    uint64_t before = ctr(h, "Icmp6", "InErrors");
    q[IP6_HLEN] ^= 0x40; /* another source port */
    iptest_input(h, b, icmp6_err(b, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0, q, ql));
    assert_int_equal(ctr(h, "Icmp6", "InErrors"), before + 1);
}

/* Link-local peers: the name recvfrom reports carries the interface as
 * sin6_scope_id; a connect needs the scope id and reports it back. */
static void link_local_scope(void **state)
{
    struct iptest *h = *state;
    struct in6_addr ll = ip6a("fe80::1");
    assert_int_equal(berth_netif_addr6_add(h->ifp, &ll, 64), 0);
    unsigned ifindex = berth_netif_index(h->ifp);
    int fd = sock6(h, NULL, PORT);
    uint8_t b[256];
    iptest_input(h, b, udp6_pkt(b, "fe80::2", 5000, "fe80::1", PORT, "ll", 1, 0));
    struct sockaddr_in6 from;
    assert_int_equal(rcv(h, fd, &from), 2);
    assert_int_equal(from.sin6_scope_id, ifindex);
    int c = berth_socket(h->st, AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 peer = from;
    peer.sin6_scope_id = 0;
    assert_int_equal(berth_connect(h->st, c, (struct sockaddr *)&peer, sizeof(peer)), -1);
    assert_int_equal(errno, EINVAL);
    peer.sin6_scope_id = ifindex;
    assert_int_equal(berth_connect(h->st, c, (struct sockaddr *)&peer, sizeof(peer)), 0);
    struct sockaddr_in6 got;
    socklen_t gl = sizeof(got);
    assert_int_equal(berth_getpeername(h->st, c, (struct sockaddr *)&got, &gl), 0);
    assert_int_equal(got.sin6_scope_id, ifindex);
    gl = sizeof(got);
    assert_int_equal(berth_getsockname(h->st, c, (struct sockaddr *)&got, &gl), 0);
    assert_memory_equal(&got.sin6_addr, &ll, 16); /* the link's own address */
    assert_int_equal(got.sin6_scope_id, ifindex);
    size_t before = h->ntx;
    assert_int_equal(berth_send(h->st, c, "hi", 2, 0), 2);
    assert_int_equal(h->ntx, before + 1);
    assert_memory_equal(h->tx[before].data + 8, &ll, 16);
}

/* A datagram to a group the interface joined (all-nodes): every AF_INET6
 * socket on the port bound to :: or to the group gets a copy; AF_INET
 * sockets and sockets bound to another address do not; none: Udp6
 * IgnoredMulti, never a port unreachable (__udp6_lib_mcast_deliver). */
static void multicast_delivery(void **state)
{
    struct iptest *h = *state;
    int one = 1;
    int a = berth_socket(h->st, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int g = berth_socket(h->st, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int x = berth_socket(h->st, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int fds[3] = {a, g, x};
    const char *addrs[3] = {"::", "ff02::1", SELF};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(
            berth_setsockopt(h->st, fds[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
        struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_port = htons(PORT)};
        sa.sin6_addr = ip6a(addrs[i]);
        if (i == 1)
            sa.sin6_scope_id = berth_netif_index(h->ifp); /* a link-scope group */
        assert_int_equal(berth_bind(h->st, fds[i], (struct sockaddr *)&sa, sizeof(sa)), 0);
    }
    int fd4 = berth_socket(h->st, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert_int_equal(berth_setsockopt(h->st, fd4, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
    struct sockaddr_in s4 = {.sin_family = AF_INET, .sin_port = htons(PORT)};
    assert_int_equal(berth_bind(h->st, fd4, (struct sockaddr *)&s4, sizeof(s4)), 0);
    uint8_t b[256];
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, "ff02::1", PORT, "all", 1, 0));
    assert_int_equal(rcv(h, a, NULL), 3);
    assert_int_equal(rcv(h, g, NULL), 3);
    assert_int_equal(rcv(h, x, NULL), -EAGAIN);
    char c;
    assert_int_equal(berth_recv(h->st, fd4, &c, 1, MSG_DONTWAIT), -1);
    assert_int_equal(ctr(h, "Udp6", "IgnoredMulti"), 0);
    iptest_input(h, b, udp6_pkt(b, PEER, 5000, "ff02::1", PORT + 1, "none", 1, 0));
    assert_int_equal(ctr(h, "Udp6", "IgnoredMulti"), 1);
    assert_int_equal(ctr(h, "Udp6", "NoPorts"), 0);
    for (size_t i = 0; i < h->ntx; i++) /* no port unreachable, whatever NDP/MLD sent */
        assert_false(h->tx[i].data[6] == IPPROTO_ICMPV6 && h->tx[i].data[IP6_HLEN] == 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(delivered_natively, setup, teardown),
        cmocka_unit_test_setup_teardown(zero_and_bad_checksums, setup, teardown),
        cmocka_unit_test_setup_teardown(port_unreachable, setup, teardown),
        cmocka_unit_test_setup_teardown(connected_and_v6only, setup, teardown),
        cmocka_unit_test_setup_teardown(what_is_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(icmp6_errors_reach_sockets, setup, teardown),
        cmocka_unit_test_setup_teardown(link_local_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(multicast_delivery, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
