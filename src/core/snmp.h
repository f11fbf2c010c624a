/* snmp.h — protocol counters, named and ordered as in Linux's /proc/net/snmp.
 *
 * One X-macro list generates the struct fields and the name table, so adding
 * a counter is one line. Counters are plain integers (BERTH_COUNTER_T:
 * uint64_t, or uint32_t on a microcontroller, berth/config.h): they are only
 * touched under the stack lock.
 */
#ifndef BERTH_CORE_SNMP_H
#define BERTH_CORE_SNMP_H

#include <stdint.h>

#include "berth/config.h"

#define BERTH_SNMP_IP(X)                                                                           \
    X(Ip, InReceives)                                                                              \
    X(Ip, InHdrErrors)                                                                             \
    X(Ip, InAddrErrors)                                                                            \
    X(Ip, ForwDatagrams)                                                                           \
    X(Ip, InUnknownProtos)                                                                         \
    X(Ip, InDiscards)                                                                              \
    X(Ip, InDelivers)                                                                              \
    X(Ip, OutRequests)                                                                             \
    X(Ip, OutDiscards)                                                                             \
    X(Ip, OutNoRoutes)                                                                             \
    X(Ip, ReasmTimeout)                                                                            \
    X(Ip, ReasmReqds)                                                                              \
    X(Ip, ReasmOKs)                                                                                \
    X(Ip, ReasmFails)                                                                              \
    X(Ip, FragOKs)                                                                                 \
    X(Ip, FragFails)                                                                               \
    X(Ip, FragCreates)                                                                             \
    X(Ip, OutTransmits)

#define BERTH_SNMP_ICMP(X)                                                                         \
    X(Icmp, InMsgs)                                                                                \
    X(Icmp, InErrors)                                                                              \
    X(Icmp, InCsumErrors)                                                                          \
    X(Icmp, InDestUnreachs)                                                                        \
    X(Icmp, InTimeExcds)                                                                           \
    X(Icmp, InParmProbs)                                                                           \
    X(Icmp, InEchos)                                                                               \
    X(Icmp, InEchoReps)                                                                            \
    X(Icmp, OutMsgs)                                                                               \
    X(Icmp, OutErrors)                                                                             \
    X(Icmp, OutDestUnreachs)                                                                       \
    X(Icmp, OutTimeExcds)                                                                          \
    X(Icmp, OutEchos)                                                                              \
    X(Icmp, OutEchoReps)

#define BERTH_SNMP_UDP(X)                                                                          \
    X(Udp, InDatagrams)                                                                            \
    X(Udp, NoPorts)                                                                                \
    X(Udp, InErrors)                                                                               \
    X(Udp, OutDatagrams)                                                                           \
    X(Udp, RcvbufErrors)                                                                           \
    X(Udp, SndbufErrors)                                                                           \
    X(Udp, InCsumErrors)                                                                           \
    X(Udp, IgnoredMulti)                                                                           \
    X(Udp, MemErrors)

/* Tcp: Linux's /proc/net/snmp, without the constants RtoAlgorithm, RtoMin,
 * RtoMax, MaxConn. CurrEstab is a gauge: connections in ESTABLISHED or
 * CLOSE_WAIT now. */
#define BERTH_SNMP_TCP(X)                                                                          \
    X(Tcp, ActiveOpens)                                                                            \
    X(Tcp, PassiveOpens)                                                                           \
    X(Tcp, AttemptFails)                                                                           \
    X(Tcp, EstabResets)                                                                            \
    X(Tcp, CurrEstab)                                                                              \
    X(Tcp, InSegs)                                                                                 \
    X(Tcp, OutSegs)                                                                                \
    X(Tcp, RetransSegs)                                                                            \
    X(Tcp, InErrs)                                                                                 \
    X(Tcp, OutRsts)                                                                                \
    X(Tcp, InCsumErrors)

/* TcpExt: the /proc/net/netstat counters TCP maintains, Linux's names. */
#define BERTH_SNMP_TCPEXT(X)                                                                       \
    X(TcpExt, SyncookiesSent)                                                                      \
    X(TcpExt, SyncookiesRecv)                                                                      \
    X(TcpExt, SyncookiesFailed)                                                                    \
    X(TcpExt, TW)                                                                                  \
    X(TcpExt, TWRecycled)                                                                          \
    X(TcpExt, TWKilled)                                                                            \
    X(TcpExt, PAWSEstab)                                                                           \
    X(TcpExt, DelayedACKs)                                                                         \
    X(TcpExt, ListenOverflows)                                                                     \
    X(TcpExt, ListenDrops)                                                                         \
    X(TcpExt, TCPFastRetrans)                                                                      \
    X(TcpExt, TCPTimeouts)                                                                         \
    X(TcpExt, TCPLossProbes)                                                                       \
    X(TcpExt, TCPLossProbeRecovery)                                                                \
    X(TcpExt, TCPAbortOnData)                                                                      \
    X(TcpExt, TCPAbortOnClose)                                                                     \
    X(TcpExt, TCPAbortOnTimeout)                                                                   \
    X(TcpExt, TCPAbortOnLinger)                                                                    \
    X(TcpExt, TCPSynRetrans)                                                                       \
    X(TcpExt, TCPOFOQueue)                                                                         \
    X(TcpExt, TCPChallengeACK)                                                                     \
    X(TcpExt, TCPReqQFullDoCookies)                                                                \
    X(TcpExt, TCPReqQFullDrop)                                                                     \
    X(TcpExt, TCPTimeWaitOverflow)                                                                 \
    X(TcpExt, TCPMinTTLDrop)

