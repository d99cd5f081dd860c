//! Prometheus metrics (calls by method and code, latency, in-flight calls,
//! bytes, shed calls) and the HTTP/1.1 endpoint (hyper) serving them on
//! `/metrics`, on a port of its own so it is never exposed with the API.
//!
//! The `method` label only takes the names in [`KNOWN_METHODS`] (anything else
//! is `unknown`), and every known method × code series exists at zero from
//! start-up, so `rate()` alerts see them before the first call.

use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;

/// Every RPC the server serves, as `package.Service/Method`: the only values
/// of the `method` label besides [`UNKNOWN_METHOD`].
pub const KNOWN_METHODS: &[&str] = &[
    "arabic.text.v1.TextAnalysisService/Normalize",
    "arabic.text.v1.TextAnalysisService/Segment",
    "arabic.text.v1.TextAnalysisService/ExtractEntities",
    "arabic.text.v1.TextAnalysisService/Analyze",
    "arabic.text.v1.TextAnalysisService/AnalyzeStream",
    "grpc.health.v1.Health/Check",
    "grpc.health.v1.Health/Watch",
    "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

/// The `method` label of every path that is not a known RPC.
pub const UNKNOWN_METHOD: &str = "unknown";

/// The gRPC status code names, as `google.rpc.Code` spells them.
pub const CODE_NAMES: &[&str] = &[
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// Log lines (access lines included) the log writer dropped because its
/// output could not keep up ([`super::logwriter::MAX_BUFFERED`]). One per
/// process, as the log writer is; every [`Metrics`] registry shows it.
pub static LOG_LINES_DROPPED: LazyLock<Counter> = LazyLock::new(Counter::default);

/// The name of a gRPC status code, as [`CODE_NAMES`] spells it.
pub fn code_name(code: tonic::Code) -> &'static str {
    CODE_NAMES.get(code as usize).copied().unwrap_or("UNKNOWN")
}

/// A call's method: its index in [`KNOWN_METHODS`], or [`MethodId::UNKNOWN`]
/// for every other path. Found once per call from the request path, then
/// used to pick the call's metric series and to name it in the access log,
/// so neither hashes nor allocates label strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodId(usize);

impl MethodId {
    /// Every path that is not `/` + one of [`KNOWN_METHODS`].
    pub const UNKNOWN: Self = Self(KNOWN_METHODS.len());

    /// The method of a request path (`/package.Service/Method`).
    pub fn of_path(path: &str) -> Self {
        path.strip_prefix('/')
            .and_then(|name| KNOWN_METHODS.iter().position(|m| *m == name))
            .map_or(Self::UNKNOWN, Self)
    }

    /// The `method` label: the method when it is one of [`KNOWN_METHODS`],
    /// else [`UNKNOWN_METHOD`].
    pub fn label(self) -> &'static str {
        KNOWN_METHODS.get(self.0).copied().unwrap_or(UNKNOWN_METHOD)
    }

    /// The method's name (`package.Service/Method`) when it is a known one.
    pub fn known(self) -> Option<&'static str> {
        KNOWN_METHODS.get(self.0).copied()
    }
}

/// Labels of a finished call.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    /// The gRPC method, `package.Service/Method` (or `unknown`).
    pub method: String,
    /// The gRPC status code name, e.g. `OK`, `INVALID_ARGUMENT`.
    pub code: String,
}

/// Labels of refused connections.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RefusedLabels {
    /// Why: `limit` (the connection limit was reached) or `handshake` (no
    /// TLS handshake or HTTP/2 preface in time, or a failed handshake).
    pub reason: String,
}

/// Labels of per-method metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    /// The gRPC method, `package.Service/Method` (or `unknown`).
    pub method: String,
}

/// Constructor of latency histograms: 100 µs to ~13 s, doubling.
type HistogramFn = fn() -> Histogram;

/// One method's series of the call families, resolved from the families'
/// labels once (the counters and histograms share their values with the
/// families, which /metrics encodes).
#[derive(Debug)]
struct MethodSeries {
    /// `calls` of this method, indexed by the status code's number.
    calls: Vec<Counter>,
    /// `latency` of this method, created at its first call (as the family
    /// would: /metrics shows a method's histogram once it has been called).
    latency: OnceLock<Histogram>,
}

