#include "conf.h"
#include <sys/un.h>
#include <sys/stat.h>
static void pname(const char *l, int fd, int peer)
{
    struct sockaddr_storage ss;
    memset(&ss, 0xee, sizeof ss);
    socklen_t len = sizeof ss;
    int r = peer ? getpeername(fd, SA(&ss), &len) : getsockname(fd, SA(&ss), &len);
    if (r < 0) {
        conf_printf("%s = -1 %s\n", l, conf_errname(errno));
        return;
    }
    struct sockaddr_un *u = (void *)&ss;
    conf_printf("%s: len %u fam %d path ", l, (unsigned)len, u->sun_family);
    for (unsigned i = 2; i < len && i < sizeof ss; i++) {
        unsigned char c = ((unsigned char *)&ss)[i];
        if (c >= 32 && c < 127)
            conf_printf("%c", c);
        else
            conf_printf("\\x%02x", c);
    }
    conf_printf("\n");
}
int main(void)
{
    char dir[] = "/tmp/unixconfXXXXXX";
    MUST(mkdtemp(dir) ? 0 : -1);
    MUST(chdir(dir));
    struct sockaddr_un a;
    int fd;
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    pname("unbound", fd, 0);
    pname("unbound peer", fd, 1);
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "s1");
    CHECK(bind(fd, SA(&a), 1));
    CHECK(bind(fd, SA(&a), 2 + 2));
    pname("s1 len4", fd, 0);
    CHECK(bind(fd, SA(&a), sizeof a));
    close(fd);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(fd, SA(&a), sizeof a)); /* exists */
    a.sun_family = AF_INET;
    strcpy(a.sun_path, "s2");
    CHECK(bind(fd, SA(&a), sizeof a));
    a.sun_family = AF_UNIX;
    {
        struct sockaddr_storage big; /* lengths past sockaddr_un, from readable memory */
        memset(&big, 0, sizeof big);
        memcpy(&big, &a, sizeof a);
        CHECKL("bind(fd, SA(&a), sizeof a + 1)", bind(fd, SA(&big), sizeof a + 1));
    }
    CHECK(bind(fd, SA(&a), 2 + 2 + 1 + 5)); /* trailing zeros */
    pname("s2", fd, 0);
    close(fd);
    /* trailing garbage after NUL */
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    memset(a.sun_path, 'x', sizeof a.sun_path);
    memcpy(a.sun_path, "s3\0", 3);
    CHECK(bind(fd, SA(&a), sizeof a));
    pname("s3", fd, 0);
    close(fd);
    /* 108-byte path without NUL */
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    memset(a.sun_path, 'p', sizeof a.sun_path);
    CHECK(bind(fd, SA(&a), sizeof a));
    pname("p108", fd, 0);
    {
        struct sockaddr_un b;
        socklen_t l = sizeof b;
        getsockname(fd, SA(&b), &l);
        conf_printf("len with 110 buf %u\n", (unsigned)l);
    }
    close(fd);
    /* abstract */
    int f1 = socket(AF_UNIX, SOCK_STREAM, 0), f2 = socket(AF_UNIX, SOCK_DGRAM, 0),
        f3 = socket(AF_UNIX, SOCK_STREAM, 0), f4 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, "\0abs", 4);
    CHECK(bind(f1, SA(&a), 2 + 4));
    pname("abs f1", f1, 0);
    CHECK(bind(f2, SA(&a), 2 + 4));
    pname("abs f2", f2, 0);
    CHECK(bind(f3, SA(&a), 2 + 4));
    CHECK(bind(f3, SA(&a), 2 + 5));
    pname("abs f3 (len 7)", f3, 0);
    CHECK(bind(f4, SA(&a), 2 + 4));
    CHECK(bind(f1, SA(&a), 2 + 5));
    close(f1);
    CHECK(bind(f4, SA(&a), 2 + 4)); /* seqpacket: its own namespace anyway */
    f1 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(f1, SA(&a), 2 + 4)); /* released on close */
    CHECK(bind(f1, SA(&a), sizeof a));
    pname("f1 again", f1, 0);
    close(f1);
    close(f2);
    close(f3);
    close(f4);
    /* abstract with full length */
    f1 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(f1, SA(&a), sizeof a));
    pname("abs full", f1, 0);
    close(f1);
    /* autobind */
    f1 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(f1, SA(&a), 2));
    {
        struct sockaddr_un b;
        socklen_t l = sizeof b;
        getsockname(f1, SA(&b), &l);
        int ok = l == 8 && b.sun_path[0] == 0;
        for (int i = 1; i < 6; i++)
            ok &= !!strchr("0123456789abcdef", b.sun_path[i]) && b.sun_path[i];
        conf_printf("autobind len %u form ok %d\n", (unsigned)l, ok);
    }
    CHECK(bind(f1, SA(&a), 2));     /* already bound: 0 */
    CHECK(bind(f1, SA(&a), 2 + 4)); /* EINVAL */
    a.sun_family = AF_INET;
    f2 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(f2, SA(&a), 2));
    a.sun_family = AF_UNIX;
    CHECK(bind(f2, SA(&a), 0));
    CHECK(bind(f2, SA(&a), -1));
    CHECK(bind(f2, SA(&a), 129));
    CHECK(bind(f2, NULL, 0));
    close(f1);
    close(f2);
    /* path: bound socket binding a new path creates nothing */
    f1 = socket(AF_UNIX, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "n1");
    CHECK(bind(f1, SA(&a), sizeof a));
    strcpy(a.sun_path, "n2");
    CHECK(bind(f1, SA(&a), sizeof a));
    struct stat sb;
    CHECK(stat("n2", &sb));
    CHECK(stat("n1", &sb));
    conf_printf("n1 sock %d mode %o\n", S_ISSOCK(sb.st_mode), sb.st_mode & 07777);
    close(f1);
    CHECK(stat("n1", &sb));
    umask(077);
    f1 = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(a.sun_path, "n3");
    CHECK(bind(f1, SA(&a), sizeof a));
    stat("n3", &sb);
    conf_printf("n3 mode %o\n", sb.st_mode & 07777);
    close(f1);
    /* cleanup */
    unlink("s1");
    unlink("s2");
    unlink("s3");
    unlink("n1");
    unlink("n3");
    {
        char p[109];
        memset(p, 'p', 108);
        p[108] = 0;
        unlink(p);
    }
    MUST(chdir("/"));
    CHECK(rmdir(dir));
    return 0;
}
