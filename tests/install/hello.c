/* hello.c — an outside program built against an installed berth (pkg-config
 * and find_package): a stack with lo, one UDP datagram to itself. Prints
 * "berth ok: hello" and exits 0. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <berth/socket.h>
#include <berth/stack.h>

int main(void)
{
    struct berth_config cfg;
    berth_config_init(&cfg);
    berth_stack *st = berth_stack_new(&cfg);
    if (!st)
        return 1;
    int s = berth_socket(st, AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7777)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char buf[16] = {0};
    if (s < 0 || berth_bind(st, s, (struct sockaddr *)&a, sizeof a) != 0 ||
        berth_sendto(st, s, "hello", 5, 0, (struct sockaddr *)&a, sizeof a) != 5 ||
        berth_recv(st, s, buf, sizeof buf - 1, 0) != 5 || strcmp(buf, "hello") != 0) {
        perror("berth");
        return 1;
    }
    printf("berth ok: %s\n", buf);
    berth_stack_free(st);
    return 0;
}
