//! The gRPC edge: the service and the flow of each call ([`service`]), the
//! codec that counts a request's repeated fields before decoding them
//! ([`codec`]), request validation ([`request`], proto → domain), response
//! building ([`response`], domain → proto), error mapping ([`errors`]), the
//! caller's deadline ([`deadline`]), admission (analysis permits shared
//! fairly between connections, working memory: [`admission`]), the
//! per-call observer (tracing, metrics, the request budget and idle timeout:
//! [`observe`]) and AnalyzeStream ([`stream`]).

pub mod admission;
pub mod codec;
pub mod deadline;
pub mod errors;
pub mod observe;
pub mod request;
pub mod response;
pub mod service;
pub mod stream;
