//! A tower layer around every gRPC call: one access-log line per call
//! (method, request and response bytes, latency, status code), handed to the
//! log writer unformatted ([`crate::server::access`]), the call metrics
//! (series resolved once per method, [`MethodId`]), the caller's deadline
//! (answered DEADLINE_EXCEEDED), and what a request body may hold while it
//! arrives: the request-memory budget (bytes of messages not yet complete,
//! shared fairly between connections) and the idle timeout (a body that
//! sends nothing for that long ends).
//!
//! It sits outside tonic's routing so it sees every call, including the ones
//! tonic answers itself (decode errors, message too large, unknown methods).
//! The analysis permits are taken later, when a call's request is complete
//! ([`super::admission`]).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Sleep;
use tonic::body::Body;
use tonic::codegen::Bytes;
use tower::{Layer, Service};

use super::admission::{FairPool, Refusal, Share};
use super::deadline::parse_grpc_timeout;
use super::errors;
use crate::server::access::{self, AccessEntry, AccessLog, Verdict};
use crate::server::config::OkLines;
use crate::server::conn::{ConnInfo, ConnLoad};
use crate::server::logwriter;
use crate::server::metrics::{MethodId, Metrics};

/// Largest data frame handed to HTTP/2 at once: hyper asks for the next one
/// only when the peer's flow-control window has room, so a response that is
/// not being read stays here (with its budget permit) instead of in h2's
/// send buffer.
const MAX_DATA_FRAME: usize = 64 * 1024;

/// Response-memory budget held by a response until its last byte is handed
/// to HTTP/2; the service puts it in the response's extensions and the
/// observer keeps it with the body.
#[derive(Clone, Debug)]
pub struct HeldResponse(pub Arc<OwnedSemaphorePermit>);

/// What a request body may hold while it arrives.
#[derive(Clone, Debug)]
pub struct BodyLimits {
    /// KiB of request messages not yet complete, shared by every call (each
    /// connection up to its share); `None`: no budget.
    pub budget: Option<Arc<FairPool>>,
    /// A body that sends nothing for this long ends with DEADLINE_EXCEEDED;
    /// zero: never.
    pub idle_timeout: Duration,
}

/// Shared state of the layer.
#[derive(Debug)]
struct Shared {
    /// Where call metrics go.
    metrics: Arc<Metrics>,
    /// The request-memory budget and the idle timeout.
    limits: BodyLimits,
    /// Which calls get an access-log line.
    access: AccessLog,
}

/// Builds [`Observe`] services.
#[derive(Clone, Debug)]
pub struct ObserveLayer {
    /// State shared by every connection's service.
    shared: Arc<Shared>,
}

