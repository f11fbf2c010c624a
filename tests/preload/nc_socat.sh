#!/bin/sh
# nc and socat, unmodified, on berth (LD_PRELOAD) over TAP against the
# kernel's nc and socat: berth as client and as server with each tool, and
# socat's forking echo server (fork + exec of cat: the child's descriptors
# reach the parent's berth socket). 1 MB each time, sha256 compared.
. "$(dirname "$0")/plib.sh"
require_preload nc socat
setup_ns

head -c 1048576 /dev/urandom >"$WORK/data"
want=$(sha256_of "$WORK/data")
check() { # check FILE WHAT
    got=$(sha256_of "$1")
    [ "$got" = "$want" ] || fail "$2: sha256 $got, sent $want ($(wc -c <"$1") bytes)"
    say "$2: 1 MB, sha256 equal"
}
kbg() { # a kernel-side program in the background
    ip netns exec "$NS" timeout 60 "$@" &
    KPID=$!
    PIDS="$PIDS $KPID"
}
wait_listen() { # wait_listen PORT: the kernel's listener is up
    i=0
    until nsx ss -ltn | grep -q ":$1 "; do
        i=$((i + 1))
        [ $i -gt 50 ] && fail "no kernel listener on $1"
        sleep 0.1
    done
}

# 1. nc on berth -> kernel socat
rm -f "$WORK/r1"
kbg socat -u TCP-LISTEN:9001,reuseaddr OPEN:"$WORK/r1",creat,trunc
wait_listen 9001
onberth_fg nc1 nc -N 192.0.2.1 9001 <"$WORK/data" || fail "nc on berth failed"
wait "$KPID"
check "$WORK/r1" "nc (berth, client) -> socat (kernel)"

# 2. kernel nc -> socat on berth
rm -f "$WORK/r2"
onberth socat2 socat -u TCP-LISTEN:9002,bind=192.0.2.2,reuseaddr OPEN:"$WORK/r2",creat,trunc
sleep 0.5
nsx timeout 30 nc -N 192.0.2.2 9002 <"$WORK/data" || fail "kernel nc to berth's socat failed"
wait "$BPID" || fail "socat on berth exited with $?"
check "$WORK/r2" "nc (kernel) -> socat (berth, server)"

# 3. kernel socat -> nc -l on berth
rm -f "$WORK/r3"
onberth nc3 sh -c "exec nc -l 192.0.2.2 9003 >'$WORK/r3'"
sleep 0.5
nsx timeout 30 socat -u OPEN:"$WORK/data" TCP:192.0.2.2:9003 || fail "kernel socat to berth's nc failed"
wait "$BPID"
check "$WORK/r3" "socat (kernel) -> nc -l (berth, server)"

# 4. socat on berth -> kernel nc -l
rm -f "$WORK/r4"
kbg sh -c "exec nc -l 192.0.2.1 9004 >'$WORK/r4'"
wait_listen 9004
onberth_fg socat4 socat -u OPEN:"$WORK/data" TCP:192.0.2.1:9004 || fail "socat on berth failed"
wait "$KPID"
check "$WORK/r4" "socat (berth, client) -> nc -l (kernel)"

# 5. socat's forking echo server on berth: accept in the parent, fork, exec cat
rm -f "$WORK/r5"
onberth socat5 socat TCP-LISTEN:9005,bind=192.0.2.2,reuseaddr,fork EXEC:cat
sleep 0.5
for i in 1 2 3; do
    nsx timeout 30 socat -t 10 - TCP:192.0.2.2:9005 <"$WORK/data" >"$WORK/r5" || fail "echo $i through socat fork+exec failed"
    check "$WORK/r5" "socat fork+EXEC:cat echo (berth) round $i"
done
stop_bg "$BPID" TERM

# Random payload is data, not a protocol a heuristic dissector guesses.
export TSHARK_OPTS="-d tcp.port==9001-9005,data --disable-protocol thrift"
for p in nc1 socat2 nc3 socat4 socat5; do
    tshark_check "$WORK/$p.pcap" 10
done
say "PASS"
