#!/bin/sh
# IPv6 path-MTU discovery, fragmentation and reassembly against the
# kernel as a router (issue 11: "Packet Too Big from a kernel router
# namespace lowering berth's path MTU"). The test's namespace is the
# router: tap0 (2001:db8:1::1/64, MTU 1500) towards berth, veth0
# (2001:db8:2::1/64, MTU 1280) towards a second namespace of the test's
# own, "far" (2001:db8:2::2/64). berth gets 2001:db8:1::<eui64> and its
# default route from a router advertisement, as in nd6.sh.
#
# far pings berth with 1,400 data bytes: far's kernel fragments each
# request to its 1280-byte link, berth reassembles it (ip6_frag.c). berth's
# first reply (1448 bytes) cannot cross veth0: the router drops it and
# sends berth a Packet Too Big (MTU 1280); berth lowers its path MTU to far
# (ip6_pmtu.c) and fragments every later reply (ip6_fragment), which far
# reassembles. So every ping but the first is answered. Only 2001:db8::/32,
# fe80::/10 and ff02::/16 inside the test's two namespaces.
. "$(dirname "$0")/lib.sh"
require ping python3
setup_ns
FAR="$NS-far"
# lib.sh's cleanup removes $NS; far goes first (the exit status kept).
trap 'rc=$?; ip netns del "$FAR" 2>/dev/null; (exit $rc); cleanup' EXIT
ip netns add "$FAR" || fail "cannot create the namespace $FAR"
farx() { ip netns exec "$FAR" "$@"; }

nsx sysctl -qw net.ipv6.conf.tap0.disable_ipv6=0 || fail "cannot enable IPv6 on tap0"
nsx ip -6 addr add 2001:db8:1::1/64 dev tap0 nodad || fail "router address on tap0"
nsx ip link add veth0 type veth peer name veth1 || fail "cannot create a veth pair"
nsx ip link set veth1 netns "$FAR" || fail "cannot move veth1"
nsx sysctl -qw net.ipv6.conf.veth0.disable_ipv6=0 net.ipv6.conf.all.forwarding=1 ||
    fail "cannot make the namespace a router"
nsx ip link set veth0 mtu 1280 up
nsx ip -6 addr add 2001:db8:2::1/64 dev veth0 nodad || fail "router address on veth0"
farx ip link set lo up
farx sysctl -qw net.ipv6.conf.veth1.disable_ipv6=0 || true
farx ip link set veth1 mtu 1280 up
farx ip -6 addr add 2001:db8:2::2/64 dev veth1 nodad || fail "far's address"
farx ip -6 route add default via 2001:db8:2::1 dev veth1 || fail "far's route"

start_berth host --tap tap0 --addr 192.0.2.2/24 --pcap "$WORK/pmtu6.pcap" --seed 1
mac=$(sed -n 's/.* lladdr \([0-9a-f:]*\) .*/\1/p' "$WORK/host.log" | head -1)
[ -n "$mac" ] || fail "berth did not print its MAC address"
iid=$(python3 -c "
m=[int(x,16) for x in '$mac'.split(':')]; m[0]^=2
print('%x:%x:%x:%x'%(m[0]*256+m[1],m[2]*256+255,254*256+m[3],m[4]*256+m[5]))")
global="2001:db8:1::$iid"
sleep 2.5 # berth's link-local address through DAD
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
s.sendto(ra, ('ff02::1', 0, 0, socket.if_nametoindex('tap0')))
EOF
sleep 2.5 # the SLAAC address through DAD
say "berth MAC $mac, address $global"

farx timeout 40 ping -6 -c 6 -i 0.5 -W 2 -s 1400 "$global" >"$WORK/ping.out" 2>&1
cat "$WORK/ping.out"
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping.out")
[ -n "$got" ] || fail "no ping summary"
say "replies: $got of 6"
[ "$got" -ge 5 ] || fail "only $got of 6 large pings answered across the 1280-byte link"
# A second round: the learnt path MTU holds, nothing lost.
farx timeout 40 ping -6 -c 4 -i 0.3 -W 2 -s 1400 "$global" >"$WORK/ping2.out" 2>&1
cat "$WORK/ping2.out"
grep -q ' 0% packet loss' "$WORK/ping2.out" || fail "pings lost after the path MTU was learnt"

stop_berth host

tshark_check "$WORK/pmtu6.pcap" 20
n() { tshark -n -r "$WORK/pmtu6.pcap" -Y "$1" 2>/dev/null | wc -l; }
ptb=$(n "icmpv6.type == 2 && icmpv6.mtu == 1280 && ipv6.dst == $global")
say "Packet Too Big (MTU 1280) to berth: $ptb"
[ "$ptb" -ge 1 ] || fail "the router sent berth no Packet Too Big"
big=$(n "eth.src == $mac && ipv6.src == $global && frame.len > 1294")
say "berth's packets above 1280 bytes: $big (the reply the PTB was about)"
[ "$big" -le 1 ] || fail "berth kept sending above the path MTU after the PTB"
frags=$(n "eth.src == $mac && ipv6.src == $global && ipv6.fraghdr")
say "fragments from berth: $frags"
[ "$frags" -ge 16 ] || fail "berth sent only $frags fragments for 8+ fragmented replies"
inf=$(n "eth.dst == $mac && ipv6.dst == $global && ipv6.fraghdr")
say "fragments to berth (far's requests): $inf"
[ "$inf" -ge 20 ] || fail "far's requests were not fragmented as expected"
bad=$(n "icmpv6.checksum.status == 0")
[ "$bad" -eq 0 ] || fail "$bad ICMPv6 checksums wrong"
say "PASS"
