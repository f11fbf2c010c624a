/* test_mem_pressure.c — a host whose memory is a small static arena (a
 * microcontroller) serves TCP echo to more connections than its arena can
 * hold buffers for. Issue 9: memory exhaustion must never stall the stack
 * for good. docs/board.md measured the stall on the board: once the
 * connections' queues filled the arena, every arriving frame was dropped
 * for want of a buffer — the ACKs that would have freed the send queues
 * too — and nothing moved again. Here the same shape runs in the
 * simulation: host a (24 KiB arena, the board firmware's echo loop and
 * socket buffers) and host b (malloc) with six clients sending 48 KiB each
 * at once; every byte must come back, in bounded virtual time. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "berth/arena.h"
#include "tcptest.h"

#define NCONN 6
#define BYTES (48 * 1024)
#define ECHO_BUF 4096

static _Alignas(8) unsigned char arena_mem[64 * 1024];

struct echo_conn {
    int fd;
    uint8_t buf[ECHO_BUF];
    size_t have, off; /* bytes held, bytes of them already echoed */
    bool peer_done;
};
struct server {
    int lfd;
    struct echo_conn c[4]; /* like the board: four at once, more wait */
    unsigned enobufs, closes;
};

struct client {
    int fd;
    size_t sent, got;
    uint64_t hsent, hgot;
    struct tt_gen gen;
    bool shut;
    int err; /* how the connection ended: 0 (EOF) or an errno */
};
struct clients {
    struct client c[NCONN];
    struct sockaddr_in to;
    unsigned done;
};

/* boards/mps2-an386/main.c's echo, non-blocking, one round. */
static void server_app(void *arg, berth_stack *st)
{
    struct server *s = arg;
    for (;;) {
        int free_slot = -1;
        for (int i = 0; i < 4; i++)
            if (s->c[i].fd < 0)
                free_slot = i;
        if (free_slot < 0)
            break;
        int fd = berth_accept4(st, s->lfd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0)
            break;
        s->c[free_slot] = (struct echo_conn){.fd = fd};
    }
    for (int i = 0; i < 4; i++) {
        struct echo_conn *e = &s->c[i];
        if (e->fd < 0)
            continue;
        for (;;) {
            if (e->off < e->have) {
                ssize_t n = berth_send(st, e->fd, e->buf + e->off, e->have - e->off, MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno == ENOBUFS)
                        s->enobufs++;
                    break;
                }
                e->off += (size_t)n;
                continue;
            }
            e->have = e->off = 0;
            if (e->peer_done)
                break;
            ssize_t n = berth_recv(st, e->fd, e->buf, sizeof(e->buf), 0);
            if (n == 0)
                e->peer_done = true;
            if (n <= 0)
                break;
            e->have = (size_t)n;
        }
        if (e->peer_done && e->off == e->have) {
            berth_close(st, e->fd);
            e->fd = -1;
            s->closes++;
        }
    }
}

static void client_app(void *arg, berth_stack *st)
{
    struct clients *cs = arg;
    uint8_t buf[2048];
    for (int i = 0; i < NCONN; i++) {
        struct client *c = &cs->c[i];
        if (c->fd < 0)
            continue;
        while (c->sent < BYTES) {
            size_t n = BYTES - c->sent < sizeof(buf) ? BYTES - c->sent : sizeof(buf);
            struct tt_gen g = c->gen;
            for (size_t k = 0; k < n; k++)
                buf[k] = tt_gen_byte(&g);
            ssize_t r = berth_send(st, c->fd, buf, n, 0);
            if (r < 0 && errno != EAGAIN && !c->err)
                c->err = errno; /* reported once, by whichever call comes first */
            if (r <= 0)
                break;
            for (ssize_t k = 0; k < r; k++)
                tt_gen_byte(&c->gen);
            c->hsent = tt_hash(c->hsent, buf, (size_t)r);
            c->sent += (size_t)r;
        }
        if (c->sent == BYTES && !c->shut) {
            berth_shutdown(st, c->fd, SHUT_WR);
            c->shut = true;
        }
        ssize_t r;
        while ((r = berth_recv(st, c->fd, buf, sizeof(buf), 0)) > 0) {
            c->hgot = tt_hash(c->hgot, buf, (size_t)r);
            c->got += (size_t)r;
        }
        if (r == 0 || (r < 0 && errno != EAGAIN)) {
            if (r < 0 && !c->err)
                c->err = errno;
            berth_close(st, c->fd);
            c->fd = -1;
            cs->done++;
        }
    }
}

