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
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-4}
STREAMS=${STREAMS:-16}
DOC_BYTES=${DOC_BYTES:-1024}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/grpc-vs-echo.XXXXXX")}
mkdir -p "$WORK"
command -v h2load >/dev/null || { echo "h2load missing: apt-get install -y nghttp2-client"; exit 1; }

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

SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT
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
  local deadline=$((SECONDS + 60))
  until "$LOADGEN" --addr "http://127.0.0.1:$PORT" --rpc normalize --doc-bytes "$DOC_BYTES" \
    --concurrency 1 --connections 1 --duration 0.2 --warmup 0 2>/dev/null | grep -q 'ok=[1-9].* failed=0'; do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "${LABELS[$i]} exited:"; tail -20 "$log"; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "${LABELS[$i]} not ready in 60 s"; exit 1; }
    sleep 0.2
  done
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
    rm -f "$WORK/$label-$round.tsv"  # h2load appends to its log file
    taskset -c "$CLIENT_CPU" h2load -c "$CONNECTIONS" -m "$STREAMS" -D "$DURATION" \
      --warm-up-time "$WARMUP" -d "$WORK/frame.bin" -H 'content-type: application/grpc' \
      -H 'te: trailers' --log-file "$WORK/$label-$round.tsv" "http://127.0.0.1:$PORT$URL_PATH" \
      >"$WORK/$label-$round.txt" 2>&1
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
    echo "round $round $label: $(grep -E '^(finished in|requests:)' "$WORK/$label-$round.txt" | tr '\n' ' ')"
  done
done
echo "load after: $(uptime)"

python3 - "$WORK" "$ROUNDS" "$WARMUP" "$DURATION" "$(getconf CLK_TCK)" "${LABELS[@]}" <<'PY'
import os, statistics, sys
work, rounds, warmup, duration, hz = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
labels = sys.argv[6:]
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round((len(xs) - 1) * p))] if xs else float("nan")
res = {l: [] for l in labels}
for l in labels:
    for r in range(1, rounds + 1):
        rows = []
        for line in open(f"{work}/{l}-{r}.tsv"):
            f = line.split("\t")
            if len(f) >= 3:
                rows.append((int(f[0]), int(f[1]), int(f[2])))
        t0 = min(t[0] for t in rows)
        kept = [t for t in rows if t[0] >= t0 + warmup * 1e6]
        bad = sum(1 for t in kept if t[1] != 200)
        lat = [t[2] / 1000 for t in kept if t[1] == 200]
        span = (max(t[0] + t[2] for t in kept) - min(t[0] for t in kept)) / 1e6
        ok_path = f"{work}/{l}-{r}.ok"
        if os.path.exists(ok_path):
            ok = int(open(ok_path).read())
            # h2load ignores grpc-status: the server's own count must cover every request it sent.
            if ok < len(rows) - bad:
                sys.exit(f"{l} round {r}: the server counted {ok} OK calls of {len(rows)} sent")
        if bad:
            sys.exit(f"{l} round {r}: {bad} responses were not HTTP 200")
        rps = len(kept) / span
        # Server CPU (user + system, /proc/PID/stat) over the whole h2load run, warm-up included.
        cpu_us = int(open(f"{work}/{l}-{r}.cpu").read()) / hz * 1e6 / len(rows)
        res[l].append({"rps": rps, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "cpu": cpu_us})
        print(f"{l:>10} round {r}: {rps:8.0f} calls/s  p50 {pct(lat, 0.5):6.2f} ms  p99 {pct(lat, 0.99):6.2f} ms"
              f"  server CPU {cpu_us:5.1f} us/call")
med = statistics.median
KEYS = ("rps", "p50", "p99", "cpu")
e = {k: med([x[k] for x in res["echo"]]) for k in KEYS}
print(f"\nmedian of {rounds} rounds (alternated):")
for l in labels:
    m = {k: med([x[k] for x in res[l]]) for k in KEYS}
    per_round = ", ".join(f"{x['rps'] / y['rps']:.2f}" for x, y in zip(res[l], res["echo"]))
    print(f"{l:>10}: {m['rps']:8.0f} calls/s  p50 {m['p50']:6.2f} ms  p99 {m['p99']:6.2f} ms  "
          f"CPU {m['cpu']:5.1f} us/call  |  "
          f"rps/echo {m['rps'] / e['rps']:.3f} (rounds {per_round})  p99/echo {m['p99'] / e['p99']:.2f}")
PY
