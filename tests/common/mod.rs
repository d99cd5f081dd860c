//! Starts the real server on 127.0.0.1:0 with an injected shutdown signal.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use arabic_text::pb;
use arabic_text::pb::text_analysis_service_client::TextAnalysisServiceClient;
use arabic_text::server::config::{Config, ConfigDuration, OptionalAddr};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tonic::transport::{Channel, ClientTlsConfig};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_types::StatusExt as _;

/// A running server.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Where `/metrics` listens.
    pub metrics_addr: SocketAddr,
    /// Fires the shutdown signal.
    pub shutdown: Option<oneshot::Sender<()>>,
    /// The server task; `run`'s result.
    pub task: JoinHandle<anyhow::Result<()>>,
    /// How clients connect when the server speaks TLS.
    pub client_tls: Option<ClientTlsConfig>,
}

/// A configuration for tests: loopback, metrics off, short drain.
pub fn test_config() -> Config {
    Config {
        listen: "127.0.0.1:0".parse().expect("valid address"),
        metrics_listen: OptionalAddr(None),
        drain_timeout: ConfigDuration(Duration::from_secs(5)),
        ..Config::default()
    }
}

impl TestServer {
    /// Starts a server with `config` and waits until it is ready.
    pub async fn start(config: Config) -> Self {
        Self::start_with(config, None).await
    }

    /// Starts a server with `config` and connects a client to it: what most
    /// tests begin with.
    pub async fn start_client(config: Config) -> (Self, Client) {
        let server = Self::start(config).await;
        let client = server.client().await;
        (server, client)
    }

    /// Starts a server with `config` whose clients connect with `client_tls`
    /// (TLS when set), and waits until it is ready.
    pub async fn start_with(config: Config, client_tls: Option<ClientTlsConfig>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let metrics = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let metrics_addr = metrics.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(arabic_text::server::run_with_metrics(
            listener,
            Some(metrics),
            config,
            async move {
                let _ = rx.await;
            },
        ));
        let server = Self {
            addr,
            metrics_addr,
            shutdown: Some(tx),
            task,
            client_tls,
        };
        server.wait_ready().await;
        server
    }

    /// A client of the analysis service.
    pub async fn client(&self) -> Client {
        TextAnalysisServiceClient::new(self.channel().await.expect("connect"))
    }

    /// A health client.
    pub async fn health(&self) -> HealthClient<Channel> {
        HealthClient::new(self.channel().await.expect("connect"))
    }

    /// A new connection to the server (TLS when the server speaks it).
    pub async fn channel(&self) -> Result<Channel, tonic::transport::Error> {
        self.channel_with(self.client_tls.clone()).await
    }

    /// A new connection to the server with `tls` (plaintext when `None`).
    pub async fn channel_with(
        &self,
        tls: Option<ClientTlsConfig>,
    ) -> Result<Channel, tonic::transport::Error> {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let mut endpoint =
            Channel::from_shared(format!("{scheme}://{}", self.addr)).expect("valid uri");
        if let Some(tls) = tls {
            endpoint = endpoint.tls_config(tls)?;
        }
        endpoint.connect().await
    }

    /// Polls readiness until SERVING.
    pub async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok(channel) = self.channel().await {
                let status = health_status(&mut HealthClient::new(channel), "readiness").await;
                if matches!(status, Ok(s) if s == ServingStatus::Serving as i32) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("server never became ready");
    }

