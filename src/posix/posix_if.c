/* posix_if.c — interface queries answered for the default stack's
 * interfaces, as Linux answers them for its own (net/core/dev_ioctl.c,
 * net/ipv4/devinet.c, glibc's if_nametoindex/getifaddrs over netlink):
 * SIOCGIFINDEX/NAME/MTU/FLAGS/ADDR/NETMASK/BRDADDR/HWADDR/CONF,
 * if_nametoindex, if_indextoname, if_nameindex and getifaddrs. */
#define BERTH_POSIX_NO_MACROS
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "berth/posix.h"
#include "core/stack_impl.h"
#include "netif/netif_impl.h"
#include "posix_impl.h"

/* Linux's lo has MTU 65536; berth's is capped at the IPv4 maximum 65535
 * internally (loopback.c), and answers as Linux's. */
unsigned posix_if_mtu(const berth_netif *ifp)
{
    return ifp->is_loopback && ifp->mtu == 65535 ? 65536 : ifp->mtu;
}

/* dev_get_flags: the 16 bits of ifr_flags. A berth interface that is up
 * is running (its carrier is the driver). */
static short if_flags(const berth_netif *ifp)
{
    unsigned f = 0;
    if (ifp->flags & BERTH_IFF_UP)
        f |= IFF_UP | IFF_RUNNING;
    if (ifp->is_loopback)
        f |= IFF_LOOPBACK;
    if (ifp->flags & BERTH_IFF_BROADCAST)
        f |= IFF_BROADCAST | IFF_MULTICAST;
    if (ifp->link == BERTH_LINK_RAW && !ifp->is_loopback)
        f |= IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
    return (short)f;
}

static struct sockaddr in4(struct in_addr a)
{
    struct sockaddr s;
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = a};
    memcpy(&s, &sin, sizeof s);
    return s;
}

static berth_netif *by_name(berth_stack *st, const char *name)
{
    for (berth_netif *i = st->netifs; i; i = i->next)
        if (strncmp(i->name, name, IFNAMSIZ) == 0)
            return i;
    return NULL;
}

static berth_netif *by_index(berth_stack *st, int index)
{
    for (berth_netif *i = st->netifs; i; i = i->next)
        if ((int)i->index == index)
            return i;
    return NULL;
}

/* The highest interface index in use: the lists below walk interfaces in
 * index order, as the kernel's do. */
static unsigned max_index(berth_stack *st)
{
    unsigned max = 0;
    for (berth_netif *i = st->netifs; i; i = i->next)
        if (i->index > max)
            max = i->index;
    return max;
}

/* SIOCGIFCONF (inet_gifconf): one ifreq per IPv4 address, interfaces in
 * index order; with ifc_req NULL only the length needed. */
static int gifconf(berth_stack *st, struct ifconf *ifc)
{
    int len = 0, room = ifc->ifc_len;
    unsigned max = max_index(st);
    for (unsigned x = 1; x <= max; x++) {
        berth_netif *i = by_index(st, (int)x);
        for (struct ifaddr4 *a = i ? i->addrs : NULL; a; a = a->next) {
            if (ifc->ifc_req) {
                if (room < (int)sizeof(struct ifreq))
                    goto done;
                struct ifreq r;
                memset(&r, 0, sizeof r);
                snprintf(r.ifr_name, IFNAMSIZ, "%s", i->name);
                r.ifr_addr = in4(a->addr);
                memcpy((char *)ifc->ifc_req + len, &r, sizeof r);
                room -= (int)sizeof r;
            }
            len += (int)sizeof(struct ifreq);
        }
    }
done:
    ifc->ifc_len = len;
    return 0;
}

int posix_if_ioctl(berth_stack *st, unsigned long req, void *arg)
{
    switch (req) {
    case SIOCGIFINDEX:
    case SIOCGIFNAME:
    case SIOCGIFMTU:
    case SIOCGIFFLAGS:
    case SIOCGIFADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFBRDADDR:
    case SIOCGIFHWADDR:
    case SIOCGIFCONF:
        break;
    default:
        return -2; /* not an interface query */
    }
    if ((uintptr_t)arg < 4096) {
        errno = EFAULT;
        return -1;
    }
    int e = 0;
    st_lock(st);
    if (req == SIOCGIFCONF) {
        gifconf(st, arg);
        st_unlock(st);
        return 0;
    }
    struct ifreq *r = arg;
    berth_netif *ifp;
    if (req == SIOCGIFNAME) {
        ifp = by_index(st, r->ifr_ifindex);
        if (!ifp)
            e = ENODEV;
        else
            strncpy(r->ifr_name, ifp->name, IFNAMSIZ);
        goto out;
    }
    char name[IFNAMSIZ];
    memcpy(name, r->ifr_name, IFNAMSIZ);
    name[IFNAMSIZ - 1] = 0;
    ifp = by_name(st, name);
    if (!ifp) {
        e = ENODEV;
        goto out;
    }
    switch (req) {
    case SIOCGIFINDEX:
        r->ifr_ifindex = (int)ifp->index;
        break;
    case SIOCGIFMTU:
        r->ifr_mtu = (int)posix_if_mtu(ifp);
        break;
    case SIOCGIFFLAGS:
        r->ifr_flags = if_flags(ifp);
        break;
    case SIOCGIFHWADDR:
        memset(&r->ifr_hwaddr, 0, sizeof r->ifr_hwaddr);
        r->ifr_hwaddr.sa_family = ifp->is_loopback              ? ARPHRD_LOOPBACK
                                  : ifp->link == BERTH_LINK_RAW ? ARPHRD_NONE
                                                                : ARPHRD_ETHER;
        if (!ifp->is_loopback && ifp->link == BERTH_LINK_ETHERNET)
            memcpy(r->ifr_hwaddr.sa_data, ifp->hwaddr, BERTH_ETH_ALEN);
        break;
    default: /* devinet_ioctl: the first (primary) address, else EADDRNOTAVAIL */
        if (!ifp->addrs) {
            e = EADDRNOTAVAIL;
            break;
        }
        r->ifr_addr = in4(req == SIOCGIFADDR      ? ifp->addrs->addr
                          : req == SIOCGIFNETMASK ? ifp->addrs->mask
                                                  : ifp->addrs->bcast);
        break;
    }
out:
    st_unlock(st);
    if (e) {
        errno = e;
        return -1;
    }
    return 0;
}

