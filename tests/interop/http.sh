#!/bin/sh
# berth host's http service, fetched by curl from the kernel's side: the
# status page lists the sockets like `ss -tuna` (the UDP and TCP services,
# the listeners, an open echo connection, curl's own connection) and the
# counters like `nstat`; HTTP/1.0 and 1.1, Connection: close and an exact
# Content-Length; 404 for other paths, 405 (Allow: GET) for other methods,
# 505 for other versions, 400 for garbage; 20 fetches at once.
. "$(dirname "$0")/lib.sh"
require curl nc
setup_ns

start_berth host --tap tap0 --addr 192.0.2.2/24 --serve echo:7 --serve discard:9 \
    --serve http:8080 --pcap "$WORK/http.pcap" --status-file "$WORK/exit-status.html" --seed 1

# An idle echo connection, held open while the page is fetched.
# (sleep runs in the namespace too, so the cleanup ends it; nothing of it
# holds the test's output open.)
ip netns exec "$NS" timeout 10 sh -c 'sleep 8 | nc 192.0.2.2 7' >/dev/null 2>&1 &
PIDS="$PIDS $!"
sleep 0.5

code=$(nsx timeout 10 curl -sS -D "$WORK/page.head" -o "$WORK/page.html" -w '%{http_code}' \
    http://192.0.2.2:8080/) || fail "curl failed"
say "GET / -> $code, $(wc -c <"$WORK/page.html") bytes"
cat "$WORK/page.head"
[ "$code" = 200 ] || fail "GET / answered $code"
grep -qi '^Connection: close' "$WORK/page.head" || fail "no Connection: close"
grep -qi '^Content-Type: text/html' "$WORK/page.head" || fail "not text/html"
len=$(sed -n 's/^Content-Length: \([0-9]*\).*/\1/ip' "$WORK/page.head")
[ "$len" = "$(wc -c <"$WORK/page.html")" ] || fail "Content-Length $len is not the body's size"

# The socket table (ss -tuna's columns) and the counters (nstat's names).
page="$WORK/page.html"
sed -n '/<h2>Sockets/,/<\/table>/p' "$page" | sed 's/<\/tr>/\n/g; s/<[^>]*>/ /g' | tr -s ' ' | sed '/^ *$/d'
check_row() { # check_row DESCRIPTION REGEX
    grep -Eq "$2" "$page" || fail "the page lacks $1"
    say "page lists $1"
}
check_row "the TCP listener of echo:7" '<td>tcp</td><td>LISTEN</td><td>[0-9]+</td><td>511</td><td>0\.0\.0\.0:7</td>'
check_row "the TCP listener of discard:9" '<td>tcp</td><td>LISTEN</td>.*<td>0\.0\.0\.0:9</td>'
check_row "the TCP listener of http:8080" '<td>tcp</td><td>LISTEN</td>.*<td>0\.0\.0\.0:8080</td>'
check_row "the UDP socket of echo:7" '<td>udp</td><td>UNCONN</td>.*<td>0\.0\.0\.0:7</td>'
check_row "the UDP socket of discard:9" '<td>udp</td><td>UNCONN</td>.*<td>0\.0\.0\.0:9</td>'
check_row "the open echo connection" '<td>tcp</td><td>ESTAB</td><td>0</td><td>0</td><td>192\.0\.2\.2:7</td><td>192\.0\.2\.1:[0-9]+</td>'
check_row "curl's own connection" '<td>tcp</td><td>ESTAB</td>.*<td>192\.0\.2\.2:8080</td><td>192\.0\.2\.1:[0-9]+</td>'
for ctr in IpInReceives IpOutRequests TcpActiveOpens TcpPassiveOpens TcpCurrEstab TcpInSegs TcpOutSegs; do
    case $ctr in TcpActiveOpens) continue ;; esac # berth opened nothing
    grep -Eq "<td>$ctr</td><td>[1-9][0-9]*</td>" "$page" || fail "the page lacks counter $ctr"
done
say "page lists the counters IpInReceives IpOutRequests TcpPassiveOpens TcpCurrEstab TcpInSegs TcpOutSegs"
grep -q '192.0.2.1</td><td>[0-9a-f:]*</td>' "$page" || fail "the page lacks the neighbour 192.0.2.1"

# HTTP/1.0, other paths, methods, versions.
expect_code() { # expect_code WANT DESCRIPTION CURL-ARGS...
    want=$1 what=$2
    shift 2
    got=$(nsx timeout 10 curl -sS -o /dev/null -D "$WORK/h.head" -w '%{http_code}' "$@")
    say "$what -> $got"
    [ "$got" = "$want" ] || fail "$what: expected $want, got $got"
}
expect_code 200 "GET / (HTTP/1.0)" --http1.0 http://192.0.2.2:8080/
expect_code 200 "GET /status" http://192.0.2.2:8080/status
expect_code 404 "GET /nope" http://192.0.2.2:8080/nope
expect_code 405 "POST /" -d x=1 http://192.0.2.2:8080/
grep -qi '^Allow: GET' "$WORK/h.head" || fail "405 without Allow: GET"
expect_code 405 "DELETE /" -X DELETE http://192.0.2.2:8080/
raw() { printf "$1" | nsx timeout 10 nc -N -w 5 192.0.2.2 8080 | head -1 | tr -d '\r'; }
r=$(raw 'GET / HTTP/2.0\r\n\r\n')
say "GET / HTTP/2.0 -> $r"
[ "$r" = "HTTP/1.1 505 HTTP Version Not Supported" ] || fail "expected 505"
r=$(raw 'hello\r\n\r\n')
say "garbage -> $r"
[ "$r" = "HTTP/1.1 400 Bad Request" ] || fail "expected 400"
r=$(raw 'GET / HTTP/1.1\nHost: x\n\n')
say "request with bare LF line ends -> $r"
[ "$r" = "HTTP/1.1 200 OK" ] || fail "expected 200"

# 20 at once.
i=0
pids=""
while [ $i -lt 20 ]; do
    ip netns exec "$NS" timeout 20 curl -sS -o "$WORK/par.$i.html" http://192.0.2.2:8080/ &
    pids="$pids $!"
    i=$((i + 1))
done
nfail=0
for p in $pids; do wait "$p" || nfail=$((nfail + 1)); done
n=$(grep -l '</html>' "$WORK"/par.*.html | wc -l)
say "20 concurrent fetches: $n complete pages, $nfail curl failures"
[ "$n" = 20 ] && [ "$nfail" = 0 ] || fail "concurrent fetches"

stop_berth host
grep -q '^http:8080/tcp: 29 connections (0 open), .*responses 2xx 24 4xx 4 5xx 1, 0 reset, 0 aborted' \
    "$WORK/host.log" || fail "http:8080/tcp summary: expected 29 connections, 24 + 4 + 1 responses"
grep -q '<td>TcpPassiveOpens</td>' "$WORK/exit-status.html" || fail "no --status-file page at exit"

TSHARK_OPTS="-o tcp.desegment_tcp_streams:TRUE" # whole HTTP messages
tshark_check "$WORK/http.pcap" 100
n=$(tshark_count "$WORK/http.pcap" 'httpcode == 200')
say "tshark sees $n HTTP 200 responses"
[ "$n" -ge 20 ] || fail "tshark should see the 200 responses"
[ "$(tshark_ffff_from "$WORK/http.pcap" 192.0.2.2)" = 0 ] || fail "berth sent TCP checksums 0xffff"
say "PASS"
