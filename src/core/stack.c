/* stack.c — stack instance lifecycle, the lock discipline and the event loop. */
#include "core/stack_impl.h"

#include <errno.h>
#include <stdarg.h>
#if BERTH_WITH_TRACE
#include <stdio.h>
#endif
#include <string.h>
#if BERTH_WITH_POSIX
#include <unistd.h>
#endif

#include "bind/bind.h"
#include "sys/rng.h"
#include "ip/ip4.h"
#include "ip/ip6.h"
#include "netif/netif_impl.h"
#include "socket/sock.h"
#if BERTH_WITH_TCP
#include "tcp/tcp_ip.h"
#endif

void berth_config_init(struct berth_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = "berth";
    /* berth/config.h: Linux's values on a hosted build, small ones on a
     * microcontroller, or the firmware's own. */
    cfg->max_fds = BERTH_MAX_FDS; /* Linux: 1024, RLIMIT_NOFILE's soft default */
    cfg->max_sockets = BERTH_MAX_SOCKETS;
    cfg->loopback = true;
    cfg->ipfrag_high_thresh = BERTH_IPFRAG_HIGH_THRESH;   /* Linux: 4 MiB */
    cfg->ipfrag_time_s = BERTH_IPFRAG_TIME_S;             /* Linux: 30 s */
    cfg->ip6frag_high_thresh = BERTH_IP6FRAG_HIGH_THRESH; /* Linux: 4 MiB */
    cfg->ip6frag_time_s = BERTH_IP6FRAG_TIME_S;           /* Linux: 60 s */
#if BERTH_HAVE_FS_POSIX
    cfg->fs = berth_fs_posix(); /* AF_UNIX path names in the file system */
#endif
#ifdef BERTH_SANITIZE_BUILD
    cfg->buffer_cache = 0; /* every free reaches ASan, which sees use after free */
#else
    cfg->buffer_cache = BERTH_BUFFER_CACHE; /* core/bufcache.h; Linux-sized: 8 MiB */
#endif
}

static void net_cfg_defaults(struct berth_net_cfg *n)
{
    n->ip_local_port_range[0] = 32768;
    n->ip_local_port_range[1] = 60999;
    n->ip_unprivileged_port_start = 1024;
    n->ip_nonlocal_bind = 0;
    n->ip_default_ttl = 64;
    n->rmem_default = BERTH_RMEM_DEFAULT; /* Linux: 212992 */
    n->rmem_max = BERTH_RMEM_MAX;
    n->wmem_default = BERTH_WMEM_DEFAULT;
    n->wmem_max = BERTH_WMEM_MAX;
    n->somaxconn = BERTH_SOMAXCONN; /* Linux: 4096 */
    n->unix_max_dgram_qlen = 10;
    n->ping_group_range[0] = 1; /* "1 0": no group may open ping sockets */
    n->ping_group_range[1] = 0;
}

void stack_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void *st_zalloc(struct berth_stack *st, size_t n)
{
    void *p = st_alloc(st, n);
    if (p)
        memset(p, 0, n);
    return p;
}

