//! Prometheus metrics (calls by method and code, latency, in-flight calls,
//! bytes, shed calls) and the tiny HTTP responder serving them on `/metrics`,
//! on a port of its own so it is never exposed with the API.

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// Labels of a finished call.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    /// The gRPC method, `package.Service/Method` (or `unknown`).
    pub method: String,
    /// The gRPC status code name, e.g. `OK`, `INVALID_ARGUMENT`.
    pub code: String,
}

/// Labels of per-method metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MethodLabels {
    /// The gRPC method, `package.Service/Method` (or `unknown`).
    pub method: String,
}

/// Constructor of latency histograms: 100 µs to ~13 s, doubling.
type HistogramFn = fn() -> Histogram;

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
    /// Calls shed at once because the concurrency limit was reached.
    pub shed: Family<MethodLabels, Counter>,
    /// Encoded request bytes received.
    pub request_bytes: Counter,
    /// Encoded response bytes sent.
    pub response_bytes: Counter,
    /// Document text bytes analysed (UTF-8).
    pub text_bytes: Counter,
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
            "gRPC calls rejected with RESOURCE_EXHAUSTED at the concurrency limit",
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
        Self {
            registry,
            calls,
            latency,
            in_flight,
            shed,
            request_bytes,
            response_bytes,
            text_bytes,
        }
    }

    /// The metrics in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// Serves `GET /metrics` on `listener` until `shutdown` resolves. Each
/// connection gets one response and is closed (what Prometheus needs).
pub async fn serve(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let (mut stream, _) = tokio::select! {
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
            let mut buf = vec![0u8; 4096];
            let mut len = 0;
            // Read the request head (bounded; a slow client is dropped).
            let read = tokio::time::timeout(std::time::Duration::from_secs(5), async {
                while len < buf.len() {
                    match stream.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => len += n,
                    }
                    if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            })
            .await;
            if read.is_err() {
                return;
            }
            let head = String::from_utf8_lossy(&buf[..len]);
            let mut parts = head.split_whitespace();
            let (method, path) = (parts.next(), parts.next());
            let response = match (method, path) {
                (Some("GET"), Some(p)) if p == "/metrics" || p.starts_with("/metrics?") => {
                    let body = metrics.encode();
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                }
                _ => "HTTP/1.1 404 Not Found\r\ncontent-length: 10\r\nconnection: close\r\n\r\nnot found\n"
                    .to_owned(),
            };
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}
