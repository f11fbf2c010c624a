/* testutil.h — helpers shared by the unit tests. */
#ifndef BERTH_TESTUTIL_H
#define BERTH_TESTUTIL_H

#include <arpa/inet.h>
#include <string.h>

#include "berth/netif.h"
#include "berth/platform.h"
#include "berth/socket.h"
#include "berth/stack.h"

/* A stack on the inline platform (virtual clock at 1 s, fixed seed). */
static inline berth_stack *test_stack_inline(struct berth_platform *plat, uint64_t seed)
{
    berth_platform_inline(plat, 1000000, seed);
    struct berth_config cfg;
    berth_config_init(&cfg);
    cfg.platform = plat;
    cfg.name = "test";
    return berth_stack_new(&cfg);
}

static inline struct sockaddr_in sin4(const char *ip, uint16_t port)
{
    struct sockaddr_in s;
    memset(&s, 0, sizeof(s));
    s.sin_family = AF_INET;
    s.sin_port = htons(port);
    inet_pton(AF_INET, ip, &s.sin_addr);
    return s;
}

#define SA(x) ((struct sockaddr *)&(x))

static inline uint64_t snmp(berth_stack *st, const char *g, const char *n)
{
    uint64_t v = 0;
    berth_snmp_get(st, g, n, &v);
    return v;
}

#endif
