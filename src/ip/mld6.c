/* mld6.c — the multicast groups an Ethernet interface listens to and
 * their MLDv2 reports (RFC 3810), after Linux's net/ipv6/mcast.c.
 *
 * An interface is in ff02::1 (all nodes, never reported: RFC 3810 6) and
 * in the solicited-node group of each of its addresses, tentative ones
 * included (DAD must hear the other claimant's NS). A group that appears
 * (its first address) or goes (its last) is a state change: an MLDv2
 * report with a CHANGE_TO_EXCLUDE (join) or CHANGE_TO_INCLUDE (leave)
 * record for it goes to ff02::16 at once and again after a random time
 * below the unsolicited report interval (mldv2_unsolicited_report_interval,
 * 1 s), robustness (2) times in all, as mld_ifc_event does. Reports go
 * from our link-local address, or from :: while it is tentative (RFC 3810
 * 5.2.13), with hop limit 1 and a router alert. A general query is
 * answered with a current-state report (MODE_IS_EXCLUDE per group) after
 * a random delay below its maximum response delay.
 *
 * Not done: MLDv1 compatibility mode, group- and source-specific queries
 * (answered like general ones), groups joined by sockets. Membership
 * itself (what ip6_input accepts) is ip6_mc_member in route6.c.
 */
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip6.h"
#include "ip/nd6.h"
#include "netif/netif_impl.h"

#define MLD2_MODE_IS_EXCLUDE 2
#define MLD2_CHANGE_TO_INCLUDE 3
#define MLD2_CHANGE_TO_EXCLUDE 4
#define MLD_QRV 2                   /* robustness variable (mc_qrv) */
#define MLD_UNSOLICITED_US 1000000u /* mldv2_unsolicited_report_interval */

static const struct in6_addr mld2_routers = {
    {{0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16}}};

/* How many addresses of ifp have g as their solicited-node group. */
static unsigned sn_users(const struct berth_netif *ifp, const struct in6_addr *g)
{
    unsigned n = 0;
    struct in6_addr s;
    for (const struct ifaddr6 *a = ifp->addrs6; a; a = a->next) {
        nd6_solicited_node(&a->addr, &s);
        n += IN6_ARE_ADDR_EQUAL(&s, g);
    }
    return n;
}

static void change(struct berth_netif *ifp, const struct in6_addr *g, uint8_t type)
{
    struct nd6_if *n = nd6_of(ifp);
    struct mld_change *slot = NULL;
    for (unsigned i = 0; i < MLD_CHANGES; i++) {
        struct mld_change *c = &n->changes[i];
        if (c->left && IN6_ARE_ADDR_EQUAL(&c->group, g)) {
            slot = c; /* a join cancels a pending leave and back */
            break;
        }
        if (!c->left && !slot)
            slot = c;
    }
    if (!slot) {
        /* More changes at once than slots: the oldest one is cut short. */
        slot = &n->changes[0];
    }
    slot->group = *g;
    slot->type = type;
    slot->left = MLD_QRV;
    if (ifp->flags & BERTH_IFF_UP) {
        /* mld_ifc_start_work(idev, 1): one jiffy (4 ms at HZ=250). Sooner,
         * a TAP device's kernel side being brought up at that moment
         * stopped answering ARP (test_tap.roundtrip_thread). */
        n->mld_at = st_now(ifp->st) + 4000;
        addrconf6_rearm(ifp);
    }
}

void mld6_join(struct berth_netif *ifp, const struct in6_addr *g)
{
    if (sn_users(ifp, g) == 1) /* the address just added is the first */
        change(ifp, g, MLD2_CHANGE_TO_EXCLUDE);
}

void mld6_leave(struct berth_netif *ifp, const struct in6_addr *g)
{
    if (sn_users(ifp, g) == 1) /* the address going is the last */
        change(ifp, g, MLD2_CHANGE_TO_INCLUDE);
}

void mld6_ifup(struct berth_netif *ifp)
{
    struct in6_addr g;
    for (const struct ifaddr6 *a = ifp->addrs6; a; a = a->next) {
        nd6_solicited_node(&a->addr, &g);
        change(ifp, &g, MLD2_CHANGE_TO_EXCLUDE);
    }
}

void mld6_dad_complete(struct berth_netif *ifp)
{
    struct nd6_if *n = nd6_of(ifp);
    struct in6_addr g;
    for (const struct ifaddr6 *a = ifp->addrs6; a; a = a->next) {
        nd6_solicited_node(&a->addr, &g);
        change(ifp, &g, MLD2_CHANGE_TO_EXCLUDE);
    }
    mld6_timer(ifp, n->mld_at = st_now(ifp->st)); /* at once */
}

