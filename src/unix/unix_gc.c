/* unix_gc.c — sockets kept alive only by messages in flight (Linux's
 * net/unix/garbage.c, in its classic form). A socket sent over itself, or
 * two sockets sent over each other, and then closed, hold each other's file
 * references for ever: no descriptor is left that could read or close
 * them. The collector finds them and frees their queues, which drops the
 * references and releases them.
 *
 * Every AF_UNIX socket inside an SCM_RIGHTS message counts those messages
 * (`inflight`) and is on st->unix_inflight while it is in any. The
 * collector runs when a file reference of such a socket goes and others
 * remain (a descriptor closed while it is in flight — the only moment a
 * cycle can lose its last outside reference):
 *  1. candidates: sockets all of whose file references are in flight;
 *  2. each reference from a candidate's queues to a candidate is taken
 *     off the latter's count: what is left counts references from outside;
 *  3. candidates with references from outside, and everything reachable
 *     from their queues, are alive;
 *  4. the rest is garbage: its queues are detached and freed. */
#include "core/stack_impl.h"
#include "unix/unix.h"

void unix_inflight_add(struct bsock *so)
{
    if (sock_family(so) != AF_UNIX)
        return; /* only AF_UNIX sockets have queues that could hold a cycle */
    struct unix_sock *u = unix_sk(so);
    if (u->inflight++ == 0) {
        struct berth_stack *st = so->st;
        u->gc_next = st->unix_inflight;
        if (u->gc_next)
            u->gc_next->gc_pprev = &u->gc_next;
        u->gc_pprev = &st->unix_inflight;
        st->unix_inflight = u;
    }
}

void unix_inflight_del(struct bsock *so)
{
    if (sock_family(so) != AF_UNIX)
        return;
    struct unix_sock *u = unix_sk(so);
    if (--u->inflight == 0) {
        *u->gc_pprev = u->gc_next;
        if (u->gc_next)
            u->gc_next->gc_pprev = u->gc_pprev;
        u->gc_next = NULL;
        u->gc_pprev = NULL;
    }
}

/* Call fn on every AF_UNIX socket in u's queues (its own and, for a
 * listener, its embryos'). */
static void for_each_child(struct unix_sock *u, void (*fn)(struct unix_sock *))
{
    for (struct unix_sock *e = u; e; e = (e == u) ? u->aq_head : e->qnext)
        for (struct unix_msg *m = e->rq_head; m; m = m->next)
            for (unsigned i = 0; i < m->nfds; i++)
                if (m->fds[i] && sock_family(m->fds[i]) == AF_UNIX)
                    fn(unix_sk(m->fds[i]));
}

static void dec_count(struct unix_sock *u)
{
    if (u->gc_cand)
        u->gc_count--;
}

static void mark_alive(struct unix_sock *u)
{
    if (!u->gc_cand || u->gc_mark)
        return;
    u->gc_mark = true;
    for_each_child(u, mark_alive);
}

static void collect(struct berth_stack *st)
{
    struct unix_sock *u;
    for (u = st->unix_inflight; u; u = u->gc_next) {
        u->gc_cand = !u->dead && (uint32_t)u->sk.xfiles + 1 == u->inflight;
        u->gc_count = u->inflight;
        u->gc_mark = false;
    }
    for (u = st->unix_inflight; u; u = u->gc_next)
        if (u->gc_cand)
            for_each_child(u, dec_count);
    for (u = st->unix_inflight; u; u = u->gc_next)
        if (u->gc_cand && u->gc_count > 0)
            mark_alive(u);
    /* Detach the garbage's queues first (holding each socket), then free
     * the messages: freeing releases sockets and changes the list. */
    struct unix_msg *chain = NULL;
    struct unix_sock *held = NULL;
    for (u = st->unix_inflight; u; u = u->gc_next) {
        if (!u->gc_cand || u->gc_mark)
            continue;
        sock_hold(&u->sk);
        u->gc_mark = true;
        for (struct unix_sock *e = u; e; e = (e == u) ? u->aq_head : e->qnext) {
            struct unix_msg *m;
            while ((m = unix_dequeue(e))) {
                m->next = chain;
                chain = m;
            }
        }
        u->gc_held = held;
        held = u;
    }
    while (chain) {
        struct unix_msg *m = chain;
        chain = m->next;
        unix_msg_free(st, m);
    }
    while (held) {
        u = held;
        held = u->gc_held;
        u->gc_held = NULL;
        sock_put(&u->sk);
    }
}

void unix_file_dropped(struct bsock *so)
{
    struct berth_stack *st = so->st;
    if (!unix_sk(so)->inflight || st->unix_gc_running)
        return;
    st->unix_gc_running = true;
    collect(st);
    st->unix_gc_running = false;
}
