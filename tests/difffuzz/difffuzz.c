/*
 * difffuzz.c - differential fuzzer of the socket API (issue 12).
 *
 * Generates random but deterministic sequences of non-blocking socket calls
 * (socket, bind, listen, connect, accept, send, recv, setsockopt,
 * getsockname, getpeername, shutdown, poll, close) over a small pool of
 * descriptors, addresses, ports and options, and prints one line per call:
 * the call, its arguments, its result and the errno name. Like the
 * conformance programs it is a plain POSIX program, built twice (against
 * the kernel, and with -include berth/posix.h against libberth.a); run.sh
 * diffs the two outputs seed by seed.
 *
 *   difffuzz [-n] [-c CALLS] [-s USEC] FIRST_SEED [COUNT]
 *
 * Each sequence runs in its own forked child, so no state (TIME_WAIT, bound
 * ports) leaks from one sequence into the next: with -n the child first
 * moves to a fresh network namespace with `lo` up (the kernel run); the
 * berth build gets a fresh default stack in every child because the parent
 * never touches a socket.
 *
 * What is printed must depend only on socket semantics:
 * - ephemeral ports are numbered E1, E2... in order of first appearance
 *   (the fixed ports 7101-7103 and 0 are printed as numbers);
 * - every socket is non-blocking, and after a connect that is in progress
 *   the program waits (poll, bounded) until the handshake is decided, so the
 *   kernel's loopback (which may finish the handshake in a softirq) and
 *   berth's (which delivers before the call returns) reach the same state;
 * - no timings, no buffer sizes, no sequence numbers.
 *
 * Generator limits, so that a difference is a bug rather than something
 * berth does not build (docs/difffuzz.md): AF_INET6 sockets talk to
 * v4-mapped peers only; the native IPv6 destinations used are the ones
 * Linux rejects before routing ([::1]:0, multicast and link-local without
 * a scope id); no MSG_OOB, no SO_LINGER with a timeout.
 */
#include "conf.h"

#include <net/if.h>
#include <netinet/udp.h> /* UDP_CORK */
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#define NSLOT 6
#define NCALLS_DEFAULT 60
static const int ports[] = {7101, 7102, 7103};

/* ---- PRNG: splitmix64, seeded per sequence ---------------------------- */

static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned rnd(unsigned n) { return (unsigned)(rng_next() % n); }
/* true with probability pct % */
static int chance(unsigned pct) { return rnd(100) < pct; }

/* ---- state ------------------------------------------------------------ */

struct slot {
    int fd; /* -1: empty */
    int family, type;
};
static struct slot slots[NSLOT];
static int ncall;
static unsigned settle_us;

/* Ephemeral ports in order of first appearance. */
static unsigned eph[256];
static unsigned neph;

static const char *port_name(unsigned port)
{
    static char bufs[4][16];
    static int nb;
    char *b = bufs[nb++ & 3];
    if (port == 0) {
        strcpy(b, "0");
        return b;
    }
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
        if (port == (unsigned)ports[i]) {
            snprintf(b, 16, "%u", port);
            return b;
        }
    unsigned i;
    for (i = 0; i < neph; i++)
        if (eph[i] == port)
            break;
    if (i == neph && neph < sizeof eph / sizeof eph[0])
        eph[neph++] = port;
    snprintf(b, 16, "E%u", i + 1);
    return b;
}

static const char *fmt_addr(const struct sockaddr_storage *ss, socklen_t len)
{
    static char bufs[4][128];
    static int nb;
    char *b = bufs[nb++ & 3];
    char ip[INET6_ADDRSTRLEN];
    if (len == 0) {
        strcpy(b, "(none)");
        return b;
    }
    if (ss->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const void *)ss;
        inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
        snprintf(b, 128, "%s:%s", ip, port_name(ntohs(sin->sin_port)));
    } else if (ss->ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *s6 = (const void *)ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
        snprintf(b, 128, "[%s]:%s", ip, port_name(ntohs(s6->sin6_port)));
        if (s6->sin6_scope_id || s6->sin6_flowinfo)
            snprintf(b + strlen(b), 128 - strlen(b), "%%%u/%u", (unsigned)s6->sin6_scope_id,
                     (unsigned)s6->sin6_flowinfo);
    } else if (ss->ss_family == AF_UNSPEC) {
        snprintf(b, 128, "AF_UNSPEC/%u", (unsigned)len);
    } else {
        snprintf(b, 128, "family %d/%u", ss->ss_family, (unsigned)len);
    }
    return b;
}

