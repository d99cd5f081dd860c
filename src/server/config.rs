//! The server's configuration: one struct, read from flags and environment
//! variables (flags win), each field with its default and the reason it exists.
//! The README's Configuration section is the same table for operators, checked
//! against this declaration by `tests/config_docs.rs` (flags, variables, defaults).

use std::{net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use super::tls::TlsPaths;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines, for terminals.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Which successful calls get an access-log line (calls that fail are always
/// logged): `all`, `none`, or at most `N` lines a second (`N` or `N/s`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OkLines {
    /// Every call gets a line.
    #[default]
    All,
    /// Only failed calls get a line.
    None,
    /// At most this many successful calls a second get a line; each line
    /// then says how many were skipped since the previous one.
    PerSecond(u32),
}

impl FromStr for OkLines {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(Self::All);
        }
        if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("off") {
            return Ok(Self::None);
        }
        let number = s.strip_suffix("/s").unwrap_or(s).trim();
        match number.parse::<u32>() {
            Ok(0) => Ok(Self::None),
            Ok(n) => Ok(Self::PerSecond(n)),
            Err(_) => Err(format!(
                "invalid access-log setting {s:?}: expected all, none or a number of lines a second (e.g. 100/s)"
            )),
        }
    }
}

impl std::fmt::Display for OkLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::All => f.write_str("all"),
            Self::None => f.write_str("none"),
            Self::PerSecond(n) => write!(f, "{n}/s"),
        }
    }
}

/// A duration given as `20s`, `500ms`, `2m`, `1h` or a bare number of seconds;
/// `0` or `off` means zero (the feature is off where that applies).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConfigDuration(pub Duration);

impl FromStr for ConfigDuration {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") || s.is_empty() {
            return Ok(Self(Duration::ZERO));
        }
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let (number, unit) = s.split_at(split);
        let value: f64 = number
            .parse()
            .map_err(|_| format!("invalid duration {s:?}: expected e.g. 20s, 500ms, 2m"))?;
        let seconds = match unit.trim() {
            "" | "s" | "sec" | "secs" => value,
            "ms" => value / 1000.0,
            "m" | "min" | "mins" => value * 60.0,
            "h" => value * 3600.0,
            other => return Err(format!("invalid duration unit {other:?} in {s:?}")),
        };
        Duration::try_from_secs_f64(seconds)
            .map(Self)
            .map_err(|e| format!("invalid duration {s:?}: {e}"))
    }
}

impl std::fmt::Display for ConfigDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{}s", ms / 1000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

/// An optional listen address: `off` or an empty string disables the listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionalAddr(pub Option<SocketAddr>);

impl FromStr for OptionalAddr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("off") {
            return Ok(Self(None));
        }
        s.parse()
            .map(|a| Self(Some(a)))
            .map_err(|e| format!("invalid address {s:?}: {e}"))
    }
}

