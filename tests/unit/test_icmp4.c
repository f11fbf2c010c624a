/* test_icmp4.c — ICMP (src/ip/icmp4.c): echo, errors sent (RFC 1122 rules,
 * rate limiting) and errors received (ECONNREFUSED on connected UDP). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "iptest.h"

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

static uint8_t pkt[4096], msg[4096], seg[4096], rbuf[4096];

static uint64_t icmp(struct iptest *h, const char *n) { return iptest_ctr(h, "Icmp", n); }

static size_t echo_request(uint8_t *buf, const char *src, const char *dst, uint8_t tos, size_t plen)
{
    for (size_t i = 0; i < plen; i++)
        rbuf[i] = (uint8_t)(i * 7 + 3);
    size_t ml = iptest_icmp(msg, ICMP_ECHO, 0, 0xbeef0007, rbuf, plen);
    struct iptest_ip ip = {
        .src = ipa(src), .dst = ipa(dst), .proto = IPPROTO_ICMP, .tos = tos, .id = 99};
    return iptest_ip(buf, &ip, msg, ml);
}

/* A UDP datagram src:5000 -> dst:dport with dlen bytes. */
static size_t udp_pkt(uint8_t *buf, const char *src, const char *dst, uint16_t dport, size_t dlen)
{
    memset(rbuf, 'u', dlen);
    size_t ul = iptest_udp(seg, ipa(src), 5000, ipa(dst), dport, rbuf, dlen);
    struct iptest_ip ip = {.src = ipa(src), .dst = ipa(dst), .proto = IPPROTO_UDP, .id = 5};
    return iptest_ip(buf, &ip, seg, ul);
}

/* ---- echo ---- */

static void check_echo_reply(struct fx *f, const uint8_t *req, size_t len)
{
    assert_int_equal(f->h.ntx, 1);
    const struct iptest_pkt *r = &f->h.tx[0];
    assert_int_equal(r->len, len);
    assert_int_equal(r->data[0], 0x45);
    assert_true(iptest_csum_ok(r->data, 20));
    assert_int_equal(r->data[8], 64); /* ip_default_ttl */
    assert_int_equal(r->data[9], IPPROTO_ICMP);
    assert_int_equal(r->data[1], req[1]);           /* TOS kept */
    assert_memory_equal(r->data + 12, req + 16, 4); /* swapped */
    assert_memory_equal(r->data + 16, req + 12, 4);
    const uint8_t *ic = r->data + 20;
    assert_int_equal(ic[0], ICMP_ECHOREPLY);
    assert_int_equal(ic[1], 0);
    assert_true(iptest_csum_ok(ic, len - 20));
    assert_memory_equal(ic + 4, req + 24, len - 24); /* id, sequence, data */
}

static void test_echo_reply(void **state)
{
    struct fx *f = *state;
    static const size_t sizes[] = {0, 1, 56, 57, 1472};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        iptest_clear(&f->h);
        uint64_t in = icmp(&f->h, "InEchos"), out = icmp(&f->h, "OutEchoReps");
        size_t n = echo_request(pkt, PEER, SELF, (uint8_t)(i * 4), sizes[i]);
        iptest_input(&f->h, pkt, n);
        check_echo_reply(f, pkt, n);
        assert_int_equal(icmp(&f->h, "InEchos") - in, 1);
        assert_int_equal(icmp(&f->h, "OutEchoReps") - out, 1);
    }
    assert_int_equal(icmp(&f->h, "InMsgs"), 5);
    assert_int_equal(icmp(&f->h, "OutMsgs"), 5);
    assert_int_equal(icmp(&f->h, "InErrors"), 0);
}

/* Echo to a broadcast or multicast address: counted, not answered
 * (icmp_echo_ignore_broadcasts = 1). */
static void test_echo_broadcast_ignored(void **state)
{
    struct fx *f = *state;
    static const char *dsts[] = {"192.0.2.255", "255.255.255.255", "224.0.0.1"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = echo_request(pkt, PEER, dsts[i], 0, 8);
        iptest_input(&f->h, pkt, n);
    }
    assert_int_equal(f->h.ntx, 0);
    assert_int_equal(icmp(&f->h, "InEchos"), 3);
    assert_int_equal(icmp(&f->h, "OutEchoReps"), 0);
}

