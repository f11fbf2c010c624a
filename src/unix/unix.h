/* unix.h — AF_UNIX sockets (Linux's net/unix/af_unix.c): the socket object,
 * the message queue between two sockets, and the per-stack name table.
 *
 * Files: unix_sock.c (ops tables, create/release, connect/listen/accept,
 * options, poll, ioctl, socketpair), unix_names.c (address rules, bind,
 * autobind, the name table, path names through struct berth_fs),
 * unix_stream.c (SOCK_STREAM data), unix_dgram.c (SOCK_DGRAM and
 * SOCK_SEQPACKET data), unix_msg.c (messages, credentials, SCM_RIGHTS).
 * docs/unix.md describes the whole. */
#ifndef BERTH_UNIX_UNIX_H
#define BERTH_UNIX_UNIX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "socket/sock.h"

/* offsetof(struct sockaddr_un, sun_path) */
#define UNIX_PATH_OFF ((socklen_t)sizeof(sa_family_t))
/* The longest name: a 108-byte path without NUL is reported as 111 bytes
 * (unix_mkname_bsd terminates it inside the kernel's sockaddr_storage). */
#define UNIX_NAME_MAX 112
/* SCM_MAX_FD: descriptors in one SCM_RIGHTS message. */
#define UNIX_SCM_MAX_FD 253

enum unix_state { UNIX_CLOSE, UNIX_LISTEN, UNIX_ESTABLISHED };

/* A bound name (Linux's struct unix_address): the sockaddr bytes as they
 * are reported, and the length reported. Shared by a listener and the
 * sockets it accepts (reference counted). */
struct unix_addr {
    uint16_t refs;
    uint8_t len;
    char name[UNIX_NAME_MAX]; /* sun_family, then sun_path */
};

/* Credentials a message or a connection carries (SCM_CREDENTIALS,
 * SO_PEERCRED). `set` false: none recorded (reported as pid 0, uid and gid
 * 65534 in a control message, -1 by SO_PEERCRED). */
struct unix_cred {
    bool set;
    int32_t pid;
    uint32_t uid, gid;
};

/* One queued message (an skb in Linux): a datagram, a record, or a piece
 * of a stream. The sender is charged `truesize` until the message is
 * consumed (sk_wmem_alloc), which is how AF_UNIX flow control works. */
struct unix_msg {
    struct unix_msg *next;
    struct unix_sock *from; /* sender (held through from->msgs_out) */
    struct unix_cred cred;
    uint32_t len, off; /* payload bytes, bytes already read (stream) */
    uint32_t truesize;
    uint16_t nfds;      /* SCM_RIGHTS: sockets in flight */
    struct bsock **fds; /* each holds a file reference (sock_file_get) */
    uint8_t data[];
};

struct unix_sock {
    struct bsock sk;
    struct unix_addr *addr;             /* bound name, NULL if unbound */
    struct unix_sock *peer;             /* connected peer (a held reference) */
    struct unix_sock *hnext;            /* name-table chain */
    struct unix_msg *rq_head, *rq_tail; /* receive queue */
    struct unix_msg *oob;               /* the urgent byte's message in it (MSG_OOB) */
    uint32_t rq_len;                    /* messages queued */
    uint32_t rq_bytes;                  /* unread payload bytes */
    uint32_t wmem;                      /* truesize of this socket's messages in flight */
    uint32_t msgs_out;                  /* its messages queued anywhere (holds one ref) */
    /* Listener: embryonic connections waiting for accept (linked by qnext). */
    struct unix_sock *aq_head, *aq_tail, *qnext;
    uint32_t aq_len;
    int backlog;
    /* net.unix.max_dgram_qlen when the socket was made (sk_max_ack_backlog):
     * a datagram receiver is full past this many queued messages, except
     * for its own connected peer. */
    uint32_t max_qlen;
    int32_t peek_off;  /* SO_PEEK_OFF (-1: off) */
    uint64_t dev, ino; /* the file-system node of a path name (keyed in the table) */
    struct unix_cred peercred;
    uint8_t state; /* enum unix_state */
    /* Garbage collection (unix_gc.c): messages holding this socket, the
     * st->unix_inflight list while that is not zero, and scratch state. */
    uint32_t inflight, gc_count;
    struct unix_sock *gc_next, **gc_pprev, *gc_held;
    bool gc_cand : 1, gc_mark : 1;
    bool hashed : 1;  /* its name is in the name table */
    bool by_node : 1; /* hashed by (dev, ino), not by name */
    bool dead : 1;    /* released (SOCK_DEAD) */
    bool passcred : 1;
    bool recvmsg_inq : 1; /* SO_INQ: SCM_INQ on every stream recvmsg */
    bool no_rights : 1;   /* SO_PASSRIGHTS off: SCM_RIGHTS to it is EPERM */
};

