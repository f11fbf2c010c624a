#!/bin/sh
# board.sh — the mps2-an386 firmware (boards/mps2-an386/) booted in QEMU on
# a TAP device, checked from the kernel's side:
#  - it boots and prints "ready" on UART0;
#  - ping 192.0.2.2 is answered, and the kernel's ARP entry for it carries
#    the MAC address the firmware reports;
#  - UDP echo on port 7 (a short datagram and a 1400-byte one);
#  - 1 MiB of random bytes through TCP echo on port 7 comes back with the
#    same sha256 (the time it takes is printed: throughput under QEMU);
#  - the firmware's TCP client reaches a kernel listener on 192.0.2.1:7070,
#    which gets the firmware's message, and the firmware logs the reply;
#  - tshark finds no malformed frame, no bad checksum and no expert error
#    in a capture of the TAP device;
#  - bad input (after the capture): malformed frames of eleven kinds
#    (badframes.c) are dropped without an answer and counted in the
#    counters Linux uses (the firmware reports them on UDP port 9000), and
#    the board still answers ping and UDP echo afterwards.
# The namespace (tests/interop/lib.sh: setup_ns, cleanup) holds the TAP
# device, QEMU, the capture and every kernel-side tool; all of it goes when
# the test ends, whatever happens. Every wait is bounded.
#
# Environment: FIRMWARE (the .elf), FIRMWARE_FAILED (present if its build
# failed: build_firmware.sh), BADFRAMES (tests/board/badframes), WORK (a directory for logs, the UART
# output and the capture). Exit 77 without root, /dev/net/tun, QEMU or the
# firmware (not built: no arm-none-eabi-gcc).
. "$(dirname "$0")/../interop/lib.sh"

[ "$(id -u)" = 0 ] || skip "the board test needs root (network namespace, TAP device)"
[ -c /dev/net/tun ] || skip "the board test needs /dev/net/tun (the tun driver)"
for t in qemu-system-arm ip timeout tshark dumpcap socat ping sha256sum; do
    command -v "$t" >/dev/null 2>&1 ||
        skip "the board test needs '$t' (Debian: apt-get install qemu-system-arm iproute2 tshark socat iputils-ping coreutils)"
done
if [ -n "${FIRMWARE_FAILED:-}" ] && [ -f "$FIRMWARE_FAILED" ]; then
    grep -E 'error|Error' "$FIRMWARE_FAILED" | head -20
    fail "the firmware did not build (log: $FIRMWARE_FAILED)"
fi
[ -n "${FIRMWARE:-}" ] && [ -f "$FIRMWARE" ] ||
    skip "no firmware at '${FIRMWARE:-}' (built only when arm-none-eabi-gcc is installed and BERTH_FIRMWARE is on; Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi)"
[ -x "${BADFRAMES:-}" ] || fail "BADFRAMES is not set to the badframes program"
mkdir -p "$WORK" || fail "cannot create $WORK"
rm -f "$WORK"/uart.log "$WORK"/board.pcap* "$WORK"/client.* "$WORK"/c.*

MAC=52:54:00:0b:0a:0d # the NIC's EEPROM address, which the firmware adopts
CLIENT_PORT=7070
CLIENT_MSG="hello from berth on mps2-an386"
REPLY="hello from the kernel"

setup_ns

# The capture, on the kernel's end of the TAP device; dumpcap says
# "Capturing on" once it is.
nsx timeout 300 dumpcap -q -i tap0 -w "$WORK/board.pcap" 2>"$WORK/dumpcap.log" &
DPID=$!
PIDS="$PIDS $DPID"
wait_file "$WORK/dumpcap.log" "Capturing on" 10 || { cat "$WORK/dumpcap.log"; fail "dumpcap did not start"; }

# The listener for the firmware's client: one connection, it records the
# first line it gets and answers with another.
cat >"$WORK/client.sh" <<EOS
#!/bin/sh
IFS= read -r line
printf '%s\n' "\$line" >"$WORK/client.got"
printf '%s\n' "$REPLY"
EOS
chmod +x "$WORK/client.sh"
nsx timeout 120 socat -T 20 TCP-LISTEN:$CLIENT_PORT,bind=192.0.2.1,reuseaddr \
    EXEC:"$WORK/client.sh" 2>"$WORK/client.err" &
PIDS="$PIDS $!"
i=0
until nsx ss -ltn | grep -q "192.0.2.1:$CLIENT_PORT"; do
    i=$((i + 1))
    [ $i -gt 50 ] && fail "the kernel listener on port $CLIENT_PORT did not start"
    sleep 0.1
done

show_uart() { say "--- UART0 ---"; tr -d '\r' <"$WORK/uart.log" 2>/dev/null; say "---"; }

# QEMU: UART0 to a file, the LAN9118 on tap0 (created above; QEMU attaches
# to it and neither configures nor removes it).
t0=$(date +%s%N)
nsx timeout -s KILL 280 qemu-system-arm -M mps2-an386 -nographic -monitor none \
    -serial "file:$WORK/uart.log" -kernel "$FIRMWARE" \
    -nic "tap,ifname=tap0,script=no,downscript=no,model=lan9118,mac=$MAC" \
    >"$WORK/qemu.log" 2>&1 &
