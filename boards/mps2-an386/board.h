/* board.h — the MPS2 AN386 board support the firmware needs: UART0 for the
 * log, SysTick as the clock, sleeping with WFI, a random source, and the
 * berth platform (struct berth_platform) built from them.
 *
 * Everything runs in thread mode on one stack; the only interrupt handlers
 * are SysTick's (the millisecond count) and the Ethernet controller's
 * (berth_lan9118_isr: masks the controller, touches no berth state).
 */
#ifndef BOARD_MPS2_AN386_H
#define BOARD_MPS2_AN386_H

#include <stddef.h>
#include <stdint.h>

#include "berth/platform.h"

#define BOARD_SYSCLK_HZ 25000000u    /* AN386 (and QEMU's model): 25 MHz */
#define BOARD_UART0_BASE 0x40004000u /* CMSDK APB UART */
#define BOARD_ETH_BASE 0x40200000u   /* SMSC LAN9220, LAN9118-compatible */
#define BOARD_IRQ_ETHERNET 13

/* UART0 at 115200 (ignored by QEMU), SysTick at 1 kHz, interrupts on. */
void board_init(void);

/* Let the Ethernet controller's interrupt in (NVIC). Only once the driver
 * has set the controller's IRQ output to active-high: out of reset the
 * LAN9118's line idles high, which the NVIC takes for a pending interrupt. */
void board_enable_eth_irq(void);

/* Log to UART0 ("\n" becomes "\r\n"). */
void board_puts(const char *s);
void board_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Microseconds since board_init (SysTick: 1 ms ticks plus the counter). */
uint64_t board_now_us(void);

/* Stop: report and halt (in QEMU, the test harness kills the machine). */
__attribute__((noreturn)) void board_panic(const char *what, uint32_t a, uint32_t b);
__attribute__((noreturn)) void board_exit(int status);

/* The berth platform of this board. `poll` is called by the wait hook to
 * move received frames into the stack (the network driver's poll: returns
 * how many it handled); the Ethernet interrupt handler counts
 * board_eth_irqs, which ends the hook's sleep (see board.c). */
struct board_platform_cfg {
    int (*poll)(void *arg);
    void *poll_arg;
};
void board_platform(struct berth_platform *out, const struct board_platform_cfg *cfg);

/* Mix a value that an observer cannot easily know (a frame's arrival time)
 * into the random pool. */
void board_random_stir(uint32_t v);

/* Counted by the Ethernet interrupt handler; the wait hook does not sleep
 * while it has moved since the driver was last polled. */
extern volatile uint32_t board_eth_irqs;

#endif
