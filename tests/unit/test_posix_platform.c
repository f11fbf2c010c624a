/* test_posix_platform.c — the posix flavour: several threads on one stack,
 * a blocked recv woken by another thread's send, SO_RCVTIMEO in real time,
 * and a fork()ed child using the stack with no background thread. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "berth/posix.h"
#include "testutil.h"

struct sender {
    berth_stack *st;
    int fd;
    struct sockaddr_in to;
    int count;
};

static void *send_later(void *arg)
{
    struct sender *s = arg;
    struct timespec d = {0, 50 * 1000 * 1000};
    nanosleep(&d, NULL);
    for (int i = 0; i < s->count; i++) {
        int v = i;
        if (berth_sendto(s->st, s->fd, &v, sizeof(v), 0, SA(s->to), sizeof(s->to)) != sizeof(v))
            return (void *)1;
    }
    return NULL;
}

static void blocked_recv_woken_by_other_thread(void **state)
{
    (void)state;
    berth_stack *st = berth_stack_new(NULL); /* posix platform */
    assert_non_null(st);
    int r = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    int s = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct sender snd = {.st = st, .fd = s, .to = sin4("127.0.0.1", 9100), .count = 1000};
    assert_int_equal(berth_bind(st, r, SA(snd.to), sizeof(snd.to)), 0);
    int big = 1 << 20;
    berth_setsockopt(st, r, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    pthread_t th;
    pthread_create(&th, NULL, send_later, &snd);
    /* Blocks until the other thread sends (no timeout set). */
    for (int i = 0; i < snd.count; i++) {
        int v = -1;
        assert_int_equal(berth_recv(st, r, &v, sizeof(v), 0), sizeof(v));
        assert_int_equal(v, i);
    }
    void *ret;
    pthread_join(th, &ret);
    assert_null(ret);
    berth_stack_free(st);
}

static void rcvtimeo_real_time(void **state)
{
    (void)state;
    berth_stack *st = berth_stack_new(NULL);
    int r = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {0, 100000};
    berth_setsockopt(st, r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char b;
    assert_int_equal(berth_recv(st, r, &b, 1, 0), -1);
    assert_int_equal(errno, EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 100);
    berth_stack_free(st);
}

static void fork_child_uses_default_stack(void **state)
{
    (void)state;
    /* posix.h's default stack, created before fork, used by the child. */
    int s = berth_posix_socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s >= 0);
    struct sockaddr_in a = sin4("127.0.0.1", 9200);
    assert_int_equal(berth_posix_bind(s, SA(a), sizeof(a)), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int c = berth_posix_socket(AF_INET, SOCK_DGRAM, 0);
        if (berth_posix_sendto(c, "ping", 4, 0, SA(a), sizeof(a)) != 4)
            _exit(1);
        char b[8];
        if (berth_posix_recv(s, b, sizeof(b), 0) != 4)
            _exit(2);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* The parent's stack is its own: nothing arrived here. */
    char b[8];
    assert_int_equal(berth_posix_recv(s, b, sizeof(b), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
    assert_int_equal(berth_posix_close(s), 0);
}

static void posix_fd_mapping(void **state)
{
    (void)state;
    int s = berth_posix_socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s > 2);
    /* An open OS descriptor that is not a socket: ENOTSOCK. */
    struct sockaddr_in a = sin4("127.0.0.1", 9300);
    assert_int_equal(berth_posix_bind(0, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, ENOTSOCK);
    assert_int_equal(berth_posix_bind(9999, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EBADF);
    assert_int_equal(berth_posix_close(s), 0);
    assert_int_equal(berth_posix_bind(s, SA(a), sizeof(a)), -1);
    assert_int_equal(errno, EBADF);
    /* The next socket reuses the same number, as the kernel would. */
    int t = berth_posix_socket(AF_INET, SOCK_DGRAM, 0);
    assert_int_equal(t, s);
    berth_posix_close(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocked_recv_woken_by_other_thread),
        cmocka_unit_test(rcvtimeo_real_time),
        cmocka_unit_test(fork_child_uses_default_stack),
        cmocka_unit_test(posix_fd_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
