//! The API's protobuf messages, client and server (package `arabic.text.v1`):
//! generated code, fenced off from hand-written code.

#![allow(clippy::all, clippy::pedantic, missing_docs)]

tonic::include_proto!("arabic.text.v1");
include!(concat!(env!("OUT_DIR"), "/arabic.text.v1.serde.rs"));

/// Encoded file descriptor set of the API, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/arabic_text_v1_descriptor.bin"));
