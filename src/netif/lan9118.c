/* lan9118.c — SMSC LAN9118-family Ethernet driver (berth/lan9118.h).
 *
 * Written from the LAN9118 datasheet's register map (SMSC/Microchip
 * DS00002266, "System Control and Status Registers", "MAC Control and
 * Status Registers", "TX/RX Data Path Operations") and checked against
 * QEMU's model (hw/net/lan9118.c), which is what CI runs.
 *
 * The controller has no DMA: frames move through FIFOs that the CPU reads
 * and writes one 32-bit word at a time, little-endian byte order within a
 * word.
 *   TX: per frame, command word A (buffer size, first/last segment),
 *       command word B (tag, frame length), then the data words. The frame
 *       is sent once its last word is in; a status word (tag, error bit)
 *       lands in the TX status FIFO, which transmit drains.
 *   RX: the RX status FIFO holds one word per received frame (length with
 *       the 4-byte FCS, error bits); the frame's data words follow in the RX
 *       data FIFO, rounded up to whole words.
 * MAC registers (control, address, MII access to the internal PHY at
 * address 1) sit behind MAC_CSR_CMD/MAC_CSR_DATA.
 */
#include <errno.h>
#include <string.h>

#include "berth/lan9118.h"
#include "core/stack_impl.h"
#include "netif/netif_impl.h"

/* System control and status registers (byte offsets from the base). */
#define RX_DATA_FIFO 0x00
#define TX_DATA_FIFO 0x20
#define RX_STATUS_FIFO 0x40
#define TX_STATUS_FIFO 0x48
#define ID_REV 0x50
#define IRQ_CFG 0x54
#define INT_STS 0x58
#define INT_EN 0x5c
#define BYTE_TEST 0x64
#define FIFO_INT 0x68
#define RX_CFG 0x6c
#define TX_CFG 0x70
#define HW_CFG 0x74
#define RX_FIFO_INF 0x7c
#define TX_FIFO_INF 0x80
#define PMT_CTRL 0x84
#define RX_DROP 0xa0
#define MAC_CSR_CMD 0xa4
#define MAC_CSR_DATA 0xa8

#define BYTE_TEST_VALUE 0x87654321u

#define IRQ_CFG_TYPE_PUSHPULL (1u << 0)
#define IRQ_CFG_POL_HIGH (1u << 4)
#define IRQ_CFG_EN (1u << 8)
#define INT_RSFL (1u << 3) /* RX status FIFO above its level (FIFO_INT) */
#define HW_CFG_SRST (1u << 0)
#define HW_CFG_MBO (1u << 20) /* "must be one" */
#define HW_CFG_TX_FIF_5 (5u << 16)
#define PMT_READY (1u << 0)
#define TX_CFG_ON (1u << 1)
#define TX_CFG_TXSAO (1u << 2)       /* TX status may overrun: never stalls TX */
#define FIFO_INT_DEFAULT 0x48000000u /* TX data available level 0x48, RSFL 0 */
#define FIFO_INF_STATUS(v) (((v) >> 16) & 0xffu)
#define TX_FIFO_FREE(v) ((v)&0xffffu)

#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)
#define MAC_CR 1
#define MAC_ADDRH 2
#define MAC_ADDRL 3
#define MAC_MII_ACC 6
#define MAC_MII_DATA 7
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_FDPX (1u << 20)

#define PHY_ADDR 1 /* the internal PHY */
#define MII_BUSY (1u << 0)
#define MII_WRITE (1u << 1)
#define PHY_BCR 0
#define PHY_BSR 1
#define PHY_BCR_RESET 0x8000u
#define PHY_BCR_ANENABLE 0x1000u
#define PHY_BCR_ANRESTART 0x0200u
#define PHY_BSR_LINK 0x0004u

#define TXA_FIRST (1u << 13)
#define TXA_LAST (1u << 12)
#define RXS_LEN(s) (((s) >> 16) & 0x3fffu)
#define RXS_ERROR (1u << 15)
#define RXS_FILTER_FAIL (1u << 30)
#define TXS_ERROR (1u << 15)

#define ETH_MIN_FRAME 60   /* without the FCS: shorter frames are padded */
#define RX_BUF_WORDS 384   /* 1536 bytes: 1514 + FCS, rounded up */
#define POLL_BATCH 64      /* frames per poll, so a flood cannot starve timers */
#define SPIN_LIMIT 100000u /* bound on every busy-wait on the controller */

