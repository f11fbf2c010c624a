/* sock_registry.c — socket() lookup, modelled on __sock_create + inet_create. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "socket/sock_registry.h"

#define LINUX_IPPROTO_MAX 263

/* Table entries for the built-in features only: IF_X(...) is its
 * arguments when X is built in, nothing otherwise. */
#define IF_ALWAYS(...) __VA_ARGS__
#define IF_NEVER(...)
#if BERTH_WITH_IPV6
#define IF_IPV6 IF_ALWAYS
#else
#define IF_IPV6 IF_NEVER
#endif
#if BERTH_WITH_TCP
#define IF_TCP IF_ALWAYS
#else
#define IF_TCP IF_NEVER
#endif
#if BERTH_WITH_TCP && BERTH_WITH_IPV6
#define IF_TCP6 IF_ALWAYS
#else
#define IF_TCP6 IF_NEVER
#endif
#if BERTH_WITH_PING
#define IF_PING IF_ALWAYS
#define IF_NEVER_PING IF_NEVER
#else
#define IF_PING IF_NEVER
#define IF_NEVER_PING IF_ALWAYS
#endif
#if BERTH_WITH_PING && BERTH_WITH_IPV6
#define IF_PING6 IF_ALWAYS
#else
#define IF_PING6 IF_NEVER
#endif
#if BERTH_WITH_UNIX
#define IF_UNIX IF_ALWAYS
#else
#define IF_UNIX IF_NEVER
#endif

/* Every ops table; a socket keeps its table's index (bsock.ops_id). Rows:
 * udp4, ping4, udp6, ping6, tcp4, tcp6, unix stream, dgram, seqpacket. */
const struct sock_ops *const sock_ops_by_id[] = {
    &udp4_ops,
    IF_PING(&ping4_ops, ) IF_IPV6(&udp6_ops, ) IF_PING6(&ping6_ops, ) IF_TCP(&tcp4_ops, )
        IF_TCP6(&tcp6_ops, ) IF_UNIX(&unix_stream_ops, &unix_dgram_ops, &unix_seqpacket_ops, )};
#define NOPS (sizeof(sock_ops_by_id) / sizeof(sock_ops_by_id[0]))
const unsigned sock_ops_count = NOPS;

/* The per-call tables (sock.h), in the same order. Each is kept in a
 * firmware only when the call that reads it is. */
