/* tap.c — the Linux TAP/TUN driver (berth/tap.h).
 *
 * Down: transmit() runs under the stack lock and writes the frame to the
 * device at once (writes to a tun descriptor never block), unless the tx
 * fault model delays it: then it waits in the driver's delay queue, a
 * binary heap ordered by (time, sequence).
 *
 * Up: a driver thread sleeps in ppoll() on the device and an eventfd with a
 * timeout equal to the earliest of the stack's next timer and the next
 * delayed frame, so it never spins. Each frame read goes through the rx
 * fault model and into the stack (netif_input_locked) under the stack lock,
 * which is released through st_unlock so the frame is processed — and its
 * reader woken — at once. Before sleeping, the thread runs the stack's due
 * timers: with a TAP attached, ARP retries and (later) TCP retransmissions
 * happen even when no application thread is inside berth. Another thread
 * that arms an earlier timer or delays a frame while sending kicks the
 * eventfd (see maybe_kick).
 *
 * Removal: netif_remove_locked calls detach() under the stack lock. The
 * thread may be waiting for that lock, so detach cannot simply join it:
 * it sets `stopping`, kicks the thread and waits for `exited` through the
 * platform's wait hook, which releases the lock meanwhile (the thread then
 * gets the lock, sees `stopping`, and leaves without touching the
 * interface), then joins it. The thread only ever reaches the interface
 * through c->ifp under the lock, after checking `stopping`.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "berth/tap.h"
#include "core/stack_impl.h"
#include "netif/fault.h"
#include "netif/netif_impl.h"
#include "posix/posix_real.h" /* the OS's calls even under -Wl,--wrap */

#define TAP_BATCH 64           /* frames read per wakeup before looking around */
#define TAP_MAX_DELAYED 65536  /* frames in the delay queue, both directions */
#define TAP_BUFSZ (65535 + 18) /* the largest frame a tun descriptor can hand us */

struct tap_frame {
    uint64_t when, seq;
    bool in; /* received (to the stack) or sent (to the device) */
    uint32_t len;
    uint8_t data[];
};

struct tap_ctx {
    struct berth_stack *st;
    berth_netif *ifp; /* NULL once detached */
    int fd, evfd;
    bool tun, threaded, thread_started, stopping, exited, gone;
    unsigned fork_generation; /* tap_fork_generation when attached */
    pthread_t thread;
    uint64_t planned_wake; /* when the thread will look around next */
    bool ftx_on, frx_on;
    struct fault ftx, frx;
    struct tap_frame **heap;
    unsigned hn, hcap;
    uint64_t seq;
    struct berth_tap_stats s;
    uint8_t *buf; /* the reading thread's (or service caller's) buffer */
};

void berth_tap_config_init(struct berth_tap_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->tx.queue_limit = cfg->rx.queue_limit = 1000;
}

/* ---- the delay queue ---- */

