/* Interface queries on a fresh namespace (lo only, up, 127.0.0.1/8):
 * SIOCGIFINDEX/NAME/MTU/FLAGS/ADDR/NETMASK/HWADDR/CONF on a UDP socket,
 * unknown names and indexes (ENODEV), if_nametoindex/if_indextoname
 * (ENODEV/ENXIO), if_nameindex, and getifaddrs' IPv4 entries. */
#include <ifaddrs.h>
#include <net/if.h>

#include "conf.h"

static void ifreq_name(int fd, unsigned long req, const char *reqname, const char *name)
{
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strncpy(r.ifr_name, name, IFNAMSIZ - 1);
    errno = 0;
    int rc = ioctl(fd, req, &r);
    conf_printf("%s %s: %d %s", reqname, name, rc, rc ? conf_errname(errno) : "");
    if (rc == 0) {
        if (req == SIOCGIFINDEX)
            conf_printf(" index %d", r.ifr_ifindex);
        else if (req == SIOCGIFMTU)
            conf_printf(" mtu %d", r.ifr_mtu);
        else if (req == SIOCGIFFLAGS)
            conf_printf(" flags 0x%x", (unsigned)(unsigned short)r.ifr_flags);
        else if (req == SIOCGIFHWADDR)
            conf_printf(" family %d", r.ifr_hwaddr.sa_family);
        else
            conf_printf(" %s", inet_ntoa(((struct sockaddr_in *)&r.ifr_addr)->sin_addr));
    }
    conf_printf("\n");
}

int main(void)
{
    int u;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    ifreq_name(u, SIOCGIFINDEX, "SIOCGIFINDEX", "lo");
    ifreq_name(u, SIOCGIFINDEX, "SIOCGIFINDEX", "nope0");
    ifreq_name(u, SIOCGIFMTU, "SIOCGIFMTU", "lo");
    ifreq_name(u, SIOCGIFFLAGS, "SIOCGIFFLAGS", "lo");
    ifreq_name(u, SIOCGIFADDR, "SIOCGIFADDR", "lo");
    ifreq_name(u, SIOCGIFNETMASK, "SIOCGIFNETMASK", "lo");
    ifreq_name(u, SIOCGIFHWADDR, "SIOCGIFHWADDR", "lo");
    ifreq_name(u, SIOCGIFMTU, "SIOCGIFMTU", "nope0");

    struct ifreq r;
    memset(&r, 0, sizeof r);
    r.ifr_ifindex = 1;
    int rc = ioctl(u, SIOCGIFNAME, &r);
    conf_printf("SIOCGIFNAME 1: %d %s\n", rc, rc ? conf_errname(errno) : r.ifr_name);
    r.ifr_ifindex = 999;
    rc = ioctl(u, SIOCGIFNAME, &r);
    conf_printf("SIOCGIFNAME 999: %d %s\n", rc, rc ? conf_errname(errno) : r.ifr_name);

    struct ifreq reqs[8];
    struct ifconf ifc = {.ifc_len = sizeof reqs, .ifc_req = reqs};
    rc = ioctl(u, SIOCGIFCONF, &ifc);
    conf_printf("SIOCGIFCONF: %d, %d entries\n", rc, ifc.ifc_len / (int)sizeof(struct ifreq));
    for (int i = 0; rc == 0 && i < ifc.ifc_len / (int)sizeof(struct ifreq); i++)
        conf_printf("  %s %s\n", reqs[i].ifr_name,
                    inet_ntoa(((struct sockaddr_in *)&reqs[i].ifr_addr)->sin_addr));
    struct ifconf len_only = {.ifc_len = 0, .ifc_req = NULL};
    rc = ioctl(u, SIOCGIFCONF, &len_only);
    conf_printf("SIOCGIFCONF (length only): %d, %d entries\n", rc,
                len_only.ifc_len / (int)sizeof(struct ifreq));

    conf_printf("if_nametoindex(lo) = %u\n", if_nametoindex("lo"));
    errno = 0;
    unsigned x = if_nametoindex("nope0");
    conf_printf("if_nametoindex(nope0) = %u %s\n", x, conf_errname(errno));
    char buf[IF_NAMESIZE];
    char *n = if_indextoname(1, buf);
    conf_printf("if_indextoname(1) = %s\n", n ? n : "NULL");
    errno = 0;
    n = if_indextoname(999, buf);
    conf_printf("if_indextoname(999) = %s %s\n", n ? n : "NULL", conf_errname(errno));
    struct if_nameindex *ni = if_nameindex();
    for (struct if_nameindex *p = ni; p && p->if_index; p++)
        conf_printf("if_nameindex: %u %s\n", p->if_index, p->if_name);
    if_freenameindex(ni);

    struct ifaddrs *ifa;
    rc = getifaddrs(&ifa);
    conf_printf("getifaddrs: %d\n", rc);
    for (struct ifaddrs *p = ifa; rc == 0 && p; p = p->ifa_next) {
        if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET)
            continue;
        char a[16], m[16];
        inet_ntop(AF_INET, &((struct sockaddr_in *)p->ifa_addr)->sin_addr, a, sizeof a);
        inet_ntop(AF_INET, &((struct sockaddr_in *)p->ifa_netmask)->sin_addr, m, sizeof m);
        conf_printf("  %s inet %s netmask %s flags 0x%x broadaddr %s\n", p->ifa_name, a, m,
                    p->ifa_flags, p->ifa_broadaddr ? "yes" : "no");
    }
    if (rc == 0)
        freeifaddrs(ifa);
    return 0;
}
