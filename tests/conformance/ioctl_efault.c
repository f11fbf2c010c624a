/* ioctl(): EFAULT for bad argument pointers. */
#include "conf.h"

int main(void)
{
    int s;
    s = conf_udp_bound("127.0.0.1", 5000);
    CHECK(ioctl(s, FIONREAD, CONF_BADPTR));
    CHECK(ioctl(s, FIONREAD, NULL));
    CHECK(ioctl(s, FIONBIO, CONF_BADPTR));
    CHECK(ioctl(s, TIOCOUTQ, CONF_BADPTR));
    /* The failed FIONBIO changed nothing. */
    conf_printf("O_NONBLOCK = %d\n", !!(fcntl(s, F_GETFL) & O_NONBLOCK));
    return 0;
}
