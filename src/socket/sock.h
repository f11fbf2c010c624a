/* sock.h — the protocol-independent socket object and the per-(family,
 * type) operations table.
 *
 * The socket layer (socket.c) owns descriptors, argument checking that the
 * Linux syscall layer does before reaching a protocol, SOL_SOCKET options,
 * blocking and poll. Everything protocol-specific goes through sock_ops, so
 * TCP, IPv6 and AF_UNIX each add one table without touching socket.c.
 *
 * Conventions: ops return 0 / a count, or a negative errno (kernel style);
 * the public wrappers turn that into -1 + errno.
 */
#ifndef BERTH_SOCKET_SOCK_H
#define BERTH_SOCKET_SOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "berth/stack.h"
#include "core/pkt.h"

struct bsock;

struct sock_ops {
    int family, type;
    size_t obj_size; /* bytes to allocate for the whole protocol socket */
    /* Pick the protocol: returns the resolved protocol number (>= 0) or
     * -EPROTONOSUPPORT / -ESOCKTNOSUPPORT, like Linux's inetsw lookup. */
    int (*resolve_protocol)(int protocol);
    int (*init)(struct bsock *so);
    /* Last close: release ports and queued data (the bsock itself is freed
     * by the socket layer). */
    void (*release)(struct bsock *so);
    /* The last reference is gone: free what the protocol allocated beside
     * the socket object (may be NULL). */
    void (*destruct)(struct bsock *so);
    int (*bind)(struct bsock *so, const struct sockaddr *sa, socklen_t len);
    /* `total` is the sum of the iovec lengths; `flags` already includes
     * MSG_DONTWAIT for non-blocking sockets. */
    ssize_t (*sendmsg)(struct bsock *so, const struct msghdr *msg, size_t total, int flags);
    ssize_t (*recvmsg)(struct bsock *so, struct msghdr *msg, int flags);
    /* A file reference went and others remain (a descriptor closed while
     * the socket is in flight): AF_UNIX looks for unreachable cycles of
     * sockets in flight (unix_gc). May be NULL. */
    void (*file_dropped)(struct bsock *so);
};

/* The calls an application may never make are not in sock_ops: each has
 * tables of its own, indexed like sock_ops_by_id[] (sock_registry.c) and
 * referenced only by the public call that makes it (socket.c). A table that
 * named every call would keep every protocol's option, shutdown, poll...
 * code in a firmware that never calls them; this way --gc-sections drops
 * what nothing calls (docs/porting.md, Sizes). A NULL table: the protocol
 * has no such call. */
struct sock_connect_ops {
    int (*connect)(struct bsock *so, const struct sockaddr *sa, socklen_t len);
};
struct sock_listen_ops {
    int (*listen)(struct bsock *so, int backlog);
    int (*accept)(struct bsock *so, struct bsock **child, int flags);
};
struct sock_name_ops {
    /* Fill *ss; *len is set to the address's full size. peer: 0 for
     * getsockname, 1 for getpeername, 2 for accept (Linux's convention:
     * accept reports the peer even of a connection already closed). */
    int (*getname)(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, int peer);
};
struct sock_opt_ops {
    /* Non-SOL_SOCKET levels; and SOL_SOCKET hooks for options whose effect
     * the protocol must see (may be NULL). */
    int (*setsockopt)(struct bsock *so, int level, int name, const void *val, socklen_t len);
    int (*getsockopt)(struct bsock *so, int level, int name, void *val, socklen_t *len);
};
/* sendmsg, which may carry control messages: NULL, the ops table's sendmsg
 * (sendto and send never carry any). */
struct sock_sendmsg_ops {
    ssize_t (*sendmsg)(struct bsock *so, const struct msghdr *msg, size_t total, int flags);
};
/* recvmsg, which may ask for control messages: NULL, the ops table's
 * recvmsg (recvfrom and recv have no control buffer). */
struct sock_recvmsg_ops {
    ssize_t (*recvmsg)(struct bsock *so, struct msghdr *msg, int flags);
};
struct sock_shutdown_ops {
    int (*shutdown)(struct bsock *so, int how); /* how: SHUT_* + 1 bit mask */
};
struct sock_poll_ops {
    unsigned (*poll)(struct bsock *so); /* POLLIN | POLLOUT | ... */
};
struct sock_ioctl_ops {
    int (*ioctl)(struct bsock *so, unsigned long req, void *arg);
};
struct sock_pair_ops {
    int (*socketpair)(struct bsock *a, struct bsock *b); /* join two new sockets */
};

#define SOCKF_NONBLOCK 0x1
#define SOCKF_CLOEXEC 0x2

#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2

/* Options that are rarely set, kept out of the socket until one is set
 * to something other than its default: sock_opt_w allocates the block and
 * files it in a per-stack hash keyed by the socket (the socket only has a
 * bit saying it has one). IP_LOCAL_PORT_RANGE lives here too: it is the
 * one rarely-set IP-level option wider than a bit. */
