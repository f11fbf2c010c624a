#!/bin/sh
# tcp_bulk6.sh LOSS [MIB]: MIB MiB (default 100) each way over TCP on IPv6
# (issue 11), with LOSS % loss. One connection from the kernel (socat) to
# berth host's echo service on [2001:db8::2]:7: the kernel sends a file of
# random bytes and reads back what berth echoes, so berth receives MIB MiB
# and sends MIB MiB at once. Three sha256 must agree: the file's, the one
# berth logs of what it received, and that of what came back to the
# kernel. Loss: tc netem on the kernel's side of tap0 (kernel -> berth)
# and berth's own driver faults on its output (berth -> kernel; netem has
# no ingress without an ifb device), both LOSS %. Bounded: 240 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib6.sh"
LOSS=${1:-0}
MIB=${2:-100}
require socat sha256sum ping
need_v6 core tcp icmp6 ndp
[ "$LOSS" = 0 ] || command -v tc >/dev/null || say "no tc: loss at berth's driver only"
setup_ns6

SIZE=$((MIB * 1048576))
FAULTS=""
if [ "$LOSS" != 0 ]; then
    if nsx tc qdisc add dev tap0 root netem loss "$LOSS%" 2>"$WORK/tc.err"; then
        FAULTS="--loss $LOSS% --faults out --seed 7"
    else
        # No sch_netem (a CI kernel without the module): berth's driver
        # drops LOSS % both ways instead, what tcp6_bulk.sh does throughout.
        say "tc netem is not available ($(cat "$WORK/tc.err")): berth's driver drops $LOSS% both ways"
        FAULTS="--loss $LOSS% --faults both --seed 7"
    fi
fi
head -c $SIZE /dev/urandom >"$WORK/in.bin"
want=$(sha256sum <"$WORK/in.bin" | cut -d' ' -f1)
# The capture: headers only would do, but berth's pcap writes whole frames;
# at 200+ MiB it is kept only without loss (tshark's check of it is long).
PCAP=""
[ "$LOSS" = 0 ] && PCAP="--pcap $WORK/bulk6.pcap"
# shellcheck disable=SC2086
start_berth host --tap tap0 --addr 2001:db8::2/64 --serve echo:7/tcp --log-conns \
    --conn-buffer 1048576 $PCAP $FAULTS
wait_ping6 2001:db8::2 10 || fail "berth does not answer ping -6 after 10 s"
t0=$(date +%s.%N)
nsx timeout 240 socat -b 65536 -t 60 -T 60 - TCP6:[2001:db8::2]:7 <"$WORK/in.bin" | sha256sum >"$WORK/back.sha" ||
    fail "socat over TCP6 failed"
t1=$(date +%s.%N)
back=$(cut -d' ' -f1 "$WORK/back.sha")
wait_file "$WORK/host.log" '^echo:7/tcp .* closed after' 30 || fail "berth's echo never saw the end"
stop_berth host
line=$(grep '^echo:7/tcp .* closed after' "$WORK/host.log")
got=$(printf '%s' "$line" | sed -n 's/.* sha256 \([0-9a-f]*\).*/\1/p')
bin=$(printf '%s' "$line" | sed -n 's/.*, \([0-9]*\) bytes in .*/\1/p')
bout=$(printf '%s' "$line" | sed -n 's/.*, \([0-9]*\) bytes out.*/\1/p')
secs=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
rate=$(echo "$SIZE $secs" | awk '{ printf "%.1f", $2 > 0 ? $1 / $2 / 1e6 : 0 }')
say "kernel -> berth: $bin bytes, sha256 $got"
say "berth -> kernel: $bout bytes, sha256 $back"
say "file sha256 $want; $MIB MiB each way in $secs s ($rate MB/s each way) at $LOSS % loss"
[ "$bin" = "$SIZE" ] || fail "berth received $bin of $SIZE bytes"
[ "$bout" = "$SIZE" ] || fail "berth sent back $bout of $SIZE bytes"
[ "$got" = "$want" ] || fail "kernel -> berth: sha256 differs"
[ "$back" = "$want" ] || fail "berth -> kernel: sha256 differs"
if [ "$LOSS" != 0 ]; then
    grep -q 'TcpRetransSegs [1-9]' "$WORK/host.log" || fail "loss was injected but berth retransmitted nothing"
    nsx tc -s qdisc show dev tap0 | grep -o 'dropped [0-9]*' | head -1
else
    tshark_check "$WORK/bulk6.pcap" 1000
fi
say "PASS"
