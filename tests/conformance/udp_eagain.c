/* EAGAIN on an empty UDP socket: MSG_DONTWAIT, SOCK_NONBLOCK, O_NONBLOCK. */
#include "conf.h"

int main(void)
{
    char buf[16];
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b;
    MUST(b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
    struct sockaddr_in ab = conf_sin("127.0.0.1", 5001);
    MUST(bind(b, SA(&ab), sizeof ab));

    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recvfrom(a, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL));
    CHECK(recv(b, buf, sizeof buf, 0));
    CHECK(read(b, buf, sizeof buf));

    CHECK(fcntl(a, F_SETFL, fcntl(a, F_GETFL) | O_NONBLOCK));
    CHECK(recv(a, buf, sizeof buf, 0));
    CHECK(read(a, buf, sizeof buf));
    struct msghdr m;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(recvmsg(a, &m, 0));

    /* Data arrives: it is read; then EAGAIN again. */
    CHECK(sendto(b, "hello", 5, 0, SA(&(struct sockaddr_in){0}), 0));
    struct sockaddr_in aa = conf_sin("127.0.0.1", 5000);
    CHECK(sendto(b, "hello", 5, 0, SA(&aa), sizeof aa));
    conf_wait(a, POLLIN, 1000);
    CHECK(recv(a, buf, sizeof buf, 0));
    CHECK(recv(a, buf, sizeof buf, 0));

    /* Back to blocking: MSG_DONTWAIT still works per call. */
    CHECK(fcntl(a, F_SETFL, fcntl(a, F_GETFL) & ~O_NONBLOCK));
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    /* A UDP send on loopback does not block: MSG_DONTWAIT changes nothing. */
    CHECK(sendto(a, "x", 1, MSG_DONTWAIT, SA(&ab), sizeof ab));
    return 0;
}
