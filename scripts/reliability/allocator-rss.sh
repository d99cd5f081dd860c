#!/usr/bin/env bash
# Memory returned after a burst, per build of the server (issue 26: the global allocator).
# For each binary given: idle RSS with the models loaded; a burst of Analyze on 256 KiB documents
# (16 in flight, BURST_S seconds) with peak RSS; RSS 2, 10 and 30 s after the burst; then the calls/s
# of Analyze on 1 KiB documents (32 in flight, 5 s), over ROUNDS rounds alternating the binaries so they
# share the machine's load. Prints one Markdown row per binary and round.
#   scripts/reliability/allocator-rss.sh NAME=BIN [NAME=BIN ...]   (env: ROUNDS=2, BURST_S=8)
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-2}
BURST_S=${BURST_S:-8}
[ -x "$LOADGEN" ] || { echo "no loadgen at $LOADGEN (set LOADGEN=)"; exit 1; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
echo "| build | round | idle | burst peak | +2 s | +10 s | +30 s | Analyze 1 KiB calls/s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  for spec in "$@"; do
    name=${spec%%=*}
    BIN=${spec#*=}
    start_server "$WORK/$name.log" --log warn,arabic_text::server=info
    sleep 1
    idle=$(rss_kb "$SERVER_PID")
    "$LOADGEN" --addr "http://127.0.0.1:$PORT" --rpc analyze --doc-bytes 262144 --concurrency 16 \
      --connections 4 --duration "$BURST_S" --warmup 0 >"$WORK/burst.txt" 2>&1 || true
    peak=$(hwm_kb "$SERVER_PID")
    sleep 2; a2=$(rss_kb "$SERVER_PID")
    sleep 8; a10=$(rss_kb "$SERVER_PID")
    sleep 20; a30=$(rss_kb "$SERVER_PID")
    "$LOADGEN" --addr "http://127.0.0.1:$PORT" --rpc analyze --doc-bytes 1024 --concurrency 32 \
      --connections 4 --duration 5 >"$WORK/speed.txt" 2>&1 || true
    rps=$(loadgen_field rps "$WORK/speed.txt")
    echo "| $name | $round | $(mib "$idle") | $(mib "$peak") | $(mib "$a2") | $(mib "$a10") | $(mib "$a30") | ${rps:-?} |"
    stop_pid "$SERVER_PID" 10
  done
done