static void test_bad_icmp(void **state)
{
    struct fx *f = *state;
    /* Bad checksum. */
    size_t n = echo_request(pkt, PEER, SELF, 0, 16);
    pkt[20 + 8] ^= 1;
    iptest_input(&f->h, pkt, n);
    assert_int_equal(icmp(&f->h, "InCsumErrors"), 1);
    assert_int_equal(icmp(&f->h, "InErrors"), 1);
    /* Shorter than an ICMP header. */
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_ICMP};
    n = iptest_ip(pkt, &ip, "\x08\x00\xf7\xff", 4);
    iptest_input(&f->h, pkt, n);
    assert_int_equal(icmp(&f->h, "InErrors"), 2);
    /* An error quoting less than a header + 8 bytes. */
    size_t ml = iptest_icmp(msg, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, "\x45\x00\x00\x1c", 4);
    n = iptest_ip(pkt, &ip, msg, ml);
    iptest_input(&f->h, pkt, n);
    assert_int_equal(icmp(&f->h, "InErrors"), 3);
    assert_int_equal(icmp(&f->h, "InDestUnreachs"), 1);
    assert_int_equal(icmp(&f->h, "InMsgs"), 3);
    assert_int_equal(f->h.ntx, 0);
}

/* ---- errors sent ---- */

static void test_port_unreachable(void **state)
{
    struct fx *f = *state;
    size_t n = udp_pkt(pkt, PEER, SELF, 9999, 20);
    iptest_input(&f->h, pkt, n);
    assert_int_equal(iptest_ctr(&f->h, "Udp", "NoPorts"), 1);
    assert_int_equal(icmp(&f->h, "OutDestUnreachs"), 1);
    assert_int_equal(f->h.ntx, 1);
    const struct iptest_pkt *r = &f->h.tx[0];
    assert_true(iptest_csum_ok(r->data, 20));
    assert_memory_equal(r->data + 12, pkt + 16, 4);
    assert_memory_equal(r->data + 16, pkt + 12, 4);
    assert_int_equal(r->data[1], 0xc0); /* IPTOS_PREC_INTERNETCONTROL */
    const uint8_t *ic = r->data + 20;
    assert_int_equal(ic[0], ICMP_DEST_UNREACH);
    assert_int_equal(ic[1], ICMP_PORT_UNREACH);
    assert_true(iptest_csum_ok(ic, r->len - 20));
    assert_int_equal(r->len, 20 + 8 + n);
    assert_memory_equal(ic + 8, pkt, n); /* the offending datagram, whole */

    /* A long datagram is quoted up to a 576-byte ICMP packet. */
    iptest_clear(&f->h);
    n = udp_pkt(pkt, PEER, SELF, 9999, 1000);
    iptest_input(&f->h, pkt, n);
    assert_int_equal(f->h.ntx, 1);
    assert_int_equal(f->h.tx[0].len, 576);
    assert_memory_equal(f->h.tx[0].data + 28, pkt, 548);
    assert_true(iptest_csum_ok(f->h.tx[0].data + 20, 576 - 20));
}

/* Broadcast and multicast datagrams never cause an ICMP error. */
static void test_no_port_unreachable_for_broadcast(void **state)
{
    struct fx *f = *state;
    static const char *dsts[] = {"192.0.2.255", "255.255.255.255", "224.0.0.1", "239.1.1.1"};
    for (size_t i = 0; i < 4; i++) {
        size_t n = udp_pkt(pkt, PEER, dsts[i], 9999, 10);
        iptest_input(&f->h, pkt, n);
    }
    assert_int_equal(f->h.ntx, 0);
    assert_int_equal(icmp(&f->h, "OutMsgs"), 0);
    assert_int_equal(iptest_ctr(&f->h, "Udp", "NoPorts"), 0);
    assert_int_equal(iptest_ctr(&f->h, "Udp", "IgnoredMulti"), 4);
}

/* icmp4_send_error itself: never about an ICMP error, a non-first fragment,
 * or a datagram from a broadcast, multicast or unspecified source. */
static size_t send_error_about(struct fx *f, const uint8_t *dg, size_t len)
{
    iptest_clear(&f->h);
    struct berth_stack *st = f->h.st;
    st_lock(st);
    struct pkt *p = pkt_alloc(st, PKT_HEADROOM, len);
    memcpy(p->data, dg, len);
    p->nh = p->data;
    pkt_pull(p, (size_t)(dg[0] & 0x0f) * 4);
    icmp4_send_error(st, p, ICMP_DEST_UNREACH, 2, 0);
    pkt_free(st, p);
    st_unlock(st);
    return f->h.ntx;
}

