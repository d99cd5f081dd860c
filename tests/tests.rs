//! The service's integration tests: the real server on 127.0.0.1:0 and the
//! binary's local commands, one module per subject, in one test binary.

mod cli_local;
mod common;
mod config_docs;
mod server_api;
mod server_drain;
mod server_gazetteer;
mod server_hostile;
mod server_limits;
mod server_pathological;
mod server_tls;
