#!/usr/bin/env bash
# Runs every cargo-fuzz target for N seconds each (default 30) and fails on the
# first crash or broken invariant. Installs cargo-fuzz when it is missing.
#
#   scripts/reliability/fuzz-smoke.sh [SECONDS] [TARGET...]
#
# Needs a nightly-capable compiler: RUSTC_BOOTSTRAP=1 lets the stable toolchain
# build with -Zsanitizer=address. Crashing inputs land in fuzz/artifacts/<target>/;
# reproduce one with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>`.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_TARGET=${1:-30}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(normalize segment entities analyze)
fi
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install --locked cargo-fuzz
fi

status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  echo "=== fuzz $t for ${SECONDS_PER_TARGET}s"
  # fuzz/seeds holds committed seed inputs shared by every target; the corpus
  # directory (ignored by git) keeps what the fuzzer learns between runs.
  # -rss_limit_mb bounds memory per input; -max_len allows inputs of 64 KiB.
  if ! cargo fuzz run "$t" "fuzz/corpus/$t" fuzz/seeds -- \
      -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -rss_limit_mb=2048 \
      -timeout=10 -print_final_stats=1 2>&1 | tail -25; then
    echo "!!! fuzz target $t FAILED (see fuzz/artifacts/$t/)"
    status=1
  fi
done
exit $status