impl ObserveLayer {
    /// A layer reporting to `metrics` whose request bodies are held to
    /// `limits` and which logs the successful calls `ok_lines` says.
    pub fn new(metrics: Arc<Metrics>, limits: BodyLimits, ok_lines: OkLines) -> Self {
        Self {
            shared: Arc::new(Shared {
                metrics,
                limits,
                access: AccessLog::new(ok_lines),
            }),
        }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Observe {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service built by [`ObserveLayer`].
#[derive(Clone, Debug)]
pub struct Observe<S> {
    /// The wrapped service (tonic's router).
    inner: S,
    /// Shared state.
    shared: Arc<Shared>,
}

/// The `grpc-status` header, named once (a `&str` name is parsed at every
/// lookup).
static GRPC_STATUS: http::HeaderName = http::HeaderName::from_static("grpc-status");

/// The `grpc-timeout` header.
static GRPC_TIMEOUT: http::HeaderName = http::HeaderName::from_static("grpc-timeout");

/// The grpc-status of a header map, if present.
fn grpc_status(headers: &http::HeaderMap) -> Option<i32> {
    headers
        .get(&GRPC_STATUS)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Decodes the percent-encoding of a `grpc-message` value.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Rewrites the status tonic gives to what a caller sent: an over-size
/// message is RESOURCE_EXHAUSTED (tonic: OUT_OF_RANGE), an undecodable one
/// INVALID_ARGUMENT (tonic: INTERNAL), and a call whose client cancelled or
/// whose connection closed before its body arrived CANCELLED (tonic:
/// INTERNAL "Missing request message", or UNKNOWN with the HTTP/2 error).
/// See [`super::errors::caller_fault`].
fn fix_caller_errors(headers: &mut http::HeaderMap, cancelled: bool) {
    let Some(code) = grpc_status(headers) else {
        return;
    };
    if cancelled && code != tonic::Code::Ok as i32 {
        headers.insert(
            "grpc-status",
            http::HeaderValue::from(tonic::Code::Cancelled as i32),
        );
        return;
    }
    let message = headers
        .get("grpc-message")
        .and_then(|m| m.to_str().ok())
        .map(percent_decode)
        .unwrap_or_default();
    let fixed = super::errors::caller_fault(tonic::Code::from_i32(code), &message);
    if let Some(fixed) = fixed {
        headers.insert("grpc-status", http::HeaderValue::from(fixed as i32));
    }
}

/// Everything known about one call; logged and counted exactly once, on drop
/// (response finished, failed, or abandoned by the client).
#[derive(Debug)]
struct CallRecord {
    /// Where the numbers and the log line go.
    shared: Arc<Shared>,
    /// The method, found once from the request path.
    method: MethodId,
    /// The request path when it is not a known method (for the log line).
    other_path: Option<Box<str>>,
    /// When the request headers arrived.
    start: Instant,
    /// The caller's deadline, if any.
    timeout: Option<Duration>,
    /// Request bytes, counted by the request body wrapper.
    request_bytes: Arc<AtomicU64>,
    /// Whether the client cancelled before its request body ended.
    cancelled: Arc<AtomicBool>,
    /// Response bytes sent so far.
    response_bytes: u64,
    /// The status code once known.
    code: Option<i32>,
}

impl CallRecord {
    /// Starts recording a call to `path`.
    fn new(shared: Arc<Shared>, path: &str, timeout: Option<Duration>) -> Self {
        shared.metrics.in_flight.inc();
        let method = MethodId::of_path(path);
        Self {
            shared,
            method,
            other_path: method.known().is_none().then(|| path.into()),
            start: Instant::now(),
            timeout,
            request_bytes: Arc::new(AtomicU64::new(0)),
            cancelled: Arc::new(AtomicBool::new(false)),
            response_bytes: 0,
            code: None,
        }
    }
}

impl Drop for CallRecord {
    fn drop(&mut self) {
        let end = Instant::now();
        let latency = end.saturating_duration_since(self.start);
        let code = self.code.unwrap_or_else(|| {
            // No status was sent: the deadline fired (tonic answers it outside
            // this layer) or the client went away.
            if self.timeout.is_some_and(|t| latency >= t) {
                tonic::Code::DeadlineExceeded as i32
            } else {
                tonic::Code::Cancelled as i32
            }
        });
        let code = tonic::Code::from_i32(code);
        let request_bytes = self.request_bytes.load(Ordering::Relaxed);
        let metrics = &self.shared.metrics;
        metrics.in_flight.dec();
        metrics.request_bytes.inc_by(request_bytes);
        metrics.response_bytes.inc_by(self.response_bytes);
        metrics.record_call(self.method, code, latency);
        if !access::enabled() {
            return;
        }
        let Verdict::Log { skipped } = self.shared.access.admit(code == tonic::Code::Ok, end)
        else {
            return;
        };
        let entry = AccessEntry {
            time: SystemTime::now(),
            method: self.method,
            other_path: self.other_path.take(),
            code,
            latency_us: u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
            request_bytes,
            response_bytes: self.response_bytes,
            skipped,
        };
        // Formatted by the log writer's thread; a `tracing` event where the
        // server's log writer is not installed.
        if let Err(entry) = logwriter::push_access(entry) {
            entry.emit_event();
        }
    }
}

/// Where a request body is in the gRPC framing (a 5-byte prefix, flag and
/// length, then the message), so the request budget is held only for a
/// message still arriving.
#[derive(Debug, Default)]
struct Framing {
    /// Prefix bytes seen of the current message (0..5).
    prefix_len: usize,
    /// The prefix so far.
    prefix: [u8; 5],
    /// Message bytes still to come once the prefix is complete.
    remaining: usize,
}

impl Framing {
    /// Follows `data` through the framing.
    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.remaining > 0 {
                let n = self.remaining.min(data.len());
                self.remaining -= n;
                data = &data[n..];
                continue;
            }
            let n = (5 - self.prefix_len).min(data.len());
            self.prefix[self.prefix_len..self.prefix_len + n].copy_from_slice(&data[..n]);
            self.prefix_len += n;
            data = &data[n..];
            if self.prefix_len == 5 {
                let [_, a, b, c, d] = self.prefix;
                self.remaining = u32::from_be_bytes([a, b, c, d]) as usize;
                self.prefix_len = 0;
            }
        }
    }

    /// Whether the bytes so far end exactly at a message's end.
    fn at_boundary(&self) -> bool {
        self.prefix_len == 0 && self.remaining == 0
    }
}

/// A request body that counts its bytes, holds the request budget for a
/// message still arriving, and ends when it sends nothing for the idle
/// timeout.
struct CountedRequest {
    /// The real body.
    inner: Body,
    /// Where the count goes.
    bytes: Arc<AtomicU64>,
    /// Set when the client reset the stream before its body ended.
    cancelled: Arc<AtomicBool>,
    /// Where the body is in the gRPC framing.
    framing: Framing,
    /// Bytes received of the messages not yet complete.
    partial: usize,
    /// The request budget held for them (KiB); `None`: no budget.
    held: Option<Share>,
    /// The idle timeout (zero: none).
    idle_timeout: Duration,
    /// When the last data arrived (or the call started).
    last_data: tokio::time::Instant,
    /// The idle timer, made the first time the body waits.
    idle: Option<Pin<Box<Sleep>>>,
    /// Set once this wrapper ended the body with an error of its own.
    failed: bool,
}

impl CountedRequest {
    /// Counts a data frame against the budget; the error ends the body.
    fn hold(&mut self, data: &[u8]) -> Result<(), tonic::Status> {
        self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        self.last_data = tokio::time::Instant::now();
        self.framing.feed(data);
        let Some(held) = &mut self.held else {
            return Ok(());
        };
        if self.framing.at_boundary() {
            self.partial = 0;
            held.release();
            return Ok(());
        }
        self.partial += data.len();
        let kib = self.partial.div_ceil(1024);
        match held.grow(kib.saturating_sub(held.units())) {
            Ok(()) => Ok(()),
            Err(Refusal::Full) => Err(errors::request_budget_exhausted(None)),
            Err(Refusal::OverShare(share)) => Err(errors::request_budget_exhausted(Some(share))),
        }
    }

    /// Whether the idle timer has fired (registering the waker if not).
    fn idle_expired(&mut self, cx: &mut Context<'_>) -> bool {
        if self.idle_timeout.is_zero() {
            return false;
        }
        let at = self.last_data + self.idle_timeout;
        let sleep = self
            .idle
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
        if sleep.deadline() != at {
            sleep.as_mut().reset(at);
        }
        sleep.as_mut().poll(cx).is_ready()
    }
}

impl HttpBody for CountedRequest {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        if this.failed {
            return Poll::Ready(None);
        }
        let poll = Pin::new(&mut this.inner).poll_frame(cx);
        match &poll {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref()
                    && let Err(status) = this.hold(data)
                {
                    this.failed = true;
                    return Poll::Ready(Some(Err(status)));
                }
            }
            // The client reset the stream or its connection went away: no
            // status reaches it, and the call is counted CANCELLED.
            Poll::Ready(Some(Err(_))) => {
                this.cancelled.store(true, Ordering::Relaxed);
            }
            Poll::Ready(None) => {
                if let Some(held) = &mut this.held {
                    held.release();
                }
            }
            Poll::Pending => {
                if this.idle_expired(cx) {
                    this.failed = true;
                    if let Some(held) = &mut this.held {
                        held.release();
                    }
                    return Poll::Ready(Some(Err(errors::request_idle(this.idle_timeout))));
                }
            }
        }
        poll
    }

