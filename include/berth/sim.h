/* berth/sim.h — many hosts in one process on virtual links and virtual time.
 *
 * A berth_sim owns a virtual clock and an event queue. Every stack created
 * with berth_sim_add_host shares that clock; when one of them blocks (recv,
 * poll with a timeout...), its wait hook runs the simulation — link
 * deliveries and every host's timers — in time order until the call can
 * proceed or its deadline passes. Nothing depends on the wall clock or on
 * thread scheduling, so a run with the same seed is identical bit for bit
 * (same events, same pcap files).
 *
 * A vlink is a wire (two ports) or a hub (more ports: every packet goes to
 * every other port) with latency, jitter, bandwidth, loss, duplication and
 * reordering drawn from the simulation's seeded generator.
 */
#ifndef BERTH_SIM_H
#define BERTH_SIM_H

#include <stdint.h>

#include "netif.h"
#include "stack.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct berth_sim berth_sim;
typedef struct berth_vlink berth_vlink;

berth_sim *berth_sim_new(uint64_t seed);
/* Frees the links and every host added with berth_sim_add_host. */
void berth_sim_free(berth_sim *sim);
uint64_t berth_sim_now(const berth_sim *sim);

/* A stack that lives in the simulation (cfg may be NULL for defaults). Its
 * platform is the simulation's, unless cfg->platform is set: that must be
 * berth_sim_platform(sim) wrapped by something that forwards the clock,
 * wait and random hooks to it, such as berth_arena_init (a host whose
 * memory is a small static arena, as on a microcontroller). */
berth_stack *berth_sim_add_host(berth_sim *sim, const char *name, const struct berth_config *cfg);
/* The simulation's platform, to wrap for berth_sim_add_host. */
struct berth_platform berth_sim_platform(berth_sim *sim);

/* Run every event due up to absolute virtual time t_us; the clock ends at
 * t_us. Returns the number of events run. */
unsigned long berth_sim_run_until(berth_sim *sim, uint64_t t_us);
/* Run until no event (link or timer) is pending, or for at most max_us of
 * virtual time. Returns the number of events run. */
unsigned long berth_sim_run_idle(berth_sim *sim, uint64_t max_us);

/* Application code of a host, for single-threaded simulations (a server's
 * event loop): fn(arg, host) runs after every simulation event (a frame
 * delivered, a host's timers run) whenever no call on `host` is in progress,
 * so it can answer with non-blocking calls (MSG_DONTWAIT, poll with timeout
 * 0) while another host blocks in recv. It must not block on `host`. NULL
 * removes it. 0, or -1/ENOENT if host is not in the simulation. */
int berth_sim_set_app(berth_sim *sim, berth_stack *host, void (*fn)(void *arg, berth_stack *host),
                      void *arg);

struct berth_link_params {
    uint64_t latency_us;    /* one-way propagation delay */
    uint64_t jitter_us;     /* uniform extra delay in [0, jitter_us] */
    uint64_t bandwidth_bps; /* 0: infinite; else serialisation delay per port */
    double loss;            /* probability a packet is dropped, 0..1 */
    double duplicate;       /* probability a packet is delivered twice */
    double reorder;         /* probability a packet is held back reorder_us */
    uint64_t reorder_us;    /* extra delay of a reordered packet */
    unsigned queue_limit;   /* packets queued per port before tail drop (0: 1000) */
};
void berth_link_params_init(struct berth_link_params *p);

berth_vlink *berth_vlink_new(berth_sim *sim, const struct berth_link_params *params);
/* Plug a stack into the link: creates interface `ifname` on it (up, no
 * address). */
berth_netif *berth_vlink_attach(berth_vlink *link, berth_stack *st, const char *ifname,
                                unsigned mtu);
/* The same with an Ethernet interface (a random MAC, ARP, IPv6 neighbour
 * discovery): the link becomes a hub of Ethernet ports. Interfaces of
 * both kinds on one link do not understand each other. */
berth_netif *berth_vlink_attach_eth(berth_vlink *link, berth_stack *st, const char *ifname,
                                    unsigned mtu);
void berth_vlink_set_params(berth_vlink *link, const struct berth_link_params *params);

struct berth_vlink_stats {
    uint64_t sent, delivered, lost, duplicated, reordered, queue_drops;
};
void berth_vlink_stats(const berth_vlink *link, struct berth_vlink_stats *out);

#ifdef __cplusplus
}
#endif
#endif
