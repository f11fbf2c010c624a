/* v6_opt_values.c - IPPROTO_IPV6 options on an AF_INET6 UDP socket: their
 * defaults, the values and lengths Linux accepts (ipv6_sockglue.c
 * do_ipv6_setsockopt / do_ipv6_getsockopt), the errno of each refusal and
 * what getsockopt reads back. Nothing is sent. */
#include "conf.h"

/* <linux/in6.h> values glibc's <netinet/in.h> does not define */
#ifndef IPV6_FLOWINFO
#define IPV6_FLOWINFO 11
#endif
#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33
#endif
#ifndef IPV6_AUTOFLOWLABEL
#define IPV6_AUTOFLOWLABEL 70
#endif

struct opt {
    const char *name;
    int opt;
};

#define O(x)                                                                                       \
    {                                                                                              \
#x, x                                                                                      \
    }
static const struct opt opts[] = {
    O(IPV6_UNICAST_HOPS),  O(IPV6_MULTICAST_HOPS), O(IPV6_MULTICAST_LOOP), O(IPV6_TCLASS),
    O(IPV6_RECVPKTINFO),   O(IPV6_2292PKTINFO),    O(IPV6_RECVHOPLIMIT),   O(IPV6_2292HOPLIMIT),
    O(IPV6_RECVTCLASS),    O(IPV6_FLOWINFO),       O(IPV6_FLOWINFO_SEND),  O(IPV6_MTU_DISCOVER),
    O(IPV6_MTU),           O(IPV6_RECVERR),        O(IPV6_DONTFRAG),       O(IPV6_V6ONLY),
    O(IPV6_FREEBIND),      O(IPV6_HOPLIMIT),       O(IPV6_PKTINFO),        O(IPV6_RECVPATHMTU),
    O(IPV6_AUTOFLOWLABEL),
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void get(int fd, const struct opt *o)
{
    char l[96];
    snprintf(l, sizeof l, "IPPROTO_IPV6, %s", o->name);
    conf_getint(l, fd, IPPROTO_IPV6, o->opt);
}

static void set(int fd, const struct opt *o, int v)
{
    char l[96];
    snprintf(l, sizeof l, "IPPROTO_IPV6, %s", o->name);
    conf_setint(l, fd, IPPROTO_IPV6, o->opt, v);
}

int main(void)
{
    static const int vals[] = {-2, -1, 0, 1, 2, 3, 4, 5, 6, 64, 255, 256, 1279, 1280, 65535, 70000};
    for (size_t i = 0; i < NOPTS; i++) {
        int fd = socket(AF_INET6, SOCK_DGRAM, 0);
        get(fd, &opts[i]);
        for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
            set(fd, &opts[i], vals[k]);
            if (k == 1 || k == 3 || k == 9 || k == 12 || k == 15)
                get(fd, &opts[i]);
        }
        /* short option lengths: 0, 1 and 3 bytes */
        int v = 1;
        char l[96];
        snprintf(l, sizeof l, "setsockopt(%s, len 0)", opts[i].name);
        CHECKL(l, setsockopt(fd, IPPROTO_IPV6, opts[i].opt, &v, 0));
        snprintf(l, sizeof l, "setsockopt(%s, len 1)", opts[i].name);
        CHECKL(l, setsockopt(fd, IPPROTO_IPV6, opts[i].opt, &v, 1));
        snprintf(l, sizeof l, "setsockopt(%s, len 3)", opts[i].name);
        CHECKL(l, setsockopt(fd, IPPROTO_IPV6, opts[i].opt, &v, 3));
        get(fd, &opts[i]);
        /* getsockopt with a 1-byte and a 0-byte buffer */
        unsigned char c = 0xAA;
        socklen_t len = 1;
        snprintf(l, sizeof l, "getsockopt(%s, len 1)", opts[i].name);
        errno = 0;
        int r = getsockopt(fd, IPPROTO_IPV6, opts[i].opt, &c, &len);
        if (r < 0)
            conf_report(l, r, errno);
        else
            conf_printf("%s = %d byte=%u len=%u\n", l, r, c, (unsigned)len);
        len = 0;
        snprintf(l, sizeof l, "getsockopt(%s, len 0)", opts[i].name);
        errno = 0;
        r = getsockopt(fd, IPPROTO_IPV6, opts[i].opt, &c, &len);
        if (r < 0)
            conf_report(l, r, errno);
        else
            conf_printf("%s = %d len=%u\n", l, r, (unsigned)len);
        close(fd);
    }
    /* IPV6_V6ONLY after bind; the IPv6 options on a TCP socket that Linux
     * refuses for streams (IPV6_MULTICAST_HOPS falls through to ENOPROTOOPT) */
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6};
    MUST(bind(fd, SA(&a), sizeof a));
    SETINT(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    GETINT(fd, IPPROTO_IPV6, IPV6_V6ONLY);
    close(fd);
    int t = socket(AF_INET6, SOCK_STREAM, 0);
    SETINT(t, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 5);
    GETINT(t, IPPROTO_IPV6, IPV6_MULTICAST_HOPS);
    SETINT(t, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 7);
    GETINT(t, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
    SETINT(t, IPPROTO_IPV6, IPV6_TCLASS, 0x28);
    GETINT(t, IPPROTO_IPV6, IPV6_TCLASS);
    SETINT(t, IPPROTO_IPV6, IPV6_TCLASS, 0x2b); /* the ECN bits belong to TCP */
    GETINT(t, IPPROTO_IPV6, IPV6_TCLASS);
    SETINT(t, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
    GETINT(t, IPPROTO_IPV6, IPV6_MULTICAST_LOOP);
    GETINT(t, IPPROTO_IPV6, IPV6_MTU);
    close(t);
    /* IPPROTO_IPV6 on an AF_INET socket */
    int u4 = socket(AF_INET, SOCK_DGRAM, 0);
    SETINT(u4, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 7);
    GETINT(u4, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
    close(u4);
    return 0;
}
