/* test_ethernet.c — Ethernet II framing (src/link/ethernet.c): MAC address
 * API, frame classification and the counters of malformed or foreign
 * frames, broadcast and multicast mapping both ways, next hops (gateway,
 * fragments), LINKTYPE_ETHERNET captures, and raw-IP interfaces untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "berth/pcap.h"
#include "ethtest.h"

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

static int udp_bound(struct ethtest *h, const char *addr, uint16_t port)
{
    int fd = berth_socket(h->st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (addr)
        a.sin_addr = et_ip(addr);
    assert_int_equal(berth_bind(h->st, fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static ssize_t recv_nb(struct ethtest *h, int fd, void *buf, size_t len)
{
    return berth_recv(h->st, fd, buf, len, MSG_DONTWAIT);
}

static void test_hwaddr(void **state)
{
    (void)state;
    struct berth_platform plat;
    berth_platform_inline(&plat, 1, 3);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    berth_stack *st = berth_stack_new(&cfg);
    berth_netif *a = berth_netif_add(st, "eth0", 1500, 0, &et_driver, NULL);
    berth_netif *b = berth_netif_add(st, "eth1", 1500, 0, &et_driver, NULL);
    assert_non_null(a);
    assert_int_equal(berth_netif_link(a), BERTH_LINK_ETHERNET);
    uint8_t ma[6], mb[6];
    assert_int_equal(berth_netif_hwaddr(a, ma), 0);
    assert_int_equal(berth_netif_hwaddr(b, mb), 0);
    /* eth_random_addr: unicast, locally administered, different. */
    assert_int_equal(ma[0] & 1, 0);
    assert_int_equal(ma[0] & 2, 2);
    assert_memory_not_equal(ma, mb, 6);
    uint8_t set[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
    assert_int_equal(berth_netif_set_hwaddr(a, set), 0);
    assert_int_equal(berth_netif_hwaddr(a, ma), 0);
    assert_memory_equal(ma, set, 6);
    static const uint8_t mcast[6] = {0x01, 0, 0x5e, 0, 0, 1}, zero[6];
    errno = 0;
    assert_int_equal(berth_netif_set_hwaddr(a, mcast), -1);
    assert_int_equal(errno, EADDRNOTAVAIL);
    assert_int_equal(berth_netif_set_hwaddr(a, zero), -1);
    assert_int_equal(errno, EADDRNOTAVAIL);
    /* Ethernet interfaces broadcast (ether_setup). A raw-IP one has no MAC. */
    static const struct berth_netif_driver raw = {.transmit = et_transmit};
    berth_netif *r = berth_netif_add(st, "tun0", 1500, 0, &raw, NULL);
    assert_int_equal(berth_netif_link(r), BERTH_LINK_RAW);
    errno = 0;
    assert_int_equal(berth_netif_hwaddr(r, ma), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    assert_int_equal(berth_netif_set_hwaddr(r, set), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    struct berth_arp_stats s;
    assert_int_equal(berth_arp_stats(r, &s), -1);
    assert_int_equal(errno, EOPNOTSUPP);
    /* An unknown link type is refused. */
    struct berth_netif_driver bad = {.transmit = et_transmit, .link = 7};
    errno = 0;
    assert_null(berth_netif_add(st, "x0", 1500, 0, &bad, NULL));
    assert_int_equal(errno, EINVAL);
    berth_stack_free(st);
    berth_platform_inline_release(&plat);
}

/* A datagram in a frame for our MAC reaches its socket; counters. */
static void test_input_unicast(void **state)
{
    struct ethtest *h = *state;
    int fd = udp_bound(h, NULL, 7000);
    uint8_t f[200], b[64];
    size_t n = udp_frame(f, ET_MAC, PEER_MAC, "192.0.2.2", 5000, "192.0.2.1", 7000, "hello", 5);
    et_input(h, f, n);
    assert_int_equal(recv_nb(h, fd, b, sizeof(b)), 5);
    assert_memory_equal(b, "hello", 5);
    /* Link padding (a 60-byte minimum frame) is trimmed by IP. */
    uint8_t g[60] = {0};
    n = udp_frame(g, ET_MAC, PEER_MAC, "192.0.2.2", 5000, "192.0.2.1", 7000, "hi", 2);
    assert_true(n < sizeof(g));
    et_input(h, g, sizeof(g));
    assert_int_equal(recv_nb(h, fd, b, sizeof(b)), 2);
    struct berth_netif_stats s = et_ifstats(h);
    assert_int_equal(s.rx_packets, 2);
    assert_int_equal(s.rx_bytes, 47 + 60);
    assert_int_equal(s.multicast, 0);
    assert_int_equal(s.rx_errors, 0);
    berth_close(h->st, fd);
}

/* Runts, frames for another MAC, and EtherTypes nobody handles are dropped
 * and counted where Linux counts them. */
static void test_input_dropped(void **state)
{
    struct ethtest *h = *state;
    int fd = udp_bound(h, NULL, 7000);
    uint8_t f[200], b[64];
    size_t n = udp_frame(f, ET_MAC, PEER_MAC, "192.0.2.2", 5000, "192.0.2.1", 7000, "x", 1);
    for (size_t len = 0; len < 14; len += 5)
        et_input(h, f, len);
    struct berth_netif_stats s = et_ifstats(h);
    assert_int_equal(s.rx_length_errors, 3);
    assert_int_equal(s.rx_errors, 3);
    /* For another host: ip_rcv_core drops it (PACKET_OTHERHOST). */
    memcpy(f, OTHER_MAC, 6);
    et_input(h, f, n);
    assert_int_equal(et_ifstats(h).rx_otherhost_dropped, 1);
    assert_int_equal(recv_nb(h, fd, b, sizeof(b)), -1);
    /* Wake-on-LAN, a VLAN tag, an 802.3 length field, LLDP: no handler. */
    static const uint16_t types[] = {0x0842, 0x8100, 0x0042, 0x88cc};
    memcpy(f, ET_MAC, 6);
    for (size_t i = 0; i < 4; i++) {
        f[12] = (uint8_t)(types[i] >> 8);
        f[13] = (uint8_t)types[i];
        et_input(h, f, n);
    }
    assert_int_equal(et_ifstats(h).rx_nohandler, 4);
    assert_int_equal(recv_nb(h, fd, b, sizeof(b)), -1);
    assert_int_equal(h->ntx, 0);
    /* A down interface takes nothing. */
    f[12] = 0x08, f[13] = 0;
    berth_netif_set_up(h->ifp, false);
    et_input(h, f, n);
    assert_int_equal(recv_nb(h, fd, b, sizeof(b)), -1);
    berth_netif_set_up(h->ifp, true);
    et_input(h, f, n);
    assert_int_equal(recv_nb(h, fd, b, sizeof(b)), 1);
    berth_close(h->st, fd);
}

/* Subnet and limited broadcast in L2 broadcast frames reach wildcard
 * sockets (not sockets bound to the unicast address, as in Linux). */
static void test_input_broadcast(void **state)
{
    struct ethtest *h = *state;
    int any = udp_bound(h, NULL, 6000), uni = udp_bound(h, "192.0.2.1", 6001);
    uint8_t f[200], b[64];
    size_t n = udp_frame(f, BCAST_MAC, PEER_MAC, "192.0.2.2", 5000, "192.0.2.255", 6000, "sub", 3);
    et_input(h, f, n);
    assert_int_equal(recv_nb(h, any, b, sizeof(b)), 3);
    n = udp_frame(f, BCAST_MAC, PEER_MAC, "192.0.2.2", 5000, "255.255.255.255", 6000, "all", 3);
    et_input(h, f, n);
    assert_int_equal(recv_nb(h, any, b, sizeof(b)), 3);
    assert_memory_equal(b, "all", 3);
    n = udp_frame(f, BCAST_MAC, PEER_MAC, "192.0.2.2", 5000, "192.0.2.255", 6001, "no", 2);
    et_input(h, f, n);
    assert_int_equal(recv_nb(h, uni, b, sizeof(b)), -1);
    assert_int_equal(et_ifstats(h).multicast, 3);
    assert_int_equal(h->ntx, 0); /* no port unreachable for broadcasts */
    /* Multicast group frames are taken too (01:00:5e:...). */
    static const uint8_t mc[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    n = udp_frame(f, mc, PEER_MAC, "192.0.2.2", 5000, "224.0.0.1", 6000, "mc", 2);
    et_input(h, f, n);
    assert_int_equal(recv_nb(h, any, b, sizeof(b)), 2);
    assert_int_equal(et_ifstats(h).multicast, 4);
    berth_close(h->st, any);
    berth_close(h->st, uni);
}

/* Broadcast and multicast destinations map to their MAC addresses without
 * ARP (arp_constructor: RTN_BROADCAST -> ff:ff:.., arp_mc_map). */
static void test_output_broadcast_multicast(void **state)
{
    struct ethtest *h = *state;
    int fd = udp_bound(h, "192.0.2.1", 0);
    int one = 1;
    berth_setsockopt(h->st, fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
    static const char *const dsts[] = {"192.0.2.255", "255.255.255.255", "224.0.0.251",
                                       "239.129.2.3"};
    static const uint8_t macs[4][6] = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                                       {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                                       {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb},
                                       {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03}};
    for (int i = 0; i < 4; i++) {
        struct sockaddr_in to = {
            .sin_family = AF_INET, .sin_port = htons(9), .sin_addr = et_ip(dsts[i])};
        assert_int_equal(berth_sendto(h->st, fd, "b", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
        assert_int_equal(h->ntx, (size_t)i + 1);
        const struct eframe *fr = &h->tx[i];
        assert_memory_equal(fr->data, macs[i], 6);
        assert_memory_equal(fr->data + 6, ET_MAC, 6);
        assert_int_equal(fr_type(fr), 0x0800);
        assert_int_equal(fr_ip_dst(fr).s_addr, et_ip(dsts[i]).s_addr);
    }
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.lookups, 0);
    assert_int_equal(s.entries, 0);
    berth_close(h->st, fd);
}

/* Off-link destinations go to the gateway's MAC — every fragment too. */
static void test_output_gateway_fragments(void **state)
{
    struct ethtest *h = *state;
    struct in_addr any = {0};
    assert_int_equal(berth_route_add(h->st, any, 0, et_ip("192.0.2.254"), h->ifp), 0);
    int fd = et_udp_connected(h, "198.51.100.7", 9, false);
    static uint8_t big[3000];
    assert_int_equal(berth_send(h->st, fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
    /* The gateway is resolved first; the fragments wait. */
    assert_int_equal(h->ntx, 1);
    assert_int_equal(fr_arp_tip(&h->tx[0]).s_addr, et_ip("192.0.2.254").s_addr);
    struct berth_neigh nb;
    assert_int_equal(berth_arp_lookup(h->ifp, et_ip("192.0.2.254"), &nb), 0);
    assert_int_equal(nb.queued, 3);
    et_clear(h);
    et_reply(h, "192.0.2.254", GW_MAC);
    assert_int_equal(h->ntx, 3);
    for (int i = 0; i < 3; i++) {
        assert_memory_equal(h->tx[i].data, GW_MAC, 6);
        assert_int_equal(fr_ip_dst(&h->tx[i]).s_addr, et_ip("198.51.100.7").s_addr);
        assert_true(h->tx[i].len <= 1514);
    }
    /* Resolved: the next datagram (and its fragments) go at once. */
    et_clear(h);
    assert_int_equal(berth_send(h->st, fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
    assert_int_equal(h->ntx, 3);
    for (int i = 0; i < 3; i++)
        assert_memory_equal(h->tx[i].data, GW_MAC, 6);
    assert_int_equal(berth_arp_lookup(h->ifp, et_ip("198.51.100.7"), &nb), -1);
    berth_close(h->st, fd);
}

/* ping: the echo reply goes back to the asker's MAC (learnt from its ARP
 * request, as the kernel always asks first). */
static void test_echo_reply_frame(void **state)
{
    struct ethtest *h = *state;
    uint8_t f[200];
    size_t n = arp_frame(f, BCAST_MAC, PEER_MAC, 1, PEER_MAC, "192.0.2.2", NULL, "192.0.2.1");
    et_input(h, f, n);
    assert_int_equal(et_count_arp(h, 2), 1);
    /* ICMP echo request. */
    n = eth_hdr(f, ET_MAC, PEER_MAC, 0x0800);
    uint8_t *ip = f + n, *ic = ip + 20;
    memset(ip, 0, 28);
    ip[0] = 0x45, ip[3] = 28 + 4, ip[8] = 64, ip[9] = 1;
    struct in_addr s = et_ip("192.0.2.2"), d = et_ip("192.0.2.1");
    memcpy(ip + 12, &s, 4);
    memcpy(ip + 16, &d, 4);
    uint16_t ck = et_csum(ip, 20, 0);
    memcpy(ip + 10, &ck, 2);
    ic[0] = 8, ic[4] = 0, ic[5] = 1, ic[6] = 0, ic[7] = 1, ic[8] = 'p', ic[9] = 'i', ic[10] = 'n',
    ic[11] = 'g';
    ck = et_csum(ic, 12, 0);
    memcpy(ic + 2, &ck, 2);
    et_input(h, f, n + 32);
    assert_int_equal(h->ntx, 2);
    const struct eframe *r = &h->tx[1];
    assert_memory_equal(r->data, PEER_MAC, 6);
    assert_memory_equal(r->data + 6, ET_MAC, 6);
    assert_int_equal(fr_type(r), 0x0800);
    assert_int_equal(r->data[14 + 20], 0); /* echo reply */
    assert_int_equal(r->len, 14 + 32);
    assert_int_equal(et_snmp(h, "Icmp", "OutEchoReps"), 1);
}

/* Captures of an Ethernet interface are LINKTYPE_ETHERNET and hold the
 * whole frames, ARP included, as the driver saw them. */
static void test_pcap_ethernet(void **state)
{
    struct ethtest *h = *state;
    char path[] = "/tmp/berth-test-eth-XXXXXX";
    int tfd = mkstemp(path);
    assert_true(tfd >= 0);
    close(tfd);
    assert_int_equal(berth_pcap_open(h->ifp, path), 0);
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    assert_int_equal(berth_send(h->st, fd, "abc", 3, 0), 3);
    et_reply(h, "192.0.2.2", PEER_MAC);
    berth_pcap_close(h->ifp);
    FILE *f = fopen(path, "rb");
    uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    unlink(path);
    uint32_t linktype;
    memcpy(&linktype, buf + 20, 4);
    assert_int_equal(linktype, 1);
    /* Three records: our request (42), the reply (42), the datagram (14 + 31). */
    size_t off = 24, lens[3] = {42, 42, 45};
    for (int i = 0; i < 3; i++) {
        uint32_t incl;
        memcpy(&incl, buf + off + 8, 4);
        assert_int_equal(incl, lens[i]);
        off += 16 + incl;
    }
    assert_int_equal(off, n);
    assert_memory_equal(buf + 24 + 16 + 12, "\x08\x06", 2);
    berth_close(h->st, fd);
}

/* Driver errors: a full queue (ENOBUFS) is tx_dropped, others tx_errors. */
static void test_tx_errors(void **state)
{
    struct ethtest *h = *state;
    berth_arp_add(h->ifp, et_ip("192.0.2.2"), PEER_MAC, BERTH_NUD_PERMANENT);
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    struct berth_netif_stats s0 = et_ifstats(h);
    h->tx_error = ENOBUFS;
    assert_int_equal(berth_send(h->st, fd, "a", 1, 0), 1); /* UDP: a silent drop */
    h->tx_error = EIO;
    assert_int_equal(berth_send(h->st, fd, "a", 1, 0), 1);
    h->tx_error = 0;
    struct berth_netif_stats s = et_ifstats(h);
    assert_int_equal(s.tx_dropped - s0.tx_dropped, 1);
    assert_int_equal(s.tx_errors - s0.tx_errors, 1);
    assert_int_equal(s.tx_packets - s0.tx_packets, 2);
    berth_close(h->st, fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hwaddr),
        cmocka_unit_test_setup_teardown(test_input_unicast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_broadcast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_broadcast_multicast, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_gateway_fragments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_reply_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pcap_ethernet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
