/* MSG_PEEK leaves the datagram queued; the next read gets it again. */
#include "conf.h"

int main(void)
{
    char buf[64];
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.2", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    struct sockaddr_in from;
    socklen_t fl;

    CHECK(sendto(b, "first datagram", 14, 0, SA(&to), sizeof to));
    CHECK(sendto(b, "second", 6, 0, SA(&to), sizeof to));
    conf_wait(a, POLLIN, 1000);

    memset(buf, 0, sizeof buf);
    fl = sizeof from;
    CHECK(recvfrom(a, buf, sizeof buf, MSG_PEEK, SA(&from), &fl));
    conf_printf("peeked \"%s\" from %s\n", buf, conf_fmt_sa(&from, fl, 0));
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, 5, MSG_PEEK));
    conf_printf("peeked 5 \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, sizeof buf, MSG_PEEK | MSG_TRUNC));
    CHECK(recv(a, buf, 3, MSG_PEEK | MSG_TRUNC));
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, sizeof buf, 0));
    conf_printf("read \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT));
    conf_printf("peeked \"%s\"\n", buf);
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, sizeof buf, 0));
    conf_printf("read \"%s\"\n", buf);
    CHECK(recv(a, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT));
    return 0;
}