/// The server's metrics; shared by the call observer and the service.
#[derive(Debug)]
pub struct Metrics {
    /// The registry all metrics below are registered in.
    registry: Registry,
    /// Finished calls by method and status code.
    pub calls: Family<CallLabels, Counter>,
    /// Call latency in seconds by method, from request headers to the last
    /// response frame.
    pub latency: Family<MethodLabels, Histogram, HistogramFn>,
    /// Calls currently in flight.
    pub in_flight: Gauge,
    /// Calls shed at once because the concurrency limit (or the connection's
    /// share of it) was reached.
    pub shed: Family<MethodLabels, Counter>,
    /// Encoded request bytes received.
    pub request_bytes: Counter,
    /// Encoded response bytes sent.
    pub response_bytes: Counter,
    /// Document text bytes analysed (UTF-8).
    pub text_bytes: Counter,
    /// Client connections open (past their handshake).
    pub connections: Gauge,
    /// Client connections closed by the server before serving them, by reason.
    pub connections_refused: Family<RefusedLabels, Counter>,
    /// The series of `calls` and `latency` by [`MethodId`].
    series: Vec<MethodSeries>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("arabic_text");
        let calls = Family::<CallLabels, Counter>::default();
        let latency = Family::<MethodLabels, Histogram, HistogramFn>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0001, 2.0, 18))
        });
        let in_flight = Gauge::default();
        let shed = Family::<MethodLabels, Counter>::default();
        let request_bytes = Counter::default();
        let response_bytes = Counter::default();
        let text_bytes = Counter::default();
        let connections = Gauge::default();
        let connections_refused = Family::<RefusedLabels, Counter>::default();
        registry.register(
            "grpc_calls",
            "Finished gRPC calls by method and status code",
            calls.clone(),
        );
        registry.register(
            "grpc_call_duration_seconds",
            "gRPC call latency by method",
            latency.clone(),
        );
        registry.register(
            "grpc_calls_in_flight",
            "gRPC calls in flight",
            in_flight.clone(),
        );
        registry.register(
            "grpc_calls_shed",
            "gRPC calls rejected with RESOURCE_EXHAUSTED at the concurrency limit or the connection's share of it",
            shed.clone(),
        );
        registry.register(
            "grpc_request_bytes",
            "Encoded gRPC request bytes received",
            request_bytes.clone(),
        );
        registry.register(
            "grpc_response_bytes",
            "Encoded gRPC response bytes sent",
            response_bytes.clone(),
        );
        registry.register(
            "text_bytes",
            "Document text bytes analysed",
            text_bytes.clone(),
        );
        registry.register(
            "connections",
            "Client connections open on the gRPC port",
            connections.clone(),
        );
        registry.register(
            "connections_refused",
            "Client connections closed before being served, by reason (limit, handshake)",
            connections_refused.clone(),
        );
        for reason in ["limit", "handshake"] {
            let _ = connections_refused.get_or_create(&RefusedLabels {
                reason: reason.to_owned(),
            });
        }
        registry.register(
            "log_lines_dropped",
            "Log lines dropped because the log output could not keep up",
            LOG_LINES_DROPPED.clone(),
        );
        let mut series = Vec::with_capacity(KNOWN_METHODS.len() + 1);
        for method in KNOWN_METHODS.iter().chain(&[UNKNOWN_METHOD]) {
            let method = (*method).to_owned();
            let by_code = CODE_NAMES
                .iter()
                .map(|code| {
                    calls
                        .get_or_create(&CallLabels {
                            method: method.clone(),
                            code: (*code).to_owned(),
                        })
                        .clone()
                })
                .collect();
            series.push(MethodSeries {
                calls: by_code,
                latency: OnceLock::new(),
            });
            if method.starts_with("arabic.text.v1.") {
                let _ = shed.get_or_create(&MethodLabels { method });
            }
        }
        Self {
            registry,
            calls,
            latency,
            in_flight,
            shed,
            request_bytes,
            response_bytes,
            text_bytes,
            connections,
            connections_refused,
            series,
        }
    }

    /// Counts a finished call of `method` with `code` and its latency.
    pub fn record_call(&self, method: MethodId, code: tonic::Code, latency: Duration) {
        let Some(series) = self.series.get(method.0) else {
            return;
        };
        if let Some(calls) = series.calls.get(code as usize) {
            calls.inc();
        }
        series
            .latency
            .get_or_init(|| {
                self.latency
                    .get_or_create(&MethodLabels {
                        method: method.label().to_owned(),
                    })
                    .clone()
            })
            .observe(latency.as_secs_f64());
    }

    /// Counts a call of `method` shed at the concurrency limit (rare: the
    /// series is looked up by label).
    pub fn record_shed(&self, method: MethodId) {
        self.shed
            .get_or_create(&MethodLabels {
                method: method.label().to_owned(),
            })
            .inc();
    }

    /// Counts a connection refused for `reason` (`limit` or `handshake`).
    pub fn connection_refused(&self, reason: &'static str) {
        self.connections_refused
            .get_or_create(&RefusedLabels {
                reason: reason.to_owned(),
            })
            .inc();
    }

    /// The metrics in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// What can go wrong serving `/metrics` on one connection.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The HTTP exchange failed (bad request, connection reset).
    #[error("metrics connection: {0}")]
    Http(#[from] hyper::Error),
    /// The client sent nothing within the header timeout.
    #[error("metrics connection: no request within {0:?}")]
    Timeout(std::time::Duration),
}

