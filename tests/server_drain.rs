//! Graceful shutdown: in-flight calls finish, new calls fail, the drain is
//! bounded, and the binary exits 0 on SIGTERM.

use std::time::{Duration, Instant};

use crate::common::{TestServer, open_stream, stream_item, test_config};
use arabic_text::pb;
use arabic_text::server::config::ConfigDuration;
use tokio_stream::StreamExt as _;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;

/// A stream item with a short sentence.
fn item(id: &str) -> pb::AnalyzeStreamRequest {
    stream_item(id, "ذهب محمد إلى القاهرة.")
}

#[tokio::test]
async fn a_call_in_flight_when_shutdown_starts_still_succeeds() {
    let mut server = TestServer::start(test_config()).await;
    let mut client = server.client().await;
    let mut health = server.health().await;
    let mut watch = health
        .watch(HealthCheckRequest {
            service: "readiness".into(),
        })
        .await
        .expect("watch")
        .into_inner();
    assert_eq!(
        watch.next().await.and_then(Result::ok).map(|r| r.status),
        Some(ServingStatus::Serving as i32)
    );

    let (tx, mut responses) = open_stream(&mut client, None).await;
    tx.send(item("before")).await.expect("send");
    let first = responses.next().await.expect("a response").expect("ok");
    assert_eq!(first.id, "before");

    server.begin_shutdown();
    // Readiness goes NOT_SERVING.
    assert_eq!(
        watch.next().await.and_then(Result::ok).map(|r| r.status),
        Some(ServingStatus::NotServing as i32)
    );
    // ... and the Watch stream ends, so it does not hold the drain.
    let ended = tokio::time::timeout(Duration::from_secs(2), watch.next()).await;
    assert!(matches!(ended, Ok(None)), "watch ended: {ended:?}");
    // New connections are refused.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let refused = tokio::net::TcpStream::connect(server.addr).await;
    assert!(refused.is_err(), "the listener is closed");

    // The call in flight goes on and finishes normally.
    tx.send(item("after")).await.expect("send after shutdown");
    let second = responses.next().await.expect("a response").expect("ok");
    assert_eq!(second.id, "after");
    assert!(matches!(
        second.result,
        Some(pb::analyze_stream_response::Result::Response(_))
    ));
    drop(tx);
    assert!(responses.next().await.is_none(), "stream ends with OK");
    drop(responses);
    drop(client);

    let started = Instant::now();
    server.task.await.expect("join").expect("run returns Ok");
    assert!(started.elapsed() < Duration::from_secs(4), "drained early");
}

#[tokio::test]
async fn the_drain_timeout_bounds_shutdown_when_a_call_never_ends() {
    let mut config = test_config();
    config.drain_timeout = ConfigDuration(Duration::from_millis(300));
    let mut server = TestServer::start(config).await;
    let mut client = server.client().await;
    let (tx, mut responses) = open_stream(&mut client, None).await;
    tx.send(item("1")).await.expect("send");
    responses.next().await.expect("response").expect("ok");

    let started = Instant::now();
    server.begin_shutdown();
    server.task.await.expect("join").expect("run returns Ok");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(250),
        "waited for the call: {took:?}"
    );
    assert!(
        took < Duration::from_secs(3),
        "bounded by the drain timeout: {took:?}"
    );
    drop(tx);
}

#[test]
fn the_binary_exits_zero_on_sigterm() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_arabic-text"))
        .env("ARABIC_TEXT_LISTEN", "127.0.0.1:0")
        .env("ARABIC_TEXT_METRICS_LISTEN", "off")
        .env("ARABIC_TEXT_DRAIN_TIMEOUT", "2s")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn the binary");
    std::thread::sleep(Duration::from_millis(700));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "exit status {status:?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}
