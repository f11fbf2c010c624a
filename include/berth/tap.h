/* berth/tap.h — put a berth host on a Linux TAP (Ethernet) or TUN (raw IP)
 * device.
 *
 * The device belongs to the kernel's network stack on one side; berth
 * attaches to the other side (/dev/net/tun) and becomes a separate host on
 * that wire, with its own MAC address (TAP) and its own IP addresses. The
 * kernel side configures its end as usual:
 *
 *     ip tuntap add dev tap0 mode tap
 *     ip addr add 192.0.2.1/24 dev tap0 && ip link set tap0 up
 *
 * and berth:
 *
 *     berth_netif *ifp = berth_tap_attach(st, "tap0", NULL);
 *     berth_netif_addr_add(ifp, a, 24);   (a = 192.0.2.2)
 *     berth_netif_set_up(ifp, true);
 *
 * By default a driver thread (posix platform only) waits in poll() on the
 * device and an eventfd — never spinning — feeds received frames to the
 * stack, writes delayed frames when they fall due, and runs the stack's
 * timers. berth_netif_remove (or berth_stack_free) stops and joins it and
 * closes the device. With no_thread, a single-threaded program polls
 * berth_tap_fd() itself and calls berth_tap_service().
 *
 * The virtual link's fault model (berth/sim.h: loss, latency, jitter,
 * bandwidth, duplication, reordering) can be applied at the driver, to
 * frames berth sends (tx) and frames it receives (rx), from a seeded
 * generator: the way to put the kernel's TCP under loss without netem.
 *
 * Linux only (BERTH_WITH_TAP).
 */
#ifndef BERTH_TAP_H
#define BERTH_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "netif.h"
#include "sim.h" /* struct berth_link_params */

#ifdef __cplusplus
extern "C" {
#endif

struct berth_tap_config {
    bool tun;       /* IFF_TUN (raw IP) instead of IFF_TAP (Ethernet) */
    bool create;    /* create the device if it does not exist (it goes when berth detaches) */
    bool no_thread; /* no driver thread: see berth_tap_fd / berth_tap_service */
    /* berth's MAC address on the wire (TAP); random if !have_hwaddr. */
    bool have_hwaddr;
    uint8_t hwaddr[BERTH_ETH_ALEN];
    unsigned mtu;       /* 0: the device's MTU */
    const char *ifname; /* the berth interface's name; NULL: the device's */
    /* Faults applied to frames berth sends (tx) and receives (rx). */
    struct berth_link_params tx, rx;
    uint64_t seed; /* of the fault generator; 0: random */
};
/* No faults, TAP, a driver thread, the device's MTU, a random MAC. */
void berth_tap_config_init(struct berth_tap_config *cfg);

/* Attach st to the device `dev` (cfg NULL: defaults). Returns a new
 * interface, down and without address, or NULL with errno:
 *   ENOENT   /dev/net/tun does not exist (no tun driver)
 *   EACCES   /dev/net/tun cannot be opened (permissions)
 *   ENODEV   no device of that name (and !cfg->create)
 *   EBUSY    another process is attached to the device
 *   EPERM    not allowed to attach (CAP_NET_ADMIN, or the device's owner/group)
 *   EINVAL   the device is not a TAP (or with cfg->tun, not a TUN) device,
 *            or a bad name or parameter
 *   EEXIST   st already has an interface of that name
 *   ENOMEM, or what creating the thread failed with. */
berth_netif *berth_tap_attach(berth_stack *st, const char *dev, const struct berth_tap_config *cfg);

/* Is ifp a TAP/TUN interface? */
bool berth_is_tap(const berth_netif *ifp);
/* no_thread mode: the descriptor to poll for POLLIN, and the absolute time
 * (platform clock, us) by which berth_tap_service must run again (the
 * stack's next timer or a delayed frame; BERTH_FOREVER if none). */
int berth_tap_fd(berth_netif *ifp);
uint64_t berth_tap_next_deadline(berth_netif *ifp);
/* Read what the device has (up to a batch), deliver due delayed frames,
 * run the stack. Returns the number of frames read, or -1 with errno. */
int berth_tap_service(berth_netif *ifp);

struct berth_tap_stats {
    uint64_t rx_frames, tx_frames; /* read from / written to the device */
    uint64_t rx_lost, tx_lost;     /* dropped by the fault model */
    uint64_t rx_duplicated, tx_duplicated;
    uint64_t rx_reordered, tx_reordered;
    uint64_t rx_delayed, tx_delayed;         /* held in the driver's delay queue */
    uint64_t rx_queue_drops, tx_queue_drops; /* bandwidth queue or delay queue full */
    uint64_t read_errors, write_errors;
    uint64_t device_gone; /* 1 once the device went away (deleted on the kernel side) */
};
int berth_tap_stats(berth_netif *ifp, struct berth_tap_stats *out);

#ifdef __cplusplus
}
#endif
#endif
