/* berth/sysctl.h — stack-wide settings under Linux's sysctl names.
 *
 * A Linux user needs no new vocabulary: the names are the sysctl names
 * ("net.ipv4.ip_local_port_range", or the /proc/sys path form
 * "net/ipv4/ip_local_port_range"), the values are the text /proc/sys reads
 * and writes ("32768 60999", "1-100,8080", "1"), and a value is rejected
 * exactly when Linux's proc handler rejects the same write(2). Each stack
 * has its own settings, as each Linux network namespace does; a new stack
 * starts with the defaults of a fresh namespace. docs/sysctl.md lists every
 * knob, its syntax and its rules.
 *
 * Thread-safe: both calls take the stack lock.
 */
#ifndef BERTH_SYSCTL_H
#define BERTH_SYSCTL_H

#include <stddef.h>

#include "stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Write `value` to the knob `name`, as `write(fd, value, strlen(value))` on
 * /proc/sys/<name> would (a trailing newline is allowed, an empty string is
 * a no-op that succeeds). Returns 0, or -1 with errno:
 *   ENOENT  unknown name;
 *   EINVAL  a value Linux's handler refuses (syntax or range), nothing changed;
 *   ENOMEM  memory for ip_local_reserved_ports could not be allocated;
 *   EFAULT  name or value is NULL. */
int berth_sysctl_set(berth_stack *st, const char *name, const char *value);

/* Read the knob `name` into buf as /proc/sys shows it, without the final
 * newline ("32768\t60999", "1-100,8080", "" for no reserved ports).
 * Returns the length of the text (not counting the NUL), or -1 with errno
 * ENOENT (unknown name), ERANGE (len too small: buf then holds ""), EFAULT
 * (name NULL, or buf NULL with len > 0). */
int berth_sysctl_get(berth_stack *st, const char *name, char *buf, size_t len);

/* Call fn for every knob berth knows, in a fixed order, with its dotted
 * name and current value (as berth_sysctl_get returns it). */
void berth_sysctl_foreach(berth_stack *st,
                          void (*fn)(void *arg, const char *name, const char *value), void *arg);

#ifdef __cplusplus
}
#endif
#endif