/// Everything the server can be told at start-up.
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// Address the gRPC server listens on; 0.0.0.0 so it is reachable in a container.
    #[arg(long, env = "ARABIC_TEXT_LISTEN", default_value = "0.0.0.0:50051")]
    pub listen: SocketAddr,

    /// Largest encoded request message accepted (bytes); bigger ones get
    /// RESOURCE_EXHAUSTED before any work, which bounds memory per call.
    #[arg(
        long,
        env = "ARABIC_TEXT_MAX_REQUEST_BYTES",
        default_value_t = 4 * 1024 * 1024
    )]
    pub max_request_bytes: usize,

    /// Largest encoded response of one call or stream item (bytes); bigger ones
    /// get RESOURCE_EXHAUSTED (ask for less with include_tokens /
    /// include_segments). Mirrors the request limit and gRPC clients' default
    /// 4 MiB receive limit, and bounds the memory one call holds.
    #[arg(
        long,
        env = "ARABIC_TEXT_MAX_RESPONSE_BYTES",
        default_value_t = 4 * 1024 * 1024
    )]
    pub max_response_bytes: usize,

    /// Memory that unary responses not yet read by their callers may hold
    /// together (bytes of encoded responses); beyond it calls get
    /// RESOURCE_EXHAUSTED with RetryInfo. Bounds what callers that never read
    /// can pin (docs/deployment.md gives the measured worst case).
    #[arg(
        long,
        env = "ARABIC_TEXT_RESPONSE_BUDGET_BYTES",
        default_value_t = 256 * 1024 * 1024
    )]
    pub response_budget_bytes: usize,

    /// Longest document content accepted (UTF-8 bytes); longer ones get
    /// INVALID_ARGUMENT, which bounds the CPU time of one call.
    #[arg(long, env = "ARABIC_TEXT_MAX_TEXT_BYTES", default_value_t = 1024 * 1024)]
    pub max_text_bytes: usize,

    /// How long in-flight calls may take to finish after SIGTERM/SIGINT before
    /// the server exits anyway (keep it below Kubernetes'
    /// terminationGracePeriodSeconds).
    #[arg(long, env = "ARABIC_TEXT_DRAIN_TIMEOUT", default_value = "20s")]
    pub drain_timeout: ConfigDuration,

    /// Log line format: `text` for people, `json` for log collectors.
    #[arg(long, env = "ARABIC_TEXT_LOG_FORMAT", value_enum, default_value_t)]
    pub log_format: LogFormat,

    /// Log filter in `tracing` EnvFilter syntax (e.g. `info`,
    /// `arabic_text=debug`); falls back to RUST_LOG, then `info`.
    #[arg(long, env = "ARABIC_TEXT_LOG")]
    pub log: Option<String>,

    /// Which successful calls get a line in the access log (target
    /// `arabic_text::access`; failed calls always do): `all`, `none`, or at
    /// most N lines a second (`100/s`), each saying how many successful calls
    /// it stands for (`skipped`). Bounds the log volume at any traffic.
    #[arg(long, env = "ARABIC_TEXT_ACCESS_LOG_OK", default_value_t)]
    pub access_log_ok: OkLines,

    /// A NER model file to use instead of the embedded one (e.g. a model
    /// retrained on in-house data); the embedded model when unset.
    #[arg(long, env = "ARABIC_TEXT_NER_MODEL")]
    pub ner_model: Option<PathBuf>,

    /// A gazetteer file of the operator's own names (one `phrase<TAB>TYPE` per
    /// line, TYPE one of PERSON, LOCATION, ORGANIZATION, MISC, ...) recognised in every request, on top of the model.
    #[arg(long, env = "ARABIC_TEXT_GAZETTEER")]
    pub gazetteer: Option<PathBuf>,

    /// Most analysis calls in flight at once; beyond it calls are shed at once
    /// with RESOURCE_EXHAUSTED instead of queueing without bound, so admitted
    /// calls keep a bounded latency. 0 means no limit.
    #[arg(long, env = "ARABIC_TEXT_MAX_CONCURRENCY", default_value_t = 256)]
    pub max_concurrency: usize,

    /// Documents at least this long (bytes) are analysed on the bounded
    /// blocking pool, so small calls are never stuck behind big ones on the
    /// async reactor; smaller ones run inline (cheaper).
    #[arg(
        long,
        env = "ARABIC_TEXT_BLOCKING_THRESHOLD_BYTES",
        default_value_t = 16 * 1024
    )]
    pub blocking_threshold_bytes: usize,

    /// Most large documents analysed at once on the blocking pool; 0 means the
    /// number of CPUs. More would only add queueing inside the OS scheduler.
    #[arg(long, env = "ARABIC_TEXT_BLOCKING_THREADS", default_value_t = 0)]
    pub blocking_threads: usize,

    /// Close each client connection gracefully after this age (GOAWAY), so
    /// clients reconnect and load spreads over new replicas behind a
    /// Kubernetes Service; `0`/`off` keeps connections forever. In-flight calls
    /// get the drain timeout to finish.
    #[arg(long, env = "ARABIC_TEXT_MAX_CONNECTION_AGE", default_value = "off")]
    pub max_connection_age: ConfigDuration,

    /// Interval of HTTP/2 PING keepalives, to detect dead peers and keep NAT /
    /// load-balancer state alive; `0`/`off` disables.
    #[arg(
        long,
        env = "ARABIC_TEXT_HTTP2_KEEPALIVE_INTERVAL",
        default_value = "60s"
    )]
    pub http2_keepalive_interval: ConfigDuration,

    /// How long to wait for a keepalive PING's answer before closing the
    /// connection.
    #[arg(
        long,
        env = "ARABIC_TEXT_HTTP2_KEEPALIVE_TIMEOUT",
        default_value = "20s"
    )]
    pub http2_keepalive_timeout: ConfigDuration,

    /// Most client connections served at once on the gRPC port. A connection
    /// counts once it has sent its HTTP/2 preface; until then it waits among
    /// at most as many others, and the oldest waiting one is closed when a new
    /// one needs room, so silent connections cannot lock honest callers out.
    /// When the served ones fill the limit, more are closed as soon as they
    /// are accepted (the client sees a reset and can try another replica).
    /// Bounds what idle and silent connections hold (about 13 KiB each,
    /// docs/deployment.md).
    #[arg(long, env = "ARABIC_TEXT_MAX_CONNECTIONS", default_value_t = 256)]
    pub max_connections: usize,

    /// Time from a connection's accept to the end of its TLS handshake and
    /// its HTTP/2 preface; a connection that has not sent them by then is
    /// closed.
    #[arg(long, env = "ARABIC_TEXT_HANDSHAKE_TIMEOUT", default_value = "10s")]
    pub handshake_timeout: ConfigDuration,

    /// Most calls (HTTP/2 streams) open at once on one connection, advertised
    /// to clients in SETTINGS_MAX_CONCURRENT_STREAMS (clients queue beyond
    /// it); streams over it are refused. Bounds what one connection's open
    /// calls hold (about 10 KiB each before their request arrives).
    #[arg(long, env = "ARABIC_TEXT_MAX_CONCURRENT_STREAMS", default_value_t = 32)]
    pub max_concurrent_streams: u32,

    /// A call whose request sends nothing for this long (a body that never
    /// finishes, a stream that sends no next item and does not half-close)
    /// ends with DEADLINE_EXCEEDED; `0`/`off` never.
    #[arg(long, env = "ARABIC_TEXT_REQUEST_IDLE_TIMEOUT", default_value = "30s")]
    pub request_idle_timeout: ConfigDuration,

    /// Memory that request messages still being received may hold together
    /// (bytes); beyond it (or beyond a connection's share of it) calls get
    /// RESOURCE_EXHAUSTED with RetryInfo. Bounds what bodies that never
    /// finish can hold.
    #[arg(
        long,
        env = "ARABIC_TEXT_REQUEST_BUDGET_BYTES",
        default_value_t = 64 * 1024 * 1024
    )]
    pub request_budget_bytes: usize,

    /// Estimated working memory of the analyses running at once (bytes),
    /// reserved from each text's size and shape before its analysis starts;
    /// a text whose estimate alone is over it gets RESOURCE_EXHAUSTED, others
    /// wait for room. Bounds the memory of analysis whatever the texts are
    /// (1 MiB of `.` needs ~478 MB by the estimate, of news ~63 MB).
    #[arg(
        long,
        env = "ARABIC_TEXT_WORK_BUDGET_BYTES",
        default_value_t = 256 * 1024 * 1024
    )]
    pub work_budget_bytes: usize,

    /// TLS on the gRPC port: the server's certificate chain, leaf first
    /// (PEM); needs `--tls-key`. Reloaded when the file changes.
    #[arg(long, env = "ARABIC_TEXT_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,

    /// The private key of `--tls-cert` (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "ARABIC_TEXT_TLS_KEY")]
    pub tls_key: Option<PathBuf>,

    /// Mutual TLS: CA certificates (PEM) that clients' certificates must be
    /// signed by; clients without one are refused. Needs `--tls-cert`.
    #[arg(long, env = "ARABIC_TEXT_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<PathBuf>,

    /// How often the TLS files are checked for a change (cert-manager
    /// renewals); new connections get the new certificate, live ones keep
    /// theirs.
    #[arg(long, env = "ARABIC_TEXT_TLS_RELOAD_INTERVAL", default_value = "10s")]
    pub tls_reload_interval: ConfigDuration,

    /// A plaintext port serving only `grpc.health.v1`, for probes that cannot
    /// speak TLS (the kubelet's gRPC probe); `off` (the default) serves none.
    #[arg(long, env = "ARABIC_TEXT_HEALTH_LISTEN", default_value = "off")]
    pub health_listen: OptionalAddr,

    /// Address of the Prometheus `/metrics` endpoint, a separate port so it is
    /// never exposed with the API; `off` or empty disables it. 9464 is the
    /// OpenTelemetry Prometheus exporter's port (not Prometheus' own 9090);
    /// `127.0.0.1:9464` serves it on loopback only.
    #[arg(
        long,
        env = "ARABIC_TEXT_METRICS_LISTEN",
        default_value = "0.0.0.0:9464"
    )]
    pub metrics_listen: OptionalAddr,
}

