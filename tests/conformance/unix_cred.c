/* unix_cred: credentials — SO_PEERCRED of pairs, connections and sockets
 * without a peer; SO_PASSCRED and the SCM_CREDENTIALS message it brings
 * (recorded at send time when either side asked, else pid 0 and the
 * overflow uid/gid); credentials a sender claims (its own, or any as root;
 * malformed ones are EINVAL); and the autobind SO_PASSCRED causes on
 * connect and on a datagram socket's first send. */
#include "unix_fs.h"

static void peercred(const char *label, int fd)
{
    struct ucred uc;
    memset(&uc, 0x55, sizeof uc);
    socklen_t l = sizeof uc;
    errno = 0;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &l) < 0) {
        conf_printf("SO_PEERCRED(%s) = -1 %s\n", label, conf_errname(errno));
        return;
    }
    conf_printf("SO_PEERCRED(%s): len %u pid %s uid %d gid %d\n", label, (unsigned)l,
                uc.pid == getpid() ? "self" : (uc.pid == 0 ? "0" : "other"), (int)uc.uid,
                (int)uc.gid);
}

/* Receive one message and print its credentials message, if any. */
static void recv_cred(const char *label, int fd, int flags)
{
    char buf[64];
    union {
        char b[CMSG_SPACE(sizeof(struct ucred)) + 64];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {buf, sizeof buf};
    struct sockaddr_un from;
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.b;
    mh.msg_controllen = sizeof ctl.b;
    mh.msg_name = &from;
    mh.msg_namelen = sizeof from;
    errno = 0;
    ssize_t n = recvmsg(fd, &mh, flags);
    if (n < 0) {
        conf_printf("%s: recvmsg = -1 %s\n", label, conf_errname(errno));
        return;
    }
    conf_printf("%s: recvmsg = %zd controllen %zu flags%s%s namelen %u\n", label, n,
                (size_t)mh.msg_controllen, (mh.msg_flags & MSG_CTRUNC) ? " CTRUNC" : "",
                (mh.msg_flags & MSG_TRUNC) ? " TRUNC" : "", (unsigned)mh.msg_namelen);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        conf_printf("  cmsg level %d type %d len %zu", c->cmsg_level, c->cmsg_type,
                    (size_t)c->cmsg_len);
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred uc;
            memcpy(&uc, CMSG_DATA(c), sizeof uc);
            conf_printf(" pid %s uid %d gid %d",
                        uc.pid == getpid() ? "self" : (uc.pid == 0 ? "0" : "other"), (int)uc.uid,
                        (int)uc.gid);
        }
        conf_printf("\n");
    }
}

