/* SO_RCVBUF / SO_SNDBUF: Linux doubles the value and clamps it below by a
 * minimum and above by net.core.{r,w}mem_max. Values up to 100000 are
 * printed exactly; huge ones only as facts (the max is a host sysctl). */
#include "conf.h"
#include <limits.h>

static int get(int fd, int opt)
{
    int v = -1;
    socklen_t len = sizeof v;
    getsockopt(fd, SOL_SOCKET, opt, &v, &len);
    return v;
}

static void sweep(int fd, int opt, const char *name)
{
    static const int vals[] = {0, 1, 100, 1000, 1152, 2304, 4096, 65536, 100000};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char l[64];
        snprintf(l, sizeof l, "set %s %d", name, vals[i]);
        CHECKL(l, setsockopt(fd, SOL_SOCKET, opt, &vals[i], sizeof vals[i]));
        conf_printf("  reads %d\n", get(fd, opt));
    }
    static const int huge[] = {1 << 30, -1, INT_MAX};
    for (size_t i = 0; i < 3; i++) {
        char l[64];
        snprintf(l, sizeof l, "set %s %d", name, huge[i]);
        CHECKL(l, setsockopt(fd, SOL_SOCKET, opt, &huge[i], sizeof huge[i]));
        int h = get(fd, opt);
        conf_printf("  clamped: above 200000 = %d, below 2^30 = %d, even = %d\n", h > 200000,
                    h < (1 << 30), h % 2 == 0);
    }
}

int main(void)
{
    int u, t;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    /* Defaults (net.core.rmem_default / wmem_default = 212992 on Linux). */
    GETINT(u, SOL_SOCKET, SO_RCVBUF);
    GETINT(u, SOL_SOCKET, SO_SNDBUF);
    sweep(u, SO_RCVBUF, "udp SO_RCVBUF");
    sweep(u, SO_SNDBUF, "udp SO_SNDBUF");
    sweep(t, SO_RCVBUF, "tcp SO_RCVBUF");
    sweep(t, SO_SNDBUF, "tcp SO_SNDBUF");
    /* optlen too short */
    CHECK(setsockopt(u, SOL_SOCKET, SO_RCVBUF, &(int){1000}, 2));
    return 0;
}
