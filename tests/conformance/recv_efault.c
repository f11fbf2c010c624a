/* recv()/recvfrom()/recvmsg(): EFAULT for bad buffers; the datagram is
 * lost when the copy fails. */
#include "conf.h"

int main(void)
{
    int a, b;
    char buf[16];
    a = conf_udp_bound("127.0.0.1", 5000);
    b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);

    for (int i = 0; i < 6; i++) {
        char m[2] = {(char)('0' + i), 0};
        MUST(sendto(b, m, 1, 0, SA(&to), sizeof to));
    }
    conf_wait(a, POLLIN, 1000);
    CHECK(recv(a, CONF_BADPTR, 10, 0));
    CHECK(recvfrom(a, buf, sizeof buf, 0, CONF_BADPTR, &(socklen_t){16}));
    CHECK(recvfrom(a, buf, sizeof buf, 0, SA(buf), CONF_BADPTR));
    CHECK(recvmsg(a, CONF_BADPTR, 0));
    CHECK(read(a, CONF_BADPTR, 10));
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    conf_printf("  next \"%s\"\n", buf);
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    return 0;
}
