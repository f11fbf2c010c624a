/* ip6_pmtu.c — the IPv6 path-MTU cache (RFC 8201).
 *
 * What Linux keeps as RTF_CACHE route exceptions carrying an MTU metric
 * (net/ipv6/route.c: __ip6_rt_update_pmtu, rt6_do_update_pmtu), berth
 * keeps as a small table of (destination, MTU, expiry):
 *  - a Packet Too Big below IPV6_MIN_MTU (1280) is ignored (RFC 8201
 *    section 4; Linux 6.18 ignores it rather than clamping it to 1280, as
 *    measured), and so is
 *    one that does not lower the path MTU now in force;
 *  - an entry lives ip6_rt_mtu_expires (600 s) from the latest PTB that
 *    lowered it, then the link's MTU applies again (RFC 8201 section 4's
 *    "attempt to detect an increase");
 *  - the table is bounded: IP6_PMTU_SLOTS entries in sets of four, by a
 *    keyed hash of the destination, so a flood of PTBs for made-up
 *    destinations evicts only within one set and costs no memory beyond
 *    the table. A full set gives the slot of the entry expiring first.
 * A stack that never received a PTB has no table: ip6_path_mtu is then
 * the link's MTU at the cost of one pointer test.
 */
#include <string.h>

#include "core/stack_impl.h"
#include "ip/ip6.h"
#include "netif/netif_impl.h"

#ifndef IP6_PMTU_SLOTS
#define IP6_PMTU_SLOTS BERTH_PICK(256u, 8u) /* a multiple of IP6_PMTU_WAYS, sets a power of two */
#endif
#define IP6_PMTU_WAYS 4u
#define IP6_PMTU_EXPIRES_US (600ull * 1000000u) /* net.ipv6.route.mtu_expires */

_Static_assert(IP6_PMTU_SLOTS % IP6_PMTU_WAYS == 0 &&
                   ((IP6_PMTU_SLOTS / IP6_PMTU_WAYS) & (IP6_PMTU_SLOTS / IP6_PMTU_WAYS - 1)) == 0,
               "IP6_PMTU_SLOTS: IP6_PMTU_WAYS times a power of two");

struct ip6_pmtu_ent {
    struct in6_addr dst;
    uint32_t mtu; /* 0: a free slot */
    uint64_t expires;
};

struct ip6_pmtu {
    struct ip6_pmtu_ent e[IP6_PMTU_SLOTS];
};

static struct ip6_pmtu_ent *set_of(const struct berth_stack *st, struct ip6_pmtu *t,
                                   const struct in6_addr *dst)
{
    uint32_t h = stack_hash32(st, dst, sizeof(*dst));
    return &t->e[(h & (IP6_PMTU_SLOTS / IP6_PMTU_WAYS - 1)) * IP6_PMTU_WAYS];
}

/* The live entry for dst, or NULL (an expired one is freed on the way). */
static struct ip6_pmtu_ent *pmtu_find(struct berth_stack *st, const struct in6_addr *dst)
{
    struct ip6_pmtu *t = st->pmtu6;
    if (!t)
        return NULL;
    struct ip6_pmtu_ent *set = set_of(st, t, dst);
    for (unsigned i = 0; i < IP6_PMTU_WAYS; i++) {
        struct ip6_pmtu_ent *e = &set[i];
        if (!e->mtu || memcmp(&e->dst, dst, sizeof(*dst)) != 0)
            continue;
        if (e->expires <= st_now(st)) {
            e->mtu = 0;
            return NULL;
        }
        return e;
    }
    return NULL;
}

unsigned ip6_path_mtu(struct berth_stack *st, const struct in6_addr *dst,
                      const struct berth_netif *ifp)
{
    unsigned link = ifp ? ifp->mtu : IP6_MIN_MTU;
    const struct ip6_pmtu_ent *e = pmtu_find(st, dst);
    return e && e->mtu < link ? e->mtu : link;
}

void ip6_pmtu_update(struct berth_stack *st, const struct in6_addr *dst, unsigned mtu)
{
    if (mtu < IP6_MIN_MTU)
        return;
    /* The path MTU in force: through the route's interface; a scoped
     * destination (link-local) routes only with an interface, so its
     * entry is compared with what was learnt alone, and ip6_path_mtu
     * still caps it by the link's MTU. */
    struct in6_addr nh;
    const struct berth_netif *ifp = ip6_route_lookup(st, dst, 0, &nh);
    if (ifp && ifp->is_loopback)
        return; /* a local destination: lo's MTU is not a path's */
    const struct ip6_pmtu_ent *cur = pmtu_find(st, dst);
    unsigned now_mtu = ifp ? ip6_path_mtu(st, dst, ifp) : cur ? cur->mtu : ~0u;
    if (mtu >= now_mtu)
        return;
    if (!st->pmtu6) {
        st->pmtu6 = st_zalloc(st, sizeof(*st->pmtu6));
        if (!st->pmtu6)
            return;
    }
    uint64_t now = st_now(st);
    struct ip6_pmtu_ent *e = pmtu_find(st, dst);
    if (!e) {
        struct ip6_pmtu_ent *set = set_of(st, st->pmtu6, dst);
        e = &set[0];
        for (unsigned i = 0; i < IP6_PMTU_WAYS; i++) {
            if (!set[i].mtu || set[i].expires <= now) {
                e = &set[i];
                break;
            }
            if (set[i].expires < e->expires)
                e = &set[i];
        }
        e->dst = *dst;
    }
    e->mtu = mtu;
    e->expires = now + IP6_PMTU_EXPIRES_US;
    TRACE(st, "ip6 pmtu: path mtu %u for 600 s", mtu);
}

void ip6_pmtu_fini(struct berth_stack *st)
{
    st_free(st, st->pmtu6);
    st->pmtu6 = NULL;
}
