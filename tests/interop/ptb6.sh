#!/bin/sh
# Packet Too Big lowers berth's path MTU (issue 11; RFC 8201). Two
# namespaces: the test's own, a kernel router between berth's TAP
# (2001:db8:1::/64, MTU 1500) and a veth link (2001:db8:2::/64) with MTU
# 1280 to a second namespace, the kernel host, which has 2001:db8:2::2 and
# ::3. berth host is 2001:db8:1::2, default route via the router.
#   UDP: the host sends a 3000-byte datagram to berth's echo from ::2;
#        berth's echo leaves in 1500-byte fragments, the router answers
#        Packet Too Big (MTU 1280) and drops them; the host sends again and
#        berth's next echo comes in fragments that fit 1280.
#   TCP: the host (advertising MSS 1440 on its route to berth, so berth
#        sends full 1500-byte segments) sends 300 kB to berth's echo from
#        ::3 and must get every byte back: berth's segments that did not
#        fit are answered by Packet Too Big, berth lowers its MSS and
#        retransmits.
# Checked: the router sent Packet Too Big (Icmp6OutPktTooBigs), berth
# counted them, and none of berth's packets to the host after the first
# Packet Too Big for that destination is larger than 1280 bytes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib6.sh"
require socat sha256sum ping
need_v6 core tcp icmp6 ndp
setup_ns
NSH="$NS-h"
NSH_MADE=0
cleanup_h() {
    rc=$?
    if [ "$NSH_MADE" = 1 ]; then
        for p in $(ip netns pids "$NSH" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        ip netns del "$NSH" 2>/dev/null || say "warning: could not delete namespace $NSH"
    fi
    (exit $rc)
    cleanup
}
trap cleanup_h EXIT
nshx() { ip netns exec "$NSH" "$@"; }

# The router: this test's namespace.
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
    net.ipv6.conf.lo.disable_ipv6=0 net.ipv6.conf.tap0.disable_ipv6=0 net.ipv6.conf.all.forwarding=1 ||
    fail "cannot enable IPv6 forwarding"
nsx ip -6 addr add 2001:db8:1::1/64 dev tap0 nodad || fail "tap0 address"
# The host.
ip netns add "$NSH" || fail "cannot create $NSH"
NSH_MADE=1
nshx ip link set lo up
ip -n "$NS" link add r0 type veth peer name h0 netns "$NSH" || fail "cannot create the veth pair"
nsx ip link set r0 mtu 1280
nshx ip link set h0 mtu 1280
nsx ip -6 addr add 2001:db8:2::1/64 dev r0 nodad
nshx ip -6 addr add 2001:db8:2::2/64 dev h0 nodad
nshx ip -6 addr add 2001:db8:2::3/64 dev h0 nodad
nsx ip link set r0 up
nshx ip link set h0 up
nshx ip -6 route add 2001:db8:1::/64 via 2001:db8:2::1 dev h0 advmss 1440 || fail "the host's route"

start_berth host --tap tap0 --addr 2001:db8:1::2/64 --route default via 2001:db8:1::1 --serve echo:7 \
    --pcap "$WORK/ptb6.pcap" --seed 1
BERTH6=2001:db8:1::2
nsx timeout 10 sh -c 'until ping -6 -n -c 1 -W 1 2001:db8:1::2 >/dev/null 2>&1; do :; done' ||
    fail "berth does not answer the router's ping -6"
nshx timeout 10 ping -6 -n -c 2 -W 2 2001:db8:1::2 >/dev/null || fail "the host cannot reach berth through the router"
r_ptb0=$(snmp6 Icmp6OutPktTooBigs)

# UDP from ::2
head -c 3000 /dev/urandom >"$WORK/d.bin"
ok=0
for try in 1 2 3; do
    nshx timeout 10 socat -T 2 -b 65536 - UDP6:[2001:db8:1::2]:7,bind=[2001:db8:2::2] <"$WORK/d.bin" >"$WORK/d.out"
    if cmp -s "$WORK/d.bin" "$WORK/d.out"; then
        ok=1
        break
    fi
    say "UDP try $try: no echo (Packet Too Big expected on the first)"
done
[ $ok = 1 ] || fail "the 3000-byte datagram never came back through the 1280 link"
say "UDP: echoed intact on try $try"

# TCP from ::3
head -c 300000 /dev/urandom >"$WORK/t.bin"
want=$(sha256sum <"$WORK/t.bin" | cut -d' ' -f1)
nshx timeout 60 socat -b 65536 -t 20 -T 30 - TCP6:[2001:db8:1::2]:7,bind=[2001:db8:2::3] <"$WORK/t.bin" |
    sha256sum >"$WORK/t.sha"
got=$(cut -d' ' -f1 "$WORK/t.sha")
[ "$got" = "$want" ] || fail "TCP: the 300 kB did not come back intact through the 1280 link"
say "TCP: 300 kB echoed intact"

r_ptb=$(($(snmp6 Icmp6OutPktTooBigs) - r_ptb0))
say "the router sent $r_ptb Packet Too Big"
stop_berth host
[ "$r_ptb" -ge 2 ] || fail "the router sent $r_ptb Packet Too Big (one per destination expected at least)"
grep -Eq 'Icmp6InPktTooBigs [1-9]' "$WORK/host.log" || fail "berth counted no Packet Too Big"
tshark6_check "$WORK/ptb6.pcap" 10
for h in 2001:db8:2::2 2001:db8:2::3; do
    first=$(timeout 60 tshark -n -r "$WORK/ptb6.pcap" -Y "icmpv6.type == 2 && icmpv6.mtu == 1280 && ipv6.dst == $BERTH6" \
        -T fields -e frame.number -e ipv6.dst 2>/dev/null | awk -v h="$h" 'index($0, h) { print $1; exit }')
    # (the quoted packet's destination is the frame's second ipv6.dst)
    [ -n "$first" ] || fail "no Packet Too Big about $h in berth's capture"
    # !icmpv6: a later Packet Too Big quotes one of berth's big packets, and
    # a display filter on ipv6.src/dst/plen matches the quoted header too.
    big=$(tshark6 "$WORK/ptb6.pcap" "frame.number > $first && !icmpv6 && ipv6.src == $BERTH6 && ipv6.dst == $h && ipv6.plen > 1240")
    say "$h: first Packet Too Big at frame $first; berth's larger-than-1280 packets to it after: $big"
    [ "$big" = 0 ] || fail "berth kept sending packets above 1280 bytes to $h after Packet Too Big"
done
say "PASS"
