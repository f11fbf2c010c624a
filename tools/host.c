/* host.c — putting a berth host on a TAP/TUN device for the berth program:
 * the common options, start-up with a clear message for every way it can
 * fail, signal handling, and the counters printed at exit. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "berth/arp.h"
#if BERTH_WITH_IPV6
#include "berth/nd6.h"
#endif
#include "berth/pcap.h"
#include "berth/socket.h"
#include "berth/tap.h"
#include "berth_tool.h"

void host_opts_init(struct host_opts *o)
{
    memset(o, 0, sizeof(*o));
    berth_link_params_init(&o->faults);
    o->faults_in = o->faults_out = true;
}

static int bad(const char *opt, const char *val, const char *want)
{
    fprintf(stderr, "berth: bad value '%s' for %s: expected %s\n", val ? val : "", opt, want);
    return -1;
}

static int need(int argc, char **argv, int i)
{
    if (i + 1 >= argc) {
        fprintf(stderr, "berth: %s needs a value (berth --help)\n", argv[i]);
        return -1;
    }
    return 0;
}

static int parse_double01(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 1))
        return -1;
    *out = v;
    return 0;
}

/* A probability given as 0.02 or 2%. */
static int parse_prob(const char *s, double *out)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '%') {
        char buf[32];
        if (n >= sizeof(buf))
            return -1;
        memcpy(buf, s, n - 1);
        buf[n - 1] = 0;
        char *end;
        errno = 0;
        double v = strtod(buf, &end);
        if (errno || end == buf || *end || !(v >= 0 && v <= 100))
            return -1;
        *out = v / 100;
        return 0;
    }
    return parse_double01(s, out);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* Milliseconds, fractions allowed ("0.5"): returned in microseconds. */
static int parse_ms(const char *s, uint64_t *us)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 3600e3))
        return -1;
    *us = (uint64_t)(v * 1000 + 0.5);
    return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) !=
        6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return 0;
}

int parse_hostport(const char *s, struct sockaddr_in *out)
{
    char buf[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof(buf))
        return -1;
    memcpy(buf, s, (size_t)(colon - s));
    buf[colon - s] = 0;
    memset(out, 0, sizeof(*out));
    out->sin_family = AF_INET;
    if (inet_pton(AF_INET, buf, &out->sin_addr) != 1)
        return -1;
    char *end;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (*end || end == colon + 1 || p > 65535)
        return -1;
    out->sin_port = htons((uint16_t)p);
    return 0;
}

int parse_prefix6(const char *s, struct in6_addr *addr, unsigned *plen)
{
    char buf[INET6_ADDRSTRLEN];
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) >= sizeof(buf))
        return -1;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = 0;
    if (inet_pton(AF_INET6, buf, addr) != 1)
        return -1;
    char *end;
    errno = 0;
    unsigned long p = strtoul(slash + 1, &end, 10);
    if (errno || end == slash + 1 || *end || p > 128 || slash[1] == '-' || slash[1] == '+')
        return -1;
    *plen = (unsigned)p;
    return 0;
}

void sockaddr_text(const struct sockaddr *a, char *out, size_t n)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    bool any = false;
    if (a->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)a;
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
        port = ntohs(s6->sin6_port);
        any = IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr);
        if (any && !port)
            snprintf(out, n, "*:*");
        else
            snprintf(out, n, "[%s]:%u", ip, port);
        return;
    }
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)a;
    if (a->sa_family == AF_INET)
        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
    port = a->sa_family == AF_INET ? ntohs(s4->sin_port) : 0;
    any = a->sa_family != AF_INET || s4->sin_addr.s_addr == INADDR_ANY;
    if (any && !port)
        snprintf(out, n, "%s:*", a->sa_family == AF_INET ? ip : "*");
    else
        snprintf(out, n, "%s:%u", ip, port);
}