unsigned berth_posix_if_nametoindex(const char *name)
{
    berth_stack *st = berth_posix_stack();
    st_lock(st);
    berth_netif *ifp = by_name(st, name);
    unsigned i = ifp ? ifp->index : 0;
    st_unlock(st);
    if (!i)
        errno = ENODEV;
    return i;
}

char *berth_posix_if_indextoname(unsigned index, char buf[IF_NAMESIZE])
{
    berth_stack *st = berth_posix_stack();
    st_lock(st);
    berth_netif *ifp = by_index(st, (int)index);
    if (ifp)
        strncpy(buf, ifp->name, IF_NAMESIZE);
    st_unlock(st);
    if (!ifp) {
        errno = ENXIO;
        return NULL;
    }
    return buf;
}

struct if_nameindex *berth_posix_if_nameindex(void)
{
    berth_stack *st = berth_posix_stack();
    st_lock(st);
    size_t n = 0;
    for (berth_netif *i = st->netifs; i; i = i->next)
        n++;
    struct if_nameindex *v = calloc(n + 1, sizeof *v);
    size_t k = 0;
    for (berth_netif *i = st->netifs; v && i; i = i->next, k++) {
        v[k].if_index = i->index;
        if (!(v[k].if_name = strdup(i->name)))
            break;
    }
    st_unlock(st);
    if (!v || k < n) {
        berth_posix_if_freenameindex(v);
        errno = ENOBUFS;
        return NULL;
    }
    /* index order, as the kernel's dump */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1].if_index > v[j].if_index; j--) {
            struct if_nameindex t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v;
}

void berth_posix_if_freenameindex(struct if_nameindex *v)
{
    for (size_t i = 0; v && v[i].if_name; i++)
        free(v[i].if_name);
    free(v);
}

/* getifaddrs: one entry per interface (no address, as glibc's AF_PACKET
 * entry would carry link statistics berth does not model, the family is
 * AF_UNSPEC... left out), one per IPv4 address with its netmask and
 * broadcast (or point-to-point peer), in index order. One allocation per
 * entry; freeifaddrs frees the list. */
struct bifa {
    struct ifaddrs ifa;
    struct sockaddr_in addr, mask, bcast;
    char name[IFNAMSIZ];
};

int berth_posix_getifaddrs(struct ifaddrs **out)
{
    berth_stack *st = berth_posix_stack();
    struct ifaddrs *head = NULL, **tail = &head;
    st_lock(st);
    unsigned max = max_index(st);
    for (unsigned x = 1; x <= max; x++) {
        berth_netif *i = by_index(st, (int)x);
        for (struct ifaddr4 *a = i ? i->addrs : NULL; a; a = a->next) {
            struct bifa *b = calloc(1, sizeof *b);
            if (!b) {
                st_unlock(st);
                berth_posix_freeifaddrs(head);
                errno = ENOMEM;
                return -1;
            }
            snprintf(b->name, IFNAMSIZ, "%s", i->name);
            b->ifa.ifa_name = b->name;
            /* rtnetlink's ifi_flags: the 16 bits plus IFF_LOWER_UP. */
            b->ifa.ifa_flags = (unsigned)(unsigned short)if_flags(i) |
                               (i->flags & BERTH_IFF_UP ? 0x10000u : 0); /* IFF_LOWER_UP */
            b->addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr = a->addr};
            b->mask = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr = a->mask};
            b->ifa.ifa_addr = (struct sockaddr *)&b->addr;
            b->ifa.ifa_netmask = (struct sockaddr *)&b->mask;
            if (i->flags & BERTH_IFF_BROADCAST) {
                b->bcast = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr = a->bcast};
                b->ifa.ifa_broadaddr = (struct sockaddr *)&b->bcast;
            } else {
                /* The kernel sends IFA_ADDRESS beside IFA_LOCAL (equal on
                 * lo and peerless point-to-point links); glibc puts it in
                 * the broadaddr/dstaddr union. */
                b->bcast = b->addr;
                b->ifa.ifa_dstaddr = (struct sockaddr *)&b->bcast;
            }
            *tail = &b->ifa;
            tail = &b->ifa.ifa_next;
        }
    }
    st_unlock(st);
    *out = head;
    return 0;
}

void berth_posix_freeifaddrs(struct ifaddrs *ifa)
{
    while (ifa) {
        struct ifaddrs *n = ifa->ifa_next;
        free(ifa); /* the first member of struct bifa */
        ifa = n;
    }
}
