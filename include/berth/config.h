/* berth/config.h — build-time sizes and defaults, in one place.
 *
 * A firmware sets what it wants in a header of its own and names it at
 * build time (like lwIP's lwipopts.h):
 *
 *     cmake -DBERTH_CONFIG_HEADER=/path/to/berth_opts.h ...
 *     (or -DBERTH_CONFIG_HEADER='"berth_opts.h"' on a compiler line)
 *
 * That header is included first; every knob it leaves out takes the default
 * below. Defaults come in two columns picked by BERTH_SMALL: Linux's values
 * for a hosted build (0), small-target values for a microcontroller (1, set
 * by CMake for a bare-metal build). Run-time values (berth_config, the
 * sysctls) start from these and can still be changed per stack.
 * docs/porting.md lists the memory each one costs.
 */
#ifndef BERTH_CONFIG_H
#define BERTH_CONFIG_H

#include <stdint.h>

#ifdef BERTH_CONFIG_HEADER
#include BERTH_CONFIG_HEADER
#endif

#ifndef BERTH_SMALL
#define BERTH_SMALL 0
#endif

/* BERTH_PICK(hosted value, small-target value) */
#define BERTH_PICK_0(hosted, small) hosted
#define BERTH_PICK_1(hosted, small) small
#define BERTH_PICK__(s, hosted, small) BERTH_PICK_##s(hosted, small)
#define BERTH_PICK_(s, hosted, small) BERTH_PICK__(s, hosted, small) /* expands s */
#define BERTH_PICK(hosted, small) BERTH_PICK_(BERTH_SMALL, hosted, small)

/* Descriptor table size (EMFILE past it) and stack-wide sockets (ENFILE). */
#ifndef BERTH_MAX_FDS
#define BERTH_MAX_FDS BERTH_PICK(1024, 16)
#endif
#ifndef BERTH_MAX_SOCKETS
#define BERTH_MAX_SOCKETS BERTH_PICK(65536, 16)
#endif
/* Descriptors the table holds at start; it doubles on demand up to
 * BERTH_MAX_FDS (the kernel's expand_fdtable), so a program with a few
 * sockets never pays for the rest. */
#ifndef BERTH_FDS_INITIAL
#define BERTH_FDS_INITIAL BERTH_PICK(64, 8)
#endif
/* Socket buffer limits (net.core.rmem_default/max, wmem_default/max):
 * bytes a socket may hold queued, as Linux counts them (truesize). */
#ifndef BERTH_RMEM_DEFAULT
#define BERTH_RMEM_DEFAULT BERTH_PICK(212992, 4608)
#endif
#ifndef BERTH_WMEM_DEFAULT
#define BERTH_WMEM_DEFAULT BERTH_PICK(212992, 4608)
#endif
#ifndef BERTH_RMEM_MAX
#define BERTH_RMEM_MAX BERTH_PICK(212992, 65536)
#endif
#ifndef BERTH_WMEM_MAX
#define BERTH_WMEM_MAX BERTH_PICK(212992, 65536)
#endif
/* listen() backlog ceiling (net.core.somaxconn). */
#ifndef BERTH_SOMAXCONN
#define BERTH_SOMAXCONN BERTH_PICK(4096, 8)
#endif
/* IPv4 reassembly: bytes held in incomplete datagrams (ipfrag_high_thresh)
 * and seconds before one is dropped (ipfrag_time). */
#ifndef BERTH_IPFRAG_HIGH_THRESH
#define BERTH_IPFRAG_HIGH_THRESH BERTH_PICK(4194304, 4096)
#endif
#ifndef BERTH_IPFRAG_TIME_S
#define BERTH_IPFRAG_TIME_S 30
#endif
/* IPv6 reassembly (net.ipv6.ip6frag_high_thresh / ip6frag_time). */
#ifndef BERTH_IP6FRAG_HIGH_THRESH
#define BERTH_IP6FRAG_HIGH_THRESH BERTH_IPFRAG_HIGH_THRESH
#endif
#ifndef BERTH_IP6FRAG_TIME_S
#define BERTH_IP6FRAG_TIME_S 60
#endif
/* Freed large buffers kept for reuse (core/bufcache.h); 0: none. */
#ifndef BERTH_BUFFER_CACHE
#define BERTH_BUFFER_CACHE BERTH_PICK(8388608, 0)
#endif
/* Largest block size the buffer cache keeps (a multiple of 4 KiB): its
 * per-stack free-list heads cost a pointer per 4 KiB of it. */
#ifndef BERTH_BUFCACHE_MAX
#define BERTH_BUFCACHE_MAX BERTH_PICK(131072u, 4096u)
#endif
/* IP ID counters, one per hashed (src, dst, proto) (Linux's ip_idents);
 * a power of two. */
#ifndef BERTH_IP_IDENTS
#define BERTH_IP_IDENTS BERTH_PICK(256, 16)
#endif
/* Type of the protocol counters (/proc/net/snmp names): 64-bit like
 * Linux's, or 32-bit to halve their RAM on a microcontroller. */
#ifndef BERTH_COUNTER_T
#define BERTH_COUNTER_T BERTH_PICK(uint64_t, uint32_t)
#endif

/* TCP: the established-connection hash's initial buckets (it doubles as
 * connections come; a power of two), the smallest chunk a stream byte
 * queue allocates, and the chunk size a receive queue asks for (0: the
 * segment's own size, so a small segment takes a small chunk). */
#ifndef BERTH_TCP_EHASH_MIN
#define BERTH_TCP_EHASH_MIN BERTH_PICK(256u, 8u)
#endif
/* RFC 6056 algorithm 5's table of per-bucket offsets for connect()'s
 * ephemeral ports (a power of two; Linux 5.x: 256). */
#ifndef BERTH_TCP_PERTURB
#define BERTH_TCP_PERTURB BERTH_PICK(256u, 16u)
#endif
#ifndef BERTH_TCP_CHUNK_MIN
#define BERTH_TCP_CHUNK_MIN BERTH_PICK(512u, 64u)
#endif
/* On a fixed memory pool (a platform with alloc_reserve, e.g. berth/arena.h)
 * each connection owns one chunk for its receive queue and one for its send
 * queue, its floors (Linux's tcp_rmem[0]/tcp_wmem[0] guarantee), used only
 * when nothing else can be had: a connection can always take the next
 * in-order segment (a full Ethernet one: 1460 bytes) and queue bytes to
 * send (536: the segment size every TCP must accept, RFC 9293 3.7.1),
 * whatever the other connections hold. 0: no floor. */
#ifndef BERTH_TCP_RMEM_FLOOR
#define BERTH_TCP_RMEM_FLOOR 1460u
#endif
#ifndef BERTH_TCP_WMEM_FLOOR
#define BERTH_TCP_WMEM_FLOOR 536u
#endif
#ifndef BERTH_TCP_RCV_CHUNK
#define BERTH_TCP_RCV_CHUNK BERTH_PICK(4096u, 0u)
#endif

/* The keyed hash behind ISNs, port offsets and hash tables: SipHash-2-4
 * (64-bit words, Linux's siphash) or HalfSipHash-2-4 (32-bit words, Linux's
 * hsiphash on 32-bit machines; ~1/3 of the code on a Cortex-M). */
#ifndef BERTH_HALFSIPHASH
#define BERTH_HALFSIPHASH BERTH_PICK(0, 1)
#endif

_Static_assert((BERTH_IP_IDENTS & (BERTH_IP_IDENTS - 1)) == 0, "BERTH_IP_IDENTS is a power of two");

#endif
