#!/usr/bin/env bash
# packetdrill.sh — run packetdrill scripts against berth's packetdrill adapter
# (tools/packetdrill, libberth_packetdrill.so). docs/testing.md explains how
# to fetch and build packetdrill; this script builds nothing of packetdrill's.
#
# usage: scripts/packetdrill.sh [options] [PACKETDRILL_CHECKOUT] [DIR|SCRIPT.pkt ...]
#
#   PACKETDRILL_CHECKOUT  a packetdrill source tree with gtests/net/packetdrill
#                         already built (or $PACKETDRILL)
#   DIR|SCRIPT.pkt        directories (every *.pkt below them) or scripts,
#                         relative to gtests/net or absolute; default:
#                         tcp/close tcp/blocking tcp/shutdown tcp/syscall_bad_arg
#   -b BUILD      berth build directory holding tools/packetdrill/
#                 libberth_packetdrill.so (default $BERTH_BUILD, else build-pd,
#                 else build); the adapter target is built if missing
#   -t SECONDS    time limit per script (default 120)
#   -l LOGDIR     keep each script's output there (default: a temporary dir)
#   -k            run the same scripts against the host kernel instead (in a
#                 private network namespace, over packetdrill's tun device):
#                 the reference berth is compared with
#   -v            print packetdrill's output of failing scripts
#   -i VARIANTS   packetdrill's IP variants, comma separated (default ipv4):
#                 ipv4, ipv6 (native IPv6 on the wire; the adapter's pd0
#                 gets 2001:db8::1/64 and MTU 1520, as run_all.py's --mtu),
#                 ipv4-mapped-ipv6 (AF_INET6 sockets, IPv4 on the wire), or
#                 all; as run_all.py, *v6.pkt run only as ipv6, *v4.pkt
#                 never as ipv6
#
# Every script runs in a private network namespace (unshare -n as root,
# unshare -rn otherwise): packetdrill scripts configure the stack with shell
# commands (sysctl -q net.ipv4.tcp_rmem=..., tc, ip tcp_metrics), which then
# land in a throwaway namespace instead of the host. The adapter's
# proc_sysctls flag copies what they wrote under /proc/sys/net into berth.
# A stub `tc` stands in for the real one: there is no tun0 to configure.
#
# Output: one line per script, PASS / FAIL (packetdrill's first error) /
# SKIP (what berth lacks), then counts per directory and in all. A script
# that fails with a timing error is run once more (real time on a busy
# machine), and its line says so. The exit status is 1 when a script failed.
set -u

usage() {
    sed -n '2,/^set -u/p' "$0" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//'
    exit 2
}

here=$(cd "$(dirname "$0")/.." && pwd)
build=${BERTH_BUILD:-}
limit=120
logdir=
kernel=0
verbose=0
variants=ipv4
while getopts "b:t:l:kvi:h" o; do
    case $o in
    b) build=$OPTARG ;;
    t) limit=$OPTARG ;;
    l) logdir=$OPTARG ;;
    k) kernel=1 ;;
    v) verbose=1 ;;
    i) variants=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))

pd=${PACKETDRILL:-}
if [ $# -gt 0 ] && [ -d "$1/gtests/net/packetdrill" ]; then
    pd=$1
    shift
fi
if [ -z "$pd" ] || [ ! -d "$pd/gtests/net/packetdrill" ]; then
    echo "packetdrill.sh: give the path of a packetdrill checkout (argument or \$PACKETDRILL)" >&2
    exit 2
fi
pd=$(cd "$pd" && pwd)
net=$pd/gtests/net
bin=$net/packetdrill/packetdrill
if [ ! -x "$bin" ]; then
    echo "packetdrill.sh: $bin is not built (cd $net/packetdrill && ./configure && make)" >&2
    exit 2
fi

so=
if [ $kernel = 0 ]; then
    if [ -z "$build" ]; then
        for b in "$here/build-pd" "$here/build"; do
            if [ -f "$b/CMakeCache.txt" ]; then
                build=$b
                break
            fi
        done
    fi
    if [ -z "$build" ] || [ ! -f "$build/CMakeCache.txt" ]; then
        echo "packetdrill.sh: no berth build directory (cmake -S $here -B $here/build-pd; or -b DIR)" >&2
        exit 2
    fi
    so=$build/tools/packetdrill/libberth_packetdrill.so
    if [ ! -f "$so" ]; then
        cmake --build "$build" --target berth_packetdrill >/dev/null || exit 2
    fi
fi

# A private network namespace for each script.
if unshare -n true 2>/dev/null; then
    netns=(unshare -n)
elif unshare -rn true 2>/dev/null; then
    netns=(unshare -rn)
else
    echo "packetdrill.sh: cannot create a network namespace (unshare -n); not running" \
        "scripts whose sysctl commands would reach the host" >&2
    exit 2
fi
if ! command -v timeout >/dev/null; then
    echo "packetdrill.sh: needs timeout(1)" >&2
    exit 2
fi

stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT
printf '#!/bin/sh\n# packetdrill.sh: no tun0 to configure\nexit 0\n' >"$stub/tc"
chmod +x "$stub/tc"
if [ -z "$logdir" ]; then
    logdir=$(mktemp -d /tmp/berth-packetdrill.XXXXXX)
fi
mkdir -p "$logdir"

[ "$variants" = all ] && variants=ipv4,ipv6,ipv4-mapped-ipv6
for v in ${variants//,/ }; do
    case $v in
    ipv4 | ipv6 | ipv4-mapped-ipv6) ;;
    *) echo "packetdrill.sh: unknown variant $v (ipv4, ipv6, ipv4-mapped-ipv6, all)" >&2; exit 2 ;;
    esac
