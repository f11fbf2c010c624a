/* main.c — the mps2-an386 demonstration firmware: berth on the board's
 * LAN9118, 192.0.2.2/24 with gateway 192.0.2.1, serving from one loop on
 * berth's socket API:
 *
 *   ICMP echo (the stack answers it),
 *   UDP echo on port 7,
 *   TCP echo on port 7 (up to ECHO_CONNS connections at once),
 *   counters on UDP port 9000 (any datagram: a text reply, see stats_text),
 *   a TCP client that connects to 192.0.2.1:CLIENT_PORT, sends CLIENT_MSG
 *   and logs the reply (retried every second until it has had one).
 *
 * Every socket is non-blocking; the loop sleeps in berth_poll, whose wait
 * goes through the board platform (board.c): WFI until the Ethernet
 * interrupt or the next timer. The log on UART0 is what tests/board/
 * reads: "ready", "client: reply ...", "udp echo: ...", "tcp echo: ...".
 */
#include <errno.h>
#include <string.h>

#include "berth/arena.h"
#include "berth/lan9118.h"
#include "berth/netif.h"
#include "berth/socket.h"
#include "berth/stack.h"
#include "board.h"

#define ECHO_PORT 7
#define STATS_PORT 9000
#define CLIENT_PORT 7070
#define CLIENT_MSG "hello from berth on mps2-an386\n"
#define ECHO_CONNS 4
#define ECHO_BUF 4096
#define CLIENT_RETRY_US 1000000u
/* The LAN9118's RX data FIFO holds about 10 KiB (QEMU: 2640 words), seven
 * full-size frames; what arrives while it is full is lost. The receive
 * buffer (Linux semantics: the window is about half of SO_RCVBUF, which is
 * doubled) keeps a sender's flight within what the FIFO can hold between
 * two polls. */
#ifndef ECHO_RCVBUF
#define ECHO_RCVBUF 4096
#endif
/* The send side is bounded too, so that ECHO_CONNS connections fit in the
 * arena whatever the peers do (0: berth's default, berth/config.h). */
#ifndef ECHO_SNDBUF
#define ECHO_SNDBUF 8192
#endif

/* 0: no Ethernet interrupt; the board notices frames at the next 1 ms tick
 * (docs/board.md compares the two). */
#ifndef ETH_USE_IRQ
#define ETH_USE_IRQ 1
#endif

/* All of berth's memory: no malloc (berth/arena.h). The echo test's 1 MiB
 * transfer peaks well below this (docs/board.md: measured). */
#ifndef NET_ARENA_BYTES
#define NET_ARENA_BYTES (192u * 1024u)
#endif
static uint8_t net_mem[NET_ARENA_BYTES] __attribute__((aligned(8)));
static struct berth_platform plat;

static berth_stack *st;
static berth_netif *eth;

static void log_arena(void)
{
    struct berth_arena_stats a;
    berth_arena_stats(&plat, &a);
    board_printf("arena: %lu bytes used in %u blocks, peak %lu of %lu, %u refused\n",
                 (unsigned long)a.used, a.blocks, (unsigned long)a.peak, (unsigned long)a.size,
                 a.failures);
}

void ETHERNET_IRQHandler(void);
void ETHERNET_IRQHandler(void)
{
    berth_lan9118_isr(BOARD_ETH_BASE);
    board_eth_irqs++;
}

static int poll_nic(void *arg)
{
    (void)arg;
    if (!eth)
        return 0;
    int n = berth_lan9118_poll(eth);
    if (n > 0)
        board_random_stir((uint32_t)board_now_us());
    return n;
}

static struct in_addr ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct in_addr x;
    uint8_t *p = (uint8_t *)&x.s_addr;
    p[0] = a, p[1] = b, p[2] = c, p[3] = d;
    return x;
}

static struct sockaddr_in sin4(struct in_addr a, uint16_t port)
{
    struct sockaddr_in s;
    memset(&s, 0, sizeof(s));
    s.sin_family = AF_INET;
    s.sin_port = htons(port);
    s.sin_addr = a;
    return s;
}

static int must(int rc, const char *what)
{
    if (rc < 0)
        board_panic(what, (uint32_t)errno, 0);
    return rc;
}

/* ---- counters ----
 * "Group.Name value" lines: the stack's counters (Linux's names) that bad
 * input moves, the interface's and the driver's, and the arena's. The
 * board test reads them before and after sending malformed frames. */

struct text {
    char *p;
    size_t n, cap;
};

static void text_str(struct text *t, const char *s)
{
    while (*s && t->n + 1 < t->cap)
        t->p[t->n++] = *s++;
    t->p[t->n] = 0;
}

