/* unix_names.c — AF_UNIX names: the address rules (Linux's
 * unix_validate_addr, unix_mkname_bsd), bind (unix_bind, unix_bind_bsd,
 * unix_bind_abstract), autobind (unix_autobind), the lookup that connect
 * and sendto make (unix_find_other), getsockname/getpeername (unix_getname)
 * and the per-stack name table.
 *
 * The table holds every socket that owns a name:
 *  - abstract names (sun_path[0] == 0, autobind's too), keyed by the bytes
 *    and the socket type: each type has its own abstract namespace, as
 *    unix_abstract_hash mixes the type into the hash;
 *  - path names with a file system (berth_config.fs), keyed by the node's
 *    (dev, ino), as unix_find_socket_byinode;
 *  - path names without one, keyed by the path for every type (one file
 *    has one name whatever its type).
 * It is allocated with the first name and freed with the last. */
#include <errno.h>
#include <string.h>

#include "core/stack_impl.h"
#include "unix/unix.h"

#define UNIX_HASH_SIZE 256

struct unix_table {
    unsigned count;
    struct unix_sock *b[UNIX_HASH_SIZE];
};

static bool is_abstract(const struct unix_addr *a) { return a->name[UNIX_PATH_OFF] == 0; }

static unsigned hash_bytes(const void *p, size_t n, unsigned seed)
{
    const uint8_t *s = p;
    uint32_t h = 2166136261u ^ seed; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 16777619u;
    return (h ^ (h >> 16)) & (UNIX_HASH_SIZE - 1);
}

static unsigned hash_node(uint64_t dev, uint64_t ino)
{
    uint64_t k[2] = {dev, ino};
    return hash_bytes(k, sizeof(k), 0x5bd1e995u);
}

/* Abstract names hash with the type; path names (no file system) without. */
static unsigned hash_name(const struct unix_addr *a, int type)
{
    if (is_abstract(a))
        return hash_bytes(a->name, a->len, (unsigned)type);
    return hash_bytes(a->name + UNIX_PATH_OFF, strlen(a->name + UNIX_PATH_OFF), 0);
}

static bool same_name(const struct unix_addr *a, const struct unix_addr *b)
{
    if (is_abstract(a) != is_abstract(b))
        return false;
    if (is_abstract(a))
        return a->len == b->len && memcmp(a->name, b->name, a->len) == 0;
    return strcmp(a->name + UNIX_PATH_OFF, b->name + UNIX_PATH_OFF) == 0;
}

/* A bound socket with this name; abstract names only match their type. */
static struct unix_sock *find_name(struct berth_stack *st, const struct unix_addr *a, int type)
{
    struct unix_table *t = st->unix_names;
    if (!t)
        return NULL;
    for (struct unix_sock *u = t->b[hash_name(a, type)]; u; u = u->hnext)
        if (!u->by_node && same_name(u->addr, a) && (!is_abstract(a) || sock_type(&u->sk) == type))
            return u;
    return NULL;
}

static struct unix_sock *find_node(struct berth_stack *st, uint64_t dev, uint64_t ino)
{
    struct unix_table *t = st->unix_names;
    if (!t)
        return NULL;
    for (struct unix_sock *u = t->b[hash_node(dev, ino)]; u; u = u->hnext)
        if (u->by_node && u->dev == dev && u->ino == ino)
            return u;
    return NULL;
}

static int hash_in(struct unix_sock *u, unsigned h)
{
    struct berth_stack *st = u->sk.st;
    if (!st->unix_names) {
        st->unix_names = st_zalloc(st, sizeof(*st->unix_names));
        if (!st->unix_names)
            return -ENOMEM;
    }
    u->hnext = st->unix_names->b[h];
    st->unix_names->b[h] = u;
    st->unix_names->count++;
    u->hashed = true;
    return 0;
}

void unix_unhash(struct unix_sock *u)
{
    if (!u->hashed)
        return;
    struct berth_stack *st = u->sk.st;
    struct unix_table *t = st->unix_names;
    unsigned h = u->by_node ? hash_node(u->dev, u->ino) : hash_name(u->addr, sock_type(&u->sk));
    struct unix_sock **pp = &t->b[h];
    while (*pp && *pp != u)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = u->hnext;
    u->hnext = NULL;
    u->hashed = false;
    if (--t->count == 0) {
        st_free(st, t);
        st->unix_names = NULL;
    }
}

void unix_addr_put(struct berth_stack *st, struct unix_addr *a)
{
    if (a && --a->refs == 0)
        st_free(st, a);
}