struct lan9118 {
    uintptr_t base;
    berth_netif *ifp;
    bool use_irq;
    uint16_t tag;
    struct berth_lan9118_stats s;
    uint32_t rx[RX_BUF_WORDS];
};

static inline uint32_t rd(uintptr_t base, unsigned off)
{
    return *(volatile uint32_t *)(base + off);
}

static inline void wr(uintptr_t base, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

/* Spin until (reg & mask) == want; false on timeout. */
static bool wait_reg(uintptr_t base, unsigned off, uint32_t mask, uint32_t want)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++)
        if ((rd(base, off) & mask) == want)
            return true;
    return false;
}

static uint32_t mac_read(uintptr_t base, unsigned reg)
{
    wait_reg(base, MAC_CSR_CMD, MAC_CSR_BUSY, 0);
    wr(base, MAC_CSR_CMD, MAC_CSR_BUSY | MAC_CSR_READ | reg);
    wait_reg(base, MAC_CSR_CMD, MAC_CSR_BUSY, 0);
    return rd(base, MAC_CSR_DATA);
}

static void mac_write(uintptr_t base, unsigned reg, uint32_t v)
{
    wait_reg(base, MAC_CSR_CMD, MAC_CSR_BUSY, 0);
    wr(base, MAC_CSR_DATA, v);
    wr(base, MAC_CSR_CMD, MAC_CSR_BUSY | reg);
    wait_reg(base, MAC_CSR_CMD, MAC_CSR_BUSY, 0);
}

static uint32_t phy_read(uintptr_t base, unsigned reg)
{
    mac_write(base, MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_BUSY);
    for (uint32_t i = 0; i < SPIN_LIMIT && (mac_read(base, MAC_MII_ACC) & MII_BUSY); i++)
        ;
    return mac_read(base, MAC_MII_DATA) & 0xffffu;
}

static void phy_write(uintptr_t base, unsigned reg, uint32_t v)
{
    mac_write(base, MAC_MII_DATA, v);
    mac_write(base, MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_WRITE | MII_BUSY);
    for (uint32_t i = 0; i < SPIN_LIMIT && (mac_read(base, MAC_MII_ACC) & MII_BUSY); i++)
        ;
}

/* Status words of sent frames: count errors, keep the FIFO from filling. */
static void tx_reap(struct lan9118 *c)
{
    for (uint32_t n = FIFO_INF_STATUS(rd(c->base, TX_FIFO_INF)); n; n--)
        if (rd(c->base, TX_STATUS_FIFO) & TXS_ERROR)
            c->s.tx_errors++;
}

static int lan_transmit(void *ctx, berth_netif *ifp, const void *pkt, size_t len)
{
    (void)ifp;
    struct lan9118 *c = ctx;
    const uint8_t *p = pkt;
    size_t flen = len < ETH_MIN_FRAME ? ETH_MIN_FRAME : len;
    if (flen > 2047)
        return EMSGSIZE; /* 11-bit length fields; berth never sends more than MTU + 14 */
    tx_reap(c);
    uint32_t need = (uint32_t)((flen + 3) & ~(size_t)3) + 8; /* data words + commands A, B */
    uint32_t i = 0;
    while (TX_FIFO_FREE(rd(c->base, TX_FIFO_INF)) < need) {
        if (++i == SPIN_LIMIT) {
            c->s.tx_fifo_full++;
            return ENOBUFS;
        }
    }
    uint32_t tag = ++c->tag;
    wr(c->base, TX_DATA_FIFO, TXA_FIRST | TXA_LAST | (uint32_t)flen);
    wr(c->base, TX_DATA_FIFO, tag << 16 | (uint32_t)flen);
    size_t off = 0;
    for (; off + 4 <= len; off += 4) {
        uint32_t w;
        memcpy(&w, p + off, 4); /* pkt may be unaligned; the FIFO is little-endian */
        wr(c->base, TX_DATA_FIFO, w);
    }
    /* The tail of the frame, then zero padding up to the minimum size. */
    for (; off < flen; off += 4) {
        uint8_t b[4] = {0};
        for (unsigned k = 0; k < 4 && off + k < len; k++)
            b[k] = p[off + k];
        uint32_t w;
        memcpy(&w, b, 4);
        wr(c->base, TX_DATA_FIFO, w);
    }
    c->s.tx_frames++;
    return 0;
}

