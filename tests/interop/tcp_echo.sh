#!/bin/sh
# berth host's TCP echo and discard services from the kernel's side:
#  - nc and socat round trips through echo:7 (a line; 1 MiB of random bytes);
#  - 40 clients at once, each 256 KiB, with 16 connections served at a time
#    (--max-conns: the rest wait in the listen queue) and 4 KiB of echo
#    buffer per connection (--conn-buffer): every byte must come back;
#  - discard:9 over TCP: berth's sha256 of what it got equals the sender's;
#  - a closed berth port answers a SYN with RST (nc: connection refused).
. "$(dirname "$0")/lib.sh"
require socat nc sha256sum
setup_ns

start_berth host --tap tap0 --addr 192.0.2.2/24 --serve echo:7 --serve discard:9 \
    --max-conns 16 --conn-buffer 4096 --log-conns --pcap "$WORK/tcp_echo.pcap" --seed 1

# nc (netcat-openbsd): -N sends FIN after stdin's EOF, then reads to the end.
out=$(printf 'hello berth\n' | nsx timeout 10 nc -N 192.0.2.2 7)
say "nc got: $out"
[ "$out" = "hello berth" ] || fail "nc: no echo over TCP"

# socat, 1 MiB: -t 10 gives the echo time to come back after our FIN.
head -c 1048576 /dev/urandom >"$WORK/one.bin"
nsx timeout 20 socat -t 10 -b 65536 - TCP:192.0.2.2:7 <"$WORK/one.bin" >"$WORK/one.out" ||
    fail "socat failed"
cmp "$WORK/one.bin" "$WORK/one.out" || fail "1 MiB through echo: not the same bytes"
say "socat: 1 MiB echoed intact ($(sha256sum <"$WORK/one.out" | cut -c1-16)...)"

# 40 concurrent clients.
N=40
head -c 262144 /dev/urandom >"$WORK/c.bin"
i=0
pids=""
while [ $i -lt $N ]; do
    ip netns exec "$NS" timeout 60 socat -t 20 -b 16384 - TCP:192.0.2.2:7 <"$WORK/c.bin" \
        >"$WORK/c.$i.out" 2>"$WORK/c.$i.err" &
    pids="$pids $!"
    i=$((i + 1))
done
PIDS="$PIDS $pids"
nfail=0
for p in $pids; do wait "$p" || nfail=$((nfail + 1)); done
good=0
i=0
while [ $i -lt $N ]; do
    cmp -s "$WORK/c.bin" "$WORK/c.$i.out" && good=$((good + 1))
    i=$((i + 1))
done
say "$N concurrent clients x 256 KiB: $good came back intact, $nfail socat failures"
[ "$good" = "$N" ] || { cat "$WORK"/c.*.err | sort | uniq -c; fail "concurrent echo: $good of $N intact"; }

# discard over TCP: berth logs the sha256 of each connection's bytes.
head -c 3000000 /dev/urandom >"$WORK/d.bin"
want=$(sha256sum <"$WORK/d.bin" | cut -d' ' -f1)
nsx timeout 20 socat -u OPEN:"$WORK/d.bin" TCP:192.0.2.2:9 || fail "socat to discard failed"
wait_file "$WORK/host.log" "discard:9/tcp .* sha256 $want" 10 ||
    { cat "$WORK/host.log"; fail "berth's discard did not log the sender's sha256 $want"; }
say "discard: berth's sha256 of 3000000 bytes matches the sender's"

# A closed port: RST, which the kernel reports as ECONNREFUSED.
nsx timeout 10 nc -v -N -w 3 192.0.2.2 4444 </dev/null >"$WORK/refused.out" 2>&1
cat "$WORK/refused.out"
grep -qi 'refused' "$WORK/refused.out" || fail "no 'connection refused' for a closed berth port"

stop_berth host
conns=$((2 + N))
grep -q "^echo:7/tcp: $conns connections (0 open), \([0-9]*\) bytes in, \1 bytes out, 0 reset, 0 aborted" \
    "$WORK/host.log" || fail "echo:7/tcp should report $conns connections, as many bytes out as in, no error"
grep -q '^discard:9/tcp: 1 connections (0 open), 3000000 bytes in' "$WORK/host.log" ||
    fail "discard:9/tcp should report 1 connection of 3000000 bytes"
grep -q 'TcpOutRsts [1-9]' "$WORK/host.log" || fail "TcpOutRsts should count the RST for port 4444"

TSHARK_OPTS="-d tcp.port==4444,data -d tcp.port==7,data -d tcp.port==9,data" # random bytes: no heuristic dissector may claim them
tshark_check "$WORK/tcp_echo.pcap" 100
n=$(tshark_count "$WORK/tcp_echo.pcap" 'sport == 4444 && rst == 1 && src == "192.0.2.2"')
[ "$n" -ge 1 ] || fail "no RST from berth's port 4444 in the capture"
[ "$(tshark_ffff_from "$WORK/tcp_echo.pcap" 192.0.2.2)" = 0 ] || fail "berth sent TCP checksums 0xffff"
say "PASS"
