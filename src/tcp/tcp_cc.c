/* tcp_cc.c — congestion control modules, chosen per socket with
 * TCP_CONGESTION: "reno" (RFC 5681 slow start and congestion avoidance; the
 * recovery itself, NewReno or SACK, is in tcp_input.c) and "cubic"
 * (RFC 9438, after Linux's tcp_cubic.c without HyStart), Linux's default.
 * cwnd and ssthresh count segments, as in Linux. */
#include <string.h>

#include "core/div64.h"
#include "tcp/tcp.h"

#define CWND_CLAMP 1000000u

/* ---- shared helpers (Linux's tcp_cong.c) ---- */

bool tcp_is_cwnd_limited(const struct tcp_sock *tp)
{
    if (tp->cwnd_limited)
        return true;
    uint32_t mss = tp->c->mss_cache ? tp->c->mss_cache : TCP_MSS_DEFAULT;
    uint32_t flight = (tp->c->snd_nxt - tp->c->snd_una) / mss;
    /* In slow start, let cwnd reach twice what is in flight. */
    return tp->c->cwnd < tp->c->ssthresh && tp->c->cwnd < 2 * flight;
}

uint32_t tcp_slow_start(struct tcp_sock *tp, uint32_t acked)
{
    uint32_t cwnd = tp->c->cwnd + acked;
    if (cwnd > tp->c->ssthresh)
        cwnd = tp->c->ssthresh;
    acked -= cwnd - tp->c->cwnd;
    tp->c->cwnd = cwnd < CWND_CLAMP ? cwnd : CWND_CLAMP;
    return acked;
}

void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked)
{
    if (!w)
        w = 1;
    if (tp->c->cwnd_cnt >= w) {
        tp->c->cwnd_cnt = 0;
        tp->c->cwnd++;
    }
    tp->c->cwnd_cnt += acked;
    if (tp->c->cwnd_cnt >= w) {
        uint32_t delta = tp->c->cwnd_cnt / w;
        tp->c->cwnd_cnt -= delta * w;
        tp->c->cwnd += delta;
    }
    if (tp->c->cwnd > CWND_CLAMP)
        tp->c->cwnd = CWND_CLAMP;
}

/* ---- reno ---- */

static void reno_init(struct tcp_sock *tp) { (void)tp; }

static uint32_t reno_ssthresh(struct tcp_sock *tp)
{
    uint32_t s = tp->c->cwnd >> 1;
    return s > 2 ? s : 2;
}

static void reno_cong_avoid(struct tcp_sock *tp, uint32_t acked)
{
    if (tp->c->cwnd < tp->c->ssthresh) {
        acked = tcp_slow_start(tp, acked);
        if (!acked)
            return;
    }
    tcp_cong_avoid_ai(tp, tp->c->cwnd, acked);
}

static const struct tcp_cc_ops reno = {
    .name = "reno",
    .init = reno_init,
    .ssthresh = reno_ssthresh,
    .cong_avoid = reno_cong_avoid,
};

#if BERTH_WITH_CUBIC
/* ---- cubic ---- */

#define BICTCP_BETA_SCALE 1024
#define BICTCP_HZ 10
#define CUBIC_BETA 717      /* 0.7 * 1024 */
#define CUBIC_RTT_SCALE 410 /* bic_scale 41 * 10 */
#define CUBIC_BETA_SCALE 15 /* 8 * (1024 + 717) / 3 / (1024 - 717) */

struct cubic {
    uint32_t cnt;
    uint32_t last_max_cwnd;
    uint32_t last_cwnd;
    uint32_t last_time; /* ms */
    uint32_t origin_point;
    uint32_t k;         /* in 2^-BICTCP_HZ s */
    uint32_t delay_min; /* us */
    uint32_t epoch_start;
    uint32_t ack_cnt;
    uint32_t tcp_cwnd;
    bool epoch;
};
_Static_assert(sizeof(struct cubic) <= TCP_CC_PRIV, "cubic state fits");

static struct cubic *cubic_of(struct tcp_sock *tp)
{
    return (struct cubic *)(void *)tp->c->cc_priv;
}

static uint64_t cube_factor(void) { return (1ull << (10 + 3 * BICTCP_HZ)) / CUBIC_RTT_SCALE; }

/* floor(cbrt(a)), digit by digit in base 2 (three bits of `a` per bit of
 * the root): no division, so a 32-bit core links no 64-bit divide (Linux's
 * cubic_root needs div64_u64). Invariant: y = floor(cbrt(a's top bits so
 * far)) and a holds their remainder; (2y + 1)^3 - (2y)^3 = 12y^2 + 6y + 1. */
static uint32_t cube_root(uint64_t a)
{
    uint64_t y = 0;
    for (int s = 63; s >= 0; s -= 3) {
        y <<= 1;
        uint64_t b = 3 * y * (y + 1) + 1;
        if ((a >> s) >= b) {
            a -= b << s;
            y++;
        }
    }
    return (uint32_t)y;
}

