/* getsockopt() with optlen shorter or longer than an int: SOL_SOCKET
 * copies the first optlen bytes, IPPROTO_IP gives one byte for small
 * values. Unused bytes keep their 0xAA filler. */
#include "conf.h"

static void get(int fd, int level, int opt, const char *name, socklen_t in)
{
    unsigned char b[16];
    socklen_t len = in;
    char l[80];
    memset(b, 0xAA, sizeof b);
    snprintf(l, sizeof l, "getsockopt(%s, optlen %u)", name, (unsigned)in);
    CHECKL(l, getsockopt(fd, level, opt, b, &len));
    conf_printf("  optlen=%u bytes: %02x %02x %02x %02x %02x %02x %02x %02x\n", (unsigned)len, b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
}

int main(void)
{
    int u;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    static const socklen_t lens[] = {0, 1, 2, 3, 4, 8};
    for (size_t i = 0; i < 6; i++)
        get(u, SOL_SOCKET, SO_TYPE, "SO_TYPE", lens[i]);
    for (size_t i = 0; i < 6; i++)
        get(u, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", lens[i]);
    for (size_t i = 0; i < 6; i++)
        get(u, IPPROTO_IP, IP_TTL, "IP_TTL", lens[i]);
    for (size_t i = 0; i < 6; i++)
        get(u, IPPROTO_IP, IP_TOS, "IP_TOS", lens[i]);
    /* an IP option whose value does not fit in a byte */
    SETINT(u, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO);
    for (size_t i = 0; i < 6; i++)
        get(u, IPPROTO_IP, IP_MTU_DISCOVER, "IP_MTU_DISCOVER", lens[i]);
    for (size_t i = 0; i < 6; i++)
        get(u, IPPROTO_IP, IP_FREEBIND, "IP_FREEBIND", lens[i]);
    return 0;
}
