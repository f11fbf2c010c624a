/* SO_LINGER: struct linger round trip, normalisation, short optlen. */
#include "conf.h"

static void rt(int fd, int on, int secs)
{
    struct linger l = {.l_onoff = on, .l_linger = secs}, out;
    socklen_t len = sizeof out;
    char lab[64];
    snprintf(lab, sizeof lab, "set SO_LINGER {%d, %d}", on, secs);
    CHECKL(lab, setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l));
    memset(&out, 0x55, sizeof out);
    getsockopt(fd, SOL_SOCKET, SO_LINGER, &out, &len);
    conf_printf("  reads {%d, %d} len=%u\n", out.l_onoff, out.l_linger, (unsigned)len);
}

int main(void)
{
    int u, t;
    struct linger l;
    socklen_t len = sizeof l;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(getsockopt(u, SOL_SOCKET, SO_LINGER, &l, &len));
    conf_printf("  default {%d, %d} len=%u\n", l.l_onoff, l.l_linger, (unsigned)len);
    rt(u, 1, 5);
    rt(u, 7, 5);
    rt(u, 0, 9);
    rt(u, 1, 0);
    rt(t, 1, 10);
    rt(t, 0, 0);
    l.l_onoff = 1;
    l.l_linger = 1;
    CHECK(setsockopt(u, SOL_SOCKET, SO_LINGER, &l, sizeof l - 1));
    CHECK(setsockopt(u, SOL_SOCKET, SO_LINGER, &l, sizeof(int)));
    len = 4;
    CHECK(getsockopt(u, SOL_SOCKET, SO_LINGER, &l, &len));
    conf_printf("  len=%u\n", (unsigned)len);
    CHECK(close(t));
    return 0;
}
