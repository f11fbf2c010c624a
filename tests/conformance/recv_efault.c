/* recv()/recvfrom()/recvmsg(): EFAULT for bad buffers. After each call a
 * MSG_PEEK shows which datagram is next: Linux loses the datagram when the
 * copy-out fails after dequeuing, but not when the msghdr itself is bad. */
#include "conf.h"

static int a;

static void next(void)
{
    char buf[4] = {0};
    long r = recv(a, buf, sizeof buf - 1, MSG_PEEK | MSG_DONTWAIT);
    if (r < 0)
        conf_printf("  next: %s\n", conf_errname(errno));
    else
        conf_printf("  next \"%s\"\n", buf);
}

int main(void)
{
    char buf[16];
    a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);

    for (int i = 0; i < 6; i++) {
        char m[2] = {(char)('0' + i), 0};
        MUST(sendto(b, m, 1, 0, SA(&to), sizeof to));
    }
    conf_wait(a, POLLIN, 1000);
    next();
    CHECK(recv(a, CONF_BADPTR, 10, 0));
    next();
    CHECK(recvfrom(a, buf, sizeof buf, 0, CONF_BADPTR, &(socklen_t){16}));
    next();
    CHECK(recvfrom(a, buf, sizeof buf, 0, SA(buf), CONF_BADPTR));
    next();
    CHECK(recvmsg(a, CONF_BADPTR, 0));
    next();
    CHECK(read(a, CONF_BADPTR, 10));
    next();
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    return 0;
}