QPID=$!
PIDS="$PIDS $QPID"
if ! wait_file "$WORK/uart.log" '^ready' 20; then
    cat "$WORK/qemu.log"
    show_uart
    fail "the firmware did not print 'ready' within 20 s"
fi
t1=$(date +%s%N)
say "boot: 'ready' on UART0 $(((t1 - t0) / 1000000)) ms after starting QEMU ($(grep '^ready' "$WORK/uart.log" | tr -d '\r'))"
grep -qi "MAC $MAC" "$WORK/uart.log" || { show_uart; fail "the firmware did not report MAC $MAC"; }

# ping, and ARP: the kernel learnt the firmware's address from its request
# for 192.0.2.1 (the client); forgotten here, it must ask and get a reply.
nsx ip neigh flush dev tap0
nsx timeout 20 ping -c 3 -i 0.2 -W 2 192.0.2.2 >"$WORK/ping.log" 2>&1 || { cat "$WORK/ping.log"; fail "ping 192.0.2.2"; }
grep 'packets transmitted' "$WORK/ping.log"
neigh=$(nsx ip neigh show 192.0.2.2 dev tap0)
say "ARP entry: $neigh"
printf '%s\n' "$neigh" | grep -qi "lladdr $MAC" || fail "the kernel's ARP entry for 192.0.2.2 is not $MAC"
printf '%s\n' "$neigh" | grep -qE 'REACHABLE|STALE|DELAY|PROBE' || fail "the ARP entry is not valid"

# UDP echo.
out=$(printf 'hello board\n' | nsx timeout 10 socat -T 3 - UDP4:192.0.2.2:7)
[ "$out" = "hello board" ] || fail "UDP echo: got '$out'"
head -c 1400 /dev/urandom >"$WORK/udp.bin"
nsx timeout 10 socat -T 3 -b 65536 - UDP4:192.0.2.2:7 <"$WORK/udp.bin" >"$WORK/udp.out"
cmp -s "$WORK/udp.bin" "$WORK/udp.out" || fail "UDP echo: the 1400-byte datagram did not come back intact"
say "UDP echo: 12 and 1400 bytes came back intact"

# 1 MiB through TCP echo.
head -c 1048576 /dev/urandom >"$WORK/tcp.bin"
ta=$(date +%s%N)
nsx timeout 60 socat -t 20 -T 30 -b 65536 - TCP:192.0.2.2:7 <"$WORK/tcp.bin" >"$WORK/tcp.out" 2>"$WORK/tcp.err" ||
    { cat "$WORK/tcp.err"; fail "socat to TCP echo failed"; }
tb=$(date +%s%N)
want=$(sha256sum <"$WORK/tcp.bin" | cut -d' ' -f1)
got=$(sha256sum <"$WORK/tcp.out" | cut -d' ' -f1)
say "TCP echo: sent $want, got back $got ($(wc -c <"$WORK/tcp.out") bytes)"
[ "$want" = "$got" ] || fail "TCP echo: 1 MiB did not come back the same"
ms=$(((tb - ta) / 1000000))
[ "$ms" -gt 0 ] || ms=1
say "TCP echo: 1 MiB each way in $ms ms: $((1048576 * 1000 / 1024 / ms)) KiB/s each way"

# Six clients at once, 128 KiB each: the firmware serves four at a time,
# the others wait in its listen queue; the RX FIFO overflows now and then
# (frames lost, TCP retransmits). Every byte must come back.
N=6
head -c 131072 /dev/urandom >"$WORK/c.bin"
i=0
pids=""
while [ $i -lt $N ]; do
    ip netns exec "$NS" timeout 60 socat -t 20 -T 30 -b 16384 - TCP:192.0.2.2:7 <"$WORK/c.bin" \
        >"$WORK/c.$i.out" 2>"$WORK/c.$i.err" &
    pids="$pids $!"
    i=$((i + 1))
done
PIDS="$PIDS $pids"
for p in $pids; do wait "$p"; done
good=0
i=0
while [ $i -lt $N ]; do
    cmp -s "$WORK/c.bin" "$WORK/c.$i.out" && good=$((good + 1))
    i=$((i + 1))
done
say "TCP echo: $N concurrent clients x 128 KiB, $good came back intact"
[ "$good" = "$N" ] || { cat "$WORK"/c.*.err; show_uart; fail "concurrent echo: $good of $N intact"; }
n=$(grep -c 'tcp echo: connection closed (peer finished' "$WORK/uart.log")
[ "$n" = $((N + 1)) ] || { show_uart; fail "the firmware closed $n echo connections normally, $((N + 1)) expected"; }

# The firmware's client (it started at boot; the listener was already up).
wait_file "$WORK/uart.log" "client: reply '$REPLY'" 30 || { show_uart; cat "$WORK/client.err"; fail "the firmware's client did not log the kernel's reply"; }
[ "$(cat "$WORK/client.got" 2>/dev/null)" = "$CLIENT_MSG" ] ||
    fail "the kernel listener got '$(cat "$WORK/client.got" 2>/dev/null)', not '$CLIENT_MSG'"
