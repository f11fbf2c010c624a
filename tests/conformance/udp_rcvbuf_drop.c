/* A small SO_RCVBUF overflows: some datagrams are dropped, none is
 * truncated, and the first ones are kept. Only facts are printed. */
#include "conf.h"

int main(void)
{
    char buf[2048], msg[1000];
    int a = conf_udp_bound("127.0.0.1", 5000);
    int b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in to = conf_sin("127.0.0.1", 5000);
    SETINT(a, SOL_SOCKET, SO_RCVBUF, 4096);

    int sent = 0;
    for (int i = 0; i < 200; i++) {
        memset(msg, 'a' + i % 26, sizeof msg);
        msg[0] = (char)i;
        if (sendto(b, msg, sizeof msg, 0, SA(&to), sizeof to) == (long)sizeof msg)
            sent++;
    }
    conf_printf("all 200 sends succeeded = %d\n", sent == 200);
    conf_wait(a, POLLIN, 1000);
    int got = 0, ok = 1, first = -1, inorder = 1, last = -1;
    for (;;) {
        long r = recv(a, buf, sizeof buf, MSG_DONTWAIT);
        if (r < 0) {
            conf_printf("drained: %s\n", conf_errname(errno));
            break;
        }
        if (r != (long)sizeof msg)
            ok = 0;
        int idx = (unsigned char)buf[0];
        if (first < 0)
            first = idx;
        if (idx <= last)
            inorder = 0;
        last = idx;
        got++;
    }
    conf_printf("received some = %d\n", got > 0);
    conf_printf("dropped some = %d\n", got < 200);
    conf_printf("all full size = %d\n", ok);
    conf_printf("first received is first sent = %d\n", first == 0);
    conf_printf("in order = %d\n", inorder);

    /* With room again, new datagrams are received. */
    CHECK(sendto(b, "after", 5, 0, SA(&to), sizeof to));
    conf_wait(a, POLLIN, 1000);
    CHECK(recv(a, buf, sizeof buf, MSG_DONTWAIT));
    return 0;
}
