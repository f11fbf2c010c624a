/* test_sysctl.c — berth_sysctl_set/get against Linux's proc handlers.
 *
 * kernel_cases is a transcript of Linux 6.18 (x86-64): each case starts from
 * a fresh network namespace (unshare(CLONE_NEWNET)), writes each value to
 * /proc/sys/<name> with one write(2), and records the errno and what the file
 * reads back afterwards (last newline removed; NULL: the file cannot be
 * read). berth must give the same answer on a fresh stack. The knobs that a
 * child namespace cannot write (net.core.rmem_* / wmem_*, EACCES there) are
 * checked separately against the handler's source (proc_dointvec_minmax with
 * SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF as the minimum, as in init_net).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "berth/sysctl.h"
#include "core/stack_impl.h"
#include "testutil.h"

struct kstep {
    const char *name, *value;
    int err;           /* 0: write succeeded */
    const char *after; /* value read back, NULL: unreadable */
};
struct kcase {
    struct kstep s[6];
};

/* clang-format off */
static const struct kcase kernel_cases[] = {
    {{{"net.ipv4.ip_local_port_range", "40000 40009", 0, "40000\t40009"}}},
    {{{"net.ipv4.ip_local_port_range", "40000 40000", 0, "40000\t40000"}}},
    {{{"net.ipv4.ip_local_port_range", "40001 40000", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "1024 1025", 0, "1024\t1025"}}},
    {{{"net.ipv4.ip_local_port_range", "1023 2000", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "0 100", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "1 65535", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "1024 65535", 0, "1024\t65535"}}},
    {{{"net.ipv4.ip_local_port_range", "1024 65536", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "40000", 0, "40000\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "  50000\t 50010 \n", 0, "50000\t50010"}}},
    {{{"net.ipv4.ip_local_port_range", "50000 50010 5", 0, "50000\t50010"}}},
    {{{"net.ipv4.ip_local_port_range", "50000,50010", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "0x9c40 0x9c49", 0, "40000\t40009"}}},
    {{{"net.ipv4.ip_local_port_range", "0100000 0100011", 0, "32768\t32777"}}},
    {{{"net.ipv4.ip_local_port_range", "0X8000 0x800a", 0, "32768\t32778"}}},
    {{{"net.ipv4.ip_local_port_range", "010 2000", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "+40000 40009", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "-1 40000", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "-0 5", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "40000 -0", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "40000 40009x", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "\n", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", " ", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "abc", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "40000  ", 0, "40000\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "30000 40000\n\n", 0, "30000\t40000"}}},
    {{{"net.ipv4.ip_local_port_range", "99999999999 1", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "40000\n40010", 0, "40000\t40010"}}},
    {{{"net.ipv4.ip_local_port_range", "40000\r40010", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "\v40000 40010", 0, "40000\t40010"}}},
    {{{"net.ipv4.ip_local_port_range", "40000 0x", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "40000 09", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "40000 40009 garbage", 0, "40000\t40009"}}},
    {{{"net.ipv4.ip_local_port_range", "4294967296 40009", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "18446744073709551616 40009", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "00000000000000040000 40009", 0, "16384\t40009"}}},
    {{{"net.ipv4.ip_local_port_range", "000000000000000040000 40009", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "-", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "32768 60999", 0, "32768\t60999"}}},
    {{{"net/ipv4/ip_local_port_range", "40000 40009", 0, "40000\t40009"}}},
    {{{"net/ipv4.ip_local_port_range", "40000 40009", ENOENT, NULL}}},
    {{{"net.ipv4/ip_local_port_range", "40000 40009", ENOENT, NULL}}},
    {{{"net.ipv4.ip_local_port_range.", "40000 40009", ENOTDIR, NULL}}},
    {{{"net.ipv4.ip_local_port_rang", "40000 40009", ENOENT, NULL}}},
    {{{"net.ipv4.ip_local_port_range", "", 0, "32768\t60999"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "0", 0, "0"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "1024", 0, "1024"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "32768", 0, "32768"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "32769", EINVAL, "1024"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "65535", EINVAL, "1024"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "65536", EINVAL, "1024"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "-1", EINVAL, "1024"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "-0", 0, "0"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "500 600", 0, "500"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "0x10", 0, "16"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", " 7\n", 0, "7"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "7x", EINVAL, "1024"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "7 x", 0, "7"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "7,8", EINVAL, "1024"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "abc", EINVAL, "1024"}}},
    {{{"net.ipv4.ip_unprivileged_port_start", "7", 0, "7"}, {"net.ipv4.ip_local_port_range", "600 700", 0, "600\t700"}, {"net.ipv4.ip_local_port_range", "6 700", EINVAL, "600\t700"}, {"net.ipv4.ip_unprivileged_port_start", "601", EINVAL, "7"}, {"net.ipv4.ip_unprivileged_port_start", "600", 0, "600"}}},
    {{{"net.ipv4.ip_local_port_range", "40000 50000", 0, "40000\t50000"}, {"net.ipv4.ip_unprivileged_port_start", "40000", 0, "40000"}, {"net.ipv4.ip_unprivileged_port_start", "40001", EINVAL, "40000"}, {"net.ipv4.ip_local_port_range", "39999 50000", EINVAL, "40000\t50000"}, {"net.ipv4.ip_local_port_range", "40001", 0, "40001\t50000"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "1", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "2", 0, "2"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "255", 0, "255"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "256", EINVAL, "0"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "-1", EINVAL, "0"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "-0", EINVAL, "0"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "0x1", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "1 2", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "1x", EINVAL, "0"}}},
    {{{"net.ipv4.ip_nonlocal_bind", " ", EINVAL, "0"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "\v1", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "1\v", EINVAL, "0"}}},
    {{{"net.ipv4.ip_nonlocal_bind", " \t\n1", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "000000000000000000001", EINVAL, "0"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "00000000000000000001", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "4294967297", EINVAL, "0"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "1", 0, "1"}, {"net.ipv4.ip_nonlocal_bind", "", 0, "1"}}},
    {{{"net.ipv4.ip_autobind_reuse", "1", 0, "1"}}},
    {{{"net.ipv4.ip_autobind_reuse", "2", EINVAL, "0"}}},
    {{{"net.ipv4.ip_autobind_reuse", "0", 0, "0"}}},
    {{{"net.ipv4.ip_autobind_reuse", "-1", EINVAL, "0"}}},
    {{{"net.ipv4.ip_autobind_reuse", "1\n", 0, "1"}}},
    {{{"net.ipv4.ip_default_ttl", "0", EINVAL, "64"}}},
    {{{"net.ipv4.ip_default_ttl", "1", 0, "1"}}},
    {{{"net.ipv4.ip_default_ttl", "255", 0, "255"}}},
    {{{"net.ipv4.ip_default_ttl", "256", EINVAL, "64"}}},
    {{{"net.ipv4.ip_default_ttl", "-0", EINVAL, "64"}}},
    {{{"net.ipv4.ip_default_ttl", "128\n", 0, "128"}}},
    {{{"net.ipv4.ip_default_ttl", "0100", 0, "64"}}},
    {{{"net.core.somaxconn", "0", 0, "0"}}},
    {{{"net.core.somaxconn", "-1", EINVAL, "4096"}}},
    {{{"net.core.somaxconn", "-0", 0, "0"}}},
    {{{"net.core.somaxconn", "2147483647", 0, "2147483647"}}},
    {{{"net.core.somaxconn", "2147483648", EINVAL, "4096"}}},
    {{{"net.core.somaxconn", "-2147483648", EINVAL, "4096"}}},
    {{{"net.core.somaxconn", "65536", 0, "65536"}}},
    {{{"net.core.somaxconn", "128 256", 0, "128"}}},
    {{{"net.core.somaxconn", "\n", EINVAL, "4096"}}},
    {{{"net/core/somaxconn", "1000", 0, "1000"}}},
    {{{"net.ipv6.bindv6only", "1", 0, "1"}}},
    {{{"net.ipv6.bindv6only", "2", 0, "2"}}},
    {{{"net.ipv6.bindv6only", "256", EINVAL, "0"}}},
    {{{"net.ipv6.bindv6only", "-0", EINVAL, "0"}}},
    {{{"net.ipv6.ip_nonlocal_bind", "1", 0, "1"}}},
    {{{"net.ipv6.ip_nonlocal_bind", "255", 0, "255"}}},
    {{{"net.ipv6.ip_nonlocal_bind", "256", EINVAL, "0"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-100,8080", 0, "1-100,8080"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "8080", 0, "8080"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "8080", 0, "8080"}, {"net.ipv4.ip_local_reserved_ports", "\n", 0, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "8080", 0, "8080"}, {"net.ipv4.ip_local_reserved_ports", " ", EINVAL, "8080"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "8080", 0, "8080"}, {"net.ipv4.ip_local_reserved_ports", "", 0, "8080"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "5,3,1", 0, "1,3,5"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-3,2-5", 0, "1-5"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "10-5", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "65535", 0, "65535"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "65536", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "0", 0, "0"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "0-65535", 0, "0-65535"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1 - 3", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-3 ,5", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-3, 5", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-3,5\n", 0, "1-3,5"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1,,2", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "-1", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "0x10", 0, "16"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "010", 0, "8"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-3,5 7", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1,2 3", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "40000-40004,40006", 0, "40000-40004,40006"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "40000\t40002", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1a", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-2a", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", ",1", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1,", 0, "1"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "abc", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "  7 ", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "\n\n5", 0, "5"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "5\n\n", 0, "5"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "5\n6", 0, "5-6"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "5-6\n8", 0, "5-6,8"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "5-6\n\n8", 0, "5-6,8"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "\t5", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "5\t", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "18446744073709551616", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "0x10-0x20", 0, "16-32"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "00000000000000000005", 0, "5"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "000000000000000000005", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1--3", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-3-5", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-3\n-5", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "3-3", 0, "3"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "65534-65535,0-1", 0, "0-1,65534-65535"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "100,99,101", 0, "99-101"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "40000-40009", 0, "40000-40009"}, {"net.ipv4.ip_local_reserved_ports", "bad", EINVAL, "40000-40009"}, {"net.ipv4.ip_local_reserved_ports", "40005", 0, "40005"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "63-64,127,128,191-193", 0, "63-64,127-128,191-193"}}},
    {{{"net.ipv4.no_such_knob", "1", ENOENT, NULL}}},
    {{{"net.ipv4", "1", EISDIR, NULL}}},
    {{{"net", "1", EISDIR, NULL}}},
    {{{"net.ipv4.", "1", EISDIR, NULL}}},
    {{{"net..ipv4.ip_local_port_range", "40000 40009", 0, "40000\t40009"}}},
    {{{"net/ipv4//ip_local_port_range", "40000 40009", 0, "40000\t40009"}}},
    {{{"/net/ipv4/ip_local_port_range", "40000 40009", 0, "40000\t40009"}}},
    {{{"net.ipv4.ip_local_port_range/x", "40000 40009", ENOENT, NULL}}},
    {{{"net.ipv4.ip_nonlocal_bind", "\xa0""1", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "\v1", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "\r\f1", 0, "1"}}},
    {{{"net.ipv4.ip_nonlocal_bind", "1\r", EINVAL, "0"}}},
    {{{"net.core.somaxconn", "\v5", 0, "5"}}},
    {{{"net.core.somaxconn", "5\f", EINVAL, "4096"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "\v5", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_port_range", "\xa0""40000 40010", 0, "40000\t40010"}}},
    {{{"net.ipv4.ip_local_port_range", "40000\xa0""40010", EINVAL, "32768\t60999"}}},
    {{{"net.ipv4.ip_local_port_range", "40000\t\t\v\f\r 40010", 0, "40000\t40010"}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1\r", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-\n3", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1\n\n\n,2", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "-", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "1-0x", EINVAL, ""}}},
    {{{"net.ipv4.ip_local_reserved_ports", "09", EINVAL, ""}}},
    {{{"net.ipv4.ip_default_ttl", "64 ", 0, "64"}}},
    {{{"net.core.somaxconn", "-2147483649", EINVAL, "4096"}}},
    {{{"net.core.somaxconn", "4096\n", 0, "4096"}}},
};
/* clang-format on */

struct fixture {
    struct berth_platform plat;
    berth_stack *st;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->st = test_stack_inline(&f->plat, 11);
    *state = f;
    return f->st ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    sysctl_release(f->st); /* until berth_stack_free calls it itself */
    berth_stack_free(f->st);
    berth_platform_inline_release(&f->plat);
    free(f);
    return 0;
}

static void escape(const char *s, char *out, size_t len)
{
    size_t o = 0;
    for (; s && *s && o + 5 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n' || c == '\t' || c < 0x20 || c >= 0x7f)
            o += (size_t)snprintf(out + o, len - o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = 0;
}

static void matches_kernel_transcript(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof(kernel_cases) / sizeof(kernel_cases[0]); i++) {
        struct berth_platform plat;
        berth_stack *st = test_stack_inline(&plat, 3 + i);
        assert_non_null(st);
        for (const struct kstep *s = kernel_cases[i].s; s->name; s++) {
            errno = 0;
            int rc = berth_sysctl_set(st, s->name, s->value);
            int err = rc < 0 ? errno : 0;
            char buf[512] = "";
            int g = berth_sysctl_get(st, s->name, buf, sizeof(buf));
            bool ok = err == s->err && (s->after ? g >= 0 && strcmp(buf, s->after) == 0 : g < 0);
            if (!ok) {
                char v[128], want[128], got[128];
                escape(s->value, v, sizeof(v));
                escape(s->after, want, sizeof(want));
                escape(g >= 0 ? buf : NULL, got, sizeof(got));
                print_error(
                    "case %zu: set %s \"%s\": errno %d (Linux %d), reads \"%s\" (Linux \"%s\")\n",
                    i, s->name, v, err, s->err, got, want);
                failures++;
            }
        }
        sysctl_release(st);
        berth_stack_free(st);
        berth_platform_inline_release(&plat);
    }
    assert_int_equal(failures, 0);
}

static void defaults_match_a_fresh_namespace(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *name, *value;
    } want[] = {
        {"net.ipv4.ip_local_port_range", "32768\t60999"},
        {"net.ipv4.ip_local_reserved_ports", ""},
        {"net.ipv4.ip_unprivileged_port_start", "1024"},
        {"net.ipv4.ip_nonlocal_bind", "0"},
        {"net.ipv4.ip_autobind_reuse", "0"},
        {"net.ipv4.ip_default_ttl", "64"},
        {"net.ipv6.bindv6only", "0"},
        {"net.ipv6.ip_nonlocal_bind", "0"},
        {"net.core.somaxconn", "4096"},
        {"net.core.rmem_default", "212992"},
        {"net.core.wmem_default", "212992"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char buf[64];
        int n = berth_sysctl_get(f->st, want[i].name, buf, sizeof(buf));
        assert_int_equal(n, (int)strlen(want[i].value));
        assert_string_equal(buf, want[i].value);
    }
}

/* net.core.{r,w}mem_{default,max}: proc_dointvec_minmax, minimum
 * SOCK_MIN_RCVBUF (2304) / SOCK_MIN_SNDBUF (4608), maximum INT_MAX. */
static void buffer_sizes_follow_init_net_rules(void **state)
{
    struct berth_stack *st = ((struct fixture *)*state)->st;
    assert_int_equal(berth_sysctl_set(st, "net.core.rmem_max", "2303"), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_sysctl_set(st, "net.core.rmem_max", "2304"), 0);
    assert_int_equal(st->net.rmem_max, 2304);
    assert_int_equal(berth_sysctl_set(st, "net.core.rmem_default", "2304"), 0);
    assert_int_equal(st->net.rmem_default, 2304);
    assert_int_equal(berth_sysctl_set(st, "net.core.wmem_max", "4607"), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_sysctl_set(st, "net.core.wmem_default", "4608"), 0);
    assert_int_equal(st->net.wmem_default, 4608);
    assert_int_equal(berth_sysctl_set(st, "net.core.wmem_max", "2147483647"), 0);
    assert_int_equal(st->net.wmem_max, INT_MAX);
    assert_int_equal(berth_sysctl_set(st, "net.core.wmem_max", "2147483648"), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(berth_sysctl_set(st, "net/core/rmem_max", "4194304\n"), 0);
    assert_int_equal(st->net.rmem_max, 4194304);
}

/* The values land in struct berth_net_cfg, where the stack reads them. */
static void values_reach_the_stack(void **state)
{
    struct berth_stack *st = ((struct fixture *)*state)->st;
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_local_port_range", "40000 40009"), 0);
    assert_int_equal(st->net.ip_local_port_range[0], 40000);
    assert_int_equal(st->net.ip_local_port_range[1], 40009);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_unprivileged_port_start", "80"), 0);
    assert_int_equal(st->net.ip_unprivileged_port_start, 80);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_nonlocal_bind", "1"), 0);
    assert_int_equal(st->net.ip_nonlocal_bind, 1);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_autobind_reuse", "1"), 0);
    assert_int_equal(st->net.ip_autobind_reuse, 1);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_default_ttl", "17"), 0);
    assert_int_equal(st->net.ip_default_ttl, 17);
    assert_int_equal(berth_sysctl_set(st, "net.core.somaxconn", "5"), 0);
    assert_int_equal(st->net.somaxconn, 5);
    assert_int_equal(berth_sysctl_set(st, "net.ipv6.bindv6only", "1"), 0);
    assert_int_equal(st->net.ipv6_bindv6only, 1);
    assert_int_equal(berth_sysctl_set(st, "net.ipv6.ip_nonlocal_bind", "1"), 0);
    assert_int_equal(st->net.ipv6_ip_nonlocal_bind, 1);
}

static void reserved_ports_bitmap(void **state)
{
    struct berth_stack *st = ((struct fixture *)*state)->st;
    assert_null(st->net.ip_local_reserved_ports);
    assert_false(net_port_reserved(&st->net, 8080));
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_local_reserved_ports", "1-100,8080,65535"),
                     0);
    assert_non_null(st->net.ip_local_reserved_ports);
    for (unsigned p = 0; p < 65536; p++) {
        bool want = (p >= 1 && p <= 100) || p == 8080 || p == 65535;
        assert_int_equal(net_port_reserved(&st->net, p), want);
    }
    /* A failed write leaves the set alone. */
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_local_reserved_ports", "200,x"), -1);
    assert_int_equal(errno, EINVAL);
    assert_true(net_port_reserved(&st->net, 8080));
    assert_false(net_port_reserved(&st->net, 200));
    /* Emptying it frees the bitmap. */
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_local_reserved_ports", "\n"), 0);
    assert_null(st->net.ip_local_reserved_ports);
    char buf[8] = "x";
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.ip_local_reserved_ports", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
}

/* The longest possible list (every other port) round-trips. */
static void reserved_ports_worst_case_list(void **state)
{
    struct berth_stack *st = ((struct fixture *)*state)->st;
    size_t cap = 32768 * 6 + 1;
    char *in = malloc(cap), *out = malloc(cap);
    size_t o = 0;
    for (unsigned p = 0; p < 65536; p += 2)
        o += (size_t)snprintf(in + o, cap - o, "%s%u", p ? "," : "", p);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_local_reserved_ports", in), 0);
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.ip_local_reserved_ports", out, cap), (int)o);
    assert_string_equal(in, out);
    /* One byte short: ERANGE and an empty buffer. */
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.ip_local_reserved_ports", out, o), -1);
    assert_int_equal(errno, ERANGE);
    assert_string_equal(out, "");
    for (unsigned p = 0; p < 65536; p++)
        assert_int_equal(net_port_reserved(&st->net, p), p % 2 == 0);
    free(in);
    free(out);
}

static void get_buffer_rules(void **state)
{
    struct berth_stack *st = ((struct fixture *)*state)->st;
    char buf[12];
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.ip_local_port_range", buf, 12), 11);
    assert_string_equal(buf, "32768\t60999");
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.ip_local_port_range", buf, 11), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.ip_local_port_range", NULL, 0), -1);
    assert_int_equal(errno, ERANGE);
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.ip_local_port_range", NULL, 5), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(berth_sysctl_get(st, "net.ipv4.nope", buf, sizeof(buf)), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(berth_sysctl_get(st, "net.ipv4", buf, sizeof(buf)), -1);
    assert_int_equal(errno, EISDIR);
    assert_int_equal(berth_sysctl_set(st, NULL, "1"), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(berth_sysctl_set(st, "net.core.somaxconn", NULL), -1);
    assert_int_equal(errno, EFAULT);
}

struct seen {
    unsigned n;
    bool range, reserved;
};

static void on_knob(void *arg, const char *name, const char *value)
{
    struct seen *s = arg;
    s->n++;
    if (!strcmp(name, "net.ipv4.ip_local_port_range"))
        s->range = !strcmp(value, "40000\t40009");
    if (!strcmp(name, "net.ipv4.ip_local_reserved_ports"))
        s->reserved = !strcmp(value, "40001,40003-40004");
}

static void foreach_lists_every_knob(void **state)
{
    struct berth_stack *st = ((struct fixture *)*state)->st;
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_local_port_range", "40000 40009"), 0);
    assert_int_equal(berth_sysctl_set(st, "net.ipv4.ip_local_reserved_ports", "40004,40003,40001"),
                     0);
    struct seen s = {0};
    berth_sysctl_foreach(st, on_knob, &s);
    assert_true(s.n >= 13);
    assert_true(s.range);
    assert_true(s.reserved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_kernel_transcript),
        cmocka_unit_test_setup_teardown(defaults_match_a_fresh_namespace, setup, teardown),
        cmocka_unit_test_setup_teardown(buffer_sizes_follow_init_net_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(values_reach_the_stack, setup, teardown),
        cmocka_unit_test_setup_teardown(reserved_ports_bitmap, setup, teardown),
        cmocka_unit_test_setup_teardown(reserved_ports_worst_case_list, setup, teardown),
        cmocka_unit_test_setup_teardown(get_buffer_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(foreach_lists_every_knob, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
