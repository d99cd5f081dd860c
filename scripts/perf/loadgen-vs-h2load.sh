#!/usr/bin/env bash
# The project's load generator (examples/loadgen.rs) against h2load on the same server in the
# same minutes: open loop at RATE calls/s of 1 KB Normalize requests, rounds alternating
# loadgen / h2load, p50 and p99 of each and their ratio.
#
#   scripts/perf/loadgen-vs-h2load.sh
#   env: RATE (12000), DURATION (10 s), WARMUP (1 s), ROUNDS (3), DOC_BYTES (1024),
#        CONNECTIONS (2: both clients spread the calls over this many HTTP/2 connections),
#        STREAMS (cap on calls in flight per connection, 256), SERVER_CPU (0), CLIENT_CPU (1),
#        BIN, LOADGEN (prebuilt release binaries; built when unset), WORK (a temp dir),
#        LOADGEN_ARGS (extra loadgen flags, e.g. `--engine tonic`), BASELINE_LOADGEN (another
#        build of loadgen, e.g. an older commit's, run third in each round for a before/after).
#
# Needs h2load (`apt-get install -y nghttp2-client`). h2load ignores grpc-status, so every
# loadgen round doubles as the correctness check (its failed count must be 0), and the
# server's requests counter confirms both clients' calls were answered by the RPC.
#
# The request frame for h2load's `-d` is written by `loadgen --write-frame FILE`: the same
# bytes loadgen sends (5-byte gRPC prefix, then the prost encoding of the NormalizeRequest
# loadgen builds from its 1 KB Arabic document), so nothing is hand-written.
#
# Both send the same request headers (content-type, te, grpc-timeout: loadgen's default 5 s).
# Latency: loadgen counts from each call's scheduled start (so its own lag counts against it);
# h2load's --log-file gives, per request, the microseconds from its start to the end of the
# response. Both skip WARMUP seconds.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RATE=${RATE:-12000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-1}
ROUNDS=${ROUNDS:-3}
DOC_BYTES=${DOC_BYTES:-1024}
CONNECTIONS=${CONNECTIONS:-2}
STREAMS=${STREAMS:-256}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/loadgen-vs-h2load.XXXXXX")}
mkdir -p "$WORK"
command -v h2load >/dev/null || { echo "h2load missing: apt-get install -y nghttp2-client"; exit 1; }

if [ -z "${BIN:-}" ] || [ -z "${LOADGEN:-}" ]; then
  echo "building the release server and loadgen"
  (cd "$ROOT" && CARGO_INCREMENTAL=0 nice cargo build --release --bin arabic-text --example loadgen 2>&1 | tail -1)
  BIN=$ROOT/target/release/arabic-text
  LOADGEN=$ROOT/target/release/examples/loadgen
fi

SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

read -r PORT METRICS_PORT < <(python3 "$ROOT/scripts/net.py" free-ports 2)
"$LOADGEN" --rpc normalize --doc-bytes "$DOC_BYTES" --write-frame "$WORK/frame.bin"

taskset -c "$SERVER_CPU" "$BIN" serve --listen "127.0.0.1:$PORT" --metrics-listen "127.0.0.1:$METRICS_PORT" \
  --log warn >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
# Ready when a call succeeds (the port accepts before the models are loaded).
deadline=$((SECONDS + 60))
until "$LOADGEN" --addr "http://127.0.0.1:$PORT" --concurrency 1 --connections 1 --duration 0.2 \
  --warmup 0 2>/dev/null | grep -q 'ok=[1-9].* failed=0'; do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:"; tail -20 "$WORK/server.log"; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "server not ready in 60 s"; exit 1; }
  sleep 0.2
done

URL="http://127.0.0.1:$PORT/arabic.text.v1.TextAnalysisService/Normalize"
echo "server on CPU $SERVER_CPU (pid $SERVER_PID), clients on CPU $CLIENT_CPU; $RATE calls/s for" \
  "${DURATION}s after ${WARMUP}s warm-up, $CONNECTIONS connections; work dir $WORK"
echo "load before: $(uptime)"
run_loadgen() { # round binary label [extra flags...]
  local round=$1 bin=$2 label=$3
  shift 3
  "$bin" --addr "http://127.0.0.1:$PORT" --rpc normalize --doc-bytes "$DOC_BYTES" \
    --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" \
    --concurrency $((CONNECTIONS * STREAMS)) --cpus "$CLIENT_CPU" "$@" >"$WORK/$label-$round.txt"
  echo "round $round $label: $(tail -n +2 "$WORK/$label-$round.txt" | tr '\n' ' ')"
}
run_h2load() {
  rm -f "$WORK/h2load-$1.tsv"  # h2load appends to its log file
  taskset -c "$CLIENT_CPU" h2load -c "$CONNECTIONS" -m "$STREAMS" \
    --rps $((RATE / CONNECTIONS)) -D "$DURATION" --warm-up-time "$WARMUP" \
    -d "$WORK/frame.bin" -H 'content-type: application/grpc' -H 'te: trailers' -H 'grpc-timeout: 5000m' \
    --log-file "$WORK/h2load-$1.tsv" "$URL" >"$WORK/h2load-$1.txt" 2>&1
  echo "round $1 h2load: $(grep -E '^(finished in|requests:)' "$WORK/h2load-$1.txt" | tr '\n' ' ')"
}
# Alternate which client goes first, so a drift in the machine's load hits both alike.
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then
    # shellcheck disable=SC2086  # LOADGEN_ARGS is a list of extra flags
    run_loadgen "$round" "$LOADGEN" loadgen ${LOADGEN_ARGS:-}; run_h2load "$round"
  else
    # shellcheck disable=SC2086
    run_h2load "$round"; run_loadgen "$round" "$LOADGEN" loadgen ${LOADGEN_ARGS:-}
  fi
  if [ -n "${BASELINE_LOADGEN:-}" ]; then
    run_loadgen "$round" "$BASELINE_LOADGEN" baseline
  fi
done
echo "load after: $(uptime)"
curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null | grep -E '^[a-z_]*requests[a-z_]*_total.*Normalize' | head -5 || true

python3 "$ROOT/scripts/perf/loadgen-vs-h2load.py" "$WORK" "$ROUNDS" "$WARMUP"
