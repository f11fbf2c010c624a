#!/bin/sh
# ping from the kernel side gets replies from berth; berth answers the
# kernel's ARP (the kernel learns berth's MAC), announces itself with a
# gratuitous ARP, and resolves the kernel's MAC for its own replies.
. "$(dirname "$0")/lib.sh"
require ping
setup_ns

start_berth host --tap tap0 --addr 192.0.2.2/24 --pcap "$WORK/ping.pcap" --seed 1
mac=$(sed -n 's/.* lladdr \([0-9a-f:]*\) .*/\1/p' "$WORK/host.log" | head -1)
[ -n "$mac" ] || fail "berth did not print its MAC address"

nsx timeout 20 ping -c 5 -i 0.2 -W 2 192.0.2.2 >"$WORK/ping.out" 2>&1
prc=$?
cat "$WORK/ping.out"
[ $prc -eq 0 ] || fail "ping failed"
grep -q ' 0% packet loss' "$WORK/ping.out" || fail "ping lost packets"

# Large pings: berth reassembles and answers with fragments.
nsx timeout 20 ping -c 2 -i 0.2 -W 2 -s 4000 192.0.2.2 >"$WORK/ping-big.out" 2>&1 ||
    { cat "$WORK/ping-big.out"; fail "ping -s 4000 failed"; }
grep -q ' 0% packet loss' "$WORK/ping-big.out" || fail "large pings lost"

# The kernel resolved berth's address to the MAC berth uses.
neigh=$(nsx ip neigh show 192.0.2.2 dev tap0)
say "kernel: $neigh"
printf '%s' "$neigh" | grep -qi "lladdr $mac" || fail "the kernel's ARP entry is not berth's MAC $mac"

# Subnet broadcast ping is ignored (icmp_echo_ignore_broadcasts=1), as Linux.
nsx timeout 5 ping -b -c 1 -W 1 192.0.2.255 >/dev/null 2>&1 && fail "berth answered a broadcast ping"

stop_berth host
grep -q 'replies sent [1-9]' "$WORK/host.log" || fail "berth sent no ARP reply"
grep -q 'gratuitous 1' "$WORK/host.log" || fail "no gratuitous ARP"
grep -q 'IcmpOutEchoReps 7' "$WORK/host.log" || fail "berth should have sent 7 echo replies"

tshark_check "$WORK/ping.pcap" 10
tshark -n -r "$WORK/ping.pcap" -Y 'arp.opcode == 2 && arp.src.hw_mac == '"$mac" 2>/dev/null | grep -q . ||
    fail "no ARP reply from berth in the capture"
tshark -n -r "$WORK/ping.pcap" -Y 'arp.isannouncement' 2>/dev/null | grep -q . ||
    fail "no ARP announcement in the capture"
n=$(tshark -n -r "$WORK/ping.pcap" -Y 'icmp.type == 0 && icmp.resp_to' 2>/dev/null | wc -l)
say "echo replies matched to requests: $n"
[ "$n" -ge 7 ] || fail "tshark matched only $n echo replies"
say "PASS"
