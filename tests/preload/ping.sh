#!/bin/sh
# iputils ping on berth (LD_PRELOAD) pings the kernel over TAP through a
# berth ping socket (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)): refused
# under berth's default net.ipv4.ping_group_range ("1 0": ping falls back
# to a raw socket, which berth does not have, and fails), then with
# BERTH_SYSCTL=net.ipv4.ping_group_range=0 (the range 0..0: root's group)
# 3 echo requests, 3 replies. The capture must be well-formed and hold
# berth's 3 requests. (ping prints ttl=0: the preload library's datagram
# path carries no control messages, so ping never sees IP_TTL.)
. "$(dirname "$0")/plib.sh"
require_preload ping
setup_ns

# shellcheck disable=SC2046
ip netns exec "$NS" env $(berth_env refused) timeout 20 ping -n -c 1 192.0.2.1 >"$WORK/refused.out" 2>&1 &&
    { cat "$WORK/refused.out"; fail "ping worked without ping sockets allowed"; }
cat "$WORK/refused.out"
# shellcheck disable=SC2046
ip netns exec "$NS" env $(berth_env ping) BERTH_SYSCTL=net.ipv4.ping_group_range=0 \
    timeout 30 ping -n -c 3 -i 0.3 192.0.2.1 >"$WORK/ping.out" 2>&1
prc=$?
cat "$WORK/ping.out"
[ $prc -eq 0 ] || fail "ping on berth exited with status $prc"
grep -q '^3 packets transmitted, 3 received, 0% packet loss' "$WORK/ping.out" || fail "ping lost replies"
tshark_check "$WORK/ping.pcap" 6
req=$(tshark_count "$WORK/ping.pcap" 'icmptype == 8 && src == "192.0.2.2"')
rep=$(tshark_count "$WORK/ping.pcap" 'icmptype == 0 && src == "192.0.2.1"')
say "capture: $req echo requests from berth, $rep replies from the kernel"
[ "$req" = 3 ] && [ "$rep" = 3 ] || fail "expected 3 requests and 3 replies"
say "PASS"
