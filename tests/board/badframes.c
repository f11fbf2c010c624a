/* badframes.c — send malformed Ethernet frames to the board (the kernel's
 * side of tests/board/board.sh, in the test's network namespace):
 *
 *   badframes IFNAME DSTMAC COUNT
 *
 * Each kind below goes out COUNT times through an AF_PACKET socket on
 * IFNAME, from 192.0.2.1 to 192.0.2.2. Every one must be dropped by the
 * board (no reply) and counted; the test reads the board's counters before
 * and after. The name of each kind and the counter Linux would move is
 * printed (ip_rcv_core, udp_rcv, tcp_v4_rcv, icmp_rcv, __netif_receive_skb).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* usleep */
#endif
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint8_t dst[6];
static int fd, ifindex;
static unsigned count;

static uint16_t csum(const void *p, size_t n, uint32_t sum)
{
    const uint8_t *b = p;
    for (; n > 1; n -= 2, b += 2)
        sum += (uint32_t)(b[0] << 8 | b[1]);
    if (n)
        sum += (uint32_t)b[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Ethernet + IPv4 header (20 bytes) for a payload of plen bytes. */
static size_t ip_frame(uint8_t *f, uint8_t proto, size_t plen)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
    f[12] = 0x08, f[13] = 0x00;
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + plen) >> 8), ip[3] = (uint8_t)(20 + plen);
    ip[4] = 0x12, ip[5] = 0x34;
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, "\xc0\x00\x02\x01", 4);
    memcpy(ip + 16, "\xc0\x00\x02\x02", 4);
    uint16_t c = csum(ip, 20, 0);
    ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
    return 14 + 20 + plen;
}

static uint16_t l4_csum(const uint8_t *ip, const uint8_t *l4, size_t n, uint8_t proto)
{
    uint8_t ph[12];
    memcpy(ph, ip + 12, 8);
    ph[8] = 0, ph[9] = proto, ph[10] = (uint8_t)(n >> 8), ph[11] = (uint8_t)n;
    uint16_t c0 = (uint16_t)~csum(ph, 12, 0);
    return csum(l4, n, c0);
}

static void refresh_ip_csum(uint8_t *ip)
{
    ip[10] = ip[11] = 0;
    uint16_t c = csum(ip, (size_t)(ip[0] & 15) * 4 < 20 ? 20 : (size_t)(ip[0] & 15) * 4, 0);
    ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
}

static void send_kind(const char *name, const char *linux_counter, const uint8_t *f, size_t n)
{
    struct sockaddr_ll to = {.sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6};
    memcpy(to.sll_addr, dst, 6);
    unsigned ok = 0;
    for (unsigned i = 0; i < count; i++)
        ok += sendto(fd, f, n, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)n;
    printf("%-12s %4zu bytes x %u sent (Linux: %s)\n", name, n, ok, linux_counter);
    if (ok != count)
        perror("sendto"), exit(1);
    usleep(20000);
}

int main(int argc, char **argv)
{
    if (argc != 4 || sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dst[0], &dst[1], &dst[2],
                            &dst[3], &dst[4], &dst[5]) != 6)
        return fprintf(stderr, "usage: badframes IFNAME DSTMAC COUNT\n"), 2;
    count = (unsigned)atoi(argv[3]);
    ifindex = (int)if_nametoindex(argv[1]);
    fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (!ifindex || fd < 0)
        return perror(argv[1]), 1;
    uint8_t f[256], *ip = f + 14;
    size_t n;

    /* Ethernet header only, IPv4 type: no IP header at all. */
    n = ip_frame(f, 17, 0);
    send_kind("eth-only", "IpInHdrErrors (pskb_may_pull fails: InHdrErrors)", f, 14);

    /* A valid UDP datagram to the echo port with each header spoiled. */
    n = ip_frame(f, 17, 8 + 4);
    uint8_t *udp = ip + 20;
    udp[0] = 0x30, udp[1] = 0x39, udp[2] = 0, udp[3] = 7, udp[4] = 0, udp[5] = 12,
    udp[6] = udp[7] = 0;
    memcpy(udp + 8, "bad!", 4);
    uint16_t uc = l4_csum(ip, udp, 12, 17);
    udp[6] = (uint8_t)(uc >> 8), udp[7] = (uint8_t)uc;
    uint8_t good[256];
    size_t goodn = n;
    memcpy(good, f, n);

    ip[10] ^= 0x5a; /* header checksum */
    send_kind("ip-csum", "IpInCsumErrors + InHdrErrors", f, n);

    memcpy(f, good, goodn);
    ip[0] = 0x65; /* version 6 in an IPv4 frame */
    refresh_ip_csum(ip);
    send_kind("ip-version", "IpInHdrErrors", f, n);

    memcpy(f, good, goodn);
    ip[0] = 0x44; /* header length 16 bytes */
    refresh_ip_csum(ip);
    send_kind("ip-ihl", "IpInHdrErrors", f, n);

    memcpy(f, good, goodn);
    ip[2] = 0x04, ip[3] = 0x00; /* total length 1024, 32 bytes present */
    refresh_ip_csum(ip);
    send_kind("ip-totlen", "IpInTruncatedPkts", f, n);

    memcpy(f, good, goodn);
    udp[7] ^= 0xff; /* UDP checksum */
    send_kind("udp-csum", "UdpInCsumErrors + InErrors", f, n);

    memcpy(f, good, goodn);
    udp[5] = 40; /* UDP length beyond the IP payload */
    send_kind("udp-len", "UdpInErrors (short packet)", f, n);

    /* A TCP SYN to the echo port with a bad checksum: no SYN-ACK. */
    n = ip_frame(f, 6, 20);
    uint8_t *tcp = ip + 20;
    memset(tcp, 0, 20);
    tcp[0] = 0x30, tcp[1] = 0x3a, tcp[3] = 7;
    tcp[4] = 1, tcp[12] = 0x50, tcp[13] = 0x02, tcp[14] = 0xff, tcp[15] = 0xff;
    uint16_t tc = l4_csum(ip, tcp, 20, 6) ^ 0x1111;
    tcp[16] = (uint8_t)(tc >> 8), tcp[17] = (uint8_t)tc;
    send_kind("tcp-csum", "TcpInCsumErrors + InErrs", f, n);

    /* An ICMP echo request with a bad checksum: no reply. */
    n = ip_frame(f, 1, 16);
    uint8_t *ic = ip + 20;
    memset(ic, 0, 16);
    ic[0] = 8, ic[4] = 0xbe, ic[5] = 0xef, ic[7] = 1;
    uint16_t icc = csum(ic, 16, 0) ^ 0x0101;
    ic[2] = (uint8_t)(icc >> 8), ic[3] = (uint8_t)icc;
    send_kind("icmp-csum", "IcmpInCsumErrors + InErrors", f, n);

    /* A truncated ARP request and an EtherType nobody handles. */
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
    f[12] = 0x08, f[13] = 0x06;
    memcpy(f + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
    send_kind("arp-short", "dropped (arp_rcv: pskb_may_pull)", f, 14 + 10);
    f[12] = 0x88, f[13] = 0xb5; /* IEEE local experimental */
    memset(f + 14, 0x55, 46);
    send_kind("ethertype", "rx_nohandler", f, 60);
    close(fd);
    return 0;
}
