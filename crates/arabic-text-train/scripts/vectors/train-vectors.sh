#!/usr/bin/env bash
# Retrains the name tagger's subword vectors (models/ner-vectors.bin.gz) from ../shared, deterministically.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: crates/arabic-text-train/scripts/vectors/train-vectors.sh [--max-lines N] [--corpus FILE] [-- TRAINER-FLAGS...]

Retrains models/ner-vectors.bin.gz, the subword vectors the entity encoder reads:

  1. `cargo run --release -- dump-corpus`: ../shared/data/unlabelled/*.txt.xz (less the annotation
     pool's dev and test paragraphs) folded and tokenized as the tagger reads it, a line of forms and
     a line of clitic-free stems per paragraph, into target/vectors/corpus.txt (skipped with --corpus);
     --max-lines N reads only the first N paragraphs of each file (the committed table: 120000, that is
     all of Wikipedia and UN and the first 120,000 paragraphs of the Hindawi books; docs/ner.md says why).
  2. floret (pinned in requirements.txt, installed into a venv beside this script) trains skip-gram
     vectors with hashed character n-grams: one thread and fastText's fixed seed, so a rerun on the
     same corpus gives the same table.
  3. The bucket table, quantized to i8 with a scale per row, goes to models/ner-vectors.bin.gz, and
     floret's own subword rows and vectors of 300 words to
     crates/arabic-text-core/tests/data/vectors-check.tsv.gz (the Rust test compares against them).

Run from the repository root. About 45 min on one core of the 2-core machine (docs/ner.md).
TRAINER-FLAGS go to train_vectors.py (--dim, --bucket, --epoch ...; its --help lists them).
EOF
}

corpus=""
max_lines=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --max-lines) max_lines="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
if [[ -z "$corpus" ]]; then
  corpus=target/vectors/corpus.txt
  cargo run --release --locked -- dump-corpus --max-lines "$max_lines" --out "$corpus"
fi
mkdir -p target/vectors
"$venv/bin/python" "$here/train_vectors.py" --corpus "$corpus" \
  --out models/ner-vectors.bin.gz \
  --check crates/arabic-text-core/tests/data/vectors-check.tsv.gz \
  --model target/vectors/floret.bin "$@"
