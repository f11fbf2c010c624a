/* test_arena.c — the static-arena allocator (berth/arena.h) on its own and
 * under a stack: exhaustion gives Linux's errno, never a crash, and the
 * stack works again once memory is freed; nothing leaks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "berth/arena.h"
#include "testutil.h"

static _Alignas(8) unsigned char mem[256 * 1024];

static struct berth_platform arena_platform(size_t n)
{
    struct berth_platform p;
    berth_platform_inline(&p, 1000000, 7);
    assert_int_equal(berth_arena_init(&p, mem, n), 0);
    return p;
}

static void done_platform(struct berth_platform *p)
{
    berth_arena_release(p);
    berth_platform_inline_release(p);
}

static void fill_free_coalesce(void **state)
{
    (void)state;
    struct berth_platform p = arena_platform(16 * 1024);
    struct berth_arena_stats s0, s;
    berth_arena_stats(&p, &s0);
    assert_int_equal(s0.used, 0);
    assert_int_equal(s0.largest, s0.size - BERTH_ARENA_OVERHEAD);
    void *blk[4096];
    size_t n = 0;
    while (n < 4096 && (blk[n] = p.alloc(p.ctx, 40)) != NULL) {
        assert_int_equal((uintptr_t)blk[n] & 7, 0);
        memset(blk[n], (int)n, 40);
        n++;
    }
    assert_true(n > 100 && n < 4096);
    berth_arena_stats(&p, &s);
    assert_int_equal(s.failures, 1);
    assert_int_equal(s.blocks, n);
    assert_int_equal(s.used, n * 48); /* 40 + 8-byte header, a multiple of 8 */
    /* every block kept its bytes: nothing overlapped */
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < 40; k++)
            assert_int_equal(((unsigned char *)blk[i])[k], (unsigned char)i);
    /* free every other one, then the rest: all must merge back into one */
    for (size_t i = 0; i < n; i += 2)
        p.free(p.ctx, blk[i]);
    berth_arena_stats(&p, &s);
    assert_true(s.largest < 100); /* fragmented: only 40-byte holes */
    assert_null(p.alloc(p.ctx, 100));
    for (size_t i = 1; i < n; i += 2)
        p.free(p.ctx, blk[i]);
    berth_arena_stats(&p, &s);
    assert_int_equal(s.used, 0);
    assert_int_equal(s.blocks, 0);
    assert_int_equal(s.largest, s0.largest);
    /* the whole arena in one block, and no more */
    assert_null(p.alloc(p.ctx, s0.largest + 1));
    void *all = p.alloc(p.ctx, s0.largest);
    assert_non_null(all);
    assert_null(p.alloc(p.ctx, 1));
    p.free(p.ctx, all);
    p.free(p.ctx, NULL); /* allowed, as free(NULL) */
    assert_int_equal(berth_arena_init(&p, mem, 16), EINVAL);
    done_platform(&p);
}

/* Random sizes, random frees, checked contents: a model of the heap. */
static void random_pattern(void **state)
{
    (void)state;
    struct berth_platform p = arena_platform(64 * 1024);
    enum { N = 512 };
    unsigned char *ptr[N] = {0};
    size_t len[N] = {0};
    uint32_t x = 12345;
    for (int round = 0; round < 20000; round++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        unsigned i = x % N;
        if (ptr[i]) {
            for (size_t k = 0; k < len[i]; k++)
                assert_int_equal(ptr[i][k], (unsigned char)(i + k));
            p.free(p.ctx, ptr[i]);
            ptr[i] = NULL;
        } else {
            len[i] = (x >> 9) % 700 + 1;
            ptr[i] = p.alloc(p.ctx, len[i]);
            if (ptr[i])
                for (size_t k = 0; k < len[i]; k++)
                    ptr[i][k] = (unsigned char)(i + k);
        }
    }
    for (unsigned i = 0; i < N; i++)
        p.free(p.ctx, ptr[i]);
    struct berth_arena_stats s;
    berth_arena_stats(&p, &s);
    assert_int_equal(s.used, 0);
    assert_int_equal(s.largest, s.size - BERTH_ARENA_OVERHEAD);
    done_platform(&p);
}

static berth_stack *arena_stack(struct berth_platform *p)
{
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = p;
    cfg.name = "arena";
    cfg.max_fds = 256;
    cfg.buffer_cache = 0;
    return berth_stack_new(&cfg);
}

static int udp_echo_ok(berth_stack *st, uint16_t port)
{
    int fd = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a = sin4("127.0.0.1", port);
    char out[300], in[300];
    memset(out, 0x5a, sizeof(out));
    int ok = berth_bind(st, fd, SA(a), sizeof(a)) == 0 &&
             berth_sendto(st, fd, out, sizeof(out), 0, SA(a), sizeof(a)) == (ssize_t)sizeof(out) &&
             berth_recv(st, fd, in, sizeof(in), MSG_DONTWAIT) == (ssize_t)sizeof(in) &&
             memcmp(in, out, sizeof(in)) == 0;
    berth_close(st, fd);
    return ok;
}