static void test_no_error_about_icmp_error(void **state)
{
    struct fx *f = *state;
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_ICMP};
    uint8_t quote[28];
    memset(quote, 0x45, sizeof(quote));
    /* ICMP errors: destination unreachable, source quench, redirect, time
     * exceeded, parameter problem. */
    static const uint8_t errors[] = {3, 4, 5, 11, 12};
    for (size_t i = 0; i < sizeof(errors); i++) {
        size_t ml = iptest_icmp(msg, errors[i], 0, 0, quote, sizeof(quote));
        size_t n = iptest_ip(pkt, &ip, msg, ml);
        assert_int_equal(send_error_about(f, pkt, n), 0);
    }
    /* ICMP queries are not errors: an error about them is allowed. */
    static const uint8_t queries[] = {0, 8, 13};
    for (size_t i = 0; i < sizeof(queries); i++) {
        size_t ml = iptest_icmp(msg, queries[i], 0, 0, quote, 8);
        size_t n = iptest_ip(pkt, &ip, msg, ml);
        assert_int_equal(send_error_about(f, pkt, n), 1);
    }
    /* A fragment that is not the first. */
    size_t n = udp_pkt(pkt, PEER, SELF, 9999, 16);
    pkt[6] = 0x20;
    pkt[7] = 0x01;
    iptest_fix_ipsum(pkt);
    assert_int_equal(send_error_about(f, pkt, n), 0);
    /* The first fragment is fine. */
    pkt[7] = 0;
    iptest_fix_ipsum(pkt);
    assert_int_equal(send_error_about(f, pkt, n), 1);
    /* Unspecified, broadcast, multicast sources. */
    static const char *srcs[] = {"0.0.0.0", "192.0.2.255", "255.255.255.255", "224.0.0.5"};
    for (size_t i = 0; i < 4; i++) {
        n = udp_pkt(pkt, srcs[i], SELF, 9999, 16);
        assert_int_equal(send_error_about(f, pkt, n), 0);
    }
}

/* An ICMP error received for a fragmented ICMP error datagram... the
 * reassembly timeout must not answer an ICMP error either. */
static void test_no_time_exceeded_about_icmp_error(void **state)
{
    struct fx *f = *state;
    uint8_t body[1600];
    memset(body, 0x11, sizeof(body));
    size_t ml = iptest_icmp(msg, ICMP_DEST_UNREACH, 1, 0, body, sizeof(body));
    (void)ml;
    struct iptest_ip ip = {
        .src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_ICMP, .id = 3, .frag_off = 0x2000};
    size_t n = iptest_ip(pkt, &ip, msg, 1480);
    iptest_input(&f->h, pkt, n);
    iptest_advance(&f->h, 30000000);
    assert_int_equal(iptest_ctr(&f->h, "Ip", "ReasmTimeout"), 1);
    assert_int_equal(f->h.ntx, 0);
    assert_int_equal(icmp(&f->h, "OutTimeExcds"), 0);
}

/* ---- errors received ---- */

/* Feed "dst says: port unreachable" about the datagram we sent in tx[i]. */
static void reflect_error(struct fx *f, size_t i, uint8_t type, uint8_t code)
{
    const struct iptest_pkt *sent = &f->h.tx[i];
    size_t ml = iptest_icmp(msg, type, code, 0, sent->data, 28);
    struct iptest_ip ip = {.proto = IPPROTO_ICMP};
    memcpy(&ip.src, sent->data + 16, 4);
    memcpy(&ip.dst, sent->data + 12, 4);
    size_t n = iptest_ip(pkt, &ip, msg, ml);
    iptest_input(&f->h, pkt, n);
}

