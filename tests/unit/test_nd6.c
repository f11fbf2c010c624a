/* test_nd6.c — IPv6 neighbour discovery, DAD, RA/SLAAC and MLDv2 on an
 * Ethernet interface, against crafted frames from a peer (ethtest.h's
 * recording driver, virtual time). What Linux does is in the comments and
 * docs/nd6.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "berth/nd6.h"
#include "berth/socket.h"
#include "ethtest.h"

#define S(x) ((uint64_t)(x)*1000000u)

static struct in6_addr a6(const char *s)
{
    struct in6_addr a;
    assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    return a;
}

/* Our link-local address: fe80:: + EUI-64 of ET_MAC (02:00:00:00:00:01). */
#define OUR_LL "fe80::ff:fe00:1"

/* An Ethernet frame with IPv6 + ICMPv6 msg (checksum filled). */
static size_t icmp6_frame(uint8_t *f, const uint8_t *edst, const uint8_t *esrc, const char *src,
                          const char *dst, uint8_t hlim, const uint8_t *msg, size_t len)
{
    size_t n = eth_hdr(f, edst, esrc, 0x86dd);
    uint8_t *ip = f + n;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    ip[4] = (uint8_t)(len >> 8);
    ip[5] = (uint8_t)len;
    ip[6] = 58;
    ip[7] = hlim;
    struct in6_addr s = a6(src), d = a6(dst);
    memcpy(ip + 8, &s, 16);
    memcpy(ip + 24, &d, 16);
    uint8_t *m = ip + 40;
    memcpy(m, msg, len);
    m[2] = m[3] = 0;
    uint32_t sum = 0;
    for (int i = 0; i < 32; i += 2)
        sum += (uint32_t)(ip[8 + i] << 8 | ip[9 + i]);
    sum += (uint32_t)len + 58;
    uint16_t c = et_csum(m, len, sum);
    memcpy(m + 2, &c, 2);
    return n + 40 + len;
}

static void inject(struct ethtest *h, const uint8_t *edst, const char *src, const char *dst,
                   uint8_t hlim, const uint8_t *msg, size_t len)
{
    uint8_t f[1500];
    size_t n = icmp6_frame(f, edst, PEER_MAC, src, dst, hlim, msg, len);
    et_input(h, f, n);
}

/* NS (type 135) for target, with a source link-layer option of mac
 * unless NULL. Returns the length. */
static size_t ns_msg(uint8_t *m, const char *target, const uint8_t *mac)
{
    memset(m, 0, 32);
    m[0] = 135;
    struct in6_addr t = a6(target);
    memcpy(m + 8, &t, 16);
    if (!mac)
        return 24;
    m[24] = 1, m[25] = 1;
    memcpy(m + 26, mac, 6);
    return 32;
}

static size_t na_msg(uint8_t *m, const char *target, uint8_t flags, const uint8_t *mac)
{
    memset(m, 0, 32);
    m[0] = 136;
    m[4] = flags;
    struct in6_addr t = a6(target);
    memcpy(m + 8, &t, 16);
    if (!mac)
        return 24;
    m[24] = 2, m[25] = 1;
    memcpy(m + 26, mac, 6);
    return 32;
}

/* Frames sent: IPv6 ICMPv6 messages of a type. */
static const uint8_t *fr_icmp6(const struct eframe *f)
{
    if (fr_type(f) != 0x86dd || f->len < 14 + 40 + 4)
        return NULL;
    const uint8_t *ip = f->data + 14;
    size_t off = 40;
    if (ip[6] == 0) /* hop-by-hop (MLD's router alert) */
        off += 8u * (ip[41] + 1u);
    return f->len >= 14 + off + 4 ? ip + off : NULL;
}

static size_t count_type(const struct ethtest *h, uint8_t type, size_t *last)
{
    size_t n = 0;
    for (size_t i = 0; i < h->ntx; i++) {
        const uint8_t *m = fr_icmp6(&h->tx[i]);
        if (m && m[0] == type) {
            n++;
            if (last)
                *last = i;
        }
    }
    return n;
}

static unsigned addr_flags(struct ethtest *h, const char *addr)
{
    struct berth_ifaddr6 l[8];
    long n = berth_netif_addrs6(h->ifp, l, 8);
    struct in6_addr a = a6(addr);
    for (long i = 0; i < n && i < 8; i++)
        if (IN6_ARE_ADDR_EQUAL(&l[i].addr, &a))
            return l[i].flags | 0x10000u; /* present */
    return 0;
}

