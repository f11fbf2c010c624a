/* services.c — `berth host`: a berth host on a TAP/TUN device with built-in
 * services, run from one thread's berth_poll loop until SIGINT/SIGTERM.
 *
 *   echo (RFC 862)     UDP: every datagram goes back to its sender
 *                      TCP: every byte goes back, until the client closes
 *   discard (RFC 863)  UDP and TCP: counted, hashed (sha256) and dropped
 *   http               TCP: a status page (sockets and counters), GET only
 *
 * One thread, one poll set: the control socket, the service sockets (UDP
 * sockets and TCP listeners), then one entry per TCP connection. Every
 * socket is non-blocking; a connection asks for POLLIN only while it has
 * room in its buffer and for POLLOUT only while it has something to send,
 * so the loop sleeps in berth_poll whenever nothing can progress. Each
 * connection's buffer is bounded (--conn-buffer) and so is their number
 * (--max-conns: listeners leave new connections in the accept queue while
 * the table is full). A connection gets a bounded amount of work per wake
 * so a fast one cannot starve the others.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <time.h>

#include "berth/arp.h"
#if BERTH_WITH_IPV6
#include "berth/nd6.h"
#endif
#include "berth/socket.h"
#include "berth/sysctl.h"
#include "berth/tap.h"
#include "berth_tool.h"
#include "sha256.h"

enum svc_kind { SVC_ECHO, SVC_DISCARD, SVC_HTTP };
static const char *const svc_names[] = {"echo", "discard", "http"};

struct service {
    enum svc_kind kind;
    int proto; /* IPPROTO_UDP or IPPROTO_TCP */
    uint16_t port;
    int fd;
    /* UDP */
    uint64_t datagrams, bytes, replies, send_errors, loops_refused;
    int last_error;
    struct sha256 sha; /* UDP discard: of everything received, in order */
    FILE *save;        /* discard: --save-discard */
    /* TCP */
    uint64_t conns, conns_open, bytes_in, bytes_out, resets, aborted, accept_errors;
    uint64_t accept_pause_us; /* after an accept error (EMFILE, ENOMEM...): not polled until then */
    uint64_t http_status[6];  /* requests answered, by status class: 1xx..5xx (index 1..5) */
    bool have_last_sha;
    char last_sha[65]; /* TCP discard/echo: sha256 of the last connection's bytes in */
};

/* A TCP connection of a service. */
enum conn_phase {
    CP_DATA,    /* echo/discard: moving bytes; http: reading the request */
    CP_RESPOND, /* http: sending the response */
    CP_DRAIN,   /* http: response sent, FIN sent; reading until the client's FIN */
};

struct conn {
    int fd;
    struct service *svc;
    struct sockaddr_storage peer; /* IPv4, or IPv6 (v4-mapped for IPv4 on [::]) */
    enum conn_phase phase;
    uint8_t *buf; /* echo: ring of cap bytes; http: the request */
    size_t cap, off, len;
    char *resp; /* http: the response */
    size_t resp_len, resp_off;
    bool eof; /* the client's FIN was read */
    uint64_t in, out;
    uint64_t opened_us, deadline_us; /* deadline: http only (0: none) */
    struct sha256 sha;               /* bytes in */
};

#define MAX_SERVICES 16
#define HTTP_REQ_MAX 8192
#define HTTP_TIMEOUT_US 10000000u   /* to receive a whole request */
#define HTTP_DRAIN_US 2000000u      /* to see the client's FIN after the response */
#define ACCEPT_PAUSE_US 100000u     /* listener rest after an accept error */
#define WORK_PER_WAKE (256u * 1024) /* bytes one connection moves per wake */
#define PAGE_MAX_CONNS 256          /* connection rows on the status page */

struct host_cmd {
    struct host h;
    struct service svc[MAX_SERVICES];
    int nsvc;
    const char *save_discard, *status_file;
    uint64_t rcvbuf;
    struct conn *conns; /* [0, nconns) in use, dense */
    int nconns, max_conns;
    size_t conn_buffer;
    int backlog;
    bool log_conns;
};

