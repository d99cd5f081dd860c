#!/usr/bin/env bash
# Overload at 2x capacity: the server sheds (RESOURCE_EXHAUSTED / UNAVAILABLE) at
# once, admitted calls keep a bounded p99, memory stays bounded, and the server
# is healthy afterwards.
#
#   scripts/reliability/overload.sh
#   env: BIN, LOADGEN (prebuilt release binaries; built when missing), RPC (analyze),
#        DOC_BYTES (16384), LIMIT (server --max-concurrency, 16), FACTOR (2),
#        CAPACITY_CONCURRENCY (= LIMIT), DURATION (10), RSS_MAX_MB (512),
#        P99_MAX_MS (admitted calls, client side; default 2x the p99 at capacity,
#        at least 100): bounded means no queue builds up beyond the limit,
#        SHED_P99_MAX_MS (default the p99 at capacity, at least 50): shed answers
#        come at once, no slower than served calls at capacity.
#
# Steps: (1) capacity = calls/s of a closed loop at CAPACITY_CONCURRENCY (no
# shedding below the limit); (2) open loop at FACTOR x capacity for DURATION s
# with a client in-flight cap far above the server's limit, so the excess reaches
# the server; (3) a closed-loop check that the server still answers everything.
# RSS of the server is sampled every 0.25 s throughout.
source "$(dirname "$0")/lib.sh"
RPC=${RPC:-analyze}
DOC_BYTES=${DOC_BYTES:-16384}
LIMIT=${LIMIT:-16}
FACTOR=${FACTOR:-2}
CAPACITY_CONCURRENCY=${CAPACITY_CONCURRENCY:-$LIMIT}
DURATION=${DURATION:-10}
RSS_MAX_MB=${RSS_MAX_MB:-512}
build_if_missing
echo "work dir: $WORK"

start_server "$WORK/server.log" --max-concurrency "$LIMIT" --log warn,arabic_text::server=info
sample_rss "$SERVER_PID" "$WORK/rss.txt" 0.25 &
STARTED_PIDS+=($!)
common=(--addr "http://127.0.0.1:$PORT" --rpc "$RPC" --doc-bytes "$DOC_BYTES" --connections 4)

echo "== capacity: closed loop, concurrency $CAPACITY_CONCURRENCY"
"$LOADGEN" "${common[@]}" --concurrency "$CAPACITY_CONCURRENCY" --duration 5 --warmup 1 | tee "$WORK/capacity.txt"
CAP=$(loadgen_field rps "$WORK/capacity.txt")
RATE=$(python3 -c "print(round($CAP * $FACTOR))")
CAP_P99=$(loadgen_field p99 "$WORK/capacity.txt")
P99_MAX_MS=${P99_MAX_MS:-$(python3 -c "print(max(100, 2 * $CAP_P99))")}
SHED_P99_MAX_MS=${SHED_P99_MAX_MS:-$(python3 -c "print(max(50, $CAP_P99))")}

curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/metrics-before.txt" || true
echo "== overload: open loop at $RATE/s ($FACTOR x $CAP), server limit $LIMIT"
"$LOADGEN" "${common[@]}" --rate "$RATE" --concurrency 20000 --duration "$DURATION" --warmup 1 \
  --timeout-ms 10000 --record "$WORK/calls.csv" | tee "$WORK/overload.txt"
curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/metrics-after.txt" || true

echo "== after: closed loop below the limit must see no error"
"$LOADGEN" "${common[@]}" --concurrency 8 --duration 2 --warmup 0.5 | tee "$WORK/after.txt"
stop_pid "$SERVER_PID" 30

python3 - "$WORK" "$P99_MAX_MS" "$SHED_P99_MAX_MS" "$RSS_MAX_MB" "$CAP" "$RATE" <<'PY'
import csv, re, sys
from collections import Counter
work, p99_max, shed_max, rss_max, cap, rate = sys.argv[1:]
p99_max, shed_max, rss_max = float(p99_max), float(shed_max), float(rss_max)
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round((len(xs) - 1) * p))] if xs else 0.0
calls = list(csv.DictReader(open(f"{work}/calls.csv")))
# Measured window: the run's warm-up second excluded.
t0 = min(int(c["start_us"]) for c in calls) + 1_000_000 if calls else 0
calls = [c for c in calls if int(c["start_us"]) >= t0]
codes = Counter(c["code"] for c in calls)
lat = lambda c: (int(c["end_us"]) - int(c["start_us"])) / 1000
ok = [lat(c) for c in calls if c["code"] == "Ok"]
shed = [lat(c) for c in calls if c["code"] in ("ResourceExhausted", "Unavailable")]
other = {k: v for k, v in codes.items() if k not in ("Ok", "ResourceExhausted", "Unavailable")}
rss = [int(l.split()[1]) / 1024 for l in open(f"{work}/rss.txt") if l.split()[1] != "0"]
def metric(path, name):
    total = 0.0
    try:
        for line in open(path):
            if line.startswith(name):
                total += float(line.split()[-1])
    except OSError:
        pass
    return total
shed_server = metric(f"{work}/metrics-after.txt", "arabic_text_grpc_calls_shed") - metric(f"{work}/metrics-before.txt", "arabic_text_grpc_calls_shed")
after = open(f"{work}/after.txt").read()
after_failed = int(re.search(r"failed=(\d+)", after).group(1))
dur = (max(int(c["start_us"]) for c in calls) - t0) / 1e6 if calls else 1
print(f"capacity {cap}/s; offered {rate}/s; answered {len(calls)/max(dur,1e-9):.0f}/s; codes {dict(codes)}")
print(f"admitted (OK): {len(ok)} ({len(ok)/max(dur,1e-9):.0f}/s) p50={pct(ok,.5):.2f}ms p99={pct(ok,.99):.2f}ms max={pct(ok,1):.2f}ms")
print(f"shed: {len(shed)} (server counter {shed_server:.0f}) p50={pct(shed,.5):.2f}ms p99={pct(shed,.99):.2f}ms")
print(f"server RSS: start {rss[0] if rss else 0:.1f} MB, max {max(rss, default=0):.1f} MB")
print(f"after the overload: failed={after_failed}")
problems = []
if not shed: problems.append("nothing was shed: the server was not overloaded (raise FACTOR or lower LIMIT)")
if other: problems.append(f"failures other than RESOURCE_EXHAUSTED/UNAVAILABLE: {other}")
if pct(ok, .99) > p99_max: problems.append(f"admitted p99 {pct(ok,.99):.2f}ms > {p99_max}ms")
if pct(shed, .99) > shed_max: problems.append(f"shed p99 {pct(shed,.99):.2f}ms > {shed_max}ms: not shed at once")
if max(rss, default=0) > rss_max: problems.append(f"RSS {max(rss):.1f} MB > {rss_max} MB")
if after_failed: problems.append(f"{after_failed} calls failed after the overload")
if problems:
    print("FAIL: " + "; ".join(problems)); sys.exit(1)
print("PASS: sheds cleanly, admitted p99 bounded, RSS bounded, healthy afterwards")
PY
