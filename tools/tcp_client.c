/* tcp_client.c — `berth tcp`: a berth host on a TAP/TUN device that opens
 * one TCP connection, sends a byte stream (pattern.h's stream_fill), reads
 * what comes back, and reports every error by its errno name
 * (ECONNREFUSED after the peer's RST, ETIMEDOUT after the SYN retries,
 * ECONNRESET...). The interop tests drive it against kernel listeners.
 *
 * One non-blocking socket in a berth_poll loop: POLLOUT while there is
 * something left to send, POLLIN always. After the last byte it shuts its
 * side down (unless --sink: then it waits for the peer to close first) and
 * reads until the peer's FIN. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "berth/socket.h"
#include "berth_tool.h"
#include "pattern.h"
#include "sha256.h"

#define CHUNK 65536

void usage_tcp(FILE *f)
{
    fprintf(f, "usage: berth tcp --tap NAME --addr A.B.C.D/LEN --to A.B.C.D:PORT [options]\n"
               "\n"
               "Open a TCP connection from a berth host, send a byte stream, read what comes\n"
               "back until the peer closes, and report errors by their errno names.\n"
               "\n"
               "  --to A.B.C.D:PORT     the peer (connect(2))\n"
               "  --bind PORT           local port (default: ephemeral)\n"
               "  --send-bytes N        send N bytes of a pattern stream (K, M, G: KiB, MiB,\n"
               "                        GiB; default 0), then shut down the sending side\n"
               "  --expect-echo         the peer must send back exactly what was sent\n"
               "  --sink                do not shut down the sending side before the peer\n"
               "                        closes (for peers that stop at our FIN); read all\n"
               "  --sha256              print the sha256 of what was sent and received\n"
               "  --connect-timeout S   give up connecting after S seconds (ETIMEDOUT);\n"
               "                        default: the stack's SYN retries decide\n"
               "  --syncnt N            TCP_SYNCNT: SYN retransmissions before ETIMEDOUT\n"
               "                        (Linux's default 6 takes 127 s; 1 takes 3 s)\n"
               "  --timeout S           fail if the transfer makes no progress for S seconds\n"
               "                        (default 30)\n"
               "  --expect-error NAME   succeed only if a call fails with NAME (ECONNREFUSED...)\n"
               "  --linger MS           wait before leaving (default 200)\n"
               "\n");
    usage_common(f);
}

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* "100M", "4096", "1.5G": bytes (binary suffixes). */
static int parse_size(const char *v, uint64_t *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || x < 0)
        return -1;
    double mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024.0 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024.0 * 1024 * 1024, end++;
    if (*end == 'i' && end[1] == 'B')
        end += 2;
    else if (*end == 'B')
        end++;
    if (*end || x * mul > 1e15)
        return -1;
    *out = (uint64_t)(x * mul + 0.5);
    return 0;
}

static int parse_seconds(const char *v, double max, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !(x > 0 && x <= max))
        return -1;
    *out = x;
    return 0;
}

static void addr_str(const struct sockaddr_in *a, char *out, size_t n)
{
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
    snprintf(out, n, "%s:%u", ip, ntohs(a->sin_port));
}

static void print_sha(const char *what, struct sha256 *s)
{
    uint8_t d[32];
    char hex[65];
    sha256_final(s, d);
    sha256_hex(d, hex);
    printf("%s sha256 %s\n", what, hex);
}

