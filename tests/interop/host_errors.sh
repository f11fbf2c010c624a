#!/bin/sh
# berth host's messages and exit statuses for every way starting it can
# fail, --create, and a clean stop on SIGINT that releases the device.
. "$(dirname "$0")/lib.sh"
require
setup_ns

# expect NAME STATUS PATTERN ARGS...: run berth (in the namespace), check
# its exit status and that stderr/stdout match PATTERN.
expect() {
    name=$1 want=$2 pat=$3
    shift 3
    nsx timeout 20 "$BERTH" "$@" >"$WORK/$name.out" 2>&1
    got=$?
    say "[$name] exit $got: $(head -3 "$WORK/$name.out" | tr '\n' ' ')"
    [ "$got" = "$want" ] || fail "$name: exit status $got, expected $want"
    grep -qi -- "$pat" "$WORK/$name.out" || fail "$name: output does not match '$pat'"
}

expect help 0 'usage: berth COMMAND' --help
expect host-help 0 'usage: berth host' host --help
expect no-command 2 'usage' 
expect bad-command 2 "unknown command 'frob'" frob
expect no-device-arg 2 'which device' host --addr 192.0.2.2/24
expect no-addr 2 'which address' host --tap tap0
expect bad-addr 2 "bad value '192.0.2.300/24' for --addr" host --tap tap0 --addr 192.0.2.300/24
expect no-prefix 2 'with its prefix length' host --tap tap0 --addr 192.0.2.2
expect bad-route 2 "bad value" host --tap tap0 --addr 192.0.2.2/24 --route default through 192.0.2.1
expect bad-loss 2 "expected a probability" host --tap tap0 --addr 192.0.2.2/24 --loss 150%
expect bad-service 2 "unknown service" host --tap tap0 --addr 192.0.2.2/24 --serve gopher:70
expect bad-port 2 "bad service" host --tap tap0 --addr 192.0.2.2/24 --serve echo:70000
expect http-over-udp 2 'http runs over TCP only' host --tap tap0 --addr 192.0.2.2/24 --serve http:8080/udp
expect bad-proto 2 "bad protocol 'sctp'" host --tap tap0 --addr 192.0.2.2/24 --serve echo:7/sctp
expect bad-max-conns 2 "bad value '0' for --max-conns" host --tap tap0 --addr 192.0.2.2/24 --max-conns 0
expect tcp-help 0 'usage: berth tcp' tcp --help
expect tcp-no-to 2 'where to' tcp --tap tap0 --addr 192.0.2.2/24
expect tcp-bad-size 2 "bad value 'lots' for --send-bytes" tcp --tap tap0 --addr 192.0.2.2/24 --to 192.0.2.1:9 --send-bytes lots
expect tcp-bad-syncnt 2 "bad value '200' for --syncnt" tcp --tap tap0 --addr 192.0.2.2/24 --to 192.0.2.1:9 --syncnt 200
expect tcp-echo-sink 2 'not both' tcp --tap tap0 --addr 192.0.2.2/24 --to 192.0.2.1:9 --expect-echo --sink
expect unknown-opt 2 "unknown option '--frob'" host --tap tap0 --addr 192.0.2.2/24 --frob
expect no-such-device 1 'no device named nosuch0' host --tap nosuch0 --addr 192.0.2.2/24
expect not-a-tap 1 'lo is not a TAP device' host --tap lo --addr 192.0.2.2/24
nsx ip tuntap add dev tun7 mode tun
expect tun-as-tap 1 'tun7 is not a TAP device (a TUN device? use --tun)' host --tap tun7 --addr 192.0.2.2/24
expect tap-as-tun 1 'tap0 is not a TUN device' host --tun tap0 --addr 192.0.2.2/24

# No /dev/net/tun (hidden by an empty tmpfs in a private mount namespace).
if command -v unshare >/dev/null 2>&1; then
    nsx timeout 20 unshare -m sh -c 'mount -t tmpfs none /dev/net && exec "$0" host --tap tap0 --addr 192.0.2.2/24' \
        "$BERTH" >"$WORK/no-tun.out" 2>&1
    got=$?
    say "[no-tun] exit $got: $(cat "$WORK/no-tun.out")"
    [ $got = 1 ] && grep -q 'cannot open /dev/net/tun: no such file' "$WORK/no-tun.out" ||
        fail "no-tun: wrong status or message"
fi

# No permission: as nobody, without capabilities.
if command -v setpriv >/dev/null 2>&1; then
    nsx timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
        "$BERTH" host --tap tap0 --addr 192.0.2.2/24 >"$WORK/no-perm.out" 2>&1
    got=$?
    say "[no-perm] exit $got: $(cat "$WORK/no-perm.out")"
    [ $got = 1 ] && grep -Eq 'permission denied|not allowed to attach' "$WORK/no-perm.out" ||
        fail "no-perm: wrong status or message"
fi

# Busy: a second berth on the same device.
start_berth first --tap tap0 --addr 192.0.2.2/24 --quiet
expect busy 1 'tap0 is busy' host --tap tap0 --addr 192.0.2.3/24
# SIGINT: a clean stop, and the device is free again.
kill -INT "$BPID"
wait "$BPID"
rc=$?
[ $rc -eq 0 ] || fail "berth host exited with $rc on SIGINT"
PIDS=""
start_berth again --tap tap0 --addr 192.0.2.2/24
stop_berth again
grep -q 'SIGTERM, stopping' "$WORK/again.log" || fail "no stop message"

# --create: a device berth makes, gone when berth leaves.
start_berth create --tap btap9 --create --addr 198.51.100.9/24 --quiet
nsx ip link show btap9 >/dev/null 2>&1 || fail "--create did not create btap9"
stop_berth create
nsx ip link show btap9 >/dev/null 2>&1 && fail "btap9 outlived berth"
say "PASS"