/* IpExt keeps InCsumErrors for IP header checksum failures (which also count
 * as Ip InHdrErrors), as Linux does. */
#define BERTH_SNMP_IPEXT(X)                                                                        \
    X(IpExt, InCsumErrors)                                                                         \
    X(IpExt, InNoRoutes)                                                                           \
    X(IpExt, InTruncatedPkts)

/* IPv6 (BERTH_WITH_IPV6): /proc/net/snmp6's Ip6, Icmp6 and Udp6 counters,
 * Linux's names and order (the ECN and broadcast-octet counters are not kept; the
 * per-type lines are BERTH_SNMP_ICMP6_ALIASES below). */
#define BERTH_SNMP_IP6(X)                                                                          \
    X(Ip6, InReceives)                                                                             \
    X(Ip6, InHdrErrors)                                                                            \
    X(Ip6, InTooBigErrors)                                                                         \
    X(Ip6, InNoRoutes)                                                                             \
    X(Ip6, InAddrErrors)                                                                           \
    X(Ip6, InUnknownProtos)                                                                        \
    X(Ip6, InTruncatedPkts)                                                                        \
    X(Ip6, InDiscards)                                                                             \
    X(Ip6, InDelivers)                                                                             \
    X(Ip6, OutForwDatagrams)                                                                       \
    X(Ip6, OutRequests)                                                                            \
    X(Ip6, OutDiscards)                                                                            \
    X(Ip6, OutNoRoutes)                                                                            \
    X(Ip6, ReasmTimeout)                                                                           \
    X(Ip6, ReasmReqds)                                                                             \
    X(Ip6, ReasmOKs)                                                                               \
    X(Ip6, ReasmFails)                                                                             \
    X(Ip6, FragOKs)                                                                                \
    X(Ip6, FragFails)                                                                              \
    X(Ip6, FragCreates)                                                                            \
    X(Ip6, InMcastPkts)                                                                            \
    X(Ip6, OutMcastPkts)                                                                           \
    X(Ip6, InOctets)                                                                               \
    X(Ip6, OutOctets)                                                                              \
    X(Ip6, InMcastOctets)                                                                          \
    X(Ip6, OutMcastOctets)                                                                         \
    X(Ip6, OutTransmits)

#define BERTH_SNMP_ICMP6(X)                                                                        \
    X(Icmp6, InMsgs)                                                                               \
    X(Icmp6, InErrors)                                                                             \
    X(Icmp6, OutMsgs)                                                                              \
    X(Icmp6, OutErrors)                                                                            \
    X(Icmp6, InCsumErrors)                                                                         \
    X(Icmp6, OutRateLimitHost)                                                                     \
    X(Icmp6, InDestUnreachs)                                                                       \
    X(Icmp6, InPktTooBigs)                                                                         \
    X(Icmp6, InTimeExcds)                                                                          \
    X(Icmp6, InParmProblems)                                                                       \
    X(Icmp6, InEchos)                                                                              \
    X(Icmp6, InEchoReplies)                                                                        \
    X(Icmp6, InGroupMembQueries)                                                                   \
    X(Icmp6, InGroupMembResponses)                                                                 \
    X(Icmp6, InGroupMembReductions)                                                                \
    X(Icmp6, InRouterSolicits)                                                                     \
    X(Icmp6, InRouterAdvertisements)                                                               \
    X(Icmp6, InNeighborSolicits)                                                                   \
    X(Icmp6, InNeighborAdvertisements)                                                             \
    X(Icmp6, InRedirects)                                                                          \
    X(Icmp6, InMLDv2Reports)                                                                       \
    X(Icmp6, OutDestUnreachs)                                                                      \
    X(Icmp6, OutPktTooBigs)                                                                        \
    X(Icmp6, OutTimeExcds)                                                                         \
    X(Icmp6, OutParmProblems)                                                                      \
    X(Icmp6, OutEchos)                                                                             \
    X(Icmp6, OutEchoReplies)                                                                       \
    X(Icmp6, OutGroupMembQueries)                                                                  \
    X(Icmp6, OutGroupMembResponses)                                                                \
    X(Icmp6, OutGroupMembReductions)                                                               \
    X(Icmp6, OutRouterSolicits)                                                                    \
    X(Icmp6, OutRouterAdvertisements)                                                              \
    X(Icmp6, OutNeighborSolicits)                                                                  \
    X(Icmp6, OutNeighborAdvertisements)                                                            \
    X(Icmp6, OutRedirects)                                                                         \
    X(Icmp6, OutMLDv2Reports)

