/* services.c — `berth host`: a berth host on a TAP/TUN device with built-in
 * services, run from one thread's berth_poll loop until SIGINT/SIGTERM.
 *
 *   echo (RFC 862)     UDP: every datagram goes back to its sender
 *   discard (RFC 863)  UDP: datagrams are counted (and hashed) and dropped
 *   http               TCP: a status page (sockets and counters)
 *
 * TCP is not in berth yet: asking for a TCP service explicitly (http,
 * echo:7/tcp) prints "needs TCP (not built yet)" and exits with status 3;
 * echo and discard without a protocol serve UDP only until then. The TCP
 * side plugs in at tcp_service_open() (a listener in the poll set, then one
 * poll entry per connection) and the status page is already rendered by
 * render_status().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth/arp.h"
#include "berth/socket.h"
#include "berth/sysctl.h"
#include "berth/tap.h"
#include "berth_tool.h"
#include "sha256.h"

/* Flip when berth has TCP sockets that can listen and accept. */
#define HOST_HAVE_TCP 0

enum svc_kind { SVC_ECHO, SVC_DISCARD, SVC_HTTP };
static const char *const svc_names[] = {"echo", "discard", "http"};

struct service {
    enum svc_kind kind;
    int proto; /* IPPROTO_UDP or IPPROTO_TCP */
    uint16_t port;
    int fd;
    uint64_t datagrams, bytes, replies, send_errors, loops_refused;
    int last_error;
    struct sha256 sha; /* discard: of everything received, in order */
    FILE *save;        /* discard: --save-discard */
};

#define MAX_SERVICES 16

struct host_cmd {
    struct host h;
    struct service svc[MAX_SERVICES];
    int nsvc;
    const char *save_discard, *status_file;
    uint64_t rcvbuf;
};

void usage_host(FILE *f)
{
    fprintf(f, "usage: berth host --tap NAME --addr A.B.C.D/LEN [options]\n"
               "\n"
               "Run a berth host on an existing TAP (or TUN) device until SIGINT/SIGTERM.\n"
               "\n"
               "  --serve SERVICE:PORT[/udp|/tcp]   start a service (repeatable):\n"
               "        echo:PORT     RFC 862 echo (UDP; TCP once berth has TCP)\n"
               "        discard:PORT  RFC 863 discard (UDP; TCP once berth has TCP)\n"
               "        http:PORT     status page of sockets and counters (needs TCP)\n"
               "  --save-discard FILE   append every datagram the discard service gets to FILE\n"
               "  --status-file FILE    write the status page (HTML) to FILE at exit\n"
               "  --rcvbuf BYTES        receive buffer of the service sockets\n"
               "\n");
    usage_common(f);
}

static int parse_service(struct host_cmd *c, const char *spec)
{
    char name[16], proto[8] = "";
    unsigned port = 0;
    int pos = -1;
    bool ok = sscanf(spec, "%15[a-z]:%u%n", name, &port, &pos) == 2 && pos > 0 &&
              spec[strlen(name) + 1] >= '0' && spec[strlen(name) + 1] <= '9';
    if (ok && spec[pos] == '/' && spec[pos + 1] && strlen(spec + pos + 1) < sizeof(proto))
        strcpy(proto, spec + pos + 1);
    else if (ok && spec[pos])
        ok = false;
    if (!ok || port == 0 || port > 65535) {
        fprintf(stderr, "berth: bad service '%s': expected NAME:PORT[/udp|/tcp], like echo:7\n",
                spec);
        return EXIT_USAGE;
    }
    int kind = -1;
    for (int k = 0; k < 3; k++)
        if (!strcmp(name, svc_names[k]))
            kind = k;
    if (kind < 0) {
        fprintf(stderr, "berth: unknown service '%s' (echo, discard or http)\n", name);
        return EXIT_USAGE;
    }
    bool udp = kind != SVC_HTTP, tcp = true;
    if (*proto) {
        if (!strcmp(proto, "udp"))
            tcp = false;
        else if (!strcmp(proto, "tcp"))
            udp = false;
        else {
            fprintf(stderr, "berth: bad protocol '%s' in '%s' (udp or tcp)\n", proto, spec);
            return EXIT_USAGE;
        }
        if (udp && kind == SVC_HTTP) {
            fprintf(stderr, "berth: http runs over TCP only\n");
            return EXIT_USAGE;
        }
    }
    if (tcp && !HOST_HAVE_TCP) {
        if (*proto || kind == SVC_HTTP) {
            fprintf(stderr, "berth: %s: needs TCP (not built yet)\n", spec);
            return EXIT_UNAVAILABLE;
        }
        tcp = false; /* echo:7 means UDP (and TCP, once there is TCP) */
    }
    for (int p = 0; p < 2; p++) {
        if (!(p ? tcp : udp))
            continue;
        if (c->nsvc == MAX_SERVICES) {
            fprintf(stderr, "berth: at most %d services\n", MAX_SERVICES);
            return EXIT_USAGE;
        }
        struct service *s = &c->svc[c->nsvc++];
        memset(s, 0, sizeof(*s));
        s->kind = (enum svc_kind)kind;
        s->proto = p ? IPPROTO_TCP : IPPROTO_UDP;
        s->port = (uint16_t)port;
        s->fd = -1;
        sha256_init(&s->sha);
    }
    return 0;
}

