/* snmp.c — counter lookup by Linux name. */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"

#if BERTH_WITH_COUNTERS
struct snmp_desc {
    const char *group, *name;
    size_t off;
};

static const struct snmp_desc snmp_table[] = {
#define BERTH_SNMP_DESC(g, n) {#g, #n, offsetof(struct berth_snmp, g##_##n)},
    BERTH_SNMP_ALL(BERTH_SNMP_DESC)
#undef BERTH_SNMP_DESC
#define BERTH_SNMP_ALIAS(g, a, n) {#g, #a, offsetof(struct berth_snmp, g##_##n)},
        BERTH_SNMP_ALIASES(BERTH_SNMP_ALIAS)
#undef BERTH_SNMP_ALIAS
};

static uint64_t snmp_read(const struct berth_snmp *s, size_t off)
{
    BERTH_COUNTER_T v;
    memcpy(&v, (const char *)s + off, sizeof(v));
    return v;
}

int berth_snmp_get(berth_stack *st, const char *group, const char *name, uint64_t *value)
{
    for (size_t i = 0; i < sizeof(snmp_table) / sizeof(snmp_table[0]); i++) {
        if (stack_streq(snmp_table[i].group, group) && stack_streq(snmp_table[i].name, name)) {
            st_lock(st);
            *value = snmp_read(&st->snmp, snmp_table[i].off);
            st_unlock(st);
            return 0;
        }
    }
    errno = ENOENT;
    return -1;
}

void berth_snmp_foreach(berth_stack *st, void (*fn)(void *, const char *, const char *, uint64_t),
                        void *arg)
{
    struct berth_snmp copy;
    st_lock(st);
    copy = st->snmp;
    st_unlock(st);
    for (size_t i = 0; i < sizeof(snmp_table) / sizeof(snmp_table[0]); i++)
        fn(arg, snmp_table[i].group, snmp_table[i].name, snmp_read(&copy, snmp_table[i].off));
}
#else
int berth_snmp_get(berth_stack *st, const char *group, const char *name, uint64_t *value)
{
    (void)st;
    (void)group;
    (void)name;
    (void)value;
    errno = ENOENT; /* counters compiled out */
    return -1;
}

void berth_snmp_foreach(berth_stack *st, void (*fn)(void *, const char *, const char *, uint64_t),
                        void *arg)
{
    (void)st;
    (void)fn;
    (void)arg;
}
#endif
