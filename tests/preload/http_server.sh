#!/bin/sh
# python3 -m http.server on berth (LD_PRELOAD), fetched by the kernel's
# curl over TAP: a 4 MB file and the directory listing, 10 fetches at
# once; bytes equal (sha256), a well-formed capture.
. "$(dirname "$0")/plib.sh"
require_preload curl python3
setup_ns

mkdir -p "$WORK/www"
head -c 4194304 /dev/urandom >"$WORK/www/file.bin"
cd "$WORK/www" || fail "no $WORK/www"
# A background job starts with SIGINT ignored; python3 -m http.server ends
# cleanly on KeyboardInterrupt (so the capture is complete) once it is back.
onberth httpd python3 -u -c 'import runpy, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.argv = ["http.server", "8080", "--bind", "192.0.2.2"]
runpy.run_module("http.server", run_name="__main__")'

wait_log httpd "Serving HTTP"

rm -f "$WORK"/got.*
nsx timeout 30 curl -sS -o "$WORK/got.0" -w '%{http_code} %{size_download} bytes %{speed_download} B/s\n' \
    http://192.0.2.2:8080/file.bin >"$WORK/curl.out" 2>&1 || { cat "$WORK/curl.out" "$WORK/httpd.log"; fail "curl failed"; }
say "kernel curl from berth's http.server: $(cat "$WORK/curl.out")"
a=$(sha256_of "$WORK/www/file.bin")
[ "$(sha256_of "$WORK/got.0")" = "$a" ] || fail "the fetched file differs"
say "sha256 $a equal"
nsx timeout 10 curl -sS http://192.0.2.2:8080/ | grep -q 'file.bin' || fail "no directory listing"
say "directory listing lists file.bin"

pids=""
for i in 1 2 3 4 5 6 7 8 9 10; do
    nsx timeout 60 curl -sS -o "$WORK/got.$i" http://192.0.2.2:8080/file.bin &
    pids="$pids $!"
done
for p in $pids; do wait "$p" || fail "a parallel fetch failed"; done
for i in 1 2 3 4 5 6 7 8 9 10; do
    [ "$(sha256_of "$WORK/got.$i")" = "$a" ] || fail "parallel fetch $i differs"
done
say "10 parallel fetches: all equal"

stop_bg "$BPID" INT
grep -c '"GET /file.bin' "$WORK/httpd.log" | sed 's/^/requests logged by the server: /'
TSHARK_OPTS="-d tcp.port==8080,data" tshark_check "$WORK/httpd.pcap" 1000
say "PASS"