static void lan_stop(uintptr_t base)
{
    wr(base, INT_EN, 0);
    wr(base, IRQ_CFG, 0);
    mac_write(base, MAC_CR, 0);
    wr(base, TX_CFG, 0);
}

static void lan_detach(void *ctx, berth_netif *ifp)
{
    struct lan9118 *c = ctx;
    lan_stop(c->base);
    st_free(ifp->st, c);
}

static struct lan9118 *ctx_of(const berth_netif *ifp)
{
    return ifp && ifp->drv.transmit == lan_transmit ? ifp->drv_ctx : NULL;
}

bool berth_is_lan9118(const berth_netif *ifp) { return ctx_of(ifp) != NULL; }

void berth_lan9118_config_init(struct berth_lan9118_config *cfg, uintptr_t base)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->base = base;
    cfg->ifname = "eth0";
    cfg->use_irq = true;
}

void berth_lan9118_isr(uintptr_t base)
{
    /* Masking, not acknowledging: RSFL is a level condition on the real
     * chip, and clearing it here would only re-raise it until the FIFO is
     * read — which is thread work (berth_lan9118_poll). */
    wr(base, INT_EN, 0);
}

static bool valid_unicast(const uint8_t m[BERTH_ETH_ALEN])
{
    static const uint8_t zero[BERTH_ETH_ALEN];
    return !(m[0] & 1) && memcmp(m, zero, BERTH_ETH_ALEN) != 0;
}

