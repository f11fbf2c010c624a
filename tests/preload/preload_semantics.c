/* preload_semantics.c — what the preload library promises on berth's
 * loopback (docs/posix.md), checked under LD_PRELOAD with no root:
 * readiness the kernel sees (select, poll, epoll edge/one-shot/RDHUP), dup
 * sharing the socket, stdio and raw system calls reaching the peer, close
 * following the last reference, fork (the child's writes reach the
 * parent's socket, the child cannot make a second TCP machine), close-all
 * loops, and the errno of refused connects and datagram names. Exit 1 on
 * the first broken promise, 77 when not run under the preload library. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (cond) {                                                                                \
            printf("ok   ");                                                                       \
        } else {                                                                                   \
            printf("FAIL ");                                                                       \
            failures++;                                                                            \
        }                                                                                          \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
        fflush(stdout);                                                                            \
    } while (0)

static struct sockaddr_in lo(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int listener(int *port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo(0);
    socklen_t l = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 16) ||
        getsockname(s, (struct sockaddr *)&a, &l)) {
        perror("listener");
        exit(1);
    }
    *port = ntohs(a.sin_port);
    return s;
}

static int readable(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* Read exactly n bytes (blocking), 0 on success. */
static int read_n(int fd, char *b, size_t n)
{
    while (n) {
        ssize_t r = read(fd, b, n);
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

int main(void)
{
    if (!dlsym(RTLD_DEFAULT, "berth_posix_fd")) {
        printf("SKIP: not running under libberth-preload.so (LD_PRELOAD)\n");
        return 77;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int port;
    int ls = listener(&port);

    /* select on a listener: not readable until a connection waits */
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(ls, &rd);
    struct timeval tv = {0, 100000};
    CHECK(select(ls + 1, &rd, NULL, NULL, &tv) == 0, "select: an idle listener is not readable");

    /* non-blocking connect: neither readable nor writable, then writable */
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = lo(port);
    int r = connect(c, (struct sockaddr *)&a, sizeof a);
    CHECK(r == -1 && errno == EINPROGRESS, "non-blocking connect: EINPROGRESS");
    struct pollfd p = {c, POLLOUT, 0};
    CHECK(poll(&p, 1, 2000) == 1 && (p.revents & POLLOUT), "poll: POLLOUT once connected");
    int soe = -1;
    socklen_t sl = sizeof soe;
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &soe, &sl) == 0 && soe == 0, "SO_ERROR 0");
    FD_ZERO(&rd);
    FD_SET(ls, &rd);
    tv = (struct timeval){2, 0};
    CHECK(select(ls + 1, &rd, NULL, NULL, &tv) == 1,
          "select: the listener is readable with a connection waiting");
    int s = accept(ls, NULL, NULL);
    CHECK(s >= 0, "accept");
    FD_ZERO(&rd);
    FD_SET(ls, &rd);
    tv = (struct timeval){0, 100000};
    CHECK(select(ls + 1, &rd, NULL, NULL, &tv) == 0, "select: not readable again after the accept");

    /* epoll: edge-triggered, one-shot, RDHUP, mixed with a pipe */
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET | EPOLLRDHUP, .data.fd = s};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0, "epoll_ctl ADD of a berth socket");
    int pp[2];
    if (pipe(pp))
        return 1;
    ev = (struct epoll_event){.events = EPOLLIN, .data.fd = pp[0]};
    epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ev);
    struct epoll_event out[4];
    CHECK(epoll_wait(ep, out, 4, 100) == 0, "epoll_wait: nothing ready");
    fcntl(c, F_SETFL, 0);
    CHECK(write(c, "hello", 5) == 5, "write on the client");
    int n = epoll_wait(ep, out, 4, 2000);
    CHECK(n == 1 && out[0].data.fd == s && (out[0].events & EPOLLIN),
          "epoll_wait: EPOLLIN on the berth socket");
    CHECK(epoll_wait(ep, out, 4, 100) == 0, "edge-triggered: not reported again without new data");
    if (write(pp[1], "x", 1) != 1)
        return 1;
    n = epoll_wait(ep, out, 4, 2000);
    CHECK(n == 1 && out[0].data.fd == pp[0], "epoll_wait: the pipe in the same set");
    epoll_ctl(ep, EPOLL_CTL_DEL, pp[0], NULL);
    char b[256];
    CHECK(read(s, b, sizeof b) == 5 && memcmp(b, "hello", 5) == 0, "read the 5 bytes");

    /* dup shares the socket; stdio and a raw system call reach the peer */
    int d = dup(s);
    CHECK(d >= 0, "dup");
    CHECK(write(d, "via-dup|", 8) == 8, "write through the dup");
    FILE *f = fdopen(dup(s), "w");
    fprintf(f, "via-stdio|");
    fflush(f);
    fclose(f);
    CHECK(syscall(SYS_write, s, "via-syscall|", 12) == 12, "a raw write system call");
    char want[] = "via-dup|via-stdio|via-syscall|";
    memset(b, 0, sizeof b);
    CHECK(read_n(c, b, strlen(want)) == 0 && strcmp(b, want) == 0, "the peer got all three: %s", b);
    close(s);
    CHECK(write(d, "still|", 6) == 6 && read_n(c, b, 6) == 0,
          "closing one copy leaves the dup working");

    /* fork: the child's writes reach the parent's socket */
    pid_t pid = fork();
    if (pid == 0) {
        ssize_t w = write(d, "from-child|", 11);
        int t = socket(AF_INET, SOCK_STREAM, 0);
        _exit(w == 11 && t == -1 && errno == EAFNOSUPPORT ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "child: write ok, socket() EAFNOSUPPORT (the stack is the parent's)");
    memset(b, 0, sizeof b);
    CHECK(read_n(c, b, 11) == 0 && strcmp(b, "from-child|") == 0,
          "the parent's peer got the child's bytes");

    /* last close: the peer reads EOF, RDHUP on epoll */
    ev = (struct epoll_event){.events = EPOLLIN | EPOLLRDHUP, .data.fd = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
    close(d);
    n = epoll_wait(ep, out, 4, 2000);
    CHECK(n >= 1 && out[0].data.fd == c && (out[0].events & EPOLLRDHUP),
          "EPOLLRDHUP at the peer after the last close");
    CHECK(read(c, b, sizeof b) == 0, "the peer reads EOF");
    close(c);

    /* a close-all loop does not take berth's own descriptors */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    for (int fd = 3; fd < (int)rl.rlim_cur && fd < 65536; fd++)
        if (fd != ls && fd != ep && fd != pp[0] && fd != pp[1])
            close(fd);
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c2, (struct sockaddr *)&a, sizeof a) == 0, "connect after a close-all loop");
    int s2 = accept(ls, NULL, NULL);
    CHECK(s2 >= 0 && write(c2, "ok", 2) == 2 && read_n(s2, b, 2) == 0,
          "data after a close-all loop");
    close(c2);
    close(s2);

    /* refused connect: blocking gives ECONNREFUSED */
    close(ls);
    int c3 = socket(AF_INET, SOCK_STREAM, 0);
    r = connect(c3, (struct sockaddr *)&a, sizeof a);
    CHECK(r == -1 && errno == ECONNREFUSED, "connect to a closed port: ECONNREFUSED (%s)",
          strerror(errno));
    close(c3);

    /* UDP: source addresses, recvmmsg, poll */
    int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = lo(0), va;
    socklen_t ul = sizeof ua;
    bind(u, (struct sockaddr *)&ua, sizeof ua);
    getsockname(u, (struct sockaddr *)&ua, &ul);
    CHECK(!readable(u, 50), "UDP: not readable before a datagram");
    sendto(v, "one", 3, 0, (struct sockaddr *)&ua, sizeof ua);
    sendto(v, "two!", 4, 0, (struct sockaddr *)&ua, sizeof ua);
    ul = sizeof va;
    getsockname(v, (struct sockaddr *)&va, &ul);
    CHECK(readable(u, 2000), "UDP: readable (poll)");
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t got = recvfrom(u, b, sizeof b, 0, (struct sockaddr *)&from, &fl);
    CHECK(got == 3 && fl == sizeof from && from.sin_port == va.sin_port,
          "recvfrom: the datagram and its source");
    struct mmsghdr mm[2];
    struct iovec iv[2] = {{b, 64}, {b + 64, 64}};
    struct sockaddr_in names[2];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 2; i++) {
        mm[i].msg_hdr.msg_iov = &iv[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &names[i];
        mm[i].msg_hdr.msg_namelen = sizeof names[i];
    }
    n = recvmmsg(u, mm, 2, MSG_DONTWAIT, NULL);
    CHECK(n == 1 && mm[0].msg_len == 4 && names[0].sin_port == va.sin_port,
          "recvmmsg: one datagram, its source");
    ssize_t e = write(v, "x", 1);
    CHECK(e == -1 && errno == EDESTADDRREQ, "write on an unconnected UDP socket: EDESTADDRREQ");

    printf("%s\n", failures ? "FAILED" : "PASS");
    return failures ? 1 : 0;
}