static bool before(const struct tap_frame *a, const struct tap_frame *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static int heap_push(struct tap_ctx *c, struct tap_frame *f)
{
    if (c->hn == c->hcap) {
        unsigned ncap = c->hcap ? c->hcap * 2 : 64;
        struct tap_frame **nh = realloc(c->heap, ncap * sizeof(*nh));
        if (!nh)
            return ENOMEM;
        c->heap = nh;
        c->hcap = ncap;
    }
    unsigned i = c->hn++;
    while (i && before(f, c->heap[(i - 1) / 2])) {
        c->heap[i] = c->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    c->heap[i] = f;
    return 0;
}

static struct tap_frame *heap_pop(struct tap_ctx *c)
{
    struct tap_frame *top = c->heap[0], *last = c->heap[--c->hn];
    unsigned i = 0;
    for (;;) {
        unsigned l = 2 * i + 1, m = i;
        const struct tap_frame *best = last;
        if (l < c->hn && before(c->heap[l], best))
            m = l, best = c->heap[l];
        if (l + 1 < c->hn && before(c->heap[l + 1], best))
            m = l + 1;
        if (m == i)
            break;
        c->heap[i] = c->heap[m];
        i = m;
    }
    if (c->hn)
        c->heap[i] = last;
    return top;
}

static int defer(struct tap_ctx *c, bool in, uint64_t when, const void *data, size_t len)
{
    struct tap_frame *f = NULL;
    if (c->hn >= TAP_MAX_DELAYED || !(f = malloc(sizeof(*f) + len))) {
        if (in)
            c->s.rx_queue_drops++;
        else
            c->s.tx_queue_drops++;
        return ENOBUFS;
    }
    f->when = when;
    f->seq = c->seq++;
    f->in = in;
    f->len = (uint32_t)len;
    memcpy(f->data, data, len);
    if (heap_push(c, f)) {
        free(f);
        return ENOBUFS;
    }
    if (in)
        c->s.rx_delayed++;
    else
        c->s.tx_delayed++;
    return 0;
}

/* ---- the device ---- */

/* A forked child shares the device descriptor but gets a copy of the stack
 * whose TCP machines would answer for the parent's connections with their
 * own sequence numbers (the peer then resets both). So the device belongs
 * to the process that attached it: in a child the interface is mute — its
 * frames are dropped (ENETDOWN) and nothing is read (the driver thread did
 * not survive the fork). Forking servers use the preload library, whose
 * children reach the parent's sockets through the kernel (docs/posix.md). */
static unsigned tap_fork_generation; /* bumped in every forked child */
static pthread_once_t tap_fork_once = PTHREAD_ONCE_INIT;
static void tap_atfork_child(void) { tap_fork_generation++; }
static void tap_fork_watch(void) { pthread_atfork(NULL, NULL, tap_atfork_child); }

static int dev_write(struct tap_ctx *c, const void *data, size_t len)
{
    if (c->gone) {
        c->s.write_errors++;
        return ENXIO;
    }
    if (c->fork_generation != tap_fork_generation) {
        c->s.write_errors++;
        return ENETDOWN;
    }
    for (;;) {
        ssize_t n = __real_write(c->fd, data, len);
        if (n >= 0) {
            c->s.tx_frames++;
            return 0;
        }
        if (errno == EINTR)
            continue;
        int e = errno;
        c->s.write_errors++;
        TRACE(c->st, "tap: write of %zu bytes failed: %s", len, strerror(e));
        return e == EAGAIN ? ENOBUFS : e;
    }
}

static void kick(struct tap_ctx *c)
{
    uint64_t one = 1;
    ssize_t n = __real_write(c->evfd, &one, sizeof(one));
    (void)n; /* a full counter still wakes the thread */
}

static uint64_t next_deadline(struct tap_ctx *c)
{
    struct berth_stack *st = c->st;
    uint64_t t = st->rxq.head ? st_now(st) : timer_next(st);
    if (c->hn && c->heap[0]->when < t)
        t = c->heap[0]->when;
    return t;
}

/* Called under the lock by a thread that may have armed an earlier timer or
 * delayed a frame: wake the driver thread if it would sleep past it. */
static void maybe_kick(struct tap_ctx *c)
{
    if (!c->thread_started || pthread_equal(pthread_self(), c->thread))
        return;
    uint64_t t = timer_next(c->st);
    if (c->hn && c->heap[0]->when < t)
        t = c->heap[0]->when;
    if (t < c->planned_wake) {
        c->planned_wake = t;
        kick(c);
    }
}

static void deliver(struct tap_ctx *c, const void *data, size_t len)
{
    if (c->ifp)
        netif_input_locked(c->ifp, data, len);
}

/* Due delayed frames, both directions (lock held). */
static void run_due(struct tap_ctx *c, uint64_t now)
{
    while (c->hn && c->heap[0]->when <= now) {
        struct tap_frame *f = heap_pop(c);
        if (f->in)
            deliver(c, f->data, f->len);
        else
            dev_write(c, f->data, f->len);
        free(f);
    }
}

/* One frame read from the device (lock held). */
static void rx_frame(struct tap_ctx *c, const uint8_t *data, size_t len)
{
    c->s.rx_frames++;
    if (!c->frx_on) {
        deliver(c, data, len);
        return;
    }
    uint64_t now = st_now(c->st), t[2];
    int n = fault_decide(&c->frx, now, len, t);
    if (n < 0) {
        c->s.rx_queue_drops++;
        return;
    }
    for (int i = 0; i < n; i++) {
        if (t[i] <= now)
            deliver(c, data, len);
        else
            defer(c, true, t[i], data, len);
    }
}

static int tap_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    (void)ifp;
    struct tap_ctx *c = ctx;
    int rc = 0;
    if (!c->ftx_on) {
        rc = dev_write(c, pkt, len);
    } else {
        uint64_t now = st_now(c->st), t[2];
        int n = fault_decide(&c->ftx, now, len, t);
        if (n < 0) {
            c->s.tx_queue_drops++;
            rc = ENOBUFS;
        }
        for (int i = 0; i < n; i++) {
            int r = t[i] <= now ? dev_write(c, pkt, len) : defer(c, false, t[i], pkt, len);
            if (i == 0)
                rc = r;
        }
        /* A lost frame counts as sent, as with netem. */
    }
    maybe_kick(c);
    return rc;
}

/* Read up to a batch of frames; each is processed under the lock at once.
 * Returns the number read; -1 if the driver is stopping. */
static int read_batch(struct tap_ctx *c)
{
    struct berth_stack *st = c->st;
    int got = 0;
    for (int i = 0; i < TAP_BATCH; i++) {
        ssize_t n = __real_read(c->fd, c->buf, TAP_BUFSZ);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : 0;
            if (n < 0 && e != EAGAIN) {
                st_lock(st);
                c->s.read_errors++;
                if (e == EBADFD || e == EIO || e == ENXIO) {
                    c->gone = true;
                    c->s.device_gone = 1;
                    TRACE(st, "tap: the device went away (%s)", strerror(e));
                }
                st_unlock(st);
            }
            break;
        }
        st_lock(st);
        if (c->stopping) {
            st->plat.unlock(st->plat.ctx);
            return -1;
        }
        rx_frame(c, c->buf, (size_t)n);
        st_unlock(st); /* processes the frame */
        got++;
    }
    return got;
}

