#!/bin/sh
# epoll_echo (edge-triggered connections, one-shot listener) on berth over
# TAP, N (default 200) concurrent kernel clients each echoing 64 KiB:
# bytes equal (sha256), a well-formed capture, and the idle server uses no
# CPU while the clients are connected but quiet.
. "$(dirname "$0")/plib.sh"
require_preload python3
N=${1:-200}
setup_ns

onberth echo "$TESTBIN/epoll_echo" 192.0.2.2 7000
wait_log echo ready
nsx timeout 120 python3 "$(dirname "$0")/clients.py" echo "$N" 192.0.2.2 7000 65536 ||
    { cat "$WORK/echo.log"; fail "echo clients failed"; }

# CPU of the server idle in epoll_wait with N connections open.
ip netns exec "$NS" timeout 30 python3 -c '
import socket, time, sys
s = [socket.create_connection(("192.0.2.2", 7000)) for i in range(int(sys.argv[1]))]
time.sleep(6)' "$N" &
HOLD=$!
sleep 2
t0=$(awk '{print $14 + $15}' /proc/"$(pgrep -f -n "$TESTBIN/epoll_echo")"/stat)
sleep 3
t1=$(awk '{print $14 + $15}' /proc/"$(pgrep -f -n "$TESTBIN/epoll_echo")"/stat)
wait $HOLD
say "idle server with $N open connections: $((t1 - t0)) clock ticks of CPU in 3 s"
[ $((t1 - t0)) -le 3 ] || fail "the idle server used CPU ($((t1 - t0)) ticks in 3 s)"

stop_bg "$BPID" TERM
cat "$WORK/echo.log"
tshark_check "$WORK/echo.pcap" 1000
say "PASS"
