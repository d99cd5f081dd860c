# Shared helpers of the reliability scripts (sourced, not run).
# Every script starts its own server on a free loopback port, bounds every wait,
# and stops only the processes it started (by pid) when it exits.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${BIN:-$ROOT/target/release/arabic-text}
LOADGEN=${LOADGEN:-$ROOT/target/release/examples/loadgen}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/arabic-text-reliability.XXXXXX")}
STARTED_PIDS=()

# Builds the release server and load generator unless BIN/LOADGEN already exist.
build_if_missing() {
  if [ ! -x "$BIN" ] || [ ! -x "$LOADGEN" ]; then
    echo "building release binary and loadgen"
    (cd "$ROOT" && cargo build --release --bin arabic-text --example loadgen)
  fi
}

# Stops every process this script started (by pid), on any exit.
cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

# Prints a free TCP port on 127.0.0.1.
free_port() {
  python3 "$ROOT/scripts/net.py" free-ports
}

# start_server LOGFILE [extra flags...]: starts the server on free ports; sets
# SERVER_PID, PORT, METRICS_PORT; waits (at most 60 s) until the models are loaded.
# Extra flags must keep arabic_text::server logging at info (the readiness line).
start_server() {
  local log=$1
  shift
  PORT=$(free_port)
  METRICS_PORT=$(free_port)
  "$BIN" serve --listen "127.0.0.1:$PORT" --metrics-listen "127.0.0.1:$METRICS_PORT" "$@" \
    >"$log" 2>&1 &
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  local deadline=$((SECONDS + 60))
  until python3 "$ROOT/scripts/net.py" connect "$PORT" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited during start-up:"; tail -20 "$log"; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then echo "server not ready in 60 s"; exit 1; fi
    sleep 0.1
  done
  # The port accepts before the models are loaded (calls then get UNAVAILABLE);
  # wait for the readiness line, which needs arabic_text::server at info.
  until grep -q "models loaded; ready" "$log"; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited during start-up:"; tail -20 "$log"; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then echo "server not ready in 60 s"; exit 1; fi
    sleep 0.1
  done
}

# Resident set size of a pid in KiB (0 when it is gone).
rss_kb() {
  awk '/^VmRSS:/ {print $2; found=1} END {if (!found) print 0}' "/proc/$1/status" 2>/dev/null || echo 0
}

# sample_rss PID FILE INTERVAL: appends "unix_seconds rss_kb" lines until PID exits.
sample_rss() {
  local pid=$1 file=$2 interval=$3
  while kill -0 "$pid" 2>/dev/null; do
    echo "$(date +%s.%N) $(rss_kb "$pid")" >>"$file"
    sleep "$interval"
  done
}

# stop_pid PID TIMEOUT_S: SIGTERM, then SIGKILL after TIMEOUT_S seconds.
stop_pid() {
  local pid=$1 timeout=$2
  kill -TERM "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
    sleep 0.05
  done
  wait "$pid" 2>/dev/null || true
}

# A value of `key=` from loadgen's summary line, units stripped.
loadgen_field() {
  grep -o "$1=[0-9.]*" "$2" | head -1 | cut -d= -f2
}
