/* setsockopt()/getsockopt(): EFAULT for bad optval / optlen pointers. */
#include "conf.h"
#include <sys/time.h>

int main(void)
{
    int s, v;
    socklen_t len = sizeof v;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, CONF_BADPTR, sizeof(int)));
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof(int)));
    CHECK(setsockopt(s, IPPROTO_IP, IP_TTL, CONF_BADPTR, sizeof(int)));
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, CONF_BADPTR, sizeof(struct timeval)));
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, CONF_BADPTR, &len));
    len = sizeof v;
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, CONF_BADPTR));
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, NULL));
    len = sizeof v;
    CHECK(getsockopt(s, IPPROTO_IP, IP_TTL, CONF_BADPTR, &len));
    CHECK(getsockopt(s, IPPROTO_IP, IP_TTL, &v, CONF_BADPTR));
    /* Nothing was changed. */
    GETINT(s, SOL_SOCKET, SO_REUSEADDR);
    GETINT(s, IPPROTO_IP, IP_TTL);
    return 0;
}
