/* test_arp.c — ARP and the neighbour cache (src/link/arp.c) against Linux's
 * behaviour: resolution, retries and failure (EHOSTUNREACH the Linux way),
 * queue bounds, aging through STALE/DELAY/PROBE, garbage collection and the
 * size limit, replies, gratuitous ARP, locktime, permanent entries, and
 * malformed packets dropped and counted. Virtual time (inline platform). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "ethtest.h"

#define S(x) ((uint64_t)(x)*1000000u)

static int setup(void **state)
{
    struct ethtest *h = calloc(1, sizeof(*h));
    *state = h;
    if (et_init(h) != 0)
        return -1;
    et_clear(h); /* the gratuitous ARP of bringing eth0 up */
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

static void send1(struct ethtest *h, int fd, uint8_t tag)
{
    uint8_t b[100];
    memset(b, tag, sizeof(b));
    assert_int_equal(berth_send(h->st, fd, b, sizeof(b), 0), (ssize_t)sizeof(b));
}

/* The checks every request we send must pass. */
static void check_request(const struct eframe *f, const char *tip, const uint8_t *edst)
{
    assert_true(fr_is_arp(f));
    assert_int_equal(f->len, 42); /* not padded: Linux pads in the NIC driver */
    assert_memory_equal(f->data, edst, 6);
    assert_memory_equal(f->data + 6, ET_MAC, 6);
    assert_int_equal(f->data[14], 0);
    assert_int_equal(f->data[15], 1); /* ARPHRD_ETHER */
    assert_int_equal(f->data[16], 8);
    assert_int_equal(f->data[17], 0);
    assert_int_equal(f->data[18], 6);
    assert_int_equal(f->data[19], 4);
    assert_int_equal(fr_arp_op(f), 1);
    assert_memory_equal(fr_arp_sha(f), ET_MAC, 6);
    assert_int_equal(fr_arp_sip(f).s_addr, et_ip("192.0.2.1").s_addr);
    static const uint8_t zero[6];
    assert_memory_equal(fr_arp_tha(f), zero, 6);
    assert_int_equal(fr_arp_tip(f).s_addr, et_ip(tip).s_addr);
}

static void test_resolve(void **state)
{
    struct ethtest *h = *state;
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    send1(h, fd, 'a');
    send1(h, fd, 'b');
    /* One broadcast request; both datagrams wait. */
    assert_int_equal(h->ntx, 1);
    check_request(&h->tx[0], "192.0.2.2", BCAST_MAC);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_INCOMPLETE);
    struct berth_neigh n;
    assert_int_equal(berth_arp_lookup(h->ifp, et_ip("192.0.2.2"), &n), 0);
    assert_int_equal(n.queued, 2);
    assert_int_equal(n.probes, 1);
    et_clear(h);
    et_reply(h, "192.0.2.2", PEER_MAC);
    assert_int_equal(h->ntx, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(fr_type(&h->tx[i]), 0x0800);
        assert_memory_equal(h->tx[i].data, PEER_MAC, 6);
        assert_memory_equal(h->tx[i].data + 6, ET_MAC, 6);
        assert_int_equal(h->tx[i].data[14 + 28], 'a' + i); /* in order */
    }
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_REACHABLE);
    /* Resolved: the next datagram goes at once, no request. */
    et_clear(h);
    send1(h, fd, 'c');
    assert_int_equal(h->ntx, 1);
    assert_int_equal(fr_type(&h->tx[0]), 0x0800);
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.requests_sent, 1);
    assert_int_equal(s.replies_received, 1);
    assert_int_equal(s.allocs, 1);
    assert_int_equal(s.lookups, 3);
    assert_int_equal(s.hits, 2);
    assert_int_equal(s.entries, 1);
    berth_close(h->st, fd);
    /* Resolving without a packet (arping). */
    et_clear(h);
    errno = 0;
    assert_int_equal(berth_arp_resolve(h->ifp, et_ip("192.0.2.3")), -1);
    assert_int_equal(errno, EINPROGRESS);
    assert_int_equal(et_count_arp(h, 1), 1);
    check_request(&h->tx[0], "192.0.2.3", BCAST_MAC);
    assert_int_equal(berth_arp_resolve(h->ifp, et_ip("192.0.2.3")), -1); /* no second request */
    assert_int_equal(et_count_arp(h, 1), 1);
    et_reply(h, "192.0.2.3", OTHER_MAC);
    assert_int_equal(berth_arp_resolve(h->ifp, et_ip("192.0.2.3")), 0);
    assert_int_equal(berth_arp_resolve(h->ifp, et_ip("192.0.2.2")), 0);
    errno = 0;
    assert_int_equal(berth_arp_resolve(h->ifp, et_ip("255.255.255.255")), -1);
    assert_int_equal(errno, EINVAL);
}