static const char *fam_name(int f) { return f == AF_INET ? "INET" : "INET6"; }
static const char *type_name(int t) { return t == SOCK_STREAM ? "STREAM" : "DGRAM"; }

/* "N call(args) = result" with the errno name on failure. */
static void report(const char *call, long r, int e, const char *extra)
{
    if (r < 0)
        conf_printf("%d %s = %ld %s%s\n", ncall, call, r, conf_errname(e), extra ? extra : "");
    else
        conf_printf("%d %s = %ld%s\n", ncall, call, r, extra ? extra : "");
}

static void settle(void)
{
    if (settle_us)
        usleep(settle_us);
}

/* ---- argument pools ---------------------------------------------------- */

static int pick_port(unsigned zero_pct)
{
    if (chance(zero_pct))
        return 0;
    return ports[rnd(sizeof ports / sizeof ports[0])];
}

static socklen_t make_v4(struct sockaddr_storage *ss, const char *ip, int port)
{
    struct sockaddr_in *sin = (void *)ss;
    memset(ss, 0, sizeof(*ss));
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &sin->sin_addr);
    return sizeof(*sin);
}

static socklen_t make_v6(struct sockaddr_storage *ss, const char *ip, int port)
{
    struct sockaddr_in6 *s6 = (void *)ss;
    memset(ss, 0, sizeof(*ss));
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, ip, &s6->sin6_addr);
    return sizeof(*s6);
}

static socklen_t make_unspec(struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    ss->ss_family = AF_UNSPEC;
    return sizeof(struct sockaddr_in);
}

/* A local address to bind to, mostly of the socket's own family. */
static socklen_t bind_addr(int family, struct sockaddr_storage *ss)
{
    int port = pick_port(20);
    if (family == AF_INET6 && !chance(5)) {
        static const char *const v6[] = {"::",  "::",  "::ffff:127.0.0.1", "::ffff:127.0.0.1",
                                         "::1", "::1", "::ffff:0.0.0.0",   "2001:db8::1"};
        return make_v6(ss, v6[rnd(8)], port);
    }
    if (family == AF_INET && chance(3))
        return make_v6(ss, "::ffff:127.0.0.1", port); /* wrong family */
    static const char *const v4[] = {"0.0.0.0",   "0.0.0.0",   "127.0.0.1", "127.0.0.1",
                                     "127.0.0.1", "127.0.0.2", "192.0.2.1"};
    return make_v4(ss, v4[rnd(7)], port);
}

/* A destination for connect / sendto (`dgram_send`: a UDP sendto). */
static socklen_t peer_addr(int family, struct sockaddr_storage *ss, int dgram_send)
{
    int port = pick_port(4);
    if (chance(8))
        return make_unspec(ss);
    if (family == AF_INET6 && !chance(3)) {
        unsigned r = rnd(100);
        if (r < 3 && dgram_send)
            return make_v6(ss, "::1", 0); /* port 0: EINVAL before routing */
        if (r < 5)
            return make_v6(ss, "ff02::1", port); /* multicast, no scope id */
        if (r < 7)
            return make_v6(ss, "fe80::1", port); /* link-local, no scope id */
        if (r < 9)
            return make_v6(ss, "2001:db8::1", port); /* no route: ENETUNREACH */
        if (r < 13)
            return make_v6(ss, "::", port); /* Linux connects to ::1 (tcp_v6_connect) */
        if (r < 55)
            return make_v6(ss, "::1", port); /* native IPv6 over lo */
        return make_v6(ss, "::ffff:127.0.0.1", port);
    }
    if (family == AF_INET && chance(3))
        return make_v6(ss, "::ffff:127.0.0.1", port); /* wrong family */
    unsigned d = rnd(100);
    return make_v4(ss, d < 80 ? "127.0.0.1" : d < 90 ? "127.0.0.2" : "0.0.0.0", port);
}

/* ---- slots ------------------------------------------------------------- */