/// How long a metrics client may take to send its request.
const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The response to one metrics request: the registry on `GET /metrics`, 404
/// elsewhere.
fn respond(
    metrics: &Metrics,
    request: &hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<http_body_util::Full<tonic::codegen::Bytes>> {
    let ok = request.method() == hyper::Method::GET && request.uri().path() == "/metrics";
    let (status, content_type, body) = if ok {
        (
            hyper::StatusCode::OK,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            metrics.encode(),
        )
    } else {
        (
            hyper::StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found\n".to_owned(),
        )
    };
    let mut response = hyper::Response::new(http_body_util::Full::new(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    response
}

/// Serves one HTTP/1.1 connection (keep-alive allowed) with [`respond`].
async fn serve_connection(
    stream: tokio::net::TcpStream,
    metrics: Arc<Metrics>,
) -> Result<(), MetricsError> {
    let service = hyper::service::service_fn(move |request| {
        let response = respond(&metrics, &request);
        std::future::ready(Ok::<_, std::convert::Infallible>(response))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    match tokio::time::timeout(HEADER_TIMEOUT * 12, connection).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(MetricsError::Timeout(HEADER_TIMEOUT * 12)),
    }
}

/// Serves `GET /metrics` over HTTP/1.1 (hyper) on `listener` until `shutdown`
/// resolves; every other path is 404. A connection lives at most a minute.
pub async fn serve(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let metrics = Arc::clone(&metrics);
        tokio::spawn(async move {
            if let Err(e) = serve_connection(stream, metrics).await {
                tracing::debug!(error = %e, "metrics connection ended");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_rpcs_are_method_labels() {
        let label = |path| MethodId::of_path(path).label();
        assert_eq!(
            label("/arabic.text.v1.TextAnalysisService/Analyze"),
            "arabic.text.v1.TextAnalysisService/Analyze"
        );
        assert_eq!(
            label("/arabic.text.v1.TextAnalysisService/Random123"),
            UNKNOWN_METHOD
        );
        assert_eq!(label("/wp-admin/login.php"), UNKNOWN_METHOD);
        assert_eq!(
            label("arabic.text.v1.TextAnalysisService/Analyze"),
            UNKNOWN_METHOD
        );
        assert_eq!(MethodId::of_path("/x").known(), None);
    }

    #[test]
    fn code_names_are_indexed_by_the_code_number() {
        for (i, name) in CODE_NAMES.iter().enumerate() {
            let code = tonic::Code::from_i32(i32::try_from(i).unwrap_or(-1));
            assert_eq!(code_name(code), *name);
            assert_eq!(code as usize, i);
        }
    }

    #[test]
    fn resolved_series_count_into_the_families() {
        let metrics = Metrics::new();
        let normalize = MethodId::of_path("/arabic.text.v1.TextAnalysisService/Normalize");
        let before = metrics.encode();
        assert!(!before.contains("grpc_call_duration_seconds_count"));
        metrics.record_call(normalize, tonic::Code::Ok, Duration::from_millis(1));
        metrics.record_call(normalize, tonic::Code::Ok, Duration::from_millis(1));
        metrics.record_call(
            MethodId::UNKNOWN,
            tonic::Code::Unimplemented,
            Duration::ZERO,
        );
        metrics.record_shed(normalize);
        let text = metrics.encode();
        for series in [
            "arabic_text_grpc_calls_total{method=\"arabic.text.v1.TextAnalysisService/Normalize\",code=\"OK\"} 2",
            "arabic_text_grpc_calls_total{method=\"unknown\",code=\"UNIMPLEMENTED\"} 1",
            "arabic_text_grpc_call_duration_seconds_count{method=\"arabic.text.v1.TextAnalysisService/Normalize\"} 2",
            "arabic_text_grpc_call_duration_seconds_count{method=\"unknown\"} 1",
            "arabic_text_grpc_calls_shed_total{method=\"arabic.text.v1.TextAnalysisService/Normalize\"} 1",
        ] {
            assert!(text.contains(series), "missing {series} in\n{text}");
        }
        assert!(text.contains("\narabic_text_log_lines_dropped_total "));
    }

    #[test]
    fn call_and_shed_series_exist_at_zero_from_the_start() {
        let text = Metrics::new().encode();
        for method in KNOWN_METHODS {
            for code in [
                "OK",
                "INVALID_ARGUMENT",
                "RESOURCE_EXHAUSTED",
                "UNAVAILABLE",
            ] {
                let series = format!(
                    "arabic_text_grpc_calls_total{{method=\"{method}\",code=\"{code}\"}} 0"
                );
                assert!(text.contains(&series), "missing {series}");
            }
        }
        assert!(text.contains(
            "arabic_text_grpc_calls_shed_total{method=\"arabic.text.v1.TextAnalysisService/Analyze\"} 0"
        ));
    }
}
