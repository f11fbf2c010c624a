/* preload_env.c — the default stack's interface from the environment
 * (docs/posix.md): BERTH_TAP, BERTH_ADDR, BERTH_GW, BERTH_MTU, BERTH_PCAP;
 * and its sysctls: BERTH_SYSCTL. */
#define BERTH_POSIX_NO_MACROS
#include "preload_env.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "berth/netif.h"
#include "berth/pcap.h"
#include "berth/sysctl.h"
#include "berth/tap.h"
#include "psock.h"

static void die(const char *what, const char *val)
{
    fprintf(stderr, "berth-preload: %s %s: %s\n", what, val ? val : "", strerror(errno));
    exit(EXIT_FAILURE);
}

/* Descriptors open now, as a bitmap over [0, n). */
static void open_fds(unsigned char *m, size_t n)
{
    memset(m, 0, n);
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        long fd = strtol(e->d_name, NULL, 10);
        if (e->d_name[0] != '.' && fd >= 0 && (size_t)fd < n)
            m[fd] = 1;
    }
    closedir(d);
}

static berth_netif *g_ifp;
static bool g_pcap;

void preload_env_exit(void)
{
    /* The capture ends with the last whole frame: exit's flush of stdio
     * must not race the driver thread appending one. */
    if (g_ifp && g_pcap) {
        berth_pcap_close(g_ifp);
        g_pcap = false;
    }
}

static void attach_tap(berth_stack *st, const char *dev)
{
    const char *addr = getenv("BERTH_ADDR"), *gw = getenv("BERTH_GW");
    const char *mtu = getenv("BERTH_MTU"), *pcap = getenv("BERTH_PCAP");
    struct berth_tap_config tc;
    berth_tap_config_init(&tc);
    if (mtu)
        tc.mtu = (unsigned)strtoul(mtu, NULL, 10);
    /* What the device, its driver thread and the capture open is berth's
     * own: found by difference, then protected from close-all loops. */
    enum { NFD = 65536 };
    static unsigned char before[NFD], after[NFD];
    open_fds(before, NFD);
    berth_netif *ifp = berth_tap_attach(st, dev, &tc);
    if (!ifp)
        die("cannot attach the TAP device", dev);
    if (pcap && berth_pcap_open(ifp, pcap) != 0)
        die("cannot write the capture", pcap);
    g_ifp = ifp;
    g_pcap = pcap != NULL;
    open_fds(after, NFD);
    for (int i = 0; i < NFD; i++)
        if (after[i] && !before[i])
            ps_mark_internal(i, true);
    if (addr) {
        struct in_addr a;
        unsigned plen;
        if (berth_parse_prefix(addr, &a, &plen) != 0) {
            errno = EINVAL;
            die("bad BERTH_ADDR", addr);
        }
        if (berth_netif_addr_add(ifp, a, plen) != 0)
            die("cannot add BERTH_ADDR", addr);
    }
    berth_netif_set_up(ifp, true);
    if (gw) {
        struct in_addr g, any = {0};
        if (inet_pton(AF_INET, gw, &g) != 1) {
            errno = EINVAL;
            die("bad BERTH_GW", gw);
        }
        if (berth_route_add(st, any, 0, g, ifp) != 0)
            die("cannot add the default route via", gw);
    }
}

/* BERTH_SYSCTL="name=value;name=value": each set as berth_sysctl_set
 * would (values may hold blanks: "net.ipv4.ping_group_range=0 2147483647"
 * lets the program open ping sockets, as the host's sysctl would). */
static void apply_sysctls(berth_stack *st, const char *spec)
{
    char buf[1024];
    if (strlen(spec) >= sizeof(buf)) {
        errno = E2BIG;
        die("BERTH_SYSCTL too long", "");
    }
    strcpy(buf, spec);
    for (char *item = strtok(buf, ";"); item; item = strtok(NULL, ";")) {
        char *eq = strchr(item, '=');
        if (!eq) {
            errno = EINVAL;
            die("bad BERTH_SYSCTL item", item);
        }
        *eq = 0;
        if (berth_sysctl_set(st, item, eq + 1) != 0)
            die("cannot set sysctl", item);
    }
}

void preload_configure(berth_stack *st)
{
    const char *dev = getenv("BERTH_TAP"), *sysctls = getenv("BERTH_SYSCTL");
    ps_busy = true;
    if (sysctls && *sysctls)
        apply_sysctls(st, sysctls);
    if (dev && *dev)
        attach_tap(st, dev);
    ps_busy = false;
    if (ps_start(st) != 0)
        die("cannot start the pump", "");
}