    /// Fires the shutdown signal.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Fetches `/metrics`.
    pub async fn metrics(&self) -> String {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let mut stream = tokio::net::TcpStream::connect(self.metrics_addr)
            .await
            .expect("connect metrics");
        stream
            .write_all(b"GET /metrics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut body = String::new();
        stream.read_to_string(&mut body).await.expect("read");
        body
    }
}

/// A client of the analysis service.
pub type Client = TextAnalysisServiceClient<Channel>;

/// A document.
pub fn doc(content: &str) -> Option<arabic_text::pb::Document> {
    Some(arabic_text::pb::Document {
        content: content.to_owned(),
        language_code: String::new(),
    })
}

/// One AnalyzeStream item with default options.
pub fn stream_item(id: &str, content: &str) -> arabic_text::pb::AnalyzeStreamRequest {
    arabic_text::pb::AnalyzeStreamRequest {
        id: id.into(),
        request: Some(arabic_text::pb::AnalyzeRequest {
            document: doc(content),
            ..Default::default()
        }),
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released: for listeners the
/// server binds itself).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Requests of the unary RPCs for a text, every other field at its default.
pub mod requests {
    use super::{doc, pb};

    /// Declares, for each RPC, the function that makes its request for a
    /// text with default options.
    macro_rules! of_text {
        ($($(#[$doc:meta])* $name:ident: $request:ident;)*) => {$(
            $(#[$doc])*
            pub fn $name(content: &str) -> pb::$request {
                pb::$request {
                    document: doc(content),
                    ..Default::default()
                }
            }
        )*};
    }

    of_text! {
        /// A Normalize request of `content`.
        normalize: NormalizeRequest;
        /// A Segment request of `content`.
        segment: SegmentRequest;
        /// An ExtractEntities request of `content`.
        extract_entities: ExtractEntitiesRequest;
        /// An Analyze request of `content`.
        analyze: AnalyzeRequest;
    }
}

/// The status the health service reports for `service` (`""` for the
/// server as a whole).
pub async fn health_status(
    health: &mut HealthClient<Channel>,
    service: &str,
) -> Result<i32, tonic::Status> {
    health
        .check(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .map(|r| r.into_inner().status)
}

/// Opens an AnalyzeStream whose items the test sends one by one on the
/// returned sender (dropping it half-closes the stream); `timeout` is the
/// call's deadline.
pub async fn open_stream(
    client: &mut Client,
    timeout: Option<Duration>,
) -> (
    mpsc::Sender<pb::AnalyzeStreamRequest>,
    tonic::Streaming<pb::AnalyzeStreamResponse>,
) {
    let (tx, rx) = mpsc::channel(4);
    let mut request = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    if let Some(timeout) = timeout {
        request.set_timeout(timeout);
    }
    let responses = client
        .analyze_stream(request)
        .await
        .expect("stream")
        .into_inner();
    (tx, responses)
}

/// The `arabic_text_grpc_calls_total` sample of the service's `method` (e.g.
/// `Analyze`) ending with `code` (e.g. `CANCELLED`), `count` calls.
pub fn calls_total(method: &str, code: &str, count: u64) -> String {
    format!(
        "arabic_text_grpc_calls_total{{method=\"arabic.text.v1.TextAnalysisService/{method}\",code=\"{code}\"}} {count}"
    )
}

/// Asserts that the `/metrics` text `metrics` has `sample`.
#[track_caller]
pub fn assert_metric(metrics: &str, sample: &str) {
    assert!(metrics.contains(sample), "no {sample} in {metrics}");
}

/// The field paths of a status's `google.rpc.BadRequest` violations (none
/// when it has no such details).
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// The error `run` stops with for `config` (it must stop within a minute,
/// before serving).
pub async fn run_to_error(config: Config) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let result = tokio::time::timeout(
        Duration::from_secs(60),
        arabic_text::server::run_with_metrics(listener, None, config, std::future::pending()),
    )
    .await
    .expect("fails fast");
    format!("{:#}", result.expect_err("refused"))
}

/// The service names the reflection service lists, asked over `$module`
/// (`tonic_reflection::pb::v1` or `v1alpha`, two versions of the same
/// messages) on a new connection to `$server`.
macro_rules! list_services {
    ($module:path, $server:expr) => {{
        use tokio_stream::StreamExt as _;
        use $module as r;
        let mut client = r::server_reflection_client::ServerReflectionClient::new(
            $server.channel().await.expect("connect"),
        );
        let request = r::ServerReflectionRequest {
            host: String::new(),
            message_request: Some(r::server_reflection_request::MessageRequest::ListServices(
                String::new(),
            )),
        };
        let mut responses = client
            .server_reflection_info(tokio_stream::iter([request]))
            .await
            .expect("reflection")
            .into_inner();
        let response = responses.next().await.expect("one response").expect("ok");
        match response.message_response {
            Some(r::server_reflection_response::MessageResponse::ListServicesResponse(list)) => {
                list.service.into_iter().map(|s| s.name).collect::<Vec<_>>()
            }
            other => panic!("unexpected reflection response {other:?}"),
        }
    }};
}
pub(crate) use list_services;
