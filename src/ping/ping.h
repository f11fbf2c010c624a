/* ping.h — ICMP ping sockets (Linux's net/ipv4/ping.c, net/ipv6/ping.c):
 * what the ICMP and ICMPv6 input paths hand them. */
#ifndef BERTH_PING_H
#define BERTH_PING_H

#include "core/pkt.h"

struct berth_stack;
struct ip_err;

/* An echo reply (ICMP type 0 or ICMPv6 129) whose checksum was checked:
 * p->data at the ICMP header. Queued on the ping socket whose ident it
 * carries (ping_rcv), else dropped. Consumes p. */
void ping_rcv(struct berth_stack *st, struct pkt *p);
/* An ICMP or ICMPv6 error quoting an echo request we sent (Linux's
 * ping_err, called from icmp_err / icmpv6_err). */
void ping_err(struct berth_stack *st, const struct ip_err *e);

#endif
