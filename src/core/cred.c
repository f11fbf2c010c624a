/* cred.c — credentials recorded by each new socket (euid, CAP_NET_BIND_SERVICE).
 *
 * berth_cred_set applies to the calling thread (a small thread-local table of
 * per-stack overrides), so on the posix flavour two threads can act as two
 * users; a single-threaded program sees per-stack behaviour. Threads that
 * never called it ask berth_config.cred_current, if set (berth/posix.h: the
 * OS's credentials of the thread, read at that moment), else use the
 * stack's default (the process's euid). Without BERTH_WITH_POSIX (bare
 * metal: no threads) there is no thread-local table.
 */
#include <string.h>

#include "core/stack_impl.h"

#if BERTH_WITH_POSIX
#define CRED_SLOTS 8

/* A slot names its stack by address and by the stack's secret, so a new
 * stack allocated where a freed one was does not inherit its credentials. */
static _Thread_local struct {
    const struct berth_stack *st;
    uint64_t tag;
    struct berth_cred cred;
} cred_tls[CRED_SLOTS];

static bool slot_is(int i, const struct berth_stack *st)
{
    return cred_tls[i].st == st && cred_tls[i].tag == st->secret[0];
}

void berth_cred_set(berth_stack *st, const struct berth_cred *cred)
{
    int free_slot = -1;
    for (int i = 0; i < CRED_SLOTS; i++) {
        if (slot_is(i, st)) {
            cred_tls[i].cred = *cred;
            return;
        }
        if ((!cred_tls[i].st || cred_tls[i].st == st) && free_slot < 0)
            free_slot = i;
    }
    if (free_slot >= 0) {
        cred_tls[free_slot].st = st;
        cred_tls[free_slot].tag = st->secret[0];
        cred_tls[free_slot].cred = *cred;
    } else {
        /* Out of slots: fall back to changing the stack's default. */
        st_lock(st);
        st->cred = *cred;
        st_unlock(st);
    }
}

/* The caller's credentials: an explicit berth_cred_set of this thread, else
 * the configured live source (asked each time: a program may change its
 * credentials between two calls), else the stack's defaults. */
void stack_cred_current(struct berth_stack *st, struct berth_cred *out)
{
    for (int i = 0; i < CRED_SLOTS; i++)
        if (slot_is(i, st)) {
            *out = cred_tls[i].cred;
            return;
        }
    *out = st->cred;
    if (st->cfg.cred_current)
        st->cfg.cred_current(st->cfg.cred_arg, out);
}

#else
/* No threads: the credentials are the stack's own. */
void berth_cred_set(berth_stack *st, const struct berth_cred *cred)
{
    st_lock(st);
    st->cred = *cred;
    st_unlock(st);
}

void stack_cred_current(struct berth_stack *st, struct berth_cred *out)
{
    *out = st->cred;
    if (st->cfg.cred_current)
        st->cfg.cred_current(st->cfg.cred_arg, out);
}
#endif

void berth_cred_get(berth_stack *st, struct berth_cred *cred) { stack_cred_current(st, cred); }