static void *tap_thread(void *arg)
{
    struct tap_ctx *c = arg;
    struct berth_stack *st = c->st;
    st_lock(st);
    while (!c->stopping) {
        run_due(c, st_now(st));
        stack_run_pending(st); /* input and timers, so the deadline below holds */
        uint64_t next = next_deadline(c);
        c->planned_wake = next;
        st->plat.unlock(st->plat.ctx);

        struct pollfd pf[2] = {{c->gone ? -1 : c->fd, POLLIN, 0}, {c->evfd, POLLIN, 0}};
        struct timespec ts, *tsp = NULL;
        if (next != BERTH_FOREVER) {
            uint64_t now = st->plat.now_us(st->plat.ctx);
            uint64_t d = next > now ? next - now : 0;
            ts.tv_sec = (time_t)(d / 1000000u);
            ts.tv_nsec = (long)(d % 1000000u) * 1000;
            tsp = &ts;
        }
        int r = ppoll(pf, 2, tsp, NULL);
        if (r > 0 && (pf[1].revents & POLLIN)) {
            uint64_t v;
            ssize_t n = __real_read(c->evfd, &v, sizeof(v));
            (void)n;
        }
        if (r > 0 && (pf[0].revents & (POLLERR | POLLHUP | POLLNVAL))) {
            st_lock(st);
            if (!c->gone) {
                c->gone = true;
                c->s.device_gone = 1;
                TRACE(st, "tap: the device went away");
            }
            st->plat.unlock(st->plat.ctx);
        } else if (r > 0 && (pf[0].revents & POLLIN)) {
            if (read_batch(c) < 0) {
                st_lock(st);
                break;
            }
        }
        st_lock(st);
    }
    c->exited = true;
    st->plat.wake(st->plat.ctx); /* detach waits for this */
    st->plat.unlock(st->plat.ctx);
    return NULL;
}

