/* ping_none.c — BERTH_WITH_PING=OFF: no ping sockets. socket(AF_INET,
 * SOCK_DGRAM, IPPROTO_ICMP) and its AF_INET6 twin fail with EACCES, what a
 * Linux whose net.ipv4.ping_group_range admits nobody (its default) says;
 * echo replies are dropped after ICMP counted them, and errors about echo
 * requests have no socket to reach (none can have been sent). */
#include <errno.h>

#include "ping/ping.h"
#include "ping/ping_sock.h"

void ping_rcv(struct berth_stack *st, struct pkt *p) { pkt_free(st, p); }

void ping_err(struct berth_stack *st, const struct ip_err *e)
{
    (void)st;
    (void)e;
}

/* Never reached: no socket has a ping protocol without ping sockets. */
int ping_get_port(struct inet_sock *in, uint16_t ident)
{
    (void)in;
    (void)ident;
    return -EADDRINUSE;
}
