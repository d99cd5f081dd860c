//! Builds and runs the tonic server: the connections ([`incoming`]: limit,
//! handshake timeout, TLS from [`tls`]), the analysis service, health,
//! reflection, limits, the call observer, metrics, the plaintext health port
//! for probes and the bounded graceful drain.
//!
//! [`run`] takes its listener and its shutdown signal from the caller, so the
//! binary passes SIGTERM/SIGINT and tests pass a channel.

pub mod access;
pub mod config;
pub mod conn;
pub mod incoming;
pub mod logwriter;
pub mod metrics;
pub mod tls;

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tonic::codec::CompressionEncoding;
use tonic::server::NamedService;
use tonic::transport::Server;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use self::config::{Config, LogFormat};
use self::incoming::ConnectionLimits;
use self::metrics::Metrics;
use self::tls::TlsFiles;
use crate::grpc::admission::FairPool;
use crate::grpc::observe::{BodyLimits, ObserveLayer};
use crate::grpc::request::Limits;
use crate::grpc::service::{ServiceOptions, TextAnalysis};
use crate::pb;
use crate::pb::text_analysis_service_server::TextAnalysisServiceServer;
use arabic_text_core::Analyzer;

/// The analysis service's full name, as health checks and reflection know it.
pub const SERVICE_NAME: &str = <TextAnalysisServiceServer<TextAnalysis> as NamedService>::NAME;

/// Health name that is SERVING while the process runs (a liveness probe).
pub const LIVENESS: &str = "liveness";

/// Health name that is SERVING once the models are loaded and until shutdown
/// starts (a readiness probe).
pub const READINESS: &str = "readiness";

/// How long health watchers get to see NOT_SERVING before their Watch
/// streams are ended at shutdown.
const HEALTH_WATCH_GRACE: Duration = Duration::from_millis(100);

/// Connections open at once on the plaintext health port: probes open one
/// per check and close it.
const HEALTH_MAX_CONNECTIONS: usize = 16;

/// Sets up `tracing` from the configuration (text or JSON lines on stdout).
/// Lines are batched and written by a background thread so a slow stdout never
/// stalls a call ([`logwriter`]), and the access log's entries go to the same
/// sink unformatted ([`access`]); keep the returned guard alive until exit
/// (it writes what is left on drop).
pub fn init_tracing(config: &Config) -> logwriter::FlushGuard {
    use tracing_subscriber::util::SubscriberInitExt as _;
    let json = matches!(config.log_format, LogFormat::Json);
    let (writer, guard) = logwriter::batched(std::io::stdout(), json);
    let filter = tracing_subscriber::EnvFilter::try_new(config.log_filter())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if logwriter::subscriber(json, filter, writer.clone())
        .try_init()
        .is_ok()
    {
        logwriter::install_access_sink(writer);
    }
    guard
}

/// Why the analyzer could not be loaded at start-up.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The operator's `--gazetteer` file cannot be read.
    #[error("cannot read the gazetteer file {path}")]
    Gazetteer {
        /// The path the operator gave, so the message names it.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A model or gazetteer file is invalid or unreadable (the message names
    /// the file and the reason once).
    #[error("cannot load the models: {0}")]
    Model(arabic_text_core::ModelError),
    /// The loading task panicked (a bug).
    #[error("model loading panicked: {0}")]
    Panicked(String),
}

/// Loads the analyzer: the embedded models, or the operator's files.
fn load_analyzer(config: &Config) -> Result<Analyzer, LoadError> {
    if let Some(path) = config.gazetteer.as_deref()
        && let Err(source) = std::fs::File::open(path)
    {
        return Err(LoadError::Gazetteer {
            path: path.to_owned(),
            source,
        });
    }
    Analyzer::load(config.ner_model.as_deref(), config.gazetteer.as_deref())
        .map_err(LoadError::Model)
}

/// An error and its sources, `: `-separated, each once.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}

/// Sets every health name (overall, the service, readiness) to `status`.
async fn set_ready(reporter: &HealthReporter, status: ServingStatus) {
    for name in ["", SERVICE_NAME, READINESS] {
        reporter.set_service_status(name, status).await;
    }
}

/// Serves on `listener` with the metrics endpoint at `config.metrics_listen`
/// until `shutdown` resolves, then drains (see [`run_with_metrics`]).
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let metrics_listener = match config.metrics_listen.0 {
        Some(addr) => Some(
            TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot bind the metrics address {addr}"))?,
        ),
        None => None,
    };
    run_with_metrics(listener, metrics_listener, config, shutdown).await
}

/// Binds the plaintext health port, if configured.
async fn bind_health(config: &Config) -> anyhow::Result<Option<TcpListener>> {
    match config.health_listen.0 {
        Some(addr) => {
            Ok(Some(TcpListener::bind(addr).await.with_context(|| {
                format!("cannot bind the health address {addr}")
            })?))
        }
        None => Ok(None),
    }
}

