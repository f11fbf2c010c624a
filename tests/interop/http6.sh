#!/bin/sh
# curl -6 to berth host's status page over IPv6 (issue 11): 200, the page
# names berth's IPv6 address and lists curl's own connection from
# [2001:db8::1]; the same [::] listener answers curl -4 (dual stack).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib6.sh"
require curl ping
need_v6 core tcp icmp6 ndp
setup_ns6

start_berth host --tap tap0 --addr 192.0.2.2/24 --addr 2001:db8::2/64 --serve http:8080 \
    --pcap "$WORK/http6.pcap" --seed 1
wait_ping6 2001:db8::2 10 || fail "berth does not answer ping -6 after 10 s"

code=$(nsx timeout 10 curl -6 -g -sS -D "$WORK/page.head" -o "$WORK/page.html" -w '%{http_code}' \
    'http://[2001:db8::2]:8080/') || fail "curl -6 failed"
say "GET http://[2001:db8::2]:8080/ -> $code, $(wc -c <"$WORK/page.html") bytes"
[ "$code" = 200 ] || fail "GET / over IPv6 answered $code"
grep -q 'inet6 2001:db8::2/64' "$WORK/page.html" || fail "the page does not show berth's IPv6 address"
grep -q '<td>ESTAB</td>.*<td>\[2001:db8::2\]:8080</td><td>\[2001:db8::1\]:[0-9]*</td>' "$WORK/page.html" ||
    fail "the page does not list curl's IPv6 connection"
grep -q '<td>tcp</td><td>LISTEN</td>.*<td>\[::\]:8080</td>' "$WORK/page.html" || fail "no [::]:8080 listener on the page"

code=$(nsx timeout 10 curl -4 -sS -o "$WORK/page4.html" -w '%{http_code}' http://192.0.2.2:8080/) ||
    fail "curl -4 failed"
[ "$code" = 200 ] || fail "GET / over IPv4 answered $code"
grep -q '<td>ESTAB</td>.*<td>\[::ffff:192.0.2.1\]:[0-9]*</td>' "$WORK/page4.html" ||
    fail "the IPv4 client is not listed as ::ffff:192.0.2.1"
say "curl -4 to the same listener: 200, peer ::ffff:192.0.2.1"

stop_berth host
grep -q 'http:8080/tcp: 2 connections .* responses 2xx 2 ' "$WORK/host.log" || fail "http should have answered 2 requests"
tshark6_check "$WORK/http6.pcap" 10
say "PASS"
