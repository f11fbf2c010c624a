#!/bin/sh
# select_chat (one select() over a blocking listener and every client) on
# berth over TAP with N (default 200) concurrent kernel clients: every
# client gets every other client's line; the listener never wedges accept().
. "$(dirname "$0")/plib.sh"
require_preload python3
N=${1:-200}
setup_ns

onberth chat "$TESTBIN/select_chat" 192.0.2.2 7001
wait_log chat ready
nsx timeout 120 python3 "$(dirname "$0")/clients.py" chat "$N" 192.0.2.2 7001 ||
    { cat "$WORK/chat.log"; fail "chat clients failed"; }
stop_bg "$BPID" TERM
cat "$WORK/chat.log"
tshark_check "$WORK/chat.pcap" 1000
say "PASS"
