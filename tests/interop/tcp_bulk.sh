#!/bin/sh
# tcp_bulk.sh LOSS [MIB_IN [MIB_OUT]]: MIB_IN MiB (default 100) kernel ->
# berth and MIB_OUT MiB (default MIB_IN) berth -> kernel over TCP, with
# LOSS % loss (and, when LOSS > 0, 2 % of the frames held back 5 ms:
# reordering) injected at berth's driver, in both directions (data and ACKs
# alike).
#   kernel -> berth: socat sends a file of random bytes to berth host's
#                    discard service, which logs the sha256 of what it got;
#   berth -> kernel: berth tcp sends its pattern stream to a kernel socat
#                    whose output goes through sha256sum.
# The sha256 on both sides must be equal; the throughput of each direction
# goes to the log (MB = 10^6 bytes, from connection to close).
. "$(dirname "$0")/lib.sh"
LOSS=${1:-0}
MIB=${2:-100}
MIB_OUT=${3:-$MIB}
require socat sha256sum
setup_ns

SIZE=$((MIB * 1048576))
OUT_SIZE=$((MIB_OUT * 1048576))
FAULTS=""
[ "$LOSS" != 0 ] && FAULTS="--loss $LOSS% --reorder 2% --reorder-delay 5 --seed 7"
TSHARK_OPTS="-d tcp.port==5001,data -d tcp.port==9,data"

# --- kernel -> berth ---
head -c $SIZE /dev/urandom >"$WORK/in.bin"
want=$(sha256sum <"$WORK/in.bin" | cut -d' ' -f1)
# shellcheck disable=SC2086
start_berth in --tap tap0 --addr 192.0.2.2/24 --serve discard:9/tcp --log-conns \
    --pcap "$WORK/in.pcap" $FAULTS
nsx timeout 60 socat -u OPEN:"$WORK/in.bin" TCP:192.0.2.2:9 || fail "socat could not send to berth"
wait_file "$WORK/in.log" '^discard:9/tcp .* closed after' 30 || fail "berth's discard never saw the end"
stop_berth in
line=$(grep '^discard:9/tcp .* closed after' "$WORK/in.log")
got=$(printf '%s' "$line" | sed -n 's/.* sha256 \([0-9a-f]*\).*/\1/p')
bytes=$(printf '%s' "$line" | sed -n 's/.*, \([0-9]*\) bytes in .*/\1/p')
in_rate=$(printf '%s' "$line" | sed -n 's/.*bytes in (\([0-9.]*\) MB\/s).*/\1/p')
in_secs=$(printf '%s' "$line" | sed -n 's/.*closed after \([0-9.]*\) s.*/\1/p')
say "kernel -> berth: $bytes bytes in $in_secs s ($in_rate MB/s), sha256 $got"
[ "$bytes" = "$SIZE" ] || fail "kernel -> berth: berth got $bytes of $SIZE bytes"
[ "$got" = "$want" ] || fail "kernel -> berth: berth's sha256 $got, the file's $want"
rm -f "$WORK/in.bin"
# Under loss, berth's sending below mostly waits for timers: tshark judges
# the first capture meanwhile (its TCP analysis of 160k lossy frames takes
# 5-15 s). Without loss the transfer is CPU-bound and is measured alone.
if [ "$LOSS" != 0 ]; then
    (tshark_check "$WORK/in.pcap" 1000) >"$WORK/in.tshark" 2>&1 &
    tpid=$!
    PIDS="$PIDS $tpid"
else
    tshark_check "$WORK/in.pcap" 1000
fi

# --- berth -> kernel ---
(ip netns exec "$NS" timeout 90 socat -u TCP-LISTEN:5001,reuseaddr STDOUT | sha256sum >"$WORK/out.sha") &
kpid=$!
PIDS="$PIDS $kpid"
sleep 0.3
# shellcheck disable=SC2086
nsx timeout 90 "$BERTH" tcp --tap tap0 --addr 192.0.2.2/24 --to 192.0.2.1:5001 --send-bytes $OUT_SIZE \
    --sha256 --timeout 20 --pcap "$WORK/out.pcap" $FAULTS >"$WORK/out.log" 2>&1
crc=$?
cat "$WORK/out.log"
[ $crc -eq 0 ] || fail "berth tcp exited with status $crc"
wait $kpid
k=$(cut -d' ' -f1 "$WORK/out.sha")
b=$(sed -n 's/^sent sha256 \([0-9a-f]*\)$/\1/p' "$WORK/out.log")
line=$(grep '^sent [0-9]* bytes, received' "$WORK/out.log")
out_rate=$(printf '%s' "$line" | sed -n 's/.*(\([0-9.]*\) MB\/s out.*/\1/p')
out_secs=$(printf '%s' "$line" | sed -n 's/.* in \([0-9.]*\) s .*/\1/p')
say "berth -> kernel: $OUT_SIZE bytes in $out_secs s ($out_rate MB/s), sha256 $b (kernel: $k)"
grep -q "^sent $OUT_SIZE bytes" "$WORK/out.log" || fail "berth -> kernel: not all $OUT_SIZE bytes sent"
[ -n "$b" ] && [ "$b" = "$k" ] || fail "berth -> kernel: sha256 differs"
if [ "$LOSS" != 0 ]; then
    grep -q 'TcpRetransSegs [1-9]' "$WORK/out.log" || fail "loss was injected but berth retransmitted nothing"
fi
if [ "$LOSS" != 0 ]; then
    wait $tpid
    trc=$?
    cat "$WORK/in.tshark"
    [ $trc -eq 0 ] || fail "tshark's check of in.pcap failed"
fi
tshark_check "$WORK/out.pcap" 1000
[ "$(tshark_ffff_from "$WORK/out.pcap" 192.0.2.2)" = 0 ] && [ "$(tshark_ffff_from "$WORK/in.pcap" 192.0.2.2)" = 0 ] ||
    fail "berth sent TCP checksums 0xffff"
say "throughput at $LOSS % loss: kernel -> berth $in_rate MB/s ($MIB MiB), berth -> kernel $out_rate MB/s ($MIB_OUT MiB)"
say "PASS"
