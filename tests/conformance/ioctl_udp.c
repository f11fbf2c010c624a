/* ioctl() on UDP: FIONREAD is the size of the next datagram, FIONBIO,
 * TIOCOUTQ, and errors. */
#include "conf.h"

int main(void)
{
    int a, b, n;
    char buf[64];
    a = conf_udp_bound("127.0.0.1", 5000);
    b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in aa = conf_sin("127.0.0.1", 5000);

    n = -1;
    CHECK(ioctl(a, FIONREAD, &n));
    conf_printf("  FIONREAD empty = %d\n", n);
    MUST(sendto(b, "0123456789", 10, 0, SA(&aa), sizeof aa));
    MUST(sendto(b, "01234567890123456789", 20, 0, SA(&aa), sizeof aa));
    conf_wait(a, POLLIN, 1000);
    n = -1;
    CHECK(ioctl(a, FIONREAD, &n));
    conf_printf("  FIONREAD = %d\n", n);
    MUST(recv(a, buf, sizeof buf, 0));
    CHECK(ioctl(a, FIONREAD, &n));
    conf_printf("  FIONREAD = %d\n", n);
    MUST(recv(a, buf, sizeof buf, 0));
    CHECK(ioctl(a, FIONREAD, &n));
    conf_printf("  FIONREAD = %d\n", n);
    /* Unsent bytes: 0 after a loopback send. */
    n = -1;
    CHECK(ioctl(b, TIOCOUTQ, &n));
    conf_printf("  TIOCOUTQ = %d\n", n);

    /* FIONBIO toggles O_NONBLOCK. */
    int on = 1, off = 0;
    CHECK(ioctl(a, FIONBIO, &on));
    conf_printf("  O_NONBLOCK = %d\n", !!(fcntl(a, F_GETFL) & O_NONBLOCK));
    CHECK(recv(a, buf, sizeof buf, 0));
    int big = 42;
    CHECK(ioctl(a, FIONBIO, &big));
    conf_printf("  O_NONBLOCK = %d\n", !!(fcntl(a, F_GETFL) & O_NONBLOCK));
    CHECK(ioctl(a, FIONBIO, &off));
    conf_printf("  O_NONBLOCK = %d\n", !!(fcntl(a, F_GETFL) & O_NONBLOCK));

    /* Errors: bad fd, non-socket, unknown request. */
    int p[2];
    MUST(pipe(p));
    CHECK(ioctl(-1, FIONREAD, &n));
    CHECK(ioctl(a, 0x12345678, &n));
    CHECK(ioctl(a, TCGETS, buf));
    /* FIONREAD works on pipes too; it is not a socket-only request. */
    CHECK(ioctl(p[0], FIONREAD, &n));
    conf_printf("  pipe FIONREAD = %d\n", n);
    return 0;
}
