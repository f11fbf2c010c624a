/* errno_order_fd.c - which check comes first when both the descriptor and
 * another argument are wrong (issue 12).
 *
 * __sys_accept4: fdget() (EBADF) before the flags (EINVAL), the flags before
 * sock_from_file() (ENOTSOCK). __sys_connect: fdget(), then
 * move_addr_to_kernel() (EINVAL for a bad length, EFAULT), then
 * sock_from_file(): connect(0, NULL, 16) on stdin (not a socket) is EFAULT.
 * bind() looks the socket up first (sockfd_lookup_light): ENOTSOCK. */
#include "conf.h"

int main(void)
{
    struct sockaddr_in a = conf_sin("127.0.0.1", 7351);
    CHECK(accept4(-1, NULL, NULL, 0x1));
    CHECK(accept4(1000, NULL, NULL, 0x1));
    CHECK(accept4(0, NULL, NULL, 0x1));
    CHECK(accept4(0, NULL, NULL, 0));
    CHECK(connect(-1, NULL, 16));
    CHECK(connect(0, NULL, 16));
    CHECK(connect(0, SA(&a), 200));
    CHECK(connect(0, SA(&a), -1));
    CHECK(connect(0, NULL, 0));
    CHECK(connect(0, SA(&a), sizeof a));
    CHECK(bind(0, NULL, 16));
    return 0;
}