/* 3 broadcast requests 1 s apart (mcast_solicit, retrans_time), FAILED at
 * 3 s, then an ICMP host unreachable per waiting packet, generated locally
 * and delivered through lo. As on Linux, a connected UDP socket without
 * IP_RECVERR is not told (host unreachable is a soft error there); one
 * with IP_RECVERR gets EHOSTUNREACH on its next call. */
static void test_failure(void **state)
{
    struct ethtest *h = *state;
    int plain = et_udp_connected(h, "192.0.2.99", 9, false);
    int rerr = et_udp_connected(h, "192.0.2.99", 10, true);
    uint64_t t0 = et_now(h);
    send1(h, plain, 'p');
    send1(h, rerr, 'r');
    assert_int_equal(et_count_arp(h, 1), 1);
    et_advance(h, S(1) - 1);
    assert_int_equal(et_count_arp(h, 1), 1);
    et_advance(h, 1);
    assert_int_equal(et_count_arp(h, 1), 2);
    et_advance(h, S(1));
    assert_int_equal(et_count_arp(h, 1), 3);
    for (size_t i = 0; i < 3; i++)
        check_request(&h->tx[i], "192.0.2.99", BCAST_MAC);
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_INCOMPLETE);
    et_advance(h, S(1) - 1);
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_INCOMPLETE);
    et_advance(h, 1);
    assert_int_equal(et_now(h) - t0, S(3));
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_FAILED);
    assert_int_equal(h->ntx, 3); /* nothing else went out: the ICMP errors stay local */
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.res_failed, 1);
    assert_int_equal(s.host_unreach_sent, 2);
    assert_int_equal(et_snmp(h, "Icmp", "OutDestUnreachs"), 2);
    assert_int_equal(et_snmp(h, "Icmp", "InDestUnreachs"), 2);
    /* IP_RECVERR: EHOSTUNREACH once, then the socket works again. */
    uint8_t b[8] = {0};
    errno = 0;
    assert_int_equal(berth_send(h->st, rerr, b, sizeof(b), 0), -1);
    assert_int_equal(errno, EHOSTUNREACH);
    int err = 0;
    socklen_t len = sizeof(err);
    assert_int_equal(berth_getsockopt(h->st, plain, SOL_SOCKET, SO_ERROR, &err, &len), 0);
    assert_int_equal(err, 0); /* without IP_RECVERR: nothing (Linux) */
    /* A new packet starts a new round of requests. */
    et_clear(h);
    assert_int_equal(berth_send(h->st, plain, b, sizeof(b), 0), (ssize_t)sizeof(b));
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_INCOMPLETE);
    assert_int_equal(et_count_arp(h, 1), 1);
    et_reply(h, "192.0.2.99", OTHER_MAC);
    assert_int_equal(et_count_ip(h), 1);
    berth_close(h->st, plain);
    berth_close(h->st, rerr);
}

/* unres_qlen_bytes bounds the queue; the oldest packets go first. */
static void test_queue_bound(void **state)
{
    struct ethtest *h = *state;
    struct berth_arp_params p;
    berth_arp_params_get(h->ifp, &p);
    p.unres_qlen_bytes = 4096;
    assert_int_equal(berth_arp_params_set(h->ifp, &p), 0);
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    for (int i = 0; i < 50; i++)
        send1(h, fd, (uint8_t)i);
    struct berth_neigh n;
    assert_int_equal(berth_arp_lookup(h->ifp, et_ip("192.0.2.2"), &n), 0);
    assert_true(n.queued > 0 && n.queued < 50);
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.unresolved_discards, 50 - n.queued);
    et_clear(h);
    et_reply(h, "192.0.2.2", PEER_MAC);
    assert_int_equal(h->ntx, n.queued);
    for (size_t i = 0; i < h->ntx; i++) /* the newest survived, in order */
        assert_int_equal(h->tx[i].data[14 + 28], 50 - n.queued + i);
    /* Linux's default is SK_WMEM_MAX. */
    struct berth_arp_params d;
    berth_arp_params_init(&d);
    assert_int_equal(d.unres_qlen_bytes, 212992);
    berth_close(h->st, fd);
}

/* REACHABLE lasts a random 15..45 s, then STALE; using a STALE entry sends
 * at once and moves it to DELAY; 5 s later PROBE sends 3 unicast requests
 * 1 s apart, and a reply makes it REACHABLE again. */
