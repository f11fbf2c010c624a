/* EMSGSIZE: 65507 bytes is the largest UDP payload over IPv4. */
#include "conf.h"

int main(void)
{
    static char big[70000], in[70000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7 + 3);
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);

    CHECK(sendto(b, big, 65508, 0, SA(&to), sizeof to));
    CHECK(sendto(b, big, 65535, 0, SA(&to), sizeof to));
    CHECK(sendto(b, big, 65536, 0, SA(&to), sizeof to));
    CHECK(sendto(b, big, 70000, 0, SA(&to), sizeof to));
    CHECK(sendto(b, big, 65507, 0, SA(&to), sizeof to));
    conf_wait(a, POLLIN, 1000);
    CHECK(recv(a, in, sizeof in, 0));
    conf_printf("payload intact = %d\n", memcmp(in, big, 65507) == 0);
    CHECK(recv(a, in, sizeof in, MSG_DONTWAIT));

    /* Same on a connected socket and with write(). */
    MUST(connect(b, SA(&to), sizeof to));
    CHECK(send(b, big, 65508, 0));
    CHECK(write(b, big, 65508));
    CHECK(send(b, big, 65507, 0));
    conf_wait(a, POLLIN, 1000);
    CHECK(recv(a, in, sizeof in, 0));
    return 0;
}