struct sock_opts {
    uint64_t rcvtimeo_us, sndtimeo_us; /* 0: wait forever */
    int rcvlowat;                      /* 1 by default */
    int priority, mark;
    struct linger linger;
    unsigned bound_ifindex;                /* SO_BINDTODEVICE / an IPv6 scope id (0: none) */
    uint16_t port_range_lo, port_range_hi; /* IP_LOCAL_PORT_RANGE (0: unset) */
    /* IP_MINTTL / IPV6_MINHOPCOUNT (RFC 5082): TCP drops IPv4 / IPv6
     * segments with a lower TTL / fewer hops left (inet->min_ttl,
     * np->min_hopcount; here, as they are rarely set) */
    uint8_t min_ttl, min_hopcount;
    /* SO_PEEK_OFF of a UDP or TCP socket (sk_peek_off; -1: off). AF_UNIX
     * keeps its own (src/unix/unix.h). */
    int32_t peek_off;
    const struct bsock *owner; /* the hash's key */
    struct sock_opts *next;    /* hash chain */
};

/* Field widths are chosen for size: a socket is the unit of RAM a stack
 * spends per connection (bench/ measures it). The family and type are the
 * ops table's; the ops table is an index into sock_ops_by_id[]. */
struct bsock {
    struct berth_stack *st;
    uid_t uid;           /* creation euid (Linux's sock_i_uid) */
    int rcvbuf, sndbuf;  /* effective bytes (Linux doubles what is set) */
    uint32_t rmem_alloc; /* bytes (truesize) in a datagram receive queue (sk_rmem_alloc) */
    uint16_t refs;       /* descriptor + blocked callers */
    uint8_t so_error;    /* pending asynchronous error (positive errno, < 256) */
    uint8_t protocol;    /* resolved: IPPROTO_UDP or IPPROTO_TCP */
    uint8_t ops_id;      /* sock_ops_by_id[] */
    uint8_t xfiles;      /* file references beyond one descriptor (SCM_RIGHTS, sock_file_get) */
    uint8_t fl : 2;      /* SOCKF_* */
    uint8_t shut : 2;    /* RCV_SHUTDOWN | SEND_SHUTDOWN */
    bool closed : 1;     /* descriptor gone; waiters bail out */
    bool cap_net_bind_service : 1; /* the creator held CAP_NET_BIND_SERVICE */
    bool has_opt : 1;              /* a sock_opts block is filed for it; else all defaults */

    /* SOL_SOCKET state */
    bool reuseaddr : 1, reuseport : 1, broadcast : 1, keepalive : 1, dontroute : 1, oobinline : 1;
    bool rcvbuf_locked : 1, sndbuf_locked : 1;
};
_Static_assert(sizeof(struct bsock) == (sizeof(void *) == 8 ? 32 : 28),
               "struct bsock stays 32 bytes (28 with 32-bit pointers)");
/* 72 bytes since SO_PEEK_OFF joined (64 before); only sockets that set a
 * rarely-set option pay for it. */
_Static_assert(sizeof(struct sock_opts) ==
                   (sizeof(void *) == 8 ? 72 : (_Alignof(uint64_t) == 8 ? 64 : 60)),
               "struct sock_opts layout");

/* Every ops table, by id, and the per-call tables beside (sock_registry.c). */
extern const struct sock_ops *const sock_ops_by_id[];
extern const struct sock_connect_ops *const sock_connect_by_id[];
extern const struct sock_listen_ops *const sock_listen_by_id[];
extern const struct sock_name_ops *const sock_name_by_id[];
extern const struct sock_opt_ops *const sock_opt_by_id[];
extern const struct sock_sendmsg_ops *const sock_sendmsg_by_id[];
extern const struct sock_recvmsg_ops *const sock_recvmsg_by_id[];
extern const struct sock_shutdown_ops *const sock_shutdown_by_id[];
extern const struct sock_poll_ops *const sock_poll_by_id[];
extern const struct sock_ioctl_ops *const sock_ioctl_by_id[];
extern const struct sock_pair_ops *const sock_pair_by_id[];
static inline const struct sock_ops *so_ops(const struct bsock *so)
{
    return sock_ops_by_id[so->ops_id];
}
/* Every protocol has option calls (its sock_opt_by_id[] row is never NULL). */
static inline const struct sock_opt_ops *so_opt_ops(const struct bsock *so)
{
    return sock_opt_by_id[so->ops_id];
}
static inline int sock_family(const struct bsock *so) { return so_ops(so)->family; }
static inline int sock_type(const struct bsock *so) { return so_ops(so)->type; }

/* The rarely-set options: read (defaults when none was set), or get the
 * block for writing (allocated on first use; NULL when out of memory). */
extern const struct sock_opts sock_opts_default;
const struct sock_opts *sock_opt_find(const struct bsock *so);
static inline const struct sock_opts *sock_opt(const struct bsock *so)
{
    return so->has_opt ? sock_opt_find(so) : &sock_opts_default;
}
struct sock_opts *sock_opt_w(struct bsock *so);
/* SO_PEEK_OFF of a UDP or TCP socket (-1: off). A MSG_PEEK moves it
 * forward by what it returned (sk_peek_offset_fwd), a read back by what it
 * consumed, never below 0 (sk_peek_offset_bwd); both only while it is on. */
