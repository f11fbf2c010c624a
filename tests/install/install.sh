#!/bin/sh
# cmake --install into a fresh prefix, then an outside program (hello.c)
# built against it with pkg-config (shared and --static) and with
# find_package(berth) (berth::berth and berth::berth_static); each runs.
# Also checks the installed files: headers, libberth.a/.so, the preload
# library and the berth program.
# Usage: install.sh BUILD_DIR SOURCE_DIR WORK
set -u
B=$1 S=$2 W=$3
fail() { echo "FAIL: $*"; exit 1; }
command -v cc >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
command -v pkg-config >/dev/null || { echo "SKIP: no pkg-config"; exit 77; }
rm -rf "$W" && mkdir -p "$W" || fail "cannot create $W"
P=$W/prefix
cmake --install "$B" --prefix "$P" >"$W/install.log" 2>&1 || { cat "$W/install.log"; fail "cmake --install"; }
L=$(ls -d "$P"/lib* | head -1)
for f in include/berth/socket.h include/berth/posix.h include/berth/tap.h; do
    [ -f "$P/$f" ] || fail "not installed: $f"
done
for f in libberth.a libberth.so libberth-preload.so pkgconfig/berth.pc cmake/berth/berthConfig.cmake; do
    [ -e "$L/$f" ] || fail "not installed: $(basename "$L")/$f"
done
[ -x "$P/bin/berth" ] || fail "not installed: bin/berth"
echo "installed: headers, libberth.a, libberth.so, libberth-preload.so, berth.pc, berthConfig.cmake, bin/berth"

export PKG_CONFIG_PATH="$L/pkgconfig"
# shellcheck disable=SC2046
cc -o "$W/hello_pc" "$S/tests/install/hello.c" $(pkg-config --cflags --libs berth) || fail "pkg-config build (shared)"
LD_LIBRARY_PATH="$L" "$W/hello_pc" || fail "hello (pkg-config, shared)"
# shellcheck disable=SC2046
cc -static-libgcc -o "$W/hello_pc_static" "$S/tests/install/hello.c" $(pkg-config --cflags berth) \
    "$L/libberth.a" $(pkg-config --static --libs-only-other --libs-only-l berth | sed 's/-lberth//') ||
    fail "pkg-config build (static)"
"$W/hello_pc_static" || fail "hello (pkg-config, static)"
ldd "$W/hello_pc_static" | grep -q libberth && fail "the static build links libberth.so"

cmake -S "$S/tests/install/consumer" -B "$W/consumer" -DCMAKE_PREFIX_PATH="$P" >"$W/consumer.log" 2>&1 ||
    { cat "$W/consumer.log"; fail "find_package(berth) configure"; }
cmake --build "$W/consumer" >>"$W/consumer.log" 2>&1 || { cat "$W/consumer.log"; fail "find_package(berth) build"; }
LD_LIBRARY_PATH="$L" "$W/consumer/hello_shared" || fail "hello (berth::berth)"
"$W/consumer/hello_static" || fail "hello (berth::berth_static)"
echo "PASS"
