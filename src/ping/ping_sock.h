/* ping_sock.h — what the AF_INET (ping.c) and AF_INET6 (ping6.c) ping
 * sockets share. A ping socket is a udp_sock: the same receive queue,
 * SO_RCVBUF accounting, release, poll and connect as a UDP socket; its
 * "port" is the ICMP echo identifier, kept in st->ping_bind (one table
 * for both families, as Linux's ping_table). */
#ifndef BERTH_PING_SOCK_H
#define BERTH_PING_SOCK_H

#include "udp/udp_sock.h"

#define PING_HLEN 8 /* sizeof(struct icmphdr) == sizeof(struct icmp6hdr) */

/* ping_get_port: take `ident`, or choose one when 0. 0 or -EADDRINUSE. */
int ping_get_port(struct inet_sock *in, uint16_t ident);
/* ping_init_sock: the caller's group must be in net.ipv4.ping_group_range. */
int ping_init(struct bsock *so);
/* ping_common_sendmsg: the length and flags checks, then the user's ICMP
 * header (hdr, PING_HLEN bytes), which must be an echo request of `type`
 * with code 0. */
int ping_common_sendmsg(const struct msghdr *msg, size_t total, int flags, uint8_t *hdr,
                        uint8_t type);
/* Fill in the identifier and checksum of the message at p->data (sum: the
 * pseudo-header's, 0 for ICMP). */
void ping_finish(struct inet_sock *in, struct pkt *p, uint32_t sum);
ssize_t ping_recvmsg(struct bsock *so, struct msghdr *msg, int flags);
int ping_ioctl(struct bsock *so, unsigned long req, void *arg);

#endif
