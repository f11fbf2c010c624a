/* tcp_nofastopen.c — TCP Fast Open compiled out (BERTH_WITH_FASTOPEN=OFF,
 * tcp.h): the client side is off for good, as Linux with
 * net.ipv4.tcp_fastopen=0. sendto(MSG_FASTOPEN) and TCP_FASTOPEN_CONNECT
 * already fail with EOPNOTSUPP (TCP_FASTOPEN_CLIENT), so no request is ever
 * pending: no SYN carries the option and there is no per-destination state.
 * These are the hooks tcp_fastopen.c implements, doing nothing. */
#include "tcp/tcp.h"

void tcp_fastopen_syn_init(struct tcp_sock *tp) { (void)tp; }

uint8_t tcp_fastopen_syn_option(struct tcp_sock *tp)
{
    (void)tp;
    return TCP_FO_OPT_NONE;
}

void tcp_fastopen_synack(struct tcp_sock *tp, const struct tcp_seg *seg)
{
    (void)tp;
    (void)seg;
}

void tcp_fastopen_clear(struct tcp_sock *tp) { (void)tp; }
