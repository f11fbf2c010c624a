#!/bin/sh
# Debian 12 packages berth's build and tests use (run as root).
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    build-essential cmake pkg-config libcmocka-dev \
    iproute2 tshark liblwip-dev valgrind clang \
    socat netcat-openbsd iputils-ping curl >/dev/null
