/* net.ipv4.ip_local_reserved_ports: automatic port choices skip them
 * (bind(0) for TCP and UDP, UDP connect/sendto autobind), explicit binds may
 * still use them; the list syntax ("a-b,c") reads back normalised; reserving
 * the whole range makes bind(0) fail with EADDRINUSE and UDP autobind with
 * EAGAIN. Never prints a chosen port: only whether it is reserved. */
#include "confx.h"

static int is_reserved(unsigned p) { return p >= 40000 && p <= 40004; }

static void show(const char *name)
{
    char buf[256];
    if (conf_sysctl_get(name, buf, sizeof buf) == 0)
        conf_printf("%s reads \"%s\"\n", name, buf);
    else
        conf_printf("%s read failed: %s\n", name, conf_errname(errno));
}

static void fill(const char *label, int type, int *s, int *n)
{
    int reserved = 0, e = 0;
    *n = 0;
    for (;;) {
        int fd = conf_sock(AF_INET, type, 0, 0);
        int r = conf_bind4(fd, "127.0.0.1", 0);
        if (r < 0) {
            e = -r;
            close(fd);
            break;
        }
        reserved |= is_reserved(conf_local_port(fd));
        s[(*n)++] = fd;
        if (*n == 12)
            break;
    }
    conf_printf("%s: %d ports, any reserved=%d, then %s\n", label, *n, reserved, conf_errname(e));
}

int main(void)
{
    int u[12], t[12], nu, nt;
    show("net.ipv4.ip_local_reserved_ports");
    SYSCTL("net.ipv4.ip_local_port_range", "40000 40009");
    SYSCTL("net.ipv4.ip_local_reserved_ports", "40004,40000-40003,8080");
    show("net.ipv4.ip_local_reserved_ports");

    fill("udp bind(0) with 40000-40004 reserved", SOCK_DGRAM, u, &nu);
    fill("tcp bind(0) with 40000-40004 reserved", SOCK_STREAM, t, &nt);
    int c = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    struct sockaddr_in peer = conf_sin("127.0.0.1", 9);
    CHECKL("udp connect() autobind, the rest taken", connect(c, SA(&peer), sizeof peer));
    close(c);

    /* Explicit binds to reserved ports are allowed. */
    int x = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    conf_printf("udp bind explicit 40002 (reserved): %s\n",
                conf_res(conf_bind4(x, "127.0.0.1", 40002)));
    int y = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("tcp bind explicit 40000 (reserved): %s\n",
                conf_res(conf_bind4(y, "127.0.0.1", 40000)));
    int z = conf_sock(AF_INET, SOCK_STREAM, 0, 0);
    conf_printf("tcp bind explicit 8080 (reserved, outside the range): %s\n",
                conf_res(conf_bind4(z, "127.0.0.1", 8080)));
    close(x);
    close(y);
    close(z);
    for (int i = 0; i < nu; i++)
        close(u[i]);
    for (int i = 0; i < nt; i++)
        close(t[i]);

    /* Un-reserving a port makes it available again. */
    SYSCTL("net.ipv4.ip_local_reserved_ports", "40000-40003");
    show("net.ipv4.ip_local_reserved_ports");
    fill("udp bind(0) with 40000-40003 reserved", SOCK_DGRAM, u, &nu);
    for (int i = 0; i < nu; i++)
        close(u[i]);

    /* The whole range reserved. */
    SYSCTL("net.ipv4.ip_local_reserved_ports", "39990-40020");
    fill("udp bind(0) with the whole range reserved", SOCK_DGRAM, u, &nu);
    fill("tcp bind(0) with the whole range reserved", SOCK_STREAM, t, &nt);
    for (int i = 0; i < nu; i++)
        close(u[i]);
    for (int i = 0; i < nt; i++)
        close(t[i]);
    c = conf_sock(AF_INET, SOCK_DGRAM, 0, 0);
    CHECKL("udp connect() with the whole range reserved", connect(c, SA(&peer), sizeof peer));
    CHECKL("udp sendto() with the whole range reserved",
           sendto(c, "x", 1, 0, SA(&peer), sizeof peer));
    close(c);

    /* Clearing the list (a lone newline). */
    SYSCTL("net.ipv4.ip_local_reserved_ports", "\n");
    show("net.ipv4.ip_local_reserved_ports");
    fill("udp bind(0) after clearing", SOCK_DGRAM, u, &nu);
    for (int i = 0; i < nu; i++)
        close(u[i]);

    /* Values Linux refuses leave the list alone. */
    SYSCTL("net.ipv4.ip_local_reserved_ports", "40005");
    SYSCTL("net.ipv4.ip_local_reserved_ports", "10-5");
    SYSCTL("net.ipv4.ip_local_reserved_ports", "65536");
    SYSCTL("net.ipv4.ip_local_reserved_ports", "1, 2");
    SYSCTL("net.ipv4.ip_local_reserved_ports", "-1");
    show("net.ipv4.ip_local_reserved_ports");
    SYSCTL("net.ipv4.ip_local_reserved_ports", "0x10-0x12,010");
    show("net.ipv4.ip_local_reserved_ports");
    return 0;
}
