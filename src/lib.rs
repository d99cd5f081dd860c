//! The Arabic text-analysis service: the gRPC server ([`server`]), its
//! request/response layer ([`grpc`]) and the command-line tool ([`cli`]).
//! The text processing itself lives in the `arabic_text_core` crate; model
//! training and evaluation in `arabic_text_train` (the `train` feature).

pub mod cli;
pub mod grpc;
pub mod pb;
pub mod server;
