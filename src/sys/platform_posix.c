/* platform_posix.c — the posix flavour: pthreads, CLOCK_MONOTONIC, getrandom. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "berth/platform.h"

struct posix_ctx {
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static uint64_t px_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void px_lock(void *ctx) { pthread_mutex_lock(&((struct posix_ctx *)ctx)->mu); }
static void px_unlock(void *ctx) { pthread_mutex_unlock(&((struct posix_ctx *)ctx)->mu); }

static int px_wait(void *ctx, struct berth_stack *st, uint64_t deadline)
{
    (void)st;
    struct posix_ctx *c = ctx;
    if (deadline == BERTH_FOREVER)
        return pthread_cond_wait(&c->cv, &c->mu);
    struct timespec ts = {.tv_sec = (time_t)(deadline / 1000000u),
                          .tv_nsec = (long)(deadline % 1000000u) * 1000};
    int rc = pthread_cond_timedwait(&c->cv, &c->mu, &ts);
    return rc == ETIMEDOUT ? ETIMEDOUT : 0;
}

static void px_wake(void *ctx) { pthread_cond_broadcast(&((struct posix_ctx *)ctx)->cv); }

static void px_random(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    uint8_t *p = buf;
    while (n) {
        ssize_t r = getrandom(p, n, 0);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            /* No entropy source: fall back to the clock (still unique). */
            uint64_t t = px_now(NULL) ^ (uint64_t)(uintptr_t)p;
            memcpy(p, &t, n < sizeof(t) ? n : sizeof(t));
            r = (ssize_t)(n < sizeof(t) ? n : sizeof(t));
        }
        p += r;
        n -= (size_t)r;
    }
}

static void *px_alloc(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}

static void px_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

int berth_platform_posix(struct berth_platform *out)
{
    struct posix_ctx *c = malloc(sizeof(*c));
    if (!c)
        return ENOMEM;
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &ca);
    pthread_condattr_destroy(&ca);
    *out = (struct berth_platform){.ctx = c,
                                   .now_us = px_now,
                                   .lock = px_lock,
                                   .unlock = px_unlock,
                                   .wait = px_wait,
                                   .wake = px_wake,
                                   .random = px_random,
                                   .alloc = px_alloc,
                                   .free = px_free};
    return 0;
}

void berth_platform_posix_release(struct berth_platform *p)
{
    struct posix_ctx *c = p->ctx;
    if (!c)
        return;
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
    p->ctx = NULL;
}
