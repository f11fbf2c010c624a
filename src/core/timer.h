/* timer.h — one-shot timers on the stack's platform clock.
 *
 * Timers are intrusive (embedded in the object that owns them) and kept in a
 * list sorted by expiry, so the next deadline is O(1) and arming is O(n) in
 * the number of armed timers. Callbacks run under the stack lock from
 * stack_run_pending().
 */
#ifndef BERTH_CORE_TIMER_H
#define BERTH_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct berth_stack;
struct btimer;
typedef void (*btimer_fn)(struct berth_stack *st, struct btimer *t);

struct btimer {
    struct btimer *next, *prev;
    uint64_t when;
    btimer_fn fn;
    bool armed;
};

void timer_init(struct btimer *t, btimer_fn fn);
/* (Re)arm t to fire at absolute time `when`. */
void timer_arm(struct berth_stack *st, struct btimer *t, uint64_t when);
void timer_cancel(struct berth_stack *st, struct btimer *t);
/* Run every timer due at `now`. */
void timer_run_due(struct berth_stack *st, uint64_t now);
uint64_t timer_next(const struct berth_stack *st);

#endif
