/* stack_impl.h — the berth_stack instance: everything one host owns.
 *
 * Locking: one lock per stack (the platform's). Every entry point — API call,
 * driver input, timer — takes it with st_lock() and leaves through
 * st_unlock(), which first runs queued input and due timers so that, like
 * Linux's softirq on syscall exit, loopback traffic is delivered before the
 * call returns.
 */
#ifndef BERTH_CORE_STACK_IMPL_H
#define BERTH_CORE_STACK_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "berth/config.h"
#include "berth/netif.h"
#include "berth/stack.h"
#include "core/bufcache.h"
#include "core/pkt.h"
#include "core/snmp.h"
#include "core/timer.h"
#include "sys/rng.h"

struct bsock;
struct bind_table;
struct ip4_route;
struct ip4_reasm;
struct ip6_reasm;
struct ip6_pmtu;
struct icmp6_peers;
struct tcp_stack;
struct unix_table;
struct unix_sock;

/* Stack-wide tunables, named after the Linux sysctls they mirror. */
struct berth_net_cfg {
    uint16_t ip_local_port_range[2];     /* net.ipv4.ip_local_port_range */
    unsigned ip_unprivileged_port_start; /* net.ipv4.ip_unprivileged_port_start */
    int ip_nonlocal_bind;                /* net.ipv4.ip_nonlocal_bind */
    int ip_default_ttl;                  /* net.ipv4.ip_default_ttl */
    int rmem_default, rmem_max;          /* net.core.rmem_default / rmem_max */
    int wmem_default, wmem_max;          /* net.core.wmem_default / wmem_max */
    int somaxconn;                       /* net.core.somaxconn */
    /* Set through berth_sysctl_set (src/core/sysctl.c); zero is Linux's
     * default for each. */
    int ip_autobind_reuse;     /* net.ipv4.ip_autobind_reuse */
    int ipv6_bindv6only;       /* net.ipv6.bindv6only (IPV6_V6ONLY default) */
    int ipv6_ip_nonlocal_bind; /* net.ipv6.ip_nonlocal_bind */
    int unix_max_dgram_qlen;   /* net.unix.max_dgram_qlen (10; read at socket creation) */
    /* net.ipv4.ping_group_range: the gids allowed ICMP ping sockets of
     * either family (Linux's default "1 0": nobody). */
    uint32_t ping_group_range[2];
    /* net.ipv4.ip_local_reserved_ports: NULL while no port is reserved,
     * else NET_RESERVED_WORDS words, bit (port & 63) of word (port >> 6) —
     * the layout of bind_table.used, so the allocator can mask whole words.
     * Allocated with st_alloc; freed by sysctl_release(). */
    uint64_t *ip_local_reserved_ports;
};
#define NET_RESERVED_WORDS (65536 / 64)

/* Is `port` in net.ipv4.ip_local_reserved_ports? (automatic choice skips it) */
static inline bool net_port_reserved(const struct berth_net_cfg *n, unsigned port)
{
    const uint64_t *r = n->ip_local_reserved_ports;
    return r && ((r[(port >> 6) & (NET_RESERVED_WORDS - 1)] >> (port & 63)) & 1);
}

struct berth_stack {
    struct berth_platform plat;
    char name[BERTH_PICK(32, 16)]; /* for traces; a small target keeps 15 characters */
    /* The flags together, in the padding after name (arena bytes are a
     * small target's RAM; plain bools: bitfields would cost more code than
     * the byte or two they save). */
    bool own_platform;     /* posix platform created by berth_stack_new */
    bool in_poll;          /* processing rxq: stops re-entrant processing */
    bool icmp_bucket_init; /* the ICMP rate limiter's bucket is filled */
    bool unix_gc_running;  /* unix_gc is walking the in-flight sockets */
    struct berth_config cfg;
    struct berth_net_cfg net;

    /* Input queue: packets from drivers (and loopback) waiting for the lock
     * holder to process them; `in_poll` stops re-entrant processing. */
    struct pktq rxq;
    struct bufcache bufcache; /* recycled large buffers (bufcache.h) */
    struct btimer *timers;    /* sorted by expiry */

    /* Interfaces and routes. */
    struct berth_netif *netifs;
    unsigned next_ifindex;
    struct ip4_route *routes;
    struct ip4_reasm *reasm;
    struct ip6_route *routes6; /* IPv6 routes, longest prefix first (route6.c) */
    uint64_t icmp_bucket_ts;   /* ICMP error rate limiter */
    uint32_t icmp_tokens;
    uint16_t ip_id_next;
    uint16_t ip_idents[BERTH_IP_IDENTS]; /* IP id counters, one per hashed (src, dst, proto) */
    /* IPv6 robustness state, each allocated on first use (NULL: none):
     * reassembly queues (ip6_frag.c), the path-MTU cache (ip6_pmtu.c),
     * ICMPv6's per-destination rate buckets (icmp6_rate.c). */
    struct ip6_reasm *reasm6;
    struct ip6_pmtu *pmtu6;
    struct icmp6_peers *icmp6_peers;

