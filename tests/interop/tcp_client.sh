#!/bin/sh
# berth as the TCP client (berth tcp) against the kernel:
#  - to a kernel socat sink: 8 MiB from berth, sha256 equal on both sides;
#  - from a kernel socat source: 8 MiB of random bytes to berth (--sink),
#    sha256 equal;
#  - through a kernel echo (socat PIPE) behind the gateway: 8 MiB each way
#    at once, every byte compared, sha256 of what went and came equal;
#  - to a closed kernel port: the kernel's RST makes connect() fail with
#    ECONNREFUSED;
#  - to an address whose SYNs vanish (a blackhole route on the kernel side):
#    ETIMEDOUT from the stack after TCP_SYNCNT=1 (2 SYNs, 3 s), and from
#    --connect-timeout 1 (the tool's own deadline);
#  - to an on-link address nobody answers ARP for: EHOSTUNREACH once ARP
#    gave up (3 requests, 3 s), as the kernel's connect() says.
. "$(dirname "$0")/lib.sh"
require socat sha256sum
setup_ns
nsx ip route add blackhole 198.51.100.99/32

SIZE=8388608
TSHARK_OPTS="-d tcp.port==5001,data -d tcp.port==5002,data -d tcp.port==5003,data -d tcp.port==5999,data -d tcp.port==80,data"

bclient() { # bclient NAME ARGS...: berth tcp in the namespace, log in $WORK/NAME.log
    name=$1
    shift
    nsx timeout 60 "$BERTH" tcp --tap tap0 --addr 192.0.2.2/24 --pcap "$WORK/$name.pcap" "$@" \
        >"$WORK/$name.log" 2>&1
    r=$?
    say "--- berth tcp ($name): exit $r ---"
    grep -v '^  ' "$WORK/$name.log"
    return $r
}
sha_of() { sed -n "s/^$1 sha256 \([0-9a-f]*\)$/\1/p" "$2"; }

# berth -> kernel
(ip netns exec "$NS" timeout 60 socat -u TCP-LISTEN:5001,reuseaddr STDOUT | sha256sum >"$WORK/k1.sha") &
kpid=$!
PIDS="$PIDS $kpid"
sleep 0.3
bclient send --to 192.0.2.1:5001 --send-bytes $SIZE --sha256 || fail "berth tcp --send-bytes"
wait $kpid
k=$(cut -d' ' -f1 "$WORK/k1.sha")
b=$(sha_of sent "$WORK/send.log")
say "berth sent sha256 $b, the kernel got $k"
[ -n "$b" ] && [ "$b" = "$k" ] || fail "berth -> kernel: sha256 differs"
grep -q "^sent $SIZE bytes" "$WORK/send.log" || fail "berth did not send $SIZE bytes"
tshark_check "$WORK/send.pcap" 1000

# kernel -> berth
head -c $SIZE /dev/urandom >"$WORK/src.bin"
want=$(sha256sum <"$WORK/src.bin" | cut -d' ' -f1)
ip netns exec "$NS" timeout 60 socat -u OPEN:"$WORK/src.bin" TCP-LISTEN:5002,reuseaddr >/dev/null 2>&1 &
kpid=$!
PIDS="$PIDS $kpid"
sleep 0.3
bclient sink --to 192.0.2.1:5002 --sink --sha256 || fail "berth tcp --sink"
wait $kpid
b=$(sha_of received "$WORK/sink.log")
say "the kernel sent sha256 $want, berth got $b"
[ "$b" = "$want" ] || fail "kernel -> berth: sha256 differs"
grep -q "received $SIZE bytes" "$WORK/sink.log" || fail "berth did not receive $SIZE bytes"
tshark_check "$WORK/sink.pcap" 1000

# both ways at once, through the gateway to a kernel echo
# -b 4096: a write of at most PIPE_BUF never blocks on a pipe poll() calls
# writable; with socat's default 8192 its PIPE can fill while socat itself
# is blocked writing into it, and the echo deadlocks (a socat artefact).
ip netns exec "$NS" timeout 60 socat -b 4096 TCP-LISTEN:5003,bind=198.51.100.1,reuseaddr PIPE >/dev/null 2>&1 &
kpid=$!
PIDS="$PIDS $kpid"
sleep 0.3
bclient echo --route 198.51.100.0/24 via 192.0.2.1 --to 198.51.100.1:5003 --send-bytes $SIZE \
    --expect-echo --sha256 || fail "berth tcp --expect-echo through the gateway"
