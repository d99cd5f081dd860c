#!/usr/bin/env bash
# Two builds of the segmenter and charabia (Arabic only) on the same text, alternated round after
# round in fresh processes, so the machine's drift hits all alike; prints the medians of the rounds
# (MB/s per core, thread CPU time; cold = first pass in a fresh process, warm = median of the later
# passes) and the ratios after/before and after/charabia.
#
#   scripts/perf/segment-before-after.sh BEFORE_BIN AFTER_BIN FILE
#   env: ROUNDS (5), PASSES (5), CHARABIA (default scripts/peers/charabia-bench/target/release/
#        charabia-bench; built by `cargo build --release --manifest-path
#        scripts/peers/charabia-bench/Cargo.toml`; empty skips it)
set -euo pipefail
BEFORE=${1:?before binary}
AFTER=${2:?after binary}
FILE=${3:?text file}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-5}
PASSES=${PASSES:-5}
CHARABIA=${CHARABIA-$ROOT/scripts/peers/charabia-bench/target/release/charabia-bench}
OUT=$(mktemp "${TMPDIR:-/tmp}/segment-ba.XXXXXX")
trap 'rm -f "$OUT"' EXIT
echo "load before: $(uptime)"
for round in $(seq 1 "$ROUNDS"); do
  "$BEFORE" bench "$FILE" --ops segment --passes "$PASSES" | sed 's|^{|{"tool":"before",|' >> "$OUT"
  "$AFTER" bench "$FILE" --ops segment --passes "$PASSES" | sed 's|^{|{"tool":"after",|' >> "$OUT"
  if [ -n "$CHARABIA" ]; then
    "$CHARABIA" "$FILE" --ops segment --passes "$PASSES" | sed 's|^{|{"tool":"charabia",|' >> "$OUT"
  fi
done
echo "load after: $(uptime)"
python3 "$ROOT/scripts/perf/bench-medians.py" before-after "$OUT"
