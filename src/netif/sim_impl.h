/* sim_impl.h — what the simulation core (sim.c) offers the links (vlink.c).
 *
 * The event queue is generic: an event is a callback and its argument, run
 * at a virtual time. Links schedule one event per frame copy; the
 * simulation owns the links so that berth_sim_free can release them after
 * the hosts (whose interfaces point into the links) are gone.
 */
#ifndef BERTH_NETIF_SIM_IMPL_H
#define BERTH_NETIF_SIM_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "berth/sim.h"

/* run is false when the simulation is freed with the event still pending:
 * the callback then only releases arg. */
typedef void (*sim_event_fn)(void *arg, bool run);

/* Run fn(arg, true) at virtual time t (never earlier than now). Events at
 * the same time run in the order they were scheduled. 0 or ENOMEM. */
int sim_schedule(berth_sim *sim, uint64_t t, sim_event_fn fn, void *arg);

/* 64 bits from the simulation's seeded generator (to seed a link's own). */
uint64_t sim_random64(berth_sim *sim);

/* Is st a host of this simulation? */
bool sim_owns_host(const berth_sim *sim, const berth_stack *st);

/* Hand a link to the simulation, which frees it (vlink_free) last. 0 or
 * ENOMEM. */
int sim_add_link(berth_sim *sim, berth_vlink *link);
void vlink_free(berth_vlink *link);

#endif
