# Shared part of the h2load comparisons (grpc-vs-echo.sh, loadgen-vs-h2load.sh; sourced, not run):
# the knobs both have, h2load's one invocation, and one server at a time, stopped by its pid and
# ready when a call succeeds. Each script sets its own WARMUP, CONNECTIONS and STREAMS before
# sourcing this file (their defaults differ: closed against open loop).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
DOC_BYTES=${DOC_BYTES:-1024}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0" .sh).XXXXXX")}
mkdir -p "$WORK"
command -v h2load >/dev/null || { echo "h2load missing: apt-get install -y nghttp2-client"; exit 1; }

# The server being measured (empty when none runs).
SERVER_PID=
# Stops the server this script started (by its pid), also on any exit.
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT

# wait_answering LABEL LOG: waits (at most 60 s) until a Normalize call to the server on PORT
# succeeds (its port accepts before the models are loaded); fails with the end of LOG when the
# server exits first.
wait_answering() {
  local label=$1 log=$2
  local deadline=$((SECONDS + 60))
  until "$LOADGEN" --addr "http://127.0.0.1:$PORT" --rpc normalize --doc-bytes "$DOC_BYTES" \
    --concurrency 1 --connections 1 --duration 0.2 --warmup 0 2>/dev/null | grep -q 'ok=[1-9].* failed=0'; do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$label exited:"; tail -20 "$log"; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "$label not ready in 60 s"; exit 1; }
    sleep 0.2
  done
}

# h2load_run NAME URL [flags...]: h2load on CLIENT_CPU, CONNECTIONS x STREAMS, DURATION s after
# WARMUP s, sending WORK/frame.bin as a gRPC call; per-request log in WORK/NAME.tsv (start us,
# status, duration us), summary in WORK/NAME.txt.
h2load_run() {
  local name=$1 url=$2
  shift 2
  rm -f "$WORK/$name.tsv"  # h2load appends to its log file
  taskset -c "$CLIENT_CPU" h2load -c "$CONNECTIONS" -m "$STREAMS" -D "$DURATION" --warm-up-time "$WARMUP" \
    -d "$WORK/frame.bin" -H 'content-type: application/grpc' -H 'te: trailers' "$@" \
    --log-file "$WORK/$name.tsv" "$url" >"$WORK/$name.txt" 2>&1
}

# h2load_summary NAME: h2load's time and request counts of WORK/NAME.txt on one line.
h2load_summary() {
  grep -E '^(finished in|requests:)' "$WORK/$1.txt" | tr '\n' ' '
}
