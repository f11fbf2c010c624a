/* test_ping.c — ICMP ping sockets (src/ping/): the group check, the echo
 * request as it leaves (identifier and checksum the stack's, the rest the
 * user's), echo replies delivered by identifier, and ICMP errors quoting
 * our requests (ping_err: IP_RECVERR, hard errors on connected sockets,
 * fragmentation needed under IP_PMTUDISC_DONT). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "iptest.h"

#include "berth/sysctl.h"
#include "core/stack_impl.h"

#define SELF "192.0.2.1"
#define PEER "192.0.2.2"

struct fx {
    struct iptest h;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    *state = f;
    return iptest_init(&f->h, SELF "/24", 1500);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    iptest_fini(&f->h);
    free(f);
    return 0;
}

static uint8_t pkt[4096], msg[4096], buf[4096];

static int ping_sock(struct fx *f, uint16_t ident)
{
    berth_stack *st = f->h.st;
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ping_group_range", "0 4294967294"), 0);
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(ident)};
    assert_int_equal(berth_bind(st, fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* An echo request with a wrong id and checksum: the stack fixes both. */
static ssize_t send_echo(struct fx *f, int fd, uint16_t seq)
{
    uint8_t req[24] = {ICMP_ECHO, 0, 0xde, 0xad, 0xff, 0xff, (uint8_t)(seq >> 8), (uint8_t)seq};
    for (size_t i = 8; i < sizeof(req); i++)
        req[i] = (uint8_t)(i * 3);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = ipa(PEER)};
    return berth_sendto(f->h.st, fd, req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to));
}

/* The peer's echo reply with identifier id (type 0, the same data). */
static void feed_reply(struct fx *f, uint16_t id, uint16_t seq)
{
    uint8_t data[16];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)((i + 8) * 3);
    size_t ml = iptest_icmp(msg, ICMP_ECHOREPLY, 0, (uint32_t)id << 16 | seq, data, sizeof(data));
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_ICMP, .id = 7};
    iptest_input(&f->h, pkt, iptest_ip(pkt, &ip, msg, ml));
}

/* The peer (or a router) says type/code about the packet we sent in tx[i]. */
static void reflect_error(struct fx *f, size_t i, uint8_t type, uint8_t code, uint32_t rest)
{
    const struct iptest_pkt *sent = &f->h.tx[i];
    size_t ml = iptest_icmp(msg, type, code, rest, sent->data, 28);
    struct iptest_ip ip = {.proto = IPPROTO_ICMP};
    memcpy(&ip.src, sent->data + 16, 4);
    memcpy(&ip.dst, sent->data + 12, 4);
    iptest_input(&f->h, pkt, iptest_ip(pkt, &ip, msg, ml));
}

static int so_error(struct fx *f, int fd)
{
    int e = -1;
    socklen_t l = sizeof(e);
    assert_int_equal(berth_getsockopt(f->h.st, fd, SOL_SOCKET, SO_ERROR, &e, &l), 0);
    return e;
}

static void test_group_range(void **state)
{
    struct fx *f = *state;
    berth_stack *st = f->h.st;
    errno = 0;
    assert_int_equal(berth_socket(st, AF_INET, SOCK_DGRAM, IPPROTO_ICMP), -1);
    assert_int_equal(errno, EACCES);
    struct berth_cred c;
    berth_cred_get(st, &c);
    c.egid = 1000;
    berth_cred_set(st, &c);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ping_group_range", "999 1000"), 0);
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    assert_true(fd >= 0);
    berth_close(st, fd);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ping_group_range", "1001 2000"), 0);
    errno = 0;
    assert_int_equal(berth_socket(st, AF_INET, SOCK_DGRAM, IPPROTO_ICMP), -1);
    assert_int_equal(errno, EACCES);
}

static void test_request_on_the_wire(void **state)
{
    struct fx *f = *state;
    int fd = ping_sock(f, 0x1234);
    assert_int_equal(send_echo(f, fd, 77), 24);
    assert_int_equal(f->h.ntx, 1);
    const uint8_t *ip = f->h.tx[0].data;
    assert_int_equal(f->h.tx[0].len, 20 + 24);
    assert_int_equal(ip[9], IPPROTO_ICMP);
    assert_int_equal(ip[8], 64);
    const uint8_t *ic = ip + 20;
    assert_int_equal(ic[0], ICMP_ECHO);
    assert_int_equal(ic[1], 0);
    assert_int_equal(ic[4] << 8 | ic[5], 0x1234); /* the socket's ident, not 0xffff */
    assert_int_equal(ic[6] << 8 | ic[7], 77);
    assert_true(iptest_csum_ok(ic, 24));
    for (size_t i = 8; i < 24; i++)
        assert_int_equal(ic[i], (uint8_t)(i * 3));
    assert_int_equal(iptest_ctr(&f->h, "Icmp", "OutEchos"), 1);
    assert_int_equal(iptest_ctr(&f->h, "Icmp", "OutMsgs"), 1);
}

