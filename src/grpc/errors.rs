//! Mapping of validation failures and internal errors to gRPC statuses with
//! `google.rpc` error details (tonic-types), so callers can act on them.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt as _};

use super::request::Violations;
use super::response::InvalidSpan;

/// Most field violations sent back: the rest are summed up as "and N more",
/// so `grpc-message` plus `grpc-status-details-bin` stay under ~4 KiB (grpcio
/// clients reject 8 KiB of trailers, Java sooner).
pub const MAX_VIOLATIONS: usize = 10;

/// Longest field path sent back (bytes).
const MAX_FIELD_BYTES: usize = 80;

/// Longest violation description sent back (bytes).
const MAX_DESCRIPTION_BYTES: usize = 120;

/// Longest `grpc-message` (bytes, before percent-encoding).
const MAX_MESSAGE_BYTES: usize = 512;

/// `text` cut to at most `max` bytes on a char boundary, marked with `…`.
pub fn truncate(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return text.into();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end]).into()
}

/// INVALID_ARGUMENT with a `google.rpc.BadRequest` listing the first
/// [`MAX_VIOLATIONS`] field violations (each cut to a bounded length) and,
/// when there are more, one last entry saying how many were left out.
pub fn invalid_argument(violations: &Violations) -> Status {
    let mut details = ErrorDetails::new();
    let mut message = String::from("invalid request: ");
    for (i, v) in violations.0.iter().take(MAX_VIOLATIONS).enumerate() {
        let field = truncate(&v.field, MAX_FIELD_BYTES);
        let description = truncate(&v.description, MAX_DESCRIPTION_BYTES);
        if i > 0 {
            message.push_str("; ");
        }
        message.push_str(&format!("{field}: {description}"));
        details.add_bad_request_violation(field, description);
    }
    let left_out = violations.0.len().saturating_sub(MAX_VIOLATIONS);
    let mut message = truncate(&message, MAX_MESSAGE_BYTES - 40).into_owned();
    if left_out > 0 {
        let more = format!("and {left_out} more violations");
        message.push_str(&format!("; {more}"));
        details.add_bad_request_violation("", more);
    }
    Status::with_error_details(Code::InvalidArgument, message, details)
}

/// Messages of the statuses tonic gives (as INTERNAL) to a request it could
/// not decode: all the caller's fault.
const UNDECODABLE: &[&str] = &[
    "failed to decode Protobuf message",
    "compressed-flag but no grpc-encoding",
    "invalid compression flag",
    "Error decompressing",
    "Missing request message",
    "Unexpected EOF decoding stream",
];

/// The code a status tonic produced for what a caller sent should have:
/// RESOURCE_EXHAUSTED for an over-size message (tonic: OUT_OF_RANGE),
/// INVALID_ARGUMENT for an undecodable one (tonic: INTERNAL); `None` when the
/// status is not about the caller's message.
pub fn caller_fault(code: Code, message: &str) -> Option<Code> {
    match code {
        Code::OutOfRange if message.contains("message length too large") => {
            Some(Code::ResourceExhausted)
        }
        Code::Internal if UNDECODABLE.iter().any(|m| message.contains(m)) => {
            Some(Code::InvalidArgument)
        }
        _ => None,
    }
}

/// A status from reading a stream's items, with the code a unary call would
/// get for the same item (see [`caller_fault`]).
pub fn stream_read_error(status: Status) -> Status {
    match caller_fault(status.code(), status.message()) {
        Some(code) => Status::new(code, status.message().to_owned()),
        None => status,
    }
}

/// RESOURCE_EXHAUSTED for a response over the per-call limit (not retryable:
/// ask for less).
pub fn response_too_large(size: usize, limit: usize) -> Status {
    Status::resource_exhausted(format!(
        "the response would be {size} bytes; at most {limit} are sent: ask for less \
         (include_tokens = false, include_segments = false) or send a shorter text"
    ))
}

