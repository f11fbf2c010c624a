/* sysctl.c — stack-wide knobs under Linux's sysctl names and value syntax.
 *
 * The parsers reproduce Linux's proc handlers write for write (kernel/sysctl.c
 * and net/ipv4/sysctl_net_ipv4.c), so a value is accepted exactly when
 * `echo -n VALUE > /proc/sys/NAME` would be:
 *
 *  - proc_get_long: optional '-', then a digit; strtoul with base 0 (so
 *    "0x10" is 16 and "010" is 8); at most 20 characters; the character after
 *    the number must be one of the handler's separators.
 *  - proc_dointvec_minmax (int vectors): a value must be followed by ' ',
 *    '\t', '\n' or the end ("1\r" is refused), blanks before a value are
 *    skipped with the kernel's isspace() ("\v1" is fine), values
 *    beyond the vector's length ignored, fewer values leave the rest
 *    unchanged, at least one value required; each value an int within
 *    [min, max] ("-0" is 0).
 *  - proc_dou8vec_minmax: one value, no sign at all ("-0" refused), within
 *    [min, max] (max 255 by default); anything after the first separator is
 *    ignored.
 *  - proc_do_large_bitmap: "a" or "a-b" items separated by ',' or '\n',
 *    leading newlines skipped, no blanks; a > b refused; the write replaces
 *    the whole set ("\n" empties it).
 *  - An empty write changes nothing and succeeds (write(2) of 0 bytes never
 *    reaches the handler).
 *
 * docs/sysctl.md lists each knob with its rules as observed on Linux 6.x.
 */
#include "berth/sysctl.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "core/stack_impl.h"
#if BERTH_WITH_TCP
#include "tcp/tcp.h"
#endif

/* Linux's SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF on x86-64 (see sockopt.c). */
#define SYSCTL_MIN_RCVBUF 2304
#define SYSCTL_MIN_SNDBUF 4608
#define SYSCTL_PAGE_LEFT 4095 /* PAGE_SIZE - 1: int handlers read no further */
#define SYSCTL_TMPBUFLEN 22   /* proc_get_long's buffer */
#define SYSCTL_HZ 1000        /* proc_dointvec_jiffies: |value| <= INT_MAX / HZ */
#define SYSCTL_CA_NAME_MAX 16 /* TCP_CA_NAME_MAX */

/* ---- Linux's text parsing ------------------------------------------------ */

struct cursor {
    const char *p;
    size_t left;
};

/* The kernel's isspace(): also \v, \f, \r and Latin-1 NBSP (0xa0). */
static bool is_space(char ch)
{
    unsigned char u = (unsigned char)ch;
    return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

/* proc_skip_spaces */
static void skip_blanks(struct cursor *c)
{
    while (c->left && is_space(*c->p)) {
        c->p++;
        c->left--;
    }
}

static void skip_char(struct cursor *c, char ch)
{
    while (c->left && *c->p == ch) {
        c->p++;
        c->left--;
    }
}

static int digit_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return 99;
}

/* strtoul_lenient(base 0) on a NUL-terminated buffer: returns the number of
 * characters consumed, 0 on overflow of 64 bits. */
