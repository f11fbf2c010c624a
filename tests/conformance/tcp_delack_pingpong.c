/* tcp_delack_pingpong.c - interactive connections delay their ACKs, and
 * Nagle then holds a small write (issue 12, found by the differential
 * fuzzer on self-connected sockets).
 *
 * tcp_event_data_sent: data sent within ato (40 ms) of data received makes
 * the connection "pingpong" (inet_csk_inc_pingpong_cnt); in pingpong mode
 * no quick ACKs are sent (tcp_in_quickack_mode) and a read that drains the
 * queue does not send the owed ACK unless a second small segment arrived
 * (tcp_cleanup_rbuf, ICSK_ACK_PUSHED2). A small write that follows an
 * unacknowledged small segment then waits for the delayed ACK (Nagle,
 * tcp_minshall_check). TCP_QUICKACK reads 0 in pingpong mode; setting it
 * leaves the mode. Everything printed happens well within 40 ms. */
#include "conf.h"

static int tcp(void) { return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0); }

static void self_case(int port, int nodelay)
{
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    char b[64];
    conf_printf("self-connected, TCP_NODELAY %d\n", nodelay);
    int s = tcp();
    MUST(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay));
    MUST(bind(s, SA(&a), sizeof a));
    CHECKL("  connect(itself)", connect(s, SA(&a), sizeof a));
    conf_wait(s, POLLOUT, 1000);
    GETINT(s, IPPROTO_TCP, TCP_QUICKACK);
    CHECKL("  send 1", send(s, "x", 1, 0));
    CHECKL("  send 10", send(s, "0123456789", 10, 0));
    GETINT(s, IPPROTO_TCP, TCP_QUICKACK);
    CHECKL("  recv", recv(s, b, sizeof b, 0));
    CHECKL("  send 1", send(s, "y", 1, 0));
    CHECKL("  recv", recv(s, b, sizeof b, 0));
    close(s);
}

/* connect(AF_UNSPEC) resets the delayed-ACK engine (tcp_disconnect ->
 * inet_csk_delack_init): on the next connection the first send is not a
 * reply, so its ACK is quick and the second small send is not held. */
static void reconnect_case(int port)
{
    struct sockaddr_in a = conf_sin("127.0.0.1", port);
    struct sockaddr_in unspec = {.sin_family = AF_UNSPEC};
    char b[64];
    conf_printf("self-connected twice\n");
    int s = tcp();
    MUST(bind(s, SA(&a), sizeof a));
    connect(s, SA(&a), sizeof a);
    conf_wait(s, POLLOUT, 1000);
    CHECKL("  send 10", send(s, "0123456789", 10, 0));
    CHECKL("  recv", recv(s, b, sizeof b, 0));
    CHECKL("  send 10 (a reply)", send(s, "0123456789", 10, 0));
    CHECKL("  connect(AF_UNSPEC)", connect(s, SA(&unspec), sizeof unspec));
    CHECKL("  connect(itself)", connect(s, SA(&a), sizeof a));
    conf_wait(s, POLLOUT, 1000);
    GETINT(s, IPPROTO_TCP, TCP_QUICKACK);
    CHECKL("  send 1", send(s, "x", 1, 0));
    CHECKL("  send 1", send(s, "y", 1, 0));
    CHECKL("  recv", recv(s, b, sizeof b, 0));
    close(s);
}

int main(void)
{
    self_case(7451, 0);
    self_case(7452, 1);
    reconnect_case(7454);

    struct sockaddr_in la = conf_sin("127.0.0.1", 7453);
    char b[64];
    int l = tcp();
    MUST(bind(l, SA(&la), sizeof la));
    MUST(listen(l, 4));
    int c = tcp();
    connect(c, SA(&la), sizeof la);
    conf_wait(c, POLLOUT, 1000);
    int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
    conf_printf("client and server\n");
    CHECKL("  client send 1", send(c, "a", 1, 0));
    CHECKL("  server recv", recv(s, b, sizeof b, 0));
    CHECKL("  server send 1 (a reply)", send(s, "b", 1, 0));
    GETINT(s, IPPROTO_TCP, TCP_QUICKACK);
    CHECKL("  client recv", recv(c, b, sizeof b, 0));
    CHECKL("  client send 1 (a reply)", send(c, "c", 1, 0));
    CHECKL("  server recv", recv(s, b, sizeof b, 0));
    CHECKL("  server send 1", send(s, "d", 1, 0));
    CHECKL("  server send 1", send(s, "e", 1, 0));
    CHECKL("  client recv", recv(c, b, sizeof b, 0));
    int one = 1;
    CHECKL("  client TCP_QUICKACK 1", setsockopt(c, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one));
    GETINT(c, IPPROTO_TCP, TCP_QUICKACK);
    close(s);
    close(c);
    close(l);
    return 0;
}