static size_t *drain_got;
static void drain_app(void *arg, berth_stack *st)
{
    int fd = *(int *)arg;
    uint8_t tmp[4096];
    ssize_t r;
    while ((r = berth_recv(st, fd, tmp, sizeof(tmp), 0)) > 0)
        *drain_got += (size_t)r;
}

static void trace_line(void *arg, const char *line)
{
    (void)arg;
    fprintf(stderr, "%s\n", line);
}

struct echo_result {
    size_t size, peak;
    unsigned failures, enobufs, complete;
    uint64_t virt_us;
};

/* The board's shape on an arena of `bytes`: within `limit_us` of virtual
 * time every connection must end, at least `min_complete` of them with
 * every byte echoed (the others only refused: reset, nothing echoed), and
 * all the arena's memory must come back after. */
static void run_echoes(size_t bytes, uint64_t limit_us, unsigned min_complete,
                       struct echo_result *res)
{
    struct berth_link_params lp;
    berth_link_params_init(&lp);
    lp.latency_us = 200;
    lp.bandwidth_bps = 100000000;
    berth_sim *sim = berth_sim_new(9);
    berth_vlink *link = berth_vlink_new(sim, &lp);
    struct berth_platform small = berth_sim_platform(sim);
    assert_true(bytes <= sizeof(arena_mem));
    assert_int_equal(berth_arena_init(&small, arena_mem, bytes), 0);
    /* MP_RESERVE=0 shows the stall this test was first written for (no
     * reserve: every connection stops for good) */
    if (getenv("MP_RESERVE"))
        assert_int_equal(berth_arena_set_reserve(&small, (size_t)atoi(getenv("MP_RESERVE"))), 0);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &small;
    cfg.max_fds = cfg.max_sockets = 16; /* the bare-metal defaults */
    cfg.buffer_cache = 0;
    berth_stack *a = berth_sim_add_host(sim, "mcu", &cfg);
    assert_non_null(a);
    berth_stack *b = berth_sim_add_host(sim, "pc", NULL);
    if (getenv("MP_TRACE"))
        berth_stack_set_trace(a, trace_line, NULL), berth_stack_set_trace(b, trace_line, NULL);
    assert_non_null(tt_plug(link, a, "192.0.2.2/24", 1500));
    assert_non_null(tt_plug(link, b, "192.0.2.1/24", 1500));