berth_stack *berth_stack_new(const struct berth_config *cfg_in)
{
    struct berth_config cfg;
    if (cfg_in)
        cfg = *cfg_in;
    else
        berth_config_init(&cfg);
    if (cfg.max_fds == 0 || cfg.max_sockets == 0) {
        errno = EINVAL;
        return NULL;
    }
    struct berth_platform plat;
    bool own = false;
    if (cfg.platform) {
        plat = *cfg.platform;
    } else {
#if BERTH_WITH_POSIX
        int e = berth_platform_posix(&plat);
        if (e) {
            errno = e;
            return NULL;
        }
        own = true;
#else
        errno = EINVAL;                     /* no default platform without an OS */
        return NULL;
#endif
    }
    berth_stack *st = plat.alloc(plat.ctx, sizeof(*st));
    if (!st) {
#if BERTH_WITH_POSIX
        if (own)
            berth_platform_posix_release(&plat);
#endif
        errno = ENOMEM;
        return NULL;
    }
    memset(st, 0, sizeof(*st));
    st->plat = plat;
    st->own_platform = own;
    stack_strlcpy(st->name, cfg.name ? cfg.name : "berth", sizeof(st->name));
    st->cfg = cfg;
    st->cfg.platform = NULL;
    st->cfg.name = st->name;
    net_cfg_defaults(&st->net);
    st->bufcache.limit = cfg.buffer_cache;
    st->next_ifindex = 1;
    plat.random(plat.ctx, st->secret, sizeof(st->secret));
    uint64_t seed;
    plat.random(plat.ctx, &seed, sizeof(seed));
    rng_seed(&st->rng, seed);
    plat.random(plat.ctx, &st->ip_id_next, sizeof(st->ip_id_next));
#if BERTH_WITH_POSIX
    uid_t euid = geteuid();
    st->cred.euid = euid;
    st->cred.egid = getegid();
    st->cred.pid = getpid();
    st->cred.cap_net_bind_service = euid == 0;
    st->cred.cap_net_admin = euid == 0;
    st->cred.cap_net_raw = euid == 0;
#else
    /* No users without an OS: the firmware acts as root (uid 0, may bind
     * ports below 1024), pid 1; berth_cred_set changes it. */
    st->cred.pid = 1;
    st->cred.cap_net_bind_service = true;
    st->cred.cap_net_admin = true;
    st->cred.cap_net_raw = true;
#endif

    /* The descriptor table starts small and doubles on demand (like the
     * kernel's expand_fdtable), so a large max_fds costs nothing until used. */
    st->fds_len = cfg.max_fds < BERTH_FDS_INITIAL ? cfg.max_fds : BERTH_FDS_INITIAL;
    st->fds = st_zalloc(st, sizeof(*st->fds) * st->fds_len);
    st->udp_bind = bind_table_new(st, IPPROTO_UDP);
    /* st->ping_bind: made by the first ping socket (ping_init_sock), so a
     * stack whose program never pings pays nothing for it (issue 9). */
#if BERTH_WITH_TCP
    st->tcp_bind = bind_table_new(st, IPPROTO_TCP); /* nothing for a protocol compiled out */
#endif
    if (!st->fds || !st->udp_bind || ip4_init(st) != 0 ||
#if BERTH_WITH_IPV6
        ip6_init(st) != 0 ||
#endif
#if BERTH_WITH_TCP
        !st->tcp_bind || tcp_stack_init(st) != 0 ||
#endif
        (cfg.loopback && !loopback_create(st))) {
        berth_stack_free(st);
        errno = ENOMEM;
        return NULL;
    }
    return st;
}

void berth_stack_free(berth_stack *st)
{
    if (!st)
        return;
    st_lock(st);
    if (st->fds) {
        for (unsigned i = 0; i < st->fds_len; i++)
            if (st->fds[i])
                sock_close_fd(st, (int)i);
    }
#if BERTH_WITH_TCP
    tcp_stack_fini(st); /* connections that outlived their descriptors */
#endif
    while (st->netifs)
        netif_remove_locked(st->netifs);
    pktq_purge(st, &st->rxq);
    ip4_fini(st);
#if BERTH_WITH_IPV6
    ip6_fini(st);
#endif
    bufcache_drain(st);
    bind_table_free(st, st->udp_bind);
    bind_table_free(st, st->ping_bind);
    bind_table_free(st, st->tcp_bind);
    sock_opts_release(st); /* every socket is gone: only the hash is left */
    sysctl_release(st);
    st->plat.unlock(st->plat.ctx);
    struct berth_platform plat = st->plat;
    bool own = st->own_platform;
    if (st->fds)
        plat.free(plat.ctx, st->fds);
    plat.free(plat.ctx, st);
#if BERTH_WITH_POSIX
    if (own)
        berth_platform_posix_release(&plat);
#else
    (void)own;
#endif
}

const char *berth_stack_name(const berth_stack *st) { return st->name; }
const struct berth_platform *berth_stack_platform(const berth_stack *st) { return &st->plat; }

void st_lock(struct berth_stack *st) { st->plat.lock(st->plat.ctx); }

void st_unlock(struct berth_stack *st)
{
    stack_run_pending(st);
    st->plat.unlock(st->plat.ctx);
}

bool stack_run_pending(struct berth_stack *st)
{
    if (st->in_poll)
        return false;
    bool did = false;
    st->in_poll = true;
    for (;;) {
        struct pkt *p = pktq_pop(&st->rxq);
        if (p) {
#if BERTH_WITH_IPV6
            if (p->len && (p->data[0] >> 4) == 6)
                ip6_input(st, p);
            else
#endif
                ip4_input(st, p);
            did = true;
            continue;
        }
        if (st->timers && st->timers->when <= st_now(st)) {
            timer_run_due(st, st_now(st));
            did = true;
            continue;
        }
        break;
    }
    st->in_poll = false;
    return did;
}

int stack_wait(struct berth_stack *st, uint64_t deadline)
{
    /* Work done here may be what the caller waits for: let it re-check. */
    if (stack_run_pending(st))
        return 0;
    uint64_t next = timer_next(st);
    uint64_t until = next < deadline ? next : deadline;
    if (until <= st_now(st) && until == deadline)
        return ETIMEDOUT;
    if (until == BERTH_FOREVER && st->rxq.head)
        return 0;
    st->waiters++;
    int rc = st->plat.wait(st->plat.ctx, st, until);
    st->waiters--;
    stack_run_pending(st);
    if (rc == EDEADLK)
        return EDEADLK; /* nothing can ever wake this caller */
    if (rc == ETIMEDOUT && st_now(st) >= deadline)
        return ETIMEDOUT;
    return 0;
}