static void tap_free(struct tap_ctx *c)
{
    while (c->hn)
        free(heap_pop(c));
    free(c->heap);
    fault_fini(&c->ftx);
    fault_fini(&c->frx);
    if (c->fd >= 0)
        __real_close(c->fd);
    if (c->evfd >= 0)
        __real_close(c->evfd);
    free(c->buf);
    free(c);
}

static void tap_detach(void *ctx, berth_netif *ifp)
{
    (void)ifp;
    struct tap_ctx *c = ctx;
    struct berth_stack *st = c->st;
    c->ifp = NULL;
    c->stopping = true;
    if (c->thread_started) {
        kick(c);
        /* The lock is released while waiting: the thread can finish. */
        while (!c->exited)
            st->plat.wait(st->plat.ctx, st, st->plat.now_us(st->plat.ctx) + 50000);
        pthread_join(c->thread, NULL);
    }
    tap_free(c);
}

static struct tap_ctx *ctx_of(const berth_netif *ifp)
{
    if (ifp->drv.transmit != tap_transmit) {
        errno = EINVAL;
        return NULL;
    }
    return ifp->drv_ctx;
}

bool berth_is_tap(const berth_netif *ifp) { return ifp->drv.transmit == tap_transmit; }

/* What the kernel knows about the device: MTU and MAC (errors ignored). */
static void dev_query(const char *dev, unsigned *mtu, uint8_t mac[BERTH_ETH_ALEN])
{
    int s = __real_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, dev, strlen(dev));
    if (__real_ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
        *mtu = (unsigned)ifr.ifr_mtu;
    if (__real_ioctl(s, SIOCGIFHWADDR, &ifr) == 0)
        memcpy(mac, ifr.ifr_hwaddr.sa_data, BERTH_ETH_ALEN);
    __real_close(s);
}

