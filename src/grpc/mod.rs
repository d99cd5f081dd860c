//! The gRPC edge: the service implementation, the proto ↔ domain conversion,
//! error mapping and the per-call observer (tracing, metrics, load shedding).

pub mod convert;
pub mod errors;
pub mod observe;
pub mod service;
