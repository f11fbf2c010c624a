/* tcp_ip.h — what the rest of berth calls in TCP: the IP layer hands it
 * segments and ICMP errors, the stack creates and frees its state. */
#ifndef BERTH_TCP_IP_H
#define BERTH_TCP_IP_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core/pkt.h"

struct berth_stack;

/* p->data at the TCP header, p->src/dst/nh set by IP (consumes p). */
void tcp_input(struct berth_stack *st, struct pkt *p);
struct ip_err;
/* An ICMP error quoted a segment sent from e->src to e->dst; e->th points
 * at its first 8 bytes (ports and sequence number). */
void tcp_err(struct berth_stack *st, const struct ip_err *e);
/* Per-stack state: created with the stack, freed after its descriptors are
 * closed (ends every connection still running). */
int tcp_stack_init(struct berth_stack *st);
void tcp_stack_fini(struct berth_stack *st);

#endif
