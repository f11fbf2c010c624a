/* berth/inet.h — address text conversion that needs nothing from the C
 * library (a microcontroller's newlib has no inet_pton).
 *
 * Same results as glibc's inet_pton / inet_ntop / inet_aton / inet_ntoa
 * (RFC 4291 section 2.2 text forms in, RFC 5952 canonical form out). On a C
 * library without <arpa/inet.h>, berth's compat header maps those names to
 * these functions (berth/netdefs.h).
 */
#ifndef BERTH_INET_H
#define BERTH_INET_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* af AF_INET (dotted quad, exactly four decimal parts) or AF_INET6. Returns 1
 * and the address in network byte order, 0 for malformed text, -1 with errno
 * EAFNOSUPPORT for another family. */
int berth_inet_pton(int af, const char *src, void *dst);
/* Returns dst, or NULL with errno ENOSPC when size is too small (16 bytes
 * always suffice for AF_INET, 46 for AF_INET6) or EAFNOSUPPORT. */
const char *berth_inet_ntop(int af, const void *src, char *dst, unsigned int size);
/* inet_aton's forms: a, a.b, a.b.c, a.b.c.d, each part decimal, octal (0...)
 * or hex (0x...). Returns 1 and *addr in network byte order, or 0. */
int berth_inet_aton(const char *cp, uint32_t *addr);
/* addr in network byte order; the text lives in a static buffer (like
 * inet_ntoa's) that the next call overwrites. */
char *berth_inet_ntoa(uint32_t addr);

#ifdef __cplusplus
}
#endif
#endif
