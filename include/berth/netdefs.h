/* berth/netdefs.h — the BSD socket and address definitions, for a C library
 * that has none (newlib on a microcontroller).
 *
 * Layouts are identical to Linux's on the same architecture (glibc's
 * <sys/socket.h>, <netinet/in.h>, <poll.h>, <sys/uio.h>) and every number is
 * Linux's, so a program and the conformance suite mean the same thing on
 * either. The build puts include/berth/compat/net/ in front of the system
 * include path only when the C library lacks <sys/socket.h> (CMakeLists.txt);
 * the headers there (sys/socket.h, netinet/in.h, arpa/inet.h, poll.h, ...)
 * all include this one. On Linux/glibc the system's own headers are used and
 * this file is never seen. docs/porting.md.
 */
#ifndef BERTH_NETDEFS_H
#define BERTH_NETDEFS_H

#define BERTH_NETDEFS 1

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "inet.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- <sys/socket.h> ---------------------------------------------------- */

typedef unsigned short sa_family_t;
typedef unsigned int socklen_t;

struct sockaddr {
    sa_family_t sa_family;
    char sa_data[14];
};

/* 128 bytes, aligned for any address (glibc's layout). */
struct sockaddr_storage {
    sa_family_t ss_family;
    char __ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
    unsigned long __ss_align;
};

struct linger {
    int l_onoff;
    int l_linger;
};

/* SO_PEERCRED. Linux's fields are 32 bits wide whatever the C library's
 * uid_t (newlib's is 16 bits). */
struct ucred {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};

#ifndef BERTH_HAVE_IOVEC
#define BERTH_HAVE_IOVEC 1
struct iovec {
    void *iov_base;
    size_t iov_len;
};
#endif

struct msghdr {
    void *msg_name;
    socklen_t msg_namelen;
    struct iovec *msg_iov;
    size_t msg_iovlen;
    void *msg_control;
    size_t msg_controllen;
    int msg_flags;
};

/* sendmmsg / recvmmsg */
struct mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

struct cmsghdr {
    size_t cmsg_len;
    int cmsg_level;
    int cmsg_type;
    /* data follows, aligned to size_t */
};

#define CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & (size_t) ~(sizeof(size_t) - 1))
#define CMSG_SPACE(len) (CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_DATA(cmsg) ((unsigned char *)(cmsg) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_FIRSTHDR(mhdr)                                                                        \
    ((size_t)(mhdr)->msg_controllen >= sizeof(struct cmsghdr)                                      \
         ? (struct cmsghdr *)(mhdr)->msg_control                                                   \
         : (struct cmsghdr *)0)
#define CMSG_NXTHDR(mhdr, cmsg) berth_cmsg_nxthdr((mhdr), (cmsg))

/* glibc's __cmsg_nxthdr: the next header, or NULL when it would not fit. */
static inline struct cmsghdr *berth_cmsg_nxthdr(const struct msghdr *mhdr, struct cmsghdr *cmsg)
{
    if (cmsg->cmsg_len < sizeof(struct cmsghdr))
        return (struct cmsghdr *)0;
    unsigned char *next = (unsigned char *)cmsg + CMSG_ALIGN(cmsg->cmsg_len);
    unsigned char *end = (unsigned char *)mhdr->msg_control + mhdr->msg_controllen;
    if (next + sizeof(struct cmsghdr) > end ||
        next + CMSG_ALIGN(((struct cmsghdr *)(void *)next)->cmsg_len) > end)
        return (struct cmsghdr *)0;
    return (struct cmsghdr *)(void *)next;
}

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define AF_MAX 46
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_LOCAL
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_NETLINK AF_NETLINK
#define PF_PACKET AF_PACKET

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5
#define SOCK_DCCP 6
#define SOCK_PACKET 10
#define SOCK_CLOEXEC 02000000
#define SOCK_NONBLOCK 04000

#define SOL_IP 0
#define SOL_SOCKET 1
#define SOL_TCP 6
#define SOL_UDP 17
#define SOL_IPV6 41

#define SOMAXCONN 4096

#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_NO_CHECK 11
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_BSDCOMPAT 14
#define SO_REUSEPORT 15
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_BINDTODEVICE 25
#define SO_ATTACH_FILTER 26
#define SO_DETACH_FILTER 27
#define SO_PEERNAME 28
#define SO_TIMESTAMP 29
#define SO_ACCEPTCONN 30
#define SO_PEERSEC 31
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PASSSEC 34
#define SO_TIMESTAMPNS 35
#define SO_MARK 36
#define SO_TIMESTAMPING 37
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_RXQ_OVFL 40
#define SO_PEEK_OFF 42
#define SO_BUSY_POLL 46
#define SO_INCOMING_CPU 49
#define SO_BINDTOIFINDEX 62