static int free_slot(void)
{
    for (int i = 0; i < NSLOT; i++)
        if (slots[i].fd < 0)
            return i;
    return -1;
}

/* A slot holding a socket (rarely an empty one or a descriptor that is not
 * a socket, for the errno order); -1 when there is none. */
static int pick_slot(int *fd)
{
    int used[NSLOT], n = 0;
    for (int i = 0; i < NSLOT; i++)
        if (slots[i].fd >= 0)
            used[n++] = i;
    if (n == 0 || chance(2)) {
        *fd = chance(50) ? -1 : 0; /* not open / not a socket (stdin) */
        return -1;
    }
    int s = used[rnd((unsigned)n)];
    *fd = slots[s].fd;
    return s;
}

static const char *slot_name(int s, int fd)
{
    static char bufs[4][16];
    static int nb;
    char *b = bufs[nb++ & 3];
    if (s < 0)
        snprintf(b, 16, "fd%d", fd);
    else
        snprintf(b, 16, "S%d", s);
    return b;
}

/* ---- the calls ---------------------------------------------------------- */

static void op_socket(void)
{
    int s = free_slot();
    if (s < 0)
        return;
    int family = chance(55) ? AF_INET : AF_INET6;
    int type = chance(65) ? SOCK_STREAM : SOCK_DGRAM;
    errno = 0;
    int fd = socket(family, type | SOCK_NONBLOCK, 0);
    int e = errno;
    char call[64];
    snprintf(call, sizeof call, "S%d=socket(%s, %s)", s, fam_name(family), type_name(type));
    report(call, fd, e, NULL);
    if (fd >= 0)
        slots[s] = (struct slot){fd, family, type};
}

static void op_close(void)
{
    int fd, s = pick_slot(&fd);
    char call[64];
    snprintf(call, sizeof call, "close(%s)", slot_name(s, fd));
    if (s < 0 && fd == 0)
        fd = -1; /* never close stdin */
    errno = 0;
    int r = close(fd);
    report(call, r, errno, NULL);
    if (s >= 0)
        slots[s].fd = -1;
    settle();
}

static void op_bind(void)
{
    int fd, s = pick_slot(&fd);
    struct sockaddr_storage ss;
    socklen_t len = bind_addr(s >= 0 ? slots[s].family : AF_INET, &ss);
    char call[192];
    snprintf(call, sizeof call, "bind(%s, %s)", slot_name(s, fd), fmt_addr(&ss, len));
    errno = 0;
    int r = bind(fd, SA(&ss), len);
    report(call, r, errno, NULL);
}

static void op_listen(void)
{
    int fd, s = pick_slot(&fd);
    static const int backlogs[] = {0, 1, 4, 16, 16, 16};
    int bl = backlogs[rnd(6)];
    char call[64];
    snprintf(call, sizeof call, "listen(%s, %d)", slot_name(s, fd), bl);
    errno = 0;
    int r = listen(fd, bl);
    report(call, r, errno, NULL);
}

static void op_connect(void)
{
    int fd, s = pick_slot(&fd);
    struct sockaddr_storage ss;
    socklen_t len = peer_addr(s >= 0 ? slots[s].family : AF_INET, &ss, 0);
    char call[192];
    if (s < 0 && chance(50)) {
        /* errno order: an address that cannot be read */
        snprintf(call, sizeof call, "connect(%s, NULL, 16)", slot_name(s, fd));
        errno = 0;
        int r = connect(fd, NULL, 16);
        report(call, r, errno, NULL);
        return;
    }
    snprintf(call, sizeof call, "connect(%s, %s)", slot_name(s, fd), fmt_addr(&ss, len));
    errno = 0;
    int r = connect(fd, SA(&ss), len);
    int e = errno;
    if (r < 0 && e == EINPROGRESS) {
        /* Let the handshake be decided (answered or refused) before going
         * on; the time it takes is not printed. */
        conf_wait(fd, POLLOUT, 1000);
    }
    report(call, r, e, NULL);
    settle();
}