say "client: the kernel got '$CLIENT_MSG', the firmware got '$REPLY'"

grep -q PANIC "$WORK/uart.log" && { show_uart; fail "the firmware panicked"; }
kill -0 "$QPID" 2>/dev/null || { cat "$WORK/qemu.log"; fail "QEMU exited early"; }
sleep 0.5 # the last ACKs and FINs into the capture
kill -TERM "$DPID" 2>/dev/null
wait "$DPID" 2>/dev/null
show_uart

TSHARK_OPTS="-d tcp.port==$CLIENT_PORT,data"
tshark_check "$WORK/board.pcap" 100
n=$(tshark_count "$WORK/board.pcap" 'src == "192.0.2.2" && icmptype == 0')
[ "$n" -ge 3 ] || fail "$n ICMP echo replies from 192.0.2.2 in the capture, 3 expected"
n=$(tshark_count "$WORK/board.pcap" 'arpop == 2 && arpdst == "192.0.2.1"') # the firmware's replies
[ "$n" -ge 1 ] || fail "no ARP reply from the firmware in the capture"
n=$(tshark_count "$WORK/board.pcap" 'src == "192.0.2.2" && dport == '$CLIENT_PORT' && syn == 1')
[ "$n" -ge 1 ] || fail "no SYN from the firmware's client in the capture"
[ "$(tshark_ffff_from "$WORK/board.pcap" 192.0.2.2)" = 0 ] || fail "the firmware sent TCP checksums 0xffff"

# Bad input. Counters before and after BAD frames of each kind. The
# expected increments of the Ip, IpExt, Icmp, Udp and Tcp counters are
# Linux's for the same frames (measured: badframes on a veth pair into a
# namespace with 192.0.2.2, /proc/net/snmp and netstat before and after);
# eth0.rx_nohandler is berth's interface counter for the unknown EtherType.
# Udp.InDatagrams +1: the "before" query itself.
counters() {
    printf 'stats' | nsx timeout 10 socat -T 3 - UDP4:192.0.2.2:9000 | tr -d '\r' >"$1"
    [ -s "$1" ] || fail "no counters from the firmware (UDP port 9000)"
}
delta() {
    a=$(awk -v k="$1" '$1 == k { print $2 }' "$WORK/after.txt")
    b=$(awk -v k="$1" '$1 == k { print $2 }' "$WORK/before.txt")
    [ -n "$a" ] && [ -n "$b" ] || fail "counter $1 missing"
    echo $((a - b))
}
BAD=10
echoes=$(grep -c '^udp echo' "$WORK/uart.log")
counters "$WORK/before.txt"
nsx timeout 30 "$BADFRAMES" tap0 "$MAC" $BAD || fail "badframes failed"
sleep 0.5
counters "$WORK/after.txt"
bad=0
for want in Ip.InHdrErrors:$((4 * BAD)) IpExt.InCsumErrors:$BAD IpExt.InTruncatedPkts:$BAD \
    Udp.InErrors:$((2 * BAD)) Udp.InCsumErrors:$BAD Tcp.InErrs:$BAD Tcp.InCsumErrors:$BAD \
    Icmp.InMsgs:$BAD Icmp.InErrors:$BAD Icmp.InCsumErrors:$BAD Tcp.InSegs:$BAD \
    eth0.rx_nohandler:$BAD Tcp.OutRsts:0 \
    Udp.InDatagrams:1 Icmp.InEchos:0 arena.failures:0; do
    k=${want%%:*}
    d=$(delta "$k")
    if [ "$d" = "${want#*:}" ]; then
        say "bad input: $k +$d"
    else
        say "bad input: $k +$d, expected +${want#*:}"
        bad=1
    fi
done
irqs=$(awk '$1 == "board.eth_irqs" { print $2 }' "$WORK/after.txt")
say "Ethernet interrupts so far: $irqs"
[ "${irqs:-0}" -gt 0 ] || bad=1
[ $bad = 0 ] || { paste "$WORK/before.txt" "$WORK/after.txt"; fail "bad input counted differently from Linux"; }
# Only the answer to the first counters query went out (and perhaps ARP).
tx=$(delta lan9118.tx_frames)
[ "$tx" -le 2 ] || fail "the firmware sent $tx frames while receiving bad input (answers to bad frames?)"
[ "$(grep -c '^udp echo' "$WORK/uart.log")" = "$echoes" ] || fail "the echo answered a bad datagram"
nsx timeout 10 ping -c 2 -i 0.2 -W 2 192.0.2.2 >"$WORK/ping2.log" 2>&1 || { cat "$WORK/ping2.log"; fail "no ping after bad input"; }
out=$(printf 'still here\n' | nsx timeout 10 socat -T 3 - UDP4:192.0.2.2:7)
[ "$out" = "still here" ] || fail "no UDP echo after bad input"
grep -q PANIC "$WORK/uart.log" && { show_uart; fail "the firmware panicked"; }
say "bad input: $((11 * BAD)) malformed frames dropped and counted; ping and UDP echo still answered"
say "PASS"
