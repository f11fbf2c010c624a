#!/bin/sh
# IPv6 neighbour discovery against the kernel over TAP: berth's link-local
# address (EUI-64 of its MAC) passes DAD and the kernel pings it (the
# kernel resolves berth, berth resolves the kernel for its replies); a
# router advertisement sent from the kernel's side (a raw ICMPv6 socket
# with hop limit 255, as radvd sends one) gives berth a 2001:db8:1::/64
# SLAAC address the kernel then pings; DAD, NS, NA, RS and MLDv2 reports
# are checked in the capture with tshark. Only fe80::/10, 2001:db8::/32 and
# ff02::/16 on tap0 inside the test's own namespace.
. "$(dirname "$0")/lib.sh"
require ping python3
setup_ns
# lib.sh turns IPv6 off in the namespace; this test wants it on tap0.
nsx sysctl -qw net.ipv6.conf.tap0.disable_ipv6=0 || fail "cannot enable IPv6 on tap0"
nsx ip -6 addr add 2001:db8:1::1/64 dev tap0 nodad || fail "kernel address"

start_berth host --tap tap0 --addr 192.0.2.2/24 --pcap "$WORK/nd6.pcap" --seed 1
mac=$(sed -n 's/.* lladdr \([0-9a-f:]*\) .*/\1/p' "$WORK/host.log" | head -1)
[ -n "$mac" ] || fail "berth did not print its MAC address"
# Modified EUI-64 (RFC 4291 appendix A): ff:fe in the middle, U/L bit flipped.
iid=$(python3 -c "
m=[int(x,16) for x in '$mac'.split(':')]; m[0]^=2
print('%x:%x:%x:%x'%(m[0]*256+m[1],m[2]*256+255,254*256+m[3],m[4]*256+m[5]))")
ll="fe80::$iid"
say "berth MAC $mac, link-local $ll"

# berth's DAD: a random delay below 1 s, one NS, 1 s.
sleep 2.5
nsx timeout 30 ping -6 -c 8 -i 1 -W 2 "$ll%tap0" >"$WORK/ping-ll.out" 2>&1
prc=$?
cat "$WORK/ping-ll.out"
[ $prc -eq 0 ] || fail "ping -6 to berth's link-local address failed"
grep -q ' 0% packet loss' "$WORK/ping-ll.out" || fail "ping -6 lost packets"
neigh=$(nsx ip -6 neigh show "$ll" dev tap0)
say "kernel: $neigh"
printf '%s' "$neigh" | grep -qi "lladdr $mac" || fail "the kernel's entry for $ll is not berth's MAC $mac"

# A router advertisement from the kernel's link-local address: router
# lifetime 1800 s, prefix 2001:db8:1::/64 on-link and autonomous, valid
# 86400 s, preferred 14400 s, our MAC as source link-layer option.
kmac=$(nsx cat /sys/class/net/tap0/address)
nsx python3 - "$kmac" <<'EOF' || fail "could not send the router advertisement"
import socket, struct, sys
mac = bytes(int(x, 16) for x in sys.argv[1].split(':'))
ra = struct.pack('!BBHBBHII', 134, 0, 0, 64, 0, 1800, 0, 0)
ra += struct.pack('!BB6s', 1, 1, mac)
ra += struct.pack('!BBBBIII16s', 3, 4, 64, 0xc0, 86400, 14400, 0,
                  socket.inet_pton(socket.AF_INET6, '2001:db8:1::'))
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
idx = socket.if_nametoindex('tap0')
s.sendto(ra, ('ff02::1', 0, 0, idx))  # the kernel fills the checksum
EOF
global="2001:db8:1::$iid"
sleep 2.5
nsx timeout 20 ping -6 -c 3 -i 0.3 -W 2 "$global" >"$WORK/ping-g.out" 2>&1
prc=$?
cat "$WORK/ping-g.out"
[ $prc -eq 0 ] || fail "ping -6 to berth's SLAAC address $global failed"

stop_berth host

tshark_check "$WORK/nd6.pcap" 20
n() { tshark -n -r "$WORK/nd6.pcap" -Y "$1" 2>/dev/null | wc -l; }
dad=$(n "icmpv6.type == 135 && ipv6.src == :: && eth.src == $mac && icmpv6.nd.ns.target_address == $ll")
say "DAD solicitations for $ll: $dad"
[ "$dad" -ge 1 ] || fail "no DAD NS from :: for $ll"
dadg=$(n "icmpv6.type == 135 && ipv6.src == :: && eth.src == $mac && icmpv6.nd.ns.target_address == $global")
[ "$dadg" -ge 1 ] || fail "no DAD NS for the SLAAC address $global"
na=$(n "icmpv6.type == 136 && eth.src == $mac && icmpv6.nd.na.flag.s == 1")
say "solicited NAs from berth: $na"
[ "$na" -ge 1 ] || fail "berth sent no solicited NA"
ns=$(n "icmpv6.type == 135 && eth.src == $mac && ipv6.src != ::")
say "NS from berth (resolving the kernel): $ns"
[ "$ns" -ge 1 ] || fail "berth never solicited the kernel"
rs=$(n "icmpv6.type == 133 && eth.src == $mac && ipv6.dst == ff02::2 && ipv6.hlim == 255")
say "router solicitations: $rs"
[ "$rs" -ge 1 ] || fail "no router solicitation from berth"
mld=$(n "icmpv6.type == 143 && eth.src == $mac && ipv6.dst == ff02::16 && ipv6.hlim == 1")
say "MLDv2 reports: $mld"
[ "$mld" -ge 2 ] || fail "fewer than 2 MLDv2 reports from berth"
bad=$(n "icmpv6.checksum.status == 0")
[ "$bad" -eq 0 ] || fail "$bad ICMPv6 checksums wrong"
rep=$(n "icmpv6.type == 129 && eth.src == $mac")
say "echo replies from berth: $rep"
[ "$rep" -ge 11 ] || fail "only $rep echo replies"
say "PASS"
