/* A connected UDP socket only receives from its peer. */
#include "conf.h"

int main(void)
{
    char buf[32];
    int a = conf_udp_bound("127.0.0.1", 5000);
    int peer = conf_udp_bound("127.0.0.2", 6000);
    int other = conf_udp_bound("127.0.0.3", 6000);
    int other_port = conf_udp_bound("127.0.0.2", 6001);
    struct sockaddr_in pa = conf_sin("127.0.0.2", 6000);
    struct sockaddr_in aa = conf_sin("127.0.0.1", 5000);

    /* Queued before connect: stays queued. */
    CHECK(sendto(other, "early", 5, 0, SA(&aa), sizeof aa));
    conf_wait(a, POLLIN, 1000);
    CHECK(connect(a, SA(&pa), sizeof pa));

    CHECK(sendto(other, "other-addr", 10, 0, SA(&aa), sizeof aa));
    CHECK(sendto(other_port, "other-port", 10, 0, SA(&aa), sizeof aa));
    CHECK(sendto(peer, "peer", 4, 0, SA(&aa), sizeof aa));
    conf_wait(a, POLLIN, 1000);
    for (int i = 0; i < 3; i++) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        memset(buf, 0, sizeof buf);
        long r = recvfrom(a, buf, sizeof buf, MSG_DONTWAIT, SA(&from), &fl);
        if (r < 0)
            conf_printf("recvfrom = -1 %s\n", conf_errname(errno));
        else
            conf_printf("recvfrom = %ld \"%s\" from %s\n", r, buf, conf_fmt_sa(&from, fl, 0));
    }

    /* After dissolving, everyone gets through again. */
    struct sockaddr un = {.sa_family = AF_UNSPEC};
    CHECK(connect(a, &un, sizeof un));
    CHECK(sendto(other, "other-again", 11, 0, SA(&aa), sizeof aa));
    conf_wait(a, POLLIN, 1000);
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    conf_printf("got \"%s\"\n", buf);
    return 0;
}
