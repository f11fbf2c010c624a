/* netdefs_sys.c — every constant berth/netdefs.h defines and every
 * layout fact of its structures, as the host C library (glibc) has them.
 * test_netdefs.c compares the two tables. Generated from the #define names in
 * include/berth/netdefs.h; regenerate when that list changes. */
#include <limits.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "netdefs_table.h"

/* clang-format off */
const struct netdef_value netdefs_sys[] = {
#ifdef AF_UNSPEC
    {"AF_UNSPEC", (long long)(AF_UNSPEC), 1},
#else
    {"AF_UNSPEC", 0, 0},
#endif
#ifdef AF_UNIX
    {"AF_UNIX", (long long)(AF_UNIX), 1},
#else
    {"AF_UNIX", 0, 0},
#endif
#ifdef AF_LOCAL
    {"AF_LOCAL", (long long)(AF_LOCAL), 1},
#else
    {"AF_LOCAL", 0, 0},
#endif
#ifdef AF_INET
    {"AF_INET", (long long)(AF_INET), 1},
#else
    {"AF_INET", 0, 0},
#endif
#ifdef AF_INET6
    {"AF_INET6", (long long)(AF_INET6), 1},
#else
    {"AF_INET6", 0, 0},
#endif
#ifdef AF_NETLINK
    {"AF_NETLINK", (long long)(AF_NETLINK), 1},
#else
    {"AF_NETLINK", 0, 0},
#endif
#ifdef AF_PACKET
    {"AF_PACKET", (long long)(AF_PACKET), 1},
#else
    {"AF_PACKET", 0, 0},
#endif
#ifdef AF_MAX
    {"AF_MAX", (long long)(AF_MAX), 1},
#else
    {"AF_MAX", 0, 0},
#endif
#ifdef PF_UNSPEC
    {"PF_UNSPEC", (long long)(PF_UNSPEC), 1},
#else
    {"PF_UNSPEC", 0, 0},
#endif
#ifdef PF_UNIX
    {"PF_UNIX", (long long)(PF_UNIX), 1},
#else
    {"PF_UNIX", 0, 0},
#endif
#ifdef PF_LOCAL
    {"PF_LOCAL", (long long)(PF_LOCAL), 1},
#else
    {"PF_LOCAL", 0, 0},
#endif
#ifdef PF_INET
    {"PF_INET", (long long)(PF_INET), 1},
#else
    {"PF_INET", 0, 0},
#endif
#ifdef PF_INET6
    {"PF_INET6", (long long)(PF_INET6), 1},
#else
    {"PF_INET6", 0, 0},
#endif
#ifdef PF_NETLINK
    {"PF_NETLINK", (long long)(PF_NETLINK), 1},
#else
    {"PF_NETLINK", 0, 0},
#endif
#ifdef PF_PACKET
    {"PF_PACKET", (long long)(PF_PACKET), 1},
#else
    {"PF_PACKET", 0, 0},
#endif
#ifdef SOCK_STREAM
    {"SOCK_STREAM", (long long)(SOCK_STREAM), 1},
#else
    {"SOCK_STREAM", 0, 0},
#endif
#ifdef SOCK_DGRAM
    {"SOCK_DGRAM", (long long)(SOCK_DGRAM), 1},
#else
    {"SOCK_DGRAM", 0, 0},
#endif
#ifdef SOCK_RAW
    {"SOCK_RAW", (long long)(SOCK_RAW), 1},
#else
    {"SOCK_RAW", 0, 0},
#endif
#ifdef SOCK_RDM
    {"SOCK_RDM", (long long)(SOCK_RDM), 1},
#else
    {"SOCK_RDM", 0, 0},
#endif
#ifdef SOCK_SEQPACKET
    {"SOCK_SEQPACKET", (long long)(SOCK_SEQPACKET), 1},
#else
    {"SOCK_SEQPACKET", 0, 0},
#endif
#ifdef SOCK_DCCP
    {"SOCK_DCCP", (long long)(SOCK_DCCP), 1},
#else
    {"SOCK_DCCP", 0, 0},
#endif
#ifdef SOCK_PACKET
    {"SOCK_PACKET", (long long)(SOCK_PACKET), 1},
#else
    {"SOCK_PACKET", 0, 0},
#endif
#ifdef SOCK_CLOEXEC
    {"SOCK_CLOEXEC", (long long)(SOCK_CLOEXEC), 1},
#else
    {"SOCK_CLOEXEC", 0, 0},
#endif
#ifdef SOCK_NONBLOCK
    {"SOCK_NONBLOCK", (long long)(SOCK_NONBLOCK), 1},
#else
    {"SOCK_NONBLOCK", 0, 0},
#endif
#ifdef SOL_IP
    {"SOL_IP", (long long)(SOL_IP), 1},
#else
    {"SOL_IP", 0, 0},
#endif
#ifdef SOL_SOCKET
    {"SOL_SOCKET", (long long)(SOL_SOCKET), 1},
#else
    {"SOL_SOCKET", 0, 0},
#endif
#ifdef SOL_TCP
    {"SOL_TCP", (long long)(SOL_TCP), 1},
#else
    {"SOL_TCP", 0, 0},
#endif
#ifdef SOL_UDP
    {"SOL_UDP", (long long)(SOL_UDP), 1},
#else
    {"SOL_UDP", 0, 0},
#endif
#ifdef SOL_IPV6
    {"SOL_IPV6", (long long)(SOL_IPV6), 1},
#else
    {"SOL_IPV6", 0, 0},
#endif
#ifdef SOMAXCONN
    {"SOMAXCONN", (long long)(SOMAXCONN), 1},
#else
    {"SOMAXCONN", 0, 0},
#endif
#ifdef SO_DEBUG
    {"SO_DEBUG", (long long)(SO_DEBUG), 1},
#else
    {"SO_DEBUG", 0, 0},
#endif
#ifdef SO_REUSEADDR
    {"SO_REUSEADDR", (long long)(SO_REUSEADDR), 1},
#else
    {"SO_REUSEADDR", 0, 0},
#endif
#ifdef SO_TYPE
    {"SO_TYPE", (long long)(SO_TYPE), 1},
#else
    {"SO_TYPE", 0, 0},
#endif
#ifdef SO_ERROR
    {"SO_ERROR", (long long)(SO_ERROR), 1},
#else
    {"SO_ERROR", 0, 0},
#endif
#ifdef SO_DONTROUTE
    {"SO_DONTROUTE", (long long)(SO_DONTROUTE), 1},
#else
    {"SO_DONTROUTE", 0, 0},
#endif
#ifdef SO_BROADCAST
    {"SO_BROADCAST", (long long)(SO_BROADCAST), 1},
#else
    {"SO_BROADCAST", 0, 0},
#endif
#ifdef SO_SNDBUF
    {"SO_SNDBUF", (long long)(SO_SNDBUF), 1},
#else
    {"SO_SNDBUF", 0, 0},
#endif
#ifdef SO_RCVBUF
    {"SO_RCVBUF", (long long)(SO_RCVBUF), 1},
#else
    {"SO_RCVBUF", 0, 0},
#endif
#ifdef SO_KEEPALIVE
    {"SO_KEEPALIVE", (long long)(SO_KEEPALIVE), 1},
#else
    {"SO_KEEPALIVE", 0, 0},
#endif
#ifdef SO_OOBINLINE
    {"SO_OOBINLINE", (long long)(SO_OOBINLINE), 1},
#else
    {"SO_OOBINLINE", 0, 0},
#endif
#ifdef SO_NO_CHECK
    {"SO_NO_CHECK", (long long)(SO_NO_CHECK), 1},
#else
    {"SO_NO_CHECK", 0, 0},
#endif
#ifdef SO_PRIORITY
    {"SO_PRIORITY", (long long)(SO_PRIORITY), 1},
#else
    {"SO_PRIORITY", 0, 0},
#endif
#ifdef SO_LINGER
    {"SO_LINGER", (long long)(SO_LINGER), 1},
#else
    {"SO_LINGER", 0, 0},
#endif
#ifdef SO_BSDCOMPAT
    {"SO_BSDCOMPAT", (long long)(SO_BSDCOMPAT), 1},
#else
    {"SO_BSDCOMPAT", 0, 0},
#endif
#ifdef SO_REUSEPORT
    {"SO_REUSEPORT", (long long)(SO_REUSEPORT), 1},
#else
    {"SO_REUSEPORT", 0, 0},
#endif
#ifdef SO_PASSCRED
    {"SO_PASSCRED", (long long)(SO_PASSCRED), 1},
#else
    {"SO_PASSCRED", 0, 0},
#endif
#ifdef SO_PEERCRED
    {"SO_PEERCRED", (long long)(SO_PEERCRED), 1},
#else
    {"SO_PEERCRED", 0, 0},
#endif
#ifdef SO_RCVLOWAT
    {"SO_RCVLOWAT", (long long)(SO_RCVLOWAT), 1},
#else
    {"SO_RCVLOWAT", 0, 0},
#endif
#ifdef SO_SNDLOWAT
    {"SO_SNDLOWAT", (long long)(SO_SNDLOWAT), 1},
#else
    {"SO_SNDLOWAT", 0, 0},
#endif
#ifdef SO_RCVTIMEO
    {"SO_RCVTIMEO", (long long)(SO_RCVTIMEO), 1},
#else
    {"SO_RCVTIMEO", 0, 0},
#endif
#ifdef SO_SNDTIMEO
    {"SO_SNDTIMEO", (long long)(SO_SNDTIMEO), 1},
#else
    {"SO_SNDTIMEO", 0, 0},
#endif
#ifdef SO_BINDTODEVICE
    {"SO_BINDTODEVICE", (long long)(SO_BINDTODEVICE), 1},
#else
    {"SO_BINDTODEVICE", 0, 0},
#endif
#ifdef SO_ATTACH_FILTER
    {"SO_ATTACH_FILTER", (long long)(SO_ATTACH_FILTER), 1},
#else
    {"SO_ATTACH_FILTER", 0, 0},
#endif
#ifdef SO_DETACH_FILTER
    {"SO_DETACH_FILTER", (long long)(SO_DETACH_FILTER), 1},
#else
    {"SO_DETACH_FILTER", 0, 0},
#endif
#ifdef SO_PEERNAME
    {"SO_PEERNAME", (long long)(SO_PEERNAME), 1},
#else
    {"SO_PEERNAME", 0, 0},
#endif
#ifdef SO_TIMESTAMP
    {"SO_TIMESTAMP", (long long)(SO_TIMESTAMP), 1},
#else
    {"SO_TIMESTAMP", 0, 0},
#endif
#ifdef SO_ACCEPTCONN
    {"SO_ACCEPTCONN", (long long)(SO_ACCEPTCONN), 1},
#else
    {"SO_ACCEPTCONN", 0, 0},
#endif
#ifdef SO_PEERSEC
    {"SO_PEERSEC", (long long)(SO_PEERSEC), 1},
#else
    {"SO_PEERSEC", 0, 0},
#endif
#ifdef SO_SNDBUFFORCE
    {"SO_SNDBUFFORCE", (long long)(SO_SNDBUFFORCE), 1},
#else
    {"SO_SNDBUFFORCE", 0, 0},
#endif
#ifdef SO_RCVBUFFORCE
    {"SO_RCVBUFFORCE", (long long)(SO_RCVBUFFORCE), 1},
#else
    {"SO_RCVBUFFORCE", 0, 0},
#endif
#ifdef SO_PASSSEC
    {"SO_PASSSEC", (long long)(SO_PASSSEC), 1},
#else
    {"SO_PASSSEC", 0, 0},
#endif
#ifdef SO_TIMESTAMPNS
    {"SO_TIMESTAMPNS", (long long)(SO_TIMESTAMPNS), 1},
#else
    {"SO_TIMESTAMPNS", 0, 0},
#endif
#ifdef SO_MARK
    {"SO_MARK", (long long)(SO_MARK), 1},
#else
    {"SO_MARK", 0, 0},
#endif
#ifdef SO_TIMESTAMPING
    {"SO_TIMESTAMPING", (long long)(SO_TIMESTAMPING), 1},
#else
    {"SO_TIMESTAMPING", 0, 0},
#endif
#ifdef SO_PROTOCOL
    {"SO_PROTOCOL", (long long)(SO_PROTOCOL), 1},
#else
    {"SO_PROTOCOL", 0, 0},
#endif
#ifdef SO_DOMAIN
    {"SO_DOMAIN", (long long)(SO_DOMAIN), 1},
#else
    {"SO_DOMAIN", 0, 0},
#endif
#ifdef SO_RXQ_OVFL
    {"SO_RXQ_OVFL", (long long)(SO_RXQ_OVFL), 1},
#else
    {"SO_RXQ_OVFL", 0, 0},
#endif
#ifdef SO_PEEK_OFF
    {"SO_PEEK_OFF", (long long)(SO_PEEK_OFF), 1},
#else
    {"SO_PEEK_OFF", 0, 0},
#endif
#ifdef SO_BUSY_POLL
    {"SO_BUSY_POLL", (long long)(SO_BUSY_POLL), 1},
#else
    {"SO_BUSY_POLL", 0, 0},
#endif
#ifdef SO_INCOMING_CPU
    {"SO_INCOMING_CPU", (long long)(SO_INCOMING_CPU), 1},
#else
    {"SO_INCOMING_CPU", 0, 0},
#endif
#ifdef SO_BINDTOIFINDEX
    {"SO_BINDTOIFINDEX", (long long)(SO_BINDTOIFINDEX), 1},
#else
    {"SO_BINDTOIFINDEX", 0, 0},
#endif
#ifdef SCM_RIGHTS
    {"SCM_RIGHTS", (long long)(SCM_RIGHTS), 1},
#else
    {"SCM_RIGHTS", 0, 0},
#endif
#ifdef SCM_CREDENTIALS
    {"SCM_CREDENTIALS", (long long)(SCM_CREDENTIALS), 1},
#else
    {"SCM_CREDENTIALS", 0, 0},
#endif
#ifdef MSG_OOB
    {"MSG_OOB", (long long)(MSG_OOB), 1},
#else
    {"MSG_OOB", 0, 0},
#endif
#ifdef MSG_PEEK
    {"MSG_PEEK", (long long)(MSG_PEEK), 1},
#else
    {"MSG_PEEK", 0, 0},
#endif
#ifdef MSG_DONTROUTE
    {"MSG_DONTROUTE", (long long)(MSG_DONTROUTE), 1},
#else
    {"MSG_DONTROUTE", 0, 0},
#endif
#ifdef MSG_CTRUNC
    {"MSG_CTRUNC", (long long)(MSG_CTRUNC), 1},
#else
    {"MSG_CTRUNC", 0, 0},
#endif
#ifdef MSG_PROXY
    {"MSG_PROXY", (long long)(MSG_PROXY), 1},
#else
    {"MSG_PROXY", 0, 0},
#endif
#ifdef MSG_TRUNC
    {"MSG_TRUNC", (long long)(MSG_TRUNC), 1},
#else
    {"MSG_TRUNC", 0, 0},
#endif
#ifdef MSG_DONTWAIT
    {"MSG_DONTWAIT", (long long)(MSG_DONTWAIT), 1},
#else
    {"MSG_DONTWAIT", 0, 0},
#endif
#ifdef MSG_EOR
    {"MSG_EOR", (long long)(MSG_EOR), 1},
#else
    {"MSG_EOR", 0, 0},
#endif
#ifdef MSG_WAITALL
    {"MSG_WAITALL", (long long)(MSG_WAITALL), 1},
#else
    {"MSG_WAITALL", 0, 0},
#endif
#ifdef MSG_FIN
    {"MSG_FIN", (long long)(MSG_FIN), 1},
#else
    {"MSG_FIN", 0, 0},
#endif
#ifdef MSG_SYN
    {"MSG_SYN", (long long)(MSG_SYN), 1},
#else
    {"MSG_SYN", 0, 0},
#endif
#ifdef MSG_CONFIRM
    {"MSG_CONFIRM", (long long)(MSG_CONFIRM), 1},
#else
    {"MSG_CONFIRM", 0, 0},
#endif
#ifdef MSG_RST
    {"MSG_RST", (long long)(MSG_RST), 1},
#else
    {"MSG_RST", 0, 0},
#endif
#ifdef MSG_ERRQUEUE
    {"MSG_ERRQUEUE", (long long)(MSG_ERRQUEUE), 1},
#else
    {"MSG_ERRQUEUE", 0, 0},
#endif
#ifdef MSG_NOSIGNAL
    {"MSG_NOSIGNAL", (long long)(MSG_NOSIGNAL), 1},
#else
    {"MSG_NOSIGNAL", 0, 0},
#endif
#ifdef MSG_MORE
    {"MSG_MORE", (long long)(MSG_MORE), 1},
#else
    {"MSG_MORE", 0, 0},
#endif
#ifdef MSG_WAITFORONE
    {"MSG_WAITFORONE", (long long)(MSG_WAITFORONE), 1},
#else
    {"MSG_WAITFORONE", 0, 0},
#endif
#ifdef MSG_ZEROCOPY
    {"MSG_ZEROCOPY", (long long)(MSG_ZEROCOPY), 1},
#else
    {"MSG_ZEROCOPY", 0, 0},
#endif
#ifdef MSG_FASTOPEN
    {"MSG_FASTOPEN", (long long)(MSG_FASTOPEN), 1},
#else
    {"MSG_FASTOPEN", 0, 0},
#endif
#ifdef MSG_CMSG_CLOEXEC
    {"MSG_CMSG_CLOEXEC", (long long)(MSG_CMSG_CLOEXEC), 1},
#else
    {"MSG_CMSG_CLOEXEC", 0, 0},
#endif
#ifdef SHUT_RD
    {"SHUT_RD", (long long)(SHUT_RD), 1},
#else
    {"SHUT_RD", 0, 0},
#endif
#ifdef SHUT_WR
    {"SHUT_WR", (long long)(SHUT_WR), 1},
#else
    {"SHUT_WR", 0, 0},
#endif
#ifdef SHUT_RDWR
    {"SHUT_RDWR", (long long)(SHUT_RDWR), 1},
#else
    {"SHUT_RDWR", 0, 0},
#endif
#ifdef SSIZE_MAX
    {"SSIZE_MAX", (long long)(SSIZE_MAX), 1},
#else
    {"SSIZE_MAX", 0, 0},
#endif
#ifdef INADDR_ANY
    {"INADDR_ANY", (long long)(INADDR_ANY), 1},
#else
    {"INADDR_ANY", 0, 0},
#endif
#ifdef INADDR_BROADCAST
    {"INADDR_BROADCAST", (long long)(INADDR_BROADCAST), 1},
#else
    {"INADDR_BROADCAST", 0, 0},
#endif
#ifdef INADDR_NONE
    {"INADDR_NONE", (long long)(INADDR_NONE), 1},
#else
    {"INADDR_NONE", 0, 0},
#endif
#ifdef INADDR_LOOPBACK
    {"INADDR_LOOPBACK", (long long)(INADDR_LOOPBACK), 1},
#else
    {"INADDR_LOOPBACK", 0, 0},
#endif
#ifdef INADDR_UNSPEC_GROUP
    {"INADDR_UNSPEC_GROUP", (long long)(INADDR_UNSPEC_GROUP), 1},
#else
    {"INADDR_UNSPEC_GROUP", 0, 0},
#endif
#ifdef INADDR_ALLHOSTS_GROUP
    {"INADDR_ALLHOSTS_GROUP", (long long)(INADDR_ALLHOSTS_GROUP), 1},
#else
    {"INADDR_ALLHOSTS_GROUP", 0, 0},
#endif
#ifdef INET_ADDRSTRLEN
    {"INET_ADDRSTRLEN", (long long)(INET_ADDRSTRLEN), 1},
#else
    {"INET_ADDRSTRLEN", 0, 0},
#endif
#ifdef INET6_ADDRSTRLEN
    {"INET6_ADDRSTRLEN", (long long)(INET6_ADDRSTRLEN), 1},
#else
    {"INET6_ADDRSTRLEN", 0, 0},
#endif
#ifdef IPPROTO_IP
    {"IPPROTO_IP", (long long)(IPPROTO_IP), 1},
#else
    {"IPPROTO_IP", 0, 0},
#endif
#ifdef IPPROTO_ICMP
    {"IPPROTO_ICMP", (long long)(IPPROTO_ICMP), 1},
#else
    {"IPPROTO_ICMP", 0, 0},
#endif
#ifdef IPPROTO_IGMP
    {"IPPROTO_IGMP", (long long)(IPPROTO_IGMP), 1},
#else
    {"IPPROTO_IGMP", 0, 0},
#endif
#ifdef IPPROTO_TCP
    {"IPPROTO_TCP", (long long)(IPPROTO_TCP), 1},
#else
    {"IPPROTO_TCP", 0, 0},
#endif
#ifdef IPPROTO_UDP
    {"IPPROTO_UDP", (long long)(IPPROTO_UDP), 1},
#else
    {"IPPROTO_UDP", 0, 0},
#endif
#ifdef IPPROTO_IPV6
    {"IPPROTO_IPV6", (long long)(IPPROTO_IPV6), 1},
#else
    {"IPPROTO_IPV6", 0, 0},
#endif
#ifdef IPPROTO_ROUTING
    {"IPPROTO_ROUTING", (long long)(IPPROTO_ROUTING), 1},
#else
    {"IPPROTO_ROUTING", 0, 0},
#endif
#ifdef IPPROTO_FRAGMENT
    {"IPPROTO_FRAGMENT", (long long)(IPPROTO_FRAGMENT), 1},
#else
    {"IPPROTO_FRAGMENT", 0, 0},
#endif
#ifdef IPPROTO_ICMPV6
    {"IPPROTO_ICMPV6", (long long)(IPPROTO_ICMPV6), 1},
#else
    {"IPPROTO_ICMPV6", 0, 0},
#endif
#ifdef IPPROTO_NONE
    {"IPPROTO_NONE", (long long)(IPPROTO_NONE), 1},
#else
    {"IPPROTO_NONE", 0, 0},
#endif
#ifdef IPPROTO_DSTOPTS
    {"IPPROTO_DSTOPTS", (long long)(IPPROTO_DSTOPTS), 1},
#else
    {"IPPROTO_DSTOPTS", 0, 0},
#endif
#ifdef IPPROTO_SCTP
    {"IPPROTO_SCTP", (long long)(IPPROTO_SCTP), 1},
#else
    {"IPPROTO_SCTP", 0, 0},
#endif
#ifdef IPPROTO_UDPLITE
    {"IPPROTO_UDPLITE", (long long)(IPPROTO_UDPLITE), 1},
#else
    {"IPPROTO_UDPLITE", 0, 0},
#endif
#ifdef IPPROTO_RAW
    {"IPPROTO_RAW", (long long)(IPPROTO_RAW), 1},
#else
    {"IPPROTO_RAW", 0, 0},
#endif
#ifdef IPPROTO_MPTCP
    {"IPPROTO_MPTCP", (long long)(IPPROTO_MPTCP), 1},
#else
    {"IPPROTO_MPTCP", 0, 0},
#endif
#ifdef IPPROTO_MAX
    {"IPPROTO_MAX", (long long)(IPPROTO_MAX), 1},
#else
    {"IPPROTO_MAX", 0, 0},
#endif
#ifdef IP_TOS
    {"IP_TOS", (long long)(IP_TOS), 1},
#else
    {"IP_TOS", 0, 0},
#endif
#ifdef IP_TTL
    {"IP_TTL", (long long)(IP_TTL), 1},
#else
    {"IP_TTL", 0, 0},
#endif
#ifdef IP_HDRINCL
    {"IP_HDRINCL", (long long)(IP_HDRINCL), 1},
#else
    {"IP_HDRINCL", 0, 0},
#endif
#ifdef IP_OPTIONS
    {"IP_OPTIONS", (long long)(IP_OPTIONS), 1},
#else
    {"IP_OPTIONS", 0, 0},
#endif
#ifdef IP_RECVOPTS
    {"IP_RECVOPTS", (long long)(IP_RECVOPTS), 1},
#else
    {"IP_RECVOPTS", 0, 0},
#endif
#ifdef IP_RETOPTS
    {"IP_RETOPTS", (long long)(IP_RETOPTS), 1},
#else
    {"IP_RETOPTS", 0, 0},
#endif
#ifdef IP_PKTINFO
    {"IP_PKTINFO", (long long)(IP_PKTINFO), 1},
#else
    {"IP_PKTINFO", 0, 0},
#endif
#ifdef IP_MTU_DISCOVER
    {"IP_MTU_DISCOVER", (long long)(IP_MTU_DISCOVER), 1},
#else
    {"IP_MTU_DISCOVER", 0, 0},
#endif
#ifdef IP_RECVERR
    {"IP_RECVERR", (long long)(IP_RECVERR), 1},
#else
    {"IP_RECVERR", 0, 0},
#endif
#ifdef IP_RECVTTL
    {"IP_RECVTTL", (long long)(IP_RECVTTL), 1},
#else
    {"IP_RECVTTL", 0, 0},
#endif
#ifdef IP_RECVTOS
    {"IP_RECVTOS", (long long)(IP_RECVTOS), 1},
#else
    {"IP_RECVTOS", 0, 0},
#endif
#ifdef IP_MTU
    {"IP_MTU", (long long)(IP_MTU), 1},
#else
    {"IP_MTU", 0, 0},
#endif
#ifdef IP_FREEBIND
    {"IP_FREEBIND", (long long)(IP_FREEBIND), 1},
#else
    {"IP_FREEBIND", 0, 0},
#endif
#ifdef IP_TRANSPARENT
    {"IP_TRANSPARENT", (long long)(IP_TRANSPARENT), 1},
#else
    {"IP_TRANSPARENT", 0, 0},
#endif
#ifdef IP_BIND_ADDRESS_NO_PORT
    {"IP_BIND_ADDRESS_NO_PORT", (long long)(IP_BIND_ADDRESS_NO_PORT), 1},
#else
    {"IP_BIND_ADDRESS_NO_PORT", 0, 0},
#endif
#ifdef IP_MULTICAST_IF
    {"IP_MULTICAST_IF", (long long)(IP_MULTICAST_IF), 1},
#else
    {"IP_MULTICAST_IF", 0, 0},
#endif
#ifdef IP_MULTICAST_TTL
    {"IP_MULTICAST_TTL", (long long)(IP_MULTICAST_TTL), 1},
#else
    {"IP_MULTICAST_TTL", 0, 0},
#endif
#ifdef IP_MULTICAST_LOOP
    {"IP_MULTICAST_LOOP", (long long)(IP_MULTICAST_LOOP), 1},
#else
    {"IP_MULTICAST_LOOP", 0, 0},
#endif
#ifdef IP_ADD_MEMBERSHIP
    {"IP_ADD_MEMBERSHIP", (long long)(IP_ADD_MEMBERSHIP), 1},
#else
    {"IP_ADD_MEMBERSHIP", 0, 0},
#endif
#ifdef IP_DROP_MEMBERSHIP
    {"IP_DROP_MEMBERSHIP", (long long)(IP_DROP_MEMBERSHIP), 1},
#else
    {"IP_DROP_MEMBERSHIP", 0, 0},
#endif
#ifdef IP_LOCAL_PORT_RANGE
    {"IP_LOCAL_PORT_RANGE", (long long)(IP_LOCAL_PORT_RANGE), 1},
#else
    {"IP_LOCAL_PORT_RANGE", 0, 0},
#endif
#ifdef IP_PMTUDISC_DONT
    {"IP_PMTUDISC_DONT", (long long)(IP_PMTUDISC_DONT), 1},
#else
    {"IP_PMTUDISC_DONT", 0, 0},
#endif
#ifdef IP_PMTUDISC_WANT
    {"IP_PMTUDISC_WANT", (long long)(IP_PMTUDISC_WANT), 1},
#else
    {"IP_PMTUDISC_WANT", 0, 0},
#endif
#ifdef IP_PMTUDISC_DO
    {"IP_PMTUDISC_DO", (long long)(IP_PMTUDISC_DO), 1},
#else
    {"IP_PMTUDISC_DO", 0, 0},
#endif
#ifdef IP_PMTUDISC_PROBE
    {"IP_PMTUDISC_PROBE", (long long)(IP_PMTUDISC_PROBE), 1},
#else
    {"IP_PMTUDISC_PROBE", 0, 0},
#endif
#ifdef IP_PMTUDISC_INTERFACE
    {"IP_PMTUDISC_INTERFACE", (long long)(IP_PMTUDISC_INTERFACE), 1},
#else
    {"IP_PMTUDISC_INTERFACE", 0, 0},
#endif
#ifdef IP_PMTUDISC_OMIT
    {"IP_PMTUDISC_OMIT", (long long)(IP_PMTUDISC_OMIT), 1},
#else
    {"IP_PMTUDISC_OMIT", 0, 0},
#endif
#ifdef IPV6_ADDRFORM
    {"IPV6_ADDRFORM", (long long)(IPV6_ADDRFORM), 1},
#else
    {"IPV6_ADDRFORM", 0, 0},
#endif
#ifdef IPV6_2292PKTINFO
    {"IPV6_2292PKTINFO", (long long)(IPV6_2292PKTINFO), 1},
#else
    {"IPV6_2292PKTINFO", 0, 0},
#endif
#ifdef IPV6_UNICAST_HOPS
    {"IPV6_UNICAST_HOPS", (long long)(IPV6_UNICAST_HOPS), 1},
#else
    {"IPV6_UNICAST_HOPS", 0, 0},
#endif
#ifdef IPV6_MULTICAST_IF
    {"IPV6_MULTICAST_IF", (long long)(IPV6_MULTICAST_IF), 1},
#else
    {"IPV6_MULTICAST_IF", 0, 0},
#endif
#ifdef IPV6_MULTICAST_HOPS
    {"IPV6_MULTICAST_HOPS", (long long)(IPV6_MULTICAST_HOPS), 1},
#else
    {"IPV6_MULTICAST_HOPS", 0, 0},
#endif
#ifdef IPV6_MULTICAST_LOOP
    {"IPV6_MULTICAST_LOOP", (long long)(IPV6_MULTICAST_LOOP), 1},
#else
    {"IPV6_MULTICAST_LOOP", 0, 0},
#endif
#ifdef IPV6_JOIN_GROUP
    {"IPV6_JOIN_GROUP", (long long)(IPV6_JOIN_GROUP), 1},
#else
    {"IPV6_JOIN_GROUP", 0, 0},
#endif
#ifdef IPV6_ADD_MEMBERSHIP
    {"IPV6_ADD_MEMBERSHIP", (long long)(IPV6_ADD_MEMBERSHIP), 1},
#else
    {"IPV6_ADD_MEMBERSHIP", 0, 0},
#endif
#ifdef IPV6_LEAVE_GROUP
    {"IPV6_LEAVE_GROUP", (long long)(IPV6_LEAVE_GROUP), 1},
#else
    {"IPV6_LEAVE_GROUP", 0, 0},
#endif
#ifdef IPV6_DROP_MEMBERSHIP
    {"IPV6_DROP_MEMBERSHIP", (long long)(IPV6_DROP_MEMBERSHIP), 1},
#else
    {"IPV6_DROP_MEMBERSHIP", 0, 0},
#endif
#ifdef IPV6_MTU_DISCOVER
    {"IPV6_MTU_DISCOVER", (long long)(IPV6_MTU_DISCOVER), 1},
#else
    {"IPV6_MTU_DISCOVER", 0, 0},
#endif
#ifdef IPV6_MTU
    {"IPV6_MTU", (long long)(IPV6_MTU), 1},
#else
    {"IPV6_MTU", 0, 0},
#endif
#ifdef IPV6_RECVERR
    {"IPV6_RECVERR", (long long)(IPV6_RECVERR), 1},
#else
    {"IPV6_RECVERR", 0, 0},
#endif
#ifdef IPV6_V6ONLY
    {"IPV6_V6ONLY", (long long)(IPV6_V6ONLY), 1},
#else
    {"IPV6_V6ONLY", 0, 0},
#endif
#ifdef IPV6_RECVPKTINFO
    {"IPV6_RECVPKTINFO", (long long)(IPV6_RECVPKTINFO), 1},
#else
    {"IPV6_RECVPKTINFO", 0, 0},
#endif
#ifdef IPV6_PKTINFO
    {"IPV6_PKTINFO", (long long)(IPV6_PKTINFO), 1},
#else
    {"IPV6_PKTINFO", 0, 0},
#endif
#ifdef IPV6_RECVHOPLIMIT
    {"IPV6_RECVHOPLIMIT", (long long)(IPV6_RECVHOPLIMIT), 1},
#else
    {"IPV6_RECVHOPLIMIT", 0, 0},
#endif
#ifdef IPV6_HOPLIMIT
    {"IPV6_HOPLIMIT", (long long)(IPV6_HOPLIMIT), 1},
#else
    {"IPV6_HOPLIMIT", 0, 0},
#endif
#ifdef IPV6_RECVTCLASS
    {"IPV6_RECVTCLASS", (long long)(IPV6_RECVTCLASS), 1},
#else
    {"IPV6_RECVTCLASS", 0, 0},
#endif
#ifdef IPV6_TCLASS
    {"IPV6_TCLASS", (long long)(IPV6_TCLASS), 1},
#else
    {"IPV6_TCLASS", 0, 0},
#endif
#ifdef IPV6_FREEBIND
    {"IPV6_FREEBIND", (long long)(IPV6_FREEBIND), 1},
#else
    {"IPV6_FREEBIND", 0, 0},
#endif
#ifdef TCP_NODELAY
    {"TCP_NODELAY", (long long)(TCP_NODELAY), 1},
#else
    {"TCP_NODELAY", 0, 0},
#endif
#ifdef TCP_MAXSEG
    {"TCP_MAXSEG", (long long)(TCP_MAXSEG), 1},
#else
    {"TCP_MAXSEG", 0, 0},
#endif
#ifdef TCP_CORK
    {"TCP_CORK", (long long)(TCP_CORK), 1},
#else
    {"TCP_CORK", 0, 0},
#endif
#ifdef TCP_KEEPIDLE
    {"TCP_KEEPIDLE", (long long)(TCP_KEEPIDLE), 1},
#else
    {"TCP_KEEPIDLE", 0, 0},
#endif
#ifdef TCP_KEEPINTVL
    {"TCP_KEEPINTVL", (long long)(TCP_KEEPINTVL), 1},
#else
    {"TCP_KEEPINTVL", 0, 0},
#endif
#ifdef TCP_KEEPCNT
    {"TCP_KEEPCNT", (long long)(TCP_KEEPCNT), 1},
#else
    {"TCP_KEEPCNT", 0, 0},
#endif
#ifdef TCP_SYNCNT
    {"TCP_SYNCNT", (long long)(TCP_SYNCNT), 1},
#else
    {"TCP_SYNCNT", 0, 0},
#endif
#ifdef TCP_LINGER2
    {"TCP_LINGER2", (long long)(TCP_LINGER2), 1},
#else
    {"TCP_LINGER2", 0, 0},
#endif
#ifdef TCP_DEFER_ACCEPT
    {"TCP_DEFER_ACCEPT", (long long)(TCP_DEFER_ACCEPT), 1},
#else
    {"TCP_DEFER_ACCEPT", 0, 0},
#endif
#ifdef TCP_WINDOW_CLAMP
    {"TCP_WINDOW_CLAMP", (long long)(TCP_WINDOW_CLAMP), 1},
#else
    {"TCP_WINDOW_CLAMP", 0, 0},
#endif
#ifdef TCP_INFO
    {"TCP_INFO", (long long)(TCP_INFO), 1},
#else
    {"TCP_INFO", 0, 0},
#endif
#ifdef TCP_QUICKACK
    {"TCP_QUICKACK", (long long)(TCP_QUICKACK), 1},
#else
    {"TCP_QUICKACK", 0, 0},
#endif
#ifdef TCP_CONGESTION
    {"TCP_CONGESTION", (long long)(TCP_CONGESTION), 1},
#else
    {"TCP_CONGESTION", 0, 0},
#endif
#ifdef TCP_MD5SIG
    {"TCP_MD5SIG", (long long)(TCP_MD5SIG), 1},
#else
    {"TCP_MD5SIG", 0, 0},
#endif
#ifdef TCP_THIN_LINEAR_TIMEOUTS
    {"TCP_THIN_LINEAR_TIMEOUTS", (long long)(TCP_THIN_LINEAR_TIMEOUTS), 1},
#else
    {"TCP_THIN_LINEAR_TIMEOUTS", 0, 0},
#endif
#ifdef TCP_THIN_DUPACK
    {"TCP_THIN_DUPACK", (long long)(TCP_THIN_DUPACK), 1},
#else
    {"TCP_THIN_DUPACK", 0, 0},
#endif
#ifdef TCP_USER_TIMEOUT
    {"TCP_USER_TIMEOUT", (long long)(TCP_USER_TIMEOUT), 1},
#else
    {"TCP_USER_TIMEOUT", 0, 0},
#endif
#ifdef TCP_REPAIR
    {"TCP_REPAIR", (long long)(TCP_REPAIR), 1},
#else
    {"TCP_REPAIR", 0, 0},
#endif
#ifdef TCP_FASTOPEN
    {"TCP_FASTOPEN", (long long)(TCP_FASTOPEN), 1},
#else
    {"TCP_FASTOPEN", 0, 0},
#endif
#ifdef TCP_TIMESTAMP
    {"TCP_TIMESTAMP", (long long)(TCP_TIMESTAMP), 1},
#else
    {"TCP_TIMESTAMP", 0, 0},
#endif
#ifdef TCP_NOTSENT_LOWAT
    {"TCP_NOTSENT_LOWAT", (long long)(TCP_NOTSENT_LOWAT), 1},
#else
    {"TCP_NOTSENT_LOWAT", 0, 0},
#endif
#ifdef TCP_CC_INFO
    {"TCP_CC_INFO", (long long)(TCP_CC_INFO), 1},
#else
    {"TCP_CC_INFO", 0, 0},
#endif
#ifdef TCP_SAVE_SYN
    {"TCP_SAVE_SYN", (long long)(TCP_SAVE_SYN), 1},
#else
    {"TCP_SAVE_SYN", 0, 0},
#endif
#ifdef TCP_SAVED_SYN
    {"TCP_SAVED_SYN", (long long)(TCP_SAVED_SYN), 1},
#else
    {"TCP_SAVED_SYN", 0, 0},
#endif
#ifdef TCP_FASTOPEN_CONNECT
    {"TCP_FASTOPEN_CONNECT", (long long)(TCP_FASTOPEN_CONNECT), 1},
#else
    {"TCP_FASTOPEN_CONNECT", 0, 0},
#endif
#ifdef TCP_ULP
    {"TCP_ULP", (long long)(TCP_ULP), 1},
#else
    {"TCP_ULP", 0, 0},
#endif
#ifdef TCP_FASTOPEN_NO_COOKIE
    {"TCP_FASTOPEN_NO_COOKIE", (long long)(TCP_FASTOPEN_NO_COOKIE), 1},
#else
    {"TCP_FASTOPEN_NO_COOKIE", 0, 0},
#endif
#ifdef TCP_ZEROCOPY_RECEIVE
    {"TCP_ZEROCOPY_RECEIVE", (long long)(TCP_ZEROCOPY_RECEIVE), 1},
#else
    {"TCP_ZEROCOPY_RECEIVE", 0, 0},
#endif
#ifdef TCP_INQ
    {"TCP_INQ", (long long)(TCP_INQ), 1},
#else
    {"TCP_INQ", 0, 0},
#endif
#ifdef TCP_CM_INQ
    {"TCP_CM_INQ", (long long)(TCP_CM_INQ), 1},
#else
    {"TCP_CM_INQ", 0, 0},
#endif
#ifdef TCP_TX_DELAY
    {"TCP_TX_DELAY", (long long)(TCP_TX_DELAY), 1},
#else
    {"TCP_TX_DELAY", 0, 0},
#endif
#ifdef POLLIN
    {"POLLIN", (long long)(POLLIN), 1},
#else
    {"POLLIN", 0, 0},
#endif
#ifdef POLLPRI
    {"POLLPRI", (long long)(POLLPRI), 1},
#else
    {"POLLPRI", 0, 0},
#endif
#ifdef POLLOUT
    {"POLLOUT", (long long)(POLLOUT), 1},
#else
    {"POLLOUT", 0, 0},
#endif
#ifdef POLLERR
    {"POLLERR", (long long)(POLLERR), 1},
#else
    {"POLLERR", 0, 0},
#endif
#ifdef POLLHUP
    {"POLLHUP", (long long)(POLLHUP), 1},
#else
    {"POLLHUP", 0, 0},
#endif
#ifdef POLLNVAL
    {"POLLNVAL", (long long)(POLLNVAL), 1},
#else
    {"POLLNVAL", 0, 0},
#endif
#ifdef POLLRDNORM
    {"POLLRDNORM", (long long)(POLLRDNORM), 1},
#else
    {"POLLRDNORM", 0, 0},
#endif
#ifdef POLLRDBAND
    {"POLLRDBAND", (long long)(POLLRDBAND), 1},
#else
    {"POLLRDBAND", 0, 0},
#endif
#ifdef POLLWRNORM
    {"POLLWRNORM", (long long)(POLLWRNORM), 1},
#else
    {"POLLWRNORM", 0, 0},
#endif
#ifdef POLLWRBAND
    {"POLLWRBAND", (long long)(POLLWRBAND), 1},
#else
    {"POLLWRBAND", 0, 0},
#endif
#ifdef POLLMSG
    {"POLLMSG", (long long)(POLLMSG), 1},
#else
    {"POLLMSG", 0, 0},
#endif
#ifdef POLLREMOVE
    {"POLLREMOVE", (long long)(POLLREMOVE), 1},
#else
    {"POLLREMOVE", 0, 0},
#endif
#ifdef POLLRDHUP
    {"POLLRDHUP", (long long)(POLLRDHUP), 1},
#else
    {"POLLRDHUP", 0, 0},
#endif
#ifdef FIONREAD
    {"FIONREAD", (long long)(FIONREAD), 1},
#else
    {"FIONREAD", 0, 0},
#endif
#ifdef FIONBIO
    {"FIONBIO", (long long)(FIONBIO), 1},
#else
    {"FIONBIO", 0, 0},
#endif
#ifdef TIOCOUTQ
    {"TIOCOUTQ", (long long)(TIOCOUTQ), 1},
#else
    {"TIOCOUTQ", 0, 0},
#endif
#ifdef SIOCINQ
    {"SIOCINQ", (long long)(SIOCINQ), 1},
#else
    {"SIOCINQ", 0, 0},
#endif
#ifdef SIOCOUTQ
    {"SIOCOUTQ", (long long)(SIOCOUTQ), 1},
#else
    {"SIOCOUTQ", 0, 0},
#endif
#ifdef SIOCATMARK
    {"SIOCATMARK", (long long)(SIOCATMARK), 1},
#else
    {"SIOCATMARK", 0, 0},
#endif
#ifdef SIOCGSTAMP
    {"SIOCGSTAMP", (long long)(SIOCGSTAMP), 1},
#else
    {"SIOCGSTAMP", 0, 0},
#endif
#ifdef SIOCOUTQNSD
    {"SIOCOUTQNSD", (long long)(SIOCOUTQNSD), 1},
#else
    {"SIOCOUTQNSD", 0, 0},
#endif
#ifdef IFNAMSIZ
    {"IFNAMSIZ", (long long)(IFNAMSIZ), 1},
#else
    {"IFNAMSIZ", 0, 0},
#endif
#ifdef IF_NAMESIZE
    {"IF_NAMESIZE", (long long)(IF_NAMESIZE), 1},
#else
    {"IF_NAMESIZE", 0, 0},
#endif
    {"sizeof(struct sockaddr)", (long long)sizeof(struct sockaddr), 1},
    {"_Alignof(struct sockaddr)", (long long)_Alignof(struct sockaddr), 1},
    {"offsetof(struct sockaddr, sa_family)", (long long)offsetof(struct sockaddr, sa_family), 1},
    {"sizeof(struct sockaddr.sa_family)", (long long)sizeof(((struct sockaddr *)0)->sa_family), 1},
    {"offsetof(struct sockaddr, sa_data)", (long long)offsetof(struct sockaddr, sa_data), 1},
    {"sizeof(struct sockaddr.sa_data)", (long long)sizeof(((struct sockaddr *)0)->sa_data), 1},
    {"sizeof(struct sockaddr_storage)", (long long)sizeof(struct sockaddr_storage), 1},
    {"_Alignof(struct sockaddr_storage)", (long long)_Alignof(struct sockaddr_storage), 1},
    {"offsetof(struct sockaddr_storage, ss_family)", (long long)offsetof(struct sockaddr_storage, ss_family), 1},
    {"sizeof(struct sockaddr_storage.ss_family)", (long long)sizeof(((struct sockaddr_storage *)0)->ss_family), 1},
    {"sizeof(struct sockaddr_in)", (long long)sizeof(struct sockaddr_in), 1},
    {"_Alignof(struct sockaddr_in)", (long long)_Alignof(struct sockaddr_in), 1},
    {"offsetof(struct sockaddr_in, sin_family)", (long long)offsetof(struct sockaddr_in, sin_family), 1},
    {"sizeof(struct sockaddr_in.sin_family)", (long long)sizeof(((struct sockaddr_in *)0)->sin_family), 1},
    {"offsetof(struct sockaddr_in, sin_port)", (long long)offsetof(struct sockaddr_in, sin_port), 1},
    {"sizeof(struct sockaddr_in.sin_port)", (long long)sizeof(((struct sockaddr_in *)0)->sin_port), 1},
    {"offsetof(struct sockaddr_in, sin_addr)", (long long)offsetof(struct sockaddr_in, sin_addr), 1},
    {"sizeof(struct sockaddr_in.sin_addr)", (long long)sizeof(((struct sockaddr_in *)0)->sin_addr), 1},
    {"offsetof(struct sockaddr_in, sin_zero)", (long long)offsetof(struct sockaddr_in, sin_zero), 1},
    {"sizeof(struct sockaddr_in.sin_zero)", (long long)sizeof(((struct sockaddr_in *)0)->sin_zero), 1},
    {"sizeof(struct sockaddr_in6)", (long long)sizeof(struct sockaddr_in6), 1},
    {"_Alignof(struct sockaddr_in6)", (long long)_Alignof(struct sockaddr_in6), 1},
    {"offsetof(struct sockaddr_in6, sin6_family)", (long long)offsetof(struct sockaddr_in6, sin6_family), 1},
    {"sizeof(struct sockaddr_in6.sin6_family)", (long long)sizeof(((struct sockaddr_in6 *)0)->sin6_family), 1},
    {"offsetof(struct sockaddr_in6, sin6_port)", (long long)offsetof(struct sockaddr_in6, sin6_port), 1},
    {"sizeof(struct sockaddr_in6.sin6_port)", (long long)sizeof(((struct sockaddr_in6 *)0)->sin6_port), 1},
    {"offsetof(struct sockaddr_in6, sin6_flowinfo)", (long long)offsetof(struct sockaddr_in6, sin6_flowinfo), 1},
    {"sizeof(struct sockaddr_in6.sin6_flowinfo)", (long long)sizeof(((struct sockaddr_in6 *)0)->sin6_flowinfo), 1},
    {"offsetof(struct sockaddr_in6, sin6_addr)", (long long)offsetof(struct sockaddr_in6, sin6_addr), 1},
    {"sizeof(struct sockaddr_in6.sin6_addr)", (long long)sizeof(((struct sockaddr_in6 *)0)->sin6_addr), 1},
    {"offsetof(struct sockaddr_in6, sin6_scope_id)", (long long)offsetof(struct sockaddr_in6, sin6_scope_id), 1},
    {"sizeof(struct sockaddr_in6.sin6_scope_id)", (long long)sizeof(((struct sockaddr_in6 *)0)->sin6_scope_id), 1},
    {"sizeof(struct sockaddr_un)", (long long)sizeof(struct sockaddr_un), 1},
    {"_Alignof(struct sockaddr_un)", (long long)_Alignof(struct sockaddr_un), 1},
    {"offsetof(struct sockaddr_un, sun_family)", (long long)offsetof(struct sockaddr_un, sun_family), 1},
    {"sizeof(struct sockaddr_un.sun_family)", (long long)sizeof(((struct sockaddr_un *)0)->sun_family), 1},
    {"offsetof(struct sockaddr_un, sun_path)", (long long)offsetof(struct sockaddr_un, sun_path), 1},
    {"sizeof(struct sockaddr_un.sun_path)", (long long)sizeof(((struct sockaddr_un *)0)->sun_path), 1},
    {"sizeof(struct in_addr)", (long long)sizeof(struct in_addr), 1},
    {"_Alignof(struct in_addr)", (long long)_Alignof(struct in_addr), 1},
    {"offsetof(struct in_addr, s_addr)", (long long)offsetof(struct in_addr, s_addr), 1},
    {"sizeof(struct in_addr.s_addr)", (long long)sizeof(((struct in_addr *)0)->s_addr), 1},
    {"sizeof(struct in6_addr)", (long long)sizeof(struct in6_addr), 1},
    {"_Alignof(struct in6_addr)", (long long)_Alignof(struct in6_addr), 1},
    {"sizeof(struct iovec)", (long long)sizeof(struct iovec), 1},
    {"_Alignof(struct iovec)", (long long)_Alignof(struct iovec), 1},
    {"offsetof(struct iovec, iov_base)", (long long)offsetof(struct iovec, iov_base), 1},
    {"sizeof(struct iovec.iov_base)", (long long)sizeof(((struct iovec *)0)->iov_base), 1},
    {"offsetof(struct iovec, iov_len)", (long long)offsetof(struct iovec, iov_len), 1},
    {"sizeof(struct iovec.iov_len)", (long long)sizeof(((struct iovec *)0)->iov_len), 1},
    {"sizeof(struct msghdr)", (long long)sizeof(struct msghdr), 1},
    {"_Alignof(struct msghdr)", (long long)_Alignof(struct msghdr), 1},
    {"offsetof(struct msghdr, msg_name)", (long long)offsetof(struct msghdr, msg_name), 1},
    {"sizeof(struct msghdr.msg_name)", (long long)sizeof(((struct msghdr *)0)->msg_name), 1},
    {"offsetof(struct msghdr, msg_namelen)", (long long)offsetof(struct msghdr, msg_namelen), 1},
    {"sizeof(struct msghdr.msg_namelen)", (long long)sizeof(((struct msghdr *)0)->msg_namelen), 1},
    {"offsetof(struct msghdr, msg_iov)", (long long)offsetof(struct msghdr, msg_iov), 1},
    {"sizeof(struct msghdr.msg_iov)", (long long)sizeof(((struct msghdr *)0)->msg_iov), 1},
    {"offsetof(struct msghdr, msg_iovlen)", (long long)offsetof(struct msghdr, msg_iovlen), 1},
    {"sizeof(struct msghdr.msg_iovlen)", (long long)sizeof(((struct msghdr *)0)->msg_iovlen), 1},
    {"offsetof(struct msghdr, msg_control)", (long long)offsetof(struct msghdr, msg_control), 1},
    {"sizeof(struct msghdr.msg_control)", (long long)sizeof(((struct msghdr *)0)->msg_control), 1},
    {"offsetof(struct msghdr, msg_controllen)", (long long)offsetof(struct msghdr, msg_controllen), 1},
    {"sizeof(struct msghdr.msg_controllen)", (long long)sizeof(((struct msghdr *)0)->msg_controllen), 1},
    {"offsetof(struct msghdr, msg_flags)", (long long)offsetof(struct msghdr, msg_flags), 1},
    {"sizeof(struct msghdr.msg_flags)", (long long)sizeof(((struct msghdr *)0)->msg_flags), 1},
    {"sizeof(struct mmsghdr)", (long long)sizeof(struct mmsghdr), 1},
    {"_Alignof(struct mmsghdr)", (long long)_Alignof(struct mmsghdr), 1},
    {"offsetof(struct mmsghdr, msg_hdr)", (long long)offsetof(struct mmsghdr, msg_hdr), 1},
    {"sizeof(struct mmsghdr.msg_hdr)", (long long)sizeof(((struct mmsghdr *)0)->msg_hdr), 1},
    {"offsetof(struct mmsghdr, msg_len)", (long long)offsetof(struct mmsghdr, msg_len), 1},
    {"sizeof(struct mmsghdr.msg_len)", (long long)sizeof(((struct mmsghdr *)0)->msg_len), 1},
    {"sizeof(struct cmsghdr)", (long long)sizeof(struct cmsghdr), 1},
    {"_Alignof(struct cmsghdr)", (long long)_Alignof(struct cmsghdr), 1},
    {"offsetof(struct cmsghdr, cmsg_len)", (long long)offsetof(struct cmsghdr, cmsg_len), 1},
    {"sizeof(struct cmsghdr.cmsg_len)", (long long)sizeof(((struct cmsghdr *)0)->cmsg_len), 1},
    {"offsetof(struct cmsghdr, cmsg_level)", (long long)offsetof(struct cmsghdr, cmsg_level), 1},
    {"sizeof(struct cmsghdr.cmsg_level)", (long long)sizeof(((struct cmsghdr *)0)->cmsg_level), 1},
    {"offsetof(struct cmsghdr, cmsg_type)", (long long)offsetof(struct cmsghdr, cmsg_type), 1},
    {"sizeof(struct cmsghdr.cmsg_type)", (long long)sizeof(((struct cmsghdr *)0)->cmsg_type), 1},
    {"sizeof(struct pollfd)", (long long)sizeof(struct pollfd), 1},
    {"_Alignof(struct pollfd)", (long long)_Alignof(struct pollfd), 1},
    {"offsetof(struct pollfd, fd)", (long long)offsetof(struct pollfd, fd), 1},
    {"sizeof(struct pollfd.fd)", (long long)sizeof(((struct pollfd *)0)->fd), 1},
    {"offsetof(struct pollfd, events)", (long long)offsetof(struct pollfd, events), 1},
    {"sizeof(struct pollfd.events)", (long long)sizeof(((struct pollfd *)0)->events), 1},
    {"offsetof(struct pollfd, revents)", (long long)offsetof(struct pollfd, revents), 1},
    {"sizeof(struct pollfd.revents)", (long long)sizeof(((struct pollfd *)0)->revents), 1},
    {"sizeof(struct linger)", (long long)sizeof(struct linger), 1},
    {"_Alignof(struct linger)", (long long)_Alignof(struct linger), 1},
    {"offsetof(struct linger, l_onoff)", (long long)offsetof(struct linger, l_onoff), 1},
    {"sizeof(struct linger.l_onoff)", (long long)sizeof(((struct linger *)0)->l_onoff), 1},
    {"offsetof(struct linger, l_linger)", (long long)offsetof(struct linger, l_linger), 1},
    {"sizeof(struct linger.l_linger)", (long long)sizeof(((struct linger *)0)->l_linger), 1},
    {"sizeof(struct ucred)", (long long)sizeof(struct ucred), 1},
    {"_Alignof(struct ucred)", (long long)_Alignof(struct ucred), 1},
    {"offsetof(struct ucred, pid)", (long long)offsetof(struct ucred, pid), 1},
    {"sizeof(struct ucred.pid)", (long long)sizeof(((struct ucred *)0)->pid), 1},
    {"offsetof(struct ucred, uid)", (long long)offsetof(struct ucred, uid), 1},
    {"sizeof(struct ucred.uid)", (long long)sizeof(((struct ucred *)0)->uid), 1},
    {"offsetof(struct ucred, gid)", (long long)offsetof(struct ucred, gid), 1},
    {"sizeof(struct ucred.gid)", (long long)sizeof(((struct ucred *)0)->gid), 1},
    {"sizeof(struct ip_mreq)", (long long)sizeof(struct ip_mreq), 1},
    {"_Alignof(struct ip_mreq)", (long long)_Alignof(struct ip_mreq), 1},
    {"offsetof(struct ip_mreq, imr_multiaddr)", (long long)offsetof(struct ip_mreq, imr_multiaddr), 1},
    {"sizeof(struct ip_mreq.imr_multiaddr)", (long long)sizeof(((struct ip_mreq *)0)->imr_multiaddr), 1},
    {"offsetof(struct ip_mreq, imr_interface)", (long long)offsetof(struct ip_mreq, imr_interface), 1},
    {"sizeof(struct ip_mreq.imr_interface)", (long long)sizeof(((struct ip_mreq *)0)->imr_interface), 1},
    {"sizeof(struct ip_mreqn)", (long long)sizeof(struct ip_mreqn), 1},
    {"_Alignof(struct ip_mreqn)", (long long)_Alignof(struct ip_mreqn), 1},
    {"offsetof(struct ip_mreqn, imr_multiaddr)", (long long)offsetof(struct ip_mreqn, imr_multiaddr), 1},
    {"sizeof(struct ip_mreqn.imr_multiaddr)", (long long)sizeof(((struct ip_mreqn *)0)->imr_multiaddr), 1},
    {"offsetof(struct ip_mreqn, imr_address)", (long long)offsetof(struct ip_mreqn, imr_address), 1},
    {"sizeof(struct ip_mreqn.imr_address)", (long long)sizeof(((struct ip_mreqn *)0)->imr_address), 1},
    {"offsetof(struct ip_mreqn, imr_ifindex)", (long long)offsetof(struct ip_mreqn, imr_ifindex), 1},
    {"sizeof(struct ip_mreqn.imr_ifindex)", (long long)sizeof(((struct ip_mreqn *)0)->imr_ifindex), 1},
    {"sizeof(struct in_pktinfo)", (long long)sizeof(struct in_pktinfo), 1},
    {"_Alignof(struct in_pktinfo)", (long long)_Alignof(struct in_pktinfo), 1},
    {"offsetof(struct in_pktinfo, ipi_ifindex)", (long long)offsetof(struct in_pktinfo, ipi_ifindex), 1},
    {"sizeof(struct in_pktinfo.ipi_ifindex)", (long long)sizeof(((struct in_pktinfo *)0)->ipi_ifindex), 1},
    {"offsetof(struct in_pktinfo, ipi_spec_dst)", (long long)offsetof(struct in_pktinfo, ipi_spec_dst), 1},
    {"sizeof(struct in_pktinfo.ipi_spec_dst)", (long long)sizeof(((struct in_pktinfo *)0)->ipi_spec_dst), 1},
    {"offsetof(struct in_pktinfo, ipi_addr)", (long long)offsetof(struct in_pktinfo, ipi_addr), 1},
    {"sizeof(struct in_pktinfo.ipi_addr)", (long long)sizeof(((struct in_pktinfo *)0)->ipi_addr), 1},
    {"sizeof(struct ipv6_mreq)", (long long)sizeof(struct ipv6_mreq), 1},
    {"_Alignof(struct ipv6_mreq)", (long long)_Alignof(struct ipv6_mreq), 1},
    {"offsetof(struct ipv6_mreq, ipv6mr_multiaddr)", (long long)offsetof(struct ipv6_mreq, ipv6mr_multiaddr), 1},
    {"sizeof(struct ipv6_mreq.ipv6mr_multiaddr)", (long long)sizeof(((struct ipv6_mreq *)0)->ipv6mr_multiaddr), 1},
    {"offsetof(struct ipv6_mreq, ipv6mr_interface)", (long long)offsetof(struct ipv6_mreq, ipv6mr_interface), 1},
    {"sizeof(struct ipv6_mreq.ipv6mr_interface)", (long long)sizeof(((struct ipv6_mreq *)0)->ipv6mr_interface), 1},
    {"sizeof(struct in6_pktinfo)", (long long)sizeof(struct in6_pktinfo), 1},
    {"_Alignof(struct in6_pktinfo)", (long long)_Alignof(struct in6_pktinfo), 1},
    {"offsetof(struct in6_pktinfo, ipi6_addr)", (long long)offsetof(struct in6_pktinfo, ipi6_addr), 1},
    {"sizeof(struct in6_pktinfo.ipi6_addr)", (long long)sizeof(((struct in6_pktinfo *)0)->ipi6_addr), 1},
    {"offsetof(struct in6_pktinfo, ipi6_ifindex)", (long long)offsetof(struct in6_pktinfo, ipi6_ifindex), 1},
    {"sizeof(struct in6_pktinfo.ipi6_ifindex)", (long long)sizeof(((struct in6_pktinfo *)0)->ipi6_ifindex), 1},
    {"sizeof(sa_family_t)", (long long)sizeof(sa_family_t), 1},
    {"sizeof(socklen_t)", (long long)sizeof(socklen_t), 1},
    {"sizeof(in_port_t)", (long long)sizeof(in_port_t), 1},
    {"sizeof(in_addr_t)", (long long)sizeof(in_addr_t), 1},
    {"sizeof(nfds_t)", (long long)sizeof(nfds_t), 1},
    {"CMSG_SPACE(0)", (long long)CMSG_SPACE(0), 1},
    {"CMSG_LEN(0)", (long long)CMSG_LEN(0), 1},
    {"CMSG_SPACE(1)", (long long)CMSG_SPACE(1), 1},
    {"CMSG_LEN(1)", (long long)CMSG_LEN(1), 1},
    {"CMSG_SPACE(4)", (long long)CMSG_SPACE(4), 1},
    {"CMSG_LEN(4)", (long long)CMSG_LEN(4), 1},
    {"CMSG_SPACE(12)", (long long)CMSG_SPACE(12), 1},
    {"CMSG_LEN(12)", (long long)CMSG_LEN(12), 1},
    {"CMSG_SPACE(16)", (long long)CMSG_SPACE(16), 1},
    {"CMSG_LEN(16)", (long long)CMSG_LEN(16), 1},
    {"CMSG_SPACE(20)", (long long)CMSG_SPACE(20), 1},
    {"CMSG_LEN(20)", (long long)CMSG_LEN(20), 1},
};
/* clang-format on */
const unsigned netdefs_sys_count = sizeof(netdefs_sys) / sizeof(netdefs_sys[0]);
