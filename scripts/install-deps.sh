#!/bin/sh
# The Debian 12 packages berth's tests use, and their installation.
#
#   scripts/install-deps.sh              install them all (as root)
#   scripts/install-deps.sh --if-missing install only if one is missing; without
#                                        root, name the missing ones and fail
#   scripts/install-deps.sh --list       print the list
#
# `make test` runs it with --if-missing, so on a fresh machine the README's
# test command needs nothing else. `make demo` needs none of these: only a C
# compiler, make and CMake.
set -e
PKGS="build-essential cmake pkg-config libcmocka-dev \
iproute2 tshark liblwip-dev valgrind clang libclang-rt-14-dev \
socat netcat-openbsd iputils-ping curl iperf3 openssl python3 \
gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"

missing() {
    for p in $PKGS; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
            printf '%s ' "$p"
        fi
    done
}

case "${1:-}" in
--list)
    echo $PKGS
    exit 0
    ;;
--if-missing)
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "install-deps: not a Debian system; install the equivalents of: $PKGS" >&2
        exit 0
    fi
    m=$(missing)
    [ -z "$m" ] && exit 0
    if [ "$(id -u)" != 0 ]; then
        echo "install-deps: the tests need these Debian packages, missing here:" >&2
        echo "  sudo apt-get install $m" >&2
        echo "(or run 'make test' as root, which installs them)" >&2
        exit 1
    fi
    echo "install-deps: installing $m"
    ;;
"") ;;
*)
    echo "usage: $0 [--if-missing | --list]" >&2
    exit 2
    ;;
esac

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
