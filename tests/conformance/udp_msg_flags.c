/* send/recv flags on UDP: MSG_OOB is EOPNOTSUPP; other flags. */
#include "conf.h"

int main(void)
{
    char buf[16];
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);

    CHECK(sendto(b, "x", 1, MSG_OOB, SA(&to), sizeof to));
    /* recv(MSG_OOB) is not refused on UDP: it is an ordinary read. */
    CHECK(recv(a, buf, sizeof buf, MSG_OOB | MSG_DONTWAIT));
    /* Nothing sent by the MSG_OOB attempt. */
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));

    /* Flags Linux ignores or accepts on UDP. */
    CHECK(sendto(b, "1", 1, MSG_NOSIGNAL, SA(&to), sizeof to));
    CHECK(sendto(b, "2", 1, MSG_DONTROUTE, SA(&to), sizeof to));
    CHECK(sendto(b, "3", 1, MSG_EOR, SA(&to), sizeof to));
    CHECK(sendto(b, "4", 1, MSG_CONFIRM, SA(&to), sizeof to));
    CHECK(sendto(b, "5", 1, 0x40000000, SA(&to), sizeof to));
    conf_wait(a, POLLIN, 1000);
    for (int i = 0; i < 5; i++) {
        memset(buf, 0, sizeof buf);
        CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
        conf_printf("got \"%s\"\n", buf);
    }
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT | MSG_WAITALL));
    /* MSG_ERRQUEUE with an empty error queue. */
    CHECK(recv(a, buf, sizeof buf, MSG_ERRQUEUE));
    return 0;
}