static unsigned put_record(uint8_t *r, uint8_t type, const struct in6_addr *g)
{
    memset(r, 0, 4);
    r[0] = type;
    memcpy(r + 4, g, 16);
    return 20;
}

/* One report with the given records (at most MLD_CHANGES + the current
 * state of every address's group, bounded by the message buffer). */
static void send_report(struct berth_netif *ifp, const uint8_t *recs, unsigned nrec, unsigned len)
{
    struct nd6_if *n = nd6_of(ifp);
    uint8_t m[8 + 20 * 16];
    if (!nrec || 8 + len > sizeof(m))
        return;
    memset(m, 0, 8);
    m[0] = MLD2_LISTENER_REPORT;
    m[6] = (uint8_t)(nrec >> 8);
    m[7] = (uint8_t)nrec;
    memcpy(m + 8, recs, len);
    struct in6_addr src = in6addr_any;
    nd6_lladdr(ifp, &src);
    n->s.mld_reports_sent++;
    nd6_send_icmp(ifp, &src, &mld2_routers, 1, m, 8 + len, true, NULL);
}

void mld6_timer(struct berth_netif *ifp, uint64_t now)
{
    struct nd6_if *n = nd6_of(ifp);
    uint8_t recs[20 * 16];
    if (n->mld_at && now >= n->mld_at) {
        n->mld_at = 0;
        unsigned nrec = 0, len = 0;
        bool more = false;
        for (unsigned i = 0; i < MLD_CHANGES; i++) {
            struct mld_change *c = &n->changes[i];
            if (!c->left)
                continue;
            len += put_record(recs + len, c->type, &c->group);
            nrec++;
            more |= --c->left > 0;
        }
        if (ifp->flags & BERTH_IFF_UP)
            send_report(ifp, recs, nrec, len);
        if (more)
            n->mld_at = now + 1 + (stack_random32(ifp->st) % MLD_UNSOLICITED_US);
    }
    if (n->mld_query_at && now >= n->mld_query_at) {
        n->mld_query_at = 0;
        unsigned nrec = 0, len = 0;
        struct in6_addr g;
        for (const struct ifaddr6 *a = ifp->addrs6; a && nrec < 16; a = a->next) {
            nd6_solicited_node(&a->addr, &g);
            bool dup = false;
            for (unsigned i = 0; i < nrec; i++)
                dup |= !memcmp(recs + 20 * i + 4, &g, 16);
            if (!dup) {
                len += put_record(recs + len, MLD2_MODE_IS_EXCLUDE, &g);
                nrec++;
            }
        }
        if (ifp->flags & BERTH_IFF_UP)
            send_report(ifp, recs, nrec, len);
    }
}

void mld6_input(struct berth_stack *st, struct pkt *p)
{
    struct berth_netif *ifp = p->ifp;
    struct nd6_if *n = ifp && ifp->link == BERTH_LINK_ETHERNET ? nd6_of(ifp) : NULL;
    const uint8_t *m = p->data;
    if (m[0] == MLD_LISTENER_QUERY)
        SNMP_INC(st, Icmp6, InGroupMembQueries);
    else if (m[0] == MLD2_LISTENER_REPORT)
        SNMP_INC(st, Icmp6, InMLDv2Reports);
    else if (m[0] == MLD_LISTENER_REPORT)
        SNMP_INC(st, Icmp6, InGroupMembResponses);
    else if (m[0] == MLD_LISTENER_REDUCTION)
        SNMP_INC(st, Icmp6, InGroupMembReductions);
    /* A query (24 bytes: MLDv1, 28 or more: MLDv2) from a link-local
     * source with hop limit 1 (RFC 3810 5.1.14, igmp6_event_query). */
    if (n && p->len >= 24 && m[0] == MLD_LISTENER_QUERY && p->ttl == 1 &&
        IN6_IS_ADDR_LINKLOCAL(&p->src.in6)) {
        struct in6_addr g;
        memcpy(&g, m + 8, 16);
        if (IN6_IS_ADDR_UNSPECIFIED(&g) || ip6_mc_member(ifp, &g)) {
            /* Maximum Response Code, in ms (RFC 3810 5.1.3; MLDv1: the
             * Maximum Response Delay). */
            uint32_t code = (uint32_t)(m[4] << 8 | m[5]), mrd = code;
            if (p->len >= 28 && code >= 32768)
                mrd = ((code & 0x0fffu) | 0x1000u) << (((code >> 12) & 7) + 3);
            uint64_t when = st_now(st) + 1 + (mrd ? (stack_random32(st) % mrd) * 1000ull : 0);
            if (!n->mld_query_at || when < n->mld_query_at)
                n->mld_query_at = when;
            addrconf6_rearm(ifp);
        }
    }
    pkt_free(st, p);
}