static size_t parse_ulong(const char *s, uint64_t *val)
{
    const char *p = s;
    unsigned base = 10;
    if (p[0] == '0') {
        if ((p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
            base = 16;
            p += 2;
        } else {
            base = 8;
        }
    }
    uint64_t v = 0;
    bool overflow = false;
    for (;;) {
        unsigned d = (unsigned)digit_value(*p);
        if (d >= base)
            break;
        if (v > (UINT64_MAX - d) / base)
            overflow = true;
        v = v * base + d;
        p++;
    }
    if (overflow)
        return 0;
    *val = v;
    return (size_t)(p - s);
}

/* proc_get_long: one number, then a character from `tr` (or the end). */
static int get_long(struct cursor *c, uint64_t *val, bool *neg, const char *tr, char *sep)
{
    char tmp[SYSCTL_TMPBUFLEN];
    if (c->left == 0)
        return -EINVAL;
    size_t len = c->left < SYSCTL_TMPBUFLEN - 1 ? c->left : SYSCTL_TMPBUFLEN - 1;
    memcpy(tmp, c->p, len);
    tmp[len] = 0;
    const char *p = tmp;
    *neg = false;
    if (*p == '-' && c->left > 1) {
        *neg = true;
        p++;
    }
    if (*p < '0' || *p > '9')
        return -EINVAL;
    size_t n = parse_ulong(p, val);
    if (n == 0)
        return -EINVAL;
    p += n;
    len = (size_t)(p - tmp);
    if (len == SYSCTL_TMPBUFLEN - 1)
        return -EINVAL;
    if (len < c->left && !strchr(tr, *p))
        return -EINVAL;
    if (sep)
        *sep = len < c->left ? *p : 0;
    c->p += len;
    c->left -= len;
    return 0;
}

/* proc_dointvec_minmax write: up to n ints into v (which holds the current
 * values, so unparsed trailing elements keep them). */
static int parse_intvec(const char *s, int *v, unsigned n, long min, long max)
{
    struct cursor c = {s, strlen(s)};
    if (c.left > SYSCTL_PAGE_LEFT)
        c.left = SYSCTL_PAGE_LEFT;
    bool first = true;
    for (unsigned i = 0; c.left && i < n; i++, first = false) {
        uint64_t u;
        bool neg;
        skip_blanks(&c);
        if (!c.left)
            break;
        if (get_long(&c, &u, &neg, " \t\n", NULL))
            return -EINVAL;
        long x;
        if (neg) {
            if (u > (uint64_t)INT_MAX + 1)
                return -EINVAL;
            x = -(long)u;
        } else {
            if (u > (uint64_t)INT_MAX)
                return -EINVAL;
            x = (long)u;
        }
        if (x < min || x > max)
            return -EINVAL;
        v[i] = (int)x;
    }
    return first ? -EINVAL : 0;
}

/* GID_T_MAX: the largest gid ping_group_range takes ((gid_t)~0 is invalid). */
#define SYSCTL_GID_MAX 4294967294ull

/* ipv4_ping_group_range write: proc_doulongvec_minmax over two values
 * (the current pair, so one value changes only the low end), each within
 * [0, GID_T_MAX] and without a sign ("-0" refused); then a range whose high
 * end is below its low end becomes "1 0" (nobody) and the write succeeds. */
static int parse_ping_group(const char *s, uint32_t *v)
{
    struct cursor c = {s, strlen(s)};
    uint64_t x[2] = {v[0], v[1]};
    bool first = true;
    if (c.left > SYSCTL_PAGE_LEFT)
        c.left = SYSCTL_PAGE_LEFT;
    for (unsigned i = 0; c.left && i < 2; i++, first = false) {
        bool neg;
        skip_blanks(&c);
        if (!c.left)
            break;
        if (get_long(&c, &x[i], &neg, " \t\n", NULL) || neg || x[i] > SYSCTL_GID_MAX)
            return -EINVAL;
    }
    if (first)
        return -EINVAL;
    if (x[1] < x[0]) {
        x[0] = 1;
        x[1] = 0;
    }
    v[0] = (uint32_t)x[0];
    v[1] = (uint32_t)x[1];
    return 0;
}

/* proc_dou8vec_minmax (via do_proc_douintvec) write: one unsigned value. */
static int parse_uint(const char *s, unsigned *v, unsigned min, unsigned max)
{
    struct cursor c = {s, strlen(s)};
    uint64_t u;
    bool neg;
    if (c.left > SYSCTL_PAGE_LEFT)
        c.left = SYSCTL_PAGE_LEFT;
    skip_blanks(&c);
    if (!c.left || get_long(&c, &u, &neg, " \t\n", NULL) || neg)
        return -EINVAL;
    if (u > UINT_MAX || u < min || u > max)
        return -EINVAL;
    *v = (unsigned)u;
    return 0;
}

/* proc_do_large_bitmap write over 65536 bits into bm (zeroed by the
 * caller). Returns 0 or -EINVAL. */
static int parse_bitmap(const char *s, uint64_t *bm)
{
    struct cursor c = {s, strlen(s)};
    skip_char(&c, '\n');
    while (c.left) {
        uint64_t a, b;
        bool neg;
        char sep = 0;
        if (get_long(&c, &a, &neg, "-,\n", &sep))
            return -EINVAL;
        if (a >= 65536 || neg)
            return -EINVAL;
        b = a;
        bool range = c.left && sep == '-';
        if (c.left) {
            c.p++;
            c.left--;
        }
        if (range) {
            if (get_long(&c, &b, &neg, ",\n", &sep))
                return -EINVAL;
            if (b >= 65536 || neg || a > b)
                return -EINVAL;
            if (c.left) {
                c.p++;
                c.left--;
            }
        }
        for (uint64_t p = a; p <= b; p++)
            bm[p >> 6] |= 1ULL << (p & 63);
        skip_char(&c, '\n');
    }
    return 0;
}

/* ---- output ---------------------------------------------------------------- */

struct outbuf {
    char *buf;
    size_t len, pos;
    bool overflow;
};

static void out_str(struct outbuf *o, const char *s)
{
    size_t n = strlen(s);
    if (o->pos + n >= o->len) {
        o->overflow = true;
        return;
    }
    memcpy(o->buf + o->pos, s, n + 1);
    o->pos += n;
}

/* "%ld" without the C library's printf (a firmware need not link one). */
static void out_long(struct outbuf *o, long v)
{
    char t[24];
    char *p = t + sizeof(t);
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    *--p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    out_str(o, p);
}

/* "%lu" of a gid (above LONG_MAX on a 32-bit target). */
static void out_ulong(struct outbuf *o, uint32_t v)
{
    char t[12];
    char *p = t + sizeof(t);
    *--p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out_str(o, p);
}

static void out_bitmap(struct outbuf *o, const uint64_t *bm)
{
    bool first = true;
    if (!bm)
        return;
    for (unsigned a = 0; a < 65536; a++) {
        if (!((bm[a >> 6] >> (a & 63)) & 1)) {
            if (!bm[a >> 6])
                a |= 63; /* skip an empty word */
            continue;
        }
        unsigned b = a;
        while (b + 1 < 65536 && ((bm[(b + 1) >> 6] >> ((b + 1) & 63)) & 1))
            b++;
        if (!first)
            out_str(o, ",");
        out_long(o, a);
        if (b != a) {
            out_str(o, "-");
            out_long(o, b);
        }
        first = false;
        a = b;
    }
}

/* ---- the knobs ------------------------------------------------------------- */

enum knob_kind {
    K_INT,        /* proc_dointvec_minmax, one int */
    K_U8,         /* proc_dou8vec_minmax */
    K_PORT_RANGE, /* ipv4_local_port_range */
    K_PROT_SOCK,  /* ipv4_privileged_ports */
    K_BITMAP,     /* proc_do_large_bitmap */
    K_PING_GROUP, /* ipv4_ping_group_range: two gids (proc_doulongvec_minmax) */
    /* TCP's knobs live in struct tcp_stack (src/tcp/tcp.h): off is there */
    K_TCP_INT,     /* proc_dointvec(_minmax), one int */
    K_TCP_U8,      /* proc_dou8vec_minmax */
    K_TCP_JIFFIES, /* proc_dointvec_jiffies: seconds, |v| <= INT_MAX / HZ */
    K_TCP_VEC3,    /* tcp_rmem / tcp_wmem: three ints, each within [min, max] */
    K_TCP_CC,      /* tcp_congestion_control: a module name */
};

struct knob {
    const char *name; /* dotted */
    enum knob_kind kind;
    size_t off; /* int field in struct berth_net_cfg (K_INT, K_U8) */
    long min, max;
};

#define NET_OFF(f) offsetof(struct berth_net_cfg, f)
#define TCP_OFF(f) offsetof(struct tcp_stack, f)

static const struct knob knobs[] = {
    {"net.core.rmem_default", K_INT, NET_OFF(rmem_default), SYSCTL_MIN_RCVBUF, INT_MAX},
    {"net.core.rmem_max", K_INT, NET_OFF(rmem_max), SYSCTL_MIN_RCVBUF, INT_MAX},
    {"net.core.somaxconn", K_INT, NET_OFF(somaxconn), 0, INT_MAX},
    {"net.core.wmem_default", K_INT, NET_OFF(wmem_default), SYSCTL_MIN_SNDBUF, INT_MAX},
    {"net.core.wmem_max", K_INT, NET_OFF(wmem_max), SYSCTL_MIN_SNDBUF, INT_MAX},
    {"net.ipv4.ip_autobind_reuse", K_U8, NET_OFF(ip_autobind_reuse), 0, 1},
    {"net.ipv4.ip_default_ttl", K_U8, NET_OFF(ip_default_ttl), 1, 255},
    {"net.ipv4.ip_local_port_range", K_PORT_RANGE, 0, 1, 65535},
    {"net.ipv4.ip_local_reserved_ports", K_BITMAP, 0, 0, 65535},
    {"net.ipv4.ip_nonlocal_bind", K_U8, NET_OFF(ip_nonlocal_bind), 0, 255},
    {"net.ipv4.ip_unprivileged_port_start", K_PROT_SOCK, 0, 0, 65535},
    {"net.ipv4.ping_group_range", K_PING_GROUP, 0, 0, 0},
#if BERTH_WITH_TCP
    {"net.ipv4.tcp_congestion_control", K_TCP_CC, 0, 0, 0},
    {"net.ipv4.tcp_early_retrans", K_TCP_U8, TCP_OFF(early_retrans), 0, 4},
    {"net.ipv4.tcp_fastopen", K_TCP_INT, TCP_OFF(fastopen), INT_MIN, INT_MAX},
    {"net.ipv4.tcp_fin_timeout", K_TCP_JIFFIES, TCP_OFF(fin_timeout), 0, 0},
    {"net.ipv4.tcp_keepalive_intvl", K_TCP_JIFFIES, TCP_OFF(keepalive_intvl), 0, 0},
    {"net.ipv4.tcp_keepalive_probes", K_TCP_U8, TCP_OFF(keepalive_probes), 0, 255},
    {"net.ipv4.tcp_keepalive_time", K_TCP_JIFFIES, TCP_OFF(keepalive_time), 0, 0},
    {"net.ipv4.tcp_max_syn_backlog", K_TCP_INT, TCP_OFF(max_syn_backlog), INT_MIN, INT_MAX},
    {"net.ipv4.tcp_max_tw_buckets", K_TCP_INT, TCP_OFF(max_tw_buckets), INT_MIN, INT_MAX},
    {"net.ipv4.tcp_rmem", K_TCP_VEC3, TCP_OFF(rmem), 1, INT_MAX},
    {"net.ipv4.tcp_sack", K_TCP_U8, TCP_OFF(sack), 0, 255},
    {"net.ipv4.tcp_syn_retries", K_TCP_U8, TCP_OFF(syn_retries), 1, 127},
    {"net.ipv4.tcp_synack_retries", K_TCP_U8, TCP_OFF(synack_retries), 0, 255},
    {"net.ipv4.tcp_syncookies", K_TCP_U8, TCP_OFF(syncookies), 0, 255},
    {"net.ipv4.tcp_timestamps", K_TCP_U8, TCP_OFF(timestamps), 0, 255},
    {"net.ipv4.tcp_tw_reuse", K_TCP_U8, TCP_OFF(tw_reuse), 0, 2},
    {"net.ipv4.tcp_window_scaling", K_TCP_U8, TCP_OFF(window_scaling), 0, 255},
    {"net.ipv4.tcp_wmem", K_TCP_VEC3, TCP_OFF(wmem), 1, INT_MAX},
#endif
    {"net.ipv6.bindv6only", K_U8, NET_OFF(ipv6_bindv6only), 0, 255},
    {"net.ipv6.ip_nonlocal_bind", K_U8, NET_OFF(ipv6_ip_nonlocal_bind), 0, 255},
#if BERTH_WITH_UNIX
    {"net.unix.max_dgram_qlen", K_INT, NET_OFF(unix_max_dgram_qlen), INT_MIN, INT_MAX},
#endif
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

/* Resolves a name the way open("/proc/sys/" + name) does, with '.' as the
 * separator unless the name holds a '/' (then '/' is, and dots are plain
 * characters, as sysctl(8) reads it): empty components are skipped
 * ("net..ipv4", "/net/ipv4"). Returns the knob, or NULL with *err = ENOENT
 * (no such name), EISDIR (a directory: "net.ipv4") or ENOTDIR (a path
 * through a knob: "net.ipv4.ip_local_port_range."). */
static const struct knob *knob_find(const char *name, int *err)
{
    char sep = strchr(name, '/') ? '/' : '.';
    *err = ENOENT;
    for (size_t i = 0; i < NKNOBS; i++) {
        const char *k = knobs[i].name, *n = name;
        for (;;) {
            while (*n == sep)
                n++;
            /* k is at the start of a component of the knob's name. */
            size_t kl = strcspn(k, ".");
            size_t nl = strcspn(n, sep == '/' ? "/" : ".");
            if (nl == 0) {
                /* The name ended: a directory above the knob. */
                *err = EISDIR;
                break;
            }
            if (nl != kl || memcmp(n, k, kl) != 0)
                break;
            k += kl;
            n += nl;
            if (!*k) {
                if (!*n)
                    return &knobs[i];
                *err = ENOTDIR; /* more path below a knob */
                return NULL;
            }
            k++; /* the '.' */
        }
        if (*err == EISDIR)
            return NULL;
    }
    return NULL;
}

static int *knob_int(struct berth_stack *st, const struct knob *k)
{
    return (int *)(void *)((char *)&st->net + k->off);
}

#if BERTH_WITH_TCP
static int *knob_tcp(struct berth_stack *st, const struct knob *k)
{
    return (int *)(void *)((char *)st->tcp + k->off);
}

/* proc_dostring then tcp_set_default_congestion_control: the name up to
 * the first newline (at most TCP_CA_NAME_MAX - 1 characters kept), ENOENT
 * for a module that does not exist. */
static int knob_set_cc(struct berth_stack *st, const char *v)
{
    char name[SYSCTL_CA_NAME_MAX];
    size_t n = strcspn(v, "\n");
    if (n >= sizeof(name))
        n = sizeof(name) - 1;
    memcpy(name, v, n);
    name[n] = 0;
    const struct tcp_cc_ops *cc = tcp_cc_find(name);
    if (!cc)
        return -ENOENT;
    st->tcp->cc_default = cc;
    return 0;
}
#endif

static int knob_set(struct berth_stack *st, const struct knob *k, const char *v)
{
    struct berth_net_cfg *n = &st->net;
    switch (k->kind) {
#if BERTH_WITH_TCP
    case K_TCP_INT:
    case K_TCP_VEC3: {
        int x[3];
        unsigned cnt = k->kind == K_TCP_VEC3 ? 3 : 1;
        memcpy(x, knob_tcp(st, k), cnt * sizeof(int));
        if (parse_intvec(v, x, cnt, k->min, k->max))
            return -EINVAL;
        memcpy(knob_tcp(st, k), x, cnt * sizeof(int));
        return 0;
    }
    case K_TCP_U8: {
        unsigned x;
        if (parse_uint(v, &x, (unsigned)k->min, (unsigned)k->max))
            return -EINVAL;
        *knob_tcp(st, k) = (int)x;
        return 0;
    }
    case K_TCP_JIFFIES: {
        int x = *knob_tcp(st, k);
        if (parse_intvec(v, &x, 1, -(INT_MAX / SYSCTL_HZ), INT_MAX / SYSCTL_HZ))
            return -EINVAL;
        *knob_tcp(st, k) = x;
        return 0;
    }
    case K_TCP_CC:
        return knob_set_cc(st, v);
#else
    case K_TCP_INT:
    case K_TCP_VEC3:
    case K_TCP_U8:
    case K_TCP_JIFFIES:
    case K_TCP_CC:
        return -EINVAL;
#endif
    case K_INT: {
        int x = *knob_int(st, k);
        if (parse_intvec(v, &x, 1, k->min, k->max))
            return -EINVAL;
        *knob_int(st, k) = x;
        return 0;
    }
    case K_U8: {
        unsigned x;
        if (parse_uint(v, &x, (unsigned)k->min, (unsigned)k->max))
            return -EINVAL;
        *knob_int(st, k) = (int)x;
        return 0;
    }
    case K_PORT_RANGE: {
        int r[2] = {n->ip_local_port_range[0], n->ip_local_port_range[1]};
        if (parse_intvec(v, r, 2, k->min, k->max))
            return -EINVAL;
        /* Low above high, or low below ip_unprivileged_port_start. */
        if (r[1] < r[0] || r[0] < (int)n->ip_unprivileged_port_start)
            return -EINVAL;
        n->ip_local_port_range[0] = (uint16_t)r[0];
        n->ip_local_port_range[1] = (uint16_t)r[1];
        return 0;
    }
    case K_PROT_SOCK: {
        int x = (int)n->ip_unprivileged_port_start;
        if (parse_intvec(v, &x, 1, k->min, k->max))
            return -EINVAL;
        /* The local port range must stay unprivileged. */
        if (n->ip_local_port_range[0] < x)
            return -EINVAL;
        n->ip_unprivileged_port_start = (unsigned)x;
        return 0;
    }
    case K_PING_GROUP:
        return parse_ping_group(v, n->ping_group_range);
    case K_BITMAP: {
        size_t sz = NET_RESERVED_WORDS * sizeof(uint64_t);
        uint64_t *bm = st_zalloc(st, sz);
        if (!bm)
            return -ENOMEM;
        if (parse_bitmap(v, bm)) {
            st_free(st, bm);
            return -EINVAL;
        }
        bool any = false;
        for (unsigned i = 0; i < NET_RESERVED_WORDS && !any; i++)
            any = bm[i] != 0;
        if (n->ip_local_reserved_ports)
            st_free(st, n->ip_local_reserved_ports);
        if (!any) {
            st_free(st, bm);
            bm = NULL;
        }
        n->ip_local_reserved_ports = bm;
        return 0;
    }
    }
    return -EINVAL;
}

static void knob_get(struct berth_stack *st, const struct knob *k, struct outbuf *o)
{
    const struct berth_net_cfg *n = &st->net;
    switch (k->kind) {
    case K_INT:
    case K_U8:
        out_long(o, *knob_int(st, k));
        break;
    case K_PORT_RANGE:
        out_long(o, n->ip_local_port_range[0]);
        out_str(o, "\t");
        out_long(o, n->ip_local_port_range[1]);
        break;
    case K_PROT_SOCK:
        out_long(o, (long)n->ip_unprivileged_port_start);
        break;
    case K_BITMAP:
        out_bitmap(o, n->ip_local_reserved_ports);
        break;
    case K_PING_GROUP: /* "%lu\t%lu" */
        out_ulong(o, n->ping_group_range[0]);
        out_str(o, "\t");
        out_ulong(o, n->ping_group_range[1]);
        break;
#if BERTH_WITH_TCP
    case K_TCP_INT:
    case K_TCP_U8:
    case K_TCP_JIFFIES:
        out_long(o, *knob_tcp(st, k));
        break;
    case K_TCP_VEC3:
        for (int i = 0; i < 3; i++) {
            if (i)
                out_str(o, "\t");
            out_long(o, knob_tcp(st, k)[i]);
        }
        break;
    case K_TCP_CC:
        out_str(o, st->tcp->cc_default->name);
        break;
#else
    default:
        break;
#endif
    }
}

/* ---- API ------------------------------------------------------------------- */

int berth_sysctl_set(berth_stack *st, const char *name, const char *value)
{
    if (!st || !name || !value) {
        errno = EFAULT;
        return -1;
    }
    int err;
    const struct knob *k = knob_find(name, &err);
    if (!k) {
        errno = err;
        return -1;
    }
    if (!*value)
        return 0; /* write(2) of zero bytes: nothing happens */
    st_lock(st);
    int rc = knob_set(st, k, value);
    st_unlock(st);
    if (rc) {
        errno = -rc;
        return -1;
    }
    return 0;
}

int berth_sysctl_get(berth_stack *st, const char *name, char *buf, size_t len)
{
    if (!st || !name || (!buf && len)) {
        errno = EFAULT;
        return -1;
    }
    int err;
    const struct knob *k = knob_find(name, &err);
    if (!k) {
        errno = err;
        return -1;
    }
    struct outbuf o = {buf, len, 0, false};
    if (len)
        buf[0] = 0;
    else
        o.overflow = true;
    st_lock(st);
    if (len)
        knob_get(st, k, &o);
    st_unlock(st);
    if (o.overflow || o.pos > INT_MAX) {
        if (len)
            buf[0] = 0;
        errno = ERANGE;
        return -1;
    }
    return (int)o.pos;
}

void berth_sysctl_foreach(berth_stack *st,
                          void (*fn)(void *arg, const char *name, const char *value), void *arg)
{
    /* The longest value is a reserved-port list of alternating ports:
     * 32768 items of at most 6 characters. */
    size_t cap = 32768 * 6 + 1;
    char small[64];
    for (size_t i = 0; i < NKNOBS; i++) {
        char *buf = small;
        size_t len = sizeof(small);
        if (knobs[i].kind == K_BITMAP) {
            buf = st_alloc(st, cap);
            if (!buf)
                continue;
            len = cap;
        }
        struct outbuf o = {buf, len, 0, false};
        buf[0] = 0;
        st_lock(st);
        knob_get(st, &knobs[i], &o);
        st_unlock(st);
        fn(arg, knobs[i].name, buf);
        if (buf != small)
            st_free(st, buf);
    }
}

void sysctl_release(struct berth_stack *st)
{
    if (st->net.ip_local_reserved_ports) {
        st_free(st, st->net.ip_local_reserved_ports);
        st->net.ip_local_reserved_ports = NULL;
    }
}
