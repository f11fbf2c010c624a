/* SO_RCVTIMEO / SO_SNDTIMEO under both numbers (asm-generic/socket.h):
 * _OLD (20, 21) takes the architecture's timeval, two longs; _NEW (66, 67,
 * the y2038 ones a 64-bit time_t C library on a 32-bit machine uses)
 * always two 64-bit fields (__kernel_sock_timeval). Both set the same
 * timeout (sock_set_timeout): what one sets the other reads; short
 * lengths are EINVAL, tv_usec out of range EDOM; a receive waits for it. */
#include "conf.h"
#include <sys/time.h>

#define RCV_OLD 20
#define SND_OLD 21
#define RCV_NEW 66
#define SND_NEW 67

struct tv64 {
    int64_t sec, usec;
};
struct tvold {
    long sec, usec;
};

static void get_both(const char *what, int fd, int old, int nw)
{
    struct tvold o = {-7, -7};
    struct tv64 n = {-7, -7};
    socklen_t ol = sizeof o, nl = sizeof n;
    int r1 = getsockopt(fd, SOL_SOCKET, old, &o, &ol);
    int e1 = errno;
    int r2 = getsockopt(fd, SOL_SOCKET, nw, &n, &nl);
    int e2 = errno;
    conf_printf("  %s: old %d%s%s {%ld,%ld} len=%u; new %d%s%s {%lld,%lld} len=%u\n", what, r1,
                r1 ? " " : "", r1 ? conf_errname(e1) : "", o.sec, o.usec, (unsigned)ol, r2,
                r2 ? " " : "", r2 ? conf_errname(e2) : "", (long long)n.sec, (long long)n.usec,
                (unsigned)nl);
}

int main(void)
{
    int u;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    struct sockaddr_in a = conf_sin("127.0.0.1", 7311);
    MUST(bind(u, SA(&a), sizeof a));
    get_both("rcv fresh", u, RCV_OLD, RCV_NEW);

    struct tv64 n = {1, 500000};
    CHECK(setsockopt(u, SOL_SOCKET, RCV_NEW, &n, sizeof n));
    get_both("rcv after new {1,500000}", u, RCV_OLD, RCV_NEW);
    CHECK(setsockopt(u, SOL_SOCKET, RCV_NEW, &n, sizeof n - 1));
    struct tv64 bad = {1, 1000000};
    CHECK(setsockopt(u, SOL_SOCKET, RCV_NEW, &bad, sizeof bad));
    struct tv64 neg = {-3, 0};
    CHECK(setsockopt(u, SOL_SOCKET, SND_NEW, &neg, sizeof neg));
    get_both("snd after new {-3,0}", u, SND_OLD, SND_NEW);

    struct tvold o = {2, 250000};
    CHECK(setsockopt(u, SOL_SOCKET, SND_OLD, &o, sizeof o));
    get_both("snd after old {2,250000}", u, SND_OLD, SND_NEW);
    CHECK(setsockopt(u, SOL_SOCKET, SND_OLD, &o, sizeof o - 1));

    /* a short read of the _NEW value is cut, as put_user of optlen bytes */
    struct tv64 cut = {-7, -7};
    socklen_t cl = 8;
    CHECK(getsockopt(u, SOL_SOCKET, SND_NEW, &cut, &cl));
    conf_printf("  cut: {%lld} len=%u\n", (long long)cut.sec, (unsigned)cl);

    /* the receive timeout set through _NEW is the one recv waits for */
    struct tv64 w = {0, 30000};
    CHECK(setsockopt(u, SOL_SOCKET, RCV_NEW, &w, sizeof w));
    char buf[4];
    CHECK(recv(u, buf, sizeof buf, 0));

    int s;
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    get_both("tcp rcv fresh", s, RCV_OLD, RCV_NEW);
    CHECK(setsockopt(s, SOL_SOCKET, RCV_NEW, &n, sizeof n));
    get_both("tcp rcv after new", s, RCV_OLD, RCV_NEW);
    close(s);
    close(u);
    return 0;
}
