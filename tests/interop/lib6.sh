# lib6.sh — sourced after lib.sh by the IPv6 interop tests (*6.sh).
#
# The namespace of lib.sh with IPv6 switched back on: tap0 is the kernel's
# 192.0.2.1/24 and 2001:db8::1/64 (no DAD: the kernel's address is usable
# at once), berth is 192.0.2.2/24 and 2001:db8::2/64. The kernel's tap0
# also gets its link-local fe80:: address and does what Linux does on a new
# link (router solicitations, MLD reports): all of it stays on tap0.
#
# need_v6 FEATURE...: skip (77) unless this berth has the IPv6 features
# the test needs, asked of the stack at run time by v6probe (core, tcp,
# icmp6, ndp; see v6probe.c). While issue 11's pieces are landing, a test
# whose pieces are all there runs and must pass.

need_v6() {
    [ -x "${V6PROBE:-}" ] || fail "V6PROBE is not set to the v6probe program"
    "$V6PROBE" "$@" >"$WORK/v6probe.out" 2>&1
    prc=$?
    [ $prc = 0 ] && return 0
    [ $prc = 77 ] && skip "needs IPv6 data path: berth has $(cat "$WORK/v6probe.out")"
    cat "$WORK/v6probe.out"
    fail "v6probe failed (status $prc)"
}

# setup_ns6 [tap|tun]: setup_ns, then IPv6 on, 2001:db8::1/64 on tap0.
setup_ns6() {
    setup_ns "$@"
    nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 \
        net.ipv6.conf.lo.disable_ipv6=0 net.ipv6.conf.tap0.disable_ipv6=0 || fail "cannot enable IPv6"
    nsx ip -6 addr add 2001:db8::1/64 dev tap0 nodad || fail "cannot add 2001:db8::1/64"
}

# wait_ping6 ADDR SECONDS: the kernel pings ADDR until it answers (berth's
# address is tentative until its DAD is over, about a second).
wait_ping6() {
    i=0
    while ! nsx ping -6 -n -c 1 -W 1 "$1" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -ge "$2" ] && return 1
    done
    return 0 # (the loop's own status is its body's last: the false test above)
}

# tshark6 PCAP FILTER: how many frames of PCAP match the display FILTER.
tshark6() {
    timeout 120 tshark -n -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

# tshark6_check PCAP: besides tshark_check (malformed frames, expert
# errors, UDP/TCP checksums, which covers IPv6's too), every ICMPv6
# checksum good, and berth's NDP seen: its DAD probe (an NS from ::) and
# at least one NA from BERTH6 (default 2001:db8::2).
tshark6_check() {
    tshark_check "$1" "${2:-1}"
    b6=${BERTH6:-2001:db8::2}
    badc=$(tshark6 "$1" 'icmpv6.checksum.status == 0')
    [ "$badc" = 0 ] || fail "$badc ICMPv6 messages with a bad checksum in $1"
    dad=$(tshark6 "$1" "icmpv6.type == 135 && ipv6.src == :: && icmpv6.nd.ns.target_address == $b6")
    na=$(tshark6 "$1" "icmpv6.type == 136 && ipv6.src == $b6")
    say "tshark: berth's DAD probes for $b6: $dad, its neighbour advertisements: $na"
    [ "$dad" -ge 1 ] || fail "no DAD neighbour solicitation for $b6 in $1"
    [ "$na" -ge 1 ] || fail "no neighbour advertisement from $b6 in $1"
}

# snmp6 NAME: the kernel's /proc/net/snmp6 counter NAME in the namespace.
snmp6() {
    nsx cat /proc/net/snmp6 | awk -v n="$1" '$1 == n { print $2 }'
}