/* Exhaust the arena with sockets, then with queued datagrams: each failure
 * is an errno Linux gives for it, the stack keeps working, and closing
 * everything returns the arena to where it started. */
static void stack_exhaustion(void **state)
{
    (void)state;
    struct berth_platform p = arena_platform(32 * 1024);
    berth_stack *st = arena_stack(&p);
    assert_non_null(st);
    struct berth_arena_stats s0, s;
    berth_arena_stats(&p, &s0);
    assert_true(udp_echo_ok(st, 7000));
    berth_arena_stats(&p, &s);
    assert_int_equal(s.used, s0.used); /* the echo left nothing behind */

    int fds[256], n = 0, err = 0;
    while (n < 256) {
        int fd = berth_socket(st, AF_INET, n % 2 ? SOCK_STREAM : SOCK_DGRAM, 0);
        if (fd < 0) {
            err = errno;
            break;
        }
        fds[n++] = fd;
    }
    assert_true(n > 4 && n < 256);
    if (err != ENOMEM && err != ENOBUFS)
        fail_msg("socket() on a full arena: errno %d, want ENOMEM or ENOBUFS", err);
    /* a full stack still answers: binding needs the port index's leaf; when
     * it cannot be had, bind fails as Linux's inet_bind does when get_port
     * fails (EADDRINUSE), or with ENOMEM/ENOBUFS */
    struct sockaddr_in a = sin4("127.0.0.1", 7001);
    int rc = berth_bind(st, fds[0], SA(a), sizeof(a));
    if (rc != 0 && errno != EADDRINUSE && errno != ENOMEM && errno != ENOBUFS)
        fail_msg("bind on a full arena: errno %d", errno);
    for (int i = 0; i < n; i++)
        assert_int_equal(berth_close(st, fds[i]), 0);
    berth_arena_stats(&p, &s);
    assert_true(s.failures > 0);
    /* Everything is closed: what stays beyond the start is the descriptor
     * table, which grew by doubling and, like the kernel's fdtable, does
     * not shrink. */
    struct berth_arena_stats s1 = s;
    assert_true(s1.used >= s0.used && s1.used - s0.used <= 256 * sizeof(void *));

    /* Fill with datagrams nobody reads: sendto or the receiver runs out. */
    int rx = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    int tx = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    assert_true(rx >= 0 && tx >= 0);
    struct sockaddr_in ra = sin4("127.0.0.1", 7002);
    assert_int_equal(berth_bind(st, rx, SA(ra), sizeof(ra)), 0);
    static char big[1200];
    int sent = 0, send_err = 0;
    unsigned fails_before = s.failures;
    for (int i = 0; i < 1000; i++) {
        ssize_t r = berth_sendto(st, tx, big, sizeof(big), MSG_DONTWAIT, SA(ra), sizeof(ra));
        if (r < 0) {
            send_err = errno;
            break;
        }
        sent++;
    }
    berth_arena_stats(&p, &s);
    assert_true(s.failures > fails_before); /* the arena did run out */
    if (send_err && send_err != ENOBUFS && send_err != ENOMEM && send_err != EAGAIN)
        fail_msg("sendto on a full arena: errno %d", send_err);
    /* what was queued can be read back intact */
    int got = 0;
    char in[1500];
    while (berth_recv(st, rx, in, sizeof(in), MSG_DONTWAIT) == (ssize_t)sizeof(big))
        got++;
    assert_true(got > 0 && got <= sent);
    assert_int_equal(berth_close(st, rx), 0);
    assert_int_equal(berth_close(st, tx), 0);

    /* memory is back: the stack works again, and nothing leaked */
    assert_true(udp_echo_ok(st, 7003));
    berth_arena_stats(&p, &s);
    assert_int_equal(s.used, s1.used);
    berth_stack_free(st);
    berth_arena_stats(&p, &s);
    assert_int_equal(s.used, 0);
    assert_int_equal(s.blocks, 0);
    done_platform(&p);
}

/* Not even the stack fits: berth_stack_new fails with ENOMEM. */
static void stack_does_not_fit(void **state)
{
    (void)state;
    struct berth_platform p = arena_platform(512);
    errno = 0;
    assert_null(arena_stack(&p));
    assert_int_equal(errno, ENOMEM);
    struct berth_arena_stats s;
    berth_arena_stats(&p, &s);
    assert_int_equal(s.used, 0); /* the partial stack was freed */
    done_platform(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fill_free_coalesce),
        cmocka_unit_test(random_pattern),
        cmocka_unit_test(stack_exhaustion),
        cmocka_unit_test(stack_does_not_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