/// Serves the API on `listener` (and `/metrics` on `metrics_listener`) until
/// `shutdown` resolves. Then health goes NOT_SERVING, no new connection is
/// accepted, in-flight calls finish, and this returns once they have, or when
/// `config.drain_timeout` has passed since the signal, whichever is first.
pub async fn run_with_metrics(
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let local = listener.local_addr().ok();
    let metrics = Arc::new(Metrics::new());
    let tls = match config.tls_paths().map_err(anyhow::Error::msg)? {
        Some(paths) => Some(TlsFiles::load(paths).context("cannot use the TLS files")?),
        None => None,
    };
    let health_listener = bind_health(&config).await?;

    let (reporter, health_service) = tonic_health::server::health_reporter();
    set_ready(&reporter, ServingStatus::NotServing).await;
    reporter
        .set_service_status(LIVENESS, ServingStatus::Serving)
        .await;

    let analyzer_cell = Arc::new(OnceLock::new());
    let service = TextAnalysis::new(
        Arc::clone(&analyzer_cell),
        ServiceOptions {
            limits: Limits {
                max_text_bytes: config.max_text_bytes,
            },
            blocking_threshold_bytes: config.blocking_threshold_bytes,
            blocking_threads: config.effective_blocking_threads(),
            max_response_bytes: config.max_response_bytes,
            response_budget_bytes: config.response_budget_bytes,
            max_concurrency: config.max_concurrency,
            work_budget_bytes: config.work_budget_bytes,
        },
        Arc::clone(&metrics),
    );

    // Load the models off the reactor; readiness flips when they are in.
    let load_failed = ModelLoader {
        config: config.clone(),
        cell: analyzer_cell,
        reporter: reporter.clone(),
    }
    .spawn();

    let (reflection_v1, reflection_v1alpha) = reflection()?;

    let nonzero = |d: Duration| (!d.is_zero()).then_some(d);
    let mut builder = Server::builder()
        .http2_keepalive_interval(nonzero(config.http2_keepalive_interval.0))
        .http2_keepalive_timeout(nonzero(config.http2_keepalive_timeout.0))
        .max_concurrent_streams(config.max_concurrent_streams.max(1));
    if let Some(age) = nonzero(config.max_connection_age.0) {
        builder = builder
            .max_connection_age(age)
            .max_connection_age_grace(config.drain_timeout.0);
    }
    let router = builder
        .layer(ObserveLayer::new(
            Arc::clone(&metrics),
            body_limits(&config),
            config.access_log_ok,
        ))
        .add_service(health_service.clone())
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(
            TextAnalysisServiceServer::new(service)
                .max_decoding_message_size(config.max_request_bytes)
                .accept_compressed(CompressionEncoding::Gzip)
                .accept_compressed(CompressionEncoding::Zstd)
                .send_compressed(CompressionEncoding::Gzip)
                .send_compressed(CompressionEncoding::Zstd),
        );

    let metrics_task = metrics_listener.map(|l| {
        tracing::info!(address = ?l.local_addr().ok(), "metrics on /metrics");
        tokio::spawn(metrics::serve(
            l,
            Arc::clone(&metrics),
            std::future::pending(),
        ))
    });

    let (draining_tx, draining_rx) = watch::channel(false);
    let signal = drain_on(shutdown, reporter.clone(), draining_tx);
    let drain_timeout = config.drain_timeout.0;
    let drain_deadline = drain_deadline(draining_rx.clone(), drain_timeout);

    let limits = ConnectionLimits {
        max_connections: config.max_connections,
        handshake_timeout: config.handshake_timeout.0,
        idle_timeout: config.request_idle_timeout.0,
    };
    let health_task = health_listener.map(|l| {
        tracing::info!(address = ?l.local_addr().ok(), "plaintext health on its own port");
        let limits = ConnectionLimits {
            max_connections: HEALTH_MAX_CONNECTIONS,
            ..limits.clone()
        };
        let incoming = incoming::incoming(l, limits, None, Arc::clone(&metrics));
        let mut draining = draining_rx.clone();
        tokio::spawn(
            Server::builder()
                .max_concurrent_streams(config.max_concurrent_streams.max(1))
                .add_service(health_service)
                .serve_with_incoming_shutdown(incoming, async move {
                    let _ = draining.wait_for(|d| *d).await;
                }),
        )
    });
    let reload_task = tls.as_ref().map(|files| {
        files.watch(nonzero(config.tls_reload_interval.0).unwrap_or(tls::RELOAD_INTERVAL))
    });

    tracing::info!(
        address = ?local,
        tls = tls.is_some(),
        client_certificates = tls.as_ref().is_some_and(|t| t.requires_client_certificates()),
        "serving gRPC"
    );
    let incoming = incoming::incoming(listener, limits, tls, Arc::clone(&metrics));
    let serve = router.serve_with_incoming_shutdown(incoming, signal);
    let outcome = tokio::select! {
        result = serve => result.context("gRPC server failed").map(|()| {
            tracing::info!("drained; all calls finished");
        }),
        () = drain_deadline => {
            tracing::warn!(timeout = ?drain_timeout, "drain timeout: exiting with calls still in flight");
            Ok(())
        }
        message = load_failed.failure() => Err(anyhow::anyhow!(message)),
    };
    for task in [metrics_task, reload_task].into_iter().flatten() {
        task.abort();
    }
    if let Some(task) = health_task {
        task.abort();
    }
    outcome
}

