/* v6_udp.h - helpers of the IPv6 UDP conformance programs (v6_udp_*.c,
 * v6_dual*.c, v6_opt*.c): IPv6 socket addresses, name printing with
 * flowinfo and scope id, and a recvmsg that prints every control message.
 * Plain POSIX; nothing berth-specific. */
#ifndef BERTH_CONFORMANCE_V6_UDP_H
#define BERTH_CONFORMANCE_V6_UDP_H

#include "conf.h"

/* <linux/in6.h> values glibc's <netinet/in.h> does not define */
#ifndef IPV6_FLOWINFO
#define IPV6_FLOWINFO 11
#endif
#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33
#endif

static inline struct sockaddr_in6 v6_addr(const char *ip, int port)
{
    struct sockaddr_in6 s;
    memset(&s, 0, sizeof s);
    s.sin6_family = AF_INET6;
    s.sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, ip, &s.sin6_addr) != 1) {
        conf_printf("SETUP FAILED: bad address %s\n", ip);
        exit(2);
    }
    return s;
}

/* "[addr]:port flowinfo=F scope=S" of a sockaddr_in6, or the IPv4 form. */
static inline const char *v6_fmt(const void *sa, socklen_t len, int flags)
{
    static char buf[4][128];
    static int n;
    char *b = buf[n++ & 3];
    const struct sockaddr *s = sa;
    if (len >= sizeof(sa_family_t) && s->sa_family == AF_INET6) {
        struct sockaddr_in6 a;
        char ip[INET6_ADDRSTRLEN];
        memset(&a, 0, sizeof a);
        memcpy(&a, sa, len < sizeof a ? len : sizeof a);
        inet_ntop(AF_INET6, &a.sin6_addr, ip, sizeof ip);
        snprintf(b, 128, "[%s]:%s flowinfo=%u scope=%u len=%u", ip,
                 conf_port(ntohs(a.sin6_port), flags), (unsigned)ntohl(a.sin6_flowinfo),
                 (unsigned)a.sin6_scope_id, (unsigned)len);
        return b;
    }
    snprintf(b, 128, "%s len=%u", conf_fmt_sa(sa, len, flags), (unsigned)len);
    return b;
}

/* getsockname / getpeername of fd. */
static inline void v6_name(const char *label, int fd, int peer, int flags)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0xAA, sizeof ss);
    errno = 0;
    int r = peer ? getpeername(fd, SA(&ss), &len) : getsockname(fd, SA(&ss), &len);
    int e = errno;
    char l[128];
    snprintf(l, sizeof l, "%s %s", peer ? "getpeername" : "getsockname", label);
    if (r < 0)
        conf_report(l, r, e);
    else
        conf_printf("%s = 0 %s\n", l, v6_fmt(&ss, len, flags));
}

