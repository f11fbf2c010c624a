#!/bin/sh
# size-report.sh — berth's footprint on a Cortex-M4 (`make size`).
#
# For each feature set, builds berth with arm-none-eabi-gcc -Os
# -ffunction-sections -fdata-sections (cmake/arm-none-eabi.cmake), links the
# minimal firmware examples/size_probe.c with newlib-nano and --gc-sections,
# and prints:
#   - the firmware's .text/.data/.bss (arm-none-eabi-size; .bss without the
#     probe's 64 KB arena), and berth's own share of each (the input
#     sections from libberth.a in the linker map);
#   - the heap berth takes from its arena at start (before any socket), per
#     UDP socket, per TCP connection (both ends), and with PROBE_SOCKETS=4 UDP
#     and 4 TCP sockets (2 connections + the listener) that each sent and
#     received a 512-byte message: measured by running the firmware under
#     qemu-system-arm -M mps2-an386 -semihosting (n/a without qemu);
#   - RAM = berth's .data + .bss + that heap's peak.
# Beside it, lwIP 2.1.3 built the same way when LWIP_DIR names an lwIP source
# tree (never committed; n/a otherwise), see scripts/size-lwip.sh.
#
#   scripts/size-report.sh [WORK_DIR]      (default: build-size)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build-size}
cpu="-mcpu=cortex-m4 -mthumb"
jobs=${JOBS:-2}

if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    echo "size-report: arm-none-eabi-gcc not found (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi)" >&2
    exit 77
fi
have_qemu=0
command -v qemu-system-arm >/dev/null 2>&1 && have_qemu=1
mkdir -p "$work"

# name | cmake options | what it is
sets="udp|-DBERTH_WITH_TCP=OFF -DBERTH_WITH_IPV6=OFF -DBERTH_WITH_FRAG=OFF -DBERTH_WITH_PING=OFF|IPv4 + UDP + sockets (no IPv6 sockets, no fragmentation, no ping sockets; counters on)
udp-min|-DBERTH_WITH_TCP=OFF -DBERTH_WITH_IPV6=OFF -DBERTH_WITH_FRAG=OFF -DBERTH_WITH_PING=OFF -DBERTH_WITH_COUNTERS=OFF|the udp set without protocol counters
tcp-lwip|-DBERTH_WITH_IPV6=OFF -DBERTH_WITH_FRAG=OFF -DBERTH_WITH_CUBIC=OFF -DBERTH_WITH_SYNCOOKIES=OFF -DBERTH_WITH_SACK=OFF -DBERTH_WITH_TCP_TIMESTAMPS=OFF -DBERTH_WITH_WSCALE=OFF -DBERTH_WITH_TCP_INFO=OFF -DBERTH_WITH_FASTOPEN=OFF -DBERTH_WITH_PING=OFF|IPv4 + UDP + TCP + sockets, lwIP 2.1.3's default TCP feature set (reno; no SYN cookies, SACK, timestamps, window scaling, TCP_INFO, Fast Open, ping sockets)
tcp-min|-DBERTH_WITH_IPV6=OFF -DBERTH_WITH_FRAG=OFF -DBERTH_WITH_CUBIC=OFF -DBERTH_WITH_SYNCOOKIES=OFF -DBERTH_WITH_SACK=OFF -DBERTH_WITH_TCP_TIMESTAMPS=OFF -DBERTH_WITH_WSCALE=OFF -DBERTH_WITH_TCP_INFO=OFF -DBERTH_WITH_FASTOPEN=OFF -DBERTH_WITH_PING=OFF -DBERTH_WITH_COUNTERS=OFF|the tcp-lwip set without protocol counters
full||IPv4 + IPv6 sockets + UDP + TCP, fragmentation, CUBIC, SYN cookies, SACK, timestamps, window scaling, TCP_INFO, Fast Open, ping sockets, counters (bare-metal defaults)"

