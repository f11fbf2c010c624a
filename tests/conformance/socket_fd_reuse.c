/* fd numbers: the lowest free descriptor is reused after close(). */
#include "conf.h"

int main(void)
{
    int a, b, c, d, p[2];
    CHECK(a = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(b = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(c = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(close(b));
    CHECK(d = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(d == b);
    /* Plain files and sockets share one descriptor space. */
    CHECK(close(a));
    CHECK(pipe(p));
    conf_printf("pipe fds = %d %d\n", p[0], p[1]);
    CHECK(a = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(close(p[0]));
    CHECK(close(c));
    CHECK(b = socket(AF_INET, SOCK_STREAM, 0));
    CHECK(c = socket(AF_INET, SOCK_STREAM, 0));
    /* After close the number is dead: every call says EBADF. */
    CHECK(close(c));
    CHECK(close(c));
    CHECK(getsockopt(c, SOL_SOCKET, SO_TYPE, &(int){0}, &(socklen_t){4}));
    CHECK(fcntl(c, F_GETFL));
    return 0;
}
