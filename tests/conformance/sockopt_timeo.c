/* SO_RCVTIMEO / SO_SNDTIMEO: struct timeval round trip, EDOM, and a real
 * receive timeout. Values are multiples of 20 ms so that they survive the
 * kernel's jiffies conversion for any HZ. */
#include "conf.h"
#include <sys/time.h>

static void rt(int fd, int opt, const char *name, long sec, long usec)
{
    struct timeval tv = {.tv_sec = sec, .tv_usec = usec}, out;
    socklen_t len = sizeof out;
    char l[80];
    snprintf(l, sizeof l, "set %s {%ld, %ld}", name, sec, usec);
    CHECKL(l, setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv));
    memset(&out, 0xff, sizeof out);
    CHECKL("  get", getsockopt(fd, SOL_SOCKET, opt, &out, &len));
    conf_printf("  reads {%ld, %ld} len=%u\n", (long)out.tv_sec, (long)out.tv_usec, (unsigned)len);
}

int main(void)
{
    int u;
    struct timeval tv;
    socklen_t len = sizeof tv;
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
    conf_printf("  default {%ld, %ld} len=%u\n", (long)tv.tv_sec, (long)tv.tv_usec, (unsigned)len);
    rt(u, SO_RCVTIMEO, "SO_RCVTIMEO", 1, 500000);
    rt(u, SO_RCVTIMEO, "SO_RCVTIMEO", 0, 20000);
    rt(u, SO_RCVTIMEO, "SO_RCVTIMEO", 100, 0);
    rt(u, SO_RCVTIMEO, "SO_RCVTIMEO", 0, 1000000); /* EDOM */
    rt(u, SO_RCVTIMEO, "SO_RCVTIMEO", 0, -1);      /* EDOM */
    rt(u, SO_RCVTIMEO, "SO_RCVTIMEO", -1, 0);      /* negative: no timeout */
    rt(u, SO_RCVTIMEO, "SO_RCVTIMEO", 0, 0);
    rt(u, SO_SNDTIMEO, "SO_SNDTIMEO", 2, 40000);
    rt(u, SO_SNDTIMEO, "SO_SNDTIMEO", 0, 2000000); /* EDOM */
    rt(u, SO_SNDTIMEO, "SO_SNDTIMEO", 0, 0);

    /* Short optlen: EINVAL; getsockopt with a short buffer truncates. */
    tv.tv_sec = 1;
    tv.tv_usec = 0;
    CHECK(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv - 1));
    CHECK(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, 4));
    CHECK(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv + 8));
    len = 4;
    CHECK(getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
    conf_printf("  len=%u\n", (unsigned)len);

    /* The timeout applies: a blocking recv gives EAGAIN after it. */
    struct sockaddr_in a = conf_sin("127.0.0.1", 5000);
    MUST(bind(u, SA(&a), sizeof a));
    tv.tv_sec = 0;
    tv.tv_usec = 60000;
    CHECK(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    char buf[4];
    CHECK(recv(u, buf, sizeof buf, 0));
    CHECK(recvfrom(u, buf, sizeof buf, 0, NULL, NULL));
    return 0;
}
