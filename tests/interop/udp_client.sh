#!/bin/sh
# berth as the UDP client:
#  - to a kernel-side socat echo server on the link, and through a gateway
#    (berth routes 198.51.100.0/24 via 192.0.2.1, where the kernel owns
#    198.51.100.1): every datagram comes back intact;
#  - to a closed kernel port: the kernel's ICMP port unreachable makes
#    berth's connected socket fail with ECONNREFUSED;
#  - to an address nobody answers ARP for: with IP_RECVERR the next send
#    fails with EHOSTUNREACH once ARP gave up (3 requests, 3 s); without it
#    nothing is reported. The kernel, put through the same steps from its
#    side of the wire, is the oracle for both.
. "$(dirname "$0")/lib.sh"
require socat
[ -x "${UDPX:-}" ] || fail "UDPX is not set to the udpx helper"
setup_ns

bclient() { # bclient NAME ARGS...: berth udp in the namespace, log in $WORK/NAME.log
    name=$1
    shift
    nsx timeout 60 "$BERTH" udp --tap tap0 --addr 192.0.2.2/24 --pcap "$WORK/$name.pcap" "$@" \
        >"$WORK/$name.log" 2>&1
    r=$?
    say "--- berth udp ($name): exit $r ---"
    cat "$WORK/$name.log"
    return $r
}

ip netns exec "$NS" timeout 120 socat UDP4-LISTEN:7007,reuseaddr,fork PIPE >/dev/null 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$NS" timeout 120 socat UDP4-LISTEN:7008,bind=198.51.100.1,reuseaddr,fork PIPE \
    >/dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 0.5

bclient echo --to 192.0.2.1:7007 --count 50 --size 300 --expect-echo ||
    fail "echo through the kernel's socat"
grep -q 'echoes: 50 good, 0 bad, 0 missing' "$WORK/echo.log" || fail "not every echo came back"
tshark_check "$WORK/echo.pcap" 100

bclient gateway --route 198.51.100.0/24 via 192.0.2.1 --to 198.51.100.1:7008 --count 20 \
    --size 2000 --expect-echo || fail "echo through the gateway"
grep -q 'echoes: 20 good' "$WORK/gateway.log" || fail "not every echo came back via the gateway"
tshark_check "$WORK/gateway.pcap" 40

bclient refused --to 192.0.2.1:9999 --count 1 --expect-echo --expect-error ECONNREFUSED ||
    fail "no ECONNREFUSED from a closed kernel port"
tshark_check "$WORK/refused.pcap" 3
[ "$(tshark_count "$WORK/refused.pcap" 'icmptype == 3 && icmpcode == 3')" -ge 1 ] ||
    fail "no port unreachable in the capture"

# ARP failure: berth's side...
bclient unreach-recverr --to 192.0.2.99:9 --recverr --count 2 --interval 4000 \
    --expect-error EHOSTUNREACH || fail "no EHOSTUNREACH with IP_RECVERR after ARP failed"
bclient unreach-plain --to 192.0.2.99:9 --count 2 --interval 4000 ||
    fail "a socket without IP_RECVERR must not see EHOSTUNREACH (Linux does not report it)"
grep -q 'errors: none' "$WORK/unreach-plain.log" || fail "unexpected error without IP_RECVERR"
tshark_check "$WORK/unreach-recverr.pcap" 3
n=$(tshark_count "$WORK/unreach-recverr.pcap" 'arpop == 1 && arpdst == "192.0.2.99"')
say "ARP requests for 192.0.2.99 before giving up: $n"
[ "$n" -eq 3 ] || fail "expected 3 ARP requests (mcast_solicit), saw $n"

# ...and the kernel's, with berth attached to the wire (carrier up).
start_berth host --tap tap0 --addr 192.0.2.2/24 --quiet
nsx timeout 30 "$UDPX" probe 192.0.2.99 9 2 4000 1 >"$WORK/kernel-recverr.out"
nsx timeout 30 "$UDPX" probe 192.0.2.98 9 2 4000 0 >"$WORK/kernel-plain.out"
stop_berth host
say "kernel, IP_RECVERR: $(tr '\n' ' ' <"$WORK/kernel-recverr.out")"
say "kernel, plain:      $(tr '\n' ' ' <"$WORK/kernel-plain.out")"
k1=$(grep -o 'send #[0-9]*: E[A-Z]*' "$WORK/kernel-recverr.out")
b1=$(grep -o 'send #[0-9]*: E[A-Z]*' "$WORK/unreach-recverr.log")
k2=$(grep -o 'send #[0-9]*: E[A-Z]*' "$WORK/kernel-plain.out")
b2=$(grep -o 'send #[0-9]*: E[A-Z]*' "$WORK/unreach-plain.log")
[ "$k1" = "$b1" ] || fail "IP_RECVERR: kernel says '$k1', berth says '$b1'"
[ "$k2" = "$b2" ] || fail "plain socket: kernel says '$k2', berth says '$b2'"
say "berth matches the kernel: '$b1' with IP_RECVERR, '${b2:-no error}' without"
say "PASS"