/// RESOURCE_EXHAUSTED with RetryInfo when responses waiting to be read hold
/// the whole response-memory budget (retryable with backoff).
pub fn response_budget_exhausted(size: usize) -> Status {
    let mut details = ErrorDetails::new();
    details.set_retry_info(Some(std::time::Duration::from_millis(200)));
    Status::with_error_details(
        Code::ResourceExhausted,
        format!(
            "responses not yet read by their callers hold the server's response memory; \
             this {size}-byte response cannot be sent now; retry with backoff"
        ),
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

/// RESOURCE_EXHAUSTED with RetryInfo for a call shed because its connection
/// already holds its share of the analysis permits: spread calls over more
/// connections (or replicas) rather than retry at once.
pub fn connection_share(share: usize, limit: usize) -> Status {
    let mut details = ErrorDetails::new();
    details.set_retry_info(Some(std::time::Duration::from_millis(50)));
    Status::with_error_details(
        Code::ResourceExhausted,
        format!(
            "this connection holds its share of the server's capacity ({share} of {limit} \
             calls in flight); retry with backoff or spread calls over more connections"
        ),
        details,
    )
}

/// RESOURCE_EXHAUSTED when a text's estimated working memory is over the
/// server's whole budget: never admitted, so no RetryInfo.
pub fn working_memory_too_large(estimate: usize, budget: usize) -> Status {
    let mib = |b: usize| b.div_ceil(1 << 20);
    Status::resource_exhausted(format!(
        "analysing this text would take about {} MiB of working memory; the server admits \
         at most {} MiB at once: send a shorter text (runs of punctuation and presentation \
         forms such as U+FDFD cost the most)",
        mib(estimate),
        mib(budget)
    ))
}

/// RESOURCE_EXHAUSTED with RetryInfo when request messages still being
/// received hold the server's request memory (or this connection's share).
pub fn request_budget_exhausted(share_kib: Option<usize>) -> Status {
    let mut details = ErrorDetails::new();
    details.set_retry_info(Some(std::time::Duration::from_millis(200)));
    let message = match share_kib {
        Some(kib) => format!(
            "this connection's requests being received hold its share of the server's \
             request memory ({kib} KiB); retry with backoff"
        ),
        None => "requests being received hold the server's request memory; retry with backoff"
            .to_owned(),
    };
    Status::with_error_details(Code::ResourceExhausted, message, details)
}

/// DEADLINE_EXCEEDED for a call whose request sent nothing for the idle
/// timeout: a body that never finishes, or a stream that sends no item.
pub fn request_idle(timeout: std::time::Duration) -> Status {
    Status::deadline_exceeded(format!(
        "the request sent no data for {} s (the server's request idle timeout); \
         a stream must send its next item, or half-close, within it",
        timeout.as_secs_f64()
    ))
}

/// UNAVAILABLE while the models are still loading (readiness is NOT_SERVING).
pub fn not_ready() -> Status {
    Status::unavailable("the models are still loading; retry shortly")
}

/// DEADLINE_EXCEEDED when the caller's deadline passed before the work started.
pub fn deadline_exceeded() -> Status {
    Status::deadline_exceeded("the deadline passed before the analysis started")
}

/// The message of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(non-string panic payload)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_are_capped_and_values_truncated() {
        let mut v = Violations::default();
        for i in 0..100 {
            v.add(format!("options.gazetteer[{i}].phrase"), "x".repeat(5000));
        }
        let status = invalid_argument(&v);
        assert!(status.message().len() <= MAX_MESSAGE_BYTES);
        assert!(
            status.message().contains("and 90 more"),
            "{}",
            status.message()
        );
        assert!(status.details().len() < 2300, "{}", status.details().len());
        assert_eq!(truncate("ببب", 4), "…");
        assert_eq!(truncate("abc", 3), "abc");
    }

    #[test]
    fn decode_failures_are_the_callers_fault() {
        assert_eq!(
            caller_fault(Code::Internal, "failed to decode Protobuf message: x"),
            Some(Code::InvalidArgument)
        );
        assert_eq!(
            caller_fault(Code::OutOfRange, "decoded message length too large"),
            Some(Code::ResourceExhausted)
        );
        assert_eq!(caller_fault(Code::Internal, "analyzer bug"), None);
    }
}