static struct unix_addr *addr_new(struct berth_stack *st, const void *name, size_t len)
{
    struct unix_addr *a = st_zalloc(st, sizeof(*a));
    if (!a)
        return NULL;
    a->refs = 1;
    a->len = (uint8_t)len;
    memcpy(a->name, name, len < sizeof(a->name) ? len : sizeof(a->name));
    return a;
}

/* unix_validate_addr: longer than the family, no longer than sockaddr_un,
 * and the family AF_UNIX. */
int unix_validate_addr(const struct sockaddr *sa, socklen_t len)
{
    if (len <= UNIX_PATH_OFF || len > sizeof(struct sockaddr_un))
        return -EINVAL;
    if (sa->sa_family != AF_UNIX)
        return -EINVAL;
    return 0;
}

/* unix_mkname_bsd: the path ends at the first NUL or at addrlen (the
 * kernel writes a NUL there, inside its sockaddr_storage, so a 108-byte
 * path without NUL is accepted), and the name's length is the path's plus
 * the family and the NUL — 111 for that 108-byte path. */
static size_t mkname_bsd(struct sockaddr_storage *ss, socklen_t len)
{
    char *p = (char *)ss;
    p[len] = 0; /* len <= sizeof(sockaddr_un) < sizeof(*ss) */
    return strlen(p + UNIX_PATH_OFF) + UNIX_PATH_OFF + 1;
}

static int bind_bsd(struct unix_sock *u, const struct sockaddr *sa, socklen_t len)
{
    struct berth_stack *st = u->sk.st;
    struct sockaddr_storage ss;
    memcpy(&ss, sa, len);
    size_t alen = mkname_bsd(&ss, len);
    const char *path = (const char *)&ss + UNIX_PATH_OFF;
    const struct berth_fs *fs = st->cfg.fs;
    struct berth_fs_node node = {0};
    if (fs) {
        /* The node first: EADDRINUSE for an existing file comes before
         * EINVAL for a bound socket, whose new node is then removed. */
        int rc = fs->mknod_sock(fs->ctx, path, 0777, &node);
        if (rc == -EEXIST)
            return -EADDRINUSE;
        if (rc)
            return rc;
        if (u->addr) {
            fs->unlink(fs->ctx, path);
            return -EINVAL;
        }
    } else {
        struct unix_addr probe;
        probe.len = (uint8_t)alen;
        memcpy(probe.name, &ss, alen < sizeof(probe.name) ? alen : sizeof(probe.name));
        probe.name[sizeof(probe.name) - 1] = 0;
        if (find_name(st, &probe, sock_type(&u->sk)))
            return -EADDRINUSE;
        if (u->addr)
            return -EINVAL;
    }
    struct unix_addr *a = addr_new(st, &ss, alen);
    if (!a) {
        if (fs)
            fs->unlink(fs->ctx, path);
        return -ENOMEM;
    }
    a->name[sizeof(a->name) - 1] = 0;
    unsigned h;
    if (fs) {
        /* A socket still keyed by this node lost it (the file was removed
         * and its inode number reused): it can no longer be reached. */
        struct unix_sock *stale = find_node(st, node.dev, node.ino);
        if (stale)
            unix_unhash(stale);
        u->dev = node.dev;
        u->ino = node.ino;
        u->by_node = true;
        h = hash_node(node.dev, node.ino);
    } else {
        h = hash_name(a, sock_type(&u->sk));
    }
    if (hash_in(u, h)) {
        if (fs)
            fs->unlink(fs->ctx, path);
        unix_addr_put(st, a);
        u->by_node = false;
        return -ENOMEM;
    }
    u->addr = a;
    return 0;
}

/* Give u the abstract (or autobind) name `name`, already known to be free:
 * its address, then its place in the name hash. */
static int name_take(struct unix_sock *u, const void *name, size_t len)
{
    struct berth_stack *st = u->sk.st;
    struct unix_addr *a = addr_new(st, name, len);
    if (!a)
        return -ENOMEM;
    if (hash_in(u, hash_name(a, sock_type(&u->sk)))) {
        unix_addr_put(st, a);
        return -ENOMEM;
    }
    u->addr = a;
    return 0;
}

static int bind_abstract(struct unix_sock *u, const struct sockaddr *sa, socklen_t len)
{
    struct berth_stack *st = u->sk.st;
    if (u->addr)
        return -EINVAL;
    struct unix_addr probe;
    probe.len = (uint8_t)len;
    memcpy(probe.name, sa, len);
    if (find_name(st, &probe, sock_type(&u->sk)))
        return -EADDRINUSE;
    return name_take(u, sa, len);
}