done

# The flags of packetdrill's run_all.py for the variant ($1), with the
# addresses of the adapter's interface (docs/testing.md): IPv6 is
# 2001:db8::1 with its peer 2001:db8::2 on link (run_all.py's ULAs are not
# in the documentation prefix).
set_flags() {
    flags=(--send_omit_free --ip_version="$1" -D CODE=host_unreachable)
    case $1 in
    ipv4) flags+=(-D TFO_COOKIE=3021b9d889017eeb -D CMSG_LEVEL_IP=SOL_IP
        -D CMSG_TYPE_RECVERR=IP_RECVERR) ;;
    ipv6) flags+=(--mtu=1520 -D TFO_COOKIE=c1d1e9742a47a9bc -D CMSG_LEVEL_IP=SOL_IPV6
        -D CMSG_TYPE_RECVERR=IPV6_RECVERR) ;;
    *) flags+=(-D TFO_COOKIE=3021b9d889017eeb -D CMSG_LEVEL_IP=SOL_IPV6
        -D CMSG_TYPE_RECVERR=IPV6_RECVERR) ;;
    esac
    if [ $kernel = 0 ] && [ "$1" = ipv6 ]; then
        flags+=(--so_filename="$so" --so_flags=proc_sysctls,local=2001:db8::1/64,mtu=1520
            --local_ip=2001:db8::1 --remote_ip=2001:db8::2 --gateway_ip=2001:db8::2)
    elif [ $kernel = 0 ]; then
        flags+=(--so_filename="$so" --so_flags=proc_sysctls
            --local_ip=192.0.2.1 --remote_ip=192.0.2.2 --gateway_ip=192.0.2.2
            --netmask_ip=255.255.255.0)
    elif [ "$1" = ipv6 ]; then
        flags+=(--local_ip=2001:db8:1::1 --gateway_ip=2001:db8:1::2 --remote_ip=2001:db8::1)
    else
        flags+=(--local_ip=192.168.0.1 --gateway_ip=192.168.0.1
            --netmask_ip=255.255.0.0 --remote_ip=192.0.2.1)
    fi
}

# What a script needs that berth does not have: printed as the SKIP reason.
# Only features berth lacks outright; a script that merely fails is a FAIL.
missing() {
    local f=$1 v=$2
    case $v:$f in
    ipv4*:*v6.pkt) echo "IPv6 only (run_all.py runs it as ipv6 only)"; return ;;
    ipv6:*v4.pkt) echo "IPv4 only (run_all.py never runs it as ipv6)"; return ;;
    esac
    [ $kernel = 0 ] || return
    if grep -qE 'TCP_FASTOPEN|MSG_FASTOPEN|tcp_fastopen|<[^>]*\bFO(EXP)?\b' "$f"; then
        echo "TCP Fast Open (not in berth)"
    elif grep -qE 'SO_ZEROCOPY|MSG_ZEROCOPY' "$f"; then
        echo "SO_ZEROCOPY / MSG_ZEROCOPY (not in berth)"
    elif grep -qE 'epoll_(create|ctl|wait)' "$f"; then
        echo "epoll (the adapter has none)"
    elif grep -qE '\bsplice\(|\bsendfile\(' "$f"; then
        echo "splice / sendfile (not in berth)"
    elif grep -qE 'TCP_MD5SIG|TCP_ZEROCOPY_RECEIVE|SO_TIMESTAMPING|TCP_REPAIR|MSG_ERRQUEUE' "$f"; then
        echo "$(grep -oE 'TCP_MD5SIG|TCP_ZEROCOPY_RECEIVE|SO_TIMESTAMPING|TCP_REPAIR|MSG_ERRQUEUE' "$f" | head -1) (not in berth)"
    elif grep -qE 'tcp_ecn=[1-9]|\[(ect0|ect1|ce)\]' "$f"; then
        echo "ECN (not in berth)"
    elif grep -qE 'ip route|/proc/net/tcp' "$f"; then
        echo "shell commands on the kernel's routes or /proc/net/tcp (berth is not there)"
    elif grep -q '%{' "$f"; then
        # packetdrill's code.c reads TCP_INFO for these with the host's
        # getsockopt() on the descriptor: --so_filename never sees it.
        echo "inline %{ }% assertions (packetdrill reads TCP_INFO outside --so_filename)"
    fi
}

