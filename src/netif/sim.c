/* sim.c — the simulation: one virtual clock, one event queue, many hosts.
 *
 * Two kinds of event exist. Link events (frame deliveries) sit in a binary
 * heap ordered by (time, sequence number); the sequence number makes events
 * scheduled for the same microsecond run in scheduling order, so nothing
 * depends on heap internals. Host timers stay in each stack; the simulation
 * asks every host for its next deadline instead of mirroring them, so a
 * timer armed or cancelled anywhere is seen without any bookkeeping. The
 * next event is the earliest of both; on a tie link events run first, then
 * hosts in the order they were added.
 *
 * Hosts share this file's platform: its wait hook runs the simulation one
 * event at a time, so a host blocked in recv lets packets fly and other
 * hosts' timers fire until it can proceed. Everything is single-threaded:
 * lock, unlock and wake are no-ops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "berth/sim.h"
#include "netif/sim_impl.h"
#include "sys/rng.h"

struct sim_ev {
    uint64_t t, seq;
    sim_event_fn fn;
    void *arg;
};

struct sim_host {
    berth_stack *st;
    void (*app)(void *arg, berth_stack *host);
    void *app_arg;
    unsigned waiting; /* nesting depth of this host's blocking calls */
    bool in_app;
};

struct berth_sim {
    uint64_t now;
    uint64_t seq; /* next event sequence number */
    struct rng rng;
    struct berth_platform plat;
    struct sim_ev *heap;
    size_t nev, evcap;
    struct sim_host *hosts; /* addressed by index: the array may move */
    size_t nhosts, hostcap;
    berth_vlink **links;
    size_t nlinks, linkcap;
};

/* arr (elements of size sz, n used, *cap allocated), grown if full so that
 * one more fits. NULL on exhaustion, arr left as it was. */
static void *grow(void *arr, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(arr, ncap * sz);
    if (p)
        *cap = ncap;
    return p;
}

/* ---- event heap ---- */

static bool ev_before(const struct sim_ev *a, const struct sim_ev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

int sim_schedule(berth_sim *sim, uint64_t t, sim_event_fn fn, void *arg)
{
    struct sim_ev *heap = grow(sim->heap, &sim->evcap, sim->nev, sizeof(*heap));
    if (!heap)
        return ENOMEM;
    sim->heap = heap;
    struct sim_ev e = {.t = t < sim->now ? sim->now : t, .seq = sim->seq++, .fn = fn, .arg = arg};
    size_t i = sim->nev++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!ev_before(&e, &sim->heap[parent]))
            break;
        sim->heap[i] = sim->heap[parent];
        i = parent;
    }
    sim->heap[i] = e;
    return 0;
}

static struct sim_ev heap_pop(berth_sim *sim)
{
    struct sim_ev top = sim->heap[0];
    struct sim_ev last = sim->heap[--sim->nev];
    size_t i = 0, n = sim->nev;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ev_before(&sim->heap[c + 1], &sim->heap[c]))
            c++;
        if (!ev_before(&sim->heap[c], &last))
            break;
        sim->heap[i] = sim->heap[c];
        i = c;
    }
    if (n)
        sim->heap[i] = last;
    return top;
}

/* ---- choosing and running the next event ---- */

struct next {
    enum { NEXT_NONE, NEXT_LINK, NEXT_HOST } kind;
    uint64_t t;
    size_t host;
};

static struct next sim_next(berth_sim *sim)
{
    struct next n = {NEXT_NONE, BERTH_FOREVER, 0};
    if (sim->nev) {
        n.kind = NEXT_LINK;
        n.t = sim->heap[0].t;
    }
    for (size_t i = 0; i < sim->nhosts; i++) {
        uint64_t d = berth_stack_next_deadline(sim->hosts[i].st);
        if (d == BERTH_FOREVER)
            continue;
        if (d < sim->now)
            d = sim->now; /* time never goes back: a late timer runs now */
        if (n.kind == NEXT_NONE || d < n.t)
            n = (struct next){NEXT_HOST, d, i};
    }
    return n;
}

/* Application hooks run after each event, in host order, for hosts that are
 * not inside a call of their own (the waiting host is mid-call). */
static void run_apps(berth_sim *sim)
{
    for (size_t i = 0; i < sim->nhosts; i++) {
        struct sim_host *h = &sim->hosts[i];
        if (!h->app || h->waiting || h->in_app)
            continue;
        h->in_app = true;
        h->app(h->app_arg, h->st);
        sim->hosts[i].in_app = false; /* the app may have added a host */
    }
}

static void sim_step(berth_sim *sim, const struct next *n)
{
    if (n->t > sim->now)
        sim->now = n->t;
    if (n->kind == NEXT_LINK) {
        struct sim_ev e = heap_pop(sim);
        e.fn(e.arg, true);
    } else {
        berth_stack_poll(sim->hosts[n->host].st); /* its due timers */
    }
    run_apps(sim);
}

static void advance_to(berth_sim *sim, uint64_t t)
{
    if (t != BERTH_FOREVER && t > sim->now)
        sim->now = t;
}

/* ---- the platform ---- */

static uint64_t sp_now(void *ctx) { return ((berth_sim *)ctx)->now; }
static void sp_nop(void *ctx) { (void)ctx; }
static void sp_random(void *ctx, void *buf, size_t n)
{
    rng_fill(&((berth_sim *)ctx)->rng, buf, n);
}

static void *sp_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void sp_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static struct sim_host *host_of(berth_sim *sim, const berth_stack *st)
{
    for (size_t i = 0; i < sim->nhosts; i++)
        if (sim->hosts[i].st == st)
            return &sim->hosts[i];
    return NULL;
}

