/* ioctl() and poll(): EFAULT for bad argument pointers. */
#include "conf.h"

int main(void)
{
    int s;
    s = conf_udp_bound("127.0.0.1", 5000);
    CHECK(ioctl(s, FIONREAD, CONF_BADPTR));
    CHECK(ioctl(s, FIONREAD, NULL));
    CHECK(ioctl(s, FIONBIO, CONF_BADPTR));
    CHECK(poll(CONF_BADPTR, 1, 0));
    CHECK(poll(NULL, 1, 0));
    CHECK(poll(NULL, 0, 0));
    conf_printf("O_NONBLOCK = %d\n", !!(fcntl(s, F_GETFL) & O_NONBLOCK));
    return 0;
}