/* sendmsg with an explicit SCM_CREDENTIALS of cmsg length `clen`. */
static void send_cred(const char *label, int fd, pid_t pid, uid_t uid, gid_t gid, size_t clen)
{
    union {
        char b[CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct ucred uc = {pid, uid, gid};
    struct iovec iov = {"c", 1};
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.b;
    mh.msg_controllen = sizeof ctl.b;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = clen;
    memcpy(CMSG_DATA(c), &uc, sizeof uc);
    CHECKL(label, sendmsg(fd, &mh, 0));
}

static int getint(int fd, int opt)
{
    int v = -7;
    socklen_t l = sizeof v;
    return getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0 ? -errno : v;
}

int main(void)
{
    unix_enter_tmp();
    int one = 1;
    int p[2];
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
    peercred("stream pair", p[0]);
    struct ucred uc;
    socklen_t l = 4;
    CHECK(getsockopt(p[0], SOL_SOCKET, SO_PEERCRED, &uc, &l));
    conf_printf("  len %u\n", (unsigned)l);
    l = (socklen_t)-1;
    CHECK(getsockopt(p[0], SOL_SOCKET, SO_PEERCRED, &uc, &l));
    CHECK(setsockopt(p[0], SOL_SOCKET, SO_PEERCRED, &uc, sizeof uc));
    CHECK(getint(p[0], SO_PASSCRED));
    /* a message sent with nobody asking carries no credentials */
    CHECK(send(p[0], "a", 1, 0));
    CHECK(setsockopt(p[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    CHECK(getint(p[1], SO_PASSCRED));
    recv_cred("sent before SO_PASSCRED", p[1], 0);
    CHECK(send(p[0], "b", 1, 0));
    recv_cred("sent after SO_PASSCRED", p[1], 0);
    CHECK(send(p[0], "c", 1, 0));
    recv_cred("peek", p[1], MSG_PEEK);
    recv_cred("read", p[1], 0);
    /* no room for the credentials: MSG_CTRUNC */
    {
        char buf[8];
        struct iovec iov = {buf, sizeof buf};
        struct msghdr mh;
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        CHECK(send(p[0], "d", 1, 0));
        CHECK(recvmsg(p[1], &mh, 0));
        conf_printf("  flags%s\n", (mh.msg_flags & MSG_CTRUNC) ? " CTRUNC" : "");
    }
    /* claimed credentials */
    send_cred("own credentials", p[0], getpid(), 0, 0, CMSG_LEN(sizeof(struct ucred)));
    recv_cred("own", p[1], 0);
    send_cred("pid 1 as root", p[0], 1, 0, 0, CMSG_LEN(sizeof(struct ucred)));
    recv_cred("pid 1", p[1], 0);
    send_cred("uid 1000 gid 1000 as root", p[0], getpid(), 1000, 1000,
              CMSG_LEN(sizeof(struct ucred)));
    recv_cred("uid 1000", p[1], 0);
    send_cred("short cmsg_len", p[0], getpid(), 0, 0, CMSG_LEN(sizeof(struct ucred)) - 1);
    send_cred("cmsg_len too long", p[0], getpid(), 0, 0, CMSG_SPACE(sizeof(struct ucred)) + 1);
    CHECK(recv(p[1], &uc, 1, MSG_DONTWAIT));
    close(p[0]);
    close(p[1]);

    MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, p));
    peercred("dgram pair", p[0]);
    close(p[0]);
    close(p[1]);

    /* connections: each side has the other's credentials */
    int lsn = socket(AF_UNIX, SOCK_STREAM, 0), cl = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un la = unix_path("srv");
    MUST(bind(lsn, SA(&la), sizeof la));
    peercred("bound, not listening", lsn);
    MUST(listen(lsn, 5));
    peercred("listener", lsn);
    peercred("unconnected", cl);
    /* SO_PASSCRED autobinds a connecting socket */
    CHECK(setsockopt(cl, SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    CHECK(connect(cl, SA(&la), sizeof la));
    peercred("client", cl);
    struct sockaddr_un an;
    socklen_t anl = sizeof an;
    int acc = accept(lsn, SA(&an), &anl);
    conf_printf("accepted address len %u abstract %d\n", (unsigned)anl, an.sun_path[0] == 0);
    peercred("accepted", acc);
    CHECK(send(acc, "x", 1, 0));
    recv_cred("client (SO_PASSCRED)", cl, 0);
    CHECK(setsockopt(lsn, SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    int cl2 = socket(AF_UNIX, SOCK_STREAM, 0);
    MUST(connect(cl2, SA(&la), sizeof la));
    int acc2 = accept(lsn, NULL, NULL);
    CHECK(getint(acc2, SO_PASSCRED));
    CHECK(send(cl2, "y", 1, 0));
    recv_cred("accepted from a SO_PASSCRED listener", acc2, 0);
    /* a stream reader does not join messages with and without credentials */
    CHECK(send(cl2, "1", 1, 0));
    send_cred("claimed uid", cl2, getpid(), 1000, 0, CMSG_LEN(sizeof(struct ucred)));
    CHECK(send(cl2, "2", 1, 0));
    recv_cred("stream read 1", acc2, 0);
    recv_cred("stream read 2", acc2, 0);
    recv_cred("stream read 3", acc2, 0);

    /* datagram: SO_PASSCRED autobinds on the first send */
    int dr = socket(AF_UNIX, SOCK_DGRAM, 0), ds = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un dra = unix_path("dr");
    MUST(bind(dr, SA(&dra), sizeof dra));
    CHECK(sendto(ds, "u", 1, 0, SA(&dra), sizeof dra));
    recv_cred("unbound sender", dr, 0);
    CHECK(setsockopt(ds, SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    CHECK(sendto(ds, "v", 1, 0, SA(&dra), sizeof dra));
    recv_cred("sender with SO_PASSCRED", dr, 0);
    struct sockaddr_un dn;
    socklen_t dnl = sizeof dn;
    CHECK(getsockname(ds, SA(&dn), &dnl));
    conf_printf("  sender name len %u abstract %d\n", (unsigned)dnl, dn.sun_path[0] == 0);
    int dc = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(setsockopt(dc, SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    CHECK(connect(dc, SA(&dra), sizeof dra));
    dnl = sizeof dn;
    CHECK(getsockname(dc, SA(&dn), &dnl));
    conf_printf("  connected name len %u\n", (unsigned)dnl);
    peercred("connected dgram", dc);

    close(dr);
    close(ds);
    close(dc);
    close(acc);
    close(acc2);
    close(cl);
    close(cl2);
    close(lsn);
    unix_leave_tmp();
    return 0;
}
