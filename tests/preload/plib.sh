# plib.sh — sourced by the preload tests that run unmodified programs on
# berth over a TAP device (tests/preload/*.sh). On top of tests/interop/lib.sh
# (the namespace, tap0 with the kernel at 192.0.2.1/24, tshark_check):
#
#   onberth NAME CMD...   run CMD under libberth-preload.so as 192.0.2.2/24
#                         (gateway 192.0.2.1) in the namespace, in the
#                         background; output in $WORK/NAME.log, every frame
#                         in $WORK/NAME.pcap. Sets BPID.
#   onberth_fg NAME CMD...  the same in the foreground (status returned).
#   wait_log NAME PATTERN   until $WORK/NAME.log has PATTERN (10 s at most).
#   stop_bg PID SIGNAL      end a background program, wait for it.
#
# Environment: PRELOAD (libberth-preload.so), TESTBIN (the test programs),
# BERTH, WORK as for the interop tests.
. "$(dirname "$0")/../interop/lib.sh"

require_preload() {
    require "$@"
    [ -r "${PRELOAD:-}" ] || fail "PRELOAD is not set to libberth-preload.so"
}

# NOPCAP=1: no capture (long bulk runs).
berth_env() {
    printf '%s\n' "LD_PRELOAD=$PRELOAD" BERTH_TAP=tap0 BERTH_ADDR=192.0.2.2/24 BERTH_GW=192.0.2.1
    [ -n "${NOPCAP:-}" ] || printf '%s\n' "BERTH_PCAP=$WORK/$1.pcap"
}

onberth() {
    name=$1
    shift
    : >"$WORK/$name.log"
    # shellcheck disable=SC2046
    # --foreground: a signal reaches the program once (timeout would also
    # send it to the process group: a second SIGINT during python's exit
    # makes it die by the signal, before the capture is flushed).
    ip netns exec "$NS" env $(berth_env "$name") timeout --foreground 120 "$@" >"$WORK/$name.log" 2>&1 &
    BPID=$!
    PIDS="$PIDS $BPID"
}

onberth_fg() {
    name=$1
    shift
    # shellcheck disable=SC2046
    ip netns exec "$NS" env $(berth_env "$name") timeout 60 "$@"
}

wait_log() {
    wait_file "$WORK/$1.log" "$2" 10 || { cat "$WORK/$1.log"; fail "$1: no '$2' after 10 s"; }
}

# running PID: the process exists and has not exited (an exited child
# stays a zombie, which kill -0 still finds, until the shell waits for it).
running() {
    st=$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f1)
    [ -n "$st" ] && [ "$st" != Z ]
}

stop_bg() {
    kill -"$2" "$1" 2>/dev/null
    # Bounded: a program still there 20 s after its signal is a failure
    # (it said so), not a hang until ctest's timeout.
    n=0
    while running "$1" && [ $n -lt 200 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    if running "$1"; then
        kill -KILL "$1" 2>/dev/null
        wait "$1"
        fail "process $1 did not end within 20 s of SIG$2"
    fi
    wait "$1"
    rc=$?
    PIDS=$(printf '%s' "$PIDS" | sed "s/ $1\$//; s/ $1 / /")
    return $rc
}

# sha256_of FILE
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# pcap_trim FILE: cut a capture after its last whole frame. A program that
# dies by a signal (openssl s_server at SIGTERM) never flushes the capture's
# stdio buffer, so its last frame may be cut in half; exit() flushes it.
pcap_trim() {
    python3 - "$1" <<'PY'
import struct, sys
p = sys.argv[1]
b = open(p, "rb").read()
off, n = 24, 0
while off + 16 <= len(b):
    incl = struct.unpack_from("<I", b, off + 8)[0]
    if off + 16 + incl > len(b):
        break
    off += 16 + incl
    n += 1
if off < len(b):
    open(p, "r+b").truncate(off)
    print("pcap_trim: %s cut after frame %d (%d bytes of a partial frame dropped)" % (p, n, len(b) - off))
PY
}