int unix_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len)
{
    struct unix_sock *u = unix_sk(so);
    /* Only the family: choose a name (unix_bind's autobind case). */
    if (len == UNIX_PATH_OFF && sa->sa_family == AF_UNIX)
        return unix_autobind(u);
    int rc = unix_validate_addr(sa, len);
    if (rc)
        return rc;
    const char *p = (const char *)sa;
    if (p[UNIX_PATH_OFF])
        return bind_bsd(u, sa, len);
    return bind_abstract(u, sa, len);
}

/* unix_autobind: an abstract name of five hex digits, "\0xxxxx" (length
 * 8), trying the 2^20 names upward from a random one; ENOSPC when every
 * one of them is taken. A bound socket keeps its name. */
int unix_autobind(struct unix_sock *u)
{
    struct berth_stack *st = u->sk.st;
    if (u->addr)
        return 0;
    struct unix_addr probe;
    memset(&probe, 0, sizeof(probe));
    probe.len = UNIX_PATH_OFF + 6;
    sa_family_t fam = AF_UNIX;
    memcpy(probe.name, &fam, sizeof(fam));
    uint32_t ordernum = stack_random32(st) & 0xfffff, lastnum = ordernum;
    for (;;) {
        ordernum = (ordernum + 1) & 0xfffff;
        /* "%05x" by hand: no printf on a microcontroller */
        for (int i = 0; i < 5; i++)
            probe.name[UNIX_PATH_OFF + 1 + i] =
                "0123456789abcdef"[(ordernum >> (16 - 4 * i)) & 0xf];
        if (!find_name(st, &probe, sock_type(&u->sk)))
            break;
        if (ordernum == lastnum)
            return -ENOSPC;
    }
    return name_take(u, probe.name, probe.len);
}

/* unix_find_other: unix_find_bsd for a path (look the node up, then the
 * socket on it), unix_find_abstract for an abstract name. */
struct unix_sock *unix_find_other(struct berth_stack *st, const struct sockaddr *sa, socklen_t len,
                                  int type, int *err)
{
    int rc = unix_validate_addr(sa, len);
    if (rc) {
        *err = rc;
        return NULL;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    memcpy(&ss, sa, len);
    const char *path = (const char *)&ss + UNIX_PATH_OFF;
    struct unix_sock *u;
    if (!path[0]) {
        struct unix_addr probe;
        probe.len = (uint8_t)len;
        memcpy(probe.name, &ss, len);
        u = find_name(st, &probe, type);
        if (!u) {
            *err = -ECONNREFUSED;
            return NULL;
        }
        return u;
    }
    size_t alen = mkname_bsd(&ss, len);
    const struct berth_fs *fs = st->cfg.fs;
    if (fs) {
        struct berth_fs_node node;
        rc = fs->lookup(fs->ctx, path, &node);
        if (rc) {
            *err = rc;
            return NULL;
        }
        /* A file that is not a socket, or a socket node no socket of this
         * stack is bound to: refused. */
        u = node.is_sock ? find_node(st, node.dev, node.ino) : NULL;
        if (!u) {
            *err = -ECONNREFUSED;
            return NULL;
        }
    } else {
        struct unix_addr probe;
        probe.len = (uint8_t)alen;
        memcpy(probe.name, &ss, sizeof(probe.name));
        probe.name[sizeof(probe.name) - 1] = 0;
        u = find_name(st, &probe, type);
        if (!u) {
            *err = -ENOENT; /* no such file */
            return NULL;
        }
    }
    if (sock_type(&u->sk) != type) {
        *err = -EPROTOTYPE;
        return NULL;
    }
    return u;
}

/* unix_getname: the name as bound (its recorded length), or just the
 * family (length 2) for an unbound socket; the peer's for getpeername,
 * ENOTCONN without one. */
int unix_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, int peer)
{
    struct unix_sock *u = unix_sk(so);
    if (peer) {
        u = u->peer;
        if (!u)
            return -ENOTCONN;
    }
    memset(ss, 0, sizeof(*ss));
    if (!u->addr) {
        ss->ss_family = AF_UNIX;
        *len = UNIX_PATH_OFF;
        return 0;
    }
    memcpy(ss, u->addr->name, u->addr->len);
    *len = u->addr->len;
    return 0;
}
