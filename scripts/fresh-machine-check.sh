#!/bin/sh
# Check the README's two commands on a clean Debian 12 root (as root):
#
#   scripts/fresh-machine-check.sh [ROOT]      (default ROOT: /var/tmp/berth-fresh)
#
# 1. debootstrap a minimal bookworm into ROOT (skipped if ROOT/etc/debian_version
#    exists — delete ROOT for a truly fresh run);
# 2. install only gcc, make and cmake, clone this repository's HEAD into it and
#    run `make demo` as an unprivileged user (no cmocka, no pkg-config);
# 3. as root, run `make test`, which must install what the tests need by
#    itself and pass.
# The chroot gets /proc, /sys and /dev (for unshare -n and /dev/net/tun) and
# the host's resolv.conf; everything is unmounted on exit.
set -eu
ROOT=${1:-/var/tmp/berth-fresh}
REPO=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (debootstrap, chroot)"; exit 77; }
command -v debootstrap >/dev/null || { echo "needs debootstrap (apt-get install debootstrap)"; exit 77; }

if [ ! -f "$ROOT/etc/debian_version" ]; then
    debootstrap --variant=minbase bookworm "$ROOT" http://deb.debian.org/debian
fi
cleanup() {
    for m in run dev sys proc; do umount -l "$ROOT/$m" 2>/dev/null || true; done
    umount -l "$ROOT" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
# The root must be a mount point of its own: `ip netns exec` remounts / as a
# slave, which fails on a plain directory.
mount --bind "$ROOT" "$ROOT"
mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
mount -t tmpfs tmpfs "$ROOT/run"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

rm -rf "$ROOT/home/berth"
mkdir -p "$ROOT/home/berth"
git -C "$REPO" archive --format=tar HEAD | tar -x -C "$ROOT/home/berth"

chroot "$ROOT" /bin/sh -eu <<'IN'
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
apt-get update -qq
apt-get install -y -qq --no-install-recommends gcc libc6-dev make cmake >/dev/null
id newcomer >/dev/null 2>&1 || useradd -m newcomer
chown -R newcomer /home/berth
echo "== make demo (as newcomer: gcc, make, cmake only)"
if ! su newcomer -c 'cd /home/berth && make demo' >/tmp/demo.log 2>&1; then
    tail -30 /tmp/demo.log
    echo "make demo FAILED"
    exit 1
fi
tail -4 /tmp/demo.log
echo "== make test (as newcomer: must name what is missing)"
if su newcomer -c 'cd /home/berth && make test' >/tmp/nonroot.log 2>&1; then
    echo "unexpected: make test passed without the packages"; exit 1
fi
grep -A1 "missing here" /tmp/nonroot.log
echo "== make test (as root)"
cd /home/berth && rm -rf build
if ! make test >/tmp/test.log 2>&1; then
    tail -40 /tmp/test.log
    echo "make test FAILED"
    exit 1
fi
grep -E "tests passed|Label Time|^[a-z_]+ += " /tmp/test.log
IN
trap - EXIT INT TERM
cleanup
echo "fresh-machine check: passed"
exit 0
