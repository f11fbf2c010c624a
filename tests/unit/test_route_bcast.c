/* test_route_bcast.c — where broadcast and multicast datagrams go on an
 * Ethernet interface when a gateway route is what matches them (issue 12).
 *
 * Linux's __mkroute_output never gateways the limited broadcast
 * (RTN_BROADCAST: the route's fib_info is dropped) and drops the gateway of
 * a route shorter than /4 for multicast, so with only a default route
 * 255.255.255.255 leaves as ff:ff:ff:ff:ff:ff and a group as
 * 01:00:5e + its low 23 bits (RFC 1112 6.4, arp_mc_map), without ARPing
 * for the gateway. A subnet-directed broadcast of a connected subnet is
 * RTN_BROADCAST from the local table, so it is not gatewayed either; that
 * of a subnet we are not on is plain unicast to the router. Checked on
 * the recorded frame's destination MAC. Virtual time (inline platform). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "ethtest.h"

static const uint8_t MDNS_MAC[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};  /* 224.0.0.251 */
static const uint8_t GROUP_MAC[6] = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03}; /* 239.129.2.3 */

static int setup(void **state)
{
    struct ethtest *h = calloc(1, sizeof(*h));
    *state = h;
    if (et_init(h) != 0)
        return -1;
    et_clear(h);
    return 0;
}

static int teardown(void **state)
{
    struct ethtest *h = *state;
    et_fini(h);
    free(h);
    assert_int_equal(eth_live_bytes, 0);
    return 0;
}

static void default_route(struct ethtest *h)
{
    assert_int_equal(berth_route_add(h->st, et_ip("0.0.0.0"), 0, et_ip("192.0.2.254"), h->ifp), 0);
}

static int bcast_socket(struct ethtest *h)
{
    int fd = berth_socket(h->st, AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    int one = 1;
    assert_int_equal(berth_setsockopt(h->st, fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)), 0);
    return fd;
}

static ssize_t send_to(struct ethtest *h, int fd, const char *ip)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr = et_ip(ip)};
    return berth_sendto(h->st, fd, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to));
}

/* Exactly one frame went out: an IPv4 datagram to ip, to Ethernet edst. */
static void check_one_ip_frame(struct ethtest *h, const char *ip, const uint8_t *edst)
{
    assert_int_equal(h->ntx, 1);
    assert_int_equal(fr_type(&h->tx[0]), 0x0800);
    assert_memory_equal(h->tx[0].data, edst, 6);
    assert_memory_equal(h->tx[0].data + 6, ET_MAC, 6);
    assert_int_equal(fr_ip_dst(&h->tx[0]).s_addr, et_ip(ip).s_addr);
    assert_int_equal(et_arp(h).requests_sent, 0);
    assert_int_equal(et_state(h, "192.0.2.254"), BERTH_NUD_NONE); /* the gateway untouched */
}

static void test_limited_broadcast_default_route(void **state)
{
    struct ethtest *h = *state;
    int fd = bcast_socket(h);
    /* No route matches 255.255.255.255 without a default route (Linux too). */
    errno = 0;
    assert_int_equal(send_to(h, fd, "255.255.255.255"), -1);
    assert_int_equal(errno, ENETUNREACH);
    default_route(h);
    assert_int_equal(send_to(h, fd, "255.255.255.255"), 5);
    check_one_ip_frame(h, "255.255.255.255", BCAST_MAC);
    berth_close(h->st, fd);
}

static void test_multicast_default_route(void **state)
{
    struct ethtest *h = *state;
    int fd = bcast_socket(h);
    default_route(h);
    assert_int_equal(send_to(h, fd, "224.0.0.251"), 5);
    check_one_ip_frame(h, "224.0.0.251", MDNS_MAC);
    et_clear(h);
    /* The top bit of the low 24 is not mapped (only 23 bits are). */
    assert_int_equal(send_to(h, fd, "239.129.2.3"), 5);
    check_one_ip_frame(h, "239.129.2.3", GROUP_MAC);
    berth_close(h->st, fd);
}

/* The connected subnet's broadcast is not gatewayed, even by a more
 * specific gateway route; another subnet's broadcast is plain unicast to
 * the router. */
static void test_directed_broadcast(void **state)
{
    struct ethtest *h = *state;
    int fd = bcast_socket(h);
    default_route(h);
    assert_int_equal(berth_route_add(h->st, et_ip("192.0.2.128"), 25, et_ip("192.0.2.254"), h->ifp),
                     0);
    assert_int_equal(send_to(h, fd, "192.0.2.255"), 5);
    check_one_ip_frame(h, "192.0.2.255", BCAST_MAC);
    et_clear(h);
    assert_int_equal(send_to(h, fd, "198.51.100.255"), 5);
    assert_int_equal(h->ntx, 1); /* who-has 192.0.2.254 */
    assert_true(fr_is_arp(&h->tx[0]));
    assert_int_equal(fr_arp_tip(&h->tx[0]).s_addr, et_ip("192.0.2.254").s_addr);
    et_clear(h);
    et_reply(h, "192.0.2.254", GW_MAC);
    assert_int_equal(h->ntx, 1);
    assert_memory_equal(h->tx[0].data, GW_MAC, 6);
    assert_int_equal(fr_ip_dst(&h->tx[0]).s_addr, et_ip("198.51.100.255").s_addr);
    berth_close(h->st, fd);
}

/* A multicast route of /4 or longer keeps its gateway in Linux (only a
 * shorter one is "the default one, but do not gateway"): the group's
 * datagrams go to the gateway's MAC. */
static void test_multicast_gateway_route(void **state)
{
    struct ethtest *h = *state;
    int fd = bcast_socket(h);
    assert_int_equal(berth_route_add(h->st, et_ip("224.0.0.0"), 4, et_ip("192.0.2.254"), h->ifp),
                     0);
    assert_int_equal(send_to(h, fd, "239.129.2.3"), 5);
    assert_int_equal(h->ntx, 1);
    assert_true(fr_is_arp(&h->tx[0]));
    assert_int_equal(fr_arp_tip(&h->tx[0]).s_addr, et_ip("192.0.2.254").s_addr);
    et_clear(h);
    et_reply(h, "192.0.2.254", GW_MAC);
    assert_int_equal(h->ntx, 1);
    assert_memory_equal(h->tx[0].data, GW_MAC, 6);
    /* The limited broadcast still is not gatewayed by a default route. */
    default_route(h);
    et_clear(h);
    assert_int_equal(send_to(h, fd, "255.255.255.255"), 5);
    assert_int_equal(h->ntx, 1);
    assert_memory_equal(h->tx[0].data, BCAST_MAC, 6);
    berth_close(h->st, fd);
}

/* A connected UDP socket takes the same route for each datagram. */
static void test_connected_broadcast(void **state)
{
    struct ethtest *h = *state;
    default_route(h);
    int fd = bcast_socket(h);
    struct sockaddr_in to = {
        .sin_family = AF_INET, .sin_port = htons(9), .sin_addr = et_ip("255.255.255.255")};
    assert_int_equal(berth_connect(h->st, fd, (struct sockaddr *)&to, sizeof(to)), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(berth_send(h->st, fd, "x", 1, 0), 1);
    assert_int_equal(h->ntx, 3);
    for (size_t i = 0; i < 3; i++)
        assert_memory_equal(h->tx[i].data, BCAST_MAC, 6);
    assert_int_equal(et_arp(h).requests_sent, 0);
    berth_close(h->st, fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_limited_broadcast_default_route, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multicast_default_route, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directed_broadcast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multicast_gateway_route, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connected_broadcast, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