static void trace(void *arg, const char *line)
{
    (void)arg;
    fprintf(stderr, "%s\n", line);
}

static int setup(void **state)
{
    struct ethtest *h = calloc(1, sizeof(*h));
    if (!h || et_init2(h, false) != 0)
        return -1;
    struct berth_nd6_params p;
    berth_nd6_params_get(h->ifp, &p);
    p.disable_ipv6 = false;
    berth_nd6_params_set(h->ifp, &p);
    if (getenv("ND6_TRACE")) /* ND6_TRACE=1 ./test_nd6: the stack's trace lines */
        berth_stack_set_trace(h->st, trace, NULL);
    berth_netif_set_up(h->ifp, true);
    *state = h;
    return 0;
}

static int teardown(void **state)
{
    struct ethtest *h = *state;
    et_fini(h);
    free(h);
    return 0;
}

static struct berth_nd6_stats nd(struct ethtest *h)
{
    struct berth_nd6_stats s;
    assert_int_equal(berth_nd6_stats(h->ifp, &s), 0);
    return s;
}

/* Up: MLDv2 report for the solicited-node group, DAD NS from :: with a
 * nonce within 1 s, the address usable 1 s after it, then an RS. */
static void test_linklocal_dad_rs(void **state)
{
    struct ethtest *h = *state;
    assert_int_equal(addr_flags(h, OUR_LL),
                     0x10000u | BERTH_IFA_F_TENTATIVE | BERTH_IFA_F_PERMANENT);
    et_advance(h, 5000);
    size_t i = 0;
    assert_int_equal(count_type(h, 143, &i), 1);
    const uint8_t *ip = h->tx[i].data + 14;
    assert_int_equal(ip[7], 1); /* hop limit 1 */
    assert_int_equal(ip[6], 0); /* hop-by-hop: router alert */
    assert_memory_equal(h->tx[i].data, "\x33\x33\x00\x00\x00\x16", 6);
    const uint8_t *m = fr_icmp6(&h->tx[i]);
    assert_int_equal(m[7], 1); /* one record */
    assert_int_equal(m[8], 4); /* CHANGE_TO_EXCLUDE_MODE */
    struct in6_addr g = a6("ff02::1:ff00:1");
    assert_memory_equal(m + 12, &g, 16);
    et_advance(h, S(1));
    assert_int_equal(count_type(h, 135, &i), 1);
    ip = h->tx[i].data + 14;
    assert_int_equal(ip[7], 255);
    struct in6_addr any = in6addr_any, ll = a6(OUR_LL);
    assert_memory_equal(ip + 8, &any, 16); /* from :: */
    assert_memory_equal(ip + 24, &g, 16);  /* to the group */
    assert_memory_equal(h->tx[i].data, "\x33\x33\xff\x00\x00\x01", 6);
    m = ip + 40;
    assert_memory_equal(m + 8, &ll, 16);
    assert_int_equal(m[24], 14); /* the nonce option (enhanced DAD), no SLLA */
    assert_int_equal(count_type(h, 133, NULL), 0);
    et_advance(h, S(1));
    assert_int_equal(addr_flags(h, OUR_LL), 0x10000u | BERTH_IFA_F_PERMANENT);
    assert_int_equal(count_type(h, 133, &i), 1); /* RS at once */
    /* Linux reports its groups again once the link-local address is
     * usable, now from it (ipv6_mc_dad_complete): 2 from ::, then these. */
    size_t k = 0;
    assert_true(count_type(h, 143, &k) >= 3);
    assert_memory_equal(h->tx[k].data + 14 + 8, &ll, 16);
    et_clear(h);
    et_advance(h, S(3)); /* 4 s +- 10 % after the first */
    et_advance(h, S(2));
    assert_int_equal(count_type(h, 133, NULL), 1);
    assert_int_equal(nd(h).rs_sent, 2);
}

static void after_dad(struct ethtest *h)
{
    et_advance(h, S(3));
    et_clear(h);
}

/* NS for our address -> solicited NA with override and our MAC; the
 * asker is a STALE neighbour. Forged ones are dropped and counted. */