#define BERTH_SNMP_UDP6(X)                                                                         \
    X(Udp6, InDatagrams)                                                                           \
    X(Udp6, NoPorts)                                                                               \
    X(Udp6, InErrors)                                                                              \
    X(Udp6, OutDatagrams)                                                                          \
    X(Udp6, RcvbufErrors)                                                                          \
    X(Udp6, SndbufErrors)                                                                          \
    X(Udp6, InCsumErrors)                                                                          \
    X(Udp6, IgnoredMulti)                                                                          \
    X(Udp6, MemErrors)

/* Icmp6's per-type lines (Icmp6InType<N>, Icmp6OutType<N>) for the types
 * berth counts: Linux derives both them and the named counters from one
 * per-type array, so here they are second names of the named counters
 * (snmp.c's table; no storage of their own). (group, alias, counter) */
#define BERTH_SNMP_ICMP6_ALIASES(A)                                                                \
    A(Icmp6, InType1, InDestUnreachs)                                                              \
    A(Icmp6, InType2, InPktTooBigs)                                                                \
    A(Icmp6, InType3, InTimeExcds)                                                                 \
    A(Icmp6, InType4, InParmProblems)                                                              \
    A(Icmp6, InType128, InEchos)                                                                   \
    A(Icmp6, InType129, InEchoReplies)                                                             \
    A(Icmp6, InType130, InGroupMembQueries)                                                        \
    A(Icmp6, InType133, InRouterSolicits)                                                          \
    A(Icmp6, InType134, InRouterAdvertisements)                                                    \
    A(Icmp6, InType135, InNeighborSolicits)                                                        \
    A(Icmp6, InType136, InNeighborAdvertisements)                                                  \
    A(Icmp6, InType137, InRedirects)                                                               \
    A(Icmp6, InType143, InMLDv2Reports)                                                            \
    A(Icmp6, OutType1, OutDestUnreachs)                                                            \
    A(Icmp6, OutType2, OutPktTooBigs)                                                              \
    A(Icmp6, OutType3, OutTimeExcds)                                                               \
    A(Icmp6, OutType4, OutParmProblems)                                                            \
    A(Icmp6, OutType128, OutEchos)                                                                 \
    A(Icmp6, OutType129, OutEchoReplies)                                                           \
    A(Icmp6, OutType133, OutRouterSolicits)                                                        \
    A(Icmp6, OutType134, OutRouterAdvertisements)                                                  \
    A(Icmp6, OutType135, OutNeighborSolicits)                                                      \
    A(Icmp6, OutType136, OutNeighborAdvertisements)                                                \
    A(Icmp6, OutType143, OutMLDv2Reports)

#if BERTH_WITH_IPV6
#define BERTH_SNMP_V6(X) BERTH_SNMP_IP6(X) BERTH_SNMP_ICMP6(X) BERTH_SNMP_UDP6(X)
#define BERTH_SNMP_ALIASES(A) BERTH_SNMP_ICMP6_ALIASES(A)
#else
#define BERTH_SNMP_V6(X)
#define BERTH_SNMP_ALIASES(A)
#endif

/* Without TCP there are no Tcp/TcpExt counters (berth_snmp_get: ENOENT):
 * 35 counters nothing could ever increment, 140 B of the stack's RAM on a
 * 32-bit target. */
#if BERTH_WITH_TCP
#define BERTH_SNMP_ALL(X)                                                                          \
    BERTH_SNMP_IP(X)                                                                               \
    BERTH_SNMP_ICMP(X)                                                                             \
    BERTH_SNMP_TCP(X) BERTH_SNMP_UDP(X) BERTH_SNMP_IPEXT(X) BERTH_SNMP_TCPEXT(X) BERTH_SNMP_V6(X)
#else
#define BERTH_SNMP_ALL(X)                                                                          \
    BERTH_SNMP_IP(X) BERTH_SNMP_ICMP(X) BERTH_SNMP_UDP(X) BERTH_SNMP_IPEXT(X) BERTH_SNMP_V6(X)
#endif

#if BERTH_WITH_COUNTERS
struct berth_snmp {
#define BERTH_SNMP_FIELD(g, n) BERTH_COUNTER_T g##_##n;
    BERTH_SNMP_ALL(BERTH_SNMP_FIELD)
#undef BERTH_SNMP_FIELD
};

#define SNMP_INC(st, g, n) ((st)->snmp.g##_##n++)
#define SNMP_ADD(st, g, n, v) ((st)->snmp.g##_##n += (v))
#else
/* Compiled out (BERTH_WITH_COUNTERS=OFF): no counter RAM, no increments;
 * berth_snmp_get answers ENOENT. */
struct berth_snmp {
    uint8_t none;
};
#define SNMP_INC(st, g, n) ((void)(st))
#define SNMP_ADD(st, g, n, v) ((void)(st), (void)(v))
#endif

#endif
