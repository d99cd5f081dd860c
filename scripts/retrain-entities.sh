#!/usr/bin/env bash
# Retrains every entity model from ../shared, deterministically, in order.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/retrain-entities.sh [--skip-vectors]

Retrains, from ../shared and in this order (each step deterministic: one thread or fixed seeds):

  1. models/ner-vectors.bin.gz: subword vectors (floret, pinned), from the unlabelled text
     (crates/arabic-text-train/scripts/vectors/train-vectors.sh --max-lines 120000); --skip-vectors keeps
     the committed ones;
  2. models/ner-model.bin.gz: the perceptron, its character network and settings (train-ner: ANERcorp
     train harmonised to the project's convention plus data/entities/train.jsonl, cross-validated);
  3. models/ner-encoder.bin.gz: the context encoder over the vectors, trained on the same data, its
     epochs, weight and O shift chosen on data/entities/dev.jsonl pooled with the ANERcorp dev part
     (train-encoder; no test file is read), and the check file its test reads;
  4. models/FINGERPRINTS.sha256, which CI checks the committed models against.

Then run `cargo test --locked` and `cargo run --release -- eval-ner`, and re-set the CI gates (.ci/run)
and the tables of docs/ner.md. Run from the repository root. Each step prints its wall time.
EOF
}

skip_vectors=0
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  --skip-vectors) skip_vectors=1 ;;
  "") ;;
  *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

if [[ $skip_vectors -eq 0 ]]; then
  t=$SECONDS
  crates/arabic-text-train/scripts/vectors/train-vectors.sh --max-lines 120000
  echo "step 'train-vectors' took $((SECONDS - t)) s" >&2
fi
# train-ner and train-encoder read their inputs from files, never from the embedded models, so a
# changed vectors file does not stop them.
cargo build --release --locked
timed() {
  local t=$SECONDS
  "$@"
  echo "step '$*' took $((SECONDS - t)) s" >&2
}
timed target/release/arabic-text train-ner
timed target/release/arabic-text train-encoder
sha256sum models/*.bin.gz > models/FINGERPRINTS.sha256
echo "retrained; now: cargo test --locked && cargo run --release -- eval-ner"
