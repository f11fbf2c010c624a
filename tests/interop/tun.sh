#!/bin/sh
# TUN mode: berth on a TUN device (raw IP, no Ethernet, no ARP). ping and
# the UDP echo service work; the capture is LINKTYPE_RAW.
. "$(dirname "$0")/lib.sh"
require ping socat
setup_ns tun
nsx ip addr flush dev tap0
nsx ip addr add 192.0.2.1 peer 192.0.2.2 dev tap0

start_berth host --tun tap0 --addr 192.0.2.2/24 --serve echo:7 --pcap "$WORK/tun.pcap"
nsx timeout 20 ping -c 3 -i 0.2 -W 2 192.0.2.2 >"$WORK/ping.out" 2>&1 ||
    { cat "$WORK/ping.out"; fail "ping over TUN failed"; }
out=$(printf 'over tun\n' | nsx timeout 10 socat -T 3 - UDP4:192.0.2.2:7)
[ "$out" = "over tun" ] || fail "no echo over TUN"
stop_berth host
grep -q '^arp:' "$WORK/host.log" && fail "a TUN interface has no ARP"
lt=$(od -An -tu4 -j20 -N4 "$WORK/tun.pcap" | tr -d ' ')
[ "$lt" = 101 ] || fail "link type $lt, expected 101 (LINKTYPE_RAW)"
tshark_check "$WORK/tun.pcap" 8
say "PASS"
