/* After close() every socket call on the number fails with EBADF. */
#include "conf.h"

int main(void)
{
    int s, v;
    char buf[4];
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    socklen_t len = sizeof a;
    s = conf_udp_bound("127.0.0.1", 5000);
    CHECK(close(s));
    CHECK(close(s));
    CHECK(bind(s, SA(&a), sizeof a));
    CHECK(connect(s, SA(&a), sizeof a));
    CHECK(send(s, "x", 1, 0));
    CHECK(sendto(s, "x", 1, 0, SA(&a), sizeof a));
    CHECK(recv(s, buf, sizeof buf, 0));
    CHECK(recvfrom(s, buf, sizeof buf, 0, NULL, NULL));
    CHECK(read(s, buf, sizeof buf));
    CHECK(write(s, "x", 1));
    CHECK(getsockname(s, SA(&a), &len));
    CHECK(getpeername(s, SA(&a), &len));
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int)));
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &(socklen_t){sizeof v}));
    CHECK(shutdown(s, SHUT_RDWR));
    CHECK(fcntl(s, F_GETFL));
    CHECK(ioctl(s, FIONREAD, &v));
    CHECK(close(-1));
    /* The closed socket's port is free again. */
    int t;
    MUST(t = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(bind(t, SA(&a), sizeof a));
    CHECK(t == s);
    return 0;
}
