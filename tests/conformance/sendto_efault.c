/* sendto()/sendmsg(): EFAULT for bad buffers, addresses and msghdrs. */
#include "conf.h"

int main(void)
{
    int s, r;
    r = conf_udp_bound("127.0.0.1", 5000);
    s = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    CHECK(sendto(s, CONF_BADPTR, 10, 0, SA(&to), sizeof to));
    CHECK(sendto(s, NULL, 10, 0, SA(&to), sizeof to));
    CHECK(sendto(s, "x", 1, 0, CONF_BADPTR, sizeof to));
    CHECK(sendto(s, CONF_BADPTR, 0, 0, SA(&to), sizeof to)); /* nothing to copy */
    CHECK(sendmsg(s, CONF_BADPTR, 0));
    struct iovec iov = {.iov_base = CONF_BADPTR, .iov_len = 5};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = &to;
    m.msg_namelen = sizeof to;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(sendmsg(s, &m, 0));
    m.msg_iov = CONF_BADPTR;
    CHECK(sendmsg(s, &m, 0));
    /* Only the zero-length datagram was sent. */
    conf_wait(r, POLLIN, 1000);
    char buf[16];
    CHECK(recv(r, buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recv(r, buf, sizeof buf, MSG_DONTWAIT));
    /* connected send/write with a bad buffer */
    MUST(connect(s, SA(&to), sizeof to));
    CHECK(send(s, CONF_BADPTR, 10, 0));
    CHECK(write(s, CONF_BADPTR, 10));
    return 0;
}
