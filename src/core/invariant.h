/* invariant.h — BERTH_INVARIANT(cond): an invariant the docs state, checked
 * in the sanitizer build (BERTH_SANITIZE, which defines BERTH_SANITIZE_BUILD)
 * and the fuzz build (tests/fuzz/build.sh defines BERTH_FUZZ_BUILD), where a
 * violation aborts with the condition and its place so ASan/libFuzzer report
 * it as a crash. In every other build the condition is not evaluated and
 * costs nothing (it is still type-checked, so it cannot rot).
 *
 * Use it for what must hold whatever the input — never to validate input. */
#ifndef BERTH_CORE_INVARIANT_H
#define BERTH_CORE_INVARIANT_H

#if defined(BERTH_SANITIZE_BUILD) || defined(BERTH_FUZZ_BUILD) || defined(BERTH_INVARIANTS)
#include <stdio.h>
#include <stdlib.h>

#define BERTH_INVARIANTS_ON 1

static inline void berth_invariant_failed(const char *cond, const char *file, int line)
{
    fprintf(stderr, "%s:%d: berth invariant violated: %s\n", file, line, cond);
    abort();
}

#define BERTH_INVARIANT(cond) ((cond) ? (void)0 : berth_invariant_failed(#cond, __FILE__, __LINE__))
#else
#define BERTH_INVARIANTS_ON 0
#define BERTH_INVARIANT(cond) ((void)sizeof(!(cond)))
#endif

#endif