static void test_ns_na(void **state)
{
    struct ethtest *h = *state;
    after_dad(h);
    uint8_t m[64];
    size_t n = ns_msg(m, OUR_LL, PEER_MAC);
    inject(h, (const uint8_t *)"\x33\x33\xff\x00\x00\x01", "fe80::2", "ff02::1:ff00:1", 255, m, n);
    size_t i = 0;
    assert_int_equal(count_type(h, 136, &i), 1);
    const uint8_t *ip = h->tx[i].data + 14;
    assert_memory_equal(h->tx[i].data, PEER_MAC, 6);
    struct in6_addr peer = a6("fe80::2");
    assert_memory_equal(ip + 24, &peer, 16);
    assert_int_equal(ip[7], 255);
    assert_int_equal(ip[40 + 4], 0x60); /* S and O */
    assert_int_equal(ip[40 + 24], 2);   /* target link-layer option */
    assert_memory_equal(ip + 40 + 26, ET_MAC, 6);
    struct berth_neigh6 e;
    assert_int_equal(berth_nd6_lookup(h->ifp, &peer, &e), 0);
    assert_int_equal(e.state, BERTH_NUD_DELAY); /* STALE, then used by the NA */
    /* A unicast NS (Linux 6.18 on a veth pair: S set, O clear, no target
     * link-layer option); one without a source option from an unknown
     * node: its entry is INCOMPLETE and our NA waits for our own NS. */
    et_clear(h);
    inject(h, ET_MAC, "fe80::2", OUR_LL, 255, m, n);
    assert_int_equal(count_type(h, 136, &i), 1);
    ip = h->tx[i].data + 14;
    assert_int_equal(ip[40 + 4], 0x40);
    assert_int_equal(h->tx[i].len, 14 + 40 + 24);
    et_clear(h);
    inject(h, ET_MAC, "fe80::4", OUR_LL, 255, m, 24);
    assert_int_equal(count_type(h, 136, NULL), 0);
    assert_int_equal(count_type(h, 135, &i), 1);
    struct in6_addr four = a6("fe80::4");
    assert_memory_equal(h->tx[i].data + 14 + 40 + 8, &four, 16);
    assert_int_equal(berth_nd6_lookup(h->ifp, &four, &e), 0);
    assert_int_equal(e.state, BERTH_NUD_INCOMPLETE);
    assert_int_equal(e.queued, 1);
    /* Hop limit 254: dropped, counted, unanswered. */
    et_clear(h);
    inject(h, (const uint8_t *)"\x33\x33\xff\x00\x00\x01", "fe80::3", "ff02::1:ff00:1", 254, m, n);
    assert_int_equal(h->ntx, 0);
    assert_int_equal(nd(h).rx_bad_hoplimit, 1);
    /* Linux 6.18 (veth, /proc/net/snmp6): such an NS still counts in
     * Icmp6InMsgs and Icmp6InNeighborSolicits, not in Icmp6InErrors. */
    assert_int_equal(et_snmp(h, "Icmp6", "InNeighborSolicits"), 4);
    assert_int_equal(et_snmp(h, "Icmp6", "InErrors"), 0);
    /* Code 1, a multicast target, DAD with a source link-layer option. */
    m[1] = 1;
    inject(h, (const uint8_t *)"\x33\x33\xff\x00\x00\x01", "fe80::3", "ff02::1:ff00:1", 255, m, n);
    m[1] = 0;
    uint8_t bad[64];
    size_t bn = ns_msg(bad, "ff02::1", PEER_MAC);
    inject(h, (const uint8_t *)"\x33\x33\xff\x00\x00\x01", "fe80::3", "ff02::1:ff00:1", 255, bad,
           bn);
    inject(h, (const uint8_t *)"\x33\x33\xff\x00\x00\x01", "::", "ff02::1:ff00:1", 255, m, n);
    /* An option of length 0. */
    m[25] = 0;
    inject(h, (const uint8_t *)"\x33\x33\xff\x00\x00\x01", "fe80::3", "ff02::1:ff00:1", 255, m, n);
    assert_int_equal(nd(h).rx_malformed, 4);
    assert_int_equal(h->ntx, 0);
    struct in6_addr three = a6("fe80::3");
    assert_int_equal(berth_nd6_lookup(h->ifp, &three, &e), -1);
}

/* NA rules (RFC 4861 7.2.5): solicited -> REACHABLE; without O a new MAC
 * only makes a REACHABLE entry STALE; with O it replaces the MAC; an NA
 * for an unknown target creates nothing. */
