/* test_netdefs.c — berth/netdefs.h (the socket definitions a C library
 * without them gets, docs/porting.md) is layout-identical to glibc's and
 * uses Linux's numbers: every constant it defines, every structure's size,
 * alignment and member offsets, and the CMSG_* arithmetic, compiled once
 * against the host's headers (netdefs_sys.c) and once against berth's
 * (netdefs_berth.c), must agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netdefs_table.h"

static void same_as_glibc(void **state)
{
    (void)state;
    assert_int_equal(netdefs_sys_count, netdefs_berth_count);
    unsigned compared = 0, bad = 0;
    for (unsigned i = 0; i < netdefs_sys_count; i++) {
        const struct netdef_value *s = &netdefs_sys[i], *b = &netdefs_berth[i];
        assert_string_equal(s->name, b->name);
        if (!s->present)
            continue; /* the host's headers predate it: nothing to compare */
        compared++;
        if (s->value != b->value) {
            print_error("%s: glibc %lld, berth %lld\n", s->name, s->value, b->value);
            bad++;
        }
    }
    print_message("  %u of %u definitions compared with the host's headers\n", compared,
                  netdefs_sys_count);
    assert_int_equal(bad, 0);
    assert_true(compared > netdefs_sys_count * 9 / 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_glibc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
