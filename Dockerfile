# Container image of the arabic-text gRPC service.
#
# Targets:
#   runtime (default)   builds the binary in the official Rust image, then copies it into an empty image:
#                         docker build -t arabic-text:0.1.0 .
#   runtime-prebuilt    copies a static binary already built on the host (how CI verifies the runtime stage
#                       on machines that cannot pull images; scripts/container-check.sh):
#                         RUSTFLAGS="-C target-feature=+crt-static" cargo build --locked --release \
#                           --target x86_64-unknown-linux-gnu -p arabic-text --no-default-features --bin arabic-text
#                         DOCKER_BUILDKIT=0 docker build --target runtime-prebuilt -t arabic-text:dev .
#
# The runtime image is FROM scratch: one static binary (models embedded) and its licences in /app; no shell, no
# libc, no package manager. The binary is built without the `train` feature: it serves and runs the local
# commands (normalize, segment, entities, analyze), without the training and evaluation commands. It runs as the numeric non-root user 65532 and works with a read-only root filesystem.
#
# Stage order matters: the classic builder (DOCKER_BUILDKIT=0) and kaniko (without --skip-unused-stages) build
# every stage up to the target, so the stages that need no registry pull come first, the Rust builder after them,
# and runtime-prebuilt builds even without a host binary (see there).

# The Rust toolchain of the builder stage; keep in step with the toolchain CI builds the host binary with.
ARG RUST_VERSION=1.95.0
ARG DEBIAN_RELEASE=bookworm

# ---------------------------------------------------------------------------------------------------------------
# runtime-base: what every runtime image shares (metadata only; the binary is added by the stages below).
FROM scratch AS runtime-base
LABEL org.opencontainers.image.title="arabic-text" \
      org.opencontainers.image.description="Arabic text analysis over gRPC: normalization, segmentation, named entities" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
# gRPC API, then Prometheus metrics (/metrics).
EXPOSE 50051 9464
# Any non-root uid works (nothing is read from or written to the filesystem); 65532 is the usual "nonroot".
USER 65532:65532
STOPSIGNAL SIGTERM
# Exec form: the server is PID 1 and receives SIGTERM itself, then drains (ARABIC_TEXT_DRAIN_TIMEOUT) and exits 0.
ENTRYPOINT ["/app/arabic-text"]
CMD ["serve"]

# ---------------------------------------------------------------------------------------------------------------
# runtime-prebuilt: the runtime image around the static binary built on the host. The licence files keep this
# COPY valid when no binary was built (the [t] pattern then matches nothing), so builders that build every stage
# can build the default target from a fresh clone; scripts/container-check.sh makes sure the binary is there.
FROM runtime-base AS runtime-prebuilt
COPY LICENSE-MIT LICENSE-APACHE target/x86_64-unknown-linux-gnu/release/arabic-tex[t] /app/

# ---------------------------------------------------------------------------------------------------------------
# builder: the official Rust image, pinned to an exact toolchain version.
FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS builder
ARG TARGET=x86_64-unknown-linux-gnu
# A fully static executable (static-pie against glibc): runs FROM scratch. The musl target is not needed.
ENV RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0
WORKDIR /src
# make: the jemalloc allocator's C build (tikv-jemalloc-sys runs its configure script and make); the slim image
# has gcc and libc6-dev only. Pinned to bookworm's version.
RUN apt-get update \
 && apt-get install -y --no-install-recommends make=4.3-4.1 \
 && rm -rf /var/lib/apt/lists/*

# Dependency layer: fetch and compile every dependency against stub sources, so that a change to the crate's own
# code reuses this layer and recompiles only the crate. Cargo reads the path of every target the manifest
# declares ([[bin]], [[bench]], [[example]], [[test]]), so each gets a stub too (listed by the awk program).
COPY Cargo.toml Cargo.lock build.rs ./
COPY crates/arabic-text-core/Cargo.toml ./crates/arabic-text-core/
COPY crates/arabic-text-invariants/Cargo.toml ./crates/arabic-text-invariants/
COPY crates/arabic-text-train/Cargo.toml ./crates/arabic-text-train/
COPY proto ./proto
RUN awk -F'"' ' \
      function flush() { if (dir != "" && (path != "" || name != "")) print (path != "" ? path : dir "/" name ".rs"); \
                         dir = ""; name = ""; path = "" } \
      /^\[/ { flush() } \
      /^\[\[bin\]\]/ { dir = "src/bin" } /^\[\[bench\]\]/ { dir = "benches" } \
      /^\[\[example\]\]/ { dir = "examples" } /^\[\[test\]\]/ { dir = "tests" } \
      dir != "" && /^name *=/ { name = $2 } dir != "" && /^path *=/ { path = $2 } \
      END { flush(); print "src/main.rs"; print "src/lib.rs"; \
            print "crates/arabic-text-core/src/lib.rs"; print "crates/arabic-text-invariants/src/lib.rs"; \
            print "crates/arabic-text-train/src/lib.rs" }' Cargo.toml > /tmp/stubs \
 && sort -u -o /tmp/stubs /tmp/stubs \
 && while read -r f; do mkdir -p "$(dirname "$f")" && printf 'fn main() {}\n' > "$f"; done < /tmp/stubs \
 && : > src/lib.rs && : > crates/arabic-text-core/src/lib.rs && : > crates/arabic-text-invariants/src/lib.rs \
 && : > crates/arabic-text-train/src/lib.rs \
 && cargo fetch --locked \
 && cargo build --locked --release --target "${TARGET}" -p arabic-text --no-default-features --bin arabic-text \
 && xargs rm -f < /tmp/stubs \
 && rm -rf "target/${TARGET}/release/.fingerprint/arabic-text-"* \
           "target/${TARGET}/release/deps/arabic_text"* "target/${TARGET}/release/deps/libarabic_text"*

# The crate itself (sources, protos, embedded models; see .dockerignore for what is left out).
COPY . .
RUN cargo build --locked --release --target "${TARGET}" -p arabic-text --no-default-features --bin arabic-text \
 && cp "target/${TARGET}/release/arabic-text" /arabic-text \
 && /arabic-text --version

# ---------------------------------------------------------------------------------------------------------------
# runtime (default target): the runtime image around the binary built above.
FROM runtime-base AS runtime
COPY LICENSE-MIT LICENSE-APACHE /app/
COPY --from=builder /arabic-text /app/arabic-text
