/* poll(): EFAULT for a pollfd array outside the process. */
#include "conf.h"

int main(void)
{
    int s;
    s = conf_udp_bound("127.0.0.1", 5000);
    struct pollfd *volatile nofds = NULL;
    CHECKL("poll(BADPTR, 1, 0)", poll(CONF_BADPTR, 1, 0));
    CHECKL("poll(NULL, 1, 0)", poll(nofds, 1, 0));
    CHECKL("poll(NULL, 0, 0)", poll(nofds, 0, 0));
    /* The socket itself is fine. */
    struct pollfd one = {s, POLLOUT, 0};
    CHECKL("poll(&one, 1, 0)", poll(&one, 1, 0));
    return 0;
}
