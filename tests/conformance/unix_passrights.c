/* SO_PASSRIGHTS (Linux 6.16): a socket that turns it off refuses file
 * descriptors. Sending SCM_RIGHTS to such a peer fails with EPERM and
 * nothing is queued (unix_stream_sendmsg / unix_dgram_sendmsg check the
 * receiver's sk_scm_rights); data without descriptors still goes through.
 * It is on by default, reads back 0/1, and is AF_UNIX's alone: other
 * families say EOPNOTSUPP (sk_setsockopt). A listener's setting is what
 * its accepted sockets start with. */
#include "conf.h"
#include <sys/un.h>

#ifndef SO_PASSRIGHTS
#define SO_PASSRIGHTS 83
#endif

static void send_fd(const char *label, int via, int fd)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {"x", 1};
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    CHECKL(label, sendmsg(via, &m, MSG_DONTWAIT));
}

static void inq(const char *what, int fd)
{
    int q = -1;
    ioctl(fd, FIONREAD, &q);
    conf_printf("  %s: %d queued\n", what, q);
}

int main(void)
{
    static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    static const char *names[] = {"stream", "dgram", "seqpacket"};
    for (int t = 0; t < 3; t++) {
        int sv[2];
        MUST(socketpair(AF_UNIX, types[t], 0, sv));
        conf_printf("%s\n", names[t]);
        GETINT(sv[1], SOL_SOCKET, SO_PASSRIGHTS);
        send_fd("send fd, on", sv[0], sv[0]);
        inq("receiver", sv[1]);
        char b[8];
        CHECK(recv(sv[1], b, sizeof b, MSG_DONTWAIT));
        SETINT(sv[1], SOL_SOCKET, SO_PASSRIGHTS, 0);
        GETINT(sv[1], SOL_SOCKET, SO_PASSRIGHTS);
        send_fd("send fd, off", sv[0], sv[0]);
        inq("receiver", sv[1]);
        CHECK(send(sv[0], "y", 1, MSG_DONTWAIT));
        inq("receiver", sv[1]);
        send_fd("send fd the other way", sv[1], sv[1]);
        SETINT(sv[1], SOL_SOCKET, SO_PASSRIGHTS, 5);
        GETINT(sv[1], SOL_SOCKET, SO_PASSRIGHTS);
        close(sv[0]);
        close(sv[1]);
    }

    /* a listener's setting goes to the sockets it accepts */
    int l, c, a;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    socklen_t al = sizeof(sa_family_t);
    MUST(l = socket(AF_UNIX, SOCK_STREAM, 0));
    MUST(bind(l, SA(&addr), al));
    SETINT(l, SOL_SOCKET, SO_PASSRIGHTS, 0);
    MUST(listen(l, 4));
    al = sizeof addr;
    MUST(getsockname(l, SA(&addr), &al));
    MUST(c = socket(AF_UNIX, SOCK_STREAM, 0));
    MUST(connect(c, SA(&addr), al));
    conf_printf("listener off\n");
    send_fd("send fd before accept", c, c);
    MUST(a = accept(l, NULL, NULL));
    GETINT(a, SOL_SOCKET, SO_PASSRIGHTS);
    inq("accepted", a);
    close(a);
    close(c);
    close(l);

    int u;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    conf_printf("udp\n");
    GETINT(u, SOL_SOCKET, SO_PASSRIGHTS);
    SETINT(u, SOL_SOCKET, SO_PASSRIGHTS, 0);
    close(u);
    return 0;
}
