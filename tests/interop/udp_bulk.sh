#!/bin/sh
# udp_bulk.sh LOSS: a bounded UDP exchange each way between berth and the
# kernel — 10000 numbered datagrams of 1000 bytes at 20000/s — with LOSS %
# loss (and, when LOSS > 0, 2 % reordering) injected at berth's driver.
#   kernel -> berth: udpx sends to berth's discard service, which saves
#                    what it gets; berth prints the sha256 of it.
#   berth -> kernel: berth udp sends to a kernel socket (udpx recv).
# The receiving side's file is judged datagram by datagram (udpx check):
# with 0 % nothing may be missing, duplicated, reordered or damaged and the
# sha256 must equal the sender's; with loss, only loss and reordering are
# allowed, in plausible amounts.
. "$(dirname "$0")/lib.sh"
LOSS=${1:-0}
require ping
[ -x "${UDPX:-}" ] || fail "UDPX is not set to the udpx helper"
setup_ns

N=10000
SIZE=1000
RATE=20000
FAULTS=""
[ "$LOSS" != 0 ] && FAULTS="--loss $LOSS% --reorder 2% --reorder-delay 5 --seed 7"
want=$("$UDPX" expect $N $SIZE)
say "pattern of $N x $SIZE bytes: sha256 $want"

# check FILE DIRECTION: judge a received file.
check() {
    "$UDPX" check "$1" $SIZE $N >"$1.check"
    crc=$?
    cat "$1.check"
    [ $crc -eq 0 ] || fail "$2: damaged datagrams"
    line=$(cat "$1.check")
    missing=$(printf '%s' "$line" | sed -n 's/.*(\([0-9]*\) missing).*/\1/p')
    dups=$(printf '%s' "$line" | sed -n 's/.*, \([0-9]*\) duplicated.*/\1/p')
    ooo=$(printf '%s' "$line" | sed -n 's/.*, \([0-9]*\) out of order.*/\1/p')
    sha=$(printf '%s' "$line" | sed -n 's/.*sha256 \([0-9a-f]*\).*/\1/p')
    [ "$dups" = 0 ] || fail "$2: $dups duplicated datagrams"
    if [ "$LOSS" = 0 ]; then
        [ "$missing" = 0 ] || fail "$2: $missing datagrams lost with no loss injected"
        [ "$ooo" = 0 ] || fail "$2: $ooo datagrams out of order"
        [ "$sha" = "$want" ] || fail "$2: sha256 differs from the sender's"
    else
        lo=$((N * LOSS / 200))
        hi=$((N * LOSS * 2 / 100 + 50))
        [ "$missing" -ge "$lo" ] && [ "$missing" -le "$hi" ] ||
            fail "$2: $missing missing, expected $lo..$hi at $LOSS % loss"
        [ "$ooo" -gt 0 ] || fail "$2: reordering was injected but nothing arrived out of order"
    fi
    say "$2: ok ($missing missing, $ooo out of order)"
}

# --- kernel -> berth ---
start_berth in --tap tap0 --addr 192.0.2.2/24 --serve discard:9 --save-discard "$WORK/in.bin" \
    --rcvbuf 33554432 --pcap "$WORK/in.pcap" $FAULTS
nsx timeout 10 ping -c 1 -i 0.2 -w 8 192.0.2.2 >/dev/null || fail "berth does not answer ping"
nsx timeout 60 "$UDPX" send 192.0.2.2 9 $N $SIZE $RATE || fail "udpx send failed"
sleep 1
stop_berth in
bsha=$(sed -n 's/^discard:9\/udp: .* sha256 \([0-9a-f]*\).*/\1/p' "$WORK/in.log")
check "$WORK/in.bin" "kernel->berth"
got=$(sha256sum "$WORK/in.bin" | cut -d' ' -f1)
[ "$bsha" = "$got" ] || fail "berth's sha256 ($bsha) is not that of what it saved ($got)"
tshark_check "$WORK/in.pcap" 1000

# --- berth -> kernel ---
: >"$WORK/recv.log"
ip netns exec "$NS" timeout 90 "$UDPX" recv 5001 $SIZE $N "$WORK/out.bin" 3000 80000 >"$WORK/recv.log" 2>&1 &
rpid=$!
PIDS="$PIDS $rpid"
wait_file "$WORK/recv.log" '^ready' 10 || fail "udpx recv did not start"
# shellcheck disable=SC2086
nsx timeout 120 "$BERTH" udp --tap tap0 --addr 192.0.2.2/24 --to 192.0.2.1:5001 --count $N \
    --size $SIZE --pps $RATE --resolve --pcap "$WORK/out.pcap" $FAULTS >"$WORK/client.log" 2>&1
crc=$?
cat "$WORK/client.log"
[ $crc -eq 0 ] || fail "berth udp exited with status $crc"
wait $rpid
cat "$WORK/recv.log"
check "$WORK/out.bin" "berth->kernel"
csha=$(sed -n 's/^sent .* sha256 \([0-9a-f]*\)$/\1/p' "$WORK/client.log")
[ "$csha" = "$want" ] || fail "berth sent something else than the pattern"
tshark_check "$WORK/out.pcap" 1000
say "PASS"
