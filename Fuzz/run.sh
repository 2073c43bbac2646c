#!/usr/bin/env bash
# Builds vault-fuzz with libFuzzer (-sanitize=fuzzer) and runs each target — frame, policy, mcp-config — for
# FUZZ_SECONDS seconds (default 20), starting from the seeds in Fuzz/corpus/TARGET. A crash, a timeout (5 s per
# input) or a broken invariant fails the run and leaves the input in .build-fuzz/TARGET-crash-* (or -timeout-*);
# replay it with a plain build: FUZZ_TARGET=TARGET .build/debug/vault-fuzz FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
# gold crashes on the instrumented debug info; lld (shipped with Swift) links it.
swift build --build-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld --product vault-fuzz
for target in frame policy mcp-config; do
  work=$(mktemp -d)
  cp Fuzz/corpus/"$target"/* "$work"/
  if ! SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$target .build-fuzz/debug/vault-fuzz -max_total_time="$seconds" -max_len=60000 -timeout=5 \
      -print_final_stats=1 -artifact_prefix=.build-fuzz/"$target"- "$work" > .build-fuzz/"$target".log 2>&1; then
    tail -40 .build-fuzz/"$target".log
    echo "fuzz: $target found a problem; the input: $(ls -d .build-fuzz/"$target"-*-* 2>/dev/null | tr '\n' ' ')" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' .build-fuzz/"$target".log)
  echo "fuzz: $target: $runs inputs in ${seconds}s, no finding"
  rm -rf "$work"
done
