#!/usr/bin/env bash
# Issue 26's high cases against the release server, as deployed (--max-concurrency 64): prints the table of
# docs/deployment.md ("Limits") and fails when the server's peak RSS passes RSS_MAX_MB (600) or another
# caller's Normalize is not OK while a case runs. Loopback only, every loop bounded; CI runs it (.ci/run, after
# the hostile callers) on the static release build, in about 15 s on 2 cores.
#
#   scripts/reliability/trial.sh     (env: BIN, TRIAL (prebuilt release binaries; TRIAL defaults to the
#                                     examples/trial beside BIN, as cargo lays them out), RSS_MAX_MB)
source "$(dirname "$0")/lib.sh"
TRIAL=${TRIAL:-$(dirname "$BIN")/examples/trial}
RSS_MAX_MB=${RSS_MAX_MB:-600}
if [ ! -x "$BIN" ] || [ ! -x "$TRIAL" ]; then
  (cd "$ROOT" && cargo build --release --bin arabic-text --example trial)
fi
# A cell without its surrounding blanks (not xargs: it parses quotes, and a header has an apostrophe).
trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}
start_server "$WORK/server.log" --max-concurrency 64
timeout 180 "$TRIAL" "http://127.0.0.1:$PORT" "$SERVER_PID" | tee "$WORK/table.md"
stop_pid "$SERVER_PID" 10
fail=0
prev_peak=0
# Rows: | case | attacker | other | rss | peak |. The peak is the process's high-water so far, so a case fails
# on it only when it raised the peak past the bound.
while IFS='|' read -r _ name _ other _ peak _; do
  name=$(trim "$name"); other=$(trim "$other"); peak=$(trim "$peak")
  case "$other" in -|"other caller's Normalize"|---) continue ;; esac
  [ "$other" = OK ] || { echo "FAIL: $name: another caller's Normalize got $other"; fail=1; }
  if [ "${peak:-0}" -gt "$RSS_MAX_MB" ] 2>/dev/null && [ "$peak" -gt "$prev_peak" ]; then
    echo "FAIL: $name: peak RSS $peak MiB > $RSS_MAX_MB"; fail=1
  fi
  prev_peak=${peak:-$prev_peak}
done < <(grep '^| ' "$WORK/table.md")
rows=$(grep -c '^| ' "$WORK/table.md" || true)
[ "$rows" -ge 7 ] || { echo "FAIL: only $rows table rows (the trial stopped early)"; fail=1; }
[ "$fail" = 0 ] && echo "PASS: every case under $RSS_MAX_MB MiB peak, other callers served"
exit "$fail"
