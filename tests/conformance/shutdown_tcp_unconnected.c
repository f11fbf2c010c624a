/* shutdown() on a TCP socket that never connected: ENOTCONN. */
#include "conf.h"

int main(void)
{
    int t, b;
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(shutdown(t, SHUT_RD));
    CHECK(shutdown(t, SHUT_WR));
    CHECK(shutdown(t, SHUT_RDWR));
    CHECK(shutdown(t, 3));
    MUST(b = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    MUST(bind(b, SA(&a), sizeof a));
    CHECK(shutdown(b, SHUT_RDWR));
    conf_printf("poll = %s\n", conf_pollbits(conf_wait(b, POLLIN | POLLOUT, 0)));
    GETINT(b, SOL_SOCKET, SO_ERROR);
    SOCKNAME("bound tcp after shutdown", b, 0);
    return 0;
}