/// The defaults are those the flags declare (each `default_value` above, the
/// one place they are written), read without the environment: what `serve`
/// runs with when nothing is set.
impl Default for Config {
    fn default() -> Self {
        use clap::{Args as _, FromArgMatches as _};
        let command = Self::augment_args(clap::Command::new("serve")).mut_args(|arg| arg.env(None));
        let matches = command
            .try_get_matches_from(["serve"])
            .expect("the declared defaults parse");
        Self::from_arg_matches(&matches).expect("the declared defaults make a Config")
    }
}

impl Config {
    /// The TLS files, when TLS is on: `--tls-cert` and `--tls-key` together,
    /// `--tls-client-ca` only with them.
    pub fn tls_paths(&self) -> Result<Option<TlsPaths>, String> {
        match (&self.tls_cert, &self.tls_key, &self.tls_client_ca) {
            (None, None, None) => Ok(None),
            (Some(cert), Some(key), client_ca) => Ok(Some(TlsPaths {
                cert: cert.clone(),
                key: key.clone(),
                client_ca: client_ca.clone(),
            })),
            (None, None, Some(_)) => {
                Err("--tls-client-ca needs --tls-cert and --tls-key (TLS on)".to_owned())
            }
            _ => Err("--tls-cert and --tls-key go together".to_owned()),
        }
    }