static uint32_t now_ms(struct tcp_sock *tp)
{
    return (uint32_t)berth_div64(st_now(tcp_st(tp)), 1000);
}

static void cubic_reset(struct cubic *c)
{
    uint32_t dm = c->delay_min;
    memset(c, 0, sizeof(*c));
    c->delay_min = dm;
}

static void cubic_init(struct tcp_sock *tp) { memset(tp->c->cc_priv, 0, sizeof(tp->c->cc_priv)); }

static void cubic_update(struct tcp_sock *tp, uint32_t cwnd, uint32_t acked)
{
    struct cubic *c = cubic_of(tp);
    uint32_t now = now_ms(tp);
    c->ack_cnt += acked;
    if (c->last_cwnd == cwnd && (int32_t)(now - c->last_time) <= 1000 / 32)
        return;
    if (!(c->epoch && now == c->last_time)) {
        c->last_cwnd = cwnd;
        c->last_time = now;
        if (!c->epoch) {
            c->epoch = true;
            c->epoch_start = now;
            c->ack_cnt = acked;
            c->tcp_cwnd = cwnd;
            if (c->last_max_cwnd <= cwnd) {
                c->k = 0;
                c->origin_point = cwnd;
            } else {
                c->k = cube_root(cube_factor() * (c->last_max_cwnd - cwnd));
                c->origin_point = c->last_max_cwnd;
            }
        }
        uint64_t t = (uint32_t)(now - c->epoch_start);
        t += c->delay_min / 1000;
        t = berth_div64(t << BICTCP_HZ, 1000);
        uint64_t offs = t < c->k ? c->k - t : t - c->k;
        uint64_t delta = (CUBIC_RTT_SCALE * offs * offs * offs) >> (10 + 3 * BICTCP_HZ);
        uint32_t target =
            t < c->k ? (uint32_t)(c->origin_point - delta) : (uint32_t)(c->origin_point + delta);
        if (target > cwnd)
            c->cnt = cwnd / (target - cwnd);
        else
            c->cnt = 100 * cwnd;
        if (c->last_max_cwnd == 0 && c->cnt > 20)
            c->cnt = 20;
    }
    /* TCP friendliness: never slower than Reno would be. */
    uint32_t d = (cwnd * CUBIC_BETA_SCALE) >> 3;
    if (d) {
        while (c->ack_cnt > d) {
            c->ack_cnt -= d;
            c->tcp_cwnd++;
        }
    }
    if (c->tcp_cwnd > cwnd) {
        uint32_t max_cnt = cwnd / (c->tcp_cwnd - cwnd);
        if (c->cnt > max_cnt)
            c->cnt = max_cnt;
    }
    if (c->cnt < 2)
        c->cnt = 2;
}

static void cubic_cong_avoid(struct tcp_sock *tp, uint32_t acked)
{
    if (tp->c->cwnd < tp->c->ssthresh) {
        acked = tcp_slow_start(tp, acked);
        if (!acked)
            return;
    }
    cubic_update(tp, tp->c->cwnd, acked);
    tcp_cong_avoid_ai(tp, cubic_of(tp)->cnt, acked);
}

static uint32_t cubic_ssthresh(struct tcp_sock *tp)
{
    struct cubic *c = cubic_of(tp);
    c->epoch = false;
    if (tp->c->cwnd < c->last_max_cwnd)
        c->last_max_cwnd =
            (tp->c->cwnd * (BICTCP_BETA_SCALE + CUBIC_BETA)) / (2 * BICTCP_BETA_SCALE);
    else
        c->last_max_cwnd = tp->c->cwnd;
    uint32_t s = (tp->c->cwnd * CUBIC_BETA) / BICTCP_BETA_SCALE;
    return s > 2 ? s : 2;
}

static void cubic_event(struct tcp_sock *tp, enum tcp_ca_event ev)
{
    if (ev == CA_EVENT_LOSS)
        cubic_reset(cubic_of(tp));
}

static void cubic_rtt(struct tcp_sock *tp, uint32_t rtt_us)
{
    struct cubic *c = cubic_of(tp);
    if (!c->delay_min || rtt_us < c->delay_min)
        c->delay_min = rtt_us;
}

static const struct tcp_cc_ops cubic = {
    .name = "cubic",
    .init = cubic_init,
    .ssthresh = cubic_ssthresh,
    .cong_avoid = cubic_cong_avoid,
    .event = cubic_event,
    .rtt_sample = cubic_rtt,
};
#endif /* BERTH_WITH_CUBIC */

/* ---- registry ---- */

static const struct tcp_cc_ops *const modules[] = {
#if BERTH_WITH_CUBIC
    &cubic,
#endif
    &reno};

const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
    for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
        if (stack_streq(modules[i]->name, name))
            return modules[i];
    return NULL;
}

/* Linux's default is cubic; without it (BERTH_WITH_CUBIC=OFF), reno. */
#if BERTH_WITH_CUBIC
const struct tcp_cc_ops *tcp_cc_default(void) { return &cubic; }
#else
const struct tcp_cc_ops *tcp_cc_default(void) { return &reno; }
#endif