wait $kpid
grep -q "^echo: all $SIZE bytes came back intact" "$WORK/echo.log" || fail "echo not intact"
[ "$(sha_of sent "$WORK/echo.log")" = "$(sha_of received "$WORK/echo.log")" ] ||
    fail "echo: sha256 of what came back differs"
tshark_check "$WORK/echo.pcap" 1000

# a closed kernel port: RST -> ECONNREFUSED
bclient refused --to 192.0.2.1:5999 --expect-error ECONNREFUSED || fail "no ECONNREFUSED"
grep -q '^connect 192.0.2.1:5999: ECONNREFUSED' "$WORK/refused.log" || fail "connect did not report ECONNREFUSED"
tshark_check "$WORK/refused.pcap" 2
n=$(tshark_count "$WORK/refused.pcap" 'src == "192.0.2.1" && sport == 5999 && rst == 1')
# One RST per SYN that reached the kernel. Usually one SYN; two when the
# first ARP request went unanswered (the kernel's side just came up): the SYN
# waits in the neighbour queue, its 1 s retransmission joins it, and both
# leave when ARP resolves (as in Linux's arp_queue). connect() fails at the
# first RST either way.
[ "$n" -ge 1 ] 2>/dev/null && [ "$n" -le 2 ] || fail "expected the kernel's RST (one per SYN) in the capture, saw $n"

# SYNs into a blackhole: the stack gives up after TCP_SYNCNT retries...
t0=$(date +%s)
bclient syncnt --route 198.51.100.0/24 via 192.0.2.1 --to 198.51.100.99:80 --syncnt 1 \
    --expect-error ETIMEDOUT || fail "no ETIMEDOUT after TCP_SYNCNT=1"
t=$(($(date +%s) - t0))
grep -q '^connect 198.51.100.99:80: ETIMEDOUT .* after [23]\.' "$WORK/syncnt.log" ||
    fail "connect should fail with ETIMEDOUT after about 3 s (SYN at 0 and 1 s, give up at 3 s)"
tshark_check "$WORK/syncnt.pcap" 2
n=$(tshark_count "$WORK/syncnt.pcap" 'syn == 1 && dport == 80')
say "SYNs sent with TCP_SYNCNT=1: $n (in ${t} s)"
[ "$n" = 2 ] || fail "expected 2 SYNs (one retry), saw $n"
# ...or the tool's own deadline ends the wait.
bclient deadline --route 198.51.100.0/24 via 192.0.2.1 --to 198.51.100.99:80 --connect-timeout 1 \
    --expect-error ETIMEDOUT || fail "no ETIMEDOUT after --connect-timeout 1"
grep -q 'ETIMEDOUT (no connection within --connect-timeout 1 s)' "$WORK/deadline.log" ||
    fail "--connect-timeout message"
tshark_check "$WORK/deadline.pcap" 1
# Nobody answers ARP for the address: after 3 requests ARP gives up, and the
# host unreachable it reports fails connect() in SYN-SENT with EHOSTUNREACH,
# as the kernel's own connect() does from the same wire.
# (The kernel tries 192.0.2.98 meanwhile: its ARP requests do not disturb.)
ip netns exec "$NS" timeout 20 nc -v -w 10 192.0.2.98 80 </dev/null >"$WORK/kernel-noarp.out" 2>&1 &
kpid=$!
PIDS="$PIDS $kpid"
bclient noarp --to 192.0.2.99:80 --expect-error EHOSTUNREACH || fail "no EHOSTUNREACH after ARP failed"
tshark_check "$WORK/noarp.pcap" 3
n=$(tshark_count "$WORK/noarp.pcap" 'arpop == 1 && arpdst == "192.0.2.99"')
[ "$n" = 3 ] || fail "expected 3 ARP requests for 192.0.2.99, saw $n"
wait $kpid
say "the kernel, the same way: $(cat "$WORK/kernel-noarp.out")"
grep -q 'No route to host' "$WORK/kernel-noarp.out" || fail "the kernel's nc did not see EHOSTUNREACH"

[ "$(cat "$WORK"/*.pcap.fields | awk -F'\t' '$7 == "0" && $8 == "0xffff" && $9 == "192.0.2.2"' | wc -l)" = 0 ] ||
    fail "berth sent TCP checksums 0xffff"
say "PASS"
