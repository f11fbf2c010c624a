/* vlink.c — a virtual wire (two ports) or hub (more): every frame a port
 * sends is delivered to every other port, through a fault model applied at
 * the sender's egress, like Linux netem on the sending interface.
 *
 * Per frame, in this order: loss; bandwidth (the sending port serialises one
 * frame at a time); queue limit (tail drop when too many frames wait on the
 * port); latency plus uniform jitter; reorder (held back reorder_us more);
 * duplicate (a second copy 1 us later). A hub applies the decisions once per
 * frame and delivers that frame to every other port at the same time.
 *
 * Each link draws from its own generator, seeded from the simulation's when
 * the link is created, and always draws the same four numbers per frame
 * whatever the parameters: the same seed then loses the same frames when
 * only the latency is changed, and the traffic on one link cannot shift the
 * fault pattern of another.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "berth/sim.h"
#include "core/stack_impl.h"
#include "netif/netif_impl.h"
#include "netif/sim_impl.h"
#include "sys/rng.h"

struct vport {
    berth_vlink *link;
    berth_netif *ifp; /* NULL once the interface is removed */
    /* Serialisation, in nanoseconds so sub-microsecond frame times add up
     * exactly: when the transmitter is free, and a FIFO of the end times of
     * the frames still being serialised (their count is the queue length). */
    uint64_t tx_free_ns;
    uint64_t *q;
    unsigned qhead, qlen, qcap;
};

struct berth_vlink {
    berth_sim *sim;
    struct berth_link_params p;
    struct rng rng;
    struct vport **ports; /* pointers: a port is its interface's drv_ctx */
    unsigned nports, portcap;
    struct berth_vlink_stats stats;
};

/* A frame copy in flight: delivered to every port but `from`. */
struct vframe {
    struct vport *from;
    size_t len;
    uint8_t data[];
};

void berth_link_params_init(struct berth_link_params *p)
{
    memset(p, 0, sizeof(*p));
    p->queue_limit = 1000;
}

berth_vlink *berth_vlink_new(berth_sim *sim, const struct berth_link_params *params)
{
    berth_vlink *l = calloc(1, sizeof(*l));
    if (!l || sim_add_link(sim, l)) {
        free(l);
        errno = ENOMEM;
        return NULL;
    }
    l->sim = sim;
    if (params)
        l->p = *params;
    else
        berth_link_params_init(&l->p);
    rng_seed(&l->rng, sim_random64(sim));
    return l;
}

void vlink_free(berth_vlink *l)
{
    for (unsigned i = 0; i < l->nports; i++) {
        free(l->ports[i]->q);
        free(l->ports[i]);
    }
    free(l->ports);
    free(l);
}

void berth_vlink_set_params(berth_vlink *l, const struct berth_link_params *params)
{
    l->p = *params;
}

void berth_vlink_stats(const berth_vlink *l, struct berth_vlink_stats *out) { *out = l->stats; }

/* ---- the serialisation queue of a port ---- */

static void q_expire(struct vport *port, uint64_t now_ns)
{
    while (port->qlen && port->q[port->qhead] <= now_ns) {
        port->qhead = (port->qhead + 1) % port->qcap;
        port->qlen--;
    }
}

static int q_push(struct vport *port, uint64_t end_ns)
{
    if (port->qlen == port->qcap) {
        unsigned ncap = port->qcap ? port->qcap * 2 : 16;
        uint64_t *nq = malloc(ncap * sizeof(*nq));
        if (!nq)
            return ENOMEM;
        for (unsigned i = 0; i < port->qlen; i++) /* unwrap into the new ring */
            nq[i] = port->q[(port->qhead + i) % port->qcap];
        free(port->q);
        port->q = nq;
        port->qcap = ncap;
        port->qhead = 0;
    }
    port->q[(port->qhead + port->qlen) % port->qcap] = end_ns;
    port->qlen++;
    return 0;
}

/* ---- transmit and delivery ---- */

static void vl_deliver(void *arg, bool run)
{
    struct vframe *f = arg;
    if (run) {
        berth_vlink *l = f->from->link;
        /* By index: a receiving host may attach a port while it processes. */
        for (unsigned i = 0; i < l->nports; i++) {
            struct vport *to = l->ports[i];
            if (to == f->from || !to->ifp)
                continue;
            l->stats.delivered++;
            berth_netif_input(to->ifp, f->data, f->len);
        }
    }
    free(f);
}

static int schedule_copy(struct vport *from, uint64_t t, const void *pkt, size_t len)
{
    struct vframe *f = malloc(sizeof(*f) + len);
    if (!f)
        return ENOMEM;
    f->from = from;
    f->len = len;
    memcpy(f->data, pkt, len);
    if (sim_schedule(from->link->sim, t, vl_deliver, f)) {
        free(f);
        return ENOMEM;
    }
    return 0;
}

/* Serialise a frame on the port: returns when its last bit leaves (us), or
 * BERTH_FOREVER when the queue is full (tail drop) or memory ran out. */
