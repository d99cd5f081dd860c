#!/usr/bin/env bash
# Hostile callers against the release server (issue 14): prints the Markdown
# table of docs/reliability.md (input, code, median latency, server RSS).
# Starts its own server on free loopback ports; every loop is bounded.
#
#   scripts/reliability/hostile.sh
source "$(dirname "$0")/lib.sh"
HOSTILE=${HOSTILE:-$ROOT/target/release/examples/hostile}
if [ ! -x "$BIN" ] || [ ! -x "$HOSTILE" ]; then
  (cd "$ROOT" && cargo build --release --bin arabic-text --example hostile)
fi
start_server "$WORK/server.log"
timeout 300 "$HOSTILE" "http://127.0.0.1:$PORT" "$SERVER_PID" "$METRICS_PORT" | tee "$WORK/table.md"
if grep -q "| Internal |" "$WORK/table.md"; then
  echo "FAIL: a hostile input got INTERNAL"; exit 1
fi
stop_pid "$SERVER_PID" 10
