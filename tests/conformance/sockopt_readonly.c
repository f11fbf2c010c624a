/* SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN for UDP and TCP. */
#include "conf.h"

int main(void)
{
    int u, t, u2;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    MUST(u2 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP));
    int fds[3] = {u, t, u2};
    for (int i = 0; i < 3; i++) {
        conf_printf("-- fd %d\n", fds[i]);
        GETINT(fds[i], SOL_SOCKET, SO_TYPE);
        GETINT(fds[i], SOL_SOCKET, SO_DOMAIN);
        GETINT(fds[i], SOL_SOCKET, SO_PROTOCOL);
        GETINT(fds[i], SOL_SOCKET, SO_ACCEPTCONN);
    }
    /* Bound and connected do not change them. */
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    MUST(bind(t, SA(&a), sizeof a));
    MUST(connect(u, SA(&a), sizeof a));
    GETINT(t, SOL_SOCKET, SO_ACCEPTCONN);
    GETINT(u, SOL_SOCKET, SO_ACCEPTCONN);
    GETINT(u, SOL_SOCKET, SO_TYPE);
    return 0;
}