    /* Sockets: descriptor table and the stack-wide count. */
    struct bsock **fds;
    unsigned fds_len; /* slots allocated: grows by doubling up to cfg.max_fds */
    unsigned fd_hint; /* no free descriptor below this one */
    unsigned nsockets;
    unsigned waiters; /* callers blocked in stack_wait */
    struct bind_table *udp_bind;
    struct bind_table *tcp_bind;
    /* ICMP echo identifiers of ping sockets, both families in one table as
     * Linux's ping_table; ping_rover is ping_port_rover (the last ident
     * chosen automatically). */
    struct bind_table *ping_bind;
    uint16_t ping_rover;
    /* Sockets' rarely-set options (struct sock_opts), hashed by socket;
     * grown lazily (sock_util.c). */
    struct sock_opts **sockopt_hash;
    unsigned sockopt_mask, sockopt_count;
    struct tcp_stack *tcp;           /* TCP's per-stack state (src/tcp/) */
    struct unix_table *unix_names;   /* AF_UNIX bound names (src/unix/; NULL while none) */
    struct unix_sock *unix_inflight; /* AF_UNIX sockets in SCM_RIGHTS messages (unix_gc.c) */

    struct berth_cred cred; /* default credentials (non-posix flavours) */
    uint64_t secret[2];     /* keyed hashes: port offsets, IP ids */
    struct rng rng;         /* stack_random32: seeded once from the platform */

    struct berth_snmp snmp;
    void (*trace)(void *arg, const char *line);
    void *trace_arg;
};

static inline void *st_alloc(struct berth_stack *st, size_t n)
{
    return st->plat.alloc(st->plat.ctx, n);
}
void *st_zalloc(struct berth_stack *st, size_t n);
/* Copy a name, truncated to size - 1 bytes and terminated (what
 * snprintf(dst, size, "%s", src) does, without linking printf). */
void stack_strlcpy(char *dst, const char *src, size_t size);
/* strcmp(a, b) == 0 in a few bytes of code (newlib's strcmp for Cortex-M
 * is 732 bytes, for a handful of name lookups). */
static inline bool stack_streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}
static inline void st_free(struct berth_stack *st, void *p) { st->plat.free(st->plat.ctx, p); }
static inline uint64_t st_now(struct berth_stack *st) { return st->plat.now_us(st->plat.ctx); }
/* Wake blocked callers; free when nobody waits (the common case). */
static inline void st_wake(struct berth_stack *st)
{
    if (st->waiters)
        st->plat.wake(st->plat.ctx);
}

void st_lock(struct berth_stack *st);
/* Runs pending input and timers, then releases the lock. */
void st_unlock(struct berth_stack *st);
/* Process queued input packets and due timers (lock held). */
bool stack_run_pending(struct berth_stack *st); /* true if it did anything */
/* Block (lock held) until woken or `deadline`; runs pending work first and
 * wakes early for timers. Returns 0 or ETIMEDOUT. */
int stack_wait(struct berth_stack *st, uint64_t deadline);

/* Frees what the sysctl knobs allocated (berth_stack_free calls it). */
void sysctl_release(struct berth_stack *st);

/* Current credentials for a new socket. */
void stack_cred_current(struct berth_stack *st, struct berth_cred *out);

/* printf-style trace line (cheap when tracing is off). */
void stack_trace(struct berth_stack *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#if BERTH_WITH_TRACE
#define TRACE(st, ...)                                                                             \
    do {                                                                                           \
        if ((st)->trace)                                                                           \
            stack_trace((st), __VA_ARGS__);                                                        \
    } while (0)
#else
/* Compiled out (BERTH_WITH_TRACE=OFF): no format strings in the image, no
 * printf linked. The arguments are still type-checked, never evaluated. */
#define TRACE(st, ...)                                                                             \
    do {                                                                                           \
        if (0)                                                                                     \
            stack_trace((st), __VA_ARGS__);                                                        \
    } while (0)
#endif

/* Keyed 32-bit hash (SipHash-like mixing with the stack secret). */
uint32_t stack_hash32(const struct berth_stack *st, const void *data, size_t len);
uint32_t stack_random32(struct berth_stack *st);

#endif
