#!/bin/sh
# TLS through precompiled OpenSSL on berth (LD_PRELOAD) over TAP: openssl
# s_server -WWW on berth serves a 1 MB file to the kernel's curl, and curl
# on berth (libcurl with OpenSSL's BIO writing to the socket) fetches it
# from the kernel's s_server; bytes equal (sha256), a well-formed capture.
. "$(dirname "$0")/plib.sh"
require_preload openssl curl
setup_ns

mkdir -p "$WORK/www"
head -c 1048576 /dev/urandom >"$WORK/www/file.bin"
want=$(sha256_of "$WORK/www/file.bin")
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=192.0.2.2 -days 1 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >"$WORK/req.log" 2>&1 || { cat "$WORK/req.log"; fail "openssl req"; }
cd "$WORK/www" || fail "no $WORK/www"

# 1. s_server on berth, the kernel's curl.
onberth s_server openssl s_server -WWW -accept 192.0.2.2:4433 -cert "$WORK/cert.pem" -key "$WORK/key.pem"
wait_log s_server ACCEPT
rm -f "$WORK/got1"
nsx timeout 30 curl -sSk -o "$WORK/got1" https://192.0.2.2:4433/file.bin || { cat "$WORK/s_server.log"; fail "curl from berth's s_server"; }
[ "$(sha256_of "$WORK/got1")" = "$want" ] || fail "TLS from berth's s_server: bytes differ"
say "openssl s_server (berth) -> curl (kernel): 1 MB over TLS, sha256 equal"
stop_bg "$BPID" TERM

# 2. The kernel's s_server, curl (OpenSSL) on berth.
ip netns exec "$NS" timeout 60 openssl s_server -WWW -accept 192.0.2.1:4433 -cert "$WORK/cert.pem" \
    -key "$WORK/key.pem" >"$WORK/ks_server.log" 2>&1 &
PIDS="$PIDS $!"
wait_file "$WORK/ks_server.log" ACCEPT 10 || fail "kernel s_server did not start"
rm -f "$WORK/got2"
onberth_fg curl curl -sSk -o "$WORK/got2" https://192.0.2.1:4433/file.bin || fail "curl on berth over TLS"
[ "$(sha256_of "$WORK/got2")" = "$want" ] || fail "TLS to berth's curl: bytes differ"
say "openssl s_server (kernel) -> curl (berth, libcurl + OpenSSL): 1 MB over TLS, sha256 equal"

export TSHARK_OPTS="-d tcp.port==4433,tls"
pcap_trim "$WORK/s_server.pcap" # s_server ends by SIGTERM
tshark_check "$WORK/s_server.pcap" 100
tshark_check "$WORK/curl.pcap" 100
say "PASS"
