//! What one caller can hold (issue 26), against the real server on
//! 127.0.0.1:0: a stream whose answers are not read is held to its window
//! and ended after the idle timeout; silent connections do not keep an
//! honest caller out.

use std::time::{Duration, Instant};

use crate::common::{TestServer, doc, test_config};
use crate::server_hostile::article;
use arabic_text::pb;
use arabic_text::pb::text_analysis_service_client::TextAnalysisServiceClient;
use arabic_text::server::config::ConfigDuration;
use tokio::io::AsyncReadExt as _;
use tonic::Code;
use tonic::transport::Channel;

#[tokio::test]
async fn a_stream_whose_answers_are_not_read_is_ended_after_the_idle_timeout() {
    let mut config = test_config();
    config.request_idle_timeout = ConfigDuration(Duration::from_secs(1));
    let server = TestServer::start(config).await;
    // Small HTTP/2 windows: what the client does not read stays on the
    // server (a caller that stops reading).
    let channel = Channel::from_shared(format!("http://{}", server.addr))
        .expect("uri")
        .initial_stream_window_size(Some(65_535))
        .initial_connection_window_size(Some(65_535))
        .connect()
        .await
        .expect("connect");
    let mut client = TextAnalysisServiceClient::new(channel).max_decoding_message_size(usize::MAX);
    // 48 answers of ~160 KiB: ~7.5 MiB, more than the stream's window.
    let text = article(16);
    let items: Vec<_> = (0..48)
        .map(|i| pb::AnalyzeStreamRequest {
            id: i.to_string(),
            request: Some(pb::AnalyzeRequest {
                document: doc(&text),
                ..Default::default()
            }),
        })
        .collect();
    let mut answers = client
        .analyze_stream(tokio_stream::iter(items))
        .await
        .expect("stream")
        .into_inner();
    // Not read until the window has filled and stayed full for the timeout:
    // polled for up to 60 s, reading nothing.
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(8)).await;
    let mut read = 0;
    let end = loop {
        match tokio::time::timeout(Duration::from_secs(60), answers.message()).await {
            Ok(Ok(Some(answer))) => {
                assert!(
                    matches!(
                        answer.result,
                        Some(pb::analyze_stream_response::Result::Response(_))
                    ),
                    "{answer:?}"
                );
                read += 1;
            }
            Ok(Ok(None)) => break None,
            Ok(Err(status)) => break Some(status),
            Err(_) => panic!("the stream neither ended nor answered in 60 s"),
        }
    };
    let status = end.expect("the stream ends with a status, not OK");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(status.message().contains("not read"), "{status:?}");
    assert!(read < 48, "{read} answers read after {:?}", start.elapsed());
    // The server serves the next caller.
    server
        .client()
        .await
        .normalize(pb::NormalizeRequest {
            document: doc("سلام"),
            ..Default::default()
        })
        .await
        .expect("served");
}

#[tokio::test]
async fn an_honest_caller_is_served_while_many_silent_connections_are_open() {
    let mut config = test_config();
    config.max_connections = 8;
    // Longer than the test: silent connections are closed only to make room.
    config.handshake_timeout = ConfigDuration(Duration::from_secs(60));
    let server = TestServer::start(config).await;
    let mut silent = Vec::new();
    for _ in 0..64 {
        silent.push(
            tokio::net::TcpStream::connect(server.addr)
                .await
                .expect("connect"),
        );
    }
    // The honest caller connects after them and sends its preface at once.
    let mut client = server.client().await;
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        client.normalize(pb::NormalizeRequest {
            document: doc("السَّلامُ عليكم"),
            ..Default::default()
        }),
    )
    .await
    .expect("answered in 10 s");
    answer.expect("the honest caller is served");
    // The oldest silent connection was closed to make room: after the
    // server's SETTINGS it reads the end of the stream (or a reset).
    let mut oldest = silent.remove(0);
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 1024];
        loop {
            match oldest.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the oldest silent connection is still open");
}
