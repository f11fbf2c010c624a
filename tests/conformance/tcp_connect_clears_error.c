/* tcp_connect_clears_error.c - a new connect() forgets the pending error of
 * an earlier attempt (issue 12).
 *
 * tcp_connect_init() clears sk_err: a refusal nobody read (SO_ERROR), or
 * the ECONNRESET connect(AF_UNSPEC) leaves on a connecting socket, is gone
 * once the next SYN is sent. The next connection here is to the socket
 * itself (simultaneous open), so it succeeds without a listener. */
#include "conf.h"

static void run(int family, int port, int variant)
{
    struct sockaddr_storage any, self, refused;
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in a = conf_sin("0.0.0.0", port), s = conf_sin("127.0.0.1", port);
        struct sockaddr_in r = conf_sin("127.0.0.1", 7401);
        memcpy(&any, &a, sizeof a);
        memcpy(&self, &s, sizeof s);
        memcpy(&refused, &r, sizeof r);
        len = sizeof a;
    } else {
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
        struct sockaddr_in6 s = a, r = a;
        inet_pton(AF_INET6, "::ffff:127.0.0.1", &s.sin6_addr);
        r = s;
        r.sin6_port = htons(7401);
        memcpy(&any, &a, sizeof a);
        memcpy(&self, &s, sizeof s);
        memcpy(&refused, &r, sizeof r);
        len = sizeof a;
    }
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};
    conf_printf("%s, %s\n", family == AF_INET ? "AF_INET" : "AF_INET6",
                variant == 0   ? "refusal not read"
                : variant == 1 ? "AF_UNSPEC while connecting"
                               : "nothing before");
    int s = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECKL("  bind(wildcard)", bind(s, SA(&any), len));
    if (variant == 0) {
        CHECKL("  connect(refused)", connect(s, SA(&refused), len));
        conf_wait(s, POLLOUT, 1000);
    } else if (variant == 1) {
        CHECKL("  connect(refused)", connect(s, SA(&refused), len));
    }
    CHECKL("  connect(AF_UNSPEC)", connect(s, SA(&unspec), sizeof unspec));
    CHECKL("  connect(itself)", connect(s, SA(&self), len));
    conf_wait(s, POLLOUT, 1000);
    GETINT(s, SOL_SOCKET, SO_ERROR);
    CHECKL("  send", send(s, "x", 1, MSG_NOSIGNAL));
    char c;
    CHECKL("  recv", recv(s, &c, 1, MSG_DONTWAIT));
    close(s);
}

int main(void)
{
    int port = 7411;
    for (int v = 0; v < 3; v++) {
        run(AF_INET, port++, v);
        run(AF_INET6, port++, v);
    }
    return 0;
}
