/* test_ip4_random.c — 200 000 pseudo-random and mutated valid packets (fixed
 * seed) into one stack; afterwards the stack must still answer a UDP echo and
 * an ICMP echo, its reassembly memory must drain, and (under ASan or
 * valgrind) nothing may be read out of bounds or leak.
 *
 * The deterministic little brother of tests/fuzz/fuzz_ip4_input.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "iptest.h"

#define SELF "192.0.2.1"
#define PEER "192.0.2.2"
#define PORT 7000
#define NPACKETS 200000

static uint64_t seed = 0x5eed2024;
static uint8_t seg[2048], body[2048];

static uint32_t rnd(uint32_t n) { return (uint32_t)(iptest_rand(&seed) % n); }

/* Templates: valid packets of every kind the input path knows. */
enum {
    T_UDP,
    T_UDP_CLOSED,
    T_UDP_BCAST,
    T_ECHO,
    T_ICMP_ERR,
    T_FRAG_FIRST,
    T_FRAG_MID,
    T_FRAG_LAST,
    T_OPTIONS,
    T_UNKNOWN,
    T_COUNT
};

static size_t make_template(uint8_t *buf, int kind)
{
    struct in_addr src = ipa(PEER), dst = ipa(SELF);
    size_t dlen = rnd(200);
    for (size_t i = 0; i < dlen; i++)
        body[i] = (uint8_t)rnd(256);
    struct iptest_ip ip = {.src = src, .dst = dst, .proto = IPPROTO_UDP, .id = (uint16_t)rnd(8)};
    size_t l;
    switch (kind) {
    case T_UDP:
        l = iptest_udp(seg, src, 5000, dst, PORT, body, dlen);
        return iptest_ip(buf, &ip, seg, l);
    case T_UDP_CLOSED:
        l = iptest_udp(seg, src, 5000, dst, (uint16_t)(9000 + rnd(4)), body, dlen);
        return iptest_ip(buf, &ip, seg, l);
    case T_UDP_BCAST:
        ip.dst = ipa(rnd(2) ? "192.0.2.255" : "255.255.255.255");
        l = iptest_udp(seg, src, 5000, ip.dst, PORT, body, dlen);
        return iptest_ip(buf, &ip, seg, l);
    case T_ECHO:
        ip.proto = IPPROTO_ICMP;
        l = iptest_icmp(seg, ICMP_ECHO, 0, rnd(1u << 31), body, dlen);
        return iptest_ip(buf, &ip, seg, l);
    case T_ICMP_ERR: {
        /* An error quoting a datagram from one of our ports. */
        uint8_t q[64];
        struct iptest_ip qi = {.src = dst, .dst = src, .proto = IPPROTO_UDP};
        size_t ql = iptest_udp(seg, dst, PORT, src, 5000, body, 8);
        ql = iptest_ip(q, &qi, seg, ql);
        ip.proto = IPPROTO_ICMP;
        static const uint8_t types[] = {3, 11, 12, 4, 5};
        l = iptest_icmp(seg, types[rnd(5)], (uint8_t)rnd(16), 0, q, ql);
        return iptest_ip(buf, &ip, seg, l);
    }
    case T_FRAG_FIRST:
    case T_FRAG_MID:
    case T_FRAG_LAST: {
        size_t plen = 8 * (1 + rnd(40));
        uint16_t off = kind == T_FRAG_FIRST ? 0 : (uint16_t)(1 + rnd(40));
        ip.frag_off = (uint16_t)(off | (kind == T_FRAG_LAST ? 0 : 0x2000));
        ip.proto = rnd(4) ? IPPROTO_UDP : IPPROTO_ICMP;
        if (kind == T_FRAG_FIRST)
            iptest_udp(body, src, 5000, dst, PORT, body + 8, plen * 3);
        return iptest_ip(buf, &ip, body, plen);
    }
    case T_OPTIONS: {
        uint8_t opt[40];
        size_t ol = 4 * (1 + rnd(10));
        for (size_t i = 0; i < ol; i++)
            opt[i] = rnd(2) ? 1 : (uint8_t)rnd(256);
        ip.opts = opt;
        ip.optlen = ol;
        l = iptest_udp(seg, src, 5000, dst, PORT, body, dlen);
        return iptest_ip(buf, &ip, seg, l);
    }
    default:
        ip.proto = (uint8_t)(rnd(2) ? 253 : rnd(256));
        return iptest_ip(buf, &ip, body, dlen);
    }
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
    int rounds = 1 + (int)rnd(4);
    for (int r = 0; r < rounds; r++) {
        switch (rnd(8)) {
        case 0: /* flip bits */
            if (len)
                buf[rnd((uint32_t)len)] ^= (uint8_t)(1u << rnd(8));
            break;
        case 1: /* random byte */
            if (len)
                buf[rnd((uint32_t)len)] = (uint8_t)rnd(256);
            break;
        case 2: /* truncate */
            len = rnd((uint32_t)len + 1);
            break;
        case 3: /* extend */ {
            size_t add = rnd(64);
            if (len + add > cap)
                add = cap - len;
            for (size_t i = 0; i < add; i++)
                buf[len + i] = (uint8_t)rnd(256);
            len += add;
            break;
        }
        case 4: /* header field: ihl / tot_len / frag_off / protocol */
            if (len >= 20) {
                static const uint8_t fields[] = {0, 2, 3, 6, 7, 9};
                buf[fields[rnd(6)]] = (uint8_t)rnd(256);
            }
            break;
        case 5: /* tot_len near the real length */
            if (len >= 20) {
                uint32_t t = (uint32_t)len + rnd(16) - 8;
                buf[2] = (uint8_t)(t >> 8);
                buf[3] = (uint8_t)t;
            }
            break;
        case 6: /* interesting source addresses */
            if (len >= 20) {
                static const char *srcs[] = {"0.0.0.0",     "127.0.0.1", "192.0.2.1",
                                             "192.0.2.255", "224.0.0.1", "255.255.255.255",
                                             "198.51.100.9"};
                struct in_addr a = ipa(srcs[rnd(7)]);
                memcpy(buf + (rnd(2) ? 12 : 16), &a, 4);
            }
            break;
        default: /* transport checksum damage */
            if (len >= 28)
                buf[20 + rnd(8)] ^= 0xff;
            break;
        }
    }
    /* Mostly keep the IP header checksum right, so mutations get past it. */
    if (len >= 20 && rnd(4) != 0 && (size_t)(buf[0] & 0x0f) * 4 <= len && (buf[0] & 0x0f) >= 5)
        iptest_fix_ipsum(buf);
    return len;
}

