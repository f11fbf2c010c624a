/* IP_TOS: default 0; UDP keeps all bits, TCP keeps its ECN bits. */
#include "conf.h"

int main(void)
{
    int u, t;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    GETINT(u, IPPROTO_IP, IP_TOS);
    GETINT(t, IPPROTO_IP, IP_TOS);
    static const int vals[] = {0x10, 0xb8, 0xff, 0x03, 256, 0x1ff, -1, 0};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        SETINT(u, IPPROTO_IP, IP_TOS, vals[i]);
        GETINT(u, IPPROTO_IP, IP_TOS);
        SETINT(t, IPPROTO_IP, IP_TOS, vals[i]);
        GETINT(t, IPPROTO_IP, IP_TOS);
    }
    unsigned char c = 0x20;
    CHECK(setsockopt(u, IPPROTO_IP, IP_TOS, &c, 1));
    GETINT(u, IPPROTO_IP, IP_TOS);
    CHECK(setsockopt(u, IPPROTO_IP, IP_TOS, &c, 0));
    return 0;
}