static void test_port_unreachable_connected(void **state)
{
    struct fx *f = *state;
    struct berth_stack *st = f->h.st;
    int fd = iptest_udp_bind(&f->h, SELF, 5000);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(6000), .sin_addr = ipa(PEER)};
    assert_int_equal(berth_connect(st, fd, (struct sockaddr *)&to, sizeof(to)), 0);
    assert_int_equal(berth_send(st, fd, "x", 1, 0), 1);
    assert_int_equal(f->h.ntx, 1);
    reflect_error(f, 0, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
    assert_int_equal(icmp(&f->h, "InDestUnreachs"), 1);
    errno = 0;
    assert_int_equal(berth_recv(st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, ECONNREFUSED);
    /* Reported once. */
    errno = 0;
    assert_int_equal(berth_recv(st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);

    /* Soft errors (host unreachable, time exceeded) are not reported to a
     * socket without IP_RECVERR; hard ones (protocol unreachable, parameter
     * problem) are. */
    reflect_error(f, 0, ICMP_DEST_UNREACH, 1);
    reflect_error(f, 0, ICMP_TIME_EXCEEDED, 0);
    errno = 0;
    assert_int_equal(berth_recv(st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
    reflect_error(f, 0, ICMP_DEST_UNREACH, 2);
    errno = 0;
    assert_int_equal(berth_recv(st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, ENOPROTOOPT);
    reflect_error(f, 0, ICMP_PARAMETERPROB, 0);
    errno = 0;
    assert_int_equal(berth_recv(st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EPROTO);
    berth_close(st, fd);
}

static void test_port_unreachable_unconnected(void **state)
{
    struct fx *f = *state;
    struct berth_stack *st = f->h.st;
    int fd = iptest_udp_bind(&f->h, SELF, 5001);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(6000), .sin_addr = ipa(PEER)};
    assert_int_equal(berth_sendto(st, fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
    reflect_error(f, 0, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
    assert_int_equal(icmp(&f->h, "InDestUnreachs"), 1);
    errno = 0;
    assert_int_equal(berth_recv(st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
    int err = -1;
    socklen_t el = sizeof(err);
    assert_int_equal(berth_getsockopt(st, fd, SOL_SOCKET, SO_ERROR, &err, &el), 0);
    assert_int_equal(err, 0);
    berth_close(st, fd);
}

/* An error quoting a datagram no socket sent is ignored. */
static void test_error_for_unknown_socket(void **state)
{
    struct fx *f = *state;
    struct berth_stack *st = f->h.st;
    int fd = iptest_udp_bind(&f->h, SELF, 5002);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(6000), .sin_addr = ipa(PEER)};
    assert_int_equal(berth_connect(st, fd, (struct sockaddr *)&to, sizeof(to)), 0);
    assert_int_equal(berth_send(st, fd, "x", 1, 0), 1);
    f->h.tx[0].data[21] ^= 0x40; /* quoted source port no longer ours */
    reflect_error(f, 0, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
    errno = 0;
    assert_int_equal(berth_recv(st, fd, rbuf, sizeof(rbuf), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
    berth_close(st, fd);
}

/* ---- rate limiting ---- */

static size_t burst_closed_port(struct fx *f, unsigned count)
{
    iptest_clear(&f->h);
    size_t n = udp_pkt(pkt, PEER, SELF, 9999, 4);
    for (unsigned i = 0; i < count; i++)
        iptest_input(&f->h, pkt, n);
    return iptest_count_icmp(&f->h, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
}

/* Towards other hosts: a token bucket of 50, refilled at 1000/s. */
static void test_rate_limit_remote(void **state)
{
    struct fx *f = *state;
    assert_int_equal(burst_closed_port(f, 100), 50);
    assert_int_equal(iptest_ctr(&f->h, "Udp", "NoPorts"), 100);
    assert_int_equal(icmp(&f->h, "OutDestUnreachs"), 50);
    iptest_advance(&f->h, 10000); /* 10 ms: 10 tokens */
    assert_int_equal(burst_closed_port(f, 20), 10);
    iptest_advance(&f->h, 1000000);
    assert_int_equal(burst_closed_port(f, 100), 50);
    /* Echo replies are not rate limited. */
    iptest_clear(&f->h);
    for (int i = 0; i < 100; i++) {
        size_t n = echo_request(pkt, PEER, SELF, 0, 8);
        iptest_input(&f->h, pkt, n);
    }
    assert_int_equal(f->h.ntx, 100);
}

/* Towards this host (through lo): not limited. */
static void test_rate_limit_not_local(void **state)
{
    struct fx *f = *state;
    struct berth_stack *st = f->h.st;
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    static const char *dsts[] = {"127.0.0.1", SELF};
    for (int d = 0; d < 2; d++) {
        uint64_t before = icmp(&f->h, "OutDestUnreachs");
        struct sockaddr_in to = {
            .sin_family = AF_INET, .sin_port = htons(9999), .sin_addr = ipa(dsts[d])};
        for (int i = 0; i < 200; i++)
            assert_int_equal(berth_sendto(st, fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)),
                             1);
        berth_stack_poll(st);
        assert_int_equal(icmp(&f->h, "OutDestUnreachs") - before, 200);
    }
    assert_int_equal(icmp(&f->h, "InDestUnreachs"), 400);
    assert_int_equal(f->h.ntx, 0);
    berth_close(st, fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_echo_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_broadcast_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_icmp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_unreachable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_port_unreachable_for_broadcast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_error_about_icmp_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_time_exceeded_about_icmp_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_unreachable_connected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_unreachable_unconnected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_for_unknown_socket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limit_remote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limit_not_local, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
