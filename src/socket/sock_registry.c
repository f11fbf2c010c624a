/* sock_registry.c — socket() lookup, modelled on __sock_create + inet_create. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "socket/sock_registry.h"

#define LINUX_IPPROTO_MAX 263

/* Every ops table; a socket keeps its table's index (bsock.ops_id). */
const struct sock_ops *const sock_ops_by_id[] = {
    &udp4_ops,        &ping4_ops,
#if BERTH_WITH_IPV6
    &udp6_ops,        &ping6_ops,
#endif
#if BERTH_WITH_TCP
    &tcp4_ops,
#if BERTH_WITH_IPV6
    &tcp6_ops,
#endif
#endif
#if BERTH_WITH_UNIX
    &unix_stream_ops, &unix_dgram_ops, &unix_seqpacket_ops,
#endif
};
const unsigned sock_ops_count = sizeof(sock_ops_by_id) / sizeof(sock_ops_by_id[0]);

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
                       int type, int protocol, const struct sock_ops **ops)
{
    if (protocol < 0 || protocol >= LINUX_IPPROTO_MAX)
        return -EINVAL;
    if (type == SOCK_DGRAM && protocol == ping->resolve_protocol(protocol)) {
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
        return inet_lookup(inet_types, sizeof(inet_types) / sizeof(inet_types[0]), &ping4_ops, type,
                           protocol, ops);
#if BERTH_WITH_IPV6 /* else, as Linux without its ipv6 module: EAFNOSUPPORT */
    case AF_INET6:
        return inet_lookup(inet6_types, sizeof(inet6_types) / sizeof(inet6_types[0]), &ping6_ops,
                           type, protocol, ops);
#endif
#if BERTH_WITH_UNIX
    case AF_UNIX:
        return unix_lookup(type, protocol, ops);
#endif
    default:
        return -EAFNOSUPPORT;
    }
}