int host_opt(struct host_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
#define TAKE()                                                                                     \
    do {                                                                                           \
        if (need(argc, argv, *i))                                                                  \
            return -1;                                                                             \
        (*i)++;                                                                                    \
    } while (0)
    if (!strcmp(a, "--tap") || !strcmp(a, "--tun")) {
        TAKE();
        if (o->dev) {
            fprintf(stderr, "berth: one device only (--tap or --tun once)\n");
            return -1;
        }
        if (!*v || strlen(v) >= 16 || strchr(v, '/') || strchr(v, ' '))
            return bad(a, v, "a network device name (at most 15 characters)");
        o->dev = v;
        o->tun = a[4] == 'n';
        return 1;
    }
    if (!strcmp(a, "--create")) {
        o->create = true;
        return 1;
    }
    if (!strcmp(a, "--addr")) {
        TAKE();
        if (strchr(v, ':')) { /* IPv6 */
            if (o->naddrs6 == MAX_ADDRS) {
                fprintf(stderr, "berth: at most %d IPv6 addresses\n", MAX_ADDRS);
                return -1;
            }
            if (parse_prefix6(v, &o->addrs6[o->naddrs6].addr, &o->addrs6[o->naddrs6].plen) != 0)
                return bad(a, v, "an IPv6 address with its prefix length, like 2001:db8::2/64");
            o->addrs6[o->naddrs6++].text = v;
            return 1;
        }
        if (o->naddrs == MAX_ADDRS) {
            fprintf(stderr, "berth: at most %d addresses\n", MAX_ADDRS);
            return -1;
        }
        if (!strchr(v, '/') ||
            berth_parse_prefix(v, &o->addrs[o->naddrs].addr, &o->addrs[o->naddrs].plen) != 0)
            return bad(a, v,
                       "an address with its prefix length, like 192.0.2.2/24 or 2001:db8::2/64");
        o->addrs[o->naddrs++].text = v;
        return 1;
    }
    if (!strcmp(a, "--route")) {
        /* --route DEST via GW, or --route "DEST via GW" */
        TAKE();
        char dst[64], via[8], gw[64], extra;
        int n = sscanf(v, "%63s %7s %63s %c", dst, via, gw, &extra);
        if (n == 1) {
            if (*i + 2 >= argc)
                return bad(a, v, "DEST via GATEWAY, like: default via 192.0.2.1");
            snprintf(via, sizeof(via), "%s", argv[*i + 1]);
            snprintf(gw, sizeof(gw), "%s", argv[*i + 2]);
            *i += 2;
        } else if (n != 3) {
            return bad(a, v, "DEST via GATEWAY, like: default via 192.0.2.1");
        }
        if (o->nroutes == MAX_ROUTES) {
            fprintf(stderr, "berth: at most %d routes\n", MAX_ROUTES);
            return -1;
        }
        if (strcmp(via, "via"))
            return bad(a, via, "the word 'via' (DEST via GATEWAY)");
        struct in6_addr g6;
        if (inet_pton(AF_INET6, gw, &g6) == 1) { /* an IPv6 route */
            if (o->nroutes6 == MAX_ROUTES) {
                fprintf(stderr, "berth: at most %d IPv6 routes\n", MAX_ROUTES);
                return -1;
            }
            struct in6_addr d6 = IN6ADDR_ANY_INIT;
            unsigned plen6 = 0;
            if (strcmp(dst, "default") && parse_prefix6(dst, &d6, &plen6) != 0)
                return bad(a, dst, "'default' or a prefix like 2001:db8:5::/64");
            o->routes6[o->nroutes6].dst = d6;
            o->routes6[o->nroutes6].plen = plen6;
            o->routes6[o->nroutes6].gw = g6;
            o->nroutes6++;
            return 1;
        }
        struct in_addr d, g;
        unsigned plen = 0;
        if (!strcmp(dst, "default"))
            d.s_addr = INADDR_ANY;
        else if (berth_parse_prefix(dst, &d, &plen) != 0)
            return bad(a, dst, "'default' or a prefix like 198.51.100.0/24");
        if (inet_pton(AF_INET, gw, &g) != 1)
            return bad(a, gw, "the gateway's IPv4 address");
        o->routes[o->nroutes].dst = d;
        o->routes[o->nroutes].plen = plen;
        o->routes[o->nroutes].gw = g;
        o->nroutes++;
        return 1;
    }
    if (!strcmp(a, "--mac")) {
        TAKE();
        if (parse_mac(v, o->mac) || (o->mac[0] & 1))
            return bad(a, v, "a unicast MAC address like 02:00:00:00:00:02");
        o->have_mac = true;
        return 1;
    }
    if (!strcmp(a, "--mtu")) {
        TAKE();
        uint64_t m;
        if (parse_u64(v, &m) || m < 68 || m > 65535)
            return bad(a, v, "an MTU from 68 to 65535");
        o->mtu = (unsigned)m;
        return 1;
    }
    if (!strcmp(a, "--pcap")) {
        TAKE();
        o->pcap = v;
        return 1;
    }
    if (!strcmp(a, "--loss")) {
        TAKE();
        return parse_prob(v, &o->faults.loss) ? bad(a, v, "a probability (0.02 or 2%)") : 1;
    }
    if (!strcmp(a, "--dup")) {
        TAKE();
        return parse_prob(v, &o->faults.duplicate) ? bad(a, v, "a probability (0.02 or 2%)") : 1;
    }
    if (!strcmp(a, "--reorder")) {
        TAKE();
        if (parse_prob(v, &o->faults.reorder))
            return bad(a, v, "a probability (0.02 or 2%)");
        if (!o->faults.reorder_us)
            o->faults.reorder_us = 10000; /* held back 10 ms unless --reorder-delay */
        return 1;
    }
    if (!strcmp(a, "--delay")) {
        TAKE();
        return parse_ms(v, &o->faults.latency_us) ? bad(a, v, "milliseconds") : 1;
    }
    if (!strcmp(a, "--jitter")) {
        TAKE();
        return parse_ms(v, &o->faults.jitter_us) ? bad(a, v, "milliseconds") : 1;
    }
    if (!strcmp(a, "--reorder-delay")) {
        TAKE();
        return parse_ms(v, &o->faults.reorder_us) ? bad(a, v, "milliseconds") : 1;
    }
    if (!strcmp(a, "--bandwidth")) {
        TAKE();
        return parse_u64(v, &o->faults.bandwidth_bps) ? bad(a, v, "bits per second") : 1;
    }
    if (!strcmp(a, "--queue")) {
        TAKE();
        uint64_t q;
        if (parse_u64(v, &q) || !q || q > 1000000)
            return bad(a, v, "a number of frames");
        o->faults.queue_limit = (unsigned)q;
        return 1;
    }
    if (!strcmp(a, "--faults")) {
        TAKE();
        if (!strcmp(v, "in"))
            o->faults_in = true, o->faults_out = false;
        else if (!strcmp(v, "out"))
            o->faults_in = false, o->faults_out = true;
        else if (!strcmp(v, "both"))
            o->faults_in = o->faults_out = true;
        else
            return bad(a, v, "in, out or both");
        return 1;
    }
    if (!strcmp(a, "--seed")) {
        TAKE();
        return parse_u64(v, &o->seed) ? bad(a, v, "a number") : 1;
    }
    if (!strcmp(a, "--trace")) {
        o->trace = true;
        return 1;
    }
    if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
        o->quiet = true;
        return 1;
    }