#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_PROXY 0x10
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_FIN 0x200
#define MSG_SYN 0x400
#define MSG_CONFIRM 0x800
#define MSG_RST 0x1000
#define MSG_ERRQUEUE 0x2000
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_ZEROCOPY 0x4000000
#define MSG_FASTOPEN 0x20000000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

/* newlib's <limits.h> has no SSIZE_MAX; ssize_t is as wide as size_t. */
#ifndef SSIZE_MAX
#define SSIZE_MAX ((ssize_t)(SIZE_MAX >> 1))
#endif

/* ---- <sys/un.h> -------------------------------------------------------- */

struct sockaddr_un {
    sa_family_t sun_family;
    char sun_path[108];
};

/* ---- <netinet/in.h> ---------------------------------------------------- */

typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

struct in_addr {
    in_addr_t s_addr;
};

struct in6_addr {
    union {
        uint8_t __u6_addr8[16];
        uint16_t __u6_addr16[8];
        uint32_t __u6_addr32[4];
    } __in6_u;
};
#define s6_addr __in6_u.__u6_addr8
#define s6_addr16 __in6_u.__u6_addr16
#define s6_addr32 __in6_u.__u6_addr32

struct sockaddr_in {
    sa_family_t sin_family;
    in_port_t sin_port;
    struct in_addr sin_addr;
    unsigned char sin_zero[8];
};

struct sockaddr_in6 {
    sa_family_t sin6_family;
    in_port_t sin6_port;
    uint32_t sin6_flowinfo;
    struct in6_addr sin6_addr;
    uint32_t sin6_scope_id;
};

struct ip_mreq {
    struct in_addr imr_multiaddr;
    struct in_addr imr_interface;
};

struct ip_mreqn {
    struct in_addr imr_multiaddr;
    struct in_addr imr_address;
    int imr_ifindex;
};

struct in_pktinfo {
    int ipi_ifindex;
    struct in_addr ipi_spec_dst;
    struct in_addr ipi_addr;
};

struct ipv6_mreq {
    struct in6_addr ipv6mr_multiaddr;
    unsigned int ipv6mr_interface;
};

struct in6_pktinfo {
    struct in6_addr ipi6_addr;
    unsigned int ipi6_ifindex;
};

#define IN6ADDR_ANY_INIT                                                                           \
    {                                                                                              \
        {                                                                                          \
            {                                                                                      \
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                                     \
            }                                                                                      \
        }                                                                                          \
    }
#define IN6ADDR_LOOPBACK_INIT                                                                      \
    {                                                                                              \
        {                                                                                          \
            {                                                                                      \
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1                                     \
            }                                                                                      \
        }                                                                                          \
    }
/* Defined by berth (src/core/inet_text.c), not by the C library. */
extern const struct in6_addr in6addr_any;
extern const struct in6_addr in6addr_loopback;

#define INADDR_ANY ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK ((in_addr_t)0x7f000001)
#define INADDR_UNSPEC_GROUP ((in_addr_t)0xe0000000)
#define INADDR_ALLHOSTS_GROUP ((in_addr_t)0xe0000001)

#define INET_ADDRSTRLEN 16
#define INET6_ADDRSTRLEN 46

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_IGMP 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_ICMPV6 58
#define IPPROTO_NONE 59
#define IPPROTO_DSTOPTS 60
#define IPPROTO_SCTP 132
#define IPPROTO_UDPLITE 136
#define IPPROTO_RAW 255
#define IPPROTO_MPTCP 262
#define IPPROTO_MAX 263

#define IP_TOS 1
#define IP_TTL 2
#define IP_HDRINCL 3
#define IP_OPTIONS 4
#define IP_RECVOPTS 6
#define IP_RETOPTS 7
#define IP_PKTINFO 8
#define IP_MTU_DISCOVER 10
#define IP_RECVERR 11
#define IP_RECVTTL 12
#define IP_RECVTOS 13
#define IP_MTU 14
#define IP_FREEBIND 15
#define IP_TRANSPARENT 19
#define IP_MINTTL 21
#define IP_BIND_ADDRESS_NO_PORT 24
#define IP_MULTICAST_IF 32
#define IP_MULTICAST_TTL 33
#define IP_MULTICAST_LOOP 34
#define IP_ADD_MEMBERSHIP 35
#define IP_DROP_MEMBERSHIP 36
#define IP_LOCAL_PORT_RANGE 51

