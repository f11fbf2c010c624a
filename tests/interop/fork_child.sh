#!/bin/sh
# fork() with a berth TCP connection on a TAP device (tests/interop/forkx.c):
# the child's copy of the stack must not put its own segments for the
# parent's connection on the wire (tap.c mutes the device in a child), so
# the kernel receives exactly the parent's bytes and no reset.
. "$(dirname "$0")/lib.sh"
require socat dumpcap
setup_ns
TSHARK_OPTS="-d tcp.port==5005,data"

# the kernel's side of the wire, captured from tap0
ip netns exec "$NS" timeout 40 dumpcap -q -i tap0 -w "$WORK/cap.pcap" 2>"$WORK/dumpcap.err" &
PIDS="$PIDS $!"
(ip netns exec "$NS" timeout 30 socat -u TCP-LISTEN:5005,reuseaddr STDOUT >"$WORK/got.txt") &
kpid=$!
PIDS="$PIDS $kpid"
sleep 0.3
nsx timeout 30 "$FORKX" tap0 192.0.2.1 5005 >"$WORK/forkx.log" 2>&1 || {
    cat "$WORK/forkx.log"
    fail "forkx"
}
wait $kpid
cat "$WORK/forkx.log"
say "the kernel got: $(tr '\n' ' ' <"$WORK/got.txt")"
[ "$(cat "$WORK/got.txt")" = "$(printf 'parent-1\nparent-2')" ] || fail "the kernel got other bytes"
sleep 0.5
kill -INT $(ip netns pids "$NS" 2>/dev/null) 2>/dev/null # dumpcap flushes on SIGINT
sleep 0.5
n=$(tshark -r "$WORK/cap.pcap" -Y 'tcp.flags.reset == 1' 2>/dev/null | wc -l)
[ "$n" = 0 ] || fail "$n resets on the wire"
n=$(tshark -r "$WORK/cap.pcap" -Y 'tcp.payload contains "child"' 2>/dev/null | wc -l)
[ "$n" = 0 ] || fail "the child's bytes reached the wire"
tshark_check "$WORK/cap.pcap" 5
say PASS