static void test_aging_and_probe(void **state)
{
    struct ethtest *h = *state;
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    send1(h, fd, 1);
    et_reply(h, "192.0.2.2", PEER_MAC);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_REACHABLE);
    et_advance(h, S(14));
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_REACHABLE);
    et_advance(h, S(32)); /* 46 s: past any reachable_time */
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_STALE);
    et_clear(h);
    send1(h, fd, 2);
    assert_int_equal(h->ntx, 1); /* sent to the MAC we had, no request */
    assert_memory_equal(h->tx[0].data, PEER_MAC, 6);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_DELAY);
    et_advance(h, S(5) - 1);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_DELAY);
    et_advance(h, 1);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_PROBE);
    assert_int_equal(et_count_arp(h, 1), 1);
    check_request(&h->tx[1], "192.0.2.2", PEER_MAC); /* unicast */
    et_advance(h, S(1));
    assert_int_equal(et_count_arp(h, 1), 2);
    check_request(&h->tx[2], "192.0.2.2", PEER_MAC);
    /* Still answering: REACHABLE again. */
    et_reply(h, "192.0.2.2", PEER_MAC);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_REACHABLE);
    et_advance(h, S(10));
    assert_int_equal(et_count_arp(h, 1), 2);
    /* Gone away: after 3 unicast requests the entry fails. */
    et_advance(h, S(40));
    et_clear(h);
    send1(h, fd, 3);
    et_advance(h, S(5));
    for (int i = 0; i < 3; i++)
        et_advance(h, S(1));
    assert_int_equal(et_count_arp(h, 1), 3);
    for (size_t i = 1; i < h->ntx; i++)
        check_request(&h->tx[i], "192.0.2.2", PEER_MAC);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_FAILED);
    assert_int_equal(et_arp(h).res_failed, 1);
    berth_close(h->st, fd);
}

/* A neighbour that keeps being used while REACHABLE expires goes to DELAY
 * at that instant (Linux's timer: used within delay_first_probe_time). */
static void test_reachable_expiry_while_used(void **state)
{
    struct ethtest *h = *state;
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    send1(h, fd, 1);
    et_reply(h, "192.0.2.2", PEER_MAC);
    for (int i = 0; i < 50; i++) { /* one datagram a second for 50 s */
        et_advance(h, S(1));
        send1(h, fd, 2);
    }
    /* Probed within the 50 s without any reply: now FAILED or PROBE-ing. */
    assert_true(et_count_arp(h, 1) >= 2);
    unsigned st = et_state(h, "192.0.2.2");
    assert_true(st == BERTH_NUD_PROBE || st == BERTH_NUD_FAILED || st == BERTH_NUD_INCOMPLETE);
    berth_close(h->st, fd);
}

/* Requests for our address are answered (to the asker's MAC) and create a
 * STALE entry for the asker; requests for others are not. An RFC 5227 probe
 * (sender 0.0.0.0) for our address is answered with target 0.0.0.0. */
static void test_replies(void **state)
{
    struct ethtest *h = *state;
    uint8_t f[64];
    size_t n = arp_frame(f, BCAST_MAC, PEER_MAC, 1, PEER_MAC, "192.0.2.2", NULL, "192.0.2.1");
    et_input(h, f, n);
    assert_int_equal(h->ntx, 1);
    const struct eframe *r = &h->tx[0];
    assert_true(fr_is_arp(r));
    assert_memory_equal(r->data, PEER_MAC, 6);
    assert_int_equal(fr_arp_op(r), 2);
    assert_memory_equal(fr_arp_sha(r), ET_MAC, 6);
    assert_int_equal(fr_arp_sip(r).s_addr, et_ip("192.0.2.1").s_addr);
    assert_memory_equal(fr_arp_tha(r), PEER_MAC, 6);
    assert_int_equal(fr_arp_tip(r).s_addr, et_ip("192.0.2.2").s_addr);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_STALE);
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.rcv_probes_mcast, 1);
    assert_int_equal(s.replies_sent, 1);
    /* Unicast request (a PROBE from the peer). */
    n = arp_frame(f, ET_MAC, PEER_MAC, 1, PEER_MAC, "192.0.2.2", ET_MAC, "192.0.2.1");
    et_input(h, f, n);
    assert_int_equal(et_arp(h).rcv_probes_ucast, 1);
    assert_int_equal(h->ntx, 2);
    /* For somebody else: no reply, no entry. */
    n = arp_frame(f, BCAST_MAC, OTHER_MAC, 1, OTHER_MAC, "192.0.2.3", NULL, "192.0.2.4");
    et_input(h, f, n);
    assert_int_equal(h->ntx, 2);
    assert_int_equal(et_state(h, "192.0.2.3"), BERTH_NUD_NONE);
    /* A duplicate-address probe. */
    n = arp_frame(f, BCAST_MAC, OTHER_MAC, 1, OTHER_MAC, "0.0.0.0", NULL, "192.0.2.1");
    et_input(h, f, n);
    assert_int_equal(h->ntx, 3);
    r = &h->tx[2];
    assert_memory_equal(r->data, OTHER_MAC, 6);
    assert_int_equal(fr_arp_op(r), 2);
    assert_int_equal(fr_arp_tip(r).s_addr, 0);
    assert_int_equal(fr_arp_sip(r).s_addr, et_ip("192.0.2.1").s_addr);
    assert_int_equal(et_state(h, "0.0.0.0"), BERTH_NUD_NONE);
    /* Frames for another MAC are not ours to answer. */
    n = arp_frame(f, OTHER_MAC, PEER_MAC, 1, PEER_MAC, "192.0.2.2", NULL, "192.0.2.1");
    et_input(h, f, n);
    assert_int_equal(h->ntx, 3);
    /* A martian sender gets no reply. */
    n = arp_frame(f, BCAST_MAC, OTHER_MAC, 1, OTHER_MAC, "224.0.0.5", NULL, "192.0.2.1");
    et_input(h, f, n);
    assert_int_equal(h->ntx, 3);
}

