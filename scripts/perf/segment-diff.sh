#!/usr/bin/env bash
# Differential check of the segmenter: two builds of `arabic-text` must print
# byte-identical segmentations (JSON in every clitic mode, and CoNLL-U with
# PADT's restored forms) of the PADT raw text, a 2 MB slice of Arabic
# Wikipedia, the sample article and deterministic random strings
# (scripts/perf/segment-random.py).
#
# Usage: scripts/perf/segment-diff.sh BEFORE_BIN AFTER_BIN
# e.g.   git worktree add /tmp/before <commit> && cargo build --release ... there,
#        then scripts/perf/segment-diff.sh /tmp/before/target/release/arabic-text target/release/arabic-text
# Env: SHARED (default ../shared), RANDOM_COUNT (default 20000 strings a file).
set -euo pipefail
BEFORE=${1:?before binary}
AFTER=${2:?after binary}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
COUNT=${RANDOM_COUNT:-20000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

inputs=()
add() { [ -s "$1" ] && inputs+=("$1") || echo "skip (missing): $1"; }
add "$SHARED/data/ud-arabic-padt/conll2018-test-blind-input/ar_padt.txt"
add "$SHARED/samples/erem-news-2024-01-22.txt"
if [ -s "$SHARED/data/unlabelled/arwiki_comparable.txt.xz" ]; then
  xz -dc "$SHARED/data/unlabelled/arwiki_comparable.txt.xz" | head -c 2000000 | head -n -1 > "$WORK/wiki-2m.txt" || true
  add "$WORK/wiki-2m.txt"
fi
for kind in mixed glued clitic; do
  for seed in 1 2; do
    python3 "$ROOT/scripts/perf/segment-random.py" "$seed" "$COUNT" "$kind" > "$WORK/random-$kind-$seed.txt"
    add "$WORK/random-$kind-$seed.txt"
  done
done

fail=0
checked=0
for f in "${inputs[@]}"; do
  for mode in none clitics clitics-and-article; do
    "$BEFORE" segment --clitics "$mode" "$f" > "$WORK/a.out"
    "$AFTER" segment --clitics "$mode" "$f" > "$WORK/b.out"
    if cmp -s "$WORK/a.out" "$WORK/b.out"; then
      checked=$((checked + 1))
    else
      echo "DIFFERENT: $(basename "$f") --clitics $mode"
      diff "$WORK/a.out" "$WORK/b.out" | head -20 || true
      fail=$((fail + 1))
    fi
  done
  "$BEFORE" segment --format conllu --style padt "$f" > "$WORK/a.out"
  "$AFTER" segment --format conllu --style padt "$f" > "$WORK/b.out"
  if cmp -s "$WORK/a.out" "$WORK/b.out"; then
    checked=$((checked + 1))
  else
    echo "DIFFERENT: $(basename "$f") conllu padt"
    fail=$((fail + 1))
  fi
done
echo "segment-diff: $checked identical, $fail different (${#inputs[@]} inputs, $(cat "${inputs[@]}" | wc -c) bytes)"
[ "$fail" -eq 0 ]
