#!/bin/sh
# UDP over IPv6 with fragmentation both ways (issue 11): datagrams of 1400
# (one packet), 3000, 20000 and 65000 bytes (45 fragments at MTU 1500)
# from the kernel to berth host's echo service and back. The kernel
# fragments, berth reassembles and fragments its echo, the kernel
# reassembles; each must come back intact. Both sides' counters must show
# it: the kernel's Ip6FragCreates / Ip6ReasmOKs in /proc/net/snmp6, berth's
# reassemblies and fragments among its counters.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib6.sh"
require socat ping cmp
need_v6 core icmp6 ndp
setup_ns6

start_berth host --tap tap0 --addr 2001:db8::2/64 --serve echo:7/udp --pcap "$WORK/frag6.pcap" --seed 1
wait_ping6 2001:db8::2 10 || fail "berth does not answer ping -6 after 10 s"
k_frag0=$(snmp6 Ip6FragCreates)
k_reasm0=$(snmp6 Ip6ReasmOKs)
n=0
for size in 1400 3000 20000 65000; do
    head -c $size /dev/urandom >"$WORK/d$size.bin"
    nsx timeout 10 socat -T 3 -b 65536 - UDP6:[2001:db8::2]:7 <"$WORK/d$size.bin" >"$WORK/d$size.out"
    cmp "$WORK/d$size.bin" "$WORK/d$size.out" || fail "the $size-byte datagram did not come back intact"
    say "$size-byte datagram echoed intact over IPv6"
    n=$((n + 1))
done
k_frag=$(($(snmp6 Ip6FragCreates) - k_frag0))
k_reasm=$(($(snmp6 Ip6ReasmOKs) - k_reasm0))
say "kernel: $k_frag fragments created, $k_reasm datagrams reassembled"
# 3000: 3 fragments, 20000: 14, 65000: 45 -> 62 each way
[ "$k_frag" -ge 62 ] || fail "the kernel created only $k_frag fragments (62 expected)"
[ "$k_reasm" -ge 3 ] || fail "the kernel reassembled only $k_reasm of berth's datagrams (3 expected)"
stop_berth host
grep -q "echo:7/udp: $n datagrams, .* $n replies" "$WORK/host.log" || fail "echo should count $n datagrams and replies"
grep -Eq 'Ip6ReasmOKs 3$' "$WORK/host.log" || fail "berth's Ip6ReasmOKs should be 3"
grep -Eq 'Ip6FragOKs 3$' "$WORK/host.log" || fail "berth's Ip6FragOKs should be 3"
tshark6_check "$WORK/frag6.pcap" 100
frags=$(tshark6 "$WORK/frag6.pcap" 'ipv6.src == 2001:db8::2 && ipv6.fraghdr')
say "berth sent $frags fragments"
[ "$frags" -ge 62 ] || fail "berth sent only $frags fragments (62 expected)"
say "PASS"