berth_netif *berth_lan9118_attach(berth_stack *st, const struct berth_lan9118_config *cfg)
{
    uintptr_t base = cfg->base;
    /* BYTE_TEST reads the same whatever the bus's byte order: the probe. */
    if (rd(base, BYTE_TEST) != BYTE_TEST_VALUE) {
        errno = ENODEV;
        return NULL;
    }
    /* Soft reset, then wait for the device to be ready (datasheet: SRST
     * self-clears; PMT_CTRL.READY once the PLL and EEPROM load are done). */
    wr(base, HW_CFG, HW_CFG_SRST);
    if (!wait_reg(base, HW_CFG, HW_CFG_SRST, 0) ||
        !wait_reg(base, PMT_CTRL, PMT_READY, PMT_READY)) {
        errno = ETIMEDOUT;
        return NULL;
    }
    wr(base, HW_CFG, HW_CFG_MBO | HW_CFG_TX_FIF_5);
    wr(base, INT_EN, 0);
    wr(base, INT_STS, 0xffffffffu);

    /* PHY: reset, then auto-negotiation on and restarted. The link comes up
     * later; berth does not need to wait for it (frames sent before it is
     * up are lost, as on any NIC, and ARP retries). */
    phy_write(base, PHY_BCR, PHY_BCR_RESET);
    for (uint32_t i = 0; i < SPIN_LIMIT && (phy_read(base, PHY_BCR) & PHY_BCR_RESET); i++)
        ;
    phy_write(base, PHY_BCR, PHY_BCR_ANENABLE | PHY_BCR_ANRESTART);

    struct lan9118 *c = st_zalloc(st, sizeof(*c));
    if (!c) {
        errno = ENOMEM;
        return NULL;
    }
    c->base = base;
    c->use_irq = cfg->use_irq;

    uint8_t mac[BERTH_ETH_ALEN];
    uint32_t lo = mac_read(base, MAC_ADDRL), hi = mac_read(base, MAC_ADDRH);
    for (unsigned i = 0; i < 4; i++)
        mac[i] = (uint8_t)(lo >> (8 * i));
    mac[4] = (uint8_t)hi;
    mac[5] = (uint8_t)(hi >> 8);

    struct berth_netif_driver drv = {
        .transmit = lan_transmit, .detach = lan_detach, .link = BERTH_LINK_ETHERNET};
    berth_netif *ifp =
        berth_netif_add(st, cfg->ifname ? cfg->ifname : "eth0", 1500, BERTH_IFF_BROADCAST, &drv, c);
    if (!ifp) {
        int e = errno;
        st_free(st, c);
        lan_stop(base);
        errno = e;
        return NULL;
    }
    c->ifp = ifp;
    if (cfg->have_hwaddr && valid_unicast(cfg->hwaddr))
        memcpy(mac, cfg->hwaddr, BERTH_ETH_ALEN);
    if (valid_unicast(mac))
        berth_netif_set_hwaddr(ifp, mac);
    else
        berth_netif_hwaddr(ifp, mac); /* berth's random local address */
    /* The address filter: ours, and broadcast (MAC_CR.BCAST clear). */
    mac_write(base, MAC_ADDRL,
              (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
                  (uint32_t)mac[3] << 24);
    mac_write(base, MAC_ADDRH, (uint32_t)mac[4] | (uint32_t)mac[5] << 8);

    wr(base, RX_CFG, 0); /* no offset, 4-byte end alignment */
    wr(base, FIFO_INT, FIFO_INT_DEFAULT);
    wr(base, TX_CFG, TX_CFG_ON | TX_CFG_TXSAO);
    /* Full duplex: what the PHY advertises and QEMU's link partner offers.
     * Not promiscuous (PRMS clear), broadcast accepted. */
    mac_write(base, MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX);
    /* Active-high push-pull in both modes: out of reset the line is
     * active-low and idles high, which an interrupt controller wired to it
     * (the MPS2's NVIC input 13) takes for a pending interrupt. Polled: the
     * output stays disabled, so the line stays low. */
    wr(base, IRQ_CFG, (c->use_irq ? IRQ_CFG_EN : 0) | IRQ_CFG_POL_HIGH | IRQ_CFG_TYPE_PUSHPULL);
    if (c->use_irq)
        wr(base, INT_EN, INT_RSFL);
    return ifp;
}

int berth_lan9118_poll(berth_netif *ifp)
{
    struct lan9118 *c = ctx_of(ifp);
    if (!c)
        return 0;
    uintptr_t base = c->base;
    int got = 0;
    /* Acknowledge first, then drain: a frame that arrives after the last
     * look raises RSFL again and, once unmasked below, the interrupt. */
    if (c->use_irq)
        wr(base, INT_STS, INT_RSFL);
    while (got < POLL_BATCH && FIFO_INF_STATUS(rd(base, RX_FIFO_INF))) {
        uint32_t sts = rd(base, RX_STATUS_FIFO);
        uint32_t len = RXS_LEN(sts), words = (len + 3) / 4;
        bool keep = true;
        if (sts & RXS_ERROR) {
            c->s.rx_errors++;
            keep = false;
        } else if (sts & RXS_FILTER_FAIL) {
            c->s.rx_filtered++;
            keep = false;
        } else if (words > RX_BUF_WORDS || len < 4 + 14) {
            c->s.rx_oversize += words > RX_BUF_WORDS;
            c->s.rx_errors += words <= RX_BUF_WORDS;
            keep = false;
        }
        /* The data words are read out in every case: that is what removes
         * the frame from the FIFO. */
        for (uint32_t i = 0; i < words; i++) {
            uint32_t w = rd(base, RX_DATA_FIFO);
            if (keep)
                c->rx[i] = w;
        }
        if (!keep)
            continue;
        c->s.rx_frames++;
        got++;
        berth_netif_input(ifp, c->rx, len - 4); /* without the FCS */
    }
    if (c->use_irq)
        wr(base, INT_EN, INT_RSFL);
    tx_reap(c);
    return got;
}

bool berth_lan9118_link_up(berth_netif *ifp)
{
    struct lan9118 *c = ctx_of(ifp);
    if (!c)
        return false;
    /* The link bit latches low (IEEE 802.3 22.2.4.2.13): the first read
     * reports a drop since the last one, the second the state now. */
    (void)phy_read(c->base, PHY_BSR);
    return phy_read(c->base, PHY_BSR) & PHY_BSR_LINK;
}

int berth_lan9118_stats(berth_netif *ifp, struct berth_lan9118_stats *out)
{
    struct lan9118 *c = ctx_of(ifp);
    if (!c) {
        errno = EINVAL;
        return -1;
    }
    c->s.rx_dropped_hw += rd(c->base, RX_DROP); /* clears on read */
    *out = c->s;
    return 0;
}
