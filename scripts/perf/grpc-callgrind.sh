#!/usr/bin/env bash
# Instructions per unary call, counted by callgrind: a server (the service or examples/echo.rs)
# runs under valgrind, h2load sends WARM calls, the counters are zeroed, h2load sends CALLS more,
# and the counts of those calls are dumped and summarized: instructions per call (the whole
# process: every thread, the log writer included) and the functions that spend them. Unlike a
# clock, the count does not move with the machine's other load, so two builds can be compared
# in different minutes.
#
#   scripts/perf/grpc-callgrind.sh BIN [SERVE-ARGS...]     # the service: BIN serve SERVE-ARGS
#   ECHO=1 scripts/perf/grpc-callgrind.sh target/release/examples/echo
#   env: CALLS (20000), WARM (5000), CONNECTIONS (4), STREAMS (16), DOC_BYTES (1024), OUT (a
#        temp dir: callgrind.out, the annotated report), LOADGEN (examples/loadgen, for the frame)
#
# Build with line tables for a readable report: `cargo build --profile profiling --bin
# arabic-text --example echo --example loadgen` (release code, symbols kept).
# Needs valgrind and h2load (`apt-get install -y valgrind nghttp2-client`).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BIN [SERVE-ARGS...]"; exit 2; }
BIN=$1
shift
CALLS=${CALLS:-20000}
WARM=${WARM:-5000}
CONNECTIONS=${CONNECTIONS:-4}
STREAMS=${STREAMS:-16}
DOC_BYTES=${DOC_BYTES:-1024}
LOADGEN=${LOADGEN:-$ROOT/target/release/examples/loadgen}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/grpc-callgrind.XXXXXX")}
mkdir -p "$OUT"
command -v valgrind >/dev/null && command -v h2load >/dev/null \
  || { echo "needs valgrind and h2load: apt-get install -y valgrind nghttp2-client"; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$LOADGEN" --rpc normalize --doc-bytes "$DOC_BYTES" --write-frame "$OUT/frame.bin" >/dev/null
if [ "${ECHO:-0}" = 1 ]; then
  set -- "$BIN" --listen "127.0.0.1:$PORT"
else
  set -- "$BIN" serve --listen "127.0.0.1:$PORT" --metrics-listen off "$@"
fi
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" "$@" >"$OUT/server.log" 2>"$OUT/valgrind.log" &
VG_PID=$!
trap 'kill -TERM $VG_PID 2>/dev/null || true; wait $VG_PID 2>/dev/null || true' EXIT

h2() {
  h2load -n "$1" -c "$CONNECTIONS" -m "$STREAMS" -d "$OUT/frame.bin" -H 'content-type: application/grpc' \
    -H 'te: trailers' "http://127.0.0.1:$PORT/arabic.text.v1.TextAnalysisService/Normalize"
}
# Ready when a call gets a response with grpc-status 0 (models load slowly under valgrind).
deadline=$((SECONDS + 900))
until "$LOADGEN" --addr "http://127.0.0.1:$PORT" --rpc normalize --doc-bytes "$DOC_BYTES" --concurrency 1 \
  --connections 1 --duration 0.5 --warmup 0 2>/dev/null | grep -q 'ok=[1-9].* failed=0'; do
  kill -0 $VG_PID 2>/dev/null || { echo "server exited:"; tail -20 "$OUT/valgrind.log"; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "server not ready in 900 s"; exit 1; }
  sleep 2
done
h2 "$WARM" >"$OUT/warm.txt"
callgrind_control -z "$VG_PID" >/dev/null
h2 "$CALLS" >"$OUT/measured.txt"
grep -q "$CALLS succeeded" "$OUT/measured.txt" || { cat "$OUT/measured.txt"; exit 1; }
callgrind_control -d "$VG_PID" >/dev/null
sleep 1
DUMP=$(ls -t "$OUT"/callgrind.out.* | head -1)
callgrind_annotate --inclusive=yes "$DUMP" >"$OUT/inclusive.txt" 2>/dev/null || true
# Own instructions per function, read from the dump itself (callgrind_annotate 3.19 mixes in
# inclusive costs under threads): the cost lines of each fn=, not those after a calls= line.
python3 - "$DUMP" "$CALLS" "${TOP:-30}" >"$OUT/self.txt" <<'PY'
import re, sys
from collections import Counter
path, calls, top = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names, own, fn, skip, total = {}, Counter(), None, False, 0
def name(kind, text):
    m = re.match(r"\((\d+)\)(?: (.*))?", text)
    if not m:
        return text
    key = (kind, m.group(1))
    if m.group(2) is not None:
        names[key] = m.group(2)
    return names.get(key, text)
for line in open(path, errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("fn="):
        fn = name("fn", line[3:])
    elif line.startswith(("cfn=", "cfi=", "cfl=", "cob=")):
        if line.startswith("cfn="):
            name("fn", line[4:])
    elif line.startswith("calls="):
        skip = True
    elif line and (line[0].isdigit() or line[0] in "+-*"):
        parts = line.split()
        if len(parts) >= 2:
            if skip:
                skip = False
            else:
                own[fn] += int(parts[1])
                total += int(parts[1])
print(f"{total} instructions for {calls} calls: {total // calls} per call")
print("own instructions per call, by function:")
for f, c in own.most_common(top):
    print(f"{c / calls:9.0f} {c / total:6.1%}  {f}")
PY
cat "$OUT/self.txt"
echo "report: $OUT/self.txt, $OUT/inclusive.txt"
