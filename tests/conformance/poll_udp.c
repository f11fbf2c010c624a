/* poll() on UDP sockets: POLLIN/POLLOUT bits with and without data. */
#include "conf.h"

static void show(const char *label, struct pollfd *p, int n, int timeout)
{
    for (int i = 0; i < n; i++)
        p[i].revents = 0x5a5a; /* poll must overwrite it */
    errno = 0;
    int r = poll(p, (nfds_t)n, timeout);
    int e = errno;
    conf_report(label, r, e);
    for (int i = 0; i < n; i++)
        conf_printf("  [%d] events=%s revents=%s\n", i, conf_pollbits(p[i].events),
                    conf_pollbits(p[i].revents));
}

int main(void)
{
    int u, a, b;
    char buf[16];
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    a = conf_udp_bound("127.0.0.1", 5000);
    b = conf_udp_bound("127.0.0.1", 5001);
    struct sockaddr_in aa = conf_sin("127.0.0.1", 5000);

    struct pollfd p[3] = {{u, POLLIN | POLLOUT, 0}, {a, POLLIN | POLLOUT, 0}, {a, POLLIN, 0}};
    show("poll(unbound, bound, bound-in-only; timeout 0)", p, 3, 0);
    p[0].events = POLLIN;
    show("poll(in only; timeout 0)", p, 1, 0);
    show("poll(in only; timeout 30ms)", p, 1, 30);

    MUST(sendto(b, "hello", 5, 0, SA(&aa), sizeof aa));
    conf_wait(a, POLLIN, 1000);
    struct pollfd q[2] = {{a, POLLIN | POLLOUT | POLLPRI, 0}, {a, POLLRDNORM | POLLWRNORM, 0}};
    show("poll(with data)", q, 2, 0);
    struct pollfd r1 = {a, POLLIN, 0};
    show("poll(with data, blocking)", &r1, 1, -1);
    struct pollfd r0 = {a, 0, 0};
    show("poll(events 0)", &r0, 1, 0);
    MUST(recv(a, buf, sizeof buf, 0));
    show("poll(drained)", q, 2, 0);

    /* Zero fds, negative fds. */
    show("poll(nfds 0)", NULL, 0, 0);
    struct pollfd n1[2] = {{-1, POLLIN, 0}, {a, POLLOUT, 0}};
    show("poll(fd -1 ignored)", n1, 2, 0);
    return 0;
}