static uint64_t serialise(struct vport *port, uint64_t now, size_t len)
{
    const struct berth_link_params *p = &port->link->p;
    if (!p->bandwidth_bps)
        return now;
    uint64_t now_ns = now * 1000;
    q_expire(port, now_ns);
    unsigned limit = p->queue_limit ? p->queue_limit : 1000;
    if (port->qlen >= limit)
        return BERTH_FOREVER;
    uint64_t start = port->tx_free_ns > now_ns ? port->tx_free_ns : now_ns;
    uint64_t bits = (uint64_t)len * 8;
    uint64_t x = bits * 1000000000u; /* < 2^50: no overflow */
    uint64_t end = start + x / p->bandwidth_bps + (x % p->bandwidth_bps != 0);
    if (q_push(port, end))
        return BERTH_FOREVER;
    port->tx_free_ns = end;
    return (end + 999) / 1000;
}

static int vl_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    struct vport *port = ctx;
    berth_vlink *l = port->link;
    const struct berth_link_params *p = &l->p;
    struct berth_stack *st = ifp->st;
    uint64_t now = berth_sim_now(l->sim);
    double u_loss = rng_unit(&l->rng);
    uint64_t r_jitter = rng_next(&l->rng);
    double u_reorder = rng_unit(&l->rng);
    double u_dup = rng_unit(&l->rng);

    l->stats.sent++;
    if (u_loss < p->loss) {
        l->stats.lost++;
        TRACE(st, "vlink %s: frame of %zu bytes lost", ifp->name, len);
        return 0; /* netem: a lost frame counts as sent */
    }
    uint64_t t = serialise(port, now, len);
    if (t == BERTH_FOREVER) {
        l->stats.queue_drops++;
        TRACE(st, "vlink %s: queue full, frame of %zu bytes dropped", ifp->name, len);
        return ENOBUFS; /* a full qdisc: NET_XMIT_DROP */
    }
    t += p->latency_us;
    if (p->jitter_us)
        t += p->jitter_us == UINT64_MAX ? r_jitter : r_jitter % (p->jitter_us + 1);
    if (u_reorder < p->reorder) {
        l->stats.reordered++;
        t += p->reorder_us;
        TRACE(st, "vlink %s: frame of %zu bytes held back %llu us", ifp->name, len,
              (unsigned long long)p->reorder_us);
    }
    if (schedule_copy(port, t, pkt, len))
        return ENOBUFS;
    if (u_dup < p->duplicate && schedule_copy(port, t + 1, pkt, len) == 0) {
        l->stats.duplicated++;
        TRACE(st, "vlink %s: frame of %zu bytes duplicated", ifp->name, len);
    }
    return 0;
}

static void vl_detach(void *ctx, berth_netif *ifp)
{
    (void)ifp;
    struct vport *port = ctx;
    port->ifp = NULL; /* frames still in flight to it are dropped */
}

static const struct berth_netif_driver vlink_driver = {.transmit = vl_transmit,
                                                       .detach = vl_detach};
/* The same wire carrying Ethernet frames (a hub: every port hears every
 * frame, the MAC addresses decide). */
static const struct berth_netif_driver vlink_eth_driver = {
    .transmit = vl_transmit, .detach = vl_detach, .link = BERTH_LINK_ETHERNET};

static berth_netif *attach(berth_vlink *l, berth_stack *st, const char *ifname, unsigned mtu,
                           const struct berth_netif_driver *drv)
{
    /* Deliveries run on the simulation's clock: a stack on another platform
     * would see its packets at times from a different clock. */
    if (!sim_owns_host(l->sim, st)) {
        errno = EINVAL;
        return NULL;
    }
    if (l->nports == l->portcap) {
        unsigned ncap = l->portcap ? l->portcap * 2 : 2;
        struct vport **np = realloc(l->ports, ncap * sizeof(*np));
        if (!np) {
            errno = ENOMEM;
            return NULL;
        }
        l->ports = np;
        l->portcap = ncap;
    }
    struct vport *port = calloc(1, sizeof(*port));
    if (!port) {
        errno = ENOMEM;
        return NULL;
    }
    port->link = l;
    berth_netif *ifp = berth_netif_add(st, ifname, mtu, BERTH_IFF_BROADCAST, drv, port);
    if (!ifp) {
        free(port);
        return NULL;
    }
    port->ifp = ifp;
    l->ports[l->nports++] = port;
    berth_netif_set_up(ifp, true);
    return ifp;
}

berth_netif *berth_vlink_attach(berth_vlink *l, berth_stack *st, const char *ifname, unsigned mtu)
{
    return attach(l, st, ifname, mtu, &vlink_driver);
}

berth_netif *berth_vlink_attach_eth(berth_vlink *l, berth_stack *st, const char *ifname,
                                    unsigned mtu)
{
    return attach(l, st, ifname, mtu, &vlink_eth_driver);
}
