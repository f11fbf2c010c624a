/* udpx.c — the kernel side of the interop UDP transfers (runs against the
 * Linux kernel's sockets, inside the test's network namespace):
 *
 *   udpx send ADDR PORT COUNT SIZE RATE        COUNT pattern datagrams, RATE per second
 *   udpx recv PORT SIZE COUNT FILE IDLE_MS MAX_MS
 *                                              receive into FILE until COUNT arrived,
 *                                              IDLE_MS of silence or MAX_MS in all
 *   udpx check FILE SIZE COUNT                 judge a file of received datagrams
 *   udpx expect COUNT SIZE                     sha256 of the whole pattern stream
 *   udpx probe ADDR PORT COUNT INTERVAL_MS RECVERR
 *                                              the kernel as oracle: a connected
 *                                              socket sends COUNT datagrams and
 *                                              prints what each send returns
 *
 * The pattern (tools/pattern.h) numbers each datagram, so `check` tells
 * lost, duplicated, reordered and damaged datagrams apart. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pattern.h"
#include "sha256.h"

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static unsigned long num(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || end == s) {
        fprintf(stderr, "udpx: bad number '%s'\n", s);
        exit(2);
    }
    return v;
}

static int do_send(char **a)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)num(a[1]))};
    if (inet_pton(AF_INET, a[0], &to.sin_addr) != 1)
        return fprintf(stderr, "udpx: bad address %s\n", a[0]), 2;
    unsigned long count = num(a[2]), size = num(a[3]), rate = num(a[4]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    uint8_t *buf = malloc(size);
    if (fd < 0 || !buf || size < PATTERN_MIN)
        return perror("udpx send"), 1;
    uint64_t t0 = now_us();
    unsigned long sent = 0, retries = 0;
    for (unsigned long i = 0; i < count; i++) {
        if (rate) {
            uint64_t due = t0 + (uint64_t)i * 1000000u / rate, t = now_us();
            if (due > t) {
                struct timespec ts = {.tv_sec = (time_t)((due - t) / 1000000u),
                                      .tv_nsec = (long)((due - t) % 1000000u) * 1000};
                nanosleep(&ts, NULL);
            }
        }
        pattern_fill(buf, size, i);
        while (sendto(fd, buf, size, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
            if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
                return perror("udpx send"), 1;
            retries++;
            usleep(1000);
        }
        sent++;
    }
    printf("udpx: sent %lu datagrams of %lu bytes in %.3f s (%lu retries)\n", sent, size,
           (double)(now_us() - t0) / 1e6, retries);
    free(buf);
    close(fd);
    return 0;
}

static int do_recv(char **a)
{
    unsigned long port = num(a[0]), size = num(a[1]), count = num(a[2]);
    unsigned long idle_ms = num(a[4]), max_ms = num(a[5]);
    FILE *out = fopen(a[3], "wb");
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (!out || fd < 0)
        return perror("udpx recv"), 1;
    int big = 64 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (bind(fd, (struct sockaddr *)&me, sizeof(me)) != 0)
        return perror("udpx recv: bind"), 1;
    printf("ready\n");
    fflush(stdout);
    static uint8_t buf[65536];
    unsigned long got = 0, wrong_size = 0;
    uint64_t start = now_us(), last = start;
    while (got < count) {
        uint64_t t = now_us();
        uint64_t idle_end = last + idle_ms * 1000, end = start + max_ms * 1000;
        uint64_t until = idle_end < end ? idle_end : end;
        if (t >= until)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)((until - t + 999) / 1000)) <= 0)
            continue;
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0)
            continue;
        last = now_us();
        if ((size_t)n != size) {
            wrong_size++;
            continue;
        }
        fwrite(buf, 1, (size_t)n, out);
        got++;
    }
    fclose(out);
    close(fd);
    printf("udpx: received %lu datagrams of %lu bytes (%lu of another size) in %.3f s\n", got, size,
           wrong_size, (double)(last - start) / 1e6);
    return 0;
}

static int do_check(char **a)
{
    unsigned long size = num(a[1]), count = num(a[2]);
    FILE *f = fopen(a[0], "rb");
    if (!f || size < PATTERN_MIN) {
        perror("udpx check");
        if (f)
            fclose(f);
        return 1;
    }
    uint8_t *buf = malloc(size), *seen = calloc(count ? count : 1, 1);
    struct sha256 sha;
    sha256_init(&sha);
    unsigned long records = 0, valid = 0, corrupt = 0, dups = 0, ooo = 0, beyond = 0;
    uint64_t maxseq = 0;
    bool any = false;
    size_t n;
    while ((n = fread(buf, 1, size, f)) == size) {
        records++;
        sha256_update(&sha, buf, size);
        if (!pattern_check(buf, size, size)) {
            corrupt++;
            continue;
        }
        uint64_t s = pattern_seq(buf);
        if (s >= count) {
            beyond++;
            continue;
        }
        valid++;
        if (seen[s])
            dups++;
        seen[s] = 1;
        if (any && s < maxseq)
            ooo++;
        if (!any || s > maxseq)
            maxseq = s;
        any = true;
    }
    unsigned long partial = n ? 1 : 0, distinct = 0;
    for (unsigned long i = 0; i < count; i++)
        distinct += seen[i];
    fclose(f);
    uint8_t d[32];
    char hex[65];
    sha256_final(&sha, d);
    sha256_hex(d, hex);
    printf("udpx check: %lu datagrams, %lu valid, %lu distinct of %lu (%lu missing), %lu "
           "duplicated, %lu out of order, %lu corrupt, %lu beyond, %lu partial; sha256 %s\n",
           records, valid, distinct, count, count - distinct, dups, ooo, corrupt, beyond, partial,
           hex);
    free(buf);
    free(seen);
    return corrupt || beyond || partial ? 1 : 0;
}

static const char *ename(int e)
{
    switch (e) {
    case EHOSTUNREACH:
        return "EHOSTUNREACH";
    case ECONNREFUSED:
        return "ECONNREFUSED";
    case ENETUNREACH:
        return "ENETUNREACH";
    case ENOBUFS:
        return "ENOBUFS";
    case EMSGSIZE:
        return "EMSGSIZE";
    default:
        return "E?";
    }
}

static int do_probe(char **a)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)num(a[1]))};
    if (inet_pton(AF_INET, a[0], &to.sin_addr) != 1)
        return fprintf(stderr, "udpx: bad address %s\n", a[0]), 2;
    unsigned long count = num(a[2]), interval = num(a[3]);
    int recverr = (int)num(a[4]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_RECVERR, &recverr, sizeof(recverr)) ||
        connect(fd, (struct sockaddr *)&to, sizeof(to)))
        return perror("udpx probe"), 1;
    for (unsigned long i = 0; i < count; i++) {
        if (i)
            usleep((useconds_t)interval * 1000);
        if (send(fd, "probe", 5, 0) < 0)
            printf("send #%lu: %s\n", i, ename(errno));
        else
            printf("send #%lu: ok\n", i);
        fflush(stdout);
    }
    return 0;
}

static int do_expect(char **a)
{
    unsigned long count = num(a[0]), size = num(a[1]);
    uint8_t *buf = malloc(size);
    struct sha256 sha;
    sha256_init(&sha);
    for (unsigned long i = 0; i < count; i++) {
        pattern_fill(buf, size, i);
        sha256_update(&sha, buf, size);
    }
    uint8_t d[32];
    char hex[65];
    sha256_final(&sha, d);
    sha256_hex(d, hex);
    printf("%s\n", hex);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 7 && !strcmp(argv[1], "send"))
        return do_send(argv + 2);
    if (argc >= 8 && !strcmp(argv[1], "recv"))
        return do_recv(argv + 2);
    if (argc >= 5 && !strcmp(argv[1], "check"))
        return do_check(argv + 2);
    if (argc >= 4 && !strcmp(argv[1], "expect"))
        return do_expect(argv + 2);
    if (argc >= 7 && !strcmp(argv[1], "probe"))
        return do_probe(argv + 2);
    fprintf(stderr, "usage: udpx send ADDR PORT COUNT SIZE RATE\n"
                    "       udpx recv PORT SIZE COUNT FILE IDLE_MS MAX_MS\n"
                    "       udpx check FILE SIZE COUNT\n"
                    "       udpx expect COUNT SIZE\n"
                    "       udpx probe ADDR PORT COUNT INTERVAL_MS RECVERR\n");
    return 2;
}
