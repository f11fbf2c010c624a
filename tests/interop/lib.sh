# lib.sh — sourced by every interop test (tests/interop/*.sh).
#
# Each test runs as root in a network namespace of its own, named
# berth-<test>-<pid>, with a TAP device tap0: the kernel's side is
# 192.0.2.1/24 (and 198.51.100.1/32 on its lo, which berth reaches through
# its gateway 192.0.2.1), berth is 192.0.2.2/24. IPv6 is off in the
# namespace, so only these addresses exist and nothing leaves it. An EXIT
# trap ends what the test started and deletes the namespace, whatever
# happens. Every command that waits is bounded in time.
#
# Environment: BERTH (the berth program), UDPX (the kernel-side helper),
# WORK (a directory for logs and captures, kept for inspection).
# Exit 77 (ctest's SKIP_RETURN_CODE) when the machine cannot run the test.

set -u
T=$(basename "$0" .sh)
NS="berth-$T-$$"
PIDS=""
NS_MADE=0

say() { printf '%s\n' "$*"; }
skip() { say "SKIP: $*"; exit 77; }
fail() { say "FAIL: $*"; exit 1; }

require() {
    [ "$(id -u)" = 0 ] || skip "interop tests need root (network namespaces and TAP devices)"
    [ -c /dev/net/tun ] || skip "interop tests need /dev/net/tun (the tun driver)"
    for t in ip timeout tshark "$@"; do
        command -v "$t" >/dev/null 2>&1 ||
            skip "interop tests need '$t' (Debian: apt-get install iproute2 coreutils tshark socat netcat-openbsd iputils-ping curl)"
    done
    [ -x "${BERTH:-}" ] || fail "BERTH is not set to the berth program"
    mkdir -p "$WORK" || fail "cannot create $WORK"
}

nsx() { ip netns exec "$NS" "$@"; }

cleanup() {
    rc=$?
    trap - EXIT INT TERM
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
    if [ "$NS_MADE" = 1 ]; then
        # Anything still running in our namespace was started by this test.
        left=$(ip netns pids "$NS" 2>/dev/null)
        [ -n "$left" ] && sleep 0.3 && left=$(ip netns pids "$NS" 2>/dev/null)
        for p in $left; do kill -KILL "$p" 2>/dev/null; done
        ip netns del "$NS" 2>/dev/null || say "warning: could not delete namespace $NS"
    fi
    exit $rc
}

# The namespace, tap0 (kernel 192.0.2.1/24) and 198.51.100.1/32 on lo.
setup_ns() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    ip netns add "$NS" 2>"$WORK/netns.err" || skip "cannot create a network namespace: $(cat "$WORK/netns.err")"
    NS_MADE=1
    nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
    nsx ip link set lo up || fail "lo"
    nsx ip tuntap add dev tap0 mode "${1:-tap}" || fail "cannot create tap0"
    nsx ip link set tap0 txqueuelen 20000
    nsx ip addr add 192.0.2.1/24 dev tap0
    nsx ip link set tap0 up
    nsx ip addr add 198.51.100.1/32 dev lo
}

# start_berth NAME ARGS... : berth host in the namespace, output in
# $WORK/NAME.log; waits (10 s at most) for its "ready" line. Sets BPID.
start_berth() {
    name=$1
    shift
    : >"$WORK/$name.log" # truncated here: a stale "ready" must not be seen
    ip netns exec "$NS" timeout -s INT 600 "$BERTH" host "$@" >"$WORK/$name.log" 2>&1 &
    BPID=$!
    PIDS="$PIDS $BPID"
    i=0
    while ! grep -q '^ready$' "$WORK/$name.log" 2>/dev/null; do
        if ! kill -0 "$BPID" 2>/dev/null; then
            cat "$WORK/$name.log"
            fail "berth host exited before it was ready"
        fi
        i=$((i + 1))
        [ $i -gt 100 ] && { cat "$WORK/$name.log"; fail "berth host not ready after 10 s"; }
        sleep 0.1
    done
}

