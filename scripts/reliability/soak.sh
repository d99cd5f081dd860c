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

python3 - "$WORK" "$T_START" "$DURATION" "$WARMUP" "$TOLERANCE" <<'PY'
import glob, re, sys
work, t_start, duration, warmup, tol = sys.argv[1:]
t_start, duration, warmup, tol = float(t_start), float(duration), float(warmup), float(tol)
samples = [(float(t) - t_start, int(kb) / 1024) for t, kb in (l.split() for l in open(f"{work}/rss.txt")) if kb != "0"]
first = [r for t, r in samples if warmup <= t < warmup + 60]
last = [r for t, r in samples if duration - 60 <= t < duration]
failed = sum(int(m) for f in glob.glob(f"{work}/loadgen-*.txt") for m in re.findall(r"failed=(\d+)", open(f).read()))
print("RSS MB by minute (max): " + " ".join(
    f"{m}:{max((r for t, r in samples if m*60 <= t < (m+1)*60), default=0):.1f}" for m in range(int(duration // 60))))
fmax, lmax = max(first, default=0), max(last, default=0)
print(f"first minute after warm-up max {fmax:.1f} MB, last minute max {lmax:.1f} MB "
      f"({(lmax / fmax - 1) * 100 if fmax else 0:+.1f}%), failed calls {failed}")
problems = []
if not first or not last: problems.append("too few RSS samples")
elif lmax > fmax * (1 + tol): problems.append(f"RSS grew {lmax:.1f} > {fmax:.1f} MB + {tol:.0%}")
if failed: problems.append(f"{failed} calls failed")
if problems:
    print("FAIL: " + "; ".join(problems)); sys.exit(1)
print("PASS: RSS flat")
PY
