#!/bin/sh
# TUN mode: berth on a TUN device (raw IP, no Ethernet, no ARP). ping, the
# UDP and TCP echo service and the http page work; the capture is
# LINKTYPE_RAW.
. "$(dirname "$0")/lib.sh"
require ping socat nc curl
setup_ns tun
nsx ip addr flush dev tap0
nsx ip addr add 192.0.2.1 peer 192.0.2.2 dev tap0

start_berth host --tun tap0 --addr 192.0.2.2/24 --serve echo:7 --serve http:8080 --pcap "$WORK/tun.pcap"
nsx timeout 20 ping -c 3 -i 0.2 -W 2 192.0.2.2 >"$WORK/ping.out" 2>&1 ||
    { cat "$WORK/ping.out"; fail "ping over TUN failed"; }
out=$(printf 'over tun\n' | nsx timeout 10 socat -T 3 - UDP4:192.0.2.2:7)
[ "$out" = "over tun" ] || fail "no echo over TUN"
head -c 300000 /dev/urandom >"$WORK/tcp.bin"
nsx timeout 20 socat -t 10 - TCP:192.0.2.2:7 <"$WORK/tcp.bin" >"$WORK/tcp.out" || fail "socat over TCP failed"
cmp "$WORK/tcp.bin" "$WORK/tcp.out" || fail "TCP echo over TUN: not the same bytes"
code=$(nsx timeout 10 curl -sS -o "$WORK/page.html" -w '%{http_code}' http://192.0.2.2:8080/)
[ "$code" = 200 ] && grep -q '<td>TcpPassiveOpens</td>' "$WORK/page.html" || fail "no status page over TUN"
say "TCP echo (300000 bytes) and the http page over TUN: ok"
stop_berth host
grep -q '^arp:' "$WORK/host.log" && fail "a TUN interface has no ARP"
lt=$(od -An -tu4 -j20 -N4 "$WORK/tun.pcap" | tr -d ' ')
[ "$lt" = 101 ] || fail "link type $lt, expected 101 (LINKTYPE_RAW)"
tshark_check "$WORK/tun.pcap" 8
say "PASS"
