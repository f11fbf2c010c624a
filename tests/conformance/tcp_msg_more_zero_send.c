/* tcp_msg_more_zero_send.c - a zero-length send does not push what
 * MSG_MORE held back (issue 12, found by the differential fuzzer).
 *
 * tcp_sendmsg_locked calls tcp_push() only when it copied something: the
 * partial segment that MSG_MORE corked stays queued after send(fd, "", 0)
 * and leaves with the next send without MSG_MORE. */
#include "conf.h"

int main(void)
{
    struct sockaddr_in la = conf_sin("127.0.0.1", 7461);
    char b[64];
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    MUST(bind(l, SA(&la), sizeof la));
    MUST(listen(l, 4));
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(c, SA(&la), sizeof la);
    conf_wait(c, POLLOUT, 1000);
    int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
    CHECKL("accept4", s >= 0 ? 0 : -1);
    CHECKL("send 10, MSG_MORE", send(c, "0123456789", 10, MSG_MORE));
    CHECKL("  peer recv", recv(s, b, sizeof b, 0));
    CHECKL("send 0", send(c, "", 0, 0));
    CHECKL("  peer recv", recv(s, b, sizeof b, 0));
    CHECKL("sendto 0 with an address", sendto(c, "", 0, 0, SA(&la), sizeof la));
    CHECKL("  peer recv", recv(s, b, sizeof b, 0));
    CHECKL("send 1", send(c, "x", 1, 0));
    conf_wait(s, POLLIN, 1000);
    CHECKL("  peer recv", recv(s, b, sizeof b, 0));
    close(s);
    close(c);
    close(l);
    return 0;
}
