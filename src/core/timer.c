/* timer.c — sorted intrusive timer list. */
#include "core/timer.h"

#include "core/stack_impl.h"

void timer_init(struct btimer *t, btimer_fn fn)
{
    t->next = t->prev = NULL;
    t->when = 0;
    t->fn = fn;
    t->armed = false;
}

void timer_cancel(struct berth_stack *st, struct btimer *t)
{
    if (!t->armed)
        return;
    if (t->prev)
        t->prev->next = t->next;
    else
        st->timers = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->next = t->prev = NULL;
    t->armed = false;
}

void timer_arm(struct berth_stack *st, struct btimer *t, uint64_t when)
{
    timer_cancel(st, t);
    t->when = when;
    struct btimer **pp = &st->timers, *prev = NULL;
    /* Stable: a timer goes after every timer with the same expiry. */
    while (*pp && (*pp)->when <= when) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    t->next = *pp;
    t->prev = prev;
    if (*pp)
        (*pp)->prev = t;
    *pp = t;
    t->armed = true;
}

void timer_run_due(struct berth_stack *st, uint64_t now)
{
    while (st->timers && st->timers->when <= now) {
        struct btimer *t = st->timers;
        timer_cancel(st, t);
        t->fn(st, t);
    }
}

uint64_t timer_next(const struct berth_stack *st)
{
    return st->timers ? st->timers->when : BERTH_FOREVER;
}