# What each option costs: the full set's .text minus the same build with
# the option flipped (trace: the other way round, it is off by default).
features="TCP|-DBERTH_WITH_TCP=OFF
IPv6 sockets|-DBERTH_WITH_IPV6=OFF
fragmentation + reassembly|-DBERTH_WITH_FRAG=OFF
CUBIC|-DBERTH_WITH_CUBIC=OFF
SYN cookies|-DBERTH_WITH_SYNCOOKIES=OFF
SACK|-DBERTH_WITH_SACK=OFF
TCP timestamps|-DBERTH_WITH_TCP_TIMESTAMPS=OFF
window scaling|-DBERTH_WITH_WSCALE=OFF
TCP_INFO|-DBERTH_WITH_TCP_INFO=OFF
TCP Fast Open (client)|-DBERTH_WITH_FASTOPEN=OFF
ping sockets|-DBERTH_WITH_PING=OFF
counters|-DBERTH_WITH_COUNTERS=OFF
trace strings + printf|-DBERTH_WITH_TRACE=ON"

# Sum the sizes of libberth.a's input sections in a GNU ld map, per output
# section kind: prints "text data bss".
berth_share() {
    awk '
    function hex(s,    i, c, v) {
        v = 0
        s = tolower(substr(s, 3))
        for (i = 1; i <= length(s); i++) {
            c = index("0123456789abcdef", substr(s, i, 1)) - 1
            v = v * 16 + c
        }
        return v
    }
    /^\.[A-Za-z_.]+/ { split($1, a, " "); out = a[1] }
    function add(sz, file) {
        if (file !~ /libberth\.a\(/) return
        v = hex(sz)
        if (out ~ /^\.(text|rodata|ARM)/) t += v
        else if (out ~ /^\.data/) d += v
        else if (out ~ /^\.bss/) b += v
    }
    /^ [^ ]/ && NF == 4 && $2 ~ /^0x/ { add($3, $4); next }
    /^ [^ ]/ && NF == 1 { pend = 1; next }
    pend && /^ +0x/ && NF == 3 { add($2, $3); pend = 0; next }
    { pend = 0 }
    END { printf "%d %d %d\n", t, d, b }' "$1"
}

row() { printf '%-9s %8s %8s %8s | %8s %8s %8s | %8s %8s %8s %8s %8s\n' "$@"; }

echo "berth footprint, arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) $cpu -Os, newlib-nano, --gc-sections"
echo
row "set" "fw.text" "fw.data" "fw.bss" "b.text" "b.data" "b.bss" "heap0" "udp" "tcp" "4+4" "RAM"
summary=""
# build_set NAME "CMAKE OPTIONS" [noheap]: builds and measures one set; sets
# fw_text fw_data fw_bss bt bd bb heap0 udp tcpc all ram.
build_set() {
    name=$1 opts=$2
    b=$work/$name
    # shellcheck disable=SC2086
    cmake -S "$root" -B "$b" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-none-eabi.cmake" \
        -DCMAKE_BUILD_TYPE=MinSizeRel $opts >"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
    cmake --build "$b" -j"$jobs" --target berth_static >>"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
    flags=$b/CMakeFiles/berth-size-probe.dir/flags.make
    cmake --build "$b" --target berth-size-probe >>"$b.log" 2>&1 || { cat "$b.log"; exit 1; }
    defs=$(sed -n 's/^C_DEFINES = //p' "$flags")
    incs=$(sed -n 's/^C_INCLUDES = //p' "$flags")
    tcp=1
    case "$defs" in *BERTH_WITH_TCP=0*) tcp=0 ;; esac
    # the measured firmware: no printing, nothing but berth and the probe
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $cpu -Os -ffunction-sections -fdata-sections $defs $incs \
        -DPROBE_TCP=$tcp -c "$root/examples/size_probe.c" -o "$b/probe.o"
    arm-none-eabi-gcc $cpu -Os --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections \
        -Wl,-Map="$b/probe.map" "$b/probe.o" "$b/libberth.a" -o "$b/probe.elf"
    set -- $(arm-none-eabi-size "$b/probe.elf" | awk 'NR == 2 { print $1, $2, $3 }')
    arena=$(printf '%d' "0x$(arm-none-eabi-nm -S "$b/probe.elf" | awk '$4 == "arena" { print $2 }')")
    fw_text=$1 fw_data=$2 fw_bss=$(($3 - arena))
    set -- $(berth_share "$b/probe.map")
    bt=$1 bd=$2 bb=$3
    heap0=n/a udp=n/a tcpc=n/a all=n/a ram=n/a
    if [ $have_qemu = 1 ] && [ "${3:-}" != noheap ]; then
        # shellcheck disable=SC2086
        arm-none-eabi-gcc $cpu -Os -ffunction-sections -fdata-sections $defs $incs \
            -DPROBE_TCP=$tcp -DPROBE_REPORT -c "$root/examples/size_probe.c" -o "$b/probe-r.o"
        arm-none-eabi-gcc $cpu -Os --specs=nano.specs --specs=rdimon.specs -Wl,--gc-sections \
            -Wl,--section-start=.vectors=0 -Wl,--undefined=probe_vectors "$b/probe-r.o" "$b/libberth.a" -o "$b/probe-r.elf"
        line=$(timeout 120 qemu-system-arm -M mps2-an386 -nographic -semihosting \
            -kernel "$b/probe-r.elf" </dev/null 2>&1 | grep '^probe ' || true)
        case "$line" in
        *rc=0*)
            v() { echo "$line" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
            heap0=$(v heap_start) udp=$(v per_udp) tcpc=$(v per_tcp) all=$(v heap_sockets)
            [ $tcp = 1 ] || tcpc=-
            ram=$((bd + bb + $(v heap_peak)))
            ;;
        *) heap0="fail:${line:-no output}" ;;
        esac
    fi
}