scripts=()
[ $# -gt 0 ] || set -- tcp/close tcp/blocking tcp/shutdown tcp/syscall_bad_arg
for a in "$@"; do
    case $a in
    /*) p=$a ;;
    *) p=$net/$a ;;
    esac
    if [ -d "$p" ]; then
        while IFS= read -r f; do scripts+=("$f"); done < <(find "$p" -name '*.pkt' | sort)
    elif [ -f "$p" ]; then
        scripts+=("$p")
    else
        echo "packetdrill.sh: no such script or directory: $a" >&2
        exit 2
    fi
done

declare -A dpass dfail dskip
npass=0 nfail=0 nskip=0
dirs=()
runs=()
for f in "${scripts[@]}"; do
    for v in ${variants//,/ }; do runs+=("$v:$f"); done
done
for run in "${runs[@]}"; do
    v=${run%%:*}
    f=${run#*:}
    set_flags "$v"
    name=${f#"$net"/}
    dir=$(dirname "$name")
    [ "$variants" = ipv4 ] || dir="$dir [$v]"
    [ "$variants" = ipv4 ] || name="$name [$v]"
    if [ -z "${dpass[$dir]+x}" ]; then
        dirs+=("$dir")
        dpass[$dir]=0 dfail[$dir]=0 dskip[$dir]=0
    fi
    why=$(missing "$f" "$v")
    if [ -n "$why" ]; then
        echo "SKIP $name: $why"
        nskip=$((nskip + 1))
        dskip[$dir]=$((dskip[$dir] + 1))
        continue
    fi
    log=$logdir/$(echo "$name" | tr '/ []' '____').log
    note=
    for attempt in 1 2; do
        (cd "$(dirname "$f")" &&
            PATH="$stub:$PATH" timeout -k 5 "$limit" "${netns[@]}" \
                "$bin" "${flags[@]}" "$(basename "$f")") >"$log" 2>&1
        rc=$?
        # A timing error may be the machine's (packetdrill itself late on a
        # loaded host): such a script gets one more run, and says so.
        [ $rc != 0 ] && [ $attempt = 1 ] && grep -q 'timing error' "$log" || break
        cp "$log" "$log.1"
        note=" (second run, after a timing error)"
    done
    if [ $rc = 0 ]; then
        echo "PASS $name$note"
        npass=$((npass + 1))
        dpass[$dir]=$((dpass[$dir] + 1))
        continue
    fi
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        err="timed out after $limit s"
    else
        # packetdrill's diagnosis; the shell commands' own complaints
        # (sysctls a namespace refuses) are not it.
        err=$(grep -vE '^sysctl: |^RTNETLINK|^Error: ' "$log" | grep -m1 -E 'error|Error|:[0-9]+: ' ||
            grep -vE '^sysctl: ' "$log" | head -1)
        [ -n "$err" ] || err="exit status $rc"
    fi
    echo "FAIL $name: $err$note"
    [ $verbose = 0 ] || sed 's/^/    /' "$log"
    nfail=$((nfail + 1))
    dfail[$dir]=$((dfail[$dir] + 1))
done

echo
what=berth
[ $kernel = 0 ] || what="the host kernel ($(uname -r))"
echo "packetdrill against $what; logs in $logdir"
for d in "${dirs[@]}"; do
    printf '  %-28s %2d pass %2d fail %2d skip\n' "$d" "${dpass[$d]}" "${dfail[$d]}" "${dskip[$d]}"
done
printf '  %-28s %2d pass %2d fail %2d skip\n' "total (${#runs[@]} runs)" $npass $nfail $nskip
[ $nfail = 0 ]
