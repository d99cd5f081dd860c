#!/usr/bin/env bash
# The service beside a bare tonic echo of its API (examples/echo.rs) in the same minutes: unary
# Normalize of a 1 KB document, closed loop (h2load, CONNECTIONS x STREAMS calls in flight), each
# server pinned to SERVER_CPU and h2load to CLIENT_CPU. Each round runs every server once, in an
# order that alternates between rounds, so a drift in the machine's load hits them alike; the
# result is the median over the rounds of each server's calls/s and p99, and the ratios to echo.
#
#   scripts/perf/grpc-vs-echo.sh [LABEL=BIN[:ARGS]]...
#   env: ROUNDS (3), DURATION (10 s), WARMUP (2 s), CONNECTIONS (4), STREAMS (16), DOC_BYTES (1024),
#        SERVER_CPU (0), CLIENT_CPU (1), WORK (a temp dir), ECHO, LOADGEN (prebuilt; built when unset)
#
# With no arguments it measures `target/release/arabic-text` with the default logging
# (`service=...`) against echo. Each argument adds a server: LABEL=BIN runs `BIN serve` with the
# default configuration, LABEL=BIN:ARGS adds ARGS (space-separated) to it, e.g.
#   scripts/perf/grpc-vs-echo.sh before=/tmp/arabic-text-main after=target/release/arabic-text \
#     quiet=target/release/arabic-text:--log=warn
# Every server logs to a file (stdout redirected) as it would to a collector.
#
# h2load ignores grpc-status, so before the rounds each server's answer is checked once with
# loadgen (no failed call), and after them the server's own metrics must count the calls as OK.
# Latency: h2load's --log-file gives each request's microseconds from send to end of response;
# requests of the first WARMUP seconds are dropped (h2load logs its warm-up too).
# Needs h2load (`apt-get install -y nghttp2-client`).
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-4}
STREAMS=${STREAMS:-16}
source "$(dirname "$0")/lib.sh"

if [ -z "${ECHO:-}" ] || [ -z "${LOADGEN:-}" ] || [ $# -eq 0 ]; then
  echo "building the release server, echo and loadgen"
  (cd "$ROOT" && CARGO_INCREMENTAL=0 nice cargo build --release --bin arabic-text --example echo \
    --example loadgen 2>&1 | tail -1)
  ECHO=${ECHO:-$ROOT/target/release/examples/echo}
  LOADGEN=${LOADGEN:-$ROOT/target/release/examples/loadgen}
fi
[ $# -gt 0 ] || set -- "service=$ROOT/target/release/arabic-text"

# The servers: echo first, then the arguments.
LABELS=(echo)
CMDS=("$ECHO")
ARGS=("")
for spec in "$@"; do
  label=${spec%%=*}
  rest=${spec#*=}
  bin=${rest%%:*}
  extra=
  [ "$bin" = "$rest" ] || extra=${rest#*:}
  [ -x "$bin" ] || { echo "not an executable: $bin"; exit 2; }
  LABELS+=("$label")
  CMDS+=("$bin")
  ARGS+=("$extra")
done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

"$LOADGEN" --rpc normalize --doc-bytes "$DOC_BYTES" --write-frame "$WORK/frame.bin"

# start_server INDEX LOGFILE: starts server INDEX pinned to SERVER_CPU, waits until a call succeeds.
start_server() {
  local i=$1 log=$2
  PORT=$(free_port)
  METRICS_PORT=
  if [ "${LABELS[$i]}" = echo ]; then
    taskset -c "$SERVER_CPU" "${CMDS[$i]}" --listen "127.0.0.1:$PORT" >"$log" 2>&1 &
  else
    METRICS_PORT=$(free_port)
    # shellcheck disable=SC2086  # ARGS is a list of extra flags
    taskset -c "$SERVER_CPU" "${CMDS[$i]}" serve --listen "127.0.0.1:$PORT" \
      --metrics-listen "127.0.0.1:$METRICS_PORT" ${ARGS[$i]} >"$log" 2>&1 &
  fi
  SERVER_PID=$!
  wait_answering "${LABELS[$i]}" "$log"
}

# ok_calls: the server's count of OK Normalize calls (empty for echo, which has no metrics).
ok_calls() {
  [ -n "$METRICS_PORT" ] || return 0
  curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" \
    | awk '/^arabic_text_grpc_calls_total\{.*Normalize.*code="OK"/ {print $2}'
}

URL_PATH=/arabic.text.v1.TextAnalysisService/Normalize
echo "servers on CPU $SERVER_CPU, h2load on CPU $CLIENT_CPU: $CONNECTIONS connections x $STREAMS streams," \
  "closed loop, ${DURATION}s after ${WARMUP}s warm-up, $ROUNDS rounds; work dir $WORK"
echo "load before: $(uptime)"
n=${#LABELS[@]}
for round in $(seq 1 "$ROUNDS"); do
  for k in $(seq 0 $((n - 1))); do
    # Rotate the order each round: round 1 starts with echo, round 2 with the next server, ...
    i=$(((k + round - 1) % n))
    label=${LABELS[$i]}
    start_server "$i" "$WORK/$label-$round.log"
    before=$(ok_calls)
    cpu_before=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
    h2load_run "$label-$round" "http://127.0.0.1:$PORT$URL_PATH"
    after=$(ok_calls)
    cpu_after=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
    stop_server
    if [ -n "$before" ]; then
      echo "$((${after%.*} - ${before%.*}))" >"$WORK/$label-$round.ok"
    fi
    echo "$((cpu_after - cpu_before))" >"$WORK/$label-$round.cpu"
    # The access log of a run is ~100 MB at default logging: keep its size, not its lines.
    echo "$(wc -c <"$WORK/$label-$round.log") bytes logged" >"$WORK/$label-$round.logsize"
    rm -f "$WORK/$label-$round.log"
    echo "round $round $label: $(h2load_summary "$label-$round")"
  done
done
echo "load after: $(uptime)"

python3 "$ROOT/scripts/perf/grpc-vs-echo.py" "$WORK" "$ROUNDS" "$WARMUP" "$(getconf CLK_TCK)" "${LABELS[@]}"
