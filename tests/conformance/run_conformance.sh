#!/usr/bin/env bash
# run_conformance.sh - kernel-oracle conformance runner for berth.
#
# Builds each conformance program twice - plain (oracle: the Linux kernel,
# run in a fresh network namespace) and with -include berth/posix.h linked
# against libberth.a (berth, run in-process) - runs both and diffs their
# output. A difference fails unless docs/deviations.md lists it.
# See docs/conformance.md for the details and the deviation-listing format.
#
# Exit codes: 0 pass (possibly with listed deviations), 1 fail,
#             2 usage/build error, 77 skipped (no root / no unshare -n).
set -u

usage() {
    cat <<USAGE
usage: $0 [options] prog.c [prog.c...]
  --include DIR     berth include dir (holds berth/posix.h)
  --lib FILE        berth static library (libberth.a)
  --build-dir DIR   look for libberth.a under DIR (instead of --lib)
  --deviations FILE deviation list (default: <repo>/docs/deviations.md)
  --workdir DIR     where binaries and outputs go (default: a temp dir)
  --cc CC           C compiler (default: \$CC or cc)
  --libs "FLAGS"    extra link flags for the berth build (default: -lpthread)
  --cflags "FLAGS"  extra compile flags for the berth build (e.g. -DBERTH_WITH_TCP=1)
  --wrap FILE       link-time mode: the berth build gets no macros (posix.h is
                    included with BERTH_POSIX_NO_MACROS, for confx.h) and is
                    linked with the linker flags in FILE (berth-wrap.flags)
  (every option also takes the --opt=value form)
  --oracle-only     run only the kernel build, twice, and check that its
                    output is deterministic (for writing new programs)
  --keep            keep the temp workdir
USAGE
    exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
inc="$repo/include"
lib=""
build_dir=""
deviations="$repo/docs/deviations.md"
workdir=""
cc="${CC:-cc}"
extra_libs="-lpthread"
berth_cflags=""
wrap_flags=""
oracle_only=0
keep=0
progs=()
cflags=(-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra)

while [ $# -gt 0 ]; do
    case "$1" in
    --*=*) opt=${1%%=*}; val=${1#*=}; shift; set -- "$opt" "$val" "$@"; continue ;;
    --include) inc="$2"; shift 2 ;;
    --lib) lib="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --deviations) deviations="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --cc) cc="$2"; shift 2 ;;
    --libs) extra_libs="$2"; shift 2 ;;
    --cflags) berth_cflags="$2"; shift 2 ;;
    --wrap) wrap_flags="$2"; shift 2 ;;
    --oracle-only) oracle_only=1; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) progs+=("$1"); shift ;;
    esac
