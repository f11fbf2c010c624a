/* Zero-length UDP datagrams are real datagrams. */
#include "conf.h"

int main(void)
{
    char buf[16];
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    int n = -1;

    CHECK(sendto(b, "", 0, 0, SA(&to), sizeof to));
    CHECK(sendto(b, NULL, 0, 0, SA(&to), sizeof to));
    conf_printf("poll = %s\n", conf_pollbits(conf_wait(a, POLLIN, 1000)));
    CHECK(ioctl(a, FIONREAD, &n));
    conf_printf("FIONREAD = %d\n", n);
    CHECK(recvfrom(a, buf, sizeof buf, 0, SA(&from), &fl));
    conf_printf("from %s\n", conf_fmt_sa(&from, fl, 0));
    CHECK(recv(a, NULL, 0, 0));
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));

    /* A zero-length read of a non-empty datagram consumes it. */
    CHECK(sendto(b, "abc", 3, 0, SA(&to), sizeof to));
    CHECK(sendto(b, "def", 3, 0, SA(&to), sizeof to));
    conf_wait(a, POLLIN, 1000);
    CHECK(recv(a, buf, 0, 0));
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, sizeof buf, 0));
    conf_printf("next \"%s\"\n", buf);

    /* Connected: write() and send() of zero bytes. */
    MUST(connect(b, SA(&to), sizeof to));
    CHECK(write(b, "", 0));
    CHECK(send(b, "", 0, 0));
    conf_wait(a, POLLIN, 1000);
    CHECK(read(a, buf, sizeof buf));
    CHECK(read(a, buf, sizeof buf));
    return 0;
}
