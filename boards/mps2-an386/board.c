/* board.c — MPS2 AN386 board support: UART0, the SysTick clock, sleep, a
 * random source and the berth platform built on them (board.h).
 *
 * Register layouts: CMSDK APB UART (Arm DDI 0479, "Cortex-M System Design
 * Kit"), SysTick/NVIC/SCB (ARMv7-M Architecture Reference Manual, B3).
 */
#include "board.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>

#define REG(a) (*(volatile uint32_t *)(a))

/* CMSDK APB UART */
#define UART_DATA REG(BOARD_UART0_BASE + 0x00)
#define UART_STATE REG(BOARD_UART0_BASE + 0x04) /* bit 0: TX buffer full */
#define UART_CTRL REG(BOARD_UART0_BASE + 0x08)  /* bit 0: TX enable */
#define UART_BAUDDIV REG(BOARD_UART0_BASE + 0x10)

/* SysTick and the System Control Block */
#define SYST_CSR REG(0xE000E010u)
#define SYST_RVR REG(0xE000E014u)
#define SYST_CVR REG(0xE000E018u)
#define SCB_ICSR REG(0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)
#define NVIC_ISER0 REG(0xE000E100u)

#define TICK_HZ 1000u
#define TICK_RELOAD (BOARD_SYSCLK_HZ / TICK_HZ) /* counts per tick */

/* The LAN9118's free-running 25 MHz counter (FREE_RUN): read for entropy. */
#define ETH_FREE_RUN REG(BOARD_ETH_BASE + 0x9c)

volatile uint32_t board_eth_irqs;
static volatile uint64_t ticks; /* SysTick wraps (ms) */

static inline uint32_t irq_save(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}

static inline void irq_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

void SysTick_Handler(void) { ticks++; }

/* ---- log ---- */

static void uart_putc(char c)
{
    while (UART_STATE & 1u)
        ;
    UART_DATA = (uint8_t)c;
}

void board_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            uart_putc('\r');
        uart_putc(*s);
    }
}

/* A small printf: %s %c %d %u %x %p with l and a zero-padded width, what
 * the firmware's log uses. newlib's printf family would link its malloc
 * (_svfprintf_r grows buffers with _realloc_r) and 8 KiB of code. */
static void put_num(unsigned long v, unsigned base, bool neg, unsigned width, char pad)
{
    char d[24];
    unsigned n = 0;
    do {
        d[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        d[n++] = '-';
    while (width > n && width--)
        uart_putc(pad);
    while (n)
        uart_putc(d[--n]);
}

void board_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            if (*f == '\n')
                uart_putc('\r');
            uart_putc(*f);
            continue;
        }
        f++;
        char pad = ' ';
        unsigned width = 0;
        bool lng = false;
        if (*f == '0')
            pad = '0', f++;
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (unsigned)(*f++ - '0');
        if (*f == 'l')
            lng = true, f++;
        switch (*f) {
        case 's':
            board_puts(va_arg(ap, const char *));
            break;
        case 'c':
            uart_putc((char)va_arg(ap, int));
            break;
        case 'd': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            put_num(v < 0 ? 0ul - (unsigned long)v : (unsigned long)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, false, width, pad);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, false, width, pad);
            break;
        case 'p':
            put_num((unsigned long)(uintptr_t)va_arg(ap, void *), 16, false, 8, '0');
            break;
        case '\0':
            f--;
            break;
        default:
            uart_putc(*f);
        }
    }
    va_end(ap);
}

/* ---- clock ---- */

uint64_t board_now_us(void)
{
    uint32_t pm = irq_save();
    uint64_t t = ticks;
    uint32_t v = SYST_CVR;
    /* The counter wrapped but its handler has not run yet (interrupts are
     * off): count that tick, and re-read the counter, which has restarted. */
    if (SCB_ICSR & ICSR_PENDSTSET) {
        v = SYST_CVR;
        t++;
    }
    irq_restore(pm);
    return t * (1000000u / TICK_HZ) + (TICK_RELOAD - 1u - v) / (BOARD_SYSCLK_HZ / 1000000u);
}

/* ---- random ----
 *
 * The AN386 has no hardware random generator. The pool is a 64-bit state
 * stepped with splitmix64 and stirred with what varies between boots and
 * cannot be read from the wire: the SysTick counter and the LAN9118's
 * free-running counter at each draw, and the arrival times of received
 * frames (board_random_stir). Under QEMU that is host scheduling jitter —
 * tens of bits at best, and an observer who knows when the board booted can
 * narrow it. Good enough for port randomisation and ISNs in a test; a real
 * product must seed from a TRNG or a per-device secret. */
