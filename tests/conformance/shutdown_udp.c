/* shutdown() on UDP: ENOTCONN when unconnected -- but Linux still records
 * the shutdown -- EINVAL for a bad how, and what reads and writes do after. */
#include "conf.h"
#include <signal.h>

int main(void)
{
    char buf[8];
    signal(SIGPIPE, SIG_IGN);
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in aa = conf_sin("127.0.0.1", 5000);
    struct sockaddr_in ba = conf_sin("127.0.0.1", 5001);

    CHECK(shutdown(a, 3));
    CHECK(shutdown(a, -1));
    CHECK(shutdown(a, 100));
    CHECK(shutdown(a, SHUT_RD));
    /* The unconnected shutdown(SHUT_RD) took effect: reads return 0. */
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    CHECK(recv(a, buf, sizeof buf, 0));
    conf_printf("poll a = %s\n", conf_pollbits(conf_wait(a, POLLIN | POLLOUT, 0)));
    CHECK(sendto(a, "x", 1, 0, SA(&ba), sizeof ba));

    CHECK(shutdown(b, SHUT_WR));
    CHECK(sendto(b, "x", 1, 0, SA(&aa), sizeof aa));
    CHECK(sendto(b, "x", 1, MSG_NOSIGNAL, SA(&aa), sizeof aa));
    conf_printf("poll b = %s\n", conf_pollbits(conf_wait(b, POLLIN | POLLOUT, 0)));
    /* b can still receive */
    conf_wait(b, POLLIN, 1000);
    CHECK(recv(b, buf, sizeof buf, MSG_DONTWAIT));

    /* Connected UDP: shutdown succeeds. */
    int c = conf_udp_bound("127.0.0.1", 5002);
    int d = conf_udp_bound("127.0.0.1", 5003);
    struct sockaddr_in da = conf_sin("127.0.0.1", 5003);
    MUST(connect(c, SA(&da), sizeof da));
    CHECK(shutdown(c, SHUT_WR));
    CHECK(send(c, "x", 1, MSG_NOSIGNAL));
    CHECK(write(c, "x", 1));
    conf_printf("poll c = %s\n", conf_pollbits(conf_wait(c, POLLIN | POLLOUT, 0)));
    CHECK(shutdown(c, SHUT_RD));
    conf_printf("poll c = %s\n", conf_pollbits(conf_wait(c, POLLIN | POLLOUT, 0)));
    CHECK(shutdown(c, SHUT_RDWR));
    CHECK(recv(c, buf, sizeof buf, 0));
    /* Shutdown persists across connect(AF_UNSPEC). */
    struct sockaddr un = {.sa_family = AF_UNSPEC};
    CHECK(connect(c, &un, sizeof un));
    CHECK(recv(c, buf, sizeof buf, 0));
    (void)d;

    /* Descriptor errors. */
    int p[2];
    MUST(pipe(p));
    CHECK(shutdown(-1, SHUT_RD));
    CHECK(shutdown(p[0], SHUT_RD));
    CHECK(shutdown(p[0], 99));
    return 0;
}
