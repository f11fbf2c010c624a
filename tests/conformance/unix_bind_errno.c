/* unix_bind_errno: every errno of bind(2) for AF_UNIX path names, from the
 * file system itself (the POSIX and Linux bind pages): ENOENT, ENOTDIR,
 * ENAMETOOLONG, ELOOP, EACCES, EROFS, EADDRINUSE for every kind of existing
 * file, and EINVAL for a socket already bound (its new node is removed). */
#define _GNU_SOURCE
#include "unix_fs.h"
#include <sched.h>
#include <sys/mount.h>

static int sock(void)
{
    int s;
    MUST(s = socket(AF_UNIX, SOCK_STREAM, 0));
    return s;
}

static void try_bind(const char *path)
{
    int s = sock();
    struct sockaddr_un a = unix_path(path);
    char l[160];
    snprintf(l, sizeof l, "bind(\"%.100s\")", path);
    CHECKL(l, bind(s, SA(&a), sizeof a));
    close(s);
}

int main(void)
{
    unix_enter_tmp();
    struct stat sb;

    /* ENOENT: a directory on the way does not exist. */
    try_bind("nodir/s");
    /* ENOTDIR: a regular file used as a directory. */
    MUST(close(open("file", O_CREAT | O_WRONLY, 0644)));
    try_bind("file/s");
    /* ELOOP: symbolic links pointing at each other. */
    MUST(symlink("loop2", "loop1"));
    MUST(symlink("loop1", "loop2"));
    try_bind("loop1/s");
    /* ENAMETOOLONG: a path component longer than NAME_MAX, reached through
     * a symbolic link (sun_path itself is too short to hold one). */
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    MUST(symlink(longname, "toolong"));
    try_bind("toolong/s");
    /* EADDRINUSE: the name exists, whatever it is. */
    try_bind("file");
    MUST(mkdir("dir", 0755));
    try_bind("dir");
    MUST(symlink("nowhere", "dangling"));
    try_bind("dangling");
    try_bind("loop1");
    /* A bound socket's node stays after close until unlink. */
    try_bind("sock");
    CHECK(stat("sock", &sb) == 0 && S_ISSOCK(sb.st_mode));
    try_bind("sock");
    CHECK(unlink("sock"));
    try_bind("sock");
    /* Through a directory symlink the node lands in the directory. */
    MUST(symlink("dir", "dirlink"));
    try_bind("dirlink/s");
    CHECK(stat("dir/s", &sb) == 0 && S_ISSOCK(sb.st_mode));
    /* EINVAL: a bound socket; the node it would have made is removed,
     * after the file system said whether the name was free. */
    int s = sock();
    struct sockaddr_un a = unix_path("first");
    CHECK(bind(s, SA(&a), sizeof a));
    a = unix_path("second");
    CHECK(bind(s, SA(&a), sizeof a));
    CHECK(stat("second", &sb));
    a = unix_path("file");
    CHECK(bind(s, SA(&a), sizeof a));
    a = unix_path("nodir/x");
    CHECK(bind(s, SA(&a), sizeof a));
    close(s);

    /* EACCES: no write (or search) permission in the directory. */
    MUST(mkdir("closed", 0755));
    MUST(mkdir("nosearch", 0700));
    MUST(mkdir("nosearch/in", 0777));
    unix_as(1000);
    try_bind("closed/s");
    try_bind("nosearch/in/s");
    try_bind("nosearch/s");
    unix_as(0);
    try_bind("closed/s");

    /* EROFS: a read-only bind mount, in a mount namespace of our own. */
    MUST(mkdir("ro", 0755));
    if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
        mount("ro", "ro", NULL, MS_BIND, NULL) == 0 &&
        mount(NULL, "ro", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0) {
        try_bind("ro/s");
        MUST(umount("ro"));
        try_bind("ro/s");
    } else {
        conf_printf("SETUP FAILED: read-only bind mount: %s\n", conf_errname(errno));
    }
    unix_leave_tmp();
    return 0;
}
