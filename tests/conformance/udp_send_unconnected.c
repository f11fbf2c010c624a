/* Sending on an unconnected UDP socket without a destination: EDESTADDRREQ.
 * Each call uses a fresh socket; getsockname shows whether it autobound. */
#include "conf.h"

int main(void)
{
    int s;
    struct msghdr m;
    struct iovec iov = {.iov_base = "x", .iov_len = 1};
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;

    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(send(s, "x", 1, 0));
    SOCKNAME("after send", s, CONF_PORT_EPH);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendto(s, "x", 1, 0, NULL, 0));
    SOCKNAME("after sendto", s, CONF_PORT_EPH);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(write(s, "x", 1));
    SOCKNAME("after write", s, CONF_PORT_EPH);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(send(s, "", 0, 0));
    SOCKNAME("after empty send", s, CONF_PORT_EPH);
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(sendmsg(s, &m, 0));
    SOCKNAME("after sendmsg", s, CONF_PORT_EPH);

    /* Bound but unconnected: same. */
    int b = conf_udp_bound("127.0.0.1", 5000);
    CHECK(send(b, "x", 1, 0));
    CHECK(write(b, "x", 1));

    /* recv on an unconnected socket just has nothing to read (no ENOTCONN),
     * and does not autobind. */
    CHECK(recv(b, (char[4]){0}, 4, MSG_DONTWAIT));
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(recv(s, (char[4]){0}, 4, MSG_DONTWAIT));
    SOCKNAME("after recv", s, CONF_PORT_EPH);
    return 0;
}
