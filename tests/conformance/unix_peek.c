/* unix_peek: MSG_PEEK on AF_UNIX — a stream peek never waits once it has
 * data (not even with MSG_WAITALL), and SO_PEEK_OFF (-1 by default, any
 * value accepted): peeks start that far in and move it on, reads move it
 * back; a datagram peek steps over whole datagrams the offset covers and
 * reads from inside the next; MSG_TRUNC then reports what is left. */
#include "unix_fs.h"

static void peekoff(int fd)
{
    int v = -99;
    socklen_t l = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &v, &l) < 0)
        conf_printf("SO_PEEK_OFF = -1 %s\n", conf_errname(errno));
    else
        conf_printf("SO_PEEK_OFF: %d\n", v);
}

static void show(const char *label, ssize_t r, const char *b)
{
    if (r < 0)
        conf_printf("%s = -1 %s\n", label, conf_errname(errno));
    else
        conf_printf("%s = %zd \"%.*s\"\n", label, r, (int)r, b);
}

int main(void)
{
    char b[32];
    int p[2];
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
    CHECK(send(p[0], "abc", 3, 0));
    show("stream peek 10 WAITALL", recv(p[1], b, 10, MSG_PEEK | MSG_WAITALL), b);
    CHECK(send(p[0], "def", 3, 0));
    peekoff(p[1]);
    int v = 2;
    CHECK(setsockopt(p[1], SOL_SOCKET, SO_PEEK_OFF, &v, sizeof v));
    show("peek 2", recv(p[1], b, 2, MSG_PEEK), b);
    show("peek 10", recv(p[1], b, 10, MSG_PEEK), b);
    peekoff(p[1]);
    show("peek 10 more", recv(p[1], b, 10, MSG_PEEK | MSG_DONTWAIT), b);
    show("read 4", recv(p[1], b, 4, 0), b);
    peekoff(p[1]);
    show("peek (offset past the data)", recv(p[1], b, 10, MSG_PEEK | MSG_DONTWAIT), b);
    show("read", recv(p[1], b, 10, 0), b);
    peekoff(p[1]);
    close(p[0]);
    close(p[1]);

    int types[] = {SOCK_DGRAM, SOCK_SEQPACKET};
    for (int t = 0; t < 2; t++) {
        conf_printf("%s\n", t ? "seqpacket" : "dgram");
        MUST(socketpair(AF_UNIX, types[t], 0, p));
        CHECK(send(p[0], "12345", 5, 0));
        CHECK(send(p[0], "678", 3, 0));
        v = 0;
        CHECK(setsockopt(p[1], SOL_SOCKET, SO_PEEK_OFF, &v, sizeof v));
        show("peek 2", recv(p[1], b, 2, MSG_PEEK), b);
        show("peek 10", recv(p[1], b, 10, MSG_PEEK), b);
        CHECK(recv(p[1], b, 10, MSG_PEEK | MSG_TRUNC));
        peekoff(p[1]);
        show("peek past the queue", recv(p[1], b, 10, MSG_PEEK | MSG_DONTWAIT), b);
        show("read", recv(p[1], b, 10, 0), b);
        peekoff(p[1]);
        show("peek", recv(p[1], b, 10, MSG_PEEK | MSG_DONTWAIT), b);
        v = -1;
        CHECK(setsockopt(p[1], SOL_SOCKET, SO_PEEK_OFF, &v, sizeof v));
        show("peek without offset", recv(p[1], b, 10, MSG_PEEK), b);
        v = -7;
        CHECK(setsockopt(p[1], SOL_SOCKET, SO_PEEK_OFF, &v, sizeof v));
        peekoff(p[1]);
        show("read", recv(p[1], b, 10, 0), b);
        peekoff(p[1]);
        close(p[0]);
        close(p[1]);
    }
    return 0;
}
