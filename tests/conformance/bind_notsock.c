/* bind(): EBADF for dead descriptors, ENOTSOCK for non-socket files. */
#include "conf.h"

int main(void)
{
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    int p[2], f, s;
    MUST(pipe(p));
    MUST(f = open("/dev/null", O_RDONLY));
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(close(s));

    CHECK(bind(-1, SA(&a), sizeof a));
    CHECK(bind(s, SA(&a), sizeof a));   /* closed */
    CHECK(bind(999, SA(&a), sizeof a)); /* never opened */
    CHECK(bind(0, SA(&a), sizeof a));   /* stdin: /dev/null */
    CHECK(bind(p[0], SA(&a), sizeof a));
    CHECK(bind(p[1], SA(&a), sizeof a));
    CHECK(bind(f, SA(&a), sizeof a));
    /* The fd check comes before the address check. */
    CHECK(bind(-1, NULL, 0));
    CHECK(bind(p[0], NULL, 0));
    CHECK(bind(-1, CONF_BADPTR, sizeof a));
    return 0;
}