#undef TAKE
    return 0;
}

int cmd_opt_value(const char *cmd, const char *const *valued, size_t n, int argc, char **argv,
                  int *i, const char **v)
{
    const char *a = argv[*i];
    bool known = false;
    for (size_t k = 0; k < n; k++)
        known |= !strcmp(a, valued[k]);
    if (!known) {
        fprintf(stderr, "berth %s: unknown option '%s' (berth %s --help)\n", cmd, a, cmd);
        return EXIT_USAGE;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "berth: %s needs a value (berth %s --help)\n", a, cmd);
        return EXIT_USAGE;
    }
    *v = argv[++*i];
    return 0;
}

int host_opts_check(const struct host_opts *o)
{
    if (!o->dev) {
        fprintf(stderr, "berth: which device? --tap NAME (or --tun NAME) is required\n");
        return EXIT_USAGE;
    }
    if (!o->naddrs && !o->naddrs6) {
        fprintf(stderr, "berth: which address? --addr A.B.C.D/LEN (or --addr 2001:db8::2/64) is "
                        "required\n");
        return EXIT_USAGE;
    }
    if (o->tun && o->have_mac) {
        fprintf(stderr, "berth: --mac makes no sense on a TUN device (no link layer)\n");
        return EXIT_USAGE;
    }
    return 0;
}

