#!/bin/sh
# Build the libFuzzer harnesses with clang, libFuzzer, ASan and UBSan, the
# invariant checks on (BERTH_FUZZ_BUILD), and write each one's generated
# seed corpus. Usage: tests/fuzz/build.sh [OUTDIR] (default /tmp/berth-fuzz).
# Exit 77 when clang or its libFuzzer runtime is missing (Debian:
# clang and libclang-rt-14-dev). See README.md beside this file.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/berth-fuzz}
cc=${CC_FUZZ:-clang}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
defs="-DBERTH_FUZZ_BUILD -DBERTH_SANITIZE_BUILD"

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "SKIP: $cc not found (apt-get install clang libclang-rt-14-dev)"
    exit 77
fi
mkdir -p "$out"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    >"$out/probe.c"
if ! "$cc" -fsanitize=fuzzer,address "$out/probe.c" -o "$out/probe" >/dev/null 2>&1; then
    echo "SKIP: $cc cannot link -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev)"
    exit 77
fi

CC=$cc cmake -S "$src" -B "$out/lib" -DBERTH_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link $san $defs" >/dev/null
cmake --build "$out/lib" --target berth_static -j "${FUZZ_JOBS:-2}" >/dev/null

inc="-I$src/include -I$src/src -I$src/tests/fuzz -D_GNU_SOURCE $defs"
lib="$out/lib/libberth.a -lpthread"
fuzz() { # name source [extra flags]
    name=$1 file=$2
    shift 2
    "$cc" -std=c11 -Wall -Wextra -Werror -fsanitize=fuzzer $san $inc "$@" "$src/tests/fuzz/$file" \
        $lib -o "$out/$name"
}
fuzz fuzz_ip4_input fuzz_ip4_input.c
fuzz fuzz_ip4_frag fuzz_ip4_input.c -DFUZZ_FRAGMENTS_ONLY
fuzz fuzz_eth_arp fuzz_eth_arp.c
fuzz fuzz_nd6 fuzz_nd6.c
fuzz fuzz_tcp fuzz_tcp.c
fuzz fuzz_icmp_err fuzz_tcp.c -DFUZZ_ICMP_ERRORS
fuzz fuzz_ip6_input fuzz_ip6_input.c
"$cc" -std=c11 -Wall -Wextra -Werror $san $inc "$src/tests/fuzz/make_seeds.c" $lib \
    -o "$out/make_seeds"
"$cc" -std=c11 -Wall -Wextra -Werror $inc "$src/tests/fuzz/make_seeds6.c" -o "$out/make_seeds6"
for h in ip4_input ip4_frag eth_arp nd6 tcp icmp_err ip6_input; do
    rm -rf "$out/seeds-$h"
    mkdir -p "$out/seeds-$h"
done
"$out/make_seeds" "$out"
"$out/make_seeds6" "$out"
echo "built $out/fuzz_{ip4_input,ip4_frag,eth_arp,nd6,tcp,icmp_err,ip6_input}; seeds in $out/seeds-*"
