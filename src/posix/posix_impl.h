/* posix_impl.h — what posix.c shares with the preload library (src/preload/).
 *
 * posix.c makes the OS calls that concern a berth socket's placeholder
 * descriptor through this table: libc's functions for berth/posix.h, the
 * next definitions in the link order (dlsym(RTLD_NEXT)) for the preload
 * library, whose own close/fcntl would otherwise be called back. */
#ifndef BERTH_POSIX_IMPL_H
#define BERTH_POSIX_IMPL_H

#include <stdbool.h>

#include "berth/stack.h"

struct posix_os {
    int (*close)(int fd);
    int (*fcntl)(int fd, int cmd, long arg);
    /* Open the placeholder for a socket of `type` (SOCK_STREAM/SOCK_DGRAM
     * with SOCK_NONBLOCK/SOCK_CLOEXEC); `accepted`: a connection accept()
     * returns. Returns the OS descriptor or -1 with errno (EMFILE...). */
    int (*placeholder_open)(int type, bool accepted);
    /* The placeholder fd now stands for berth descriptor bfd (NULL: nothing
     * to do). Returns 0 or -1 with errno; on failure the caller closes both. */
    int (*placeholder_attach)(int fd, int bfd);
    /* Give back a placeholder that was opened but never attached. */
    void (*placeholder_abort)(int fd);
    /* Called once with the default stack right after it is created. */
    void (*configure)(berth_stack *st);
};

/* Install the table before the first socket call (the preload library's
 * constructor does). */
void posix_set_os(const struct posix_os *os);
/* Map OS descriptor fd to berth descriptor bfd (-1: unmap). 0 or -1. */
int posix_map_set(int fd, int bfd);
/* Unmap every OS descriptor that stands for bfd (it is being closed). */
void posix_map_forget(int bfd);

/* SIOCGIF* for the stack's interfaces (posix_if.c): 0, -1 with errno, or
 * -2 when req is not an interface query. */
int posix_if_ioctl(berth_stack *st, unsigned long req, void *arg);

#endif
