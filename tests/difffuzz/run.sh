#!/usr/bin/env bash
# run.sh - differential fuzzing of berth's socket layer against the kernel.
#
# Builds difffuzz.c twice, exactly like the conformance programs (plain for
# the kernel; -include berth/posix.h + libberth.a for berth), runs sequences
# FIRST..FIRST+COUNT-1 on both (the kernel build in a fresh network
# namespace per sequence), and compares them sequence by sequence.
# See docs/difffuzz.md.
#
# Exit codes: 0 no difference (or only listed ones), 1 differences (printed),
#             2 usage/build error, 77 skipped (no root / no unshare -n).
set -u

usage() {
    cat <<USAGE
usage: $0 [options] FIRST_SEED COUNT
  --include DIR     berth include dir (holds berth/posix.h)
  --lib FILE        berth static library (libberth.a)
  --build-dir DIR   look for libberth.a under DIR (instead of --lib)
  --workdir DIR     binaries and outputs (default: a temp dir, removed)
  --cc CC           C compiler (default: \$CC or cc)
  --libs "FLAGS"    extra link flags for the berth build (default: -lpthread)
  --cflags "FLAGS"  extra compile flags for the berth build
  --calls N         calls per sequence (default 60)
  --show N          print the diffs of the first N differing sequences (default 5)
  --twice           run the kernel build twice and fail if it is not deterministic
  --deviations FILE documented differences (default: <repo>/docs/deviations.md):
                    a sequence listed there as \`- difffuzz seed \`N\`: reason\`
                    may differ (its diff is still printed)
USAGE
    exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
inc="$repo/include"
lib=""
build_dir=""
workdir=""
cc="${CC:-cc}"
extra_libs="-lpthread"
berth_cflags=""
calls=60
show=5
twice=0
deviations="$repo/docs/deviations.md"
args=()
cflags=(-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -I"$repo/tests/conformance")

while [ $# -gt 0 ]; do
    case "$1" in
    --*=*) opt=${1%%=*}; val=${1#*=}; shift; set -- "$opt" "$val" "$@"; continue ;;
    --include) inc="$2"; shift 2 ;;
    --lib) lib="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --cc) cc="$2"; shift 2 ;;
    --libs) extra_libs="$2"; shift 2 ;;
    --cflags) berth_cflags="$2"; shift 2 ;;
    --calls) calls="$2"; shift 2 ;;
    --show) show="$2"; shift 2 ;;
    --twice) twice=1; shift ;;
    --deviations) deviations="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) args+=("$1"); shift ;;
    esac
done
[ ${#args[@]} -eq 2 ] || usage
first=${args[0]}
count=${args[1]}

if [ -z "$lib" ]; then
    [ -n "$build_dir" ] || build_dir="$repo/build"
    lib=$(find "$build_dir" -name libberth.a -print -quit 2>/dev/null)
fi
if [ -z "$lib" ] || [ ! -f "$lib" ]; then
    echo "run.sh: libberth.a not found (use --lib or --build-dir)" >&2
    exit 2
fi

if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
    echo "SKIP: needs root for unshare -n (the kernel is the oracle)"
    exit 77
fi

cleanup=0
if [ -z "$workdir" ]; then
    workdir=$(mktemp -d)
    cleanup=1
fi
mkdir -p "$workdir"
[ $cleanup = 1 ] && trap 'rm -rf "$workdir"' EXIT

src="$here/difffuzz.c"
# shellcheck disable=SC2086
if ! "$cc" "${cflags[@]}" "$src" -o "$workdir/difffuzz.kernel" ||
    ! "$cc" "${cflags[@]}" $berth_cflags -include berth/posix.h -I"$inc" "$src" "$lib" \
        $extra_libs -o "$workdir/difffuzz.berth"; then
    echo "run.sh: build failed" >&2
    exit 2
fi

run_kernel() {
    unshare -n "$workdir/difffuzz.kernel" -n -c "$calls" "$first" "$count" > "$1"
}
run_kernel "$workdir/kernel.out" || { echo "run.sh: kernel run failed" >&2; exit 2; }
# Seeds whose outputs differ between two files of sequences.
seeds_differing() {
    awk '
        FNR == 1 { f++ }
        /^# seed / { seed = $3; if (f == 1) order[++n] = seed; next }
        { if (f == 1) a[seed] = a[seed] $0 "\n"; else b[seed] = b[seed] $0 "\n" }
        END { for (i = 1; i <= n; i++) if (a[order[i]] != b[order[i]]) print order[i] }' "$1" "$2"
}
if [ $twice = 1 ]; then
    # The generator must be deterministic on the kernel. One thing is not:
    # the kernel's random ephemeral ports, which now and then give two
    # sockets of a sequence the same number (about one sequence in 10,000).
    # So a seed whose two runs differ runs twice more; it fails the check
    # only if those two runs differ from each other as well.
    run_kernel "$workdir/kernel2.out"
    for seed in $(seeds_differing "$workdir/kernel.out" "$workdir/kernel2.out"); do
        unshare -n "$workdir/difffuzz.kernel" -n -c "$calls" "$seed" 1 > "$workdir/k3.out"
        unshare -n "$workdir/difffuzz.kernel" -n -c "$calls" "$seed" 1 > "$workdir/k4.out"
        if ! cmp -s "$workdir/k3.out" "$workdir/k4.out"; then
            echo "run.sh: the kernel run is not deterministic (seed $seed):"
            diff -u "$workdir/k3.out" "$workdir/k4.out" | head -40
            exit 1
        fi
        echo "seed $seed: the kernel differed once from itself, agrees when run again (a random port draw)"
    done
fi
"$workdir/difffuzz.berth" -c "$calls" "$first" "$count" > "$workdir/berth.out" 2> "$workdir/berth.err"

# Compare sequence by sequence; print the seeds that differ.
awk -v out="$workdir" '
    FNR == 1 { f++ }
    /^# seed / { seed = $3; if (f == 1) order[++n] = seed; next }
    { if (f == 1) k[seed] = k[seed] $0 "\n"; else b[seed] = b[seed] $0 "\n" }
    END {
        for (i = 1; i <= n; i++) {
            s = order[i]
            if (k[s] != b[s]) print s
        }
    }' "$workdir/kernel.out" "$workdir/berth.out" > "$workdir/differ.txt"

# Both stacks draw ephemeral ports (and ISNs) at random: two sockets of one
# run can get the same port number by chance (a port given back and drawn
# again, or a UDP port equal to an earlier TCP one), which the E1, E2...
# numbering shows as a difference. A differing sequence is run again on
# both; if the two then agree, the difference came from such a draw, not
# from a rule.
: > "$workdir/differ.real"
while read -r seed; do
    again=1
    for try in 1 2; do
        "$workdir/difffuzz.berth" -c "$calls" "$seed" 1 > "$workdir/retry.berth" 2>/dev/null
        unshare -n "$workdir/difffuzz.kernel" -n -c "$calls" "$seed" 1 > "$workdir/retry.kernel"
        if cmp -s "$workdir/retry.kernel" "$workdir/retry.berth"; then
            again=0
            break
        fi
    done
    if [ $again = 0 ]; then
        echo "seed $seed: differed once, agrees when run again (a random port or ISN draw)"
    else
        echo "$seed" >> "$workdir/differ.real"
    fi
done < "$workdir/differ.txt"
mv "$workdir/differ.real" "$workdir/differ.txt"

ndiff=$(wc -l < "$workdir/differ.txt")
# Seeds whose difference docs/deviations.md explains.
known=" "
if [ -f "$deviations" ]; then
    known=" $(sed -n 's/^[-*] difffuzz seed `\([0-9]*\)`:.*/\1/p' "$deviations" | tr '\n' ' ')"
fi
unexplained=0
shown=0
while read -r seed; do
    case "$known" in *" $seed "*) tag="listed in deviations.md" ;; *) tag="NOT listed"; unexplained=$((unexplained + 1)) ;; esac
    [ "$shown" -lt "$show" ] || { [ "$tag" = "NOT listed" ] && [ "$shown" -lt $((show + 20)) ]; } || continue
    shown=$((shown + 1))
    echo "=== seed $seed (- kernel, + berth; $tag)"
    for w in kernel berth; do
        awk -v s="$seed" '/^# seed /{on = ($3 == s); next} on' "$workdir/$w.out" > "$workdir/seed.$w"
    done
    diff -u "$workdir/seed.kernel" "$workdir/seed.berth" | tail -n +3
done < "$workdir/differ.txt"

echo "difffuzz: $ndiff of $count sequences differ (seeds $first..$((first + count - 1)), $calls calls each); $unexplained not listed in deviations.md"
if [ "$ndiff" -gt 0 ]; then
    echo "differing seeds: $(head -50 "$workdir/differ.txt" | tr '\n' ' ')"
fi
[ "$unexplained" -eq 0 ] || exit 1
exit 0