/* ---- errno names ---- */

static const struct {
    int e;
    const char *name;
} errnames[] = {
    {EPERM, "EPERM"},
    {ENOENT, "ENOENT"},
    {EINTR, "EINTR"},
    {EIO, "EIO"},
    {ENXIO, "ENXIO"},
    {EBADF, "EBADF"},
    {EAGAIN, "EAGAIN"},
    {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},
    {EFAULT, "EFAULT"},
    {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},
    {ENODEV, "ENODEV"},
    {EINVAL, "EINVAL"},
    {EPIPE, "EPIPE"},
    {EMSGSIZE, "EMSGSIZE"},
    {ENOPROTOOPT, "ENOPROTOOPT"},
    {EPROTO, "EPROTO"},
    {EOPNOTSUPP, "EOPNOTSUPP"},
    {EADDRINUSE, "EADDRINUSE"},
    {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
    {ENETDOWN, "ENETDOWN"},
    {ENETUNREACH, "ENETUNREACH"},
    {ECONNABORTED, "ECONNABORTED"},
    {ECONNRESET, "ECONNRESET"},
    {ENOBUFS, "ENOBUFS"},
    {EISCONN, "EISCONN"},
    {ENOTCONN, "ENOTCONN"},
    {ETIMEDOUT, "ETIMEDOUT"},
    {ECONNREFUSED, "ECONNREFUSED"},
    {EHOSTDOWN, "EHOSTDOWN"},
    {EHOSTUNREACH, "EHOSTUNREACH"},
    {ENONET, "ENONET"},
    {EBADFD, "EBADFD"},
};

const char *errno_name(int e)
{
    for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
        if (errnames[i].e == e)
            return errnames[i].name;
    return "E?";
}

int errno_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
        if (!strcmp(errnames[i].name, name))
            return errnames[i].e;
    return 0;
}

/* ---- start and stop ---- */

static void trace_line(void *arg, const char *line)
{
    (void)arg;
    fprintf(stderr, "trace %s\n", line);
}

/* What berth_tap_attach's errno means here, in words. */
static void attach_error(const struct host_opts *o, int e)
{
    const char *kind = o->tun ? "TUN" : "TAP";
    const char *mode = o->tun ? "tun" : "tap";
    switch (e) {
    case ENOENT:
        fprintf(stderr,
                "berth: cannot open /dev/net/tun: no such file — the kernel's tun driver is "
                "missing (modprobe tun), or /dev/net/tun was not created in this container\n");
        break;
    case EACCES:
        fprintf(stderr, "berth: cannot open /dev/net/tun: permission denied — run as root, or give "
                        "your user access to /dev/net/tun\n");
        break;
    case ENODEV:
        fprintf(stderr,
                "berth: no device named %s — create it first (ip tuntap add dev %s mode %s; "
                "ip link set %s up) or pass --create\n",
                o->dev, o->dev, mode, o->dev);
        break;
    case EBUSY:
        fprintf(stderr,
                "berth: %s is busy — another process is attached to it (another berth, a VM, "
                "openvpn...)\n",
                o->dev);
        break;
    case EPERM:
        fprintf(stderr,
                "berth: not allowed to attach to %s — it needs CAP_NET_ADMIN (run as root), or a "
                "device made for your user (ip tuntap add dev %s mode %s user $USER)\n",
                o->dev, o->dev, mode);
        break;
    case EINVAL:
        fprintf(stderr, "berth: %s is not a %s device%s\n", o->dev, kind,
                o->tun ? " (a TAP device? use --tap)" : " (a TUN device? use --tun)");
        break;
    default:
        fprintf(stderr, "berth: cannot attach to %s: %s (%s)\n", o->dev, strerror(e),
                errno_name(e));
    }
}

