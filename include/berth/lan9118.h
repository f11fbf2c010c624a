/* berth/lan9118.h — driver for the SMSC LAN9118 family of Ethernet
 * controllers (LAN9118/9220/9221, the MPS2 boards' on-board Ethernet and
 * QEMU's "lan9118" model) on a memory-mapped 32-bit bus.
 *
 *     struct berth_lan9118_config c;
 *     berth_lan9118_config_init(&c, 0x40200000);
 *     berth_netif *ifp = berth_lan9118_attach(st, &c);
 *     berth_netif_addr_add(ifp, a, 24);
 *     berth_netif_set_up(ifp, true);
 *
 * Receiving is polled from thread context: berth_lan9118_poll moves every
 * frame waiting in the controller's RX FIFO into the stack. Call it from the
 * platform's wait hook and from the main loop. With an interrupt line, the
 * handler calls berth_lan9118_isr and nothing else of berth: it masks the
 * controller's interrupt (so a level-triggered line goes quiet) and touches
 * no stack state, so no lock is needed between handler and stack; the next
 * berth_lan9118_poll drains the FIFO and unmasks it. The handler's only job
 * is to end the CPU's sleep (WFI) early.
 *
 * Transmission writes the frame into the TX data FIFO at once, from the
 * caller's context (under the stack lock), padding it to the Ethernet
 * minimum; ENOBUFS if the FIFO stays full.
 *
 * Memory: the driver's state (a 1.5 KiB receive buffer included) comes from
 * the stack's allocator at attach time; nothing is allocated afterwards.
 */
#ifndef BERTH_LAN9118_H
#define BERTH_LAN9118_H

#include <stdbool.h>
#include <stdint.h>

#include "netif.h"

#ifdef __cplusplus
extern "C" {
#endif

struct berth_lan9118_config {
    uintptr_t base;     /* register base address (MPS2: 0x40200000) */
    const char *ifname; /* the interface's name in berth (default "eth0") */
    /* MAC address: this one if have_hwaddr, else the controller's (loaded
     * from its EEPROM; QEMU's -nic mac=), else a random local one. */
    bool have_hwaddr;
    uint8_t hwaddr[BERTH_ETH_ALEN];
    bool use_irq; /* enable the controller's interrupt output (RX status) */
};
void berth_lan9118_config_init(struct berth_lan9118_config *cfg, uintptr_t base);

/* Probe (BYTE_TEST), soft-reset and start the controller: MAC address, PHY
 * auto-negotiation, TX and RX on. Returns a new Ethernet interface, down and
 * without address, or NULL with errno: ENODEV (no LAN9118 at base), ETIMEDOUT
 * (the controller did not come out of reset), or what berth_netif_add set. */
berth_netif *berth_lan9118_attach(berth_stack *st, const struct berth_lan9118_config *cfg);

/* Move every received frame into the stack. Thread context only. Returns
 * the number of frames handed to berth (0 if none). */
int berth_lan9118_poll(berth_netif *ifp);

/* The interrupt handler's part: mask the controller's interrupt output.
 * Safe in any context; touches only the controller's registers. */
void berth_lan9118_isr(uintptr_t base);

/* Is ifp a LAN9118 interface? */
bool berth_is_lan9118(const berth_netif *ifp);

/* The PHY's link state (basic status register, link bit). */
bool berth_lan9118_link_up(berth_netif *ifp);

struct berth_lan9118_stats {
    uint32_t rx_frames, tx_frames;
    uint32_t rx_errors;     /* status error bit: CRC, length, too long, collision */
    uint32_t rx_oversize;   /* longer than the receive buffer */
    uint32_t rx_filtered;   /* address filter failed (only in promiscuous modes) */
    uint32_t tx_errors;     /* TX status error bit */
    uint32_t tx_fifo_full;  /* frames refused: no room in the TX data FIFO */
    uint32_t rx_dropped_hw; /* RX_DROP: frames the controller dropped itself */
};
int berth_lan9118_stats(berth_netif *ifp, struct berth_lan9118_stats *out);

#ifdef __cplusplus
}
#endif
#endif
