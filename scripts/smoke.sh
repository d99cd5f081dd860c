#!/usr/bin/env bash
# Smoke test of a release binary: serve on a free loopback port, then with
# grpcurl (server reflection v1alpha) list the services, check health, call
# every RPC on the sample article, and check that SIGTERM drains and exits 0.
# Usage: scripts/smoke.sh BIN SAMPLE.txt
set -euo pipefail
BIN=$1
SAMPLE=$2
SMOKE_PY=$(dirname "$0")/smoke.py  # the request and the checks of the answers (--help)
PORT=${SMOKE_PORT:-50071}
ADDR=127.0.0.1:$PORT
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- server log"; tail -50 "$WORK/server.log" || true; exit 1; }

ARABIC_TEXT_LISTEN=$ADDR ARABIC_TEXT_METRICS_LISTEN=127.0.0.1:$((PORT + 1)) ARABIC_TEXT_LOG_FORMAT=json \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 300); do
  if grpcurl -plaintext -d '{"service":"readiness"}' "$ADDR" grpc.health.v1.Health/Check 2>/dev/null | grep -q '"SERVING"'; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited early"
  sleep 0.1
done
grpcurl -plaintext -d '{"service":"readiness"}' "$ADDR" grpc.health.v1.Health/Check | grep -q '"SERVING"' || fail "not ready"
echo "PASS health readiness SERVING"
grpcurl -plaintext -d '{"service":"arabic.text.v1.TextAnalysisService"}' "$ADDR" grpc.health.v1.Health/Check | grep -q '"SERVING"' || fail "service health"
echo "PASS health arabic.text.v1.TextAnalysisService SERVING"

services=$(grpcurl -plaintext "$ADDR" list)
echo "$services"
grep -qx 'arabic.text.v1.TextAnalysisService' <<<"$services" || fail "service not listed"
grep -qx 'grpc.health.v1.Health' <<<"$services" || fail "health not listed"
grpcurl -plaintext "$ADDR" describe arabic.text.v1.TextAnalysisService >/dev/null || fail "describe"
echo "PASS reflection list/describe"

python3 "$SMOKE_PY" request "$SAMPLE" >"$WORK/req.json"
call() { grpcurl -plaintext -d @ "$ADDR" "arabic.text.v1.TextAnalysisService/$1" <"$WORK/req.json" >"$WORK/$1.json" || fail "$1"; }
call Normalize
call Segment
call ExtractEntities
call Analyze
python3 "$SMOKE_PY" check "$WORK" "$SAMPLE"

# reference_time is a google.protobuf.Timestamp: its JSON form is the RFC 3339
# string; time_zone an IANA name. 21:30Z on 31 October 2024 is already
# 1 November in Riyadh (so أمس is 31 October) and still 31 October in Cairo,
# which left daylight saving at 21:00Z (so أمس is 30 October).
for zone_day in "Asia/Riyadh 2024-10-31" "Africa/Cairo 2024-10-30"; do
  set -- $zone_day
  out=$(grpcurl -plaintext -d "{\"document\":{\"content\":\"قال أمس\"},
    \"options\":{\"reference_time\":\"2024-10-31T21:30:00Z\",\"time_zone\":\"$1\"}}" "$ADDR" \
    arabic.text.v1.TextAnalysisService/ExtractEntities) || fail "reference_time in $1"
  grep -q "\"value\": \"$2\"" <<<"$out" || fail "reference_time in $1: expected $2, got $out"
done
echo "PASS reference_time (Timestamp, RFC 3339 in JSON) read in time_zone"

# A bad request is INVALID_ARGUMENT, never INTERNAL.
out=$(grpcurl -plaintext -d '{"document":{"content":"x","language_code":"fr"}}' "$ADDR" \
  arabic.text.v1.TextAnalysisService/Normalize 2>&1 || true)
grep -q 'InvalidArgument' <<<"$out" || fail "bad request answered: $out"
echo "PASS bad request -> InvalidArgument"

kill -TERM "$SERVER_PID"
t0=$(date +%s)
set +e
wait "$SERVER_PID"
code=$?
set -e
SERVER_PID=
[ "$code" -eq 0 ] || fail "exit code $code after SIGTERM"
echo "PASS SIGTERM -> exit 0 after $(($(date +%s) - t0))s"