int cmd_tcp(int argc, char **argv)
{
    static struct host h;
    memset(&h, 0, sizeof(h));
    host_opts_init(&h.o);
    struct sockaddr_in to;
    bool have_to = false, expect_echo = false, sink = false, want_sha = false;
    uint64_t send_bytes = 0, bind_port = 0, linger_ms = 200, syncnt = 0;
    double connect_timeout = 0, idle_timeout = 30;
    int expect_error = 0;
    for (int i = 0; i < argc; i++) {
        int r = host_opt(&h.o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_tcp(stdout);
            return 0;
        }
        if (!strcmp(a, "--expect-echo")) {
            expect_echo = true;
            continue;
        }
        if (!strcmp(a, "--sink")) {
            sink = true;
            continue;
        }
        if (!strcmp(a, "--sha256")) {
            want_sha = true;
            continue;
        }
        static const char *const valued[] = {
            "--to",     "--bind",    "--send-bytes", "--connect-timeout",
            "--syncnt", "--timeout", "--linger",     "--expect-error"};
        const char *v;
        if (cmd_opt_value("tcp", valued, sizeof(valued) / sizeof(valued[0]), argc, argv, &i, &v))
            return EXIT_USAGE;
        const char *want = NULL;
        uint64_t x;
        if (!strcmp(a, "--to")) {
            if (parse_hostport(v, &to) || !to.sin_port)
                want = "A.B.C.D:PORT";
            have_to = true;
        } else if (!strcmp(a, "--bind")) {
            if (parse_size(v, &x) || !x || x > 65535 || strpbrk(v, "KkMmGgB."))
                want = "a port from 1 to 65535";
            bind_port = x;
        } else if (!strcmp(a, "--send-bytes")) {
            if (parse_size(v, &send_bytes))
                want = "a number of bytes, like 100M";
        } else if (!strcmp(a, "--connect-timeout")) {
            if (parse_seconds(v, 3600, &connect_timeout))
                want = "seconds, like 2 or 0.5";
        } else if (!strcmp(a, "--timeout")) {
            if (parse_seconds(v, 3600, &idle_timeout))
                want = "seconds, like 30";
        } else if (!strcmp(a, "--syncnt")) {
            if (parse_size(v, &syncnt) || !syncnt || syncnt > 127 || strpbrk(v, "KkMmGgB."))
                want = "a number from 1 to 127";
        } else if (!strcmp(a, "--linger")) {
            if (parse_size(v, &linger_ms) || linger_ms > 3600000 || strpbrk(v, "KkMmGgB."))
                want = "milliseconds";
        } else if (!strcmp(a, "--expect-error")) {
            if (!(expect_error = errno_from_name(v)))
                want = "an errno name, like ECONNREFUSED";
        }
        if (want) {
            fprintf(stderr, "berth: bad value '%s' for %s: expected %s\n", v, a, want);
            return EXIT_USAGE;
        }
    }
    int rc = host_opts_check(&h.o);
    if (rc)
        return rc;
    if (!have_to) {
        fprintf(stderr, "berth tcp: where to? --to A.B.C.D:PORT is required\n");
        return EXIT_USAGE;
    }
    if (expect_echo && sink) {
        fprintf(stderr, "berth tcp: --expect-echo or --sink, not both\n");
        return EXIT_USAGE;
    }
    if ((rc = host_start(&h)) != 0) {
        host_stop(&h);
        return rc;
    }
    berth_stack *st = h.st;
    char tos[32];
    addr_str(&to, tos, sizeof(tos));
    int seen_error = 0;
    uint8_t *buf = malloc(CHUNK), *rbuf = malloc(CHUNK), *cmp = malloc(CHUNK);
    int fd = berth_socket(st, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0 || !buf || !rbuf || !cmp) {
        fprintf(stderr, "berth: socket: %s\n", strerror(errno));
        rc = EXIT_FAIL;
        goto out;
    }
    int v = (int)syncnt;
    if (syncnt && berth_setsockopt(st, fd, IPPROTO_TCP, TCP_SYNCNT, &v, sizeof(v)) != 0) {
        fprintf(stderr, "berth: TCP_SYNCNT: %s\n", strerror(errno));
        rc = EXIT_FAIL;
        goto out;
    }
    if (bind_port) {
        struct sockaddr_in b = {.sin_family = AF_INET, .sin_port = htons((uint16_t)bind_port)};
        if (berth_bind(st, fd, (struct sockaddr *)&b, sizeof(b)) != 0) {
            int e = errno;
            printf("bind to port %llu: %s (%s)\n", (unsigned long long)bind_port, errno_name(e),
                   strerror(e));
            seen_error = e;
            rc = EXIT_FAIL;
            goto out;
        }
    }

    /* Connect. */
    uint64_t t0 = mono_us();
    int err = 0;
    if (berth_connect(st, fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
        err = errno;
        if (err == EINPROGRESS) {
            err = 0;
            uint64_t deadline = connect_timeout ? t0 + (uint64_t)(connect_timeout * 1e6) : 0;
            for (;;) {
                uint64_t now = mono_us();
                if (deadline && now >= deadline) {
                    printf("connect %s: ETIMEDOUT (no connection within --connect-timeout "
                           "%g s)\n",
                           tos, connect_timeout);
                    err = ETIMEDOUT;
                    break;
                }
                struct pollfd p = {.fd = fd, .events = POLLOUT};
                int r = berth_poll(st, &p, 1, deadline ? (int)((deadline - now + 999) / 1000) : -1);
                if (h.stop) {
                    err = EINTR;
                    break;
                }
                if (r > 0) {
                    socklen_t el = sizeof(err);
                    berth_getsockopt(st, fd, SOL_SOCKET, SO_ERROR, &err, &el);
                    if (err)
                        printf("connect %s: %s (%s) after %.3f s\n", tos, errno_name(err),
                               strerror(err), (double)(mono_us() - t0) / 1e6);
                    break;
                }
            }
        } else {
            printf("connect %s: %s (%s)\n", tos, errno_name(err), strerror(err));
        }
    }
    if (err) {
        seen_error = err;
        rc = EXIT_FAIL;
        goto out;
    }
    uint64_t t_conn = mono_us();
    struct sockaddr_in me;
    socklen_t ml = sizeof(me);
    berth_getsockname(st, fd, (struct sockaddr *)&me, &ml);
    char mes[32];
    addr_str(&me, mes, sizeof(mes));
    printf("connected to %s from %s in %.3f ms\n", tos, mes, (double)(t_conn - t0) / 1e3);
    fflush(stdout);

    /* Transfer. */
    struct sha256 sha_out, sha_in;
    sha256_init(&sha_out);
    sha256_init(&sha_in);
    uint64_t sent = 0, got = 0, last_progress = t_conn;
    size_t pend_off = 0, pend_len = 0; /* bytes of buf not yet accepted by send */
    bool shut = false, eof = false, bad_echo = false;
    uint64_t bad_at = 0;
    while (!h.stop) {
        if (sent == send_bytes && !pend_len && !shut && (!sink || eof)) {
            berth_shutdown(st, fd, SHUT_WR);
            shut = true;
        }
        if (eof && shut)
            break;
        struct pollfd p = {.fd = fd, .events = (short)((eof ? 0 : POLLIN) | (shut ? 0 : POLLOUT))};
        if (sent == send_bytes && !pend_len)
            p.events &= ~POLLOUT;
        uint64_t now = mono_us(), idle_end = last_progress + (uint64_t)(idle_timeout * 1e6);
        if (now >= idle_end) {
            printf("transfer: no progress for %g s (sent %llu, received %llu): ETIMEDOUT\n",
                   idle_timeout, (unsigned long long)sent, (unsigned long long)got);
            seen_error = ETIMEDOUT;
            break;
        }
        int r = berth_poll(st, &p, 1, (int)((idle_end - now + 999) / 1000));
        if (r <= 0)
            continue;
        if (p.revents & POLLIN) {
            for (int k = 0; k < 16 && !eof; k++) {
                ssize_t n = berth_recv(st, fd, rbuf, CHUNK, MSG_DONTWAIT);
                if (n < 0) {
                    if (errno != EAGAIN) {
                        seen_error = errno;
                        printf("recv: %s (%s) after %llu bytes\n", errno_name(errno),
                               strerror(errno), (unsigned long long)got);
                    }
                    break;
                }
                if (n == 0) {
                    eof = true;
                    break;
                }
                if (want_sha)
                    sha256_update(&sha_in, rbuf, (size_t)n);
                if (expect_echo && !bad_echo) {
                    if (got + (uint64_t)n > sent) {
                        bad_echo = true;
                        bad_at = sent;
                    } else {
                        stream_fill(cmp, (size_t)n, got);
                        if (memcmp(cmp, rbuf, (size_t)n)) {
                            size_t j = 0;
                            while (rbuf[j] == cmp[j])
                                j++;
                            bad_echo = true;
                            bad_at = got + j;
                        }
                    }
                }
                got += (uint64_t)n;
                last_progress = mono_us();
            }
            if (seen_error)
                break;
        }
        if (!(p.revents & POLLIN) && (p.revents & (POLLERR | POLLHUP))) {
            int e = 0;
            socklen_t el = sizeof(e);
            berth_getsockopt(st, fd, SOL_SOCKET, SO_ERROR, &e, &el);
            if (e) {
                seen_error = e;
                printf("connection: %s (%s) after sending %llu and receiving %llu bytes\n",
                       errno_name(e), strerror(e), (unsigned long long)sent,
                       (unsigned long long)got);
                break;
            }
        }
        while ((p.revents & POLLOUT) && (pend_len || sent < send_bytes)) {
            if (!pend_len) {
                uint64_t left = send_bytes - sent;
                pend_len = left < CHUNK ? (size_t)left : CHUNK;
                pend_off = 0;
                stream_fill(buf, pend_len, sent);
                if (want_sha)
                    sha256_update(&sha_out, buf, pend_len);
                sent += pend_len;
            }
            ssize_t n = berth_send(st, fd, buf + pend_off, pend_len, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0) {
                if (errno != EAGAIN) {
                    seen_error = errno;
                    printf("send: %s (%s) after %llu bytes\n", errno_name(errno), strerror(errno),
                           (unsigned long long)(sent - pend_len));
                }
                break;
            }
            pend_off += (size_t)n;
            pend_len -= (size_t)n;
            last_progress = mono_us();
        }
        if (seen_error)
            break;
    }
    uint64_t t_end = mono_us();
    double secs = (double)(t_end - t_conn) / 1e6;
    uint64_t really_sent = sent - pend_len;
    printf("sent %llu bytes, received %llu bytes in %.3f s (%.2f MB/s out, %.2f MB/s in)\n",
           (unsigned long long)really_sent, (unsigned long long)got, secs,
           secs > 0 ? (double)really_sent / secs / 1e6 : 0.0,
           secs > 0 ? (double)got / secs / 1e6 : 0.0);
    if (want_sha) {
        print_sha("sent", &sha_out);
        print_sha("received", &sha_in);
    }
    if (expect_echo) {
        if (bad_echo)
            printf("echo: differs from what was sent at byte %llu\n", (unsigned long long)bad_at);
        else if (got != really_sent)
            printf("echo: %llu of %llu bytes came back\n", (unsigned long long)got,
                   (unsigned long long)really_sent);
        else
            printf("echo: all %llu bytes came back intact\n", (unsigned long long)got);
    }
    struct tcp_info ti;
    socklen_t tl = sizeof(ti);
    memset(&ti, 0, sizeof(ti));
    if (berth_getsockopt(st, fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0)
        printf("tcp_info: rtt %.3f ms rttvar %.3f ms rto %u ms snd_mss %u cwnd %u ssthresh %u "
               "retransmitted %u segments, reordering %u\n",
               ti.tcpi_rtt / 1000.0, ti.tcpi_rttvar / 1000.0, ti.tcpi_rto / 1000, ti.tcpi_snd_mss,
               ti.tcpi_snd_cwnd, ti.tcpi_snd_ssthresh, ti.tcpi_total_retrans, ti.tcpi_reordering);
    if (!seen_error && !h.stop)
        printf("errors: none\n");
    if (h.stop)
        printf("interrupted\n");
    rc = seen_error || h.stop || bad_echo || (expect_echo && got != really_sent) ? EXIT_FAIL : 0;
    berth_close(st, fd);
    fd = -1;
    if (linger_ms && !h.stop)
        sleep_ms(linger_ms);
out:
    if (fd >= 0)
        berth_close(st, fd);
    if (!h.o.quiet)
        host_print_stats(&h, stdout);
    fflush(stdout);
    free(buf);
    free(rbuf);
    free(cmp);
    host_stop(&h);
    if (expect_error) {
        bool ok = seen_error == expect_error;
        if (!ok)
            printf("expected %s, got %s\n", errno_name(expect_error),
                   seen_error ? errno_name(seen_error) : "no error");
        return ok ? 0 : EXIT_FAIL;
    }
    return rc;
}
