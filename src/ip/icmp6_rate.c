/* icmp6_rate.c — ICMPv6 output rate limiting (RFC 4443 section 2.4 (f)),
 * as Linux's icmpv6_global_allow + icmpv6_xrlim_allow (net/ipv6/icmp.c)
 * and inet_peer_xrlim_allow (net/ipv4/inetpeer.c):
 *
 *  - types outside net.ipv6.icmp.ratemask (default 0-1,3-127) are never
 *    limited: Packet Too Big (2, which path-MTU discovery needs) and all
 *    informational messages (128-255: echo replies, NDP);
 *  - errors about a packet received on lo are not limited;
 *  - the others need a token of the global bucket both families share
 *    (icmp_global_allow, icmp4.c), then, unless their route leaves
 *    through lo, one of the destination's own bucket: a token every
 *    net.ipv6.icmp.ratelimit (100 ms on Linux 6.x), bursts of 6
 *    (XRLIM_BURST_FACTOR). A refusal there, or no route at all, counts
 *    Icmp6 OutRateLimitHost; a message let through takes the global
 *    token.
 * Measured on Linux 6.18 through a TUN device: 30 port unreachables due
 * at once give 6 messages (24 OutRateLimitHost), again after 1 s idle,
 * and one due every 5 ms gives 10 a second — through a /64 and through a
 * default route alike (a "more bandwidth to wider prefixes"
 * shift is not seen). Time is counted in jiffies of HZ 250 (Debian's).
 *
 * Destination buckets live in a bounded table (Linux's inet_peer tree is
 * garbage-collected): ICMP6_PEER_SLOTS in sets of four by a keyed hash of
 * the destination; a full set recycles its least recently used entry,
 * whose successor starts with a full burst, as a new inet_peer does.
 */
#include <string.h>

#include "core/div64.h"
#include "core/stack_impl.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "ip/icmp6_rate.h"
#include "netif/netif_impl.h"

#ifndef ICMP6_PEER_SLOTS
#define ICMP6_PEER_SLOTS BERTH_PICK(256u, 8u)
#endif
#define ICMP6_PEER_WAYS 4u
#define ICMP6_HZ 250u
#define ICMP6_RATELIMIT_MS 100u /* net.ipv6.icmp.ratelimit */
#define XRLIM_BURST_FACTOR 6u

_Static_assert(ICMP6_PEER_SLOTS % ICMP6_PEER_WAYS == 0 &&
                   ((ICMP6_PEER_SLOTS / ICMP6_PEER_WAYS) &
                    (ICMP6_PEER_SLOTS / ICMP6_PEER_WAYS - 1)) == 0,
               "ICMP6_PEER_SLOTS: ICMP6_PEER_WAYS times a power of two");

struct icmp6_peer {
    struct in6_addr addr;
    uint32_t tokens; /* jiffies of credit */
    uint32_t last;   /* jiffies at the last refill */
    bool used;
};

struct icmp6_peers {
    struct icmp6_peer p[ICMP6_PEER_SLOTS];
};

bool icmp6_type_ratelimited(uint8_t type)
{
    return type <= 1 || (type >= 3 && type <= 127); /* net.ipv6.icmp.ratemask */
}

static uint32_t jiffies(struct berth_stack *st)
{
    return (uint32_t)berth_div64(st_now(st), 1000000u / ICMP6_HZ);
}

static struct icmp6_peer *peer_get(struct berth_stack *st, const struct in6_addr *dst, uint32_t now)
{
    if (!st->icmp6_peers) {
        st->icmp6_peers = st_zalloc(st, sizeof(*st->icmp6_peers));
        if (!st->icmp6_peers)
            return NULL;
    }
    uint32_t h = stack_hash32(st, dst, sizeof(*dst));
    struct icmp6_peer *set =
        &st->icmp6_peers->p[(h & (ICMP6_PEER_SLOTS / ICMP6_PEER_WAYS - 1)) * ICMP6_PEER_WAYS];
    struct icmp6_peer *victim = &set[0];
    for (unsigned i = 0; i < ICMP6_PEER_WAYS; i++) {
        if (set[i].used && !memcmp(&set[i].addr, dst, sizeof(*dst)))
            return &set[i];
        if (!set[i].used)
            victim = &set[i];
        else if (victim->used && (int32_t)(set[i].last - victim->last) < 0)
            victim = &set[i];
    }
    /* inet_getpeer: no tokens, and a last refill 60 s ago so the first
     * refill fills the bucket. */
    victim->used = true;
    victim->addr = *dst;
    victim->tokens = 0;
    victim->last = now - 60u * ICMP6_HZ;
    return victim;
}

/* inet_peer_xrlim_allow */
static bool peer_allow(struct icmp6_peer *p, uint32_t now, uint32_t tmo)
{
    uint32_t delta = now - p->last;
    if (delta) {
        p->last = now;
        uint64_t t = (uint64_t)p->tokens + delta;
        if (t > (uint64_t)XRLIM_BURST_FACTOR * tmo)
            t = (uint64_t)XRLIM_BURST_FACTOR * tmo;
        p->tokens = (uint32_t)t;
    }
    if (p->tokens >= tmo) {
        p->tokens -= tmo;
        return true;
    }
    return false;
}

bool icmp6_rate_allow(struct berth_stack *st, uint8_t type, const struct in6_addr *dst,
                      const struct berth_netif *in_ifp)
{
    if (!icmp6_type_ratelimited(type))
        return true;
    if (in_ifp && in_ifp->is_loopback)
        return true;
    if (!icmp_global_allow(st))
        return false;
    /* A scoped destination is reached through the interface the packet
     * came in on (icmp6_send's flowi6_oif). */
    bool scoped =
        dst->s6_addr[0] == 0xff || (dst->s6_addr[0] == 0xfe && (dst->s6_addr[1] & 0xc0) == 0x80);
    struct in6_addr nh;
    berth_netif *ifp = ip6_route_lookup(st, dst, scoped && in_ifp ? in_ifp->index : 0, &nh);
    bool ok;
    if (!ifp) {
        SNMP_INC(st, Ip6, OutNoRoutes);
        ok = false;
    } else if (ifp->is_loopback) {
        ok = true;
    } else {
        uint32_t tmo = ICMP6_RATELIMIT_MS * ICMP6_HZ / 1000u;
        uint32_t now = jiffies(st);
        struct icmp6_peer *p = peer_get(st, dst, now);
        ok = !p || peer_allow(p, now, tmo);
    }
    if (!ok)
        SNMP_INC(st, Icmp6, OutRateLimitHost);
    else
        icmp_global_consume(st);
    return ok;
}

void icmp6_rate_fini(struct berth_stack *st)
{
    st_free(st, st->icmp6_peers);
    st->icmp6_peers = NULL;
}
