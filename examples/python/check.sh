#!/usr/bin/env bash
# CI check of the Python caller kit: serve BIN on a free loopback port, then run
# examples/python/client.py --check against it (stubs generated from proto/ at
# run time). Usage: examples/python/check.sh BIN   (pip install -r requirements.txt first)
set -euo pipefail
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${PY_CLIENT_PORT:-50081}
ADDR=127.0.0.1:$PORT
LOG=$(mktemp)
ARABIC_TEXT_LISTEN=$ADDR ARABIC_TEXT_METRICS_LISTEN=127.0.0.1:$((PORT + 1)) "$BIN" serve >"$LOG" 2>&1 &
SERVER_PID=$!
cleanup() { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -f "$LOG"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  if grpcurl -plaintext -d '{"service":"readiness"}' "$ADDR" grpc.health.v1.Health/Check 2>/dev/null | grep -q SERVING; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited early"; cat "$LOG"; exit 1; }
  sleep 0.1
done
python3 "$HERE/client.py" --addr "$ADDR" --check
echo "PASS python client (grpcio, BadRequest details)"
