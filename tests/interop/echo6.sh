#!/bin/sh
# IPv6 from the kernel's side to berth host's services (issue 11): ping -6
# (NDP resolves berth's MAC: the kernel's neighbour entry must hold it),
# UDP echo with socat and nc -6, a 3000-byte datagram (fragmented both
# ways), TCP echo with socat and nc -6, a closed port (ICMPv6 port
# unreachable: ECONNREFUSED for the kernel's socket), and the same [::]
# services answering IPv4 (dual stack). The capture must show berth's DAD
# and neighbour advertisements, every checksum good.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib6.sh"
require socat nc ping
need_v6 core tcp icmp6 ndp
setup_ns6

start_berth host --tap tap0 --addr 192.0.2.2/24 --addr 2001:db8::2/64 --serve echo:7 \
    --serve discard:9 --pcap "$WORK/echo6.pcap" --seed 1
mac=$(sed -n 's/.* lladdr \([0-9a-f:]*\) .*/\1/p' "$WORK/host.log" | head -1)

wait_ping6 2001:db8::2 10 || fail "berth does not answer ping -6 after 10 s"
nsx timeout 10 ping -6 -n -c 3 -i 0.2 2001:db8::2 >"$WORK/ping.out" 2>&1 || { cat "$WORK/ping.out"; fail "ping -6 lost replies"; }
grep 'packets transmitted' "$WORK/ping.out"
neigh=$(nsx ip -6 neigh show 2001:db8::2 dev tap0)
say "kernel's neighbour entry: $neigh"
printf '%s' "$neigh" | grep -q "lladdr $mac" || fail "the kernel's neighbour entry for berth lacks berth's MAC $mac"

out=$(printf 'hello berth6\n' | nsx timeout 10 socat -T 3 - UDP6:[2001:db8::2]:7)
[ "$out" = "hello berth6" ] || fail "socat UDP6: no echo (got '$out')"
say "UDP6 socat echo ok"

head -c 3000 /dev/urandom >"$WORK/big.bin"
nsx timeout 10 socat -T 2 -b 65536 - UDP6:[2001:db8::2]:7 <"$WORK/big.bin" >"$WORK/big.out"
cmp "$WORK/big.bin" "$WORK/big.out" || fail "the 3000-byte UDP6 datagram did not come back intact"
say "3000-byte UDP6 datagram echoed intact (fragmented both ways)"

printf 'one\ntwo\nthree\n' >"$WORK/nc.in"
nsx timeout 10 nc -6 -u -w 2 2001:db8::2 7 <"$WORK/nc.in" >"$WORK/nc.out" 2>&1
grep -q three "$WORK/nc.out" || fail "nc -6 -u: no echo"
say "nc -6 -u echo ok"

head -c 200000 /dev/urandom >"$WORK/tcp.bin"
nsx timeout 20 socat -t 5 -T 10 - TCP6:[2001:db8::2]:7 <"$WORK/tcp.bin" >"$WORK/tcp.out" || fail "socat TCP6 failed"
cmp "$WORK/tcp.bin" "$WORK/tcp.out" || fail "200 kB over TCP6 echo did not come back intact"
say "TCP6 socat echo of 200 kB ok"

nsx timeout 10 nc -6 -N -w 5 2001:db8::2 7 <"$WORK/nc.in" >"$WORK/nct.out" 2>&1
cmp "$WORK/nc.in" "$WORK/nct.out" || fail "nc -6 TCP: no echo"
say "nc -6 TCP echo ok"

printf 'anyone?' | nsx timeout 10 socat -T 2 - UDP6:[2001:db8::2]:4444 >"$WORK/refused.out" 2>&1
grep -qi 'refused' "$WORK/refused.out" || { cat "$WORK/refused.out"; fail "no ECONNREFUSED for a closed berth port over IPv6"; }
say "closed UDP6 port: ECONNREFUSED"

# Dual stack: the same [::] sockets serve IPv4.
out=$(printf 'hello berth4\n' | nsx timeout 10 socat -T 3 - UDP4:192.0.2.2:7)
[ "$out" = "hello berth4" ] || fail "UDP4 to the dual-stack echo: no answer"
out=$(printf 'tcp4\n' | nsx timeout 10 socat -t 3 - TCP4:192.0.2.2:7)
[ "$out" = "tcp4" ] || fail "TCP4 to the dual-stack echo: no answer"
say "IPv4 to the same [::] services ok"

stop_berth host
grep -q 'echo:7/udp: 4 datagrams, .* 4 replies' "$WORK/host.log" || fail "echo/udp should count 4 datagrams and 4 replies"
grep -q 'echo:7/tcp: 3 connections' "$WORK/host.log" || fail "echo/tcp should count 3 connections"
tshark6_check "$WORK/echo6.pcap" 20
[ "$(tshark6 "$WORK/echo6.pcap" 'icmpv6.type == 1 && icmpv6.code == 4 && ipv6.src == 2001:db8::2')" -ge 1 ] ||
    fail "no ICMPv6 port unreachable from berth in the capture"
[ "$(tshark6 "$WORK/echo6.pcap" 'ipv6.src == 2001:db8::2 && ipv6.fraghdr')" -ge 2 ] ||
    fail "berth's echo of the 3000-byte datagram was not fragmented"
say "PASS"