/* The heart: a host cannot proceed before `deadline`. Run one event if one
 * is due by then (the caller re-checks its condition after each), else move
 * the clock to the deadline. Delivering to the waiting host itself is fine:
 * it waits at a consistent point, and input is processed as on any call. */
static int sp_wait(void *ctx, berth_stack *st, uint64_t deadline)
{
    berth_sim *sim = ctx;
    struct next n = sim_next(sim);
    if (n.kind == NEXT_NONE && deadline == BERTH_FOREVER)
        return EDEADLK; /* nothing left that could ever wake the caller */
    if (n.kind == NEXT_NONE || n.t > deadline) {
        advance_to(sim, deadline);
        return ETIMEDOUT;
    }
    struct sim_host *h = host_of(sim, st);
    if (h)
        h->waiting++;
    sim_step(sim, &n);
    if ((h = host_of(sim, st))) /* re-find: an app may have added a host */
        h->waiting--;
    return 0;
}

/* ---- public API ---- */

berth_sim *berth_sim_new(uint64_t seed)
{
    berth_sim *sim = calloc(1, sizeof(*sim));
    if (!sim) {
        errno = ENOMEM;
        return NULL;
    }
    rng_seed(&sim->rng, seed);
    sim->plat = (struct berth_platform){.ctx = sim,
                                        .now_us = sp_now,
                                        .lock = sp_nop,
                                        .unlock = sp_nop,
                                        .wait = sp_wait,
                                        .wake = sp_nop,
                                        .random = sp_random,
                                        .alloc = sp_alloc,
                                        .free = sp_free};
    return sim;
}

void berth_sim_free(berth_sim *sim)
{
    if (!sim)
        return;
    /* Hosts first: removing their interfaces detaches them from the links
     * (closing sockets may still schedule frames; they are dropped below). */
    for (size_t i = sim->nhosts; i-- > 0;)
        berth_stack_free(sim->hosts[i].st);
    while (sim->nev) {
        struct sim_ev e = heap_pop(sim);
        e.fn(e.arg, false);
    }
    for (size_t i = 0; i < sim->nlinks; i++)
        vlink_free(sim->links[i]);
    free(sim->links);
    free(sim->hosts);
    free(sim->heap);
    free(sim);
}

uint64_t berth_sim_now(const berth_sim *sim) { return sim->now; }

/* A simulated host is a machine of its own: its programs act as its root
 * (every capability), whoever runs the simulation — a test run by a user
 * can still serve port 7. berth_cred_set or a cred_current of the caller's
 * config chooses another identity. */
static void sim_cred_root(void *arg, struct berth_cred *out)
{
    (void)arg;
    out->euid = 0;
    out->egid = 0;
    out->cap_net_bind_service = out->cap_net_admin = out->cap_net_raw = true;
}

berth_stack *berth_sim_add_host(berth_sim *sim, const char *name, const struct berth_config *cfg)
{
    struct sim_host *hosts = grow(sim->hosts, &sim->hostcap, sim->nhosts, sizeof(*hosts));
    if (!hosts) {
        errno = ENOMEM;
        return NULL;
    }
    sim->hosts = hosts;
    struct berth_config c;
    if (cfg)
        c = *cfg;
    else
        berth_config_init(&c);
    c.platform = &sim->plat;
    if (name)
        c.name = name;
    if (!c.cred_current)
        c.cred_current = sim_cred_root;
    berth_stack *st = berth_stack_new(&c);
    if (!st)
        return NULL;
    sim->hosts[sim->nhosts++] = (struct sim_host){.st = st};
    return st;
}

int berth_sim_set_app(berth_sim *sim, berth_stack *host, void (*fn)(void *, berth_stack *),
                      void *arg)
{
    struct sim_host *h = host_of(sim, host);
    if (!h) {
        errno = ENOENT;
        return -1;
    }
    h->app = fn;
    h->app_arg = fn ? arg : NULL;
    return 0;
}

unsigned long berth_sim_run_until(berth_sim *sim, uint64_t t_us)
{
    unsigned long n_run = 0;
    for (;;) {
        struct next n = sim_next(sim);
        if (n.kind == NEXT_NONE || n.t > t_us)
            break;
        sim_step(sim, &n);
        n_run++;
    }
    advance_to(sim, t_us);
    return n_run;
}

unsigned long berth_sim_run_idle(berth_sim *sim, uint64_t max_us)
{
    uint64_t limit = max_us > BERTH_FOREVER - sim->now ? BERTH_FOREVER : sim->now + max_us;
    unsigned long n_run = 0;
    for (;;) {
        struct next n = sim_next(sim);
        if (n.kind == NEXT_NONE)
            break; /* idle: the clock stays at the last event */
        if (n.t > limit) {
            advance_to(sim, limit);
            break;
        }
        sim_step(sim, &n);
        n_run++;
    }
    return n_run;
}

/* ---- for the links ---- */

uint64_t sim_random64(berth_sim *sim) { return rng_next(&sim->rng); }

bool sim_owns_host(const berth_sim *sim, const berth_stack *st)
{
    return host_of((berth_sim *)sim, st) != NULL;
}

int sim_add_link(berth_sim *sim, berth_vlink *link)
{
    berth_vlink **links = grow(sim->links, &sim->linkcap, sim->nlinks, sizeof(*links));
    if (!links)
        return ENOMEM;
    sim->links = links;
    sim->links[sim->nlinks++] = link;
    return 0;
}
