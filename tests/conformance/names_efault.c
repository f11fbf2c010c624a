/* getsockname()/getpeername(): EFAULT for bad address or length pointers. */
#include "conf.h"

int main(void)
{
    int s;
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    s = conf_udp_bound("127.0.0.1", 5000);
    CHECK(getsockname(s, CONF_BADPTR, &len));
    len = sizeof a;
    CHECK(getsockname(s, SA(&a), CONF_BADPTR));
    CHECK(getsockname(s, SA(&a), NULL));
    len = 0;
    CHECK(getsockname(s, CONF_BADPTR, &len)); /* nothing to copy */
    len = sizeof a;
    CHECK(getpeername(s, CONF_BADPTR, &len)); /* ENOTCONN first */
    struct sockaddr_in p = conf_sin("127.0.0.1", 6000);
    MUST(connect(s, SA(&p), sizeof p));
    len = sizeof a;
    CHECK(getpeername(s, CONF_BADPTR, &len));
    CHECK(getpeername(s, SA(&a), CONF_BADPTR));
    CHECK(getpeername(s, SA(&a), NULL));
    return 0;
}
