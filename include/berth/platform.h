/* berth/platform.h — the hooks a stack needs from its environment.
 *
 * The core never calls the OS directly: time, locking, sleeping, randomness
 * and memory all come through a struct berth_platform. Two flavours ship:
 *
 *  - posix:  pthread mutex + condition variable, CLOCK_MONOTONIC, getrandom,
 *            malloc. Several application threads may use one stack at once; a
 *            thread blocked in recv is woken when another thread's call (or a
 *            driver) makes data arrive.
 *  - inline: no threads at all and a virtual clock. A blocking call runs the
 *            stack's own event loop: it advances virtual time to the next timer
 *            or to its own deadline. Used for bare metal, single-threaded
 *            programs and (through berth/sim.h) whole simulated networks.
 */
#ifndef BERTH_PLATFORM_H
#define BERTH_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct berth_stack;

/* "no deadline" for wait() */
#define BERTH_FOREVER UINT64_MAX

struct berth_platform {
    void *ctx;
    /* Monotonic time in microseconds. */
    uint64_t (*now_us)(void *ctx);
    /* The stack lock: every API call, packet input and timer runs under it. */
    void (*lock)(void *ctx);
    void (*unlock)(void *ctx);
    /* Called with the lock held when a blocking call cannot proceed. Returns
     * with the lock held again, either because wake() was called or something
     * may have changed (return 0), or because the absolute deadline passed
     * (return ETIMEDOUT). Spurious returns are allowed: the caller re-checks.
     * The inline flavour advances its virtual clock here; a simulation runs
     * its other hosts and links. `st` is the stack that waits. */
    int (*wait)(void *ctx, struct berth_stack *st, uint64_t deadline_us);
    /* Wake every waiter of this platform (called with the lock held). */
    void (*wake)(void *ctx);
    /* Fill buf with n unpredictable bytes (ISNs, port offsets, hash keys). */
    void (*random)(void *ctx, void *buf, size_t n);
    /* Memory. alloc returns NULL on exhaustion; the stack then reports
     * ENOBUFS/ENOMEM. */
    void *(*alloc)(void *ctx, size_t n);
    void (*free)(void *ctx, void *p);
};

/* ---- AF_UNIX path names: the file-system hooks (optional) ----
 * Where there is a file system, an AF_UNIX path name is a socket node in it,
 * as on Linux: bind() creates the node, so ENOENT, ENOTDIR, EACCES, ELOOP,
 * ENAMETOOLONG, EROFS and EEXIST (reported as EADDRINUSE) come from the file
 * system itself, the node stays after close until unlink(), and connect()
 * or sendto() look the path up and find the berth socket bound to that
 * (dev, ino). berth_config.fs NULL (bare metal): path names live in a
 * per-stack table instead (docs/unix.md). Hooks return 0 or -errno. */
struct berth_fs_node {
    uint64_t dev, ino;
    int is_sock; /* the node is a socket (S_IFSOCK) */
};
struct berth_fs {
    void *ctx;
    /* Create a socket node at path with permission bits `mode` less the
     * caller's umask (Linux's unix_bind_bsd: S_IFSOCK | 0777 & ~umask) and
     * report its identity. */
    int (*mknod_sock)(void *ctx, const char *path, unsigned mode, struct berth_fs_node *out);
    /* Remove a node bind() created and then could not use. */
    int (*unlink)(void *ctx, const char *path);
    /* connect()/sendto(): resolve path (following symbolic links) and check
     * that the caller may write it (unix_find_bsd's path_permission). */
    int (*lookup)(void *ctx, const char *path, struct berth_fs_node *out);
};
/* The hooks on the host's own file system (mknod, unlink, stat, faccessat);
 * berth_config_init installs them on POSIX hosts (not built for bare
 * metal, CMAKE_SYSTEM_NAME Generic). */
const struct berth_fs *berth_fs_posix(void);

/* posix flavour. Returns 0, or an errno value. The platform owns a context
 * that berth_platform_posix_release frees. */
int berth_platform_posix(struct berth_platform *out);
void berth_platform_posix_release(struct berth_platform *p);

/* inline flavour: single-threaded, virtual clock starting at start_us, and a
 * deterministic random generator seeded with seed (a xoshiro256** stream). */
int berth_platform_inline(struct berth_platform *out, uint64_t start_us, uint64_t seed);
void berth_platform_inline_release(struct berth_platform *p);
/* Move an inline platform's virtual clock forward (never backward). */
void berth_platform_inline_advance(struct berth_platform *p, uint64_t us);

#ifdef __cplusplus
}
#endif
#endif
