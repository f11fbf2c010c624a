/* unix_blocking: calls that wait, woken by another thread — accept and
 * recv waiting for a peer, a datagram sender waiting for room in a full
 * receiver (max_dgram_qlen), a stream sender waiting for SO_SNDBUF room,
 * a connect waiting for room in a full backlog, and SO_SNDTIMEO expiring
 * on a full receiver (EAGAIN). */
#include "unix_fs.h"
#include <pthread.h>
#include <time.h>

static void nap(int ms)
{
    struct timespec t = {0, ms * 1000000L};
    nanosleep(&t, NULL);
}

static struct sockaddr_un la;
static socklen_t lal;
static int g_fd;

static void *connector(void *arg)
{
    (void)arg;
    nap(30);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, SA(&la), lal) == 0)
        send(c, "from thread", 11, 0);
    return (void *)(intptr_t)c;
}

static void *late_sender(void *arg)
{
    nap(30);
    send(g_fd, (const char *)arg, strlen(arg), 0);
    return NULL;
}

/* Drain a datagram socket after a pause; count what it read. */
static void *drainer(void *arg)
{
    (void)arg;
    nap(50);
    char b[16];
    long n = 0;
    for (;;) {
        struct pollfd p = {.fd = g_fd, .events = POLLIN};
        if (poll(&p, 1, 300) <= 0)
            break;
        if (recv(g_fd, b, sizeof b, MSG_DONTWAIT) > 0)
            n++;
    }
    return (void *)n;
}

static void *stream_reader(void *arg)
{
    (void)arg;
    nap(50);
    static char b[65536];
    long total = 0;
    ssize_t n;
    while ((n = recv(g_fd, b, sizeof b, 0)) > 0)
        total += n;
    return (void *)total;
}

static void *accepter(void *arg)
{
    (void)arg;
    nap(50);
    return (void *)(intptr_t)accept(g_fd, NULL, NULL);
}

int main(void)
{
    unix_enter_tmp();
    char buf[64];
    pthread_t th;
    void *ret;

    /* accept and recv wait for the other thread */
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    la = unix_abstract("conf-blocking", &lal);
    MUST(bind(l, SA(&la), lal));
    MUST(listen(l, 0));
    pthread_create(&th, NULL, connector, NULL);
    int a = accept(l, NULL, NULL);
    CHECKL("blocking accept >= 0", a >= 0);
    memset(buf, 0, sizeof buf);
    CHECK(recv(a, buf, 11, MSG_WAITALL) == 11 && !strcmp(buf, "from thread"));
    pthread_join(th, &ret);
    int c = (int)(intptr_t)ret;
    g_fd = c;
    pthread_create(&th, NULL, late_sender, "late");
    CHECK(recv(a, buf, sizeof buf, 0));
    pthread_join(th, NULL);
    close(c);
    CHECK(recv(a, buf, sizeof buf, 0));
    close(a);

    /* connect waits for room in the backlog (backlog 0 holds one) */
    int c1 = socket(AF_UNIX, SOCK_STREAM, 0), c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c1, SA(&la), lal));
    g_fd = l;
    pthread_create(&th, NULL, accepter, NULL);
    CHECK(connect(c2, SA(&la), lal));
    pthread_join(th, &ret);
    CHECKL("accepted by the thread", (intptr_t)ret >= 0);
    close((int)(intptr_t)ret);
    close(c1);
    close(c2);

    /* a datagram sender waits while the receiver is full */
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un ra = unix_path("r");
    MUST(bind(r, SA(&ra), sizeof ra));
    MUST(connect(s, SA(&ra), sizeof ra));
    int sent = 0;
    while (sent < 100 && send(s, "q", 1, MSG_DONTWAIT) == 1)
        sent++;
    conf_printf("queued without waiting: %d\n", sent);
    struct timeval tv = {0, 100000};
    CHECK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    CHECK(send(s, "q", 1, 0)); /* waits 100 ms, then EAGAIN */
    tv.tv_usec = 0;
    CHECK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    g_fd = r;
    pthread_create(&th, NULL, drainer, NULL);
    for (int i = 0; i < 20; i++)
        if (send(s, "w", 1, 0) != 1)
            conf_printf("blocking send failed: %s\n", conf_errname(errno));
    pthread_join(th, &ret);
    conf_printf("drained: %ld\n", (long)ret);
    close(r);
    close(s);

    /* a stream sender waits for SO_SNDBUF room while the reader reads */
    int p[2];
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
    int sz = 16384;
    CHECK(setsockopt(p[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz));
    g_fd = p[1];
    pthread_create(&th, NULL, stream_reader, NULL);
    static char big[1 << 20];
    CHECK(send(p[0], big, sizeof big, 0));
    close(p[0]);
    pthread_join(th, &ret);
    conf_printf("read: %ld\n", (long)ret);
    close(p[1]);
    close(l);
    unix_leave_tmp();
    return 0;
}
