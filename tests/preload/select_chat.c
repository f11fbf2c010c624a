/* select_chat.c — a classic select() chat server written for the preload
 * tests: one blocking listener and up to FD_SETSIZE clients in one
 * select() set; every line a client sends goes to every other client,
 * prefixed by the sender's number.
 *
 *   select_chat ADDR PORT   (prints "ready"; SIGTERM ends it with a line:
 *                            clients, lines) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXC 1000
static int cfd[MAXC];
static char cbuf[MAXC][512];
static size_t clen[MAXC];
static volatile sig_atomic_t stop;
static void on_term(int s)
{
    (void)s;
    stop = 1;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: select_chat ADDR PORT\n");
        return 2;
    }
    struct sigaction sa_term = {.sa_handler = on_term};
    sigaction(SIGTERM, &sa_term, NULL); /* no SA_RESTART: select returns EINTR */
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &sa.sin_addr);
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) || listen(ls, 511)) {
        perror("listen");
        return 1;
    }
    for (int i = 0; i < MAXC; i++)
        cfd[i] = -1;
    printf("ready\n");
    fflush(stdout);
    unsigned long clients = 0, lines = 0;
    while (!stop) {
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(ls, &rd);
        int maxfd = ls;
        for (int i = 0; i < MAXC; i++)
            if (cfd[i] >= 0) {
                FD_SET(cfd[i], &rd);
                if (cfd[i] > maxfd)
                    maxfd = cfd[i];
            }
        int n = select(maxfd + 1, &rd, NULL, NULL, NULL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("select");
            return 1;
        }
        if (FD_ISSET(ls, &rd)) {
            /* The listener is blocking: accept() here must not wedge, so
             * select must say readable only when a connection waits. */
            int fd = accept(ls, NULL, NULL);
            int i = 0;
            while (i < MAXC && cfd[i] >= 0)
                i++;
            if (fd >= 0 && (i == MAXC || fd >= FD_SETSIZE)) {
                close(fd);
            } else if (fd >= 0) {
                cfd[i] = fd;
                clen[i] = 0;
                clients++;
            }
        }
        for (int i = 0; i < MAXC; i++) {
            if (cfd[i] < 0 || !FD_ISSET(cfd[i], &rd))
                continue;
            ssize_t r = recv(cfd[i], cbuf[i] + clen[i], sizeof cbuf[i] - clen[i], 0);
            if (r <= 0) {
                close(cfd[i]);
                cfd[i] = -1;
                continue;
            }
            clen[i] += (size_t)r;
            char *nl;
            while ((nl = memchr(cbuf[i], '\n', clen[i]))) {
                size_t ll = (size_t)(nl - cbuf[i]) + 1;
                char out[600];
                int ol = snprintf(out, sizeof out, "%d: %.*s", i, (int)ll, cbuf[i]);
                for (int j = 0; j < MAXC; j++)
                    if (j != i && cfd[j] >= 0)
                        send_all(cfd[j], out, (size_t)ol);
                lines++;
                memmove(cbuf[i], cbuf[i] + ll, clen[i] - ll);
                clen[i] -= ll;
            }
            if (clen[i] == sizeof cbuf[i])
                clen[i] = 0; /* a line too long: dropped */
        }
    }
    printf("select_chat: %lu clients, %lu lines\n", clients, lines);
    return 0;
}
