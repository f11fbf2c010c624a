/* unix_rights: SCM_RIGHTS — descriptors passed over stream, datagram and
 * seqpacket sockets: the received descriptor is the same socket (its name,
 * its data), a descriptor closed while in flight lives on, MSG_PEEK gives
 * descriptors too, a control buffer too small truncates (MSG_CTRUNC) and
 * closes the rest, a stream read stops after a message with descriptors,
 * bad descriptors are EBADF, more than 253 is EINVAL, and sockets still in
 * flight when the receiver closes are released (their port is free). */
#include "unix_fs.h"

static int udp_on(int port)
{
    int s;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    MUST(bind(s, SA(&a), sizeof a));
    return s;
}

static ssize_t send_fds(int via, const char *data, const int *fds, int n)
{
    union {
        char b[CMSG_SPACE(sizeof(int) * 300)];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {(void *)data, strlen(data)};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.b;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
    return sendmsg(via, &mh, 0);
}

/* Receive with room for `room` descriptors; print and return the first. */
static int recv_fds(const char *label, int via, size_t room, int flags, int *got)
{
    char buf[64];
    union {
        char b[CMSG_SPACE(sizeof(int) * 8)];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = room ? ctl.b : NULL;
    mh.msg_controllen = room ? CMSG_SPACE(sizeof(int) * room) : 0;
    errno = 0;
    ssize_t n = recvmsg(via, &mh, flags);
    *got = 0;
    if (n < 0) {
        conf_printf("%s: recvmsg = -1 %s\n", label, conf_errname(errno));
        return -1;
    }
    conf_printf("%s: recvmsg = %zd \"%.*s\" controllen %zu%s\n", label, n, (int)n, buf,
                (size_t)mh.msg_controllen, (mh.msg_flags & MSG_CTRUNC) ? " CTRUNC" : "");
    int first = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        conf_printf("  cmsg level %d type %d fds %zu:", c->cmsg_level, c->cmsg_type, k);
        for (size_t i = 0; i < k; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            conf_printf(" %d", fd);
            if (first < 0)
                first = fd;
            got[0]++;
        }
        conf_printf("\n");
    }
    return first;
}

static void close_range_fds(int from, int n)
{
    for (int i = 0; i < n; i++)
        close(from + i);
}

int main(void)
{
    unix_enter_tmp();
    int got;
    int p[2];
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
    int u = udp_on(5501);
    CHECK(send_fds(p[0], "udp", &u, 1));
    CHECK(close(u)); /* closed in flight: the socket lives on */
    int r = recv_fds("stream", p[1], 1, 0, &got);
    SOCKNAME("received", r, 0);
    int t = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = conf_sin("127.0.0.1", 5501);
    CHECK(sendto(t, "via", 3, 0, SA(&ua), sizeof ua));
    char buf[16];
    CHECK(recv(r, buf, sizeof buf, 0));
    CHECK(close(r));
    int u2 = udp_on(5501); /* the port is free again */
    CHECK(u2 >= 0);
    close(u2);

    /* a unix socket passed, then used; two descriptors of one socket */
    int q[2];
    MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, q));
    CHECK(send_fds(p[0], "pair", &q[0], 1));
    r = recv_fds("pair end", p[1], 1, 0, &got);
    CHECK(send(r, "hello", 5, 0));
    CHECK(recv(q[1], buf, sizeof buf, 0));
    CHECK(close(r));
    CHECK(send(q[0], "still", 5, 0)); /* the first descriptor still works */
    CHECK(recv(q[1], buf, sizeof buf, 0));

    /* several at once; a control buffer too small closes the rest */
    int three[3] = {q[0], q[1], p[0]};
    CHECK(send_fds(p[0], "three", three, 3));
    r = recv_fds("room for 1", p[1], 1, 0, &got);
    close_range_fds(r, got);
    CHECK(send_fds(p[0], "three", three, 3));
    recv_fds("no control buffer", p[1], 0, 0, &got);
    /* MSG_PEEK installs descriptors as well */
    CHECK(send_fds(p[0], "peek", three, 2));
    r = recv_fds("peek", p[1], 4, MSG_PEEK, &got);
    close_range_fds(r, got);
    r = recv_fds("read", p[1], 4, 0, &got);
    close_range_fds(r, got);
    /* a stream read stops after the message that carried descriptors */
    CHECK(send(p[0], "ab", 2, 0));
    CHECK(send_fds(p[0], "cd", &q[0], 1));
    CHECK(send(p[0], "ef", 2, 0));
    r = recv_fds("joined up to the descriptors", p[1], 1, 0, &got);
    close_range_fds(r, got);
    recv_fds("after", p[1], 1, 0, &got);

    /* bad descriptors */
    int bad[2] = {q[0], -1};
    CHECK(send_fds(p[0], "bad", bad, 2));
    bad[1] = 987;
    CHECK(send_fds(p[0], "bad", bad, 2));
    CHECK(recv(p[1], buf, sizeof buf, MSG_DONTWAIT));
    int many[254];
    for (int i = 0; i < 254; i++)
        many[i] = q[0];
    CHECK(send_fds(p[0], "many", many, 254));
    CHECK(send_fds(p[0], "253", many, 253));
    r = recv_fds("253 with room for 2", p[1], 2, 0, &got);
    close_range_fds(r, got);
    CHECK(send_fds(p[0], "none", many, 0));
    recv_fds("empty SCM_RIGHTS", p[1], 1, 0, &got);

    /* malformed control messages */
    {
        union {
            char b[CMSG_SPACE(sizeof(int)) * 2];
            struct cmsghdr align;
        } ctl;
        struct iovec iov = {"m", 1};
        struct msghdr mh;
        int cases[][3] = {/* level, type, cmsg_len */
                          {SOL_SOCKET, SCM_RIGHTS, 8},
                          {SOL_SOCKET, SCM_RIGHTS, (int)CMSG_LEN(sizeof(int)) + 1},
                          {SOL_SOCKET, SCM_RIGHTS, (int)CMSG_SPACE(sizeof(int)) + 1},
                          {SOL_SOCKET, 77, (int)CMSG_LEN(sizeof(int))},
                          {IPPROTO_IP, SCM_RIGHTS, (int)CMSG_LEN(sizeof(int))}};
        for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            memset(&ctl, 0, sizeof ctl);
            memset(&mh, 0, sizeof mh);
            mh.msg_iov = &iov;
            mh.msg_iovlen = 1;
            mh.msg_control = ctl.b;
            mh.msg_controllen = CMSG_SPACE(sizeof(int)); /* one header, nothing after */
            struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
            c->cmsg_level = cases[k][0];
            c->cmsg_type = cases[k][1];
            c->cmsg_len = (size_t)cases[k][2];
            memcpy(CMSG_DATA(c), &q[0], sizeof(int));
            char l[96];
            snprintf(l, sizeof l, "sendmsg level %d type %d cmsg_len %d", cases[k][0], cases[k][1],
                     cases[k][2]);
            CHECKL(l, sendmsg(p[0], &mh, 0));
            if (errno == 0) {
                r = recv_fds("  received", p[1], 2, 0, &got);
                close_range_fds(r, got);
            }
        }
    }

    /* control messages are checked before the socket's state */
    int lone = socket(AF_UNIX, SOCK_STREAM, 0), lone_d = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(send_fds(lone, "x", bad, 2));
    CHECK(send_fds(lone, "x", &q[0], 1));
    CHECK(send_fds(lone_d, "x", bad, 2));
    CHECK(send_fds(lone_d, "x", &q[0], 1));
    close(lone);
    close(lone_d);
    /* a zero-length stream send queues nothing, descriptors included */
    CHECK(send_fds(p[0], "", &q[0], 1));
    {
        struct pollfd pf = {.fd = p[1], .events = POLLIN};
        CHECK(poll(&pf, 1, 0));
    }
    recv_fds("after an empty send", p[1], 1, MSG_DONTWAIT, &got);

    /* datagram and seqpacket */
    int d[2];
    MUST(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, d));
    CHECK(send_fds(d[0], "seq", &q[1], 1));
    r = recv_fds("seqpacket", d[1], 1, 0, &got);
    close_range_fds(r, got);
    int dr = socket(AF_UNIX, SOCK_DGRAM, 0), ds = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un dra = unix_path("dr");
    MUST(bind(dr, SA(&dra), sizeof dra));
    MUST(connect(ds, SA(&dra), sizeof dra));
    CHECK(send_fds(ds, "dgram", &p[1], 1));
    r = recv_fds("dgram", dr, 1, 0, &got);
    close_range_fds(r, got);
    /* an AF_INET socket cannot carry descriptors */
    CHECK(send_fds(t, "inet", &q[0], 1));

    /* the receiver closes with a descriptor still queued: released */
    int u3 = udp_on(5502);
    CHECK(send_fds(ds, "orphan", &u3, 1));
    close(u3);
    close(dr);
    int u4 = udp_on(5502);
    CHECK(u4 >= 0);
    close(u4);

    close(t);
    close(ds);
    close(d[0]);
    close(d[1]);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
    unix_leave_tmp();
    return 0;
}
