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

/* The per-call tables of each protocol (sock.h), defined beside its ops. */
extern const struct sock_connect_ops udp4_connect_ops, udp6_connect_ops, tcp_connect_ops,
    unix_stream_connect_ops, unix_dgram_connect_ops, ping4_connect_ops, ping6_connect_ops;
extern const struct sock_listen_ops tcp_listen_ops, unix_listen_ops;
extern const struct sock_name_ops inet_name_ops, inet6_name_ops, tcp_name_ops, unix_name_ops;
extern const struct sock_opt_ops udp4_opt_ops, udp6_opt_ops, tcp4_opt_ops, tcp6_opt_ops,
    unix_opt_ops, ping4_opt_ops, ping6_opt_ops;
extern const struct sock_sendmsg_ops udp4_sendmsg_ops;
extern const struct sock_recvmsg_ops udp4_recvmsg_ops, tcp_recvmsg_ops;
extern const struct sock_shutdown_ops udp_shutdown_ops, tcp_shutdown_ops, unix_shutdown_ops;
extern const struct sock_poll_ops udp_poll_ops, tcp_poll_ops, unix_poll_ops;
extern const struct sock_ioctl_ops udp_ioctl_ops, tcp_ioctl_ops, unix_ioctl_ops, ping_ioctl_ops;
extern const struct sock_pair_ops unix_pair_ops;

#endif
