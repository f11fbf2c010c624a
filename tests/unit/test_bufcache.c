/* test_bufcache.c — the per-stack cache of large buffers (core/bufcache.h):
 * sizes are rounded to 4 KiB classes and reported, a freed block comes back
 * for the next request of its class, the byte limit holds, small and huge
 * blocks bypass it, a limit of 0 turns it off, and a loopback TCP transfer
 * through a small cache delivers every byte. The sanitizer build runs the
 * rest of the suite without the cache, so this file is where ASan checks
 * the cache itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "berth/socket.h"
#include "berth/stack.h"
#include "core/stack_impl.h"

static berth_stack *stack_with_cache(size_t limit)
{
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.buffer_cache = limit;
    berth_stack *st = berth_stack_new(&cfg);
    assert_non_null(st);
    return st;
}

static void rounding_and_reuse(void **state)
{
    (void)state;
    berth_stack *st = stack_with_cache(1u << 20);
    st_lock(st);
    size_t got;
    void *a = bufcache_alloc(st, 16408, &got);
    assert_non_null(a);
    assert_int_equal(got, 20480);
    memset(a, 0xa5, got); /* the whole rounded size is ours */
    bufcache_free(st, a, got);
    assert_int_equal(st->bufcache.bytes, 20480);
    size_t got2;
    void *b = bufcache_alloc(st, 16385, &got2); /* same class */
    assert_ptr_equal(a, b);
    assert_int_equal(got2, 20480);
    assert_int_equal(st->bufcache.bytes, 0);
    /* another class does not take it */
    bufcache_free(st, b, got2);
    void *c = bufcache_alloc(st, 4096, &got);
    assert_ptr_not_equal(c, b);
    assert_int_equal(got, 4096);
    bufcache_free(st, c, got);
    assert_int_equal(st->bufcache.bytes, 20480 + 4096);
    st_unlock(st);
    berth_stack_free(st); /* drains: valgrind / ASan see no leak */
}

static void small_and_huge_bypass(void **state)
{
    (void)state;
    berth_stack *st = stack_with_cache(1u << 20);
    st_lock(st);
    size_t got;
    void *s = bufcache_alloc(st, 100, &got);
    assert_int_equal(got, 100);
    bufcache_free(st, s, got);
    void *h = bufcache_alloc(st, BUFCACHE_MAX + 1, &got);
    assert_int_equal(got, BUFCACHE_MAX + 1);
    bufcache_free(st, h, got);
    assert_int_equal(st->bufcache.bytes, 0);
    st_unlock(st);
    berth_stack_free(st);
}

static void limit_holds(void **state)
{
    (void)state;
    berth_stack *st = stack_with_cache(64 * 1024);
    st_lock(st);
    void *p[40];
    size_t got[40];
    for (int i = 0; i < 40; i++)
        p[i] = bufcache_alloc(st, 8000, &got[i]);
    for (int i = 0; i < 40; i++) {
        bufcache_free(st, p[i], got[i]);
        assert_true(st->bufcache.bytes <= 64 * 1024);
    }
    assert_int_equal(st->bufcache.bytes, 64 * 1024); /* 8 blocks of 8 KiB */
    st_unlock(st);
    berth_stack_free(st);
}

static void off_means_exact(void **state)
{
    (void)state;
    berth_stack *st = stack_with_cache(0);
    st_lock(st);
    size_t got;
    void *a = bufcache_alloc(st, 16408, &got);
    assert_int_equal(got, 16408);
    bufcache_free(st, a, got);
    assert_int_equal(st->bufcache.bytes, 0);
    st_unlock(st);
    berth_stack_free(st);
}

#if BERTH_WITH_TCP
/* 8 MiB over loopback TCP through a 64 KiB cache: blocks are recycled
 * constantly (segments of up to 64 KiB, 16 KiB queue chunks) and every byte
 * must arrive as sent. */
static void tcp_transfer_through_cache(void **state)
{
    (void)state;
    berth_stack *st = stack_with_cache(64 * 1024);
    int l = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(5000)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(berth_bind(st, l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(berth_listen(st, l, 1), 0);
    int c = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    assert_int_equal(berth_connect(st, c, (struct sockaddr *)&a, sizeof a), 0);
    int s = berth_accept4(st, l, NULL, NULL, 0);
    assert_true(s >= 0);
    enum { TOTAL = 8 << 20 };
    static uint8_t out[65536], in[65536];
    size_t sent = 0, got = 0;
    uint32_t x = 1;
    while (got < TOTAL) {
        if (sent < TOTAL) {
            size_t n = TOTAL - sent < sizeof out ? TOTAL - sent : sizeof out;
            for (size_t i = 0; i < n; i++)
                out[i] = (uint8_t)((sent + i) * 2654435761u >> 24);
            ssize_t w = berth_send(st, c, out, n, MSG_DONTWAIT);
            if (w > 0)
                sent += (size_t)w;
        }
        ssize_t r;
        while ((r = berth_recv(st, s, in, sizeof in, MSG_DONTWAIT)) > 0) {
            for (ssize_t i = 0; i < r; i++)
                if (in[i] != (uint8_t)((got + (size_t)i) * 2654435761u >> 24))
                    fail_msg("byte %zu differs", got + (size_t)i);
            got += (size_t)r;
        }
        x++;
        assert_true(x < 10000000); /* no livelock */
    }
    assert_int_equal(got, TOTAL);
    assert_true(st->bufcache.bytes <= 64 * 1024);
    berth_close(st, c);
    berth_close(st, s);
    berth_close(st, l);
    berth_stack_free(st);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rounding_and_reuse),
        cmocka_unit_test(small_and_huge_bypass),
        cmocka_unit_test(limit_holds),
        cmocka_unit_test(off_means_exact),
#if BERTH_WITH_TCP
        cmocka_unit_test(tcp_transfer_through_cache),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