#define PER_CALL(type, name, udp4, ping4, udp6, ping6, tcp4, tcp6, ustream, udgram, useq)          \
    const struct type *const name[] = {udp4, IF_PING(ping4, ) IF_IPV6(udp6, ) IF_PING6(ping6, )    \
                                                 IF_TCP(tcp4, ) IF_TCP6(tcp6, )                    \
                                                     IF_UNIX(ustream, udgram, useq, )};            \
    _Static_assert(sizeof(name) / sizeof(name[0]) == NOPS, #name " has a row per ops table")

PER_CALL(sock_connect_ops, sock_connect_by_id, &udp4_connect_ops, &ping4_connect_ops,
         &udp6_connect_ops, &ping6_connect_ops, &tcp_connect_ops, &tcp_connect_ops,
         &unix_stream_connect_ops, &unix_dgram_connect_ops, &unix_stream_connect_ops);
PER_CALL(sock_listen_ops, sock_listen_by_id, NULL, NULL, NULL, NULL, &tcp_listen_ops,
         &tcp_listen_ops, &unix_listen_ops, &unix_listen_ops, &unix_listen_ops);
PER_CALL(sock_name_ops, sock_name_by_id, &inet_name_ops, &inet_name_ops, &inet6_name_ops,
         &inet6_name_ops, &tcp_name_ops, &tcp_name_ops, &unix_name_ops, &unix_name_ops,
         &unix_name_ops);
PER_CALL(sock_opt_ops, sock_opt_by_id, &udp4_opt_ops, &ping4_opt_ops, &udp6_opt_ops, &ping6_opt_ops,
         &tcp4_opt_ops, &tcp6_opt_ops, &unix_opt_ops, &unix_opt_ops, &unix_opt_ops);
PER_CALL(sock_sendmsg_ops, sock_sendmsg_by_id, &udp4_sendmsg_ops, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL);
PER_CALL(sock_recvmsg_ops, sock_recvmsg_by_id, &udp4_recvmsg_ops, NULL, NULL, NULL,
         &tcp_recvmsg_ops, &tcp_recvmsg_ops, NULL, NULL, NULL);
PER_CALL(sock_shutdown_ops, sock_shutdown_by_id, &udp_shutdown_ops, &udp_shutdown_ops,
         &udp_shutdown_ops, &udp_shutdown_ops, &tcp_shutdown_ops, &tcp_shutdown_ops,
         &unix_shutdown_ops, &unix_shutdown_ops, &unix_shutdown_ops);
PER_CALL(sock_poll_ops, sock_poll_by_id, &udp_poll_ops, &udp_poll_ops, &udp_poll_ops, &udp_poll_ops,
         &tcp_poll_ops, &tcp_poll_ops, &unix_poll_ops, &unix_poll_ops, &unix_poll_ops);
PER_CALL(sock_ioctl_ops, sock_ioctl_by_id, &udp_ioctl_ops, &ping_ioctl_ops, &udp_ioctl_ops,
         &ping_ioctl_ops, &tcp_ioctl_ops, &tcp_ioctl_ops, &unix_ioctl_ops, &unix_ioctl_ops,
         &unix_ioctl_ops);
PER_CALL(sock_pair_ops, sock_pair_by_id, NULL, NULL, NULL, NULL, NULL, NULL, &unix_pair_ops,
         &unix_pair_ops, &unix_pair_ops);

static const struct sock_ops *const inet_types[] = {
    &udp4_ops,
#if BERTH_WITH_TCP
    &tcp4_ops,
#endif
};

#if BERTH_WITH_IPV6
static const struct sock_ops *const inet6_types[] = {
    &udp6_ops,
#if BERTH_WITH_TCP
    &tcp6_ops,
#endif
};
#endif

/* inet_create / inet6_create: protocol range, then the type's protocols. */
static int inet_lookup(const struct sock_ops *const *types, size_t n, const struct sock_ops *ping,
                       int ping_proto, int type, int protocol, const struct sock_ops **ops)
{
    if (protocol < 0 || protocol >= LINUX_IPPROTO_MAX)
        return -EINVAL;
    if (type == SOCK_DGRAM && protocol == ping_proto) {
        if (!ping) /* BERTH_WITH_PING=OFF: as a range that admits nobody */
            return -EACCES;
        /* inetsw's second SOCK_DGRAM entry: ping sockets (their init
         * checks net.ipv4.ping_group_range: EACCES by default) */
        *ops = ping;
        return protocol;
    }
    for (size_t i = 0; i < n; i++) {
        if (types[i]->type != type)
            continue;
        int p = types[i]->resolve_protocol(protocol);
        if (p >= 0)
            *ops = types[i];
        return p;
    }
    /* No protocol of this type in the family (SOCK_SEQPACKET, SOCK_RAW...). */
    return -ESOCKTNOSUPPORT;
}

#if BERTH_WITH_UNIX
/* unix_create: any protocol but 0 and PF_UNIX is EPROTONOSUPPORT (before
 * the type is looked at); SOCK_RAW is taken as SOCK_DGRAM. */
static int unix_lookup(int type, int protocol, const struct sock_ops **ops)
{
    if (protocol != 0 && protocol != PF_UNIX)
        return -EPROTONOSUPPORT;
    switch (type) {
    case SOCK_STREAM:
        *ops = &unix_stream_ops;
        break;
    case SOCK_RAW:
    case SOCK_DGRAM:
        *ops = &unix_dgram_ops;
        break;
    case SOCK_SEQPACKET:
        *ops = &unix_seqpacket_ops;
        break;
    default:
        return -ESOCKTNOSUPPORT;
    }
    return 0; /* SO_PROTOCOL reads 0 (unix_create1 does not record it) */
}
#endif

int sock_registry_find(int domain, int type, int protocol, const struct sock_ops **ops)
{
    switch (domain) {
    case AF_INET:
        return inet_lookup(inet_types, sizeof(inet_types) / sizeof(inet_types[0]),
                           IF_PING(&ping4_ops) IF_NEVER_PING(NULL), IPPROTO_ICMP, type, protocol,
                           ops);
#if BERTH_WITH_IPV6 /* else, as Linux without its ipv6 module: EAFNOSUPPORT */
    case AF_INET6:
        return inet_lookup(inet6_types, sizeof(inet6_types) / sizeof(inet6_types[0]),
                           IF_PING(&ping6_ops) IF_NEVER_PING(NULL), IPPROTO_ICMPV6, type, protocol,
                           ops);
#endif
#if BERTH_WITH_UNIX
    case AF_UNIX:
        return unix_lookup(type, protocol, ops);
#endif
    default:
        return -EAFNOSUPPORT;
    }
}