static void *signal_thread(void *arg)
{
    struct host *h = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    int sig = 0;
    sigwait(&set, &sig);
    if (sig == SIGUSR1)
        return NULL; /* host_stop: leave quietly */
    h->stop_signal = sig;
    h->stop = 1;
    /* Wake whoever polls the control socket: shutting it down makes it
     * readable (no packet, so no counter moves). */
    berth_shutdown(h->st, h->ctl_fd, SHUT_RDWR);
    return NULL;
}

int host_start(struct host *h)
{
    struct host_opts *o = &h->o;
    h->ctl_fd = -1;
    /* SIGINT/SIGTERM go to the signal thread only (the tap driver thread
     * blocks every signal itself); SIGUSR1 is how host_stop ends it. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN); /* belt and braces: every TCP send passes MSG_NOSIGNAL */

    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.name = "berth";
    if (o->max_fds)
        cfg.max_fds = cfg.max_sockets > o->max_fds ? o->max_fds : cfg.max_sockets;
    if (!(h->st = berth_stack_new(&cfg))) {
        fprintf(stderr, "berth: cannot create the stack: %s\n", strerror(errno));
        return EXIT_FAIL;
    }
    if (o->trace)
        berth_stack_set_trace(h->st, trace_line, NULL);

    struct berth_tap_config tc;
    berth_tap_config_init(&tc);
    tc.tun = o->tun;
    tc.create = o->create;
    tc.mtu = o->mtu;
    tc.seed = o->seed;
    if (o->have_mac) {
        tc.have_hwaddr = true;
        memcpy(tc.hwaddr, o->mac, 6);
    }
    if (o->faults_out)
        tc.tx = o->faults;
    if (o->faults_in)
        tc.rx = o->faults;
    h->ifp = berth_tap_attach(h->st, o->dev, &tc);
    if (!h->ifp) {
        if (errno == EADDRNOTAVAIL)
            fprintf(stderr, "berth: --mac: not a valid unicast MAC address\n");
        else
            attach_error(o, errno);
        return EXIT_FAIL;
    }
    if (o->pcap && berth_pcap_open(h->ifp, o->pcap) != 0) {
        fprintf(stderr, "berth: cannot write the capture %s: %s\n", o->pcap, strerror(errno));
        return EXIT_FAIL;
    }
    for (int i = 0; i < o->naddrs; i++)
        if (berth_netif_addr_add(h->ifp, o->addrs[i].addr, o->addrs[i].plen) != 0) {
            fprintf(stderr, "berth: cannot add address %s: %s\n", o->addrs[i].text,
                    errno == EEXIST ? "given twice" : strerror(errno));
            return EXIT_USAGE;
        }
    for (int i = 0; i < o->naddrs6; i++)
        if (berth_netif_addr6_add(h->ifp, &o->addrs6[i].addr, o->addrs6[i].plen) != 0) {
            fprintf(stderr, "berth: cannot add address %s: %s\n", o->addrs6[i].text,
                    errno == EEXIST ? "given twice" : strerror(errno));
            return EXIT_USAGE;
        }
    berth_netif_set_up(h->ifp, true);
    for (int i = 0; i < o->nroutes; i++)
        if (berth_route_add(h->st, o->routes[i].dst, o->routes[i].plen, o->routes[i].gw, h->ifp) !=
            0) {
            char gw[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &o->routes[i].gw, gw, sizeof(gw));
            fprintf(stderr, "berth: cannot add the route via %s: %s\n", gw,
                    errno == EEXIST ? "a route to that destination exists already"
                                    : strerror(errno));
            return EXIT_USAGE;
        }

    for (int i = 0; i < o->nroutes6; i++) {
#if BERTH_WITH_IPV6
        int r = berth_route6_add(h->st, &o->routes6[i].dst, o->routes6[i].plen, &o->routes6[i].gw,
                                 h->ifp);
#else
        int r = -1;
        errno = EAFNOSUPPORT;
#endif
        if (r != 0) {
            char gw[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, &o->routes6[i].gw, gw, sizeof(gw));
            fprintf(stderr, "berth: cannot add the route via %s: %s\n", gw, strerror(errno));
            return EXIT_USAGE;
        }
    }

    /* The control socket the signal thread shuts down to wake the loop. */
    h->ctl_fd = berth_socket(h->st, AF_INET, SOCK_DGRAM, 0);
    if (h->ctl_fd < 0) {
        fprintf(stderr, "berth: cannot create the control socket: %s\n", strerror(errno));
        return EXIT_FAIL;
    }
    if ((errno = pthread_create(&h->sig_thread, NULL, signal_thread, h)) != 0) {
        fprintf(stderr, "berth: cannot start the signal thread: %s\n", strerror(errno));
        return EXIT_FAIL;
    }
    h->sig_thread_started = true;
    return 0;
}

