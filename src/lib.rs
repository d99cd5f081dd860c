//! The Arabic text-analysis service: the gRPC server ([`server`]), its
//! request/response layer ([`grpc`]) and the command-line tool ([`cli`]).
//! The text processing itself lives in the `arabic_text_core` crate; model
//! training and evaluation in `arabic_text_train` (the `train` feature).

pub mod cli;
pub mod grpc;
pub mod server;

/// Generated protobuf and tonic code, fenced off from hand-written code.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated {
    pub mod arabic_text_v1 {
        tonic::include_proto!("arabic.text.v1");
        include!(concat!(env!("OUT_DIR"), "/arabic.text.v1.serde.rs"));

        /// Encoded file descriptor set of the API, for server reflection.
        pub const FILE_DESCRIPTOR_SET: &[u8] =
            include_bytes!(concat!(env!("OUT_DIR"), "/arabic_text_v1_descriptor.bin"));
    }
}

/// The API's protobuf messages, client and server (package `arabic.text.v1`).
pub use generated::arabic_text_v1 as pb;
