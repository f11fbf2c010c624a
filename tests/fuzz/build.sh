#!/bin/sh
# Build the IPv4 fuzz harness with clang, libFuzzer, ASan and UBSan, plus the
# seed-corpus generator. Usage: tests/fuzz/build.sh [OUTDIR] (default
# /tmp/berth-fuzz). See README.md beside this file.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/berth-fuzz}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"

CC=clang cmake -S "$src" -B "$out/lib" -DBERTH_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link $san" >/dev/null
cmake --build "$out/lib" --target berth_static -j "$(nproc)" >/dev/null

inc="-I$src/include -I$src/src -D_GNU_SOURCE"
clang -std=c11 -Wall -Wextra -Werror -fsanitize=fuzzer $san $inc \
    "$src/tests/fuzz/fuzz_ip4_input.c" "$out/lib/libberth.a" -lpthread -o "$out/fuzz_ip4_input"
clang -std=c11 -Wall -Wextra -Werror $san $inc \
    "$src/tests/fuzz/make_seeds.c" "$out/lib/libberth.a" -lpthread -o "$out/make_seeds"
mkdir -p "$out/seeds"
"$out/make_seeds" "$out/seeds"
echo "built $out/fuzz_ip4_input; seeds in $out/seeds"
