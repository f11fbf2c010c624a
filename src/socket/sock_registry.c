/* sock_registry.c — socket() lookup, modelled on __sock_create + inet_create. */
#include <errno.h>
#include <netinet/in.h>

#include "socket/sock_registry.h"

#define LINUX_IPPROTO_MAX 263

static const struct sock_ops *const inet_types[] = {
    &udp4_ops,
#if BERTH_WITH_TCP
    &tcp4_ops,
#endif
};

static int inet_lookup(int type, int protocol, const struct sock_ops **ops)
{
    if (protocol < 0 || protocol >= LINUX_IPPROTO_MAX)
        return -EINVAL;
    if (type == SOCK_DGRAM && protocol == IPPROTO_ICMP)
        return -EACCES; /* ping sockets: disabled, as by Linux's default ping_group_range */
    for (size_t i = 0; i < sizeof(inet_types) / sizeof(inet_types[0]); i++) {
        if (inet_types[i]->type != type)
            continue;
        int p = inet_types[i]->resolve_protocol(protocol);
        if (p >= 0)
            *ops = inet_types[i];
        return p;
    }
    /* No protocol of this type in the family (SOCK_SEQPACKET, SOCK_RAW...). */
    return -ESOCKTNOSUPPORT;
}

int sock_registry_find(int domain, int type, int protocol, const struct sock_ops **ops)
{
    switch (domain) {
    case AF_INET:
        return inet_lookup(type, protocol, ops);
    default:
        return -EAFNOSUPPORT;
    }
}
