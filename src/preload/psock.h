/* psock.h — a berth socket behind a kernel socketpair (docs/posix.md).
 *
 * The application holds end A; berth keeps end B and the pump moves bytes
 * between B and the berth socket. */
#ifndef BERTH_PSOCK_H
#define BERTH_PSOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "berth/stack.h"

enum ps_state {
    PS_FRESH,      /* TCP, neither connected nor listening: filler in B */
    PS_CONNECTING, /* TCP connect() under way: filler in B */
    PS_ESTAB,      /* data moves both ways */
    PS_FAILED,     /* connect() failed: A writable, at EOF */
    PS_LISTEN,     /* filler in B; one token byte in A while connections wait */
};

struct ps_addr {
    struct sockaddr_storage sa;
    socklen_t len;
    size_t dlen; /* the datagram's length (to notice a bypassing read) */
};

struct psock {
    pthread_mutex_t mu;
    uint64_t key;    /* bfd | generation << 32: the watcher's epoll data */
    int refs;        /* table + users (ps_get/ps_put) */
    int bfd;         /* berth descriptor */
    int b;           /* end B (kernel) */
    ino_t ino;       /* A's inode: a stale descriptor number is noticed */
    int type;        /* SOCK_STREAM or SOCK_DGRAM (berth's) */
    int state;       /* enum ps_state */
    size_t filler;   /* filler bytes still in B's queue */
    bool token;      /* listener: token byte is in A */
    bool in_eof;     /* berth's end of stream (or error) forwarded to A */
    bool out_eof;    /* A's end of stream forwarded to berth */
    bool b_full;     /* B took less than offered: wait for EPOLLOUT on B */
    bool berth_full; /* berth took less than offered: wait for POLLOUT */
    bool dead;       /* berth socket closed, B closed */
    int err;         /* berth's error, for the next wrapped call */
    int want_berth;  /* events the pump thread waits for on bfd */
    int karmed;      /* events armed on the watcher (-1: none) */
    bool kready;     /* the watcher saw B ready */
    /* UDP: source address of every datagram waiting in A, oldest first. */
    struct ps_addr *q;
    unsigned qhead, qlen, qcap;
    /* Names recorded for a forked child (the stack stays in the parent). */
    struct sockaddr_storage local, peer;
    socklen_t llen, plen;
};

/* Set in a forked child: the stack belongs to the parent. */
extern bool ps_in_child;
/* Set while berth itself runs OS calls (the TAP driver's setup asks the
 * kernel about the device through an AF_INET socket): they go to the OS. */
extern __thread bool ps_busy;

/* Start the pump and watcher threads on st (once). 0 or -1. */
int ps_start(berth_stack *st);
/* The placeholder hooks of struct posix_os. */
int ps_placeholder_open(int type, bool accepted);
int ps_placeholder_attach(int fd, int bfd);
void ps_placeholder_abort(int fd);

/* The psock behind OS descriptor fd, with a reference (NULL: not a berth
 * socket, or a stale number). */
struct psock *ps_lookup(int fd);
void ps_put(struct psock *ps);
/* Move what can move now (ps->mu held by the caller). */
void ps_pump(struct psock *ps);
/* Pump without waiting for ps->mu (skip if the pump thread has it). */
void ps_pump_try(struct psock *ps);
/* The pump thread must look at its berth descriptors again. */
void ps_ring(void);
/* Is fd one of berth's own descriptors (B ends, device, watcher)? */
bool ps_internal(int fd);
void ps_mark_internal(int fd, bool on);
/* At exit(): let every connection finish sending, at most max_ms. */
void ps_exit_flush(int max_ms);
/* In a forked child: close the parent's internal descriptors. */
void ps_after_fork_child(void);

#endif
