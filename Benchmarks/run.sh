#!/usr/bin/env bash
# Benchmarks: in-process (store, rotation, agent vs raw socket) and whole-process (vault vs env, secret-tool, pass,
# cat). Prints medians and ratios measured in this run. BENCH_RUNS sets the whole-process sample count (default 40).
set -euo pipefail
cd "$(dirname "$0")/.."
# vault as Scripts/setup installs it (the launcher and the full CLI beside it): Swift runtime linked statically.
swift build -c release --static-swift-stdlib --product vault 2>&1 | tail -1
swift build -c release --static-swift-stdlib --product vault-cli 2>&1 | tail -1
swift build -c release --product vault-bench 2>&1 | tail -1
# The in-process run leaves its 100,000-secret vault for the whole-process run (a real agent on it).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
VAULT_BENCH_LARGE_VAULT="$scratch/large" .build/release/vault-bench
python3 Benchmarks/wholeprocess.py "$PWD/.build/release/vault" "$scratch/large"
