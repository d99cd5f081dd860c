//! Mapping of validation failures and internal errors to gRPC statuses with
//! `google.rpc` error details (tonic-types), so callers can act on them.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt as _};

use super::request::Violations;
use super::response::InvalidSpan;

/// INVALID_ARGUMENT with a `google.rpc.BadRequest` listing every field violation.
pub fn invalid_argument(violations: &Violations) -> Status {
    let mut details = ErrorDetails::new();
    for v in &violations.0 {
        details.add_bad_request_violation(v.field.clone(), v.description.clone());
    }
    Status::with_error_details(
        Code::InvalidArgument,
        format!("invalid request: {violations}"),
        details,
    )
}

/// INTERNAL for a bug in the analyzer (an invalid span): logged, since no
/// caller input should ever cause it.
pub fn internal_span(err: &InvalidSpan) -> Status {
    tracing::error!(error = %err, "analyzer produced an invalid span");
    Status::internal("internal error while building the response")
}

/// INTERNAL for a panic inside an analysis task (a bug): logged with its message.
pub fn internal_panic(message: &str) -> Status {
    tracing::error!(panic = message, "analysis task panicked");
    Status::internal("internal error while analysing the text")
}

/// RESOURCE_EXHAUSTED for a call shed because the server is at capacity.
pub fn overloaded(limit: usize) -> Status {
    let mut details = ErrorDetails::new();
    details.set_retry_info(Some(std::time::Duration::from_millis(50)));
    Status::with_error_details(
        Code::ResourceExhausted,
        format!("server at capacity ({limit} calls in flight); retry with backoff"),
        details,
    )
}

/// UNAVAILABLE while the models are still loading (readiness is NOT_SERVING).
pub fn not_ready() -> Status {
    Status::unavailable("the models are still loading; retry shortly")
}

/// DEADLINE_EXCEEDED when the caller's deadline passed before the work started.
pub fn deadline_exceeded() -> Status {
    Status::deadline_exceeded("the deadline passed before the analysis started")
}