static void test_malformed(void **state)
{
    struct ethtest *h = *state;
    uint8_t f[64];
    size_t n = arp_frame(f, BCAST_MAC, PEER_MAC, 1, PEER_MAC, "192.0.2.2", NULL, "192.0.2.1");
    struct {
        size_t off;
        uint8_t val;
    } bad[] = {
        {15, 7},    /* hardware type */
        {16, 0x86}, /* protocol type */
        {18, 8},    /* hardware length */
        {19, 16},   /* protocol length */
        {21, 3},    /* opcode (RARP request) */
        {21, 0},    /* opcode */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t g[64];
        memcpy(g, f, n);
        g[bad[i].off] = bad[i].val;
        et_input(h, g, n);
    }
    et_input(h, f, 14 + 27); /* one byte short */
    et_input(h, f, 14);      /* no ARP at all */
    assert_int_equal(h->ntx, 0);
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.rx_malformed, 8);
    assert_int_equal(s.entries, 0);
    /* IEEE 802 hardware type is accepted (Linux does). */
    f[15] = 6;
    et_input(h, f, n);
    assert_int_equal(h->ntx, 1);
    /* Trailing padding to 60 bytes is fine. */
    uint8_t g[60] = {0};
    n = arp_frame(g, BCAST_MAC, PEER_MAC, 1, PEER_MAC, "192.0.2.2", NULL, "192.0.2.1");
    et_input(h, g, sizeof(g));
    assert_int_equal(h->ntx, 2);
}

/* Bringing the interface up and adding an address announce it with a
 * gratuitous request (sender = target = the address); arp_notify 0 stops it. */
static void test_gratuitous(void **state)
{
    (void)state;
    struct ethtest h;
    assert_int_equal(et_init2(&h, false), 0);
    assert_int_equal(h.ntx, 0); /* address added while down: silent */
    berth_netif_set_up(h.ifp, true);
    assert_int_equal(h.ntx, 1);
    const struct eframe *g = &h.tx[0];
    assert_true(fr_is_arp(g));
    assert_memory_equal(g->data, BCAST_MAC, 6);
    assert_int_equal(fr_arp_op(g), 1);
    assert_int_equal(fr_arp_sip(g).s_addr, et_ip("192.0.2.1").s_addr);
    assert_int_equal(fr_arp_tip(g).s_addr, et_ip("192.0.2.1").s_addr);
    assert_memory_equal(fr_arp_sha(g), ET_MAC, 6);
    berth_netif_addr_add(h.ifp, et_ip("198.51.100.1"), 24);
    assert_int_equal(h.ntx, 2);
    assert_int_equal(fr_arp_tip(&h.tx[1]).s_addr, et_ip("198.51.100.1").s_addr);
    /* A new MAC is announced too. */
    uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x42};
    berth_netif_set_hwaddr(h.ifp, mac);
    assert_int_equal(h.ntx, 4);
    assert_memory_equal(fr_arp_sha(&h.tx[3]), mac, 6);
    assert_int_equal(et_arp(&h).gratuitous_sent, 4);
    struct berth_arp_params p;
    berth_arp_params_get(h.ifp, &p);
    p.arp_notify = false;
    berth_arp_params_set(h.ifp, &p);
    berth_netif_addr_add(h.ifp, et_ip("198.51.100.2"), 24);
    assert_int_equal(h.ntx, 4);
    et_fini(&h);
    assert_int_equal(eth_live_bytes, 0);
}

