/* unix_connect_errno: connect(2) and sendto(2) on AF_UNIX names: the file
 * system's errors (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES), a node or
 * file no socket is bound to (ECONNREFUSED), the wrong socket type
 * (EPROTOTYPE for a path, ECONNREFUSED for an abstract name: each type has
 * its own), address checks (EINVAL), and the socket's own state (EISCONN,
 * EINVAL, ECONNREFUSED for a socket that does not listen, EPERM for a
 * datagram socket connected elsewhere). */
#include "unix_fs.h"

static int sock(int type)
{
    int s;
    MUST(s = socket(AF_UNIX, type, 0));
    return s;
}

static void try_connect(const char *label, int type, const char *path)
{
    int s = sock(type);
    struct sockaddr_un a = unix_path(path);
    char l[160];
    snprintf(l, sizeof l, "%s connect(\"%s\")", label, path);
    CHECKL(l, connect(s, SA(&a), sizeof a));
    close(s);
    s = sock(SOCK_DGRAM);
    if (type == SOCK_DGRAM) {
        snprintf(l, sizeof l, "dgram sendto(\"%s\")", path);
        CHECKL(l, sendto(s, "x", 1, 0, SA(&a), sizeof a));
    }
    close(s);
}

static int bound(int type, const char *path)
{
    int s = sock(type);
    struct sockaddr_un a = unix_path(path);
    MUST(bind(s, SA(&a), sizeof a));
    return s;
}

int main(void)
{
    unix_enter_tmp();
    int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    const char *tn[] = {"stream", "dgram", "seqpacket"};

    MUST(close(open("file", O_CREAT | O_WRONLY, 0666)));
    MUST(symlink("loop2", "loop1"));
    MUST(symlink("loop1", "loop2"));
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    MUST(symlink(longname, "toolong"));
    MUST(mkdir("dir", 0777));
    /* A node whose socket is closed: the node stays, nobody listens. */
    close(bound(SOCK_STREAM, "stale"));
    int ls = bound(SOCK_STREAM, "listener");
    MUST(listen(ls, 5));
    int ds = bound(SOCK_DGRAM, "dgram");
    int ps = bound(SOCK_SEQPACKET, "seq");
    MUST(listen(ps, 5));
    int idle = bound(SOCK_STREAM, "idle"); /* bound, not listening */
    MUST(symlink("listener", "link"));

    for (int t = 0; t < 3; t++) {
        try_connect(tn[t], types[t], "missing");
        try_connect(tn[t], types[t], "file/x");
        try_connect(tn[t], types[t], "loop1");
        try_connect(tn[t], types[t], "toolong/x");
        try_connect(tn[t], types[t], "file");
        try_connect(tn[t], types[t], "dir");
        try_connect(tn[t], types[t], "stale");
        try_connect(tn[t], types[t], "listener");
        try_connect(tn[t], types[t], "link");
        try_connect(tn[t], types[t], "dgram");
        try_connect(tn[t], types[t], "seq");
        try_connect(tn[t], types[t], "idle");
    }

    /* EACCES: the node (mode 0755 from umask 022) is not writable by
     * another user; a readable directory is not enough. */
    unix_as(1000);
    try_connect("stream", SOCK_STREAM, "listener");
    try_connect("dgram", SOCK_DGRAM, "dgram");
    unix_as(0);
    CHECK(chmod("listener", 0777));
    unix_as(1000);
    try_connect("stream", SOCK_STREAM, "listener");
    unix_as(0);

    /* Abstract names: another type's name is simply not there. */
    socklen_t al;
    struct sockaddr_un ab = unix_abstract("conf-abs", &al);
    int as = sock(SOCK_STREAM);
    MUST(bind(as, SA(&ab), al));
    MUST(listen(as, 5));
    int c = sock(SOCK_SEQPACKET);
    CHECK(connect(c, SA(&ab), al));
    close(c);
    c = sock(SOCK_DGRAM);
    CHECK(connect(c, SA(&ab), al));
    CHECK(sendto(c, "x", 1, 0, SA(&ab), al));
    close(c);
    c = sock(SOCK_STREAM);
    CHECK(connect(c, SA(&ab), al - 1));
    CHECK(connect(c, SA(&ab), al + 1));
    CHECK(connect(c, SA(&ab), al));

    /* The socket's own state comes after the name and the listener. */
    struct sockaddr_un la = unix_path("listener");
    CHECK(connect(c, SA(&la), sizeof la));
    struct sockaddr_un ma = unix_path("missing");
    CHECK(connect(c, SA(&ma), sizeof ma));
    struct sockaddr_un ia = unix_path("idle");
    CHECK(connect(c, SA(&ia), sizeof ia));
    CHECK(connect(ls, SA(&la), sizeof la));
    close(c);

    /* Address checks. */
    c = sock(SOCK_STREAM);
    CHECK(connect(c, SA(&la), 0));
    CHECK(connect(c, SA(&la), 1));
    CHECK(connect(c, SA(&la), 2));
    struct sockaddr_storage big[2]; /* lengths past sockaddr_un, from readable memory */
    memset(big, 0, sizeof big);
    memcpy(big, &la, sizeof la);
    CHECKL("connect(c, SA(&la), sizeof la + 1)", connect(c, SA(big), sizeof la + 1));
    CHECKL("connect(c, SA(&la), 200)", connect(c, SA(big), 200));
    struct sockaddr_un bad = la;
    bad.sun_family = AF_INET;
    CHECK(connect(c, SA(&bad), sizeof bad));
    bad.sun_family = AF_UNSPEC;
    CHECK(connect(c, SA(&bad), sizeof bad));
    CHECK(connect(c, SA(&la), 2 + 4)); /* "list" */
    close(c);
    c = sock(SOCK_DGRAM);
    CHECK(connect(c, SA(&la), 1));
    CHECK(connect(c, SA(&bad), 2)); /* AF_UNSPEC: disconnect */
    CHECK(connect(c, SA(&bad), sizeof bad));
    struct sockaddr_un da = unix_path("dgram");
    CHECK(sendto(c, "x", 1, 0, SA(&da), 0));
    CHECK(sendto(c, "x", 1, 0, SA(&da), 1));
    CHECK(sendto(c, "x", 1, 0, SA(&da), 2));
    memcpy(big, &da, sizeof da);
    CHECKL("sendto(c, \"x\", 1, 0, SA(&da), sizeof da + 1)",
           sendto(c, "x", 1, 0, SA(big), sizeof da + 1));
    CHECK(send(c, "x", 1, 0));
    close(c);

    /* EPERM: a datagram socket connected to another takes nothing from
     * us, by connect or by sendto. */
    int d1 = bound(SOCK_DGRAM, "d1"), d2 = bound(SOCK_DGRAM, "d2"), d3 = sock(SOCK_DGRAM);
    struct sockaddr_un d1a = unix_path("d1"), d2a = unix_path("d2");
    CHECK(connect(d1, SA(&d2a), sizeof d2a));
    CHECK(connect(d3, SA(&d1a), sizeof d1a));
    CHECK(sendto(d3, "x", 1, 0, SA(&d1a), sizeof d1a));
    CHECK(connect(d2, SA(&d1a), sizeof d1a));
    CHECK(sendto(d2, "y", 1, 0, SA(&d1a), sizeof d1a));
    char buf[8];
    CHECK(recv(d1, buf, sizeof buf, MSG_DONTWAIT));

    close(d1);
    close(d2);
    close(d3);
    close(ls);
    close(ds);
    close(ps);
    close(idle);
    close(as);
    unix_leave_tmp();
    return 0;
}
