/* net.ipv4.ip_nonlocal_bind: with it set (any non-zero value), AF_INET
 * sockets may bind addresses the host does not have, as with IP_FREEBIND;
 * it is read at bind() time, so clearing it again affects only later
 * binds. 0.0.0.0 and 127/8 are unaffected; the port rules still apply. */
#include "confx.h"

static void try(int type, const char *ip, int port)
{
    int s = conf_sock(AF_INET, type, 0, 0);
    conf_printf("%s bind %s:%d: %s\n", type == SOCK_STREAM ? "tcp" : "udp", ip, port,
                conf_res(conf_bind4(s, ip, port)));
    SOCKNAME("  ", s, port ? 0 : CONF_PORT_EPH);
    /* kept open: ports stay taken */
}

int main(void)
{
    char buf[32];
    conf_sysctl_get("net.ipv4.ip_nonlocal_bind", buf, sizeof buf);
    conf_printf("ip_nonlocal_bind reads \"%s\"\n", buf);
    try(SOCK_DGRAM, "192.0.2.1", 5000);
    SYSCTL("net.ipv4.ip_nonlocal_bind", "1");
    try(SOCK_DGRAM, "192.0.2.1", 5000);
    try(SOCK_STREAM, "192.0.2.1", 5000);
    try(SOCK_DGRAM, "192.0.2.1", 5000); /* taken now */
    try(SOCK_DGRAM, "192.0.2.2", 5000); /* another address: free */
    try(SOCK_DGRAM, "0.0.0.0", 5000);   /* the wildcard clashes */
    try(SOCK_DGRAM, "198.51.100.7", 0);
    try(SOCK_STREAM, "240.0.0.1", 5001);
    try(SOCK_DGRAM, "0.0.0.1", 5002);

    /* Privileged ports are still privileged. */
    conf_as(1000, 0);
    int s = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    conf_printf("uid1000 udp bind 192.0.2.1:80: %s\n", conf_res(conf_bind4(s, "192.0.2.1", 80)));
    conf_as_root();
    close(s);

    /* A socket created while it was set, bound after it is cleared. */
    int late = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    SYSCTL("net.ipv4.ip_nonlocal_bind", "2");
    try(SOCK_DGRAM, "192.0.2.3", 5003);
    SYSCTL("net.ipv4.ip_nonlocal_bind", "0");
    conf_printf("udp created while set, bound after clearing, 192.0.2.4:5004: %s\n",
                conf_res(conf_bind4(late, "192.0.2.4", 5004)));
    try(SOCK_DGRAM, "192.0.2.1", 5005);
    SYSCTL("net.ipv4.ip_nonlocal_bind", "256");
    SYSCTL("net.ipv4.ip_nonlocal_bind", "-1");
    conf_sysctl_get("net.ipv4.ip_nonlocal_bind", buf, sizeof buf);
    conf_printf("ip_nonlocal_bind reads \"%s\"\n", buf);
    return 0;
}