/* Gratuitous ARP from a neighbour updates its entry at once (even within
 * locktime) but creates none (arp_accept 0); a second, different reply
 * within locktime (1 s) is ignored: the first answer wins. A broadcast
 * reply only makes an entry STALE. */
static void test_garp_locktime(void **state)
{
    struct ethtest *h = *state;
    uint8_t f[64];
    size_t n = arp_frame(f, BCAST_MAC, PEER_MAC, 1, PEER_MAC, "192.0.2.2", NULL, "192.0.2.2");
    et_input(h, f, n);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_NONE);
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    send1(h, fd, 1);
    et_reply(h, "192.0.2.2", PEER_MAC);
    et_reply(h, "192.0.2.2", OTHER_MAC); /* within locktime: ignored */
    struct berth_neigh nb;
    berth_arp_lookup(h->ifp, et_ip("192.0.2.2"), &nb);
    assert_memory_equal(nb.hwaddr, PEER_MAC, 6);
    n = arp_frame(f, BCAST_MAC, OTHER_MAC, 1, OTHER_MAC, "192.0.2.2", NULL, "192.0.2.2");
    et_input(h, f, n); /* gratuitous: accepted at once */
    berth_arp_lookup(h->ifp, et_ip("192.0.2.2"), &nb);
    assert_memory_equal(nb.hwaddr, OTHER_MAC, 6);
    assert_int_equal(nb.state, BERTH_NUD_STALE);
    et_advance(h, S(2));
    et_reply(h, "192.0.2.2", PEER_MAC); /* after locktime: accepted */
    berth_arp_lookup(h->ifp, et_ip("192.0.2.2"), &nb);
    assert_memory_equal(nb.hwaddr, PEER_MAC, 6);
    assert_int_equal(nb.state, BERTH_NUD_REACHABLE);
    /* A broadcast reply does not prove reachability. */
    send1(h, fd, 2);
    et_clear(h);
    int fd2 = et_udp_connected(h, "192.0.2.3", 9, false);
    send1(h, fd2, 3);
    n = arp_frame(f, BCAST_MAC, OTHER_MAC, 2, OTHER_MAC, "192.0.2.3", ET_MAC, "192.0.2.1");
    et_input(h, f, n);
    assert_int_equal(et_state(h, "192.0.2.3"), BERTH_NUD_STALE);
    assert_int_equal(et_count_ip(h), 1); /* the waiting datagram left anyway */
    /* arp_accept 1: a gratuitous ARP creates the entry. */
    struct berth_arp_params p;
    berth_arp_params_get(h->ifp, &p);
    p.arp_accept = true;
    berth_arp_params_set(h->ifp, &p);
    n = arp_frame(f, BCAST_MAC, OTHER_MAC, 1, OTHER_MAC, "192.0.2.7", NULL, "192.0.2.7");
    et_input(h, f, n);
    assert_int_equal(et_state(h, "192.0.2.7"), BERTH_NUD_STALE);
    berth_close(h->st, fd);
    berth_close(h->st, fd2);
}

/* Periodic collection (every base_reachable_time/2 = 15 s) removes FAILED
 * entries and those unused for gc_stale_time (60 s), once the cache holds
 * gc_thresh1 entries. */
static void test_gc(void **state)
{
    struct ethtest *h = *state;
    struct berth_arp_params p;
    berth_arp_params_get(h->ifp, &p);
    p.gc_thresh1 = 0;
    berth_arp_params_set(h->ifp, &p);
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    int fd2 = et_udp_connected(h, "192.0.2.98", 9, false);
    send1(h, fd, 1);
    send1(h, fd2, 1);
    et_reply(h, "192.0.2.2", PEER_MAC);
    et_advance(h, S(4)); /* 192.0.2.98 failed */
    assert_int_equal(et_state(h, "192.0.2.98"), BERTH_NUD_FAILED);
    et_advance(h, S(15)); /* t0 + 19 s: the collection at t0 + 15 s ran */
    assert_int_equal(et_state(h, "192.0.2.98"), BERTH_NUD_NONE); /* collected */
    unsigned st = et_state(h, "192.0.2.2");
    assert_true(st == BERTH_NUD_REACHABLE || st == BERTH_NUD_STALE);
    et_advance(h, S(31)); /* t0 + 50 s: STALE, used 50 s ago: kept */
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_STALE);
    et_advance(h, S(30)); /* the run at t0 + 60 s removed it */
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_NONE);
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.entries, 0);
    assert_int_equal(s.destroys, 2);
    assert_int_equal(s.periodic_gc_runs, 4);
    /* Below gc_thresh1 (Linux's default 128) nothing is collected. */
    berth_arp_params_init(&p);
    berth_arp_params_set(h->ifp, &p);
    send1(h, fd2, 2);
    et_advance(h, S(100));
    assert_int_equal(et_state(h, "192.0.2.98"), BERTH_NUD_FAILED);
    berth_close(h->st, fd);
    berth_close(h->st, fd2);
}

