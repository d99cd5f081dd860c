#!/usr/bin/env bash
# This repository's segmenter beside its peers on the same texts in the same minutes: each round
# runs, in fresh processes one after another, `arabic-text bench FILE --ops segment`, charabia
# (scripts/peers/charabia-bench: `segment` and `tokenize`) and, when CAMeL Tools is installed,
# scripts/bench_camel.py (its `word_tokenize`). Prints every JSON line, then the median over the
# rounds of each (tool, op, pass).
#
#   scripts/peers/segment-peers.sh FILE...
#   env: ROUNDS (3), PASSES (5), CAMEL (1; 0 skips CAMeL Tools)
#
# All figures are per core (thread CPU time), MB = 10^6 bytes; cold = first pass in a fresh
# process, warm = median of the later passes (see docs/performance.md, "How to measure").
# charabia is built on first use (a few minutes; it is not part of the workspace or of CI).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
PASSES=${PASSES:-5}
CAMEL=${CAMEL:-1}
[ $# -ge 1 ] || { echo "usage: $0 FILE..."; exit 2; }
cd "$ROOT"
export CARGO_INCREMENTAL=0
nice cargo build --release --bin arabic-text 2>&1 | tail -1
nice cargo build --release --manifest-path scripts/peers/charabia-bench/Cargo.toml 2>&1 | tail -1
OURS=$ROOT/target/release/arabic-text
CHARABIA=$ROOT/scripts/peers/charabia-bench/target/release/charabia-bench
if [ "$CAMEL" = 1 ] && ! python3 scripts/bench_camel.py --check 2>/dev/null; then
  echo "CAMeL Tools not installed (pip install --no-deps camel-tools emoji six): skipped"
  CAMEL=0
fi
OUT=$(mktemp "${TMPDIR:-/tmp}/segment-peers.XXXXXX")
trap 'rm -f "$OUT"' EXIT
echo "load before: $(uptime)"
for file in "$@"; do
  for round in $(seq 1 "$ROUNDS"); do
    "$OURS" bench "$file" --ops segment --passes "$PASSES" | sed "s|^{|{\"file\":\"$file\",\"tool\":\"arabic-text\",|" | tee -a "$OUT"
    for op in segment tokenize; do
      "$CHARABIA" "$file" --ops "$op" --passes "$PASSES" | sed "s|^{|{\"file\":\"$file\",\"tool\":\"charabia\",|" | tee -a "$OUT"
    done
    if [ "$CAMEL" = 1 ]; then
      python3 scripts/bench_camel.py "$file" --passes "$PASSES" | grep '"word_tokenize"' \
        | sed "s|^{|{\"file\":\"$file\",|" | tee -a "$OUT"
    fi
  done
done
echo "load after: $(uptime)"
python3 scripts/perf/bench-medians.py peers "$OUT"
