/* fs_posix.c — AF_UNIX path names on the host's file system (struct
 * berth_fs): the only place berth touches files for AF_UNIX. Every error
 * is the file system's own, so bind() and connect() fail as Linux's do. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "berth/platform.h"

static void node_of(const struct stat *sb, struct berth_fs_node *out)
{
    out->dev = (uint64_t)sb->st_dev;
    out->ino = (uint64_t)sb->st_ino;
    out->is_sock = S_ISSOCK(sb->st_mode);
}

/* unix_bind_bsd: vfs_mknod(S_IFSOCK | (0777 & ~umask)); mknod() applies
 * the process's umask itself. */
static int posix_mknod_sock(void *ctx, const char *path, unsigned mode, struct berth_fs_node *out)
{
    (void)ctx;
    if (mknod(path, S_IFSOCK | (mode & 07777), 0) != 0)
        return -errno;
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return -errno;
    node_of(&sb, out);
    return 0;
}

static int posix_unlink(void *ctx, const char *path)
{
    (void)ctx;
    return unlink(path) == 0 ? 0 : -errno;
}

/* unix_find_bsd: kern_path(LOOKUP_FOLLOW), then path_permission(MAY_WRITE)
 * against the caller's effective ids. */
static int posix_lookup(void *ctx, const char *path, struct berth_fs_node *out)
{
    (void)ctx;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -errno;
    if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0)
        return -errno;
    node_of(&sb, out);
    return 0;
}

static const struct berth_fs posix_fs = {
    .ctx = NULL,
    .mknod_sock = posix_mknod_sock,
    .unlink = posix_unlink,
    .lookup = posix_lookup,
};

const struct berth_fs *berth_fs_posix(void) { return &posix_fs; }
