/* fault.c — see fault.h. The arithmetic is vlink.c's, frame for frame. */
#include "netif/fault.h"

#include <stdlib.h>
#include <string.h>

#include "berth/platform.h"

bool fault_params_active(const struct berth_link_params *p)
{
    return p->latency_us || p->jitter_us || p->bandwidth_bps || p->loss > 0 || p->duplicate > 0 ||
           p->reorder > 0;
}

void fault_init(struct fault *f, const struct berth_link_params *p, uint64_t seed)
{
    memset(f, 0, sizeof(*f));
    f->p = *p;
    rng_seed(&f->rng, seed);
}

void fault_fini(struct fault *f)
{
    free(f->q);
    f->q = NULL;
}

static void q_expire(struct fault *f, uint64_t now_ns)
{
    while (f->qlen && f->q[f->qhead] <= now_ns) {
        f->qhead = (f->qhead + 1) % f->qcap;
        f->qlen--;
    }
}

static int q_push(struct fault *f, uint64_t end_ns)
{
    if (f->qlen == f->qcap) {
        unsigned ncap = f->qcap ? f->qcap * 2 : 16;
        uint64_t *nq = malloc(ncap * sizeof(*nq));
        if (!nq)
            return -1;
        for (unsigned i = 0; i < f->qlen; i++)
            nq[i] = f->q[(f->qhead + i) % f->qcap];
        free(f->q);
        f->q = nq;
        f->qcap = ncap;
        f->qhead = 0;
    }
    f->q[(f->qhead + f->qlen) % f->qcap] = end_ns;
    f->qlen++;
    return 0;
}

/* When the frame's last bit leaves (us), or BERTH_FOREVER on tail drop. */
static uint64_t serialise(struct fault *f, uint64_t now, size_t len)
{
    const struct berth_link_params *p = &f->p;
    if (!p->bandwidth_bps)
        return now;
    uint64_t now_ns = now * 1000;
    q_expire(f, now_ns);
    unsigned limit = p->queue_limit ? p->queue_limit : 1000;
    if (f->qlen >= limit)
        return BERTH_FOREVER;
    uint64_t start = f->tx_free_ns > now_ns ? f->tx_free_ns : now_ns;
    uint64_t x = (uint64_t)len * 8 * 1000000000u;
    uint64_t end = start + x / p->bandwidth_bps + (x % p->bandwidth_bps != 0);
    if (q_push(f, end))
        return BERTH_FOREVER;
    f->tx_free_ns = end;
    return (end + 999) / 1000;
}

int fault_decide(struct fault *f, uint64_t now, size_t len, uint64_t t[2])
{
    const struct berth_link_params *p = &f->p;
    double u_loss = rng_unit(&f->rng);
    uint64_t r_jitter = rng_next(&f->rng);
    double u_reorder = rng_unit(&f->rng);
    double u_dup = rng_unit(&f->rng);
    f->s.frames++;
    if (u_loss < p->loss) {
        f->s.lost++;
        return 0;
    }
    uint64_t when = serialise(f, now, len);
    if (when == BERTH_FOREVER) {
        f->s.queue_drops++;
        return -1;
    }
    when += p->latency_us;
    if (p->jitter_us)
        when += p->jitter_us == UINT64_MAX ? r_jitter : r_jitter % (p->jitter_us + 1);
    if (u_reorder < p->reorder) {
        f->s.reordered++;
        when += p->reorder_us;
    }
    t[0] = when;
    if (u_dup < p->duplicate) {
        f->s.duplicated++;
        t[1] = when + 1;
        return 2;
    }
    return 1;
}
