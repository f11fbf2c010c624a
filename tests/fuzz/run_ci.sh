#!/bin/sh
# One bounded fuzzing run for ctest (label fuzz): harness HARNESS from
# tests/fuzz/build.sh's OUTDIR runs SECONDS seconds on a fresh corpus
# started from its generated seeds. A crash, leak, timeout or broken
# invariant fails the test and leaves the input in OUTDIR/ci-art-HARNESS/.
# Exit 77 (skip) when the harness could not be built (no clang/libFuzzer).
# Usage: run_ci.sh OUTDIR HARNESS SECONDS
set -u
out=$1 h=$2 secs=$3
bin=$out/fuzz_$h
if [ ! -x "$bin" ]; then
    echo "SKIP: $bin was not built (clang with libFuzzer missing?)"
    exit 77
fi
corpus=$out/ci-corpus-$h
art=$out/ci-art-$h
rm -rf "$corpus" "$art"
mkdir -p "$corpus" "$art"
# libFuzzer's own default for a finding is exit 77, which ctest would
# read as a skip: ask for 1 (crashes, leaks, invariants) and 1 for
# timeouts, and never pass 77 on from the harness.
"$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -print_final_stats=1 \
    -error_exitcode=1 -timeout_exitcode=1 \
    -artifact_prefix="$art/" "$corpus" "$out/seeds-$h" >"$out/ci-$h.log" 2>&1
rc=$?
[ $rc -eq 77 ] && rc=1
grep -E '^#[0-9]+ +DONE|stat::number_of_executed_units|SUMMARY|invariant|fuzz:' "$out/ci-$h.log"
if [ $rc -ne 0 ]; then
    tail -n 60 "$out/ci-$h.log"
    ls -l "$art"
fi
exit $rc
