#!/bin/sh
# ping_sock.sh — berth's ICMP ping sockets against the kernel (pingx.c):
# berth (192.0.2.2, 2001:db8::2 on tap0) sends echo requests from an
# AF_INET ping socket to 192.0.2.1 and from an AF_INET6 one to 2001:db8::1
# ("ping -6: the kernel answering berth's"); every reply must come back to
# the socket whole, with its identifier and sequence, and a good checksum.
# An echo request to 198.51.100.77 (2001:db8:1::77) through the kernel
# (forwarding on in the namespace, no route there) must come back as the
# kernel's net unreachable (ICMPv6 no route): ENETUNREACH on the socket,
# which set IP_RECVERR (IPV6_RECVERR).
# The kernel must count berth's requests (Icmp InEchos, Icmp6InEchos) and
# the capture must be well-formed with good ICMP and ICMPv6 checksums.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib6.sh"
require dumpcap tshark
[ -x "${PINGX:-}" ] || fail "PINGX is not set to the pingx helper"
need_v6 core icmp6 ndp
setup_ns6
nsx sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 ||
    fail "cannot turn on forwarding in the namespace"
N=5
nsx timeout 60 dumpcap -q -i tap0 -c 200 -w "$WORK/cap.pcap" 2>"$WORK/dumpcap.err" &
PIDS="$PIDS $!"
sleep 0.5
nsx timeout 60 "$PINGX" tap0 $N >"$WORK/pingx.log" 2>&1
prc=$?
cat "$WORK/pingx.log"
[ $prc -eq 0 ] || fail "pingx exited with status $prc"
grep -q '^default range: socket Permission denied$' "$WORK/pingx.log" ||
    fail "ping sockets were not refused by the default ping_group_range"
grep -q "^v4: $N sent, $N good replies$" "$WORK/pingx.log" || fail "IPv4 replies missing or wrong"
grep -q "^v6: $N sent, $N good replies$" "$WORK/pingx.log" || fail "IPv6 replies missing or wrong"
grep -q '^unreachable v4: sendto 16, recvfrom -1 Network is unreachable$' "$WORK/pingx.log" ||
    fail "the kernel's net unreachable did not reach berth's ping socket as ENETUNREACH"
grep -q '^unreachable v6: sendto 16, recvfrom -1 Network is unreachable$' "$WORK/pingx.log" ||
    fail "the kernel's ICMPv6 no route did not reach berth's ping socket as ENETUNREACH"
in4=$(nsx awk '/^Icmp:/ { if (n++) { for (i = 1; i <= NF; i++) if (k[i] == "InEchos") print $i } else for (i = 1; i <= NF; i++) k[i] = $i }' /proc/net/snmp)
in6=$(snmp6 Icmp6InEchos)
say "kernel counted echo requests: Icmp InEchos $in4, Icmp6InEchos $in6"
[ "${in4:-0}" -ge $N ] || fail "the kernel counted $in4 IPv4 echo requests, berth sent $N"
[ "${in6:-0}" -ge $N ] || fail "the kernel counted $in6 IPv6 echo requests, berth sent $N"
sleep 1
kill -INT $(nsx pgrep -f "dumpcap -q -i tap0") 2>/dev/null
sleep 0.5
XX
req4=$(tshark6 "$WORK/cap.pcap" 'icmp.type == 8 && ip.src == 192.0.2.2')
req6=$(tshark6 "$WORK/cap.pcap" 'icmpv6.type == 128 && ipv6.src == 2001:db8::2')
say "capture: berth's echo requests: $req4 IPv4, $req6 IPv6"
[ "$req4" -ge $N ] && [ "$req6" -ge $N ] || fail "berth's echo requests missing from the capture"
say "PASS"
