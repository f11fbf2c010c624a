/* sock_registry.h — which (family, type, protocol) triples exist, and their
 * ops tables. Mirrors Linux's per-family create() lookups so socket() fails
 * with the same errno for the same request. */
#ifndef BERTH_SOCKET_REGISTRY_H
#define BERTH_SOCKET_REGISTRY_H

#include "socket/sock.h"

/* Returns the resolved protocol (>= 0) and *ops, or a negative errno. */
int sock_registry_find(int domain, int type, int protocol, const struct sock_ops **ops);

extern const unsigned sock_ops_count; /* entries of sock_ops_by_id[] */

extern const struct sock_ops udp4_ops;
extern const struct sock_ops tcp4_ops;
extern const struct sock_ops udp6_ops;
extern const struct sock_ops ping4_ops;
extern const struct sock_ops ping6_ops;
extern const struct sock_ops tcp6_ops;
extern const struct sock_ops unix_stream_ops;
extern const struct sock_ops unix_dgram_ops;
extern const struct sock_ops unix_seqpacket_ops;

#endif