static int tcp_service_open(struct host_cmd *c, struct service *s)
{
    (void)c;
    fprintf(stderr, "berth: %s:%u/tcp: needs TCP (not built yet)\n", svc_names[s->kind], s->port);
    return EXIT_UNAVAILABLE;
}

static int service_open(struct host_cmd *c, struct service *s)
{
    berth_stack *st = c->h.st;
    if (s->proto == IPPROTO_TCP)
        return tcp_service_open(c, s);
    s->fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    if (s->fd < 0) {
        fprintf(stderr, "berth: socket: %s\n", strerror(errno));
        return EXIT_FAIL;
    }
    if (c->rcvbuf) {
        int v = (int)c->rcvbuf;
        berth_setsockopt(st, s->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(s->port)};
    if (berth_bind(st, s->fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        fprintf(stderr, "berth: %s:%u/udp: bind: %s\n", svc_names[s->kind], s->port,
                strerror(errno));
        return EXIT_FAIL;
    }
    if (s->kind == SVC_DISCARD && c->save_discard && !s->save) {
        if (!(s->save = fopen(c->save_discard, "wb"))) {
            fprintf(stderr, "berth: cannot write %s: %s\n", c->save_discard, strerror(errno));
            return EXIT_FAIL;
        }
    }
    return 0;
}

/* inetd's loop check: never answer the well-known UDP services that answer
 * back (echo, daytime, chargen, time), or two of them chat forever. */
static bool loop_port(uint16_t port) { return port == 7 || port == 13 || port == 19 || port == 37; }

static void udp_readable(struct host_cmd *c, struct service *s)
{
    static uint8_t buf[65536];
    berth_stack *st = c->h.st;
    for (;;) {
        struct sockaddr_in from;
        socklen_t flen = sizeof(from);
        ssize_t n = berth_recvfrom(st, s->fd, buf, sizeof(buf), MSG_DONTWAIT,
                                   (struct sockaddr *)&from, &flen);
        if (n < 0) {
            if (errno != EAGAIN)
                s->last_error = errno; /* e.g. a pending ICMP error */
            if (errno == EAGAIN)
                return;
            continue;
        }
        s->datagrams++;
        s->bytes += (uint64_t)n;
        if (s->kind == SVC_DISCARD) {
            sha256_update(&s->sha, buf, (size_t)n);
            if (s->save && fwrite(buf, 1, (size_t)n, s->save) != (size_t)n) {
                fprintf(stderr, "berth: writing %s failed; no longer saving\n", c->save_discard);
                fclose(s->save);
                s->save = NULL;
            }
            continue;
        }
        if (loop_port(ntohs(from.sin_port))) {
            s->loops_refused++;
            continue;
        }
        if (berth_sendto(st, s->fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen) < 0) {
            s->send_errors++;
            s->last_error = errno;
        } else {
            s->replies++;
        }
    }
}

static void snmp_row(void *arg, const char *group, const char *name, uint64_t value)
{
    FILE *f = arg;
    fprintf(f, "<tr><td>%s%s</td><td>%llu</td></tr>\n", group, name, (unsigned long long)value);
}

/* The http service's page: plain HTML, like `ss -tuna` and `nstat -a`. */
static void render_status(struct host_cmd *c, FILE *f)
{
    struct host *h = &c->h;
    uint8_t mac[6] = {0};
    berth_netif_hwaddr(h->ifp, mac);
    fprintf(f, "<!DOCTYPE html>\n<html><head><title>berth host</title></head><body>\n");
    fprintf(f, "<h1>berth host on %s</h1>\n", h->o.dev);
    fprintf(f, "<p>interface %s mtu %u lladdr %02x:%02x:%02x:%02x:%02x:%02x",
            berth_netif_name(h->ifp), berth_netif_mtu(h->ifp), mac[0], mac[1], mac[2], mac[3],
            mac[4], mac[5]);
    for (int i = 0; i < h->o.naddrs; i++)
        fprintf(f, " inet %s", h->o.addrs[i].text);
    fprintf(f, "</p>\n<h2>Sockets</h2>\n<table border=1>\n"
               "<tr><th>Netid</th><th>State</th><th>Local Address:Port</th>"
               "<th>Datagrams</th><th>Bytes</th></tr>\n");
    for (int i = 0; i < c->nsvc; i++) {
        struct service *s = &c->svc[i];
        if (s->fd < 0)
            continue;
        fprintf(
            f,
            "<tr><td>%s</td><td>%s</td><td>0.0.0.0:%u (%s)</td><td>%llu</td><td>%llu</td></tr>\n",
            s->proto == IPPROTO_UDP ? "udp" : "tcp", s->proto == IPPROTO_UDP ? "UNCONN" : "LISTEN",
            s->port, svc_names[s->kind], (unsigned long long)s->datagrams,
            (unsigned long long)s->bytes);
    }
    fprintf(f, "</table>\n<h2>Neighbours</h2>\n<table border=1>\n"
               "<tr><th>Address</th><th>lladdr</th><th>State</th></tr>\n");
    struct berth_neigh nb[64];
    long n = berth_arp_list(h->ifp, nb, 64);
    for (long i = 0; i < n && i < 64; i++) {
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &nb[i].addr, a, sizeof(a));
        fprintf(f, "<tr><td>%s</td><td>%02x:%02x:%02x:%02x:%02x:%02x</td><td>%s</td></tr>\n", a,
                nb[i].hwaddr[0], nb[i].hwaddr[1], nb[i].hwaddr[2], nb[i].hwaddr[3], nb[i].hwaddr[4],
                nb[i].hwaddr[5], berth_nud_state_name(nb[i].state));
    }
    fprintf(f, "</table>\n<h2>Counters</h2>\n<table border=1>\n");
    berth_snmp_foreach(h->st, snmp_row, f);
    fprintf(f, "</table>\n</body></html>\n");
}

static void report(struct host_cmd *c, FILE *f)
{
    for (int i = 0; i < c->nsvc; i++) {
        struct service *s = &c->svc[i];
        if (s->fd < 0)
            continue;
        fprintf(f, "%s:%u/%s: %llu datagrams, %llu bytes", svc_names[s->kind], s->port,
                s->proto == IPPROTO_UDP ? "udp" : "tcp", (unsigned long long)s->datagrams,
                (unsigned long long)s->bytes);
        if (s->kind == SVC_ECHO)
            fprintf(f, ", %llu replies, %llu send errors, %llu loops refused",
                    (unsigned long long)s->replies, (unsigned long long)s->send_errors,
                    (unsigned long long)s->loops_refused);
        if (s->kind == SVC_DISCARD) {
            uint8_t d[32];
            char hex[65];
            struct sha256 copy = s->sha;
            sha256_final(&copy, d);
            sha256_hex(d, hex);
            fprintf(f, ", sha256 %s", hex);
        }
        if (s->last_error)
            fprintf(f, ", last error %s", errno_name(s->last_error));
        fprintf(f, "\n");
    }
}

int cmd_host(int argc, char **argv)
{
    static struct host_cmd c; /* static: the signal thread points into it */
    memset(&c, 0, sizeof(c));
    host_opts_init(&c.h.o);
    int rc = 0;
    for (int i = 0; i < argc; i++) {
        int r = host_opt(&c.h.o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_host(stdout);
            return 0;
        }
        if (i + 1 >= argc && (!strcmp(a, "--serve") || !strcmp(a, "--save-discard") ||
                              !strcmp(a, "--status-file") || !strcmp(a, "--rcvbuf"))) {
            fprintf(stderr, "berth: %s needs a value (berth host --help)\n", a);
            return EXIT_USAGE;
        }
        if (!strcmp(a, "--serve")) {
            if ((rc = parse_service(&c, argv[++i])) != 0)
                return rc;
        } else if (!strcmp(a, "--save-discard")) {
            c.save_discard = argv[++i];
        } else if (!strcmp(a, "--status-file")) {
            c.status_file = argv[++i];
        } else if (!strcmp(a, "--rcvbuf")) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(argv[++i], &end, 0);
            if (errno || *end || !v || v > (1u << 30)) {
                fprintf(stderr,
                        "berth: bad value '%s' for --rcvbuf: expected bytes (up to 1 GiB)\n",
                        argv[i]);
                return EXIT_USAGE;
            }
            c.rcvbuf = v;
        } else {
            fprintf(stderr, "berth host: unknown option '%s' (berth host --help)\n", a);
            return EXIT_USAGE;
        }
    }
    if ((rc = host_opts_check(&c.h.o)) != 0)
        return rc;
    if ((rc = host_start(&c.h)) != 0)
        goto out;
    if (c.rcvbuf) {
        char v[32];
        snprintf(v, sizeof(v), "%llu", (unsigned long long)c.rcvbuf);
        berth_sysctl_set(c.h.st, "net.core.rmem_max", v);
    }
    for (int i = 0; i < c.nsvc; i++)
        if ((rc = service_open(&c, &c.svc[i])) != 0)
            goto out;

    uint8_t mac[6] = {0};
    bool ether = berth_netif_hwaddr(c.h.ifp, mac) == 0;
    printf("berth host: %s %s", c.h.o.tun ? "tun" : "tap", c.h.o.dev);
    if (ether)
        printf(" lladdr %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
               mac[5]);
    for (int i = 0; i < c.h.o.naddrs; i++)
        printf(" inet %s", c.h.o.addrs[i].text);
    printf(" mtu %u;", berth_netif_mtu(c.h.ifp));
    for (int i = 0; i < c.nsvc; i++)
        printf(" %s:%u/%s", svc_names[c.svc[i].kind], c.svc[i].port,
               c.svc[i].proto == IPPROTO_UDP ? "udp" : "tcp");
    printf("%s\nready\n", c.nsvc ? "" : " no services");
    fflush(stdout);

    struct pollfd pfd[MAX_SERVICES + 1];
    for (;;) {
        nfds_t n = 0;
        pfd[n++] = (struct pollfd){.fd = c.h.ctl_fd, .events = POLLIN};
        for (int i = 0; i < c.nsvc; i++)
            pfd[n++] = (struct pollfd){.fd = c.svc[i].fd, .events = POLLIN};
        int r = berth_poll(c.h.st, pfd, n, -1);
        if (c.h.stop)
            break;
        if (r < 0) {
            fprintf(stderr, "berth: poll: %s\n", strerror(errno));
            rc = EXIT_FAIL;
            break;
        }
        for (int i = 0; i < c.nsvc; i++)
            if (pfd[i + 1].revents & (POLLIN | POLLERR))
                udp_readable(&c, &c.svc[i]);
    }
    if (!c.h.o.quiet) {
        printf("berth host: %s, stopping\n", c.h.stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        report(&c, stdout);
        host_print_stats(&c.h, stdout);
    }
    if (c.status_file) {
        FILE *f = fopen(c.status_file, "w");
        if (f) {
            render_status(&c, f);
            fclose(f);
        } else {
            fprintf(stderr, "berth: cannot write %s: %s\n", c.status_file, strerror(errno));
        }
    }
out:
    for (int i = 0; i < c.nsvc; i++)
        if (c.svc[i].save)
            fclose(c.svc[i].save);
    host_stop(&c.h);
    fflush(stdout);
    return rc;
}
