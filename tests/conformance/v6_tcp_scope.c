/* v6_tcp_scope.c - link-local addresses and scope ids on AF_INET6 stream
 * sockets with only lo. tcp_v6_connect: a link-local peer needs a scope
 * id or a bound device (EINVAL; a 24-byte address has no scope id), the
 * scope id becomes the bound device before routing (it stays after the
 * ENETUNREACH, even an index naming no interface: SO_BINDTODEVICE then
 * reads ENODEV), another device than the bound one is EINVAL; a global
 * peer's scope id is ignored. inet6_bind: the same for a link-local
 * address (a missing device ENODEV, lo's missing address
 * EADDRNOTAVAIL), multicast EINVAL. An accepted child's device is its
 * listener's; a ::1 peer has scope 0. */
#include "conf.h"
#include "v6_tcp.h"

static struct sockaddr_in6 scoped(const char *ip, int port, unsigned scope)
{
    struct sockaddr_in6 a = v6_sin6(ip, port);
    a.sin6_scope_id = scope;
    return a;
}

static void bound_dev(const char *label, int fd)
{
    char name[32];
    socklen_t len = sizeof name;
    memset(name, 0, sizeof name);
    errno = 0;
    int r = getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, &len);
    if (r < 0)
        conf_report(label, r, errno);
    else
        conf_printf("%s = 0 \"%s\" len=%u\n", label, name, (unsigned)len);
}

static void try_connect(const char *label, struct sockaddr_in6 to, socklen_t len, const char *dev)
{
    int c;
    MUST(c = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0));
    if (dev)
        MUST(setsockopt(c, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev)));
    CHECKL(label, connect(c, SA(&to), len));
    bound_dev("  SO_BINDTODEVICE", c);
    v6_name("  after", c, 0, CONF_PORT_EPH);
    v6_name("  after", c, 1, CONF_PORT_EXACT);
    conf_wait(c, POLLOUT, 100);
    int err = 0;
    socklen_t el = sizeof err;
    MUST(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el));
    conf_printf("  SO_ERROR = %s\n", err ? conf_errname(err) : "0");
    close(c);
}

static void try_bind(const char *label, struct sockaddr_in6 a, socklen_t len)
{
    int s;
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    CHECKL(label, bind(s, SA(&a), len));
    bound_dev("  SO_BINDTODEVICE", s);
    v6_name("  after", s, 0, CONF_PORT_EXACT);
    close(s);
}

int main(void)
{
    try_connect("connect [fe80::1]", scoped("fe80::1", 6760, 0), sizeof(struct sockaddr_in6), NULL);
    try_connect("connect [fe80::1%1]", scoped("fe80::1", 6760, 1), sizeof(struct sockaddr_in6),
                NULL);
    try_connect("connect [fe80::1%1], 24 bytes", scoped("fe80::1", 6760, 1), 24, NULL);
    try_connect("connect [fe80::1%99]", scoped("fe80::1", 6760, 99), sizeof(struct sockaddr_in6),
                NULL);
    try_connect("connect [fe80::1] bound to lo", scoped("fe80::1", 6760, 0),
                sizeof(struct sockaddr_in6), "lo");
    try_connect("connect [fe80::1%2] bound to lo", scoped("fe80::1", 6760, 2),
                sizeof(struct sockaddr_in6), "lo");
    try_connect("connect [fe80::1%1] bound to lo", scoped("fe80::1", 6760, 1),
                sizeof(struct sockaddr_in6), "lo");
    try_connect("connect [::1%99]:6761 (closed)", scoped("::1", 6761, 99),
                sizeof(struct sockaddr_in6), NULL);
    try_connect("connect [ff02::1%1]", scoped("ff02::1", 6760, 1), sizeof(struct sockaddr_in6),
                NULL);

    try_bind("bind [fe80::1]", scoped("fe80::1", 6762, 0), sizeof(struct sockaddr_in6));
    try_bind("bind [fe80::1%1]", scoped("fe80::1", 6762, 1), sizeof(struct sockaddr_in6));
    try_bind("bind [fe80::1%99]", scoped("fe80::1", 6762, 99), sizeof(struct sockaddr_in6));
    try_bind("bind [fe80::1%1], 24 bytes", scoped("fe80::1", 6762, 1), 24);
    try_bind("bind [::1%99]", scoped("::1", 6762, 99), sizeof(struct sockaddr_in6));
    try_bind("bind [::%1]", scoped("::", 6762, 1), sizeof(struct sockaddr_in6));
    try_bind("bind [ff02::1%1]", scoped("ff02::1", 6762, 1), sizeof(struct sockaddr_in6));

    /* SO_BINDTODEVICE read into less than IFNAMSIZ: EINVAL once bound,
     * length 0 while not */
    int l, c, s;
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    char name[8];
    socklen_t nl = sizeof name;
    CHECKL("SO_BINDTODEVICE, 8-byte buffer, unbound",
           getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &nl));
    conf_printf("  len=%u\n", (unsigned)nl);
    MUST(setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2));
    nl = sizeof name;
    CHECKL("SO_BINDTODEVICE, 8-byte buffer, lo",
           getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &nl));
    close(s);

    /* a listener on [::]%lo via SO_BINDTODEVICE: an accepted ::1 peer has
     * no scope id (global address) */
    MUST(l = socket(AF_INET6, SOCK_STREAM, 0));
    MUST(setsockopt(l, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2));
    struct sockaddr_in6 any = v6_sin6("::", 6763);
    MUST(bind(l, SA(&any), sizeof any));
    MUST(listen(l, 4));
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    struct sockaddr_in6 to = scoped("::1", 6763, 1);
    CHECKL("connect [::1%1]:6763", connect(c, SA(&to), sizeof to));
    bound_dev("  SO_BINDTODEVICE", c);
    v6_name("  client", c, 0, CONF_PORT_EPH);
    v6_name("  client", c, 1, CONF_PORT_EXACT);
    s = v6_accept("  child", l, CONF_PORT_EPH);
    bound_dev("  child SO_BINDTODEVICE", s);
    v6_name("  child", s, 0, CONF_PORT_EXACT);
    close(s);
    close(c);
    close(l);
    return 0;
}
