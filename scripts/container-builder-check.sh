#!/usr/bin/env bash
# Builder-stage check (optional, slow: a few minutes; not part of CI by default).
#
# The official Rust image cannot be pulled on machines that reach only package registries, so this script builds
# a stand-in for it, tagged with the same name the Dockerfile pins (rust:<version>-slim-bookworm): a Debian
# bookworm minbase root made with debootstrap from the machine's apt mirror, with what the official slim image
# adds (gcc, libc6-dev, ca-certificates) and this machine's Rust toolchain of that exact version under
# /usr/local/rustup and /usr/local/cargo, as in the official image. Then, on a private Docker engine:
#  1. `DOCKER_BUILDKIT=0 docker build` of the DEFAULT target (the whole Dockerfile: dependency layer, --locked
#     static release build, runtime stage), without network: the stand-in carries the crates of Cargo.lock from
#     this machine's cargo cache and sets CARGO_NET_OFFLINE (the official image fetches them);
#  2. checks the image runs (`--version`) and is < 50 MB;
#  3. changes a source file and builds again: the dependency layer must come from the cache.
# It stops and removes everything it started.
# Usage: scripts/container-builder-check.sh   (as root; installs docker.io and debootstrap when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s)
elapsed() { echo "$(($(date +%s) - T0))s"; }
pass() { echo "PASS [$(elapsed)] $*"; }
info() { echo "---- [$(elapsed)] $*"; }
fail() { echo "FAIL [$(elapsed)] $*"; [ -n "${WORK:-}" ] && tail -30 "$WORK/build.log" 2>/dev/null; exit 1; }

RUST_VERSION=$(sed -n 's/^ARG RUST_VERSION=//p' Dockerfile)
DEBIAN_RELEASE=$(sed -n 's/^ARG DEBIAN_RELEASE=//p' Dockerfile)
HOST_VERSION=$(rustc --version | awk '{print $2}')
[ "$RUST_VERSION" = "$HOST_VERSION" ] ||
  fail "the Dockerfile pins Rust $RUST_VERSION, this machine has $HOST_VERSION: no stand-in can be made"
BASE=rust:$RUST_VERSION-slim-$DEBIAN_RELEASE
IMAGE=arabic-text:builder-check-$$

WORK=
DOCKERD_PID=
cleanup() {
  local rc=$?
  set +e
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    kill -TERM "$DOCKERD_PID"
    for _ in $(seq 1 200); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DOCKERD_PID" 2>/dev/null
    wait "$DOCKERD_PID" 2>/dev/null
  fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf "$WORK"
  fi
  [ "$rc" -eq 0 ] && echo "builder-stage check passed in $(elapsed)" || echo "builder-stage check FAILED after $(elapsed)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" = 0 ] || fail "must run as root"
export DEBIAN_FRONTEND=noninteractive
for pkg in dockerd:docker.io debootstrap:debootstrap; do
  command -v "${pkg%%:*}" >/dev/null || apt-get install -y -qq "${pkg#*:}" >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq "${pkg#*:}" >/dev/null; } || fail "apt-get install ${pkg#*:}"
done

WORK=$(mktemp -d /tmp/builder-check.XXXXXX)
export DOCKER_HOST=unix://$WORK/docker.sock DOCKER_CONFIG=$WORK/client
dockerd --iptables=false --ip6tables=false --bridge=none --data-root "$WORK/data" --exec-root "$WORK/exec" \
  --pidfile "$WORK/dockerd.pid" --host "$DOCKER_HOST" >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 300); do docker version >/dev/null 2>&1 && break; sleep 0.1; done
docker version >/dev/null 2>&1 || fail "dockerd did not start"
pass "private dockerd up"

info "stand-in for $BASE: debootstrap $DEBIAN_RELEASE minbase + gcc libc6-dev ca-certificates + Rust $RUST_VERSION"
MIRROR=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$MIRROR" ] || fail "no apt mirror found"
ROOTFS=$WORK/rootfs
debootstrap --variant=minbase --include=gcc,libc6-dev,ca-certificates "$DEBIAN_RELEASE" "$ROOTFS" "$MIRROR" \
  >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap"; }
TOOLCHAIN=/usr/local/rustup/toolchains/$RUST_VERSION-x86_64-unknown-linux-gnu
mkdir -p "$ROOTFS$TOOLCHAIN" "$ROOTFS/usr/local/cargo/bin"
tar -C "$(rustc --print sysroot)" --exclude=./share/doc -c . | tar -C "$ROOTFS$TOOLCHAIN" -x
for tool in cargo rustc rustdoc; do ln -s "$TOOLCHAIN/bin/$tool" "$ROOTFS/usr/local/cargo/bin/$tool"; done
# The crates of Cargo.lock, from this machine's cargo cache: the stand-in builds offline (CARGO_NET_OFFLINE), so
# the check needs no network inside the build and proves Cargo.lock is complete.
cargo fetch --locked --quiet
CARGO_DIR=${CARGO_HOME:-$HOME/.cargo}
mkdir -p "$ROOTFS/usr/local/cargo/registry"
cp -a "$CARGO_DIR/registry/index" "$CARGO_DIR/registry/cache" "$ROOTFS/usr/local/cargo/registry/"
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV RUSTUP_HOME=/usr/local/rustup' --change 'ENV CARGO_HOME=/usr/local/cargo' \
  --change 'ENV CARGO_NET_OFFLINE=true' \
  --change 'ENV PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$BASE" >/dev/null
rm -rf "$ROOTFS"
pass "stand-in $BASE imported ($(docker image inspect -f '{{.Size}}' "$BASE" | awk '{printf "%.0f MB", $1/1e6}'))"

# The build context: a copy of the committed tree (as a fresh clone: no target/, so runtime-prebuilt has no binary).
CTX=$WORK/context
mkdir -p "$CTX"
git ls-files -z | tar --null -T - -c | tar -C "$CTX" -x
info "DOCKER_BUILDKIT=0 docker build (default target: builder + runtime) of a fresh copy of the tree"
t=$(date +%s)
DOCKER_BUILDKIT=0 docker build --network none -t "$IMAGE" "$CTX" >"$WORK/build.log" 2>&1 || fail "docker build"
pass "full build in $(($(date +%s) - t))s"
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
[ "$size" -lt 50000000 ] || fail "image $size bytes"
version=$(docker run --rm --network none --read-only --cap-drop ALL "$IMAGE" --version) || fail "the image does not run"
pass "image runs ($version), $size bytes"

info "rebuild after a source change: the dependency layer must be cached"
printf '\n// builder-check %s\n' "$$" >>"$CTX/src/main.rs"
t=$(date +%s)
DOCKER_BUILDKIT=0 docker build --network none -t "$IMAGE" "$CTX" >"$WORK/build.log" 2>&1 || fail "docker build (rebuild)"
took=$(($(date +%s) - t))
grep -A2 'cargo fetch --locked' "$WORK/build.log" | grep -q 'Using cache' || fail "the dependency layer was rebuilt"
compiled=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/build.log" | awk '$1 == "Compiling" { print $2 }' | sort -u | paste -sd' ')
[ "$compiled" = arabic-text ] || fail "the rebuild compiled: ${compiled:-nothing} (expected only arabic-text)"
pass "rebuild in ${took}s: dependency layer from cache, only arabic-text recompiled"