static inline struct unix_sock *unix_sk(struct bsock *so) { return (struct unix_sock *)so; }

/* unix_names.c */
int unix_validate_addr(const struct sockaddr *sa, socklen_t len);
int unix_bind(struct bsock *so, const struct sockaddr *sa, socklen_t len);
int unix_autobind(struct unix_sock *u);
/* unix_find_other: the socket a connect/sendto names, or NULL and *err. */
struct unix_sock *unix_find_other(struct berth_stack *st, const struct sockaddr *sa, socklen_t len,
                                  int type, int *err);
void unix_unhash(struct unix_sock *u);
void unix_addr_put(struct berth_stack *st, struct unix_addr *a);
int unix_getname(struct bsock *so, struct sockaddr_storage *ss, socklen_t *len, int peer);

/* unix_msg.c */
struct unix_msg *unix_msg_new(struct unix_sock *from, size_t len, int flags, int *err);
void unix_msg_free(struct berth_stack *st, struct unix_msg *m);
/* Take the control messages of a send (SCM_RIGHTS, SCM_CREDENTIALS). */
int unix_msg_control(struct unix_msg *m, const struct msghdr *msg);
/* scm_send: the control messages are parsed before anything else about a
 * send is checked, into a header-only message (`scm`); attach moves what
 * they carry onto the first real message; destroy drops what is left. */
int unix_scm_parse(struct unix_sock *u, const struct msghdr *msg, struct unix_msg *scm);
void unix_scm_attach(struct unix_msg *m, struct unix_msg *scm);
void unix_scm_destroy(struct berth_stack *st, struct unix_msg *scm);
/* maybe_add_creds: record the sender's credentials when either side asked. */
void unix_msg_creds(struct unix_msg *m, struct unix_sock *from, struct unix_sock *to);
void unix_queue(struct unix_sock *to, struct unix_msg *m);
struct unix_msg *unix_dequeue(struct unix_sock *u);
void unix_purge(struct unix_sock *u);
/* Deliver the receive side of a message's control data (scm_recv). */
void unix_msg_recv_control(struct unix_sock *u, struct unix_msg *m, struct msghdr *msg, int flags);
void unix_copy_addr(struct msghdr *msg, struct unix_sock *from);
void unix_cred_now(struct berth_stack *st, struct unix_cred *c);
size_t unix_truesize(size_t len);

/* unix_gc.c: descriptors entering and leaving flight, and the collector
 * of sockets only reachable from their own messages (Linux's unix_gc). */
void unix_inflight_add(struct bsock *so);
void unix_inflight_del(struct bsock *so);
void unix_file_dropped(struct bsock *so);

/* unix_stream.c */
ssize_t unix_stream_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags);
ssize_t unix_stream_recvmsg(struct bsock *so, struct msghdr *msg, int flags);

/* unix_dgram.c */
int unix_dgram_connect(struct bsock *so, const struct sockaddr *sa, socklen_t len);
ssize_t unix_dgram_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags);
ssize_t unix_dgram_recvmsg(struct bsock *so, struct msghdr *msg, int flags);
ssize_t unix_seqpacket_sendmsg(struct bsock *so, const struct msghdr *msg, size_t total, int flags);
ssize_t unix_seqpacket_recvmsg(struct bsock *so, struct msghdr *msg, int flags);
bool unix_recvq_full(const struct unix_sock *u);

/* unix_sock.c */
/* Raise SIGPIPE for EPIPE unless MSG_NOSIGNAL (as TCP does). */
void unix_sigpipe(int flags);

#endif
