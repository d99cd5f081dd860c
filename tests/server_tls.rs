//! TLS and mutual TLS on the real server, with certificates made at test
//! time (rcgen): TLS is served and plaintext refused, client certificates
//! are required under `tls_client_ca`, certificate files are reloaded without
//! dropping live connections, and the plaintext health port answers probes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{
    TestServer, assert_metric, free_port, health_status, list_services, requests, run_to_error,
    test_config,
};
use arabic_text::pb::text_analysis_service_client::TextAnalysisServiceClient;
use arabic_text::server::config::{Config, ConfigDuration, OptionalAddr};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};
use tonic_health::pb::health_client::HealthClient;

/// A certificate authority made for one test.
struct Ca {
    /// Its certificate (PEM).
    pem: String,
    /// What signs with it.
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("CA certificate");
        Self {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate and its key (PEM) for `usage`: the server's (for
    /// `localhost` and 127.0.0.1) or a client's.
    fn issue(&self, usage: ExtendedKeyUsagePurpose) -> (String, String) {
        let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
        params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        params.distinguished_name.push(DnType::CommonName, "test");
        params.use_authority_key_identifier_extension = true;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![usage];
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("signed");
        (cert.pem(), key.serialize_pem())
    }
}

/// A directory of PEM files that lives as long as the test.
struct Files(PathBuf);

impl Files {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("arabic-text-tls-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn write(&self, name: &str, pem: &str) -> PathBuf {
        let path = self.0.join(name);
        // Written beside and renamed, as the kubelet swaps a Secret's files.
        let tmp = self.0.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, pem).expect("write");
        std::fs::rename(&tmp, &path).expect("rename");
        path
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A TLS server configuration from the files in `files`.
fn tls_config(files: &Files, server: &Ca, client_ca: Option<&Ca>) -> Config {
    let (cert, key) = server.issue(ExtendedKeyUsagePurpose::ServerAuth);
    Config {
        tls_cert: Some(files.write("tls.crt", &cert)),
        tls_key: Some(files.write("tls.key", &key)),
        tls_client_ca: client_ca.map(|ca| files.write("ca.crt", &ca.pem)),
        tls_reload_interval: ConfigDuration(Duration::from_millis(100)),
        ..test_config()
    }
}

/// A client that trusts `ca` and, when given, presents `identity`.
fn client_tls(ca: &Ca, identity: Option<(String, String)>) -> ClientTlsConfig {
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&ca.pem))
        .domain_name("localhost");
    match identity {
        Some((cert, key)) => tls.identity(Identity::from_pem(cert, key)),
        None => tls,
    }
}

async fn normalize(channel: Channel) -> Result<String, tonic::Status> {
    TextAnalysisServiceClient::new(channel)
        .normalize(requests::normalize("السَّلامُ"))
        .await
        .map(|r| r.into_inner().normalized_text)
}

/// Whether `channel_result` is a connection on which a call succeeds.
async fn call_works(channel_result: Result<Channel, tonic::transport::Error>) -> bool {
    match channel_result {
        Ok(channel) => normalize(channel).await.is_ok(),
        Err(_) => false,
    }
}

#[tokio::test]
async fn tls_is_served_with_health_and_reflection_and_plaintext_is_refused() {
    let files = Files::new("served");
    let ca = Ca::new("server CA");
    let server =
        TestServer::start_with(tls_config(&files, &ca, None), Some(client_tls(&ca, None))).await;
    let channel = server.channel().await.expect("TLS connection");
    assert_eq!(
        normalize(channel.clone()).await.ok().as_deref(),
        Some("السلام")
    );
    let status = health_status(&mut HealthClient::new(channel), "readiness")
        .await
        .expect("health over TLS");
    assert_eq!(status, 1, "SERVING");
    let services = list_services!(tonic_reflection::pb::v1, server);
    assert!(
        services.contains(&"arabic.text.v1.TextAnalysisService".to_owned()),
        "reflection over TLS: {services:?}"
    );

    // A plaintext caller gets nowhere: the server expects a TLS ClientHello.
    let plain = server.channel_with(None).await;
    assert!(!call_works(plain).await, "plaintext refused");
    // Nor does a caller that does not trust the server's CA.
    let stranger = client_tls(&Ca::new("other CA"), None);
    assert!(!call_works(server.channel_with(Some(stranger)).await).await);
    assert_metric(
        &server.metrics().await,
        "arabic_text_connections_refused_total{reason=\"handshake\"}",
    );
}

