/* lwipopts.h — lwIP 2.1.3 configured like berth's size probe, for
 * scripts/size-lwip.sh: IPv4, ARP/Ethernet, ICMP, UDP, optionally TCP
 * (PROBE_TCP), the BSD socket API over netconn with core locking, a
 * loopback interface, no IPv6, no fragmentation, no DHCP/DNS/IGMP, no
 * statistics, no debug. Memory: lwIP's own static heap and pools, sized
 * for 4 UDP + 4 TCP sockets with 512-byte messages. */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS 0
#define LWIP_SOCKET 1
#define LWIP_NETCONN 1
#define LWIP_TCPIP_CORE_LOCKING 1
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_PROVIDE_ERRNO 0
#define LWIP_ERRNO_STDINCLUDE 1

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#ifndef PROBE_TCP
#define PROBE_TCP 0
#endif
#define LWIP_TCP PROBE_TCP
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_STATS 0
#define LWIP_NOASSERT 1

#define MEM_ALIGNMENT 4
#define MEM_SIZE 6144
#define MEMP_NUM_NETCONN 9
#define MEMP_NUM_UDP_PCB 5
#define MEMP_NUM_TCP_PCB 5
#define MEMP_NUM_TCP_PCB_LISTEN 1
#define MEMP_NUM_TCP_SEG 16
#define MEMP_NUM_NETBUF 8
#define MEMP_NUM_PBUF 8
#define PBUF_POOL_SIZE 4
#define TCP_MSS 536
#define TCP_WND (2 * TCP_MSS)
#define TCP_SND_BUF (2 * TCP_MSS)
#define TCPIP_MBOX_SIZE 8
#define DEFAULT_UDP_RECVMBOX_SIZE 4
#define DEFAULT_TCP_RECVMBOX_SIZE 4
#define DEFAULT_ACCEPTMBOX_SIZE 4
#define TCPIP_THREAD_STACKSIZE 1024

#endif
