/* sockopt.c — SOL_SOCKET options, following Linux's sk_setsockopt() and
 * sk_getsockopt(): the same length checks, clamping, doubling of buffer
 * sizes, and jiffy rounding of timeouts. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/time.h>

#include "core/stack_impl.h"
#include "socket/sock.h"

/* Linux: SOCK_MIN_RCVBUF = TCP_SKB_MIN_TRUESIZE, SOCK_MIN_SNDBUF = 2x that. */
#define SOCK_MIN_RCVBUF 2304
#define SOCK_MIN_SNDBUF 4608
/* Timeouts are kept in jiffies of Debian's CONFIG_HZ, so a value read back
 * is rounded exactly as the kernel rounds it. */
#define BERTH_HZ 250u
#define USEC_PER_JIFFY (1000000u / BERTH_HZ)

/* SO_RCVTIMEO / SO_SNDTIMEO come in two layouts (asm-generic/socket.h):
 * the _OLD numbers take the architecture's timeval (__kernel_old_timeval,
 * two longs), the _NEW ones (y2038) always two 64-bit fields
 * (__kernel_sock_timeval). A C library with a 64-bit time_t on a 32-bit
 * machine names the _NEW ones SO_RCVTIMEO; glibc on 64-bit, the _OLD. */
#define SO_RCVTIMEO_OLD_ 20
#define SO_SNDTIMEO_OLD_ 21
#define SO_RCVTIMEO_NEW_ 66
#define SO_SNDTIMEO_NEW_ 67
struct old_timeval_ {
    long tv_sec, tv_usec;
};
struct sock_timeval_ {
    int64_t tv_sec, tv_usec;
};
static int timeout_value(uint64_t *out, bool new_tv, const void *val, socklen_t len);

static int set_timeout(struct bsock *so, bool rcv, bool new_tv, const void *val, socklen_t len)
{
    uint64_t v;
    int rc = timeout_value(&v, new_tv, val, len);
    if (rc)
        return rc;
    if (!v && !so->has_opt)
        return 0; /* the default; nothing to record */
    struct sock_opts *o = sock_opt_w(so);
    if (!o)
        return -ENOMEM;
    *(rcv ? &o->rcvtimeo_us : &o->sndtimeo_us) = v;
    return 0;
}

/* sock_set_timeout */
static int timeout_value(uint64_t *out, bool new_tv, const void *val, socklen_t len)
{
    struct sock_timeval_ tv;
    if (new_tv) {
        if (len < sizeof(tv))
            return -EINVAL;
        if (copy_from_user(&tv, val, sizeof(tv)))
            return -EFAULT;
    } else {
        struct old_timeval_ otv;
        if (len < sizeof(otv))
            return -EINVAL;
        if (copy_from_user(&otv, val, sizeof(otv)))
            return -EFAULT;
        tv.tv_sec = otv.tv_sec;
        tv.tv_usec = otv.tv_usec;
    }
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return -EDOM;
    if (tv.tv_sec < 0) {
        *out = 0; /* Linux: negative means "return at once"... as zero jiffies */
        return 0;
    }
    if (tv.tv_sec == 0 && tv.tv_usec == 0) {
        *out = 0;
        return 0;
    }
    uint64_t jiffies = (uint64_t)tv.tv_sec * BERTH_HZ +
                       ((uint64_t)tv.tv_usec + USEC_PER_JIFFY - 1) / USEC_PER_JIFFY;
    *out = jiffies * USEC_PER_JIFFY;
    return 0;
}

