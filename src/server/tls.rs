//! TLS and mutual TLS with rustls, from PEM files that are reloaded when they
//! change, without dropping live connections (what cert-manager's renewals of
//! a mounted Secret need).
//!
//! Every handshake takes the current [`ServerConfig`] from [`TlsFiles`]; a
//! background task re-reads the files every [`RELOAD_INTERVAL`] and, when
//! their bytes changed and they parse, swaps in a new config. Connections
//! made before keep the session they negotiated; a bad new file is logged
//! and the previous config stays in use.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{self, RootCertStore, ServerConfig};

/// How often the certificate files are checked for a change. The kubelet
/// updates a mounted Secret within about a minute of its change; cert-manager
/// renews weeks before expiry, so seconds of delay do not matter.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(10);

/// Where the PEM files are: the server's certificate chain and key, and
/// optionally the CA that client certificates must chain to (mutual TLS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsPaths {
    /// The certificate chain, leaf first (PEM).
    pub cert: PathBuf,
    /// The private key of the leaf (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// CA certificates (PEM) client certificates must be signed by; `None`
    /// accepts clients without a certificate.
    pub client_ca: Option<PathBuf>,
}

/// Why the TLS files could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file, so the message names it.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file holds no usable PEM item of the kind expected.
    #[error("{path}: {what}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
    /// rustls refused the certificate, the key or the CA.
    #[error("TLS configuration refused: {0}")]
    Rustls(String),
}

/// The bytes of the three files, compared to decide whether to reload.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Contents {
    /// The certificate chain file.
    cert: Vec<u8>,
    /// The key file.
    key: Vec<u8>,
    /// The client CA file, if configured.
    client_ca: Option<Vec<u8>>,
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

impl Contents {
    fn read(paths: &TlsPaths) -> Result<Self, TlsError> {
        Ok(Self {
            cert: read(&paths.cert)?,
            key: read(&paths.key)?,
            client_ca: paths.client_ca.as_deref().map(read).transpose()?,
        })
    }

    /// The rustls configuration these files make: TLS 1.2 and 1.3, ALPN
    /// `h2` (gRPC), client certificates required when a client CA is set.
    fn config(&self, paths: &TlsPaths) -> Result<ServerConfig, TlsError> {
        let pem = |path: &Path, what: &str| TlsError::Pem {
            path: path.to_owned(),
            what: what.to_owned(),
        };
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&self.cert)
            .collect::<Result<_, _>>()
            .map_err(|e| pem(&paths.cert, &format!("not a PEM certificate chain: {e}")))?;
        if chain.is_empty() {
            return Err(pem(&paths.cert, "no CERTIFICATE in the file"));
        }
        let key = PrivateKeyDer::from_pem_slice(&self.key)
            .map_err(|e| pem(&paths.key, &format!("no usable PEM private key: {e}")))?;
        // ring, not aws-lc-rs: no C/cmake build in the static release build.
        // Deprecated in rustls 0.23.48 only for lacking post-quantum key
        // exchange; X25519 and the NIST curves remain.
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Rustls(e.to_string()))?;
        let builder = match (&self.client_ca, &paths.client_ca) {
            (Some(ca), Some(path)) => {
                let mut roots = RootCertStore::empty();
                for cert in CertificateDer::pem_slice_iter(ca) {
                    let cert =
                        cert.map_err(|e| pem(path, &format!("not a PEM CA certificate: {e}")))?;
                    roots
                        .add(cert)
                        .map_err(|e| pem(path, &format!("unusable CA certificate: {e}")))?;
                }
                if roots.is_empty() {
                    return Err(pem(path, "no CERTIFICATE in the file"));
                }
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|e| TlsError::Rustls(e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
            _ => builder.with_no_client_auth(),
        };
        let mut config = builder
            .with_single_cert(chain, key)
            .map_err(|e| TlsError::Rustls(e.to_string()))?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(config)
    }
}

/// The current TLS configuration, reloaded from its files.
#[derive(Debug)]
pub struct TlsFiles {
    /// Where the files are.
    paths: TlsPaths,
    /// The config new handshakes use, and the bytes it was made from.
    current: RwLock<(Arc<ServerConfig>, Contents)>,
}

impl TlsFiles {
    /// Loads the files; an error here stops the server from starting.
    pub fn load(paths: TlsPaths) -> Result<Arc<Self>, TlsError> {
        let contents = Contents::read(&paths)?;
        let config = Arc::new(contents.config(&paths)?);
        Ok(Arc::new(Self {
            paths,
            current: RwLock::new((config, contents)),
        }))
    }

    /// The configuration for the next handshake.
    pub fn config(&self) -> Arc<ServerConfig> {
        match self.current.read() {
            Ok(c) => Arc::clone(&c.0),
            Err(poisoned) => Arc::clone(&poisoned.into_inner().0),
        }
    }

    /// Whether mutual TLS is on.
    pub fn requires_client_certificates(&self) -> bool {
        self.paths.client_ca.is_some()
    }

    /// Re-reads the files; swaps in a new config when they changed and parse.
    /// `Ok(true)`: reloaded, `Ok(false)`: unchanged; an error keeps the old.
    pub fn reload(&self) -> Result<bool, TlsError> {
        let contents = Contents::read(&self.paths)?;
        let unchanged = match self.current.read() {
            Ok(c) => c.1 == contents,
            Err(poisoned) => poisoned.into_inner().1 == contents,
        };
        if unchanged {
            return Ok(false);
        }
        let config = Arc::new(contents.config(&self.paths)?);
        match self.current.write() {
            Ok(mut c) => *c = (config, contents),
            Err(poisoned) => *poisoned.into_inner() = (config, contents),
        }
        Ok(true)
    }

    /// Checks the files every `interval` until the returned task is aborted,
    /// logging each reload and each failure (the previous config stays).
    pub fn watch(self: &Arc<Self>, interval: Duration) -> tokio::task::JoinHandle<()> {
        let files = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            // The same error is logged once, not every tick.
            let mut last_error = None::<String>;
            loop {
                tick.tick().await;
                let files = Arc::clone(&files);
                let outcome = tokio::task::spawn_blocking(move || files.reload()).await;
                match outcome {
                    Ok(Ok(true)) => {
                        last_error = None;
                        tracing::info!(
                            "TLS certificate files changed: reloaded for new connections"
                        );
                    }
                    Ok(Ok(false)) => last_error = None,
                    Ok(Err(e)) => {
                        let message = e.to_string();
                        if last_error.as_deref() != Some(message.as_str()) {
                            tracing::error!(error = %message, "TLS files not reloaded; the previous certificate stays in use");
                            last_error = Some(message);
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "TLS reload task failed"),
                }
            }
        })
    }
}
