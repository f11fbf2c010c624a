#!/bin/sh
# size-lwip.sh — lwIP built the way scripts/size-report.sh builds berth, for
# the comparison column of `make size`: arm-none-eabi-gcc -mcpu=cortex-m4
# -mthumb -Os -ffunction-sections -fdata-sections, newlib-nano,
# --gc-sections, linked with a probe making the same socket calls
# (scripts/lwip-probe/: lwipopts.h, a minimal OS port, probe.c).
# lwIP's sources are never part of berth: point LWIP_DIR at a copy
# (e.g. git clone https://github.com/lwip-tcpip/lwip -b STABLE-2_1_3_RELEASE).
#
#   size-lwip.sh LWIP_DIR WORK_DIR
set -eu
lwip=$1
work=$2
root=$(cd "$(dirname "$0")/.." && pwd)
glue=$root/scripts/lwip-probe
cpu="-mcpu=cortex-m4 -mthumb"
mkdir -p "$work"
ver=$(sed -n 's/^#define LWIP_VERSION_MAJOR *\([0-9]*\).*/\1/p; s/^#define LWIP_VERSION_MINOR *\([0-9]*\).*/\1/p; s/^#define LWIP_VERSION_REVISION *\([0-9]*\).*/\1/p' \
    "$lwip/src/include/lwip/init.h" | paste -sd.)

share() { # text data bss of the input sections from $2 (a pattern) in map $1
    awk -v pat="$2" '
    function hex(s,    i, c, v) { v = 0; s = tolower(substr(s, 3))
        for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
        return v }
    /^\.[A-Za-z_.]+/ { split($1, a, " "); out = a[1] }
    function add(sz, file) {
        if (file !~ pat) return
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

echo "lwIP $ver, built the same way (scripts/lwip-probe/lwipopts.h: sockets + netconn, core locking,"
echo "loopback, no IPv6/fragmentation/DHCP/DNS/stats; static heap and pools):"
printf '%-9s %8s %8s %8s | %8s %8s %8s\n' set fw.text fw.data fw.bss l.text l.data l.bss
for tcp in 0 1; do
    name=udp
    [ $tcp = 1 ] && name=tcp
    b=$work/$name
    mkdir -p "$b/obj"
    flags="$cpu -Os -ffunction-sections -fdata-sections -w -DPROBE_TCP=$tcp -I$glue -I$lwip/src/include"
    for f in "$lwip"/src/core/*.c "$lwip"/src/core/ipv4/*.c "$lwip"/src/api/*.c "$lwip"/src/netif/ethernet.c; do
        # shellcheck disable=SC2086
        arm-none-eabi-gcc $flags -c "$f" -o "$b/obj/$(basename "$f" .c).o"
    done
    rm -f "$b/liblwip.a"
    arm-none-eabi-ar rcs "$b/liblwip.a" "$b"/obj/*.o
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $flags -c "$glue/sys_arch.c" -o "$b/sys_arch.o"
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $flags -c "$glue/probe.c" -o "$b/probe.o"
    arm-none-eabi-gcc $cpu -Os --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections \
        -Wl,-Map="$b/probe.map" "$b/probe.o" "$b/sys_arch.o" "$b/liblwip.a" -o "$b/probe.elf"
    set -- $(arm-none-eabi-size "$b/probe.elf" | awk 'NR == 2 { print $1, $2, $3 }')
    fw="$1 $2 $3"
    set -- $(share "$b/probe.map" 'liblwip\.a\(|sys_arch\.o')
    # shellcheck disable=SC2086
    printf '%-9s %8s %8s %8s | %8s %8s %8s\n' "$name" $fw "$1" "$2" "$3"
done
echo "l.*: lwIP's input sections plus the minimal OS port; lwIP's RAM is static (l.data + l.bss),"
echo "compare it with berth's RAM column (its .data + .bss + arena peak)."