void host_stop(struct host *h)
{
    if (h->sig_thread_started) {
        /* Still in sigwait: SIGUSR1 ends it. Past it (SIGINT came): the
         * extra signal stays pending, unseen, and the thread finishes. */
        pthread_kill(h->sig_thread, SIGUSR1);
        pthread_join(h->sig_thread, NULL);
        h->sig_thread_started = false;
    }
    if (h->st)
        berth_stack_free(h->st); /* closes sockets, the capture and the device */
    h->st = NULL;
    h->ifp = NULL;
}

static void snmp_line(void *arg, const char *group, const char *name, uint64_t value)
{
    FILE *f = arg;
    if (value)
        fprintf(f, "  %s%s %llu\n", group, name, (unsigned long long)value);
}

void host_print_stats(struct host *h, FILE *f)
{
    if (!h->ifp)
        return;
    struct berth_netif_stats ns;
    berth_netif_stats(h->ifp, &ns);
    fprintf(f,
            "interface %s: rx %llu packets %llu bytes, tx %llu packets %llu bytes, rx_errors %llu "
            "rx_dropped %llu tx_errors %llu tx_dropped %llu multicast %llu rx_nohandler %llu "
            "rx_otherhost_dropped %llu\n",
            berth_netif_name(h->ifp), (unsigned long long)ns.rx_packets,
            (unsigned long long)ns.rx_bytes, (unsigned long long)ns.tx_packets,
            (unsigned long long)ns.tx_bytes, (unsigned long long)ns.rx_errors,
            (unsigned long long)ns.rx_dropped, (unsigned long long)ns.tx_errors,
            (unsigned long long)ns.tx_dropped, (unsigned long long)ns.multicast,
            (unsigned long long)ns.rx_nohandler, (unsigned long long)ns.rx_otherhost_dropped);
    struct berth_tap_stats ts;
    if (berth_tap_stats(h->ifp, &ts) == 0)
        fprintf(f,
                "driver: rx %llu tx %llu frames; faults rx lost %llu dup %llu reordered %llu "
                "delayed %llu, tx lost %llu dup %llu reordered %llu delayed %llu; queue drops "
                "rx %llu tx %llu; errors read %llu write %llu%s\n",
                (unsigned long long)ts.rx_frames, (unsigned long long)ts.tx_frames,
                (unsigned long long)ts.rx_lost, (unsigned long long)ts.rx_duplicated,
                (unsigned long long)ts.rx_reordered, (unsigned long long)ts.rx_delayed,
                (unsigned long long)ts.tx_lost, (unsigned long long)ts.tx_duplicated,
                (unsigned long long)ts.tx_reordered, (unsigned long long)ts.tx_delayed,
                (unsigned long long)ts.rx_queue_drops, (unsigned long long)ts.tx_queue_drops,
                (unsigned long long)ts.read_errors, (unsigned long long)ts.write_errors,
                ts.device_gone ? "; the device went away" : "");
    struct berth_arp_stats as;
    if (berth_arp_stats(h->ifp, &as) == 0)
        fprintf(f,
                "arp: entries %llu allocs %llu destroys %llu lookups %llu hits %llu res_failed "
                "%llu unresolved_discards %llu table_fulls %llu; requests sent %llu received "
                "%llu, replies sent %llu received %llu, gratuitous %llu, malformed %llu\n",
                (unsigned long long)as.entries, (unsigned long long)as.allocs,
                (unsigned long long)as.destroys, (unsigned long long)as.lookups,
                (unsigned long long)as.hits, (unsigned long long)as.res_failed,
                (unsigned long long)as.unresolved_discards, (unsigned long long)as.table_fulls,
                (unsigned long long)as.requests_sent, (unsigned long long)as.requests_received,
                (unsigned long long)as.replies_sent, (unsigned long long)as.replies_received,
                (unsigned long long)as.gratuitous_sent, (unsigned long long)as.rx_malformed);
    struct berth_neigh nb[16];
    long n = berth_arp_list(h->ifp, nb, 16);
    for (long i = 0; i < n && i < 16; i++) {
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &nb[i].addr, a, sizeof(a));
        fprintf(f, "  neigh %s lladdr %02x:%02x:%02x:%02x:%02x:%02x %s\n", a, nb[i].hwaddr[0],
                nb[i].hwaddr[1], nb[i].hwaddr[2], nb[i].hwaddr[3], nb[i].hwaddr[4], nb[i].hwaddr[5],
                berth_nud_state_name(nb[i].state));
    }