static void op_accept(void)
{
    int fd, s = pick_slot(&fd);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    char call[64], extra[160] = "";
    int flags = SOCK_NONBLOCK;
    if (s < 0 && chance(50))
        flags |= 0x1; /* errno order: bad flags on a bad descriptor */
    snprintf(call, sizeof call, "accept4(%s%s)", slot_name(s, fd),
             (flags & 0x1) ? ", bad flags" : "");
    errno = 0;
    int r = accept4(fd, SA(&ss), &len, flags);
    int e = errno;
    int ns = -1;
    if (r >= 0) {
        ns = free_slot();
        snprintf(extra, sizeof extra, " peer %s -> %s", fmt_addr(&ss, len),
                 ns >= 0 ? slot_name(ns, r) : "closed");
    }
    report(call, r, e, extra);
    if (r >= 0) {
        if (ns >= 0) {
            slots[ns] = (struct slot){r, slots[s].family, slots[s].type};
        } else {
            close(r);
            settle();
        }
    }
}

static void op_send(void)
{
    int fd, s = pick_slot(&fd);
    static const size_t lens[] = {0, 1, 10, 100};
    size_t n = lens[rnd(4)];
    char buf[100], call[192];
    memset(buf, 'a' + ncall % 26, sizeof buf);
    errno = 0;
    long r;
    if (s >= 0 && slots[s].type == SOCK_DGRAM && chance(50)) {
        struct sockaddr_storage ss;
        socklen_t len = peer_addr(slots[s].family, &ss, 1);
        snprintf(call, sizeof call, "sendto(%s, %zu, %s)", slot_name(s, fd), n, fmt_addr(&ss, len));
        errno = 0;
        r = sendto(fd, buf, n, MSG_NOSIGNAL, SA(&ss), len);
    } else if (s >= 0 && slots[s].type == SOCK_STREAM && chance(15)) {
        /* TCP ignores the address of a sendto, unless MSG_FASTOPEN (a
         * connect that carries the data; no cookie: the data goes after
         * the handshake) */
        struct sockaddr_storage ss;
        socklen_t len = peer_addr(slots[s].family, &ss, 0);
        int fo = chance(40);
        snprintf(call, sizeof call, "sendto(%s, %zu, %s%s)", slot_name(s, fd), n,
                 fmt_addr(&ss, len), fo ? ", MSG_FASTOPEN" : "");
        errno = 0;
        r = sendto(fd, buf, n, MSG_NOSIGNAL | (fo ? MSG_FASTOPEN : 0), SA(&ss), len);
        if (fo && r < 0 && errno == EINPROGRESS) {
            int e = errno;
            conf_wait(fd, POLLOUT, 1000);
            errno = e;
        }
    } else {
        int more = s >= 0 && chance(15);
        snprintf(call, sizeof call, "send(%s, %zu%s)", slot_name(s, fd), n,
                 more ? ", MSG_MORE" : "");
        errno = 0;
        r = send(fd, buf, n, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
    }
    report(call, r, errno, NULL);
    settle();
}

static void op_recv(void)
{
    int fd, s = pick_slot(&fd);
    char buf[256], call[64], extra[160] = "";
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    unsigned f = rnd(100);
    int flags = f < 15 ? MSG_PEEK : f < 22 ? MSG_WAITALL : f < 27 ? MSG_TRUNC : 0;
    size_t want = f >= 27 && f < 35 ? 5 : sizeof buf; /* sometimes a short buffer */
    snprintf(call, sizeof call, "recvfrom(%s, %zu%s)", slot_name(s, fd), want,
             flags == MSG_PEEK      ? ", MSG_PEEK"
             : flags == MSG_WAITALL ? ", MSG_WAITALL"
             : flags == MSG_TRUNC   ? ", MSG_TRUNC"
                                    : "");
    errno = 0;
    long r = recvfrom(fd, buf, want, flags, SA(&ss), &len);
    int e = errno;
    if (r >= 0 && len > 0)
        snprintf(extra, sizeof extra, " from %s", fmt_addr(&ss, len));
    report(call, r, e, extra);
}

static void op_setsockopt(void)
{
    int fd, s = pick_slot(&fd);
    int family = s >= 0 ? slots[s].family : AF_INET;
    int v = chance(70);
    const char *name;
    int r, e;
    errno = 0;
    switch (rnd(9)) {
    case 0:
        name = "SO_REUSEADDR";
        r = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);
        break;
    case 1:
        name = "SO_REUSEPORT";
        r = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &v, sizeof v);
        break;
    case 2:
        if (family == AF_INET6 || chance(10)) {
            name = "IPV6_V6ONLY";
            r = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v);
        } else {
            name = "SO_BROADCAST";
            r = setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &v, sizeof v);
        }
        break;
    case 3: {
        struct linger lg = {.l_onoff = v, .l_linger = 0};
        name = "SO_LINGER{x,0}";
        r = setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        break;
    }
    case 4:
        name = "TCP_NODELAY";
        r = setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v);
        break;
    case 5:
        name = "SO_KEEPALIVE";
        r = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
        break;
    case 7: {
        int lowat = v ? 5 : 1;
        name = v ? "SO_RCVLOWAT=5" : "SO_RCVLOWAT=1";
        r = setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
        break;
    }
    case 6:
        if (s >= 0 && slots[s].type == SOCK_DGRAM) {
            name = "UDP_CORK";
            r = setsockopt(fd, IPPROTO_UDP, UDP_CORK, &v, sizeof v);
        } else if (chance(50)) {
            name = "TCP_CORK";
            r = setsockopt(fd, IPPROTO_TCP, TCP_CORK, &v, sizeof v);
        } else {
            name = "TCP_FASTOPEN_CONNECT";
            r = setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &v, sizeof v);
        }
        break;
    default:
        name = "IP_BIND_ADDRESS_NO_PORT";
        r = setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &v, sizeof v);
        break;
    }
    e = errno;
    char call[96];
    snprintf(call, sizeof call, "setsockopt(%s, %s, %d)", slot_name(s, fd), name, v);
    report(call, r, e, NULL);
}

