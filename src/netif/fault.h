/* fault.h — the virtual link's fault model (berth/sim.h, struct
 * berth_link_params) as a piece any driver can apply to its frames: the TAP
 * driver uses it on real traffic because the kernel side has no netem here.
 *
 * Per frame, in this order, exactly as vlink.c: loss; bandwidth (one frame
 * serialised at a time) and queue limit (tail drop); latency plus uniform
 * jitter; reorder (held back reorder_us more); duplicate (a second copy
 * 1 us later). Four numbers are drawn per frame whatever the parameters,
 * so a seed loses the same frames when only the latency changes.
 */
#ifndef BERTH_NETIF_FAULT_H
#define BERTH_NETIF_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "berth/sim.h" /* struct berth_link_params */
#include "sys/rng.h"

struct fault_stats {
    uint64_t frames, lost, duplicated, reordered, queue_drops;
};

struct fault {
    struct berth_link_params p;
    struct rng rng;
    uint64_t tx_free_ns; /* when the serialiser is free */
    uint64_t *q;         /* end times of frames being serialised */
    unsigned qhead, qlen, qcap;
    struct fault_stats s;
};

/* Does p inject anything at all? (If not, a driver can skip the model.) */
bool fault_params_active(const struct berth_link_params *p);
void fault_init(struct fault *f, const struct berth_link_params *p, uint64_t seed);
void fault_fini(struct fault *f);
/* Fate of a frame of len bytes offered at now (us): returns the number of
 * copies to deliver (0: lost, 1, or 2: duplicated) with their delivery
 * times in t[], or -1 when the queue is full (tail drop). */
int fault_decide(struct fault *f, uint64_t now, size_t len, uint64_t t[2]);

#endif
