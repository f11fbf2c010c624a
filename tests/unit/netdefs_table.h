/* netdefs_table.h — the tables test_netdefs.c compares. */
#ifndef BERTH_TEST_NETDEFS_TABLE_H
#define BERTH_TEST_NETDEFS_TABLE_H
struct netdef_value {
    const char *name;
    long long value;
    int present;
};
extern const struct netdef_value netdefs_sys[], netdefs_berth[];
extern const unsigned netdefs_sys_count, netdefs_berth_count;
#endif