/* gc_thresh3 bounds the cache: with every entry busy, a new neighbour
 * cannot be created (table_fulls), and the sender gets ENOBUFS — silently
 * dropped for UDP unless IP_RECVERR, as in Linux. Once entries are old and
 * STALE, forced collection makes room. */
static void test_table_full(void **state)
{
    struct ethtest *h = *state;
    struct berth_arp_params p;
    berth_arp_params_get(h->ifp, &p);
    p.gc_thresh1 = 2;
    p.gc_thresh2 = 3;
    p.gc_thresh3 = 4;
    berth_arp_params_set(h->ifp, &p);
    char ip[32];
    for (int i = 0; i < 4; i++) {
        snprintf(ip, sizeof(ip), "192.0.2.%d", 10 + i);
        int fd = et_udp_connected(h, ip, 9, false);
        send1(h, fd, (uint8_t)i);
        uint8_t mac[6] = {0x02, 0, 0, 0, 1, (uint8_t)i};
        et_reply(h, ip, mac);
        berth_close(h->st, fd);
    }
    assert_int_equal(et_arp(h).entries, 4);
    int fd = et_udp_connected(h, "192.0.2.20", 9, false);
    et_clear(h);
    send1(h, fd, 9); /* silently dropped */
    assert_int_equal(h->ntx, 0);
    assert_int_equal(et_arp(h).table_fulls, 1);
    int rfd = et_udp_connected(h, "192.0.2.21", 9, true);
    uint8_t b[4] = {0};
    errno = 0;
    assert_int_equal(berth_send(h->st, rfd, b, sizeof(b), 0), -1);
    assert_int_equal(errno, ENOBUFS);
    assert_int_equal(et_arp(h).entries, 4);
    /* 50 s later the entries are STALE and old: room is made. */
    et_advance(h, S(50));
    send1(h, fd, 10);
    assert_int_equal(et_state(h, "192.0.2.20"), BERTH_NUD_INCOMPLETE);
    struct berth_arp_stats s = et_arp(h);
    assert_true(s.forced_gc_runs >= 1);
    assert_true(s.entries <= 4);
    berth_close(h->st, fd);
    berth_close(h->st, rfd);
}

static void test_permanent_and_admin(void **state)
{
    struct ethtest *h = *state;
    assert_int_equal(berth_arp_add(h->ifp, et_ip("192.0.2.2"), PEER_MAC, BERTH_NUD_PERMANENT), 0);
    int fd = et_udp_connected(h, "192.0.2.2", 9, false);
    send1(h, fd, 1);
    assert_int_equal(h->ntx, 1);
    assert_memory_equal(h->tx[0].data, PEER_MAC, 6);
    et_reply(h, "192.0.2.2", OTHER_MAC); /* ARP cannot change it */
    et_advance(h, S(100));
    struct berth_neigh nb;
    berth_arp_lookup(h->ifp, et_ip("192.0.2.2"), &nb);
    assert_int_equal(nb.state, BERTH_NUD_PERMANENT);
    assert_memory_equal(nb.hwaddr, PEER_MAC, 6);
    berth_arp_flush(h->ifp);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_PERMANENT);
    assert_int_equal(berth_arp_del(h->ifp, et_ip("192.0.2.2")), 0);
    assert_int_equal(et_state(h, "192.0.2.2"), BERTH_NUD_NONE);
    errno = 0;
    assert_int_equal(berth_arp_del(h->ifp, et_ip("192.0.2.2")), -1);
    assert_int_equal(errno, ENOENT);
    /* Bad arguments. */
    errno = 0;
    assert_int_equal(berth_arp_add(h->ifp, et_ip("224.0.0.1"), PEER_MAC, BERTH_NUD_PERMANENT), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_arp_add(h->ifp, et_ip("192.0.2.5"), PEER_MAC, BERTH_NUD_PROBE), -1);
    {
        struct berth_arp_params p;
        berth_arp_params_init(&p);
        p.retrans_time_ms = 0;
        errno = 0;
        assert_int_equal(berth_arp_params_set(h->ifp, &p), -1);
        assert_int_equal(errno, EINVAL);
    }
    /* Deleting an INCOMPLETE entry reports its waiting packets unreachable. */
    int rfd = et_udp_connected(h, "192.0.2.50", 9, true);
    send1(h, rfd, 1);
    assert_int_equal(berth_arp_del(h->ifp, et_ip("192.0.2.50")), 0);
    uint8_t b[4] = {0};
    errno = 0;
    assert_int_equal(berth_send(h->st, rfd, b, sizeof(b), 0), -1);
    assert_int_equal(errno, EHOSTUNREACH);
    berth_close(h->st, fd);
    berth_close(h->st, rfd);
}

