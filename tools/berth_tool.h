/* berth_tool.h — what the parts of the berth program share: the options
 * every subcommand takes to put a berth host on a device (host.c), the
 * services of `berth host` (services.c), `berth udp` (udp_client.c) and
 * `berth tcp` (tcp_client.c). */
#ifndef BERTH_TOOL_H
#define BERTH_TOOL_H

#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "berth/netif.h"
#include "berth/sim.h"
#include "berth/stack.h"

/* Exit statuses (docs/berth-host.md). */
#define EXIT_FAIL 1  /* something failed at run time */
#define EXIT_USAGE 2 /* bad command line */

#define MAX_ADDRS 8
#define MAX_ROUTES 8

struct host_opts {
    const char *dev;
    bool tun, create;
    struct {
        struct in_addr addr;
        unsigned plen;
        const char *text;
    } addrs[MAX_ADDRS];
    int naddrs;
    struct { /* --addr 2001:db8::2/64: IPv6 addresses (issue 11) */
        struct in6_addr addr;
        unsigned plen;
        const char *text;
    } addrs6[MAX_ADDRS];
    int naddrs6;
    struct {
        struct in_addr dst, gw;
        unsigned plen;
    } routes[MAX_ROUTES];
    int nroutes;
    struct { /* --route 2001:db8:5::/64 via 2001:db8::1, --route default via fe80::1 */
        struct in6_addr dst, gw;
        unsigned plen;
    } routes6[MAX_ROUTES];
    int nroutes6;
    bool have_mac;
    uint8_t mac[6];
    unsigned mtu;
    const char *pcap;
    struct berth_link_params faults;
    bool faults_in, faults_out; /* directions the faults apply to */
    uint64_t seed;
    bool trace, quiet;
    unsigned max_fds; /* berth's descriptor table (0: the default, 1024) */
};

struct host {
    struct host_opts o;
    berth_stack *st;
    berth_netif *ifp;
    int ctl_fd;       /* berth UDP socket the signal thread shuts down */
    _Atomic int stop; /* set by the signal thread */
    _Atomic int stop_signal;
    pthread_t sig_thread;
    bool sig_thread_started;
};

void host_opts_init(struct host_opts *o);
/* Try argv[*i] as a device/address/fault option. Returns 1 (consumed,
 * *i moved past its arguments), 0 (not one of these), or -1 (bad value,
 * message printed). */
int host_opt(struct host_opts *o, int argc, char **argv, int *i);
/* A command's own option that takes a value: `a` (argv[*i]) must be one of
 * valued[0..n); its value is argv[++*i], returned in *v. 0, or EXIT_USAGE
 * after the message for an unknown option or a missing value. */
int cmd_opt_value(const char *cmd, const char *const *valued, size_t n, int argc, char **argv,
                  int *i, const char **v);
/* After parsing: the checks every subcommand needs. 0 or an exit status. */
int host_opts_check(const struct host_opts *o);
/* Stack, device, capture, addresses, routes, signal thread. 0 or an exit
 * status (message printed). */
int host_start(struct host *h);
/* Close everything (the capture is flushed, the device released). */
void host_stop(struct host *h);
/* Interface, ARP, driver and protocol counters. */
void host_print_stats(struct host *h, FILE *f);
/* "ECONNREFUSED" for an errno value (the name, not the message). */
const char *errno_name(int e);
int errno_from_name(const char *name);
/* Parse "A.B.C.D:PORT". */
int parse_hostport(const char *s, struct sockaddr_in *out);
/* Parse "2001:db8::2/64" (an IPv6 address and a prefix length 0..128). */
int parse_prefix6(const char *s, struct in6_addr *addr, unsigned *plen);
/* A socket address as text, the way ss prints it: 192.0.2.1:7,
 * [2001:db8::1]:7, *:7 or [::]:7 for a wildcard, with :* for no port. */
void sockaddr_text(const struct sockaddr *a, char *out, size_t n);

/* Help texts. */
void usage_main(FILE *f);
void usage_host(FILE *f);
void usage_udp(FILE *f);
void usage_tcp(FILE *f);
void usage_common(FILE *f);

/* Subcommands. */
int cmd_host(int argc, char **argv);
int cmd_udp(int argc, char **argv);
int cmd_tcp(int argc, char **argv);

#endif