    fn is_end_stream(&self) -> bool {
        self.failed || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body that records the call when it ends and hands its data to
/// HTTP/2 in frames of at most [`MAX_DATA_FRAME`] bytes.
struct ObservedResponse {
    /// The real body.
    inner: Body,
    /// The call; dropped (logged) with the body.
    record: CallRecord,
    /// Data of the current message not yet handed over.
    rest: Bytes,
    /// The response's memory budget, released with the body.
    _held: Option<HeldResponse>,
}

impl ObservedResponse {
    /// The next data frame of at most [`MAX_DATA_FRAME`] bytes from `rest`.
    fn next_chunk(&mut self) -> Frame<Bytes> {
        let n = self.rest.len().min(MAX_DATA_FRAME);
        let chunk = self.rest.split_to(n);
        self.record.response_bytes += n as u64;
        Frame::data(chunk)
    }
}

impl HttpBody for ObservedResponse {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        if !this.rest.is_empty() {
            return Poll::Ready(Some(Ok(this.next_chunk())));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) => {
                    this.rest = data;
                    Poll::Ready(Some(Ok(this.next_chunk())))
                }
                Err(frame) => {
                    if let Some(trailers) = frame.trailers_ref() {
                        this.record.code = grpc_status(trailers).or(this.record.code);
                    }
                    Poll::Ready(Some(Ok(frame)))
                }
            },
            Poll::Ready(Some(Err(status))) => {
                this.record.code = Some(status.code() as i32);
                Poll::Ready(Some(Err(status)))
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let mut hint = self.inner.size_hint();
        let rest = self.rest.len() as u64;
        hint.set_lower(hint.lower().saturating_add(rest));
        if let Some(upper) = hint.upper() {
            hint.set_upper(upper.saturating_add(rest));
        }
        hint
    }
}

impl<S> Service<http::Request<Body>> for Observe<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let path = req.uri().path();
        let timeout = req
            .headers()
            .get(&GRPC_TIMEOUT)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        let shared = &self.shared;
        let mut record = CallRecord::new(Arc::clone(shared), path, timeout);
        let held = shared.limits.budget.as_ref().map(|budget| {
            let conn = req
                .extensions()
                .get::<ConnInfo>()
                .map_or_else(ConnLoad::detached, |c| Arc::clone(&c.load));
            budget.share_for(conn)
        });
        let req = req.map(|inner| {
            Body::new(CountedRequest {
                inner,
                bytes: Arc::clone(&record.request_bytes),
                cancelled: Arc::clone(&record.cancelled),
                framing: Framing::default(),
                partial: 0,
                held,
                idle_timeout: shared.limits.idle_timeout,
                last_data: tokio::time::Instant::now(),
                idle: None,
                failed: false,
            })
        });
        // The clone is ready only if polled; swap so the ready one is used.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let call = inner.call(req);
        // The caller's deadline, enforced here so that it is answered
        // DEADLINE_EXCEEDED. tonic's own grpc-timeout (outside this layer)
        // answers CANCELLED "Timeout expired"; this timer starts before it,
        // so it fires first (and in the same timer tick at the latest).
        let expiry = timeout.map(tokio::time::sleep);
        Box::pin(async move {
            let outcome = match expiry {
                None => Some(call.await),
                Some(expiry) => tokio::select! {
                    biased;
                    result = call => Some(result),
                    () = expiry => None,
                },
            };
            let Some(result) = outcome else {
                let status = tonic::Status::deadline_exceeded(
                    "the deadline passed before the call finished",
                );
                record.code = Some(status.code() as i32);
                return Ok(status.into_http::<Body>().map(|inner| {
                    Body::new(ObservedResponse {
                        inner,
                        record,
                        rest: Bytes::new(),
                        _held: None,
                    })
                }));
            };
            let mut response = result?;
            let cancelled = record.cancelled.load(Ordering::Relaxed);
            fix_caller_errors(response.headers_mut(), cancelled);
            record.code = grpc_status(response.headers());
            let held = response.extensions_mut().remove::<HeldResponse>();
            Ok(response.map(|inner| {
                Body::new(ObservedResponse {
                    inner,
                    record,
                    rest: Bytes::new(),
                    _held: held,
                })
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_size_messages_are_reported_as_resource_exhausted() {
        let mut headers = http::HeaderMap::new();
        headers.insert("grpc-status", http::HeaderValue::from(11));
        headers.insert(
            "grpc-message",
            http::HeaderValue::from_static(
                "Error, decoded message length too large: found 9 bytes, the limit is: 4 bytes",
            ),
        );
        fix_caller_errors(&mut headers, false);
        assert_eq!(grpc_status(&headers), Some(8));
        let mut headers = http::HeaderMap::new();
        headers.insert("grpc-status", http::HeaderValue::from(13));
        headers.insert(
            "grpc-message",
            http::HeaderValue::from_static("failed%20to%20decode%20Protobuf%20message"),
        );
        fix_caller_errors(&mut headers, false);
        assert_eq!(grpc_status(&headers), Some(3));
        assert_eq!(percent_decode("a%20b%ZZ%"), "a b%ZZ%");
    }

    #[test]
    fn framing_finds_message_ends_across_frames() {
        let mut f = Framing::default();
        f.feed(&[0, 0, 0]);
        assert!(!f.at_boundary());
        f.feed(&[0, 3, b'a']);
        assert!(!f.at_boundary());
        f.feed(b"bc");
        assert!(f.at_boundary());
        // Two messages (one empty) and the start of a third in one frame.
        f.feed(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, b'x', 0, 0]);
        assert!(!f.at_boundary());
        f.feed(&[0, 0, 0]);
        assert!(f.at_boundary());
    }
}
