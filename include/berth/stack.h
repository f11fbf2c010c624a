/* berth/stack.h — a stack instance: creation, configuration, event loop,
 * credentials and counters.
 *
 * Everything berth knows hangs off a berth_stack; there is no global mutable
 * state, so one process can run many hosts.
 */
#ifndef BERTH_STACK_H
#define BERTH_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "platform.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct berth_stack berth_stack;

/* Credentials of the calling thread as berth sees them (per thread on the
 * posix flavour, per stack otherwise): effective uid and gid, the process id
 * that AF_UNIX's SO_PEERCRED reports, and whether the caller holds
 * CAP_NET_BIND_SERVICE. A socket records them when it is created (Linux's
 * sock_i_uid, sk_peer_cred); bind() checks the privileged-port rule against
 * the credentials current at the call (Linux's ns_capable(current)).
 * Default: the process's euid/egid/pid, capabilities iff euid 0; see
 * berth_config.cred_current for a live source (berth/posix.h reads the OS's
 * at each such moment, so seteuid() and capset() take effect). */
struct berth_cred {
    uid_t euid;
    gid_t egid;
    pid_t pid;
    bool cap_net_bind_service; /* privileged ports (bind) */
    bool cap_net_admin;        /* SO_RCVBUFFORCE/SO_SNDBUFFORCE, SO_PRIORITY > 6, SO_MARK */
    bool cap_net_raw;          /* SO_PRIORITY > 6, SO_MARK */
};

struct berth_config {
    /* Environment hooks. NULL: a posix platform owned by the stack. */
    const struct berth_platform *platform;
    /* Name used in traces ("host-a"). */
    const char *name;
    /* Size of the descriptor table: socket() fails with EMFILE past it. */
    unsigned max_fds;
    /* Stack-wide number of sockets: socket() fails with ENFILE past it. */
    unsigned max_sockets;
    /* Create the loopback interface lo (127.0.0.1/8) and bring it up. */
    bool loopback;
    /* IPv4 reassembly: bytes held in incomplete datagrams at most
     * (ipfrag_high_thresh), and seconds before one is dropped (ipfrag_time). */
    size_t ipfrag_high_thresh;
    unsigned ipfrag_time_s;
    /* IPv6 reassembly, a pool of its own as in Linux: bytes at most
     * (net.ipv6.ip6frag_high_thresh, 4 MiB) and seconds before an
     * incomplete datagram is dropped (net.ipv6.ip6frag_time, 60 s). */
    size_t ip6frag_high_thresh;
    unsigned ip6frag_time_s;
    /* Bytes of freed 4-128 KiB packet and TCP queue buffers kept for reuse
     * instead of going back to the allocator (default 8 MiB; 0: none). A
     * bulk transfer frees and allocates its buffers in waves, which makes
     * malloc return memory to the OS and take it back over and over. */
    size_t buffer_cache;
    /* Where the caller's credentials come from, asked at the moments Linux
     * consults them (socket creation, bind's privileged-port check,
     * privileged setsockopt, AF_UNIX peer credentials) — never on the data
     * path. NULL: berth_cred_set's per-thread values, else the stack's
     * defaults. berth/posix.h reads the OS's (so seteuid/capset count). A
     * berth_cred_set by the calling thread still wins over the hook. */
    void (*cred_current)(void *arg, struct berth_cred *out);
    void *cred_arg;
    /* AF_UNIX path names in a file system (berth/platform.h); NULL: a
     * per-stack table. berth_config_init sets berth_fs_posix(). */
    const struct berth_fs *fs;
};

/* Fill cfg with defaults matching a fresh Linux network namespace. */
void berth_config_init(struct berth_config *cfg);

/* Create a stack. Returns NULL (errno ENOMEM or EINVAL) on failure. */
berth_stack *berth_stack_new(const struct berth_config *cfg);
/* Close every socket, remove every interface, free everything. */
void berth_stack_free(berth_stack *st);

const char *berth_stack_name(const berth_stack *st);
const struct berth_platform *berth_stack_platform(const berth_stack *st);

/* Event loop entry for drivers, simulations and bare-metal main loops:
 * process queued input packets and every timer that is due. */
void berth_stack_poll(berth_stack *st);
/* Absolute time (platform clock, us) of the next timer, BERTH_FOREVER if none.
 * Also reports pending input as "now". */
uint64_t berth_stack_next_deadline(berth_stack *st);

void berth_cred_set(berth_stack *st, const struct berth_cred *cred);
void berth_cred_get(berth_stack *st, struct berth_cred *cred);

/* Counters, named as in Linux's /proc/net/snmp ("Ip", "InReceives").
 * Returns 0 and the value, or -1/ENOENT for an unknown name. */
int berth_snmp_get(berth_stack *st, const char *group, const char *name, uint64_t *value);
/* Call fn for every counter in /proc/net/snmp order. */
void berth_snmp_foreach(berth_stack *st,
                        void (*fn)(void *arg, const char *group, const char *name, uint64_t value),
                        void *arg);

/* Trace hook: a line of text for every notable event (packet in/out, drop and
 * why). NULL disables it. */
void berth_stack_set_trace(berth_stack *st, void (*fn)(void *arg, const char *line), void *arg);

#ifdef __cplusplus
}
#endif
#endif
