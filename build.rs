//! Compiles the API protos with `protox` (pure Rust, no system `protoc`) and
//! generates the tonic client and server with `tonic-prost-build`. The encoded
//! file descriptor set is written to `OUT_DIR` for server reflection, and
//! `pbjson-build` generates the proto3 JSON mapping (serde) the CLI prints.
//! Well-known types (`google.protobuf.Timestamp`) come from `pbjson-types`,
//! which carries their JSON mapping too (a Timestamp is an RFC 3339 string).

use std::{env, fs, path::PathBuf};

use prost::Message as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = ["proto/arabic/text/v1/text_analysis.proto"];
    let fds = protox::compile(protos, ["proto"])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let descriptor_bytes = fds.encode_to_vec();
    fs::write(
        out_dir.join("arabic_text_v1_descriptor.bin"),
        &descriptor_bytes,
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_well_known_types(true)
        .extern_path(".google.protobuf", "::pbjson_types")
        // prost decoding behind a wire-format check (src/grpc/codec.rs).
        .codec_path("crate::grpc::codec::CheckedCodec")
        .compile_fds(fds)?;
    pbjson_build::Builder::new()
        .register_descriptors(&descriptor_bytes)?
        .out_dir(&out_dir)
        .build(&[".arabic.text.v1"])?;
    println!("cargo:rerun-if-changed=proto");
    Ok(())
}
