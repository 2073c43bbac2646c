#!/usr/bin/env bash
# Benchmarks: in-process (store, rotation, agent vs raw socket), whole-process (vault vs env, secret-tool, pass,
# cat) and the remote MCP bridge (vs the MCP SDK's HTTP client). Prints medians and ratios measured in this run.
# BENCH_RUNS sets the whole-process sample count (default 40).
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
# The remote MCP bridge against the MCP SDK's own HTTP client (needs the SDK: Scripts/test makes .build/mcp-venv).
if [ -x .build/mcp-venv/bin/python ]; then
  .build/mcp-venv/bin/python Benchmarks/bridge.py "$PWD/.build/release/vault"
else
  echo "== remote MCP bridge: skipped (run Scripts/test once to make .build/mcp-venv with the MCP SDK)"
fi