int sock_setsockopt(struct bsock *so, int name, const void *val, socklen_t len)
{
    struct berth_stack *st = so->st;
    if (name == SO_BINDTODEVICE) {
        char ifname[16] = {0};
        size_t n = len < sizeof(ifname) - 1 ? len : sizeof(ifname) - 1;
        if (copy_from_user(ifname, val, n))
            return -EFAULT;
        if (!ifname[0]) {
            if (sock_set_bound_if(so, 0))
                return -ENOMEM;
            return so_opt_ops(so)->setsockopt
                       ? so_opt_ops(so)->setsockopt(so, SOL_SOCKET, name, val, len)
                       : 0;
        }
        berth_netif *ifp = berth_netif_by_name(st, ifname);
        if (!ifp)
            return -ENODEV;
        if (sock_set_bound_if(so, berth_netif_index(ifp)))
            return -ENOMEM;
        return so_opt_ops(so)->setsockopt
                   ? so_opt_ops(so)->setsockopt(so, SOL_SOCKET, name, val, len)
                   : 0;
    }
    if (len < sizeof(int))
        return -EINVAL;
    int v;
    if (copy_from_user(&v, val, sizeof(v)))
        return -EFAULT;
    bool b = v != 0;
    struct sock_opts *o;
    struct berth_cred cur; /* privilege checks are the caller's (ns_capable(current)) */
    stack_cred_current(st, &cur);
    switch (name) {
    case SO_REUSEADDR:
        so->reuseaddr = b;
        break;
    case SO_REUSEPORT:
        so->reuseport = b;
        break;
    case SO_BROADCAST:
        so->broadcast = b;
        return 0;
    case SO_KEEPALIVE:
        so->keepalive = b;
        break; /* the protocol may want to know */
    case SO_DONTROUTE:
        so->dontroute = b;
        return 0;
    case SO_OOBINLINE:
        so->oobinline = b;
        return 0;
    case SO_PRIORITY:
        /* sk_setsockopt: 0..6 for anyone, else CAP_NET_RAW or CAP_NET_ADMIN
         * of the caller (sockopt_ns_capable), not of the socket's creator. */
        if ((v < 0 || v > 6) && !cur.cap_net_raw && !cur.cap_net_admin)
            return -EPERM;
        if (v == sock_opt(so)->priority)
            return 0;
        if (!(o = sock_opt_w(so)))
            return -ENOMEM;
        o->priority = v;
        return 0;
    case SO_MARK: /* sock_set_mark: CAP_NET_RAW or CAP_NET_ADMIN */
        if (!cur.cap_net_raw && !cur.cap_net_admin)
            return -EPERM;
        if (v == sock_opt(so)->mark)
            return 0;
        if (!(o = sock_opt_w(so)))
            return -ENOMEM;
        o->mark = v;
        return 0;
    case SO_RCVBUF:
    case SO_RCVBUFFORCE: {
        unsigned u = (unsigned)v;
        if (name == SO_RCVBUFFORCE && !cur.cap_net_admin) /* capable(CAP_NET_ADMIN) */
            return -EPERM;
        if (name == SO_RCVBUF && u > (unsigned)st->net.rmem_max)
            u = (unsigned)st->net.rmem_max;
        if (u > INT_MAX / 2)
            u = INT_MAX / 2;
        so->rcvbuf = (int)(u * 2) > SOCK_MIN_RCVBUF ? (int)(u * 2) : SOCK_MIN_RCVBUF;
        so->rcvbuf_locked = true;
        return 0;
    }
    case SO_SNDBUF:
    case SO_SNDBUFFORCE: {
        unsigned u = (unsigned)v;
        if (name == SO_SNDBUFFORCE && !cur.cap_net_admin)
            return -EPERM;
        if (name == SO_SNDBUF && u > (unsigned)st->net.wmem_max)
            u = (unsigned)st->net.wmem_max;
        if (u > INT_MAX / 2)
            u = INT_MAX / 2;
        so->sndbuf = (int)(u * 2) > SOCK_MIN_SNDBUF ? (int)(u * 2) : SOCK_MIN_SNDBUF;
        so->sndbuf_locked = true;
        sock_wake(so);
        return 0;
    }
    case SO_RCVLOWAT:
        v = v < 0 ? INT_MAX : (v ? v : 1);
        if (v == sock_opt(so)->rcvlowat)
            return 0;
        if (!(o = sock_opt_w(so)))
            return -ENOMEM;
        o->rcvlowat = v;
        return 0;
    case SO_LINGER: {
        struct linger l;
        if (len < sizeof(l))
            return -EINVAL;
        if (copy_from_user(&l, val, sizeof(l)))
            return -EFAULT;
        /* Turning lingering off keeps the old time (sock_setsockopt). */
        if (!l.l_onoff && !so->has_opt)
            return 0; /* off, time 0: the default */
        if (!(o = sock_opt_w(so)))
            return -ENOMEM;
        o->linger.l_onoff = l.l_onoff ? 1 : 0;
        if (l.l_onoff)
            o->linger.l_linger = l.l_linger;
        return 0;
    }
    case SO_PEEK_OFF:
        /* sk_setsockopt: the family's set_peek_off takes any value
         * (udp_set_peek_off, tcp_set_peek_offset, unix_set_peek_off);
         * sockets without one (ping: inet_sockraw_ops) say EOPNOTSUPP. */
        if (sock_family(so) == AF_UNIX)
            break;
        if (so->protocol != IPPROTO_UDP && so->protocol != IPPROTO_TCP)
            return -EOPNOTSUPP;
        if (v == sock_opt(so)->peek_off)
            return 0;
        if (!(o = sock_opt_w(so)))
            return -ENOMEM;
        o->peek_off = v;
        return 0;
    case SO_PASSCRED:
        /* Only AF_UNIX acts on it here (a flag of any socket in Linux). */
        if (sock_family(so) != AF_UNIX)
            return -ENOPROTOOPT;
        break;
    case SO_PASSRIGHTS:
        /* sk_setsockopt: AF_UNIX's alone (sk_is_unix), else EOPNOTSUPP. */
        if (sock_family(so) != AF_UNIX)
            return -EOPNOTSUPP;
        break;
    case SO_INQ:
        /* Only an AF_UNIX stream socket has it (unix_setsockopt). */
        if (sock_family(so) != AF_UNIX || sock_type(so) != SOCK_STREAM)
            return -ENOPROTOOPT;
        break;
    case SO_RCVTIMEO_OLD_:
    case SO_RCVTIMEO_NEW_:
        return set_timeout(so, true, name == SO_RCVTIMEO_NEW_, val, len);
    case SO_SNDTIMEO_OLD_:
    case SO_SNDTIMEO_NEW_:
        return set_timeout(so, false, name == SO_SNDTIMEO_NEW_, val, len);
    default:
        return -ENOPROTOOPT;
    }
    if (so_opt_ops(so)->setsockopt)
        return so_opt_ops(so)->setsockopt(so, SOL_SOCKET, name, val, len);
    return 0;
}

