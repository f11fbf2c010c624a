/* inet_text.c — address text conversion without the C library's resolver
 * (berth/inet.h). Results match glibc's inet_pton/inet_ntop/inet_aton/
 * inet_ntoa, which the unit test compares against on the host.
 */
#include "berth/inet.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#ifdef BERTH_NETDEFS
/* The C library has no <netinet/in.h>: berth defines what glibc would. */
const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;
#endif

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Exactly four decimal parts 0-255, no leading zero (glibc inet_pton4). */
static int pton4(const char *s, uint8_t out[4])
{
    uint8_t a[4];
    int parts = 0;
    while (parts < 4) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned v = 0;
        const char *start = s;
        while (*s >= '0' && *s <= '9') {
            if (s != start && v == 0)
                return 0; /* leading zero */
            v = v * 10 + (unsigned)(*s - '0');
            if (v > 255)
                return 0;
            s++;
        }
        a[parts++] = (uint8_t)v;
        if (parts < 4) {
            if (*s != '.')
                return 0;
            s++;
        }
    }
    if (*s != '\0')
        return 0;
    memcpy(out, a, 4);
    return 1;
}

/* RFC 4291 section 2.2: hex groups, one "::", an optional trailing dotted
 * quad (glibc inet_pton6). */
static int pton6(const char *s, uint8_t out[16])
{
    uint8_t a[16] = {0};
    int n = 0;    /* bytes filled */
    int gap = -1; /* where "::" was */
    if (*s == ':' && *++s != ':')
        return 0;
    const char *group = s;
    unsigned v = 0;
    int digits = 0;
    for (;;) {
        char c = *s++;
        int h = hexval(c);
        if (h >= 0) {
            if (++digits > 4)
                return 0;
            v = (v << 4) | (unsigned)h;
            continue;
        }
        if (c == ':') {
            group = s;
            if (digits == 0) {
                if (gap >= 0)
                    return 0;
                gap = n;
                continue;
            }
            if (*s == '\0')
                return 0;
            if (n + 2 > 16)
                return 0;
            a[n++] = (uint8_t)(v >> 8);
            a[n++] = (uint8_t)v;
            v = 0;
            digits = 0;
            continue;
        }
        if (c == '.' && n + 4 <= 16) {
            if (!pton4(group, a + n))
                return 0;
            n += 4;
            digits = 0;
            break;
        }
        if (c != '\0')
            return 0;
        break;
    }
    if (digits > 0) {
        if (n + 2 > 16)
            return 0;
        a[n++] = (uint8_t)(v >> 8);
        a[n++] = (uint8_t)v;
    }
    if (gap >= 0) {
        if (n == 16)
            return 0;
        int tail = n - gap;
        memmove(a + 16 - tail, a + gap, (size_t)tail);
        memset(a + gap, 0, (size_t)(16 - n));
        n = 16;
    }
    if (n != 16)
        return 0;
    memcpy(out, a, 16);
    return 1;
}

int berth_inet_pton(int af, const char *src, void *dst)
{
    if (af == AF_INET)
        return pton4(src, dst);
    if (af == AF_INET6)
        return pton6(src, dst);
    errno = EAFNOSUPPORT;
    return -1;
}

static char *put_dec(char *p, unsigned v)
{
    if (v >= 100)
        *p++ = (char)('0' + v / 100);
    if (v >= 10)
        *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

static char *put_quad(char *p, const uint8_t *a)
{
    for (int i = 0; i < 4; i++) {
        if (i)
            *p++ = '.';
        p = put_dec(p, a[i]);
    }
    *p = '\0';
    return p;
}

static char *put_hex(char *p, unsigned v)
{
    static const char digits[] = "0123456789abcdef";
    int shift = 12;
    while (shift > 0 && (v >> shift) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        *p++ = digits[(v >> shift) & 0xf];
    return p;
}

/* RFC 5952: lowercase, no leading zeros, the longest run (first of equals)
 * of two or more zero groups as "::"; IPv4-mapped and -compatible addresses
 * end in a dotted quad, as glibc's inet_ntop6 prints them. */
static void ntop6(const uint8_t *a, char *out)
{
    unsigned w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (w[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && w[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2)
        best = -1;
    char *p = out;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            i += best_len - 1;
            if (i == 7)
                *p++ = ':';
            continue;
        }
        if (i)
            *p++ = ':';
        if (i == 6 && best == 0 &&
            (best_len == 6 || (best_len == 7 && w[7] != 1) || (best_len == 5 && w[5] == 0xffff))) {
            put_quad(p, a + 12);
            return;
        }
        p = put_hex(p, w[i]);
    }
    *p = '\0';
}

const char *berth_inet_ntop(int af, const void *src, char *dst, unsigned int size)
{
    char buf[46];
    if (af == AF_INET)
        put_quad(buf, src);
    else if (af == AF_INET6)
        ntop6(src, buf);
    else {
        errno = EAFNOSUPPORT;
        return NULL;
    }
    size_t n = strlen(buf) + 1;
    if (n > size) {
        errno = ENOSPC;
        return NULL;
    }
    memcpy(dst, buf, n);
    return dst;
}

/* inet_aton (glibc inet_addr.c): up to four parts, each decimal, octal or
 * hex; the last part fills the remaining bytes; text may end at a blank. */
int berth_inet_aton(const char *cp, uint32_t *addr)
{
    uint32_t parts[4];
    int n = 0;
    for (;;) {
        if (*cp < '0' || *cp > '9')
            return 0;
        unsigned base = 10;
        if (*cp == '0') {
            base = 8;
            cp++;
            if (*cp == 'x' || *cp == 'X') {
                base = 16;
                cp++;
            }
        }
        uint64_t v = 0;
        int any = base == 8; /* the "0" itself */
        for (;;) {
            int h = hexval(*cp);
            if (h < 0 || (unsigned)h >= base)
                break;
            v = v * base + (unsigned)h;
            if (v > 0xffffffffu)
                return 0;
            any = 1;
            cp++;
        }
        if (!any)
            return 0;
        parts[n++] = (uint32_t)v;
        if (*cp == '.') {
            if (n == 4)
                return 0;
            cp++;
            continue;
        }
        break;
    }
    if (*cp != '\0' && *cp != ' ' && *cp != '\t' && *cp != '\n' && *cp != '\r' && *cp != '\f' &&
        *cp != '\v')
        return 0;
    static const uint32_t last_max[4] = {0xffffffffu, 0xffffffu, 0xffffu, 0xffu};
    uint32_t v = parts[n - 1];
    if (v > last_max[n - 1])
        return 0;
    for (int i = 0; i < n - 1; i++) {
        if (parts[i] > 0xff)
            return 0;
        v |= parts[i] << (24 - 8 * i);
    }
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    memcpy(addr, b, 4);
    return 1;
}

char *berth_inet_ntoa(uint32_t addr)
{
    static char buf[16];
    put_quad(buf, (const uint8_t *)&addr);
    return buf;
}
