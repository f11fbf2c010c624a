/* socket(): SOCK_NONBLOCK / SOCK_CLOEXEC seen through fcntl(). */
#include "conf.h"

static void flags(const char *label, int fd)
{
    int fl = fcntl(fd, F_GETFL);
    int fd_fl = fcntl(fd, F_GETFD);
    conf_printf("%s: F_GETFL accmode=%s nonblock=%d F_GETFD cloexec=%d\n", label,
                (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : "other", !!(fl & O_NONBLOCK),
                !!(fd_fl & FD_CLOEXEC));
}

int main(void)
{
    int a, b, c, d, e;
    CHECK(a = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
    CHECK(c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    CHECK(d = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    CHECK(e = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    flags("dgram", a);
    flags("dgram|NONBLOCK", b);
    flags("dgram|CLOEXEC", c);
    flags("dgram|NONBLOCK|CLOEXEC", d);
    flags("stream|NONBLOCK|CLOEXEC", e);
    /* The flags are not part of the type. */
    GETINT(d, SOL_SOCKET, SO_TYPE);
    GETINT(e, SOL_SOCKET, SO_TYPE);
    /* A non-blocking socket returns EAGAIN at once. */
    char buf[8];
    struct sockaddr_in a0 = conf_sin("127.0.0.1", 5000);
    MUST(bind(b, SA(&a0), sizeof a0));
    CHECK(recv(b, buf, sizeof buf, 0));
    return 0;
}