static inline int sock_peek_off(const struct bsock *so) { return sock_opt(so)->peek_off; }
static inline void sock_peek_off_move(struct bsock *so, bool peek, size_t n)
{
    if (!so->has_opt || sock_opt(so)->peek_off < 0)
        return;
    struct sock_opts *o = (struct sock_opts *)sock_opt_find(so);
    if (peek)
        o->peek_off += (int32_t)n;
    else
        o->peek_off = o->peek_off > (int32_t)n ? o->peek_off - (int32_t)n : 0;
}
/* The device the socket is bound to (sk_bound_dev_if; 0: none). */
static inline unsigned sock_bound_if(const struct bsock *so) { return sock_opt(so)->bound_ifindex; }
/* 0, or -ENOMEM when the options block cannot be allocated. */
int sock_set_bound_if(struct bsock *so, unsigned ifindex);
/* sk_clone_lock's copy of the SOL_SOCKET state from a listener to a new
 * connection's socket: 0 or -ENOMEM. */
int sock_inherit(struct bsock *so, const struct bsock *from);
/* Stack teardown: free the options hash. */
void sock_opts_release(struct berth_stack *st);

/* Allocation of a socket object from an ops table (socket layer use). */
struct bsock *sock_alloc(struct berth_stack *st, const struct sock_ops *ops, int protocol);
/* Hold / drop a reference; the last drop after close frees the socket. */
void sock_hold(struct bsock *so);
void sock_put(struct bsock *so);
/* Close a descriptor from inside the stack (stack teardown). */
void sock_close_fd(struct berth_stack *st, int fd);
/* The socket behind descriptor fd (NULL if none), and a new descriptor for
 * a socket that already holds a file reference for it (-EMFILE when the
 * table is full). For SCM_RIGHTS. */
struct bsock *sock_fd_lookup(struct berth_stack *st, int fd);
int sock_fd_install(struct berth_stack *st, struct bsock *so, bool cloexec);
/* File references (Linux's struct file count): a socket passed in an
 * SCM_RIGHTS message, or received as a second descriptor, holds one more;
 * the last one to go is the close that releases the protocol. get: 0 or
 * -ETOOMANYREFS past 255 extra references. */
int sock_file_get(struct bsock *so);
void sock_file_put(struct bsock *so);

/* Wait (lock held) for the socket to change, until `deadline` (absolute,
 * BERTH_FOREVER for none). Returns 0, -EAGAIN when the deadline passed
 * (Linux reports SO_RCVTIMEO expiry as EAGAIN), or -EDEADLK. */
int sock_wait(struct bsock *so, uint64_t deadline);
/* Deadline for a blocking op from SO_RCVTIMEO / SO_SNDTIMEO. */
uint64_t sock_deadline(struct bsock *so, bool rcv);
/* Something changed on so: wake its waiters. */
void sock_wake(struct bsock *so);
/* Take the pending error (sock_error() in Linux): returns -err or 0. */
int sock_take_error(struct bsock *so);
/* Make err the pending error of descriptor fd (recvmmsg). */
void socket_defer_error(struct berth_stack *st, int fd, int err);

/* User-memory checks. berth cannot probe arbitrary memory the way the
 * kernel's copy_from_user can; it reports EFAULT for pointers into the first
 * page and for ranges that wrap around (docs/deviations.md). */
bool user_ptr_bad(const void *p, size_t len);
int copy_from_user(void *dst, const void *src, size_t len);
int copy_to_user(void *dst, const void *src, size_t len);
/* Append a control message (Linux's put_cmsg): msg_control/msg_controllen
 * advance past it; MSG_CTRUNC when it does not fit. The socket layer turns
 * what is left into the length used. */
void put_cmsg(struct msghdr *msg, int level, int type, const void *data, size_t len);
/* SO_INQ / SCM_INQ (asm-generic/socket.h, Linux 6.18): C libraries older
 * than the option lack the number. */
#ifndef SO_INQ
#define SO_INQ 84
#endif
#ifndef SCM_INQ
#define SCM_INQ SO_INQ
#endif
#ifndef SO_PASSRIGHTS
#define SO_PASSRIGHTS 83 /* Linux 6.16 */
#endif
/* Gather/scatter between an iovec and a flat buffer. */
int iov_gather(void *dst, const struct msghdr *msg, size_t len);
int iov_scatter(const struct msghdr *msg, const void *src, size_t len);

/* SOL_SOCKET options (sockopt.c), sock_setsockopt()/sk_getsockopt() in Linux. */
int sock_setsockopt(struct bsock *so, int name, const void *val, socklen_t len);
int sock_getsockopt(struct bsock *so, int name, void *val, socklen_t *len);
/* Helpers for protocol getsockopt: Linux's int-option copy-out rules. */
int sockopt_put_int(int v, void *val, socklen_t *len);
/* The IPPROTO_IPV6 / IPPROTO_TCP form: min_t(unsigned int, len, 4) bytes,
 * so a negative length reads as 4 rather than failing. */
int sockopt_put_int_unsigned_min(int v, void *val, socklen_t *len);
#endif
