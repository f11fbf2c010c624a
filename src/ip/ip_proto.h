/* ip_proto.h — the transport protocols the network layer delivers to
 * (Linux's inet_protos[] / inet6_protos[]): protocol number -> input
 * handler and ICMP error handler. IPv4 input and ICMP look a protocol up
 * here instead of switching on it, so IPv6 and ICMPv6 can hand the same
 * TCP and UDP their packets and errors.
 *
 * The table is constant (what the build includes); a stack has no
 * registration state of its own.
 */
#ifndef BERTH_IP_IP_PROTO_H
#define BERTH_IP_IP_PROTO_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core/pkt.h"
#include "ip/inet_addr.h"

struct berth_stack;

/* An ICMP error about a datagram this host sent (from src to dst): what
 * the transport's error handler needs. The addresses are IPv4 ones
 * (v4-mapped) for ICMP, IPv6 ones for ICMPv6. */
struct ip_err {
    union inet_addr src, dst;
    const uint8_t *th;  /* the quoted transport header: at least its first 8 bytes */
    uint8_t type, code; /* the ICMP message (ICMPv6's when src is not v4-mapped) */
    uint32_t info;      /* the next-hop MTU of a Packet Too Big or fragmentation needed */
    int err;            /* the errno it maps to (Linux's icmp_err_convert) */
    bool fatal;         /* a hard error (icmp_err_convert's fatal) */
    /* IPv6: the interface the quoted packet left by, as Linux's
     * inet6_iif sees it (an error looped back from ourselves counts on the
     * interface owning its destination); scoped sockets match it. 0:
     * unknown (IPv4). */
    unsigned ifindex;
    /* IPv6: the error's own hop limit (tcp_v6_err's IPV6_MINHOPCOUNT
     * check); 0 for IPv4. */
    uint8_t hlim;
};

struct ip_protocol {
    uint8_t proto;
    /* p->data at the transport header, p->src/dst/nh set by IP; consumes
     * p. multi: the destination was a broadcast or multicast address. */
    void (*input)(struct berth_stack *st, struct pkt *p, bool multi);
    /* NULL: errors about this protocol are ignored (ICMP itself). */
    void (*err)(struct berth_stack *st, const struct ip_err *e);
};

/* The handler of an IPv4 protocol number, NULL if none is built in. */
const struct ip_protocol *ip4_protocol(uint8_t proto);
/* The handler of an IPv6 upper-layer protocol (inet6_protos[]): the same
 * UDP and TCP entries, ICMPv6 instead of ICMP. NULL if none. */
const struct ip_protocol *ip6_protocol(uint8_t proto);

#endif
