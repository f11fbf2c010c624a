/* fcntl() on sockets: F_GETFL/F_SETFL O_NONBLOCK, F_GETFD/F_SETFD. */
#include "conf.h"

static void show(const char *label, int fd)
{
    int fl = fcntl(fd, F_GETFL), fdf = fcntl(fd, F_GETFD);
    conf_printf("%s: accmode=%d nonblock=%d append=%d cloexec=%d\n", label, fl & O_ACCMODE,
                !!(fl & O_NONBLOCK), !!(fl & O_APPEND), !!(fdf & FD_CLOEXEC));
}

int main(void)
{
    int s;
    char buf[4];
    s = conf_udp_bound("127.0.0.1", 5000);
    show("initial", s);
    CHECK(fcntl(s, F_SETFL, O_NONBLOCK));
    show("O_NONBLOCK", s);
    CHECK(recv(s, buf, sizeof buf, 0));
    CHECK(fcntl(s, F_SETFL, 0));
    show("cleared", s);
    /* Access mode bits are ignored by F_SETFL. */
    CHECK(fcntl(s, F_SETFL, O_RDONLY | O_NONBLOCK));
    show("O_RDONLY|O_NONBLOCK", s);
    CHECK(fcntl(s, F_SETFL, O_WRONLY));
    show("O_WRONLY", s);
    CHECK(fcntl(s, F_SETFD, FD_CLOEXEC));
    show("FD_CLOEXEC", s);
    CHECK(fcntl(s, F_SETFD, 0));
    show("no FD_CLOEXEC", s);
    CHECK(fcntl(s, 9999));
    CHECK(fcntl(-1, F_GETFL));
    CHECK(fcntl(999, F_SETFL, O_NONBLOCK));
    return 0;
}
