#!/bin/sh
# curl on berth (LD_PRELOAD) fetches a 4 MB file from the kernel's
# python3 -m http.server over TAP: bytes equal (sha256), a well-formed
# capture, one TCP connection from berth's address.
. "$(dirname "$0")/plib.sh"
require_preload curl python3
setup_ns

mkdir -p "$WORK/www"
head -c 4194304 /dev/urandom >"$WORK/www/file.bin"
(cd "$WORK/www" && exec ip netns exec "$NS" timeout 120 python3 -m http.server 8000 --bind 192.0.2.1) \
    >"$WORK/kserver.log" 2>&1 &
PIDS="$PIDS $!"
i=0
until nsx timeout 2 curl -s -o /dev/null http://192.0.2.1:8000/; do
    i=$((i + 1))
    [ $i -gt 50 ] && fail "the kernel's web server did not start"
    sleep 0.1
done

rm -f "$WORK/file.out"
onberth_fg curl curl -sS -o "$WORK/file.out" -w '%{http_code} %{size_download} bytes %{speed_download} B/s\n' \
    http://192.0.2.1:8000/file.bin >"$WORK/curl.out" 2>&1 || { cat "$WORK/curl.out"; fail "curl on berth failed"; }
say "curl on berth: $(cat "$WORK/curl.out")"
a=$(sha256_of "$WORK/www/file.bin")
b=$(sha256_of "$WORK/file.out")
say "sha256 served  $a"
say "sha256 fetched $b"
[ "$a" = "$b" ] || fail "the fetched file differs"
# Random bytes in a body segment are not HTTP: shown as data.
TSHARK_OPTS="-d tcp.port==8000,data" tshark_check "$WORK/curl.pcap" 100
syn=$(tshark_count "$WORK/curl.pcap" 'syn == 1 && src == "192.0.2.2" && dport == 8000')
say "SYNs from berth to port 8000: $syn"
[ "$syn" = 1 ] || fail "expected one connection from berth"
say "PASS"
