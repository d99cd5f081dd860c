//! Starts the real server on 127.0.0.1:0 with an injected shutdown signal.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use arabic_text::pb::text_analysis_service_client::TextAnalysisServiceClient;
use arabic_text::server::config::{Config, ConfigDuration, OptionalAddr};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, ClientTlsConfig};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

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
    pub async fn client(&self) -> TextAnalysisServiceClient<Channel> {
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
                let mut health = HealthClient::new(channel);
                let status = health
                    .check(HealthCheckRequest {
                        service: "readiness".into(),
                    })
                    .await
                    .map(|r| r.into_inner().status);
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