void berth_stack_poll(berth_stack *st)
{
    st_lock(st);
    st_unlock(st);
}

uint64_t berth_stack_next_deadline(berth_stack *st)
{
    st_lock(st);
    uint64_t t = st->rxq.head ? st_now(st) : timer_next(st);
    st->plat.unlock(st->plat.ctx);
    return t;
}

#if BERTH_WITH_TRACE
void stack_trace(struct berth_stack *st, const char *fmt, ...)
{
    char line[256];
    uint64_t now = st_now(st);
    int n = snprintf(line, sizeof(line), "%llu.%06llu %s ", (unsigned long long)(now / 1000000),
                     (unsigned long long)(now % 1000000), st->name);
    if (n < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    st->trace(st->trace_arg, line);
}
#else
void stack_trace(struct berth_stack *st, const char *fmt, ...)
{
    (void)st;
    (void)fmt;
}
#endif

void berth_stack_set_trace(berth_stack *st, void (*fn)(void *, const char *), void *arg)
{
    st_lock(st);
    st->trace = fn;
    st->trace_arg = arg;
    st->plat.unlock(st->plat.ctx);
}

#if BERTH_HALFSIPHASH
/* HalfSipHash-2-4 (Aumasson and Bernstein's 32-bit SipHash, Linux's
 * hsiphash on 32-bit machines): the same keyed-hash role with 32-bit words,
 * a third of SipHash's code on a Cortex-M and no 64-bit arithmetic. */
#define ROTL32(x, b) (uint32_t)(((x) << (b)) | ((x) >> (32 - (b))))
#define HSIPROUND                                                                                  \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL32(v1, 5);                                                                        \
        v1 ^= v0;                                                                                  \
        v0 = ROTL32(v0, 16);                                                                       \
        v2 += v3;                                                                                  \
        v3 = ROTL32(v3, 8);                                                                        \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL32(v3, 7);                                                                        \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL32(v1, 13);                                                                       \
        v1 ^= v2;                                                                                  \
        v2 = ROTL32(v2, 16);                                                                       \
    } while (0)

static void hsip_rounds(uint32_t v[4], int n)
{
    uint32_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3];
    while (n-- > 0)
        HSIPROUND;
    v[0] = v0, v[1] = v1, v[2] = v2, v[3] = v3;
}

uint32_t stack_hash32(const struct berth_stack *st, const void *data, size_t len)
{
    uint32_t k0 = (uint32_t)st->secret[0], k1 = (uint32_t)st->secret[1];
    uint32_t v[4] = {k0, k1, 0x6c796765u ^ k0, 0x74656462u ^ k1};
    const uint8_t *p = data;
    uint32_t b = (uint32_t)len << 24;
    for (; len >= 4; p += 4, len -= 4) {
        uint32_t m;
        memcpy(&m, p, 4);
        v[3] ^= m;
        hsip_rounds(v, 2);
        v[0] ^= m;
    }
    for (size_t i = 0; i < len; i++)
        b |= (uint32_t)p[i] << (8 * i);
    v[3] ^= b;
    hsip_rounds(v, 2);
    v[0] ^= b;
    v[2] ^= 0xff;
    hsip_rounds(v, 4);
    return v[1] ^ v[3];
}
#else
/* SipHash-2-4 style mixing, reduced to what the stack needs: a keyed hash
 * whose output an off-path attacker cannot predict. */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = ROTL(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = ROTL(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = ROTL(v2, 32);                                                                         \
    } while (0)

uint32_t stack_hash32(const struct berth_stack *st, const void *data, size_t len)
{
    uint64_t k0 = st->secret[0], k1 = st->secret[1];
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    const uint8_t *p = data;
    uint64_t b = (uint64_t)len << 56;
    while (len >= 8) {
        uint64_t m;
        memcpy(&m, p, 8);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
        p += 8;
        len -= 8;
    }
    for (size_t i = 0; i < len; i++)
        b |= (uint64_t)p[i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    uint64_t h = v0 ^ v1 ^ v2 ^ v3;
    return (uint32_t)(h ^ (h >> 32));
}
#endif

/* Unpredictable-enough numbers for choices an attacker gains little by
 * guessing (ephemeral start offsets, ARP jitter): a per-stack xoshiro256**
 * stream seeded once from the platform, so a port pick costs no system call.
 * Secrets (ISNs, port-hash keys) come from st->secret through
 * stack_hash32 instead. */
uint32_t stack_random32(struct berth_stack *st) { return (uint32_t)(rng_next(&st->rng) >> 32); }
