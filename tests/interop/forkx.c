/* forkx — a berth host on a TAP device that forks with a TCP connection
 * open (interop.fork_child). The parent connects to the kernel at ADDR:PORT
 * and sends "parent-1\n"; the forked child writes "child\n" on the
 * inherited connection, which must not reach the wire (the device belongs
 * to the parent: tap.c mutes it in a child), then exits; the parent sends
 * "parent-2\n" and closes. The kernel side must receive exactly
 * "parent-1\nparent-2\n", with no reset.
 *
 *   forkx TAPDEV ADDR PORT     (berth is 192.0.2.2/24) */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "berth/netif.h"
#include "berth/socket.h"
#include "berth/tap.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: forkx TAPDEV ADDR PORT\n");
        return 2;
    }
    berth_stack *st = berth_stack_new(NULL);
    berth_netif *ifp = st ? berth_tap_attach(st, argv[1], NULL) : NULL;
    struct in_addr me;
    inet_pton(AF_INET, "192.0.2.2", &me);
    if (!ifp || berth_netif_addr_add(ifp, me, 24) || berth_netif_set_up(ifp, true)) {
        perror("forkx: setup");
        return 1;
    }
    int s = berth_socket(st, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3]))};
    inet_pton(AF_INET, argv[2], &to.sin_addr);
    if (berth_connect(st, s, (struct sockaddr *)&to, sizeof to) < 0) {
        perror("forkx: connect");
        return 1;
    }
    if (berth_send(st, s, "parent-1\n", 9, 0) != 9) {
        perror("forkx: send");
        return 1;
    }
    usleep(200000); /* let it be acknowledged before the fork */
    pid_t pid = fork();
    if (pid == 0) {
        ssize_t n = berth_send(st, s, "child\n", 6, MSG_DONTWAIT);
        printf("child: send -> %zd\n", n); /* queued in the child's copy, never sent */
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    usleep(300000);
    if (berth_send(st, s, "parent-2\n", 9, 0) != 9) {
        perror("forkx: send after the fork");
        return 1;
    }
    berth_shutdown(st, s, SHUT_WR);
    char b[64];
    ssize_t n = berth_recv(st, s, b, sizeof b, 0); /* the kernel's FIN */
    printf("parent: done, recv -> %zd\n", n);
    berth_close(st, s);
    berth_stack_free(st);
    return n == 0 ? 0 : 1;
}