static void op_getname(int peer)
{
    int fd, s = pick_slot(&fd);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    char call[64], extra[160] = "";
    snprintf(call, sizeof call, "%s(%s)", peer ? "getpeername" : "getsockname", slot_name(s, fd));
    errno = 0;
    int r = peer ? getpeername(fd, SA(&ss), &len) : getsockname(fd, SA(&ss), &len);
    int e = errno;
    if (r == 0)
        snprintf(extra, sizeof extra, " %s", fmt_addr(&ss, len));
    report(call, r, e, extra);
}

static void op_shutdown(void)
{
    int fd, s = pick_slot(&fd);
    int how = rnd(3);
    static const char *const hows[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    char call[64];
    snprintf(call, sizeof call, "shutdown(%s, %s)", slot_name(s, fd), hows[how]);
    errno = 0;
    int r = shutdown(fd, how);
    report(call, r, errno, NULL);
    settle();
}

static void op_so_error(void)
{
    int fd, s = pick_slot(&fd);
    int v = -1;
    socklen_t len = sizeof v;
    char call[64], extra[64] = "";
    snprintf(call, sizeof call, "getsockopt(%s, SO_ERROR)", slot_name(s, fd));
    errno = 0;
    int r = getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len);
    int e = errno;
    if (r == 0)
        snprintf(extra, sizeof extra, " [%s]", conf_errname(v));
    report(call, r, e, extra);
}

/* What the socket is inside: the TCP state (TCP_INFO's tcpi_state),
 * the bytes ready to read (FIONREAD), whether it listens (SO_ACCEPTCONN). */
static void op_probe(void)
{
    int fd, s = pick_slot(&fd);
    char call[64], extra[64] = "";
    long r;
    int e;
    switch (rnd(3)) {
    case 0: {
        static const char *const states[] = {"?",          "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
                                             "FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
                                             "CLOSE_WAIT", "LAST_ACK",    "LISTEN",    "CLOSING"};
        struct tcp_info ti;
        socklen_t len = sizeof ti;
        memset(&ti, 0, sizeof ti);
        snprintf(call, sizeof call, "getsockopt(%s, TCP_INFO)", slot_name(s, fd));
        errno = 0;
        r = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len);
        e = errno;
        if (r == 0)
            snprintf(extra, sizeof extra, " state %s",
                     ti.tcpi_state < 12 ? states[ti.tcpi_state] : "??");
        break;
    }
    case 1: {
        int v = -1;
        snprintf(call, sizeof call, "ioctl(%s, FIONREAD)", slot_name(s, fd));
        errno = 0;
        r = ioctl(fd, FIONREAD, &v);
        e = errno;
        if (r == 0)
            snprintf(extra, sizeof extra, " [%d]", v);
        break;
    }
    default: {
        int v = -1;
        socklen_t len = sizeof v;
        snprintf(call, sizeof call, "getsockopt(%s, SO_ACCEPTCONN)", slot_name(s, fd));
        errno = 0;
        r = getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len);
        e = errno;
        if (r == 0)
            snprintf(extra, sizeof extra, " [%d]", v);
        break;
    }
    }
    report(call, r, e, extra);
}

