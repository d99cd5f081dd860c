#!/usr/bin/env bash
# Overload at 2x capacity: the server sheds (RESOURCE_EXHAUSTED / UNAVAILABLE) at
# once, admitted calls keep a bounded p99, memory stays bounded, and the server
# is healthy afterwards.
#
#   scripts/reliability/overload.sh
#   env: BIN, LOADGEN (prebuilt release binaries; built when missing), RPC (analyze),
#        DOC_BYTES (16384), LIMIT (server --max-concurrency, 16), FACTOR (2),
#        CAPACITY_CONCURRENCY (= LIMIT), DURATION (10), RSS_MAX_MB (512),
#        P99_MAX_MS (admitted calls, client side; default 2x the p99 at capacity,
#        at least 100): bounded means no queue builds up beyond the limit,
#        SHED_P99_MAX_MS (default the p99 at capacity, at least 50): shed answers
#        come at once, no slower than served calls at capacity.
#
# Steps: (1) capacity = calls/s of a closed loop at CAPACITY_CONCURRENCY (no
# shedding below the limit); (2) open loop at FACTOR x capacity for DURATION s
# with a client in-flight cap far above the server's limit, so the excess reaches
# the server; (3) a closed-loop check that the server still answers everything.
# RSS of the server is sampled every 0.25 s throughout.
source "$(dirname "$0")/lib.sh"
VERDICT=$ROOT/scripts/reliability/overload.py  # the rate, the bounds and the verdict (--help)
RPC=${RPC:-analyze}
DOC_BYTES=${DOC_BYTES:-16384}
LIMIT=${LIMIT:-16}
FACTOR=${FACTOR:-2}
CAPACITY_CONCURRENCY=${CAPACITY_CONCURRENCY:-$LIMIT}
DURATION=${DURATION:-10}
RSS_MAX_MB=${RSS_MAX_MB:-512}
build_if_missing
echo "work dir: $WORK"

start_server "$WORK/server.log" --max-concurrency "$LIMIT" --log warn,arabic_text::server=info
sample_rss "$SERVER_PID" "$WORK/rss.txt" 0.25 &
STARTED_PIDS+=($!)
common=(--addr "http://127.0.0.1:$PORT" --rpc "$RPC" --doc-bytes "$DOC_BYTES" --connections 4)

echo "== capacity: closed loop, concurrency $CAPACITY_CONCURRENCY"
"$LOADGEN" "${common[@]}" --concurrency "$CAPACITY_CONCURRENCY" --duration 5 --warmup 1 | tee "$WORK/capacity.txt"
CAP=$(loadgen_field rps "$WORK/capacity.txt")
CAP_P99=$(loadgen_field p99 "$WORK/capacity.txt")
read -r RATE P99_DEFAULT SHED_P99_DEFAULT < <(python3 "$VERDICT" plan "$CAP" "$FACTOR" "$CAP_P99")
P99_MAX_MS=${P99_MAX_MS:-$P99_DEFAULT}
SHED_P99_MAX_MS=${SHED_P99_MAX_MS:-$SHED_P99_DEFAULT}

curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/metrics-before.txt" || true
echo "== overload: open loop at $RATE/s ($FACTOR x $CAP), server limit $LIMIT"
"$LOADGEN" "${common[@]}" --rate "$RATE" --concurrency 20000 --duration "$DURATION" --warmup 1 \
  --timeout-ms 10000 --record "$WORK/calls.csv" | tee "$WORK/overload.txt"
curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/metrics-after.txt" || true

echo "== after: closed loop below the limit must see no error"
"$LOADGEN" "${common[@]}" --concurrency 8 --duration 2 --warmup 0.5 | tee "$WORK/after.txt"
stop_pid "$SERVER_PID" 30

python3 "$VERDICT" check "$WORK" "$P99_MAX_MS" "$SHED_P99_MAX_MS" "$RSS_MAX_MB" "$CAP" "$RATE"
