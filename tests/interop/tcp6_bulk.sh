#!/bin/sh
# tcp6_bulk.sh LOSS [MIB]: TCP over IPv6 between berth (tcp6x.c, a berth
# stack on tap0 at 2001:db8::2/64) and the kernel (2001:db8::1/64 on
# tap0), MIB MiB (default 100) each way, one direction after the other,
# with LOSS % loss (and, when LOSS > 0, 2 % of the frames held back 5 ms)
# injected at berth's TAP driver in both directions:
#   kernel -> berth: socat sends a file of random bytes to berth's [::]:9;
#                    berth prints the sha256 of what it got and the peer
#                    it accepted (native IPv6, not v4-mapped);
#   berth -> kernel: berth sends a pattern stream to a kernel socat on
#                    [2001:db8::1]:5001 whose output goes through sha256sum.
# Both sha256 pairs must be equal; the capture must be well-formed with
# good TCP checksums over IPv6. Only 2001:db8::/64 and fe80::/10 on tap0
# inside the test's own namespace.
. "$(dirname "$0")/lib.sh"
LOSS=${1:-0}
MIB=${2:-100}
require socat sha256sum dumpcap
[ -x "${TCP6X:-}" ] || fail "TCP6X is not set to the tcp6x helper"
setup_ns
# lib.sh turns IPv6 off in the namespace; this test wants it on tap0.
nsx sysctl -qw net.ipv6.conf.tap0.disable_ipv6=0 || fail "cannot enable IPv6 on tap0"
nsx ip -6 addr add 2001:db8::1/64 dev tap0 nodad || fail "kernel address"
TSHARK_OPTS="-d tcp.port==5001,data -d tcp.port==9,data"
SIZE=$((MIB * 1048576))

head -c $SIZE /dev/urandom >"$WORK/in.bin"
want=$(sha256sum <"$WORK/in.bin" | cut -d' ' -f1)
# the kernel's receiver for the second half, and a capture of tap0 (the
# first 1000 frames: enough to judge, small enough to keep)
(ip netns exec "$NS" timeout 200 socat -u TCP6-LISTEN:5001,reuseaddr STDOUT | sha256sum >"$WORK/out.sha") &
kpid=$!
PIDS="$PIDS $kpid"
ip netns exec "$NS" timeout 200 dumpcap -q -i tap0 -c 1000 -w "$WORK/cap.pcap" 2>"$WORK/dumpcap.err" &
PIDS="$PIDS $!"
: >"$WORK/tcp6x.log"
ip netns exec "$NS" timeout 200 "$TCP6X" tap0 "$LOSS" "$MIB" >"$WORK/tcp6x.log" 2>&1 &
bpid=$!
PIDS="$PIDS $bpid"
wait_file "$WORK/tcp6x.log" '^ready$' 15 || { cat "$WORK/tcp6x.log"; fail "tcp6x not ready"; }
nsx timeout 120 socat -u OPEN:"$WORK/in.bin" "TCP6:[2001:db8::2]:9" || fail "socat could not send to berth"
wait $bpid
brc=$?
cat "$WORK/tcp6x.log"
[ $brc -eq 0 ] || fail "tcp6x exited with status $brc"
wait $kpid
rm -f "$WORK/in.bin"
grep -q '^accepted \[2001:db8::1\]:[0-9]* len 28$' "$WORK/tcp6x.log" || fail "berth did not see the kernel as [2001:db8::1]"
got=$(sed -n 's/^in \([0-9]*\) bytes .* sha256 \([0-9a-f]*\)$/\1 \2/p' "$WORK/tcp6x.log")
[ "$got" = "$SIZE $want" ] || fail "kernel -> berth: berth got '$got', sent $SIZE $want"
k=$(cut -d' ' -f1 "$WORK/out.sha")
b=$(sed -n 's/^out \([0-9]*\) bytes .* sha256 \([0-9a-f]*\) retrans.*/\1 \2/p' "$WORK/tcp6x.log")
[ "$b" = "$SIZE $k" ] || fail "berth -> kernel: berth sent '$b', the kernel got $k"
if [ "$LOSS" != 0 ]; then
    grep -q 'retrans [1-9]' "$WORK/tcp6x.log" || fail "loss was injected but berth retransmitted nothing"
fi
sleep 0.3
kill -INT $(ip netns pids "$NS" 2>/dev/null) 2>/dev/null # dumpcap flushes on SIGINT
sleep 0.5
n=$(tshark -r "$WORK/cap.pcap" -Y 'ipv6 && tcp' 2>/dev/null | wc -l)
[ "$n" -gt 100 ] || fail "only $n TCP over IPv6 frames in the capture"
tshark_check "$WORK/cap.pcap" 100
say "$(grep '^in ' "$WORK/tcp6x.log" | sed 's/ sha256.*//'); $(grep '^out ' "$WORK/tcp6x.log" | sed 's/ sha256 [0-9a-f]*//') at $LOSS % loss"
say PASS