#define IP_PMTUDISC_DONT 0
#define IP_PMTUDISC_WANT 1
#define IP_PMTUDISC_DO 2
#define IP_PMTUDISC_PROBE 3
#define IP_PMTUDISC_INTERFACE 4
#define IP_PMTUDISC_OMIT 5

#define IPV6_ADDRFORM 1
#define IPV6_2292PKTINFO 2
#define IPV6_UNICAST_HOPS 16
#define IPV6_MULTICAST_IF 17
#define IPV6_MULTICAST_HOPS 18
#define IPV6_MULTICAST_LOOP 19
#define IPV6_JOIN_GROUP 20
#define IPV6_ADD_MEMBERSHIP IPV6_JOIN_GROUP
#define IPV6_LEAVE_GROUP 21
#define IPV6_DROP_MEMBERSHIP IPV6_LEAVE_GROUP
#define IPV6_MTU_DISCOVER 23
#define IPV6_MTU 24
#define IPV6_RECVERR 25
#define IPV6_V6ONLY 26
#define IPV6_RECVPKTINFO 49
#define IPV6_PKTINFO 50
#define IPV6_RECVHOPLIMIT 51
#define IPV6_HOPLIMIT 52
#define IPV6_RECVTCLASS 66
#define IPV6_TCLASS 67
#define IPV6_FREEBIND 78
/* IPv6 datagram options and control messages (<linux/in6.h>, <linux/ipv6.h>) */
#define IPV6_2292HOPOPTS 3
#define IPV6_2292DSTOPTS 4
#define IPV6_2292HOPLIMIT 8
#define IPV6_FLOWINFO 11
#define IPV6_FLOWINFO_SEND 33
#define IPV6_HOPOPTS 54
#define IPV6_RTHDRDSTOPTS 55
#define IPV6_DSTOPTS 59
#define IPV6_RECVPATHMTU 60
#define IPV6_DONTFRAG 62
#define IPV6_AUTOFLOWLABEL 70
#define IPV6_MINHOPCOUNT 73
#define IPV6_PMTUDISC_DONT 0
#define IPV6_PMTUDISC_WANT 1
#define IPV6_PMTUDISC_DO 2
#define IPV6_PMTUDISC_PROBE 3
#define IPV6_PMTUDISC_INTERFACE 4
#define IPV6_PMTUDISC_OMIT 5

#define IN6_IS_ADDR_UNSPECIFIED(a)                                                                 \
    (((const uint32_t *)(const void *)(a))[0] == 0 &&                                              \
     ((const uint32_t *)(const void *)(a))[1] == 0 &&                                              \
     ((const uint32_t *)(const void *)(a))[2] == 0 &&                                              \
     ((const uint32_t *)(const void *)(a))[3] == 0)
#define IN6_IS_ADDR_LOOPBACK(a)                                                                    \
    (((const uint32_t *)(const void *)(a))[0] == 0 &&                                              \
     ((const uint32_t *)(const void *)(a))[1] == 0 &&                                              \
     ((const uint32_t *)(const void *)(a))[2] == 0 &&                                              \
     ((const uint32_t *)(const void *)(a))[3] == htonl(1))
#define IN6_IS_ADDR_V4MAPPED(a)                                                                    \
    (((const uint32_t *)(const void *)(a))[0] == 0 &&                                              \
     ((const uint32_t *)(const void *)(a))[1] == 0 &&                                              \
     ((const uint32_t *)(const void *)(a))[2] == htonl(0xffff))
#define IN6_ARE_ADDR_EQUAL(a, b)                                                                   \
    (((const uint32_t *)(const void *)(a))[0] == ((const uint32_t *)(const void *)(b))[0] &&       \
     ((const uint32_t *)(const void *)(a))[1] == ((const uint32_t *)(const void *)(b))[1] &&       \
     ((const uint32_t *)(const void *)(a))[2] == ((const uint32_t *)(const void *)(b))[2] &&       \
     ((const uint32_t *)(const void *)(a))[3] == ((const uint32_t *)(const void *)(b))[3])