void usage_host(FILE *f)
{
    fprintf(f, "usage: berth host --tap NAME --addr A.B.C.D/LEN [options]\n"
               "\n"
               "Run a berth host on an existing TAP (or TUN) device until SIGINT/SIGTERM.\n"
               "--addr is repeatable and takes either family (--addr 2001:db8::2/64); with an\n"
               "IPv6 address the services listen on [::] and serve both families.\n"
               "\n"
               "  --serve SERVICE:PORT[/udp|/tcp]   start a service (repeatable):\n"
               "        echo:PORT     RFC 862 echo, UDP and TCP\n"
               "        discard:PORT  RFC 863 discard, UDP and TCP (sha256 of what came in)\n"
               "        http:PORT     HTTP/1.1 status page of sockets and counters (TCP)\n"
               "  --save-discard FILE   write every byte the discard service gets to FILE\n"
               "  --status-file FILE    write the status page (HTML) to FILE at exit\n"
               "  --rcvbuf BYTES        receive buffer of the service sockets (TCP: fixed,\n"
               "                        no autotuning)\n"
               "  --max-conns N         TCP connections served at once (default 1000); more\n"
               "                        wait in the listen queue\n"
               "  --conn-buffer BYTES   echo buffer per TCP connection (default 65536)\n"
               "  --backlog N           listen(2) backlog (default 511)\n"
               "  --log-conns           a line per TCP connection when it ends\n"
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
            tcp = false, udp = true;
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

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *proto_name(const struct service *s)
{
    return s->proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* The port of an IPv4 or IPv6 socket address. */
static uint16_t sa_port(const struct sockaddr_storage *a)
{
    return ntohs(a->ss_family == AF_INET6
                     ? ((const struct sockaddr_in6 *)(const void *)a)->sin6_port
                     : ((const struct sockaddr_in *)(const void *)a)->sin_port);
}

/* A service socket. With an IPv6 address on the interface it is one
 * dual-stack socket on [::] (IPV6_V6ONLY off, as Linux's default
 * bindv6only=0): IPv6 clients natively, IPv4 ones as ::ffff:a.b.c.d, the
 * way a modern server listens. Without one it is AF_INET on 0.0.0.0. */
static int service_open(struct host_cmd *c, struct service *s)
{
    berth_stack *st = c->h.st;
    bool tcp = s->proto == IPPROTO_TCP;
    bool v6 = c->h.o.naddrs6 > 0;
    s->fd = berth_socket(st, v6 ? AF_INET6 : AF_INET,
                         (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK, 0);
    if (s->fd < 0) {
        fprintf(stderr, "berth: socket: %s\n", strerror(errno));
        return EXIT_FAIL;
    }
    int one = 1, zero = 0;
    if (tcp)
        berth_setsockopt(st, s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (v6 && berth_setsockopt(st, s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) != 0) {
        fprintf(stderr, "berth: %s:%u/%s: IPV6_V6ONLY: %s\n", svc_names[s->kind], s->port,
                proto_name(s), strerror(errno));
        return EXIT_FAIL;
    }
    if (c->rcvbuf) {
        int v = (int)c->rcvbuf;
        berth_setsockopt(st, s->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(s->port)};
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(s->port)};
    if ((v6 ? berth_bind(st, s->fd, (struct sockaddr *)&a6, sizeof(a6))
            : berth_bind(st, s->fd, (struct sockaddr *)&a, sizeof(a))) != 0) {
        fprintf(stderr, "berth: %s:%u/%s: bind: %s\n", svc_names[s->kind], s->port, proto_name(s),
                strerror(errno));
        return EXIT_FAIL;
    }
    if (tcp && berth_listen(st, s->fd, c->backlog) != 0) {
        fprintf(stderr, "berth: %s:%u/tcp: listen: %s (%s)\n", svc_names[s->kind], s->port,
                strerror(errno), errno_name(errno));
        return EXIT_FAIL;
    }
    if (s->kind == SVC_DISCARD && c->save_discard && !s->save) {
        /* UDP and TCP discard on one port share the file. */
        for (int i = 0; i < c->nsvc; i++)
            if (&c->svc[i] != s && c->svc[i].kind == SVC_DISCARD && c->svc[i].save &&
                c->svc[i].port == s->port)
                return 0;
        if (!(s->save = fopen(c->save_discard, "wb"))) {
            fprintf(stderr, "berth: cannot write %s: %s\n", c->save_discard, strerror(errno));
            return EXIT_FAIL;
        }
    }
    return 0;
}

/* The FILE --save-discard writes for this discard service (maybe its UDP
 * or TCP twin's). */
static FILE **save_of(struct host_cmd *c, struct service *s)
{
    if (s->save)
        return &s->save;
    for (int i = 0; i < c->nsvc; i++)
        if (c->svc[i].kind == SVC_DISCARD && c->svc[i].port == s->port && c->svc[i].save)
            return &c->svc[i].save;
    return NULL;
}

static void save_bytes(struct host_cmd *c, struct service *s, const void *p, size_t n)
{
    FILE **f = save_of(c, s);
    if (f && *f && fwrite(p, 1, n, *f) != n) {
        fprintf(stderr, "berth: writing %s failed; no longer saving\n", c->save_discard);
        fclose(*f);
        *f = NULL;
    }
}

/* inetd's loop check: never answer the well-known UDP services that answer
 * back (echo, daytime, chargen, time), or two of them chat forever. */
static bool loop_port(uint16_t port) { return port == 7 || port == 13 || port == 19 || port == 37; }

static void udp_readable(struct host_cmd *c, struct service *s)
{
    static uint8_t buf[65536];
    berth_stack *st = c->h.st;
    for (;;) {
        struct sockaddr_storage from;
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
            save_bytes(c, s, buf, (size_t)n);
            continue;
        }
        if (loop_port(sa_port(&from))) {
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

/* ---- TCP connections ---- */

static void conn_close(struct host_cmd *c, int i, int err)
{
    struct conn *k = &c->conns[i];
    struct service *s = k->svc;
    berth_stack *st = c->h.st;
    if (err) {
        s->last_error = err;
        if (err == ECONNRESET || err == EPIPE)
            s->resets++;
        else
            s->aborted++;
    }
    if (s->kind != SVC_HTTP) {
        uint8_t d[32];
        sha256_final(&k->sha, d);
        sha256_hex(d, s->last_sha);
        s->have_last_sha = true;
    }
    if (c->log_conns) {
        char a[INET6_ADDRSTRLEN + 8];
        sockaddr_text((const struct sockaddr *)&k->peer, a, sizeof(a));
        double secs = (double)(mono_us() - k->opened_us) / 1e6;
        printf("%s:%u/tcp %s: closed after %.3f s, %llu bytes in (%.1f MB/s), %llu bytes out",
               svc_names[s->kind], s->port, a, secs, (unsigned long long)k->in,
               secs > 0 ? (double)k->in / secs / 1e6 : 0.0, (unsigned long long)k->out);
        if (s->kind != SVC_HTTP)
            printf(", sha256 %s", s->last_sha);
        if (err)
            printf(", %s", errno_name(err));
        printf("\n");
        fflush(stdout);
    }
    berth_close(st, k->fd);
    free(k->buf);
    free(k->resp);
    s->conns_open--;
    c->conns[i] = c->conns[--c->nconns];
}

static void tcp_accept(struct host_cmd *c, struct service *s)
{
    berth_stack *st = c->h.st;
    for (int n = 0; n < 64 && c->nconns < c->max_conns; n++) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof(peer);
        int fd = berth_accept4(st, s->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EAGAIN)
                return;
            if (errno == ECONNABORTED)
                continue;
            /* The connection stays queued and the listener readable:
             * polling it again at once would spin. Rest a while. */
            s->accept_errors++;
            s->last_error = errno;
            s->accept_pause_us = mono_us() + ACCEPT_PAUSE_US;
            return;
        }
        struct conn *k = &c->conns[c->nconns++];
        memset(k, 0, sizeof(*k));
        k->fd = fd;
        k->svc = s;
        k->peer = peer;
        k->opened_us = mono_us();
        sha256_init(&k->sha);
        if (s->kind == SVC_HTTP)
            k->deadline_us = k->opened_us + HTTP_TIMEOUT_US;
        s->conns++;
        s->conns_open++;
    }
}

/* recv into buf; returns bytes (> 0), 0 at the client's FIN, -1 EAGAIN,
 * or -2 - errno for an error. */
static ssize_t conn_recv(struct host_cmd *c, struct conn *k, void *buf, size_t len)
{
    ssize_t n = berth_recv(c->h.st, k->fd, buf, len, MSG_DONTWAIT);
    if (n > 0) {
        k->in += (uint64_t)n;
        k->svc->bytes_in += (uint64_t)n;
        return n;
    }
    if (n == 0)
        return 0;
    return errno == EAGAIN ? -1 : -2 - errno;
}

static ssize_t conn_send(struct host_cmd *c, struct conn *k, const void *buf, size_t len)
{
    ssize_t n = berth_send(c->h.st, k->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
        k->out += (uint64_t)n;
        k->svc->bytes_out += (uint64_t)n;
        return n;
    }
    return errno == EAGAIN ? -1 : -2 - errno;
}

/* echo: a ring buffer; read while there is room, send while there are
 * bytes; close once the client's FIN was read and everything went back.
 * Returns 0, or an errno value to close with (-1: close cleanly). */
static int echo_work(struct host_cmd *c, struct conn *k)
{
    if (!k->buf) {
        if (!(k->buf = malloc(c->conn_buffer)))
            return ENOMEM;
        k->cap = c->conn_buffer;
    }
    size_t moved = 0;
    bool progress = true;
    while (progress && moved < WORK_PER_WAKE) {
        progress = false;
        if (!k->eof && k->len < k->cap) {
            size_t start = (k->off + k->len) % k->cap;
            size_t room = start >= k->off ? k->cap - start : k->off - start;
            if (k->len == 0)
                k->off = start = 0, room = k->cap;
            ssize_t n = conn_recv(c, k, k->buf + start, room);
            if (n > 0) {
                sha256_update(&k->sha, k->buf + start, (size_t)n);
                k->len += (size_t)n;
                moved += (size_t)n;
                progress = true;
            } else if (n == 0) {
                k->eof = true;
            } else if (n < -1) {
                return (int)(-2 - n);
            }
        }
        if (k->len) {
            size_t seg = k->off + k->len <= k->cap ? k->len : k->cap - k->off;
            ssize_t n = conn_send(c, k, k->buf + k->off, seg);
            if (n > 0) {
                k->off = (k->off + (size_t)n) % k->cap;
                k->len -= (size_t)n;
                progress = true;
            } else if (n < -1) {
                return (int)(-2 - n);
            }
        }
    }
    return k->eof && !k->len ? -1 : 0;
}

static int discard_work(struct host_cmd *c, struct conn *k)
{
    static uint8_t buf[65536];
    size_t moved = 0;
    while (moved < WORK_PER_WAKE) {
        ssize_t n = conn_recv(c, k, buf, sizeof(buf));
        if (n == -1)
            return 0;
        if (n == 0)
            return -1;
        if (n < 0)
            return (int)(-2 - n);
        sha256_update(&k->sha, buf, (size_t)n);
        save_bytes(c, k->svc, buf, (size_t)n);
        moved += (size_t)n;
    }
    return 0;
}

static void render_status(struct host_cmd *c, FILE *f);

static const char *http_reason(int code)
{
    switch (code) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Internal Server Error";
    }
}

/* Build the response to the request in k->buf (code 0: parse it). */
static void http_respond(struct host_cmd *c, struct conn *k, int code)
{
    char method[16] = "", target[1024] = "", version[16] = "";
    if (!code) {
        /* request-line = method SP request-target SP HTTP-version */
        const char *req = (const char *)k->buf;
        int pos = 0;
        if (sscanf(req, "%15[!#$%&'*+.^_`|~0-9A-Za-z-] %1023[^ \r\n] %15[^ \r\n]%n", method, target,
                   version, &pos) != 3 ||
            (req[pos] != '\r' && req[pos] != '\n'))
            code = 400;
        else if (strncmp(version, "HTTP/", 5) || version[5] < '0' || version[5] > '9')
            code = 400;
        else if (strcmp(version, "HTTP/1.0") && strcmp(version, "HTTP/1.1"))
            code = 505;
        else if (strcmp(method, "GET"))
            code = 405;
        else {
            /* origin-form, or absolute-form (a proxy's request) */
            static char root[] = "/";
            char *path = target;
            if (!strncmp(path, "http://", 7)) {
                path = strchr(path + 7, '/');
                if (!path)
                    path = root;
            }
            path[strcspn(path, "?#")] = 0;
            code = !strcmp(path, "/") || !strcmp(path, "/index.html") || !strcmp(path, "/status")
                       ? 200
                       : 404;
        }
    }
    char *body = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&body, &blen);
    if (!f) {
        k->phase = CP_DRAIN;
        return;
    }
    const char *ctype = "text/html; charset=utf-8";
    if (code == 200) {
        render_status(c, f);
    } else {
        fprintf(f,
                "<!DOCTYPE html>\n<html><head><title>%d %s</title></head><body>\n"
                "<h1>%d %s</h1>\n<p>berth host serves its status page at <a href=\"/\">/</a>, "
                "GET only.</p>\n</body></html>\n",
                code, http_reason(code), code, http_reason(code));
    }
    fclose(f);
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    char *resp = NULL;
    size_t rlen = 0;
    f = open_memstream(&resp, &rlen);
    if (f) {
        fprintf(f,
                "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: berth/0.1.0\r\nContent-Type: %s\r\n"
                "Content-Length: %zu\r\nCache-Control: no-store\r\n%sConnection: close\r\n\r\n",
                code, http_reason(code), date, ctype, blen, code == 405 ? "Allow: GET\r\n" : "");
        fwrite(body, 1, blen, f);
        fclose(f);
    }
    free(body);
    k->svc->http_status[code / 100 <= 5 ? code / 100 : 5]++;
    k->resp = resp;
    k->resp_len = resp ? rlen : 0;
    k->resp_off = 0;
    k->phase = CP_RESPOND;
    k->deadline_us = mono_us() + HTTP_TIMEOUT_US;
}

/* http: read the request (one, up to HTTP_REQ_MAX bytes of head), answer
 * it, send FIN, then read and drop until the client's FIN so that closing
 * with unread data does not reset the answer away. */
static int http_work(struct host_cmd *c, struct conn *k)
{
    if (k->phase == CP_DATA) {
        if (!k->buf) {
            if (!(k->buf = malloc(HTTP_REQ_MAX + 1)))
                return ENOMEM;
            k->cap = HTTP_REQ_MAX;
        }
        for (;;) {
            if (k->len == k->cap) {
                http_respond(c, k, 431);
                break;
            }
            ssize_t n = conn_recv(c, k, k->buf + k->len, k->cap - k->len);
            if (n == -1)
                return 0;
            if (n < -1)
                return (int)(-2 - n);
            if (n == 0) { /* FIN before a whole request */
                k->eof = true;
                if (!k->len)
                    return -1;
                k->buf[k->len] = 0;
                http_respond(c, k, 400);
                break;
            }
            k->len += (size_t)n;
            k->buf[k->len] = 0;
            char *req = (char *)k->buf;
            while (*req == '\r' || *req == '\n') /* RFC 9112 2.2: ignore leading CRLFs */
                req++;
            if (req != (char *)k->buf) {
                k->len -= (size_t)(req - (char *)k->buf);
                memmove(k->buf, req, k->len + 1);
            }
            if (strstr((char *)k->buf, "\r\n\r\n") || strstr((char *)k->buf, "\n\n")) {
                http_respond(c, k, 0);
                break;
            }
        }
    }
    if (k->phase == CP_RESPOND) {
        while (k->resp_off < k->resp_len) {
            ssize_t n = conn_send(c, k, k->resp + k->resp_off, k->resp_len - k->resp_off);
            if (n == -1)
                return 0;
            if (n < -1)
                return (int)(-2 - n);
            k->resp_off += (size_t)n;
        }
        berth_shutdown(c->h.st, k->fd, SHUT_WR);
        k->phase = CP_DRAIN;
        k->deadline_us = mono_us() + HTTP_DRAIN_US;
    }
    /* CP_DRAIN */
    if (k->eof)
        return -1;
    uint8_t junk[4096];
    for (;;) {
        ssize_t n = conn_recv(c, k, junk, sizeof(junk));
        if (n == -1)
            return 0;
        if (n == 0)
            return -1;
        if (n < -1)
            return (int)(-2 - n);
    }
}

static short conn_events(const struct conn *k)
{
    switch (k->svc->kind) {
    case SVC_ECHO:
        return (short)((!k->eof && (!k->buf || k->len < k->cap) ? POLLIN : 0) |
                       (k->len ? POLLOUT : 0));
    case SVC_DISCARD:
        return POLLIN;
    case SVC_HTTP:
        return k->phase == CP_RESPOND ? POLLOUT : POLLIN;
    }
    return POLLIN;
}

/* One connection's turn. Returns 0 to keep it, else it was closed. */
static int conn_work(struct host_cmd *c, int i, short revents)
{
    struct conn *k = &c->conns[i];
    int r;
    switch (k->svc->kind) {
    case SVC_ECHO:
        r = echo_work(c, k);
        break;
    case SVC_DISCARD:
        r = discard_work(c, k);
        break;
    default:
        r = http_work(c, k);
    }
    if (!r && (revents & POLLERR)) {
        int e = 0;
        socklen_t el = sizeof(e);
        berth_getsockopt(c->h.st, k->fd, SOL_SOCKET, SO_ERROR, &e, &el);
        r = e ? e : 0;
    }
    if (!r && (revents & POLLHUP) && !(conn_events(k) & POLLIN)) {
        /* both directions are shut and we are waiting to send: give up */
        r = EPIPE;
    }
    if (r) {
        conn_close(c, i, r < 0 ? 0 : r);
        return 1;
    }
    return 0;
}

/* ---- the status page ---- */

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* ss's names for Linux's TCP states (tcpi_state). */
static const char *tcp_state_name(int s)
{
    static const char *const names[] = {"UNKNOWN",    "ESTAB",      "SYN-SENT",  "SYN-RECV",
                                        "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN",
                                        "CLOSE-WAIT", "LAST-ACK",   "LISTEN",    "CLOSING"};
    return s >= 0 && s < (int)(sizeof(names) / sizeof(names[0])) ? names[s] : "UNKNOWN";
}

/* One row of the socket table, like a line of `ss -tuna`. */
static void socket_row(struct host_cmd *c, FILE *f, int fd, const struct service *s,
                       const struct conn *k)
{
    berth_stack *st = c->h.st;
    bool tcp = s->proto == IPPROTO_TCP;
    const char *state = "UNCONN";
    long recvq = 0, sendq = 0;
    struct tcp_info ti;
    memset(&ti, 0, sizeof(ti));
    if (tcp) {
        socklen_t tl = sizeof(ti);
        if (berth_getsockopt(st, fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0)
            state = tcp_state_name(ti.tcpi_state);
        if (!k) { /* a listener: accept queue now, and its bound (as ss) */
            recvq = ti.tcpi_unacked;
            sendq = ti.tcpi_sacked;
        }
    }
    if (!tcp || k) {
        int v = 0;
        if (berth_ioctl(st, fd, SIOCINQ, &v) == 0)
            recvq = v;
        v = 0;
        if (berth_ioctl(st, fd, SIOCOUTQ, &v) == 0)
            sendq = v;
    }
    struct sockaddr_storage la, pa;
    memset(&la, 0, sizeof(la));
    memset(&pa, 0, sizeof(pa));
    socklen_t len = sizeof(la);
    berth_getsockname(st, fd, (struct sockaddr *)&la, &len);
    len = sizeof(pa);
    if (berth_getpeername(st, fd, (struct sockaddr *)&pa, &len) != 0) {
        memset(&pa, 0, sizeof(pa));
        pa.ss_family = la.ss_family; /* no peer: *:* in the socket's family */
    }
    char ls[INET6_ADDRSTRLEN + 8], ps[INET6_ADDRSTRLEN + 8];
    sockaddr_text((const struct sockaddr *)&la, ls, sizeof(ls));
    sockaddr_text((const struct sockaddr *)&pa, ps, sizeof(ps));
    fprintf(f,
            "<tr><td>%s</td><td>%s</td><td>%ld</td><td>%ld</td><td>%s</td><td>%s</td>"
            "<td>%s:%u</td>",
            tcp ? "tcp" : "udp", state, recvq, sendq, ls, ps, svc_names[s->kind], s->port);
    if (k)
        fprintf(f, "<td>%llu</td><td>%llu</td><td>%.1f</td><td>%.3f / %.3f</td></tr>\n",
                (unsigned long long)k->in, (unsigned long long)k->out,
                (double)(mono_us() - k->opened_us) / 1e6, ti.tcpi_rtt / 1000.0,
                ti.tcpi_rttvar / 1000.0);
    else if (tcp)
        fprintf(f, "<td>%llu</td><td>%llu</td><td></td><td>%llu connections</td></tr>\n",
                (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out,
                (unsigned long long)s->conns);
    else
        fprintf(f, "<td>%llu</td><td>%llu</td><td></td><td>%llu datagrams</td></tr>\n",
                (unsigned long long)s->bytes,
                (unsigned long long)(s->kind == SVC_ECHO ? s->bytes : 0),
                (unsigned long long)s->datagrams);
}

static void snmp_row(void *arg, const char *group, const char *name, uint64_t value)
{
    FILE *f = arg;
    if (value) /* as nstat: the non-zero ones */
        fprintf(f, "<tr><td>%s%s</td><td>%llu</td></tr>\n", group, name, (unsigned long long)value);
}

/* The http service's page: plain HTML, like `ss -tuna` and `nstat -a`. */
static void render_status(struct host_cmd *c, FILE *f)
{
    struct host *h = &c->h;
    uint8_t mac[6] = {0};
    bool ether = berth_netif_hwaddr(h->ifp, mac) == 0;
    fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
               "<title>berth host</title></head><body>\n");
    fprintf(f, "<h1>berth host on ");
    html_text(f, h->o.dev);
    fprintf(f, "</h1>\n<p>interface ");
    html_text(f, berth_netif_name(h->ifp));
    fprintf(f, " mtu %u", berth_netif_mtu(h->ifp));
    if (ether)
        fprintf(f, " lladdr %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                mac[5]);
    for (int i = 0; i < h->o.naddrs; i++) {
        fprintf(f, " inet ");
        html_text(f, h->o.addrs[i].text);
    }
#if BERTH_WITH_IPV6
    /* What the interface has, as `ip -6 addr`: the configured addresses,
     * the link-local one from the MAC, SLAAC's, with DAD's flags. */
    struct berth_ifaddr6 a6[16];
    long na6 = berth_netif_addrs6(h->ifp, a6, 16);
    for (long i = 0; i < na6 && i < 16; i++) {
        char t[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a6[i].addr, t, sizeof(t));
        fprintf(f, " inet6 %s/%u%s%s%s", t, a6[i].prefixlen,
                a6[i].flags & BERTH_IFA_F_TENTATIVE ? " tentative" : "",
                a6[i].flags & BERTH_IFA_F_DADFAILED ? " dadfailed" : "",
                a6[i].flags & BERTH_IFA_F_DEPRECATED ? " deprecated" : "");
    }
#else
    for (int i = 0; i < h->o.naddrs6; i++) {
        fprintf(f, " inet6 ");
        html_text(f, h->o.addrs6[i].text);
    }
#endif
    struct berth_netif_stats ns;
    berth_netif_stats(h->ifp, &ns);
    fprintf(f,
            "<br>rx %llu packets %llu bytes, tx %llu packets %llu bytes, rx_errors %llu "
            "rx_dropped %llu tx_errors %llu tx_dropped %llu</p>\n",
            (unsigned long long)ns.rx_packets, (unsigned long long)ns.rx_bytes,
            (unsigned long long)ns.tx_packets, (unsigned long long)ns.tx_bytes,
            (unsigned long long)ns.rx_errors, (unsigned long long)ns.rx_dropped,
            (unsigned long long)ns.tx_errors, (unsigned long long)ns.tx_dropped);
    fprintf(f, "<h2>Sockets</h2>\n<table border=1>\n"
               "<tr><th>Netid</th><th>State</th><th>Recv-Q</th><th>Send-Q</th>"
               "<th>Local Address:Port</th><th>Peer Address:Port</th><th>Service</th>"
               "<th>Bytes in</th><th>Bytes out</th><th>Age (s)</th><th>RTT / var (ms)</th></tr>\n");
    for (int i = 0; i < c->nsvc; i++)
        if (c->svc[i].fd >= 0)
            socket_row(c, f, c->svc[i].fd, &c->svc[i], NULL);
    for (int i = 0; i < c->nconns && i < PAGE_MAX_CONNS; i++)
        socket_row(c, f, c->conns[i].fd, c->conns[i].svc, &c->conns[i]);
    fprintf(f, "</table>\n");
    if (c->nconns > PAGE_MAX_CONNS)
        fprintf(f, "<p>... and %d more connections</p>\n", c->nconns - PAGE_MAX_CONNS);
    fprintf(f, "<p>Listeners: Recv-Q is the accept queue, Send-Q its bound. Connections closed "
               "by berth host and waiting in FIN-WAIT or TIME-WAIT are no longer its sockets "
               "and are not listed.</p>\n");
    fprintf(f, "<h2>Neighbours</h2>\n<table border=1>\n"
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
#if BERTH_WITH_IPV6
    struct berth_neigh6 nb6[64];
    long n6 = berth_nd6_list(h->ifp, nb6, 64);
    for (long i = 0; i < n6 && i < 64; i++) {
        char a[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &nb6[i].addr, a, sizeof(a));
        fprintf(f, "<tr><td>%s</td><td>%02x:%02x:%02x:%02x:%02x:%02x</td><td>%s%s</td></tr>\n", a,
                nb6[i].hwaddr[0], nb6[i].hwaddr[1], nb6[i].hwaddr[2], nb6[i].hwaddr[3],
                nb6[i].hwaddr[4], nb6[i].hwaddr[5], berth_nud_state_name(nb6[i].state),
                nb6[i].router ? " router" : "");
    }
#endif
    fprintf(f, "</table>\n<h2>Counters</h2>\n<p>Non-zero, as <code>nstat -a</code> prints "
               "them.</p>\n<table border=1>\n<tr><th>Counter</th><th>Value</th></tr>\n");
    berth_snmp_foreach(h->st, snmp_row, f);
    fprintf(f, "</table>\n</body></html>\n");
}

static void report(struct host_cmd *c, FILE *f)
{
    for (int i = 0; i < c->nsvc; i++) {
        struct service *s = &c->svc[i];
        if (s->fd < 0)
            continue;
        if (s->proto == IPPROTO_TCP) {
            fprintf(f, "%s:%u/tcp: %llu connections (%llu open), %llu bytes in, %llu bytes out",
                    svc_names[s->kind], s->port, (unsigned long long)s->conns,
                    (unsigned long long)s->conns_open, (unsigned long long)s->bytes_in,
                    (unsigned long long)s->bytes_out);
            if (s->kind == SVC_HTTP)
                fprintf(f, ", responses 2xx %llu 4xx %llu 5xx %llu",
                        (unsigned long long)s->http_status[2],
                        (unsigned long long)s->http_status[4],
                        (unsigned long long)s->http_status[5]);
            fprintf(f, ", %llu reset, %llu aborted", (unsigned long long)s->resets,
                    (unsigned long long)s->aborted);
            if (s->accept_errors)
                fprintf(f, ", %llu accept errors", (unsigned long long)s->accept_errors);
            if (s->have_last_sha)
                fprintf(f, ", last connection's sha256 %s", s->last_sha);
            if (s->last_error)
                fprintf(f, ", last error %s", errno_name(s->last_error));
            fprintf(f, "\n");
            continue;
        }
        fprintf(f, "%s:%u/udp: %llu datagrams, %llu bytes", svc_names[s->kind], s->port,
                (unsigned long long)s->datagrams, (unsigned long long)s->bytes);
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

static int parse_count(const char *opt, const char *v, unsigned long long min,
                       unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (errno || *end || end == v || *v == '-' || x < min || x > max) {
        fprintf(stderr, "berth: bad value '%s' for %s: expected a number from %llu to %llu\n", v,
                opt, min, max);
        return -1;
    }
    *out = x;
    return 0;
}

int cmd_host(int argc, char **argv)
{
    static struct host_cmd c; /* static: the signal thread points into it */
    memset(&c, 0, sizeof(c));
    host_opts_init(&c.h.o);
    c.max_conns = 1000;
    c.conn_buffer = 65536;
    c.backlog = 511;
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
        if (!strcmp(a, "--log-conns")) {
            c.log_conns = true;
            continue;
        }
        static const char *const valued[] = {"--serve",  "--save-discard", "--status-file",
                                             "--rcvbuf", "--max-conns",    "--conn-buffer",
                                             "--backlog"};
        const char *v;
        if (cmd_opt_value("host", valued, sizeof(valued) / sizeof(valued[0]), argc, argv, &i, &v))
            return EXIT_USAGE;
        unsigned long long x;
        if (!strcmp(a, "--serve")) {
            if ((rc = parse_service(&c, v)) != 0)
                return rc;
        } else if (!strcmp(a, "--save-discard")) {
            c.save_discard = v;
        } else if (!strcmp(a, "--status-file")) {
            c.status_file = v;
        } else if (!strcmp(a, "--rcvbuf")) {
            char *end;
            errno = 0;
            x = strtoull(v, &end, 0);
            if (errno || *end || !x || x > (1u << 30)) {
                fprintf(stderr,
                        "berth: bad value '%s' for --rcvbuf: expected bytes (up to 1 GiB)\n", v);
                return EXIT_USAGE;
            }
            c.rcvbuf = x;
        } else if (!strcmp(a, "--max-conns")) {
            if (parse_count(a, v, 1, 60000, &x))
                return EXIT_USAGE;
            c.max_conns = (int)x;
        } else if (!strcmp(a, "--conn-buffer")) {
            if (parse_count(a, v, 1, 64u << 20, &x))
                return EXIT_USAGE;
            c.conn_buffer = (size_t)x;
        } else if (!strcmp(a, "--backlog")) {
            if (parse_count(a, v, 1, 65535, &x))
                return EXIT_USAGE;
            c.backlog = (int)x;
        }
    }
    if ((rc = host_opts_check(&c.h.o)) != 0)
        return rc;
    /* Descriptors: the services, the control socket, the connections. */
    c.h.o.max_fds = (unsigned)(c.max_conns + MAX_SERVICES + 8);
    if (c.h.o.max_fds < 1024)
        c.h.o.max_fds = 1024;
    if (!(c.conns = calloc((size_t)c.max_conns, sizeof(*c.conns)))) {
        fprintf(stderr, "berth: out of memory\n");
        return EXIT_FAIL;
    }
    struct pollfd *pfd = calloc((size_t)(1 + MAX_SERVICES + c.max_conns), sizeof(*pfd));
    if (!pfd) {
        free(c.conns);
        fprintf(stderr, "berth: out of memory\n");
        return EXIT_FAIL;
    }
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
    for (int i = 0; i < c.h.o.naddrs6; i++)
        printf(" inet6 %s", c.h.o.addrs6[i].text);
    printf(" mtu %u;", berth_netif_mtu(c.h.ifp));
    for (int i = 0; i < c.nsvc; i++)
        printf(" %s:%u/%s", svc_names[c.svc[i].kind], c.svc[i].port, proto_name(&c.svc[i]));
    printf("%s\nready\n", c.nsvc ? "" : " no services");
    fflush(stdout);

    for (;;) {
        nfds_t n = 0;
        pfd[n++] = (struct pollfd){.fd = c.h.ctl_fd, .events = POLLIN};
        bool room = c.nconns < c.max_conns;
        uint64_t now = mono_us(), next = 0;
        for (int i = 0; i < c.nsvc; i++) {
            /* A full connection table: listeners are not polled; new
             * connections wait in their accept queues. */
            struct service *s = &c.svc[i];
            bool listen_wait = s->proto == IPPROTO_TCP && !room;
            if (s->accept_pause_us > now) {
                listen_wait = true;
                if (!next || s->accept_pause_us < next)
                    next = s->accept_pause_us;
            }
            pfd[n++] = (struct pollfd){.fd = listen_wait ? -1 : s->fd, .events = POLLIN};
        }
        for (int i = 0; i < c.nconns; i++) {
            pfd[n++] = (struct pollfd){.fd = c.conns[i].fd, .events = conn_events(&c.conns[i])};
            uint64_t d = c.conns[i].deadline_us;
            if (d && (!next || d < next))
                next = d;
        }
        int timeout = -1;
        if (next)
            timeout = next <= now ? 0 : (int)((next - now + 999) / 1000);
        int nconns = c.nconns; /* the entries polled */
        int r = berth_poll(c.h.st, pfd, n, timeout);
        if (c.h.stop)
            break;
        if (r < 0) {
            fprintf(stderr, "berth: poll: %s\n", strerror(errno));
            rc = EXIT_FAIL;
            break;
        }
        /* Connections first (closing one moves the last into its slot, so
         * walk down), then the services, which may add connections. */
        now = mono_us();
        for (int i = nconns - 1; i >= 0; i--) {
            short re = pfd[1 + c.nsvc + i].revents;
            if (re && conn_work(&c, i, re))
                continue;
            if (c.conns[i].deadline_us && c.conns[i].deadline_us <= now)
                conn_close(&c, i, c.conns[i].phase == CP_DRAIN ? 0 : ETIMEDOUT);
        }
        for (int i = 0; i < c.nsvc; i++) {
            struct service *s = &c.svc[i];
            if (!(pfd[i + 1].revents & (POLLIN | POLLERR)))
                continue;
            if (s->proto == IPPROTO_UDP)
                udp_readable(&c, s);
            else
                tcp_accept(&c, s);
        }
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
    if (c.nconns) {
        /* Close what is open (a FIN each, or a RST where the client's
         * bytes were not read), then give those FINs a moment to be
         * answered before the stack goes: the driver thread runs meanwhile. */
        while (c.nconns)
            conn_close(&c, c.nconns - 1, 0);
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 300000000};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
    for (int i = 0; i < c.nsvc; i++)
        if (c.svc[i].save)
            fclose(c.svc[i].save);
    host_stop(&c.h);
    free(c.conns);
    free(pfd);
    fflush(stdout);
    return rc;
}