#[tokio::test]
async fn mutual_tls_admits_only_clients_with_a_certificate_from_the_client_ca() {
    let files = Files::new("mutual");
    let (server_ca, client_ca) = (Ca::new("server CA"), Ca::new("client CA"));
    let config = tls_config(&files, &server_ca, Some(&client_ca));
    let member = client_ca.issue(ExtendedKeyUsagePurpose::ClientAuth);
    let server =
        TestServer::start_with(config, Some(client_tls(&server_ca, Some(member.clone())))).await;
    // With a certificate signed by the client CA.
    assert!(call_works(server.channel().await).await, "a member gets in");
    // Without a certificate.
    let anonymous = client_tls(&server_ca, None);
    assert!(!call_works(server.channel_with(Some(anonymous)).await).await);
    // With a certificate from another CA.
    let outsider = Ca::new("outsider CA").issue(ExtendedKeyUsagePurpose::ClientAuth);
    let outsider = client_tls(&server_ca, Some(outsider));
    assert!(!call_works(server.channel_with(Some(outsider)).await).await);
    // Plaintext.
    assert!(!call_works(server.channel_with(None).await).await);
}

#[tokio::test]
async fn renewed_certificates_are_served_to_new_connections_and_live_ones_stay() {
    let files = Files::new("reload");
    let (old_ca, new_ca) = (Ca::new("old CA"), Ca::new("new CA"));
    let config = tls_config(&files, &old_ca, None);
    let server = TestServer::start_with(config, Some(client_tls(&old_ca, None))).await;
    let live = server
        .channel()
        .await
        .expect("connection before the renewal");
    assert!(normalize(live.clone()).await.is_ok());

    // cert-manager renews: a new key and certificate, from another CA here so
    // the test can tell them apart.
    let (cert, key) = new_ca.issue(ExtendedKeyUsagePurpose::ServerAuth);
    write_pair(&files, &cert, &key);
    let mut renewed = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if call_works(server.channel_with(Some(client_tls(&new_ca, None))).await).await {
            renewed = true;
            break;
        }
    }
    assert!(renewed, "new connections get the renewed certificate");
    assert!(
        !call_works(server.channel_with(Some(client_tls(&old_ca, None))).await).await,
        "the old certificate is no longer served"
    );
    // The connection made before the renewal still works (a new one would
    // fail: it trusts only the old CA).
    assert!(normalize(live).await.is_ok(), "live connections are kept");

    // A broken file is not taken: the renewed certificate stays in use.
    files.write("tls.key", "not a key");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(call_works(server.channel_with(Some(client_tls(&new_ca, None))).await).await);
}

/// Writes a certificate and its key as a renewal does.
fn write_pair(files: &Files, cert: &str, key: &str) {
    files.write("tls.key", key);
    files.write("tls.crt", cert);
}

#[tokio::test]
async fn the_health_port_answers_plaintext_probes_while_the_api_speaks_tls() {
    let files = Files::new("health");
    let ca = Ca::new("server CA");
    let port = free_port();
    let config = Config {
        health_listen: OptionalAddr(Some(([127, 0, 0, 1], port).into())),
        ..tls_config(&files, &ca, Some(&ca))
    };
    let identity = ca.issue(ExtendedKeyUsagePurpose::ClientAuth);
    let _server = TestServer::start_with(config, Some(client_tls(&ca, Some(identity)))).await;
    let probe = Channel::from_shared(format!("http://127.0.0.1:{port}"))
        .expect("uri")
        .connect()
        .await
        .expect("plaintext health port");
    let mut health = HealthClient::new(probe.clone());
    for service in ["readiness", "liveness", ""] {
        let status = health_status(&mut health, service).await.expect("health");
        assert_eq!(status, 1, "{service:?} SERVING");
    }
    // Only health: the API is not reachable in plaintext there.
    let status = normalize(probe)
        .await
        .expect_err("no API on the health port");
    assert_eq!(status.code(), tonic::Code::Unimplemented);
}

#[tokio::test]
async fn unusable_tls_files_stop_the_server_at_start() {
    let files = Files::new("bad");
    let config = Config {
        tls_cert: Some(files.write("tls.crt", "no certificate here")),
        tls_key: Some(files.write("tls.key", "nor a key")),
        ..test_config()
    };
    let error = run_to_error(config).await;
    assert!(error.contains("tls.crt"), "{error}");
    let missing = Config {
        tls_cert: Some(Path::new("/nonexistent/tls.crt").to_owned()),
        tls_key: Some(Path::new("/nonexistent/tls.key").to_owned()),
        ..test_config()
    };
    assert!(run_to_error(missing).await.contains("/nonexistent/tls.crt"));
    let half = Config {
        tls_client_ca: Some(files.write("ca.crt", "x")),
        ..test_config()
    };
    assert!(run_to_error(half).await.contains("--tls-client-ca"));
}