static uint64_t pool = 0x6a09e667f3bcc908ull;

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void board_random_stir(uint32_t v)
{
    pool ^= (uint64_t)v << 17 | SYST_CVR;
    (void)splitmix64(&pool);
}

static void bp_random(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    board_random_stir(ETH_FREE_RUN ^ (uint32_t)board_now_us());
    uint8_t *p = buf;
    while (n) {
        uint64_t r = splitmix64(&pool);
        for (unsigned i = 0; i < 8 && n; i++, n--, r >>= 8)
            *p++ = (uint8_t)r;
    }
}

/* ---- the berth platform ----
 *
 * One thread, no RTOS: the lock is empty (interrupt handlers never touch
 * berth), wake has nobody to wake, and wait is where the board idles. */
struct board_plat {
    struct board_platform_cfg cfg;
    uint32_t eth_irqs_seen; /* board_eth_irqs when the driver was last polled */
};
static struct board_plat plat_ctx;

static uint64_t bp_now(void *ctx)
{
    (void)ctx;
    return board_now_us();
}

static void bp_nop(void *ctx) { (void)ctx; }

/* Called with the (empty) lock held when a blocking call cannot proceed:
 * move what the NIC received into the stack and return so that the caller
 * re-checks; otherwise sleep with WFI until an interrupt — the 1 ms tick or
 * the Ethernet controller — and look again, until the deadline (the earlier
 * of the caller's and the stack's next timer). */
static int bp_wait(void *ctx, struct berth_stack *st, uint64_t deadline)
{
    (void)st;
    struct board_plat *b = ctx;
    for (;;) {
        if (b->cfg.poll && b->cfg.poll(b->cfg.poll_arg) > 0)
            return 0;
        if (board_now_us() >= deadline)
            return ETIMEDOUT;
        /* With PRIMASK set an interrupt that becomes pending still ends WFI
         * (ARMv7-M ARM B1.5.19), so one that arrives between the check and
         * the WFI is not lost; its handler runs at cpsie. */
        __asm volatile("cpsid i" ::: "memory");
        if (board_eth_irqs == b->eth_irqs_seen)
            __asm volatile("dsb\n\twfi" ::: "memory");
        __asm volatile("cpsie i\n\tisb" ::: "memory");
        b->eth_irqs_seen = board_eth_irqs;
    }
}

/* No heap of its own: the firmware wraps this platform in a berth arena
 * (berth/arena.h), which replaces alloc and free. Without one, every
 * allocation fails (ENOMEM), rather than malloc being linked in. */
static void *bp_alloc(void *ctx, size_t n)
{
    (void)ctx, (void)n;
    return NULL;
}

static void bp_free(void *ctx, void *p) { (void)ctx, (void)p; }

void board_platform(struct berth_platform *out, const struct board_platform_cfg *cfg)
{
    plat_ctx.cfg = *cfg;
    *out = (struct berth_platform){.ctx = &plat_ctx,
                                   .now_us = bp_now,
                                   .lock = bp_nop,
                                   .unlock = bp_nop,
                                   .wait = bp_wait,
                                   .wake = bp_nop,
                                   .random = bp_random,
                                   .alloc = bp_alloc,
                                   .free = bp_free};
}

/* ---- init and exit ---- */

void board_init(void)
{
    UART_BAUDDIV = BOARD_SYSCLK_HZ / 115200u;
    UART_CTRL = 1u; /* TX enable */
    SYST_RVR = TICK_RELOAD - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, interrupt, enable */
    pool ^= (uint64_t)ETH_FREE_RUN << 32;
    __asm volatile("cpsie i" ::: "memory");
}

void board_enable_eth_irq(void) { NVIC_ISER0 = 1u << BOARD_IRQ_ETHERNET; }

void board_panic(const char *what, uint32_t a, uint32_t b)
{
    __asm volatile("cpsid i" ::: "memory");
    board_printf("\nPANIC: %s (0x%08lx 0x%08lx)\n", what, (unsigned long)a, (unsigned long)b);
    for (;;)
        __asm volatile("wfi");
}

void board_exit(int status)
{
    board_printf("exit %d\n", status);
    __asm volatile("cpsid i" ::: "memory");
    for (;;)
        __asm volatile("wfi");
}