done
[ ${#progs[@]} -gt 0 ] || usage

# ---- can we run the oracle at all? ----------------------------------------
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
    echo "SKIP: needs root for unshare -n (the Linux oracle runs in a fresh network namespace)"
    exit 77
fi
command -v ip >/dev/null 2>&1 || { echo "SKIP: needs the 'ip' command (iproute2)"; exit 77; }

if [ $oracle_only = 0 ]; then
    if [ -z "$lib" ] && [ -n "$build_dir" ]; then
        lib=$(find "$build_dir" -name libberth.a -print -quit 2>/dev/null)
    fi
    if [ -z "$lib" ] || [ ! -f "$lib" ]; then
        echo "ERROR: berth static library not found (--lib or --build-dir)" >&2
        exit 2
    fi
    if [ ! -f "$inc/berth/posix.h" ]; then
        echo "ERROR: $inc/berth/posix.h not found (--include)" >&2
        exit 2
    fi
fi

if [ -z "$workdir" ]; then
    workdir=$(mktemp -d /tmp/berth-conf.XXXXXX)
    [ $keep = 1 ] || trap 'rm -rf "$workdir"' EXIT
fi
mkdir -p "$workdir" || exit 2

# Runs a binary; stdout to $2, with a final line describing how it ended.
# $1 = "kernel" or "berth", $2 = output file, $3 = binary.
run_one() {
    local mode=$1 out=$2 bin=$3 rc
    # shellcheck disable=SC2016 # $0 is for the child sh
    # The program runs under a child sh (not exec'd) so that a crash is
    # reported by that sh into the stderr file, and here only as a status.
    if [ "$mode" = kernel ]; then
        timeout 20 unshare -n sh -c 'ip link set lo up && "$0"; exit $?' "$bin" \
            </dev/null >"$out" 2>"$out.stderr"
    else
        timeout 20 sh -c '"$0"; exit $?' "$bin" </dev/null >"$out" 2>"$out.stderr"
    fi
    rc=$?
    if [ $rc = 124 ]; then
        echo "[timed out]" >>"$out"
    elif [ $rc -gt 128 ]; then
        echo "[killed by signal $(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))]" >>"$out"
    else
        echo "[exit status $rc]" >>"$out"
    fi
}

# Prints the deviation entries for program $1 from the deviations file:
# "*" for a whole-program exemption, else one line prefix per line.
deviation_entries() {
    local name=$1
    [ -f "$deviations" ] || return 0
    # - conformance `name`: reason                 -> whole program
    # - conformance `name` `line prefix`: reason   -> lines starting with prefix
    awk -v name="$name" '
        {
            line = $0
            sub(/^[ \t]*[-*][ \t]+/, "", line)
            if (substr(line, 1, 13) != "conformance `") next
            rest = substr(line, 14)
            i = index(rest, "`"); if (i == 0) next
            if (substr(rest, 1, i - 1) != name) next
            rest = substr(rest, i + 1)
            sub(/^[ \t]+/, "", rest)
            if (substr(rest, 1, 1) == ":") { print "*"; next }
            if (substr(rest, 1, 1) != "`") next
            rest = substr(rest, 2)
            j = index(rest, "`"); if (j == 0) next
            print substr(rest, 1, j - 1)
        }' "$deviations"
}

# Drops lines starting with any of the prefixes listed in file $2.
filter_lines() {
    awk -v pf="$2" '
        BEGIN { n = 0; while ((getline p < pf) > 0) pfx[n++] = p }
        { for (i = 0; i < n; i++) if (index($0, pfx[i]) == 1) next; print }' "$1"
}

status=0
for src in "${progs[@]}"; do
    name=$(basename "$src" .c)
    w="$workdir/$name"
    mkdir -p "$w"
    if [ ! -f "$src" ]; then
        echo "ERROR: $src: no such file" >&2
        status=2
        continue
    fi

    if ! "$cc" "${cflags[@]}" -I"$here" "$src" -o "$w/$name.kernel" 2>"$w/cc.kernel.log"; then
        cat "$w/cc.kernel.log"
        echo "FAIL $name: oracle build failed"
        status=2
        continue
    fi

    if [ $oracle_only = 1 ]; then
        run_one kernel "$w/kernel.out" "$w/$name.kernel"
        run_one kernel "$w/kernel2.out" "$w/$name.kernel"
        if diff -u --label "kernel run 1" --label "kernel run 2" \
            "$w/kernel.out" "$w/kernel2.out"; then
            cat "$w/kernel.out"
            if [ "$(tail -n 1 "$w/kernel.out")" != "[exit status 0]" ]; then
                echo "ORACLE-BAD $name: did not exit with status 0"
                status=1
                continue
            fi
            echo "ORACLE-OK $name ($(wc -l <"$w/kernel.out") lines)"
        else
            echo "ORACLE-NONDETERMINISTIC $name"
            status=1
        fi
        continue
    fi

    # The berth build: posix.h's macros, or (--wrap) the linker's --wrap.
    if [ -n "$wrap_flags" ]; then
        mode=(-DBERTH_POSIX_NO_MACROS -include berth/posix.h)
        link=("@$wrap_flags")
    else
        mode=(-include berth/posix.h)
        link=()
    fi
    # shellcheck disable=SC2086 # flag strings are meant to split
    if ! "$cc" "${cflags[@]}" $berth_cflags -I"$here" "${mode[@]}" -I"$inc" "$src" \
        "$lib" "${link[@]}" $extra_libs -o "$w/$name.berth" 2>"$w/cc.berth.log"; then
        cat "$w/cc.berth.log"
        echo "FAIL $name: berth build failed"
        status=1
        continue
    fi

    run_one kernel "$w/kernel.out" "$w/$name.kernel"
    run_one berth "$w/berth.out" "$w/$name.berth"

    for m in kernel berth; do
        if [ -s "$w/$m.out.stderr" ]; then
            echo "--- $m stderr:"
            cat "$w/$m.out.stderr"
        fi
    done

    if cmp -s "$w/kernel.out" "$w/berth.out"; then
        echo "PASS $name ($(wc -l <"$w/kernel.out") lines identical)"
        continue
    fi

    diff -u --label "kernel ($name)" --label "berth ($name)" "$w/kernel.out" "$w/berth.out"

    deviation_entries "$name" >"$w/deviations"
    if grep -qx '\*' "$w/deviations"; then
        echo "PASS $name (differences above: whole program listed in $(basename "$deviations"))"
        continue
    fi
    if [ -s "$w/deviations" ]; then
        filter_lines "$w/kernel.out" "$w/deviations" >"$w/kernel.filtered"
        filter_lines "$w/berth.out" "$w/deviations" >"$w/berth.filtered"
        if cmp -s "$w/kernel.filtered" "$w/berth.filtered"; then
            echo "PASS $name (differences above: all on lines listed in $(basename "$deviations"))"
            continue
        fi
        echo "--- after dropping the listed lines, still different:"
        diff -u --label "kernel ($name, filtered)" --label "berth ($name, filtered)" \
            "$w/kernel.filtered" "$w/berth.filtered"
    fi
    echo "FAIL $name: berth differs from the Linux kernel (see diff above; '-' kernel, '+' berth)"
    status=1
done
exit $status
