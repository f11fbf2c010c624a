/* sendmmsg/recvmmsg on UDP (Linux's __sys_sendmmsg / do_recvmmsg: one
 * sendmsg/recvmsg per entry, msg_len filled in, the count of entries done
 * returned; an error after the first entry is not reported by sendmmsg, and
 * recvmmsg reports it on the next call unless it is EAGAIN; vlen is capped
 * at UIO_MAXIOV; MSG_WAITFORONE makes the calls after the first
 * non-blocking), and what a socket answers to file calls: lseek, pread and
 * pwrite are ESPIPE, fstat says S_IFSOCK with mode 0777. */
#include <sys/stat.h>

#include "conf.h"

static int udp_at(int port)
{
    int s;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    MUST(bind(s, SA(&a), sizeof a));
    return s;
}

static void mmsg(void)
{
    int r = udp_at(7400), s;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    struct sockaddr_in to = conf_sin("127.0.0.1", 7400);
    char p0[] = "one", p1[] = "second", p2[] = "third!!";
    struct iovec iv[3] = {{p0, 3}, {p1, 6}, {p2, 7}};
    struct mmsghdr m[3];
    memset(m, 0, sizeof m);
    for (int i = 0; i < 3; i++) {
        m[i].msg_hdr.msg_name = &to;
        m[i].msg_hdr.msg_namelen = sizeof to;
        m[i].msg_hdr.msg_iov = &iv[i];
        m[i].msg_hdr.msg_iovlen = 1;
        m[i].msg_len = 99;
    }
    CHECK(sendmmsg(s, m, 3, 0));
    conf_printf("msg_len %u %u %u\n", m[0].msg_len, m[1].msg_len, m[2].msg_len);
    CHECK(sendmmsg(s, m, 0, 0));

    char b[5][16];
    struct iovec riv[5];
    struct mmsghdr rm[5];
    struct sockaddr_in from[5];
    memset(rm, 0, sizeof rm);
    for (int i = 0; i < 5; i++) {
        riv[i].iov_base = b[i];
        riv[i].iov_len = i == 1 ? 4 : sizeof b[i]; /* the second one truncates */
        rm[i].msg_hdr.msg_iov = &riv[i];
        rm[i].msg_hdr.msg_iovlen = 1;
        rm[i].msg_hdr.msg_name = &from[i];
        rm[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    CHECK(recvmmsg(r, rm, 5, MSG_DONTWAIT, NULL));
    for (int i = 0; i < 3; i++)
        conf_printf("  [%d] len %u flags %#x namelen %u %.*s\n", i, rm[i].msg_len,
                    (unsigned)rm[i].msg_hdr.msg_flags, (unsigned)rm[i].msg_hdr.msg_namelen,
                    (int)(rm[i].msg_len < 16 ? rm[i].msg_len : 16), b[i]);
    CHECK(recvmmsg(r, rm, 5, MSG_DONTWAIT, NULL));

    /* MSG_WAITFORONE: blocks for the first, then takes what is there */
    CHECK(sendmmsg(s, m, 2, 0));
    CHECK(recvmmsg(r, rm, 5, MSG_WAITFORONE, NULL));
    struct timespec ts = {0, 1000000};
    CHECK(sendmmsg(s, m, 1, 0));
    CHECK(recvmmsg(r, rm, 1, 0, &ts)); /* the timeout is only looked at between entries */

    /* an entry that fails after the first: the count so far */
    m[1].msg_hdr.msg_iov = CONF_BADPTR;
    CHECK(sendmmsg(s, m, 3, 0));
    CHECK(recvmmsg(r, rm, 5, MSG_DONTWAIT, NULL));
    m[0].msg_hdr.msg_iov = CONF_BADPTR;
    CHECK(sendmmsg(s, m, 3, 0));
    m[0].msg_hdr.msg_iov = &iv[0];
    m[1].msg_hdr.msg_iov = &iv[1];

    /* the vector itself */
    CHECK(sendmmsg(s, CONF_BADPTR, 1, 0));
    CHECK(recvmmsg(r, CONF_BADPTR, 1, MSG_DONTWAIT, NULL));
    CHECK(recvmmsg(r, rm, 1, MSG_DONTWAIT, CONF_BADPTR));
    struct timespec bad = {0, 2000000000};
    CHECK(recvmmsg(r, rm, 1, MSG_DONTWAIT, &bad));
    CHECK(sendmmsg(-1, m, 1, 0));
    CHECK(recvmmsg(-1, rm, 1, 0, NULL));
    CHECK(sendmmsg(0, m, 1, 0));
    /* an unconnected entry with no address */
    m[0].msg_hdr.msg_name = NULL;
    m[0].msg_hdr.msg_namelen = 0;
    CHECK(sendmmsg(s, m, 2, 0));
    close(s);
    close(r);
}

static void files(void)
{
    int s;
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    char c = 0;
    CHECK(lseek(s, 0, SEEK_SET));
    CHECK(pread(s, &c, 1, 0));
    CHECK(pwrite(s, &c, 1, 0));
    struct stat sb;
    CHECK(fstat(s, &sb));
    conf_printf("S_ISSOCK %d mode %o size %lld\n", S_ISSOCK(sb.st_mode),
                (unsigned)(sb.st_mode & 07777), (long long)sb.st_size);
    close(s);
    CHECK(lseek(s, 0, SEEK_SET));
    CHECK(fstat(s, &sb));
}

int main(void)
{
    mmsg();
    files();
    return 0;
}
