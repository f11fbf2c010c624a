/* A plain program that berth/posix.h's macros break, put on berth at link
 * time instead (berth-wrap.flags): its own feature-test macro comes first
 * (with -include berth/posix.h the C library's headers were already read
 * without it, and PTHREAD_MUTEX_RECURSIVE was undeclared under -std=c11),
 * it calls read/write/close through struct members and function pointers
 * (which the macros rewrote into `io.berth_posix_read`), and it writes
 * through stdio on a socket. Every socket must be berth's, and the bytes
 * must arrive. Exit 0 and "PASS" on success. */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Present only when libberth's default stack is linked in. */
extern int berth_posix_fd(int fd) __attribute__((weak));

struct io {
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*write)(int, const void *, size_t);
    int (*close)(int);
};

static int fail(const char *what)
{
    printf("FAIL: %s\n", what);
    return 1;
}

int main(void)
{
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutexattr_destroy(&ma);

    if (!berth_posix_fd)
        return fail("libberth's posix layer is not linked");
    struct io io = {read, write, close};
    int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || c < 0 || berth_posix_fd(l) < 0 || berth_posix_fd(c) < 0)
        return fail("socket() did not give berth sockets");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7777)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) ||
        connect(c, (struct sockaddr *)&a, sizeof a))
        return fail("bind/listen/connect");
    int s = accept(l, NULL, NULL);
    if (s < 0 || berth_posix_fd(s) < 0)
        return fail("accept");
    if (io.write(c, "member ", 7) != 7)
        return fail("write through a struct member");
    ssize_t (*wr)(int, const void *, size_t) = write;
    if (wr(c, "pointer", 7) != 7)
        return fail("write through a function pointer");
    char buf[32] = {0};
    size_t got = 0;
    while (got < 14) {
        ssize_t n = io.read(s, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            return fail("read through a struct member");
        got += (size_t)n;
    }
    if (strcmp(buf, "member pointer") != 0)
        return fail("the bytes");
    io.close(c);
    ssize_t n = read(s, buf, sizeof buf);
    if (n != 0)
        return fail("EOF after the peer's close");
    io.close(s);
    io.close(l);
    if (berth_posix_fd(l) >= 0)
        return fail("close through a member left the mapping");
    printf("PASS: wrapped at link time, member calls and feature macros intact\n");
    return 0;
}