/* Taking the interface down forgets every entry (permanent ones too, as
 * neigh_ifdown) and drops waiting packets without ICMP errors. */
static void test_ifdown(void **state)
{
    struct ethtest *h = *state;
    berth_arp_add(h->ifp, et_ip("192.0.2.2"), PEER_MAC, BERTH_NUD_PERMANENT);
    int rfd = et_udp_connected(h, "192.0.2.60", 9, true);
    send1(h, rfd, 1);
    uint64_t unreach = et_snmp(h, "Icmp", "OutDestUnreachs");
    berth_netif_set_up(h->ifp, false);
    assert_int_equal(et_arp(h).entries, 0);
    assert_int_equal(et_snmp(h, "Icmp", "OutDestUnreachs"), unreach);
    et_advance(h, S(10)); /* no timer left behind */
    assert_int_equal(et_arp(h).entries, 0);
    berth_netif_set_up(h->ifp, true);
    berth_close(h->st, rfd);
}

/* The request's source address: that of the waiting packet when it is
 * ours, else the interface's address on the target's subnet. */
static void test_solicit_source(void **state)
{
    struct ethtest *h = *state;
    berth_netif_addr_add(h->ifp, et_ip("198.51.100.1"), 24);
    et_clear(h);
    int fd = berth_socket(h->st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr = et_ip("198.51.100.1")};
    assert_int_equal(berth_bind(h->st, fd, (struct sockaddr *)&a, sizeof(a)), 0);
    struct sockaddr_in to = {
        .sin_family = AF_INET, .sin_port = htons(9), .sin_addr = et_ip("192.0.2.77")};
    assert_int_equal(berth_sendto(h->st, fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
    assert_int_equal(h->ntx, 1);
    assert_int_equal(fr_arp_sip(&h->tx[0]).s_addr, et_ip("198.51.100.1").s_addr);
    berth_close(h->st, fd);
}

/* ---- callbacks during a walk (issue 12) ----
 *
 * A neighbour whose resolution fails answers its waiting packets with ICMP
 * host unreachable (invalidate). When the sender's address is gone, that
 * ICMP leaves through eth0 again and asks ARP for a new entry; with the
 * cache at gc_thresh3 the forced collection runs inside the callback. It
 * must not free the entry being drained (Linux: the timer and
 * neigh_delete hold a reference, and neigh_forced_gc skips referenced
 * entries) nor the next entry of a walk over the cache. */

/* A socket 192.0.2.1:5000 -> ip:9, then a default route via
 * 198.51.100.254 on eth0 (the only way back to 192.0.2.1 once that address
 * is removed). */
static int uaf_socket(struct ethtest *h, const char *ip)
{
    int fd = berth_socket(h->st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons(5000), .sin_addr = et_ip("192.0.2.1")};
    assert_int_equal(berth_bind(h->st, fd, (struct sockaddr *)&a, sizeof(a)), 0);
    a.sin_port = htons(9);
    a.sin_addr = et_ip(ip);
    assert_int_equal(berth_connect(h->st, fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static void uaf_prepare(struct ethtest *h)
{
    assert_int_equal(berth_netif_addr_add(h->ifp, et_ip("198.51.100.1"), 24), 0);
    assert_int_equal(berth_route_add(h->st, et_ip("0.0.0.0"), 0, et_ip("198.51.100.254"), h->ifp),
                     0);
}

static void set_thresh(struct ethtest *h, unsigned t1, unsigned t2, unsigned t3)
{
    struct berth_arp_params p;
    berth_arp_params_get(h->ifp, &p);
    p.gc_thresh1 = t1;
    p.gc_thresh2 = t2;
    p.gc_thresh3 = t3;
    assert_int_equal(berth_arp_params_set(h->ifp, &p), 0);
}

/* The entry timer: one queued datagram, its source address removed, a
 * cache of one entry at most. The ICMP finds the table full (the failing
 * entry is busy, so it cannot be collected) and is dropped, as in Linux. */
static void test_invalidate_gc_timer(void **state)
{
    struct ethtest *h = *state;
    uaf_prepare(h);
    set_thresh(h, 0, 0, 1);
    int fd = uaf_socket(h, "192.0.2.99");
    send1(h, fd, 'u');
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_INCOMPLETE);
    assert_int_equal(berth_netif_addr_del(h->ifp, et_ip("192.0.2.1"), 24), 0);
    uint64_t unreach = et_snmp(h, "Icmp", "OutDestUnreachs");
    et_advance(h, S(3) + 1);
    assert_int_equal(et_snmp(h, "Icmp", "OutDestUnreachs"), unreach + 1);
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.res_failed, 1);
    assert_int_equal(s.host_unreach_sent, 1);
    assert_int_equal(s.table_fulls, 1); /* no room for 198.51.100.254 */
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_FAILED);
    assert_int_equal(et_state(h, "198.51.100.254"), BERTH_NUD_NONE);
    /* The next datagram goes by the default route now; when the gateway
     * fails, the ICMP about it goes back into the very entry being drained:
     * INCOMPLETE again, and the queue purged after the walk, as Linux's
     * neigh_invalidate does. */
    set_thresh(h, 0, 2, 2);
    send1(h, fd, 'v');
    assert_int_equal(et_state(h, "198.51.100.254"), BERTH_NUD_INCOMPLETE);
    et_advance(h, S(3));
    struct berth_neigh n;
    assert_int_equal(berth_arp_lookup(h->ifp, et_ip("198.51.100.254"), &n), 0);
    assert_int_equal(n.state, BERTH_NUD_INCOMPLETE);
    assert_int_equal(n.queued, 0);
    assert_int_equal(et_arp(h).host_unreach_sent, 2);
    berth_close(h->st, fd);
}

/* berth_arp_del (neigh_delete): the entry is invalidated, then freed; the
 * collection inside must not free it first. */
static void test_invalidate_gc_del(void **state)
{
    struct ethtest *h = *state;
    uaf_prepare(h);
    int fd = uaf_socket(h, "192.0.2.99");
    send1(h, fd, 'u');
    assert_int_equal(berth_netif_addr_del(h->ifp, et_ip("192.0.2.1"), 24), 0);
    set_thresh(h, 0, 0, 1);
    assert_int_equal(berth_arp_del(h->ifp, et_ip("192.0.2.99")), 0);
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_NONE);
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.host_unreach_sent, 1);
    assert_int_equal(s.table_fulls, 1);
    assert_int_equal(s.entries, 0);
    berth_close(h->st, fd);
}

