#!/bin/sh
# UDP round trips from the kernel side through berth's echo service (socat
# and nc), berth's discard service, an ICMP port unreachable from berth for
# a closed port (the kernel socket sees ECONNREFUSED), and a subnet
# broadcast datagram to berth.
. "$(dirname "$0")/lib.sh"
require socat nc
setup_ns

start_berth host --tap tap0 --addr 192.0.2.2/24 --serve echo:7 --serve discard:9 \
    --pcap "$WORK/echo.pcap" --status-file "$WORK/status.html" --seed 1

# socat: one datagram, the answer back.
out=$(printf 'hello berth\n' | nsx timeout 10 socat -T 3 - UDP4:192.0.2.2:7)
say "socat got: $out"
[ "$out" = "hello berth" ] || fail "socat: no echo"

# socat again with a 3000-byte datagram (fragmented both ways at MTU 1500).
head -c 3000 /dev/urandom >"$WORK/big.bin"
nsx timeout 10 socat -T 2 -b 65536 - UDP4:192.0.2.2:7 <"$WORK/big.bin" >"$WORK/big.out"
cmp "$WORK/big.bin" "$WORK/big.out" || fail "the 3000-byte datagram did not come back intact"
say "3000-byte datagram echoed intact"

# nc (netcat-openbsd): several lines, each echoed.
printf 'one\ntwo\nthree\n' >"$WORK/nc.in"
nsx timeout 10 nc -u -w 2 192.0.2.2 7 <"$WORK/nc.in" >"$WORK/nc.out" 2>&1
say "nc got: $(tr '\n' ' ' <"$WORK/nc.out")"
grep -q three "$WORK/nc.out" || fail "nc: no echo"

# discard: nothing comes back.
out=$(printf 'drop me' | nsx timeout 10 socat -T 1 - UDP4:192.0.2.2:9)
[ -z "$out" ] || fail "discard answered: $out"

# A closed port on berth: ICMP port unreachable -> ECONNREFUSED in the
# kernel's connected socket (socat reports "Connection refused").
printf 'anyone?' | nsx timeout 10 socat -T 2 - UDP4:192.0.2.2:4444 >"$WORK/refused.out" 2>&1
cat "$WORK/refused.out"
grep -qi 'refused' "$WORK/refused.out" || fail "no ECONNREFUSED for a closed berth port"

# Subnet broadcast to the discard port: delivered to berth's wildcard socket.
printf 'to all' | nsx timeout 5 socat -T 1 - UDP4-DATAGRAM:192.0.2.255:9,broadcast >/dev/null 2>&1

stop_berth host
grep -q 'echo:7/udp: 3 datagrams, .* 3 replies' "$WORK/host.log" || fail "echo counted too few datagrams"
grep -q 'discard:9/udp: 2 datagrams' "$WORK/host.log" || fail "discard should have 2 datagrams (unicast + broadcast)"
grep -q 'UdpNoPorts 1' "$WORK/host.log" || fail "UdpNoPorts should be 1"
grep -q 'IcmpOutDestUnreachs 1' "$WORK/host.log" || fail "one port unreachable expected"
grep -q '<td>UdpInDatagrams</td>' "$WORK/status.html" || fail "status page lacks counters"

tshark_check "$WORK/echo.pcap" 10
[ "$(tshark_count "$WORK/echo.pcap" 'icmptype == 3 && icmpcode == 3')" -ge 1 ] ||
    fail "no port unreachable in the capture"
say "PASS"