#if BERTH_WITH_IPV6
    struct berth_ifaddr6 a6[16];
    long na6 = berth_netif_addrs6(h->ifp, a6, 16);
    for (long i = 0; i < na6 && i < 16; i++) {
        char t[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a6[i].addr, t, sizeof(t));
        fprintf(f, "  inet6 %s/%u%s%s\n", t, a6[i].prefixlen,
                a6[i].flags & BERTH_IFA_F_TENTATIVE ? " tentative" : "",
                a6[i].flags & BERTH_IFA_F_DADFAILED ? " dadfailed" : "");
    }
    struct berth_nd6_stats ds;
    if (berth_nd6_stats(h->ifp, &ds) == 0)
        fprintf(
            f,
            "ndp: sent ns %llu na %llu rs %llu mld reports %llu; received ns %llu na %llu ra "
            "%llu; dropped bad hop limit %llu malformed %llu ra not link-local %llu, na ignored "
            "%llu; dad failures %llu, slaac addresses %llu\n",
            (unsigned long long)ds.ns_sent, (unsigned long long)ds.na_sent,
            (unsigned long long)ds.rs_sent, (unsigned long long)ds.mld_reports_sent,
            (unsigned long long)ds.ns_received, (unsigned long long)ds.na_received,
            (unsigned long long)ds.ra_received, (unsigned long long)ds.rx_bad_hoplimit,
            (unsigned long long)ds.rx_malformed, (unsigned long long)ds.ra_not_linklocal,
            (unsigned long long)ds.na_ignored, (unsigned long long)ds.dad_failures,
            (unsigned long long)ds.slaac_addrs);
    struct berth_neigh6 nb6[16];
    long n6 = berth_nd6_list(h->ifp, nb6, 16);
    for (long i = 0; i < n6 && i < 16; i++) {
        char a[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &nb6[i].addr, a, sizeof(a));
        fprintf(f, "  neigh %s lladdr %02x:%02x:%02x:%02x:%02x:%02x %s%s\n", a, nb6[i].hwaddr[0],
                nb6[i].hwaddr[1], nb6[i].hwaddr[2], nb6[i].hwaddr[3], nb6[i].hwaddr[4],
                nb6[i].hwaddr[5], berth_nud_state_name(nb6[i].state),
                nb6[i].router ? " router" : "");
    }
#endif
    fprintf(f, "counters (non-zero, as nstat):\n");
    berth_snmp_foreach(h->st, snmp_line, f);
}