/* Prints one control message (IPv6 and IPv4 ones berth or Linux may put). */
static inline void v6_print_cmsg(const struct cmsghdr *c)
{
    const unsigned char *d = CMSG_DATA(c);
    size_t dlen = c->cmsg_len - CMSG_LEN(0);
    int iv = 0;
    if (dlen >= sizeof iv)
        memcpy(&iv, d, sizeof iv);
    if (c->cmsg_level == IPPROTO_IPV6 &&
        (c->cmsg_type == IPV6_PKTINFO || c->cmsg_type == IPV6_2292PKTINFO) &&
        dlen >= sizeof(struct in6_pktinfo)) {
        struct in6_pktinfo pi;
        char ip[INET6_ADDRSTRLEN];
        memcpy(&pi, d, sizeof pi);
        inet_ntop(AF_INET6, &pi.ipi6_addr, ip, sizeof ip);
        conf_printf("  cmsg IPPROTO_IPV6 %s addr=%s ifindex=%u\n",
                    c->cmsg_type == IPV6_PKTINFO ? "IPV6_PKTINFO" : "IPV6_2292PKTINFO", ip,
                    pi.ipi6_ifindex);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
        conf_printf("  cmsg IPPROTO_IPV6 IPV6_HOPLIMIT %d len=%zu\n", iv, dlen);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_2292HOPLIMIT) {
        conf_printf("  cmsg IPPROTO_IPV6 IPV6_2292HOPLIMIT %d len=%zu\n", iv, dlen);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS) {
        conf_printf("  cmsg IPPROTO_IPV6 IPV6_TCLASS %d len=%zu\n", iv, dlen);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_FLOWINFO) {
        /* the flow label is Linux's hash (auto flow labels): print the
         * traffic class bits and whether a label is there */
        uint32_t fi = ntohl((uint32_t)iv);
        conf_printf("  cmsg IPPROTO_IPV6 IPV6_FLOWINFO tclass=%u label=%s len=%zu\n",
                    (fi >> 20) & 0xff, (fi & 0xfffff) ? "set" : "0", dlen);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        struct in_pktinfo pi;
        char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
        memcpy(&pi, d, sizeof pi);
        inet_ntop(AF_INET, &pi.ipi_addr, a, sizeof a);
        inet_ntop(AF_INET, &pi.ipi_spec_dst, s, sizeof s);
        conf_printf("  cmsg IPPROTO_IP IP_PKTINFO addr=%s spec_dst=%s ifindex=%d\n", a, s,
                    pi.ipi_ifindex);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
        conf_printf("  cmsg IPPROTO_IP IP_TTL %d\n", iv);
    } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
        conf_printf("  cmsg IPPROTO_IP IP_TOS %u\n", d[0]);
    } else {
        conf_printf("  cmsg level=%d type=%d len=%zu\n", c->cmsg_level, c->cmsg_type, dlen);
    }
}

/* recvmsg (MSG_DONTWAIT after a bounded wait) printing the result, the
 * sender's name, the payload and every control message. */
static inline void v6_recv(const char *label, int fd, int flags)
{
    char buf[2048], ctl[512];
    struct sockaddr_storage ss;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf - 1};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    memset(&ss, 0xAA, sizeof ss);
    m.msg_name = &ss;
    m.msg_namelen = sizeof ss;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    conf_wait(fd, POLLIN, 2000);
    errno = 0;
    ssize_t r = recvmsg(fd, &m, MSG_DONTWAIT);
    int e = errno;
    if (r < 0) {
        conf_report(label, r, e);
        return;
    }
    buf[r] = 0;
    conf_printf("%s = %zd \"%.40s\" from %s flags=%#x\n", label, r, r <= 40 ? buf : "(long)",
                v6_fmt(&ss, m.msg_namelen, flags), (unsigned)m.msg_flags);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        v6_print_cmsg(c);
}

/* sendmsg of a short text with one int control message at level/type. */
static inline ssize_t v6_send_cmsg_int(int fd, const char *text, const struct sockaddr_in6 *to,
                                       int level, int type, int v, size_t clen)
{
    union {
        char buf[CMSG_SPACE(sizeof(int)) + 16];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = (void *)text, .iov_len = strlen(text)};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    memset(&u, 0, sizeof u);
    m.msg_name = (void *)to;
    m.msg_namelen = to ? sizeof *to : 0;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = CMSG_SPACE(sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = clen;
    memcpy(CMSG_DATA(c), &v, sizeof v);
    return sendmsg(fd, &m, 0);
}

/* sendmsg with an IPV6_PKTINFO control message. */
static inline ssize_t v6_send_pktinfo(int fd, const char *text, const struct sockaddr_in6 *to,
                                      const char *src, unsigned ifindex)
{
    union {
        char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = (void *)text, .iov_len = strlen(text)};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    memset(&u, 0, sizeof u);
    m.msg_name = (void *)to;
    m.msg_namelen = to ? sizeof *to : 0;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
    struct in6_pktinfo pi;
    memset(&pi, 0, sizeof pi);
    inet_pton(AF_INET6, src, &pi.ipi6_addr);
    pi.ipi6_ifindex = ifindex;
    memcpy(CMSG_DATA(c), &pi, sizeof pi);
    return sendmsg(fd, &m, 0);
}

#endif