static void test_random_packets(void **state)
{
    (void)state;
    struct iptest h;
    assert_int_equal(iptest_init(&h, SELF "/24", 1500), 0);
    struct berth_stack *st = h.st;
    int fd = iptest_udp_bind(&h, NULL, PORT);
    assert_true(fd >= 0);
    h.record = false; /* thousands of ICMP errors: count them only */

    /* Warm up the reassembly table, then take the memory baseline. */
    uint8_t buf[2048];
    struct iptest_ip wip = {
        .src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_UDP, .frag_off = 0x2000};
    iptest_input(&h, buf, iptest_ip(buf, &wip, "12345678", 8));
    iptest_advance(&h, 31000000);
    size_t base = iptest_live_bytes;

    for (unsigned i = 0; i < NPACKETS; i++) {
        size_t len;
        uint32_t how = rnd(10);
        if (how < 2) {
            /* Pure noise, sometimes dressed as IPv4 to us. */
            len = rnd(1600);
            for (size_t k = 0; k < len; k++)
                buf[k] = (uint8_t)rnd(256);
            if (how == 1 && len >= 20) {
                buf[0] = 0x45;
                buf[2] = (uint8_t)(len >> 8);
                buf[3] = (uint8_t)len;
                struct in_addr d = ipa(SELF);
                memcpy(buf + 16, &d, 4);
                iptest_fix_ipsum(buf);
            }
        } else {
            len = make_template(buf, (int)rnd(T_COUNT));
            if (how < 9)
                len = mutate(buf, len, sizeof(buf));
        }
        berth_netif_input(h.ifp, buf, len);
        if (i % 64 == 0)
            berth_stack_poll(st);
        if (i % 1000 == 999) {
            iptest_advance(&h, rnd(3000000)); /* let reassembly queues expire */
            uint8_t r[2048];
            while (berth_recv(st, fd, r, sizeof(r), MSG_DONTWAIT) >= 0)
                ;
        }
    }
    berth_stack_poll(st);
    /* + what lo looped back; random versions of 6 went to IPv6 (a raw
     * interface selects the family by the version, as Linux's tun). */
    uint64_t rx = iptest_ctr(&h, "Ip", "InReceives");
#if BERTH_WITH_IPV6
    rx += iptest_ctr(&h, "Ip6", "InReceives");
#endif
    assert_true(rx >= NPACKETS + 1);
    print_message("InHdrErrors %llu, InAddrErrors %llu, InDelivers %llu, ReasmOKs %llu, "
                  "ReasmFails %llu, packets sent %zu\n",
                  (unsigned long long)iptest_ctr(&h, "Ip", "InHdrErrors"),
                  (unsigned long long)iptest_ctr(&h, "Ip", "InAddrErrors"),
                  (unsigned long long)iptest_ctr(&h, "Ip", "InDelivers"),
                  (unsigned long long)iptest_ctr(&h, "Ip", "ReasmOKs"),
                  (unsigned long long)iptest_ctr(&h, "Ip", "ReasmFails"), h.tx_total);
    /* Some of everything happened. */
    assert_true(iptest_ctr(&h, "Ip", "InDelivers") > 10000);
    assert_true(iptest_ctr(&h, "Ip", "InHdrErrors") > 1000);
    assert_true(iptest_ctr(&h, "Ip", "ReasmReqds") > 1000);
    assert_true(iptest_ctr(&h, "Udp", "InDatagrams") > 1000);

    /* Drain, let every queue expire: the memory is what it was. */
    uint8_t r[2048];
    while (berth_recv(st, fd, r, sizeof(r), MSG_DONTWAIT) >= 0)
        ;
    iptest_advance(&h, 31000000);
    assert_int_equal(berth_stack_next_deadline(st), BERTH_FOREVER);
    assert_int_equal(iptest_live_bytes, base);

    /* A UDP echo still works. */
    h.record = true;
    iptest_advance(&h, 1000000); /* refill the ICMP bucket too */
    size_t ul = iptest_udp(seg, ipa(PEER), 5555, ipa(SELF), PORT, "ping", 4);
    struct iptest_ip ip = {.src = ipa(PEER), .dst = ipa(SELF), .proto = IPPROTO_UDP, .id = 9};
    size_t n = iptest_ip(buf, &ip, seg, ul);
    iptest_input(&h, buf, n);
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    assert_int_equal(
        berth_recvfrom(st, fd, r, sizeof(r), MSG_DONTWAIT, (struct sockaddr *)&from, &fl), 4);
    assert_memory_equal(r, "ping", 4);
    assert_int_equal(berth_sendto(st, fd, r, 4, 0, (struct sockaddr *)&from, fl), 4);
    assert_int_equal(h.ntx, 1);
    const struct iptest_pkt *rep = &h.tx[0];
    assert_int_equal(rep->len, 32);
    assert_true(iptest_csum_ok(rep->data, 20));
    assert_memory_equal(rep->data + 28, "ping", 4);
    assert_int_equal(rep->data[22], 5555 >> 8);
    assert_int_equal(rep->data[23], 5555 & 0xff);

    /* And so does a fragmented datagram and an ICMP echo. */
    iptest_clear(&h);
    static uint8_t big[3000], frag_dg[3100];
    for (size_t k = 0; k < sizeof(big); k++)
        big[k] = (uint8_t)k;
    ul = iptest_udp(seg + 0, ipa(PEER), 5555, ipa(SELF), PORT, big, 1000);
    ip.id = 10;
    n = iptest_ip(frag_dg, &ip, seg, ul);
    struct iptest_pkt fr[4];
    size_t nf = iptest_split(frag_dg, n, 256, fr, 4);
    for (size_t k = nf; k-- > 0;)
        iptest_input(&h, fr[k].data, fr[k].len);
    iptest_pkts_free(fr, nf);
    assert_int_equal(berth_recv(st, fd, r, sizeof(r), MSG_DONTWAIT), 1000);
    assert_memory_equal(r, big, 1000);
    uint8_t msg[64];
    size_t ml = iptest_icmp(msg, ICMP_ECHO, 0, 0x10002, "abcdefgh", 8);
    ip.proto = IPPROTO_ICMP;
    n = iptest_ip(buf, &ip, msg, ml);
    iptest_input(&h, buf, n);
    assert_int_equal(iptest_count_icmp(&h, ICMP_ECHOREPLY, 0), 1);

    berth_close(st, fd);
    iptest_fini(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_packets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
