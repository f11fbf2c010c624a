/* epoll_echo.c — an epoll echo server written for the preload tests, in the
 * style of real event-loop servers: non-blocking sockets, the listener
 * armed with EPOLLONESHOT (re-armed after each accept burst), connections
 * edge-triggered with EPOLLRDHUP, a per-connection buffer. Every byte
 * comes back; a connection closes when its peer has shut down and
 * everything was echoed.
 *
 *   epoll_echo ADDR PORT    (prints "ready" when listening; SIGTERM ends it
 *                            with a line: connections, bytes) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
    int fd;
    char buf[65536];
    size_t off, len; /* bytes waiting to go back */
    int rdhup;
};

static volatile sig_atomic_t stop;
static void on_term(int s)
{
    (void)s;
    stop = 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: epoll_echo ADDR PORT\n");
        return 2;
    }
    /* SIGTERM stays blocked except inside epoll_pwait, so it cannot land
     * between the loop's test of `stop` and the wait (which would then
     * sleep for good: an idle server gets no more events). */
    sigset_t term, waitmask;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    signal(SIGTERM, on_term);
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &sa.sin_addr);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) || listen(ls, 511)) {
        perror("listen");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev)) {
        perror("epoll_ctl");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    unsigned long nconn = 0, bytes = 0, open = 0;
    while (!stop) {
        struct epoll_event evs[64];
        int n = epoll_pwait(ep, evs, 64, -1, &waitmask);
        if (n < 0 && errno == EINTR)
            continue;
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event ce = {.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP,
                                             .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
                    nconn++;
                    open++;
                }
                ev.events = EPOLLIN | EPOLLONESHOT;
                epoll_ctl(ep, EPOLL_CTL_MOD, ls, &ev); /* re-arm the one-shot listener */
                continue;
            }
            if (evs[i].events & EPOLLRDHUP)
                c->rdhup = 1;
            /* Edge-triggered: move until EAGAIN both ways. */
            for (;;) {
                int moved = 0;
                if (c->len) {
                    ssize_t w = send(c->fd, c->buf + c->off, c->len, 0);
                    if (w > 0) {
                        c->off += (size_t)w;
                        c->len -= (size_t)w;
                        moved = 1;
                    } else if (w < 0 && errno != EAGAIN) {
                        c->rdhup = 2;
                        break;
                    }
                }
                if (!c->len) {
                    c->off = 0;
                    ssize_t r = recv(c->fd, c->buf, sizeof c->buf, 0);
                    if (r > 0) {
                        c->len = (size_t)r;
                        bytes += (size_t)r;
                        moved = 1;
                    } else if (r == 0) {
                        c->rdhup = 2;
                    } else if (errno != EAGAIN) {
                        c->rdhup = 2;
                    }
                }
                if (!moved)
                    break;
            }
            if (c->rdhup == 2 && !c->len) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                free(c);
                open--;
            }
        }
    }
    printf("epoll_echo: %lu connections (%lu open), %lu bytes\n", nconn, open, bytes);
    return 0;
}
