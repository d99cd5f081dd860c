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
RATE=${RATE:-12000}
WARMUP=${WARMUP:-1}
CONNECTIONS=${CONNECTIONS:-2}
STREAMS=${STREAMS:-256}
source "$(dirname "$0")/lib.sh"

if [ -z "${BIN:-}" ] || [ -z "${LOADGEN:-}" ]; then
  echo "building the release server and loadgen"
  (cd "$ROOT" && CARGO_INCREMENTAL=0 nice cargo build --release --bin arabic-text --example loadgen 2>&1 | tail -1)
  BIN=$ROOT/target/release/arabic-text
  LOADGEN=$ROOT/target/release/examples/loadgen
fi

read -r PORT METRICS_PORT < <(python3 "$ROOT/scripts/net.py" free-ports 2)
"$LOADGEN" --rpc normalize --doc-bytes "$DOC_BYTES" --write-frame "$WORK/frame.bin"

taskset -c "$SERVER_CPU" "$BIN" serve --listen "127.0.0.1:$PORT" --metrics-listen "127.0.0.1:$METRICS_PORT" \
  --log warn >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_answering server "$WORK/server.log"

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
  h2load_run "h2load-$1" "$URL" --rps $((RATE / CONNECTIONS)) -H 'grpc-timeout: 5000m'
  echo "round $1 h2load: $(h2load_summary "h2load-$1")"
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