/// What request bodies may hold (the request budget, shared fairly between
/// connections, each up to at least one largest message), and their idle
/// timeout.
fn body_limits(config: &Config) -> BodyLimits {
    let kib = |b: usize| b.div_ceil(1024);
    BodyLimits {
        budget: (config.request_budget_bytes > 0).then(|| {
            FairPool::new(
                kib(config.request_budget_bytes),
                kib(config.max_request_bytes),
                |c| &c.request_kib,
            )
        }),
        idle_timeout: config.request_idle_timeout.0,
    }
}

/// Server reflection of the analysis API, health and the error details, in
/// both versions (v1, and v1alpha that grpcurl and older clients ask for),
/// from one list of descriptors.
fn reflection() -> anyhow::Result<(
    tonic_reflection::server::v1::ServerReflectionServer<
        impl tonic_reflection::server::v1::ServerReflection,
    >,
    tonic_reflection::server::v1alpha::ServerReflectionServer<
        impl tonic_reflection::server::v1alpha::ServerReflection,
    >,
)> {
    let builder = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
    };
    Ok((builder().build_v1()?, builder().build_v1alpha()?))
}

/// Loads the models off the reactor at start-up: readiness flips to SERVING
/// when they are in, and a failure ends the server (see [`LoadFailure`]).
struct ModelLoader {
    /// Where the models come from (embedded, or the operator's files).
    config: Config,
    /// Where the loaded analyzer goes; the service reads it.
    cell: Arc<OnceLock<Arc<Analyzer>>>,
    /// Health, set to SERVING once loaded.
    reporter: HealthReporter,
}

impl ModelLoader {
    /// Starts loading; the returned [`LoadFailure`] resolves if it fails.
    fn spawn(self) -> LoadFailure {
        let (failed_tx, failed_rx) = watch::channel(None::<String>);
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let config = self.config;
            match tokio::task::spawn_blocking(move || load_analyzer(&config)).await {
                Ok(Ok(analyzer)) => {
                    let _ = self.cell.set(Arc::new(analyzer));
                    set_ready(&self.reporter, ServingStatus::Serving).await;
                    tracing::info!(
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "models loaded; ready"
                    );
                }
                Ok(Err(e)) => {
                    let _ = failed_tx.send(Some(error_chain(&e)));
                }
                Err(e) => {
                    let e = LoadError::Panicked(e.to_string());
                    let _ = failed_tx.send(Some(error_chain(&e)));
                }
            }
        });
        LoadFailure(failed_rx)
    }
}

/// The model loader's failure, if it fails: the message, to end the server.
struct LoadFailure(watch::Receiver<Option<String>>);

impl LoadFailure {
    /// Resolves with the failure's message; never when loading succeeded.
    async fn failure(mut self) -> String {
        let failure = self
            .0
            .wait_for(Option::is_some)
            .await
            .map(|message| message.clone().unwrap_or_default());
        match failure {
            Ok(message) => message,
            // The loader succeeded and went away: never fires.
            Err(_) => std::future::pending().await,
        }
    }
}

/// The server's shutdown signal: waits for `shutdown`, starts the drain timer
/// (`draining`), turns health NOT_SERVING, then ends the health Watch streams
/// so that they do not hold the drain.
async fn drain_on(
    shutdown: impl Future<Output = ()>,
    mut reporter: HealthReporter,
    draining: watch::Sender<bool>,
) {
    shutdown.await;
    tracing::info!("shutdown signal: draining in-flight calls");
    // The drain timer starts now.
    let _ = draining.send(true);
    set_ready(&reporter, ServingStatus::NotServing).await;
    reporter
        .set_service_status(LIVENESS, ServingStatus::NotServing)
        .await;
    // Let health watchers see NOT_SERVING, then end their Watch
    // streams (dropping the statuses' senders): an open Watch would
    // otherwise hold the drain until its timeout.
    tokio::time::sleep(HEALTH_WATCH_GRACE).await;
    for name in ["", SERVICE_NAME, READINESS, LIVENESS] {
        reporter.clear_service_status(name).await;
    }
}

/// Resolves `timeout` after the drain started: the bound on the drain.
async fn drain_deadline(mut draining: watch::Receiver<bool>, timeout: Duration) {
    if draining.wait_for(|d| *d).await.is_err() {
        std::future::pending::<()>().await;
    }
    tokio::time::sleep(timeout).await;
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C): the binary's shutdown signal.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// Binds `config.listen` and serves until SIGTERM/SIGINT, on a new runtime:
/// what `arabic-text serve` runs.
pub fn serve_blocking(config: Config) -> anyhow::Result<()> {
    let _log_guard = init_tracing(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot bind {}", config.listen))?;
        run(listener, config, shutdown_signal()).await
    })?;
    // Do not wait for blocking tasks abandoned by a timed-out drain.
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(())
}
