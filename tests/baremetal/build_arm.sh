#!/bin/sh
# ctest `baremetal_build` (label baremetal): berth builds for a Cortex-M4
# with Debian's arm-none-eabi-gcc + newlib-nano, -Werror, through the
# repository's toolchain file, with no workaround, and the minimal firmware
# (examples/size_probe.c) links with --specs=nano.specs --specs=nosys.specs
# -Wl,--gc-sections without malloc. Skips (77) without the cross compiler.
#
#   build_arm.sh SOURCE_DIR WORK_DIR [extra cmake -D options...]
set -eu
src=$1
work=$2
shift 2
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    echo "SKIP: arm-none-eabi-gcc not found (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi)"
    exit 77
fi
if ! echo 'int main(void){return 0;}' | arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb \
        --specs=nano.specs --specs=nosys.specs -x c - -o /dev/null >/dev/null 2>&1; then
    echo "SKIP: arm-none-eabi-gcc cannot link with newlib-nano (install libnewlib-arm-none-eabi)"
    exit 77
fi
rm -rf "$work"
cmake -S "$src" -B "$work" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/arm-none-eabi.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel "$@" >"$work.configure.log" 2>&1 ||
    { cat "$work.configure.log"; echo "FAIL: configure"; exit 1; }
cmake --build "$work" -j2 || { echo "FAIL: build"; exit 1; }
elf=$work/berth-size-probe
[ -f "$elf" ] || { echo "FAIL: $elf was not linked"; exit 1; }
arm-none-eabi-size "$elf"
# A firmware that gives berth an arena must not get malloc from berth.
if arm-none-eabi-nm "$elf" | grep -Eq ' [Tt] (_?malloc|_malloc_r)$'; then
    echo "FAIL: malloc is linked into the firmware"
    arm-none-eabi-nm "$elf" | grep -E 'malloc'
    exit 1
fi
# Nothing hosted may have crept in, and no printf (trace is compiled out).
for lib in pthread_mutex_lock getrandom clock_gettime _vfprintf_r _svfprintf_r; do
    if arm-none-eabi-nm "$elf" | grep -q " $lib\$"; then
        echo "FAIL: $lib is linked into the firmware"
        exit 1
    fi
done
echo "PASS: arm-none-eabi build with -Werror, firmware linked without malloc"