static void test_na_override(void **state)
{
    struct ethtest *h = *state;
    after_dad(h);
    struct in6_addr peer = a6("fe80::2");
    assert_int_equal(berth_nd6_resolve(h->ifp, &peer), -1);
    assert_int_equal(errno, EINPROGRESS);
    size_t i = 0;
    assert_int_equal(count_type(h, 135, &i), 1);
    assert_memory_equal(h->tx[i].data, "\x33\x33\xff\x00\x00\x02", 6);
    uint8_t m[64];
    size_t n = na_msg(m, "fe80::2", 0x40 | 0x20, PEER_MAC);
    inject(h, ET_MAC, "fe80::2", OUR_LL, 255, m, n);
    struct berth_neigh6 e;
    assert_int_equal(berth_nd6_lookup(h->ifp, &peer, &e), 0);
    assert_int_equal(e.state, BERTH_NUD_REACHABLE);
    assert_memory_equal(e.hwaddr, PEER_MAC, 6);
    /* Unsolicited, no override, another MAC: STALE, MAC kept. */
    n = na_msg(m, "fe80::2", 0, OTHER_MAC);
    inject(h, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", "fe80::2", "ff02::1", 255, m, n);
    assert_int_equal(berth_nd6_lookup(h->ifp, &peer, &e), 0);
    assert_int_equal(e.state, BERTH_NUD_STALE);
    assert_memory_equal(e.hwaddr, PEER_MAC, 6);
    /* Override: the new MAC, STALE. */
    n = na_msg(m, "fe80::2", 0x20, OTHER_MAC);
    inject(h, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", "fe80::2", "ff02::1", 255, m, n);
    assert_int_equal(berth_nd6_lookup(h->ifp, &peer, &e), 0);
    assert_int_equal(e.state, BERTH_NUD_STALE);
    assert_memory_equal(e.hwaddr, OTHER_MAC, 6);
    /* Solicited NA to a multicast address: malformed. Hop limit 64: dropped. */
    n = na_msg(m, "fe80::2", 0x40 | 0x20, PEER_MAC);
    inject(h, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", "fe80::2", "ff02::1", 255, m, n);
    inject(h, ET_MAC, "fe80::2", OUR_LL, 64, m, n);
    assert_int_equal(berth_nd6_lookup(h->ifp, &peer, &e), 0);
    assert_memory_equal(e.hwaddr, OTHER_MAC, 6);
    assert_int_equal(nd(h).rx_malformed, 1);
    assert_int_equal(nd(h).rx_bad_hoplimit, 1);
    /* Unknown target: nothing learnt (accept_untracked_na 0). */
    n = na_msg(m, "fe80::9", 0x20, PEER_MAC);
    inject(h, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", "fe80::9", "ff02::1", 255, m, n);
    struct in6_addr nine = a6("fe80::9");
    assert_int_equal(berth_nd6_lookup(h->ifp, &nine, &e), -1);
    assert_int_equal(nd(h).na_ignored, 1);
}

/* DAD: an NS from :: for our tentative address: DADFAILED, never usable. */
static void test_dad_conflict(void **state)
{
    struct ethtest *h = *state;
    after_dad(h);
    struct in6_addr a = a6("2001:db8::1");
    assert_int_equal(berth_netif_addr6_add(h->ifp, &a, 64), 0);
    assert_int_equal(addr_flags(h, "2001:db8::1"),
                     0x10000u | BERTH_IFA_F_TENTATIVE | BERTH_IFA_F_PERMANENT);
    uint8_t m[64];
    size_t n = ns_msg(m, "2001:db8::1", NULL);
    inject(h, (const uint8_t *)"\x33\x33\xff\x00\x00\x01", "::", "ff02::1:ff00:1", 255, m, n);
    assert_int_equal(addr_flags(h, "2001:db8::1"), 0x10000u | BERTH_IFA_F_TENTATIVE |
                                                       BERTH_IFA_F_DADFAILED |
                                                       BERTH_IFA_F_PERMANENT);
    assert_int_equal(nd(h).dad_failures, 1);
    et_advance(h, S(5));
    assert_int_equal(addr_flags(h, "2001:db8::1"), 0x10000u | BERTH_IFA_F_TENTATIVE |
                                                       BERTH_IFA_F_DADFAILED |
                                                       BERTH_IFA_F_PERMANENT);
    /* An NA for a tentative address fails DAD too. */
    struct in6_addr b = a6("2001:db8::2");
    assert_int_equal(berth_netif_addr6_add(h->ifp, &b, 64), 0);
    n = na_msg(m, "2001:db8::2", 0x20, PEER_MAC);
    inject(h, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", "fe80::2", "ff02::1", 255, m, n);
    assert_true(addr_flags(h, "2001:db8::2") & BERTH_IFA_F_DADFAILED);
    /* Without a conflict an added address is usable after DAD; before,
     * bind() to it fails with EADDRNOTAVAIL (Linux 6.18: the same on a
     * veth pair, ipv6_chk_addr skips tentative addresses). */
    struct in6_addr c = a6("2001:db8::3");
    assert_int_equal(berth_netif_addr6_add(h->ifp, &c, 64), 0);
    int fd = berth_socket(h->st, AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = c};
    errno = 0;
    assert_int_equal(berth_bind(h->st, fd, (struct sockaddr *)&sa, sizeof(sa)), -1);
    assert_int_equal(errno, EADDRNOTAVAIL);
    et_advance(h, S(3));
    assert_int_equal(addr_flags(h, "2001:db8::3"), 0x10000u | BERTH_IFA_F_PERMANENT);
    assert_int_equal(berth_bind(h->st, fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    berth_close(h->st, fd);
}

static size_t ra_msg(uint8_t *m, uint16_t lifetime, const char *prefix, uint8_t plen, uint8_t flags,
                     uint32_t valid, uint32_t pref)
{
    memset(m, 0, 64);
    m[0] = 134;
    m[4] = 64;
    m[6] = (uint8_t)(lifetime >> 8), m[7] = (uint8_t)lifetime;
    m[16] = 1, m[17] = 1;
    memcpy(m + 18, GW_MAC, 6);
    uint8_t *o = m + 24;
    o[0] = 3, o[1] = 4, o[2] = plen, o[3] = flags;
    for (int k = 0; k < 4; k++) {
        o[4 + k] = (uint8_t)(valid >> (24 - 8 * k));
        o[8 + k] = (uint8_t)(pref >> (24 - 8 * k));
    }
    struct in6_addr p = a6(prefix);
    memcpy(o + 16, &p, 16);
    return 24 + 32;
}

/* An RA from a link-local router: SLAAC address prefix + EUI-64 (through
 * DAD), the router a neighbour with the router flag; RAs from a global
 * source or with hop limit 254 are dropped and counted. */
static void test_ra_slaac(void **state)
{
    struct ethtest *h = *state;
    after_dad(h);
    uint8_t m[64];
    size_t n = ra_msg(m, 1800, "2001:db8:1::", 64, 0xc0, 86400, 14400);
    uint8_t f[200];
    size_t fl = icmp6_frame(f, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", GW_MAC, "2001:db8::fe",
                            "ff02::1", 255, m, n);
    et_input(h, f, fl);
    assert_int_equal(nd(h).ra_not_linklocal, 1);
    fl = icmp6_frame(f, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", GW_MAC, "fe80::fe", "ff02::1",
                     254, m, n);
    et_input(h, f, fl);
    assert_int_equal(nd(h).rx_bad_hoplimit, 1);
    assert_int_equal(addr_flags(h, "2001:db8:1::ff:fe00:1"), 0);
    fl = icmp6_frame(f, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", GW_MAC, "fe80::fe", "ff02::1",
                     255, m, n);
    et_input(h, f, fl);
    unsigned fla = addr_flags(h, "2001:db8:1::ff:fe00:1");
    assert_true(fla & BERTH_IFA_F_TENTATIVE);
    assert_false(fla & BERTH_IFA_F_PERMANENT);
    et_advance(h, S(3));
    assert_int_equal(addr_flags(h, "2001:db8:1::ff:fe00:1"), 0x10000u);
    struct berth_ifaddr6 l[8];
    long k = berth_netif_addrs6(h->ifp, l, 8);
    bool seen = false;
    for (long j = 0; j < k; j++)
        if (l[j].addr.s6_addr[0] == 0x20) {
            seen = true;
            assert_true(l[j].valid_lft <= 86400 && l[j].valid_lft >= 86390);
            assert_true(l[j].preferred_lft <= 14400 && l[j].preferred_lft >= 14390);
        }
    assert_true(seen);
    struct in6_addr gw = a6("fe80::fe");
    struct berth_neigh6 e;
    assert_int_equal(berth_nd6_lookup(h->ifp, &gw, &e), 0);
    assert_true(e.router);
    assert_memory_equal(e.hwaddr, GW_MAC, 6);
    assert_int_equal(nd(h).slaac_addrs, 1);
    /* RFC 4862 5.5.3 e: a 60 s valid lifetime does not cut a day to 60 s
     * (two hours stay). */
    n = ra_msg(m, 1800, "2001:db8:1::", 64, 0xc0, 60, 30);
    fl = icmp6_frame(f, (const uint8_t *)"\x33\x33\x00\x00\x00\x01", GW_MAC, "fe80::fe", "ff02::1",
                     255, m, n);
    et_input(h, f, fl);
    k = berth_netif_addrs6(h->ifp, l, 8);
    for (long j = 0; j < k; j++)
        if (l[j].addr.s6_addr[0] == 0x20) {
            assert_int_equal(l[j].valid_lft, 7200);
            assert_int_equal(l[j].preferred_lft, 30);
        }
    /* No more router solicitations once an RA came. */
    et_clear(h);
    et_advance(h, S(60));
    assert_int_equal(count_type(h, 133, NULL), 0);
}

/* Down: the link-local (autoconfigured) address goes, one added by hand
 * stays (keep_addr_on_down, docs/nd6.md); up: the link-local address is
 * back, tentative, and both groups are reported in one MLDv2 report. */
static void test_down_up(void **state)
{
    struct ethtest *h = *state;
    after_dad(h);
    struct in6_addr c = a6("2001:db8::3");
    assert_int_equal(berth_netif_addr6_add(h->ifp, &c, 64), 0);
    et_advance(h, S(3));
    berth_netif_set_up(h->ifp, false);
    assert_int_equal(addr_flags(h, OUR_LL), 0);
    assert_int_equal(addr_flags(h, "2001:db8::3"), 0x10000u | BERTH_IFA_F_PERMANENT);
    et_clear(h);
    et_advance(h, S(2));
    assert_int_equal(h->ntx, 0);
    berth_netif_set_up(h->ifp, true);
    assert_true(addr_flags(h, OUR_LL) & BERTH_IFA_F_TENTATIVE);
    assert_true(addr_flags(h, "2001:db8::3") & BERTH_IFA_F_TENTATIVE);
    et_advance(h, 5000);
    size_t i = 0;
    assert_int_equal(count_type(h, 143, &i), 1);
    const uint8_t *m = fr_icmp6(&h->tx[i]);
    assert_int_equal(m[7], 2);
    et_advance(h, S(3));
    assert_int_equal(addr_flags(h, OUR_LL), 0x10000u | BERTH_IFA_F_PERMANENT);
    assert_int_equal(addr_flags(h, "2001:db8::3"), 0x10000u | BERTH_IFA_F_PERMANENT);
}

/* Knobs: Linux's defaults; accept_dad 0 makes an address usable at once;
 * bad values are EINVAL; a raw interface has none (EOPNOTSUPP). */
static void test_params(void **state)
{
    struct ethtest *h = *state;
    struct berth_nd6_params p, d;
    berth_nd6_params_init(&d);
    assert_int_equal(d.dad_transmits, 1);
    assert_int_equal(d.rtr_solicits, -1);
    assert_int_equal(d.rtr_solicit_interval_ms, 4000);
    assert_int_equal(d.rtr_solicit_max_interval_ms, 3600000);
    assert_int_equal(d.rtr_solicit_delay_ms, 1000);
    assert_true(d.accept_ra && d.autoconf && d.accept_dad && d.enhanced_dad && !d.disable_ipv6);
    struct berth_arp_params c;
    assert_int_equal(berth_nd6_cache_params_get(h->ifp, &c), 0);
    assert_int_equal(c.locktime_ms, 0); /* nd_tbl's, not arp_tbl's 1 s */
    assert_int_equal(c.base_reachable_time_ms, 30000);
    assert_int_equal(berth_nd6_params_get(h->ifp, &p), 0);
    p.rtr_solicits = -2;
    assert_int_equal(berth_nd6_params_set(h->ifp, &p), -1);
    assert_int_equal(errno, EINVAL);
    p.rtr_solicits = -1;
    p.accept_dad = 0;
    assert_int_equal(berth_nd6_params_set(h->ifp, &p), 0);
    struct in6_addr a = a6("2001:db8::7");
    assert_int_equal(berth_netif_addr6_add(h->ifp, &a, 64), 0);
    assert_int_equal(addr_flags(h, "2001:db8::7"), 0x10000u | BERTH_IFA_F_PERMANENT);
    berth_netif *lo = berth_netif_by_name(h->st, "lo");
    assert_non_null(lo);
    assert_int_equal(berth_nd6_params_get(lo, &p), -1);
    assert_int_equal(errno, EOPNOTSUPP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_linklocal_dad_rs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ns_na, setup, teardown),
        cmocka_unit_test_setup_teardown(test_na_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dad_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ra_slaac, setup, teardown),
        cmocka_unit_test_setup_teardown(test_down_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