static void test_reply_by_ident(void **state)
{
    struct fx *f = *state;
    berth_stack *st = f->h.st;
    int fd = ping_sock(f, 0x1234);
    feed_reply(f, 0x4321, 1); /* another ident: dropped */
    feed_reply(f, 0x1234, 2);
    assert_int_equal(iptest_ctr(&f->h, "Icmp", "InEchoReps"), 2);
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    memset(&from, 0xee, sizeof(from));
    assert_int_equal(
        berth_recvfrom(st, fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl), 24);
    assert_int_equal(buf[0], ICMP_ECHOREPLY); /* from the ICMP header: no IP header */
    assert_int_equal(buf[6] << 8 | buf[7], 2);
    assert_int_equal(fl, sizeof(from));
    assert_int_equal(from.sin_addr.s_addr, ipa(PEER).s_addr);
    assert_int_equal(from.sin_port, 0);
    errno = 0;
    assert_int_equal(berth_recv(st, fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
}

static void test_errors(void **state)
{
    struct fx *f = *state;
    berth_stack *st = f->h.st;
    int fd = ping_sock(f, 0x1234);
    assert_int_equal(send_echo(f, fd, 1), 24);
    /* Unconnected, no IP_RECVERR: nothing, even a hard error. */
    reflect_error(f, 0, ICMP_DEST_UNREACH, 1, 0);
    reflect_error(f, 0, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
    assert_int_equal(so_error(f, fd), 0);
    /* IP_RECVERR: every error, soft ones too. */
    int one = 1, dont = IP_PMTUDISC_DONT;
    assert_int_equal(berth_setsockopt(st, fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)), 0);
    reflect_error(f, 0, ICMP_TIME_EXCEEDED, 0, 0);
    errno = 0;
    assert_int_equal(berth_recv(st, fd, buf, sizeof(buf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EHOSTUNREACH);
    reflect_error(f, 0, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1280);
    assert_int_equal(so_error(f, fd), EMSGSIZE);
    /* ...but no path MTU discovery, no fragmentation-needed error. */
    assert_int_equal(berth_setsockopt(st, fd, IPPROTO_IP, IP_MTU_DISCOVER, &dont, sizeof(dont)), 0);
    reflect_error(f, 0, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1280);
    assert_int_equal(so_error(f, fd), 0);
    /* A quote of another ident's request, or of something not a request,
     * reaches nobody. */
    f->h.tx[0].data[20 + 5] ^= 1;
    reflect_error(f, 0, ICMP_DEST_UNREACH, 1, 0);
    f->h.tx[0].data[20 + 5] ^= 1;
    f->h.tx[0].data[20] = ICMP_ECHOREPLY;
    reflect_error(f, 0, ICMP_DEST_UNREACH, 1, 0);
    assert_int_equal(so_error(f, fd), 0);
    berth_close(st, fd);

    /* Connected, no IP_RECVERR: hard errors only. */
    fd = ping_sock(f, 0x2345);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = ipa(PEER)};
    assert_int_equal(berth_connect(st, fd, (struct sockaddr *)&to, sizeof(to)), 0);
    uint8_t req[8] = {ICMP_ECHO};
    assert_int_equal(berth_send(st, fd, req, sizeof(req), 0), 8);
    size_t last = f->h.ntx - 1;
    reflect_error(f, last, ICMP_DEST_UNREACH, 1, 0);
    assert_int_equal(so_error(f, fd), 0);
    reflect_error(f, last, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
    errno = 0;
    assert_int_equal(berth_send(st, fd, req, sizeof(req), 0), -1);
    assert_int_equal(errno, ECONNREFUSED);
}

/* BERTH_WITH_PING=OFF: refused whatever the range says. */
static void __attribute__((unused)) test_compiled_out(void **state)
{
    struct fx *f = *state;
    berth_stack *st = f->h.st;
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ping_group_range", "0 4294967294"), 0);
    errno = 0;
    assert_int_equal(berth_socket(st, AF_INET, SOCK_DGRAM, IPPROTO_ICMP), -1);
    assert_int_equal(errno, EACCES);
    errno = 0;
    assert_int_equal(berth_socket(st, AF_INET, SOCK_DGRAM, IPPROTO_UDP) >= 0, 1);
}

int main(void)
{
#if !BERTH_WITH_PING
    const struct CMUnitTest off[] = {
        cmocka_unit_test_setup_teardown(test_compiled_out, setup, teardown),
    };
    return cmocka_run_group_tests(off, NULL, NULL);
#endif
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_group_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_on_the_wire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_by_ident, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
