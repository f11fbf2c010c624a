/* icmp6_err.h — ICMPv6 errors received (icmp6_err.c). */
#ifndef BERTH_IP_ICMP6_ERR_H
#define BERTH_IP_ICMP6_ERR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pkt.h"

struct berth_stack;

/* An error message of `type` (1-127) whose checksum was verified: p->data
 * at its ICMPv6 header, p->len >= 8 (p not consumed). Checks the quote
 * (Icmp6 InErrors when it is garbage), feeds Packet Too Big to the
 * path-MTU cache, and calls the quoted transport's error handler. The
 * caller counts InMsgs and the per-type counter. */
void icmp6_err_input(struct berth_stack *st, struct pkt *p, uint8_t type, uint8_t code,
                     uint32_t info);
/* Linux's icmpv6_err_convert: the errno an error maps to and whether it
 * is a hard error. */
void icmp6_err_convert(uint8_t type, uint8_t code, int *err, bool *fatal);
/* Linux's ipv6_skip_exthdr over pkt[0, len): from the header at `start`
 * named *nexthdr, skip hop-by-hop, routing, destination options, AH and
 * first-fragment headers; stops at a non-first fragment's header. Returns
 * the upper-layer header's offset with *nexthdr set (and *frag_off, when
 * not NULL, to the host-order offset/M field of the last fragment header
 * seen, else 0), or -1 when a header leaves the buffer or No Next Header
 * is reached. Never reads outside pkt[0, len). */
int icmp6_skip_exthdr(const uint8_t *pkt, size_t len, size_t start, uint8_t *nexthdr,
                      uint16_t *frag_off);

#endif