# stop_berth NAME: SIGTERM, wait for a clean exit, show its summary.
stop_berth() {
    kill -TERM "$BPID" 2>/dev/null
    wait "$BPID"
    src=$?
    PIDS=$(printf '%s' "$PIDS" | sed "s/ $BPID\$//; s/ $BPID / /")
    say "--- berth host ($1) ---"
    cat "$WORK/$1.log"
    say "---"
    [ $src -eq 0 ] || fail "berth host exited with status $src"
}

# wait_file FILE PATTERN SECONDS
wait_file() {
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt $(($3 * 10)) ] && return 1
        sleep 0.1
    done
}

# tshark_check PCAP [MIN_FRAMES]: Wireshark's dissectors judge every frame:
# none malformed, IPv4/UDP/TCP/ICMP checksums verified good (status 1) where
# present, no expert item of severity error. The expert summary (TCP's
# analysis: retransmissions, duplicate ACKs, window events...) goes to the
# test log. One tshark pass does both (-z expert after the fields). TCP
# streams are not reassembled (nothing here needs it, and it is 2x slower).
# TSHARK_OPTS adds options, e.g. "-d tcp.port==5001,data" so that a test
# port is not taken for some protocol by a heuristic dissector.
# A TCP checksum of 0xffff where 0x0000 is computed is the same number in
# one's complement (RFC 1624); Linux's software checksum (skb_checksum_help,
# what a TAP device without offloads gets) writes it so. Such frames are
# counted by sender, not failed: for berth's own frames the test can check.
tshark_check() {
    pcap=$1
    min=${2:-1}
    opts="-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -o tcp.desegment_tcp_streams:FALSE ${TSHARK_OPTS:-}"
    [ -s "$pcap" ] || fail "no capture $pcap"
    # shellcheck disable=SC2086
    timeout 120 tshark -n -r "$pcap" $opts -z expert -T fields -E separator=/t -E occurrence=a \
        -E aggregator=, -e frame.number -e _ws.malformed -e _ws.expert.severity \
        -e ip.checksum.status -e udp.checksum.status -e icmp.checksum.status \
        -e tcp.checksum.status -e tcp.checksum -e ip.src -e frame.protocols \
        -e ip.dst -e tcp.srcport -e tcp.dstport -e tcp.flags.syn -e tcp.flags.reset \
        -e arp.opcode -e arp.dst.proto_ipv4 -e icmp.type -e icmp.code -e http.response.code \
        -e _ws.expert.group \
        >"$pcap.out" 2>"$pcap.err" || { cat "$pcap.err"; fail "tshark cannot read $pcap"; }
    grep -E '^[0-9]+	' "$pcap.out" >"$pcap.fields"
    grep -vE '^[0-9]+	' "$pcap.out" | sed '/^$/d' >"$pcap.expert"
    say "--- tshark expert summary of $(basename "$pcap") ---"
    # "Duplicate ACK (#n)" comes once per n: folded into one line here (the
    # whole list stays in $pcap.expert).
    if [ -s "$pcap.expert" ]; then
        awk '
            function flush(   i) {
                for (i = 1; i <= nl; i++)
                    if (i == dupat) printf "%12d   Sequence                TCP  Duplicate ACK (#1..#%d)\n", dup, dupmax
                    else print line[i]
                nl = 0; dup = 0; dupmax = 0; dupat = 0 }
            /^[A-Z]/ { flush() }
            /Duplicate ACK \(#[0-9]+\)/ { n = $0; sub(/.*\(#/, "", n); sub(/\).*/, "", n)
                dup += $1; if (n + 0 > dupmax) dupmax = n + 0; if (!dupat) dupat = ++nl; next }
            { line[++nl] = $0 }
            END { flush() }' "$pcap.expert"
    else
        say "(no expert items: no errors, warnings, notes or chats)"
    fi
    bad=$(awk -F'\t' '
        function has0(list,   n, a, i) { n = split(list, a, ","); for (i = 1; i <= n; i++) if (a[i] == "0") return 1; return 0 }
        # An ICMP error quotes "as much of the invoking packet as possible"
        # without exceeding the minimum MTU (RFC 4443 section 3.2, RFC 792):
        # a quoted TCP or UDP segment is cut short, so the checksum tshark
        # computes over the remnant is wrong by construction. For such frames
        # only the quoted transport checksum (expert group Checksum,
        # 0x01000000, and the inner UDP/TCP status) is excused; the outer
        # ICMP checksum is still checked ($6 here, icmpv6 in lib6.sh).
        function error_not_quoted(sev, grp,   n, s, g, i) {
            n = split(sev, s, ","); split(grp, g, ",")
            for (i = 1; i <= n; i++)
                if (s[i] + 0 >= 8388608 && !(quoted && g[i] + 0 == 16777216)) return 1
            return 0 }
        { quoted = ($10 ~ /:icmp:ip:|:icmpv6:ipv6:/) }
        $2 != "" { print "frame " $1 ": malformed"; next }
        error_not_quoted($3, $21) { print "frame " $1 ": expert error " $3 " (groups " $21 ")"; next }
        has0($4) { print "frame " $1 ": bad IPv4 checksum"; next }
        !quoted && has0($5) { print "frame " $1 ": bad UDP checksum"; next }
        has0($6) { print "frame " $1 ": bad ICMP checksum"; next }
        !quoted && has0($7) && $8 != "0xffff" { print "frame " $1 ": bad TCP checksum" }
    ' "$pcap.fields")
    ffff=$(awk -F'\t' '$7 == "0" && $8 == "0xffff" { n[$9]++ } END { for (s in n) printf "%s from %s; ", n[s], s }' "$pcap.fields")
    [ -n "$ffff" ] && say "tshark: TCP checksum 0xffff for 0x0000 (RFC 1624, equivalent): $ffff"
    frames=$(wc -l <"$pcap.fields")
    protos=$(cut -f10 "$pcap.fields" | sed 's/^eth:ethertype://; s/^raw://' | sort | uniq -c | sort -rn | awk '{printf "%s %s; ", $1, $2}')
    say "tshark: $frames frames ($protos)"
    if [ -n "$bad" ]; then
        printf '%s\n' "$bad" | head -20
        fail "tshark found problems in $pcap"
    fi
    [ "$frames" -ge "$min" ] || fail "only $frames frames in $pcap (expected at least $min)"
    say "tshark: all $frames frames well-formed, checksums good"
}

# tshark_count PCAP CONDITION: how many frames of PCAP (after tshark_check,
# from its fields: no second tshark run) satisfy the awk CONDITION, which may
# use src dst (IPv4 addresses; "a,b" for an ICMP error quoting a header),
# sport dport syn rst (TCP), arpop arpdst, icmptype icmpcode, httpcode.
tshark_count() {
    awk -F'\t' '{ src = $9; dst = $11; sport = $12; dport = $13; syn = $14; rst = $15
            arpop = $16; arpdst = $17; icmptype = $18; icmpcode = $19; httpcode = $20
            sub(/^True$/, "1", syn); sub(/^False$/, "0", syn)
            sub(/^True$/, "1", rst); sub(/^False$/, "0", rst) }
        '"$2"' { n++ }
        END { print n + 0 }' "$1.fields"
}

# tshark_ffff_from PCAP ADDR: how many TCP segments ADDR sent with checksum
# 0xffff (after tshark_check). berth computes checksums itself and must
# send 0x0000, as RFC 9293 and Linux's own csum_fold do.
tshark_ffff_from() {
    awk -F'\t' -v a="$2" '$7 == "0" && $8 == "0xffff" && $9 == a { n++ } END { print n + 0 }' "$1.fields"
}