    /* the board's listener: SO_RCVBUF 4096, SO_SNDBUF 8192 */
    static struct server s;
    memset(&s, 0, sizeof(s));
    for (int i = 0; i < 4; i++)
        s.c[i].fd = -1;
    s.lfd = berth_socket(a, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(s.lfd >= 0);
    int rb = 4096, sb = 8192;
    assert_int_equal(berth_setsockopt(a, s.lfd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof(rb)), 0);
    assert_int_equal(berth_setsockopt(a, s.lfd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof(sb)), 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(7)};
    sa.sin_addr.s_addr = htonl(0xc0000202);
    assert_int_equal(berth_bind(a, s.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(berth_listen(a, s.lfd, 8), 0);
    assert_int_equal(berth_sim_set_app(sim, a, server_app, &s), 0);

    static struct clients cs;
    memset(&cs, 0, sizeof(cs));
    for (int i = 0; i < NCONN; i++) {
        struct client *c = &cs.c[i];
        c->hsent = c->hgot = TT_HASH0;
        tt_gen_init(&c->gen, (uint64_t)i + 1);
        c->fd = berth_socket(b, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        assert_true(c->fd >= 0);
        int r = berth_connect(b, c->fd, (struct sockaddr *)&sa, sizeof(sa));
        assert_true(r == 0 || errno == EINPROGRESS);
    }
    assert_int_equal(berth_sim_set_app(sim, b, client_app, &cs), 0);

    uint64_t t0 = berth_sim_now(sim);
    while (cs.done < NCONN && berth_sim_now(sim) - t0 < limit_us)
        berth_sim_run_until(sim, berth_sim_now(sim) + 100000);

    struct berth_arena_stats st;
    berth_arena_stats(&small, &st);
    res->size = st.size;
    res->peak = st.peak;
    res->failures = st.failures;
    res->enobufs = s.enobufs;
    res->virt_us = berth_sim_now(sim) - t0;
    print_message("arena %zu B: peak %zu, %u refusals, %u ENOBUFS from send, %.1f s virtual\n",
                  st.size, st.peak, st.failures, s.enobufs, (double)res->virt_us / 1e6);
    for (int i = 0; i < NCONN; i++)
        if (cs.c[i].got != BYTES)
            print_message("conn %d: sent %zu, echoed %zu, %s\n", i, cs.c[i].sent, cs.c[i].got,
                          cs.c[i].fd >= 0 ? "still open" : strerror(cs.c[i].err));
    /* every connection ended (no stall), and each one the server took
     * echoed every byte */
    assert_int_equal(cs.done, NCONN);
    unsigned complete = 0;
    for (int i = 0; i < NCONN; i++) {
        if (cs.c[i].got == BYTES && cs.c[i].hgot == cs.c[i].hsent && !cs.c[i].err) {
            complete++;
            continue;
        }
        /* refused, not stalled: the listener could not take it (no memory
         * for its floors) until its SYN-ACK retries ran out */
        assert_int_equal(cs.c[i].err, ECONNRESET);
        assert_int_equal(cs.c[i].got, 0);
    }
    res->complete = complete;
    assert_true(complete >= min_complete);
    assert_int_equal(s.closes, complete);
    berth_sim_set_app(sim, a, NULL, NULL);
    berth_sim_set_app(sim, b, NULL, NULL);
    berth_sim_free(sim);
    /* everything the small host had went back to its arena */
    berth_arena_stats(&small, &st);
    assert_int_equal(st.used, 0);
}

static void six_echoes_on_a_small_arena(void **state)
{
    (void)state;
    struct echo_result r;
    /* At most 120 s of virtual time: TCP's retransmission back-off after a
     * few drops fits easily; a stall does not end. */
    run_echoes(24 * 1024, 120000000u, NCONN, &r);
    /* the test did press on memory */
    assert_true(r.failures > 0);
}

/* The same six echoes over arenas from 16 to 64 KiB: no size may stall
 * (without floors a stall depended on where fragmentation left the holes:
 * 16 and 20 KiB stalled, 24 KiB passed or not with the layout of the
 * stack's structures). From 20 KiB all six complete, within 60 s of
 * virtual time (a few seconds at most). 16 KiB on this 64-bit host build
 * (8 KiB of stack, interface and listener, 3.5 KiB of reserve) holds one
 * connection and its floors at a time: the first four complete one after
 * the other as TCP's retransmissions retry the handshake, the last two
 * are reset when their SYN-ACK retries run out, as on a Linux listener
 * that cannot take them; nothing hangs. */
static void six_echoes_any_arena_size(void **state)
{
    (void)state;
    size_t only = getenv("MP_KIB") ? (size_t)atoi(getenv("MP_KIB")) : 0; /* one size */
    /* MP_FINE=1: every 256 B from 17 to 64 KiB instead (189 arenas, ~10 s
     * real; all six complete everywhere, at most 52.5 s virtual at 17 KiB) */
    if (getenv("MP_FINE")) {
        for (size_t b = 17 * 1024; b <= 64 * 1024; b += 256) {
            struct echo_result r;
            run_echoes(b, 120000000u, b < 20 * 1024 ? 1 : NCONN, &r);
        }
        return;
    }
    for (size_t kib = 16; kib <= 64; kib += 4) {
        if (only && kib != only)
            continue;
        struct echo_result r;
        if (kib == 16)
            run_echoes(kib * 1024, 120000000u, 4, &r);
        else
            run_echoes(kib * 1024, 60000000u, NCONN, &r);
    }
}

/* tcp_sendmsg when memory (not the send buffer) runs out: EAGAIN when
 * non-blocking or when SO_SNDTIMEO expires, else it waits for memory
 * (sk_stream_wait_memory) — never ENOBUFS. */
static void send_waits_for_memory(void **state)
{
    (void)state;
    struct berth_link_params lp;
    berth_link_params_init(&lp);
    lp.latency_us = 500;
    berth_sim *sim = berth_sim_new(11);
    berth_vlink *link = berth_vlink_new(sim, &lp);
    struct berth_platform small = berth_sim_platform(sim);
    assert_int_equal(berth_arena_init(&small, arena_mem, 16 * 1024), 0);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = &small;
    cfg.max_fds = cfg.max_sockets = 16;
    cfg.buffer_cache = 0;
    berth_stack *a = berth_sim_add_host(sim, "mcu", &cfg);
    berth_stack *b = berth_sim_add_host(sim, "pc", NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(tt_plug(link, a, "192.0.2.2/24", 1500));
    assert_non_null(tt_plug(link, b, "192.0.2.1/24", 1500));
    int lfd = berth_socket(b, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(5000)};
    sa.sin_addr.s_addr = htonl(0xc0000201);
    assert_int_equal(berth_bind(b, lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(berth_listen(b, lfd, 1), 0);
    int fd = berth_socket(a, AF_INET, SOCK_STREAM, 0);
    int sb = 65536; /* the send buffer is not the limit: the arena is */
    assert_int_equal(berth_setsockopt(a, fd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof(sb)), 0);
    assert_int_equal(berth_connect(a, fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    int cfd = berth_accept4(b, lfd, NULL, NULL, SOCK_NONBLOCK);
    assert_true(cfd >= 0);

    /* set before memory runs out: options live in a block of their own */
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    assert_int_equal(berth_setsockopt(a, fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
    /* the wire goes dead: nothing sent is acknowledged, so queued data
     * holds the arena */
    lp.loss = 1.0;
    berth_vlink_set_params(link, &lp);
    static uint8_t buf[64 * 1024];
    memset(buf, 'm', sizeof(buf));
    ssize_t n = berth_send(a, fd, buf, sizeof(buf), MSG_DONTWAIT);
    assert_true(n > 0 && n < (ssize_t)sizeof(buf));
    size_t queued = (size_t)n;
    errno = 0;
    assert_int_equal(berth_send(a, fd, buf, 1000, MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN); /* Linux: sk_stream_wait_memory, non-blocking */
    struct berth_arena_stats st;
    berth_arena_stats(&small, &st);
    assert_true(st.failures > 0);

    /* blocking with SO_SNDTIMEO 200 ms (set above): EAGAIN once it expires */
    uint64_t t0 = berth_sim_now(sim);
    errno = 0;
    assert_int_equal(berth_send(a, fd, buf, 1000, 0), -1);
    assert_int_equal(errno, EAGAIN);
    uint64_t waited = berth_sim_now(sim) - t0;
    assert_true(waited >= 200000 && waited < 500000);

    /* blocking without a timeout: it waits for the memory that ACKs free
     * once the wire works again, and sends everything */
    tv.tv_usec = 0;
    assert_int_equal(berth_setsockopt(a, fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
    lp.loss = 0;
    berth_vlink_set_params(link, &lp);
    static size_t got;
    got = 0;
    assert_int_equal(berth_sim_set_app(sim, b, drain_app, &cfd), 0);
    drain_got = &got;
    assert_int_equal(berth_send(a, fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
    assert_int_equal(berth_close(a, fd), 0);
    berth_sim_run_idle(sim, 60000000);
    assert_int_equal(got, queued + sizeof(buf));
    berth_sim_set_app(sim, b, NULL, NULL);
    berth_sim_free(sim);
    berth_arena_stats(&small, &st);
    assert_int_equal(st.used, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(six_echoes_on_a_small_arena),
        cmocka_unit_test(six_echoes_any_arena_size),
        cmocka_unit_test(send_waits_for_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
