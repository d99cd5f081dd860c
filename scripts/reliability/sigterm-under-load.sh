#!/usr/bin/env bash
# SIGTERM in the middle of a load run: zero failed admitted calls, and the
# server exits 0 within its drain timeout.
#
#   scripts/reliability/sigterm-under-load.sh
#   env: BIN, LOADGEN (prebuilt release binaries; built when missing), RPC (analyze),
#        DOC_BYTES (16384), CONCURRENCY (32), DURATION (10), SIGNAL_AT (5 s into
#        the run), DRAIN_TIMEOUT (10 s), GRACE_MS (100)
#
# Definitions (what the checks measure):
# - ADMITTED: a call the server took in for processing, i.e. one that has a line in
#   the server's per-call access log (target arabic_text::access, an analysis
#   method) with a code other than the shed code RESOURCE_EXHAUSTED. A call sent
#   after the server stopped accepting (GOAWAY, listener closed) never reaches the
#   handler, has no log line and is not admitted.
# - Zero failed admitted calls means: (1) every admitted call's log line says OK;
#   (2) the client saw exactly as many OK answers as the server logged OK calls (no
#   admitted answer was lost on the way back). Together these prove that every
#   call the client saw fail was never admitted. (3) Independently of the
#   server's log, every call the client started at least GRACE_MS before the
#   signal got OK. (4) The codes the client saw for calls that were not admitted
#   are listed with their messages; with STRICT_CODES=1 anything but UNAVAILABLE
#   fails the test (tonic clients report a call queued on a connection that is
#   closing gracefully as CANCELLED "operation was canceled" or INTERNAL "h2
#   protocol error" although the server never saw it; see docs/reliability.md).
# The signal must land mid-run: at least one call in flight at the signal must
# have finished OK after it (else the drain was not exercised and the test fails).
source "$(dirname "$0")/lib.sh"
RPC=${RPC:-analyze}
DOC_BYTES=${DOC_BYTES:-16384}
CONCURRENCY=${CONCURRENCY:-32}
DURATION=${DURATION:-10}
SIGNAL_AT=${SIGNAL_AT:-5}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-10}
GRACE_MS=${GRACE_MS:-100}
STRICT_CODES=${STRICT_CODES:-0}
build_if_missing
echo "work dir: $WORK"

start_server "$WORK/server.log" --drain-timeout "${DRAIN_TIMEOUT}s" --log-format json --log info
"$LOADGEN" --addr "http://127.0.0.1:$PORT" --rpc "$RPC" --doc-bytes "$DOC_BYTES" \
  --concurrency "$CONCURRENCY" --connections 4 --duration "$DURATION" --warmup 0 \
  --record "$WORK/calls.csv" --error-backoff-ms 5 >"$WORK/loadgen.txt" 2>&1 &
LOADGEN_PID=$!
STARTED_PIDS+=("$LOADGEN_PID")

sleep "$SIGNAL_AT"
T_SIG=$(date +%s%6N)
kill -TERM "$SERVER_PID"
# Wait for the exit, bounded: drain timeout plus 5 s, then SIGKILL (a failure).
deadline=$((SECONDS + DRAIN_TIMEOUT + 5))
while kill -0 "$SERVER_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.01; done
T_EXIT=$(date +%s%6N)
if kill -0 "$SERVER_PID" 2>/dev/null; then
  kill -KILL "$SERVER_PID"
  SERVER_RC=killed
else
  SERVER_RC=0
  wait "$SERVER_PID" || SERVER_RC=$?
fi
# The load generator ends by itself after DURATION; bound the wait anyway.
deadline=$((SECONDS + DURATION + 30))
while kill -0 "$LOADGEN_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
wait "$LOADGEN_PID" || { echo "loadgen failed:"; cat "$WORK/loadgen.txt"; exit 1; }
cat "$WORK/loadgen.txt"

python3 "$ROOT/scripts/reliability/sigterm-under-load.py" "$WORK" "$T_SIG" "$T_EXIT" "$SERVER_RC" "$DRAIN_TIMEOUT" "$GRACE_MS" \
  "$STRICT_CODES"