    /// The number of large documents analysed at once on the blocking pool.
    pub fn effective_blocking_threads(&self) -> usize {
        if self.blocking_threads > 0 {
            self.blocking_threads
        } else {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        }
    }

    /// The log filter: `--log`/ARABIC_TEXT_LOG, else RUST_LOG, else `info`.
    pub fn log_filter(&self) -> String {
        self.log
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| {
                std::env::var("RUST_LOG")
                    .ok()
                    .filter(|s| !s.trim().is_empty())
            })
            .unwrap_or_else(|| "info".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_and_without_units() {
        let d = |s: &str| s.parse::<ConfigDuration>().map(|d| d.0);
        assert_eq!(d("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(d("20"), Ok(Duration::from_secs(20)));
        assert_eq!(d("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(d("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(d("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(d("off"), Ok(Duration::ZERO));
        assert!(d("soon").is_err());
        assert!(d("5 parsecs").is_err());
    }

    #[test]
    fn access_log_settings_parse() {
        let p = |s: &str| s.parse::<OkLines>();
        assert_eq!(p("all"), Ok(OkLines::All));
        assert_eq!(p("none"), Ok(OkLines::None));
        assert_eq!(p("0"), Ok(OkLines::None));
        assert_eq!(p("100"), Ok(OkLines::PerSecond(100)));
        assert_eq!(p("100/s"), Ok(OkLines::PerSecond(100)));
        assert!(p("1/10").is_err());
        assert!(p("-1").is_err());
        for v in [OkLines::All, OkLines::None, OkLines::PerSecond(7)] {
            assert_eq!(p(&v.to_string()), Ok(v));
        }
    }

    #[test]
    fn metrics_address_can_be_switched_off() {
        assert_eq!("off".parse::<OptionalAddr>(), Ok(OptionalAddr(None)));
        assert_eq!("".parse::<OptionalAddr>(), Ok(OptionalAddr(None)));
        assert!(
            "127.0.0.1:9"
                .parse::<OptionalAddr>()
                .is_ok_and(|a| a.0.is_some())
        );
        assert!("nonsense".parse::<OptionalAddr>().is_err());
    }

    #[test]
    fn defaults_are_the_declared_ones() {
        let default = Config::default();
        assert_eq!(default.listen, SocketAddr::from(([0, 0, 0, 0], 50051)));
        assert_eq!(default.max_request_bytes, 4 * 1024 * 1024);
        assert_eq!(
            default.drain_timeout,
            ConfigDuration(Duration::from_secs(20))
        );
        assert_eq!(default.max_connection_age, ConfigDuration(Duration::ZERO));
        assert_eq!(default.health_listen, OptionalAddr(None));
        assert_eq!(default.access_log_ok, OkLines::All);
        assert_eq!(default.log, None);
    }

    #[test]
    fn tls_flags_go_together() {
        let with = |cert: bool, key: bool, ca: bool| Config {
            tls_cert: cert.then(|| "c.pem".into()),
            tls_key: key.then(|| "k.pem".into()),
            tls_client_ca: ca.then(|| "ca.pem".into()),
            ..Config::default()
        };
        assert_eq!(with(false, false, false).tls_paths(), Ok(None));
        assert!(
            with(true, true, false)
                .tls_paths()
                .is_ok_and(|p| p.is_some())
        );
        assert!(
            with(true, true, true)
                .tls_paths()
                .is_ok_and(|p| p.is_some_and(|p| p.client_ca.is_some()))
        );
        assert!(with(true, false, false).tls_paths().is_err());
        assert!(with(false, true, false).tls_paths().is_err());
        assert!(with(false, false, true).tls_paths().is_err());
    }

    #[test]
    fn metrics_default_port_is_not_prometheus_own() {
        let port = Config::default().metrics_listen.0.map(|a| a.port());
        assert_ne!(port, Some(9090), "9090 is Prometheus' own port");
        assert_eq!(port, Some(9464));
    }
}
