/* Privileged ports: bind() to a port below net.ipv4.ip_unprivileged_port_start
 * (1024) needs CAP_NET_BIND_SERVICE, checked at bind() time against the
 * caller. Identities: root, root without CAP_NET_BIND_SERVICE, uid 1000,
 * uid 1000 with CAP_NET_BIND_SERVICE. Port 0 is never privileged (the
 * ephemeral range is kept >= ip_unprivileged_port_start by the sysctl
 * rules). Then the knob moves: 80, 0, 1, 2000 (with the range moved up). */
#include "confx.h"

static const struct {
    int uid, cap;
    const char *name;
} who[] = {
    {0, 1, "root"},
    {0, 0, "root-cap"},
    {1000, 0, "uid1000"},
    {1000, 1, "uid1000+cap"},
};

static void try(int type, int w, const char *ip, int port)
{
    conf_as(who[w].uid, who[w].cap);
    int s = conf_sock(AF_INET, type, 0, 0);
    int r = conf_bind4(s, ip, port);
    conf_as_root();
    conf_printf("%s %s bind %s:%d: %s\n", type == SOCK_STREAM ? "tcp" : "udp", who[w].name, ip,
                port, conf_res(r));
    close(s);
}

int main(void)
{
    static const int ports[] = {1, 80, 1023, 1024, 0};
    for (int t = 0; t < 2; t++)
        for (int w = 0; w < 4; w++)
            for (int p = 0; p < 5; p++)
                try(t ? SOCK_DGRAM : SOCK_STREAM, w, "127.0.0.1", ports[p]);
    /* The wildcard and a broadcast/multicast address change nothing. */
    try(SOCK_DGRAM, 2, "0.0.0.0", 53);
    try(SOCK_DGRAM, 2, "224.0.0.1", 53);
    try(SOCK_DGRAM, 2, "127.255.255.255", 53);
    try(SOCK_STREAM, 2, "0.0.0.0", 443);

    SYSCTL("net.ipv4.ip_unprivileged_port_start", "80");
    try(SOCK_STREAM, 2, "127.0.0.1", 79);
    try(SOCK_STREAM, 2, "127.0.0.1", 80);
    try(SOCK_DGRAM, 1, "127.0.0.1", 79);
    try(SOCK_DGRAM, 2, "127.0.0.1", 81);
    SYSCTL("net.ipv4.ip_unprivileged_port_start", "0");
    try(SOCK_STREAM, 2, "127.0.0.1", 1);
    try(SOCK_DGRAM, 1, "127.0.0.1", 2);
    SYSCTL("net.ipv4.ip_unprivileged_port_start", "1");
    try(SOCK_STREAM, 2, "127.0.0.1", 3);
    /* Above the ephemeral range's low end: refused until the range moves. */
    SYSCTL("net.ipv4.ip_unprivileged_port_start", "40000");
    SYSCTL("net.ipv4.ip_local_port_range", "40000 40100");
    SYSCTL("net.ipv4.ip_unprivileged_port_start", "40000");
    try(SOCK_STREAM, 2, "127.0.0.1", 39999);
    try(SOCK_STREAM, 2, "127.0.0.1", 40000);
    try(SOCK_DGRAM, 2, "127.0.0.1", 2000);
    try(SOCK_DGRAM, 3, "127.0.0.1", 2000);
    /* bind(0) as uid 1000 stays unprivileged. */
    try(SOCK_DGRAM, 2, "127.0.0.1", 0);
    try(SOCK_STREAM, 2, "127.0.0.1", 0);
    /* The range cannot now move below it. */
    SYSCTL("net.ipv4.ip_local_port_range", "32768 60999");
    return 0;
}
