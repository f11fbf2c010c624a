#include "conf.h"
#include <sys/un.h>
static int gi(int fd, int opt)
{
    int v = -7;
    socklen_t l = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0)
        return -errno;
    return v;
}
int main(void)
{
    int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW, SOCK_RDM, 0, 6, 10, 11, 15};
    int protos[] = {0, 1, 2, -1, 17};
    for (unsigned i = 0; i < sizeof types / sizeof *types; i++)
        for (unsigned j = 0; j < sizeof protos / sizeof *protos; j++) {
            char l[64];
            snprintf(l, sizeof l, "socket(AF_UNIX, %d, %d)", types[i], protos[j]);
            errno = 0;
            int fd = socket(AF_UNIX, types[i], protos[j]);
            int e = errno;
            conf_report(l, fd, e);
            if (fd >= 0) {
                conf_printf("  type %d proto %d domain %d\n", gi(fd, SO_TYPE), gi(fd, SO_PROTOCOL),
                            gi(fd, SO_DOMAIN));
                close(fd);
            }
        }
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    conf_printf("sv %d %d\n", sv[0], sv[1]);
    close(sv[0]);
    close(sv[1]);
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
    conf_printf("fl %d\n", (fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0);
    close(sv[0]);
    close(sv[1]);
    CHECK(socketpair(AF_INET, SOCK_STREAM, 0, sv));
    CHECK(socketpair(AF_INET, SOCK_DGRAM, 0, sv));
    CHECK(socketpair(AF_UNIX, SOCK_RDM, 0, sv));
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 5, sv));
    CHECK(socketpair(AF_UNIX, 0x100000 | SOCK_STREAM, 0, sv));
    CHECK(socketpair(99, SOCK_STREAM, 0, sv));
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, CONF_BADPTR));
    CHECK(socketpair(AF_INET, SOCK_STREAM, 0, CONF_BADPTR));
    return 0;
}
