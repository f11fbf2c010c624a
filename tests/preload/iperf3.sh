#!/bin/sh
# iperf3, unmodified, on berth (LD_PRELOAD) over TAP against the kernel's
# iperf3, both directions: first 20 MB each way with a capture checked by
# tshark, then SECONDS (default 3) seconds each way without a capture, beside
# iperf3 kernel-to-kernel over a veth pair between two namespaces in the
# same run. Prints the throughputs and berth's ratio to the veth figure.
. "$(dirname "$0")/plib.sh"
require_preload iperf3 python3
SECS=${1:-3}
setup_ns
NS2="$NS-peer"
trap 'ip netns del "$NS2" 2>/dev/null; cleanup' EXIT

mbps() { # mbps JSONFILE: receiver's bits per second, in Mbit/s
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.0f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))' "$1"
}
kserver() { # kserver ADDR: one-shot kernel iperf3 server in the namespace
    ip netns exec "$NS" timeout 60 iperf3 -s -1 -B "$1" >/dev/null 2>&1 &
    PIDS="$PIDS $!"
    sleep 0.5
}

# 1. 20 MB each way, captured.
kserver 192.0.2.1
onberth_fg client20 iperf3 -c 192.0.2.1 -n 20M -J >"$WORK/c20.json" 2>&1 || { cat "$WORK/c20.json"; fail "iperf3 client on berth"; }
onberth server20 iperf3 -s -1 -B 192.0.2.2
sleep 1
nsx timeout 60 iperf3 -c 192.0.2.2 -n 20M -J >"$WORK/s20.json" 2>&1 || { cat "$WORK/s20.json"; fail "kernel iperf3 client to berth"; }
wait "$BPID" || fail "iperf3 server on berth exited with $?"
say "20 MB: berth -> kernel $(mbps "$WORK/c20.json") Mbit/s, kernel -> berth $(mbps "$WORK/s20.json") Mbit/s (captured)"
export TSHARK_OPTS="-d tcp.port==5201,data"
tshark_check "$WORK/client20.pcap" 1000
tshark_check "$WORK/server20.pcap" 1000

# 2. Timed, no capture.
export NOPCAP=1
kserver 192.0.2.1
onberth_fg client iperf3 -c 192.0.2.1 -t "$SECS" -J >"$WORK/c.json" 2>&1 || { cat "$WORK/c.json"; fail "iperf3 client on berth"; }
onberth server iperf3 -s -1 -B 192.0.2.2
sleep 1
nsx timeout 60 iperf3 -c 192.0.2.2 -t "$SECS" -J >"$WORK/s.json" 2>&1 || { cat "$WORK/s.json"; fail "kernel iperf3 client to berth"; }
wait "$BPID"
up=$(mbps "$WORK/c.json")
down=$(mbps "$WORK/s.json")

# 3. Kernel to kernel over veth, same run.
ip netns add "$NS2" || fail "cannot create $NS2"
ip link add vb0 netns "$NS" type veth peer name vb1 netns "$NS2" || fail "veth"
nsx ip addr add 198.51.100.1/24 dev vb0
nsx ip link set vb0 up
ip netns exec "$NS2" ip link set lo up
ip netns exec "$NS2" ip addr add 198.51.100.2/24 dev vb1
ip netns exec "$NS2" ip link set vb1 up
ip netns exec "$NS2" timeout 60 iperf3 -s -1 -B 198.51.100.2 >/dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 0.5
nsx timeout 60 iperf3 -c 198.51.100.2 -t "$SECS" -J >"$WORK/v.json" 2>&1 || { cat "$WORK/v.json"; fail "veth iperf3"; }
veth=$(mbps "$WORK/v.json")
say "iperf3 ${SECS} s: berth (preload, TAP) -> kernel $up Mbit/s; kernel -> berth $down Mbit/s; kernel -> kernel (veth) $veth Mbit/s"
say "ratio to veth: $(python3 -c "print('%.2f / %.2f' % ($up / $veth, $down / $veth))")"
[ "$up" -gt 0 ] && [ "$down" -gt 0 ] || fail "no throughput"
say "PASS"
