/* udp.h — UDP (RFC 768): receive demux, ICMP errors, and the socket ops. */
#ifndef BERTH_UDP_H
#define BERTH_UDP_H

#include <stdbool.h>
#include <netinet/in.h>

#include "core/pkt.h"

struct berth_stack;

struct udp_hdr {
    uint16_t source, dest, len, check;
};
#define UDP_HLEN 8

/* Count a Udp or Udp6 counter by the datagram's family (Linux's
 * __UDPX_MIB). */
#if BERTH_WITH_IPV6
#define UDPX_INC(st, v6, n) ((v6) ? SNMP_INC(st, Udp6, n) : SNMP_INC(st, Udp, n))
#else
#define UDPX_INC(st, v6, n) ((void)(v6), SNMP_INC(st, Udp, n))
#endif

/* p->data at the UDP header, p->src/dst/nh set by IP (consumes p). */
void udp_input(struct berth_stack *st, struct pkt *p, bool multi);
struct ip_err;
/* An ICMP error quoted a datagram we sent from e->src:source to
 * e->dst:dest (e->th at its UDP header). */
void udp_err(struct berth_stack *st, const struct ip_err *e);

#endif
