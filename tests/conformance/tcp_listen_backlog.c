/* The accept queue: listen(backlog) holds backlog + 1 connections that
 * completed the handshake (Linux's ack_backlog > max), later SYNs are
 * dropped (the clients stay in SYN_SENT), accept() makes room;
 * net.core.somaxconn caps the backlog, negative means the cap. */
#include "confx.h"

static int completed(int port, int n, int *fds)
{
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    int done = 0;
    for (int i = 0; i < n; i++) {
        MUST(fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
        connect(fds[i], SA(&a), sizeof a);
    }
    for (int i = 0; i < n; i++)
        if (conf_wait(fds[i], POLLOUT, 50) & POLLOUT)
            done++;
    return done;
}

static void run(int port, int backlog, int clients)
{
    int l, fds[16];
    MUST(l = socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    MUST(bind(l, SA(&a), sizeof a));
    MUST(listen(l, backlog));
    int n = completed(port, clients, fds);
    int acc = 0;
    int fl = fcntl(l, F_GETFL);
    fcntl(l, F_SETFL, fl | O_NONBLOCK);
    int s;
    while ((s = accept(l, NULL, NULL)) >= 0) {
        acc++;
        close(s);
    }
    conf_printf("listen(%d), %d clients: %d connected, %d accepted, then %s\n", backlog, clients, n,
                acc, conf_errname(errno));
    for (int i = 0; i < clients; i++)
        close(fds[i]);
    close(l);
}

int main(void)
{
    run(6700, 0, 4);
    run(6701, 1, 4);
    run(6702, 3, 6);
    SYSCTL("net.core.somaxconn", "2");
    run(6703, 100, 6);
    run(6704, -1, 6);
    SYSCTL("net.core.somaxconn", "4096");
    return 0;
}
