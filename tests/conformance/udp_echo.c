/* Data path: a UDP echo between 127.0.0.1 and 127.0.0.2. */
#include "conf.h"

int main(void)
{
    char buf[256];
    int srv = conf_udp_bound("127.0.0.2", 7000);
    int cli = conf_udp_bound("127.0.0.1", 7001);
    struct sockaddr_in sa = conf_sin("127.0.0.2", 7000);
    struct sockaddr_in from;
    socklen_t fl;

    for (int i = 0; i < 5; i++) {
        char msg[64];
        int n = snprintf(msg, sizeof msg, "message %d %.*s", i, i * 7,
                         "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
        CHECK(sendto(cli, msg, (size_t)n, 0, SA(&sa), sizeof sa));
        conf_wait(srv, POLLIN, 1000);
        fl = sizeof from;
        long r = recvfrom(srv, buf, sizeof buf, 0, SA(&from), &fl);
        conf_printf("server got %ld \"%.*s\" from %s\n", r, (int)(r > 0 ? r : 0), buf,
                    conf_fmt_sa(&from, fl, 0));
        CHECK(sendto(srv, buf, (size_t)r, 0, SA(&from), fl));
        conf_wait(cli, POLLIN, 1000);
        fl = sizeof from;
        memset(buf, 0, sizeof buf);
        r = recvfrom(cli, buf, sizeof buf, 0, SA(&from), &fl);
        conf_printf("client got %ld echo-ok=%d from %s\n", r,
                    r == n && memcmp(buf, msg, (size_t)n) == 0, conf_fmt_sa(&from, fl, 0));
    }

    /* Connected client, unbound: the server sees an ephemeral source. */
    int c2;
    MUST(c2 = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(connect(c2, SA(&sa), sizeof sa));
    CHECK(send(c2, "hi", 2, 0));
    conf_wait(srv, POLLIN, 1000);
    fl = sizeof from;
    CHECK(recvfrom(srv, buf, sizeof buf, 0, SA(&from), &fl));
    conf_printf("from %s\n", conf_fmt_sa(&from, fl, CONF_PORT_EPH));
    CHECK(sendto(srv, "yo", 2, 0, SA(&from), fl));
    conf_wait(c2, POLLIN, 1000);
    memset(buf, 0, sizeof buf);
    CHECK(recv(c2, buf, sizeof buf, 0));
    conf_printf("reply \"%s\"\n", buf);
    return 0;
}