static void op_poll(void)
{
    int fd, s = pick_slot(&fd);
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP};
    char call[64], extra[160] = "";
    snprintf(call, sizeof call, "poll(%s)", slot_name(s, fd));
    errno = 0;
    int r = poll(&p, 1, 0);
    int e = errno;
    if (r >= 0)
        snprintf(extra, sizeof extra, " %s", conf_pollbits(p.revents));
    report(call, r, e, extra);
}

static void run_sequence(uint64_t seed, int calls)
{
    rng_state = seed * 0x2545f4914f6cdd1dull + 1;
    for (int i = 0; i < NSLOT; i++)
        slots[i].fd = -1;
    neph = 0;
    for (ncall = 1; ncall <= calls; ncall++) {
        unsigned r = rnd(100);
        int have = 0;
        for (int i = 0; i < NSLOT; i++)
            have |= slots[i].fd >= 0;
        if (!have || r < 12)
            op_socket();
        else if (r < 18)
            op_close();
        else if (r < 27)
            op_bind();
        else if (r < 35)
            op_listen();
        else if (r < 48)
            op_connect();
        else if (r < 57)
            op_accept();
        else if (r < 65)
            op_send();
        else if (r < 73)
            op_recv();
        else if (r < 81)
            op_setsockopt();
        else if (r < 85)
            op_getname(0);
        else if (r < 88)
            op_getname(1);
        else if (r < 93)
            op_shutdown();
        else if (r < 95)
            op_so_error();
        else if (r < 97)
            op_poll();
        else
            op_probe();
    }
    for (int i = 0; i < NSLOT; i++)
        if (slots[i].fd >= 0)
            close(slots[i].fd);
}

/* A fresh network namespace with `lo` up (kernel runs only). The calls are
 * parenthesised so that they are the C library's even in the berth build,
 * where socket() and ioctl() are macros. */
static int enter_netns(void)
{
    if ((unshare)(CLONE_NEWNET) < 0)
        return -1;
    int s = (socket)(AF_INET, SOCK_DGRAM, 0);
    if (s < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int rc = (ioctl)(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = (ioctl)(s, SIOCSIFFLAGS, &ifr);
    }
    (close)(s);
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: difffuzz [-n] [-c CALLS] [-s USEC] FIRST_SEED [COUNT]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int netns = 0, calls = NCALLS_DEFAULT, opt;
    while ((opt = getopt(argc, argv, "nc:s:")) != -1) {
        switch (opt) {
        case 'n':
            netns = 1;
            break;
        case 'c':
            calls = atoi(optarg);
            break;
        case 's':
            settle_us = (unsigned)atoi(optarg);
            break;
        default:
            usage();
        }
    }
    if (optind >= argc)
        usage();
    uint64_t first = strtoull(argv[optind], NULL, 0);
    uint64_t count = optind + 1 < argc ? strtoull(argv[optind + 1], NULL, 0) : 1;
    signal(SIGPIPE, SIG_IGN);
    for (uint64_t seed = first; seed < first + count; seed++) {
        conf_printf("# seed %llu\n", (unsigned long long)seed);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) {
            if (netns && enter_netns() < 0) {
                conf_printf("SETUP FAILED: network namespace: %s\n", conf_errname(errno));
                _exit(2);
            }
            run_sequence(seed, calls);
            _exit(0);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR)
                return 2;
        if (WIFSIGNALED(status))
            conf_printf("[killed by signal %d]\n", WTERMSIG(status));
        else if (WEXITSTATUS(status))
            conf_printf("[exit status %d]\n", WEXITSTATUS(status));
    }
    return 0;
}