echo "$sets" | while IFS='|' read -r name opts desc; do
    build_set "$name" "$opts"
    row "$name" "$fw_text" "$fw_data" "$fw_bss" "$bt" "$bd" "$bb" "$heap0" "$udp" "$tcpc" "$all" "$ram"
done
echo
echo "fw.*: the whole linked firmware (probe + berth + newlib-nano; .bss without the probe's arena)."
echo "b.*: berth's input sections in it (libberth.a). heap0: arena bytes after berth_stack_new;"
echo "udp: one bound UDP socket; tcp: one TCP connection, both ends, after 512 B each way;"
echo "4+4: heap with 4 UDP + 4 TCP sockets (+ listener) after 512 B each way; RAM: b.data + b.bss + heap peak."
echo "Sets:"
echo "$sets" | while IFS='|' read -r name opts desc; do printf '  %-9s %s\n' "$name" "$desc"; done
echo
echo "Cost of each option (.text of the full set's firmware with it, minus without):"
full_text=$(arm-none-eabi-size "$work/full/probe.elf" | awk 'NR == 2 { print $1 }')
echo "$features" | while IFS='|' read -r fname fopt; do
    build_set "opt-$(echo "$fname" | tr -c 'A-Za-z0-9\n' '-')" "$fopt" noheap
    case "$fopt" in
    *=ON) d=$((fw_text - full_text)) ;;
    *) d=$((full_text - fw_text)) ;;
    esac
    printf '  %-28s %6d B\n' "$fname" "$d"
done
echo
if [ -n "${LWIP_DIR:-}" ] && [ -d "$LWIP_DIR/src/core" ]; then
    sh "$root/scripts/size-lwip.sh" "$LWIP_DIR" "$work/lwip"
else
    echo "lwIP 2.1.3: n/a (set LWIP_DIR to an lwIP source tree to build it the same way)"
fi