/* berth_arp_flush walks the cache: while it invalidates one entry, the
 * collection may free the next one (FAILED, collectable) — the walk must
 * not step onto it. */
static void test_invalidate_gc_flush(void **state)
{
    struct ethtest *h = *state;
    uaf_prepare(h);
    int a = uaf_socket(h, "192.0.2.98");
    int b = et_udp_connected(h, "192.0.2.99", 9, false);
    send1(h, a, 1); /* 192.0.2.98 first in creation order */
    et_advance(h, S(1) / 2);
    send1(h, b, 1);
    et_advance(h, S(4)); /* both FAILED, their ICMP delivered through lo */
    assert_int_equal(et_state(h, "192.0.2.98"), BERTH_NUD_FAILED);
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_FAILED);
    send1(h, a, 2); /* 192.0.2.98 INCOMPLETE again, 192.0.2.99 stays FAILED */
    assert_int_equal(berth_netif_addr_del(h->ifp, et_ip("192.0.2.1"), 24), 0);
    set_thresh(h, 0, 1, 2);
    assert_int_equal(berth_arp_flush(h->ifp), 0);
    struct berth_arp_stats s = et_arp(h);
    assert_int_equal(s.host_unreach_sent, 3);
    assert_int_equal(et_state(h, "192.0.2.98"), BERTH_NUD_NONE);
    assert_int_equal(et_state(h, "192.0.2.99"), BERTH_NUD_NONE);
    /* The ICMP's gateway entry was created during the walk and flushed by
     * it too (its ICMP is not answered with another one). */
    assert_int_equal(s.entries, 0);
    berth_close(h->st, a);
    berth_close(h->st, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aging_and_probe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reachable_expiry_while_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test(test_gratuitous),
        cmocka_unit_test_setup_teardown(test_garp_locktime, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permanent_and_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ifdown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_solicit_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalidate_gc_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalidate_gc_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalidate_gc_flush, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
