/* probe.c — the lwIP counterpart of examples/size_probe.c: the same socket
 * calls on lwIP 2.1.3's BSD socket API (scripts/size-lwip.sh links it to
 * measure code size; it is not run). */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/sockets.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"

static struct netif eth;
static unsigned char msg[512], got[512];

static err_t eth_linkoutput(struct netif *n, struct pbuf *p)
{
    (void)n;
    (void)p;
    return ERR_OK; /* the wire */
}

static err_t eth_init(struct netif *n)
{
    n->output = etharp_output;
    n->linkoutput = eth_linkoutput;
    n->mtu = 1500;
    n->hwaddr_len = 6;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

static struct sockaddr_in sin_of(u16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = lwip_htons(port);
    a.sin_addr.s_addr = lwip_htonl(0x7f000001);
    return a;
}

int main(void)
{
    tcpip_init(NULL, NULL);
    ip4_addr_t ip, mask, gw;
    IP4_ADDR(&ip, 192, 0, 2, 1);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    netif_add(&eth, &ip, &mask, &gw, NULL, eth_init, tcpip_input);
    netif_set_up(&eth);
    netif_set_link_up(&eth);
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        int fd = lwip_socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in a = sin_of((u16_t)(7000 + i)), from;
        socklen_t fl = sizeof(from);
        bad |= lwip_bind(fd, (struct sockaddr *)&a, sizeof(a));
        bad |= lwip_sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&a, sizeof(a)) != 512;
        bad |= lwip_recvfrom(fd, got, sizeof(got), 0, (struct sockaddr *)&from, &fl) != 512;
    }
#if PROBE_TCP
    int l = lwip_socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in la = sin_of(7);
    bad |= lwip_bind(l, (struct sockaddr *)&la, sizeof(la));
    bad |= lwip_listen(l, 4);
    for (int i = 0; i < 2; i++) {
        int c = lwip_socket(AF_INET, SOCK_STREAM, 0);
        bad |= lwip_connect(c, (struct sockaddr *)&la, sizeof(la));
        int s = lwip_accept(l, NULL, NULL);
        bad |= lwip_send(c, msg, sizeof(msg), 0) != 512;
        bad |= lwip_recv(s, got, sizeof(got), MSG_WAITALL) != 512;
        bad |= lwip_send(s, got, sizeof(got), 0) != 512;
        bad |= lwip_recv(c, got, sizeof(got), MSG_WAITALL) != 512;
    }
#endif
    return bad;
}