#define IN6_IS_ADDR_MULTICAST(a) (((const uint8_t *)(const void *)(a))[0] == 0xff)
#define IN6_IS_ADDR_LINKLOCAL(a)                                                                   \
    ((((const uint32_t *)(const void *)(a))[0] & htonl(0xffc00000)) == htonl(0xfe800000))
#define IN6_IS_ADDR_SITELOCAL(a)                                                                   \
    ((((const uint32_t *)(const void *)(a))[0] & htonl(0xffc00000)) == htonl(0xfec00000))
#define IN6_IS_ADDR_MC_NODELOCAL(a)                                                                \
    (IN6_IS_ADDR_MULTICAST(a) && ((((const uint8_t *)(const void *)(a))[1] & 0xf) == 0x1))
#define IN6_IS_ADDR_MC_LINKLOCAL(a)                                                                \
    (IN6_IS_ADDR_MULTICAST(a) && ((((const uint8_t *)(const void *)(a))[1] & 0xf) == 0x2))

/* Byte order: the compiler knows the target's. */
static inline uint16_t berth_bswap16_(uint16_t x) { return (uint16_t)((x << 8) | (x >> 8)); }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define htonl(x) ((uint32_t)(x))
#define ntohl(x) ((uint32_t)(x))
#define htons(x) ((uint16_t)(x))
#define ntohs(x) ((uint16_t)(x))
#else
#define htonl(x) __builtin_bswap32((uint32_t)(x))
#define ntohl(x) __builtin_bswap32((uint32_t)(x))
#define htons(x) berth_bswap16_((uint16_t)(x))
#define ntohs(x) berth_bswap16_((uint16_t)(x))
#endif

/* ---- <arpa/inet.h>: berth's own text conversion (berth/inet.h) --------- */

static inline int inet_pton(int af, const char *src, void *dst)
{
    return berth_inet_pton(af, src, dst);
}
static inline const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    return berth_inet_ntop(af, src, dst, size);
}
static inline char *inet_ntoa(struct in_addr in) { return berth_inet_ntoa(in.s_addr); }
static inline int inet_aton(const char *cp, struct in_addr *inp)
{
    return berth_inet_aton(cp, &inp->s_addr);
}
static inline in_addr_t inet_addr(const char *cp)
{
    in_addr_t a;
    return berth_inet_aton(cp, &a) ? a : INADDR_NONE;
}

/* ---- <netinet/tcp.h> ---------------------------------------------------- */

#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define TCP_SYNCNT 7
#define TCP_LINGER2 8
#define TCP_DEFER_ACCEPT 9
#define TCP_WINDOW_CLAMP 10
#define TCP_INFO 11
#define TCP_QUICKACK 12
#define TCP_CONGESTION 13
#define TCP_MD5SIG 14
#define TCP_THIN_LINEAR_TIMEOUTS 16
#define TCP_THIN_DUPACK 17
#define TCP_USER_TIMEOUT 18
#define TCP_REPAIR 19
#define TCP_FASTOPEN 23
#define TCP_TIMESTAMP 24
#define TCP_NOTSENT_LOWAT 25
#define TCP_CC_INFO 26
#define TCP_SAVE_SYN 27
#define TCP_SAVED_SYN 28
#define TCP_FASTOPEN_CONNECT 30
#define TCP_ULP 31
#define TCP_FASTOPEN_NO_COOKIE 34
#define TCP_ZEROCOPY_RECEIVE 35
#define TCP_INQ 36
#define TCP_CM_INQ TCP_INQ
#define TCP_TX_DELAY 37

/* ---- <poll.h> ----------------------------------------------------------- */

typedef unsigned long nfds_t;

struct pollfd {
    int fd;
    short events;
    short revents;
};

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLMSG 0x400
#define POLLREMOVE 0x1000
#define POLLRDHUP 0x2000

/* ---- <sys/ioctl.h>, <linux/sockios.h> ----------------------------------- */

#define FIONREAD 0x541B
#define FIONBIO 0x5421
#define TIOCOUTQ 0x5411
#define SIOCINQ FIONREAD
#define SIOCOUTQ TIOCOUTQ
#define SIOCATMARK 0x8905
#define SIOCGSTAMP 0x8906
#define SIOCOUTQNSD 0x894B

/* ---- <net/if.h> --------------------------------------------------------- */

#define IFNAMSIZ 16
#define IF_NAMESIZE IFNAMSIZ

#ifdef __cplusplus
}
#endif
#endif
