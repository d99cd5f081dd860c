#!/usr/bin/env bash
# Soak: MINUTES minutes of moderate open-loop load (analyze on RATE calls/s plus
# normalize on RATE calls/s, documents of DOC_BYTES); the server's RSS, sampled
# every INTERVAL s, must stay flat: after WARMUP s, the max RSS of the last minute
# is at most TOLERANCE (10%) above the max of the first minute.
#
#   scripts/reliability/soak.sh            # 3 minutes
#   MINUTES=10 scripts/reliability/soak.sh
#   env: BIN, LOADGEN, MINUTES (3), RATE (200), DOC_BYTES (4096), INTERVAL (2),
#        WARMUP (30), TOLERANCE (0.10)
source "$(dirname "$0")/lib.sh"
MINUTES=${MINUTES:-3}
RATE=${RATE:-200}
DOC_BYTES=${DOC_BYTES:-4096}
INTERVAL=${INTERVAL:-2}
WARMUP=${WARMUP:-30}
TOLERANCE=${TOLERANCE:-0.10}
build_if_missing
echo "work dir: $WORK"
DURATION=$((MINUTES * 60))
if [ "$DURATION" -lt $((WARMUP + 120)) ]; then
  echo "MINUTES must leave two full minutes after the ${WARMUP}s warm-up"; exit 2
fi

start_server "$WORK/server.log" --log warn,arabic_text::server=info
sample_rss "$SERVER_PID" "$WORK/rss.txt" "$INTERVAL" &
STARTED_PIDS+=($!)
T_START=$(date +%s)
pids=()
for rpc in analyze normalize; do
  "$LOADGEN" --addr "http://127.0.0.1:$PORT" --rpc "$rpc" --doc-bytes "$DOC_BYTES" --rate "$RATE" \
    --concurrency 256 --connections 2 --duration "$DURATION" --warmup 0 >"$WORK/loadgen-$rpc.txt" 2>&1 &
  pids+=($!)
  STARTED_PIDS+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
cat "$WORK"/loadgen-*.txt
stop_pid "$SERVER_PID" 30
[ $status -eq 0 ] || { echo "FAIL: a load generator failed"; exit 1; }

python3 "$ROOT/scripts/reliability/soak.py" "$WORK" "$T_START" "$DURATION" "$WARMUP" "$TOLERANCE"