/* Copy-out common to all getsockopt levels: at most `lv` bytes, and the
 * length actually written. */
static int put_opt(const void *v, socklen_t lv, void *val, socklen_t *len)
{
    int ulen;
    if (copy_from_user(&ulen, len, sizeof(ulen)))
        return -EFAULT;
    if (ulen < 0)
        return -EINVAL;
    socklen_t n = (socklen_t)ulen < lv ? (socklen_t)ulen : lv;
    if (copy_to_user(val, v, n))
        return -EFAULT;
    return copy_to_user(len, &n, sizeof(n));
}

int sockopt_put_int(int v, void *val, socklen_t *len) { return put_opt(&v, sizeof(v), val, len); }

int sockopt_put_int_unsigned_min(int v, void *val, socklen_t *len)
{
    unsigned ulen;
    if (copy_from_user(&ulen, len, sizeof(ulen)))
        return -EFAULT;
    socklen_t n = ulen < sizeof(int) ? ulen : sizeof(int);
    if (copy_to_user(len, &n, sizeof(n)) || copy_to_user(val, &v, n))
        return -EFAULT;
    return 0;
}

int sock_getsockopt(struct bsock *so, int name, void *val, socklen_t *len)
{
    int ulen;
    if (copy_from_user(&ulen, len, sizeof(ulen)))
        return -EFAULT;
    if (ulen < 0)
        return -EINVAL;
    int v = 0;
    switch (name) {
    case SO_DEBUG:
        v = 0;
        break;
    case SO_DONTROUTE:
        v = so->dontroute;
        break;
    case SO_BROADCAST:
        v = so->broadcast;
        break;
    case SO_SNDBUF:
        v = so->sndbuf;
        break;
    case SO_RCVBUF:
        v = so->rcvbuf;
        break;
    case SO_REUSEADDR:
        v = so->reuseaddr;
        break;
    case SO_REUSEPORT:
        v = so->reuseport;
        break;
    case SO_KEEPALIVE:
        v = so->keepalive;
        break;
    case SO_TYPE:
        v = sock_type(so);
        break;
    case SO_PROTOCOL:
        v = so->protocol;
        break;
    case SO_DOMAIN:
        v = sock_family(so);
        break;
    case SO_ERROR:
        v = -sock_take_error(so);
        break;
    case SO_OOBINLINE:
        v = so->oobinline;
        break;
    case SO_PRIORITY:
        v = sock_opt(so)->priority;
        break;
    case SO_MARK:
        v = sock_opt(so)->mark;
        break;
    case SO_RCVLOWAT:
        v = sock_opt(so)->rcvlowat;
        break;
    case SO_SNDLOWAT:
        v = 1;
        break;
    case SO_ACCEPTCONN:
        v = 0;
        if (so_opt_ops(so)->getsockopt) {
            int lv = 0;
            socklen_t l = sizeof(lv);
            if (so_opt_ops(so)->getsockopt(so, SOL_SOCKET, SO_ACCEPTCONN, &lv, &l) == 0)
                v = lv;
        }
        break;
    case SO_PEEK_OFF:
        /* sk_getsockopt: EOPNOTSUPP without a set_peek_off (ping). */
        if (sock_family(so) == AF_UNIX) /* kept by src/unix/unix_sock.c */
            return so_opt_ops(so)->getsockopt
                       ? so_opt_ops(so)->getsockopt(so, SOL_SOCKET, name, val, len)
                       : -ENOPROTOOPT;
        if (so->protocol != IPPROTO_UDP && so->protocol != IPPROTO_TCP)
            return -EOPNOTSUPP;
        v = sock_peek_off(so);
        break;
    case SO_PASSRIGHTS:
        if (sock_family(so) != AF_UNIX)
            return -EOPNOTSUPP; /* sk_getsockopt */
        return so_opt_ops(so)->getsockopt
                   ? so_opt_ops(so)->getsockopt(so, SOL_SOCKET, name, val, len)
                   : -ENOPROTOOPT;
    case SO_PASSCRED:
        /* AF_UNIX keeps them (src/unix/unix_sock.c). */
        if (sock_family(so) != AF_UNIX || !so_opt_ops(so)->getsockopt)
            return -ENOPROTOOPT;
        return so_opt_ops(so)->getsockopt(so, SOL_SOCKET, name, val, len);
    case SO_BINDTODEVICE: {
        /* sock_getbindtodevice: unbound reads as length 0; else the
         * buffer must hold IFNAMSIZ (EINVAL) and the device exist
         * (netdev_get_name: ENODEV for an index that connect() or bind()
         * took from a scope id naming no interface). */
        char ifname[16] = {0};
        unsigned bif = sock_bound_if(so);
        socklen_t n = 0;
        if (bif) {
            if (ulen < (int)sizeof(ifname))
                return -EINVAL;
            berth_netif *ifp = berth_netif_by_index(so->st, bif);
            if (!ifp)
                return -ENODEV;
            n = (socklen_t)strlen(berth_netif_name(ifp)) + 1;
            memcpy(ifname, berth_netif_name(ifp), n);
        }
        if (copy_to_user(val, ifname, n))
            return -EFAULT;
        return copy_to_user(len, &n, sizeof(n));
    }
    case SO_LINGER: {
        struct linger l = sock_opt(so)->linger;
        return put_opt(&l, sizeof(l), val, len);
    }
    case SO_PEERCRED: {
        if (sock_family(so) == AF_UNIX && so_opt_ops(so)->getsockopt)
            return so_opt_ops(so)->getsockopt(so, SOL_SOCKET, name, val, len);
        /* An inet socket has no peer credentials: cred_to_ucred with no
         * cred gives pid 0 and the overflow ids, which the kernel (6.x)
         * reports as -1. Families with peers (AF_UNIX) answer in their
         * own getsockopt before this. */
        struct ucred u = {.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
        return put_opt(&u, sizeof(u), val, len);
    }
    case SO_RCVTIMEO_OLD_:
    case SO_SNDTIMEO_OLD_:
    case SO_RCVTIMEO_NEW_:
    case SO_SNDTIMEO_NEW_: {
        /* sock_get_timeout: the layout the number names */
        bool rcv = name == SO_RCVTIMEO_OLD_ || name == SO_RCVTIMEO_NEW_;
        uint64_t us = rcv ? sock_opt(so)->rcvtimeo_us : sock_opt(so)->sndtimeo_us;
        if (name == SO_RCVTIMEO_NEW_ || name == SO_SNDTIMEO_NEW_) {
            struct sock_timeval_ tv = {.tv_sec = (int64_t)(us / 1000000u),
                                       .tv_usec = (int64_t)(us % 1000000u)};
            return put_opt(&tv, sizeof(tv), val, len);
        }
        struct old_timeval_ tv = {.tv_sec = (long)(us / 1000000u),
                                  .tv_usec = (long)(us % 1000000u)};
        return put_opt(&tv, sizeof(tv), val, len);
    }
    default:
        return -ENOPROTOOPT;
    }
    return put_opt(&v, sizeof(v), val, len);
}