static void text_num(struct text *t, const char *name, uint64_t v)
{
    char d[24];
    unsigned k = 0;
    do {
        d[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    text_str(t, name);
    text_str(t, " ");
    while (k && t->n + 1 < t->cap)
        t->p[t->n++] = d[--k];
    text_str(t, "\n");
}

static size_t stats_text(char *buf, size_t cap)
{
    static const char *const snmp[][2] = {
        {"Ip", "InReceives"},      {"Ip", "InHdrErrors"},
        {"Ip", "InAddrErrors"},    {"Ip", "InDiscards"},
        {"Ip", "InDelivers"},      {"Ip", "InUnknownProtos"},
        {"IpExt", "InCsumErrors"}, {"IpExt", "InTruncatedPkts"},
        {"Icmp", "InMsgs"},        {"Icmp", "InErrors"},
        {"Icmp", "InCsumErrors"},  {"Icmp", "InEchos"},
        {"Udp", "InDatagrams"},    {"Udp", "InErrors"},
        {"Udp", "InCsumErrors"},   {"Udp", "NoPorts"},
        {"Tcp", "InSegs"},         {"Tcp", "InErrs"},
        {"Tcp", "InCsumErrors"},   {"Tcp", "OutRsts"},
        {"Tcp", "RetransSegs"},
    };
    struct text t = {buf, 0, cap};
    char name[40];
    for (size_t i = 0; i < sizeof(snmp) / sizeof(snmp[0]); i++) {
        uint64_t v;
        if (berth_snmp_get(st, snmp[i][0], snmp[i][1], &v) != 0)
            continue;
        struct text nm = {name, 0, sizeof(name)};
        text_str(&nm, snmp[i][0]);
        text_str(&nm, ".");
        text_str(&nm, snmp[i][1]);
        text_num(&t, name, v);
    }
    struct berth_netif_stats ns;
    berth_netif_stats(eth, &ns);
    text_num(&t, "eth0.rx_packets", ns.rx_packets);
    text_num(&t, "eth0.rx_errors", ns.rx_errors);
    text_num(&t, "eth0.rx_length_errors", ns.rx_length_errors);
    text_num(&t, "eth0.rx_nohandler", ns.rx_nohandler);
    text_num(&t, "eth0.rx_otherhost_dropped", ns.rx_otherhost_dropped);
    text_num(&t, "eth0.rx_dropped", ns.rx_dropped);
    struct berth_lan9118_stats ls;
    berth_lan9118_stats(eth, &ls);
    text_num(&t, "lan9118.rx_frames", ls.rx_frames);
    text_num(&t, "lan9118.rx_errors", ls.rx_errors);
    text_num(&t, "lan9118.tx_frames", ls.tx_frames);
    text_num(&t, "lan9118.tx_errors", ls.tx_errors);
    struct berth_arena_stats a;
    berth_arena_stats(&plat, &a);
    text_num(&t, "arena.used", a.used);
    text_num(&t, "arena.peak", a.peak);
    text_num(&t, "arena.failures", a.failures);
    text_num(&t, "board.eth_irqs", board_eth_irqs); /* wake-ups by the NIC, not the tick */
    return t.n;
}

/* ---- TCP echo connections ---- */

struct conn {
    int fd;           /* -1: free */
    size_t have, off; /* bytes in buf, of which off already sent back */
    bool eof;
    uint32_t in, out;
    uint8_t buf[ECHO_BUF];
};
static struct conn conns[ECHO_CONNS];
static uint32_t tcp_conns_total, send_nomem;

static void conn_close(struct conn *c, const char *why, int err)
{
    board_printf("tcp echo: connection closed (%s, errno %d), %lu bytes in, %lu out, "
                 "%lu sends without memory so far\n",
                 why, err, (unsigned long)c->in, (unsigned long)c->out, (unsigned long)send_nomem);
    berth_close(st, c->fd);
    c->fd = -1;
    log_arena();
}

/* One step of a connection whose poll said `rev`. */
static void conn_step(struct conn *c, short rev)
{
    if (c->have == 0 && !c->eof && (rev & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n = berth_recv(st, c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT);
        if (n > 0) {
            c->have = (size_t)n;
            c->off = 0;
            c->in += (uint32_t)n;
        } else if (n == 0) {
            c->eof = true;
        } else if (errno != EAGAIN) {
            conn_close(c, "recv error", errno);
            return;
        }
    }
    while (c->off < c->have) {
        ssize_t n =
            berth_send(st, c->fd, c->buf + c->off, c->have - c->off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            /* berth answers a send that finds the arena full with ENOBUFS
             * (Linux would wait, or say EAGAIN): memory comes back as the
             * peer acknowledges, so try again on the next round. */
            if (errno == ENOBUFS || errno == ENOMEM)
                send_nomem++;
            else if (errno != EAGAIN)
                conn_close(c, "send error", errno);
            return;
        }
        c->off += (size_t)n;
        c->out += (uint32_t)n;
    }
    c->have = c->off = 0;
    if (c->eof)
        conn_close(c, "peer finished", 0); /* everything echoed: close sends our FIN */
}

/* ---- the TCP client ---- */

enum client_state { CL_IDLE, CL_CONNECTING, CL_SENT, CL_DONE };
static struct {
    enum client_state state;
    int fd;
    uint64_t next_try;
    unsigned attempts;
    char reply[128];
    size_t got;
} cl = {.fd = -1};

static void client_fail(const char *what, int e)
{
    board_printf("client: %s: errno %d, retrying\n", what, e);
    berth_close(st, cl.fd);
    cl.fd = -1;
    cl.state = CL_IDLE;
    cl.next_try = board_now_us() + CLIENT_RETRY_US;
}

static void client_start(void)
{
    cl.attempts++;
    cl.got = 0;
    cl.fd = must(berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), "client socket");
    struct sockaddr_in to = sin4(ip4(192, 0, 2, 1), CLIENT_PORT);
    if (berth_connect(st, cl.fd, (struct sockaddr *)&to, sizeof(to)) == 0 || errno == EINPROGRESS)
        cl.state = CL_CONNECTING;
    else
        client_fail("connect", errno);
}

static void client_step(short rev)
{
    if (cl.state == CL_CONNECTING && (rev & (POLLOUT | POLLERR | POLLHUP))) {
        int err = 0;
        socklen_t len = sizeof(err);
        berth_getsockopt(st, cl.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            client_fail("connect", err);
            return;
        }
        board_printf("client: connected to 192.0.2.1:%d (attempt %u)\n", CLIENT_PORT, cl.attempts);
        /* A short message into an empty send buffer: all of it is taken. */
        if (berth_send(st, cl.fd, CLIENT_MSG, strlen(CLIENT_MSG), MSG_NOSIGNAL) !=
            (ssize_t)strlen(CLIENT_MSG)) {
            client_fail("send", errno);
            return;
        }
        cl.state = CL_SENT;
    } else if (cl.state == CL_SENT && (rev & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n =
            berth_recv(st, cl.fd, cl.reply + cl.got, sizeof(cl.reply) - 1 - cl.got, MSG_DONTWAIT);
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) {
            client_fail("recv", errno);
            return;
        }
        cl.got += (size_t)n;
        cl.reply[cl.got] = 0;
        if (n == 0 || cl.got == sizeof(cl.reply) - 1 || strchr(cl.reply, '\n')) {
            char *nl = strchr(cl.reply, '\n');
            if (nl)
                *nl = 0;
            board_printf("client: reply '%s' (%u bytes)\n", cl.reply, (unsigned)cl.got);
            berth_close(st, cl.fd);
            cl.fd = -1;
            cl.state = CL_DONE;
        }
    }
}

/* ---- setup and the loop ---- */

int main(void)
{
    board_init();
    board_puts("\nberth on mps2-an386 (Cortex-M4, LAN9118)\n");

    board_platform(&plat, &(struct board_platform_cfg){.poll = poll_nic});
    if (berth_arena_init(&plat, net_mem, sizeof(net_mem)) != 0)
        board_panic("berth_arena_init", 0, 0);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &plat;
    cfg.name = "mps2";
    cfg.max_fds = 16;
    cfg.max_sockets = 16;
    cfg.buffer_cache = 0;
    st = berth_stack_new(&cfg);
    if (!st)
        board_panic("berth_stack_new", (uint32_t)errno, 0);

    struct berth_lan9118_config lc;
    berth_lan9118_config_init(&lc, BOARD_ETH_BASE);
    lc.use_irq = ETH_USE_IRQ;
    eth = berth_lan9118_attach(st, &lc);
    if (!eth)
        board_panic("no LAN9118", (uint32_t)errno, 0);
    if (ETH_USE_IRQ)
        board_enable_eth_irq();
    uint8_t mac[BERTH_ETH_ALEN];
    berth_netif_hwaddr(eth, mac);
    board_printf("eth0: LAN9118 at 0x%08lx, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s\n",
                 (unsigned long)BOARD_ETH_BASE, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
                 berth_lan9118_link_up(eth) ? "up" : "down");
    must(berth_netif_addr_add(eth, ip4(192, 0, 2, 2), 24), "address");
    must(berth_netif_set_up(eth, true), "up");
    must(berth_route_add(st, ip4(0, 0, 0, 0), 0, ip4(192, 0, 2, 1), eth), "default route");
    board_puts("eth0: 192.0.2.2/24, gateway 192.0.2.1\n");

    struct sockaddr_in any7 = sin4(ip4(0, 0, 0, 0), ECHO_PORT);
    int udp = must(berth_socket(st, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), "udp socket");
    must(berth_bind(st, udp, (struct sockaddr *)&any7, sizeof(any7)), "udp bind");
    struct sockaddr_in anystats = sin4(ip4(0, 0, 0, 0), STATS_PORT);
    int stats = must(berth_socket(st, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), "stats socket");
    must(berth_bind(st, stats, (struct sockaddr *)&anystats, sizeof(anystats)), "stats bind");
    int lst = must(berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), "tcp socket");
    int one = 1;
    berth_setsockopt(st, lst, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    int rcvbuf = ECHO_RCVBUF, sndbuf = ECHO_SNDBUF; /* accepted connections inherit them */
    if (rcvbuf > 0)
        must(berth_setsockopt(st, lst, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), "rcvbuf");
    if (sndbuf > 0)
        must(berth_setsockopt(st, lst, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)), "sndbuf");
    must(berth_bind(st, lst, (struct sockaddr *)&any7, sizeof(any7)), "tcp bind");
    must(berth_listen(st, lst, ECHO_CONNS), "listen");
    for (unsigned i = 0; i < ECHO_CONNS; i++)
        conns[i].fd = -1;
    log_arena();
    board_printf("ready %lu us after reset\n", (unsigned long)board_now_us());

    uint32_t udp_echoed = 0;
    static uint8_t dgram[2048];
    for (;;) {
        struct pollfd pf[4 + ECHO_CONNS];
        unsigned n = 0;
        pf[n++] = (struct pollfd){.fd = udp, .events = POLLIN};
        unsigned nconn = 0;
        for (unsigned i = 0; i < ECHO_CONNS; i++)
            nconn += conns[i].fd >= 0;
        /* A full table leaves new connections in the listen queue. */
        pf[n++] = (struct pollfd){.fd = nconn < ECHO_CONNS ? lst : -1, .events = POLLIN};
        pf[n++] =
            (struct pollfd){.fd = cl.fd, .events = cl.state == CL_CONNECTING ? POLLOUT : POLLIN};
        for (unsigned i = 0; i < ECHO_CONNS; i++)
            pf[n++] =
                (struct pollfd){.fd = conns[i].fd, .events = conns[i].have ? POLLOUT : POLLIN};
        pf[n++] = (struct pollfd){.fd = stats, .events = POLLIN};

        int timeout = -1;
        uint64_t now = board_now_us();
        if (cl.state == CL_IDLE)
            timeout = cl.next_try > now ? (int)((cl.next_try - now) / 1000u) + 1 : 0;
        berth_poll(st, pf, n, timeout);
        poll_nic(NULL); /* keep the NIC drained even when poll never waits */

        if (pf[0].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t fl = sizeof(from);
            ssize_t r = berth_recvfrom(st, udp, dgram, sizeof(dgram), MSG_DONTWAIT,
                                       (struct sockaddr *)&from, &fl);
            if (r >= 0 && berth_sendto(st, udp, dgram, (size_t)r, MSG_DONTWAIT,
                                       (struct sockaddr *)&from, fl) == r)
                board_printf("udp echo: %ld bytes (%lu so far)\n", (long)r,
                             (unsigned long)++udp_echoed);
        }
        if (pf[3 + ECHO_CONNS].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t fl = sizeof(from);
            if (berth_recvfrom(st, stats, dgram, sizeof(dgram), MSG_DONTWAIT,
                               (struct sockaddr *)&from, &fl) >= 0) {
                size_t len = stats_text((char *)dgram, sizeof(dgram));
                berth_sendto(st, stats, dgram, len, MSG_DONTWAIT, (struct sockaddr *)&from, fl);
            }
        }
        if (pf[1].revents & POLLIN) {
            int fd = berth_accept4(st, lst, NULL, NULL, SOCK_NONBLOCK);
            for (unsigned i = 0; fd >= 0 && i < ECHO_CONNS; i++) {
                if (conns[i].fd < 0) {
                    memset(&conns[i], 0, sizeof(conns[i]) - sizeof(conns[i].buf));
                    conns[i].fd = fd;
                    fd = -1;
                    board_printf("tcp echo: connection %lu accepted\n",
                                 (unsigned long)++tcp_conns_total);
                }
            }
        }
        if (cl.state == CL_IDLE && board_now_us() >= cl.next_try)
            client_start();
        else if (cl.fd >= 0)
            client_step(pf[2].revents);
        for (unsigned i = 0; i < ECHO_CONNS; i++)
            if (conns[i].fd >= 0)
                conn_step(&conns[i], pf[3 + i].revents);
    }
}