berth_netif *berth_tap_attach(berth_stack *st, const char *dev,
                              const struct berth_tap_config *cfg_in)
{
    struct berth_tap_config cfg;
    if (cfg_in)
        cfg = *cfg_in;
    else
        berth_tap_config_init(&cfg);
    if (!dev || !*dev || strlen(dev) >= IFNAMSIZ ||
        (cfg.mtu && (cfg.mtu < 68 || cfg.mtu > 65535))) {
        errno = EINVAL;
        return NULL;
    }
    if (!cfg.create && if_nametoindex(dev) == 0) {
        errno = ENODEV;
        return NULL;
    }
    struct tap_ctx *c = calloc(1, sizeof(*c));
    if (!c) {
        errno = ENOMEM;
        return NULL;
    }
    c->st = st;
    c->fd = c->evfd = -1;
    c->tun = cfg.tun;
    pthread_once(&tap_fork_once, tap_fork_watch);
    c->fork_generation = tap_fork_generation;
    c->threaded = !cfg.no_thread;
    c->planned_wake = BERTH_FOREVER;
    int e = 0;
    if (!(c->buf = malloc(TAP_BUFSZ)))
        e = ENOMEM;
    if (!e && (c->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK)) < 0)
        e = errno;
    if (!e) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof(ifr));
        memcpy(ifr.ifr_name, dev, strlen(dev));
        ifr.ifr_flags = (short)((cfg.tun ? IFF_TUN : IFF_TAP) | IFF_NO_PI);
        if (__real_ioctl(c->fd, TUNSETIFF, &ifr) < 0)
            e = errno;
    }
    if (!e && c->threaded && (c->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        e = errno;
    if (e) {
        tap_free(c);
        errno = e;
        return NULL;
    }
    unsigned mtu = 1500;
    uint8_t kmac[BERTH_ETH_ALEN] = {0};
    dev_query(dev, &mtu, kmac);
    if (cfg.mtu)
        mtu = cfg.mtu;
    uint64_t seed = cfg.seed;
    if (!seed)
        st->plat.random(st->plat.ctx, &seed, sizeof(seed));
    c->ftx_on = fault_params_active(&cfg.tx);
    c->frx_on = fault_params_active(&cfg.rx);
    fault_init(&c->ftx, &cfg.tx, seed);
    fault_init(&c->frx, &cfg.rx, seed ^ 0x9e3779b97f4a7c15ULL);

    struct berth_netif_driver drv = {.transmit = tap_transmit,
                                     .detach = tap_detach,
                                     .link = cfg.tun ? BERTH_LINK_RAW : BERTH_LINK_ETHERNET};
    berth_netif *ifp = berth_netif_add(st, cfg.ifname ? cfg.ifname : dev, mtu,
                                       cfg.tun ? 0 : BERTH_IFF_BROADCAST, &drv, c);
    if (!ifp) {
        e = errno;
        tap_free(c);
        errno = e;
        return NULL;
    }
    /* From here on the interface owns c: berth_netif_remove frees it. */
    c->ifp = ifp;
    if (!cfg.tun) {
        uint8_t mac[BERTH_ETH_ALEN];
        if (cfg.have_hwaddr && berth_netif_set_hwaddr(ifp, cfg.hwaddr) != 0)
            goto fail;
        berth_netif_hwaddr(ifp, mac);
        while (memcmp(mac, kmac, BERTH_ETH_ALEN) == 0) { /* never share the kernel's */
            mac[5]++;
            berth_netif_set_hwaddr(ifp, mac);
        }
    }
    if (c->threaded) {
        /* The thread takes no signals: they belong to the application. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        e = pthread_create(&c->thread, NULL, tap_thread, c);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (e) {
            errno = e;
            goto fail;
        }
        st_lock(st);
        c->thread_started = true;
        st_unlock(st);
    }
    return ifp;
fail:
    e = errno;
    berth_netif_remove(ifp);
    errno = e;
    return NULL;
}

int berth_tap_fd(berth_netif *ifp)
{
    struct tap_ctx *c = ctx_of(ifp);
    return c ? c->fd : -1;
}

uint64_t berth_tap_next_deadline(berth_netif *ifp)
{
    struct tap_ctx *c = ctx_of(ifp);
    if (!c)
        return BERTH_FOREVER;
    st_lock(c->st);
    uint64_t t = next_deadline(c);
    c->st->plat.unlock(c->st->plat.ctx);
    return t;
}

int berth_tap_service(berth_netif *ifp)
{
    struct tap_ctx *c = ctx_of(ifp);
    if (!c)
        return -1;
    if (c->threaded) {
        errno = EINVAL; /* the driver thread does this */
        return -1;
    }
    if (c->fork_generation != tap_fork_generation) {
        errno = ENETDOWN; /* the parent's device: a child must not read its frames */
        return -1;
    }
    struct berth_stack *st = c->st;
    st_lock(st);
    run_due(c, st_now(st));
    st_unlock(st);
    int n = read_batch(c);
    st_lock(st);
    run_due(c, st_now(st));
    st_unlock(st);
    return n < 0 ? 0 : n;
}

int berth_tap_stats(berth_netif *ifp, struct berth_tap_stats *out)
{
    struct tap_ctx *c = ctx_of(ifp);
    if (!c)
        return -1;
    st_lock(c->st);
    *out = c->s;
    out->rx_lost = c->frx.s.lost;
    out->tx_lost = c->ftx.s.lost;
    out->rx_duplicated = c->frx.s.duplicated;
    out->tx_duplicated = c->ftx.s.duplicated;
    out->rx_reordered = c->frx.s.reordered;
    out->tx_reordered = c->ftx.s.reordered;
    st_unlock(c->st);
    return 0;
}
