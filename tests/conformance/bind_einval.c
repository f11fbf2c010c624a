/* bind(): EINVAL for bad address lengths and for binding twice. */
#include "conf.h"

int main(void)
{
    struct sockaddr_storage big;
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    int s, t;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));

    CHECK(bind(s, SA(&a), 0));
    CHECK(bind(s, SA(&a), 1));
    CHECK(bind(s, SA(&a), 2));
    CHECK(bind(s, SA(&a), 8));
    CHECK(bind(s, SA(&a), sizeof a - 1));
    CHECK(bind(s, SA(&a), (socklen_t)-1));
    CHECK(bind(s, NULL, 0));
    SOCKNAME("after failed binds", s, 0);

    /* A long buffer is fine up to sizeof(struct sockaddr_storage). */
    memset(&big, 0, sizeof big);
    memcpy(&big, &a, sizeof a);
    CHECK(bind(s, SA(&big), sizeof big + 1));
    CHECK(bind(s, SA(&big), sizeof big));
    SOCKNAME("bound", s, 0);

    /* Already bound: EINVAL, even to the same address. */
    CHECK(bind(s, SA(&a), sizeof a));
    a = conf_sin("127.0.0.1", 5001);
    CHECK(bind(s, SA(&a), sizeof a));
    SOCKNAME("still", s, 0);

    /* Connected (and so autobound) UDP socket: EINVAL (POSIX would allow
     * EISCONN; Linux says EINVAL because it is bound). */
    int c;
    struct sockaddr_in peer = conf_sin("127.0.0.1", 6000);
    MUST(c = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(connect(c, SA(&peer), sizeof peer));
    a = conf_sin("127.0.0.1", 5002);
    CHECKL("bind(connected udp, 127.0.0.1:5002)", bind(c, SA(&a), sizeof a));
    a = conf_sin("127.0.0.1", 5001);

    /* Same for TCP. */
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(bind(t, SA(&a), 15));
    CHECK(bind(t, SA(&a), sizeof a));
    CHECK(bind(t, SA(&a), sizeof a));
    a = conf_sin("127.0.0.1", 0);
    CHECK(bind(t, SA(&a), sizeof a));
    return 0;
}
